"""Disclosure control (mi.privacy): exact small cases by hand, and property tests in which an attacker who
knows the rules solves for every hidden small count with integer programming (scipy's milp) and must find at
least two possible values."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy.optimize import Bounds, LinearConstraint, milp

from mi import fmt, pack
from mi import privacy as d
from mi.settings import Settings

# ---- single figures ------------------------------------------------------------------------------------


def test_counts_small_zero_and_missing():
    assert [d.protect_count(n, 5) for n in (0, 1, 4, 5, 27, None)] == [0, "<5", "<5", 5, 27, None]
    # the mark uses the actual threshold
    assert d.protect_count(6, 10) == "<10" and d.mark(3) == "<3"


def test_share_hidden_when_numerator_denominator_or_rest_is_small():
    # 6 of 10: parts 6, 10, rest 4 → the rest (children not counted in the numerator) is small: hidden
    assert d.protect_share(0.6, 6, 10, 5) == "–"
    # 3 of 40: the numerator is small
    assert d.protect_share(3 / 40, 3, 40, 5) == "–"
    # 0 of 12: zero is not a person, rest 12 → shown
    assert d.protect_share(0.0, 0, 12, 5) == 0.0
    # 10 of 30: all parts ≥ 5
    assert d.protect_share(1 / 3, 10, 30, 5) == pytest.approx(1 / 3)
    assert d.protect_share(None, 0, 0, 5) is None


def test_change_hidden_when_either_side_is_hidden():
    this_month, last_year = d.protect_count(8, 5), d.protect_count(3, 5)
    # 8 − 3 = 5 would give last year's 3 away
    assert d.protect_change(5, this_month, last_year) == "–"
    assert d.protect_change(-4, d.protect_count(27, 5), d.protect_count(31, 5)) == -4


def test_kpi_share_reads_its_counts_from_the_mart():
    # f2: numerator n_family_care_children, denominator n_family_care_or_institution_children (both mart columns).
    # 6 in family care of 10: the rest (institution) 10 − 6 = 4 is small → hidden
    values = {
        "f2_family_care_share": 0.6,
        "n_family_care_children": 6,
        "n_family_care_or_institution_children": 10,
    }
    assert d.protect_kpi("f2_family_care_share", values, 5, children_count=False) == "–"
    # 10 of 15: parts 10, 15, rest 5 → shown
    values = {
        "f2_family_care_share": 2 / 3,
        "n_family_care_children": 10,
        "n_family_care_or_institution_children": 15,
    }
    assert d.protect_kpi("f2_family_care_share", values, 5, children_count=False) == pytest.approx(2 / 3)


def test_value_with_parts_and_text():
    assert d.protect_value(0.25, 5, parts=(2, 8)) == "–"
    assert d.protect_value(3, 5, count=True) == "<5"
    assert d.text("<5") == "<5" and d.text(None) == "–" and d.text(1234) == "1.234"


# ---- tables by hand ------------------------------------------------------------------------------------


def one_way(values, total=None):
    total = sum(values) if total is None else total
    return pl.DataFrame({"label": [f"r{i}" for i in range(len(values))] + ["I alt"], "n": [*values, total]})


def shown(p: d.Protected, col="n"):
    return [p.cell(i, col) for i in range(p.frame.height)]


def test_one_small_cell_gets_a_complement_that_leaves_it_open():
    p = d.protect_table(one_way([1, 5, 9]), ["n"], 5, label_col="label", total_label="I alt")
    # hiding 5 with the 1 would not do: 15 − 9 = 6 = x + y with x in 1..4 and y ≥ 5 forces x = 1, y = 5.
    # Hiding 9 instead: x + y = 15 − 5 = 10, y ≥ 5 → x can be 1..4.
    assert shown(p) == ["<5", 5, "–", 15]
    assert len(p.footnotes) == 2 and p.footnotes[0].startswith("<5: færre end 5 børn")


def test_two_small_cells_that_would_pin_each_other():
    # 1 and 1 with total 2: the total is itself small and hidden, so nothing adds up
    assert shown(d.protect_table(one_way([1, 1, 0]), ["n"], 5, label_col="label", total_label="I alt")) == [
        "<5",
        "<5",
        0,
        "<5",
    ]
    # 4 + 4 = 8 = 20 − 12 would force both to 4 (the largest small count): a third cell must go
    p = d.protect_table(one_way([4, 4, 12]), ["n"], 5, label_col="label", total_label="I alt")
    assert shown(p) == ["<5", "<5", "–", 20]


def test_no_small_counts_nothing_hidden_and_zero_shown():
    p = d.protect_table(one_way([0, 7, 12]), ["n"], 5, label_col="label", total_label="I alt")
    assert shown(p) == [0, 7, 12, 19] and p.footnotes == []


def test_two_way_table_hides_the_grand_total_when_that_is_what_is_left():
    f = pl.DataFrame({"label": ["r1", "r2", "I alt"], "a": [1, 0, 1], "b": [0, 9, 9], "t": [1, 9, 10]})
    p = d.protect_table(f, ["a", "b"], 5, label_col="label", total_label="I alt", total_col="t")
    # r1/a = 1 is small, and so are its row total and column total (1). With the grand total 10 shown,
    # the total row gives a_total = 10 − 9 = 1. The grand total is hidden: 1 + 9 = t with t ≥ 5 leaves 1..4.
    assert [shown(p, c) for c in ("a", "b", "t")] == [["<5", 0, "<5"], [0, 9, 9], ["<5", 9, "–"]]


def test_table_withheld_when_the_marks_alone_give_counts_away():
    # four rows of 1 and the total 4, all small: x1..x4 ≥ 1 and x1 + … + x4 = total ≤ 4 → every row is 1
    p = d.protect_table(one_way([1, 1, 0, 1, 1]), ["n"], 5, label_col="label", total_label="I alt")
    assert p.withheld and shown(p) == ["–"] * 6 and "vises ikke" in p.footnotes[0]


def test_keep_prefers_other_cells():
    f = one_way([2, 6, 9, 30])
    # the smallest complement would be 6 (row 1), but it is shown elsewhere: the next, 9, is used
    p = d.protect_table(f, ["n"], 5, label_col="label", total_label="I alt", keep=[(1, "n")])
    assert shown(p) == ["<5", 6, "–", 30, 47]


def test_totals_must_add_up():
    with pytest.raises(ValueError, match="summen"):
        d.protect_table(one_way([2, 6], total=9), ["n"], 5, label_col="label", total_label="I alt")


def test_without_totals_only_small_counts_are_hidden():
    f = pl.DataFrame({"label": ["a", "b"], "x": [3, 40], "y": [0, 2]})
    p = d.protect_table(f, ["x", "y"], 5)
    assert (shown(p, "x"), shown(p, "y")) == (["<5", 40], [0, "<5"])
    assert p.text()["x"].to_list() == ["<5", "40"] and p.frame["x"].to_list() == [None, 40]


# ---- the attacker --------------------------------------------------------------------------------------


def attack(p: d.Protected, lines, min_count):
    """For every hidden small cell, the least and greatest value that agrees with everything shown: the shown
    numbers, every line's sum, small counts in 1..min_count−1, other hidden counts ≥ min_count."""
    hidden = [(r, c) for c in p.count_cols for r in range(p.frame.height) if p.is_hidden(r, c)]
    index = {cell: k for k, cell in enumerate(hidden)}
    lo = np.array([1 if p.cell(r, c) == d.mark(min_count) else min_count for r, c in hidden], dtype=float)
    hi = np.array([min_count - 1 if p.cell(r, c) == d.mark(min_count) else np.inf for r, c in hidden])
    rows, rhs = [], []
    for cells, total in lines:
        a = np.zeros(len(hidden))
        b = 0.0
        for cell in cells:
            coef = -1.0 if cell == total else 1.0
            if cell in index:
                a[index[cell]] += coef
            else:
                b -= coef * p.cell(*cell)
        if a.any():
            rows.append(a)
            rhs.append(b)
    out = {}
    for cell in hidden:
        if p.cell(*cell) != d.mark(min_count):
            continue
        cost = np.zeros(len(hidden))
        cost[index[cell]] = 1
        cons = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
        kw = dict(constraints=cons, integrality=np.ones(len(hidden)), bounds=Bounds(lo, hi))
        low, high = milp(cost, **kw), milp(-cost, **kw)
        assert low.status == 0 and high.status == 0, "the true table must be a solution"
        out[cell] = (round(low.fun), round(-high.fun))
    return out


