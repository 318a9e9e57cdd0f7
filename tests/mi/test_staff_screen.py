"""mi.staff: what Sagstal and Personale show, on the hand-written town of tests/sql/test_staff_marts.py
(March 2024, caseload norm 2–3): Danish tables, periods, the caseworker level for leder only, empty states."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from mi import staff
from mi.settings import CaseloadSettings, Settings
from tests.conftest import build_db, payment
from tests.sql.test_staff_marts import CASES, STAFF

MARCH = date(2024, 3, 1)


@pytest.fixture(scope="module")
def town():
    return build_db(
        Settings(caseload=CaseloadSettings(norm_low=2, norm_high=3)),
        cases=CASES,
        staff=STAFF,
        payments=[payment("P1", "2024-03-31", "100", code="KONSULENT")],
    )


def test_norm_comes_from_the_settings(town):
    assert staff.norm(town) == (2.0, 3.0)
    assert staff.norm_text(town) == "2–3 sager pr. årsværk"


def test_caseload_by_team_in_danish(town):
    v = staff.caseload_teams(town, MARCH)
    assert v.period == "marts 2024"
    # Nord 5 ÷ 1,5 = 3,3 over; Syd 2 ÷ 1 = 2,0 within; the department 7 ÷ 2,5 = 2,8 last
    assert v.table.rows() == [
        ("Nord", 5, "1,5", "3,3", "Over normen"),
        ("Syd", 2, "1,0", "2,0", "Inden for normen"),
        ("Hele afdelingen", 7, "2,5", "2,8", "Inden for normen"),
    ]
    assert v.chart is not None
    # the downloads keep the numbers (Excel formats them), the screen shows Danish text
    assert v.data.row(0) == ("Nord", 5, 1.5, pytest.approx(5 / 1.5), "Over normen")
    assert v.data.schema["Sager pr. årsværk"] == pl.Float64


def test_caseload_trend_runs_from_the_first_month_with_data_to_the_month(town):
    v = staff.caseload_trend(town, MARCH)
    # the trend could reach back to April 2021 (36 months), but the data start in January 2024
    assert v.period == "januar 2024 – marts 2024"
    # the data start in January 2024: three months × (department, Nord, Syd)
    assert v.table.height == 9
    assert v.table.row(-1) == ("marts 2024", "Syd", 2, "1,0", "2,0", "Inden for normen")


def test_caseload_bands_label_the_norm(town):
    v = staff.caseload_bands(town, MARCH)
    assert v.table.rows() == [
        ("Under 2", "Under normen", 1, "33,3 %"),
        ("2–3", "Inden for normen", 1, "33,3 %"),
        ("Over 3", "Over normen", 1, "33,3 %"),
    ]


def test_caseworker_level_is_for_leder_only(town):
    v = staff.caseworkers(town, MARCH, "leder")
    # highest caseload first; E6 (left, still holding C7) last, without FTE
    assert v.table["Rådgiver (pseudonym)"].to_list() == ["E2", "E1", "E3", "E6"]
    assert v.table.row(0) == ("E2", "Nord", 2, "0,5", "4,0", "Over normen")
    assert v.table.row(3) == ("E6", "Ikke ansat som rådgiver", 1, "–", "–", "Ingen årsværk")
    for role in ("oekonomi", "udvalg"):
        with pytest.raises(PermissionError):
            staff.caseworkers(town, MARCH, role)


def test_caseworker_chart_keeps_the_highest_caseloads_the_table_all(town, monkeypatch):
    # with room for two bars: E2 (4,0) and E1 (the next highest) are drawn; the table keeps all four rows
    monkeypatch.setattr(staff, "CHART_MAX_CASEWORKERS", 2)
    v = staff.caseworkers(town, MARCH, "leder")
    assert v.table.height == 4
    (bars,) = [layer for layer in v.chart["layer"] if layer["mark"]["type"] == "bar"]
    assert [r["caseworker_id"] for r in bars["data"]["values"]] == ["E2", "E1"]


def test_staff_summary_metrics(town):
    metrics = {label: value for label, value, _ in staff.summary_metrics(staff.summary(town, MARCH))}
    # 5 people, 4,5 FTE, raadgivere 2,5 FTE, 2 hired and 3 left in the 12 months (see test_staff_marts)
    assert metrics == {
        "Ansatte": "5",
        "Årsværk": "4,5",
        "Rådgivere (årsværk)": "2,5",
        "Ansat, 12 måneder": "2",
        "Fratrådt, 12 måneder": "3",
    }
    assert staff.summary_metrics(staff.summary(town, date(2030, 1, 1))) == []


def test_turnover_leavers_and_tenure_tables(town):
    t = staff.turnover_trend(town, MARCH)
    # March: 3 leavers ÷ mean headcount 6,25 = 48,0 %
    assert t.table.row(-1) == ("marts 2024", 3, "6,25", "48,0 %")
    assert t.period == "januar 2024 – marts 2024"  # the months with figures, not 36 months back
    r = staff.leavers_by_reason(town, MARCH)
    assert r.period == "april 2023 – marts 2024"
    assert sorted(r.table.rows()) == [
        ("Ikke oplyst", 1, 1, "33,3 %"),
        ("Nyt job", 1, 0, "33,3 %"),
        ("Pension", 1, 1, "33,3 %"),
    ]
    ten = staff.tenure(town, MARCH)
    assert ten.table.row(1) == ("Alle ansatte", "1–2 år", 2, "40,0 %", "Under 2 år", "60,0 %")
    assert ten.table.row(7) == ("Rådgivere", "5 år og mere", 0, "0,0 %", "Alle", "100,0 %")


def test_headcount_by_team_and_role(town):
    v = staff.headcount(town, MARCH)
    rows = {(r[0], r[1]): r[2:] for r in v.table.rows()}
    # Nord: E1 1 + E2 0,5 raadgivere; Syd: E3 raadgiver, E4 leder; Familiehuset: E5 left 15 February (a leaver
    # in February, not March, and not active at E: no row)
    assert rows[("Nord", "Rådgiver")] == (2, "1,5", 0, 0)
    assert rows[("Syd", "Leder")] == (1, "1,0", 0, 0)
    assert ("Familiehuset", "Familiebehandler") not in rows


def test_empty_month_says_what_is_missing(town):
    v = staff.leavers_by_reason(town, date(2030, 1, 1))
    assert v.is_empty and v.chart is None
    assert "left_on" in v.missing and "staff" in v.missing
    assert staff.caseload_teams(town, date(2030, 1, 1)).is_empty
    assert staff.caseload_bands(town, date(2030, 1, 1)).is_empty
