"""What the committee's pack holds and how its values read: the roles, the Pack with its Figures and FocusPoints
(values are privacy.Shown: a number, a mark for a hidden figure, or None), and the texts of shown values the
pack, its sentences, PDF and Excel and the screens share (value_text, change_text, money, revision_texts).

mi.pack builds a Pack (the month's figures and their protection); mi.sentences writes its sentences; mi.pdf and
mi.excel render it; mi.pack_charts draws its charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

from mi import fmt, privacy, spec
from mi.privacy import Shown

ROLES = ("udvalg", "leder", "oekonomi")
ROLE_LABELS = {
    "udvalg": "Udgave til udvalget (små tal er skjult)",
    "leder": "Udgave til ledelsen",
    "oekonomi": "Udgave til økonomi",
}
TITLE = "Udvalgsrapport – det specialiserede børne- og ungeområde"
PLACEMENT_ROWS = (
    ("netvaerk", "Netværksplejefamilie"),
    ("plejefamilie", "Plejefamilie"),
    ("anden", "Andet (eget værelse, efterskole)"),
    ("institution", "Institution (døgninstitution, opholdssted, sikret)"),
)
TOTAL = "I alt"
SERIES_MONTHS = 24
HIDDEN_STATUS = "Vises ikke (små tal)"
# the figure is shown, but not beside last year's (hidden there): no judgement, and the label says why
HIDDEN_COMPARISON_STATUS = "Ingen sammenligning (små tal sidste år)"


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
        return value_text(v, self.unit)

    def change_text(self, which: str = "change_year") -> str:
        return change_text(getattr(self, which), self.unit)

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
    old, new = value_text(frozen, unit), value_text(current, unit)
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
    placements: list[
        dict
    ]  # rows of label, n_month, n_prev_year, change (each a Shown; mi.pack.placements_table)
    path: pl.DataFrame
    series: pl.DataFrame  # month, kpi_key, label, unit, value (null when hidden or empty), shown (text)
    revisions: list[dict]
    teams: pl.DataFrame | None
    areas: pl.DataFrame | None
    norm: tuple[float, float]
    baseline_year: int = 2019
    annual_reduction_dkk: float = 2_000_000
    footnotes: list[str] = field(default_factory=list)
    # the scenarios presented to the committee for the month (mi.scenario_tables.pack_section)
    scenarios: list[dict] = field(default_factory=list)
    # the ladder's flows of the 12 months to the month (mi.flows), for leaders and finance only
    flows: pl.DataFrame | None = None
    rounding_base: int = 1  # the committee's year-to-date counts are rounded to this (privacy.round_count)
    # the counts behind the committee's 12-month shares (c2, c3, c5) are rounded to this (privacy.share_base)
    share_base: int = 1

    @property
    def month_text(self) -> str:
        return fmt.month_name(self.month)

    @property
    def stem(self) -> str:
        return f"udvalgsrapport-{self.month:%Y-%m}"


def display_unit(key: str, unit: str) -> str:
    """How a KPI is shown: the spec's display_unit (share2: a small share with two decimals), else its unit."""
    k = spec.BY_KEY.get(key)
    return k.shown_unit if k else unit


def is_ytd(key: str) -> bool:
    """A year-to-date KPI (the spec's ytd): its sum starts again each January."""
    k = spec.BY_KEY.get(key)
    return bool(k and k.ytd)


def money(v: float | None) -> str:
    """Amounts for the committee: 1.136.000 → '1,14 mio. kr.', 24.300.000 → '24,3 mio. kr.', 76.628 → '76.628 kr.'"""
    if v is None:
        return fmt.DASH
    if abs(v) >= 10_000_000:
        return fmt.mio(v, 1)
    return fmt.mio(v, 2) if abs(v) >= 1_000_000 else fmt.kr(v)


def mio(v: float | None) -> str:
    """One column of a table of amounts: all in mio. kr. with one decimal."""
    return fmt.DASH if v is None else fmt.mio(v, 1)


def value_text(v: Shown, unit: str) -> str:
    if v is None or isinstance(v, str | privacy.Rounded):
        return privacy.text(v)
    if unit == "dkk":
        return money(v)
    if unit == "share2":
        return fmt.pct(v, 2)
    return fmt.kpi_value(v, unit)


def change_text(v: Shown, unit: str) -> str:
    if v is None or isinstance(v, str):
        return privacy.text(v)
    if isinstance(v, privacy.Rounded):
        return privacy.text(v, fmt.signed)  # 'ca. +5': the change between two rounded counts
    if unit == "share2":
        return fmt.pct_points(v, 2)
    if unit == "dkk":
        return ("+" if v > 0 else "") + money(v)
    return fmt.kpi_change(v, unit)


def add_months(d: date, n: int) -> date:
    y, mo = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, mo + 1, 1)
