"""Reading, validating and importing a data folder (mi.ingest, mi.contract).

A small valid folder is written by hand below; each test breaks one thing and checks that the problem is
reported with its file, its line as a spreadsheet shows it (header = line 1, first row = line 2) and its column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest

from mi import cli, contract, db, ingest, ingest_checks
from mi.settings import ROOT

# The valid folder. Lines: the first row of each table is line 2.
TABLES: dict[str, list[dict[str, str]]] = {
    "children": [
        {"child_id": "B1", "birth_date": "2010-05-01", "sex": "M", "district": "Nord"},
        {"child_id": "B2", "birth_date": "2012-02-29", "sex": "K", "district": "Syd"},
    ],
    "cases": [
        {
            "case_id": "S1",
            "child_id": "B1",
            "caseworker_id": "R1",
            "team": "Team A",
            "opened_on": "2019-01-01",
            "closed_on": "",
        },
        {
            "case_id": "S2",
            "child_id": "B2",
            "caseworker_id": "R1",
            "team": "Team A",
            "opened_on": "2019-03-01",
            "closed_on": "2019-12-31",
        },
    ],
    "measures": [
        {
            "measure_id": "M1",
            "child_id": "B1",
            "measure_code": "ANBR_PLEJEFAMILIE",
            "provider_type": "privat",
            "provider_name": "Plejefamilie A",
            "start_on": "2019-02-01",
            "end_on": "",
            "monthly_cost_dkk": "31234.50",
            "decided_on": "2019-01-20",
        },
        {
            "measure_id": "M2",
            "child_id": "B2",
            "measure_code": "FAMILIEBEHANDLING",
            "provider_type": "intern",
            "provider_name": "",
            "start_on": "2019-03-01",
            "end_on": "2019-06-30",
            "monthly_cost_dkk": "8000",
            "decided_on": "",
        },
    ],
    "payments": [
        {
            "payment_id": "P1",
            "posted_on": "2019-02-28",
            "amount_dkk": "31234.50",
            "measure_id": "M1",
            "measure_code": "",
            "account": "5.28.23",
            "child_id": "B1",
            "provider_name": "Plejefamilie A",
            "description": "Februar",
        },
        {
            "payment_id": "P2",
            "posted_on": "2019-03-31",
            "amount_dkk": "-1500.25",
            "measure_id": "",
            "measure_code": "FAMILIEBEHANDLING",
            "account": "5.28.21",
            "child_id": "",
            "provider_name": "",
            "description": "Refusion",
        },
    ],
    "budget": [{"year": "2019", "budget_area": "Anbringelser", "budget_dkk": "1234567"}],
    "staff": [
        {
            "employee_id": "R1",
            "role": "raadgiver",
            "team": "Team A",
            "fte": "1",
            "hired_on": "2018-01-01",
            "left_on": "",
            "leave_reason": "",
        },
        {
            "employee_id": "L1",
            "role": "leder",
            "team": "Team A",
            "fte": "0.5",
            "hired_on": "2015-06-01",
            "left_on": "2019-05-31",
            "leave_reason": "Nyt job",
        },
        {
            "employee_id": "L1",
            "role": "leder",
            "team": "Team A",
            "fte": "1",
            "hired_on": "2020-01-01",
            "left_on": "",
            "leave_reason": "",
        },
    ],
    "pupils": [{"school_year": "2019/20", "pupils": "3000"}],
}


# the rows of each table in TABLES, as a data version records them
V1_ROW_COUNTS = {
    "children": 2,
    "cases": 2,
    "measures": 2,
    "payments": 2,
    "budget": 1,
    "staff": 3,
    "pupils": 1,
}


def write_folder(folder: Path, tables: dict[str, list[dict[str, str]]] | None = None, **changes) -> Path:
    """Write the tables as plain CSV (UTF-8, comma, ISO dates). `changes`: table → rows, replacing TABLES'."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in ((tables or TABLES) | changes).items():
        cols = [c for c, _ in db.RAW_SCHEMA[table]]
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else cols)
            w.writeheader()
            w.writerows(rows)
    return folder


def changed(table: str, index: int, **values: str) -> dict[str, list[dict[str, str]]]:
    rows = [dict(r) for r in TABLES[table]]
    rows[index].update(values)
    return {table: rows}


def errors(folder: Path) -> list[ingest_checks.Issue]:
    return [i for i in ingest.validate_folder(folder) if i.is_error]


def where(issues: list[ingest_checks.Issue]) -> list[tuple[str, int | None, str | None]]:
    return [(i.file, i.line, i.column) for i in issues]


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_folder(tmp_path / "data")


# ------------------------------------------------------------------------------------------ a valid folder


def test_valid_folder_has_no_errors_and_only_the_expected_warning(folder):
    # L1 left 2019-05-31 and was rehired: two employments, one key each → no duplicate. No payment lies
    # outside its measure (P1 2019-02-28 within M1 from 2019-02-01; P2 has no measure_id). Every child has a case.
    assert ingest.validate_folder(folder) == []


