"""mi.fmt's column formatters (polars expressions, no Python per cell) give the same text as the cell formatters
(babel), by hand-computed cases: negative, thousands, halves, null."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from mi import fmt


def col(values, fn, dtype=pl.Float64) -> list:
    return pl.DataFrame({"v": values}, schema={"v": dtype}).select(fn(pl.col("v"))).to_series().to_list()


def test_number_expr_by_hand():
    values = [1234567.8, -1234.0, 999.0, 1000.0, 0.0, None]
    # 1.234.567,8 rounds up to 1.234.568; -1.234 keeps its sign; 999 has no separator, 1000 has one
    assert col(values, fmt.number_expr) == ["1.234.568", "-1.234", "999", "1.000", "0", None]
    assert col(values, lambda c: fmt.number_expr(c, 1)) == [
        "1.234.567,8",
        "-1.234,0",
        "999,0",
        "1.000,0",
        "0,0",
        None,
    ]


def test_halves_round_to_even_as_babel_does():
    # 0,5 → 0 and 2,5 → 2 (even below), 1,5 → 2 and 3,5 → 4 (even above); -2,5 → -2
    assert col([0.5, 1.5, 2.5, 3.5, -2.5], fmt.number_expr) == ["0", "2", "2", "4", "-2"]
    # 2,675 is 2,67499… in binary; written as 2,675 it is a half, and 7 is odd: 2,68 (as babel reads it)
    assert col([2.675, 1234.125], lambda c: fmt.number_expr(c, 2)) == ["2,68", "1.234,12"]
    assert [fmt.number(2.675, 2), fmt.number(1234.125, 2)] == ["2,68", "1.234,12"]


def test_kr_pct_month_and_date_by_hand():
    assert col([1234567.4, -95000.0, None], fmt.kr_expr) == ["1.234.567 kr.", "-95.000 kr.", None]
    # 0,125 = 12,5 %; 1/3 = 33,333… % → 33,3 %
    assert col([0.125, 1 / 3, None], fmt.pct_expr) == ["12,5 %", "33,3 %", None]
    assert col([date(2024, 3, 1), date(2025, 12, 1), None], fmt.month_expr, pl.Date) == [
        "marts 2024",
        "december 2025",
        None,
    ]
    assert col([date(2026, 3, 5), None], fmt.date_expr, pl.Date) == ["05.03.2026", None]


def test_whole_numbers_and_large_amounts():
    assert col([7, 12345, -1234567, None], fmt.number_expr, pl.Int64) == ["7", "12.345", "-1.234.567", None]
    # a national budget: 12.345.678.901,49 kr. → 12.345.678.901 kr.
    assert col([12_345_678_901.49], fmt.kr_expr) == ["12.345.678.901 kr."]


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_column_and_cell_formatters_agree(decimals):
    values = [i * 37.125 - 5000 for i in range(400)] + [0.05, 0.15, 0.25, 0.35, 1e9 + 0.5, -0.4]
    want = [fmt.number(v, decimals) for v in values]
    assert col(values, lambda c: fmt.number_expr(c, decimals)) == want


def test_danish_table_formats_every_column_by_its_type():
    f = pl.DataFrame(
        {"a": [-1234.5, None], "n": [1234, None], "d": [date(2026, 3, 5), None], "t": ["x", None]}
    )
    # -1.234,5 rounds to even: -1.234; a missing value shows as the empty text, text stays as it is
    assert fmt.danish_table(f).rows() == [("-1.234 kr.", "1.234", "05.03.2026", "x"), ("", "", "", None)]
    assert fmt.danish_table(f, 2, kr=False, empty=fmt.DASH).rows()[1][:3] == ("–", "–", "–")
