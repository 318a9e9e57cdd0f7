"""The committee's figures for a month and their protection. Long because the protection of linked figures (one
table's cells, the figure published beside it, the 12-month shares' rounded counts) must be decided in one place.
`build_pack(con, month, role)` reads everything from
the marts (mart_frozen_status / mart_kpi_status, mart_frozen_values, mart_placements_monthly,
mart_overspend_path, …) and applies the role's rules: for `udvalg` the committee's figures (frozen where the month
is frozen, revisions marked) and disclosure control (mi.privacy) on every figure, table and chart; `leder` and
`oekonomi` see today's figures unmasked. The protected tables the screens share (placement_protection,
family_treatment_tables) are public here.

The Pack and its texts: mi.figures; sentences: mi.sentences; files: mi.pdf, mi.excel (mi.report writes both).
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from mi import db, flows, frozen, kpi, privacy, scenario_tables, spec
from mi.figures import (
    HIDDEN_COMPARISON_STATUS,
    HIDDEN_STATUS,
    PLACEMENT_ROWS,
    ROLES,
    SERIES_MONTHS,
    TOTAL,
    Figure,
    FocusPoint,
    Pack,
    add_months,
    display_unit,
    is_ytd,
    value_text,
)
from mi.privacy import Shown
from mi.sentences import focus_sentence, footnotes, section_sentences

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


def settings(con: duckdb.DuckDBPyConnection) -> dict:
    """The settings the figures' protection and texts read (stg_settings): min_count, norm, baseline_year,
    annual_reduction_dkk, rounding_base."""
    row = db.query(con, "select * from stg_settings").row(0, named=True)
    return {
        "min_count": int(row["privacy_min_count"]),
        "norm": (row["caseload_norm_low"], row["caseload_norm_high"]),
        "baseline_year": int(row["budget_baseline_year"]),
        "annual_reduction_dkk": row["budget_annual_reduction_dkk"],
        # a database built before the setting existed: its documented default
        "rounding_base": int(row.get("privacy_rounding_base") or 5),
    }


# shares whose denominator is every placed child (the spec's n_plan_children): the placement table's total
PLACED_TOTAL_SHARES = ("c6_plan_share",)


def _hide_rules(
    values: dict[str, float | None], placement_hidden: set[str | None], min_count: int
) -> dict[str, Shown]:
    """The committee's shown value of every KPI in one month, from the month's values (KPIs and the counts
    behind the shares) and the placement types hidden in the month's placement table."""
    out: dict[str, Shown] = {}
    for k in spec.REGISTRY:
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
        if k.key in PLACED_TOTAL_SHARES and None in placement_hidden:
            # the share's exact value with the other rows would give the hidden total (the demo, July 2021: c6's
            # plan share of 85 placed children beside 83 in the other rows gave 'anden' 2)
            shown = None if v is None else privacy.HIDDEN
        out[k.key] = shown
    return out


def placement_protection(con, months: list[date], min_count: int) -> dict[date, privacy.Protected]:
    """The committee's children by placement type at each month-end with the total, protected month by month: a
    frozen month's counts as frozen, else today's (mart_placements_committee), so the table a frozen month is
    published with is the one its frozen figures come from; each month protected with what is linked to it
    (_protect_placements), the institution table's providers with children among it."""
    if not months:
        return {}
    rows = db.query(
        con,
        """select month, placement_type, cast(sum(n_children) as bigint) as n
           from mart_placements_committee where month between $a and $b
           group by grouping sets ((month, placement_type), (month))""",
        {"a": min(months), "b": max(months)},
    )
    # the institution table by provider (Indsatstrappen) shows each provider with children: at least that many
    providers = db.query(
        con,
        """select month, cast(count(*) filter (where n > 0) as int) as k
           from (select month, provider_type, sum(n_children) as n from mart_placements_monthly
                 where placement_type = 'institution' and month between $a and $b group by all)
           group by month""",
        {"a": min(months), "b": max(months)},
    )
    k = dict(providers.iter_rows())
    by_month = rows.partition_by("month", as_dict=True)
    return {
        mo: _protect_placements(
            dict(zip(part["placement_type"].to_list(), part["n"].to_list(), strict=True)),
            min_count,
            institution_providers=k.get(mo, 0),
        )
        for (mo,), part in by_month.items()
    }