def test_clean_frames_are_normalised_text(folder):
    loaded = ingest.read_folder(folder)
    assert loaded.frames["measures"]["monthly_cost_dkk"].to_list() == ["31234.50", "8000"]
    assert loaded.frames["staff"]["fte"].to_list() == ["1", "0.5", "1"]
    assert loaded.frames["payments"]["measure_id"].to_list() == ["M1", None]  # empty is null
    assert [f["file"] for f in loaded.files] == [f"{t}.csv" for t in db.V1_TABLES]
    assert loaded.files[0]["sha256"] == hashlib.sha256((folder / "children.csv").read_bytes()).hexdigest()


def test_import_builds_the_database_with_a_version(folder, tmp_path):
    path = tmp_path / "mi.duckdb"
    assert ingest.import_folder(folder, path) == 1
    con = duckdb.connect(str(path), read_only=True)
    # amounts: 31234.50 + (−1500.25) = 29734.25
    assert con.sql("select sum(amount_dkk)::double from payments").fetchall() == [(29734.25,)]
    counts = json.loads(con.sql("select row_counts from data_versions").fetchall()[0][0])
    assert counts == V1_ROW_COUNTS
    con.close()
    assert ingest.import_folder(folder, path) == 2  # the next import is version 2; history carried


# --------------------------------------------------------------------------------- one test per defect

DEFECTS = [
    # (name, changes, file, line, column, words in the message)
    (
        "wrong type",
        changed("payments", 1, amount_dkk="ca. 500"),
        "payments.csv",
        3,
        "amount_dkk",
        "ikke et beløb",
    ),
    (
        "impossible date",
        changed("payments", 0, posted_on="2021-02-30"),
        "payments.csv",
        2,
        "posted_on",
        "ikke en gyldig dato",
    ),
    (
        "two-digit year",
        changed("payments", 0, posted_on="01-02-22"),
        "payments.csv",
        2,
        "posted_on",
        "ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD",
    ),
    (
        "amount larger than the database holds",
        changed("payments", 0, amount_dkk="99999999999999999.99"),
        "payments.csv",
        2,
        "amount_dkk",
        "højst 999.999.999.999",
    ),
    (
        "pupils larger than the database holds",
        {"pupils": [{"school_year": "2019/20", "pupils": "3000000000"}]},
        "pupils.csv",
        2,
        "pupils",
        "højst 2.147.483.647",
    ),
    (
        "end before start",
        changed("measures", 1, end_on="2019-02-28"),
        "measures.csv",
        3,
        "end_on",
        "ligger før",
    ),
    (
        "closed before opened",
        changed("cases", 1, closed_on="2019-02-01"),
        "cases.csv",
        3,
        "closed_on",
        "ligger før",
    ),
    ("left before hired", changed("staff", 1, left_on="2015-05-31"), "staff.csv", 3, "left_on", "ligger før"),
    (
        "provider_type",
        changed("measures", 0, provider_type="offentlig"),
        "measures.csv",
        2,
        "provider_type",
        "ikke en tilladt værdi",
    ),
    ("sex", changed("children", 1, sex="X"), "children.csv", 3, "sex", "ikke en tilladt værdi"),
    ("role", changed("staff", 0, role="chef"), "staff.csv", 2, "role", "ikke en tilladt værdi"),
    ("fte zero", changed("staff", 0, fte="0"), "staff.csv", 2, "fte", "over 0"),
    ("fte above one", changed("staff", 2, fte="1.5"), "staff.csv", 4, "fte", "højst 1"),
    (
        "duplicate measure_id",
        changed("measures", 1, measure_id="M1"),
        "measures.csv",
        3,
        "measure_id",
        "findes allerede på linje 2",
    ),
    (
        "duplicate payment_id",
        changed("payments", 1, payment_id="P1"),
        "payments.csv",
        3,
        "payment_id",
        "findes allerede på linje 2",
    ),
    ("duplicate case_id", changed("cases", 1, case_id="S1"), "cases.csv", 3, "case_id", "findes allerede"),
    (
        "duplicate child_id",
        {"children": [*TABLES["children"], TABLES["children"][0]]},
        "children.csv",
        4,
        "child_id",
        "findes allerede på linje 2",
    ),
    (
        "duplicate employment",
        changed("staff", 2, hired_on="2015-06-01"),
        "staff.csv",
        4,
        "employee_id",
        "employee_id og hired_on",
    ),
    (
        "unknown child",
        changed("measures", 1, child_id="B9"),
        "measures.csv",
        3,
        "child_id",
        "findes ikke i children",
    ),
    (
        "unknown caseworker",
        changed("cases", 0, caseworker_id="R9"),
        "cases.csv",
        2,
        "caseworker_id",
        "findes ikke i staff",
    ),
    (
        "unknown measure",
        changed("payments", 0, measure_id="M9"),
        "payments.csv",
        2,
        "measure_id",
        "findes ikke i measures",
    ),
    (
        "unknown code",
        changed("measures", 0, measure_code="ANBRINGELSE"),
        "measures.csv",
        2,
        "measure_code",
        "findes ikke i kataloget",
    ),
    (
        "uncoded payment",
        changed("payments", 1, measure_code=""),
        "payments.csv",
        3,
        "measure_code",
        "hverken measure_id eller measure_code",
    ),
    ("required value empty", changed("cases", 0, opened_on=""), "cases.csv", 2, "opened_on", "værdi mangler"),
    (
        "school year",
        {"pupils": [{"school_year": "2019/21", "pupils": "3000"}]},
        "pupils.csv",
        2,
        "school_year",
        "skoleår",
    ),
    (
        "negative monthly cost",
        changed("measures", 0, monthly_cost_dkk="-100"),
        "measures.csv",
        2,
        "monthly_cost_dkk",
        "mindst 0",
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "file", "line", "column", "words"), DEFECTS, ids=[d[0] for d in DEFECTS]
)
def test_each_defect_is_an_error_at_its_file_line_and_column(
    tmp_path, name, changes, file, line, column, words
):
    found = errors(write_folder(tmp_path / "data", **changes))
    assert where(found) == [(file, line, column)], found
    assert words in found[0].message


