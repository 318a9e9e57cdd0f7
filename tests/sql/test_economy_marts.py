"""The Økonomi screen's marts on exact rows: mart_economy_detail and _filter_values (views) and the parametrised
ones (table macros whose parameters are the month and the filters): _budget_areas, _cumulative, _breakdown,
_waterfall, _commitments, _unit_prices, _unit_price_trend, _reconciliation; and mart_measure_change_effects and
mart_measures_started_ended.

The fixture is tests/mi/test_economy_screen.py's April 2024 (its docstring has the rows and the arithmetic):
actual to date 153.000 (Anbringelser 145.000, Forebyggende 6.000, Handicap 2.000), committed May–December
969.200 (A 240.000, C 720.000, B 9.200), forecast 1.122.200 against the budget 1.260.000.
"""

from __future__ import annotations

from datetime import date

import pytest

from mi import db
from mi.settings import Settings
from tests.conftest import build_db, frame, read_catalogue
from tests.conftest import measure as measure_row
from tests.mi.test_economy_screen import BUDGET, CHILDREN, MEASURES, PAYMENTS, SETTINGS

M = date(2024, 4, 1)
ANB, FOR, HC = "Anbringelser", "Forebyggende foranstaltninger", "Handicapkompensation"


@pytest.fixture(scope="module")
def con():
    return build_db(settings=SETTINGS, children=CHILDREN, measures=MEASURES, payments=PAYMENTS, budget=BUDGET)


def call(con, view, **params):
    return db.select_view(con, view, **params).rows()


def test_detail_puts_actual_and_committed_on_one_grain(con):
    got = db.query(
        con,
        "select budget_area, measure_label, provider_type, provider_name, account, actual_month_dkk, "
        "actual_ytd_dkk, committed_dkk, forecast_dkk from mart_economy_detail where month = $m order by all",
        {"m": M},
    ).rows()
    assert got == [
        # A: paid 30.000 + 30.000 - 5.000 = 55.000 (none in April); committed May–Dec 8 × 30.000
        (ANB, "Anbringelse i almen plejefamilie", "kommunal", "Plejefamilien Eg", "5.28.20", 0, 55_000, 240_000, 295_000),
        # E: paid 60.000 (March) + 30.000 (April); ended 15 April: nothing committed
        (ANB, "Anbringelse på døgninstitution", "regional", "Døgninstitutionen Syd", "5.28.23", 30_000, 90_000, 0, 90_000),
        # C: starts 1 May: 8 × 90.000 committed
        (ANB, "Anbringelse på opholdssted (børne- og ungehjem)", "privat", "Opholdsstedet Fyr", "5.28.20", 0, 0, 720_000, 720_000),
        # B: 6.000 in April; May 6.000 + 16/30 × 6.000 = 3.200 in June
        (FOR, "Fast kontaktperson", "intern", "Familiehuset", "5.28.21", 6_000, 6_000, 9_200, 15_200),
        # the lost-earnings posting without a measure
        (HC, "Tabt arbejdsfortjeneste", "ukendt", "Ukendt leverandør", "5.57.72", 2_000, 2_000, 0, 2_000),
    ]  # fmt: skip


def test_filter_values(con):
    got = db.query(
        con,
        "select dimension, list(value order by value) from mart_economy_filter_values where month = $m "
        "group by dimension order by dimension",
        {"m": M},
    ).rows()
    assert dict(got)["provider_type"] == ["intern", "kommunal", "privat", "regional", "ukendt"]
    assert dict(got)["account"] == ["5.28.20", "5.28.21", "5.28.23", "5.57.72"]
    assert dict(got)["budget_area"] == [ANB, FOR, HC]


def test_budget_areas(con):
    assert call(con, "mart_economy_budget_areas", p_month=M) == [
        # budget, twelfths 4/12, actual, actual - twelfths, committed, forecast, forecast - budget
        # Anbringelser: 1.200.000 × 4/12 = 400.000; 145.000 - 400.000; 145.000 + 960.000 = 1.105.000
        (ANB, False, 1_200_000, 400_000, 145_000, -255_000, 960_000, 1_105_000, -95_000),
        # Forebyggende: 60.000 × 4/12 = 20.000; 6.000 + 9.200 = 15.200; 15.200 - 60.000 = -44.800
        (FOR, False, 60_000, 20_000, 6_000, -14_000, 9_200, 15_200, -44_800),
        # no budget: the deviations are empty, the spending counts
        (HC, False, None, None, 2_000, None, 0, 2_000, None),
        # together: 1.260.000, 420.000, 153.000 (153.000 - 420.000), 969.200, 1.122.200 (- 1.260.000)
        ("I alt", True, 1_260_000, 420_000, 153_000, -267_000, 969_200, 1_122_200, -137_800),
    ]
    assert call(con, "mart_economy_budget_areas", p_month=M, p_budget_area=[FOR]) == [
        (FOR, False, 60_000, 20_000, 6_000, -14_000, 9_200, 15_200, -44_800),
        ("I alt", True, 60_000, 20_000, 6_000, -14_000, 9_200, 15_200, -44_800),
    ]


