"""What the Sagsbehandling screen shows: the eight compliance KPIs (c1–c8 of DOMAIN.md, "contract v2"), their trend,
the figures per team and caseworker, the deadline list, and the municipality beside the national level.

Every number is computed in SQL (sql/intermediate/int_compliance_*, sql/marts/mart_compliance_*, the c-columns of
mart_kpi_monthly); this module selects, labels and formats. Plain functions of a connection: the page caches them
with mi.ui.view. The team and caseworker level and the deadline list (pseudonymous ids) are for the leder role only:
those functions refuse every other role. The committee's figures come from the pack (mi.pack: frozen and protected).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import date, timedelta

import duckdb
import polars as pl

from mi import charts, db, fmt, pack_compliance, spec
from mi.figures import Pack, add_months
from mi.view import Column, View, frames

C_KEYS = pack_compliance.C_KEYS
period_text = pack_compliance.period_text  # the period each figure covers (L12, the month, its last day)

SHARE_KEYS = tuple(k for k in C_KEYS if k.endswith("_share"))
COUNT_KEYS = ("c1_notifications", "c4_investigations_overdue")
# the input table each KPI rests on (int_input_presence); without it the KPI is null and the screen says so
TABLE_OF = {
    "c1_notifications": "notifications",
    "c2_assessed_24h_share": "notifications",
    "c3_investigations_on_time_share": "investigations",
    "c4_investigations_overdue": "investigations",
    "c5_child_talk_share": "investigations",
    "c6_plan_share": "activities",
    "c7_follow_up_share": "activities",
    "c8_supervision_share": "activities",
}
TABLE_LABELS = {
    "notifications": "underretninger (notifications)",
    "investigations": "børnefaglige undersøgelser (investigations)",
    "activities": "handleplaner, opfølgninger og tilsyn (activities)",
}
# what each share's denominator counts, in the table per team and caseworker
DENOMINATOR_LABELS = {
    "c2_assessed_24h_share": "underretninger",
    "c3_investigations_on_time_share": "undersøgelser",
    "c5_child_talk_share": "undersøgelser",
    "c6_plan_share": "anbragte børn",
    "c7_follow_up_share": "indsatser",
    "c8_supervision_share": "anbragte børn",
}
# the counts behind each share, columns of mart_compliance_monthly as the spec (mi/kpis.toml) names them:
# (numerator, denominator, what the denominator counts)
PARTS = {
    k: (spec.BY_KEY[k].numerator, spec.BY_KEY[k].denominator, DENOMINATOR_LABELS[k])
    for k in C_KEYS
    if spec.BY_KEY[k].numerator
}
SHORT_LABELS = {
    "c1_notifications": "Underretninger",
    "c2_assessed_24h_share": "Vurderet inden 24 timer",
    "c3_investigations_on_time_share": "Undersøgelser inden 4 mdr.",
    "c4_investigations_overdue": "Undersøgelser over fristen",
    "c5_child_talk_share": "Børnesamtale",
    "c6_plan_share": "Handleplan",
    "c7_follow_up_share": "Opfølgning inden 6 mdr.",
    "c8_supervision_share": "2 tilsyn på 12 mdr.",
}
# the national level's names for the shares (as Ankestyrelsen words them, shortened), for the comparison chart
LONG_LABELS = {
    "c2_assessed_24h_share": "Underretninger vurderet inden for 24 timer",
    "c3_investigations_on_time_share": "Undersøgelser afsluttet inden for 4 måneder",
    "c5_child_talk_share": "Samtale med barnet i undersøgelsen",
    "c6_plan_share": "Handleplan for den aktuelle anbringelse",
    "c7_follow_up_share": "Opfølgning inden for 6 måneder",
    "c8_supervision_share": "Personligt tilsyn 2 gange på 12 måneder",
}
DEADLINE_KINDS = {
    "undersoegelse": "Børnefaglig undersøgelse",
    "opfoelgning": "Opfølgning på indsats",
    "tilsyn": "Personligt tilsyn",
}
LEVEL_LABELS = {"team": "Team", "raadgiver": "Rådgiver (pseudonym)"}
TREND_MONTHS = 24
CHART_MAX_UNITS = 40


def _hbars(
    frame: pl.DataFrame, category: str, value: str, unit: str, color: str | None = None
) -> charts.Spec:
    """Horizontal bars in the shared look (mi.charts.finish), in the frame's order, every category label shown in
    full (mi.charts.bars lets Vega-Lite drop overlapping labels), optionally side by side by `color`."""
    data = frame.filter(pl.col(value).is_not_null()).select(category, value, *([color] if color else []))
    order = list(dict.fromkeys(frame[category].to_list()))
    axis = {"format": charts.AXIS_FORMATS.get(unit, ","), **({"tickMinStep": 1} if unit == "count" else {})}
    encoding = {
        "y": charts.enc(
            category, "nominal", title=None, sort=order, axis={"labelLimit": 300, "labelOverlap": False}
        ),
        "x": charts.enc(
            value,
            "quantitative",
            title=charts.UNIT_TITLES.get(unit, ""),
            axis=axis,
            **({"scale": {"domain": [0, 1]}} if unit == "share" else {}),
        ),
        "tooltip": [
            charts.enc(category, "nominal", title=""),
            charts.enc(
                value,
                "quantitative",
                title=charts.UNIT_TITLES.get(unit, ""),
                format=charts.TIP_FORMATS.get(unit, ","),
            ),
        ],
    }
    if color:
        encoding["color"] = charts.enc(color, "nominal", scale={"range": charts.PALETTE}, title=None)
        encoding["yOffset"] = charts.enc(color, "nominal")
        encoding["tooltip"].insert(0, charts.enc(color, "nominal", title=""))
    per_bar = 22 * (2 if color else 1) + 8
    height = 90 + per_bar * len(order)
    bar = charts.mark(data, "bar", encoding, **({} if color else {"color": charts.PALETTE[0]}))
    return charts.finish(bar, height=min(height, 1400))


def _day_expr(expr: pl.Expr) -> pl.Expr:
    """`fmt.day` for a whole column: 2026-03-05 → '5. marts 2026'."""
    return expr.dt.day().cast(pl.Utf8) + ". " + fmt.month_expr(expr)


def _value_expr(key: str) -> Callable[[pl.Expr], pl.Expr]:
    """`value_text` of a KPI for a whole column (its unit: a share in per cent, else a number)."""
    return fmt.pct_expr if unit(key) == "share" else fmt.number_expr


def _days_left_expr(days: pl.Expr) -> pl.Expr:
    """Days to a deadline in words: 'Overskredet med 3 dage', 'Frist i dag', '1 dag tilbage', '12 dage tilbage'."""
    return (
        pl.when(days < -1)
        .then("Overskredet med " + fmt.number_expr(-days) + " dage")
        .when(days == -1)
        .then(pl.lit("Overskredet med 1 dag"))
        .when(days == 0)
        .then(pl.lit("Frist i dag"))
        .when(days == 1)
        .then(pl.lit("1 dag tilbage"))
        .otherwise(fmt.number_expr(days) + " dage tilbage")
    )


def _own(role: str) -> None:
    if role != "leder":
        raise PermissionError("Kun rollen leder ser sagsbehandlingen pr. team, rådgiver og barn.")


def label(key: str) -> str:
    return spec.BY_KEY[key].label


def unit(key: str) -> str:
    return spec.BY_KEY[key].unit


def value_text(key: str, value: float | None) -> str:
    return fmt.kpi_value(value, unit(key))


# ---- presence, periods ------------------------------------------------------------------------------------


def presence(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Which of the three tables the import was given: {"notifications": True, …}."""
    row = db.query(con, "select * from int_input_presence").row(0, named=True)
    return {t: bool(row[f"has_{t}"]) for t in TABLE_LABELS}


