"""Linked tables (issue 16.1): everything the Indsatstrappen screen publishes for the committee at once — the
ladder and its 24 months, the placement table, the institution placements by provider, the family-treatment table,
the pupils, the moves, and the committee pack's figures and 24-month series (the pack publishes a subset of what the
screen does: its figures, series and placement table) — read together by an attacker who solves for every small
count with integer programming (tests/mi/attacker.py), on the demo municipality and on municipalities a sixth and a
twentieth of its size (mi.hidden.shrink: children whose id's crc32 is 0 modulo 6 or 20)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from mi import compliance, db, demo, hidden, ingest, ladder, overview, pack, pack_compliance, privacy, report
from mi.__main__ import main
from tests.mi import attacker as a

END_MONTH = "2026-10"


@pytest.fixture(scope="module")
def municipalities(tmp_path_factory) -> dict[int | str, Path]:
    """The demo municipality (1) and its sixth (6) and twentieth (20), each imported into its own database; and
    the sixth without rounding ("6 uden afrunding": [privacy] rounding_base = 1, the blanks of before issue 18)."""
    root = tmp_path_factory.mktemp("linked")
    demo.write(root / "demo", end_month=END_MONTH)
    out = {}
    for every in (1, 6, 20, "6 uden afrunding"):
        folder = root / "demo" if every == 1 else root / f"every{every}".replace(" ", "-")
        if every != 1:
            hidden.shrink(root / "demo", folder, 6 if isinstance(every, str) else every)
        if isinstance(every, str):
            with (folder / "settings.toml").open("a", encoding="utf-8") as f:
                f.write("\n[privacy]\nrounding_base = 1\n")
        out[every] = root / f"mi{every}.duckdb".replace(" ", "-")
        ingest.import_folder(folder, out[every])
    out["folder"] = root / "demo"
    return out


def _shown(value, text: str, base: int, rounded: bool = False):
    """A value as published: its mark, a rounded count ('ca. 25') or a share of rounded counts, or the number."""
    if text == privacy.HIDDEN or text.startswith("<"):
        return text
    if text.startswith("ca. "):
        return privacy.Rounded(int(value), base)
    if rounded:
        return privacy.RoundedShare(value)
    return value


def _figures(t) -> list[str]:
    """A download's columns but the shown text beside a figure column with marks (ladder.SHOWN_SUFFIX)."""
    return [c for c in t.columns if not c.endswith(ladder.SHOWN_SUFFIX)]


def _cells(t, col: str) -> list:
    """A download's figure column as published: the number, or where it is empty the mark shown beside it."""
    beside = col + ladder.SHOWN_SUFFIX
    if beside not in t.columns:
        return t[col].to_list()
    return [s if n is None else n for n, s in zip(t[col].to_list(), t[beside].to_list(), strict=True)]


