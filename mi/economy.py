"""What the Økonomi screen shows: budget against actual spending, the year-end forecast explained, the target
path, unit prices and what changed since the last import. Every figure is computed in SQL: the marts
mart_economy_* (the screen's selections: table macros whose parameters are the month and the filters),
mart_overspend_path, mart_forecast_changes, mart_measure_change_effects, mart_measures_started_ended and
mart_measure_changes. This module binds the parameters, names the columns in Danish and shapes the rows for
display; it does no arithmetic. It is plain functions of (connection, month, filters): the app caches them in its
UI layer (mi.ui.view).

Filters are lists of values per dimension (empty list: all; bound as NULL, which the marts read as "all"). The committee (`udvalg`) gets aggregates only:
budget areas, the target path and totals, never rows per measure, provider or child (`may_see_detail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from mi import charts, db, fmt

# the finance dimensions: column in the marts → Danish heading
DIMS: dict[str, str] = {
    "budget_area": "Budgetområde",
    "measure_label": "Indsatstype",
    "provider_type": "Leverandørtype",
    "provider_name": "Leverandør",
    "account": "Konto (funktion)",
}
DETAIL_ROLES = ("leder", "oekonomi")
# the kinds of change of a measure: (the heading of its group in the reconciliation, None: not a group there;
# the word in the lists' column "Ændring")
CHANGES: dict[str, tuple[str | None, str]] = {
    "ny": ("Nye indsatser", "ny"),
    "fjernet": ("Fjernet fra data", "fjernet fra data"),
    "afsluttet": ("Afsluttet eller fået slutdato", "afsluttet eller fået slutdato"),
    "forlænget": ("Forlænget", "forlænget"),
    "pris": ("Ændret månedspris", "ændret månedspris"),
    "ændret": ("Andre ændringer", "andet ændret"),
    "startet": ("Startet i måneden", "startet"),
    "startet og afsluttet": (None, "startet og afsluttet"),
}
CHANGE_LABELS = {k: label for k, (label, _) in CHANGES.items() if label}
CHANGE_WORDS = {k: word for k, (_, word) in CHANGES.items()}
# the marts' columns → the Danish headings of the screen's tables and downloads (one name a column everywhere;
# the wide budget table uses the short ones, SHORT)
HEADINGS = {
    **DIMS,
    "category": "Kategori",
    "month": "Måned",
    "series": "Serie",
    "budget_dkk": "Budget",
    "budget_profile_ytd_dkk": "Budget til dato",
    "actual_month_dkk": "Forbrug i måneden",
    "actual_ytd_dkk": "Forbrug år til dato",
    "deviation_ytd_dkk": "Afvigelse til dato",
    "committed_dkk": "Bevilget resten af året",
    "forecast_dkk": "Forventet forbrug",
    "deviation_dkk": "Forventet afvigelse",
    "step_no": "Nr",
    "step": "Trin",
    "step_type": "Type",
    "from_dkk": "Fra",
    "to_dkk": "Til",
    "amount_dkk": "Beløb",
    "measure_id": "Indsats-id",
    "child_id": "Barn (pseudonym)",
    "start_on": "Start",
    "end_on": "Slut",
    "monthly_cost_dkk": "Månedspris",
    "n_children_contracted": "Børn med aktiv indsats",
    "contracted_per_child_dkk": "Kontraktpris pr. barn",
    "n_children_paid": "Børn betalt for",
    "paid_per_child_dkk": "Betalt pr. barn",
    "per_child_dkk": "Kr. pr. barn",
    "n_measures": "Antal indsatser",
}
SHORT = {
    "actual_ytd_dkk": "Forbrug til dato",
    "committed_dkk": "Bevilget resten",
    "forecast_dkk": "Forventet",
}


def named(rows: pl.DataFrame, columns: list[str], short: bool = False, **headings: str) -> pl.DataFrame:
    """The mart's `columns`, in that order, under their Danish headings (HEADINGS; SHORT for a wide table;
    `headings` for a column named otherwise here)."""
    names = {**HEADINGS, **(SHORT if short else {}), **headings}
    return rows.select([pl.col(c).alias(names[c]) for c in columns])


TOP_COMMITMENTS = 25


def may_see_detail(role: str | None) -> bool:
    """Rows per measure, provider and child (and breakdowns below budget area): leder and oekonomi only."""
    return role in DETAIL_ROLES


SECTION_KEY = "oek-sektion"  # the Økonomi page's tabs (their state: the open tab's label)


def sections(detail: bool) -> dict[str, str]:
    """The Økonomi page's sections below the first screen (one tab each) in order: name → the tab's label,
    numbered after section 1 (budget against actual). The committee has no breakdown and no unit prices."""
    names = {
        "breakdown": "Forbruget fordelt",
        "forecast": "Forventet forbrug for året",
        "target": "Merforbruget mod målet",
        "unit_prices": "Enhedspriser",
        "changes": "Ændringer siden sidste indlæsning",
    }
    shown = [n for n in names if detail or n not in ("breakdown", "unit_prices")]
    return {n: f"{i}. {names[n]}" for i, n in enumerate(shown, start=2)}


def dims_for(role: str | None) -> dict[str, str]:
    return DIMS if may_see_detail(role) else {"budget_area": DIMS["budget_area"]}


@dataclass
class Filters:
    """Chosen values per dimension; an empty list means all."""

    chosen: dict[str, list[str]] = field(default_factory=dict)

    def params(self, dims=DIMS) -> dict[str, list[str] | None]:
        """The filters as the marts' parameters (p_budget_area, …): a list of values, None for all."""
        return {f"p_{d}": list(self.chosen.get(d) or []) or None for d in dims}

    @property
    def below_area(self) -> bool:
        """A filter below budget area is set (the budget exists per budget area only)."""
        return any(self.chosen.get(d) for d in DIMS if d != "budget_area")