def test_missing_required_column_is_named(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "posted_on"} for r in TABLES["payments"]]
    found = errors(write_folder(tmp_path / "data", payments=rows))
    assert where(found) == [("payments.csv", 1, "posted_on")]
    assert "påkrævede kolonne 'posted_on' mangler" in found[0].message


def test_a_missing_column_does_not_hide_the_other_problems(tmp_path):
    # cases without caseworker_id, and S2 (line 3) opened on 30 February; M2 (measures line 3) for a child B9
    # that does not exist: all three are reported, not only the missing column
    cases = [{k: v for k, v in r.items() if k != "caseworker_id"} for r in TABLES["cases"]]
    cases[1]["opened_on"] = "2022-02-30"
    changes = {"cases": cases} | changed("measures", 1, child_id="B9")
    found = errors(write_folder(tmp_path / "data", **changes))
    assert where(found) == [
        ("cases.csv", 1, "caseworker_id"),
        ("cases.csv", 3, "opened_on"),
        ("measures.csv", 3, "child_id"),
    ]


def test_a_row_with_too_many_fields_is_named_by_its_spreadsheet_line(tmp_path):
    # row 2 has a quoted district that spans two lines of the file; row 3 has five fields for a four-field header:
    # the error names line 3, as a spreadsheet numbers the rows (the file line would be 4)
    folder = write_folder(tmp_path / "data")
    (folder / "children.csv").write_text(
        'child_id,birth_date,sex,district\nB1,2010-01-01,M,"Nord\nøst"\nB2,2011-01-01,K,Syd,x\n',
        encoding="utf-8",
    )
    found = errors(folder)
    assert where(found)[0] == ("children.csv", 3, None)
    assert found[0].message == "linjen har 5 felter, men overskriften har 4 (skilletegn ',')"


def test_all_problems_are_reported_at_once(tmp_path):
    changes = changed("payments", 0, posted_on="2021-02-30") | changed("staff", 0, fte="2")
    assert where(errors(write_folder(tmp_path / "data", **changes))) == [
        ("payments.csv", 2, "posted_on"),
        ("staff.csv", 2, "fte"),
    ]


def test_missing_required_file_is_an_error_missing_optional_file_a_warning(folder):
    (folder / "measures.csv").unlink()
    (folder / "pupils.csv").unlink()
    issues = ingest.validate_folder(folder)
    assert [(i.file, i.severity) for i in issues] == [("measures.csv", "fejl"), ("pupils.csv", "advarsel")]


def test_a_case_system_alone_imports_with_a_warning_for_each_missing_table(folder, tmp_path):
    # a municipality whose export comes from its case system alone: children, cases and measures, no payments,
    # budget, staff or pupils. The cases' caseworker ids have no staff table to be checked against (as for any
    # optional table that is missing); each missing file is one warning that says what goes without it.
    for table in ("payments", "budget", "staff", "pupils"):
        (folder / f"{table}.csv").unlink()
    issues = ingest.validate_folder(folder)
    assert [(i.file, i.severity) for i in issues] == [
        ("budget.csv", "advarsel"),
        ("payments.csv", "advarsel"),
        ("pupils.csv", "advarsel"),
        ("staff.csv", "advarsel"),
    ]
    assert "budget, budgetafvigelse og merforbrug kan ikke beregnes" in issues[0].message
    assert ingest.import_folder(folder, tmp_path / "mi.duckdb") == 1
    con = duckdb.connect(str(tmp_path / "mi.duckdb"), read_only=True)
    assert con.sql("select count(*) from cases").fetchall() == [(2,)]
    assert con.sql("select count(*) from staff").fetchall() == [(0,)]


# ---------------------------------------------------------------------------------------------- CPR guard