def read_screen(con, m: date, r: a.Reader | None = None) -> a.Reader:
    """Everything the Indsatstrappen screen shows the committee for month m (the view and the pack), added to
    what the reader `r` already knows."""
    v = ladder.view(con, m, "udvalg")
    p = report.build_pack(con, m, "udvalg")
    r = r or a.Reader(a.truth(con), v.min_count)
    base = p.rounding_base
    prev = a.add_months(m, -12)
    # a revised frozen month (mi.frozen.revised_months): the ladder, the moves and the breakdowns of today's data
    # are not published for it (a sentence stands in their place); the placement table is the frozen one
    withheld = bool(v.withheld)
    if withheld:
        for t in (v.ladder, v.moves, v.institution_providers, v.family_treatment, v.pupils):
            assert t.frame.height == 0 and t.shown.height == 0
    # the ladder: this month, a year earlier, the change
    t = v.ladder.frame
    now, before, change = (_cells(t, c) for c in _figures(t)[1:4])
    for i, s in enumerate(range(1, 7) if not withheld else ()):
        r.count(f"trin {s} {m}", a.step(m, s), now[i])
        r.count(f"trin {s} {prev}", a.step(prev, s), before[i])
        r.change(f"trin {s} ændring", a.step(m, s), a.step(prev, s), change[i])
    # the steps month by month (24 months)
    t = v.steps.frame
    steps = {s: _cells(t, ladder.STEP_SHORT[s]) for s in range(2, 7)}
    for i, mo in enumerate(t["Måned"].to_list()):
        for s in range(2, 7):
            r.count(f"trin {s} {mo}", a.step(mo, s), steps[s][i])
    # the moves: 12-month totals up and down
    t = v.moves.frame
    for key in ladder.COMMITTEE_MOVES if not withheld else ():
        r.count(f"bevægelser {key}", {("MV", m, key): 1.0}, _cells(t, ladder.MOVES[key])[0])
    # institution placements by provider, this month and a year earlier, with the total
    t = v.institution_providers.frame
    for mo, col in ((m, _figures(t)[1]), (prev, _figures(t)[2])) if not withheld else ():
        cells = _cells(t, col)
        withheld = cells == ["–"] * 5
        for i, prov in enumerate(a.PROVIDERS):
            e = {("P", mo, "institution", prov): 1.0}
            r.count(f"institution {prov} {mo}", e, cells[i], withheld=withheld)
        r.count(f"institution i alt {mo}", a.placed(mo, "institution"), cells[4], withheld=withheld)
    # the placement table (screen and pack): by type, this month and a year earlier, the change
    types = [("netvaerk",), ("plejefamilie",), ("anden",), ("institution",), a.PLACEMENT_TYPES]
    for rows in (p.placements,):
        for ty, row in zip(types, rows, strict=True):
            now, before = a.committee_placed(m, *ty), a.committee_placed(prev, *ty)
            r.count(f"anbringelser {ty} {m}", now, row["n_month"])
            r.count(f"anbringelser {ty} {prev}", before, row["n_prev_year"])
            r.change(f"anbringelser {ty} ændring", now, before, row["change"])
    # family treatment started this year to date by provider, and the same months a year earlier
    t, text = v.family_treatment.frame, v.family_treatment.shown
    for mo, col in ((m, _figures(t)[1]), (prev, _figures(t)[2])) if not withheld else ():
        cells = [_shown(t[col][i], text[col][i], base) for i in range(5)]
        for i, prov in enumerate(a.PROVIDERS):
            r.count(f"familiebehandling {prov} {mo}", a.ft(mo, prov), cells[i])
        r.count(f"familiebehandling i alt {mo}", a.ft(mo), cells[4])
    # pupils and children in day treatment
    t = v.pupils.frame
    pupils, children, share = (
        _cells(t, c) for c in ("Elever i kommunens skoler", "Børn i skole-dagbehandling", "Andel")
    )
    for i, mo in enumerate(t["Måned"].to_list()):
        r.count(f"elever {mo}", {("PUP", mo): 1.0}, pupils[i])
        r.count(f"dagbehandling {mo}", {("DT", mo): 1.0}, children[i])
        r.share(f"dagbehandling andel {mo}", {("DT", mo): 1.0}, {("PUP", mo): 1.0}, share[i])
    # the pack's figures: this month, last month, a year earlier, the changes
    for f in p.figures.values():
        r.kpi(f"{f.key} {m}", f.key, m, f.value, p.rounding_base)
        r.kpi(f"{f.key} {a.add_months(m, -1)}", f.key, a.add_months(m, -1), f.prev_month)
        r.kpi(f"{f.key} {prev}", f.key, prev, f.prev_year)
        parts = a.kpi(f.key, m)
        if parts is not None and parts[1] is None:
            r.change(f"{f.key} ændring år", parts[0], a.kpi(f.key, prev)[0], f.change_year)
            r.change(f"{f.key} ændring måned", parts[0], a.kpi(f.key, a.add_months(m, -1))[0], f.change_month)
    # the pack's series (24 months of the focus points' charts)
    for row in p.series.iter_rows(named=True):
        r.kpi(
            f"{row['kpi_key']} {row['month']}",
            row["kpi_key"],
            row["month"],
            _shown(row["value"], row["shown"], base, row["is_rounded"]),
        )
    months = [k[1] for k in r.truth if k[0] in ("FT", "IS") and k[1] <= m and k[1] >= a.add_months(m, -35)]
    r.ytd_months(months)
    return r


MONTHS = {
    # July 2021: c6's exact plan share of the hidden placement total (85) gave 'anden' 2 beside the other rows (83)
    1: [date(2019, 5, 1), date(2021, 7, 1), date(2023, 12, 1), date(2026, 10, 1)],
    6: [date(2019, 5, 1), date(2019, 6, 1), date(2023, 12, 1), date(2025, 3, 1)],
    # January 2024: step 5 hidden as `–` (at least 5) gave network 1 and institution 2; April 2024: institution at
    # least its 2 providers with children gave network 1, other 1, institution 2 (mi.pack._protect_placements)
    20: [date(2019, 5, 1), date(2023, 12, 1), date(2024, 1, 1), date(2024, 4, 1), date(2026, 10, 1)],
    "6 uden afrunding": [date(2019, 5, 1), date(2026, 10, 1)],
}