def options(con: duckdb.DuckDBPyConnection, month: date, role: str | None) -> dict[str, list[str]]:
    """The values each filter offers in the month (spending to date or commitments after it)."""
    dims = dims_for(role)
    rows = db.query(
        con,
        "select dimension, value from mart_economy_filter_values where month = $m order by dimension, value",
        {"m": month},
    )
    out: dict[str, list[str]] = {d: [] for d in dims}
    for dim, value in rows.iter_rows():
        if dim in out:
            out[dim].append(value)
    return out


def headline(pack) -> list[dict]:
    """Budget, actual, forecast and overspend for the year from the month's pack (frozen for the committee), as
    Overblik's cards and the pack's sentences show them (mi.figures.value_text)."""
    keys = ("budget_dkk", "actual_ytd_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk")
    out = []
    for k in keys:
        f = pack.figures[k]
        out.append(
            {
                "key": k,
                "label": f.label,
                "text": f.text(),
                "definition": f.definition,
                "status": f.status,
                "status_label": f.status_label,
                "good": f.good,
                "revision": f.revision_text() if f.is_revised else "",
            }
        )
    return out


# ---- 1. budget against actual ---------------------------------------------------------------------------


def budget_by_area(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """Per budget area (and in total): budget, the budget in twelfths to date, actual to date, committed,
    forecast and the deviations, in whole kroner (mart_economy_budget_areas)."""
    rows = db.select_view(con, "mart_economy_budget_areas", p_month=month, **filters.params(["budget_area"]))
    columns = ["budget_area", "budget_dkk", "budget_profile_ytd_dkk", "actual_ytd_dkk", "deviation_ytd_dkk"]
    return named(rows, [*columns, "committed_dkk", "forecast_dkk", "deviation_dkk"], short=True)


def cumulative(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """Month by month in M's year: actual spending to date (all filters, to M) against the budget in twelfths
    (all twelve months; the chosen budget areas: the budget exists per area only), long format for charts.lines
    (mart_economy_cumulative)."""
    rows = db.select_view(con, "mart_economy_cumulative", p_month=month, **filters.params())
    return named(rows, ["month", "series", "amount_dkk"])


def breakdown(con: duckdb.DuckDBPyConnection, month: date, dim: str, filters: Filters) -> pl.DataFrame:
    """Actual to date, committed and forecast by one dimension within the filters (mart_economy_breakdown)."""
    if dim not in DIMS:
        raise ValueError(f"Ukendt dimension {dim!r}")
    rows = db.select_view(con, "mart_economy_breakdown", p_month=month, p_dim=dim, **filters.params())
    columns = ["category", "actual_month_dkk", "actual_ytd_dkk", "committed_dkk", "forecast_dkk"]
    return named(rows, columns, category=DIMS[dim])


def breakdown_long(frame: pl.DataFrame, dim: str) -> pl.DataFrame:
    """The breakdown as actual to date and committed per category (stacked, they make the forecast)."""
    return frame.unpivot(
        index=DIMS[dim],
        on=["Forbrug år til dato", "Bevilget resten af året"],
        variable_name="Del",
        value_name="Beløb",
    )


# ---- 2. forecast ------------------------------------------------------------------------------------------


def waterfall(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """From the budget to the forecast: the budget, each area's forecast minus its budget as a step, the
    forecast; start and end of every bar (mart_economy_waterfall). No rows when no area has a budget or a forecast
    (e.g. a case system's export without budget and prices)."""
    rows = db.select_view(con, "mart_economy_waterfall", p_month=month, **filters.params(["budget_area"]))
    return named(rows, ["step_no", "step", "step_type", "from_dkk", "to_dkk", "amount_dkk"])


WATERFALL_COLOURS = {
    "Budget": charts.BLUE,
    "Merforbrug": charts.RED,
    "Mindreforbrug": charts.GREEN,
    "Forventet forbrug": charts.SKY,
}


def _step_text(amount: float | None, nr: int) -> str:
    """A total as it is; a step with its sign (+ more than budgeted, - less); millions with two decimals (the
    steps are small beside the totals)."""
    if amount is None:
        return fmt.money(amount)
    text = fmt.mio(abs(amount), 2) if abs(amount) >= 1_000_000 else fmt.kr(abs(amount))
    if nr in (0, 1000) or amount == 0:
        return text
    return ("+" if amount > 0 else "-") + text


def waterfall_chart(frame: pl.DataFrame) -> dict | None:
    if frame.height == 0:  # nothing to draw: the page says so (ui.chart_with_table)
        return None
    order = frame.sort("Nr")["Trin"].to_list()
    data = frame.with_columns(
        (pl.col("Fra") / 1e6).alias("fra0"),
        (pl.col("Til") / 1e6).alias("til"),
        pl.Series(
            "tekst",
            [_step_text(b, n) for n, b in zip(frame["Nr"].to_list(), frame["Beløb"].to_list(), strict=True)],
            dtype=pl.Utf8,
        ),
    )
    # the steps are small beside the totals: the axis starts just below the lowest step (the caption says so)
    steps = data.filter(pl.col("Nr").is_between(1, 999))
    ends = steps["fra0"].to_list() + steps["til"].to_list() + [data["til"].min(), data["til"].max()]
    lo, hi = min(ends), max(ends)
    pad = max((hi - lo) * 0.5, abs(hi) * 0.005, 0.05)
    floor = max(0.0, lo - pad)
    # the totals' bars start at the axis' lower end (not drawn below the plot)
    data = data.with_columns(pl.max_horizontal(pl.col("fra0"), pl.lit(floor)).alias("fra"))
    rows = charts.records(data, "Trin", "Type", "fra", "til", "tekst")
    x = charts.enc("Trin", "nominal", title=None, sort=order, axis={"labelAngle": 0, "labelLimit": 200})
    bars = charts.mark(
        rows,
        "bar",
        {
            "x": x,
            "y": charts.enc(
                "fra",
                "quantitative",
                title="mio. kr. (aksen starter ikke ved 0)",
                axis={"format": ",.1f"},
                scale={"domain": [floor, hi + pad * 0.6], "zero": False, "nice": False},
            ),
            "y2": {"field": "til"},
            "color": charts.enc(
                "Type",
                "nominal",
                title=None,
                scale={"domain": list(WATERFALL_COLOURS), "range": list(WATERFALL_COLOURS.values())},
            ),
            "tooltip": [
                charts.enc("Trin", "nominal", title=""),
                charts.enc("tekst", "nominal", title="beløb"),
            ],
        },
        size=46,
        clip=True,
    )
    labels = charts.mark(
        rows,
        "text",
        {
            "x": charts.enc("Trin", "nominal", sort=order),
            "y": charts.enc("til", "quantitative"),
            "text": charts.enc("tekst", "nominal"),
        },
        dy=-8,
        fontSize=12,
    )
    return charts.finish([bars, labels], height=320)


def commitments(
    con: duckdb.DuckDBPyConnection, month: date, filters: Filters, n: int = TOP_COMMITMENTS
) -> pl.DataFrame:
    """The largest commitments for the rest of the year (one row per measure; pseudonymous ids)."""
    rows = db.select_view(con, "mart_economy_commitments", p_month=month, p_limit=int(n), **filters.params())
    columns = ["measure_id", "child_id", "measure_label", "provider_type", "provider_name", "budget_area"]
    return named(rows, [*columns, "start_on", "end_on", "monthly_cost_dkk", "committed_dkk"])


# ---- 3. target path ---------------------------------------------------------------------------------------


def path(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    return db.query(
        con,
        "select year, budget_dkk, spend_dkk, overspend_dkk, target_dkk, gap_dkk, is_forecast, is_on_track "
        "from mart_overspend_path where month = $m order by year",
        {"m": month},
    )


def path_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("year").cast(pl.Utf8).alias("År"),
        pl.when(pl.col("is_forecast"))
        .then(pl.lit("forventet"))
        .otherwise(pl.lit("regnskab"))
        .alias("Grundlag"),
        pl.col("budget_dkk").round(0).alias("Budget"),
        pl.col("spend_dkk").round(0).alias("Forbrug"),
        pl.col("overspend_dkk").round(0).alias("Merforbrug"),
        pl.col("target_dkk").round(0).alias("Mål for merforbrug"),
        pl.col("gap_dkk").round(0).alias("Afstand til målet"),
        pl.when(pl.col("is_on_track").is_null())
        .then(pl.lit("–"))
        .when(pl.col("is_on_track"))
        .then(pl.lit("Ja"))
        .otherwise(pl.lit("Nej"))
        .alias("På målet"),
    )


def path_status(frame: pl.DataFrame) -> dict | None:
    """The chosen year's row: on track or not, and the gap in kroner, in words."""
    cur = frame.filter(pl.col("is_forecast"))
    if cur.height == 0 or cur["overspend_dkk"][0] is None:
        return None
    r = cur.row(0, named=True)
    gap = r["gap_dkk"]
    if r["is_on_track"]:
        text = f"På målet: det forventede merforbrug er {fmt.money(-gap)} under målet for {r['year']}."
        status, label = "god", "På målet"
    else:
        text = f"Over målet: det forventede merforbrug er {fmt.money(gap)} over målet for {r['year']}."
        status, label = "daarlig", "Over målet"
    return {"status": status, "label": label, "text": text, **r}


# ---- 4. unit prices ---------------------------------------------------------------------------------------


def unit_prices(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """Average monthly cost per child by measure type and provider type: contracted (measures active at the
    month's end) beside paid (the month's postings) (mart_economy_unit_prices)."""
    rows = db.select_view(
        con, "mart_economy_unit_prices", p_month=month, **filters.params(["measure_label", "provider_type"])
    )
    columns = ["measure_label", "provider_type", "n_children_contracted", "contracted_per_child_dkk"]
    return named(rows, [*columns, "n_children_paid", "paid_per_child_dkk"])


def unit_prices_long(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col("Indsatstype") + " · " + pl.col("Leverandørtype")).alias("Indsats og leverandørtype")
    ).unpivot(
        index="Indsats og leverandørtype",
        on=["Kontraktpris pr. barn", "Betalt pr. barn"],
        variable_name="Pris",
        value_name="Kr. pr. barn",
    )


def unit_price_chart(frame: pl.DataFrame) -> dict:
    """Contracted beside paid price per child: one line per measure and provider type with a dot for each
    (a dumbbell; the gap between the dots is the difference), in the frame's order."""
    long = unit_prices_long(frame).filter(pl.col("Kr. pr. barn").is_not_null())
    # plain field names: Vega-Lite reads a '.' in a field name as a nested field
    data = long.select(
        pl.col("Indsats og leverandørtype").alias("kat"),
        pl.col("Pris").alias("pris"),
        pl.col("Kr. pr. barn").alias("v"),
        fmt.kr_expr(pl.col("Kr. pr. barn")).alias("tekst"),
    )
    order = list(dict.fromkeys(frame["Indsatstype"] + " · " + frame["Leverandørtype"]))
    rows = charts.records(data)
    y = charts.enc("kat", "nominal", title=None, sort=order, axis={"labelLimit": 360})
    kinds = ["Kontraktpris pr. barn", "Betalt pr. barn"]
    link = charts.mark(
        rows,
        "rule",
        {
            "y": y,
            "x": {"field": "v", "aggregate": "min", "type": "quantitative"},
            "x2": {"field": "v", "aggregate": "max"},
        },
        color=charts.GREY,
        strokeWidth=1.5,
    )
    dots = charts.mark(
        rows,
        "point",
        {
            "y": y,
            "x": charts.enc("v", "quantitative", title="kr. pr. barn pr. måned", axis={"format": ",d"}),
            "color": charts.enc(
                "pris", "nominal", title=None, scale={"domain": kinds, "range": [charts.BLUE, charts.ORANGE]}
            ),
            "shape": charts.enc(
                "pris", "nominal", title=None, scale={"domain": kinds, "range": ["circle", "diamond"]}
            ),
            "tooltip": [
                charts.enc("kat", "nominal", title=""),
                charts.enc("pris", "nominal", title=""),
                charts.enc("tekst", "nominal", title=""),
            ],
        },
        filled=True,
        size=90,
        opacity=1,
    )
    return charts.finish([link, dots], height=22 * len(order) + 90)


def unit_price_types(con: duckdb.DuckDBPyConnection, month: date) -> list[str]:
    """The measure types with a unit price in the month."""
    rows = db.select_view(con, "mart_economy_unit_prices", p_month=month)
    return rows["measure_label"].unique(maintain_order=True).to_list()


def unit_price_trend(
    con: duckdb.DuckDBPyConnection, month: date, measure_label: str, months: int = 24
) -> pl.DataFrame:
    """The measure type's contracted and paid price per child month by month, per provider type
    (mart_economy_unit_price_trend)."""
    rows = db.select_view(
        con,
        "mart_economy_unit_price_trend",
        p_month=month,
        p_measure_label=measure_label,
        p_months=int(months),
    )
    return named(rows, ["month", "series", "per_child_dkk"])


# ---- 5. changes since the last import ---------------------------------------------------------------------


def forecast_change(con: duckdb.DuckDBPyConnection, month: date) -> dict:
    rows = db.query(con, "select * from mart_forecast_changes where month = $m", {"m": month})
    return rows.row(0, named=True) if rows.height else {"has_previous": False}


def reconciliation(con: duckdb.DuckDBPyConnection, month: date, detail: bool = True) -> pl.DataFrame:
    """Previous import's forecast + the change in actual spending + the measures' effects by kind = this
    import's forecast (in whole øre that add up as shown), one line each; empty with a single import
    (mart_economy_reconciliation). Without `detail` (the committee) the measures' effects are one line, without
    the number of measures."""
    rows = db.select_view(con, "mart_economy_reconciliation", p_month=month, p_detail=detail)
    frame = rows.select(
        pl.col("item")
        .str.replace_many(
            [f"Virkning: {k}" for k in CHANGE_LABELS],
            [f"Virkning: {v.lower()}" for v in CHANGE_LABELS.values()],
        )
        .alias("Post"),
        pl.col("n_measures").alias("Antal indsatser"),
        pl.col("amount_dkk").alias("Beløb"),
    )
    return frame if detail else frame.drop("Antal indsatser")


def started_ended(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """With a single import: the measures started or ended in the month, one row each."""
    return db.query(
        con,
        """select measure_id as "Indsats-id", coalesce(measure_label, measure_code) as "Indsatstype",
               provider_type as "Leverandørtype", provider_name as "Leverandør", change_type as "Ændring",
               start_on as "Start", current_end_on as "Slut", current_monthly_cost_dkk as "Månedspris",
           from mart_measure_changes where month = $m and effect_dkk is null
           order by change_type desc, "Indsatstype", measure_id""",
        {"m": month},
    )


def started_ended_by_type(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """With a single import: how many measures of each type started and ended in the month, and their monthly
    costs (mart_measures_started_ended)."""
    return db.query(
        con,
        """select measure_type as "Indsatstype", n_started as "Startet", n_ended as "Afsluttet",
               started_monthly_dkk as "Månedspris, startede", ended_monthly_dkk as "Månedspris, afsluttede",
           from mart_measures_started_ended where month = $m order by measure_type""",
        {"m": month},
    )


def effects_by_type(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """The measures' effects on the forecast summed by measure type and kind of change
    (mart_measure_change_effects)."""
    return db.query(
        con,
        """select measure_type as "Indsatstype", change_type as "Ændring", n_measures as "Antal indsatser",
               effect_dkk as "Virkning på forventet forbrug"
           from mart_measure_change_effects where month = $m order by measure_type, change_type""",
        {"m": month},
    ).with_columns(pl.col("Ændring").replace(CHANGE_WORDS))


def measure_changes(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """The changed measures (or, with a single import, those started or ended in the month), one row each."""
    return db.query(
        con,
        """select measure_id as "Indsats-id", coalesce(measure_label, measure_code) as "Indsatstype",
               provider_name as "Leverandør", change_type as "Ændring", start_on as "Start",
               previous_end_on as "Slut før", current_end_on as "Slut nu",
               previous_monthly_cost_dkk as "Månedspris før", current_monthly_cost_dkk as "Månedspris nu",
               round(effect_dkk, 2) as "Virkning på forventet forbrug",
           from mart_measure_changes where month = $m
           order by abs(coalesce(effect_dkk, 0)) desc, change_type, measure_id""",
        {"m": month},
    ).with_columns(pl.col("Ændring").replace(CHANGE_WORDS))


# ---- display --------------------------------------------------------------------------------------------


def hbars(
    frame: pl.DataFrame, category: str, value: str, color: str, unit: str = "dkk", stack: bool = False
) -> dict:
    """Horizontal bars per category (amounts in mio. kr. or kroner), grouped or stacked by `color`, with room
    for long category labels; categories in the frame's order."""
    scale = 1e6 if unit == "dkk" else 1
    data = frame.filter(pl.col(value).is_not_null())
    order = list(dict.fromkeys(frame[category].to_list()))
    kinds = list(dict.fromkeys(frame[color].to_list()))
    data = data.with_columns(
        (pl.col(value) / scale).alias("y"),
        fmt.kr_expr(pl.col(value)).alias("tekst"),
        pl.col(color).replace_strict(kinds, list(range(len(kinds)))).alias("rank"),
    )
    encoding = {
        "y": charts.enc(category, "nominal", title=None, sort=order, axis={"labelLimit": 360}),
        "x": charts.enc(
            "y",
            "quantitative",
            title="mio. kr." if unit == "dkk" else "kr. pr. barn",
            axis={"format": ",.1f" if unit == "dkk" else ",d"},
            stack="zero" if stack else None,
        ),
        "color": charts.enc(
            color,
            "nominal",
            title=None,
            sort=kinds,
            scale={"domain": kinds, "range": charts.PALETTE[: len(kinds)]},
        ),
        "order": charts.enc("rank", "quantitative"),
        "tooltip": [
            charts.enc(category, "nominal", title=""),
            charts.enc(color, "nominal", title=""),
            charts.enc("tekst", "nominal", title="beløb"),
        ],
    }
    if not stack:
        encoding["yOffset"] = charts.enc(color, "nominal", sort=kinds)
    per_row = 22 * (1 if stack else len(kinds)) + 14
    chart = charts.mark(charts.records(data, category, color, "y", "tekst", "rank"), "bar", encoding)
    # the height holds the legend and the axis as well (width='container' makes Vega-Lite fit inside it)
    return charts.finish(chart, height=per_row * len(order) + 110)