def test_cumulative(con):
    got = call(con, "mart_economy_cumulative", p_month=M, p_provider_type=["kommunal"])
    # the budget in twelfths is not touched by a filter below budget area: 1.260.000 / 12 = 105.000 a month
    assert got[:3] == [
        ("Budget (1/12-dele)", date(2024, 1, 1), 105_000),
        ("Budget (1/12-dele)", date(2024, 2, 1), 210_000),
        ("Budget (1/12-dele)", date(2024, 3, 1), 315_000),
    ]
    assert len([r for r in got if r[0] == "Budget (1/12-dele)"]) == 12
    # kommunal spending is A's: 30.000 (Jan), + 30.000 (Feb), - 5.000 (Mar); nothing in April
    assert [r for r in got if r[0] != "Budget (1/12-dele)"] == [
        ("Forbrug år til dato", date(2024, 1, 1), 30_000),
        ("Forbrug år til dato", date(2024, 2, 1), 60_000),
        ("Forbrug år til dato", date(2024, 3, 1), 55_000),
        ("Forbrug år til dato", date(2024, 4, 1), 55_000),
    ]


def test_breakdown(con):
    assert call(con, "mart_economy_breakdown", p_month=M, p_dim="budget_area") == [
        # month, to date, committed, forecast; largest forecast first
        (ANB, 30_000, 145_000, 960_000, 1_105_000),
        (FOR, 6_000, 6_000, 9_200, 15_200),
        (HC, 2_000, 2_000, 0, 2_000),
    ]
    # within two filters: account 5.28.20 is A and C, both Anbringelser
    assert call(con, "mart_economy_breakdown", p_month=M, p_dim="provider_type", p_account=["5.28.20"]) == [
        ("privat", 0, 0, 720_000, 720_000),
        ("kommunal", 0, 55_000, 240_000, 295_000),
    ]


def test_waterfall(con):
    assert call(con, "mart_economy_waterfall", p_month=M) == [
        (0, "Budget", "Budget", 0, 1_260_000, 1_260_000),
        # Anbringelser 1.105.000 - 1.200.000 = -95.000 from 1.260.000
        (1, ANB, "Mindreforbrug", 1_260_000, 1_165_000, -95_000),
        # Forebyggende 15.200 - 60.000 = -44.800
        (2, FOR, "Mindreforbrug", 1_165_000, 1_120_200, -44_800),
        # Handicap 2.000 - 0 (no budget)
        (3, HC, "Merforbrug", 1_120_200, 1_122_200, 2_000),
        (1000, "Forventet forbrug", "Forventet forbrug", 0, 1_122_200, 1_122_200),
    ]
    # one area: its budget, its step, its forecast
    assert call(con, "mart_economy_waterfall", p_month=M, p_budget_area=[FOR]) == [
        (0, "Budget", "Budget", 0, 60_000, 60_000),
        (1, FOR, "Mindreforbrug", 60_000, 15_200, -44_800),
        (1000, "Forventet forbrug", "Forventet forbrug", 0, 15_200, 15_200),
    ]


def test_commitments(con):
    got = db.select_view(con, "mart_economy_commitments", p_month=M)
    assert got.select("measure_id", "monthly_cost_dkk", "committed_dkk").rows() == [
        ("C", 90_000, 720_000),  # 8 × 90.000
        ("A", 30_000, 240_000),  # 8 × 30.000
        ("B", 6_000, 9_200),  # 6.000 + 16/30 × 6.000
    ]
    assert call(con, "mart_economy_commitments", p_month=M, p_limit=1)[0][0] == "C"
    only = db.select_view(con, "mart_economy_commitments", p_month=M, p_account=["5.28.21"])
    assert only["measure_id"].to_list() == ["B"]


def test_unit_prices_and_trend(con):
    assert call(con, "mart_economy_unit_prices", p_month=M) == [
        # children, contracted per child, children paid for, paid per child
        # A is active at the month's end, nothing paid for it in April (no child paid for: no price)
        ("Anbringelse i almen plejefamilie", "kommunal", 1, 30_000, 0, None),
        # E ended 15 April: not active at the month's end, 30.000 paid for half of April
        ("Anbringelse på døgninstitution", "regional", 0, None, 1, 30_000),
        ("Fast kontaktperson", "intern", 1, 6_000, 1, 6_000),
    ]
    assert call(
        con, "mart_economy_unit_price_trend", p_month=M, p_measure_label="Fast kontaktperson", p_months=3
    ) == [
        # the three months February–April: betalt only in April, kontrakt at each month's end
        ("Fast kontaktperson", "intern · betalt", date(2024, 4, 1), 6_000),
        ("Fast kontaktperson", "intern · kontrakt", date(2024, 2, 1), 6_000),
        ("Fast kontaktperson", "intern · kontrakt", date(2024, 3, 1), 6_000),
        ("Fast kontaktperson", "intern · kontrakt", date(2024, 4, 1), 6_000),
    ]