def present_keys(present: dict[str, bool]) -> list[str]:
    return [k for k in C_KEYS if present[TABLE_OF[k]]]


def missing_text(present: dict[str, bool]) -> str | None:
    """What the screen says when tables are missing (None when all are there)."""
    gone = [TABLE_LABELS[t] for t, ok in present.items() if not ok]
    if not gone:
        return None
    which = gone[0] if len(gone) == 1 else ", ".join(gone[:-1]) + " og " + gone[-1]
    return (
        f"Data mangler: {which} er ikke indlæst, så de nøgletal, der bygger på dem, kan ikke vises. "
        "Tilføj filerne til datamappen og indlæs igen (se datakontrakt v2 i README)."
    )


# ---- trend (leder) ----------------------------------------------------------------------------------------


def trend(
    con: duckdb.DuckDBPyConnection, month: date, keys: tuple[str, ...], months: int = TREND_MONTHS
) -> View:
    """The KPIs' monthly values for the 24 months to the month: one line per KPI; the table one row per month."""
    first = add_months(month, -(months - 1))
    rows = db.query(
        con,
        "select month, kpi_key, value from mart_kpi_values where kpi_key in (select unnest($k)) "
        "and month between $first and $m and value is not null order by month",
        {"k": list(keys), "first": first, "m": month},
    )
    u = unit(keys[0])
    long = rows.with_columns(pl.col("kpi_key").replace_strict(SHORT_LABELS).alias("Nøgletal"))
    chart = charts.lines(long, "month", "value", "Nøgletal", u) if rows.height else None
    wide = (
        rows.pivot(on="kpi_key", index="month", values="value").sort("month")
        if rows.height
        else pl.DataFrame({"month": pl.Series([], dtype=pl.Date)})
    )
    cols: list[Column] = [("Måned", pl.col("month"), fmt.month_expr)]
    for k in keys:
        values = pl.col(k) if k in wide.columns else pl.lit(None, dtype=pl.Float64)
        if unit(k) == "count":
            values = values.cast(pl.Int64)
        cols.append((SHORT_LABELS[k], values, _value_expr(k)))
    data, table = frames(wide, cols)
    period = (
        f"{fmt.month_name(rows['month'].min())} – {fmt.month_name(month)}"
        if rows.height
        else fmt.month_name(month)
    )
    return View(chart, data, table, period, "Ingen tal i de 24 måneder (tabellerne er tomme i perioden).")


