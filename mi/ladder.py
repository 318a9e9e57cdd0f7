"""What the Indsatstrappen screen shows, selected from the marts and shaped for display.

Long because its protection is one piece: the ladder's steps, its moves and the focus points' breakdowns are
protected together with the pack's linked placement and family-treatment tables through the same Table and `_table`;
split in two, the rule of one half would have to be read in the other (kept whole on purpose, issue 13).

Every figure is computed in SQL (mart_ladder_monthly, mart_ladder_moves, mart_placements_monthly,
mart_family_treatment_monthly, mart_day_treatment_monthly, mart_lost_earnings_monthly); this module only selects
rows and, for the committee (role udvalg), protects every count of children with mi.privacy:

* a count of 1–4 children is shown as `<5`;
* in a table with a total, more cells are hidden (`–`) until no small count can be worked out (privacy.protect_table);
* a change built on a hidden count is `–`;
* the ladder's placement steps (4–6) are hidden exactly where the month's placement table of the committee's pack
  hides their placement types (mi.pack), so the ladder and the pack cannot be combined to work out a small count;
* the committee sees moves up and down the ladder, not the children arriving or leaving (those two would give away a
  small count through the change of the total on the ladder);
* a frozen month is published to the committee in one version, the frozen one: where its data changed after the
  freeze (mi.frozen.revised_months), today's figures of it are withheld — the ladder, the moves and the
  breakdowns for the month (LadderView.withheld says why), its cells in the 24 months and its column as the year
  before — since beside its frozen figures they would give the revision (e.g. 2 children removed since).

    STEPS                      the six steps: number → Danish label
    view(con, month, role)     everything the page shows, as a LadderView (tables, chart frames, footnotes)
    Table                      a table: `frame` for downloads (numbers stay numbers), `shown` (Danish text), footnotes

"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from mi import db, figures, fmt, frozen, privacy
from mi.figures import add_months
from mi.flows import STEP_SHORT  # short names for legends and column headers (the flows' too)
from mi.pack import (
    FT_PROVIDERS,
    family_treatment_frames,
    family_treatment_tables,
    placement_protection,
    placements_table,
)
from mi.pack import settings as pack_settings
from mi.privacy import Shown

STEPS = {
    1: "Tidlig indsats i almenområdet",
    2: "Forebyggende indsatser",
    3: "Indsatser i hjemmet",
    4: "Anbringelse i netværksplejefamilie",
    5: "Anbringelse i plejefamilie",
    6: "Anbringelse på institution",
}
PROVIDERS = {
    "intern": "Kommunens egne tilbud",
    "kommunal": "Andre kommuner",
    "regional": "Regioner",
    "privat": "Private leverandører",
}
TOTAL = "I alt"
MONTH_SHORT = [m[:3] for m in fmt.MONTHS]  # jan … dec: the month axis of year-against-year charts
SERIES_MONTHS = 24
MOVES = {
    "n_up": "Op ad trappen",
    "n_down": "Ned ad trappen",
    "n_new": "Nye på trappen",
    "n_off": "Ude af trappen",
}
COMMITTEE_MOVES = ("n_up", "n_down")
# the leaders' moves in two charts: moves between steps are a handful a month beside dozens arriving and leaving
MOVE_GROUPS = (
    ("Op og ned ad trappen", "bevaegelser-op-ned", ("n_up", "n_down")),
    ("Nye på og ude af trappen", "bevaegelser-nye-ude", ("n_new", "n_off")),
)
# the series per step in two charts: the steps at home hold ten times the children of the placement steps
STEP_GROUPS = (
    ("Trin 2–3: forebyggende indsatser og indsatser i hjemmet", "trin-2-3", (2, 3)),
    ("Trin 4–6: anbringelser", "trin-4-6", (4, 5, 6)),
)
# the placement types behind the placement steps, as rows of the committee pack's placement table
# (figures.PLACEMENT_ROWS: netvaerk, plejefamilie, anden, institution)
STEP_PLACEMENT_ROWS = {4: (0,), 5: (1, 2), 6: (3,)}


@dataclass
class Table:
    """`frame`: for CSV/Excel (numbers as numbers; for the committee a figure column with a hidden cell is a number
    column, empty where hidden, with the shown text beside it as "<column> (vist)", the mark kept: never a column of
    Python objects, which polars would run Python for on its thread pool — issue 16's deadlock); `shown`: the same
    rows as Danish text for the screen; `footnotes`: the notes the marks need."""

    frame: pl.DataFrame
    shown: pl.DataFrame
    footnotes: list[str] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.frame.height


@dataclass
class StepGroup:
    title: str
    name: str  # the download file's stem
    chart: pl.DataFrame  # month, Trin, children (long; null when hidden)
    table: Table  # wide: month × step


@dataclass
class LadderView:
    month: date
    role: str
    suppress: bool
    min_count: int
    ladder_chart: pl.DataFrame  # ladder_step, step_label, children (null when hidden), shown
    ladder: Table  # per step: this month, a year earlier, change
    steps_chart: pl.DataFrame  # month, Trin, children (long; null when hidden)
    steps: Table  # wide: month × step
    step_groups: list[StepGroup]  # the same series in two charts (STEP_GROUPS)
    moves_chart: pl.DataFrame  # month, Bevægelse, n
    moves: Table
    move_groups: list[StepGroup]  # leaders: up/down and new/off in two charts (MOVE_GROUPS); committee: none
    institution_providers: Table
    placements: Table
    family_treatment: Table
    pupils: Table
    lost_earnings_chart: pl.DataFrame  # Måned, År, amount_dkk
    lost_earnings: Table
    footnotes: list[str] = field(default_factory=list)
    # the committee on a revised frozen month: why the ladder, the moves and the breakdowns are not shown ("" else)
    withheld: str = ""


SHOWN_SUFFIX = " (vist)"  # the download's column of a figure as shown (a mark where the number is hidden)


def _numbers(vals: list[Shown], *, floats: bool) -> pl.Series:
    """A figure column for the download: the numbers, empty where a mark (or nothing) is shown."""
    if floats:
        return pl.Series(
            [None if v is None or isinstance(v, str) else float(v) for v in vals], dtype=pl.Float64
        )
    return pl.Series([None if v is None or isinstance(v, str) else int(v) for v in vals], dtype=pl.Int64)


def _table(rows: list[dict], formats: dict[str, Callable[[float], str]], min_count: int) -> Table:
    """Rows of Shown values → a Table. Columns in `formats` are figures (number or mark); others are labels. A
    figure column with a mark is a number column (empty where hidden) and its shown text beside it (SHOWN_SUFFIX)."""
    if not rows:
        cols = list(rows[0]) if rows else list(formats)
        empty = pl.DataFrame({c: [] for c in cols})
        return Table(empty, empty, [])
    cols = list(rows[0])
    data: dict[str, pl.Series] = {}
    text: dict[str, pl.Series] = {}
    marks: list[Shown] = []
    for c in cols:
        vals = [r[c] for r in rows]
        if c in formats:
            marks += vals
            text[c] = pl.Series(c, [privacy.text(v, formats[c]) for v in vals], dtype=pl.Utf8)
            data[c] = _numbers(vals, floats=any(isinstance(v, float) for v in vals)).alias(c)
            if any(isinstance(v, str) for v in vals):
                data[c + SHOWN_SUFFIX] = text[c].alias(c + SHOWN_SUFFIX)
        else:
            data[c] = pl.Series(c, vals)
            text[c] = (
                pl.Series(c, [fmt.month_name(v) for v in vals], dtype=pl.Utf8)
                if vals and isinstance(vals[0], date)
                else pl.Series(c, vals)
            )
    return Table(pl.DataFrame(data), pl.DataFrame(text), privacy.footnotes_for(marks, min_count))


def _withheld_table(cols: list[str]) -> Table:
    """A table the committee is not shown (a revised frozen month): its columns and no rows."""
    empty = pl.DataFrame({c: pl.Series(c, [], dtype=pl.Utf8) for c in cols})
    return Table(empty, empty, [])


def _signed(v: float) -> str:
    return fmt.signed(v)


# ---- the ladder ------------------------------------------------------------------------------------


def _ladder_counts(con, a: date, b: date) -> dict[date, dict[int, int]]:
    rows = db.query(
        con,
        "select month, ladder_step, n_children from mart_ladder_monthly where month between $a and $b",
        {"a": a, "b": b},
    )
    out: dict[date, dict[int, int]] = {}
    for r in rows.iter_rows(named=True):
        out.setdefault(r["month"], {})[r["ladder_step"]] = r["n_children"]
    return out


def _shown_steps(
    counts: dict[int, int], placement: privacy.Protected | None, suppress: bool, min_count: int
) -> dict[int, Shown]:
    """The shown count of each step in one month (the committee's rules in the module docstring)."""
    out: dict[int, Shown] = {}
    for step in STEPS:
        n = counts.get(step, 0)
        if not suppress:
            out[step] = n
            continue
        shown = privacy.protect_count(n, min_count)
        rows = STEP_PLACEMENT_ROWS.get(step, ())
        if (
            not isinstance(shown, str)
            and placement is not None
            and rows
            and (placement.withheld or any(placement.is_hidden(i, "n") for i in rows))
        ):
            shown = privacy.HIDDEN
        out[step] = shown
    return out


def _withheld_steps() -> dict[int, Shown]:
    return dict.fromkeys(STEPS, frozen.WITHHELD)


def _ladder(con, m: date, suppress: bool, min_count: int, withheld: set[date]):
    start = add_months(m, -(SERIES_MONTHS - 1))
    counts = _ladder_counts(con, start, m)
    months = sorted(counts)
    tables = placement_protection(con, months, min_count) if suppress else {}
    # a revised frozen month's steps are withheld for the committee (module docstring)
    shown = {
        mo: _withheld_steps()
        if mo in withheld
        else _shown_steps(counts[mo], tables.get(mo), suppress, min_count)
        for mo in months
    }
    # this month against a year earlier (the change is computed in SQL)
    prev = add_months(m, -12)
    changes = db.query(
        con,
        """select c.ladder_step, c.n_children - p.n_children as change
           from mart_ladder_monthly as c
           join mart_ladder_monthly as p on p.ladder_step = c.ladder_step and p.month = $p
           where c.month = $m""",
        {"m": m, "p": prev},
    )
    change = dict(zip(changes["ladder_step"].to_list(), changes["change"].to_list(), strict=True))
    now, before = shown.get(m, {}), shown.get(prev, {})
    rows = []
    for step, label in STEPS.items():
        rows.append(
            {
                "Trin": f"{step}. {label}",
                f"Børn, {fmt.month_name(m)}": now.get(step),
                f"Børn, {fmt.month_name(prev)}": before.get(step),
                # withheld where a side is (a revised frozen month): it would give that side
                "Ændring på et år": frozen.WITHHELD
                if frozen.WITHHELD in (now.get(step), before.get(step))
                else privacy.protect_change(change.get(step), now.get(step), before.get(step))
                if step in change
                else None,
            }
        )
    formats = {k: fmt.number for k in list(rows[0])[1:3]} | {"Ændring på et år": _signed}
    ladder = _withheld_table(list(rows[0])) if m in withheld else _table(rows, formats, min_count)
    chart = pl.DataFrame(
        {
            "ladder_step": list(STEPS),
            "step_label": list(STEPS.values()),
            "children": [None if isinstance(now.get(s), str) else now.get(s) for s in STEPS],
            "shown": [privacy.text(now.get(s)) for s in STEPS],
        },
        schema={"ladder_step": pl.Int64, "step_label": pl.Utf8, "children": pl.Int64, "shown": pl.Utf8},
    )
    # series per step: all steps with children (2–6), and in groups
    long, steps = _series(months, shown, (2, 3, 4, 5, 6), min_count)
    groups = [StepGroup(title, name, *_series(months, shown, g, min_count)) for title, name, g in STEP_GROUPS]
    return chart, ladder, long, steps, groups, shown


def _series(
    months: list[date], shown: dict, steps: tuple[int, ...], min_count: int
) -> tuple[pl.DataFrame, Table]:
    wide = [{"Måned": mo} | {STEP_SHORT[s]: shown[mo][s] for s in steps} for mo in months]
    table = _table(wide, {STEP_SHORT[s]: fmt.number for s in steps}, min_count)
    long = pl.DataFrame(
        [
            {
                "month": mo,
                "Trin": STEP_SHORT[s],
                "children": None if isinstance(shown[mo][s], str) else shown[mo][s],
            }
            for mo in months
            for s in steps
        ],
        schema={"month": pl.Date, "Trin": pl.Utf8, "children": pl.Int64},
    )
    return long, table


def _moves(con, m: date, suppress: bool, min_count: int, withheld: set[date] = frozenset()):
    """Moves per month over the last 12 months with their 12-month total (summed in SQL); for the committee the
    12-month totals of moves up and down only, each protected as a count (none on a revised frozen month)."""
    if suppress and m in withheld:
        chart = pl.DataFrame(schema={"Bevægelse": pl.Utf8, "n": pl.Int64, "shown": pl.Utf8})
        return chart, _withheld_table(["Periode", *(MOVES[k] for k in COMMITTEE_MOVES)]), []
    start = add_months(m, -11)
    rows = db.query(
        con,
        """select month,
               cast(sum(n_up) as bigint) as n_up, cast(sum(n_down) as bigint) as n_down,
               cast(sum(n_new) as bigint) as n_new, cast(sum(n_off) as bigint) as n_off,
           from mart_ladder_moves where month between $a and $b
           group by grouping sets ((month), ())
           order by month nulls last""",
        {"a": start, "b": m},
    )
    keys = COMMITTEE_MOVES if suppress else tuple(MOVES)
    months = rows["month"].to_list()
    if suppress:
        # the committee: the 12-month totals only (monthly counts are mostly under 5, and beside their total they
        # would have to be hidden altogether)
        total = rows.filter(pl.col("month").is_null())
        out = [
            {"Periode": "Seneste 12 måneder"}
            | {
                MOVES[k]: privacy.protect_count(total[k][0] if total.height else None, min_count)
                for k in keys
            }
        ]
        table = _table(out, {MOVES[k]: fmt.number for k in keys}, min_count)
        chart = pl.DataFrame(
            [
                {
                    "Bevægelse": MOVES[k],
                    "n": None if isinstance(out[0][MOVES[k]], str) else out[0][MOVES[k]],
                    "shown": privacy.text(out[0][MOVES[k]]),
                }
                for k in keys
            ],
            schema={"Bevægelse": pl.Utf8, "n": pl.Int64, "shown": pl.Utf8},
        )
        return chart, table, []
    out = [
        {"Måned": fmt.month_name(mo) if mo else f"{TOTAL}, 12 måneder"} | {MOVES[k]: r[k] for k in keys}
        for mo, r in zip(months, rows.iter_rows(named=True), strict=True)
    ]
    table = _table(out, {MOVES[k]: fmt.number for k in keys}, min_count)
    groups = []
    for title, name, part in MOVE_GROUPS:
        rows_part = [{"Måned": r["Måned"]} | {MOVES[k]: r[MOVES[k]] for k in part} for r in out]
        frame = pl.DataFrame(
            [
                {"month": mo, "Bevægelse": MOVES[k], "n": r[k]}
                for mo, r in zip(months, rows.iter_rows(named=True), strict=True)
                if mo
                for k in part
            ],
            schema={"month": pl.Date, "Bevægelse": pl.Utf8, "n": pl.Int64},
        )
        groups.append(
            StepGroup(title, name, frame, _table(rows_part, {MOVES[k]: fmt.number for k in part}, min_count))
        )
    chart = pl.DataFrame(
        [
            {"month": mo, "Bevægelse": MOVES[k], "n": r[k]}
            for mo, r in zip(months, rows.iter_rows(named=True), strict=True)
            if mo
            for k in keys
        ],
        schema={"month": pl.Date, "Bevægelse": pl.Utf8, "n": pl.Int64},
    )
    return chart, table, groups


# ---- the focus points' breakdowns -------------------------------------------------------------------


def _institution_providers(
    con,
    m: date,
    suppress: bool,
    min_count: int,
    published: dict[date, dict[int, Shown]],
    withheld: set[date] = frozenset(),
) -> Table:
    """Children in institutions by provider type, this month and a year earlier, with the total.

    For the committee the table is *linked* to focus point 1: its total is the number of children in institutions,
    published on the same screen (step 6 of the ladder, the card and trend of focus point 1, the placement table).
    Each column is protected with that published figure as a fixed margin (privacy.protect_table's `fixed`): a
    small count's complement must be another provider, and when none will do the column is withheld. A total
    hidden elsewhere is hidden here too and protected like a small count. A revised frozen month is withheld: the
    table when it is the month, its column when it is the year before."""
    prev = add_months(m, -12)
    rows = db.query(
        con,
        """select provider_type,
               cast(sum(n_children) filter (where month = $m) as bigint) as n_month,
               cast(sum(n_children) filter (where month = $p) as bigint) as n_prev,
           from mart_placements_monthly
           where placement_type = 'institution' and month in ($m, $p)
           group by grouping sets ((provider_type), ())""",
        {"m": m, "p": prev},
    )
    by = {r["provider_type"]: r for r in rows.iter_rows(named=True)}
    order = [*PROVIDERS, None]
    labels = [PROVIDERS.get(t, TOTAL) if t else TOTAL for t in order]
    total_row = len(order) - 1
    out = [{"Leverandør": label} for label in labels]
    formats = {}
    for mo, key in ((m, "n_month"), (prev, "n_prev")):
        name = f"Børn, {fmt.month_name(mo)}"
        formats[name] = fmt.number
        values = [(by.get(t) or {}).get(key) or 0 for t in order]
        if not suppress:
            column: list[Shown] = values
        elif mo in withheld:
            column = [frozen.WITHHELD] * len(order)
        else:
            frame = pl.DataFrame({"label": labels, "n": values})
            total = published.get(mo, {}).get(6)
            linked: dict = {}
            if isinstance(total, str) and total != privacy.mark(min_count):
                # hidden elsewhere to protect another small count: hidden here too, protected like one
                linked["hide"] = {(total_row, "n"): (min_count, privacy.INF)}
            elif mo in published:
                linked["fixed"] = [(total_row, "n")]
            p = privacy.protect_table(frame, ["n"], min_count, label_col="label", total_label=TOTAL, **linked)
            column = [p.cell(i, "n") for i in range(len(order))]
        for row, v in zip(out, column, strict=True):
            row[name] = v
    if suppress and m in withheld:
        return _withheld_table(list(out[0]))
    return _table(out, formats, min_count)


def _placements(con, m: date, suppress: bool, min_count: int) -> Table:
    """The committee pack's placement table (already protected for udvalg): by placement type, this month and a
    year earlier, with the change."""
    placements = placements_table(
        con,
        m,
        placement_protection(con, [m, add_months(m, -12)], min_count) if suppress else {},
        suppress,
    )
    prev = add_months(m, -12)
    rows = [
        {
            "Anbringelsestype": r["label"],
            f"Børn, {fmt.month_name(m)}": r["n_month"],
            f"Børn, {fmt.month_name(prev)}": r["n_prev_year"],
            "Ændring på et år": r["change"],
        }
        for r in placements
    ]
    formats = {k: fmt.number for k in list(rows[0])[1:3]} | {"Ændring på et år": _signed}
    return _table(rows, formats, min_count)


def _family_treatment(
    con, m: date, suppress: bool, min_count: int, base: int = 1, withheld: set[date] = frozenset()
) -> Table:
    prev = add_months(m, -12)
    # for the committee rounded to the base, as focus point 3's figures are (mi.pack._ytd_round; issue 18); with
    # base 1 protected month after month through the year (mi.pack.family_treatment_tables): no two months side by
    # side give a month's own small number of starts
    if suppress and base > 1:
        frame = family_treatment_frames(con, m.year, m)[m]

        def cell(i: int, col: str):
            return privacy.round_count(frame[col][i], base)

    elif suppress:
        cell = family_treatment_tables(con, m.year, m, min_count)[m].cell
    else:
        frame = family_treatment_frames(con, m.year, m)[m]

        def cell(i: int, col: str):
            return frame[col][i]

    labels = [PROVIDERS[t] for t in FT_PROVIDERS] + [TOTAL]
    now, before = f"Startet {_ytd(m)}", f"Startet {_ytd(prev)}"
    if suppress and m in withheld:  # a revised frozen month (module docstring)
        return _withheld_table(["Leverandør", now, before])
    prev_withheld = suppress and prev in withheld
    rows = [
        {
            "Leverandør": label,
            now: cell(i, "n_month"),
            before: frozen.WITHHELD if prev_withheld else cell(i, "n_prev"),
        }
        for i, label in enumerate(labels)
    ]
    table = _table(rows, {now: fmt.number, before: fmt.number}, min_count)
    if suppress and base > 1:
        table.footnotes.append(
            privacy.rounding_note(base) + " Tallene er afrundet hver for sig, så summen kan afvige fra i alt."
        )
    return table


def _pupils(con, m: date, suppress: bool, min_count: int, withheld: set[date] = frozenset()) -> Table:
    formats = {
        "Elever i kommunens skoler": fmt.number,
        "Børn i skole-dagbehandling": fmt.number,
        "Andel": lambda v: fmt.pct(v, 2),
    }
    if suppress and m in withheld:  # a revised frozen month (module docstring)
        return _withheld_table(["Måned", "Skoleår", *formats])
    rows = db.query(
        con,
        "select month, school_year, n_day_treatment_children, n_pupils, day_treatment_share "
        "from mart_day_treatment_monthly where month in ($m, $p) order by month desc",
        {"m": m, "p": add_months(m, -12)},
    )
    out = []
    for r in rows.iter_rows(named=True):
        n, pupils, share = r["n_day_treatment_children"], r["n_pupils"], r["day_treatment_share"]
        if suppress and r["month"] in withheld:  # the year before, a revised frozen month: withheld
            out.append(
                {"Måned": r["month"], "Skoleår": r["school_year"]} | dict.fromkeys(formats, frozen.WITHHELD)
            )
            continue
        out.append(
            {
                "Måned": r["month"],
                "Skoleår": r["school_year"],
                "Elever i kommunens skoler": pupils,
                "Børn i skole-dagbehandling": privacy.protect_count(n, min_count) if suppress else n,
                "Andel": privacy.protect_share(share, n, pupils, min_count) if suppress else share,
            }
        )
    return _table(out, formats, min_count)


def _lost_earnings(con, m: date):
    """Payments on lost earnings by month, this year to date against the same months last year (money: not
    suppressed, DOMAIN.md suppresses counts of children)."""
    rows = db.query(
        con,
        """select month, year, month_no, amount_dkk, amount_ytd_dkk from mart_lost_earnings_monthly
           where year in ($y, $y - 1) and month_no <= $n order by month_no, year""",
        {"y": m.year, "n": m.month},
    )
    chart = rows.select(
        fmt.texts(rows["month_no"], lambda n: MONTH_SHORT[n - 1], "Måned"),
        pl.col("year").cast(pl.Utf8).alias("År"),
        pl.col("amount_dkk"),
    )
    prev_year = m.year - 1
    by = {(r["year"], r["month_no"]): r for r in rows.iter_rows(named=True)}
    out = []
    for n in range(1, m.month + 1):
        now, before = by.get((m.year, n), {}), by.get((prev_year, n), {})
        out.append(
            {
                "Måned": fmt.MONTHS[n - 1],
                f"Udbetalt {m.year} (kr.)": now.get("amount_dkk"),
                f"Udbetalt {prev_year} (kr.)": before.get("amount_dkk"),
                f"I året til dato {m.year} (kr.)": now.get("amount_ytd_dkk"),
                f"I året til dato {prev_year} (kr.)": before.get("amount_ytd_dkk"),
            }
        )
    table = _table(out, {k: fmt.number for k in (out[0] if out else {}) if k != "Måned"}, 0)
    return chart, table


def _ytd(m: date) -> str:
    return (
        f"i {fmt.month_name(m)}"
        if m.month == 1
        else f"jan.–{fmt.MONTHS[m.month - 1][:3]}. {m.year}".replace("maj.", "maj")
    )


# ---- all of it --------------------------------------------------------------------------------------


def view(con: duckdb.DuckDBPyConnection, month: date, role: str) -> LadderView:
    """Everything the Indsatstrappen screen shows for the month and role."""
    suppress = role == "udvalg"
    settings = pack_settings(con)
    min_count = settings["min_count"]
    # the committee: revised frozen months are published in their frozen version only (module docstring)
    withheld = frozen.revised_months(con) if suppress else set()
    chart, ladder, long, steps, groups, published = _ladder(con, month, suppress, min_count, withheld)
    moves_chart, moves, move_groups = _moves(con, month, suppress, min_count, withheld)
    le_chart, le = _lost_earnings(con, month)
    v = LadderView(
        month=month,
        role=role,
        suppress=suppress,
        min_count=min_count,
        ladder_chart=chart,
        ladder=ladder,
        steps_chart=long,
        steps=steps,
        step_groups=groups,
        moves_chart=moves_chart,
        moves=moves,
        move_groups=move_groups,
        institution_providers=_institution_providers(con, month, suppress, min_count, published, withheld),
        placements=_placements(con, month, suppress, min_count),
        family_treatment=_family_treatment(
            con, month, suppress, min_count, settings["rounding_base"], withheld
        ),
        pupils=_pupils(con, month, suppress, min_count, withheld),
        withheld=frozen.withheld_text(month) if month in withheld else "",
        lost_earnings_chart=le_chart,
        lost_earnings=le,
    )
    if suppress:
        v.footnotes = privacy.footnotes(min_count) + [
            "Udvalget ser bevægelser op og ned ad trappen, ikke børn, der kommer til eller går fra: "
            "forskellen mellem dem ville kunne afsløre små tal.",
        ]
        # revised frozen months among those shown beside the month (its year before, the 24 months)
        beside = sorted(mo for mo in withheld if add_months(month, -(SERIES_MONTHS - 1)) <= mo < month)
        if beside:
            note = frozen.withheld_note(beside)
            v.footnotes.append(note)
            for t in (v.steps, *(g.table for g in v.step_groups)):
                t.footnotes.append(note)
            prev = add_months(month, -12)
            if prev in withheld:
                for t in (v.ladder, v.institution_providers, v.family_treatment, v.pupils):
                    t.footnotes.append(frozen.withheld_note([prev]))
    return v


def trend(pack: figures.Pack, key: str) -> tuple[pl.DataFrame, Table]:
    """A focus point's KPI over the pack's 24 months (already frozen and suppressed for the committee), with the
    same month a year earlier beside it (the comparison the status is made against)."""
    s = pack.series.filter(pl.col("kpi_key") == key).sort("month")
    year_before = dict(zip(s["month"].to_list(), s["value"].to_list(), strict=True))
    shown_before = dict(zip(s["month"].to_list(), s["shown"].to_list(), strict=True))
    months = s["month"].to_list()
    chart = pl.DataFrame(
        {
            "month": months,
            "value": s["value"].to_list(),
            "year_before": [year_before.get(add_months(mo, -12)) for mo in months],
            # a year-to-date figure starts again each January: its curve breaks there
            "segment": [mo.year if figures.is_ytd(key) else 0 for mo in months],
        },
        schema={"month": pl.Date, "value": pl.Float64, "year_before": pl.Float64, "segment": pl.Int64},
    )
    unit = s["unit"][0] if s.height else "count"
    label = s["label"][0] if s.height else key
    vals: list[Shown] = [
        s["shown"][i] if s["is_hidden"][i] else (None if v is None else int(v) if unit == "count" else v)
        for i, v in enumerate(s["value"].to_list())
    ]
    # the download: the figure as a number (empty where hidden), and where a month is hidden its shown text beside
    frame = pl.DataFrame({"Måned": months, label: _numbers(vals, floats=unit != "count")})
    if any(isinstance(v, str) for v in vals):
        frame = frame.with_columns(pl.Series(label + SHOWN_SUFFIX, s["shown"].to_list(), dtype=pl.Utf8))
    shown = pl.DataFrame(
        {
            "Måned": [fmt.month_name(mo) for mo in months],
            label: s["shown"].to_list(),
            "Samme måned året før": [shown_before.get(add_months(mo, -12), fmt.DASH) for mo in months],
        }
    )
    notes = privacy.footnotes_for(s["shown"].to_list(), pack.min_count) if pack.suppress else []
    return chart.with_columns(pl.lit(unit).alias("unit")), Table(frame, shown, notes)
