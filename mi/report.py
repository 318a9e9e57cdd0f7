"""The committee's monthly pack ("udvalgsrapport"): PDF (WeasyPrint, charts as PNG via vl-convert) and Excel.

`build_pack(con, month, role)` reads everything from the marts (mart_frozen_status / mart_kpi_status,
mart_frozen_values, mart_placements_monthly, mart_overspend_path, …) and applies the role's rules: for
`udvalg` the committee's figures (frozen where the month is frozen, revisions marked) and disclosure control
(mi.privacy) on every figure, table and chart; `leder` and `oekonomi` see today's figures unmasked.
`render_pdf(pack)` and `render_xlsx(pack)` turn the same Pack into files; the page pages/udvalgsrapport.py
shows it on screen. `python -m mi report --month YYYY-MM --role udvalg --out DIR` writes both files.
"""

from __future__ import annotations

import base64
import io
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import altair as alt
import duckdb
import polars as pl

from mi import db, fmt, frozen, kpi, privacy
from mi.charts import memo
from mi.privacy import Shown

ROLES = ("udvalg", "leder", "oekonomi")
ROLE_LABELS = {
    "udvalg": "Udgave til udvalget (små tal er skjult)",
    "leder": "Udgave til ledelsen",
    "oekonomi": "Udgave til økonomi",
}
TITLE = "Udvalgsrapport – det specialiserede børne- og ungeområde"
TEMPLATES = Path(__file__).parent / "report_templates"

# The five focus points (DOMAIN.md): title, the headline KPI, further KPIs shown with it, the charted KPI.
FOCUS = (
    (
        "f1",
        "Færre børn anbragt på institution",
        "f1_institution_children",
        ("f1_institution_starts_ytd",),
        "f1_institution_children",
    ),
    (
        "f2",
        "Flere i netværks- og plejefamilier i forhold til institution",
        "f2_family_care_share",
        (),
        "f2_family_care_share",
    ),
    (
        "f3",
        "Færre familiebehandlinger købt hos private",
        "f3_private_family_treatment_starts_ytd",
        ("f3_private_share_ytd",),
        "f3_private_share_ytd",
    ),
    ("f4", "Færre elever i skole-dagbehandling", "f4_day_treatment_share", (), "f4_day_treatment_share"),
    (
        "f5",
        "Lavere udgifter til tabt arbejdsfortjeneste",
        "f5_lost_earnings_ytd_dkk",
        (),
        "f5_lost_earnings_ytd_dkk",
    ),
)
SUPPORT_KEYS = frozen.SUPPORT_KEYS
PLACEMENT_ROWS = (
    ("netvaerk", "Netværksplejefamilie"),
    ("plejefamilie", "Plejefamilie"),
    ("anden", "Andet (eget værelse, efterskole)"),
    ("institution", "Institution (døgninstitution, opholdssted, sikret)"),
)
TOTAL = "I alt"
SERIES_MONTHS = 24

# Okabe–Ito: safe for colour-blind readers; status is always written out as well.
BLUE, SKY, ORANGE, GREEN, VERMILLION, GREY = "#0072B2", "#56B4E9", "#E69F00", "#009E73", "#D55E00", "#7F7F7F"
STATUS_COLOURS = {
    "god": GREEN,
    "daarlig": VERMILLION,
    "neutral": GREY,
    "ingen": "#BBBBBB",
    "skjult": "#BBBBBB",
}
HIDDEN_STATUS = "Vises ikke (små tal)"


# ---- the pack ----------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One KPI for the month as the role sees it: values are privacy.Shown (number, mark or None)."""

    key: str
    label: str
    unit: str
    section: str
    good: str
    comparison: str
    definition: str
    value: Shown
    prev_month: Shown
    prev_year: Shown
    change_month: Shown
    change_year: Shown
    status: str
    status_label: str
    is_frozen: bool = False
    is_revised: bool = False
    frozen: Shown = None  # the frozen figure (when frozen)
    current: Shown = None  # today's figure (when revised)

    def text(self, value: Shown | str = "value") -> str:
        v = getattr(self, value) if isinstance(value, str) and hasattr(self, value) else value
        return _text(v, self.unit)

    def change_text(self, which: str = "change_year") -> str:
        return _change_text(getattr(self, which), self.unit)

    def revision_parts(self) -> tuple[str, str]:
        """(frozen, today's) as text, precise enough to differ: ('27', '28')."""
        return revision_texts(self.frozen, self.current, self.unit)

    def revision_text(self) -> str:
        """'27 → 28 (revideret)' when today's data differ from the frozen figure, else ''."""
        if not self.is_revised:
            return ""
        old, new = self.revision_parts()
        return f"{old} (revideret)" if old == new else f"{old} → {new} (revideret)"


def revision_texts(frozen: Shown, current: Shown, unit: str) -> tuple[str, str]:
    """A frozen and a revised figure as text; when they read the same rounded, with more precision (whole
    kroner, two decimals of a per cent)."""
    old, new = _text(frozen, unit), _text(current, unit)
    if (
        old == new
        and not isinstance(frozen, str)
        and not isinstance(current, str)
        and None not in (frozen, current)
    ):
        if unit == "dkk":
            old, new = fmt.kr(frozen), fmt.kr(current)
        elif unit in ("share", "share2"):
            old, new = fmt.pct(frozen, 3), fmt.pct(current, 3)
        elif unit == "ratio":
            old, new = fmt.number(frozen, 2), fmt.number(current, 2)
    return old, new


@dataclass
class FocusPoint:
    code: str
    number: int
    title: str
    headline: Figure
    extra: list[Figure]
    sentence: str
    chart_key: str


@dataclass
class Pack:
    month: date
    role: str
    min_count: int
    suppress: bool
    data_as_of: date | None
    version_id: int | None
    imported_at: datetime | None
    frozen: dict | None
    figures: dict[str, Figure]
    focus: list[FocusPoint]
    sentences: dict[str, str]
    placements: pl.DataFrame  # label, n_month, n_prev_year, change (Object: Shown)
    path: pl.DataFrame
    series: pl.DataFrame  # month, kpi_key, label, unit, value (null when hidden or empty), shown (text)
    revisions: list[dict]
    teams: pl.DataFrame | None
    areas: pl.DataFrame | None
    norm: tuple[float, float]
    baseline_year: int = 2019
    annual_reduction_dkk: float = 2_000_000
    footnotes: list[str] = field(default_factory=list)

    @property
    def month_text(self) -> str:
        return fmt.month_name(self.month)

    @property
    def stem(self) -> str:
        return f"udvalgsrapport-{self.month:%Y-%m}"


# Display units beyond the registry's: small shares (a fraction of a per cent) get two decimals.
DISPLAY_UNITS = {"f4_day_treatment_share": "share2"}