# ---- per team and caseworker (leder) ----------------------------------------------------------------------


def by_unit(con: duckdb.DuckDBPyConnection, month: date, level: str, key: str, role: str) -> View:
    """Every team (level 'team') or caseworker ('raadgiver') with something counted in the month or its L12: the
    eight KPIs with the counts behind the shares; the chart shows `key` per unit (the largest 40 denominators)."""
    _own(role)
    rows = db.query(
        con,
        "select * from mart_compliance_monthly where month = $m and level = $l order by unit",
        {"m": month, "l": level},
    )
    den = PARTS[key][1] if key in PARTS else key
    if rows.height:
        rows = rows.sort([den, "unit"], descending=[True, False], nulls_last=True)
    who = LEVEL_LABELS[level]
    cols: list[Column] = [(who, pl.col("unit"), None)]
    if level == "raadgiver":
        cols.append(("Team", pl.col("team"), None))
    for k in C_KEYS:
        if k in PARTS:
            num_col, den_col, what = PARTS[k]
            cols.append((SHORT_LABELS[k], pl.col(k), fmt.pct_expr))
            cols.append((f"{SHORT_LABELS[k]}: opfyldt", pl.col(num_col), fmt.number_expr))
            cols.append((f"{SHORT_LABELS[k]}: {what}", pl.col(den_col), fmt.number_expr))
        else:
            cols.append((SHORT_LABELS[k], pl.col(k), fmt.number_expr))
    data, table = frames(rows, cols)
    # drop the columns of tables that were not imported (all null)
    empty = [c for c in data.columns[1:] if data[c].null_count() == data.height]
    data, table = data.drop(empty), table.drop(empty)
    chart_rows = rows.filter(pl.col(key).is_not_null()).head(CHART_MAX_UNITS)
    chart = _hbars(chart_rows.rename({"unit": who}), who, key, unit(key)) if chart_rows.height else None
    return View(
        chart,
        data,
        table,
        fmt.month_name(month),
        "Intet at vise pr. enhed i måneden (ingen underretninger, undersøgelser eller indsatser talt).",
    )


# ---- the deadline list (leder) ----------------------------------------------------------------------------


def deadline_options(con: duckdb.DuckDBPyConnection, role: str) -> dict[str, list[str]]:
    """The teams and caseworkers on the deadline list, for its filters."""
    _own(role)
    rows = db.query(con, "select distinct team, caseworker_id from mart_compliance_deadlines")
    return {
        "teams": sorted(set(rows["team"].drop_nulls())),
        "caseworkers": sorted(set(rows["caseworker_id"].drop_nulls())),
    }


