"""Compliance per team and caseworker (the caseworker rule of DOMAIN.md) and the deadline list, on hand-written
rows with the arithmetic in comments."""

from __future__ import annotations

from datetime import date

import pytest

from mi import db
from tests.conftest import activity as act
from tests.conftest import build_db, case
from tests.conftest import investigation as inv
from tests.conftest import measure as m
from tests.conftest import notification as n
from tests.sql.test_compliance_kpis import pay

CASES = [
    # B1: an old case with W1 and, from 10 March to 31 May 2024, a newer one with W2 (the latest opened wins)
    case("C1", "B1", "W1", "2023-01-01", team="Nord"),
    case("C2", "B1", "W2", "2024-03-10", "2024-05-31", team="Syd"),
    # B2: two cases opened the same day: the greatest case_id (C4, W4) wins
    case("C3", "B2", "W3", "2024-01-01", team="Nord"),
    case("C4", "B2", "W4", "2024-01-01", team="Syd"),
    # B3: no case
]


@pytest.fixture(scope="module")
def con():
    return build_db(
        children=[{"child_id": f"B{i}"} for i in range(1, 4)],
        cases=CASES,
        measures=[m("M1", "B1", "KONSULENT", "2023-01-01")],
        payments=[pay("2024-06-30")],
        notifications=[
            n("N1", "B1", "2024-03-09", "2024-03-10"),  # before C2 opened → W1 (Nord); in time
            n("N2", "B1", "2024-03-10 10:00"),  # C2 opened that day → W2 (Syd); not assessed
            n("N3", "B1", "2024-06-01", "2024-06-01"),  # C2 closed 31 May → W1 again
            n("N4", "B2", "2024-03-15", "2024-03-15"),  # tie → W4 (Syd); in time
            n("N5", "B3", "2024-03-20", "2024-03-25"),  # no case → 'uden sag'; late
        ],
        investigations=[
            # completed 31 May (C2's last day, inclusive): counted on completed_on → W2; deadline 1 June → on time
            inv("I1", "B1", "2024-02-01", "2024-05-31"),
            # open, deadline 15 May: overdue on 31 May (E of May → W2) and on 30 June (E of June → W1)
            inv("I2", "B1", "2024-01-15"),
        ],
    )


def units(con, month, level, column):
    rows = db.query(
        con,
        f"select unit, {column} from mart_compliance_monthly where month = $m and level = $l "
        f"and {column} is not null order by unit",
        {"m": date.fromisoformat(month + "-01"), "l": level},
    )
    return dict(rows.rows())


def nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


def worker_on(con, child: str, day: str) -> str:
    """The caseworker int_compliance_caseworker gives a child on a day ('uden sag' without a period)."""
    rows = db.query(
        con,
        "select caseworker_id from int_compliance_caseworker where child_id = $c and valid_from <= cast($d as date) "
        "and (valid_to is null or valid_to >= cast($d as date))",
        {"c": child, "d": day},
    )
    assert rows.height <= 1  # the periods of a child do not overlap
    return rows.item() if rows.height else "uden sag"


def test_caseworker_of_the_day_with_two_cases_and_a_tie(con):
    assert worker_on(con, "B1", "2022-12-31") == "uden sag"  # before B1's first case
    assert worker_on(con, "B1", "2023-01-01") == "W1"
    assert worker_on(con, "B1", "2024-03-09") == "W1"
    assert worker_on(con, "B1", "2024-03-10") == "W2"  # C2 opened: the latest opened wins
    assert worker_on(con, "B1", "2024-05-31") == "W2"  # C2's last day (inclusive)
    assert worker_on(con, "B1", "2024-06-01") == "W1"  # C2 closed: back to C1
    assert worker_on(con, "B2", "2024-03-15") == "W4"  # opened the same day: the greatest case_id
    assert worker_on(con, "B3", "2024-03-20") == "uden sag"  # no case at all
    periods = db.query(
        con,
        "select valid_from, valid_to, caseworker_id from int_compliance_caseworker where child_id = 'B1' "
        "order by valid_from",
    ).rows()
    # B1: C1 from 1 Jan 2023, C2 from 10 March 2024, C1 again from 1 June 2024 (the day after C2 closed)
    assert periods == [
        (date(2023, 1, 1), date(2024, 3, 9), "W1"),
        (date(2024, 3, 10), date(2024, 5, 31), "W2"),
        (date(2024, 6, 1), None, "W1"),
    ]