def _unit(key: str, unit: str) -> str:
    return DISPLAY_UNITS.get(key, unit)


def _money(v: float | None) -> str:
    """Amounts for the committee: 1.136.000 → '1,14 mio. kr.', 24.300.000 → '24,3 mio. kr.', 76.628 → '76.628 kr.'"""
    if v is None:
        return fmt.DASH
    if abs(v) >= 10_000_000:
        return fmt.mio(v, 1)
    return fmt.mio(v, 2) if abs(v) >= 1_000_000 else fmt.kr(v)


def _mio(v: float | None) -> str:
    """One column of a table of amounts: all in mio. kr. with one decimal."""
    return fmt.DASH if v is None else fmt.mio(v, 1)


def _text(v: Shown, unit: str) -> str:
    if v is None or isinstance(v, str):
        return privacy.text(v)
    if unit == "dkk":
        return _money(v)
    if unit == "share2":
        return fmt.pct(v, 2)
    return fmt.kpi_value(v, unit)


def _change_text(v: Shown, unit: str) -> str:
    if v is None or isinstance(v, str):
        return privacy.text(v)
    if unit == "share2":
        return fmt.pct_points(v, 2)
    if unit == "dkk":
        return ("+" if v > 0 else "") + _money(v)
    return fmt.kpi_change(v, unit)


def _settings(con: duckdb.DuckDBPyConnection) -> dict:
    row = db.query(con, "select * from stg_settings").row(0, named=True)
    return {
        "min_count": int(row["privacy_min_count"]),
        "norm": (row["caseload_norm_low"], row["caseload_norm_high"]),
        "baseline_year": int(row["budget_baseline_year"]),
        "annual_reduction_dkk": row["budget_annual_reduction_dkk"],
    }


def _hide_rules(
    values: dict[str, float | None], placement_hidden: set[str], min_count: int
) -> dict[str, Shown]:
    """The committee's shown value of every KPI in one month, from the month's values (KPIs and the counts
    behind the shares) and the placement types hidden in the month's placement table."""
    out: dict[str, Shown] = {}
    for k in kpi.REGISTRY:
        v = values.get(k.key)
        shown = privacy.protect_kpi(k.key, values, min_count, children_count=k.children_count)
        if (
            k.key == "f1_institution_children"
            and "institution" in placement_hidden
            and not isinstance(shown, str)
        ):
            shown = privacy.HIDDEN
        if k.key == "f2_family_care_share" and placement_hidden & {"netvaerk", "plejefamilie", "institution"}:
            shown = None if v is None else privacy.HIDDEN
        out[k.key] = shown
    return out


def _placement_protection(con, months: list[date], min_count: int) -> dict[date, privacy.Protected]:
    """Children by placement type at each month-end with the total, protected month by month. The institution
    row is published as focus point 1, and network + foster family through the share of focus point 2: they
    are kept, so a small count elsewhere is protected by the total (or another row) rather than by them."""
    if not months:
        return {}
    rows = db.query(
        con,
        """select month, placement_type, cast(sum(n_children) as bigint) as n
           from mart_placements_monthly where month between $a and $b
           group by grouping sets ((month, placement_type), (month))""",
        {"a": min(months), "b": max(months)},
    )
    by_month = rows.partition_by("month", as_dict=True)
    return {
        mo: _protect_placements(
            dict(zip(part["placement_type"].to_list(), part["n"].to_list(), strict=True)), min_count
        )
        for (mo,), part in by_month.items()
    }


def _protect_placements(counts: dict[str | None, int], min_count: int) -> privacy.Protected:
    """The placement table of one month (counts by placement type, None: the total) as the committee sees it."""
    order = [t for t, _ in PLACEMENT_ROWS] + [None]
    frame = pl.DataFrame({"type": [t or TOTAL for t in order], "n": [counts.get(t) or 0 for t in order]})
    return privacy.protect_table(
        frame, ["n"], min_count, label_col="type", total_label=TOTAL, keep=[(0, "n"), (1, "n"), (3, "n")]
    )


FT_PROVIDERS = (
    "intern",
    "kommunal",
    "regional",
    "privat",
)  # the rows of the family-treatment table, then the total
FT_PRIVATE_ROW, FT_TOTAL_ROW = 3, 4


def family_treatment_frames(con, year: int, upto: date) -> dict[date, pl.DataFrame]:
    """Family-treatment courses started in the year to date by provider type (rows FT_PROVIDERS, then the total),
    for each month of `year` through `upto`: column n_month that year, n_prev the year before (same months)."""
    rows = db.query(
        con,
        """select month, provider_type, cast(sum(n_starts_ytd) as bigint) as n from mart_family_treatment_monthly
           where (year(month) = $y and month <= $u) or (year(month) = $y - 1 and month(month) <= month($u))
           group by grouping sets ((month, provider_type), (month))""",
        {"y": year, "u": upto},
    )
    got = {(r["month"], r["provider_type"]): r["n"] for r in rows.iter_rows(named=True)}
    order = [*FT_PROVIDERS, None]  # None: the total
    return {
        date(year, i, 1): pl.DataFrame(
            {
                "type": [t or TOTAL for t in order],
                "n_month": [got.get((date(year, i, 1), t)) or 0 for t in order],
                "n_prev": [got.get((date(year - 1, i, 1), t)) or 0 for t in order],
            }
        )
        for i in range(1, upto.month + 1)
    }


def family_treatment_tables(con, year: int, upto: date, min_count: int) -> dict[date, privacy.Protected]:
    """family_treatment_frames protected for the committee month after month (privacy.protect_ytd_tables: no
    two months shown give a month's own small number of starts). The private row and the total are focus point
    3's count and share: kept where possible, and the figures follow this table (build_pack) so that neither gives
    away what the other hides."""
    frames = family_treatment_frames(con, year, upto)
    protected = privacy.protect_ytd_tables(
        list(frames.values()),
        ["n_month", "n_prev"],
        min_count,
        label_col="type",
        total_label=TOTAL,
        keep=[(r, c) for r in (FT_PRIVATE_ROW, FT_TOTAL_ROW) for c in ("n_month", "n_prev")],
    )
    return dict(zip(frames, protected, strict=True))


