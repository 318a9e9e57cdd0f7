"""mi.economy on hand-written rows: what the Økonomi screen shows (budget against actual by area, breakdowns and
filters adding up to mi.kpi's forecast, the waterfall from budget to forecast, the largest commitments, the target
path in words, unit prices) and the changes between two imports reconciling line by line.

The month is April 2024 (E = 30 April). Rows, by hand:
  A  B1 almen plejefamilie, kommunal, Plejefamilien Eg, 1 Jan 2023 – open, 30.000 kr./md.      Anbringelser 5.28.20
  B  B2 kontaktperson, intern, Familiehuset, 1 Jan – 16 Jun 2024 (ends mid-month), 6.000 kr./md. Forebyggende 5.28.21
  C  B3 opholdssted, privat, Opholdsstedet Fyr, starts next month (1 May 2024), 90.000 kr./md.   Anbringelser 5.28.20
  E  B4 døgninstitution, regional, Døgninstitutionen Syd, 1 Feb – 15 Apr 2024 (ended in M), 60.000 kr./md.
                                                                                                    Anbringelser 5.28.23
  payments: A 30.000 (Jan), 30.000 (Feb), -5.000 refund (Mar); B 6.000 (Apr); E 60.000 (Mar), 30.000 (Apr);
  lost earnings without a measure 2.000 (Apr, Handicapkompensation 5.57.72); A 99.999 posted 10 May (after M).
  budget 2024: Anbringelser 1.200.000, Forebyggende foranstaltninger 60.000 (no budget for Handicapkompensation).

  actual to date:  Anbringelser A 55.000 + E 90.000 = 145.000; Forebyggende 6.000; Handicap 2.000 → 153.000
  committed May–Dec: A 8 × 30.000 = 240.000; C 8 × 90.000 = 720.000; E 0 (ended);
                     B May 6.000 + June 16/30 × 6.000 = 3.200 → 9.200
  forecast: Anbringelser 145.000 + 960.000 = 1.105.000; Forebyggende 6.000 + 9.200 = 15.200; Handicap 2.000
            → 1.122.200 against the budget 1.260.000
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from mi import db, economy, fmt, kpi
from mi.settings import BudgetSettings, Settings
from tests.conftest import build_db, frame, read_catalogue
from tests.conftest import measure as m
from tests.conftest import payment as pay

M = date(2024, 4, 1)
SETTINGS = Settings(
    budget=BudgetSettings(
        baseline_year=2022, baseline_overspend_dkk=3_000_000, annual_reduction_dkk=2_000_000
    )
)
CHILDREN = [{"child_id": f"B{i}"} for i in range(1, 6)]


MEASURES = [
    m("A", "B1", "ANBR_PLEJEFAMILIE", "2023-01-01", cost=30000, provider="kommunal", name="Plejefamilien Eg"),
    m(
        "B",
        "B2",
        "KONTAKTPERSON",
        "2024-01-01",
        "2024-06-16",
        cost=6000,
        provider="intern",
        name="Familiehuset",
    ),
    m("C", "B3", "ANBR_OPHOLDSSTED", "2024-05-01", cost=90000, provider="privat", name="Opholdsstedet Fyr"),
    m(
        "E",
        "B4",
        "ANBR_DOGNINSTITUTION",
        "2024-02-01",
        "2024-04-15",
        cost=60000,
        provider="regional",
        name="Døgninstitutionen Syd",
    ),
]


PAYMENTS = [
    pay("P2", "2024-01-31", 30000, "A"),
    pay("P3", "2024-02-29", 30000, "A"),
    pay("P4", "2024-03-31", -5000, "A"),  # a refund
    pay("P5", "2024-04-30", 6000, "B"),
    pay("P7", "2024-03-31", 60000, "E"),
    pay("P8", "2024-04-30", 30000, "E"),
    pay("P9", "2024-04-15", 2000, code="TABT_ARBEJDSFORTJENESTE"),
    pay("P10", "2024-05-10", 99999, "A"),  # posted after M: not in April's figures
]
BUDGET = [
    {"year": 2024, "budget_area": "Anbringelser", "budget_dkk": 1200000},
    {"year": 2024, "budget_area": "Forebyggende foranstaltninger", "budget_dkk": 60000},
]
ALL = economy.Filters()


@pytest.fixture(scope="module")
def con():
    return build_db(settings=SETTINGS, children=CHILDREN, measures=MEASURES, payments=PAYMENTS, budget=BUDGET)


def test_the_fixture_forecast_is_the_kpi(con):
    v = kpi.values(con, M)
    assert v["actual_ytd_dkk"] == pytest.approx(153_000)
    assert v["forecast_dkk"] == pytest.approx(1_122_200)


def test_budget_by_area(con):
    got = economy.budget_by_area(con, M, ALL)
    assert got["Budgetområde"].to_list() == [
        "Anbringelser",
        "Forebyggende foranstaltninger",
        "Handicapkompensation",
        "I alt",
    ]
    rows = {r["Budgetområde"]: r for r in got.iter_rows(named=True)}
    anb = rows["Anbringelser"]
    # twelfths: 1.200.000 × 4/12 = 400.000; actual 145.000 → 255.000 under the profile
    assert anb["Budget til dato"] == 400_000
    assert anb["Forbrug til dato"] == 145_000
    assert anb["Afvigelse til dato"] == -255_000
    assert anb["Bevilget resten"] == 960_000
    assert anb["Forventet"] == 1_105_000
    assert anb["Forventet afvigelse"] == -95_000
    # no budget for Handicapkompensation: no deviation, but its spending is counted
    hc = rows["Handicapkompensation"]
    assert hc["Budget"] is None and hc["Forventet afvigelse"] is None and hc["Forventet"] == 2_000
    total = rows["I alt"]
    # 1.105.000 + 15.200 + 2.000 = 1.122.200 against 1.260.000 → -137.800
    assert (total["Budget"], total["Forventet"], total["Forventet afvigelse"]) == (
        1_260_000,
        1_122_200,
        -137_800,
    )


def test_budget_area_filter(con):
    got = economy.budget_by_area(con, M, economy.Filters({"budget_area": ["Forebyggende foranstaltninger"]}))
    # the area and its total: budget 60.000, forecast 15.200
    assert got.select("Budgetområde", "Budget", "Forventet").rows() == [
        ("Forebyggende foranstaltninger", 60_000, 15_200),
        ("I alt", 60_000, 15_200),
    ]


def test_cumulative_against_twelfths(con):
    got = economy.cumulative(con, M, ALL)
    spent = got.filter(pl.col("Serie") == "Forbrug år til dato").sort("Måned")
    # Jan 30.000; Feb 60.000; Mar 60.000 - 5.000 + 60.000 = 115.000; Apr + 30.000 + 6.000 + 2.000 = 153.000;
    # nothing after M (the May payment is not shown)
    assert spent["Beløb"].to_list() == [30_000, 60_000, 115_000, 153_000]
    profile = dict(got.filter(pl.col("Serie") == "Budget (1/12-dele)").select("Måned", "Beløb").rows())
    # 1.260.000 / 12 = 105.000 a month
    assert profile[date(2024, 1, 1)] == 105_000 and profile[date(2024, 4, 1)] == 420_000
    # the profile runs to December even though the data's months end in June (the year's budget in full)
    assert profile[date(2024, 12, 1)] == 1_260_000


@pytest.mark.parametrize("dim", list(economy.DIMS))
def test_every_breakdown_adds_up_to_the_forecast(con, dim):
    got = economy.breakdown(con, M, dim, ALL)
    assert got["Forventet forbrug"].sum() == pytest.approx(1_122_200)
    assert got["Forbrug år til dato"].sum() == pytest.approx(153_000)


def test_breakdown_by_provider_type(con):
    got = economy.breakdown(con, M, "provider_type", ALL)
    assert got.select("Leverandørtype", "Forbrug år til dato", "Bevilget resten af året").rows() == [
        ("privat", 0, 720_000),  # C starts next month: all committed
        ("kommunal", 55_000, 240_000),  # A: 30.000 + 30.000 - 5.000 refund; 8 months left
        ("regional", 90_000, 0),  # E ended 15 April: nothing left
        ("intern", 6_000, 9_200),  # B: May 6.000 + 16/30 of June
        ("ukendt", 2_000, 0),  # the lost-earnings posting without a measure
    ]


def test_filters_combine(con):
    f = economy.Filters({"provider_type": ["privat", "kommunal"], "account": ["5.28.20"]})
    got = economy.breakdown(con, M, "measure_label", f)
    assert got.select("Indsatstype", "Forventet forbrug").rows() == [
        ("Anbringelse på opholdssted (børne- og ungehjem)", 720_000),
        ("Anbringelse i almen plejefamilie", 295_000),
    ]
    by_provider = economy.breakdown(
        con, M, "provider_name", economy.Filters({"provider_name": ["Familiehuset"]})
    )
    assert by_provider.select("Leverandør", "Forventet forbrug").rows() == [("Familiehuset", 15_200)]
    assert f.below_area and not economy.Filters({"budget_area": ["Anbringelser"]}).below_area


def test_options_per_role(con):
    leader = economy.options(con, M, "oekonomi")
    assert leader["provider_type"] == ["intern", "kommunal", "privat", "regional", "ukendt"]
    assert leader["account"] == ["5.28.20", "5.28.21", "5.28.23", "5.57.72"]
    # the committee filters by budget area only
    assert list(economy.options(con, M, "udvalg")) == ["budget_area"]


def test_waterfall_from_budget_to_forecast(con):
    got = economy.waterfall(con, M, ALL)
    assert got.select("Trin", "Type", "Fra", "Til", "Beløb").rows() == [
        ("Budget", "Budget", 0, 1_260_000, 1_260_000),
        # each area's forecast minus its budget, one after the other
        ("Anbringelser", "Mindreforbrug", 1_260_000, 1_165_000, -95_000),
        ("Forebyggende foranstaltninger", "Mindreforbrug", 1_165_000, 1_120_200, -44_800),
        ("Handicapkompensation", "Merforbrug", 1_120_200, 1_122_200, 2_000),
        # the last step ends at the forecast
        ("Forventet forbrug", "Forventet forbrug", 0, 1_122_200, 1_122_200),
    ]
    chart = economy.waterfall_chart(got)
    labels = (
        [r["tekst"] for r in chart["layer"][0]["data"]["values"]] if "data" in chart["layer"][0] else None
    )
    texts = labels or [r["tekst"] for r in chart["data"]["values"]]
    # the steps carry their sign
    assert texts == ["1,26 mio. kr.", "-95.000 kr.", "-44.800 kr.", "+2.000 kr.", "1,12 mio. kr."]


def test_largest_commitments(con):
    got = economy.commitments(con, M, ALL)
    assert got.select("Indsats-id", "Bevilget resten af året").rows() == [
        ("C", 720_000),
        ("A", 240_000),
        ("B", 9_200),
    ]
    assert economy.commitments(con, M, ALL, n=1)["Indsats-id"].to_list() == ["C"]
    intern = economy.commitments(con, M, economy.Filters({"provider_type": ["intern"]}))
    assert intern.select("Indsats-id", "Slut", "Månedspris").rows() == [("B", date(2024, 6, 16), 6_000)]


def test_target_path_in_words(con):
    path = economy.path(con, M)
    status = economy.path_status(path)
    # 2024: overspend 1.122.200 - 1.260.000 = -137.800 against 3.000.000 - 2.000.000 × 2 = -1.000.000:
    # 862.200 above the path
    assert status["label"] == "Over målet" and status["status"] == "daarlig"
    assert status["gap_dkk"] == pytest.approx(862_200)
    assert "862.200 kr. over målet for 2024" in status["text"]
    table = economy.path_table(path)
    assert table.select("År", "Grundlag", "Mål for merforbrug", "På målet").rows() == [
        ("2022", "regnskab", 3_000_000, "–"),
        ("2023", "regnskab", 1_000_000, "–"),  # no budget for 2023: no overspend to judge
        ("2024", "forventet", -1_000_000, "Nej"),
    ]


def test_unit_prices_contracted_beside_paid(con):
    got = economy.unit_prices(con, M, ALL)
    assert got.select("Indsatstype", "Leverandørtype", "Kontraktpris pr. barn", "Betalt pr. barn").rows() == [
        # A is active at the month's end (30.000) but nothing was paid for it in April
        ("Anbringelse i almen plejefamilie", "kommunal", 30_000, None),
        # E ended on 15 April: not active at the month's end, paid 30.000 for half of April
        ("Anbringelse på døgninstitution", "regional", None, 30_000),
        ("Fast kontaktperson", "intern", 6_000, 6_000),
        # (the lost-earnings posting without a child gives no price per child: left out)
    ]
    only = economy.unit_prices(con, M, economy.Filters({"provider_type": ["intern"]}))
    assert only["Indsatstype"].to_list() == ["Fast kontaktperson"]
    trend = economy.unit_price_trend(con, M, "Fast kontaktperson")
    # contracted 6.000 at the end of Jan–Apr; paid only in April
    assert trend.filter(pl.col("Serie") == "intern · kontrakt")["Kr. pr. barn"].to_list() == [6_000] * 4
    assert trend.filter(pl.col("Serie") == "intern · betalt").rows() == [
        (date(2024, 4, 1), "intern · betalt", 6_000)
    ]


def test_single_import_lists_started_and_ended(con):
    fc = economy.forecast_change(con, M)
    assert fc["has_previous"] is False
    assert economy.reconciliation(con, M).height == 0
    got = economy.measure_changes(con, M)
    # April: E ended on 15 April (C starts in May, B ends in June)
    assert got.select("Indsats-id", "Ændring").rows() == [("E", "afsluttet eller fået slutdato")]
    may = economy.measure_changes(con, date(2024, 5, 1))
    assert may.select("Indsats-id", "Ændring").rows() == [("C", "startet")]
    # the list on screen: started before ended, with the end date and the monthly cost
    assert economy.started_ended(con, M).select("Indsats-id", "Ændring", "Slut", "Månedspris").rows() == [
        ("E", "afsluttet", date(2024, 4, 15), 60_000)
    ]
    # June: B ends on 16 June; counted by measure type with its monthly cost
    assert economy.started_ended_by_type(con, date(2024, 6, 1)).rows() == [
        ("Fast kontaktperson", 0, 1, None, 6_000)
    ]


# ---- two imports ----------------------------------------------------------------------------------------


def _build(path, measures, payments):
    tables = {"children": CHILDREN, "measures": measures, "payments": payments, "budget": BUDGET}
    return db.build(path, {t: frame(t, rows) for t, rows in tables.items()}, SETTINGS, read_catalogue())


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """The next import: A is given an end date (30 Sep), C's price rises to 99.000 between the imports, D is new
    (family treatment from 1 July, 10.000 kr./md.), and a refund of 3.000 kr. on A is posted on 20 April."""
    path = tmp_path_factory.mktemp("two") / "mi.duckdb"
    _build(path, MEASURES, PAYMENTS)
    measures = [
        m(
            "A",
            "B1",
            "ANBR_PLEJEFAMILIE",
            "2023-01-01",
            "2024-09-30",
            cost=30000,
            provider="kommunal",
            name="Plejefamilien Eg",
        ),
        MEASURES[1],
        m(
            "C",
            "B3",
            "ANBR_OPHOLDSSTED",
            "2024-05-01",
            cost=99000,
            provider="privat",
            name="Opholdsstedet Fyr",
        ),
        MEASURES[3],
        m("D", "B5", "FAMILIEBEHANDLING", "2024-07-01", cost=10000, provider="intern", name="Familiehuset"),
    ]
    payments = [*PAYMENTS, pay("P11", "2024-04-20", -3000, "A")]
    assert _build(path, measures, payments) == 2
    con = db.connect(path)
    yield con
    con.close()


def test_reconciliation_lines(two):
    rec = economy.reconciliation(two, M)
    assert rec.select("Post", "Antal indsatser", "Beløb").rows() == [
        ("Forventet forbrug, forrige indlæsning (version 1)", None, 1_122_200),
        # the refund posted in April
        ("Ændring i faktisk forbrug (nye og rettede posteringer)", None, -3_000),
        # D: July–December 6 × 10.000
        ("Virkning: nye indsatser", 1, 60_000),
        # A ends 30 Sep instead of running on: October–December 3 × 30.000 fewer
        ("Virkning: afsluttet eller fået slutdato", 1, -90_000),
        # C: May–December 8 × (99.000 - 90.000)
        ("Virkning: ændret månedspris", 1, 72_000),
        ("Uforklaret rest", None, 0),
        # 1.122.200 - 3.000 + 60.000 - 90.000 + 72.000 = 1.161.200
        ("Forventet forbrug, denne indlæsning (version 2)", None, 1_161_200),
    ]
    assert kpi.values(two, M)["forecast_dkk"] == pytest.approx(1_161_200)


def test_effects_summed_by_measure_type(two):
    got = economy.effects_by_type(two, M)
    assert got.select("Indsatstype", "Ændring", "Virkning på forventet forbrug").rows() == [
        ("Anbringelse i almen plejefamilie", "afsluttet eller fået slutdato", -90_000),
        ("Anbringelse på opholdssted (børne- og ungehjem)", "ændret månedspris", 72_000),
        ("Familiebehandling", "ny", 60_000),
    ]
    changes = economy.measure_changes(two, M)
    assert changes.select("Indsats-id", "Månedspris før", "Månedspris nu").rows() == [
        ("A", 30_000, 30_000),
        ("C", 90_000, 99_000),
        ("D", None, 10_000),
    ]


def test_danish_text_for_the_screen():
    f = pl.DataFrame(
        {"a": [1234567.4, None], "n": [1234, None], "d": [date(2026, 3, 5), None], "t": ["x", "y"]}
    )
    assert fmt.danish_table(f).rows() == [("1.234.567 kr.", "1.234", "05.03.2026", "x"), ("", "", "", "y")]
    assert fmt.danish_table(f, 2)["a"][0] == "1.234.567,40 kr."
    assert fmt.danish_table(f, kr=False)["a"][0] == "1.234.567"


def test_detail_only_for_leder_and_oekonomi():
    assert economy.may_see_detail("leder") and economy.may_see_detail("oekonomi")
    assert not economy.may_see_detail("udvalg") and not economy.may_see_detail(None)
    assert list(economy.dims_for("udvalg")) == ["budget_area"]


def test_committee_reconciliation_has_one_effect_line_and_no_counts(two):
    rec = economy.reconciliation(two, M, detail=False)
    assert "Antal indsatser" not in rec.columns
    assert rec.rows() == [
        ("Forventet forbrug, forrige indlæsning (version 1)", 1_122_200),
        ("Ændring i faktisk forbrug (nye og rettede posteringer)", -3_000),
        # 60.000 - 90.000 + 72.000
        ("Virkning af ændrede indsatser", 42_000),
        ("Uforklaret rest", 0),
        ("Forventet forbrug, denne indlæsning (version 2)", 1_161_200),
    ]


def test_single_import_a_measure_started_and_ended_in_the_month_counts_as_both():
    # S runs 13–27 February 2024: it started and ended in February, so it is one row saying both, and it counts
    # among the started and among the ended measures of the month (1 and 1, 3.000 kr. a month each)
    one = build_db(
        children=[{"child_id": "B1"}],
        measures=[
            m("S", "B1", "KONTAKTPERSON", "2024-02-13", provider="intern", end="2024-02-27", cost=3000)
        ],
        payments=[pay("P", "2024-02-29", 1500, measure="S")],
    )
    feb = date(2024, 2, 1)
    assert economy.started_ended(one, feb).select("Indsats-id", "Ændring").rows() == [
        ("S", "startet og afsluttet")
    ]
    assert economy.started_ended_by_type(one, feb).rows() == [("Fast kontaktperson", 1, 1, 3_000, 3_000)]
