"""Frozen months (mi.frozen, mart_frozen_*): what is stored, refusals, revisions after a re-import, the CLI,
and readers holding the file open while a month is frozen."""

from __future__ import annotations

import duckdb
import pytest

from mi import db, frozen, kpi, spec
from mi.__main__ import main
from mi.settings import Settings
from tests.conftest import build_db, frame, payment, read_catalogue
from tests.conftest import measure as m

CHILDREN = [{"child_id": f"B{i}"} for i in range(1, 12)]


# Six children in institutions from January 2024, two in foster families; one payment per month to 30 April
# (data as of 30 April: January–April have ended).
MEASURES = [m(f"I{i}", f"B{i}", "ANBR_DOGNINSTITUTION", "2024-01-01") for i in range(1, 7)] + [
    m("P1", "B7", "ANBR_PLEJEFAMILIE", "2024-01-01"),
    m("P2", "B8", "ANBR_PLEJEFAMILIE", "2024-01-01"),
]
PAYMENTS = [
    payment(f"Y{mo}", f"2024-0{mo}-{day}", "1000", measure="I1")
    for mo, day in ((1, 31), (2, 29), (3, 31), (4, 30))
]
TABLES = {"children": CHILDREN, "measures": MEASURES, "payments": PAYMENTS}


def build_file(path, tables):
    return db.build(
        path, {t: frame(t, rows) for t, rows in tables.items()}, Settings(), read_catalogue(), source="test"
    )


def test_freeze_stores_the_kpis_and_the_counts_behind_the_shares():
    con = build_db(**TABLES)
    result = frozen.freeze(con, "2024-03")
    assert (result.month.isoformat(), result.version_id) == ("2024-03-01", 1)
    stored = dict(db.query(con, "select kpi_key, value from frozen_kpis where month = '2024-03-01'").rows())
    # every KPI of the spec as mi.kpi.values gives it and the counts behind them: the five behind f2–f4's shares
    # (f2: 2; f3: 1 besides f3's own count; f4: 2), the three other rows of the placement table (f1's counts) and
    # the eleven behind the compliance shares c2–c8 (n_completed_l12 serves c3 and c5)
    assert set(stored) == set(spec.KEYS) | set(spec.support_keys()) and result.n_keys == len(spec.KEYS) + 19
    values = kpi.values(con, kpi.parse_month("2024-03"))
    assert all(stored[k] == (None if values[k] is None else float(values[k])) for k in spec.KEYS)
    # 31 March: six children in institutions (I1–I6), two in foster families (P1, P2): share 2 / (2 + 6)
    assert stored["f1_institution_children"] == 6 and stored["n_family_care_children"] == 2
    assert stored["n_family_care_or_institution_children"] == 2 + 6
    assert (stored["n_network_children"], stored["n_foster_children"], stored["n_other_placed_children"]) == (
        0,
        2,
        0,
    )
    assert stored["f2_family_care_share"] == pytest.approx(0.25)
    assert frozen.is_frozen(con, "2024-03") and not frozen.is_frozen(con, "2024-02")
    assert [str(mo) for mo in frozen.frozen_months(con)] == ["2024-03-01"]


def test_freezing_twice_keeps_the_first_figures():
    con = build_db(**TABLES)
    frozen.freeze(con, "2024-03")
    with pytest.raises(frozen.AlreadyFrozen, match="Marts 2024 er allerede frosset"):
        frozen.freeze(con, "2024-03")
    assert db.scalar(con, "select count(*) from frozen_kpis") == len(spec.KEYS) + len(spec.support_keys())


def test_months_outside_the_data_or_not_ended_are_refused():
    con = build_db(**TABLES)
    with pytest.raises(ValueError, match="uden for data"):
        frozen.freeze(con, "2023-12")
    # data as of 30 April (the last posting): May has not ended — but the range ends in April anyway; a
    # payment dated 15 May makes May part of the data but not ended
    con = build_db(
        **{
            **TABLES,
            "payments": [
                *PAYMENTS,
                payment("Y5", "2024-05-15", "1", measure="I1"),
            ],
        }
    )
    with pytest.raises(ValueError, match="ikke afsluttet"):
        frozen.freeze(con, "2024-05")
    assert db.scalar(con, "select count(*) from frozen_kpis") == 0


