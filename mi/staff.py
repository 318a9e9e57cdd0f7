"""What the Sagstal and Personale screens show: selections from the caseload and staff marts, shaped for display
(a chart from mi.charts, the same rows as a table with Danish headings and formats, the period they cover).

Numbers are computed in SQL (sql/marts/mart_caseload_*, mart_staff_*, mart_leavers_*); nothing is computed here.
The caseworker level (pseudonymous ids) is for the leder role only: `caseworkers` refuses every other role.
Plain functions of (connection, month): the pages cache them through mi.ui.view and draw a View with mi.ui.show.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from mi import charts, db, fmt
from mi.view import View
from mi.view import frames as _frames

TREND_MONTHS = 36  # how far back the trend charts reach (three years, so seasonality and direction show)

NORM_LABELS = {"under": "Under normen", "inden": "Inden for normen", "over": "Over normen"}
# the status colours of mi.ui.status_badge: within the band is good, over is bad, under is neither
NORM_STATUS = {"under": "neutral", "inden": "god", "over": "daarlig"}
ROLE_LABELS = {
    "raadgiver": "Rådgiver",
    "leder": "Leder",
    "familiebehandler": "Familiebehandler",
    "administrativ": "Administrativ",
    "psykolog": "Psykolog",
}
# the norm's words in the colour-blind-safe palette: within green, over vermillion, under sky blue
# (in the legend's order: under, within, over the band)
NORM_COLOURS = {
    "Under normen": charts.SKY,
    "Inden for normen": charts.GREEN,
    "Over normen": charts.RED,
    "Ingen årsværk": charts.GREY,
}
GROUP_LABELS = {"alle": "Alle ansatte", "raadgiver": "Rådgivere"}


def _first_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def trend_period(month: date, months: int = TREND_MONTHS) -> str:
    return f"{fmt.month_name(_first_month(month, months))} – {fmt.month_name(month)}"


def shown_period(rows: pl.DataFrame, month: date, months: int = TREND_MONTHS) -> str:
    """The months a trend actually shows: from its first month with figures (the data may start later than the
    trend could reach) to the month."""
    first = rows["month"].min() if rows.height else None
    return f"{fmt.month_name(first)} – {fmt.month_name(month)}" if first else trend_period(month, months)


def period_12m(month: date) -> str:
    """The 12 calendar months ending with the month, as turnover counts them."""
    return trend_period(month, 12)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.capitalize())


def _role_label(role: pl.Expr) -> pl.Expr:
    """`role_label` for a whole column."""
    capitalized = role.str.slice(0, 1).str.to_uppercase() + role.str.slice(1).str.to_lowercase()
    return role.replace_strict(ROLE_LABELS, default=capitalized, return_dtype=pl.Utf8)


def _norm_label(status: pl.Expr) -> pl.Expr:
    return status.replace_strict(NORM_LABELS, default="Ingen årsværk").fill_null("Ingen årsværk")


def _dec(expr: pl.Expr, decimals: int = 1) -> pl.Expr:
    return fmt.number_expr(expr, decimals)


def _hbars(
    frame: pl.DataFrame,
    category: str,
    value: str,
    unit: str,
    color: str | None = None,
    colours: bool = False,
    sort: list[str] | None = None,
    band: tuple[float, float] | None = None,
) -> dict:
    """Horizontal bars in the shared look (mi.charts), with what mi.charts.bars does not offer: colours fixed
    to the norm's words, every category label shown, the value at the end of each bar, and a height that leaves
    room for legend and axis."""
    data = frame.filter(pl.col(value).is_not_null()).with_columns(pl.col(value).alias("y"))
    form = {"share": ".0%", "ratio": ",.0f", "count": ",d"}.get(unit, ",")
    # an explicit order: a layered chart drops Vega-Lite's "-x" sort
    order = sort or data.sort("y", descending=True, maintain_order=True)[category].to_list()
    y = charts.enc(
        category, "nominal", title=None, sort=order, axis={"labelLimit": 260, "labelOverlap": False}
    )
    encoding = {
        "y": y,
        "x": charts.enc(
            "y",
            "quantitative",
            title=charts.UNIT_TITLES.get(unit, ""),
            axis={"format": form, **({"tickMinStep": 1} if unit == "count" else {})},
        ),
        "tooltip": [
            charts.enc(category, "nominal", title=""),
            charts.enc(
                "y",
                "quantitative",
                title=charts.UNIT_TITLES.get(unit, ""),
                format=",.1f" if unit != "count" else ",d",
            ),
        ],
    }
    if color:
        if colours:
            domain = [c for c in NORM_COLOURS if c in set(data[color])]
            scale = {"domain": domain, "range": [NORM_COLOURS[c] for c in domain]}
        else:
            scale = {"range": charts.PALETTE}
        encoding["color"] = charts.enc(color, "nominal", scale=scale, title=None)
        encoding["tooltip"].insert(0, charts.enc(color, "nominal", title=""))
    # Streamlit fits the whole chart (legend and axis included) into the height: room for them plus 30 px a bar
    height = 110 + 30 * data[category].n_unique()
    rows = charts.records(data, *[c for c in (category, "y", color) if c])
    layers = [
        charts.mark(rows, "bar", encoding, **({} if color else {"color": charts.BLUE})),
        # the value at the end of each bar (also a zero, which has no bar), in the chart's Danish number format
        charts.mark(
            rows,
            "text",
            {
                "y": y,
                "x": charts.enc("y", "quantitative"),
                "text": charts.enc("y", "quantitative", format=",.1f" if unit != "count" else ",d"),
            },
            align="left",
            dx=4,
            fontSize=12,
            color=charts.TEXT,
        ),
    ]
    if band:
        # the norm as a light green band behind the bars (as on the trend chart)
        layers.insert(0, charts.band_layer(band, "x"))
    return charts.finish(layers, height=min(height, 800))


def _stacked(frame: pl.DataFrame, category: str, value: str, color: str, title: str) -> dict:
    """Vertical bars per category stacked by `color` (e.g. staff per team by role), the total above each bar.
    mi.charts.bars sets colours side by side, which leaves most of a team's slots empty when roles differ."""
    rows = charts.records(frame.filter(pl.col(value).is_not_null()), category, value, color)
    x = charts.enc(category, "nominal", title=None, axis={"labelAngle": 0, "labelLimit": 160})
    total = {"field": value, "aggregate": "sum", "type": "quantitative"}
    bars = charts.mark(
        rows,
        "bar",
        {
            "x": x,
            "y": {**total, "title": title, "axis": {"format": ",d", "tickMinStep": 1}},
            "color": charts.enc(color, "nominal", scale={"range": charts.PALETTE}, title=None),
            "order": charts.enc(color, "nominal"),
            "tooltip": [
                charts.enc(category, "nominal", title=""),
                charts.enc(color, "nominal", title=""),
                charts.enc(value, "quantitative", title=title, format=",d"),
            ],
        },
    )
    totals = charts.mark(
        rows,
        "text",
        {"x": x, "y": total, "text": {**total, "format": ",d"}},
        dy=-8,
        fontSize=12,
        color=charts.TEXT,
    )
    return charts.finish([bars, totals], height=320)


