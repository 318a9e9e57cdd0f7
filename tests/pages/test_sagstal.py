"""Sagstal: caseload against the norm for leder and oekonomi (caseworker level for leder only); udvalg cannot
reach the page. Expected values are read from the marts and formatted with mi.fmt."""

from __future__ import annotations

import pytest

from mi import db, fmt, kpi, staff
from tests.pages.conftest import MONTH, assert_refused, open_directly, run_app, texts

pytestmark = pytest.mark.usefixtures("app_db")


def mart(path, sql):
    with db.connect(path) as con:
        return db.query(con, sql, {"m": MONTH})


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_caseload_figures_in_danish_formats(app_db, role):
    at = run_app(role, "sagstal")
    assert not at.exception
    assert at.title[0].value == "Sagstal"
    con = db.connect(app_db)
    v = kpi.values(con, MONTH)
    con.close()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sager pr. rådgiver (årsværk)"] == fmt.number(v["caseload_per_fte"], 1)
    assert "," in metrics["Sager pr. rådgiver (årsværk)"]  # decimal comma
    shown = texts(at)
    assert "20–30 sager pr. årsværk" in shown  # the norm from the settings
    assert "Periode: november 2023 – oktober 2026 · Data pr. 7. november 2026" in shown
    assert "Periode: oktober 2026 · Data pr. 7. november 2026" in shown
    # the team table: every team's caseload as the mart has it, with one decimal and a comma
    teams = mart(
        app_db,
        "select unit, caseload_per_fte, norm_status from mart_caseload_norm "
        "where level = 'team' and month = $m order by unit",
    )
    table = at.dataframe[1].value
    got = dict(zip(table["Team"], table["Sager pr. årsværk"], strict=True))
    assert {t: got[t] for t in teams["unit"]} == {
        t: fmt.number(x, 1) for t, x in zip(teams["unit"], teams["caseload_per_fte"], strict=True)
    }
    # how many caseworkers are over the norm (an aggregate both roles see)
    bands = at.dataframe[2].value
    over = mart(
        app_db, "select n_caseworkers from mart_caseload_bands where month = $m and norm_status = 'over'"
    )
    assert list(bands[bands["I forhold til normen"] == "Over normen"]["Rådgivere"]) == [over.item()]


def test_leder_sees_caseworkers_by_pseudonym(app_db):
    at = run_app("leder", "sagstal")
    assert "Sager pr. årsværk pr. rådgiver" in texts(at)
    # the list of every caseworker is drawn when its expander is opened, not before
    assert len(at.dataframe) == 3 and [e.label for e in at.expander] == ["Vis hver rådgivers sagstal"]
    at.session_state[staff.CASEWORKERS_KEY] = True
    at.run()
    assert not at.exception
    table = at.dataframe[3].value
    ids = mart(app_db, "select unit from mart_caseload_norm where level = 'raadgiver' and month = $m")["unit"]
    assert sorted(table["Rådgiver (pseudonym)"]) == sorted(ids)
    assert all(i.startswith("K001-M") for i in table["Rådgiver (pseudonym)"])  # the demo's pseudonymous ids


def test_oekonomi_sees_no_caseworker_level(app_db):
    at = run_app("oekonomi", "sagstal")
    assert not at.exception
    assert len(at.dataframe) == 3  # trend, teams, bands: no caseworker table
    ids = mart(app_db, "select unit from mart_caseload_norm where level = 'raadgiver' and month = $m")["unit"]
    shown = texts(at) + "".join(str(d.value.to_dict()) for d in at.dataframe)
    assert not [i for i in ids if i in shown]
    assert "pr. rådgiver" not in " ".join(s.value for s in at.subheader)
    assert not at.expander  # nothing to open either
    assert not [b for b in at.get("download_button") if "raadgivere" in (b.key or "")]


def test_udvalg_cannot_reach_sagstal(app_db):
    at = run_app("udvalg")
    assert not at.exception
    direct = open_directly("sagstal", "udvalg", MONTH)
    assert_refused(direct)