CPR = "0101801234"  # shaped like a CPR number (1 January 1980); not a real person's


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("children", "child_id", CPR),
        ("cases", "case_id", "010180-1234"),
        ("measures", "measure_id", f"X{CPR}"),
        ("payments", "description", f"betaling til {CPR[:6]}-{CPR[6:]}"),
        ("staff", "employee_id", CPR),
        # other spellings: with a space, with dots, and as a number cell that lost its leading 0 in Excel
        ("children", "child_id", f"{CPR[:6]} {CPR[6:]}"),
        ("cases", "case_id", f"{CPR[:2]}.{CPR[2:4]}.{CPR[4:6]}-{CPR[6:]}"),
        ("staff", "employee_id", CPR[1:]),
    ],
)
def test_cpr_numbers_are_rejected_and_never_written(tmp_path, capsys, table, column, value):
    folder = write_folder(tmp_path / "data", **changed(table, 0, **{column: value}))
    issues = ingest.validate_folder(folder)
    cpr_issues = [i for i in issues if "CPR" in i.message]
    assert where(cpr_issues) == [(f"{table}.csv", 2, column)]
    # nowhere in the messages (also those of follow-on reference errors), the text report or the JSON
    for out_format in ("text", "json"):
        rc = cli.validate(type("A", (), {"data": folder, "format": out_format})())
        assert rc == 1
        out = capsys.readouterr().out
        assert CPR not in out and CPR[:6] not in out and "CPR" in out
    assert all(CPR[:6] not in i.message for i in issues)
    db_file = tmp_path / "mi.duckdb"
    with pytest.raises(ingest.ImportBlocked):
        ingest.import_folder(folder, db_file)
    assert not db_file.exists()


def test_a_cpr_shaped_column_name_is_masked_in_every_field(tmp_path, capsys):
    # a header cell holding a CPR number (a pasted value) is an unknown column: warned about, never echoed
    folder = write_folder(tmp_path / "data")
    path = folder / "children.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + f",{CPR}"] + [ln + "," for ln in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    issues = ingest.validate_folder(folder)
    assert [(i.file, i.line, i.column) for i in issues] == [("children.csv", 1, "XXXXXX-XXXX")]
    cli.validate(type("A", (), {"data": folder, "format": "json"})())
    assert CPR not in capsys.readouterr().out


def test_cpr_shape_needs_a_possible_date():
    assert contract.looks_like_cpr("3101801234")  # 31 January
    assert not contract.looks_like_cpr("3102801234")  # 31 February is no date: an ordinary number
    assert contract.looks_like_cpr("290200-1234")  # 29 February (a leap day in 2000)
    assert not contract.looks_like_cpr("K001-B000001")
    # nine digits: read as a CPR number that lost its leading 0 only when that gives a date (0123456789: month 23)
    assert contract.looks_like_cpr("101801234") and not contract.looks_like_cpr("123456789")
    assert contract.mask(f"id {CPR} x") == "id XXXXXX-XXXX x"


# -------------------------------------------------------------------------------------------- warnings


def test_warnings_do_not_block_the_import(tmp_path):
    staff = [dict(r) for r in TABLES["staff"]]
    staff[0]["left_on"] = "2019-02-15"  # R1 left; S1 (line 2) is still open → warning on cases line 2
    changes = {
        "staff": staff,
        "payments": changed("payments", 0, posted_on="2019-01-31")["payments"],  # before M1 starts 2019-02-01
        "children": [*TABLES["children"], {"child_id": "B3", "birth_date": "", "sex": "", "district": ""}],
    }
    folder = write_folder(tmp_path / "data", **changes)
    issues = ingest.validate_folder(folder)
    assert [(i.file, i.line, i.column, i.severity) for i in issues] == [
        ("cases.csv", 2, "caseworker_id", "advarsel"),
        ("children.csv", 4, "child_id", "advarsel"),
        ("payments.csv", 2, "posted_on", "advarsel"),
    ]
    assert "fratrådt 2019-02-15" in issues[0].message
    assert ingest.import_folder(folder, tmp_path / "mi.duckdb") == 1


