"""`python -m mi kpis`: exact keys, values from the database at $MI_DB, clear errors with exit code 1."""

from __future__ import annotations

import json

import pytest

from mi import db
from mi.__main__ import main
from mi.settings import Settings
from tests.conftest import COMPLIANCE_KEYS, frame, measure, payment, read_catalogue

KEYS = [
    "month",
    "f1_institution_children",
    "f1_institution_starts_ytd",
    "f2_family_care_share",
    "f3_private_family_treatment_starts_ytd",
    "f3_private_share_ytd",
    "f4_day_treatment_share",
    "f5_lost_earnings_ytd_dkk",
    "f5_lost_earnings_prev_ytd_dkk",
    "budget_dkk",
    "actual_ytd_dkk",
    "forecast_dkk",
    "overspend_dkk",
    "overspend_target_dkk",
    "caseload_per_fte",
    "turnover_12m",
    "tenure_under_1y_share",
    "tenure_under_2y_share",
    *COMPLIANCE_KEYS,
]


@pytest.fixture
def small_db(tmp_path, monkeypatch):
    path = tmp_path / "mi.duckdb"
    tables = {
        "children": [{"child_id": "B1"}, {"child_id": "B2"}],
        "measures": [
            measure("M1", "B1", "ANBR_DOGNINSTITUTION", "2024-02-01", provider="regional", cost="100000"),
            measure("M2", "B2", "ANBR_PLEJEFAMILIE", "2023-05-01", end="2024-10-31", cost="40000"),
        ],
        "payments": [payment("P1", "2024-03-31", "140000", measure="M1")],
        "budget": [{"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "1500000"}],
    }
    db.build(path, {t: frame(t, rows) for t, rows in tables.items()}, Settings(), read_catalogue())
    monkeypatch.setenv("MI_DB", str(path))
    return path


def test_json_has_exactly_the_contract_keys_and_values(small_db, capsys):
    assert main(["kpis", "--month", "2024-03"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == KEYS
    assert out["month"] == "2024-03"
    # 31 March: B1 in institution (M1), B2 in foster care (M2): 1 institution, share 1 / 2
    assert out["f1_institution_children"] == 1 and out["f2_family_care_share"] == 0.5
    # forecast: 140000 paid + M1 Apr–Dec 9 × 100000 + M2 Apr–Oct 7 × 40000 = 140000 + 900000 + 280000
    assert out["forecast_dkk"] == 1_320_000
    assert out["overspend_dkk"] == 1_320_000 - 1_500_000
    # no staff, cases or pupils: undefined, null
    assert out["caseload_per_fte"] is None and out["f4_day_treatment_share"] is None
    # no notifications, investigations or activities (contract v2): every compliance KPI null
    assert all(out[k] is None for k in KEYS if k.startswith("c"))


def test_text_format_is_danish(small_db, capsys):
    assert main(["kpis", "--month", "2024-03", "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Nøgletal for marts 2024" in text
    assert "Forventet forbrug for året: 1,3 mio. kr." in text
    assert "Andel i netværks- og plejefamilier: 50,0 %" in text


@pytest.mark.parametrize(
    ("month", "message"),
    [
        # the data runs from M2's start (May 2023) to its end (31 October 2024), the latest date recorded
        ("2031-01", "2031-01 ligger uden for data (data dækker 2023-05 til 2024-10)"),
        ("marts", "Måneden skal skrives ÅÅÅÅ-MM"),
        ("2024-13", "Måneden skal skrives ÅÅÅÅ-MM"),
    ],
)
def test_bad_month_is_a_clear_error(small_db, capsys, month, message):
    assert main(["kpis", "--month", month]) == 1
    assert message in capsys.readouterr().err


def test_missing_database_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MI_DB", str(tmp_path / "none.duckdb"))
    assert main(["kpis", "--month", "2024-03"]) == 1
    assert "Der er ingen database" in capsys.readouterr().err


def test_a_month_typed_as_a_cpr_number_is_not_echoed(small_db, capsys):
    assert main(["kpis", "--month", "010190-1234"]) == 1
    err = capsys.readouterr().err
    assert "010190" not in err and "XXXXXX-XXXX" in err


def test_demo_arguments_are_checked_in_danish(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["demo", "--out", str(tmp_path / "d"), "--scale", "0"])
    assert stop.value.code == 2 and "skal være mindst 1 (fik 0)" in capsys.readouterr().err
    (tmp_path / "a-file").write_text("x")
    assert main(["demo", "--out", str(tmp_path / "a-file")]) == 1
    assert "kan ikke skrive til" in capsys.readouterr().err


def test_a_month_not_ended_in_the_data_is_computed_with_a_note(small_db, capsys):
    # the data are as of 31 March 2024 (the latest posting): March is complete, May is not
    assert main(["kpis", "--month", "2024-03"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["kpis", "--month", "2024-05"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["month"] == "2024-05"
    assert "Bemærk: data går til 31.03.2024; maj 2024 er ikke afsluttet i data" in out.err


def test_a_database_built_by_an_older_version_is_refreshed_by_ensure_db(small_db, capsys):
    # an older program's database: another stamp, and a mart from before a column was added
    con = db.connect(small_db, read_only=False)
    con.sql("update build_info set schema_stamp = 'older'")
    con.sql(
        "create or replace table mart_kpi_monthly as select month, f1_institution_children from mart_kpi_monthly"
    )
    versions = con.sql("select count(*) from data_versions").fetchall()[0][0]
    con.close()
    # the commands that read it say what to do instead of failing on a missing column
    assert main(["kpis", "--month", "2024-03"]) == 1
    assert "bygget af en ældre version" in capsys.readouterr().err
    assert main(["freeze", "--month", "2024-03"]) == 1
    assert "python -m mi ensure-db" in capsys.readouterr().err
    # ensure-db rebuilds views, marts and the registry from the database's own data; history stays
    assert main(["ensure-db"]) == 0
    assert "genopbygges" in capsys.readouterr().out
    with db.connect(small_db) as con:
        assert db.is_current(con)
        assert con.sql("select count(*) from data_versions").fetchall()[0][0] == versions
    assert main(["kpis", "--month", "2024-03"]) == 0
    assert json.loads(capsys.readouterr().out)["f1_institution_children"] is not None
    assert main(["freeze", "--month", "2024-03"]) == 0