def _ytd_walk(shown: dict[date, dict[str, Shown]], values: dict[date, dict], con, min_count: int) -> None:
    """The committee's year-to-date counts of children across months (in place): a month whose count differs from
    the last month shown by a small number is hidden (privacy.protect_ytd_tables), for focus point 1's starts on
    their own and for focus point 3's private starts, the others and all starts together; the share of private
    starts is hidden with any of its parts, and focus point 3 follows the family-treatment table."""
    by_year: dict[int, list[date]] = {}
    for mo in sorted(shown):
        by_year.setdefault(mo.year, []).append(mo)
    for year, months in by_year.items():
        # the months must run from January: a year the data enter after January starts at its first month
        f1 = [pl.DataFrame({"n": [int(values[mo].get("f1_institution_starts_ytd") or 0)]}) for mo in months]
        for mo, p in zip(months, privacy.protect_ytd_tables(f1, ["n"], min_count), strict=True):
            if p.is_hidden(0, "n") and not isinstance(shown[mo].get("f1_institution_starts_ytd"), str):
                shown[mo]["f1_institution_starts_ytd"] = p.cell(0, "n")
        f3 = []
        for mo in months:
            private = int(values[mo].get("f3_private_family_treatment_starts_ytd") or 0)
            every = int(values[mo].get("n_family_treatment_starts_ytd") or 0)
            f3.append(
                pl.DataFrame({"type": ["privat", "andre", TOTAL], "n": [private, every - private, every]})
            )
        walked = privacy.protect_ytd_tables(f3, ["n"], min_count, label_col="type", total_label=TOTAL)
        tables = family_treatment_tables(con, year, months[-1], min_count)
        for mo, p in zip(months, walked, strict=True):
            t = tables.get(mo)
            private_hidden = p.is_hidden(0, "n") or (t is not None and t.is_hidden(FT_PRIVATE_ROW, "n_month"))
            total_hidden = p.is_hidden(2, "n") or (t is not None and t.is_hidden(FT_TOTAL_ROW, "n_month"))
            key = "f3_private_family_treatment_starts_ytd"
            if private_hidden and not isinstance(shown[mo].get(key), str):
                shown[mo][key] = privacy.HIDDEN
            share = "f3_private_share_ytd"
            if (private_hidden or total_hidden or p.is_hidden(1, "n")) and shown[mo].get(share) is not None:
                shown[mo][share] = privacy.HIDDEN


# the placement table's rows as frozen with a month's KPIs (mi.frozen.SUPPORT_KEYS)
FROZEN_PLACEMENT_KEYS = {
    "netvaerk": "n_network_children",
    "plejefamilie": "n_foster_children",
    "anden": "n_other_placed_children",
    "institution": "f1_institution_children",
}


def _hidden_at_freeze(values: dict[str, float | None], min_count: int) -> set[str]:
    """The placement types hidden in the table built from a month's committee values (for a frozen month: the
    counts as frozen), so a frozen share is hidden as it was when the committee first saw it."""
    counts = {t: values.get(k) for t, k in FROZEN_PLACEMENT_KEYS.items()}
    if any(v is None for v in counts.values()):
        return set()
    counts = {t: int(v) for t, v in counts.items()}
    counts[None] = sum(counts.values())
    p = _protect_placements(counts, min_count)
    return {t for i, (t, _) in enumerate(PLACEMENT_ROWS) if p.is_hidden(i, "n")}


def build_pack(con: duckdb.DuckDBPyConnection, month: date | str, role: str = "udvalg") -> Pack:
    """Everything the pack shows for the month and role, read from the marts and protected for udvalg."""
    if role not in ROLES:
        raise ValueError(f"Ukendt rolle {role!r} (udvalg, leder eller oekonomi).")
    m = kpi.parse_month(month) if isinstance(month, str) else date(month.year, month.month, 1)
    kpi.values(con, m)  # ValueError (Danish) when the month is outside the data
    st = _settings(con)
    min_count, suppress = st["min_count"], role == "udvalg"
    committee = role == "udvalg"
    rng = kpi.data_range(con) or {}
    version = db.query(con, "select * from data_versions order by version_id desc limit 1")
    version_row = version.row(0, named=True) if version.height else {}

    # KPI rows for every month to M (comparisons reach back a year; charts two)
    view = "mart_frozen_status" if committee else "mart_kpi_status"
    status = db.query(con, f"select * from {view} where month <= $m order by month, sort_order", {"m": m})
    vals = db.query(
        con,
        "select month, kpi_key, value, current_value, frozen_value, is_frozen, is_revised from mart_frozen_values "
        "where month <= $m",
        {"m": m},
    )
    col = "value" if committee else "current_value"
    by_month: dict[date, dict[str, float | None]] = {}
    current_by_month: dict[date, dict[str, float | None]] = {}
    for r in vals.iter_rows(named=True):
        by_month.setdefault(r["month"], {})[r["kpi_key"]] = r[col]
        current_by_month.setdefault(r["month"], {})[r["kpi_key"]] = r["current_value"]
    months = sorted(by_month)

    tables = _placement_protection(con, months, min_count) if suppress else {}

    def table_hidden(mo: date) -> set[str]:
        p = tables.get(mo)
        if p is None:
            return set()
        return {t for i, (t, _) in enumerate(PLACEMENT_ROWS) if p.is_hidden(i, "n")}

    def shown_month(mo: date, source: dict) -> dict[str, Shown]:
        values = source.get(mo, {})
        if not suppress:
            return {k.key: values.get(k.key) for k in kpi.REGISTRY}
        # hidden in today's table or in the one the frozen figures come from: neither may be worked out from the
        # other (a frozen share beside today's rows)
        return _hide_rules(values, table_hidden(mo) | _hidden_at_freeze(values, min_count), min_count)

    shown = {mo: shown_month(mo, by_month) for mo in months}
    shown_current = shown_month(m, current_by_month)
    if suppress:
        _ytd_walk(shown, by_month, con, min_count)
        # today's value of the month (a revision's new value) walked against the months shown before it
        today = {mo: dict(v) for mo, v in shown.items() if mo.year == m.year and mo < m} | {m: shown_current}
        _ytd_walk(today, {**by_month, m: current_by_month.get(m, {})}, con, min_count)
        shown_current = today[m]
    prev_m = _add_months(m, -1)
    prev_y = _add_months(m, -12)

    figures: dict[str, Figure] = {}
    cur_rows = status.filter(pl.col("month") == m)
    for r in cur_rows.iter_rows(named=True):
        key = r["kpi_key"]
        v = shown[m][key]
        py = shown.get(prev_y, {}).get(key) if r["prev_year_value"] is not None else None
        pm = shown.get(prev_m, {}).get(key) if r["prev_month_value"] is not None else None
        if suppress and r["children_count"] and key in YTD_KEYS:
            # last month's year-to-date count beside this month's gives the month's own count (the starts in
            # the month), which may be small: the committee gets the year to date only
            pm = None
        hide_status = isinstance(v, str) or (r["good"] in ("up", "down") and isinstance(py, str))
        fig = Figure(
            key=key,
            label=r["label"],
            unit=_unit(key, r["unit"]),
            section=r["section"],
            good=r["good"],
            comparison=r["comparison"],
            definition=r["definition"],
            value=v,
            prev_month=pm,
            prev_year=py,
            change_month=None if pm is None else privacy.protect_change(r["change_month"], v, pm),
            change_year=privacy.protect_change(r["change_year"], v, py),
            status="skjult" if hide_status else r["status"],
            status_label=HIDDEN_STATUS if hide_status else r["status_label"],
        )
        if committee and r.get("is_frozen"):
            fig.is_frozen = True
            fig.frozen = v
            fig.is_revised = bool(r["is_revised"])
            fig.current = shown_current[key] if fig.is_revised else v
            if (
                fig.is_revised
                and r["children_count"]
                and isinstance(v, int | float)
                and isinstance(fig.current, int | float)
                and privacy.is_small(abs(fig.current - v), min_count)
            ):
                # '5 → 6' would say that one child was registered late: the new count is not shown
                fig.current = privacy.HIDDEN
        figures[key] = fig

    focus = []
    for i, (code, title, head, extra, chart_key) in enumerate(FOCUS, start=1):
        fp = FocusPoint(code, i, title, figures[head], [figures[k] for k in extra], "", chart_key)
        fp.sentence = _focus_sentence(fp, m, min_count)
        focus.append(fp)

    series = _series(
        status,
        shown,
        m,
        [fp.chart_key for fp in focus]
        + ["overspend_dkk", "caseload_per_fte", "turnover_12m", "tenure_under_1y_share"],
    )
    placements = _placements_table(con, m, tables, suppress)
    path = db.query(
        con,
        "select year, budget_dkk, spend_dkk, overspend_dkk, target_dkk, gap_dkk, is_forecast, is_on_track "
        "from mart_overspend_path where month = $m order by year",
        {"m": m},
    )
    teams = None
    if role == "leder":
        teams = db.query(
            con,
            "select team, n_cases, raadgiver_fte, caseload_per_fte from mart_caseload_monthly "
            "where month = $m order by team",
            {"m": m},
        )
    areas = None
    if role in ("leder", "oekonomi"):
        areas = db.query(
            con,
            "select budget_area, budget_dkk, actual_ytd_dkk, committed_dkk, forecast_dkk, deviation_dkk "
            "from mart_budget_area_monthly where month = $m order by budget_area",
            {"m": m},
        )
    revisions = []
    for f in figures.values():
        if f.is_revised:
            revisions.append({"label": f.label, "unit": f.unit, "frozen": f.frozen, "current": f.current})
    if not committee:
        revs = frozen.revisions(con, m)
        for r in revs.iter_rows(named=True):
            revisions.append(
                {
                    "label": r["label"],
                    "unit": _unit(r["kpi_key"], r["unit"]),
                    "frozen": r["frozen_value"],
                    "current": r["current_value"],
                }
            )

    info = frozen.frozen_info(con, m)
    pack = Pack(
        month=m,
        role=role,
        min_count=min_count,
        suppress=suppress,
        data_as_of=rng.get("data_as_of"),
        version_id=version_row.get("version_id"),
        imported_at=version_row.get("imported_at"),
        frozen=info,
        figures=figures,
        focus=focus,
        sentences={},
        placements=placements,
        path=path,
        series=series,
        revisions=revisions,
        teams=teams,
        areas=areas,
        norm=st["norm"],
        baseline_year=st["baseline_year"],
        annual_reduction_dkk=st["annual_reduction_dkk"],
    )
    pack.sentences = _section_sentences(pack)
    pack.footnotes = _footnotes(pack)
    return pack