# The placement table as a two-way table for its protection: family care or not (f2's numerator: network and
# foster families) by the ladder's steps 4–6 (step 5, foster family and other, is a sum the ladder shows). Each
# placement type is one cell; a type that is in neither group of a row or column is a structural 0.
PLACEMENT_GRID_COLS = ["trin4", "trin5", "trin6"]
# each row of the placement table (PLACEMENT_ROWS, then the total) and the cells of the grid that show its count
PLACEMENT_GRID_CELLS = [
    [(0, "trin4"), (2, "trin4")],  # network: its cell and step 4 (the same count)
    [(0, "trin5")],  # foster family
    [(1, "trin5")],  # other
    [(1, "trin6"), (2, "trin6")],  # institution: its cell and step 6 (focus point 1)
    [(2, "i_alt")],  # all placed children
]


def _protect_placements(
    counts: dict[str | None, int], min_count: int, *, institution_providers: int = 0
) -> privacy.Protected:
    """The placement table of one month (counts by placement type, None: the total) as the committee sees it.

    Two sums of its rows are published elsewhere or can be bounded there: family care (network + foster, f2's
    numerator) and the ladder's step 5 (foster + other; a step hidden as `–` says it is at least min_count). With
    both rows of a sum `<5`, the total less the other rows gave it away (the sixth of a demo to December 2025,
    March 2023: family care 15 − 0 − 11 = 4; the twentieth of the demo, January 2024: step 5 `–`, so at least 5,
    gave network 1 and institution 2). So the table is protected as the two-way table family care or not × steps
    4–6 with its margins (PLACEMENT_GRID_CELLS), and a row is hidden where any of its cells is. The institution
    table by provider shows `institution_providers` providers with children, so the institution count is at least
    that (the twentieth, April 2024: network, other and institution `<5` summing to 9 − 5 = 4 with institution at
    least 2 gave 1, 1 and 2)."""
    nw, fo, an, inst = (counts.get(t) or 0 for t, _ in PLACEMENT_ROWS)
    grid = pl.DataFrame(
        {
            "gruppe": ["familiepleje", "andet", TOTAL],
            "trin4": [nw, 0, nw],
            "trin5": [fo, an, fo + an],
            "trin6": [0, inst, inst],
            "i_alt": [nw + fo, an + inst, nw + fo + an + inst],
        }
    )
    # step 5 on the ladder: `<5` when small (a published small count, protected like the rows), else `–` where
    # foster or other is hidden (at least min_count, no more) or their sum where both are shown
    step5_known = {} if fo + an < min_count else {(2, "trin5"): (min_count, privacy.INF)}
    p = privacy.protect_table(
        grid,
        PLACEMENT_GRID_COLS,
        min_count,
        label_col="gruppe",
        total_label=TOTAL,
        total_col="i_alt",
        # published as figures: network (step 4), institution (focus point 1, step 6), foster and family care (f2,
        # hidden where one of its parts is)
        keep=[(0, "trin4"), (2, "trin4"), (0, "trin5"), (1, "trin6"), (2, "trin6"), (0, "i_alt")],
        known={cell: (institution_providers, privacy.INF) for cell in PLACEMENT_GRID_CELLS[3]} | step5_known,
        free=[(1, "i_alt"), *step5_known],  # other + institution: no screen shows it
    )
    values = [nw, fo, an, inst, nw + fo + an + inst]
    hidden = [p.withheld or any(p.is_hidden(r, c) for r, c in cells) for cells in PLACEMENT_GRID_CELLS]
    marks = [
        (privacy.mark(min_count) if privacy.is_small(v, min_count) and not p.withheld else privacy.HIDDEN)
        if h
        else None
        for v, h in zip(values, hidden, strict=True)
    ]
    order = [t for t, _ in PLACEMENT_ROWS] + [None]
    frame = pl.DataFrame(
        {
            "type": [t or TOTAL for t in order],
            "n": pl.Series([None if h else v for v, h in zip(values, hidden, strict=True)], dtype=pl.Int64),
        }
    )
    return privacy.Protected(
        frame, pl.DataFrame({"n": pl.Series(marks, dtype=pl.Utf8)}), p.footnotes, ["n"], withheld=p.withheld
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
            v = values[mo]
            private = int(v.get("f3_private_family_treatment_starts_ytd") or 0)
            others = int(
                v.get("n_other_family_treatment_starts_ytd") or 0
            )  # all − private (mart_frozen_values)
            every = int(v.get("n_family_treatment_starts_ytd") or 0)
            f3.append(pl.DataFrame({"type": ["privat", "andre", TOTAL], "n": [private, others, every]}))
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


# the committee's year-to-date counts of children that are rounded (issue 18), and the share built on them
ROUNDED_KEYS = ("f1_institution_starts_ytd", "f3_private_family_treatment_starts_ytd")
ROUNDED_SHARE = (
    "f3_private_share_ytd",
    "f3_private_family_treatment_starts_ytd",
    "n_family_treatment_starts_ytd",
)


def rounded_shares() -> tuple[tuple[str, str, str], ...]:
    """(share, numerator, denominator) of the shares the committee sees computed from rounded counts: focus point
    3's share of private starts, and the compliance shares of counts summed over the 12 months to the month (c2,
    c3, c5: their counts in the spec end with _l12). Two months' packs side by side would otherwise give the
    month's own count (this month's numerator minus last month's, exactly so while the 12 months begin with the
    data: e.g. the notifications of February not assessed within 24 hours)."""
    return (ROUNDED_SHARE, *l12_shares())


def l12_shares() -> tuple[tuple[str, str, str], ...]:
    """(share, numerator, denominator) of the compliance shares of counts summed over the 12 months to the month
    (c2, c3, c5: their counts in the spec end with _l12): rounded to privacy.share_base whatever the rounding base."""
    return tuple(
        (k, n, d) for k, (n, d) in spec.share_parts().items() if n.endswith("_l12") and d.endswith("_l12")
    )


def _round_shares(
    shown: dict[date, dict[str, Shown]], values: dict[date, dict], shares: tuple, base: int
) -> None:
    """The given shares computed from their counts rounded to the base (in place; privacy.rounded_share)."""
    for mo, out in shown.items():
        v = values.get(mo, {})
        for share, num, den in shares:
            out[share] = (
                None
                if v.get(share) is None
                else privacy.rounded_share(
                    privacy.round_count(v.get(num), base), privacy.round_count(v.get(den), base)
                )
            )


def _ytd_round(shown: dict[date, dict[str, Shown]], values: dict[date, dict], base: int) -> None:
    """The committee's year-to-date counts of children rounded to the base (in place; privacy.round_count): focus
    point 1's institution starts and focus point 3's private family-treatment courses, and focus point 3's share
    computed from the rounded counts. Two months side by side then say a month's own count only to within the
    base, so nothing is hidden (the rounding replaces _ytd_walk when the base is above 1). The 12-month compliance
    shares are rounded apart from this (_round_shares with privacy.share_base), whatever the base."""
    for mo, out in shown.items():
        v = values.get(mo, {})
        for key in ROUNDED_KEYS:
            out[key] = privacy.round_count(v.get(key), base)
    _round_shares(shown, values, (ROUNDED_SHARE,), base)


def _rounded_difference(a: Shown, b: Shown) -> Shown:
    """The difference between two rounded figures (counts: 'ca. +5'; shares of rounded counts: in points)."""
    if isinstance(a, privacy.Rounded) or isinstance(b, privacy.Rounded):
        return privacy.rounded_change(a, b)
    if privacy.is_hidden(a) or privacy.is_hidden(b):
        return privacy.HIDDEN
    return None if a is None or b is None else float(a) - float(b)


def _rounded_status(v: Shown, before: Shown, good: str) -> tuple[str, str]:
    """Status of a rounded figure against last year's rounded figure (the true figures are not compared: the
    status would tell which way a difference within the rounding goes)."""
    if v is None or before is None or privacy.is_hidden(v) or privacy.is_hidden(before):
        return "ingen", "Ingen sammenligning"
    if float(v) == float(before):
        return "neutral", "Omtrent uændret"
    if (good == "down") == (float(v) < float(before)):
        return "god", "Bedre end sidste år"
    return "daarlig", "Dårligere end sidste år"


# the placement table's rows as frozen with a month's KPIs (f1's counts in the spec, mi/kpis.toml)
FROZEN_PLACEMENT_KEYS = {
    "netvaerk": "n_network_children",
    "plejefamilie": "n_foster_children",
    "anden": "n_other_placed_children",
    "institution": "f1_institution_children",
}


def _hidden_at_freeze(values: dict[str, float | None], min_count: int) -> set[str | None]:
    """The placement types hidden in the table built from a month's committee values (for a frozen month: the
    counts as frozen), so a frozen share is hidden as it was when the committee first saw it."""
    counts = {t: values.get(k) for t, k in FROZEN_PLACEMENT_KEYS.items()}
    if any(v is None for v in counts.values()):
        return set()
    counts = {t: int(v) for t, v in counts.items()}
    counts[None] = int(values["n_placed_children"])  # the four rows' total (mart_frozen_values)
    return hidden_rows(_protect_placements(counts, min_count))


def hidden_rows(p: privacy.Protected | None) -> set[str | None]:
    """The rows hidden in a protected placement table: the placement types, None for the total."""
    if p is None:
        return set()
    return {t for i, t in enumerate([*(t for t, _ in PLACEMENT_ROWS), None]) if p.is_hidden(i, "n")}


def build_pack(con: duckdb.DuckDBPyConnection, month: date | str, role: str = "udvalg") -> Pack:
    """Everything the pack shows for the month and role, read from the marts and protected for udvalg."""
    if role not in ROLES:
        raise ValueError(f"Ukendt rolle {role!r} (udvalg, leder eller oekonomi).")
    m = kpi.parse_month(month) if isinstance(month, str) else date(month.year, month.month, 1)
    kpi.values(con, m)  # ValueError (Danish) when the month is outside the data
    st = settings(con)
    min_count, suppress = st["min_count"], role == "udvalg"
    committee = role == "udvalg"
    rng = kpi.data_range(con) or {}
    version = db.query(con, "select * from data_versions order by version_id desc limit 1")
    version_row = version.row(0, named=True) if version.height else {}

    # KPI rows for every month to M (comparisons reach back a year; charts two)
    view = "mart_frozen_status" if committee else "mart_kpi_status"
    # from January of the first month the charts show: the figures, their comparisons (a month and a year back) and
    # the charts' 24 months all fall in these whole years, and the committee's protection of a month reads only its
    # own year (the year-to-date walk starts each January, the placement table is protected month by month)
    first = date(add_months(m, -(SERIES_MONTHS - 1)).year, 1, 1)
    status = db.query(
        con,
        f"select * from {view} where month between $first and $m order by month, sort_order",
        {"first": first, "m": m},
    )
    vals = db.query(
        con,
        "select month, kpi_key, value, current_value, frozen_value, is_frozen, is_revised from mart_frozen_values "
        "where month between $first and $m",
        {"first": first, "m": m},
    )
    col = "value" if committee else "current_value"
    by_month: dict[date, dict[str, float | None]] = {}
    current_by_month: dict[date, dict[str, float | None]] = {}
    for r in vals.iter_rows(named=True):
        by_month.setdefault(r["month"], {})[r["kpi_key"]] = r[col]
        current_by_month.setdefault(r["month"], {})[r["kpi_key"]] = r["current_value"]
    months = sorted(by_month)

    tables = placement_protection(con, months, min_count) if suppress else {}

    def table_hidden(mo: date) -> set[str | None]:
        return hidden_rows(tables.get(mo))

    def shown_month(mo: date, source: dict, published: bool = True) -> dict[str, Shown]:
        values = source.get(mo, {})
        if not suppress:
            return {k.key: values.get(k.key) for k in spec.REGISTRY}
        # hidden in the table built from these values, and (`published`: the committee's figures) in the table the
        # committee is shown for the month — the frozen one of a frozen month (mart_placements_committee), which
        # holds the same counts; today's values of a revised month (f.current) follow today's table
        hidden = table_hidden(mo) if published else set()
        return _hide_rules(values, hidden | _hidden_at_freeze(values, min_count), min_count)

    shown = {mo: shown_month(mo, by_month) for mo in months}
    shown_current = shown_month(m, current_by_month, published=not frozen.is_frozen(con, m))
    base = st["rounding_base"] if suppress else 1
    share_base = privacy.share_base(base) if suppress else 1
    if suppress and base > 1:
        _ytd_round(shown, by_month, base)
        shown_current = dict(shown_current)
        _ytd_round({m: shown_current}, {m: current_by_month.get(m, {})}, base)
    elif suppress:
        _ytd_walk(shown, by_month, con, min_count)
        # today's value of the month (a revision's new value) walked against the months shown before it
        today = {mo: dict(v) for mo, v in shown.items() if mo.year == m.year and mo < m} | {m: shown_current}
        _ytd_walk(today, {**by_month, m: current_by_month.get(m, {})}, con, min_count)
        shown_current = today[m]
    if suppress:
        # the 12-month compliance shares: of counts rounded to at least the default base, also when the year-to-date
        # counts are not rounded (rounding_base = 1: exact shares of two months' packs give a month's own count)
        shown_current = dict(shown_current)
        _round_shares(shown, by_month, l12_shares(), share_base)
        _round_shares({m: shown_current}, {m: current_by_month.get(m, {})}, l12_shares(), share_base)
    prev_m = add_months(m, -1)
    prev_y = add_months(m, -12)

    figures: dict[str, Figure] = {}
    cur_rows = status.filter(pl.col("month") == m)
    for r in cur_rows.iter_rows(named=True):
        key = r["kpi_key"]
        v = shown[m][key]
        py = shown.get(prev_y, {}).get(key) if r["prev_year_value"] is not None else None
        pm = shown.get(prev_m, {}).get(key) if r["prev_month_value"] is not None else None
        if suppress and r["children_count"] and is_ytd(key):
            # last month's year-to-date count beside this month's gives the month's own count (the starts in
            # the month), which may be small: the committee gets the year to date only
            pm = None
        hide_status = isinstance(v, str) or (r["good"] in ("up", "down") and isinstance(py, str))
        rounded = privacy.is_rounded(v) or privacy.is_rounded(py)
        fig = Figure(
            key=key,
            label=r["label"],
            unit=display_unit(key, r["unit"]),
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
            status_label=(HIDDEN_STATUS if isinstance(v, str) else HIDDEN_COMPARISON_STATUS)
            if hide_status
            else r["status_label"],
        )
        if rounded:
            # shown rounded (issue 18): the comparisons are between the rounded figures (the SQL's changes of the
            # true figures would say more than the rounded ones), and the rule is written beside the figure
            fig.change_year = _rounded_difference(v, py)
            fig.change_month = None if pm is None else _rounded_difference(v, pm)
            fig.status, fig.status_label = _rounded_status(v, py, r["good"])
            rounded_to = getattr(v, "base", 0) or getattr(py, "base", 0) or base
            fig.definition = f"{fig.definition} {privacy.rounding_note(rounded_to).split(':')[0]}."
        if committee and r.get("is_frozen"):
            fig.is_frozen = True
            fig.frozen = v
            fig.is_revised = bool(r["is_revised"])
            fig.current = shown_current[key] if fig.is_revised else v
            if (
                fig.is_revised
                and not rounded
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
        fp.sentence = focus_sentence(fp, m, min_count)
        focus.append(fp)

    series = _series(
        status,
        shown,
        m,
        [fp.chart_key for fp in focus]
        + ["overspend_dkk", "caseload_per_fte", "turnover_12m", "tenure_under_1y_share"],
    )
    placements = placements_table(con, m, tables, suppress)
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
    info = frozen.frozen_info(con, m)
    if not committee and info:  # only a frozen month has revisions
        revs = frozen.revisions(con, m)
        for r in revs.iter_rows(named=True):
            revisions.append(
                {
                    "label": r["label"],
                    "unit": display_unit(r["kpi_key"], r["unit"]),
                    "frozen": r["frozen_value"],
                    "current": r["current_value"],
                }
            )

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
        scenarios=scenario_tables.pack_section(con, m, suppress, min_count),
        flows=None if suppress else flows.flows(con, m, new_and_off=False),
        rounding_base=base,
        share_base=share_base,
    )
    pack.sentences = section_sentences(pack)
    pack.footnotes = footnotes(pack)
    return pack


def _series(status: pl.DataFrame, shown: dict, m: date, keys: list[str]) -> pl.DataFrame:
    start = add_months(m, -(SERIES_MONTHS - 1))
    rows = status.filter((pl.col("month") >= start) & pl.col("kpi_key").is_in(keys))
    out = []
    for r in rows.iter_rows(named=True):
        v = shown.get(r["month"], {}).get(r["kpi_key"], r["value"])
        out.append(
            {
                "month": r["month"],
                "kpi_key": r["kpi_key"],
                "label": r["label"],
                "unit": display_unit(r["kpi_key"], r["unit"]),
                "value": None if isinstance(v, str) or v is None else float(v),
                "shown": value_text(v, display_unit(r["kpi_key"], r["unit"])),
                "is_hidden": isinstance(v, str),
                "is_frozen": bool(r.get("is_frozen") or False),
                "is_rounded": privacy.is_rounded(v),  # a rounded count, or a share of rounded counts
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
        "is_rounded": pl.Boolean,
    }
    return pl.DataFrame(out, schema=schema)


def placements_table(con, m: date, tables: dict, suppress: bool) -> list[dict[str, Shown]]:
    """Children by placement type at M and a year earlier, with the change (computed in SQL): one row per type and
    the total, {label, n_month, n_prev_year, change}, each a Shown (a number or a mark for the committee). For the
    committee (`suppress`) a frozen month's column holds its counts as frozen (mart_placements_committee: the
    month is published in one version), for the others today's. Rows of Python values, not a frame: a frame of
    such values (an Object column) runs Python inside polars' thread pool when it is filtered, sorted or
    converted — issue 16's deadlock."""
    prev = add_months(m, -12)
    source = "mart_placements_committee" if suppress else "mart_placements_monthly"
    rows = db.query(
        con,
        f"""with t as (
               select placement_type,
                   cast(sum(n_children) filter (where month = $m) as bigint) as n_month,
                   cast(sum(n_children) filter (where month = $p) as bigint) as n_prev_year,
               from {source} where month in ($m, $p)
               group by grouping sets ((placement_type), ())
           )
           select *, n_month - n_prev_year as change from t""",
        {"m": m, "p": prev},
    )
    has_prev = db.scalar(con, f"select count(*) from {source} where month = $p", {"p": prev}) > 0
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
    return out
