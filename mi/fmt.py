"""Danish number, money, per-cent and date formatting (babel, locale da_DK)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "da_DK"
DASH = "–"  # shown for an undefined or suppressed value

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234567.8 → '1.234.568'; with decimals=1 → '1.234.567,8'."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def kr(value: float | None, decimals: int = 0) -> str:
    """1234567 → '1.234.567 kr.'"""
    return DASH if value is None else f"{number(value, decimals)} kr."


def mio(value: float | None, decimals: int = 1) -> str:
    """12345678 → '12,3 mio. kr.'"""
    return DASH if value is None else f"{number(value / 1_000_000, decimals)} mio. kr."


def money(value: float | None) -> str:
    """Large amounts in mio. kr., smaller in whole kroner."""
    if value is None:
        return DASH
    return mio(value) if abs(value) >= 1_000_000 else kr(value)


def pct(share: float | None, decimals: int = 1) -> str:
    """A fraction 0.125 → '12,5 %'."""
    return DASH if share is None else f"{number(share * 100, decimals)} %"


def pct_points(delta: float | None, decimals: int = 1) -> str:
    """A change of a share, 0.012 → '+1,2 pct.-point'."""
    return DASH if delta is None else f"{signed(delta * 100, decimals)} pct.-point"


def signed(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return DASH
    text = number(abs(value), decimals)
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else text)


def month_name(month: date | datetime) -> str:
    """date(2024, 3, 1) → 'marts 2024'."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def day(d: date | datetime | None) -> str:
    """date(2024, 3, 5) → '5. marts 2024'."""
    return DASH if d is None else format_date(d, format="d. MMMM y", locale=LOCALE)


def kpi_value(value: float | None, unit: str) -> str:
    """A KPI value by its registry unit."""
    if value is None:
        return DASH
    if unit == "share":
        return pct(value)
    if unit == "dkk":
        return money(value)
    if unit == "ratio":
        return number(value, 1)
    return number(value)


def kpi_change(delta: float | None, unit: str) -> str:
    """A change of a KPI value by its unit: '+3', '-1,2 pct.-point', '+0,4 mio. kr.'."""
    if delta is None:
        return DASH
    if unit == "share":
        return pct_points(delta)
    if unit == "dkk":
        return (("+" if delta > 0 else "") + money(delta)) if delta else money(0)
    if unit == "ratio":
        return signed(delta, 1)
    return signed(delta)


def texts(column: pl.Series, fn, name: str | None = None) -> pl.Series:
    """Each value of a column through `fn` (e.g. `kr`) as a text column; nulls stay null. In plain Python, never
    inside polars (`map_elements`): polars would run `fn` on its thread pool, which deadlocks against another
    session's `to_pandas()` holding the interpreter lock (see ui._safe_expr)."""
    return pl.Series(
        name or column.name, [None if v is None else fn(v) for v in column.to_list()], dtype=pl.Utf8
    )


SPREADSHEET_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(s: str) -> str:
    """A text cell that a spreadsheet could read as a formula gets an apostrophe in front (the pack's and the
    scenarios' Excel files)."""
    return "'" + s if s.startswith(SPREADSHEET_UNSAFE_START) else s