def _add_months(d: date, n: int) -> date:
    y, mo = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, mo + 1, 1)


def _series(status: pl.DataFrame, shown: dict, m: date, keys: list[str]) -> pl.DataFrame:
    start = _add_months(m, -(SERIES_MONTHS - 1))
    rows = status.filter((pl.col("month") >= start) & pl.col("kpi_key").is_in(keys))
    out = []
    for r in rows.iter_rows(named=True):
        v = shown.get(r["month"], {}).get(r["kpi_key"], r["value"])
        out.append(
            {
                "month": r["month"],
                "kpi_key": r["kpi_key"],
                "label": r["label"],
                "unit": _unit(r["kpi_key"], r["unit"]),
                "value": None if isinstance(v, str) or v is None else float(v),
                "shown": _text(v, _unit(r["kpi_key"], r["unit"])),
                "is_hidden": isinstance(v, str),
                "is_frozen": bool(r.get("is_frozen") or False),
            }
        )
    schema = {
        "month": pl.Date,
        "kpi_key": pl.Utf8,
        "label": pl.Utf8,
        "unit": pl.Utf8,
        "value": pl.Float64,
        "shown": pl.Utf8,
        "is_hidden": pl.Boolean,
        "is_frozen": pl.Boolean,
    }
    return pl.DataFrame(out, schema=schema)


def _placements_table(con, m: date, tables: dict, suppress: bool) -> pl.DataFrame:
    """Children by placement type at M and a year earlier, with the change (computed in SQL)."""
    prev = _add_months(m, -12)
    rows = db.query(
        con,
        """with t as (
               select placement_type,
                   cast(sum(n_children) filter (where month = $m) as bigint) as n_month,
                   cast(sum(n_children) filter (where month = $p) as bigint) as n_prev_year,
               from mart_placements_monthly where month in ($m, $p)
               group by grouping sets ((placement_type), ())
           )
           select *, n_month - n_prev_year as change from t""",
        {"m": m, "p": prev},
    )
    has_prev = (
        db.scalar(con, "select count(*) from mart_placements_monthly where month = $p", {"p": prev}) > 0
    )
    lookup = {r["placement_type"]: r for r in rows.iter_rows(named=True)}
    out = []
    for i, (t, label) in enumerate([*PLACEMENT_ROWS, (None, TOTAL)]):
        r = lookup.get(t, {"n_month": 0, "n_prev_year": 0, "change": 0})
        now: Shown = r["n_month"] or 0
        before: Shown = (r["n_prev_year"] or 0) if has_prev else None
        if suppress:
            now = tables[m].cell(i, "n") if m in tables else now
            before = tables[prev].cell(i, "n") if prev in tables else before
        change = privacy.protect_change(r["change"] if has_prev else None, now, before)
        out.append({"label": label, "n_month": now, "n_prev_year": before, "change": change})
    return pl.DataFrame(
        out, schema={"label": pl.Utf8, "n_month": pl.Object, "n_prev_year": pl.Object, "change": pl.Object}
    )


# ---- sentences ---------------------------------------------------------------------------------------


def _period(m: date) -> str:
    return fmt.month_name(m) if m.month == 1 else f"{fmt.MONTHS[0]}–{fmt.month_name(m)}"


def _children(n: float) -> str:
    n = int(n)
    return "ingen børn" if n == 0 else ("1 barn" if n == 1 else f"{fmt.number(n)} børn")


