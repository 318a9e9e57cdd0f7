"""Scenarios (DOMAIN.md "Scenarios"): unit prices, savings this year and next, forecast, overspend and the gap to
the target after the moves, by hand on a small town; `python -m mi scenario` equal to the same hand computation on
a data folder; clear Danish errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from mi import db, scenario, scenario_saved, scenario_tables
from mi.__main__ import main
from mi.settings import BudgetSettings, Settings
from tests.conftest import build_db, frame, measure, read_catalogue

# Base month March 2024: E = 31 March 2024.
SETTINGS = Settings(
    budget=BudgetSettings(baseline_year=2023, baseline_overspend_dkk=1_000_000, annual_reduction_dkk=500_000)
)


TABLES = {
    "children": [{"child_id": f"B{i}"} for i in range(1, 11)],
    "measures": [
        measure("M1", "B1", "ANBR_OPHOLDSSTED", "2024-01-01", provider="privat", cost="90000"),
        measure("M2", "B2", "ANBR_OPHOLDSSTED", "2024-01-01", provider="privat", cost="80000"),
        measure("M3", "B3", "ANBR_OPHOLDSSTED", "2024-02-01", provider="kommunal", cost="70000"),
        measure("M4", "B4", "ANBR_PLEJEFAMILIE", "2023-06-01", provider="kommunal", cost="30000"),
        measure("M5", "B5", "ANBR_PLEJEFAMILIE", "2024-01-15", provider="kommunal", cost="34000"),
        measure("M6", "B6", "FAMILIEBEHANDLING", "2024-02-01", provider="privat", cost="20000"),
        measure("M7", "B7", "FAMILIEBEHANDLING", "2024-02-01", provider="intern", cost="8000"),
        # ended 15 March, before E: not in any price
        measure(
            "M8", "B8", "FAMILIEBEHANDLING", "2024-01-01", provider="intern", cost="12000", end="2024-03-15"
        ),
        # active on E but without a monthly cost: KONSULENT has no price
        measure("M9", "B1", "KONSULENT", "2024-01-01", provider="intern"),
        measure("M10", "B9", "TABT_ARBEJDSFORTJENESTE", "2024-01-01", provider="kommunal", cost="5000"),
        # starts 1 April, after E: ANBR_NETVAERK has no price in March
        measure("M11", "B10", "ANBR_NETVAERK", "2024-04-01", provider="kommunal", cost="15000"),
    ],
    "payments": [{"payment_id": "P1", "posted_on": "2024-03-31", "amount_dkk": "500000", "measure_id": "M1"}],
    "budget": [{"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "3000000"}],
}
MARCH = date(2024, 3, 1)
# Forecast for 2024 at March: paid 500.000 + committed April–December (9 months, none ends before December):
#   M1–M7, M10: (90.000 + 80.000 + 70.000 + 30.000 + 34.000 + 20.000 + 8.000 + 5.000) × 9 = 337.000 × 9 = 3.033.000
#   M11 from 1 April: 15.000 × 9 = 135.000; M8 ended: 0          → forecast 500.000 + 3.168.000 = 3.668.000
FORECAST = 3_668_000
BUDGET = 3_000_000
# target 2024: baseline overspend 1.000.000 − 500.000 × (2024 − 2023) = 500.000
TARGET = 500_000


@pytest.fixture(scope="module")
def town():
    return build_db(SETTINGS, **TABLES)


def run(con, *moves, prices=None):
    return scenario.compute(con, MARCH, [scenario.parse_move(t) for t in moves], prices or {})


def test_unit_prices_per_code_and_per_code_and_provider(town):
    got = {
        r[0]: (r[1], r[2])
        for r in db.query(
            town,
            "select price_key, price_dkk, n_measures from mart_scenario_prices where month = $m",
            {"m": MARCH},
        ).rows()
    }
    assert got == {
        # (90.000 + 80.000 + 70.000) / 3
        "ANBR_OPHOLDSSTED": (80_000.0, 3),
        # (90.000 + 80.000) / 2
        "ANBR_OPHOLDSSTED/privat": (85_000.0, 2),
        "ANBR_OPHOLDSSTED/kommunal": (70_000.0, 1),
        # (30.000 + 34.000) / 2
        "ANBR_PLEJEFAMILIE": (32_000.0, 2),
        "ANBR_PLEJEFAMILIE/kommunal": (32_000.0, 2),
        # M6 and M7 (M8 ended 15 March): (20.000 + 8.000) / 2
        "FAMILIEBEHANDLING": (14_000.0, 2),
        "FAMILIEBEHANDLING/privat": (20_000.0, 1),
        "FAMILIEBEHANDLING/intern": (8_000.0, 1),
        "TABT_ARBEJDSFORTJENESTE": (5_000.0, 1),
        "TABT_ARBEJDSFORTJENESTE/kommunal": (5_000.0, 1),
        # no KONSULENT (no monthly cost) and no ANBR_NETVAERK (not active on 31 March)
    }
    # in April M11 has started and M8 is long gone: network care is priced from its one measure
    april = db.query(
        town,
        "select price_dkk, n_measures from mart_scenario_prices where month = '2024-04-01' "
        "and price_key = 'ANBR_NETVAERK'",
    ).rows()
    assert april == [(15_000.0, 1)]


def test_unit_prices_marks_few_measures_uncertain(town):
    up = scenario.unit_prices(town, MARCH)
    uncertain = dict(zip(up["price_key"], up["is_uncertain"], strict=True))
    # 3 measures behind ANBR_OPHOLDSSTED: certain; 2 behind ANBR_PLEJEFAMILIE: uncertain
    assert uncertain["ANBR_OPHOLDSSTED"] is False and uncertain["ANBR_PLEJEFAMILIE"] is True


def test_months_counted_from_the_start_month_and_the_next_year(town):
    r = run(town, "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05")
    (mv,) = r["moves"]
    # price from: (90.000 + 80.000) / 2 = 85.000; to: (30.000 + 34.000) / 2 = 32.000
    # monthly saving: 2 × (85.000 − 32.000) = 106.000
    assert (mv["price_from_dkk"], mv["price_to_dkk"], mv["monthly_saving_dkk"]) == (85_000, 32_000, 106_000)
    # May–December 2024: 8 months → 848.000; 2025: 12 months → 1.272.000
    assert (mv["months_this_year"], mv["months_next_year"]) == (8, 12)
    assert r["savings_this_year_dkk"] == 848_000
    assert r["savings_next_year_dkk"] == 1_272_000
    assert r["forecast_dkk"] == FORECAST
    # forecast after: 3.668.000 − 848.000 = 2.820.000; overspend after: 2.820.000 − 3.000.000 = −180.000
    assert r["forecast_after_dkk"] == 2_820_000
    assert r["budget_dkk"] == BUDGET
    assert r["overspend_after_dkk"] == -180_000
    assert r["overspend_target_dkk"] == TARGET
    # gap after: −180.000 − 500.000 = −680.000 (below the target: the plan more than closes it)
    assert r["gap_to_target_after_dkk"] == -680_000
    # before the plan: 3.668.000 − 3.000.000 − 500.000 = 168.000
    assert r["gap_to_target_dkk"] == 168_000


def test_a_start_in_the_base_month_counts_that_month(town):
    # empty TO: the measure ends; price 5.000 − 0; March–December 2024 = 10 months → 50.000; 2025: 60.000
    r = run(town, "TABT_ARBEJDSFORTJENESTE::1:2024-03")
    (mv,) = r["moves"]
    assert mv["to_code"] is None and mv["price_to_dkk"] == 0 and mv["monthly_saving_dkk"] == 5_000
    assert (r["savings_this_year_dkk"], r["savings_next_year_dkk"]) == (50_000, 60_000)


def test_a_start_in_a_later_year_saves_nothing_this_year(town):
    # provider-narrowed keys: 3 × (20.000 − 8.000) = 36.000 a month; 2024: 0; April–December 2025: 9 × 36.000
    r = run(town, "FAMILIEBEHANDLING/privat:FAMILIEBEHANDLING/intern:3:2025-04")
    (mv,) = r["moves"]
    assert mv["monthly_saving_dkk"] == 36_000
    assert (r["savings_this_year_dkk"], r["savings_next_year_dkk"]) == (0, 324_000)
    assert r["forecast_after_dkk"] == FORECAST


def test_a_start_two_years_on_saves_nothing_in_either_year(town):
    r = run(town, "FAMILIEBEHANDLING::1:2026-01")
    assert (r["savings_this_year_dkk"], r["savings_next_year_dkk"]) == (0, 0)


def test_provider_narrowed_price_differs_from_the_code_price(town):
    # ANBR_OPHOLDSSTED/kommunal 70.000 vs ANBR_OPHOLDSSTED 80.000, both to foster care 32.000, one child, from
    # December 2024 (one month this year)
    narrowed = run(town, "ANBR_OPHOLDSSTED/kommunal:ANBR_PLEJEFAMILIE:1:2024-12")
    whole = run(town, "ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:1:2024-12")
    assert narrowed["savings_this_year_dkk"] == 70_000 - 32_000
    assert whole["savings_this_year_dkk"] == 80_000 - 32_000


def test_a_price_given_by_the_user_always_wins(town):
    # ANBR_PLEJEFAMILIE is 32.000 in the data; the user says 40.000: 1 × (80.000 − 40.000) × 10 months (Mar–Dec)
    r = run(town, "ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:1:2024-03", prices={"ANBR_PLEJEFAMILIE": 40_000})
    (mv,) = r["moves"]
    assert mv["price_to_dkk"] == 40_000 and mv["price_to_measures"] is None
    assert r["savings_this_year_dkk"] == 400_000


def test_several_moves_add_up(town):
    r = run(
        town,
        "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05",  # 106.000 × 8 = 848.000; × 12 = 1.272.000
        "TABT_ARBEJDSFORTJENESTE::1:2024-03",  # 5.000 × 10 = 50.000; × 12 = 60.000
        "FAMILIEBEHANDLING/privat:FAMILIEBEHANDLING/intern:3:2025-04",  # 0; 36.000 × 9 = 324.000
        # network care has no measure on 31 March: the user's 15.000; 80.000 − 15.000 = 65.000 × 6 (Jul–Dec)
        # = 390.000; × 12 = 780.000
        "ANBR_OPHOLDSSTED:ANBR_NETVAERK:1:2024-07",
        prices={"ANBR_NETVAERK": 15_000},
    )
    # this year: 848.000 + 50.000 + 0 + 390.000 = 1.288.000; next: 1.272.000 + 60.000 + 324.000 + 780.000
    assert r["savings_this_year_dkk"] == 1_288_000
    assert r["savings_next_year_dkk"] == 2_436_000
    # 3.668.000 − 1.288.000 = 2.380.000; − 3.000.000 = −620.000; − 500.000 = −1.120.000
    assert r["forecast_after_dkk"] == 2_380_000
    assert r["overspend_after_dkk"] == -620_000
    assert r["gap_to_target_after_dkk"] == -1_120_000
    assert [mv["from_code"] for mv in r["moves"]] == [
        "ANBR_OPHOLDSSTED/privat",
        "TABT_ARBEJDSFORTJENESTE",
        "FAMILIEBEHANDLING/privat",
        "ANBR_OPHOLDSSTED",
    ]


def test_the_overspend_path_month_by_month(town):
    r = run(town, "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05")
    p = scenario.path(town, MARCH, r)
    assert p.height == 12
    rows = {
        f"{mo:%m}": row
        for mo, *row in p.select(
            "month", "spend_ytd_dkk", "saving_ytd_dkk", "budget_ytd_dkk", "overspend_after_ytd_dkk"
        ).rows()
    }
    # January, February: nothing paid; March: 500.000 (P1); budget in twelfths: 250.000 a month
    assert rows["01"] == [0.0, 0.0, 250_000.0, -250_000.0]
    assert rows["03"] == [500_000.0, 0.0, 750_000.0, -250_000.0]
    # April: 500.000 + April's commitments 352.000 (337.000 + M11's 15.000); the move starts in May: no saving yet
    assert rows["04"] == [852_000.0, 0.0, 1_000_000.0, -148_000.0]
    # May: + 352.000 = 1.204.000; saving 106.000 (one month)
    assert rows["05"] == [1_204_000.0, 106_000.0, 1_250_000.0, 1_204_000 - 106_000 - 1_250_000.0]
    # December: the forecast 3.668.000, eight months saved (848.000); overspend after = −180.000 as the totals
    assert rows["12"] == [FORECAST, 848_000.0, 3_000_000.0, -180_000.0]


def test_gap_in_words(town):
    r = run(town, "FAMILIEBEHANDLING/privat:FAMILIEBEHANDLING/intern:1:2024-04")
    # the gap before is 168.000 = 0,2 mio. kr.; the plan saves 12.000 × 9 = 108.000 = 0,1; 60.000 = 0,1 remain
    assert scenario.gap_sentence(r) == "Planen lukker 0,1 af de 0,2 mio. kr.; der mangler 0,1 mio. kr."
    r = run(town, "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05")
    assert scenario.gap_sentence(r).startswith("Planen lukker hele afstanden til målet på 0,2 mio. kr.")
    # a saving below 50.000 kr. in kroner: 1 × 12.000 × 3 months (October–December) = 36.000
    r = run(town, "FAMILIEBEHANDLING/privat:FAMILIEBEHANDLING/intern:1:2024-10")
    assert scenario.gap_sentence(r) == "Planen lukker 36.000 kr. af de 0,2 mio. kr.; der mangler 0,1 mio. kr."


# ---- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "says"),
    [
        ("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:2", "ikke skrevet rigtigt"),
        ("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:0:2024-05", "positivt helt tal"),
        ("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:1,5:2024-05", "positivt helt tal"),
        ("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:-2:2024-05", "positivt helt tal"),
        ("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:2:maj", "ÅÅÅÅ-MM"),
        ("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:2:2024-13", "ikke en måned"),
        (":ANBR_PLEJEFAMILIE:2:2024-05", "mangler FRA"),
    ],
)
def test_malformed_moves_are_refused_in_danish(move, says):
    with pytest.raises(scenario.ScenarioError, match=says):
        scenario.parse_move(move)


def test_unknown_code_and_provider_type(town):
    with pytest.raises(scenario.ScenarioError, match="Ukendt indsatskode 'ANBR_HOTEL'"):
        run(town, "ANBR_HOTEL:ANBR_PLEJEFAMILIE:1:2024-05")
    with pytest.raises(
        scenario.ScenarioError,
        match="Ukendt leverandørtype 'udland'.*intern, kommunal, regional eller privat",
    ):
        run(town, "ANBR_OPHOLDSSTED/udland:ANBR_PLEJEFAMILIE:1:2024-05")


def test_a_start_before_the_base_month(town):
    with pytest.raises(scenario.ScenarioError, match="starter i februar 2024, før basismåneden marts 2024"):
        run(town, "ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:1:2024-02")


@pytest.mark.parametrize("key", ["ANBR_NETVAERK", "KONSULENT"])
def test_a_code_with_no_priced_measure_asks_for_a_price(town, key):
    # ANBR_NETVAERK: no measure active on 31 March; KONSULENT: active, but without a monthly cost
    with pytest.raises(scenario.ScenarioError, match=f"Ingen aktiv indsats med {key}.*--price {key}=KR"):
        run(town, f"ANBR_OPHOLDSSTED:{key}:1:2024-05")


def test_prices_are_parsed_in_danish_spellings():
    assert scenario.parse_price("anbr_netvaerk=15.000") == ("ANBR_NETVAERK", 15_000.0)
    assert scenario.parse_price("FAMILIEBEHANDLING/Privat=25000,50") == ("FAMILIEBEHANDLING/privat", 25_000.5)
    assert scenario.parse_price("KONSULENT=1.234.567,5") == ("KONSULENT", 1_234_567.5)
    for bad in ("KONSULENT", "KONSULENT=-5", "KONSULENT=mange", "=5"):
        with pytest.raises(scenario.ScenarioError):
            scenario.parse_price(bad)


def test_a_cpr_number_typed_as_a_move_is_masked():
    with pytest.raises(scenario.ScenarioError) as exc:
        scenario.parse_move("010190-1234")
    assert "010190-1234" not in str(exc.value)


# ---- the command line -----------------------------------------------------------------------------------


def write_folder(folder):
    folder.mkdir()
    for table in db.INPUT_TABLES:  # a table the town lacks is a file with only its header
        rows = TABLES.get(table, [])
        cols = [c for c, _ in db.RAW_SCHEMA[table]]
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows({c: r.get(c) for c in cols} for r in rows)
    (folder / "settings.toml").write_text(
        "[budget]\nbaseline_year = 2023\nbaseline_overspend_dkk = 1000000\nannual_reduction_dkk = 500000\n",
        encoding="utf-8",
    )
    return folder


def test_cli_equals_the_hand_computation_on_a_data_folder(tmp_path, capsys):
    folder = write_folder(tmp_path / "data")
    code = main([
        "scenario", "--data", str(folder), "--month", "2024-03",
        "--move", "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05",
        "--move", "ANBR_OPHOLDSSTED:ANBR_NETVAERK:1:2024-07",
        "--move", "TABT_ARBEJDSFORTJENESTE::1:2024-03",
        "--price", "ANBR_NETVAERK=15000",
    ])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) >= {
        "month", "moves", "savings_this_year_dkk", "savings_next_year_dkk", "forecast_dkk", "forecast_after_dkk",
        "budget_dkk", "overspend_after_dkk", "overspend_target_dkk", "gap_to_target_after_dkk",
    }  # fmt: skip
    assert {
        k: out["moves"][0][k]
        for k in ("from_code", "to_code", "children", "start_month", "price_from_dkk", "price_to_dkk",
                  "monthly_saving_dkk")
    } == {
        "from_code": "ANBR_OPHOLDSSTED/privat", "to_code": "ANBR_PLEJEFAMILIE", "children": 2,
        "start_month": "2024-05", "price_from_dkk": 85_000, "price_to_dkk": 32_000, "monthly_saving_dkk": 106_000,
    }  # fmt: skip
    assert out["moves"][2]["to_code"] is None
    # this year: 848.000 + 65.000 × 6 = 390.000 + 5.000 × 10 = 50.000 → 1.288.000
    # next year: 1.272.000 + 780.000 + 60.000 = 2.112.000
    assert (out["savings_this_year_dkk"], out["savings_next_year_dkk"]) == (1_288_000, 2_112_000)
    # 3.668.000 − 1.288.000 = 2.380.000; − 3.000.000 = −620.000; target 500.000: gap −1.120.000
    assert (out["forecast_dkk"], out["forecast_after_dkk"]) == (FORECAST, 2_380_000)
    assert (out["budget_dkk"], out["overspend_after_dkk"]) == (BUDGET, -620_000)
    assert (out["overspend_target_dkk"], out["gap_to_target_after_dkk"]) == (TARGET, -1_120_000)


def test_cli_text_and_errors(tmp_path, capsys):
    folder = write_folder(tmp_path / "data")
    assert main(["scenario", "--data", str(folder), "--month", "2024-03", "--format", "text",
                 "--move", "TABT_ARBEJDSFORTJENESTE::1:2024-03"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "Besparelse 2024: 50.000 kr." in text and "Besparelse 2025: 60.000 kr." in text
    assert main(["scenario", "--data", str(folder), "--month", "2024-03",
                 "--move", "ANBR_OPHOLDSSTED:ANBR_NETVAERK:1:2024-07"]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith("Fejl: Ingen aktiv indsats med ANBR_NETVAERK") and "--price ANBR_NETVAERK=KR" in err
    assert main(["scenario", "--data", str(folder), "--month", "2024-03",
                 "--move", "ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:to:2024-07"]) == 1  # fmt: skip
    assert "positivt helt tal" in capsys.readouterr().err
    assert main(["scenario", "--data", str(folder), "--month", "2030-03",
                 "--move", "ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:1:2030-07"]) == 1  # fmt: skip
    assert "uden for data" in capsys.readouterr().err


# ---- saved and presented scenarios ------------------------------------------------------------------------


def build_file(path, measures=None):
    tables = TABLES | ({"measures": measures} if measures else {})
    db.build(path, {t: frame(t, rows) for t, rows in tables.items()}, SETTINGS, read_catalogue())


PLAN = ["ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05", "ANBR_OPHOLDSSTED:ANBR_NETVAERK:1:2024-07"]


def test_a_saved_scenario_survives_a_reimport(tmp_path):
    path = tmp_path / "mi.duckdb"
    build_file(path)
    moves = [scenario.parse_move(t) for t in PLAN]
    sid = scenario_saved.save("Plan A", MARCH, moves, {"ANBR_NETVAERK": 15_000}, path=path)
    # a second save under the same name replaces the first (one move fewer)
    assert scenario_saved.save("plan a", MARCH, moves[:1], {}, path=path) == sid
    sid = scenario_saved.save("Plan A", MARCH, moves, {"ANBR_NETVAERK": 15_000}, path=path)
    build_file(path)  # the next import: a new database file, history carried over
    con = db.connect(path)
    try:
        s = scenario_saved.load(con, sid)
        assert (s.name, s.month, s.moves, s.prices, s.presented) == (
            "Plan A", MARCH, moves, {"ANBR_NETVAERK": 15_000.0}, None,
        )  # fmt: skip
        assert scenario_saved.saved(con)["name"].to_list() == ["Plan A"]
    finally:
        con.close()


# a fourth private institution, imported after a scenario was presented
M12 = measure("M12", "B10", "ANBR_OPHOLDSSTED", "2024-03-01", provider="privat", cost="100000")


def test_a_presented_scenario_is_frozen_across_a_reimport(tmp_path):
    path = tmp_path / "mi.duckdb"
    build_file(path)
    sid = scenario_saved.save("Plan A", MARCH, [scenario.parse_move(PLAN[0])], {}, path=path)
    scenario_saved.present(sid, path=path)
    # the next import: a fourth private institution at 100.000 raises ANBR_OPHOLDSSTED/privat's price to
    # (90.000 + 80.000 + 100.000) / 3 = 90.000
    build_file(path, TABLES["measures"] + [M12])
    con = db.connect(path)
    try:
        (p,) = scenario_saved.presented(con, MARCH)
        # as presented: 2 × (85.000 − 32.000) = 106.000 a month, × 8 months = 848.000
        assert p["name"] == "Plan A" and p["version_id"] == 1
        assert p["result"]["moves"][0]["price_from_dkk"] == 85_000
        assert p["result"]["savings_this_year_dkk"] == 848_000
        assert p["path"].height == 12 and p["path"]["saving_ytd_dkk"].to_list()[-1] == 848_000
        # today the same scenario computes from the new price: 2 × (90.000 − 32.000) × 8 = 928.000
        s = scenario_saved.load(con, sid)
        assert scenario.compute(con, s.month, s.moves, s.prices)["savings_this_year_dkk"] == 928_000
        assert scenario_saved.presented(con, date(2024, 4, 1)) == []
    finally:
        con.close()
    # frozen: it cannot be replaced, presented again or deleted
    with pytest.raises(scenario.ScenarioError, match="fremlagt for udvalget"):
        scenario_saved.save("Plan A", MARCH, [scenario.parse_move(PLAN[0])], {}, path=path)
    with pytest.raises(scenario.ScenarioError, match="allerede fremlagt"):
        scenario_saved.present(sid, path=path)
    with pytest.raises(scenario.ScenarioError, match="kan ikke slettes"):
        scenario_saved.delete(sid, path=path)


def test_save_refuses_what_cannot_be_computed(tmp_path):
    path = tmp_path / "mi.duckdb"
    build_file(path)
    with pytest.raises(scenario.ScenarioError, match="Ingen aktiv indsats med ANBR_NETVAERK"):
        scenario_saved.save("Plan B", MARCH, [scenario.parse_move(PLAN[1])], {}, path=path)
    with pytest.raises(scenario.ScenarioError, match="navn"):
        scenario_saved.save("  ", MARCH, [scenario.parse_move(PLAN[0])], {}, path=path)
    con = db.connect(path)
    try:
        assert scenario_saved.saved(con).height == 0
    finally:
        con.close()


def test_focus_points_at_the_end_of_the_year(town):
    r = run(
        town,
        "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05",
        "FAMILIEBEHANDLING/privat:FAMILIEBEHANDLING/intern:1:2024-06",
        "TABT_ARBEJDSFORTJENESTE::1:2024-03",
        "ANBR_OPHOLDSSTED:ANBR_NETVAERK:1:2025-01",  # next year: not in this year's end
        prices={"ANBR_NETVAERK": 15_000},
    )
    got = {k: (now, after) for k, now, after in scenario.focus(town, MARCH, r).select(
        "figure_key", "value_now", "value_after").rows()}  # fmt: skip
    # 31 March: B1, B2, B3 in institutions (M1–M3); B4, B5 in foster care. Two move to foster care: 3 − 2 = 1
    assert got["f1_institution_children"] == (3, 1)
    # family care 2 ÷ (2 + 3) = 0,4 → (2 + 2) ÷ (4 + 1) = 0,8
    assert got["f2_family_care_share"] == (0.4, 0.8)
    # one private family-treatment course active (M6) → 0
    assert got["n_private_family_treatment_active"] == (1, 0)
    # no pupils: undefined
    assert got["f4_day_treatment_share"] == (None, None)
    # lost earnings: paid 0 + M10 April–December 9 × 5.000 = 45.000; the move ends it from March: 10 × 5.000
    assert got["lost_earnings_year_dkk"] == (45_000, 45_000 - 50_000)


def test_the_committee_does_not_see_small_counts_in_the_focus_points():
    rows = [
        {"label": "a", "unit": "count", "value_now": 3.0, "value_after": 1.0, "n_base_now": 3},
        {"label": "b", "unit": "share", "value_now": 0.4, "value_after": 0.8, "n_base_now": 2},
        {"label": "c", "unit": "count", "value_now": 6.0, "value_after": 2.0, "n_base_now": 6},
        {"label": "d", "unit": "count", "value_now": 6.0, "value_after": 0.0, "n_base_now": 6},
        {"label": "e", "unit": "dkk", "value_now": 45_000.0, "value_after": -5_000.0, "n_base_now": None},
    ]
    got = [(r["value_now"], r["value_after"]) for r in scenario_tables.protect_focus(rows, 5)]
    assert got == [
        ("<5", "<5"),  # 3 children today: neither today's count nor the plan's (3 − 2) is shown
        ("–", "–"),  # a share resting on 2 children
        (6.0, "<5"),  # 6 today, 2 after the plan: the plan's small count is marked
        (6.0, 0.0),  # zero is not a person
        (45_000.0, -5_000.0),  # money is not a count of children
    ]


def test_a_presented_scenario_is_in_the_committees_pack_unchanged_after_a_reimport(tmp_path):
    from mi import excel, pack, pdf  # noqa: PLC0415

    path = tmp_path / "mi.duckdb"
    build_file(path)
    sid = scenario_saved.save("Plan A", MARCH, [scenario.parse_move(PLAN[0])], {}, path=path)
    scenario_saved.save("Kladde", MARCH, [scenario.parse_move(PLAN[0])], {}, path=path)  # not presented
    scenario_saved.present(sid, path=path)
    # the next import raises the private institutions' price (M12, 100.000): today's computation would say 928.000
    build_file(path, TABLES["measures"] + [M12])
    con = db.connect(path)
    try:
        p = pack.build_pack(con, MARCH, "udvalg")
        assert [sc["name"] for sc in p.scenarios] == ["Plan A"]
        (sc,) = p.scenarios
        # as presented: 2 × (85.000 − 32.000) × 8 months
        assert sc["result"]["savings_this_year_dkk"] == 848_000
        assert dict(sc["totals"])["Besparelse 2024"] == 848_000
        focus = {r["figure_key"]: (r["value_now"], r["value_after"]) for r in sc["focus"]}
        # 3 institution children when presented (M1–M3): a small count, not shown to the committee
        assert focus["f1_institution_children"] == ("<5", "<5")
        html = pdf.render_html(p, images={})
        assert "Scenarier fremlagt for udvalget" in html and "Plan A" in html and "Kladde" not in html
        assert "848.000 kr." in html
        # the leaders' pack shows the counts
        lead = pack.build_pack(con, MARCH, "leder")
        assert {r["figure_key"]: r["value_now"] for r in lead.scenarios[0]["focus"]}[
            "f1_institution_children"
        ] == 3
        # and no pack for another month has it
        assert pack.build_pack(con, date(2024, 2, 1), "udvalg").scenarios == []
        import openpyxl  # noqa: PLC0415

        book = openpyxl.load_workbook(io.BytesIO(excel.render_xlsx(p)))
        cells = [c for row in book["Scenarier"].iter_rows(values_only=True) for c in row if c is not None]
        assert "Plan A" in cells and 848_000 in cells and "<5" in cells
    finally:
        con.close()


def test_excel_export_holds_the_moves_totals_path_and_focus_points(town):
    import openpyxl  # noqa: PLC0415

    r = run(town, "ANBR_OPHOLDSSTED/privat:ANBR_PLEJEFAMILIE:2:2024-05")
    data = scenario_tables.excel_bytes(
        "Plan A", r, scenario.path(town, MARCH, r), scenario.focus(town, MARCH, r), scenario.codes(town)
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Flytninger", "Resultat", "Merforbrug måned for måned", "Fokuspunkter"]
    moves = list(book["Flytninger"].iter_rows(min_row=3, values_only=True))
    assert moves[0][:3] == ("Fra", "Til", "Børn")
    # 2 × (85.000 − 32.000) = 106.000 a month; 848.000 this year
    assert moves[1][2] == 2 and moves[1][6] == 106_000 and moves[1][7] == 848_000
    totals = {row[0]: row[1] for row in book["Resultat"].iter_rows(min_row=4, values_only=True)}
    assert totals["Besparelse 2024"] == 848_000 and totals["Afstand til målet efter planen"] == -680_000
    focus = {row[0]: row[2:4] for row in book["Fokuspunkter"].iter_rows(min_row=4, values_only=True)}
    assert focus["Børn anbragt på institution"] == (3, 1)
    assert book["Fokuspunkter"]["C5"].number_format == "0.0%"  # the family-care share as a per cent


def test_cli_reads_the_database_at_mi_db(tmp_path, monkeypatch, capsys):
    path = tmp_path / "mi.duckdb"
    build_file(path)
    monkeypatch.setenv("MI_DB", str(path))
    assert main(["scenario", "--month", "2024-03", "--move", "FAMILIEBEHANDLING/privat::2:2024-10"]) == 0
    out = json.loads(capsys.readouterr().out)
    # 2 × 20.000 a month, October–December: 3 months → 120.000; next year 12 months → 480.000
    assert (out["savings_this_year_dkk"], out["savings_next_year_dkk"]) == (120_000, 480_000)
    monkeypatch.setenv("MI_DB", str(tmp_path / "none.duckdb"))
    assert main(["scenario", "--month", "2024-03", "--move", "FAMILIEBEHANDLING::1:2024-10"]) == 1
    assert "Der er ingen database" in capsys.readouterr().err


def test_a_year_without_a_budget():
    con = build_db(SETTINGS, **{t: rows for t, rows in TABLES.items() if t != "budget"})
    r = scenario.compute(con, MARCH, [scenario.parse_move("TABT_ARBEJDSFORTJENESTE::1:2024-03")], {})
    # the savings and the forecast stand; what needs the budget is undefined
    assert (r["savings_this_year_dkk"], r["forecast_after_dkk"]) == (50_000, FORECAST - 50_000)
    assert (r["budget_dkk"], r["overspend_after_dkk"], r["gap_to_target_after_dkk"]) == (None, None, None)
    assert scenario.gap_sentence(r).startswith("Der er intet budget for året")
    p = scenario.path(con, MARCH, r)
    assert p["budget_ytd_dkk"].null_count() == 12 and p["spend_ytd_dkk"].to_list()[-1] == FORECAST
