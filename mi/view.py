"""The figure a screen service hands to mi.ui.show: View (a chart or None, its rows for the downloads and as shown,
the period and what is missing), and `frames`, which builds a figure's two tables from the mart's rows a whole column
at a time from Column triples (heading, values as an expression, how the screen shows them). One definition shared by
the screen services (mi.staff, mi.compliance), which stay independent of each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from mi import fmt


@dataclass(frozen=True)
class View:
    """One figure: a chart (None when a table says it better), its rows as a Danish table, the period it covers
    and, when there are no rows, what is missing."""

    chart: dict | None  # a Vega-Lite spec (mi.charts); an Altair chart is still drawn too
    data: (
        pl.DataFrame
    )  # what the CSV/Excel downloads hold: Danish headings, numbers as numbers, months as dates
    table: pl.DataFrame  # the same rows as the screen shows them: Danish text formats
    period: str
    missing: str

    @property
    def is_empty(self) -> bool:
        return self.table.height == 0


# a column of a figure's tables: (heading, the values as an expression of the mart's rows, how the screen shows
# them: an expression of the values, e.g. fmt.pct_expr, or None for as they are)
Column = tuple[str, pl.Expr, Callable[[pl.Expr], pl.Expr] | None]


def frames(rows: pl.DataFrame, columns: list[Column], keep: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(download frame, screen table) from the mart's rows, a whole column at a time: the download keeps the
    values, the screen shows formatter(values) with '–' where a value is missing (mi.fmt's *_expr); a column
    without a formatter is the same in both. keep=False: no rows."""
    data = rows.select([expr.alias(h) for h, expr, _ in columns])
    table = rows.select([(f(expr).fill_null(fmt.DASH) if f else expr).alias(h) for h, expr, f in columns])
    return (data, table) if keep else (data.clear(), table.clear())
