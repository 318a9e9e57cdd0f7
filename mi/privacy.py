"""Disclosure control for the committee (role udvalg): applied after aggregation, before every output.

Rules (DOMAIN.md, "Conventions users expect"):

* A count of children from 1 to min_count − 1 is shown as `<5` (the mark uses the actual min_count). Zero is
  shown: it is not a person.
* No total, share, difference or change may let a hidden count be worked out:
  - a share (or any figure computed from counts) whose parts include a hidden count is shown as `–`;
  - a change between two figures where either is hidden is `–`;
  - a share of counts summed over 12 months (c2, c3, c5) is computed from the counts rounded to share_base (at
    least 5, whatever [privacy] rounding_base says): two months' exact shares would give a month's own count;
  - in a table with totals, more cells are hidden ("complementary suppression", shown as `–`) until every
    small count has at least two values that agree with everything shown.

The shown value of one figure is a `Shown`: a number (shown as it is), a mark string (`<5` or `–`), or None
(no value: shown as `–` by mi.fmt). Tables go through `protect_table`, which returns a `Protected`: the
numbers with the hidden cells emptied (numbers stay numbers, for Excel and charts), the marks, the footnotes.

How a table is checked. A table of counts with a total row and/or a total column is a set of cells and of
lines (a row or column whose total is a cell of the table): in every line the cells add up to its total. What a
reader knows of a hidden cell: a small count lies in 1..min_count−1; a cell hidden to protect another is at
least min_count (small ones are hidden anyway, zeros are shown). A hidden small cell is safe when another
table agreeing with everything shown gives it another value. Written with the totals negated, every line sums
to 0, so the table is a network: a line is a node, a cell an edge between its row line and its column line (a
row or column without a total joins a free node), and another agreeing table differs by a cycle of +1/−1 steps
along hidden cells that stay within what the reader knows. A hidden small cell is safe exactly when such a
cycle passes through it (integer flows: any other solution splits into such cycles). Cells are hidden, smallest
first, until every small cell lies on a cycle.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from mi import fmt, spec

HIDDEN = "–"  # a value hidden to protect a small count (or a share/change built on one)
INF = float("inf")


class Rounded(int):
    """A count of children rounded to a base (issue 18: the committee's year-to-date counts): an int, so sums and
    comparisons work, that remembers its base; shown as 'ca. 25'. A reader learns that the count lies within
    base/2 of it."""

    base: int

    def __new__(cls, value: int, base: int) -> Rounded:
        obj = super().__new__(cls, value)
        obj.base = base
        return obj

    def __repr__(self) -> str:
        return f"Rounded({int(self)}, {self.base})"


class RoundedShare(float):
    """A share computed from counts rounded to a base (rounded_share): a float that remembers the base (0 when
    unknown), so the sentence beside it can name the rounding."""

    base: int

    def __new__(cls, value: float, base: int = 0) -> RoundedShare:
        obj = super().__new__(cls, value)
        obj.base = base
        return obj

    def __repr__(self) -> str:
        return f"RoundedShare({float(self)!r}, {self.base})"


Shown = int | float | str | None


# ---- single figures ----------------------------------------------------------------------------------


def mark(min_count: int) -> str:
    """The mark of a small count: '<5' for min_count 5."""
    return f"<{min_count}"


def is_small(n: float | int | None, min_count: int) -> bool:
    """A count of children that must not be shown: 1 … min_count − 1 (zero is not a person)."""
    return n is not None and 0 < n < min_count


def is_hidden(value: Shown) -> bool:
    """True for a mark (`<5`, `–`): the figure is not shown."""
    return isinstance(value, str)


def protect_count(n: float | int | None, min_count: int) -> Shown:
    """A count of children: itself, `<5` when small, None when there is none."""
    if n is None:
        return None
    return mark(min_count) if is_small(n, min_count) else int(n)


def protect_value(
    value: float | int | None,
    min_count: int,
    *,
    count: bool = False,
    parts: Iterable[float | int | None] = (),
) -> Shown:
    """Any figure: a count of children (`count=True`) is protected as such; a figure computed from counts
    (a share, a rate, a difference) is `–` when any of its `parts` is a small count. Give as parts every count
    the figure could be solved for: numerator, denominator, and the denominator minus the numerator."""
    if count:
        return protect_count(value, min_count)
    if value is None:
        return None
    if any(is_small(p, min_count) for p in parts):
        return HIDDEN
    return value


def protect_share(
    share: float | None, numerator: float | int | None, denominator: float | int | None, min_count: int
) -> Shown:
    """A share of children: `–` when the numerator, the denominator or the rest (denominator − numerator) is a
    small count, since any of them could be worked out from the share and the others."""
    rest = None if numerator is None or denominator is None else denominator - numerator
    return protect_value(share, min_count, parts=(numerator, denominator, rest))


def protect_change(change: float | int | None, *sides: Shown) -> Shown:
    """A difference or change between figures: `–` when any side is hidden."""
    if any(is_hidden(s) for s in sides):
        return HIDDEN
    return change


def round_count(n: float | int | None, base: int) -> Shown:
    """A year-to-date count of children for the committee, rounded to the nearest multiple of `base` (halves
    up): 23 → ca. 25, 22 → ca. 20, 2 → ca. 0 (a privacy.Rounded). Base 1: the count as it is (no rounding)."""
    if n is None:
        return None
    if base <= 1:
        return int(n)
    return Rounded(int((int(n) * 2 + base) // (2 * base) * base), base)


def rounded_share(numerator: Shown, denominator: Shown) -> Shown:
    """A share of two rounded counts, computed from the rounded counts (so it says nothing they do not): None
    when the rounded denominator is 0; `–` when either is hidden."""
    if numerator is None or denominator is None:
        return None
    if is_hidden(numerator) or is_hidden(denominator):
        return HIDDEN
    base = getattr(numerator, "base", 0) or getattr(denominator, "base", 0)
    return None if int(denominator) == 0 else RoundedShare(int(numerator) / int(denominator), base)


# data/settings.toml's [privacy] rounding_base: also the least base of the 12-month shares' counts (share_base)
DEFAULT_ROUNDING_BASE = 5


def share_base(rounding_base: int) -> int:
    """The base the counts behind the committee's shares over 12 months (c2, c3, c5) are rounded to before the
    share is computed: the rounding base, but at least the default 5, whatever `[privacy] rounding_base` says.
    Exact shares of two consecutive months' packs give a month's own count (this month's numerator minus last
    month's while the 12 months begin with the data; issue 16: with rounding_base = 1 the sixth of the demo's
    packs of November and December 2019 gave December's 1 notification not assessed in time), and hiding them
    instead would hide them nearly every month; rounded to 5 each count is known only to within 2."""
    return max(rounding_base, DEFAULT_ROUNDING_BASE)


def rounded_change(a: Shown, b: Shown) -> Shown:
    """The change between two rounded counts, said as such ('ca. +5'); `–` when either is hidden."""
    if a is None or b is None:
        return None
    if is_hidden(a) or is_hidden(b):
        return HIDDEN
    return Rounded(int(a) - int(b), getattr(a, "base", 1))


def rounding_note(base: int) -> str:
    """The rule, written beside rounded figures."""
    return (
        f"Tal er afrundet til nærmeste {base}: antal børn i året til dato vises afrundet (ca.), så to måneder "
        "side om side ikke afslører en enkelt måneds lille antal. Andele er beregnet af de afrundede tal."
    )


def share_rounding_note(base: int) -> str:
    """The rule, written beside the shares over 12 months computed from rounded counts (share_base)."""
    return (
        f"Andele over 12 måneder er beregnet af antal afrundet til nærmeste {base}, så to måneders andele side om "
        "side ikke afslører en enkelt måneds lille antal."
    )


def is_rounded(value: Shown) -> bool:
    return isinstance(value, Rounded | RoundedShare)


def text(value: Shown, formatter: Callable[[float], str] = fmt.number) -> str:
    """A shown value as text: the mark as it is, None as `–`, a number by `formatter`."""
    if value is None:
        return fmt.DASH
    if isinstance(value, str):
        return value
    if isinstance(value, Rounded):
        return "ca. " + formatter(int(value))
    return formatter(value)


def footnotes(min_count: int, *, small: bool = True, hidden: bool = True) -> list[str]:
    """The footnotes explaining the marks (only those that are used)."""
    out = []
    if small:
        out.append(
            f"{mark(min_count)}: færre end {min_count} børn. Små tal vises ikke, så ingen enkelte børn kan "
            "genkendes."
        )
    if hidden:
        out.append(
            f"{HIDDEN}: tallet vises ikke, fordi et lille tal ellers kunne regnes ud fra totaler, andele eller "
            "ændringer (eller fordi det ikke kan beregnes)."
        )
    return out


def footnotes_for(values: Iterable[Shown], min_count: int) -> list[str]:
    """The footnotes the given shown values need."""
    vals = list(values)
    return footnotes(
        min_count,
        small=any(v == mark(min_count) for v in vals),
        hidden=any(v == HIDDEN for v in vals),
    )


# ---- the KPIs of the registry ----------------------------------------------------------------------

# The counts of children each share of the registry is built from (the spec's numerator and denominator), as
# keys of mart_frozen_values (columns of mart_kpi_monthly). Both are read from the mart, never computed here.


def protect_kpi(key: str, values: dict[str, float | None], min_count: int, *, children_count: bool) -> Shown:
    """The committee's shown value of one KPI of a month, from the month's values of the KPIs and of the counts
    behind the shares (`values`, keyed as mart_frozen_values). Counts of children (the registry's
    children_count) are protected as counts, shares by their parts; other KPIs (money, staff) are shown."""
    v = values.get(key)
    if children_count:
        return protect_count(v, min_count)
    parts = spec.share_parts()
    if key in parts:
        num_key, den_key = parts[key]
        return protect_share(v, values.get(num_key), values.get(den_key), min_count)
    return v


# ---- tables with totals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Protected:
    """A protected table. `frame`: the input with each count column as Int64, null where hidden; `marks`: the
    count columns as text, null where shown, else `<5` (small) or `–` (hidden to protect a small count);
    `footnotes`: the notes the marks need."""

    frame: pl.DataFrame
    marks: pl.DataFrame
    footnotes: list[str]
    count_cols: list[str] = field(default_factory=list)
    withheld: bool = False  # the whole table is hidden: nothing in it could be shown safely

    def cell(self, row: int, col: str) -> Shown:
        """The shown value of one cell: its number, or its mark."""
        m = self.marks[col][row]
        return m if m is not None else self.frame[col][row]

    def is_hidden(self, row: int, col: str) -> bool:
        return self.marks[col][row] is not None

    def text(self, formatter: Callable[[float], str] = fmt.number) -> pl.DataFrame:
        """The table as text: count columns as formatted numbers or marks (other columns unchanged)."""
        return self.frame.with_columns(
            pl.Series(c, [text(self.cell(i, c), formatter) for i in range(self.frame.height)], dtype=pl.Utf8)
            for c in self.count_cols
        )


def protect_table(
    frame: pl.DataFrame,
    count_cols: list[str],
    min_count: int,
    *,
    label_col: str | None = None,
    total_label: str | None = None,
    total_col: str | None = None,
    keep: Iterable[tuple[int, str]] = (),
    fixed: Iterable[tuple[int, str]] = (),
    hide: dict[tuple[int, str], tuple[float, float]] | None = None,
    known: dict[tuple[int, str], tuple[float, float]] | None = None,
    free: Iterable[tuple[int, str]] = (),
) -> Protected:
    """Protect a table of counts of children.

    `count_cols`: the columns of counts (not the total column). A total row is the row whose `label_col` equals
    `total_label`; `total_col` is a column of row totals (with a total row, its cell in that row is the grand
    total). Totals must add up (ValueError otherwise): a table whose totals are not sums (a child counted in
    several rows) must be protected without its totals. `keep`: cells (row index, column) shown elsewhere,
    chosen as complements only if nothing else protects a small cell (check `is_hidden` and hide them there).
    `fixed`: cells published elsewhere as numbers (a table *linked* to another figure by a shared total: the
    published figure is a fixed margin): never hidden here, so a small cell's complement must be another cell of
    the table; when none will do, the table is withheld. Without totals only the small counts are hidden. `hide`: further cells to hide and protect like small counts,
    each with what a reader knows of it (lo, hi) (see protect_ytd_tables); they are marked `–`. `known`: what a
    reader learns of a cell from another table (lo, hi), e.g. at least as many children as a linked table shows
    non-zero rows for it: a hidden cell is protected only by moves within those bounds too. `free`: cells of the
    table that are not published anywhere (a margin that no screen shows): hidden from the start, any count, and
    no protection of their own.
    """
    cols = list(count_cols) + ([total_col] if total_col else [])
    missing = [c for c in cols + ([label_col] if label_col else []) if c not in frame.columns]
    if missing:
        raise ValueError(f"protect_table: kolonnerne {missing} findes ikke")
    total_row = None
    if total_label is not None:
        if label_col is None:
            raise ValueError("protect_table: total_label kræver label_col")
        idx = [i for i, v in enumerate(frame[label_col].to_list()) if v == total_label]
        if len(idx) != 1:
            raise ValueError(f"protect_table: {len(idx)} rækker med {total_label!r}")
        total_row = idx[0]

    values = {c: frame[c].to_list() for c in cols}
    rows = list(range(frame.height))
    cells = [(r, c) for r in rows for c in cols]

    # lines: every row sums to its cell in the total column (the total row to the grand total); every count
    # column sums to its cell in the total row (the total column to the grand total).
    lines: list[tuple[list[tuple[int, str]], tuple[int, str]]] = []  # (cells of the line, its total cell)
    row_is_line = total_col is not None
    col_is_line = total_row is not None
    if row_is_line:
        lines += [([(r, c) for c in cols], (r, total_col)) for r in rows]
    if col_is_line:
        lines += [([(r, c) for r in rows], (total_row, c)) for c in cols]
    for line, total in lines:
        nums = [values[c][r] for r, c in line]
        if any(v is None for v in nums):
            raise ValueError("protect_table: en tabel med totaler må ikke have tomme tal")
        parts = [values[c][r] for r, c in line if (r, c) != total]
        if sum(parts) != values[total[1]][total[0]]:
            raise ValueError(
                f"protect_table: totalen {values[total[1]][total[0]]} er ikke summen af {parts} "
                "(tæller et barn flere steder?)"
            )

    def sign(cell: tuple[int, str]) -> int:
        r, c = cell
        is_row_total = c == total_col and r != total_row
        is_col_total = r == total_row and c != total_col
        return -1 if (is_row_total or is_col_total) else 1

    def ends(cell: tuple[int, str]) -> tuple[str, str]:
        r, c = cell
        return (f"R{r}" if row_is_line else "F", f"C{c}" if col_is_line else "F")

    free = set(free)
    small = {cell for cell in cells if cell not in free and is_small(values[cell[1]][cell[0]], min_count)}
    forced = {cell: rng for cell, rng in (hide or {}).items() if cell not in small}
    primary = small | set(forced)
    secondary: set[tuple[int, str]] = set()

    def bounds(cell: tuple[int, str]) -> tuple[float, float]:
        if cell in free:
            lo, hi = 0, INF
        elif cell in forced:
            lo, hi = forced[cell]
        else:
            lo, hi = (1, min_count - 1) if cell in primary else (min_count, INF)
        if cell in (known or {}):
            v = values[cell[1]][cell[0]]
            klo, khi = known[cell]
            lo, hi = max(lo, min(klo, v)), min(hi, max(khi, v))  # never excluding the true count
        return (lo, hi) if sign(cell) > 0 else (-hi, -lo)

    def pinned(cell: tuple[int, str], hidden: set[tuple[int, str]]) -> bool:
        lo, hi = bounds(cell)
        if lo == hi:
            return False  # min_count 2: the mark itself says 1; no complement can change that
        z = sign(cell) * values[cell[1]][cell[0]]
        adj: dict[str, list[str]] = {}
        for other in hidden:
            if other == cell:
                continue
            olo, ohi = bounds(other)
            oz = sign(other) * values[other[1]][other[0]]
            a, b = ends(other)
            if oz + 1 <= ohi:
                adj.setdefault(a, []).append(b)
            if oz - 1 >= olo:
                adj.setdefault(b, []).append(a)
        a, b = ends(cell)
        if z + 1 <= hi and _reaches(adj, b, a):
            return False
        return not (z - 1 >= lo and _reaches(adj, a, b))

    keep = set(keep)
    fixed = {cell for cell in fixed if cell not in primary}
    while True:
        hidden = primary | secondary | free
        stuck = sorted((c for c in primary if pinned(c, hidden)), key=lambda c: (c[0], cols.index(c[1])))
        if not stuck:
            break
        target = stuck[0]
        near = {cell for line, _ in lines if target in line for cell in line}
        candidates = [
            cell
            for cell in cells
            if cell not in hidden and cell not in fixed and values[cell[1]][cell[0]] not in (None, 0)
        ]
        if not candidates:
            # Every non-zero cell is hidden (or published elsewhere) and the marks still give a count away (e.g.
            # four rows of `<5` with a total of `<5`: each row is 1; or a total of 6 published elsewhere with rows
            # `<5` and 5). Nothing of the table can be shown.
            return _withheld(frame, cols, min_count)

        candidates.sort(
            key=lambda cell, near=near: (
                cell in keep,  # shown elsewhere: last
                cell not in near,  # in a line of the small cell: first
                cell[0] == total_row or cell[1] == total_col,  # totals after the cells
                values[cell[1]][cell[0]],  # smallest first
                cell[0],
                cols.index(cell[1]),
            )
        )
        chosen = next((c for c in candidates if not pinned(target, hidden | {c})), candidates[0])
        secondary.add(chosen)

    out = frame.with_columns(
        pl.Series(
            c,
            [
                None if (r, c) in primary | secondary or values[c][r] is None else int(values[c][r])
                for r in rows
            ],
            dtype=pl.Int64,
        )
        for c in cols
    )
    marks = pl.DataFrame(
        {
            c: pl.Series(
                c,
                [
                    mark(min_count) if (r, c) in small else HIDDEN if (r, c) in primary | secondary else None
                    for r in rows
                ],
                dtype=pl.Utf8,
            )
            for c in cols
        }
    )
    notes = footnotes(min_count, small=bool(small), hidden=bool(secondary or forced)) if primary else []
    return Protected(out, marks, notes, cols)


def protect_ytd_tables(
    frames: list[pl.DataFrame], count_cols: list[str], min_count: int, **table
) -> list[Protected]:
    """Tables of year-to-date counts of children for the months of one year, January first (the same rows and
    columns every month), each protected as protect_table does (`table`: its keyword arguments) — and across the
    months: a cell whose count differs by 1 … min_count − 1 from the last month in which it was shown is hidden
    too, since the two months side by side would give that month's own small count (the children started in it).
    What a reader knows of such a cell, it is within min_count − 1 of the value shown before, is what its
    complements must protect. No two months shown then differ by a small count."""
    last: dict[tuple[int, str], int] = {}
    out = []
    for frame in frames:
        hide = {}
        for c in count_cols:
            for r, v in enumerate(frame[c].to_list()):
                before = last.get((r, c), 0)
                if v is not None and 0 < abs(v - before) < min_count:
                    hide[(r, c)] = (max(0, before - min_count + 1), before + min_count - 1)
        p = protect_table(frame, count_cols, min_count, hide=hide, **table)
        for c in count_cols:
            for r, v in enumerate(frame[c].to_list()):
                if not p.is_hidden(r, c) and v is not None:
                    last[(r, c)] = v
        out.append(p)
    return out


def _withheld(frame: pl.DataFrame, cols: list[str], min_count: int) -> Protected:
    out = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(c) for c in cols)
    marks = pl.DataFrame({c: [HIDDEN] * frame.height for c in cols}, schema={c: pl.Utf8 for c in cols})
    note = (
        f"{HIDDEN}: tabellen vises ikke, fordi den omfatter for få børn (under {min_count} i flere felter)."
    )
    return Protected(out, marks, [note], cols, withheld=True)


def _reaches(adj: dict[str, list[str]], start: str, goal: str) -> bool:
    """Is there a path from start to goal (the empty path when they are the same node)?"""
    if start == goal:
        return True
    seen, todo = {start}, deque([start])
    while todo:
        node = todo.popleft()
        for nxt in adj.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False
