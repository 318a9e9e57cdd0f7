"""Økonomi: budget against actual, the forecast (= mi.kpi's forecast_dkk), filters, the target path, unit prices
and the changes between two imports reconciling to the øre; the committee sees aggregates only."""

from __future__ import annotations

import re
import shutil
from datetime import date

import polars as pl
import pytest
import streamlit as st

from mi import db, demo, economy, fmt, ingest, kpi
from tests.pages.conftest import END_MONTH, MONTH, run_app, texts

DETAIL_COLUMNS = {"Barn (pseudonym)", "Indsats-id", "Leverandør"}


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def frame_with(at, column: str):
    found = [f for f in frames(at) if column in f.columns]
    assert found, f"no table with the column {column!r}"
    return found[0]


def open_section(at, name: str):
    """Open the Økonomi section whose tab is named `name` (the page draws only the open tab) and run the page."""
    (label,) = [t.label for t in at.tabs if t.label.endswith(name)]
    at.session_state[economy.SECTION_KEY] = label
    at.run()
    assert not at.exception
    return at


def test_sections_are_tabs_and_only_the_open_one_is_drawn(small_db):
    at = run_app("leder", page="oekonomi")
    labels = [t.label for t in at.tabs if t.label[0].isdigit()]
    assert (
        labels
        == list(economy.sections(True).values())
        == [
            "2. Forbruget fordelt",
            "3. Forventet forbrug for året",
            "4. Merforbruget mod målet",
            "5. Enhedspriser",
            "6. Ændringer siden sidste indlæsning",
        ]
    )
    # the first tab is open: its breakdown is drawn, the waterfall of the next tab is not
    assert "Fordel forbruget på" in [s.label for s in at.selectbox]
    assert not [f for f in frames(at) if "Trin" in f.columns]
    open_section(at, "Forventet forbrug for året")
    assert frame_with(at, "Trin") is not None
    assert "Fordel forbruget på" not in [s.label for s in at.selectbox]
    # the committee: no breakdown and no unit prices, numbered on
    assert list(economy.sections(False).values()) == [
        "2. Forventet forbrug for året",
        "3. Merforbruget mod målet",
        "4. Ændringer siden sidste indlæsning",
    ]


@pytest.mark.parametrize("role", ["leder", "oekonomi", "udvalg"])
def test_every_role_sees_lillebys_budget_and_forecast(small_db, role):
    # Lilleby, April 2024 (tests/pages/conftest.py): budget 1.200.000 + 60.000; actual to date 153.000;
    # committed May–December 969.200; forecast 153.000 + 969.200 = 1.122.200; 1.122.200 - 1.260.000 = -137.800
    at = run_app(role, page="oekonomi")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Korrigeret budget": "1,26 mio. kr.",
        "Forbrug i år": "153.000 kr.",
        "Forventet forbrug for året": "1,12 mio. kr.",
        "Forventet merforbrug": "-137.800 kr.",
    }
    shown = texts(at)
    assert "Periode: 1. januar – april 2024 · Data pr. 10. maj 2024" in shown
    areas = frame_with(at, "Afvigelse til dato")
    assert areas.values.tolist() == [
        # budget, twelfths (× 4/12), actual, actual - twelfths, committed, forecast, forecast - budget
        ["Anbringelser", "1.200.000", "400.000", "145.000", "-255.000", "960.000", "1.105.000", "-95.000"],
        [
            "Forebyggende foranstaltninger",
            "60.000",
            "20.000",
            "6.000",
            "-14.000",
            "9.200",
            "15.200",
            "-44.800",
        ],
        ["Handicapkompensation", "", "", "2.000", "", "0", "2.000", ""],
        ["I alt", "1.260.000", "420.000", "153.000", "-267.000", "969.200", "1.122.200", "-137.800"],
    ]
    # the waterfall's steps: 1.260.000 - 95.000 - 44.800 + 2.000 = 1.122.200
    steps = frame_with(open_section(at, "Forventet forbrug for året"), "Trin")
    assert list(steps["Beløb"]) == [
        "1.260.000 kr.",
        "-95.000 kr.",
        "-44.800 kr.",
        "2.000 kr.",
        "1.122.200 kr.",
    ]
    # the target: 0 - 2.000.000 × (2024 - 2019) = -10.000.000; -137.800 is 9.862.200 above it
    open_section(at, "Merforbruget mod målet")
    assert "Over målet: det forventede merforbrug er 9,9 mio. kr. over målet for 2024." in texts(at)


@pytest.mark.parametrize("role", ["leder", "oekonomi", "udvalg"])
def test_every_role_sees_the_demos_forecast(app_db, role):
    at = run_app(role, page="oekonomi")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d+,\d+ mio\. kr\.", metrics["Forventet forbrug for året"])
    shown = texts(at)
    assert "Data pr. 7. november 2026" in shown and "oktober 2026" in shown
    areas = frame_with(at, "Budgetområde")
    assert "I alt" in list(areas["Budgetområde"])
    # the target path with its status in words and the gap in kroner
    shown = texts(open_section(at, "Merforbruget mod målet"))
    assert "Over målet" in shown or "På målet" in shown


