"""mart_kpi_monthly: every KPI of DOMAIN.md on hand-written rows, with the arithmetic in comments."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from mi import db
from mi.settings import BudgetSettings, Settings
from tests.conftest import build_db, case, employment, frame, kpis, payment, read_catalogue
from tests.conftest import measure as m

CHILDREN = [{"child_id": f"B{i}"} for i in range(1, 10)]


def test_current_placement_latest_start_and_tie_by_measure_id():
    con = build_db(
        children=CHILDREN,
        measures=[
            # B1: institution since Jan, then a foster family from 10 March (overlapping): current = foster
            m("M01", "B1", "ANBR_DOGNINSTITUTION", "2024-01-01"),
            m("M02", "B1", "ANBR_PLEJEFAMILIE", "2024-03-10"),
            # B2: two placements starting the same day: the greatest measure_id (M04, institution) wins
            m("M03", "B2", "ANBR_NETVAERK", "2024-02-01"),
            m("M04", "B2", "ANBR_OPHOLDSSTED", "2024-02-01"),
            # B3: institution ending exactly on 31 March (active on the month-end, inclusive)
            m("M05", "B3", "ANBR_SIKRET", "2024-01-15", "2024-03-31"),
            # B4: institution ending 30 March: not active on 31 March
            m("M06", "B4", "ANBR_OPHOLDSSTED", "2024-01-15", "2024-03-30"),
            # B5: 'anden' (own room) counts neither as family care nor as institution
            m("M07", "B5", "ANBR_EGET_VAERELSE", "2024-01-01"),
            # B6: institution starting 1 April: after the month, not in March's stock
            m("M08", "B6", "ANBR_DOGNINSTITUTION", "2024-04-01"),
        ],
    )
    march = kpis(con, "2024-03")
    # institution on 31 March: B2 (M04 by tie) and B3 (ends on the day) = 2; B1 is in foster care now
    assert march["f1_institution_children"] == 2
    # family care: B1 (M02) = 1; share = 1 / (1 + 2) = 0.3333…
    assert march["f2_family_care_share"] == pytest.approx(1 / 3)
    # the counts behind the share, read by disclosure control: numerator 1, denominator 1 + 2 = 3
    assert (march["n_family_care_children"], march["n_family_care_or_institution_children"]) == (1, 3)
    # institution starts in 2024 to 31 March: M01, M04, M05, M06 = 4 (M08 starts in April)
    assert march["f1_institution_starts_ytd"] == 4
    april = kpis(con, "2024-04")
    # 30 April: B2 and B6 in institution; B3 and B4 ended; M08 starts now: starts YTD 4 + 1 = 5
    assert april["f1_institution_children"] == 2
    assert april["f1_institution_starts_ytd"] == 5
    feb = kpis(con, "2024-02")
    # 29 February (leap year month-end): B1 (M01), B2 (M04), B3, B4 in institution = 4; family care 0 → share 0
    assert feb["f1_institution_children"] == 4
    assert feb["f2_family_care_share"] == 0


def test_family_care_share_empty_when_no_placements():
    con = build_db(children=CHILDREN, measures=[m("M1", "B1", "KONSULENT", "2024-01-01")])
    assert kpis(con, "2024-01")["f2_family_care_share"] is None
    assert kpis(con, "2024-01")["n_family_care_or_institution_children"] == 0
    assert kpis(con, "2024-01")["f1_institution_children"] == 0


def test_private_family_treatment_starts_and_share():
    con = build_db(
        children=CHILDREN,
        measures=[
            m("F1", "B1", "FAMILIEBEHANDLING", "2023-12-31", provider="privat"),  # last year: not in 2024 YTD
            m("F2", "B2", "FAMILIEBEHANDLING", "2024-01-01", provider="privat"),
            m("F3", "B3", "FAMILIEBEHANDLING", "2024-02-15", provider="intern"),
            m("F4", "B4", "FAMILIEBEHANDLING", "2024-03-01", provider="intern"),
            m("F5", "B5", "FAMILIEBEHANDLING", "2024-04-01", provider="privat"),  # after March
        ],
    )
    march = kpis(con, "2024-03")
    # 2024 starts to 31 March: F2 (privat), F3, F4 (intern) → private 1 of 3
    assert march["f3_private_family_treatment_starts_ytd"] == 1
    assert march["f3_private_share_ytd"] == pytest.approx(1 / 3)
    dec23 = kpis(con, "2023-12")
    # December 2023: F1 is the only start of 2023 and private → 1 / 1
    assert dec23["f3_private_share_ytd"] == 1.0


def test_day_treatment_share_and_school_year_turning_on_1_august():
    con = build_db(
        children=CHILDREN,
        measures=[
            m("D1", "B1", "SKOLE_DAGBEHANDLING", "2024-06-01"),
            m("D2", "B1", "SKOLE_DAGBEHANDLING", "2024-07-01", "2024-07-31"),  # same child twice: counts once
            m("D3", "B2", "SKOLE_DAGBEHANDLING", "2024-05-01", "2024-08-15"),
        ],
        pupils=[{"school_year": "2023/24", "pupils": 400}, {"school_year": "2024/25", "pupils": 500}],
    )
    # 31 July 2024 is in school year 2023/24: B1 and B2 active → 2 / 400 = 0.005
    assert kpis(con, "2024-07")["f4_day_treatment_share"] == pytest.approx(2 / 400)
    # 31 August 2024 is in 2024/25: B1 (D1, open) active, D3 ended 15 Aug → 1 / 500 = 0.002
    assert kpis(con, "2024-08")["f4_day_treatment_share"] == pytest.approx(1 / 500)


def test_day_treatment_share_empty_without_pupils():
    con = build_db(children=CHILDREN, measures=[m("D1", "B1", "SKOLE_DAGBEHANDLING", "2024-06-01")])
    assert kpis(con, "2024-06")["f4_day_treatment_share"] is None


def test_lost_earnings_by_own_code_or_measure_code_refunds_and_previous_year():
    con = build_db(
        children=CHILDREN,
        measures=[
            m("T1", "B1", "TABT_ARBEJDSFORTJENESTE", "2023-01-01"),
            m("K1", "B2", "KONSULENT", "2023-01-01"),
        ],
        payments=[
            payment("P1", "2023-02-28", "10000", measure="T1"),
            payment("P2", "2023-03-01", "7000", measure="T1"),
            payment("P3", "2024-01-31", "20000", measure="T1"),
            # coded only by measure_code (no measure): counts by its own code
            payment("P4", "2024-02-29", "3000.50", code="TABT_ARBEJDSFORTJENESTE"),
            # a refund (negative) on lost earnings
            payment("P5", "2024-02-10", "-1500", measure="T1"),
            # its own code wins over its measure's: on measure K1 but coded as lost earnings
            payment("P6", "2024-02-01", "100", measure="K1", code="TABT_ARBEJDSFORTJENESTE"),
            # its own code (KONSULENT) wins over its measure's lost earnings
            payment("P7", "2024-02-01", "999", measure="T1", code="KONSULENT"),
            # after February: not in February's YTD
            payment("P8", "2024-03-01", "5000", measure="T1"),
        ],
    )
    feb = kpis(con, "2024-02")
    # YTD to 29 Feb 2024: P3 20000 + P4 3000.50 - P5 1500 + P6 100 = 21600.50 (P7 is KONSULENT)
    assert feb["f5_lost_earnings_ytd_dkk"] == pytest.approx(21600.50)
    # previous YTD: 1 Jan – 28 Feb 2023 (the last day of February one year earlier): P1 10000; P2 is 1 March
    assert feb["f5_lost_earnings_prev_ytd_dkk"] == pytest.approx(10000)
    # all payments YTD: 20000 + 3000.50 - 1500 + 100 + 999 = 22599.50
    assert feb["actual_ytd_dkk"] == pytest.approx(22599.50)


def test_budget_forecast_overspend_and_target():
    settings = Settings(
        budget=BudgetSettings(
            baseline_year=2019, baseline_overspend_dkk=9_000_000, annual_reduction_dkk=2_000_000
        )
    )
    con = build_db(
        settings=settings,
        children=CHILDREN,
        measures=[
            # open-ended: runs to 31 December
            m("A", "B1", "ANBR_PLEJEFAMILIE", "2023-06-01", cost="30000"),
            # ends 15 May (31 days in May): 15/31 of a month in May
            m("B", "B2", "KONTAKTPERSON", "2024-01-01", "2024-05-15", cost="6200"),
            # starts next month, 16 April (30 days): 15/30 of April, then full months to December
            m("C", "B3", "ANBR_OPHOLDSSTED", "2024-04-16", cost="90000"),
            # no monthly cost: no commitment
            m("D", "B4", "KONSULENT", "2024-01-01"),
            # ended before April: nothing committed
            m("E", "B5", "AFLASTNING", "2024-01-01", "2024-03-31", cost="5000"),
        ],
        payments=[
            payment("P1", "2024-01-31", "100000", measure="A"),
            payment("P2", "2024-03-15", "-2500", measure="A"),  # refund
            payment("P3", "2023-12-31", "777", measure="A"),  # last year
            payment("P4", "2024-12-31", "1000", measure="A"),  # December
        ],
        budget=[
            {"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "1000000"},
            {"year": 2024, "budget_area": "Forebyggende foranstaltninger", "budget_dkk": "500000"},
            {"year": 2023, "budget_area": "Anbringelser", "budget_dkk": "9"},
        ],
    )
    march = kpis(con, "2024-03")
    assert march["budget_dkk"] == 1_500_000  # 1000000 + 500000
    assert march["actual_ytd_dkk"] == pytest.approx(97_500)  # 100000 - 2500
    # committed April–December 2024:
    #   A: 9 months × 30000                           = 270000
    #   B: April 6200 + May 6200 × 15/31 = 6200 + 3000  =   9200
    #   C: April 90000 × 15/30 + 8 months × 90000       = 45000 + 720000 = 765000
    #   total 1044200; forecast = 97500 + 1044200 = 1141700
    assert march["forecast_dkk"] == pytest.approx(1_141_700)
    assert march["overspend_dkk"] == pytest.approx(1_141_700 - 1_500_000)
    # target for 2024: 9000000 - 2000000 × (2024 - 2019) = -1000000
    assert march["overspend_target_dkk"] == -1_000_000
    dec = kpis(con, "2024-12")
    # December: nothing after December in the year: forecast = actual = 100000 - 2500 + 1000
    assert dec["forecast_dkk"] == pytest.approx(98_500) == dec["actual_ytd_dkk"]
    # 2023 has budget 9 and P3: the forecast for Dec 2023 = 777
    assert kpis(con, "2023-12")["overspend_dkk"] == pytest.approx(777 - 9)


def test_no_budget_rows_for_the_year_gives_empty_budget_and_overspend():
    con = build_db(children=CHILDREN, measures=[m("A", "B1", "KONSULENT", "2024-01-01", cost="100")])
    row = kpis(con, "2024-01")
    assert row["budget_dkk"] is None and row["overspend_dkk"] is None
    # actual with no payments is 0, the forecast is the commitment Feb–Dec: 11 × 100
    assert row["actual_ytd_dkk"] == 0 and row["forecast_dkk"] == pytest.approx(1100)


STAFF = [
    # E1: caseworker, full time, since 2020
    employment("E1", "raadgiver", "Nord", "1", "2020-01-01"),
    # E2: caseworker 0.5 FTE, left 31 Jan 2024 (last working day: still active on 31 Jan)
    employment("E2", "raadgiver", "Nord", "0.5", "2023-03-01", left="2024-01-31", reason="Nyt job"),
    # E2 rehired 1 March 2024 as 0.8 FTE: a new employment row
    employment("E2", "raadgiver", "Syd", "0.8", "2024-03-01"),
    # E3: leader, hired 1 March 2023
    employment("E3", "leder", "Nord", "1", "2023-03-01"),
]
CASES = [
    case("C1", "B1", "E1", "2023-01-01"),
    case("C2", "B2", "E1", "2023-06-01", closed="2024-01-31"),
    case("C3", "B3", "E2", "2024-01-15"),
    case("C4", "B4", "E2", "2024-02-01", closed="2024-02-29"),
]


def test_caseload_per_fte_with_rehired_employee():
    con = build_db(children=CHILDREN, staff=STAFF, cases=CASES)
    # 31 Jan 2024: cases C1, C2 (closes that day), C3 = 3; raadgiver FTE E1 1 + E2 0.5 = 1.5 → 2.0
    assert kpis(con, "2024-01")["caseload_per_fte"] == pytest.approx(3 / 1.5)
    # 29 Feb 2024: C1, C3, C4 (closes that day) = 3; only E1 employed (E2 left, rehired in March) → 3.0
    assert kpis(con, "2024-02")["caseload_per_fte"] == pytest.approx(3.0)
    # 31 Mar 2024: C1, C3 = 2; E1 1 + E2 0.8 = 1.8 → 1.111…
    assert kpis(con, "2024-03")["caseload_per_fte"] == pytest.approx(2 / 1.8)


def test_turnover_12m_and_tenure():
    con = build_db(children=CHILDREN, staff=STAFF, cases=CASES)
    mar = kpis(con, "2024-03")
    # leavers with left_on 1 Apr 2023 – 31 Mar 2024: E2's first employment = 1
    # distinct employees active at the 12 month-ends Apr 2023 … Mar 2024:
    #   Apr–Dec 2023 (9 ends): E1, E2, E3 = 3 each; Jan 2024: E1, E2, E3 = 3; Feb 2024: E1, E3 = 2;
    #   Mar 2024: E1, E2 (rehired), E3 = 3 → (9×3 + 3 + 2 + 3) / 12 = 35/12
    assert mar["turnover_12m"] == pytest.approx(1 / (35 / 12))
    # tenure on 31 Mar 2024: active rows E1 (2020), E2 (2024-03-01), E3 (2023-03-01) = 3
    #   under 1 year: hired after 31 Mar 2023 → E2 = 1/3; under 2 years: after 31 Mar 2022 → E2, E3 = 2/3
    assert mar["tenure_under_1y_share"] == pytest.approx(1 / 3)
    assert mar["tenure_under_2y_share"] == pytest.approx(2 / 3)
    feb = kpis(con, "2024-02")
    # 29 Feb 2024 minus 1 year is 28 Feb 2023; E3 hired 1 Mar 2023 is after it → under 1 year: E3 of E1, E3 = 1/2
    assert feb["tenure_under_1y_share"] == pytest.approx(1 / 2)


def test_empty_tables_build_and_have_no_months():
    con = build_db()
    from mi import db

    assert db.query(con, "select * from mart_kpi_monthly").height == 0
    assert db.query(con, "select * from int_data_range").height == 0


def test_data_range_and_default_month():
    con = build_db(
        children=CHILDREN,
        measures=[m("A", "B1", "KONSULENT", "2024-01-10"), m("N", "B2", "KONSULENT", "2024-06-01")],
        payments=[payment("P1", "2024-04-12", "1", measure="A")],
    )
    from mi import db

    r = db.query(con, "select * from int_data_range").row(0, named=True)
    # first: January (A starts); last: June (N, decided/started in June); as of the last posting 12 April;
    # the latest complete month by then is March
    assert (str(r["first_month"]), str(r["last_month"])) == ("2024-01-01", "2024-06-01")
    assert str(r["data_as_of"]) == "2024-04-12" and str(r["default_month"]) == "2024-03-01"


def test_without_payments_the_data_is_as_of_the_latest_decision_or_case_date_not_a_planned_end():
    # a case system's export alone: no postings. A placement planned to end in 2031 and a planned start in
    # December must not make the data look as of 2031 (the default month would be years ahead).
    planned = m("P", "B1", "ANBR_PLEJEFAMILIE", "2024-02-01", end="2031-06-30")
    planned["decided_on"] = "2024-01-20"
    later = m("L", "B2", "KONSULENT", "2024-12-01")
    later["decided_on"] = "2024-04-12"
    con = build_db(
        children=CHILDREN,
        measures=[planned, later],
        cases=[
            case("C1", "B1", "E1", "2024-01-02"),
            case("C2", "B2", "E1", "2024-02-01", closed="2024-03-31"),
        ],
    )
    from mi import db

    r = db.query(con, "select * from int_data_range").row(0, named=True)
    # recorded dates: decisions 20 Jan and 12 Apr, cases opened 2 Jan and 1 Feb, closed 31 Mar → 12 April 2024;
    # the latest complete month by then is March; the range still runs to December 2024 (L's start), not 2031
    assert str(r["data_as_of"]) == "2024-04-12" and str(r["default_month"]) == "2024-03-01"
    assert (str(r["first_month"]), str(r["last_month"])) == ("2024-01-01", "2024-12-01")


def test_focus_points_3_to_5_follow_their_codes_whatever_a_catalogue_flags():
    # A municipality's catalogue adds three codes carrying the flags of focus points 3–5 and drops the flag from
    # FAMILIEBEHANDLING. DOMAIN.md defines f3–f5 by code, so only the contract's codes count.
    product = read_catalogue().with_columns(
        pl.when(pl.col("measure_code") == "FAMILIEBEHANDLING")
        .then(None)
        .otherwise(pl.col("focus_flag"))
        .alias("focus_flag")
    )
    own = {
        "FAMILIEBEHANDLING_MST": ("FAMILIEBEHANDLING", "family_treatment"),
        "DAGBEH_3_22": ("SKOLE_DAGBEHANDLING", "day_treatment"),
        "TABT_ARB_BL87": ("TABT_ARBEJDSFORTJENESTE", "lost_earnings"),
    }
    added = pl.concat(
        [
            product.filter(pl.col("measure_code") == like).with_columns(
                pl.lit(code).alias("measure_code"), pl.lit(flag).alias("focus_flag")
            )
            for code, (like, flag) in own.items()
        ]
    )
    con = duckdb.connect()
    tables = {
        "children": [{"child_id": c} for c in ("C1", "C2", "C3", "C4")],
        "measures": [
            m("F1", "C1", "FAMILIEBEHANDLING", "2024-01-10", provider="intern"),
            m("F2", "C2", "FAMILIEBEHANDLING_MST", "2024-01-10", provider="privat"),
            m("D1", "C3", "SKOLE_DAGBEHANDLING", "2024-01-01"),
            m("D2", "C4", "DAGBEH_3_22", "2024-01-01"),
        ],
        "payments": [
            payment("P1", "2024-01-15", "1000", code="TABT_ARBEJDSFORTJENESTE"),
            payment("P2", "2024-01-15", "500", code="TABT_ARB_BL87"),
        ],
        "pupils": [{"school_year": "2023/24", "pupils": "100"}],
    }
    frames = {t: frame(t, rows) for t, rows in tables.items()}
    db.populate(con, frames, Settings(), pl.concat([product, added]), source="test")
    jan = kpis(con, "2024-01")
    # f3: FAMILIEBEHANDLING starts = F1 only (intern): 0 private of 1 → share 0
    assert (jan["f3_private_family_treatment_starts_ytd"], jan["f3_private_share_ytd"]) == (0, 0)
    # f4: SKOLE_DAGBEHANDLING active on 31 January: C3 only → 1 ÷ 100 pupils = 0,01
    assert jan["f4_day_treatment_share"] == pytest.approx(0.01)
    # f5: payments coded TABT_ARBEJDSFORTJENESTE: 1.000 kr. (P2's own code is not the contract's)
    assert jan["f5_lost_earnings_ytd_dkk"] == 1000