def table_lines(height, count_cols, total_row, total_col):
    cols = count_cols + ([total_col] if total_col else [])
    lines = []
    if total_col:
        lines += [([(r, c) for c in cols], (r, total_col)) for r in range(height)]
    if total_row is not None:
        lines += [([(r, c) for r in range(height)], (total_row, c)) for c in cols]
    return lines


count = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 12), st.integers(13, 60))


@st.composite
def tables(draw):
    n_rows, n_cols = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    body = [[draw(count) for _ in range(n_cols)] for _ in range(n_rows)]
    with_total_row, with_total_col = draw(st.booleans()), draw(st.booleans())
    if not (with_total_row or with_total_col):
        with_total_row = True
    cols = [f"c{j}" for j in range(n_cols)]
    data = {c: [row[j] for row in body] for j, c in enumerate(cols)}
    labels = [f"r{i}" for i in range(n_rows)]
    if with_total_col:
        data["t"] = [sum(row) for row in body]
    if with_total_row:
        for c in data:
            data[c].append(sum(data[c]))
        labels.append("I alt")
    frame = pl.DataFrame({"label": labels, **data})
    total_row = n_rows if with_total_row else None
    return frame, cols, total_row, ("t" if with_total_col else None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(3, 7))
def test_no_hidden_small_count_can_be_worked_out(table, min_count):
    frame, cols, total_row, total_col = table
    p = d.protect_table(
        frame,
        cols,
        min_count,
        label_col="label",
        total_label="I alt" if total_row is not None else None,
        total_col=total_col,
    )
    all_cols = cols + ([total_col] if total_col else [])
    if p.withheld:
        # only when every non-zero count is small or had to be hidden, and then nothing is shown at all
        assert all(p.cell(r, c) == d.HIDDEN for c in all_cols for r in range(frame.height))
        return
    for c in all_cols:
        for r in range(frame.height):
            v, s = frame[c][r], p.cell(r, c)
            if d.is_small(v, min_count):
                assert s == d.mark(min_count)  # every small count is marked
            elif v == 0:
                assert s == 0  # zero is shown
            else:
                assert s in (v, d.HIDDEN)  # shown as it is, or hidden to protect
    for cell, (low, high) in attack(
        p, table_lines(frame.height, cols, total_row, total_col), min_count
    ).items():
        assert high > low, f"cell {cell} can be worked out: {low}"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.just(0), st.integers(5, 80)), min_size=1, max_size=6))
