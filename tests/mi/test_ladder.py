"""mi.ladder on hand-written rows: what the Indsatstrappen screen shows per role, with the committee's suppression."""

from __future__ import annotations

from datetime import date

import polars as pl

from mi import ladder
from mi.pack import build_pack
from mi.settings import PrivacySettings, Settings
from tests.conftest import build_db, payment
from tests.conftest import measure as m

MARCH = date(2024, 3, 1)


def children(n: int) -> list[dict]:
    return [{"child_id": f"B{i}"} for i in range(1, n + 1)]


# the extract's clock: a posting on 2 April makes March the latest complete month
CLOCK = [payment("P1", "2024-04-02", "1", code="MERUDGIFTER")]

# 31 March 2024: step 2 six children, step 3 two, step 5 nine (seven foster family + two own room), step 6 three
LADDER = (
    [m(f"F{i}", f"B{i}", "FOREBYG_TIDLIG", "2024-01-01") for i in range(1, 7)]
    + [m(f"K{i}", f"B{i}", "KONSULENT", "2024-01-01") for i in (7, 8)]
    + [m(f"I{i}", f"B{i}", "ANBR_DOGNINSTITUTION", "2024-01-01") for i in (9, 10, 11)]
    + [m(f"P{i}", f"B{i}", "ANBR_PLEJEFAMILIE", "2024-01-01") for i in range(12, 19)]
    + [m(f"E{i}", f"B{i}", "ANBR_EGET_VAERELSE", "2024-01-01") for i in (19, 20)]
)


def ladder_column(v: ladder.LadderView) -> list:
    frame = v.ladder.frame
    return frame[frame.columns[1]].to_list()


def test_children_per_step_as_leder_see_them():
    con = build_db(children=children(20), measures=LADDER, payments=CLOCK)
    v = ladder.view(con, MARCH, "leder")
    # steps 1–6: 0 (no measures), 6 (F1–F6), 2 (K7, K8), 0, 7 + 2 = 9 (P12–P18, E19–E20), 3 (I9–I11)
    assert ladder_column(v) == [0, 6, 2, 0, 9, 3]
    assert v.ladder_chart["children"].to_list() == [0, 6, 2, 0, 9, 3]
    assert v.ladder.shown["Trin"].to_list()[5] == "6. Anbringelse på institution"
    # no March 2023 in the data: no change against a year earlier
    assert v.ladder.shown["Ændring på et år"].to_list() == ["–"] * 6
    assert v.ladder.footnotes == []
    # the series in two charts: steps 2–3 and the placement steps 4–6 (January to March: the same children)
    placed = v.step_groups[1].table.frame
    assert placed.columns == ["Måned", "4. Netværkspleje", "5. Plejefamilie", "6. Institution"]
    assert placed.row(-1) == (MARCH, 0, 9, 3)
    assert v.step_groups[0].chart["Trin"].unique().sort().to_list() == ["2. Forebyggende", "3. I hjemmet"]


def test_committee_sees_small_counts_as_marks_and_no_step_that_gives_one_away():
    con = build_db(children=children(20), measures=LADDER, payments=CLOCK)
    v = ladder.view(con, MARCH, "udvalg")
    # step 3 (2) and step 6 (3) are under 5. Step 5 (9) is not small, but it is foster family (7, shown in the
    # placement table) + own room (2, hidden there): showing 9 would give 9 − 7 = 2 away, so it is hidden too.
    frame = v.ladder.frame
    col = frame.columns[1]
    # the download: the numbers, empty where hidden, and beside them the column as shown (the marks kept): never a
    # column of Python objects (issue 16: polars runs Python on its thread pool for them)
    assert frame.schema[col] == pl.Int64 and frame.columns[2] == col + ladder.SHOWN_SUFFIX
    assert ladder_column(v) == [0, 6, None, 0, None, None]
    assert frame[col + ladder.SHOWN_SUFFIX].to_list() == ["0", "6", "<5", "0", "–", "<5"]
    assert v.ladder_chart["children"].to_list() == [0, 6, None, 0, None, None]
    assert v.ladder_chart["shown"].to_list() == ["0", "6", "<5", "0", "–", "<5"]
    assert any(n.startswith("<5: færre end 5 børn") for n in v.ladder.footnotes)
    assert any(n.startswith("–: tallet vises ikke") for n in v.ladder.footnotes)
    # the placement table (the pack's): own room and institution <5; their sum 12 − 7 − 0 = 5 cannot be split
    # into two known values (2+3, 3+2, 1+4, 4+1), so the total may stay
    shown = v.placements.shown
    assert shown[shown.columns[1]].to_list() == ["0", "7", "<5", "<5", "12"]