def _more_fewer(change: float, unit: str, few: str = "færre", many: str = "flere") -> str:
    word = few if change < 0 else many
    if unit in ("share", "share2"):
        decimals = 2 if unit == "share2" else 1
        return (
            f"{fmt.number(abs(change) * 100, decimals)} procentpoint {'lavere' if change < 0 else 'højere'}"
        )
    if unit == "dkk":
        return f"{_money(abs(change))} {'mindre' if change < 0 else 'mere'}"
    return f"{fmt.number(abs(change))} {word}"


def _comparison(f: Figure, same: str, small_note: str) -> str:
    """', 4 færre end samme måned sidste år' / ', det samme som …' / '' / a note when last year is hidden."""
    c = f.change_year
    if isinstance(c, str):
        return small_note
    if c is None:
        return ""
    if c == 0:
        return ", uændret i forhold til " + same.removeprefix("i ")
    return f", {_more_fewer(c, f.unit)} end {same}"


def _focus_sentence(fp: FocusPoint, m: date, min_count: int) -> str:
    text = _focus_text(fp, m, min_count)
    return text if text.endswith(".") else text + "."


def _focus_text(fp: FocusPoint, m: date, min_count: int) -> str:
    f, month, period = fp.headline, fmt.month_name(m), _period(m)
    few = f"færre end {min_count}"
    # '<5' is a small count; '–' a figure hidden so that a small count elsewhere cannot be worked out from it
    small = f.value == privacy.mark(min_count)
    not_shown = f"vises ikke, fordi et lille antal børn ellers kunne regnes ud (færre end {min_count})"
    hidden_year = (
        "; sammenligningen med sidste år vises ikke, fordi et lille antal børn ellers kunne regnes ud"
    )
    if fp.code == "f1":
        if isinstance(f.value, str):
            if not small:
                return f"Antallet af børn anbragt på institution ved udgangen af {month} {not_shown}."
            return f"Ved udgangen af {month} var {few} børn anbragt på institution."
        return (
            f"Ved udgangen af {month} var {_children(f.value)} anbragt på institution"
            f"{_comparison(f, 'samme måned sidste år', hidden_year)}"
        )
    if fp.code == "f2":
        if isinstance(f.value, str):
            return f"Andelen i netværks- og plejefamilier ved udgangen af {month} {not_shown}."
        if f.value is None:
            return f"Ved udgangen af {month} var ingen børn anbragt i familiepleje eller på institution."
        return (
            f"Ved udgangen af {month} boede {fmt.pct(f.value)} af de børn, der var anbragt i familiepleje eller "
            f"på institution, i en netværks- eller plejefamilie{_comparison(f, 'samme måned sidste år', hidden_year)}"
        )
    if fp.code == "f3":
        if isinstance(f.value, str):
            if not small:
                return f"Antallet af forløb med familiebehandling hos private leverandører i {period} {not_shown}."
            return f"I {period} er der startet {few} forløb med familiebehandling hos private leverandører."
        n = int(f.value or 0)
        if n == 0:
            return (
                f"I {period} er der ikke startet forløb med familiebehandling hos private leverandører"
                f"{_comparison(f, 'i samme periode sidste år', hidden_year)}"
            )
        courses = "1 forløb" if n == 1 else f"{fmt.number(n)} forløb"
        return (
            f"I {period} er der startet {courses} med familiebehandling hos private leverandører"
            f"{_comparison(f, 'i samme periode sidste år', hidden_year)}"
        )
    if fp.code == "f4":
        if isinstance(f.value, str):
            return f"Andelen af elever i skole-dagbehandling ved udgangen af {month} {not_shown}."
        if f.value is None:
            return f"Elevtallet for skoleåret mangler, så andelen i skole-dagbehandling kan ikke beregnes for {month}."
        who = "ingen" if f.value == 0 else fmt.pct(f.value, 2)
        return (
            f"Ved udgangen af {month} gik {who} af kommunens elever i et "
            f"skole-dagbehandlingstilbud{_comparison(f, 'samme måned sidste år', hidden_year)}"
        )
    # f5
    return (
        f"I {period} er der udbetalt {_money(f.value or 0)} i tabt arbejdsfortjeneste"
        f"{_comparison(f, 'i samme periode sidste år', '')}"
    )


def _section_sentences(p: Pack) -> dict[str, str]:
    f = p.figures
    out = {}
    budget, forecast, over, target = (
        f[k].value for k in ("budget_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk")
    )
    year = p.month.year
    if budget is None:
        out["budget"] = (
            f"Der er intet budget for {year} i data; det forventede forbrug for året er {_money(forecast)}"
        )
    else:
        side = "over" if over > 0 else "under"
        goal = (
            f"Målet er et merforbrug på højst {_money(target)}"
            if target > 0
            else f"Målet er et mindreforbrug på mindst {_money(-target)}"
            if target < 0
            else "Målet er at holde budgettet"
        )
        out["budget"] = (
            f"Det forventede forbrug for {year} er {_money(forecast)}, {_money(abs(over))} "
            f"{side} budgettet på {_money(budget)}; {goal[0].lower() + goal[1:]} "
            f"({f['overspend_dkk'].status_label.lower()})."
        )
    c = f["caseload_per_fte"]
    lo, hi = p.norm
    if c.value is None:
        out["caseload"] = f"Sagstallet kan ikke beregnes for {p.month_text} (ingen rådgivere i data)."
    else:
        out["caseload"] = (
            f"Ved udgangen af {p.month_text} havde rådgiverne i gennemsnit {fmt.number(c.value, 1)} "
            f"sager pr. årsværk; Dansk Socialrådgiverforening anbefaler {fmt.number(lo)}–"
            f"{fmt.number(hi)} ({c.status_label.lower()})."
        )
    t, u1, u2 = f["turnover_12m"], f["tenure_under_1y_share"], f["tenure_under_2y_share"]
    if t.value is None:
        out["staff"] = "Personaleomsætningen kan ikke beregnes (ingen ansatte i data)."
    else:
        out["staff"] = (
            f"I de seneste 12 måneder svarer fratrædelserne til {fmt.pct(t.value)} af de ansatte; "
            f"{fmt.pct(u1.value)} af de ansatte har været ansat under 1 år og {fmt.pct(u2.value)} under "
            "2 år."
        )
    return out


def _footnotes(p: Pack) -> list[str]:
    notes = []
    if p.suppress:
        notes += privacy.footnotes(p.min_count)
        notes.append(f"Kurverne viser ikke måneder, hvor tallet bygger på under {p.min_count} børn.")
    if any(f.is_revised for f in p.figures.values()) or p.revisions:
        notes.append(
            "Revideret: tallet er ændret i data, efter måneden blev frosset. Det frosne tal står først, "
            "dagens tal efter pilen."
        )
    notes.append(
        "Andele er beregnet af tal, der ikke er afrundede; beløb er i kroner, store beløb i mio. kr."
    )
    return notes