def test_committee_status_equals_kpi_status_when_nothing_is_frozen():
    con = build_db(**TABLES)
    cols = "month, kpi_key, value, prev_month_value, prev_year_value, change_month, change_year, status, status_label"
    a = db.query(con, f"select {cols} from mart_kpi_status order by month, kpi_key")
    b = db.query(con, f"select {cols} from mart_frozen_status order by month, kpi_key")
    assert a.equals(b) and a.height == 4 * len(spec.KEYS)


def test_a_revision_appears_after_a_reimport_with_changed_data(tmp_path):
    path = tmp_path / "mi.duckdb"
    assert build_file(path, TABLES) == 1
    frozen.freeze_file(path, "2024-03")
    # the next extract: a seventh institution placement backdated to 15 March, and one foster family ended
    # 31 January (a late correction)
    changed = [
        *MEASURES[:6],
        m("P1", "B7", "ANBR_PLEJEFAMILIE", "2024-01-01", end="2024-01-31"),
        MEASURES[7],
        m("I7", "B9", "ANBR_OPHOLDSSTED", "2024-03-15"),
    ]
    assert build_file(path, {**TABLES, "measures": changed}) == 2
    con = db.connect(path)
    try:
        got = {
            r["kpi_key"]: r
            for r in db.query(con, "select * from mart_frozen_kpis where month = '2024-03-01'").iter_rows(
                named=True
            )
        }
        # institution children 31 March: 6 frozen → 7 now (I7 added)
        f1 = got["f1_institution_children"]
        assert (f1["frozen_value"], f1["current_value"], f1["is_revised"], f1["revision"]) == (6, 7, True, 1)
        assert (f1["frozen_version_id"], f1["current_version_id"]) == (1, 2)
        # family care share: 2 / (2 + 6) = 0.25 frozen → 1 / (1 + 7) = 0.125 now
        f2 = got["f2_family_care_share"]
        assert (f2["frozen_value"], f2["current_value"], f2["is_revised"]) == (0.25, 0.125, True)
        # spending did not change: not a revision
        assert got["actual_ytd_dkk"]["is_revised"] is False and got["actual_ytd_dkk"]["frozen_value"] == 3000
        # the committee still sees March's frozen figures, with today's value beside them
        status = db.query(
            con,
            "select value, current_value, is_frozen, is_revised from mart_frozen_status "
            "where month = '2024-03-01' and kpi_key = 'f1_institution_children'",
        ).row(0)
        assert status == (6.0, 7.0, True, True)
        # an unfrozen month shows today's figure: 30 April, I1–I7 in institutions = 7
        assert (
            db.scalar(
                con,
                "select value from mart_frozen_status where month = '2024-04-01' "
                "and kpi_key = 'f1_institution_children'",
            )
            == 7
        )
        # revised: the stock (6 → 7), the institution starts this year (I1–I6 → I1–I7: 6 → 7), the share
        assert frozen.revisions(con, "2024-03")["kpi_key"].to_list() == [
            "f1_institution_children",
            "f1_institution_starts_ytd",
            "f2_family_care_share",
        ]
        # the counts the pack's protection derives in SQL, from the committee's figures of their parts: the
        # placement table's total is frozen 6 institution + 0 network + 2 foster + 0 other = 8 (today 7 + 0 + 1
        # + 0 = 8); no family treatment, so all − private starts = 0 − 0 = 0
        derived = {
            r[0]: r[1:]
            for r in db.query(
                con,
                "select kpi_key, value, current_value, is_frozen, is_revised from mart_frozen_values "
                "where month = '2024-03-01' and kpi_key in ('n_placed_children', 'n_other_family_treatment_starts_ytd')",
            ).rows()
        }
        assert derived == {
            "n_placed_children": (8.0, 8.0, False, False),
            "n_other_family_treatment_starts_ytd": (0.0, 0.0, False, False),
        }
        # April is not frozen: 7 institution + 1 foster = 8 both ways
        assert (
            db.scalar(
                con,
                "select value from mart_frozen_values where month = '2024-04-01' and kpi_key = 'n_placed_children'",
            )
            == 8
        )
    finally:
        con.close()


