"""Personale: turnover, leavers by reason, seniority, headcount and FTE for leder and oekonomi; udvalg cannot reach
the page. Expected values are worked out by hand from Lilleby (tests/pages/conftest.py)."""

from __future__ import annotations

import pytest

from mi import staff
from tests.pages.conftest import SMALL_MONTH, assert_refused, open_directly, run_app, texts


def open_section(at, name: str):
    """Open the Personale tab `name` (the page draws only the open tab) and run the page."""
    at.session_state[staff.SECTION_KEY] = name
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_lillebys_staff_figures_in_danish_formats(small_db, role):
    # Lilleby, April 2024 (tests/pages/conftest.py): E1 raadgiver 1,0 from 2022; E2 raadgiver 0,5 June 2023 –
    # 10 Feb 2024 (Nyt job); E3 familiebehandler 0,8 from October 2023
    at = run_app(role, "personale")
    assert not at.exception
    assert at.title[0].value == "Personale"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Personaleomsætning, 12 måneder": "44,4 %",  # 1 leaver ÷ (12 + 8 + 7) / 12 = 2,25
        "Andel ansat under 1 år": "50,0 %",  # E3 of E1 and E3
        "Andel ansat under 2 år": "50,0 %",
        "Ansatte": "2",
        "Årsværk": "1,8",  # 1,0 + 0,8
        "Rådgivere (årsværk)": "1,0",
        "Ansat, 12 måneder": "2",  # E2 (June 2023), E3 (October 2023)
        "Fratrådt, 12 måneder": "1",
    }
    shown = texts(at)
    assert "Periode: maj 2023 – april 2024 · Data pr. 10. maj 2024" in shown  # the 12 months
    turnover = at.dataframe[0].value
    # April 2024's row: 1 leaver, mean headcount 2,25
    assert turnover.values.tolist()[-1] == ["april 2024", 1, "2,25", "44,4 %"]
    # the sections below are tabs, each drawn when opened: the first is open, the others are not drawn
    assert [t.label for t in at.tabs if t.label not in ("Graf", "Tabel")] == [
        "Fratrådte efter årsag",
        "Anciennitet",
        "Ansatte og årsværk pr. team og rolle",
    ]
    assert len(at.dataframe) == 2
    assert at.dataframe[1].value.values.tolist() == [["Nyt job", 1, 1, "100,0 %"]]
    at = open_section(at, "Anciennitet")
    assert "Periode: april 2024 · Data pr. 10. maj 2024" in texts(at)
    tenure = at.dataframe[1].value
    assert tenure[["Gruppe", "Anciennitet", "Ansatte", "Andel"]].values.tolist()[:4] == [
        ["Alle ansatte", "Under 1 år", 1, "50,0 %"],  # E3: 7 months
        ["Alle ansatte", "1–2 år", 0, "0,0 %"],
        ["Alle ansatte", "2–5 år", 1, "50,0 %"],  # E1: 2 years 4 months
        ["Alle ansatte", "5 år og mere", 0, "0,0 %"],
    ]
    at = open_section(at, "Ansatte og årsværk pr. team og rolle")
    assert at.dataframe[1].value.values.tolist() == [
        ["Nord", "Familiebehandler", 1, "0,8", 0, 0],
        ["Nord", "Rådgiver", 1, "1,0", 0, 0],
    ]
    assert len([b for b in at.get("download_button") if b.label == "CSV"]) == 2


def test_the_demos_staff_page_opens_with_its_four_figures(app_db):
    at = run_app("leder", "personale")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Personaleomsætning, 12 måneder"].endswith(" %") and "," in metrics["Årsværk"]
    assert "Periode: november 2025 – oktober 2026 · Data pr. 7. november 2026" in texts(at)
    # the turnover and the open tab's figure, each with its downloads; every other tab opens with its own
    assert len([b for b in at.get("download_button") if b.label == "CSV"]) == 2
    for name in ("Anciennitet", "Ansatte og årsværk pr. team og rolle"):
        at = open_section(at, name)
        assert len([b for b in at.get("download_button") if b.label == "CSV"]) == 2


def test_udvalg_cannot_reach_personale(small_db):
    at = run_app("udvalg")
    assert not at.exception
    direct = open_directly("personale", "udvalg", SMALL_MONTH)
    assert_refused(direct)
