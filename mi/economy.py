"""What the Økonomi screen shows: budget against actual spending, the year-end forecast explained, the target
path, unit prices and what changed since the last import. Every figure is selected from a mart
(mart_budget_area_monthly, mart_spend_ytd, mart_commitments, mart_overspend_path, mart_unit_prices_monthly,
mart_measure_changes, mart_forecast_changes); this module only filters, groups and shapes the rows for display.

Filters are lists of values per dimension (empty list: all). The committee (`udvalg`) gets aggregates only:
budget areas, the target path and totals, never rows per measure, provider or child (`may_see_detail`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import altair as alt
import duckdb
import polars as pl

from mi import charts, db, fmt, ui

# the finance dimensions: column in the marts → Danish heading
DIMS: dict[str, str] = {
    "budget_area": "Budgetområde",
    "measure_label": "Indsatstype",
    "provider_type": "Leverandørtype",
    "provider_name": "Leverandør",
    "account": "Konto (funktion)",
}
DETAIL_ROLES = ("leder", "oekonomi")
CHANGE_LABELS = {
    "ny": "Nye indsatser",
    "fjernet": "Fjernet fra data",
    "afsluttet": "Afsluttet eller fået slutdato",
    "forlænget": "Forlænget",
    "pris": "Ændret månedspris",
    "ændret": "Andre ændringer",
    "startet": "Startet i måneden",
}
# one measure's kind of change, in words (the lists' column "Ændring")
CHANGE_WORDS = {
    "ny": "ny",
    "fjernet": "fjernet fra data",
    "afsluttet": "afsluttet eller fået slutdato",
    "forlænget": "forlænget",
    "pris": "ændret månedspris",
    "ændret": "andet ændret",
    "startet": "startet",
    "startet og afsluttet": "startet og afsluttet",
}
TOP_COMMITMENTS = 25


def may_see_detail(role: str | None) -> bool:
    """Rows per measure, provider and child (and breakdowns below budget area): leder and oekonomi only."""
    return role in DETAIL_ROLES


def dims_for(role: str | None) -> dict[str, str]:
    return DIMS if may_see_detail(role) else {"budget_area": DIMS["budget_area"]}


@dataclass
class Filters:
    """Chosen values per dimension; an empty list means all."""

    chosen: dict[str, list[str]] = field(default_factory=dict)

    def params(self) -> dict[str, list[str]]:
        return {f"f_{d}": list(self.chosen.get(d) or []) for d in DIMS}

    @property
    def below_area(self) -> bool:
        """A filter below budget area is set (the budget exists per budget area only)."""
        return any(self.chosen.get(d) for d in DIMS if d != "budget_area")


def _where(dims=DIMS) -> str:
    return " and ".join(f"(len($f_{d}) = 0 or list_contains($f_{d}, {d}))" for d in dims)


# actual spending to date and the commitments for the rest of the year on one grain (month M), so that every
# breakdown and filter gives actual + committed = forecast exactly as mart_kpi_monthly's forecast_dkk
_DETAIL = """
with actual as (
    select budget_area, coalesce(measure_label, 'Ukendt indsats') as measure_label, provider_type,
        coalesce(provider_name, 'Ukendt leverandør') as provider_name, account,
        actual_ytd_dkk, coalesce(actual_month_dkk, 0) as actual_month_dkk, 0.0 as committed_dkk,
    from mart_spend_ytd where month = $m
),
committed as (
    select c.budget_area, coalesce(c.measure_label, 'Ukendt indsats') as measure_label, c.provider_type,
        coalesce(c.provider_name, 'Ukendt leverandør') as provider_name,
        coalesce(cat.account_function, 'Ukendt konto') as account,
        0.0 as actual_ytd_dkk, 0.0 as actual_month_dkk, c.committed_dkk,
    from mart_commitments as c left join stg_catalogue as cat on cat.measure_code = c.measure_code
    where c.month = $m
),
detail as (
    select * from actual union all by name select * from committed
)
"""


@ui.cached
def options(con: duckdb.DuckDBPyConnection, month: date, role: str | None) -> dict[str, list[str]]:
    """The values each filter offers in the month (spending to date or commitments after it), in one pass."""
    dims = dims_for(role)
    lists = ", ".join(f"list(distinct {d} order by {d}) filter (where {d} is not null) as {d}" for d in dims)
    row = db.query(con, _DETAIL + f"select {lists} from detail", {"m": month}).row(0, named=True)
    return {d: row[d] or [] for d in dims}


def headline(pack) -> list[dict]:
    """Budget, actual, forecast and overspend for the year from the month's pack (frozen for the committee)."""
    keys = ("budget_dkk", "actual_ytd_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk")
    out = []
    for k in keys:
        f = pack.figures[k]
        v = f.value if not isinstance(f.value, str) else None
        out.append(
            {
                "key": k,
                "label": f.label,
                "text": fmt.money(v),
                "definition": f.definition,
                "status": f.status,
                "status_label": f.status_label,
                "good": f.good,
                "revision": f.revision_text() if f.is_revised else "",
            }
        )
    return out