# ---- charts ------------------------------------------------------------------------------------------

FONT = "Liberation Sans"
YTD_KEYS = {
    "f1_institution_starts_ytd",
    "f3_private_family_treatment_starts_ytd",
    "f3_private_share_ytd",
    "f5_lost_earnings_ytd_dkk",
    "f5_lost_earnings_prev_ytd_dkk",
    "actual_ytd_dkk",
}
_AXIS_FORMATS = {"count": ",d", "share": ".0%", "share2": ".2%", "ratio": ",.1f", "dkk": ",.1f"}


def _base_config(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=11, titleFontSize=11, gridColor="#E5E5E5", domainColor="#999999")
        .configure_view(stroke=None)
        .configure_title(fontSize=13, anchor="start", font=FONT)
    )


@memo
def kpi_chart(
    series: pl.DataFrame,
    key: str,
    title: str | None = None,
    norm: tuple | None = None,
    min_count: int | None = None,
) -> alt.Chart:
    """The KPI's last months as a line; hidden or empty months leave a gap."""
    part = series.filter(pl.col("kpi_key") == key).sort("month")
    unit = part["unit"][0] if part.height else "count"
    top = max((abs(v) for v in part["value"].to_list() if v is not None), default=0)
    scale, axis_format = 1, _AXIS_FORMATS[unit]
    y_title = {
        "dkk": "mio. kr.",
        "share": "andel",
        "share2": "andel",
        "ratio": "sager pr. årsværk",
        "count": "antal",
    }[unit]
    if unit == "dkk":
        scale, y_title = (1_000_000, "mio. kr.") if top >= 2_000_000 else (1_000, "1.000 kr.")
        axis_format = ",.1f" if scale == 1_000_000 else ",d"
    elif unit in ("share", "share2"):
        axis_format = ".2%" if top < 0.02 else ".1%" if top < 0.2 else ".0%"
    # hidden or empty months are left out, and the line is broken there (a segment per run of shown months)
    # (year-to-date figures start again each January: the line breaks there too)
    ytd = key in YTD_KEYS
    data = part.with_columns(
        (pl.col("value") / scale).alias("y"),
        (
            pl.col("value").is_null().cum_sum().cast(pl.Utf8)
            + (pl.lit("-") + pl.col("month").dt.year().cast(pl.Utf8) if ytd else pl.lit(""))
        ).alias("segment"),
    ).filter(pl.col("y").is_not_null())
    x = alt.X(
        "month:T",
        title=None,
        axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=8),
        scale=alt.Scale(
            domain=[_records_date(part["month"].min()), _records_date(part["month"].max())]
            if part.height
            else alt.Undefined
        ),
    )
    y = alt.Y("y:Q", title=y_title, axis=alt.Axis(format=axis_format), scale=alt.Scale(zero=unit != "ratio"))
    base = alt.Chart(alt.Data(values=_records(data)))
    line = base.mark_line(color=BLUE, strokeWidth=2).encode(x=x, y=y, detail="segment:N")
    points = base.mark_point(color=BLUE, filled=True, size=28).encode(
        x=x, y=y, tooltip=[alt.Tooltip("month:T", format="%B %Y"), alt.Tooltip("shown:N", title="værdi")]
    )
    layers = [line, points]
    if data.height == 0:
        hidden = part["is_hidden"].any() if part.height else False
        note = (
            f"Ingen måneder kan vises (tallene bygger på under {min_count} børn)"
            if hidden and min_count
            else "Ingen tal i perioden"
        )
        layers = [
            alt.Chart(alt.Data(values=[{"t": note}])).mark_text(fontSize=12, color=GREY).encode(text="t:N")
        ]
    if norm is not None:
        band = (
            alt.Chart(alt.Data(values=[{"lo": norm[0], "hi": norm[1]}]))
            .mark_rect(color=GREEN, opacity=0.12)
            .encode(y="lo:Q", y2="hi:Q")
        )
        layers.insert(0, band)
    chart = alt.layer(*layers).properties(width=460, height=170)
    if title:
        chart = chart.properties(title=title)
    return chart


def _records_date(d: date) -> str:
    return d.isoformat()


def _records(frame: pl.DataFrame) -> list[dict]:
    out = []
    for r in frame.iter_rows(named=True):
        rec = {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in r.items()}
        out.append(rec)
    return out


