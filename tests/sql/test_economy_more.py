"""More economy marts on hand-written rows: the other kinds of change between two imports (extended, removed,
ended mid-month, changed otherwise) with a corrected refund and a late payment, reconciling to the øre; and the
budget profile for all twelve months (mart_budget_profile).

Month M = April 2024. Import 1:
  F  family treatment, 1 Jan – 30 Jun 2024, 10.000 kr./md.   → committed May–Jun 2 × 10.000 = 20.000
  G  contact person, 1 Feb 2024 – open, 5.000 kr./md.         → May–Dec 8 × 5.000 = 40.000
  H  respite, 1 Mar – 15 May 2024, 3.100 kr./md.              → May 15/31 × 3.100 = 1.500
  K  network foster care, 1 Jan 2024 – open, 20.000 kr./md.   → May–Dec 8 × 20.000 = 160.000
  payments: F 10.000 (Jan), G 5.000 (Feb), G -2.000 refund (Mar), H 3.100 (Apr) → actual 16.100
  forecast 1 = 16.100 + 20.000 + 40.000 + 1.500 + 160.000 = 237.600
"""

from __future__ import annotations

import pytest

from mi import db
from mi.settings import Settings
from tests.conftest import build_db, frame, read_catalogue
from tests.conftest import measure as m
from tests.conftest import payment as pay