@pytest.mark.parametrize(
    ("every", "month"),
    [pytest.param(e, m, id=f"{e}-{m:%Y-%m}") for e, ms in MONTHS.items() for m in ms],
)
def test_no_small_count_can_be_worked_out_from_the_screen(municipalities, every, month):
    con = db.connect(municipalities[every])
    try:
        r = read_screen(con, month)
    finally:
        con.close()
    assert r.published > 100
    assert a.pinned(r) == {}


@pytest.fixture(scope="module")
def sixth_to_2025(tmp_path_factory) -> Path:
    """The sixth of a demo that ends in December 2025 (other months, other small counts than the fixture above)."""
    root = tmp_path_factory.mktemp("linked2025")
    demo.write(root / "demo", end_month="2025-12")
    hidden.shrink(root / "demo", root / "every6", 6)
    ingest.import_folder(root / "every6", root / "mi6.duckdb")
    return root / "mi6.duckdb"


def test_family_care_a_year_earlier_cannot_be_worked_out(sixth_to_2025):
    # March 2023 here: netværk 1, plejefamilie 3, anden 0, institution 11, i alt 15. The pack of March 2024 shows it
    # as the year-earlier column; f2 (family care's share) is hidden, so network + foster = 1 + 3 = 4 must not be
    # 15 − 0 − 11 (the placement table hides its total: it is protected as two linked tables, mi.pack)
    con = db.connect(sixth_to_2025)
    try:
        counts = db.query(
            con,
            "select placement_type, cast(sum(n_children) as int) as n from mart_placements_monthly "
            "where month = date '2023-03-01' group by 1",
        )
        r = read_screen(con, date(2024, 3, 1))
        p = report.build_pack(con, date(2024, 3, 1), "udvalg")
    finally:
        con.close()
    assert dict(counts.iter_rows()) == {"netvaerk": 1, "plejefamilie": 3, "anden": 0, "institution": 11}
    assert [row["n_prev_year"] for row in p.placements] == ["<5", "<5", 0, 11, "–"]
    assert r.published > 100
    assert a.pinned(r) == {}


def test_institution_table_linked_to_focus_point_1(municipalities):
    # The sixth of the demo in May 2019 (issue 16.1): 6 children in institutions (focus point 1's card and step 6
    # of the ladder), by provider own 0, other municipalities 1, regions 0, private 5. Before the fix the table
    # showed 0, <5, 0, 5 and hid its total — but the total is the card's 6, so the hidden cell was 6 − 5 = 1.
    con = db.connect(municipalities[6])
    try:
        m = date(2019, 5, 1)
        v = ladder.view(con, m, "udvalg")
        p = report.build_pack(con, m, "udvalg")
    finally:
        con.close()
    assert p.figures["f1_institution_children"].value == 6
    col = v.institution_providers.frame.columns[1]
    shown = _cells(v.institution_providers.frame, col)
    # 6 = x + 5 with x in 1..4 pins x; no other provider can take the complement (the others are 0): the month's
    # column is withheld
    assert shown == ["–"] * 5


def test_every_focus_point_shown_every_month_on_the_demo(municipalities):
    # issue 18.4, measured (also `python -m mi skjulte --data MAPPE --til 2026-10`): on the demo, role udvalg,
    # January 2024 – October 2026, no focus point's figure or its comparison with last year is hidden in any month
    con = db.connect(municipalities[1])
    try:
        frame, any_hidden = hidden.hidden_table(con, date(2024, 1, 1), date(2026, 10, 1))
        # the leader's packs hide nothing either way; the committee's before rounding hid most months
        p = report.build_pack(con, date(2026, 10, 1), "udvalg")
    finally:
        con.close()
    assert frame.height == 7 and set(frame["months"]) == {34}
    assert frame["value"].to_list() == [0] * 7 and frame["comparison"].to_list() == [0] * 7
    assert any_hidden == 0
    f3 = p.figures["f3_private_family_treatment_starts_ytd"]
    assert f3.text().startswith("ca. ") and "ca." in p.focus[2].sentence
    # the share of rounded counts and its changes are those of the rounded figures, not the SQL's true changes
    share = p.figures["f3_private_share_ytd"]
    assert isinstance(share.value, privacy.RoundedShare) and isinstance(
        share.prev_month, privacy.RoundedShare
    )
    assert share.change_month == pytest.approx(share.value - share.prev_month)
    assert share.change_year == pytest.approx(share.value - share.prev_year)
    text = hidden.table_text(frame, any_hidden, "Demo")
    assert "| 3 | Familiebehandlinger købt hos private i år | 0 af 34 | 0 af 34 |" in text


