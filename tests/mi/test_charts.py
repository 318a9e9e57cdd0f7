"""mi.charts: chart specs are plain Vega-Lite dicts, checked against the Vega-Lite schema here, once, and not when a
page runs; mi.ui.vega_spec hands Streamlit a copy of what Streamlit changes; charts.memo keeps a result per
rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import jsonschema
import polars as pl
import pytest

from mi import charts, economy, staff, ui


def months(values: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"month": [date(2024, m, 1) for m in (1, 2, 3)], "n": values, "serie": ["A"] * 3})


BREAKDOWN = pl.DataFrame(
    {
        "Budgetområde": ["Anbringelser", "Anbringelser", "Forebyggende", "Forebyggende"],
        "Del": ["Forbrug år til dato", "Bevilget resten af året"] * 2,
        "Beløb": [1_200_000.0, 300_000.0, 450_000.0, None],
    }
)
WATERFALL = pl.DataFrame(
    {
        "Nr": [0, 1, 1000],
        "Trin": ["Budget", "Anbringelser", "Forventet forbrug"],
        "Type": ["Budget", "Mindreforbrug", "Forventet forbrug"],
        "Fra": [0.0, 1_260_000.0, 0.0],
        "Til": [1_260_000.0, 1_165_000.0, 1_165_000.0],
        "Beløb": [1_260_000.0, -95_000.0, 1_165_000.0],
    }
)
UNIT_PRICES = pl.DataFrame(
    {
        "Indsatstype": ["Plejefamilie", "Institution"],
        "Leverandørtype": ["kommunal", "privat"],
        "Børn med aktiv indsats": [3, 2],
        "Kontraktpris pr. barn": [30_000.0, 80_000.0],
        "Børn betalt for": [3, 1],
        "Betalt pr. barn": [29_000.0, None],
    }
)
TEAMS = pl.DataFrame({"unit": ["Nord", "Syd"], "v": [22.5, 14.0], "s": ["Over normen", "Inden for normen"]})
HEADCOUNT = pl.DataFrame(
    {
        "team": ["Nord", "Nord", "Syd"],
        "headcount": [4, 1, 3],
        "rolle": ["Rådgiver", "Leder"] * 1 + ["Rådgiver"],
    }
)
LADDER = pl.DataFrame(
    {
        "ladder_step": [1, 2],
        "step_label": ["Forebyggende", "Netværk"],
        "children": [12, 5],
        "shown": ["12", "5"],
    }
)

SPECS = {
    "lines": lambda: charts.lines(months([1, 2, 3]), "month", "n", "serie", "count"),
    "lines, band, target, group, colours": lambda: charts.lines(
        months([1, 2, 3]).with_columns(pl.lit(2.0).alias("t"), pl.lit(2024).alias("år")),
        "month",
        "n",
        "serie",
        "dkk",
        band=(1.0, 2.0),
        target="t",
        group="år",
        colors={"A": charts.ORANGE},
    ),
    "lines, one series": lambda: charts.lines(months([1, 2, 3]), "month", "n", None, "share"),
    "bars with labels": lambda: charts.bars(
        pl.DataFrame({"k": ["x", "y"], "v": [10, 25], "t": ["10", "<5"]}), "k", "v", "count", label="t"
    ),
    "bars, vertical, coloured": lambda: charts.bars(
        pl.DataFrame({"år": ["2023", "2024"], "kr": [3, 5], "del": ["A", "B"]}),
        "år",
        "kr",
        "kr",
        color="del",
        horizontal=False,
        sort=["2024", "2023"],
    ),
    "ladder": lambda: charts.ladder(LADDER),
    "economy.waterfall_chart": lambda: economy.waterfall_chart(WATERFALL),
    "economy.unit_price_chart": lambda: economy.unit_price_chart(UNIT_PRICES),
    "economy.hbars stacked": lambda: economy.hbars(BREAKDOWN, "Budgetområde", "Beløb", "Del", stack=True),
    "economy.hbars side by side": lambda: economy.hbars(BREAKDOWN, "Budgetområde", "Beløb", "Del", unit="kr"),
    "staff._hbars with the norm": lambda: staff._hbars(
        TEAMS, "unit", "v", "ratio", color="s", colours=True, band=(15.0, 20.0)
    ),
    "staff._hbars, counts": lambda: staff._hbars(TEAMS, "unit", "v", "count"),
    "staff._stacked": lambda: staff._stacked(HEADCOUNT, "team", "headcount", "rolle", "ansatte"),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_every_chart_spec_is_valid_vega_lite(name):
    spec = SPECS[name]()
    assert isinstance(spec, dict)
    charts.validate(spec)
    # the common look and the text alternative
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["width"] == "container" and spec["height"] > 0
    assert charts.describe(spec).endswith(".") and charts.describe(spec) != "Diagram."


def test_a_broken_spec_is_refused():
    spec = charts.lines(months([1, 2, 3]), "month", "n", "serie", "count")
    broken = {**spec, "layer": [{**spec["layer"][0], "mark": {"type": "linje"}}]}
    with pytest.raises(jsonschema.ValidationError):
        charts.validate(broken)


def test_records_are_json_ready_and_only_the_columns_asked_for():
    frame = pl.DataFrame(
        {"m": [date(2024, 3, 1)], "d": [Decimal("12.50")], "x": ["a"], "unused": [1]},
        schema_overrides={"d": pl.Decimal(10, 2)},
    )
    assert charts.records(frame, "m", "d", "x", "m") == [{"m": "2024-03-01", "d": 12.5, "x": "a"}]


def test_lines_carry_only_the_rows_with_a_value_scaled_to_millions():
    spec = charts.lines(
        pl.DataFrame({"month": [date(2024, 1, 1), date(2024, 2, 1)], "v": [2_500_000.0, None]}),
        "month",
        "v",
        None,
        "dkk",
    )
    (line,) = spec["layer"]
    # 2.500.000 kr. = 2,5 mio. kr.; the month without a value is left out
    assert line["data"]["values"] == [{"month": "2024-01-01", "y": 2.5}]


def test_bars_with_labels_leave_room_after_the_longest_bar():
    # the label written after the longest bar (25) must not be cut off: the axis runs to 25 × 1,12 = 28
    spec = SPECS["bars with labels"]()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domainMax"] == pytest.approx(28)
    assert [r["t"] for r in spec["layer"][1]["data"]["values"]] == ["10", "<5"]


def test_finish_draws_a_list_as_layers_and_replaces_the_look():
    unit = charts.mark(
        [{"a": "x", "b": 1}], "bar", {"x": charts.enc("a", "nominal"), "y": charts.enc("b", "quantitative")}
    )
    spec = charts.finish({**unit, "config": {"font": "Comic Sans"}, "height": 10}, height=220)
    charts.validate(spec)
    assert spec["height"] == 220 and spec["width"] == "container" and spec["config"] is charts.CONFIG
    assert spec["mark"] == {"type": "bar"} and spec["data"]["values"] == [{"a": "x", "b": 1}]
    layered = charts.finish([unit, unit])
    charts.validate(layered)
    assert layered["layer"] == [unit, unit] and layered["height"] == 280


def test_streamlit_gets_a_copy_of_what_it_changes():
    spec = charts.bars(
        pl.DataFrame({"k": ["x", "y"], "v": [3, 5], "c": ["a", "b"]}), "k", "v", "count", color="c"
    )
    given = ui.vega_spec(spec)
    # what Streamlit does to a spec: a null legend title becomes " ", a description is set
    given["encoding"]["color"]["title"] = " "
    given["description"] = "changed"
    assert spec["encoding"]["color"]["title"] is None and "description" not in spec
    assert given["data"] is spec["data"]  # the rows are not copied


def test_memo_same_rows_give_the_same_result_other_rows_a_new_one():
    made = []

    @charts.memo
    def build(frame: pl.DataFrame) -> dict:
        made.append(frame.height)
        return {"rows": frame.rows()}

    charts.clear_memo()
    first = build(months([1, 2, 3]))
    assert build(months([1, 2, 3])) is first  # an equal frame built anew: the result already made
    assert build(months([1, 2, 4])) is not first
    charts.clear_memo()
    assert build(months([1, 2, 3])) is not first
    assert made == [3, 3, 3]
