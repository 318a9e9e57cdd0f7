"""The caseload and staff marts behind Sagstal and Personale, on a few hand-written rows (month: March 2024,
E = 2024-03-31; caseload norm 2–3 cases per FTE so that small numbers cross its edges)."""

from __future__ import annotations

import pytest

from mi import db
from mi.settings import CaseloadSettings, Settings
from tests.conftest import build_db
from tests.conftest import case as case_row
from tests.conftest import employment as staff

MARCH = "2024-03-01"


STAFF = [
    staff("E1", "raadgiver", "Nord", "1", "2023-06-01"),  # under 1 year at E
    staff("E2", "raadgiver", "Nord", "0.5", "2021-01-01"),  # 2–5 years
    staff("E3", "raadgiver", "Syd", "1", "2022-06-01"),  # 1–2 years
    staff("E4", "leder", "Syd", "1", "2010-01-01"),  # 5 years or more
    staff("E5", "familiebehandler", "Familiehuset", "0.8", "2023-01-01", "2024-02-15", "Nyt job"),
    staff("E6", "raadgiver", "Syd", "1", "2020-01-01", "2023-05-31", "Pension"),
    staff("E8", "administrativ", "Sekretariat", "1", "2023-03-31"),  # hired exactly E - 1 year: 1–2 years
    staff("E9", "raadgiver", "Nord", "1", "2023-09-01", "2024-01-31"),  # no reason given
]


def case(cid, worker, team, opened="2024-01-01", closed=None):
    """A case of child B<cid>."""
    return case_row(cid, "B" + cid, worker, opened, closed, team=team)


CASES = [
    case("C1", "E1", "Nord"),
    case("C2", "E1", "Nord"),
    case("C3", "E1", "Nord"),
    case("C4", "E2", "Nord"),
    case("C5", "E2", "Nord"),
    case("C6", "E3", "Syd"),
    case("C7", "E6", "Syd"),  # held by a caseworker who has left: no FTE
    case("C8", "E3", "Syd", closed="2024-02-29"),  # closed before E
]


@pytest.fixture(scope="module")
def town():
    return build_db(
        Settings(caseload=CaseloadSettings(norm_low=2, norm_high=3)),
        children=[{"child_id": "B" + c["case_id"]} for c in CASES],
        cases=CASES,
        staff=STAFF,
        payments=[
            {"payment_id": "P1", "posted_on": "2024-03-31", "amount_dkk": "100", "measure_code": "KONSULENT"}
        ],
    )


def rows(con, view, order, where="month = cast($m as date)"):
    params = {"m": MARCH} if "$m" in where else None
    return db.query(con, f"select * from {view} where {where} order by {order}", params).to_dicts()


def test_caseload_norm_per_department_team_and_caseworker(town):
    got = {
        (r["level"], r["unit"]): (r["n_cases"], r["fte"], r["caseload_per_fte"], r["norm_status"])
        for r in rows(town, "mart_caseload_norm", "level, unit")
    }
    assert got == {
        # 7 open cases (C8 closed) ÷ FTE 1 + 0.5 + 1 = 2.5 → 2.8, within 2–3
        ("afdeling", "Hele afdelingen"): (7, 2.5, pytest.approx(2.8), "inden"),
        # Nord: C1–C5 = 5 ÷ (E1 1 + E2 0.5) = 3.33 > 3 → over; Syd: C6, C7 = 2 ÷ E3 1 = 2, the low edge → inden
        ("team", "Nord"): (5, 1.5, pytest.approx(5 / 1.5), "over"),
        ("team", "Syd"): (2, 1.0, 2.0, "inden"),
        # E1 3 ÷ 1 = 3 (the high edge counts as within); E2 2 ÷ 0.5 = 4 → over; E3 1 ÷ 1 = 1 → under
        ("raadgiver", "E1"): (3, 1.0, 3.0, "inden"),
        ("raadgiver", "E2"): (2, 0.5, 4.0, "over"),
        ("raadgiver", "E3"): (1, 1.0, 1.0, "under"),
        # E6 left in May 2023 but still holds C7: no FTE, no caseload, no band
        ("raadgiver", "E6"): (1, None, None, None),
    }
    norms = {(r["norm_low"], r["norm_high"]) for r in rows(town, "mart_caseload_norm", "unit")}
    assert norms == {(2.0, 3.0)}  # from the settings, not literals