def test_a_payment_coded_unlike_its_measure_is_warned_and_counts_under_its_own_code(tmp_path):
    # P1 (line 2) points at M1 but carries its own code MERUDGIFTER: DOMAIN.md counts a payment under its own code
    folder = write_folder(tmp_path / "data", **changed("payments", 0, measure_code="MERUDGIFTER"))
    issues = ingest.validate_folder(folder)
    assert where(issues) == [("payments.csv", 2, "measure_code")]
    assert issues[0].message.endswith("'; betalingen tæller under sin egen kode")
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(folder, path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.sql("select measure_code from int_payments where payment_id = 'P1'").fetchall() == [
        ("MERUDGIFTER",)
    ]
    con.close()


def test_amounts_beyond_whole_oere_are_warned_and_rounded(tmp_path):
    # kroner are stored in whole øre: 31234.505 (line 2) is warned about and stored as 31234.51; -1500.250 (line 3)
    # is exact at two decimals and passes silently
    rows = [
        dict(TABLES["payments"][0], amount_dkk="31234.505"),
        dict(TABLES["payments"][1], amount_dkk="-1500.250"),
    ]
    folder = write_folder(tmp_path / "data", payments=rows)
    issues = ingest.validate_folder(folder)
    assert [(i.file, i.line, i.column, i.severity) for i in issues] == [
        ("payments.csv", 2, "amount_dkk", "advarsel")
    ]
    assert issues[0].message == "'31234.505' har mere end to decimaler; beløbet gemmes afrundet til hele øre"
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(folder, path)
    con = duckdb.connect(str(path), read_only=True)
    # 31234.51 + (−1500.25) = 29734.26
    assert con.sql("select sum(amount_dkk)::double from payments").fetchall() == [(29734.26,)]
    con.close()


def test_a_case_held_by_someone_who_is_not_a_caseworker_is_warned_about(tmp_path):
    # S2 (cases line 3) moved to L1, a leder in both employments: the case counts in the caseload, L1's FTE not
    issues = ingest.validate_folder(
        write_folder(tmp_path / "data", **changed("cases", 1, caseworker_id="L1"))
    )
    assert [(i.file, i.line, i.column, i.severity) for i in issues] == [
        ("cases.csv", 3, "caseworker_id", "advarsel")
    ]
    assert "har rollen leder og ikke raadgiver" in issues[0].message


def test_empty_tables_are_valid_and_not_warnings(tmp_path):
    # header-only files: every table but staff (references into an empty table would be errors)
    folder = write_folder(
        tmp_path / "data", children=[], cases=[], measures=[], pupils=[], payments=[], budget=[]
    )
    assert ingest.validate_folder(folder) == []
    con = ingest.load_in_memory(folder)
    assert con.sql("select count(*) from payments").fetchall() == [(0,)]


def test_a_header_only_children_table_is_like_a_missing_one(tmp_path):
    # children is optional: header-only, the cases' and measures' child_ids have nothing to be checked against
    # (as when the file is missing), so the folder imports without errors and without a warning
    folder = write_folder(tmp_path / "data", children=[])
    assert ingest.validate_folder(folder) == []
    assert ingest.import_folder(folder, tmp_path / "mi.duckdb") == 1


# ------------------------------------------------------------------------------------------- dialects


def danish_csv(rows: list[dict[str, str]], table: str, encoding: str, date_style: str) -> bytes:
    """The same rows as Danish Excel writes them: `;`, decimal comma, `.` thousands, DD-MM-YYYY dates."""
    kinds = {c.name: c.kind for c in contract.columns(table)}
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(list(rows[0]))
    for r in rows:
        cells = []
        for k, v in r.items():
            if v and kinds[k] == contract.DATE:
                y, m, d = v.split("-")
                v = f"{d}.{m}.{y}" if date_style == "dot" else f"{d}-{m}-{y}"
            elif v and kinds[k] in (contract.MONEY, contract.FTE):
                whole, _, dec = v.partition(".")
                sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
                grouped = f"{int(digits):,}".replace(",", ".")
                v = sign + grouped + ("," + dec if dec else "")
            cells.append(v)
        w.writerow(cells)
    text = out.getvalue()
    return ("\ufeff" + text).encode("utf-8") if encoding == "utf-8-sig" else text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "date_style"), [("cp1252", "dash"), ("utf-8-sig", "dot"), ("utf-8", "dash")]
)
def test_danish_dialects_read_the_same_rows(tmp_path, encoding, date_style):
    plain = ingest.read_folder(write_folder(tmp_path / "plain"))
    folder = tmp_path / "dansk"
    folder.mkdir()
    tables = dict(TABLES)
    tables["children"] = changed("children", 0, district="Østerbro")["children"]  # æøå in Windows-1252
    for table, rows in tables.items():
        (folder / f"{table}.csv").write_bytes(danish_csv(rows, table, encoding, date_style))
    danish = ingest.read_folder(folder)
    assert danish.issues == []
    assert danish.frames["measures"]["monthly_cost_dkk"].to_list() == ["31234.50", "8000"]  # 31.234,50
    assert danish.frames["children"]["district"].to_list() == ["Østerbro", "Syd"]
    for table in db.V1_TABLES:
        if table == "children":
            continue
        assert danish.frames[table].equals(plain.frames[table]), table


def test_excel_and_parquet_inputs_read_the_same_rows(tmp_path):
    plain = ingest.read_folder(write_folder(tmp_path / "plain"))
    for kind in ("xlsx", "parquet"):
        folder = tmp_path / kind
        folder.mkdir()
        for table, rows in TABLES.items():
            frame = pl.DataFrame(rows)
            if kind == "parquet":  # typed columns, as a data warehouse writes them
                frame = frame.with_columns(
                    [
                        pl.col(c.name).replace("", None).str.to_date()
                        for c in contract.columns(table)
                        if c.kind == contract.DATE
                    ]
                )
                frame.write_parquet(folder / f"{table}.parquet")
            else:
                frame.write_excel(folder / f"{table}.xlsx")
        loaded = ingest.read_folder(folder)
        assert loaded.issues == [], kind
        for table in db.V1_TABLES:
            assert loaded.frames[table].equals(plain.frames[table]), (kind, table)


