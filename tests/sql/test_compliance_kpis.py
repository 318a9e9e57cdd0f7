"""The compliance KPIs c1–c8 (DOMAIN.md, "contract v2") on hand-written rows, with the arithmetic in comments.

Each test builds its own small database with tests.conftest.build_db (the app's own mi.db code). The data's range
of months is set by a measure (first month) and a payment (the "data as of" date and the last month).
"""

from __future__ import annotations

from datetime import date

import pytest

from mi import db
from tests.conftest import COMPLIANCE_KEYS, build_db, kpis, measure
from tests.conftest import activity as act
from tests.conftest import investigation as inv
from tests.conftest import notification as n

C_KEYS = COMPLIANCE_KEYS


def pay(posted):
    """A payment that sets "data as of" (the latest posting) and so the data's last month."""
    return {"payment_id": f"P{posted}", "posted_on": posted, "amount_dkk": "100", "measure_code": "KONSULENT"}


def town(children: int, measures: list[dict], as_of: str, **tables):
    """A database of children B1..B<children>, the measures (the first start sets the data's first month), one payment
    on `as_of` (the data's last month) and the other tables given."""
    return build_db(
        children=[{"child_id": f"B{i}"} for i in range(1, children + 1)],
        measures=measures,
        payments=[pay(as_of)],
        **tables,
    )


def one(con, sql, **params):
    return db.scalar(con, sql, params)


def mart(con, month, level="kommune", unit="Hele kommunen"):
    rows = db.query(
        con,
        "select * from mart_compliance_monthly where month = $m and level = $l and unit = $u",
        {"m": date.fromisoformat(month + "-01"), "l": level, "u": unit},
    )
    assert rows.height == 1, f"no row for {month} {level} {unit}"
    return rows.row(0, named=True)


# ---- calendar arithmetic ---------------------------------------------------------------------------------


def test_four_months_from_month_ends_clamp_to_the_shorter_month():
    con = town(
        1,
        [measure("M1", "B1", "KONSULENT", "2022-10-01")],
        "2024-04-30",
        investigations=[
            inv(
                "I1", "B1", "2023-10-31"
            ),  # + 4 months: 31 Feb does not exist; 2024 is a leap year → 29 Feb 2024
            inv("I2", "B1", "2022-10-31"),  # → 28 Feb 2023 (not a leap year)
            inv("I3", "B1", "2023-11-30"),  # → 30 March 2024 (March has 31 days: the same day number)
            inv("I4", "B1", "2023-12-31"),  # → 30 April 2024 (April's last day)
        ],
    )
    due = dict(
        db.query(con, "select investigation_id, deadline_on from int_compliance_investigations").rows()
    )
    assert due == {
        "I1": date(2024, 2, 29),
        "I2": date(2023, 2, 28),
        "I3": date(2024, 3, 30),
        "I4": date(2024, 4, 30),
    }


def test_l12_first_day_and_six_months_before_month_end():
    con = town(1, [measure("M1", "B1", "KONSULENT", "2023-01-01")], "2024-08-31")
    cal = {
        r[0]: r[1:]
        for r in db.query(
            con, "select month, l12_start_on, follow_up_from_on from int_compliance_calendar"
        ).rows()
    }
    # March 2024: L12 starts on the first day of the month 11 months before: 1 April 2023;
    # E = 31 March, 31 March − 6 months = 30 September (September has 30 days)
    assert cal[date(2024, 3, 1)] == (date(2023, 4, 1), date(2023, 9, 30))
    # June 2024: E = 30 June − 6 months = 30 December (the same day number, not December's last day)
    assert cal[date(2024, 6, 1)] == (date(2023, 7, 1), date(2023, 12, 30))
    # August 2024: 31 August − 6 months = 29 February 2024 (leap year); January: 31 Jan − 6 months = 31 July
    assert cal[date(2024, 8, 1)] == (date(2023, 9, 1), date(2024, 2, 29))
    assert cal[date(2024, 1, 1)] == (date(2023, 2, 1), date(2023, 7, 31))