# ---- Sagstal ---------------------------------------------------------------------------------------------


def norm(con: duckdb.DuckDBPyConnection) -> tuple[float, float]:
    """The caseload norm band of the settings (caseload.norm_low, caseload.norm_high)."""
    row = db.query(con, "select caseload_norm_low as lo, caseload_norm_high as hi from stg_settings").row(0)
    return float(row[0]), float(row[1])


# the norm band beside a section's rows, so a section is one query (the band is the settings', the same in every row)
WITH_NORM = (
    "(select caseload_norm_low from stg_settings) as norm_low, "
    "(select caseload_norm_high from stg_settings) as norm_high"
)


def _band(rows: pl.DataFrame) -> tuple[float, float]:
    """The norm band read with a section's rows (WITH_NORM)."""
    return float(rows["norm_low"][0]), float(rows["norm_high"][0])


def norm_text(con: duckdb.DuckDBPyConnection) -> str:
    lo, hi = norm(con)
    return f"{fmt.number(lo)}–{fmt.number(hi)} sager pr. årsværk"


def caseload_trend(con: duckdb.DuckDBPyConnection, month: date, months: int = TREND_MONTHS) -> View:
    """Cases per raadgiver FTE for the whole department and each team, month by month, against the norm band."""
    rows = db.query(
        con,
        f"select month, unit, n_cases, fte, caseload_per_fte, norm_status, {WITH_NORM} from mart_caseload_norm "
        "where level in ('afdeling', 'team') and month between $first and $month "
        "order by month, level, unit",
        {"first": _first_month(month, months), "month": month},
    )
    chart = (
        charts.lines(rows, "month", "caseload_per_fte", "unit", "ratio", band=_band(rows))
        if rows.height
        else None
    )
    data, table = _frames(
        rows,
        [
            ("Måned", pl.col("month"), fmt.month_expr),
            ("Enhed", pl.col("unit"), None),
            ("Åbne sager", pl.col("n_cases"), None),
            ("Årsværk (rådgivere)", pl.col("fte"), _dec),
            ("Sager pr. årsværk", pl.col("caseload_per_fte"), _dec),
            ("I forhold til normen", _norm_label(pl.col("norm_status")), None),
        ],
    )
    missing = "Ingen åbne sager eller rådgivere i perioden (tabellerne cases og staff)."
    return View(chart, data, table, shown_period(rows, month, months), missing)