def test_caseload_bands_count_employed_caseworkers(town):
    got = [
        (r["norm_status"], r["n_caseworkers"], r["caseworkers_share"])
        for r in rows(town, "mart_caseload_bands", "band_no")
    ]
    # E3 under, E1 inden, E2 over; E6 (no employment) is not counted: 1 of 3 each
    assert got == [
        ("under", 1, pytest.approx(1 / 3)),
        ("inden", 1, pytest.approx(1 / 3)),
        ("over", 1, pytest.approx(1 / 3)),
    ]
    # January: E1 3 (C1–C3), E2 2 ÷ 0.5 = 4, E3 2 (C6, C8) ÷ 1 = 2, E9 0 cases ÷ 1 = 0 → under 1, inden 2, over 1
    jan = [
        (r["norm_status"], r["n_caseworkers"])
        for r in rows(town, "mart_caseload_bands", "band_no", "month = date '2024-01-01'")
    ]
    assert jan == [("under", 1), ("inden", 2), ("over", 1)]


def test_staff_tenure_bands_all_and_raadgivere(town):
    got = [
        (r["staff_group"], r["tenure_band"], r["n_staff"], r["staff_share"], r["cumulative_share"])
        for r in rows(town, "mart_staff_tenure", "staff_group, band_no")
    ]
    assert got == [
        # active at E: E1, E2, E3, E4, E8 = 5. Under 1 y: E1; 1–2: E3 and E8 (hired on E - 1 year exactly);
        # 2–5: E2; 5+: E4 → 1/5, 2/5, 1/5, 1/5; cumulative 0.2, 0.6, 0.8, 1
        ("alle", "Under 1 år", 1, pytest.approx(0.2), pytest.approx(0.2)),
        ("alle", "1–2 år", 2, pytest.approx(0.4), pytest.approx(0.6)),
        ("alle", "2–5 år", 1, pytest.approx(0.2), pytest.approx(0.8)),
        ("alle", "5 år og mere", 1, pytest.approx(0.2), pytest.approx(1.0)),
        # raadgivere: E1 (<1), E3 (1–2), E2 (2–5), none 5+ (the band is there with 0)
        ("raadgiver", "Under 1 år", 1, pytest.approx(1 / 3), pytest.approx(1 / 3)),
        ("raadgiver", "1–2 år", 1, pytest.approx(1 / 3), pytest.approx(2 / 3)),
        ("raadgiver", "2–5 år", 1, pytest.approx(1 / 3), pytest.approx(1.0)),
        ("raadgiver", "5 år og mere", 0, 0.0, pytest.approx(1.0)),
    ]
    # the bands agree with the KPIs: under 1 year 1/5, under 2 years 3/5
    k = rows(town, "mart_kpi_monthly", "month")[0]
    assert (k["tenure_under_1y_share"], k["tenure_under_2y_share"]) == (
        pytest.approx(0.2),
        pytest.approx(0.6),
    )


def test_leavers_by_reason_over_12_months(town):
    got = [
        (r["leave_reason"], r["n_leavers"], r["n_raadgiver_leavers"], r["leavers_share"])
        for r in rows(town, "mart_leavers_reason_12m", "leave_reason")
    ]
    # 1 April 2023 – 31 March 2024: E6 (raadgiver, Pension, 31 May 2023), E9 (raadgiver, no reason, 31 Jan 2024),
    # E5 (familiebehandler, Nyt job, 15 Feb 2024): one each, 1/3 each
    assert got == [
        ("Ikke oplyst", 1, 1, pytest.approx(1 / 3)),
        ("Nyt job", 1, 0, pytest.approx(1 / 3)),
        ("Pension", 1, 1, pytest.approx(1 / 3)),
    ]


def test_staff_summary_headcount_fte_hires_and_turnover(town):
    (r,) = rows(town, "mart_staff_summary", "month")
    # active at E: E1 1 + E2 0.5 + E3 1 + E4 1 + E8 1 = 4.5 FTE, 5 people; raadgivere E1, E2, E3 = 2.5 FTE
    # hired 1 Apr 2023 – 31 Mar 2024: E1 (June), E9 (September) = 2
    # headcount at the 12 month-ends Apr 2023 – Mar 2024: 6 × 5 (Apr–Aug), 7 × 5 (Sep–Jan), 5 × 2 (Feb, Mar)
    # = 75 → mean 6,25; 3 leavers → turnover 3 ÷ 6,25 = 0,48
    assert r == {
        "month": r["month"],
        "n_staff": 5,
        "fte": 4.5,
        "n_raadgivere": 3,
        "raadgiver_fte": 2.5,
        "n_hires_12m": 2,
        "n_leavers_12m": 3,
        "mean_headcount": pytest.approx(6.25),
        "turnover_12m": pytest.approx(0.48),
    }
    assert str(r["month"]) == MARCH
