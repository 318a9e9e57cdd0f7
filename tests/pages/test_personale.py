"""Personale: turnover, leavers by reason, seniority, headcount and FTE for leder and oekonomi; udvalg cannot reach
the page. Expected values are read from the marts and formatted with mi.fmt."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mi import db, fmt, kpi
from mi.settings import ROOT
from tests.pages.conftest import MONTH, run_app, texts

pytestmark = pytest.mark.usefixtures("app_db")


def one(path, sql):
    con = db.connect(path)
    try:
        return db.query(con, sql, {"m": MONTH})
    finally:
        con.close()


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_staff_figures_in_danish_formats(app_db, role):
    at = run_app(role, "personale")
    assert not at.exception
    assert at.title[0].value == "Personale"
    con = db.connect(app_db)
    v = kpi.values(con, MONTH)
    con.close()
    s = one(app_db, "select * from mart_staff_summary where month = $m").row(0, named=True)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Personaleomsætning, 12 måneder"] == fmt.pct(v["turnover_12m"])
    assert metrics["Andel ansat under 1 år"] == fmt.pct(v["tenure_under_1y_share"])
    assert metrics["Andel ansat under 2 år"] == fmt.pct(v["tenure_under_2y_share"])
    assert metrics["Ansatte"] == fmt.number(s["n_staff"])
    assert metrics["Årsværk"] == fmt.number(s["fte"], 1)
    assert metrics["Fratrådt, 12 måneder"] == fmt.number(s["n_leavers_12m"])
    assert metrics["Personaleomsætning, 12 måneder"].endswith(" %") and "," in metrics["Årsværk"]
    shown = texts(at)
    assert "Periode: november 2025 – oktober 2026 · Data pr. 7. november 2026" in shown  # the 12 months
    assert "Periode: oktober 2026 · Data pr. 7. november 2026" in shown
    # leavers by reason: the mart's counts, most frequent first
    reasons = one(app_db, "select leave_reason, n_leavers from mart_leavers_reason_12m where month = $m")
    table = at.dataframe[1].value
    assert dict(zip(table["Årsag"], table["Fratrådte"], strict=True)) == dict(reasons.iter_rows())
    # seniority: the under-1-year band of all staff equals the KPI
    tenure = at.dataframe[2].value
    first = tenure[(tenure["Gruppe"] == "Alle ansatte") & (tenure["Anciennitet"] == "Under 1 år")]
    assert list(first["Andel"]) == [fmt.pct(v["tenure_under_1y_share"])]
    # headcount by team and role adds up to the staff at the month-end
    assert sum(at.dataframe[3].value["Ansatte"]) == s["n_staff"]
    assert len([b for b in at.get("download_button") if b.label == "CSV"]) == 4


def test_udvalg_cannot_reach_personale(app_db):
    at = run_app("udvalg")
    assert not at.exception
    direct = AppTest.from_file(str(ROOT / "pages" / "personale.py"), default_timeout=60)
    direct.session_state["role"] = "udvalg"
    direct.session_state["month"] = MONTH
    direct.run()
    assert "har ikke adgang" in texts(direct)
    assert len(direct.metric) == 0 and len(direct.dataframe) == 0
