"""The figure a screen service hands to mi.ui.show: View (a chart or None, its rows for the downloads and as shown,
the period and what is missing) and Column, the (heading, values, formatter) triple the services build tables from.
One definition shared by the screen services (mi.staff, mi.compliance), which stay independent of each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl


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


Column = tuple[str, pl.Series | list, Callable | None]
