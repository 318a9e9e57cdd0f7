"""Overblik: one card per focus point and for budget, caseload and turnover, as each role may see them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mi import db, figures, fmt, frozen, kpi
from mi.pack import build_pack
from tests.pages.conftest import MONTH, run_app, texts


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_cards_show_the_months_kpis_in_danish_formats(app_db, role):
    at = run_app(role)
    assert not at.exception
    con = db.connect(app_db)
    v = kpi.values(con, MONTH)
    con.close()
    metrics = {m.label: m.value for m in at.metric}
    # the same numbers as `python -m mi kpis`, formatted the Danish way
    assert metrics["Børn anbragt på institution"] == fmt.number(v["f1_institution_children"])
    assert metrics["Andel i netværks- og plejefamilier"] == fmt.pct(v["f2_family_care_share"])
    assert metrics["Forventet forbrug for året"] == fmt.money(v["forecast_dkk"])
    assert metrics["Sager pr. rådgiver (årsværk)"] == fmt.number(v["caseload_per_fte"], 1)
    assert metrics["Personaleomsætning, 12 måneder"] == fmt.pct(v["turnover_12m"])
    assert re.search(r"\d,\d mio\. kr\.", metrics["Forventet forbrug for året"])  # decimal comma, mio. kr.
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


def test_month_picker_changes_the_figures(app_db):
    at = run_app("leder")
    before = {m.label: m.value for m in at.metric}
    at.sidebar.selectbox(key="_month").set_value(date(2025, 10, 1)).run()
    after = {m.label: m.value for m in at.metric}
    con = db.connect(app_db)
    v = kpi.values(con, date(2025, 10, 1))
    con.close()
    assert after["Forventet forbrug for året"] == fmt.money(v["forecast_dkk"])
    assert after != before
    assert "oktober 2025" in texts(at)


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
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["Nøgletal", "Værdi", "Siden sidste måned"]
    assert len(table) == len(kpi.REGISTRY)  # one row per KPI of the registry
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["CSV", "Excel"]


def test_budget_and_caseload_are_explained_in_words_against_their_targets(app_db):
    at = run_app("oekonomi")
    shown = texts(at)
    con = db.connect(app_db)
    v = kpi.values(con, MONTH)
    con.close()
    # the budget sentence names the forecast and the political target for the overspend
    assert f"Det forventede forbrug for 2026 er {figures.money(v['forecast_dkk'])}" in shown
    assert "Målet er" in shown or "målet er" in shown
    # caseload against DS' recommended band 20–30 (data/settings.toml)
    assert f"{fmt.number(v['caseload_per_fte'], 1)} sager pr. årsværk" in shown
    assert "anbefaler 20–30" in shown
