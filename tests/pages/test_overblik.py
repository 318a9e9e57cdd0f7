"""Overblik: one card per focus point and for budget, caseload and turnover, as each role may see them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mi import db, frozen, spec
from mi.pack import build_pack
from tests.pages.conftest import MONTH, run_app, texts


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_cards_show_lillebys_figures_in_danish_formats(small_db, role):
    # Lilleby, April 2024 (tests/pages/conftest.py has the rows and the arithmetic)
    at = run_app(role)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Børn anbragt på institution": "0",  # E ended 15 April, C starts in May
        "Andel i netværks- og plejefamilier": "100,0 %",  # B1 in a foster family ÷ (1 + 0 on institution)
        "Familiebehandlinger købt hos private i år": "0",
        "Andel elever i skole-dagbehandling": "0,00 %",  # nobody in day treatment of 300 pupils
        "Tabt arbejdsfortjeneste i år": "2.000 kr.",  # P9, 15 April
        "Forventet forbrug for året": "1,12 mio. kr.",  # 153.000 + 969.200 = 1.122.200
        "Forventet merforbrug": "-137.800 kr.",  # 1.122.200 - 1.260.000
        "Forbrug i år": "153.000 kr.",
        "Sager pr. rådgiver (årsværk)": "3,0",  # C1–C3 open ÷ E1's 1,0 FTE
        "Personaleomsætning, 12 måneder": "44,4 %",  # 1 leaver ÷ 27/12 mean headcount
    }
    shown = texts(at)
    assert "**april 2024** · status mod målene" in shown
    # f1: 1 child on institution at the end of March (E), 0 now; none a year earlier
    assert "Siden sidste måned: -1 · siden samme måned sidste år: 0" in shown
    # f2: 1 ÷ (1 + 1) = 50 % in March → 100 %: +50,0 pct.-point
    assert "Siden sidste måned: +50,0 pct.-point · siden samme måned sidste år: 0,0 pct.-point" in shown
    assert (
        "Det forventede forbrug for 2024 er 1,12 mio. kr., 137.800 kr. under budgettet på 1,26 mio. kr."
        in shown
    )
    # caseload against DS' recommended band 20–30 (data/settings.toml)
    assert "3,0 sager pr. årsværk" in shown and "anbefaler 20–30" in shown


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_cards_show_the_demos_kpis_in_danish_formats(app_db, role):
    at = run_app(role)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d+", metrics["Børn anbragt på institution"])
    assert re.fullmatch(r"\d+,\d %", metrics["Andel i netværks- og plejefamilier"])
    assert re.fullmatch(r"\d+,\d+ mio\. kr\.", metrics["Forventet forbrug for året"])  # decimal comma
    assert re.fullmatch(r"\d+,\d", metrics["Sager pr. rådgiver (årsværk)"])
    shown = texts(at)
    assert "oktober 2026" in shown and "Data pr. 7. november 2026" in shown
    # every card carries its status in words, not colour alone
    assert (
        len(
            re.findall(
                r"\*\*(Bedre|Dårligere) end sidste år\*\*|\*\*(På|Over) målet\*\*|\*\*(Inden for|Over|Under) normen\*\*|\*\*Uændret\*\*",
                shown,
            )
        )
        >= 8
    )


def test_month_picker_changes_the_figures(small_db):
    at = run_app("leder")
    at.sidebar.selectbox(key="_month").set_value(date(2024, 3, 1)).run()
    after = {m.label: m.value for m in at.metric}
    # end of March: E (døgninstitution) active → 1 on institution; B1 in a foster family → 1 ÷ 2 = 50 %;
    # actual to date 30.000 + 30.000 - 5.000 + 60.000 = 115.000
    assert after["Børn anbragt på institution"] == "1"
    assert after["Andel i netværks- og plejefamilier"] == "50,0 %"
    assert after["Forbrug i år"] == "115.000 kr."
    assert "marts 2024" in texts(at)


def test_committee_sees_suppressed_figures_and_the_frozen_marking(app_db):
    at = run_app("udvalg")
    assert not at.exception
    assert "endnu ikke frosset" in texts(at)
    # no count of children from 1 to 4 on the page: every child count is ≥ 5, 0 or shown as <5
    con = db.connect(app_db)
    pack = build_pack(con, MONTH, "udvalg")
    con.close()
    for f in pack.figures.values():
        if f.key.startswith(("f1_", "f3_private_family")) and isinstance(f.value, int | float):
            assert f.value == 0 or f.value >= 5
    # freeze October: the committee now sees the frozen figures, marked as such
    frozen.freeze_file(app_db, MONTH)
    at = run_app("udvalg")
    assert "er frosset" in texts(at)


def test_the_months_figures_as_a_table_with_downloads(app_db):
    at = run_app("leder")
    # below the first screen, in an expander: the table is made when the expander is opened
    assert [e.label for e in at.expander][-1] == "Vis alle nøgletal som tabel" and not at.dataframe
    at.session_state["overblik-alle"] = True
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["Nøgletal", "Værdi", "Siden sidste måned"]
    assert len(table) == len(spec.REGISTRY)  # one row per KPI of the registry
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["CSV", "Excel"]