def test_nothing_hidden_without_small_counts(values):
    p = d.protect_table(one_way(values), ["n"], 5, label_col="label", total_label="I alt")
    assert shown(p) == [*values, sum(values)] and p.footnotes == []


def test_year_to_date_months_never_differ_by_a_small_count():
    # one count over January–May: 3, 6, 12, 13, 20 (min_count 5). January is small (<5). February 6 is shown
    # (6 − nothing shown before = 6). March 12 (12 − 6 = 6). April 13 would give April's own count 13 − 12 = 1:
    # hidden (–). May 20 (20 − 12 = 8, over two months). Shown: 6, 12, 20 — no two differ by 1–4.
    frames = [pl.DataFrame({"n": [v]}) for v in (3, 6, 12, 13, 20)]
    shown = [p.cell(0, "n") for p in d.protect_ytd_tables(frames, ["n"], 5)]
    assert shown == ["<5", 6, 12, "–", 20]


def test_year_to_date_tables_protect_a_hidden_month_by_its_complements():
    # starts by provider with a total, February after January: intern 10 → 12 (+2, hidden), privat 10 → 20 (+10),
    # total 20 → 32 (+12). Intern's +2 could be worked out as total − privat, so one of them is hidden too, and
    # nothing shown in February differs from January by 1–4.
    jan = pl.DataFrame({"label": ["intern", "privat", "I alt"], "n": [10, 10, 20]})
    feb = pl.DataFrame({"label": ["intern", "privat", "I alt"], "n": [12, 20, 32]})
    p_jan, p_feb = d.protect_ytd_tables([jan, feb], ["n"], 5, label_col="label", total_label="I alt")
    assert [p_jan.cell(i, "n") for i in range(3)] == [10, 10, 20]
    feb_shown = [p_feb.cell(i, "n") for i in range(3)]
    assert feb_shown[0] == "–" and feb_shown.count("–") == 2
    assert all(not isinstance(v, int) or abs(v - [10, 10, 20][i]) >= 5 for i, v in enumerate(feb_shown))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=1, max_size=12),
    st.integers(3, 6),
)
def test_no_two_shown_months_differ_by_a_small_count(starts, min_count):
    # three providers' starts month by month (0–6 each), year to date with a total row: in every row, any two
    # months shown differ by 0 or at least min_count, and every month's table is protected on its own
    ytd = np.cumsum(np.array(starts), axis=0)
    frames = [
        pl.DataFrame({"label": ["a", "b", "c", "I alt"], "n": [int(v) for v in row] + [int(row.sum())]})
        for row in ytd
    ]
    tables = d.protect_ytd_tables(frames, ["n"], min_count, label_col="label", total_label="I alt")
    for r in range(4):
        seen = [p.cell(r, "n") for p in tables]
        numbers = [v for v in seen if not isinstance(v, str)]
        assert all(a == b or abs(a - b) >= min_count for a in numbers for b in numbers)
        assert not any(d.is_small(v, min_count) for v in numbers)