def test_c1_c2_attributed_on_the_received_date(con):
    # March 2024: N1 → W1, N2 → W2, N4 → W4, N5 → uden sag; N3 (June) → W1 in June
    assert units(con, "2024-03", "raadgiver", "c1_notifications") == {
        "W1": 1,
        "W2": 1,
        "W4": 1,
        "uden sag": 1,
    }
    # a caseworker with something counted in L12 has a row every month, with 0 in a month without notifications
    assert units(con, "2024-06", "raadgiver", "c1_notifications") == {
        "W1": 1,
        "W2": 0,
        "W4": 0,
        "uden sag": 0,
    }
    # teams: Nord N1; Syd N2, N4; Uden sag N5 — and the municipality 4 = 1 + 2 + 1
    assert units(con, "2024-03", "team", "c1_notifications") == {"Nord": 1, "Syd": 2, "Uden sag": 1}
    assert units(con, "2024-03", "kommune", "c1_notifications") == {"Hele kommunen": 4}
    # in time within L12 (April 2023 – March 2024): W1 1/1, W2 0/1 (not assessed), W4 1/1, uden sag 0/1 (5 days)
    assert units(con, "2024-03", "raadgiver", "c2_assessed_24h_share") == {
        "W1": 1.0,
        "W2": 0.0,
        "W4": 1.0,
        "uden sag": 0.0,
    }


def test_c3_on_completed_on_and_c4_on_e(con):
    # I1 completed 31 May, when C2 (W2) was active: May's L12 for W2 = 1 on time / 1
    assert units(con, "2024-05", "raadgiver", "c3_investigations_on_time_share") == {"W2": 1.0}
    # I2 overdue on 31 May → W2; on 30 June → W1 (C2 has closed)
    # (the other caseworkers have rows with 0: they had notifications in L12)
    assert nonzero(units(con, "2024-05", "raadgiver", "c4_investigations_overdue")) == {"W2": 1}
    assert nonzero(units(con, "2024-06", "raadgiver", "c4_investigations_overdue")) == {"W1": 1}


def test_caseworkers_and_teams_add_up_to_the_municipality(con):
    counts = (
        "c1_notifications",
        "c4_investigations_overdue",
        "n_notifications_l12",
        "n_assessed_24h_l12",
        "n_completed_l12",
        "n_on_time_l12",
    )
    sums = ", ".join(
        f"coalesce(sum({c}) filter (where level = '{lvl}'), 0)"
        for lvl in ("kommune", "team", "raadgiver")
        for c in counts
    )
    for row in db.query(con, f"select month, {sums} from mart_compliance_monthly group by month").rows():
        n = len(counts)
        kommune, teams, workers = row[1 : 1 + n], row[1 + n : 1 + 2 * n], row[1 + 2 * n :]
        assert kommune == teams == workers, row[0]
    # and the check is not empty: March 2024 has 4 notifications
    assert units(con, "2024-03", "kommune", "c1_notifications") == {"Hele kommunen": 4}


