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


# ---- whole columns at a time (polars expressions: no Python per cell, nothing run on polars' threads) ----------


def number_expr(expr: pl.Expr, decimals: int = 0) -> pl.Expr:
    """`number` for a whole column: 1234567.8 → '1.234.568' (decimals=1: '1.234.567,8'), -1234 → '-1.234', null
    stays null. Halves round to even, as `number` (babel) does: 2.5 → '2', 3.5 → '4'; a value just below a half
    only because of binary floats (2.675 × 100 = 267.4999…) rounds as the decimal it was written as."""
    factor = 10**decimals
    scaled = (expr.cast(pl.Float64) * factor).round(6).round(0)
    n = scaled.abs().cast(pl.Int64, strict=False)
    whole = (
        (n // factor)
        .cast(pl.Utf8)
        .str.reverse()
        .str.replace_all(r"(\d{3})", "${1}.")
        .str.strip_chars_end(".")
        .str.reverse()
    )
    text = whole + "," + (n % factor).cast(pl.Utf8).str.zfill(decimals) if decimals else whole
    return pl.when(expr.cast(pl.Float64) < 0).then("-" + text).otherwise(text)


def kr_expr(expr: pl.Expr, decimals: int = 0) -> pl.Expr:
    """`kr` for a whole column: '1.234.567 kr.'; null stays null."""
    return number_expr(expr, decimals) + " kr."


def pct_expr(expr: pl.Expr, decimals: int = 1) -> pl.Expr:
    """`pct` for a whole column: 0.125 → '12,5 %'; null stays null."""
    return number_expr(expr * 100, decimals) + " %"


def month_expr(expr: pl.Expr) -> pl.Expr:
    """`month_name` for a whole column of dates: 2024-03-01 → 'marts 2024'; null stays null."""
    names = expr.dt.month().replace_strict(list(range(1, 13)), list(MONTHS), return_dtype=pl.Utf8)
    return names + " " + expr.dt.year().cast(pl.Utf8)


def date_expr(expr: pl.Expr) -> pl.Expr:
    """A date as the tables show it: 2026-03-05 → '05.03.2026'; null stays null."""
    return expr.dt.to_string("%d.%m.%Y")


def danish_table(frame: pl.DataFrame, decimals: int = 0, kr: bool = True, empty: str = "") -> pl.DataFrame:
    """The same rows as Danish text for a table on screen, a whole column at a time: decimal numbers as amounts
    '1.234.567 kr.' (without ' kr.' when `kr` is false: a wide table says 'kroner' once; `decimals` places),
    whole numbers '1.234', dates '05.03.2026', a missing value as `empty`; text columns as they are. The downloads
    keep the numbers."""
    money = kr_expr if kr else number_expr

    def col(name: str, dtype) -> pl.Expr:
        c = pl.col(name)
        if dtype.is_float() or dtype.is_decimal():
            return money(c, decimals).fill_null(empty)
        if dtype.is_integer():
            return number_expr(c).fill_null(empty)
        if dtype == pl.Date:
            return date_expr(c).fill_null(empty)
        return c

    return frame.select([col(n, t).alias(n) for n, t in frame.schema.items()])


SPREADSHEET_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(s: str) -> str:
    """A text cell that a spreadsheet could read as a formula gets an apostrophe in front (the pack's and the
    scenarios' Excel files)."""
    return "'" + s if s.startswith(SPREADSHEET_UNSAFE_START) else s