@memo
def path_chart(path: pl.DataFrame) -> alt.Chart:
    """Overspend per year (bars; the current year is the forecast, lighter) against the target (black ticks);
    the legend names all three."""
    data = _records(
        path.with_columns(
            (pl.col("overspend_dkk") / 1e6).alias("over"),
            (pl.col("target_dkk") / 1e6).alias("target"),
            pl.col("year").cast(pl.Utf8).alias("år"),
            pl.when(pl.col("is_forecast"))
            .then(pl.lit("forventet merforbrug"))
            .otherwise(pl.lit("merforbrug (regnskab)"))
            .alias("kind"),
            pl.lit("mål").alias("mål"),
        )
    )
    colour = alt.Scale(
        domain=["merforbrug (regnskab)", "forventet merforbrug", "mål"], range=[BLUE, SKY, "black"]
    )
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(width=26).encode(
        x=alt.X("år:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("over:Q", title="mio. kr.", axis=alt.Axis(format=",.1f")),
        color=alt.Color("kind:N", title=None, scale=colour, legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip("år:O", title="år"),
            alt.Tooltip("over:Q", title="merforbrug, mio. kr.", format=",.2f"),
        ],
    )
    target = base.mark_tick(thickness=3, size=34).encode(
        x="år:O",
        y="target:Q",
        color=alt.Color("mål:N", title=None, scale=colour, legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip("år:O", title="år"),
            alt.Tooltip("target:Q", title="mål, mio. kr.", format=",.2f"),
        ],
    )
    zero = alt.Chart(alt.Data(values=[{"z": 0}])).mark_rule(color="#999999").encode(y="z:Q")
    return alt.layer(bars, target, zero).properties(width=460, height=190)


def chart_png(chart: alt.Chart, scale: float = 2) -> bytes:
    import vl_convert as vlc  # noqa: PLC0415 - only the PDF needs it

    spec = _base_config(chart).to_dict()
    return vlc.vegalite_to_png(spec, scale=scale, format_locale="da-DK", time_format_locale="da-DK")


def charts(pack: Pack) -> dict[str, alt.Chart]:
    """The pack's charts by name (focus codes, 'path', 'caseload', 'turnover')."""
    mc = pack.min_count if pack.suppress else None
    out = {fp.code: kpi_chart(pack.series, fp.chart_key, min_count=mc) for fp in pack.focus}
    out["path"] = path_chart(pack.path)
    out["caseload"] = kpi_chart(pack.series, "caseload_per_fte", norm=pack.norm)
    out["turnover"] = kpi_chart(pack.series, "turnover_12m")
    return out


# ---- PDF ---------------------------------------------------------------------------------------------


def _env():
    import jinja2  # noqa: PLC0415

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = fmt.day
    env.filters["text"] = _text
    env.filters["change"] = _change_text
    env.filters["money"] = _money
    env.filters["mio"] = _mio
    env.globals["revision_texts"] = revision_texts
    env.filters["number"] = fmt.number
    return env


def render_html(pack: Pack, images: dict[str, bytes] | None = None) -> str:
    if images is None:
        images = {name: chart_png(c) for name, c in charts(pack).items()}
    uris = {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in images.items()}
    return (
        _env()
        .get_template("pack.html")
        .render(
            p=pack,
            title=TITLE,
            role_label=ROLE_LABELS[pack.role],
            images=uris,
            status_colours=STATUS_COLOURS,
            frozen_text=_frozen_text(pack),
            chart_caption=lambda fp: chart_caption(pack, fp),
            reduction=_mio(pack.annual_reduction_dkk),
            baseline_year=pack.baseline_year,
            registry=kpi.REGISTRY,
            generated=datetime.now(),
        )
    )


def chart_caption(pack: Pack, fp: FocusPoint) -> str:
    label = kpi.BY_KEY[fp.chart_key].label
    text = f"Kurven: {label.lower()}, de seneste {SERIES_MONTHS} måneder."
    if fp.code == "f5":
        text += " Beløbet er år til dato, så kurven starter forfra hver januar."
    if pack.suppress and fp.code in ("f1", "f2", "f3", "f4"):
        text += f" Måneder, hvor tallet bygger på under {pack.min_count} børn, vises ikke."
    return text


def render_pdf(pack: Pack) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only for the PDF

    return HTML(string=render_html(pack), base_url=str(TEMPLATES)).write_pdf()


# ---- Excel -------------------------------------------------------------------------------------------

XL_FORMATS = {
    "count": "#,##0",
    "share": "0.0%",
    "share2": "0.00%",
    "change_share2": "+0.00%;-0.00%;0.00%",
    "ratio": "0.0",
    "dkk": '#,##0 "kr."',
    "change_count": "+#,##0;-#,##0;0",
    "change_share": "+0.0%;-0.0%;0.0%",
    "change_ratio": "+0.0;-0.0;0.0",
    "change_dkk": '+#,##0 "kr.";-#,##0 "kr.";0 "kr."',
    "month": "[$-406]mmmm yyyy",
    "day": "[$-406]d. mmmm yyyy",
    "year": "0",
}
UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(s: str) -> str:
    """A text cell that a spreadsheet could read as a formula gets an apostrophe in front."""
    return "'" + s if s.startswith(UNSAFE_START) else s


class _Sheet:
    def __init__(self, book, name: str, formats: dict, widths: list[int]):
        self.ws = book.add_worksheet(name)
        self.f = formats
        self.row = 0
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)

    def put(self, row: int, col: int, value, kind: str | None = None, bold: bool = False) -> None:
        if value is None:
            self.ws.write_blank(row, col, None)
        elif isinstance(value, str):
            self.ws.write_string(row, col, safe_text(value), self.f["bold"] if bold else self.f["wrap"])
        elif isinstance(value, bool):
            self.ws.write_string(row, col, "ja" if value else "nej")
        elif isinstance(value, datetime | date):
            self.ws.write_datetime(
                row, col, datetime(value.year, value.month, value.day), self.f[kind or "day"]
            )
        else:
            self.ws.write_number(row, col, float(value), self.f[kind] if kind else None)

    def line(self, *cells: tuple, bold: bool = False) -> None:
        for i, cell in enumerate(cells):
            value, kind = cell if isinstance(cell, tuple) else (cell, None)
            self.put(self.row, i, value, kind, bold=bold)
        self.row += 1

    def header(self, *names: str) -> None:
        for i, n in enumerate(names):
            self.ws.write_string(self.row, i, safe_text(n), self.f["head"])
        self.row += 1

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, safe_text(text), self.f["title"])
        self.row += 2