def test_moves_up_and_down_and_the_committees_12_month_totals():
    con = build_db(
        payments=CLOCK,
        children=children(2),
        measures=[
            # B1: step 2 from January, home-based measure from 5 March: step 2 → 3 at the end of March (up)
            m("A1", "B1", "FOREBYG_TIDLIG", "2024-01-01"),
            m("A2", "B1", "KONSULENT", "2024-03-05"),
            # B2: step 3 until 29 February, then only step 2: 3 → 2 at the end of March (down)
            m("B1", "B2", "FOREBYG_TIDLIG", "2024-01-01"),
            m("B2", "B2", "KONSULENT", "2024-01-01", "2024-02-29"),
        ],
    )
    leader = ladder.view(con, MARCH, "leder").moves.frame
    march = leader.filter(leader["Måned"] == "marts 2024").row(0, named=True)
    assert (march["Op ad trappen"], march["Ned ad trappen"]) == (1, 1)
    # January is the first month of data: both children are new then (2), none move
    jan = leader.filter(leader["Måned"] == "januar 2024").row(0, named=True)
    assert (jan["Nye på trappen"], jan["Op ad trappen"]) == (2, 0)
    total = leader.filter(leader["Måned"] == "I alt, 12 måneder").row(0, named=True)
    assert (total["Op ad trappen"], total["Ned ad trappen"], total["Nye på trappen"]) == (1, 1, 2)
    committee = ladder.view(con, MARCH, "udvalg").moves
    # the committee: one row (April 2023 – March 2024), up 1 and down 1, both under 5; no arrivals/leavers
    assert committee.shown.columns == ["Periode", "Op ad trappen", "Ned ad trappen"]
    assert committee.shown.row(0) == ("Seneste 12 måneder", "<5", "<5")


def family_treatment(rounding_base: int):
    return build_db(
        Settings(privacy=PrivacySettings(rounding_base=rounding_base)),
        payments=CLOCK,
        children=children(8),
        measures=[
            m(f"T{i}", f"B{i}", "FAMILIEBEHANDLING", "2024-02-01", provider="intern") for i in range(1, 7)
        ]
        + [m(f"T{i}", f"B{i}", "FAMILIEBEHANDLING", "2024-03-10", provider="privat") for i in (7, 8)],
    )


def test_family_treatment_by_provider_with_complementary_suppression():
    con = family_treatment(1)  # not rounded: the committee's counts are suppressed as before issue 18
    col = "Startet jan.–mar. 2024"
    leader = ladder.view(con, MARCH, "leder").family_treatment.frame
    # own 6, other municipalities 0, regions 0, private 2, total 8 (starts 1 January – 31 March)
    assert leader[col].to_list() == [6, 0, 0, 2, 8]
    committee = ladder.view(con, MARCH, "udvalg").family_treatment
    # private 2 → <5. The total 8 beside February's 6 (shown: the six own courses from 1 February) would give
    # March's own starts, 2: hidden (–); with it hidden, own 6 + private <5 = – protects the <5, so own 6 stays
    assert committee.shown[col].to_list() == ["6", "0", "0", "<5", "–"]
    # downloads keep numbers as numbers (empty where hidden) and the marks as text in the column beside
    assert committee.frame[col].to_list() == [6, 0, 0, None, None]
    assert committee.frame[col + ladder.SHOWN_SUFFIX].to_list() == ["6", "0", "0", "<5", "–"]
    # and focus point 3 follows the table: the count is <5 (small) and the share hidden (its total is)
    p = build_pack(con, MARCH, "udvalg")
    assert p.figures["f3_private_family_treatment_starts_ytd"].value == "<5"
    assert p.figures["f3_private_share_ytd"].value == "–"


def test_family_treatment_by_provider_rounded_for_the_committee():
    con = family_treatment(5)  # the default: year-to-date counts rounded to 5 (issue 18)
    col = "Startet jan.–mar. 2024"
    committee = ladder.view(con, MARCH, "udvalg").family_treatment
    # own 6 → ca. 5, 0, 0, private 2 → ca. 0, total 8 → ca. 10 (each rounded on its own: 5 + 0 ≠ 10)
    assert committee.shown[col].to_list() == ["ca. 5", "ca. 0", "ca. 0", "ca. 0", "ca. 10"]
    assert committee.frame[col].to_list() == [5, 0, 0, 0, 10]
    assert any("afrundet til nærmeste 5" in n for n in committee.footnotes)
    # focus point 3 is the table's private row and its share of the rounded total: 0 of 10 = 0 %
    p = build_pack(con, MARCH, "udvalg")
    assert p.figures["f3_private_family_treatment_starts_ytd"].text() == "ca. 0"
    assert p.figures["f3_private_share_ytd"].value == 0.0


def test_one_child_is_a_mark_and_empty_breakdowns_are_zeros():
    con = build_db(children=children(1), measures=[m("A", "B1", "KONSULENT", "2024-01-01")], payments=CLOCK)
    v = ladder.view(con, MARCH, "udvalg")
    assert ladder_column(v) == [0, 0, None, 0, 0, 0]
    assert v.ladder.shown[v.ladder.shown.columns[1]].to_list() == ["0", "0", "<5", "0", "0", "0"]
    assert v.institution_providers.shown[v.institution_providers.shown.columns[1]].to_list() == ["0"] * 5
