"""mi.charts.memo and mi.ui.vega_spec: a page that runs again gets the charts it drew before, and only for the same
rows; the spec Streamlit receives is a fresh copy each time."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from mi import charts, economy, ui


def months(values: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"month": [date(2024, m, 1) for m in (1, 2, 3)], "n": values, "serie": ["A"] * 3})


def test_same_rows_give_the_same_chart_other_rows_a_new_one():
    charts.clear_memo()
    first = charts.lines(months([1, 2, 3]), "month", "n", "serie", "count")
    # an equal frame built anew (another object, the same rows) gets the chart already built
    assert charts.lines(months([1, 2, 3]), "month", "n", "serie", "count") is first
    # one value changed, or another unit: a new chart with the new rows
    other = charts.lines(months([1, 2, 4]), "month", "n", "serie", "count")
    assert other is not first
    # (a one-layer chart's rows move up to the top level)
    assert [r["y"] for r in other.to_dict()["data"]["values"]] == [1, 2, 4]
    assert charts.lines(months([1, 2, 3]), "month", "n", "serie", "share") is not first
    charts.clear_memo()
    assert charts.lines(months([1, 2, 3]), "month", "n", "serie", "count") is not first


def test_identity_memo_tells_equal_frames_apart():
    # economy.danish is kept per frame object (the cached screen functions return the same object each run)
    a, b = pl.DataFrame({"Beløb": [1234.0]}), pl.DataFrame({"Beløb": [1234.0]})
    assert economy.danish(a) is economy.danish(a)
    assert economy.danish(b) is not economy.danish(a)
    assert economy.danish(a)["Beløb"].to_list() == ["1.234 kr."]


def test_the_spec_is_checked_once_and_handed_out_as_a_fresh_copy():
    chart = charts.bars(pl.DataFrame({"k": ["x", "y"], "v": [3, 5]}), "k", "v", "count")
    spec = ui.vega_spec(chart)
    assert spec == chart.to_dict()
    spec["layer"] = "changed by Streamlit"
    assert ui.vega_spec(chart) == chart.to_dict()  # the kept spec is untouched


def test_bars_with_labels_leave_room_after_the_longest_bar():
    # the label written after the longest bar (25) must not be cut off: the axis runs to 25 × 1,12 = 28
    frame = pl.DataFrame({"k": ["x", "y"], "v": [10, 25], "t": ["10", "25"]})
    spec = charts.bars(frame, "k", "v", "count", label="t").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domainMax"] == pytest.approx(28)