# ---- c1, c2: notifications ------------------------------------------------------------------------------

NOTIFICATIONS = [
    n("N1", "B1", "2024-03-01 10:00", "2024-03-02 10:00"),  # both with time: exactly 24 h → in time
    n("N2", "B1", "2024-03-01 10:00", "2024-03-02 10:01"),  # 24 h 1 min → late
    n(
        "N3", "B2", "2024-03-05", "2024-03-06 23:59"
    ),  # receipt without time: 6 March ≤ 5 March + 1 day → in time
    n("N4", "B2", "2024-03-05 23:00", "2024-03-07"),  # assessment without time: 7 March > 6 March → late
    n("N5", "B3", "2024-03-31 23:59"),  # no assessment → not in time; received on M's last day → in c1
    n("N6", "B3", "2023-04-01", "2023-04-02"),  # L12's first day (March 2024): counted; date rule: in time
    n("N7", "B3", "2023-03-31", "2023-03-31"),  # the day before L12: not counted in March 2024
    n("N8", "B1", "2024-04-01 00:00"),  # April: after March; not assessed
]


def notifications_db(**extra):
    return town(3, [measure("M1", "B1", "KONSULENT", "2023-01-01")], "2024-04-30", **extra)


def test_c1_counts_notifications_received_in_the_month():
    con = notifications_db(notifications=NOTIFICATIONS)
    # March 2024: N1, N2, N3, N4, N5 (31 March 23:59 is in March) = 5
    assert kpis(con, "2024-03")["c1_notifications"] == 5
    # April 2023: N6 = 1; March 2023: N7 = 1; April 2024: N8 = 1; a month without any: 0, not empty
    assert kpis(con, "2023-04")["c1_notifications"] == 1
    assert kpis(con, "2023-03")["c1_notifications"] == 1
    assert kpis(con, "2024-04")["c1_notifications"] == 1
    assert kpis(con, "2023-06")["c1_notifications"] == 0


def test_c2_24_hour_boundary_with_and_without_time_of_day():
    con = notifications_db(notifications=NOTIFICATIONS)
    in_time = dict(
        db.query(con, "select notification_id, is_assessed_24h from int_compliance_notifications").rows()
    )
    assert in_time == {
        "N1": True,
        "N2": False,
        "N3": True,
        "N4": False,
        "N5": False,
        "N6": True,
        "N7": True,
        "N8": False,
    }
    march = kpis(con, "2024-03")
    # L12 = 1 April 2023 – 31 March 2024: N1–N6 = 6 received; in time N1, N3, N6 = 3 → 3 / 6 = 0.5
    assert march["c2_assessed_24h_share"] == pytest.approx(0.5)
    row = mart(con, "2024-03")
    assert (row["n_notifications_l12"], row["n_assessed_24h_l12"]) == (6, 3)
    # April 2024: L12 = 1 May 2023 – 30 April 2024: N1–N5 and N8 = 6; in time N1, N3 = 2 → 1/3
    assert kpis(con, "2024-04")["c2_assessed_24h_share"] == pytest.approx(2 / 6)


def test_c2_empty_when_no_notification_in_l12():
    con = notifications_db(notifications=[n("N1", "B1", "2024-04-02", "2024-04-02")])
    # March 2024: no notification received in April 2023 – March 2024 → empty; c1 is a count: 0
    assert kpis(con, "2024-03")["c2_assessed_24h_share"] is None
    assert kpis(con, "2024-03")["c1_notifications"] == 0
    assert kpis(con, "2024-04")["c2_assessed_24h_share"] == 1


# ---- c3, c4, c5: investigations --------------------------------------------------------------------------

