"""Status at the edges of the caseload band and of the overspend target (issue 13.6), for today's figures
(mart_kpi_status) and the committee's frozen ones (mart_frozen_status), both judged by mart_kpi_judged.

One caseworker (1,0 FTE) all year; cases opened on the first of a month and never closed; no measure has a
monthly price, so nothing is committed and the forecast is the spending so far. Budget 2024: 100.000 kr.;
settings: baseline year 2024 with an overspend of 10.000 kr. → the target for 2024 is 10.000 − 2.000.000 × 0 =
10.000 kr.
"""

from __future__ import annotations

import pytest

from mi import db, frozen
from mi.settings import BudgetSettings, Settings
from tests.conftest import build_db, employment, frame, measure, payment, read_catalogue
from tests.conftest import case as case_row

SETTINGS = Settings(budget=BudgetSettings(baseline_year=2024, baseline_overspend_dkk=10_000.0))


def case(i: int, opened: str) -> dict:
    return case_row(f"C{i}", f"B{i}", "E1", opened, team="Nord")


# open cases at the month's end: 29 Feb 19, 31 Mar 19 + 1 = 20, 30 Apr 20 + 10 = 30, 31 May 30 + 1 = 31
CASES = (
    [case(i, "2024-02-01") for i in range(19)]
    + [case(19, "2024-03-01")]
    + [case(i, "2024-04-01") for i in range(20, 30)]
    + [case(30, "2024-05-01")]
)
STAFF = [employment("E1", "raadgiver", "Nord", 1.0, "2023-01-01")]
MEASURES = [measure("M1", "B0", "KONSULENT", "2024-01-01")]


def pay(pid: str, posted: str, amount: int) -> dict:
    return payment(pid, posted, str(amount), measure="M1")


# spending so far: Jan–Apr 50.000 (overspend 50.000 − 100.000 = −50.000); May 50.000 + 60.000 = 110.000 →
# overspend 110.000 − 100.000 = 10.000, exactly the target; June + 1 kr. → 10.001, one krone over it.
# The last posting (30 June) is the data's "data as of": January–June have ended.
PAYMENTS = [pay("P1", "2024-01-31", 50_000), pay("P2", "2024-05-31", 60_000), pay("P3", "2024-06-30", 1)]
BUDGET = [{"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "100000"}]
TABLES = {"cases": CASES, "staff": STAFF, "measures": MEASURES, "payments": PAYMENTS, "budget": BUDGET}


def status(con, view: str, key: str) -> dict[str, tuple]:
    rows = db.query(
        con,
        f"select strftime(month, '%Y-%m') as m, value, comparison_value, status, status_label from {view} "
        "where kpi_key = $k order by month",
        {"k": key},
    )
    return {r[0]: r[1:] for r in rows.rows()}


def frozen_and_live(con, key: str) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """The KPI's status month by month as the committee sees it (frozen where frozen) and as it is today."""
    return status(con, "mart_frozen_status", key), status(con, "mart_kpi_status", key)


def test_caseload_on_the_band_edges_is_within_the_norm():
    got = status(build_db(SETTINGS, **TABLES), "mart_kpi_status", "caseload_per_fte")
    assert got["2024-02"] == (19.0, 19.0, "neutral", "Under normen")  # 19 / 1,0
    assert got["2024-03"] == (20.0, 20.0, "god", "Inden for normen")  # 20 / 1,0: the low edge is inside
    assert got["2024-04"] == (30.0, 30.0, "god", "Inden for normen")  # 30 / 1,0: the high edge is inside
    assert got["2024-05"] == (31.0, 31.0, "daarlig", "Over normen")  # 31 / 1,0


def test_overspend_exactly_on_target_is_on_target():
    got = status(build_db(SETTINGS, **TABLES), "mart_kpi_status", "overspend_dkk")
    assert got["2024-04"] == (-50_000.0, 10_000.0, "god", "På målet")  # 50.000 − 100.000
    assert got["2024-05"] == (10_000.0, 10_000.0, "god", "På målet")  # 110.000 − 100.000 = the target
    assert got["2024-06"] == (10_001.0, 10_000.0, "daarlig", "Over målet")  # 110.001 − 100.000


def build_file(path, tables) -> int:
    return db.build(
        path, {t: frame(t, rows) for t, rows in tables.items()}, SETTINGS, read_catalogue(), source="test"
    )


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """April and May frozen on the data above, then a re-import: a case opened 15 April (30 Apr: 31 cases, 31 May:
    32) and a payment of 1 kr. posted 15 May (31 May: 110.001 spent, overspend 10.001)."""
    path = tmp_path_factory.mktemp("edges") / "mi.duckdb"
    build_file(path, TABLES)
    frozen.freeze_file(path, "2024-04")
    frozen.freeze_file(path, "2024-05")
    build_file(
        path,
        {
            **TABLES,
            "cases": [*CASES, case(31, "2024-04-15")],
            "payments": [*PAYMENTS, pay("P4", "2024-05-15", 1)],
        },
    )
    con = db.connect(path)
    yield con
    con.close()


def test_frozen_caseload_on_the_high_edge_stays_within_the_norm(revised):
    committee, today = frozen_and_live(revised, "caseload_per_fte")
    # April frozen at 30 / 1,0 = 30,0: within the norm for the committee; today 31 / 1,0 = 31,0: over it
    assert committee["2024-04"] == (30.0, 30.0, "god", "Inden for normen")
    assert today["2024-04"] == (31.0, 31.0, "daarlig", "Over normen")
    # March was not frozen: the committee sees today's 20 / 1,0 = 20,0, on the low edge, within the norm
    assert committee["2024-03"] == today["2024-03"] == (20.0, 20.0, "god", "Inden for normen")


def test_frozen_overspend_exactly_on_target_stays_on_target(revised):
    committee, today = frozen_and_live(revised, "overspend_dkk")
    # May frozen at 110.000 − 100.000 = 10.000 = the frozen target: on target; today 110.001 − 100.000 = 10.001
    assert committee["2024-05"] == (10_000.0, 10_000.0, "god", "På målet")
    assert today["2024-05"] == (10_001.0, 10_000.0, "daarlig", "Over målet")
    # June is not frozen: 110.002 − 100.000 = 10.002 for both
    assert committee["2024-06"] == today["2024-06"] == (10_002.0, 10_000.0, "daarlig", "Over målet")
