"""A frozen month is published to the committee in one version, the frozen one (issue 16.1): the pack's placement
table of a frozen month holds the counts as frozen (mart_placements_committee, from mart_frozen_values), the year
before's column likewise when that month is frozen; where a frozen month's data changed after the freeze
(mart_frozen_months.is_revised), Indsatstrappen withholds today's ladder, moves and breakdowns of it for udvalg.
Leaders see today's data as now.

The town (hand-written; every placement with kommunal providers, min_count 5):
  N1–N6  network care (netvaerk)      from 1 Jan 2023, open
  P1–P7  foster family (plejefamilie) from 1 Jan 2023, open
  I1–I5  institution                  from 1 Jan 2023, open
  I6–I8  institution                  from 1 Jan 2024, open
March 2023: network 6, foster 7, other 0, institution 5 → total 18.
March 2024: network 6, foster 7, other 0, institution 8 → total 21.
Both months are frozen. Then the folder is imported again with I7 and I8 removed (a case system deleting two
placements) and P8 added, a foster placement 1–31 March 2023 registered late:
  today, March 2023: network 6, foster 7 + 1 = 8, other 0, institution 5 → total 19
  today, March 2024: network 6, foster 7, other 0, institution 8 − 2 = 6 → total 19
"""

from __future__ import annotations

from datetime import date

import pytest

from mi import db, frozen, ladder, privacy
from mi.pack import build_pack
from mi.settings import Settings
from tests.conftest import frame, read_catalogue
from tests.conftest import measure as m
from tests.conftest import payment as pay

MARCH_23, MARCH_24, APRIL_24 = date(2023, 3, 1), date(2024, 3, 1), date(2024, 4, 1)

MEASURES = (
    [m(f"N{i}", f"N{i}", "ANBR_NETVAERK", "2023-01-01") for i in range(1, 7)]
    + [m(f"P{i}", f"P{i}", "ANBR_PLEJEFAMILIE", "2023-01-01") for i in range(1, 8)]
    + [m(f"I{i}", f"I{i}", "ANBR_DOGNINSTITUTION", "2023-01-01") for i in range(1, 6)]
    + [m(f"I{i}", f"I{i}", "ANBR_DOGNINSTITUTION", "2024-01-01") for i in range(6, 9)]
)
LATE = m("P8", "P8", "ANBR_PLEJEFAMILIE", "2023-03-01", "2023-03-31")
REVISED = [r for r in MEASURES if r["measure_id"] not in ("I7", "I8")] + [LATE]


def tables(measures: list[dict]) -> dict:
    children = sorted({r["child_id"] for r in [*MEASURES, LATE]})
    return {
        "children": [{"child_id": c} for c in children],
        "measures": measures,
        # the data run to May 2024, so April 2024 has ended
        "payments": [pay("Q", "2024-05-02", 100, "P1")],
    }


def build_file(path, measures):
    return db.build(
        path, {t: frame(t, rows) for t, rows in tables(measures).items()}, Settings(), read_catalogue()
    )


def revised_town(path):
    """The town built, March 2023 and March 2024 frozen, then imported again with the revision."""
    build_file(path, MEASURES)
    frozen.freeze_file(path, "2023-03")
    frozen.freeze_file(path, "2024-03")
    build_file(path, REVISED)
    return path


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return revised_town(tmp_path_factory.mktemp("frozen-placements") / "mi.duckdb")


@pytest.fixture
def con(town):
    c = db.connect(town)
    yield c
    c.close()


def rows(pack) -> list[tuple]:
    return [(r["label"], r["n_month"], r["n_prev_year"], r["change"]) for r in pack.placements]


def test_the_committees_placement_table_of_a_frozen_month_is_the_frozen_one(con):
    p = build_pack(con, MARCH_24, "udvalg")
    # March 2024 as frozen (network 6, foster 7, other 0, institution 8; 6 + 7 + 0 + 8 = 21) against March 2023 as
    # frozen (6, 7, 0, 5; 18): changes 0, 0, 0, 8 − 5 = 3, 21 − 18 = 3. Nothing is 1–4, nothing is hidden.
    assert [r[1:] for r in rows(p)] == [(6, 6, 0), (7, 7, 0), (0, 0, 0), (8, 5, 3), (21, 18, 3)]
    # focus point 1 is frozen 8, the table's institution row; its new value 6 (8 − 6 = 2, small) stays hidden
    f1 = p.figures["f1_institution_children"]
    assert (f1.value, f1.is_revised, f1.current) == (8, True, privacy.HIDDEN)


def test_leaders_see_todays_placement_table(con):
    p = build_pack(con, MARCH_24, "leder")
    # today: March 2024 (6, 7, 0, 6; 19) against March 2023 (6, 8, 0, 5; 19): changes 0, 7 − 8 = −1, 0, 1, 0
    assert [r[1:] for r in rows(p)] == [(6, 6, 0), (7, 8, -1), (0, 0, 0), (6, 5, 1), (19, 19, 0)]