def caseload_teams(con: duckdb.DuckDBPyConnection, month: date) -> View:
    """The month's caseload per team (and the department), with the team's place against the norm in words."""
    rows = db.query(
        con,
        f"select level, unit, n_cases, fte, caseload_per_fte, norm_status, {WITH_NORM} from mart_caseload_norm "
        "where level in ('afdeling', 'team') and month = $month order by level = 'afdeling', unit",
        {"month": month},
    )
    teams = rows.filter(pl.col("level") == "team")
    teams = teams.with_columns(
        pl.col("norm_status").replace_strict(NORM_LABELS, default="Ingen årsværk").alias("s")
    )
    chart = (
        _hbars(teams, "unit", "caseload_per_fte", "ratio", color="s", colours=True, band=_band(teams))
        if teams.height
        else None
    )
    data, table = _frames(
        rows,
        [
            ("Team", pl.col("unit"), None),
            ("Åbne sager", pl.col("n_cases"), None),
            ("Årsværk (rådgivere)", pl.col("fte"), _dec),
            ("Sager pr. årsværk", pl.col("caseload_per_fte"), _dec),
            ("I forhold til normen", _norm_label(pl.col("norm_status")), None),
        ],
        keep=teams.height > 0,
    )
    missing = "Ingen teams med åbne sager eller rådgivere ved månedens udgang (tabellerne cases og staff)."
    return View(chart, data, table, fmt.month_name(month), missing)


def caseload_bands(con: duckdb.DuckDBPyConnection, month: date) -> View:
    """How many caseworkers are under, within and over the norm (an aggregate: no caseworker can be seen)."""
    rows = db.query(
        con,
        f"select norm_status, n_caseworkers, caseworkers_share, {WITH_NORM} from mart_caseload_bands "
        "where month = $month order by band_no",
        {"month": month},
    )
    lo, hi = _band(rows) if rows.height else norm(con)
    band = {
        "under": f"Under {fmt.number(lo)}",
        "inden": f"{fmt.number(lo)}–{fmt.number(hi)}",
        "over": f"Over {fmt.number(hi)}",
    }
    rows = rows.with_columns(pl.col("norm_status").replace_strict(band).alias("band"))
    data, table = _frames(
        rows,
        [
            ("Sager pr. årsværk", pl.col("band"), None),
            ("I forhold til normen", _norm_label(pl.col("norm_status")), None),
            ("Rådgivere", pl.col("n_caseworkers"), None),
            ("Andel af rådgiverne", pl.col("caseworkers_share"), fmt.pct_expr),
        ],
        keep=rows["n_caseworkers"].sum() > 0,
    )
    rows = rows.with_columns(pl.col("norm_status").replace_strict(NORM_LABELS).alias("s"))
    chart = _hbars(rows, "band", "n_caseworkers", "count", color="s", colours=True, sort=list(band.values()))
    missing = "Ingen rådgivere (rolle raadgiver i tabellen staff) ansat ved månedens udgang."
    return View(chart if data.height else None, data, table, fmt.month_name(month), missing)