def test_leader_sees_lillebys_commitments_and_unit_prices(small_db):
    at = open_section(run_app("leder", page="oekonomi"), "Forventet forbrug for året")
    top = frame_with(at, "Barn (pseudonym)")
    # C 8 × 90.000, A 8 × 30.000, B May 6.000 + 16/30 × 6.000 = 9.200 (E ended 15 April: nothing)
    assert top[["Indsats-id", "Bevilget resten af året"]].values.tolist() == [
        ["C", "720.000 kr."],
        ["A", "240.000 kr."],
        ["B", "9.200 kr."],
    ]
    prices = frame_with(open_section(at, "Enhedspriser"), "Kontraktpris pr. barn")
    assert prices[["Indsatstype", "Kontraktpris pr. barn", "Betalt pr. barn"]].values.tolist() == [
        ["Anbringelse i almen plejefamilie", "30.000 kr.", ""],  # active at E, nothing paid in April
        ["Anbringelse på døgninstitution", "", "30.000 kr."],  # ended 15 April, 30.000 paid for April
        ["Fast kontaktperson", "6.000 kr.", "6.000 kr."],
    ]
    # a single import: the measures started or ended in April, by type (E ended, 60.000 a month)
    by_type = frame_with(open_section(at, "Ændringer siden sidste indlæsning"), "Afsluttet")
    assert by_type.values.tolist() == [["Anbringelse på døgninstitution", "0", "1", "", "60.000 kr."]]


def test_committee_gets_no_commitments_nor_rows_per_measure_or_provider(app_db):
    at = run_app("udvalg", page="oekonomi")
    assert not at.exception
    assert [t.label for t in at.tabs if t.label[0].isdigit()] == list(economy.sections(False).values())
    for name in ("", *(label.split(". ", 1)[1] for label in economy.sections(False).values())):
        if name:
            open_section(at, name)
        shown = texts(at)
        assert "De største bevillinger" not in shown
        assert "Enhedspriser" not in shown
        for f in frames(at):
            assert not DETAIL_COLUMNS & set(f.columns), f.columns
    # only the budget-area filter, no breakdown by provider
    assert [m.label for m in at.multiselect] == ["Budgetområde"]


def test_leader_sees_the_largest_commitments(app_db):
    at = open_section(run_app("leder", page="oekonomi"), "Forventet forbrug for året")
    top = frame_with(at, "Barn (pseudonym)")
    assert top.shape[0] == economy.TOP_COMMITMENTS
    assert "De største bevillinger resten af året" in texts(at)


def test_every_filter_narrows_the_rows(app_db):
    # (filters are set together and run once: AppTest drops the sidebar's role after a few reruns of a page)
    at = run_app("oekonomi", page="oekonomi")
    assert not at.exception
    at.multiselect(key="oek-budget_area").set_value(["Anbringelser"])
    at.multiselect(key="oek-provider_type").set_value(["privat"])
    at.multiselect(key="oek-measure_label").set_value(
        ["Anbringelse på opholdssted (børne- og ungehjem)"]
    ).run()
    assert not at.exception
    areas = frame_with(at, "Afvigelse til dato")
    # one area and its total
    assert list(areas["Budgetområde"]) == ["Anbringelser", "I alt"]
    top = frame_with(open_section(at, "Forventet forbrug for året"), "Barn (pseudonym)")
    assert set(top["Leverandørtype"]) == {"privat"}
    assert set(top["Indsatstype"]) == {"Anbringelse på opholdssted (børne- og ungehjem)"}
    # unit prices follow the measure-type and provider-type filters
    at = open_section(at, "Enhedspriser")
    assert set(frame_with(at, "Kontraktpris pr. barn")["Leverandørtype"]) == {"privat"}

    at = run_app("oekonomi", page="oekonomi")
    provider = "Opholdsstedet Fyrtårnet"
    at.multiselect(key="oek-provider_name").set_value([provider])
    at.selectbox(key="oek-dim").set_value("account").run()
    assert not at.exception
    # an opholdssted is booked on 5.28.20 only
    assert list(frame_with(at, "Konto (funktion)")["Konto (funktion)"]) == ["5.28.20"]
    assert set(
        frame_with(open_section(at, "Forventet forbrug for året"), "Barn (pseudonym)")["Leverandør"]
    ) == {provider}
    at = open_section(at, "Enhedspriser")
    at.selectbox(key="oek-unit").set_value("Familiebehandling").run()
    assert set(frame_with(at, "Kr. pr. barn")["Serie"]) >= {"intern · kontrakt", "privat · betalt"}
    # the choices in closed sections are kept (ui.kept): the breakdown by account, the unit-price trend's type
    at = open_section(at, "Forbruget fordelt")
    assert at.selectbox(key="oek-dim").value == "account"
    assert list(frame_with(at, "Konto (funktion)")["Konto (funktion)"]) == ["5.28.20"]
    at = open_section(at, "Enhedspriser")
    assert at.selectbox(key="oek-unit").value == "Familiebehandling"

    at = run_app("oekonomi", page="oekonomi")
    at.multiselect(key="oek-account").set_value(["5.28.21"])
    at.selectbox(key="oek-dim").set_value("account").run()
    assert list(frame_with(at, "Konto (funktion)")["Konto (funktion)"]) == ["5.28.21"]