def test_started_ended_and_no_effects_with_a_single_import(con):
    # started: A Jan 2023 (30.000 a month), B Jan 2024 (6.000), E Feb (60.000), C May (90.000); ended: E 15 April,
    # B 16 June
    assert db.query(con, "select * from mart_measures_started_ended order by month").rows() == [
        (date(2023, 1, 1), "Anbringelse i almen plejefamilie", 1, 0, 30_000, None),
        (date(2024, 1, 1), "Fast kontaktperson", 1, 0, 6_000, None),
        (date(2024, 2, 1), "Anbringelse på døgninstitution", 1, 0, 60_000, None),
        (date(2024, 4, 1), "Anbringelse på døgninstitution", 0, 1, None, 60_000),
        (date(2024, 5, 1), "Anbringelse på opholdssted (børne- og ungehjem)", 1, 0, 90_000, None),
        (date(2024, 6, 1), "Fast kontaktperson", 0, 1, None, 6_000),
    ]
    assert db.scalar(con, "select count(*) from mart_measure_change_effects") == 0
    assert call(con, "mart_economy_reconciliation", p_month=M, p_detail=True) == []


# ---- two imports: the reconciliation in whole øre ------------------------------------------------------------

NOV = date(2024, 11, 1)


def measure(mid, child, start, end=None, cost=10):
    """A contact person from Familiehuset (intern)."""
    return measure_row(
        mid, child, "KONTAKTPERSON", start, end, provider="intern", cost=cost, name="Familiehuset"
    )


@pytest.fixture(scope="module")
def ore(tmp_path_factory):
    """November 2024: the forecast's rest of the year is December (31 days). No payments (actual 0).
    Before:  Y 22 Dec – (10 days) at 10 kr.;  Z 1 Jun – 21 Dec at 17 kr. (21 December days)
    After:   Y's price 23 kr. ('pris');  Z open ('forlænget', 10 more days);  N new from 22 Dec at 9 kr. ('ny').
    Previous forecast: 10 × 10/31 + 17 × 21/31 = 3,2258 + 11,5161 = 14,7419 → 14,74
    This forecast: 23 × 10/31 + 17 + 9 × 10/31 = 7,4194 + 17 + 2,9032 = 27,3226 → 27,32; difference 12,58
    Effects in øre: ny 9 × 1000/31 = 290,32; forlænget 17 × 1000/31 = 548,39; pris 13 × 1000/31 = 419,35
    (sum 1.258,06: the rest 27,32 - 14,74 - 12,5806 is within the forecasts' rounding: 0). Rounded one by one
    they show 2,90 + 5,48 + 4,19 = 12,57, an øre short."""
    path = tmp_path_factory.mktemp("ore") / "mi.duckdb"
    children = [{"child_id": c} for c in ("B1", "B2", "B3")]
    before = [measure("Y", "B1", "2024-12-22"), measure("Z", "B2", "2024-06-01", "2024-12-21", 17)]
    after = [
        measure("Y", "B1", "2024-12-22", cost=23),
        measure("Z", "B2", "2024-06-01", cost=17),
        measure("N", "B3", "2024-12-22", cost=9),
    ]
    for rows in (before, after):
        tables = {"children": children, "measures": rows}
        db.build(path, {t: frame(t, r) for t, r in tables.items()}, Settings(), read_catalogue())
    con = db.connect(path)
    yield con
    con.close()


def test_reconciliation_lines_add_up_to_the_ore_as_shown(ore):
    got = call(ore, "mart_economy_reconciliation", p_month=NOV, p_detail=True)
    assert got == [
        (1, "Forventet forbrug, forrige indlæsning (version 1)", None, 14.74),
        (2, "Ændring i faktisk forbrug (nye og rettede posteringer)", None, 0),
        # floors 290 + 548 + 419 = 1.257 øre; 1.258 to reach: the largest remainder (forlænget, 0,39) takes it
        (4, "Virkning: ny", 1, 2.90),
        (6, "Virkning: forlænget", 1, 5.49),
        (7, "Virkning: pris", 1, 4.19),
        (20, "Uforklaret rest", None, 0),
        (21, "Forventet forbrug, denne indlæsning (version 2)", None, 27.32),
    ]
    # 14,74 + 0 + 2,90 + 5,49 + 4,19 + 0 = 27,32
    assert round(sum(r[3] for r in got[:-1]), 2) == got[-1][3]
    # the committee's one line: 12,58, without the number of measures
    assert call(ore, "mart_economy_reconciliation", p_month=NOV, p_detail=False)[2] == (
        3,
        "Virkning af ændrede indsatser",
        None,
        12.58,
    )


def test_effects_by_type(ore):
    got = db.query(
        ore,
        "select measure_type, change_type, n_measures, effect_dkk from mart_measure_change_effects "
        "where month = $m order by change_type",
        {"m": NOV},
    ).rows()
    # to the øre, each alone: 548,39 / 290,32 / 419,35 øre
    assert got == [
        ("Fast kontaktperson", "forlænget", 1, 5.48),
        ("Fast kontaktperson", "ny", 1, 2.90),
        ("Fast kontaktperson", "pris", 1, 4.19),
    ]