# ---- rounding (issue 18) -------------------------------------------------------------------------------------


def test_round_count_to_the_nearest_multiple_halves_up():
    # base 5: 0–2 → 0, 3–7 → 5, 8–12 → 10, 23 → 25, 22 → 20; base 4: 2 (a half) → 4; base 1: the count itself
    assert [int(d.round_count(n, 5)) for n in (0, 1, 2, 3, 7, 8, 12, 22, 23)] == [
        0,
        0,
        0,
        5,
        5,
        10,
        10,
        20,
        25,
    ]
    assert int(d.round_count(2, 4)) == 4 and int(d.round_count(1, 4)) == 0
    assert d.round_count(3, 1) == 3 and not isinstance(d.round_count(3, 1), d.Rounded)
    r = d.round_count(23, 5)
    assert (
        isinstance(r, d.Rounded) and r.base == 5 and d.text(r) == "ca. 25" and d.round_count(None, 5) is None
    )


def test_shares_and_changes_of_rounded_counts():
    private, total = d.round_count(23, 5), d.round_count(96, 5)  # ca. 25 of ca. 95
    share = d.rounded_share(private, total)
    assert isinstance(share, d.RoundedShare) and share == pytest.approx(25 / 95)
    assert d.rounded_share(d.round_count(2, 5), d.round_count(2, 5)) is None  # ca. 0 of ca. 0: no share
    change = d.rounded_change(private, d.round_count(17, 5))  # ca. 25 − ca. 15
    assert isinstance(change, d.Rounded) and int(change) == 10 and d.text(change, fmt.signed) == "ca. +10"
    assert d.rounded_change(private, "–") == "–"


@pytest.mark.parametrize(
    ("base", "ok"), [(1, True), (5, True), (10, True), (0, False), (11, False), (2.5, False)]
)
def test_rounding_base_setting_is_a_whole_number_from_1_to_10(base, ok):
    if ok:
        assert Settings.model_validate({"privacy": {"rounding_base": base}}).privacy.rounding_base == base
    else:
        with pytest.raises(ValidationError):
            Settings.model_validate({"privacy": {"rounding_base": base}})
    assert Settings().privacy.rounding_base == 5  # the default


def test_compliance_shares_are_protected_by_their_counts():
    # c6: 83 of 86 placed children have a plan → 3 without one: with the placement table's total (86) published,
    # the share would give the 3 away: hidden. 80 of 86 (6 without) is shown.
    values = {"c6_plan_share": 83 / 86, "n_with_plan_children": 83, "n_plan_children": 86}
    assert d.protect_kpi("c6_plan_share", values, 5, children_count=False) == "–"
    values = {"c6_plan_share": 80 / 86, "n_with_plan_children": 80, "n_plan_children": 86}
    assert d.protect_kpi("c6_plan_share", values, 5, children_count=False) == pytest.approx(80 / 86)
    # c3 over 12 months: 3 investigations completed, all on time → every part small or the rest 0: hidden
    values = {"c3_investigations_on_time_share": 1.0, "n_on_time_l12": 3, "n_completed_l12": 3}
    assert d.protect_kpi("c3_investigations_on_time_share", values, 5, children_count=False) == "–"


