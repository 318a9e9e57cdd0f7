"""Scenarier: build a scenario with a focus-point preset and the pickers, override a price, save, reopen, compare,
present; the committee sees presented scenarios only, read-only."""

from __future__ import annotations

import re

import pytest

from mi import db, fmt, scenario, scenario_saved, scenario_tables
from tests.pages.conftest import MONTH, run_app, texts


def button(at, key):
    return next(b for b in at.button if b.key == key)


def result_on_db(path, moves, prices=None):
    with db.connect(path) as con:
        return scenario.compute(con, MONTH, moves, prices or {})


PRESET_1 = scenario.Move("ANBR_OPHOLDSSTED", "ANBR_PLEJEFAMILIE", 1, scenario_tables.next_month(MONTH))


def test_leader_builds_saves_and_reopens_a_scenario(app_db):
    at = run_app("leder", page="scenarier")
    assert not at.exception
    assert "ingen flytninger endnu" in texts(at)
    # the result section says why it is empty instead of showing nothing
    assert "Intet resultat endnu: tilføj mindst én flytning under 1. Byg scenariet." in texts(at)
    # the ladder's flows: a Sankey with its table and downloads
    assert len(at.get("plotly_chart")) == 1
    assert "Bevægelser på indsatstrappen" in texts(at)
    assert {"csv-trappens-bevaegelser", "xlsx-trappens-bevaegelser"} <= {
        b.key for b in at.get("download_button")
    }
    button(at, "scn-preset-1").click().run()
    assert not at.exception
    # the screen shows the same numbers as the computation on the database
    expected = result_on_db(app_db, [PRESET_1])
    metrics = {mt.label: mt.value for mt in at.metric}
    assert metrics["Besparelse 2026"] == fmt.money(expected["savings_this_year_dkk"])
    assert metrics["Besparelse 2027"] == fmt.money(expected["savings_next_year_dkk"])
    assert metrics["Merforbrug efter planen"] == fmt.money(expected["overspend_after_dkk"])
    assert scenario.gap_sentence(expected) in texts(at)
    # a user price for the foster family wins
    at.number_input(key="scn-price-ANBR_PLEJEFAMILIE").set_value(50_000).run()
    priced = result_on_db(app_db, [PRESET_1], {"ANBR_PLEJEFAMILIE": 50_000})
    assert {mt.label: mt.value for mt in at.metric}["Besparelse 2026"] == fmt.money(
        priced["savings_this_year_dkk"]
    )
    at.text_input(key="scn-name").set_value("Plan A").run()
    button(at, "scn-save").click().run()
    assert not at.exception
    assert "Scenariet »Plan A« er gemt." in texts(at)
    assert "Intet resultat endnu" not in texts(at)
    # the saved scenarios' table says its period and the data's date
    assert any(
        c.value.startswith("Periode: alle gemte scenarier, hvert beregnet fra sin basismåned · Data pr. ")
        for c in at.caption
    )
    con = db.connect(app_db)
    try:
        (sid,) = scenario_saved.saved(con)["scenario_id"].to_list()
        assert scenario_saved.load(con, sid).prices == {"ANBR_PLEJEFAMILIE": 50_000.0}
    finally:
        con.close()
    # a new session opens the saved scenario: the same moves and price, the same numbers
    again = run_app("leder", page="scenarier")
    assert "ingen flytninger endnu" in texts(again)
    button(again, "scn-open").click().run()
    assert not again.exception
    assert again.session_state["scn-moves"] == [PRESET_1]
    assert {mt.label: mt.value for mt in again.metric}["Besparelse 2026"] == fmt.money(
        priced["savings_this_year_dkk"]
    )