INVESTIGATIONS = [
    # deadline 31 Oct + 4 months = 29 Feb 2024: completed on the deadline → on time; talk on the start day → counts
    inv("I1", "B1", "2023-10-31", "2024-02-29", talk="2023-10-31"),
    # same deadline, completed 1 March → late; open on 29 Feb, but its deadline is not before E → not overdue
    inv("I2", "B1", "2023-10-31", "2024-03-01"),
    # 30 Nov + 4 months = 30 March: on time; the talk after completion does not count
    inv("I3", "B2", "2023-11-30", "2024-02-10", talk="2024-02-11"),
    # open, deadline 15 Feb 2024: overdue on 29 Feb (not yet on 31 Jan)
    inv("I4", "B2", "2023-10-15"),
    # completed on L12's first day for February 2024 (1 March 2023); deadline 31 Oct 2022 + 4 = 28 Feb 2023 → late
    inv("I5", "B3", "2022-10-31", "2023-03-01"),
    # completed the day before L12 (28 Feb 2023): not counted in February 2024
    inv("I6", "B3", "2022-11-01", "2023-02-28", talk="2022-12-01"),
    # starts after February: not open on 29 Feb
    inv("I7", "B3", "2024-03-01"),
    # deadline 1 Jan 2024, completed 31 Jan → late; talk on the completion day → counts
    inv("I8", "B1", "2023-09-01", "2024-01-31", talk="2024-01-31"),
]


def investigations_db(**extra):
    return town(3, [measure("M1", "B1", "KONSULENT", "2022-01-01")], "2024-03-31", **extra)


def test_c3_c5_investigations_completed_in_l12():
    con = investigations_db(investigations=INVESTIGATIONS)
    feb = kpis(con, "2024-02")
    # L12 = 1 March 2023 – 29 Feb 2024: completed I1, I3, I5, I8 = 4 (I2 in March, I6 the day before L12)
    # on time: I1 (on the deadline), I3 = 2 → 2 / 4 = 0.5; talk: I1, I8 = 2 → 0.5
    assert feb["c3_investigations_on_time_share"] == pytest.approx(0.5)
    assert feb["c5_child_talk_share"] == pytest.approx(0.5)
    row = mart(con, "2024-02")
    assert (row["n_completed_l12"], row["n_on_time_l12"], row["n_child_talk_l12"]) == (4, 2, 2)
    march = kpis(con, "2024-03")
    # L12 = 1 April 2023 – 31 March 2024: I1, I2, I3, I8 = 4 (I5 has left); on time I1, I3 → 0.5; talk I1, I8 → 0.5
    assert march["c3_investigations_on_time_share"] == pytest.approx(0.5)
    assert mart(con, "2024-03")["n_completed_l12"] == 4
    # January 2024: L12 = 1 Feb 2023 – 31 Jan 2024: I6 (28 Feb 2023), I5, I8 = 3; on time: I6 (deadline
    # 1 Nov 2022 + 4 months = 1 March 2023) = 1 → 1 / 3; talk: I6 (1 Dec 2022 within 1 Nov 2022 – 28 Feb 2023), I8 → 2 / 3
    jan = kpis(con, "2024-01")
    assert jan["c3_investigations_on_time_share"] == pytest.approx(1 / 3)
    assert jan["c5_child_talk_share"] == pytest.approx(2 / 3)


def test_c4_open_investigations_past_their_deadline_on_e():
    con = investigations_db(investigations=INVESTIGATIONS)
    # 31 Jan 2024: open I1 (deadline 29 Feb), I2 (29 Feb), I3 (30 March), I4 (15 Feb): none past → 0
    assert kpis(con, "2024-01")["c4_investigations_overdue"] == 0
    # 29 Feb 2024: open I2 (completed 1 March, deadline 29 Feb = E, not before) and I4 (15 Feb < E) → 1
    assert kpis(con, "2024-02")["c4_investigations_overdue"] == 1
    # 31 March 2024: open I4 (overdue) and I7 (deadline 1 July) → 1
    assert kpis(con, "2024-03")["c4_investigations_overdue"] == 1