# ---- the placement table: network and foster families are family care (f2's numerator) ---------------------


def _placement_range(
    p: d.Protected, target: list[int], min_count: int, rows: list[int], providers: int = 0
) -> tuple[int, int]:
    """The least and greatest sum of the rows `target` (0 network, 1 foster, 2 other, 3 institution, 4 total) that
    agrees with what the committee is shown of the placement table (the true counts `rows`) and of the ladder's
    step 5 (foster + other, mi.ladder: `<5` when small, 0, `–` when either row is hidden, else its count): shown
    numbers exactly, the rows adding up to the total, `<5` in 1..min_count−1, `–` at least min_count (small counts
    are marked `<5` and zeros shown, so a `–` is neither; in a withheld table, anything); institution at least
    `providers` (the institution table by provider shows that many providers with children)."""

    def bounds(mark, value) -> tuple[float, float]:
        if mark == d.mark(min_count):
            return 1, min_count - 1
        if mark == d.HIDDEN:
            return (0 if p.withheld else min_count), 1000
        return value, value

    lo, hi = (
        list(b) for b in zip(*(bounds(p.marks["n"][r], p.frame["n"][r]) for r in range(5)), strict=True)
    )
    lo[3] = max(lo[3], providers)
    step5 = rows[1] + rows[2]
    if d.is_small(step5, min_count):
        shown5 = (1, min_count - 1)
    elif step5 > 0 and (p.is_hidden(1, "n") or p.is_hidden(2, "n")):
        shown5 = (0 if p.withheld else min_count, 2000)
    else:
        shown5 = (step5, step5)
    cons = [
        LinearConstraint(np.array([[1, 1, 1, 1, -1]]), 0, 0),
        LinearConstraint(np.array([[0, 1, 1, 0, 0]]), *shown5),
    ]
    cost = np.array([1.0 if r in target else 0.0 for r in range(5)])
    kw = dict(
        constraints=cons, integrality=np.ones(5), bounds=Bounds(np.array(lo, float), np.array(hi, float))
    )
    low, high = milp(cost, **kw), milp(-cost, **kw)
    assert low.status == 0 and high.status == 0, "the true table must be a solution"
    return round(low.fun), round(-high.fun)


def test_family_care_of_network_and_foster_both_small_cannot_be_read_off_the_total():
    # the sixth of a demo ending December 2025, March 2023: network 1, foster 3, other 0, institution 11, total 15.
    # Network and foster are `<5`; showing other 0, institution 11 and total 15 would give family care (f2's
    # numerator, hidden as a share) = 15 − 0 − 11 = 4. Family care is protected like a small row: the total is
    # hidden (institution is published as f1, so it is kept): network + foster ∈ 2..8 and total = 11 + that.
    p = pack._protect_placements(
        {"netvaerk": 1, "plejefamilie": 3, "anden": 0, "institution": 11, None: 15}, 5
    )
    assert [p.cell(r, "n") for r in range(5)] == ["<5", "<5", 0, 11, "–"]
    # step 5 (foster 3 + other 0) is `<5`: network + foster ∈ 2..(1..4 + 1..4, foster ≤ 4) = 2..8
    assert _placement_range(p, [0, 1], 5, [1, 3, 0, 11]) == (2, 8)


def test_family_care_shown_network_and_foster_protect_each_other():
    # network 2, foster 9, other 6, institution 20, total 37: family care 11 is shown by the total less the rows;
    # network 2 is small, so foster (its only complement under the family-care total) is hidden: network ∈ 1..4
    p = pack._protect_placements(
        {"netvaerk": 2, "plejefamilie": 9, "anden": 6, "institution": 20, None: 37}, 5
    )
    assert [p.cell(r, "n") for r in range(5)] == ["<5", "–", 6, 20, 37]
    # step 5 (foster 9 + other 6 = 15) is `–` (foster hidden): at least 5, no more than that
    assert _placement_range(p, [0], 5, [2, 9, 6, 20]) == (1, 4)
    # family care 37 − 6 − 20 = 11, not small: shown
    assert _placement_range(p, [0, 1], 5, [2, 9, 6, 20]) == (11, 11)