def test_excel_and_parquet_read_danish_number_text_and_keep_number_cells(tmp_path):
    # Text cells (as a Danish user or system types them) are read with Danish spelling, as in a ';' CSV: '1.500'
    # is 1.500 kr. and '2.000,50' is 2.000,50 kr. A number cell is a number: 1.234 stays 1,234 kr.
    for kind in ("xlsx", "parquet"):
        folder = write_folder(tmp_path / kind)
        (folder / "budget.csv").unlink()
        text = pl.DataFrame(
            {"year": ["2019", "2020"], "budget_area": ["A", "B"], "budget_dkk": ["1.500", "2.000,50"]}
        )
        cells = pl.DataFrame({"year": [2021], "budget_area": ["C"], "budget_dkk": [1.234]})
        if kind == "xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(text.columns)
            for row in [*text.rows(), *cells.rows()]:
                sheet.append(list(row))
            book.save(folder / "budget.xlsx")
            loaded = ingest.read_folder(folder)
            assert loaded.frames["budget"]["budget_dkk"].to_list() == ["1500", "2000.50", "1.234"], kind
        else:
            text.write_parquet(folder / "budget.parquet")
            loaded = ingest.read_folder(folder)
            assert loaded.frames["budget"]["budget_dkk"].to_list() == ["1500", "2000.50"], kind
            (folder / "budget.parquet").unlink()
            cells.write_parquet(folder / "budget.parquet")
            assert ingest.read_folder(folder).frames["budget"]["budget_dkk"].to_list() == ["1.234"], kind


def test_a_parquet_column_without_a_text_form_is_named(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "children.csv").unlink()
    rows = pl.DataFrame({"child_id": ["B1", "B2"], "tags": [["a"], ["b", "c"]]})
    rows.write_parquet(folder / "children.parquet")
    assert where(errors(folder)) == [("children.parquet", 1, "tags")]


def test_excel_error_points_at_the_spreadsheet_line(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "payments.csv").unlink()
    rows = changed("payments", 1, posted_on="31.02.2019")["payments"]
    pl.DataFrame(rows).write_excel(folder / "payments.xlsx")
    assert where(errors(folder)) == [("payments.xlsx", 3, "posted_on")]


# ---------------------------------------------------------------------------- the import never loses data


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_in_a_folder_with_a_quote_in_its_name_takes_a_second_import(folder, tmp_path):
    # the second import carries the history over from the current file, found by its path
    path = tmp_path / "kommune's data" / "mi.duckdb"
    path.parent.mkdir()
    assert ingest.import_folder(folder, path) == 1
    assert ingest.import_folder(folder, path) == 2