def test_c3_c5_empty_when_nothing_completed_in_l12():
    con = investigations_db(investigations=[inv("I1", "B1", "2024-01-10")])
    march = kpis(con, "2024-03")
    assert march["c3_investigations_on_time_share"] is None
    assert march["c5_child_talk_share"] is None
    # open since 10 Jan, deadline 10 May: not overdue
    assert march["c4_investigations_overdue"] == 0


# ---- c6, c7, c8: plans, follow-ups, supervision (June 2024: E = 30 June, E − 6 months = 30 Dec 2023,
# L12 = 1 July 2023 – 30 June 2024) -----------------------------------------------------------------------

ACTIVITY_MEASURES = [
    measure("P1", "B1", "ANBR_PLEJEFAMILIE", "2023-01-01"),  # step 5
    # B2: an institution, then a foster family: the current placement is P3 (the latest start)
    measure("P2", "B2", "ANBR_DOGNINSTITUTION", "2023-05-01"),  # step 6
    measure("P3", "B2", "ANBR_PLEJEFAMILIE", "2024-03-01"),
    # B3: two placements starting the same day: the current is P5 (the greatest measure_id)
    measure("P4", "B3", "ANBR_NETVAERK", "2024-01-01"),
    measure("P5", "B3", "ANBR_OPHOLDSSTED", "2024-01-01"),
    measure("P6", "B4", "ANBR_PLEJEFAMILIE", "2024-02-01"),
    measure("P7", "B6", "ANBR_PLEJEFAMILIE", "2023-07-01"),  # placed on L12's first day
    measure("P8", "B7", "ANBR_PLEJEFAMILIE", "2023-07-02"),  # placed the day after
    measure("K1", "B5", "KONSULENT", "2023-12-30"),  # step 3, started on E − 6 months: in c7
    measure("K2", "B5", "FOREBYG_TIDLIG", "2023-01-01"),  # step 2: not in c7
    measure("K3", "B5", "PRAKTISK_STOTTE", "2023-12-31"),  # started the day after E − 6 months: not in c7
    measure("T1", "B5", "TABT_ARBEJDSFORTJENESTE", "2023-01-01"),  # no ladder step: not in c7
]
ACTIVITIES = [
    act("A01", "B1", "plan", "2024-06-30", "P1"),  # on E: counts
    act("A02", "B2", "plan", "2023-05-02", "P2"),  # a plan for B2's former placement, not the current P3
    act("A03", "B3", "plan", "2024-01-05", "P5"),  # the current placement (tie won by P5)
    act("A04", "B3", "plan", "2024-01-05", "P4"),  # the tie's loser: makes no difference
    act("A05", "B4", "plan", "2024-07-01", "P6"),  # after E: not yet
    act("A06", "B1", "opfoelgning", "2023-12-30", "P1"),  # on E − 6 months: not after it → not counted
    act("A07", "B2", "opfoelgning", "2023-12-31", "P2"),  # the day after E − 6 months: counts
    act("A08", "B5", "opfoelgning", "2024-06-30", "K1"),  # on E: counts
    act("A09", "B5", "opfoelgning", "2024-06-01", "K2"),  # step 2: not in c7 at all
    act("A10", "B1", "tilsyn", "2023-07-01"),  # L12's first day: counts
    act("A11", "B1", "tilsyn", "2024-06-30"),  # E: counts → B1 has 2
    act("A12", "B2", "tilsyn", "2023-06-30"),  # the day before L12: not counted
    act("A13", "B2", "tilsyn", "2024-01-10"),  # → B2 has 1
    act("A14", "B6", "tilsyn", "2024-01-01"),
    act("A15", "B6", "tilsyn", "2024-02-01"),  # → B6 has 2
    act("A16", "B7", "tilsyn", "2024-01-01"),
    act("A17", "B7", "tilsyn", "2024-02-01"),  # B7 has 2, but was not placed on L12's first day
]


