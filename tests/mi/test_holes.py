"""Issue 16.7's smaller holes in reading a folder (an unknown file, a Parquet struct or list column) and issue 13.6's
CPR number that lost its leading 0: masked in every message, reference errors included."""

from __future__ import annotations

import json

import polars as pl
import pytest

from mi import cli, contract, ingest, ingest_checks
from tests.mi.test_ingest import changed, write_folder

# ------------------------------------------------------------------------------------------ unknown files


def test_an_unknown_file_in_a_data_folder_is_warned_about(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "Børn_2024.csv").write_text(
        "child_id\nB9\n", encoding="utf-8"
    )  # the children under a Danish name
    (folder / "measure.xlsx").write_bytes(b"not read")  # a letter short of a table's name
    (folder / "noter.txt").write_text("intet", encoding="utf-8")
    # files a folder may hold and hidden files are not warned about
    (folder / "settings.toml").write_text("[privacy]\nmin_count = 5\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0")
    issues = ingest.validate_folder(folder)
    assert [(i.file, i.severity) for i in issues] == [
        ("Børn_2024.csv", ingest_checks.WARNING),
        ("measure.xlsx", ingest_checks.WARNING),
        ("noter.txt", ingest_checks.WARNING),
    ]
    by_file = {i.file: i.message for i in issues}
    assert by_file["Børn_2024.csv"].startswith("filen kendes ikke og indlæses ikke; mente du children.csv?")
    assert by_file["measure.xlsx"].startswith("filen kendes ikke og indlæses ikke; mente du measures.xlsx?")
    assert by_file["noter.txt"].startswith(
        "filen kendes ikke og indlæses ikke. En tabel skal hedde children, "
    )
    # a warning: the folder still imports
    assert ingest.import_folder(folder, tmp_path / "mi.duckdb") == 1


# ------------------------------------------------------------------------------------------ Parquet nesting


@pytest.mark.parametrize(
    ("column", "dtype_text"),
    [
        (pl.Series("district", [{"navn": "Nord", "nr": 1}, {"navn": "Syd", "nr": 2}]), "Struct"),
        (pl.Series("district", [["Nord"], ["Syd", "Øst"]]), "List"),
    ],
)
def test_a_parquet_struct_or_list_column_is_rejected_not_stringified(tmp_path, column, dtype_text):
    folder = write_folder(tmp_path / "data")
    (folder / "children.csv").unlink()
    pl.DataFrame(
        {"child_id": ["B1", "B2"], "birth_date": ["2012-01-01", "2014-05-01"], "sex": ["M", "K"]}
    ).with_columns(column).write_parquet(folder / "children.parquet")
    found = [i for i in ingest.validate_folder(folder) if i.file == "children.parquet"]
    assert [(i.line, i.column, i.severity) for i in found] == [(1, "district", ingest_checks.ERROR)]
    assert f"kolonnen 'district' har typen {dtype_text}" in found[0].message
    assert "ikke er én værdi pr. celle" in found[0].message
    with pytest.raises(ingest.ImportBlocked):
        ingest.import_folder(folder, tmp_path / "mi.duckdb")


# ------------------------------------------------------------------------------------------ CPR, leading 0 lost

CPR = "0101801234"  # shaped like a CPR number (1 January 1980); not a real person's
# "101801234" (a number cell in Excel), "10180 1234", "10180-1234", "101801234.0" (a number read as a decimal)
LOST_ZERO = [CPR[1:], f"{CPR[1:6]} {CPR[6:]}", f"{CPR[1:6]}-{CPR[6:]}", f"{CPR[1:]}.0"]


@pytest.mark.parametrize("value", LOST_ZERO)
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("cases", "child_id"),  # a child that does not exist: a reference error echoes the value
        ("measures", "child_id"),
        ("payments", "measure_id"),  # a measure that does not exist
        ("children", "child_id"),  # the cases and measures of B1 then refer to a child that does not exist
    ],
)
def test_a_cpr_number_without_its_leading_0_is_masked_in_every_message(
    tmp_path, capsys, table, column, value
):
    assert contract.looks_like_cpr(value)
    folder = write_folder(tmp_path / "data", **changed(table, 0, **{column: value}))
    issues = ingest.validate_folder(folder)
    # refused as a CPR number where it stands
    assert (f"{table}.csv", 2, column) in [(i.file, i.line, i.column) for i in issues if "CPR" in i.message]
    digits = CPR[1:6], CPR[6:]
    for i in issues:
        for text in (i.message, i.file, i.column or ""):
            assert digits[0] not in text, (i, value)
    # the reference errors it causes are there, masked
    assert any("findes ikke" in i.message for i in issues)
    for out_format in ("text", "json"):
        assert cli.validate(type("A", (), {"data": folder, "format": out_format})()) == 1
        out = capsys.readouterr().out
        assert digits[0] not in out
        if out_format == "json":
            assert all(digits[0] not in json.dumps(x, ensure_ascii=False) for x in json.loads(out))


def test_the_lost_zero_shapes_need_a_possible_date():
    assert contract.looks_like_cpr("10180 1234") and contract.looks_like_cpr("10180-1234")
    assert not contract.looks_like_cpr("13180 1234")  # 01.31.80: no 31st month
    assert contract.mask("sag 10180 1234 mangler") == "sag XXXXXX-XXXX mangler"
    assert contract.mask("12345") == "12345"  # a short number stays