def test_a_month_that_is_not_frozen_is_published_with_todays_counts(con):
    # April 2024 is not frozen: today's 6, 7, 0, 6 (19); April 2023 is not frozen either: today's 6, 7, 0, 5 (18)
    # (P8 ended 31 March 2023)
    p = build_pack(con, APRIL_24, "udvalg")
    assert [r[1:] for r in rows(p)] == [(6, 6, 0), (7, 7, 0), (0, 0, 0), (6, 5, 1), (19, 18, 1)]


def test_the_revised_months_are_said_in_sql(con):
    months = db.query(con, "select month, is_revised, n_revised_keys from mart_frozen_months order by month")
    assert months["month"].to_list() == [MARCH_23, MARCH_24]
    assert months["is_revised"].to_list() == [True, True]
    assert frozen.revised_months(con) == {MARCH_23, MARCH_24}
    committee = db.query(
        con,
        "select placement_type, n_children, is_frozen from mart_placements_committee where month = $m "
        "order by placement_type",
        {"m": MARCH_24},
    )
    assert committee.rows() == [
        ("anden", 0, True),
        ("institution", 8, True),
        ("netvaerk", 6, True),
        ("plejefamilie", 7, True),
    ]


def test_a_frozen_month_not_revised_is_not_withheld(tmp_path):
    path = tmp_path / "mi.duckdb"
    build_file(path, MEASURES)
    frozen.freeze_file(path, "2024-03")
    build_file(path, MEASURES)  # imported again unchanged
    con = db.connect(path)
    try:
        assert db.scalar(con, "select is_revised from mart_frozen_months") is False
        v = ladder.view(con, MARCH_24, "udvalg")
    finally:
        con.close()
    assert v.withheld == ""
    # the ladder as today: step 4 network 6, step 5 foster 7, step 6 institution 8
    assert v.ladder.frame["Børn, marts 2024"].to_list()[3:] == [6, 7, 8]


def test_indsatstrappen_withholds_a_revised_frozen_month_for_the_committee(con):
    v = ladder.view(con, MARCH_24, "udvalg")
    assert v.withheld == (
        "Tallene for marts 2024 er ændret efter frysningen; udvalget ser månedens frosne nøgletal, og trappen og "
        "fordelingerne vises ikke for måneden."
    )
    for t in (v.ladder, v.moves, v.institution_providers, v.family_treatment, v.pupils):
        assert t.frame.height == 0 and t.shown.height == 0
    assert v.ladder_chart["children"].null_count() == 6
    # the placement breakdown is the pack's frozen table (6, 7, 0, 8; 21)
    assert v.placements.frame["Børn, marts 2024"].to_list() == [6, 7, 0, 8, 21]
    # the 24 months: March 2023 and March 2024 (both revised) are not shown, April 2023 is today's (6, 7, 5)
    steps = v.steps.shown.filter(v.steps.shown["Måned"].is_in(["marts 2023", "april 2023", "marts 2024"]))
    assert steps.rows() == [
        ("marts 2023",) + (frozen.WITHHELD,) * 5,
        ("april 2023", "0", "0", "6", "7", "5"),
        ("marts 2024",) + (frozen.WITHHELD,) * 5,
    ]
    assert frozen.withheld_note([MARCH_23]) in v.steps.footnotes


def test_the_year_before_is_withheld_when_it_is_a_revised_frozen_month(tmp_path):
    # March 2024 seen by the committee with March 2023 frozen and revised: the ladder's March 2023 column and the
    # change are withheld; March 2024 (not frozen here) is today's: step 4 6, step 5 7, step 6 6
    path = tmp_path / "mi.duckdb"
    build_file(path, MEASURES)
    frozen.freeze_file(path, "2023-03")
    build_file(path, REVISED)
    con = db.connect(path)
    try:
        v = ladder.view(con, MARCH_24, "udvalg")
        leader = ladder.view(con, MARCH_24, "leder")
    finally:
        con.close()
    assert v.withheld == ""
    shown = v.ladder.shown
    assert shown["Børn, marts 2024"].to_list()[3:] == ["6", "7", "6"]
    assert shown["Børn, marts 2023"].to_list() == [frozen.WITHHELD] * 6
    assert shown["Ændring på et år"].to_list() == [frozen.WITHHELD] * 6
    assert frozen.withheld_note([MARCH_23]) in v.ladder.footnotes
    # the institution table by provider: March 2024 today 6 with kommunal providers, March 2023 withheld
    t = v.institution_providers.shown
    assert t["Børn, marts 2024"].to_list() == ["0", "6", "0", "0", "6"]
    assert t["Børn, marts 2023"].to_list() == [frozen.WITHHELD] * 5
    # the leader sees today's March 2023: 6, 8, 5 and the changes 0, 7 − 8 = −1, 6 − 5 = +1
    assert leader.withheld == ""
    lt = leader.ladder.frame
    assert lt["Børn, marts 2023"].to_list()[3:] == [6, 8, 5]
    assert lt["Ændring på et år"].to_list()[3:] == [0, -1, 1]