# ---- the deadline list ("data as of" = 15 June 2024; listed: due on or before 15 July, plus every open
# investigation) --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deadlines():
    con = build_db(
        children=[{"child_id": f"B{i}"} for i in range(1, 5)],
        cases=[
            case("C1", "B1", "W1", "2023-01-01", team="Nord"),
            case("C2", "B2", "W2", "2023-01-01", team="Syd"),
            case(
                "C4", "B4", "W1", "2023-01-01", "2024-06-14", team="Nord"
            ),  # closed the day before: B4 'uden sag'
        ],
        measures=[
            m("K1", "B1", "KONSULENT", "2023-12-20"),  # follow-up 10 Jan → due 10 July: 25 days
            m(
                "K2", "B2", "KONSULENT", "2024-01-20"
            ),  # none → start + 6 months = 20 July: 35 days, not listed
            m(
                "K3", "B3", "PRAKTISK_STOTTE", "2023-12-01"
            ),  # its follow-up of 20 June is after A → due 1 June
            m("K4", "B3", "FOREBYG_TIDLIG", "2023-01-01"),  # step 2: no follow-up deadline
            m("K5", "B4", "KONSULENT", "2023-01-01", "2024-06-14"),  # ended before A
            m("K6", "B1", "KONSULENT", "2024-01-15"),  # due 15 July = A + 30: listed
            m("K7", "B1", "KONSULENT", "2024-01-16"),  # due 16 July = A + 31: not listed
            m(
                "P1", "B4", "ANBR_PLEJEFAMILIE", "2023-06-01"
            ),  # no follow-up: due 1 Dec 2023; visit 16 Dec 2023
            m("P2", "B1", "ANBR_NETVAERK", "2024-03-01"),  # follow-up due 1 Sept; visit 1 Feb → due 1 Aug
            m("P3", "B2", "ANBR_OPHOLDSSTED", "2024-01-10"),  # follow-up and visit (none) due 10 July
        ],
        payments=[pay("2024-06-15")],
        investigations=[
            inv("I1", "B1", "2024-03-01"),  # deadline 1 July: 16 days left
            inv("I2", "B2", "2024-01-10"),  # deadline 10 May: 36 days overdue
            inv("I3", "B3", "2024-01-01", "2024-06-01"),  # completed before A: not open
            inv("I4", "B3", "2024-02-01", "2024-06-20"),  # completed after A: open on A, deadline 1 June
            inv("I5", "B4", "2024-06-16"),  # starts after A
        ],
        activities=[
            act("A1", "B1", "opfoelgning", "2024-01-10", "K1"),
            act("A2", "B3", "opfoelgning", "2024-06-20", "K3"),
            act("A3", "B4", "tilsyn", "2023-12-16"),
            act("A4", "B1", "tilsyn", "2024-02-01"),
        ],
    )
    return db.query(
        con,
        "select deadline_kind, item_id, caseworker_id, due_on, days_left, is_overdue from mart_compliance_deadlines "
        "order by deadline_kind, item_id",
    ).rows()


def test_deadline_list(deadlines):
    assert deadlines == [
        # 1 July − 15 June = 16; 15 June − 10 May = 36 (21 days of May + 15); 15 June − 1 June = 14
        ("opfoelgning", "K1", "W1", date(2024, 7, 10), 25, False),
        ("opfoelgning", "K3", "uden sag", date(2024, 6, 1), -14, True),
        ("opfoelgning", "K6", "W1", date(2024, 7, 15), 30, False),
        # P1: start 1 June 2023 + 6 months = 1 Dec 2023: 30 + 152 (Jan–May) + 15 = 197 days overdue
        ("opfoelgning", "P1", "uden sag", date(2023, 12, 1), -197, True),
        ("opfoelgning", "P3", "W2", date(2024, 7, 10), 25, False),
        ("tilsyn", "B2", "W2", date(2024, 7, 10), 25, False),  # no visit: P3's start + 6 months
        ("tilsyn", "B4", "uden sag", date(2024, 6, 16), 1, False),  # visit 16 Dec 2023 + 6 months
        ("undersoegelse", "I1", "W1", date(2024, 7, 1), 16, False),
        ("undersoegelse", "I2", "W2", date(2024, 5, 10), -36, True),
        ("undersoegelse", "I4", "uden sag", date(2024, 6, 1), -14, True),
    ]