def deadlines(
    con: duckdb.DuckDBPyConnection,
    role: str,
    kinds: tuple[str, ...] = (),
    teams: tuple[str, ...] = (),
    caseworkers: tuple[str, ...] = (),
) -> View:
    """Every open investigation and every follow-up and supervision visit due within 30 days of "data as of" (the
    overdue ones too), by caseworker, most overdue first; filtered by kind, team and caseworker (empty = all)."""
    _own(role)
    rows = db.query(
        con,
        "select * from mart_compliance_deadlines "
        "where (len($k) = 0 or list_contains($k, deadline_kind)) "
        "and (len($t) = 0 or list_contains($t, team)) "
        "and (len($w) = 0 or list_contains($w, caseworker_id)) "
        "order by caseworker_id, due_on, deadline_kind, item_id",
        {"k": list(kinds), "t": list(teams), "w": list(caseworkers)},
    )
    as_of = db.scalar(con, "select data_as_of from int_data_range")

    data, table = frames(
        rows,
        [
            ("Rådgiver (pseudonym)", pl.col("caseworker_id"), None),
            ("Team", pl.col("team"), None),
            ("Frist for", pl.col("deadline_kind").replace_strict(DEADLINE_KINDS, return_dtype=pl.Utf8), None),
            ("Frist", pl.col("due_on"), _day_expr),
            ("Dage tilbage", pl.col("days_left"), _days_left_expr),
            ("Barn (pseudonym)", pl.col("child_id"), None),
            ("Indsats", pl.col("measure_id"), lambda e: e.fill_null("")),
            ("Indsatskode", pl.col("measure_code"), lambda e: e.fill_null("")),
            ("Regnet fra", pl.col("basis_on"), _day_expr),
        ],
    )
    period = f"pr. {fmt.day(as_of)}; frister til og med {fmt.day(_plus_days(as_of, 30))} og overskredne"
    return View(None, data, table, period, "Ingen frister med de valgte filtre.")


def _plus_days(d: date | None, n: int) -> date | None:
    return None if d is None else d + timedelta(days=n)


# ---- the national level -------------------------------------------------------------------------------------


# national's views by pack: the app keeps one Pack per month, role and database file (mi.ui.pack), so a page that
# runs again gets the same view (and its chart's checked spec) instead of building it anew
_NATIONAL: dict[int, tuple[weakref.ref, View]] = {}


def national(p: Pack) -> View:
    """The municipality's shares of the month as the role sees them (the pack: frozen and protected for the
    committee) beside the national level, with the national figure's source and year."""
    hit = _NATIONAL.get(id(p))
    if hit is not None and hit[0]() is p:
        return hit[1]
    view = _national(p)
    for key in [k for k, (ref, _) in _NATIONAL.items() if ref() is None]:
        del _NATIONAL[key]
    _NATIONAL[id(p)] = (weakref.ref(p), view)
    return view


def _national(p: Pack) -> View:
    rows = []
    for ref in pack_compliance.national().values():
        f = p.figures.get(ref["kpi_key"])
        if f is None:
            continue
        rows.append(
            {
                "key": ref["kpi_key"],
                "Nøgletal": f.label,
                "Kommunen": f.value if isinstance(f.value, int | float) else None,
                "Kommunen (vist)": f.text(),
                "Landsniveau": ref["national_share"],
                "År (landsniveau)": ref["year"],
                "Kilde": ref["source"],
            }
        )
    # every share hidden for the committee (a small municipality): the column is all empty, still a number column
    frame = pl.DataFrame(rows, schema_overrides={"Kommunen": pl.Float64})
    data, table = frames(
        frame,
        [
            ("Nøgletal", pl.col("Nøgletal"), None),
            # the screen: the figure as the role sees it (frozen, '<5' or '–' for the committee)
            ("Kommunen", pl.col("Kommunen"), lambda _: pl.col("Kommunen (vist)")),
            ("Landsniveau", pl.col("Landsniveau"), lambda e: fmt.pct_expr(e, 0)),
            ("År (landsniveau)", pl.col("År (landsniveau)"), lambda e: e.cast(pl.Utf8)),
            ("Kilde", pl.col("Kilde"), None),
        ],
    )
    long = pl.concat(
        [
            frame.select(
                pl.col("key"), pl.col("Kommunen").alias("share"), pl.lit("Kommunen").alias("Niveau")
            ),
            frame.select(
                pl.col("key"), pl.col("Landsniveau").alias("share"), pl.lit("Landsniveau").alias("Niveau")
            ),
        ]
    ).with_columns(pl.col("key").replace_strict(LONG_LABELS).alias("Nøgletal"))
    chart = _hbars(long, "Nøgletal", "share", "share", "Niveau")
    if frame["Kommunen"].null_count() == frame.height:
        data, table, chart = data.clear(), table.clear(), None
    return View(
        chart,
        data,
        table,
        p.month_text,
        "Kommunens tal kan ikke vises for måneden (data mangler eller tallene er skjult).",
    )
