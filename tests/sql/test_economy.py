"""Economy marts (issue 6): budget by area in twelfths, forecast by area, target path, unit prices, and the
changes between two imports reconciling exactly with the two imports' forecasts."""

from __future__ import annotations

import pytest

from mi import db
from mi.settings import BudgetSettings, Settings
from tests.conftest import build_db, frame, payment, read_catalogue
from tests.conftest import measure as m

CHILDREN = [{"child_id": f"B{i}"} for i in range(1, 6)]
SETTINGS = Settings(
    budget=BudgetSettings(
        baseline_year=2022, baseline_overspend_dkk=3_000_000, annual_reduction_dkk=2_000_000
    )
)


MEASURES = [
    # foster family, open-ended, 30000 a month (Anbringelser)
    m("A", "B1", "ANBR_PLEJEFAMILIE", "2023-01-01", cost="30000"),
    # contact person ending mid-month: 16 June (30 days in June) → 16/30 of 6000 in June (Forebyggende)
    m("B", "B2", "KONTAKTPERSON", "2024-01-01", "2024-06-16", cost="6000"),
    # institution starting next month (1 May), private, 90000 a month (Anbringelser)
    m("C", "B3", "ANBR_OPHOLDSSTED", "2024-05-01", provider="privat", cost="90000"),
]
PAYMENTS = [
    payment("P1", "2023-06-30", "6000000", measure="A"),  # 2023 total
    payment("P2", "2024-01-31", "30000", measure="A"),
    payment("P3", "2024-02-29", "30000", measure="A"),
    payment("P4", "2024-03-31", "-5000", measure="A"),  # refund
    payment("P5", "2024-04-30", "6000", measure="B"),
]
BUDGET = [
    {"year": 2023, "budget_area": "Anbringelser", "budget_dkk": "4000000"},
    {"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "1200000"},
    {"year": 2024, "budget_area": "Forebyggende foranstaltninger", "budget_dkk": "60000"},
]


@pytest.fixture(scope="module")
def con():
    return build_db(settings=SETTINGS, children=CHILDREN, measures=MEASURES, payments=PAYMENTS, budget=BUDGET)


def one(con, sql, **params):
    rows = db.query(con, sql, params)
    assert rows.height == 1
    return rows.row(0, named=True)


def test_budget_by_area_in_twelfths_and_forecast(con):
    anb = one(
        con,
        "select * from mart_budget_area_monthly where month = '2024-04-01' and budget_area = 'Anbringelser'",
    )
    # profile: 1200000 × 4/12 = 400000; actual to April: 30000 + 30000 - 5000 = 55000
    assert anb["budget_profile_ytd_dkk"] == pytest.approx(400_000)
    assert anb["actual_ytd_dkk"] == pytest.approx(55_000)
    # committed May–Dec: A 8 × 30000 = 240000; C 8 × 90000 = 720000 → 960000; forecast 1015000
    assert anb["committed_dkk"] == pytest.approx(960_000)
    assert anb["forecast_dkk"] == pytest.approx(1_015_000)
    assert anb["deviation_dkk"] == pytest.approx(1_015_000 - 1_200_000)
    fore = one(
        con,
        "select * from mart_budget_area_monthly where month = '2024-04-01' "
        "and budget_area = 'Forebyggende foranstaltninger'",
    )
    # actual 6000; committed: May 6000 + June 6000 × 16/30 = 3200 → 9200
    assert fore["committed_dkk"] == pytest.approx(9_200)
    total = one(con, "select sum(forecast_dkk) as f from mart_budget_area_monthly where month = '2024-04-01'")
    kpi = one(con, "select forecast_dkk from mart_kpi_monthly where month = '2024-04-01'")
    # the areas add up to the KPI: 1015000 + 15200 = 1030200
    assert total["f"] == pytest.approx(kpi["forecast_dkk"]) == pytest.approx(1_030_200)


def test_target_path(con):
    path = db.query(
        con,
        "select year, overspend_dkk, target_dkk, gap_dkk, is_on_track from mart_overspend_path "
        "where month = '2024-04-01' order by year",
    ).rows()
    assert path == [
        # 2022 (baseline): no payments, no budget: overspend unknown; target = the baseline 3000000
        (2022, None, 3_000_000.0, None, None),
        # 2023: 6000000 - 4000000 = 2000000 against 3000000 - 2000000 × 1 = 1000000 → 1000000 above the path
        (2023, 2_000_000.0, 1_000_000.0, 1_000_000.0, False),
        # 2024: forecast 1030200 - budget 1260000 = -229800 against 3000000 - 2000000 × 2 = -1000000
        (2024, pytest.approx(-229_800), -1_000_000.0, pytest.approx(770_200), False),
    ]


def test_unit_prices_contracted_and_paid(con):
    row = one(
        con,
        "select * from mart_unit_prices_monthly where month = '2024-03-01' "
        "and measure_code = 'ANBR_PLEJEFAMILIE'",
    )
    # contracted: A 30000 for one child; paid in March: the refund -5000 for one child
    assert (row["contracted_per_child_dkk"], row["paid_per_child_dkk"]) == (30_000, -5_000)


def test_commitments_list_for_the_rest_of_the_year(con):
    got = db.query(
        con,
        "select measure_id, committed_dkk from mart_commitments where month = '2024-04-01' "
        "order by committed_dkk desc",
    ).rows()
    assert got == [("C", pytest.approx(720_000)), ("A", pytest.approx(240_000)), ("B", pytest.approx(9_200))]


def test_single_import_lists_measures_started_and_ended_in_the_month(con):
    got = db.query(
        con, "select measure_id, change_type, basis from mart_measure_changes where month = '2024-06-01'"
    ).rows()
    # June: B ends on 16 June; no earlier import to compare with
    assert got == [("B", "afsluttet", "kun én indlæsning: startet eller afsluttet i måneden")]


def _build(path, measures, payments):
    tables = {"children": CHILDREN, "measures": measures, "payments": payments, "budget": BUDGET}
    return db.build(path, {t: frame(t, rows) for t, rows in tables.items()}, SETTINGS, read_catalogue())


def test_changes_between_two_imports_reconcile(tmp_path):
    path = tmp_path / "mi.duckdb"
    _build(path, MEASURES, PAYMENTS)
    with db.connect(path) as before:
        old = one(before, "select forecast_dkk from mart_kpi_monthly where month = '2024-04-01'")[
            "forecast_dkk"
        ]
    # the next import: C's price rises to 99000; B gets ended earlier (31 May); D is new (1 July, 10000);
    # A's April payment arrives (30000) and P4's refund is corrected to -6000
    measures = [
        MEASURES[0],
        m("B", "B2", "KONTAKTPERSON", "2024-01-01", "2024-05-31", cost="6000"),
        m("C", "B3", "ANBR_OPHOLDSSTED", "2024-05-01", provider="privat", cost="99000"),
        m("D", "B4", "FAMILIEBEHANDLING", "2024-07-01", provider="intern", cost="10000"),
    ]
    payments = [p for p in PAYMENTS if p["payment_id"] != "P4"] + [
        payment("P4", "2024-03-31", "-6000", measure="A"),
        payment("P6", "2024-04-30", "30000", measure="A"),
    ]
    assert _build(path, measures, payments) == 2
    with db.connect(path) as after:
        changes = dict(
            db.query(
                after, "select measure_id, effect_dkk from mart_measure_changes where month = '2024-04-01'"
            ).rows()
        )
        # C: 8 months × (99000 - 90000) = 72000; B: loses June's 16/30 × 6000 = 3200; D: Jul–Dec 6 × 10000
        assert changes == {"C": pytest.approx(72_000), "B": pytest.approx(-3_200), "D": pytest.approx(60_000)}
        kinds = dict(
            db.query(
                after, "select measure_id, change_type from mart_measure_changes where month = '2024-04-01'"
            ).rows()
        )
        assert kinds == {"C": "pris", "B": "afsluttet", "D": "ny"}
        rec = one(after, "select * from mart_forecast_changes where month = '2024-04-01'")
        new = one(after, "select forecast_dkk from mart_kpi_monthly where month = '2024-04-01'")[
            "forecast_dkk"
        ]
    # the previous forecast recomputed from the history equals the one the first database showed
    assert rec["previous_forecast_dkk"] == pytest.approx(old)
    # actual: +30000 (P6) - 1000 (refund corrected) = +29000
    assert rec["actual_change_dkk"] == pytest.approx(29_000)
    # new - old = 29000 + 72000 - 3200 + 60000 = 157800, all explained
    assert new - old == pytest.approx(157_800)
    assert rec["effects_dkk"] == pytest.approx(128_800) and rec["unexplained_dkk"] == 0