def test_pickers_add_a_move_and_a_missing_price_is_asked_for(app_db):
    at = run_app("oekonomi", page="scenarier")
    at.selectbox(key="scn-from").set_value("FAMILIEBEHANDLING")
    at.selectbox(key="scn-from-prov").set_value("privat")
    at.selectbox(key="scn-to").set_value("FAMILIEBEHANDLING")
    at.selectbox(key="scn-to-prov").set_value("intern")
    at.number_input(key="scn-n").set_value(3)
    button(at, "scn-add").click().run()
    assert not at.exception
    assert at.session_state["scn-moves"] == [
        scenario.Move(
            "FAMILIEBEHANDLING/privat", "FAMILIEBEHANDLING/intern", 3, scenario_tables.next_month(MONTH)
        )
    ]
    # finance may save but not present to the committee
    assert "scn-present" not in [b.key for b in at.button]


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_compare_two_saved_scenarios(app_db, role):
    a = [PRESET_1]
    b = [scenario.Move("TABT_ARBEJDSFORTJENESTE", None, 2, scenario_tables.next_month(MONTH))]
    scenario_saved.save("Plan A", MONTH, a, {}, path=app_db)
    scenario_saved.save("Plan B", MONTH, b, {}, path=app_db)
    at = run_app(role, page="scenarier")
    at.multiselect(key="scn-compare").set_value([1, 2]).run()
    assert not at.exception
    # the unit prices and the saved scenarios under their Danish names, in the page's order
    prices = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Indsats")
    assert list(prices.columns) == ["Indsats", "Leverandørtype", "Pris pr. måned", "Indsatser", "Usikker"]
    assert "alle" in set(prices["Leverandørtype"])  # a code's price over all its providers
    saved = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Navn")
    assert list(saved.columns) == ["Navn", "Basismåned", "Flytninger", "Gemt", "Fremlagt for udvalget"]
    assert sorted(saved["Navn"]) == ["Plan A", "Plan B"] and set(saved["Basismåned"]) == {"oktober 2026"}
    # saved today, not presented: the time as dd.mm.yyyy hh:mm and an empty cell
    assert all(re.fullmatch(r"\d\d\.\d\d\.20\d\d \d\d:\d\d", g) for g in saved["Gemt"])
    assert set(saved["Fremlagt for udvalget"]) == {""}
    cmp = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Tal")
    assert list(cmp.columns) == ["Tal", "Plan A (oktober 2026)", "Plan B (oktober 2026)"]
    assert cmp.iloc[0, 1] == fmt.kr(result_on_db(app_db, a)["savings_this_year_dkk"])
    assert cmp.iloc[0, 2] == fmt.kr(result_on_db(app_db, b)["savings_this_year_dkk"])


def test_the_committee_sees_a_presented_scenario_read_only(app_db):
    at = run_app("udvalg", page="scenarier")
    assert not at.exception
    assert "Ingen scenarier er fremlagt for udvalget for oktober 2026." in texts(at)
    sid = scenario_saved.save("Plan A", MONTH, [PRESET_1], {}, path=app_db)
    scenario_saved.save("Kladde", MONTH, [PRESET_1], {}, path=app_db)  # saved, not presented: not shown
    # the leader presents it from the screen
    lead = run_app("leder", page="scenarier")
    lead.selectbox(key="scn-pick").set_value(sid).run()
    button(lead, "scn-present").click().run()
    assert not lead.exception and "er fremlagt og frosset" in texts(lead)
    at = run_app("udvalg", page="scenarier")
    assert not at.exception
    shown = texts(at)
    assert "Plan A" in shown and "Kladde" not in shown and "Fremlagt for udvalget" in shown
    expected = result_on_db(app_db, [PRESET_1])
    assert {mt.label: mt.value for mt in at.metric}["Besparelse 2026"] == fmt.money(
        expected["savings_this_year_dkk"]
    )
    # the moves without unit prices (a price from one measure would be one child's cost)
    moves = next(d.value for d in at.dataframe if "Fra" in d.value.columns)
    assert "Besparelse i år" in moves.columns and "Pris fra (kr./md.)" not in moves.columns
    # nothing to edit: no pickers, no prices, no save, no present; no flows of children (counts, not protected)
    assert len(at.get("plotly_chart")) == 0
    assert len(at.number_input) == 0 and len(at.text_input) == 0
    assert not [b for b in at.button if b.key and b.key.startswith("scn-")]
    # and the committee's report screen names it, with the link to Scenarier
    report = run_app("udvalg", page="udvalgsrapport")
    assert not report.exception
    assert "Scenarier" in [t.label for t in report.tabs]
    report.session_state["udvalg-afsnit"] = "Scenarier"  # the report's section drawn when its tab is opened
    report.run()
    assert "Scenarier fremlagt for udvalget" in texts(report) and "Plan A" in texts(report)
    assert "Kladde" not in texts(report)


def test_a_database_without_budget_or_payments(tmp_path, monkeypatch):
    import streamlit as st  # noqa: PLC0415

    from mi.settings import Settings  # noqa: PLC0415
    from tests.conftest import frame, read_catalogue  # noqa: PLC0415
    from tests.mi.test_scenario import TABLES  # noqa: PLC0415

    path = tmp_path / "mi.duckdb"
    tables = {t: rows for t, rows in TABLES.items() if t not in ("budget", "payments")}
    db.build(path, {t: frame(t, rows) for t, rows in tables.items()}, Settings(), read_catalogue())
    monkeypatch.setenv("MI_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_app("leder", page="scenarier")
    assert not at.exception
    button(at, "scn-preset-5").click().run()  # lost earnings ended: priced from M10 (5.000 kr.)
    assert not at.exception
    assert "Der er intet budget for året" in texts(at)
    st.cache_data.clear()
    st.cache_resource.clear()