def test_failed_import_leaves_the_database_byte_identical(tmp_path, monkeypatch):
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(write_folder(tmp_path / "good"), path)
    before = sha(path)
    bad = write_folder(tmp_path / "bad", **changed("payments", 0, amount_dkk="x"))
    with pytest.raises(ingest.ImportBlocked) as blocked:
        ingest.import_folder(bad, path)
    assert where([i for i in blocked.value.issues if i.is_error]) == [("payments.csv", 2, "amount_dkk")]
    assert sha(path) == before
    # a failure while building (after validation) leaves it untouched too, and no half-built file behind
    monkeypatch.setattr(db, "create_views", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk fuld")))
    with pytest.raises(RuntimeError):
        ingest.import_folder(write_folder(tmp_path / "good2"), path)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [".mi.duckdb.lock", "mi.duckdb"]


def test_reader_sees_old_or_new_data_during_an_import(tmp_path):
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(write_folder(tmp_path / "old"), path)  # 2 payments
    more = [*TABLES["payments"], dict(TABLES["payments"][0], payment_id="P3")]
    new = write_folder(tmp_path / "new", payments=more)  # 3 payments
    seen, failures, stop = set(), [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                con = duckdb.connect(str(path), read_only=True)
                try:
                    seen.add(con.sql("select count(*) from payments").fetchall()[0][0])
                finally:
                    con.close()
            except Exception as exc:  # noqa: BLE001 - any error is a failure of the test
                failures.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(3):
            ingest.import_folder(new, path)
            ingest.import_folder(tmp_path / "old", path)
    finally:
        stop.set()
        t.join()
    assert failures == []
    assert seen <= {2, 3} and 2 in seen


# ------------------------------------------------------------------------------------------- commands


def run_mi(*args: str, env_db: Path) -> subprocess.CompletedProcess:
    import os  # noqa: PLC0415

    return subprocess.run(
        [sys.executable, "-m", "mi", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"MI_DB": str(env_db)},
    )


def test_cli_validate_and_import(tmp_path):
    good = write_folder(tmp_path / "good")
    bad = write_folder(tmp_path / "bad", **changed("measures", 1, end_on="2019-02-28"))
    path = tmp_path / "mi.duckdb"
    r = run_mi("validate", "--data", str(bad), "--format", "json", env_db=path)
    assert r.returncode == 1
    assert json.loads(r.stdout) == [
        {
            "file": "measures.csv",
            "line": 3,
            "column": "end_on",
            "message": "end_on 2019-02-28 ligger før start_on 2019-03-01",
            "severity": "fejl",
        }
    ]
    r = run_mi("validate", "--data", str(good), env_db=path)
    assert (r.returncode, r.stdout.strip()) == (0, f"{good}: ingen fejl eller advarsler")
    r = run_mi("import", "--data", str(good), env_db=path)
    assert r.returncode == 0 and "dataversion 1" in r.stdout
    before = sha(path)
    r = run_mi("import", "--data", str(bad), env_db=path)
    assert r.returncode == 1
    assert "FEJL: measures.csv, linje 3, kolonne end_on" in r.stderr and "uændret" in r.stderr
    assert sha(path) == before


def test_stage_upload_unpacks_a_zip(tmp_path):
    folder = write_folder(tmp_path / "data")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, f"udtræk/{p.name}")
        zf.writestr("../evil.csv", "x")  # a path outside the folder is flattened to its name
        zf.writestr("notes.txt", "ignored")
    staged = ingest.stage_upload([("udtraek.zip", buf.getvalue())])
    try:
        names = sorted(p.name for p in staged.iterdir())
        assert names == sorted([f"{t}.csv" for t in TABLES] + ["evil.csv"])
        # evil.csv is no table: not read, and warned about (it might be a misnamed table)
        assert [(i.file, i.severity) for i in ingest.validate_folder(staged)] == [
            ("evil.csv", ingest_checks.WARNING)
        ]
    finally:
        ingest.discard_upload(staged)


def test_issues_frame_has_danish_columns(tmp_path):
    issues = ingest.validate_folder(write_folder(tmp_path / "d", **changed("staff", 0, fte="2")))
    frame = ingest_checks.issues_frame(issues)
    assert frame.columns == ["Fil", "Linje", "Kolonne", "Alvorlighed", "Besked"]
    assert frame.row(0)[:4] == ("staff.csv", 2, "fte", "fejl")


def test_contract_model_and_vectorised_checks_agree_on_the_fixture():
    # every row of the valid folder passes its pydantic model (kinds, bounds); a CPR number fails it as it fails
    # the import
    for table, rows in TABLES.items():
        for row in rows:
            contract.MODELS[table].model_validate(row)
    with pytest.raises(ValueError, match="CPR"):
        contract.Child.model_validate({"child_id": CPR})


@pytest.mark.parametrize(
    ("table", "change", "column", "says"),
    [
        # each row rule is data in mi.contract (ORDER, ONE_OF) and checked once, by the import
        ("measures", {"end_on": "2019-02-28"}, "end_on", "end_on 2019-02-28 ligger før start_on"),
        (
            "payments",
            {"measure_id": "", "measure_code": ""},
            "measure_code",
            "betalingen har hverken measure_id eller measure_code; en af dem skal udfyldes",
        ),
    ],
)
def test_a_row_rule_of_the_contract_is_checked_by_the_import(tmp_path, table, change, column, says):
    assert contract.ORDER["measures"] == ("start_on", "end_on")
    assert contract.ONE_OF["payments"] == ("betalingen", ("measure_id", "measure_code"))
    found = [
        i for i in errors(write_folder(tmp_path / "d", **changed(table, 1, **change))) if i.column == column
    ]
    assert len(found) == 1 and found[0].message.startswith(says)


def test_a_folder_may_bring_its_own_catalogue_checked_like_the_data(tmp_path):
    folder = write_folder(tmp_path / "data")
    product = (ROOT / "data" / "catalogue" / "measures.csv").read_text(encoding="utf-8").splitlines()
    # drop FAMILIEBEHANDLING from the municipality's catalogue: M2 (measures line 3) and P2 (payments line 3)
    # now point at nothing; and give one code an impossible ladder step 7 (catalogue line of KONSULENT)
    lines = [ln for ln in product if not ln.startswith("FAMILIEBEHANDLING,")]
    konsulent = next(i for i, ln in enumerate(lines) if ln.startswith("KONSULENT,"))
    lines[konsulent] = lines[konsulent].replace(",3,", ",7,", 1)
    (folder / "catalogue.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert where(errors(folder)) == [
        ("catalogue.csv", konsulent + 1, "ladder_step"),
        ("measures.csv", 3, "measure_code"),
        ("payments.csv", 3, "measure_code"),
    ]
    assert "findes ikke i kataloget (catalogue.csv)" in errors(folder)[1].message


def test_a_catalogue_that_moves_a_kpi_flag_is_warned_and_does_not_block(tmp_path):
    folder = write_folder(tmp_path / "data")
    lines = (ROOT / "data" / "catalogue" / "measures.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    flag = header.index("focus_flag")

    def with_flag(line: str, value: str) -> str:
        cells = line.split(",")
        cells[flag] = value
        return ",".join(cells)

    # the flag of focus point 3 moved from FAMILIEBEHANDLING to KONSULENT: both lines are warned about (the KPI
    # definitions name the code), and the import may go on
    fb = next(i for i, ln in enumerate(lines) if ln.startswith("FAMILIEBEHANDLING,"))
    ko = next(i for i, ln in enumerate(lines) if ln.startswith("KONSULENT,"))
    lines[fb], lines[ko] = with_flag(lines[fb], ""), with_flag(lines[ko], "family_treatment")
    (folder / "catalogue.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    issues = ingest.validate_folder(folder)
    assert not [i for i in issues if i.is_error]
    assert sorted(where(issues)) == sorted(
        [("catalogue.csv", fb + 1, "focus_flag"), ("catalogue.csv", ko + 1, "focus_flag")]
    )
    assert "hører til koden FAMILIEBEHANDLING" in next(i.message for i in issues if i.line == ko + 1)


def test_batched_reading_gives_the_same_rows_lines_and_issues(tmp_path, monkeypatch):
    # a national extract is read in batches; with batches of one row each check must still see its line
    # and duplicates across batches are still found (P1 on lines 2 and 4)
    rows = [*TABLES["payments"], dict(TABLES["payments"][0], amount_dkk="x")]
    folder = write_folder(tmp_path / "data", payments=rows)
    whole = ingest.read_folder(folder)
    monkeypatch.setattr(ingest, "BATCH_ROWS", 1)
    batched = ingest.read_folder(folder)
    assert batched.issues == whole.issues
    assert where(batched.errors) == [("payments.csv", 4, "amount_dkk"), ("payments.csv", 4, "payment_id")]


def test_repeated_text_held_as_categories_and_loaded_in_slices_arrives_as_text(folder, tmp_path, monkeypatch):
    # payments' account, provider_name and description are held as categories between reading and building, and
    # the frames go into DuckDB in slices: with one-row batches and slices, both payments still arrive whole,
    # as plain text columns (an empty provider_name stays null)
    monkeypatch.setattr(ingest, "BATCH_ROWS", 1)
    monkeypatch.setattr(db, "RAW_SLICE_ROWS", 1)
    loaded = ingest.read_folder(folder)
    assert loaded.frames["payments"].schema["provider_name"] == pl.Categorical
    path = tmp_path / "mi.duckdb"
    ingest.import_loaded(loaded, folder, path)
    assert loaded.frames == {}  # handed over to the database, not held twice
    con = duckdb.connect(str(path), read_only=True)
    rows = con.sql(
        "select payment_id, account, provider_name, description from payments order by 1"
    ).fetchall()
    assert rows == [("P1", "5.28.23", "Plejefamilie A", "Februar"), ("P2", "5.28.21", None, "Refusion")]
    types = dict(con.sql("select column_name, column_type from (describe payments)").fetchall())
    assert {types[c] for c in ("account", "provider_name", "description")} == {"VARCHAR"}
    con.close()


def test_more_problems_than_listed_are_counted_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_checks, "MAX_LINES_PER_PROBLEM", 2)
    monkeypatch.setattr(ingest, "BATCH_ROWS", 2)
    # five payments with an impossible date on lines 2–6: lines 2 and 3 listed, then "og 3 linjer mere … 6"
    rows = [dict(TABLES["payments"][0], payment_id=f"P{i}", posted_on="2019-02-30") for i in range(5)]
    found = errors(write_folder(tmp_path / "data", payments=rows))
    assert where(found) == [
        ("payments.csv", 2, "posted_on"),
        ("payments.csv", 3, "posted_on"),
        ("payments.csv", None, "posted_on"),
    ]
    assert found[2].message == "og 3 linjer mere med samme slags problem (til og med linje 6)"


# ------------------------------------------------------------------------------------------ settings.toml


def test_settings_toml_overrides_the_defaults_in_any_common_encoding(tmp_path):
    text = "# år og øre\n[privacy]\nmin_count = 3\n[budget]\nbaseline_overspend_dkk = 1500000\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        folder = write_folder(tmp_path / encoding)
        (folder / "settings.toml").write_bytes(text.encode(encoding))
        loaded = ingest.read_folder(folder)
        assert loaded.issues == [], encoding
        # the folder's values on top of the defaults (baseline year 2019, reduction 2.000.000 stay)
        assert loaded.settings.privacy.min_count == 3
        assert loaded.settings.budget.baseline_overspend_dkk == 1_500_000
        assert loaded.settings.budget.annual_reduction_dkk == 2_000_000


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[budget]\nbaseline_overspend_dkk = nan\n", "budget.baseline_overspend_dkk"),
        ("[budget]\nannual_reduction_dkk = inf\n", "budget.annual_reduction_dkk"),
        ("[privacy]\nmin_count = true\n", "privacy.min_count"),
        ("[caseload]\nnorm_low = 40\n", "caseload"),  # above norm_high 30
    ],
)
def test_settings_that_make_no_sense_are_errors(tmp_path, text, key):
    folder = write_folder(tmp_path / "data")
    (folder / "settings.toml").write_text(text, encoding="utf-8")
    assert [(i.file, i.column) for i in errors(folder)] == [("settings.toml", key)]


def test_a_settings_toml_that_cannot_be_read_is_an_issue_not_a_crash(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "settings.toml").mkdir()
    assert [(i.file, i.line) for i in errors(folder)] == [("settings.toml", None)]