CHART_MAX_CASEWORKERS = 40
CASEWORKERS_KEY = "sag-raadgivere"  # Sagstal's expander of every caseworker (its state: open or not)


def caseworkers(con: duckdb.DuckDBPyConnection, month: date, role: str) -> View:
    """Each caseworker's caseload (pseudonymous ids), highest first: for the leder role only."""
    if role != "leder":
        raise PermissionError("Kun rollen leder ser tal på rådgiverniveau.")
    rows = db.query(
        con,
        "select unit as caseworker_id, team, n_cases, fte, caseload_per_fte, norm_status, "
        f"{WITH_NORM} from mart_caseload_norm where level = 'raadgiver' and month = $month "
        "order by caseload_per_fte desc nulls last, n_cases desc, caseworker_id",
        {"month": month},
    )
    rows = rows.with_columns(
        pl.col("norm_status").replace_strict(NORM_LABELS, default="Ingen årsværk").alias("status")
    )
    # the chart shows the highest caseloads (a department has tens, the whole country thousands); the table all
    employed = rows.filter(pl.col("fte").is_not_null()).head(CHART_MAX_CASEWORKERS)
    chart = (
        _hbars(
            employed,
            "caseworker_id",
            "caseload_per_fte",
            "ratio",
            color="status",
            colours=True,
            band=_band(employed),
        )
        if employed.height
        else None
    )
    data, table = _frames(
        rows,
        [
            ("Rådgiver (pseudonym)", pl.col("caseworker_id"), None),
            ("Team", pl.col("team"), None),
            ("Åbne sager", pl.col("n_cases"), None),
            ("Årsværk", pl.col("fte"), _dec),
            ("Sager pr. årsværk", pl.col("caseload_per_fte"), _dec),
            ("I forhold til normen", pl.col("status"), None),
        ],
    )
    missing = "Ingen rådgivere med sager eller ansættelse ved månedens udgang (tabellerne cases og staff)."
    return View(chart, data, table, fmt.month_name(month), missing)


# ---- Personale -------------------------------------------------------------------------------------------

SECTION_KEY = (
    "pers-sektion"  # the Personale page's tabs below the turnover (their state: the open tab's label)
)


def summary(con: duckdb.DuckDBPyConnection, month: date) -> dict | None:
    """The month's staff figures (mart_staff_summary), or None outside the data."""
    rows = db.query(con, "select * from mart_staff_summary where month = $month", {"month": month})
    return rows.row(0, named=True) if rows.height else None


def summary_metrics(row: dict | None) -> list[tuple[str, str, str]]:
    """(label, value, help) for the metric row of Personale, in Danish formats."""
    if row is None:
        return []
    return [
        ("Ansatte", fmt.number(row["n_staff"]), "Personer ansat ved månedens udgang (alle roller)."),
        ("Årsværk", fmt.number(row["fte"], 1), "Summen af ansættelsesbrøker ved månedens udgang."),
        (
            "Rådgivere (årsværk)",
            fmt.number(row["raadgiver_fte"], 1),
            "Årsværk for rådgivere (rolle raadgiver).",
        ),
        (
            "Ansat, 12 måneder",
            fmt.number(row["n_hires_12m"]),
            "Ansættelser med start i de seneste 12 måneder.",
        ),
        (
            "Fratrådt, 12 måneder",
            fmt.number(row["n_leavers_12m"]),
            "Ansættelser med sidste arbejdsdag i de seneste 12 måneder.",
        ),
    ]


def turnover_trend(con: duckdb.DuckDBPyConnection, month: date, months: int = TREND_MONTHS) -> View:
    """Turnover over 12 months, month by month (leavers ÷ mean headcount at the 12 month-ends)."""
    rows = db.query(
        con,
        "select month, n_leavers_12m, mean_headcount, turnover_12m from mart_staff_summary "
        "where month between $first and $month and turnover_12m is not null order by month",
        {"first": _first_month(month, months), "month": month},
    )
    chart = charts.lines(rows, "month", "turnover_12m", None, "share") if rows.height else None
    data, table = _frames(
        rows,
        [
            ("Måned", pl.col("month"), fmt.month_expr),
            ("Fratrådte, 12 måneder", pl.col("n_leavers_12m"), None),
            ("Gennemsnitligt antal ansatte", pl.col("mean_headcount"), lambda v: _dec(v, 2)),
            ("Personaleomsætning", pl.col("turnover_12m"), fmt.pct_expr),
        ],
    )
    return View(
        chart, data, table, shown_period(rows, month, months), "Ingen ansatte i perioden (tabellen staff)."
    )