def test_freeze_file_leaves_open_readers_undisturbed(tmp_path):
    path = tmp_path / "mi.duckdb"
    build_file(path, TABLES)
    reader = duckdb.connect(str(path), read_only=True)
    before = db.file_stamp(path)
    frozen.freeze_file(path, "2024-02")
    # the open reader keeps its (old) file and still answers
    assert db.scalar(reader, "select count(*) from frozen_kpis") == 0
    assert (
        db.scalar(reader, "select f1_institution_children from mart_kpi_monthly where month = '2024-02-01'")
        == 6
    )
    reader.close()
    # the file was swapped: a new connection sees the frozen month
    assert db.file_stamp(path) != before
    con = db.connect(path)
    try:
        assert frozen.is_frozen(con, "2024-02")
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "freezing" in p.name) == []


def test_cli_freeze(tmp_path, monkeypatch, capsys):
    path = tmp_path / "mi.duckdb"
    monkeypatch.setenv("MI_DB", str(path))
    assert main(["freeze", "--month", "2024-03"]) == 1
    assert "ingen database" in capsys.readouterr().err
    build_file(path, TABLES)
    assert main(["freeze", "--month", "2024-03"]) == 0
    assert capsys.readouterr().out.startswith(
        "Marts 2024 er frosset: 44 tal gemt fra dataversion 1"
    )  # 25 KPIs (17 + c1–c8) + 19 counts behind them (8 + 11 of the compliance shares)
    assert main(["freeze", "--month", "2024-03"]) == 1
    assert "allerede frosset" in capsys.readouterr().err
    assert main(["freeze", "--month", "marts"]) == 1
    assert "ÅÅÅÅ-MM" in capsys.readouterr().err


def test_the_derived_counts_follow_the_frozen_parts(tmp_path):
    # 31 March 2024: institution I1–I6 = 6, network N1 = 1, foster P1–P2 = 2, own room E1 = 1 → total 10;
    # family treatment started in 2024 by March: private F1–F2 = 2, in-house F3–F5 = 3 → all − private = 3
    path = tmp_path / "mi.duckdb"
    measures = [
        *MEASURES,
        m("N1", "B9", "ANBR_NETVAERK", "2024-01-01"),
        m("E1", "B10", "ANBR_EGET_VAERELSE", "2024-01-01"),
        *[m(f"F{i}", "B11", "FAMILIEBEHANDLING", "2024-02-01", provider="privat") for i in (1, 2)],
        *[m(f"F{i}", "B11", "FAMILIEBEHANDLING", "2024-02-01", provider="intern") for i in (3, 4, 5)],
    ]
    assert build_file(path, {**TABLES, "measures": measures}) == 1
    frozen.freeze_file(path, "2024-03")
    # the next extract drops the own room and one in-house course: today 9 placed, 3 − 1 = 2 others … but the
    # committee's March keeps its frozen parts: 10 and 3
    assert (
        build_file(path, {**TABLES, "measures": [x for x in measures if x["measure_id"] not in ("E1", "F5")]})
        == 2
    )
    con = db.connect(path)
    try:
        got = dict(
            db.query(
                con,
                "select kpi_key, [value, current_value] from mart_frozen_values where month = '2024-03-01' "
                "and kpi_key in ('n_placed_children', 'n_other_family_treatment_starts_ytd')",
            ).rows()
        )
    finally:
        con.close()
    assert got == {"n_placed_children": [10.0, 9.0], "n_other_family_treatment_starts_ytd": [3.0, 2.0]}