# ---- 1. budget against actual ---------------------------------------------------------------------------


@ui.cached
def budget_by_area(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """Per budget area (and in total): budget, the budget in twelfths to date, actual to date, committed,
    forecast and the deviations, in whole kroner."""
    sql = f"""
        select coalesce(budget_area, 'I alt') as "Budgetområde",
            round(sum(budget_dkk)) as "Budget",
            round(sum(budget_profile_ytd_dkk)) as "Budget til dato",
            round(sum(actual_ytd_dkk)) as "Forbrug til dato",
            round(sum(actual_ytd_dkk) - sum(budget_profile_ytd_dkk)) as "Afvigelse til dato",
            round(sum(committed_dkk)) as "Bevilget resten",
            round(sum(forecast_dkk)) as "Forventet",
            round(sum(forecast_dkk) - sum(budget_dkk)) as "Forventet afvigelse",
        from mart_budget_area_monthly
        where month = $m and {_where(["budget_area"])}
            and (budget_dkk is not null or actual_ytd_dkk <> 0 or committed_dkk <> 0)
        group by grouping sets ((budget_area), ())
        order by grouping(budget_area), budget_area
    """
    return db.query(con, sql, {"m": month, "f_budget_area": filters.params()["f_budget_area"]})


@ui.cached
def cumulative(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """Month by month in M's year: actual spending to date (all filters, to M) against the budget in twelfths
    (all twelve months; the chosen budget areas: the budget exists per area only), long format for charts.lines."""
    sql = f"""
        with profile as (
            select month, sum(budget_profile_ytd_dkk) as v from mart_budget_profile
            where year = year($m) and {_where(["budget_area"])} group by month
        ),
        spent as (
            select s.month, sum(s.actual_ytd_dkk) as v from mart_spend_ytd as s
            where year(s.month) = year($m) and s.month <= $m and {_where()} group by s.month
        )
        select month as "Måned", 'Budget (1/12-dele)' as "Serie", round(v) as "Beløb" from profile
        union all
        select month, 'Forbrug år til dato', round(v) from spent
        order by 2, 1
    """
    return db.query(con, sql, {"m": month, **filters.params()})


@ui.cached
def breakdown(con: duckdb.DuckDBPyConnection, month: date, dim: str, filters: Filters) -> pl.DataFrame:
    """Actual to date, committed and forecast by one dimension within the filters."""
    if dim not in DIMS:
        raise ValueError(f"Ukendt dimension {dim!r}")
    sql = (
        _DETAIL
        + f"""
        select {dim} as "{DIMS[dim]}",
            round(sum(actual_month_dkk)) as "Forbrug i måneden",
            round(sum(actual_ytd_dkk)) as "Forbrug år til dato",
            round(sum(committed_dkk)) as "Bevilget resten af året",
            round(sum(actual_ytd_dkk) + sum(committed_dkk)) as "Forventet forbrug",
        from detail where {_where()}
        group by {dim} order by "Forventet forbrug" desc
    """
    )
    return db.query(con, sql, {"m": month, **filters.params()})


def breakdown_long(frame: pl.DataFrame, dim: str) -> pl.DataFrame:
    """The breakdown as actual to date and committed per category (stacked, they make the forecast)."""
    return frame.unpivot(
        index=DIMS[dim],
        on=["Forbrug år til dato", "Bevilget resten af året"],
        variable_name="Del",
        value_name="Beløb",
    )


# ---- 2. forecast ------------------------------------------------------------------------------------------


@ui.cached
def waterfall(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """From the budget to the forecast: the budget, each area's forecast minus its budget as a step, the
    forecast; start and end of every bar."""
    sql = f"""
        with a as (
            select budget_area, coalesce(budget_dkk, 0) as b, forecast_dkk as f, forecast_dkk - coalesce(budget_dkk, 0) as d
            from mart_budget_area_monthly
            where month = $m and {_where(["budget_area"])} and (budget_dkk is not null or forecast_dkk <> 0)
        ),
        steps as (
            select row_number() over (order by budget_area) as ord, budget_area as label, d,
                (select sum(b) from a) + sum(d) over (order by budget_area rows between unbounded preceding
                    and current row) - d as start_dkk,
            from a
        )
        select 0 as "Nr", 'Budget' as "Trin", 'Budget' as "Type", 0.0 as "Fra", round((select sum(b) from a)) as "Til",
            round((select sum(b) from a)) as "Beløb"
        union all
        select ord, label, case when d > 0 then 'Merforbrug' else 'Mindreforbrug' end,
            round(start_dkk), round(start_dkk + d), round(d)
        from steps
        union all
        select 1000, 'Forventet forbrug', 'Forventet forbrug', 0.0, round((select sum(f) from a)),
            round((select sum(f) from a))
        order by 1
    """
    return db.query(con, sql, {"m": month, "f_budget_area": filters.params()["f_budget_area"]})


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


@charts.memo
def waterfall_chart(frame: pl.DataFrame) -> alt.Chart:
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
    base = alt.Chart(alt.Data(values=charts._records(data)))
    bars = base.mark_bar(size=46, clip=True).encode(
        x=alt.X("Trin:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelLimit=200)),
        y=alt.Y(
            "fra:Q",
            title="mio. kr. (aksen starter ikke ved 0)",
            axis=alt.Axis(format=",.1f"),
            scale=alt.Scale(domain=[floor, hi + pad * 0.6], zero=False, nice=False),
        ),
        y2="til:Q",
        color=alt.Color(
            "Type:N",
            title=None,
            scale=alt.Scale(domain=list(WATERFALL_COLOURS), range=list(WATERFALL_COLOURS.values())),
        ),
        tooltip=[alt.Tooltip("Trin:N", title=""), alt.Tooltip("tekst:N", title="beløb")],
    )
    labels = base.mark_text(dy=-8, fontSize=12).encode(
        x=alt.X("Trin:N", sort=order), y=alt.Y("til:Q"), text="tekst:N"
    )
    return charts.finish(alt.layer(bars, labels), height=320)


@ui.cached
def commitments(
    con: duckdb.DuckDBPyConnection, month: date, filters: Filters, n: int = TOP_COMMITMENTS
) -> pl.DataFrame:
    """The largest commitments for the rest of the year (one row per measure; pseudonymous ids)."""
    sql = f"""
        with c as (
            select c.* replace (
                    coalesce(c.measure_label, 'Ukendt indsats') as measure_label,
                    coalesce(c.provider_name, 'Ukendt leverandør') as provider_name
                ),
                coalesce(cat.account_function, 'Ukendt konto') as account,
            from mart_commitments as c left join stg_catalogue as cat on cat.measure_code = c.measure_code
            where c.month = $m
        )
        select measure_id as "Indsats-id", child_id as "Barn (pseudonym)", measure_label as "Indsatstype",
            provider_type as "Leverandørtype", provider_name as "Leverandør", budget_area as "Budgetområde",
            start_on as "Start", end_on as "Slut", round(monthly_cost_dkk) as "Månedspris",
            round(committed_dkk) as "Bevilget resten af året",
        from c
        where {_where()}
        order by committed_dkk desc, measure_id
        limit {int(n)}
    """
    return db.query(con, sql, {"m": month, **filters.params()})


# ---- 3. target path ---------------------------------------------------------------------------------------


@ui.cached
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


_UNIT = """
    select u.month, coalesce(cat.label_da, u.measure_code) as measure_label, u.provider_type,
        u.n_children_contracted, u.contracted_per_child_dkk, u.n_children_paid, u.paid_per_child_dkk,
    from mart_unit_prices_monthly as u left join stg_catalogue as cat on cat.measure_code = u.measure_code
"""


@ui.cached
def unit_prices(con: duckdb.DuckDBPyConnection, month: date, filters: Filters) -> pl.DataFrame:
    """Average monthly cost per child by measure type and provider type: contracted (measures active at the
    month's end) beside paid (the month's postings)."""
    sql = f"""
        with u as ({_UNIT} where u.month = $m)
        select measure_label as "Indsatstype", provider_type as "Leverandørtype",
            n_children_contracted as "Børn med aktiv indsats", round(contracted_per_child_dkk) as "Kontraktpris pr. barn",
            n_children_paid as "Børn betalt for", round(paid_per_child_dkk) as "Betalt pr. barn",
        from u
        where (len($f_measure_label) = 0 or list_contains($f_measure_label, measure_label))
            and (len($f_provider_type) = 0 or list_contains($f_provider_type, provider_type))
            and (contracted_per_child_dkk is not null or paid_per_child_dkk is not null)
        order by 1, 2
    """
    p = filters.params()
    return db.query(
        con,
        sql,
        {"m": month, "f_measure_label": p["f_measure_label"], "f_provider_type": p["f_provider_type"]},
    )


def unit_prices_long(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col("Indsatstype") + " · " + pl.col("Leverandørtype")).alias("Indsats og leverandørtype")
    ).unpivot(
        index="Indsats og leverandørtype",
        on=["Kontraktpris pr. barn", "Betalt pr. barn"],
        variable_name="Pris",
        value_name="Kr. pr. barn",
    )


@charts.memo
def unit_price_chart(frame: pl.DataFrame) -> alt.Chart:
    """Contracted beside paid price per child: one line per measure and provider type with a dot for each
    (a dumbbell; the gap between the dots is the difference), in the frame's order."""
    long = unit_prices_long(frame).filter(pl.col("Kr. pr. barn").is_not_null())
    # plain field names: Vega-Lite reads a '.' in a field name as a nested field
    data = long.select(
        pl.col("Indsats og leverandørtype").alias("kat"),
        pl.col("Pris").alias("pris"),
        pl.col("Kr. pr. barn").alias("v"),
        fmt.texts(long["Kr. pr. barn"], fmt.kr, "tekst"),
    )
    order = list(dict.fromkeys(frame["Indsatstype"] + " · " + frame["Leverandørtype"]))
    base = alt.Chart(alt.Data(values=charts._records(data)))
    y = alt.Y("kat:N", title=None, sort=order, axis=alt.Axis(labelLimit=360))
    kinds = ["Kontraktpris pr. barn", "Betalt pr. barn"]
    link = base.mark_rule(color=charts.GREY, strokeWidth=1.5).encode(
        y=y, x=alt.X("min(v):Q"), x2=alt.X2("max(v):Q")
    )
    dots = base.mark_point(filled=True, size=90, opacity=1).encode(
        y=y,
        x=alt.X("v:Q", title="kr. pr. barn pr. måned", axis=alt.Axis(format=",d")),
        color=alt.Color(
            "pris:N", title=None, scale=alt.Scale(domain=kinds, range=[charts.BLUE, charts.ORANGE])
        ),
        shape=alt.Shape("pris:N", title=None, scale=alt.Scale(domain=kinds, range=["circle", "diamond"])),
        tooltip=[
            alt.Tooltip("kat:N", title=""),
            alt.Tooltip("pris:N", title=""),
            alt.Tooltip("tekst:N", title=""),
        ],
    )
    return charts.finish(alt.layer(link, dots), height=22 * len(order) + 90)


@ui.cached
def unit_price_types(con: duckdb.DuckDBPyConnection, month: date) -> list[str]:
    rows = db.query(
        con, f"select distinct measure_label from ({_UNIT} where u.month = $m) order by 1", {"m": month}
    )
    return rows["measure_label"].to_list()


@ui.cached
def unit_price_trend(
    con: duckdb.DuckDBPyConnection, month: date, measure_label: str, months: int = 24
) -> pl.DataFrame:
    """The measure type's contracted and paid price per child month by month, per provider type."""
    sql = f"""
        with u as ({_UNIT} where u.month between $m - to_months({int(months) - 1}) and $m)
        select month as "Måned", provider_type || ' · kontrakt' as "Serie", round(contracted_per_child_dkk) as "Kr. pr. barn"
        from u where measure_label = $label and contracted_per_child_dkk is not null
        union all
        select month, provider_type || ' · betalt', round(paid_per_child_dkk)
        from u where measure_label = $label and paid_per_child_dkk is not null
        order by 2, 1
    """
    return db.query(con, sql, {"m": month, "label": measure_label})


# ---- 5. changes since the last import ---------------------------------------------------------------------


@ui.cached
def forecast_change(con: duckdb.DuckDBPyConnection, month: date) -> dict:
    rows = db.query(con, "select * from mart_forecast_changes where month = $m", {"m": month})
    return rows.row(0, named=True) if rows.height else {"has_previous": False}


@ui.cached
def reconciliation(con: duckdb.DuckDBPyConnection, month: date, detail: bool = True) -> pl.DataFrame:
    """Previous import's forecast + the change in actual spending + the measures' effects by kind = this
    import's forecast (to the øre), one line each; empty with a single import. Without `detail` (the
    committee) the measures' effects are one line, without the number of measures (a kind of change with one
    or two measures would point at single children's cases)."""
    sql = """
        with fc as (select * from mart_forecast_changes where month = $m and has_previous),
        eff as (
            select case when $detail then change_type else 'i alt' end as change_type,
                sum(effect_dkk) as effect_dkk, count(*) as n
            from mart_measure_changes where month = $m and effect_dkk is not null group by all
        )
        select 1 as nr, 'Forventet forbrug, forrige indlæsning (version ' || previous_version_id || ')' as "Post",
            null::bigint as "Antal indsatser", round(previous_forecast_dkk, 2) as "Beløb" from fc
        union all
        select 2, 'Ændring i faktisk forbrug (nye og rettede posteringer)', null, round(actual_change_dkk, 2) from fc
        union all
        select 3 + coalesce(list_position(['ny', 'afsluttet', 'forlænget', 'pris', 'fjernet', 'ændret'], change_type), 0),
            case when $detail then 'Virkning: ' || change_type else 'Virkning af ændrede indsatser' end,
            case when $detail then n end, effect_dkk
        from eff where exists (select 1 from fc)
        union all
        select 20, 'Uforklaret rest', null, unexplained_dkk from fc
        union all
        select 21, 'Forventet forbrug, denne indlæsning (version ' || current_version_id || ')', null,
            round(forecast_dkk, 2) from fc
        order by 1
    """
    frame = _in_oere(db.query(con, sql, {"m": month, "detail": detail}))
    frame = frame.with_columns(
        pl.col("Post").str.replace_many(
            [f"Virkning: {k}" for k in CHANGE_LABELS],
            [f"Virkning: {v.lower()}" for v in CHANGE_LABELS.values()],
        )
    ).drop("nr")
    return frame if detail else frame.drop("Antal indsatser")


def _in_oere(frame: pl.DataFrame) -> pl.DataFrame:
    """The reconciliation's lines in whole øre that add up, as shown, to this import's forecast: the previous
    forecast, the actual change and the unexplained rest (mart_forecast_changes) are øre already; the measures'
    effects (fractions of a day's price) are rounded so that they sum to what is left, the largest remainders
    taking the øre that rounding each line alone would lose."""
    if frame.height < 5:  # no effect lines
        return frame
    amounts = frame["Beløb"].to_list()
    prev, actual, effects, rest, current = amounts[0], amounts[1], amounts[2:-2], amounts[-2], amounts[-1]
    target = round((current - prev - actual - rest) * 100)
    cents = [e * 100 for e in effects]
    floors = [math.floor(c) for c in cents]
    left = target - sum(floors)
    by_remainder = sorted(range(len(cents)), key=lambda i: cents[i] - floors[i], reverse=left > 0)
    for k in range(abs(left)):
        floors[by_remainder[k % len(floors)]] += 1 if left > 0 else -1
    return frame.with_columns(pl.Series("Beløb", [prev, actual, *[f / 100 for f in floors], rest, current]))


@ui.cached
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


@ui.cached
def started_ended_by_type(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """With a single import: how many measures of each type started and ended in the month, and their monthly
    costs."""
    return db.query(
        con,
        """select coalesce(measure_label, measure_code) as "Indsatstype",
               count(*) filter (where change_type like 'startet%') as "Startet",
               count(*) filter (where change_type like '%afsluttet') as "Afsluttet",
               round(sum(current_monthly_cost_dkk) filter (where change_type like 'startet%'))
                   as "Månedspris, startede",
               round(sum(current_monthly_cost_dkk) filter (where change_type like '%afsluttet'))
                   as "Månedspris, afsluttede",
           from mart_measure_changes where month = $m and effect_dkk is null
           group by all order by 1""",
        {"m": month},
    )


@ui.cached
def effects_by_type(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """The measures' effects on the forecast summed by measure type and kind of change."""
    return db.query(
        con,
        """select coalesce(measure_label, measure_code) as "Indsatstype", change_type as "Ændring",
               count(*) as "Antal indsatser", round(sum(effect_dkk), 2) as "Virkning på forventet forbrug"
           from mart_measure_changes where month = $m and effect_dkk is not null
           group by all order by 1, 2""",
        {"m": month},
    ).with_columns(pl.col("Ændring").replace(CHANGE_WORDS))


@ui.cached
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


@charts.memo(frames_by="identity")
def danish(frame: pl.DataFrame, decimals: int = 0, kr: bool = True) -> pl.DataFrame:
    """The same rows as Danish text for the screen: amounts as '1.234.567 kr.' (without ' kr.' when `kr` is
    false: a wide table says 'kroner' once), counts '1.234', dates '05.03.2026' (the downloads keep the
    numbers)."""
    money = fmt.kr if kr else fmt.number

    def col(name: str, dtype) -> pl.Series:
        values = frame[name].to_list()
        if dtype.is_float():
            return pl.Series(name, [money(v, decimals) if v is not None else "" for v in values], pl.Utf8)
        if dtype.is_integer():
            return pl.Series(name, [fmt.number(v) if v is not None else "" for v in values], pl.Utf8)
        if dtype == pl.Date:
            return pl.Series(name, [f"{v:%d.%m.%Y}" if v is not None else "" for v in values], pl.Utf8)
        return frame[name]

    return pl.DataFrame([col(n, t) for n, t in frame.schema.items()])


@charts.memo
def hbars(
    frame: pl.DataFrame, category: str, value: str, color: str, unit: str = "dkk", stack: bool = False
) -> alt.Chart:
    """Horizontal bars per category (amounts in mio. kr. or kroner), grouped or stacked by `color`, with room
    for long category labels; categories in the frame's order."""
    scale = 1e6 if unit == "dkk" else 1
    data = frame.filter(pl.col(value).is_not_null())
    data = data.with_columns((pl.col(value) / scale).alias("y"), fmt.texts(data[value], fmt.kr, "tekst"))
    order = list(dict.fromkeys(frame[category].to_list()))
    kinds = list(dict.fromkeys(frame[color].to_list()))
    enc = {
        "y": alt.Y(f"{category}:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
        "x": alt.X(
            "y:Q",
            title="mio. kr." if unit == "dkk" else "kr. pr. barn",
            axis=alt.Axis(format=",.1f" if unit == "dkk" else ",d"),
            stack="zero" if stack else None,
        ),
        "color": alt.Color(
            f"{color}:N",
            title=None,
            sort=kinds,
            scale=alt.Scale(domain=kinds, range=charts.PALETTE[: len(kinds)]),
        ),
        "order": alt.Order("rank:Q"),
        "tooltip": [
            alt.Tooltip(f"{category}:N", title=""),
            alt.Tooltip(f"{color}:N", title=""),
            alt.Tooltip("tekst:N", title="beløb"),
        ],
    }
    if not stack:
        enc["yOffset"] = alt.YOffset(f"{color}:N", sort=kinds)
    data = data.with_columns(pl.col(color).replace_strict(kinds, list(range(len(kinds)))).alias("rank"))
    per_row = 22 * (1 if stack else len(kinds)) + 14
    chart = alt.Chart(alt.Data(values=charts._records(data))).mark_bar().encode(**enc)
    # the height holds the legend and the axis as well (width='container' makes Vega-Lite fit inside it)
    return charts.finish(chart, height=per_row * len(order) + 110)


# ---- the committee's pack on screen (pages/udvalgsrapport.py): the Pack's rows as Danish text ---------------


def pack_placements(p) -> pl.DataFrame:
    """Children by placement type now and a year earlier, as the pack shows them (marks for the committee)."""
    from mi import figures  # noqa: PLC0415

    return pl.DataFrame(
        [
            {
                "Anbringelsessted": r["label"],
                p.month_text.capitalize(): figures.value_text(r["n_month"], "count"),
                "Samme måned sidste år": figures.value_text(r["n_prev_year"], "count"),
                "Ændring": figures.change_text(r["change"], "count"),
            }
            for r in p.placements.iter_rows(named=True)
        ]
    )


def pack_budget(p) -> pl.DataFrame:
    keys = ("budget_dkk", "actual_ytd_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk")
    rows = []
    for k in keys:
        f = p.figures[k]
        rows.append(
            {
                "Nøgletal": f.label,
                p.month_text.capitalize(): f.revision_text() if f.is_revised else f.text(),
                "Status": f.status_label if f.good != "none" else "",
            }
        )
    return pl.DataFrame(rows)


def pack_revisions(p) -> pl.DataFrame:
    from mi import figures  # noqa: PLC0415

    rows = []
    for r in p.revisions:
        old, new = figures.revision_texts(r["frozen"], r["current"], r["unit"])
        rows.append({"Nøgletal": r["label"], "Frosset": old, "I dag": new, "Note": "revideret"})
    return pl.DataFrame(
        rows, schema={"Nøgletal": pl.Utf8, "Frosset": pl.Utf8, "I dag": pl.Utf8, "Note": pl.Utf8}
    )


def definitions() -> pl.DataFrame:
    from mi import kpi  # noqa: PLC0415

    return pl.DataFrame([{"Nøgletal": k.label, "Definition": k.definition} for k in kpi.REGISTRY])


def pack_series(p, key: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The months behind one of the pack's charts: (for the downloads: month, figure, value — empty where the
    figure is hidden for the committee — and the value as shown; for the screen: the same as Danish text)."""
    part = p.series.filter(pl.col("kpi_key") == key).sort("month")
    frame = part.select(
        pl.col("month").alias("Måned"),
        pl.col("label").alias("Nøgletal"),
        pl.col("value").alias("Værdi"),
        pl.col("shown").alias("Vist som"),
    )
    shown = frame.select(
        fmt.texts(frame["Måned"], fmt.month_name),
        "Nøgletal",
        pl.col("Vist som").alias("Værdi"),
    )
    return frame, shown