def activities_db(**extra):
    return town(7, ACTIVITY_MEASURES, "2024-07-31", **extra)


def test_c6_plan_for_the_current_placement():
    con = activities_db(activities=ACTIVITIES)
    june = kpis(con, "2024-06")
    # current placement on 30 June: B1 (P1), B2 (P3), B3 (P5, tie), B4 (P6), B6 (P7), B7 (P8) = 6 children
    # with a plan for that measure done on or before E: B1 (on E), B3 (for P5) = 2 → 2 / 6
    assert june["c6_plan_share"] == pytest.approx(2 / 6)
    row = mart(con, "2024-06")
    assert (row["n_plan_children"], row["n_with_plan_children"]) == (6, 2)
    # July: B4's plan of 1 July now counts → 3 / 6 = 0.5
    assert kpis(con, "2024-07")["c6_plan_share"] == pytest.approx(0.5)


def test_c7_follow_up_within_the_six_month_window_both_ends():
    con = activities_db(activities=ACTIVITIES)
    # step 3–6 measures active on 30 June with start_on ≤ 30 Dec 2023: P1, P2, P7, P8, K1 (started on the day) = 5
    # (K3 started 31 Dec, K2 is step 2, T1 has no step, P3–P6 started in 2024);
    # follow-up after 30 Dec 2023 and on or before 30 June: P2 (31 Dec), K1 (30 June) = 2; P1's of 30 Dec is
    # not after E − 6 months → 2 / 5 = 0.4
    assert kpis(con, "2024-06")["c7_follow_up_share"] == pytest.approx(0.4)
    row = mart(con, "2024-06")
    assert (row["n_follow_up_measures"], row["n_followed_up_measures"]) == (5, 2)


def test_c8_supervision_twice_in_l12_for_children_placed_all_along():
    con = activities_db(activities=ACTIVITIES)
    # placed both on 30 June 2024 and on 1 July 2023: B1 (P1), B2 (P2, since May 2023), B6 (P7 starts 1 July)
    # = 3 (B7 started 2 July, B3 and B4 in 2024); at least 2 tilsyn in L12: B1 (1 July 2023 and 30 June), B6 = 2;
    # B2's visit of 30 June 2023 is before L12 → 2 / 3
    assert kpis(con, "2024-06")["c8_supervision_share"] == pytest.approx(2 / 3)
    row = mart(con, "2024-06")
    assert (row["n_supervision_children"], row["n_supervised_children"]) == (3, 2)


def test_activity_shares_empty_when_nobody_counts():
    con = town(
        1,
        [measure("K1", "B1", "FOREBYG_TIDLIG", "2024-01-01")],
        "2024-03-31",
        activities=[act("A1", "B1", "tilsyn", "2024-02-01")],
    )
    march = kpis(con, "2024-03")
    # no placement, no step 3–6 measure: every denominator is 0 → empty
    assert (march["c6_plan_share"], march["c7_follow_up_share"], march["c8_supervision_share"]) == (None,) * 3


# ---- tables absent ---------------------------------------------------------------------------------------


def test_every_compliance_kpi_is_null_every_month_without_the_tables():
    con = activities_db()  # no notifications, investigations or activities passed
    for month in ("2023-01", "2024-06"):
        row = kpis(con, month)
        assert all(row[k] is None for k in C_KEYS), {k: row[k] for k in C_KEYS}
    assert one(con, "select count(*) from mart_compliance_deadlines") == 0
    assert one(con, "select count(*) from mart_compliance_monthly where level <> 'kommune'") == 0


def test_only_the_absent_tables_kpis_are_null():
    con = notifications_db(notifications=NOTIFICATIONS)
    march = kpis(con, "2024-03")
    assert march["c1_notifications"] == 5
    assert all(march[k] is None for k in C_KEYS[2:])