placement_count = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 12), st.integers(13, 40))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(placement_count, min_size=4, max_size=4), st.integers(3, 7), st.integers(0, 4))
def test_no_small_placement_count_or_family_care_can_be_worked_out(rows, min_count, providers):
    counts = dict(zip(("netvaerk", "plejefamilie", "anden", "institution"), rows, strict=True)) | {
        None: sum(rows)
    }
    # providers with institution children: no more than the children; and fewer than min_count − 1, since with
    # min_count − 1 of them an institution count below min_count is told by the provider table alone (each of its
    # rows 1), which is then withheld (mi.ladder) and tells nothing
    providers = min(providers, rows[3], min_count - 2)
    p = pack._protect_placements(counts, min_count, institution_providers=providers)
    truth = [*rows, sum(rows)]
    for r in range(5):
        assert p.cell(r, "n") in (truth[r], d.HIDDEN, d.mark(min_count))
    # every small row, the total if small, family care (network + foster) and step 5 (foster + other) if small:
    # never pinned
    targets = [[r] for r in range(5) if d.is_small(truth[r], min_count)]
    targets += [t for t in ([0, 1], [1, 2]) if d.is_small(sum(rows[i] for i in t), min_count)]
    for target in targets:
        low, high = _placement_range(p, target, min_count, rows, providers)
        assert high > low, f"rows {target} can be worked out: {low} ({counts})"


def test_step_five_hidden_as_at_least_five_does_not_give_the_other_rows_away():
    # the twentieth of the demo, January 2024: network 1, foster 4, other 1, institution 2, total 8. Every row is
    # `<5`; the ladder hides step 5 (foster 4 + other 1 = 5) as `–`, at least 5, so with the total 8 shown,
    # network + institution = 8 − (at least 5) ≤ 3 with each at least 1 (and institution at least 2 by its two
    # providers, both `<5`): network 1, institution 2. The total is hidden now: network ∈ 1..4.
    counts = {"netvaerk": 1, "plejefamilie": 4, "anden": 1, "institution": 2, None: 8}
    p = pack._protect_placements(counts, 5, institution_providers=2)
    assert [p.cell(r, "n") for r in range(5)] == ["<5", "<5", "<5", "<5", "–"]
    assert _placement_range(p, [0], 5, [1, 4, 1, 2], providers=2) == (1, 4)
    assert _placement_range(p, [3], 5, [1, 4, 1, 2], providers=2) == (2, 4)
    # the total shown (8), as before: network + institution ≤ 8 − 5 = 3 with institution at least 2
    p = pack._protect_placements(counts, 5)
    assert p.cell(4, "n") == 8
    assert _placement_range(p, [0], 5, [1, 4, 1, 2], providers=2) == (1, 1)


def test_institution_at_least_its_providers_with_children():
    # the twentieth of the demo, April 2024: network 1, foster 5, other 1, institution 2 (one child with another
    # municipality, one with a private provider: the institution table shows both `<5`), total 9. With foster 5
    # and the total shown: network + other + institution = 9 − 5 = 4, each at least 1 and institution at least 2,
    # so 1, 1 and 2. The total is hidden now (institution, focus point 1, and foster, a part of f2, are kept).
    counts = {"netvaerk": 1, "plejefamilie": 5, "anden": 1, "institution": 2, None: 9}
    p = pack._protect_placements(counts, 5, institution_providers=2)
    assert [p.cell(r, "n") for r in range(5)] == ["<5", 5, "<5", "<5", "–"]
    for row in (0, 2):
        assert _placement_range(p, [row], 5, [1, 5, 1, 2], providers=2) == (1, 4)
    assert _placement_range(p, [3], 5, [1, 5, 1, 2], providers=2) == (2, 4)
    # without the providers' bound, the table shows foster and the total: the case above
    p = pack._protect_placements(counts, 5)
    assert [p.cell(r, "n") for r in range(5)] == ["<5", 5, "<5", "<5", 9]
    assert _placement_range(p, [0], 5, [1, 5, 1, 2], providers=2) == (1, 1)