def test_single_import_lists_measures_started_and_ended(app_db):
    at = open_section(run_app("leder", page="oekonomi"), "Ændringer siden sidste indlæsning")
    assert "kun én dataindlæsning" in texts(at)
    changes = frame_with(at, "Ændring")
    assert set(changes["Ændring"]) <= {"startet", "afsluttet"} and changes.shape[0] > 0


@pytest.fixture
def two_imports(tmp_path, monkeypatch):
    """The demo imported, then one measure's monthly cost raised by 1.000 kr. and imported again."""
    folder = tmp_path / "data"
    demo.write(folder, end_month=END_MONTH)
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(folder, path)
    with db.connect(path) as con:
        before = kpi.values(con, MONTH)["forecast_dkk"]
    measures = pl.read_csv(folder / "measures.csv", infer_schema_length=0)
    # a measure running through all of November and December 2026 with a cost
    running = measures.filter(
        (pl.col("start_on") <= "2026-11-01")
        & (pl.col("end_on").is_null() | (pl.col("end_on") >= "2026-12-31"))
        & pl.col("monthly_cost_dkk").is_not_null()
    )
    target = running["measure_id"][0]
    old_cost = float(running["monthly_cost_dkk"][0])
    changed = measures.with_columns(
        pl.when(pl.col("measure_id") == target)
        .then(pl.lit(f"{old_cost + 1000:.2f}"))
        .otherwise(pl.col("monthly_cost_dkk"))
        .alias("monthly_cost_dkk")
    )
    shutil.copyfile(folder / "measures.csv", tmp_path / "measures-before.csv")
    changed.write_csv(folder / "measures.csv")
    assert ingest.import_folder(folder, path) == 2
    monkeypatch.setenv("MI_DB", str(path))
    monkeypatch.delenv("MI_ROLE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield {"path": path, "before": before, "measure_id": target}
    st.cache_data.clear()
    st.cache_resource.clear()


def test_two_imports_show_the_changes_and_reconcile_to_the_ore(two_imports):
    path = two_imports["path"]
    with db.connect(path) as con:
        after = kpi.values(con, MONTH)["forecast_dkk"]
        rec = economy.reconciliation(con, MONTH)
    # the measure costs 1.000 kr. more a month in November and December: +2.000 kr. on the year's forecast
    assert after - two_imports["before"] == pytest.approx(2_000, abs=0.005)
    amounts = dict(zip(rec["Post"], rec["Beløb"], strict=True))
    previous = next(v for k, v in amounts.items() if k.startswith("Forventet forbrug, forrige"))
    current = next(v for k, v in amounts.items() if k.startswith("Forventet forbrug, denne"))
    actual = amounts["Ændring i faktisk forbrug (nye og rettede posteringer)"]
    effects = sum(v for k, v in amounts.items() if k.startswith("Virkning"))
    assert previous == pytest.approx(two_imports["before"], abs=0.005)
    assert current == pytest.approx(after, abs=0.005)
    # forecast(now) − forecast(before) = the effects + the change in actual spending, to the øre
    assert abs((current - previous) - (effects + actual)) < 0.005
    assert actual == 0 and effects == pytest.approx(2_000, abs=0.005)
    assert amounts["Uforklaret rest"] == 0

    at = open_section(run_app("leder", page="oekonomi"), "Ændringer siden sidste indlæsning")
    shown = texts(at)
    assert "kun én dataindlæsning" not in shown
    changes = frame_with(at, "Månedspris før")
    row = changes.loc[changes["Indsats-id"] == two_imports["measure_id"]]
    assert list(row["Ændring"]) == ["ændret månedspris"]
    assert list(row["Virkning på forventet forbrug"]) == [fmt.kr(2000, 2)]
    recon = frame_with(at, "Post")
    assert any("Virkning: ændret månedspris" in p for p in recon["Post"])

    committee = open_section(run_app("udvalg", page="oekonomi"), "Ændringer siden sidste indlæsning")
    # the committee sees the reconciliation totals but no measure rows
    assert "Post" in frame_with(committee, "Post").columns
    for f in frames(committee):
        assert not DETAIL_COLUMNS & set(f.columns)


def test_month_picker_moves_the_figures(app_db):
    at = run_app("leder", page="oekonomi", month=date(2025, 10, 1))
    assert not at.exception
    con = db.connect(app_db)
    v = kpi.values(con, date(2025, 10, 1))
    con.close()
    assert {m.label: m.value for m in at.metric}["Forventet forbrug for året"] == fmt.money(v["forecast_dkk"])
