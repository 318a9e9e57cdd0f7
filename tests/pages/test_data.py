"""Data: the current version, rows per table and the import history for leder and oekonomi; for leder an
upload → validation report → import; udvalg cannot reach the page."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from mi import auth, db
from tests.pages.conftest import MONTH, assert_refused, open_directly, run_app, texts

pytestmark = pytest.mark.usefixtures("app_db")

# A small valid data folder (semicolons, as municipal systems write): one child, case, measure, payment,
# budget line, caseworker and school year. Its latest posting, 31 March 2024, becomes "data pr.".
SMALL = {
    "children.csv": "child_id;birth_date;sex;district\nB1;2012-01-01;M;Nord\n",
    "cases.csv": "case_id;child_id;caseworker_id;team;opened_on;closed_on\nS1;B1;R1;Team A;2024-01-01;\n",
    "measures.csv": "measure_id;child_id;measure_code;provider_type;provider_name;start_on;end_on;"
    "monthly_cost_dkk;decided_on\nM1;B1;KONSULENT;intern;;2024-01-01;;1000;\n",
    "payments.csv": "payment_id;posted_on;amount_dkk;measure_id;measure_code\nP1;2024-03-31;1000;M1;\n",
    "budget.csv": "year;budget_area;budget_dkk\n2024;Forebyggelse;100000\n",
    "staff.csv": "employee_id;role;team;fte;hired_on;left_on;leave_reason\nR1;raadgiver;Team A;1;2020-01-01;;\n",
    "pupils.csv": "school_year;pupils\n2023/24;300\n",
}


def zipped(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"udtraek/{name}", text)
    return buf.getvalue()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def recorded_counts(path) -> dict[str, int]:
    with db.connect(path) as con:
        return json.loads(
            db.scalar(con, "select row_counts from data_versions order by version_id desc limit 1")
        )


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_current_version_rows_and_history(small_db, role):
    # Lilleby (tests/pages/conftest.py): children 5, cases 4, measures 4, payments 8, budget 2, staff 3, pupils 1
    at = run_app(role, "data")
    assert not at.exception
    assert at.title[0].value == "Data"
    assert metrics(at) == {
        "Dataversion": "1",
        "Data pr.": "10. maj 2024",  # the latest posting (P10)
        "Indlæst": metrics(at)["Indlæst"],
        "Rækker i alt": "27",  # 5 + 4 + 4 + 8 + 2 + 3 + 1
    }
    rows = at.dataframe[0].value
    assert dict(zip(rows["Tabel"], rows["Rækker"], strict=True)) == {
        "children": "5",
        "cases": "4",
        "measures": "4",
        "payments": "8",
        "budget": "2",
        "staff": "3",
        "pupils": "1",
    }
    history = at.dataframe[1].value
    assert history[["Version", "Data pr.", "Rækker i alt"]].values.tolist() == [[1, "10. maj 2024", "27"]]


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_the_demos_files_and_their_checksums(app_db, role):
    at = run_app(role, "data")
    assert not at.exception
    counts = recorded_counts(app_db)
    assert metrics(at)["Data pr."] == "7. november 2026"  # the demo's latest posting
    assert "." in metrics(at)["Rækker i alt"]  # Danish thousands separator (the demo has > 50.000 rows)
    files = at.dataframe[2].value  # the files of each import with their SHA-256
    assert list(files["Fil"]) == [f"{t}.csv" for t in counts]
    assert all(len(h) == 64 for h in files["SHA-256"])
    assert len(at.get("download_button")) == 6  # CSV and Excel for each of the three tables


def test_oekonomi_sees_no_upload(app_db):
    at = run_app("oekonomi", "data")
    assert len(at.file_uploader) == 0
    assert len(at.button) == 0
    assert "Kun ledere kan indlæse nye data." in texts(at)


def test_udvalg_cannot_reach_the_data_page(app_db):
    at = run_app("udvalg")
    assert not at.exception
    assert "data" not in {p.slug for p in auth.pages_for("udvalg")}
    direct = open_directly("data", "udvalg", MONTH)
    assert_refused(direct)
    assert len(direct.file_uploader) == 0  # nothing to upload either


def test_upload_a_valid_folder_then_import_shows_the_new_version(app_db):
    at = run_app("leder", "data")
    at.file_uploader(key="upload-0").set_value(("udtraek.zip", zipped(SMALL), "application/zip")).run()
    assert not at.exception
    assert "**Valideringsrapport:** 0 fejl og 0 advarsler" in texts(at)
    importer = at.button(key="import-0")
    assert importer.disabled  # only on confirmation
    at.checkbox(key="sure-0").check().run()
    at.button(key="import-0").click().run()
    assert not at.exception
    assert "Data indlæst som dataversion 2." in texts(at)
    shown = metrics(at)
    assert shown["Dataversion"] == "2"
    assert shown["Data pr."] == "31. marts 2024"
    assert shown["Rækker i alt"] == "7"  # one row in each of the seven tables
    assert list(at.dataframe[1].value["Version"]) == [2, 1]
    assert at.dataframe[1].value["Kilde"][0] == "Upload"  # not the temporary folder's name
    assert recorded_counts(app_db) == {t: 1 for t in db.V1_TABLES}
    files = at.dataframe[2].value
    new = files[files["Version"] == 2]
    # each uploaded file (unpacked from the zip) with the SHA-256 of exactly the bytes sent
    assert dict(zip(new["Fil"], new["SHA-256"], strict=True)) == {
        name: hashlib.sha256(text.encode()).hexdigest() for name, text in SMALL.items()
    }
    assert len(at.file_uploader(key="upload-1").value or []) == 0  # a fresh, empty uploader


def test_upload_with_an_error_reports_where_and_offers_no_import(app_db):
    before = hashlib.sha256(app_db.read_bytes()).hexdigest()
    at = run_app("leder", "data")
    files = [(name, text.encode(), "text/csv") for name, text in SMALL.items()]
    # staff.csv line 2: an FTE of 2 (must be over 0 and at most 1)
    files = [
        (
            n,
            b"employee_id;role;team;fte;hired_on;left_on;leave_reason\nR1;raadgiver;Team A;2;2020-01-01;;\n",
            m,
        )
        if n == "staff.csv"
        else (n, c, m)
        for n, c, m in files
    ]
    at.file_uploader(key="upload-0").set_value(files).run()
    assert not at.exception
    report = at.dataframe[-1].value
    bad = report[report["Fil"] == "staff.csv"]
    assert (
        list(bad["Linje"]) == ["2"]
        and list(bad["Kolonne"]) == ["fte"]
        and list(bad["Alvorlighed"]) == ["fejl"]
    )
    assert "kan ikke indlæses" in texts(at)
    assert not [b for b in at.button if b.label == "Importér"]
    assert len(at.checkbox) == 0
    assert any(b.label == "CSV" and "valideringsrapport" in (b.key or "") for b in at.get("download_button"))
    assert hashlib.sha256(app_db.read_bytes()).hexdigest() == before  # the database is unchanged
    assert metrics(at)["Dataversion"] == "1"


def test_a_zip_bomb_is_refused_on_the_page_with_one_clear_error(app_db):
    # 300 MB of one byte packed into a few hundred KB: refused from the zip's directory in the upload's own process;
    # a problem of the whole file has no line or column (shown empty, not "None")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in SMALL.items():
            zf.writestr(f"udtraek/{name}", b"0" * (300 << 20) if name == "payments.csv" else text)
    before = hashlib.sha256(app_db.read_bytes()).hexdigest()
    at = run_app("leder", "data")
    at.file_uploader(key="upload-0").set_value(("bombe.zip", buf.getvalue(), "application/zip")).run()
    assert not at.exception
    assert "**Valideringsrapport:** 1 fejl og 0 advarsler" in texts(at)
    report = at.dataframe[-1].value
    assert (
        list(report["Fil"]) == ["bombe.zip"]
        and list(report["Linje"]) == [""]
        and list(report["Kolonne"]) == [""]
    )
    assert "payments.csv pakkes ud til" in report["Besked"][0] and "grænsen er 200" in report["Besked"][0]
    assert "kan ikke indlæses" in texts(at)
    assert hashlib.sha256(app_db.read_bytes()).hexdigest() == before