CHILDREN = [{"child_id": f"B{i}"} for i in range(1, 6)]
BUDGET = [
    {"year": 2024, "budget_area": "Forebyggende foranstaltninger", "budget_dkk": "120000"},
    {"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "240000"},
    {"year": 2025, "budget_area": "Anbringelser", "budget_dkk": "360000"},
]


MEASURES_1 = [
    m("F", "B1", "FAMILIEBEHANDLING", "2024-01-01", "2024-06-30", cost=10000, provider="intern"),
    m("G", "B2", "KONTAKTPERSON", "2024-02-01", None, cost=5000, provider="privat"),
    m("H", "B3", "AFLASTNING", "2024-03-01", "2024-05-15", cost=3100, provider="kommunal"),
    m("K", "B4", "ANBR_NETVAERK", "2024-01-01", None, cost=20000, provider="kommunal"),
]
PAYMENTS_1 = [
    pay("Q1", "2024-01-31", 10000, "F"),
    pay("Q2", "2024-02-29", 5000, "G", "KONTAKTPERSON"),
    pay("Q3", "2024-03-31", -2000, "G", "KONTAKTPERSON"),  # a refund
    pay("Q4", "2024-04-10", 3100, "H"),
]
# Import 2: F extended to 31 Aug; G removed from the data; H's provider named (nothing else); K ends mid-month on
# 15 October; the refund Q3 corrected to -2.500 and K's April payment of 20.000 arrives late.
MEASURES_2 = [
    m("F", "B1", "FAMILIEBEHANDLING", "2024-01-01", "2024-08-31", cost=10000, provider="intern"),
    m(
        "H",
        "B3",
        "AFLASTNING",
        "2024-03-01",
        "2024-05-15",
        cost=3100,
        provider="kommunal",
        name="Aflastning Nord",
    ),
    m("K", "B4", "ANBR_NETVAERK", "2024-01-01", "2024-10-15", cost=20000, provider="kommunal"),
]
PAYMENTS_2 = [
    *[p for p in PAYMENTS_1 if p["payment_id"] != "Q3"],
    pay("Q3", "2024-03-31", -2500, "G", "KONTAKTPERSON"),
    pay("Q5", "2024-04-30", 20000, "K"),
]


def _build(path, measures, payments):
    tables = {"children": CHILDREN, "measures": measures, "payments": payments, "budget": BUDGET}
    return db.build(path, {t: frame(t, rows) for t, rows in tables.items()}, Settings(), read_catalogue())


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    path = tmp_path_factory.mktemp("more") / "mi.duckdb"
    assert _build(path, MEASURES_1, PAYMENTS_1) == 1
    with db.connect(path) as con:
        first = db.scalar(con, "select forecast_dkk from mart_kpi_monthly where month = '2024-04-01'")
    assert _build(path, MEASURES_2, PAYMENTS_2) == 2
    con = db.connect(path)
    yield con, first
    con.close()


def test_first_import_forecast(two):
    _, first = two
    assert first == pytest.approx(237_600)


def test_every_kind_of_change_with_its_effect(two):
    con, _ = two
    got = {
        r[0]: (r[1], r[2])
        for r in db.query(
            con,
            "select measure_id, change_type, effect_dkk from mart_measure_changes where month = '2024-04-01'",
        ).rows()
    }
    assert got == {
        # F: now May–Aug 4 × 10.000 = 40.000 instead of 20.000
        "F": ("forlænget", pytest.approx(20_000)),
        # G: gone, its 40.000 with it
        "G": ("fjernet", pytest.approx(-40_000)),
        # H: only the provider's name: no effect
        "H": ("ændret", pytest.approx(0)),
        # K: May–Sep 5 × 20.000 + October 15/31 × 20.000 = 109.677,42 instead of 160.000
        "K": ("afsluttet", pytest.approx(100_000 + 20_000 * 15 / 31 - 160_000)),
    }


def test_the_changes_reconcile_to_the_ore(two):
    con, first = two
    rec = db.query(con, "select * from mart_forecast_changes where month = '2024-04-01'").row(0, named=True)
    now = db.scalar(con, "select forecast_dkk from mart_kpi_monthly where month = '2024-04-01'")
    assert rec["previous_forecast_dkk"] == pytest.approx(first)
    # actual: the refund corrected by -500, K's late payment +20.000 → +19.500
    assert rec["actual_change_dkk"] == pytest.approx(19_500)
    # 237.600 + 19.500 + 20.000 - 40.000 + 0 - 50.322,58 = 186.777,42
    assert now == pytest.approx(186_777.42, abs=0.005)
    assert rec["unexplained_dkk"] == 0
    assert abs(now - first - rec["actual_change_dkk"] - rec["effects_dkk"]) < 0.005


def test_budget_profile_has_all_twelve_months():
    con = build_db(
        children=CHILDREN, budget=BUDGET, payments=[pay("Q1", "2024-02-10", 100, None, "KONSULENT")]
    )
    rows = db.query(
        con,
        "select month, budget_area, budget_profile_ytd_dkk from mart_budget_profile "
        "where year = 2024 and budget_area = 'Anbringelser' order by month",
    ).rows()
    # the data end in February, the profile runs to December: 240.000 × n/12 = 20.000 × n
    assert len(rows) == 12
    assert [r[2] for r in rows] == [pytest.approx(20_000 * n) for n in range(1, 13)]
    n_rows = db.scalar(con, "select count(*) from mart_budget_profile")
    # three budget lines × 12 months
    assert n_rows == 36


def test_the_previous_import_is_the_one_the_previous_months_figures_rest_on(tmp_path):
    # extracts dated 7 October (September's figures), 7 November (October's) and 30 November (November's: the
    # month has ended): November's changes are measured against the import of 7 November, not 7 October
    path = tmp_path / "mi.duckdb"
    for day in ("2024-10-07", "2024-11-07", "2024-11-30"):
        _build(path, MEASURES_1, [*PAYMENTS_1, pay("Q9", day, 100, "G")])
    with db.connect(path) as con:
        pair = db.query(con, "select current_version_id, previous_version_id from int_version_pair").row(0)
    assert pair == (3, 2)
    # a second import of October's figures (8 November): still compared with the import September's figures rest
    # on (7 October), not with the first import of October's (7 November)
    path2 = tmp_path / "two.duckdb"
    for day in ("2024-10-07", "2024-11-07", "2024-11-08"):
        _build(path2, MEASURES_1, [*PAYMENTS_1, pay("Q9", day, 100, "G")])
    with db.connect(path2) as con:
        assert db.query(con, "select previous_version_id from int_version_pair").item() == 1