def render_xlsx(pack: Pack) -> bytes:
    import xlsxwriter  # noqa: PLC0415

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = {k: book.add_format({"num_format": v}) for k, v in XL_FORMATS.items()}
    formats["bold"] = book.add_format({"bold": True})
    formats["wrap"] = book.add_format({"text_wrap": True, "valign": "top"})
    formats["head"] = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
    formats["title"] = book.add_format({"bold": True, "font_size": 14})
    p = pack

    s = _Sheet(book, "Forside", formats, [28, 90])
    s.title(TITLE)
    s.line("Måned", (p.month, "month"))
    s.line("Udgave", ROLE_LABELS[p.role])
    s.line("Data pr.", (p.data_as_of, "day"))
    s.line("Dataversion", (p.version_id, "year"))
    s.line("Frosset", _frozen_text(p))
    s.row += 1
    for note in p.footnotes:
        s.line("Note", note)

    s = _Sheet(book, "Fokuspunkter", formats, [8, 44, 16, 16, 16, 16, 24, 26, 80])
    s.title(f"De fem fokuspunkter – {p.month_text}")
    s.header(
        "Nr.",
        "Nøgletal",
        "Værdi",
        "Sidste år",
        "Ændring fra sidste år",
        "Sidste måned",
        "Status",
        "Revision",
        "Sætning",
    )
    for fp in p.focus:
        for i, fig in enumerate([fp.headline, *fp.extra]):
            s.line(
                fp.number if i == 0 else None,
                fig.label,
                _xl(fig.value, fig.unit),
                _xl(fig.prev_year, fig.unit),
                _xl(fig.change_year, fig.unit, change=True),
                _xl(fig.prev_month, fig.unit),
                fig.status_label,
                fig.revision_text() or None,
                fp.sentence if i == 0 else None,
            )

    s = _Sheet(book, "Anbringelser", formats, [50, 16, 18, 14])
    s.title(f"Anbragte børn efter anbringelsessted ved udgangen af {p.month_text}")
    s.header(
        "Anbringelsessted", fmt.month_name(p.month), fmt.month_name(_add_months(p.month, -12)), "Ændring"
    )
    for r in p.placements.iter_rows(named=True):
        s.line(
            r["label"],
            _xl(r["n_month"], "count"),
            _xl(r["n_prev_year"], "count"),
            _xl(r["change"], "count", change=True),
            bold=r["label"] == TOTAL,
        )

    s = _Sheet(book, "Økonomi", formats, [40, 18, 18, 18, 18, 18, 14])
    s.title(f"Budget, forbrug og forventet forbrug – {p.month_text}")
    s.header("Nøgletal", "Værdi", "Status")
    for k in ("budget_dkk", "actual_ytd_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk"):
        fig = p.figures[k]
        s.line(fig.label, _xl(fig.value, "dkk"), fig.status_label if fig.good != "none" else None)
    s.line(p.sentences["budget"])
    s.row += 1
    s.header(
        "År",
        "Budget",
        "Forbrug (indeværende år: forventet)",
        "Merforbrug",
        "Mål for merforbrug",
        "Afstand til mål",
        "På målet",
    )
    for r in p.path.iter_rows(named=True):
        s.line(
            (r["year"], "year"),
            (r["budget_dkk"], "dkk"),
            (r["spend_dkk"], "dkk"),
            (r["overspend_dkk"], "dkk"),
            (r["target_dkk"], "dkk"),
            (r["gap_dkk"], "change_dkk"),
            None if r["is_on_track"] is None else ("ja" if r["is_on_track"] else "nej"),
        )
    if p.areas is not None:
        s.row += 1
        s.header(
            "Budgetområde",
            "Budget",
            "Forbrug i år",
            "Bevilget resten af året",
            "Forventet forbrug",
            "Afvigelse",
        )
        for r in p.areas.iter_rows(named=True):
            s.line(
                r["budget_area"],
                (r["budget_dkk"], "dkk"),
                (r["actual_ytd_dkk"], "dkk"),
                (r["committed_dkk"], "dkk"),
                (r["forecast_dkk"], "dkk"),
                (r["deviation_dkk"], "change_dkk"),
            )

    s = _Sheet(book, "Sagstal og personale", formats, [40, 16, 16, 18, 26])
    s.title(f"Sagstal og personale – {p.month_text}")
    s.header("Nøgletal", "Værdi", "Sidste år", "Ændring fra sidste år", "Status")
    for k in ("caseload_per_fte", "turnover_12m", "tenure_under_1y_share", "tenure_under_2y_share"):
        fig = p.figures[k]
        s.line(
            fig.label,
            _xl(fig.value, fig.unit),
            _xl(fig.prev_year, fig.unit),
            _xl(fig.change_year, fig.unit, change=True),
            fig.status_label,
        )
    s.line(f"DS' anbefaling: {fmt.number(p.norm[0])}–{fmt.number(p.norm[1])} sager pr. rådgiver")
    if p.teams is not None:
        s.row += 1
        s.header("Team", "Åbne sager", "Rådgiverårsværk", "Sager pr. årsværk")
        for r in p.teams.iter_rows(named=True):
            s.line(
                r["team"] or "Uden team",
                (r["n_cases"], "count"),
                (r["raadgiver_fte"], "ratio"),
                (r["caseload_per_fte"], "ratio"),
            )

    s = _Sheet(book, "Udvikling", formats, [16] + [22] * 8)
    s.title("Udviklingen måned for måned")
    keys = list(dict.fromkeys(p.series["kpi_key"].to_list()))
    units = {r["kpi_key"]: r["unit"] for r in p.series.iter_rows(named=True)}
    labels = {r["kpi_key"]: r["label"] for r in p.series.iter_rows(named=True)}
    s.header("Måned", *[labels[k] for k in keys])
    wide: dict[date, dict] = {}
    for r in p.series.iter_rows(named=True):
        wide.setdefault(r["month"], {})[r["kpi_key"]] = r
    for mo in sorted(wide):
        cells = [(mo, "month")]
        for k in keys:
            r = wide[mo].get(k)
            if r is None:
                cells.append(None)
            elif r["value"] is None:
                cells.append(r["shown"])
            else:
                cells.append((r["value"], units[k]))
        s.line(*cells)

    if p.revisions:
        s = _Sheet(book, "Revisioner", formats, [44, 18, 18])
        s.title(f"Revisioner af de frosne tal for {p.month_text}")
        s.header("Nøgletal", "Frosset", "I dag")
        for r in p.revisions:
            s.line(r["label"], _xl(r["frozen"], r["unit"]), _xl(r["current"], r["unit"]))

    s = _Sheet(book, "Definitioner", formats, [44, 100])
    s.title("Definitioner")
    s.header("Nøgletal", "Definition")
    for k in kpi.REGISTRY:
        s.line(k.label, k.definition)

    book.close()
    return buf.getvalue()


def _xl(v: Shown, unit: str, change: bool = False):
    """A shown value for Excel: a number with its display format, or the mark as text."""
    if v is None or isinstance(v, str):
        return v if isinstance(v, str) else None
    return (v, ("change_" if change else "") + unit)


def _frozen_text(p: Pack) -> str:
    if p.frozen is None:
        return (
            f"Tallene for {p.month_text} er ikke frosset og kan ændre sig ved næste dataindlæsning."
            if p.role == "udvalg"
            else "Måneden er ikke frosset for udvalget."
        )
    at = p.frozen["frozen_at"]
    base = (
        f"Udvalgets tal for {p.month_text} blev frosset {fmt.day(at)} "
        f"(dataversion {p.frozen['version_id']}, data pr. {fmt.day(p.frozen['data_as_of'])})."
    )
    if p.role == "udvalg":
        return base + " Senere ændringer vises som revisioner."
    return base + " Denne udgave viser dagens tal; ændringer siden er listet under revisioner."


# ---- files and CLI -----------------------------------------------------------------------------------


def write(
    con: duckdb.DuckDBPyConnection, month: date | str, role: str, out_dir: Path | str
) -> tuple[Path, Path]:
    """Write udvalgsrapport-YYYY-MM.pdf and .xlsx into out_dir; returns their paths."""
    pack = build_pack(con, month, role)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pdf, xlsx = out / f"{pack.stem}.pdf", out / f"{pack.stem}.xlsx"
    pdf.write_bytes(render_pdf(pack))
    xlsx.write_bytes(render_xlsx(pack))
    return pdf, xlsx


def cli_report(args) -> int:
    try:
        month = kpi.parse_month(args.month)
        if args.data:
            from mi import ingest  # noqa: PLC0415

            con = ingest.load_in_memory(args.data)
        else:
            path = db.db_path()
            if not path.exists():
                raise ValueError(
                    f"Der er ingen database på {path}. Kør `python -m mi import --data MAPPE` først."
                )
            con = db.connect_current(path)
        try:
            pdf, xlsx = write(con, month, args.role, args.out)
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {kpi._describe(exc)}", file=sys.stderr)
        return 1
    print(f"Skrev {pdf}\nSkrev {xlsx}")
    return 0