def test_cli_prints_the_table_for_a_share_of_a_folder(municipalities, capsys):
    # the twentieth of the demo, September–October 2026: the year-to-date figures are shown (rounded) every month
    assert (
        main(
            [
                "skjulte",
                "--data",
                str(municipalities["folder"]),
                "--del",
                "20",
                "--fra",
                "2026-09",
                "--til",
                "2026-10",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Skjult for rollen udvalg, 2026-09 – 2026-10 (børn med crc32(id) mod 20 = 0)" in out
    assert "| 1 | Nye institutionsanbringelser i år | 0 af 2 | 0 af 2 |" in out
    assert "| 3 | Familiebehandlinger købt hos private i år | 0 af 2 | 0 af 2 |" in out
    assert main(["skjulte", "--til", "oktober"]) == 1
    assert "Fejl:" in capsys.readouterr().err


# ---- the compliance figures the committee sees (contract v2), several months' packs at once ------------------


def read_compliance(con, months: list[date], r: a.Reader) -> a.Reader:
    """Everything the committee sees of the compliance figures in the packs of `months`, read together: the pack's
    section Sagsbehandling (mi.pack_compliance.rows: each figure this month, last month, a year earlier and the
    changes, and today's value of a revised frozen one), the Sagsbehandling screen as udvalg (its cards are the
    pack's figures; the municipality beside the national level, whose download carries the whole share) and
    Overblik's compliance cards. The packs' other figures and Indsatstrappen (read_screen) are read for the same
    months, so c6's denominator is the placement total published there."""
    for m in months:
        read_screen(con, m, r)
        p = report.build_pack(con, m, "udvalg")
        rows = pack_compliance.rows(p)
        assert [row["figure"].key for row in rows] == list(pack_compliance.C_KEYS)
        nat = compliance.national(p).data
        municipality = dict(zip(nat["Nøgletal"].to_list(), nat["Kommunen"].to_list(), strict=True))
        cards = {k: p.figures[k] for k in overview.COMPLIANCE_CARDS}
        for row in rows:
            f = row["figure"]
            assert cards.get(f.key, f) is f
            if f.label in municipality:  # the screen's download: the share as a number where it is shown
                shown = municipality[f.label]
                assert shown == (f.value if isinstance(f.value, float) else None)
            before_m, before_y = a.add_months(m, -1), a.add_months(m, -12)
            r.kpi(f"{f.key} {m}", f.key, m, f.value, p.rounding_base)
            r.kpi(f"{f.key} {before_m}", f.key, before_m, f.prev_month, p.rounding_base)
            r.kpi(f"{f.key} {before_y}", f.key, before_y, f.prev_year, p.rounding_base)
            if f.is_revised:
                r.kpi(f"{f.key} {m} i dag", f.key, m, f.current, p.rounding_base)
            num, den = a.kpi(f.key, m)
            if den is None:
                r.change(f"{f.key} ændring måned {m}", num, a.kpi(f.key, before_m)[0], f.change_month)
                r.change(f"{f.key} ændring år {m}", num, a.kpi(f.key, before_y)[0], f.change_year)
            else:
                r.share_change(
                    f"{f.key} ændring måned {m}", f.key, m, before_m, f.value, f.prev_month, f.change_month
                )
                r.share_change(
                    f"{f.key} ændring år {m}", f.key, m, before_y, f.value, f.prev_year, f.change_year
                )
    r.compliance_months(months)
    return r


def _consecutive(last: date, n: int) -> list[date]:
    return [a.add_months(last, -i) for i in range(n - 1, -1, -1)]


# (municipality, the last month read, how many consecutive months' packs are read together): the first months of
# the notifications (January 2019 on) and of L12 with a full year of investigations, and October 2026
COMPLIANCE_READS = [
    (1, date(2019, 2, 1), 2),
    (1, date(2026, 10, 1), 2),
    (6, date(2019, 3, 1), 3),
    (6, date(2026, 10, 1), 2),
    (20, date(2019, 2, 1), 2),
    (20, date(2026, 10, 1), 2),
    # without rounding ([privacy] rounding_base = 1) the 12-month shares are still shares of counts rounded to 5
    # (privacy.share_base). Before, they were exact: November 2019's c2 94/100 and December's 99/106 beside
    # December's c1 of 6 gave 99 − 94 = 5 of 6 in time, i.e. December's 1 notification not assessed in time; now
    # 95/100 and 100/105
    ("6 uden afrunding", date(2019, 12, 1), 2),
]


@pytest.mark.parametrize(("every", "last", "n"), COMPLIANCE_READS)
def test_no_small_count_can_be_worked_out_from_the_compliance_figures(municipalities, every, last, n):
    con = db.connect(municipalities[every])
    try:
        r = a.Reader(a.truth(con), report.build_pack(con, last, "udvalg").min_count)
        read_compliance(con, _consecutive(last, n), r)
    finally:
        con.close()
    assert r.published > 100
    assert a.pinned(r) == {}


def test_sagsbehandling_for_the_committee_with_every_share_hidden(municipalities):
    # The twentieth of the demo, March 2019, as the committee saw it before the 12-month shares were rounded: every
    # compliance share the national level is compared with was hidden (few notifications and investigations since
    # January, few placed children). The screen's comparison crashed (polars: a column of nothing but empty shares
    # beside the national shares); it says it cannot show them.
    con = db.connect(municipalities[20])
    try:
        p = report.build_pack(con, date(2019, 3, 1), "udvalg")
    finally:
        con.close()
    for k in compliance.SHARE_KEYS:
        p.figures[k] = dataclasses.replace(p.figures[k], value=privacy.HIDDEN)
    v = compliance.national(p)
    assert v.chart is None and v.data.height == 0
    assert v.is_empty
    assert v.missing == "Kommunens tal kan ikke vises for måneden (data mangler eller tallene er skjult)."


def test_twelve_month_shares_of_two_packs_do_not_give_a_months_own_count(municipalities):
    # The demo, January and February 2019 (the notifications begin in January): January 59 notifications, 54
    # assessed within 24 hours; February 43, so the 12 months to February hold 59 + 43 = 102, 95 in time. c1 is
    # published for both months, so before the fix the packs' shares 54/59 and 95/102 gave February's own count:
    # 95 − 54 = 41 in time of 43, i.e. 2 notifications not assessed in time. Now the committee's 12-month shares
    # (c2, c3, c5) are shares of counts rounded to 5: February 95 → 95 of 102 → 100, 95 %; January 54 → 55 of
    # 59 → 60, 91,7 %; each count is known to within 2, so February's own count to within 4.
    con = db.connect(municipalities[1])
    try:
        p = report.build_pack(con, date(2019, 2, 1), "udvalg")
        leader = report.build_pack(con, date(2019, 2, 1), "leder")
    finally:
        con.close()
    f = p.figures["c2_assessed_24h_share"]
    assert isinstance(f.value, privacy.RoundedShare) and f.value == pytest.approx(95 / 100)
    assert isinstance(f.prev_month, privacy.RoundedShare) and f.prev_month == pytest.approx(55 / 60)
    assert f.change_month == pytest.approx(95 / 100 - 55 / 60)
    assert f.text() == "95,0 %" and "afrundet til nærmeste 5" in f.definition
    assert {k for k, *_ in pack.rounded_shares()} == {
        "f3_private_share_ytd",
        "c2_assessed_24h_share",
        "c3_investigations_on_time_share",
        "c5_child_talk_share",
    }
    # the leader sees the true share
    assert leader.figures["c2_assessed_24h_share"].value == pytest.approx(95 / 102)


def test_a_shown_figure_without_last_years_says_no_comparison(municipalities):
    # the sixth, October 2026: c8 is shown (100 %) but October 2025's share is hidden, so no judgement against
    # it: the label says the comparison is missing, not that the figure is hidden; c4 (<5) is hidden itself
    con = db.connect(municipalities[6])
    try:
        p = report.build_pack(con, date(2026, 10, 1), "udvalg")
    finally:
        con.close()
    c8, c4 = p.figures["c8_supervision_share"], p.figures["c4_investigations_overdue"]
    assert (c8.value, c8.prev_year, c8.status) == (1.0, "–", "skjult")
    assert c8.status_label == "Ingen sammenligning (små tal sidste år)"
    assert (c4.value, c4.status, c4.status_label) == ("<5", "skjult", "Vises ikke (små tal)")
