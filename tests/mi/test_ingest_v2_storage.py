"""Storage of contract v2 (notifications, investigations, activities): raw tables, staging views and
int_input_presence, as /work/notes/storage_v2.md agrees them. Built with and without the new tables."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pytest

from mi import db, ingest
from mi.settings import Settings
from tests.conftest import activity, build_db, frame, investigation, notification, read_catalogue
from tests.mi.test_ingest import V1_ROW_COUNTS, write_folder

NOTIFICATIONS = [
    # with a time of day on both
    notification("U1", "B1", "2024-03-01 14:05", "2024-03-02 09:30", source="skole"),
    # date only on receipt, with seconds on the assessment
    notification("U2", "B2", "2024-03-04", "2024-03-05 08:00:15", source="politi"),
    # not assessed, no source
    notification("U3", "B1", "2024-03-31 23:59"),
]
INVESTIGATIONS = [
    investigation("I1", "B1", "2023-10-31", completed="2024-02-29", talk="2024-01-15"),
    investigation("I2", "B2", "2024-01-10"),
]
ACTIVITIES = [
    activity("A1", "B1", "plan", "2024-02-01", measure="M1"),
    activity("A2", "B1", "tilsyn", "2024-03-03"),
]


def presence(con: duckdb.DuckDBPyConnection) -> tuple:
    rows = con.sql("select has_notifications, has_investigations, has_activities from int_input_presence")
    got = rows.fetchall()
    assert len(got) == 1  # always exactly one row
    return got[0]


def columns(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.sql(f"describe {view}").fetchall()]


def test_without_the_new_tables_they_are_empty_and_absent():
    con = build_db()
    for table in db.V2_TABLES:
        assert con.sql(f"select count(*) from {table}").fetchall() == [(0,)]
        assert con.sql(f"select count(*) from stg_{table}").fetchall() == [(0,)]
    assert presence(con) == (False, False, False)


def test_staging_views_have_the_agreed_columns_and_types():
    con = build_db()
    assert columns(con, "stg_notifications") == [
        ("notification_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("source", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("received_on", "DATE"),
        ("received_has_time", "BOOLEAN"),
        ("assessed_at", "TIMESTAMP"),
        ("assessed_on", "DATE"),
        ("assessed_has_time", "BOOLEAN"),
    ]
    assert columns(con, "stg_investigations") == [
        ("investigation_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("started_on", "DATE"),
        ("completed_on", "DATE"),
        ("child_talk_on", "DATE"),
    ]
    assert columns(con, "stg_activities") == [
        ("activity_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("activity", "VARCHAR"),
        ("done_on", "DATE"),
        ("measure_id", "VARCHAR"),
    ]
    assert columns(con, "int_input_presence") == [
        ("has_notifications", "BOOLEAN"),
        ("has_investigations", "BOOLEAN"),
        ("has_activities", "BOOLEAN"),
    ]


def test_with_the_new_tables_the_staging_views_read_them():
    con = build_db(notifications=NOTIFICATIONS, investigations=INVESTIGATIONS, activities=ACTIVITIES)
    assert presence(con) == (True, True, True)
    got = con.sql(
        "select notification_id, received_at, received_on, received_has_time, assessed_at, assessed_on, "
        "assessed_has_time, source from stg_notifications order by notification_id"
    ).fetchall()
    assert got == [
        (
            "U1",
            datetime(2024, 3, 1, 14, 5),
            date(2024, 3, 1),
            True,
            datetime(2024, 3, 2, 9, 30),
            date(2024, 3, 2),
            True,
            "skole",
        ),
        # a date without a time reads as its midnight, and says it has no time
        (
            "U2",
            datetime(2024, 3, 4),
            date(2024, 3, 4),
            False,
            datetime(2024, 3, 5, 8, 0, 15),
            date(2024, 3, 5),
            True,
            "politi",
        ),
        ("U3", datetime(2024, 3, 31, 23, 59), date(2024, 3, 31), True, None, None, None, None),
    ]
    assert con.sql("select * from stg_investigations order by investigation_id").fetchall() == [
        ("I1", "B1", date(2023, 10, 31), date(2024, 2, 29), date(2024, 1, 15)),
        ("I2", "B2", date(2024, 1, 10), None, None),
    ]
    assert con.sql("select * from stg_activities order by activity_id").fetchall() == [
        ("A1", "B1", "plan", date(2024, 2, 1), "M1"),
        ("A2", "B1", "tilsyn", date(2024, 3, 3), None),
    ]


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        ({"notifications": NOTIFICATIONS}, (True, False, False)),
        ({"investigations": INVESTIGATIONS}, (False, True, False)),
        ({"activities": ACTIVITIES}, (False, False, True)),
        # passed without rows: a municipality that delivers the table and had none
        ({"notifications": [], "activities": []}, (True, False, True)),
    ],
)
def test_a_table_passed_to_build_db_counts_as_given(tables, expected):
    assert presence(build_db(**tables)) == expected


def test_an_import_counts_a_table_without_rows_as_absent():
    # populate's default: a frame with rows is given; one with none (a header-only file) is not
    con = duckdb.connect()
    frames = {
        "notifications": frame("notifications", NOTIFICATIONS),
        "investigations": frame("investigations", []),
    }
    db.populate(con, frames, Settings(), read_catalogue(), source="test")
    assert presence(con) == (True, False, False)
    counts = json.loads(con.sql("select row_counts from data_versions").fetchall()[0][0])
    assert counts["notifications"] == 3 and "investigations" not in counts and "activities" not in counts


def test_a_folder_without_the_new_tables_records_the_same_row_counts_as_before(tmp_path):
    # the v1 folder of test_ingest: its data version records the seven v1 tables only, as before contract v2
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(write_folder(tmp_path / "data"), path)
    con = db.connect(path)
    try:
        counts = json.loads(db.scalar(con, "select row_counts from data_versions"))
        assert list(counts) == list(db.V1_TABLES)
        assert counts == V1_ROW_COUNTS
        assert presence(con) == (False, False, False)
    finally:
        con.close()


def test_refresh_gives_an_older_database_the_new_tables_empty(tmp_path):
    # a database built before contract v2: no v2 tables, no input_tables, an older schema stamp
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(write_folder(tmp_path / "data"), path)
    con = db.connect(path, read_only=False)
    for table in (*db.V2_TABLES, "input_tables"):
        con.sql(f"drop table {table}")
    con.sql("update build_info set schema_stamp = 'older'")
    con.close()
    db.refresh(path)
    con = db.connect_current(path)
    try:
        assert presence(con) == (False, False, False)
        assert con.sql("select count(*) from stg_notifications").fetchall() == [(0,)]
        assert con.sql("select count(*) from stg_cases").fetchall() == [(2,)]  # the data stays
    finally:
        con.close()
