"""Contract v2 (notifications, investigations, activities): reading, the checks with file, line and column, and
that a folder without the new tables imports as before.

The folder is test_ingest's valid v1 folder (data as of 2019-03-31: its latest posting) plus the rows below;
the first row of each table is line 2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mi import contract, db, ingest, ingest_checks
from mi.__main__ import main
from tests.mi.test_ingest import TABLES, errors, where, write_folder

V2: dict[str, list[dict[str, str]]] = {
    "notifications": [
        {
            "notification_id": "U1",
            "child_id": "B1",
            "received_at": "2019-03-01 14:05",
            "source": "skole",
            "assessed_at": "2019-03-02 09:30",
        },
        {
            "notification_id": "U2",
            "child_id": "B2",
            "received_at": "2019-03-04",
            "source": "politi",
            "assessed_at": "2019-03-05",
        },
        {
            "notification_id": "U3",
            "child_id": "B1",
            "received_at": "2019-03-10 08:00",
            "source": "",
            "assessed_at": "",
        },
    ],
    "investigations": [
        {
            "investigation_id": "I1",
            "child_id": "B1",
            "started_on": "2018-10-31",
            "completed_on": "2019-02-28",
            "child_talk_on": "2019-01-15",
        },
        {
            "investigation_id": "I2",
            "child_id": "B2",
            "started_on": "2019-01-10",
            "completed_on": "",
            "child_talk_on": "",
        },
    ],
    "activities": [
        {
            "activity_id": "A1",
            "child_id": "B1",
            "activity": "plan",
            "done_on": "2019-02-01",
            "measure_id": "M1",
        },
        {
            "activity_id": "A2",
            "child_id": "B1",
            "activity": "opfoelgning",
            "done_on": "2019-03-01",
            "measure_id": "M1",
        },
        {
            "activity_id": "A3",
            "child_id": "B1",
            "activity": "tilsyn",
            "done_on": "2019-03-03",
            "measure_id": "",
        },
    ],
}


def v2_folder(path: Path, **changes: list[dict[str, str]]) -> Path:
    return write_folder(path, TABLES | V2 | changes)


def v2_changed(table: str, index: int, **values: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in V2[table]]
    rows[index].update(values)
    return rows


def issues_of(folder: Path, severity: str) -> list[ingest_checks.Issue]:
    return [i for i in ingest.validate_folder(folder) if i.severity == severity]


# ------------------------------------------------------------------------------------------ a valid folder


def test_the_valid_v2_folder_has_no_issues_and_imports_the_three_tables(tmp_path):
    folder = v2_folder(tmp_path / "data")
    assert ingest.validate_folder(folder) == []
    loaded = ingest.read_folder(folder)
    assert loaded.frames["notifications"]["received_at"].to_list() == [
        "2019-03-01 14:05",
        "2019-03-04",
        "2019-03-10 08:00",
    ]
    assert loaded.frames["activities"]["measure_id"].to_list() == ["M1", "M1", None]
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(folder, path)
    con = db.connect(path)
    try:
        assert con.sql("select * from int_input_presence").fetchall() == [(True, True, True)]
        counts = json.loads(db.scalar(con, "select row_counts from data_versions"))
        assert (counts["notifications"], counts["investigations"], counts["activities"]) == (3, 2, 3)
    finally:
        con.close()


SPELLINGS = [
    # (as written, as stored)
    ("2019-03-01", "2019-03-01"),
    ("2019-3-1", "2019-03-01"),
    ("2019-03-01 14:05", "2019-03-01 14:05"),
    ("2019-03-01T14:05", "2019-03-01 14:05"),
    ("2019-03-01 14:05:09", "2019-03-01 14:05:09"),
    ("2019-03-01T14:05:00", "2019-03-01 14:05"),  # seconds 0 are left out
    ("2019-03-01 14:05:09.250", "2019-03-01 14:05:09"),  # a fraction of a second is dropped
    ("01-03-2019", "2019-03-01"),
    ("01-03-2019 14:05", "2019-03-01 14:05"),
    ("01.03.2019 14:05", "2019-03-01 14:05"),
    ("01.03.2019 14.05", "2019-03-01 14:05"),
    ("1.3.2019 kl. 9.05", "2019-03-01 09:05"),
    ("01-03-2019 14:05:09", "2019-03-01 14:05:09"),
]


def test_date_and_time_spellings_are_stored_as_iso_text(tmp_path):
    rows = [
        {
            "notification_id": f"U{i}",
            "child_id": "B1",
            "received_at": written,
            "source": "",
            "assessed_at": "",
        }
        for i, (written, _) in enumerate(SPELLINGS)
    ]
    loaded = ingest.read_folder(v2_folder(tmp_path / "data", notifications=rows))
    assert loaded.issues == []
    assert loaded.frames["notifications"]["received_at"].to_list() == [stored for _, stored in SPELLINGS]
    # the pydantic model reads one value the same way
    for written, stored in SPELLINGS:
        assert contract.normalise_datetime(written) == stored


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2019-02-30 10:00", "ikke en gyldig dato"),  # 30 February
        ("30-02-2019", "ikke en gyldig dato"),
        ("2019-03-01 1405", "ikke en gyldig dato"),  # no separator in the time
        ("01-03-19 14:05", "ikke en gyldig dato"),  # two-digit year
        ("2019-03-01 24:00", "klokkeslæt, der ikke findes"),
        ("2019-03-01 12:60", "klokkeslæt, der ikke findes"),
        ("2101-01-01 12:00", "ikke en mulig dato"),
    ],
)
def test_a_bad_date_and_time_is_an_error_with_line_and_column(tmp_path, value, why):
    folder = v2_folder(tmp_path / "data", notifications=v2_changed("notifications", 1, assessed_at=value))
    found = errors(folder)
    assert where(found) == [("notifications.csv", 3, "assessed_at")]
    assert why in found[0].message
    with pytest.raises(ValueError):
        contract.normalise_datetime(value)


# --------------------------------------------------------------------------------------- one kind each


def test_a_child_id_that_does_not_exist_is_an_error(tmp_path):
    folder = v2_folder(
        tmp_path / "data",
        notifications=v2_changed("notifications", 2, child_id="B9"),
        investigations=v2_changed("investigations", 0, child_id="B8"),
        activities=v2_changed("activities", 2, child_id="B7"),
    )
    found = errors(folder)
    assert where(found) == [
        ("activities.csv", 4, "child_id"),
        ("investigations.csv", 2, "child_id"),
        ("notifications.csv", 4, "child_id"),
    ]
    assert found[2].message == "'B9' findes ikke i children.csv (child_id)"


def test_without_children_the_child_ids_are_not_checked(tmp_path):
    # children is optional: as for cases and measures, there is nothing to check the child_ids against
    folder = v2_folder(
        tmp_path / "data", children=[], notifications=v2_changed("notifications", 2, child_id="B9")
    )
    assert ingest.validate_folder(folder) == []


def test_a_measure_id_that_does_not_exist_is_an_error(tmp_path):
    folder = v2_folder(tmp_path / "data", activities=v2_changed("activities", 1, measure_id="M9"))
    found = errors(folder)
    assert where(found) == [("activities.csv", 3, "measure_id")]
    assert found[0].message == "'M9' findes ikke i measures.csv (measure_id)"


@pytest.mark.parametrize("activity", ["plan", "opfoelgning"])
def test_a_plan_or_follow_up_without_a_measure_id_is_an_error(tmp_path, activity):
    index = {"plan": 0, "opfoelgning": 1}[activity]
    folder = v2_folder(tmp_path / "data", activities=v2_changed("activities", index, measure_id=""))
    found = errors(folder)
    assert where(found) == [("activities.csv", index + 2, "measure_id")]
    assert found[0].message.startswith(f"aktiviteten '{activity}' skal have et measure_id")
    # a supervision visit needs none (A3 has none and passes)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("activities", "activity", "hjemmebesøg"), ("notifications", "source", "nabo")],
)
def test_an_unknown_activity_or_source_is_an_error(tmp_path, table, column, value):
    folder = v2_folder(tmp_path / "data", **{table: v2_changed(table, 0, **{column: value})})
    found = errors(folder)
    assert where(found) == [(f"{table}.csv", 2, column)]
    assert found[0].message.startswith(f"'{value}' er ikke en tilladt værdi (tilladt: ")


def test_known_values_are_read_in_any_case(tmp_path):
    folder = v2_folder(
        tmp_path / "data",
        activities=v2_changed("activities", 0, activity="Plan"),
        notifications=v2_changed("notifications", 0, source="SKOLE"),
    )
    loaded = ingest.read_folder(folder)
    assert loaded.issues == []
    assert loaded.frames["activities"]["activity"][0] == "plan"
    assert loaded.frames["notifications"]["source"][0] == "skole"


def test_an_investigation_completed_before_it_started_is_an_error(tmp_path):
    folder = v2_folder(
        tmp_path / "data",
        investigations=v2_changed("investigations", 0, completed_on="2018-10-30", child_talk_on=""),
    )
    found = errors(folder)
    assert where(found) == [("investigations.csv", 2, "completed_on")]
    assert found[0].message == "completed_on 2018-10-30 ligger før started_on 2018-10-31"


@pytest.mark.parametrize(
    ("received", "assessed", "is_error"),
    [
        ("2019-03-01 14:05", "2019-03-01 14:04", True),  # both with a time: a minute before
        ("2019-03-01 14:05", "2019-03-01 14:05", False),  # the same minute
        ("2019-03-02", "2019-03-01 23:00", True),  # the day before
        ("2019-03-01 14:05", "2019-03-01", False),  # the same day, one without a time: not before
        ("2019-03-01", "2019-03-01 08:00", False),
    ],
)
def test_assessed_before_received_is_an_error(tmp_path, received, assessed, is_error):
    rows = v2_changed("notifications", 0, received_at=received, assessed_at=assessed)
    found = errors(v2_folder(tmp_path / "data", notifications=rows))
    assert where(found) == ([("notifications.csv", 2, "assessed_at")] if is_error else [])
    if is_error:
        assert found[0].message.startswith(f"assessed_at {assessed} ligger før received_at {received}")


@pytest.mark.parametrize(
    ("index", "talk"),
    [(0, "2018-10-30"), (0, "2019-03-01"), (1, "2019-01-09")],  # before start, after completion, before start
)
def test_a_child_talk_outside_the_investigation_is_a_warning(tmp_path, index, talk):
    folder = v2_folder(
        tmp_path / "data", investigations=v2_changed("investigations", index, child_talk_on=talk)
    )
    assert errors(folder) == []
    found = issues_of(folder, ingest_checks.WARNING)
    assert where(found) == [("investigations.csv", index + 2, "child_talk_on")]
    assert found[0].message.startswith(f"samtalen med barnet {talk} ligger uden for undersøgelsen")


def test_an_activity_on_another_childs_measure_is_an_error(tmp_path):
    # M1 belongs to B1; A2 says it is B2's follow-up
    folder = v2_folder(tmp_path / "data", activities=v2_changed("activities", 1, child_id="B2"))
    found = errors(folder)
    assert where(found) == [("activities.csv", 3, "measure_id")]
    assert found[0].message == "foranstaltningen 'M1' hører til barnet 'B1', ikke til 'B2'"


def test_a_date_after_data_as_of_is_a_warning(tmp_path):
    # data as of: the latest posting, 2019-03-31 (P2). The day itself is fine; the day after is not.
    folder = v2_folder(
        tmp_path / "data",
        notifications=v2_changed(
            "notifications", 2, received_at="2019-03-31 23:59", assessed_at="2019-04-01"
        ),
        investigations=v2_changed("investigations", 1, completed_on="2019-04-02"),
        activities=v2_changed("activities", 2, done_on="2019-05-01"),
    )
    assert errors(folder) == []
    found = issues_of(folder, ingest_checks.WARNING)
    assert where(found) == [
        ("activities.csv", 4, "done_on"),
        ("investigations.csv", 3, "completed_on"),
        ("notifications.csv", 4, "assessed_at"),
    ]
    assert found[2].message.startswith(
        "assessed_at 2019-04-01 ligger efter data pr. 2019-03-31 (seneste bogføring i payments)"
    )


def test_without_payments_data_as_of_is_the_latest_decision_or_case_date(tmp_path):
    # no postings: as int_data_range, the latest decision, opening or closing: 2019-12-31 (S2 closed), not
    # L1's rehire on 2020-01-01 (a hire may be planned ahead)
    folder = v2_folder(
        tmp_path / "data", payments=[], activities=v2_changed("activities", 2, done_on="2020-01-01")
    )
    found = issues_of(folder, ingest_checks.WARNING)
    assert where(found) == [("activities.csv", 4, "done_on")]
    assert "data pr. 2019-12-31 (seneste bevilling eller sagsdato i measures og cases)" in found[0].message


def test_a_cpr_number_in_a_v2_table_is_rejected_and_not_shown(tmp_path):
    cpr = "0103921234"
    folder = v2_folder(tmp_path / "data", notifications=v2_changed("notifications", 0, notification_id=cpr))
    found = errors(folder)
    assert where(found) == [("notifications.csv", 2, "notification_id")]
    assert "CPR" in found[0].message
    assert all(cpr not in i.message for i in ingest.validate_folder(folder))


def test_a_cpr_number_in_a_date_and_time_is_an_error_and_masked(tmp_path):
    rows = v2_changed("notifications", 0, received_at="010392-1234 14:05")
    found = errors(v2_folder(tmp_path / "data", notifications=rows))
    assert where(found) == [("notifications.csv", 2, "received_at")]
    assert found[0].message.startswith("'XXXXXX-XXXX 14:05' er ikke en gyldig dato eller dato med klokkeslæt")


def test_a_missing_required_column_and_a_repeated_id_are_errors(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "done_on"} for r in V2["activities"]]
    folder = v2_folder(
        tmp_path / "data",
        activities=rows,
        investigations=v2_changed("investigations", 1, investigation_id="I1"),
    )
    found = errors(folder)
    assert where(found) == [("activities.csv", 1, "done_on"), ("investigations.csv", 3, "investigation_id")]
    assert found[1].message == "investigation_id 'I1' findes allerede på linje 2"


def test_a_missing_required_value_is_an_error(tmp_path):
    folder = v2_folder(tmp_path / "data", notifications=v2_changed("notifications", 1, received_at=""))
    assert where(errors(folder)) == [("notifications.csv", 3, "received_at")]


# -------------------------------------------------------------------------------- absent is as before


def kpis_json(folder: Path, month: str, capsys) -> dict:
    assert main(["kpis", "--data", str(folder), "--month", month, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_folder_without_the_new_tables_imports_as_before(tmp_path, capsys):
    # no v2 files, and header-only v2 files: the same issues (none), row counts, presence and KPIs
    plain = write_folder(tmp_path / "plain")
    header_only = write_folder(tmp_path / "header_only", TABLES | {t: [] for t in db.V2_TABLES})
    assert ingest.validate_folder(plain) == ingest.validate_folder(header_only) == []
    for folder in (plain, header_only):
        ingest.import_folder(folder, tmp_path / f"{folder.name}.duckdb")
    recorded = []
    for folder in (plain, header_only):
        con = db.connect(tmp_path / f"{folder.name}.duckdb")
        try:
            recorded.append(json.loads(db.scalar(con, "select row_counts from data_versions")))
            assert con.sql("select * from int_input_presence").fetchall() == [(False, False, False)]
        finally:
            con.close()
    assert recorded[0] == recorded[1]
    assert list(recorded[0]) == list(db.V1_TABLES)
    assert kpis_json(plain, "2019-03", capsys) == kpis_json(header_only, "2019-03", capsys)


def test_the_new_tables_do_not_change_the_v1_figures(tmp_path, capsys):
    without = kpis_json(write_folder(tmp_path / "v1"), "2019-03", capsys)
    with_v2 = kpis_json(v2_folder(tmp_path / "v2"), "2019-03", capsys)
    v1_keys = [k for k in without if not re.match(r"c[1-8]_", k)]  # c1–c8 are the compliance figures
    assert v1_keys and {k: with_v2[k] for k in v1_keys} == {k: without[k] for k in v1_keys}