def leavers_by_reason(con: duckdb.DuckDBPyConnection, month: date) -> View:
    """Employments ended in the 12 months by reason (all roles, raadgivere alone)."""
    rows = db.query(
        con,
        "select leave_reason, n_leavers, n_raadgiver_leavers, leavers_share from mart_leavers_reason_12m "
        "where month = $month order by n_leavers desc, leave_reason",
        {"month": month},
    )
    chart = _hbars(rows, "leave_reason", "n_leavers", "count") if rows.height else None
    data, table = _frames(
        rows,
        [
            ("Årsag", pl.col("leave_reason"), None),
            ("Fratrådte", pl.col("n_leavers"), None),
            ("Heraf rådgivere", pl.col("n_raadgiver_leavers"), None),
            ("Andel af de fratrådte", pl.col("leavers_share"), fmt.pct_expr),
        ],
    )
    missing = "Ingen fratrædelser (left_on i tabellen staff) i de 12 måneder."
    return View(chart, data, table, period_12m(month), missing)


def tenure(con: duckdb.DuckDBPyConnection, month: date) -> View:
    """Seniority bands for all staff and for raadgivere: the share in each band and with less seniority."""
    rows = db.query(
        con,
        "select staff_group, band_no, tenure_band, n_staff, staff_share, cumulative_share from mart_staff_tenure "
        "where month = $month order by staff_group, band_no",
        {"month": month},
    ).with_columns(pl.col("staff_group").replace_strict(GROUP_LABELS).alias("group"))
    order = rows.filter(pl.col("staff_group") == "alle")["tenure_band"].to_list()
    upper = {1: "Under 1 år", 2: "Under 2 år", 3: "Under 5 år"}
    data, table = _frames(
        rows,
        [
            ("Gruppe", pl.col("group"), None),
            ("Anciennitet", pl.col("tenure_band"), None),
            ("Ansatte", pl.col("n_staff"), None),
            ("Andel", pl.col("staff_share"), fmt.pct_expr),
            (
                "Kortere anciennitet",
                pl.col("band_no").replace_strict(upper, default="Alle", return_dtype=pl.Utf8),
                None,
            ),
            ("Andel med kortere anciennitet", pl.col("cumulative_share"), fmt.pct_expr),
        ],
        keep=rows["n_staff"].sum() > 0,
    )
    chart = charts.bars(
        rows, "tenure_band", "staff_share", "share", color="group", horizontal=False, sort=order
    )
    missing = "Ingen ansatte ved månedens udgang (tabellen staff)."
    return View(chart if data.height else None, data, table, fmt.month_name(month), missing)


def headcount(con: duckdb.DuckDBPyConnection, month: date) -> View:
    """Headcount and FTE at the month-end by team and role, with the month's hires and leavers."""
    rows = db.query(
        con,
        "select team, role, headcount, fte, n_hires, n_leavers from mart_staff_monthly "
        "where month = $month and (headcount > 0 or n_hires > 0 or n_leavers > 0) order by team, role",
        {"month": month},
    )
    rows = rows.with_columns(_role_label(pl.col("role")).alias("rolle"))
    active = rows.filter(pl.col("headcount") > 0)
    chart = _stacked(active, "team", "headcount", "rolle", "ansatte") if active.height else None
    data, table = _frames(
        rows,
        [
            ("Team", pl.col("team"), None),
            ("Rolle", pl.col("rolle"), None),
            ("Ansatte", pl.col("headcount"), None),
            ("Årsværk", pl.col("fte"), _dec),
            ("Ansat i måneden", pl.col("n_hires"), None),
            ("Fratrådt i måneden", pl.col("n_leavers"), None),
        ],
    )
    missing = "Ingen ansatte ved månedens udgang (tabellen staff)."
    return View(chart, data, table, fmt.month_name(month), missing)
