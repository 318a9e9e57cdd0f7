"""mi.hidden.shrink on a tiny folder: which rows of every table are kept (issue 16: the smaller municipalities carry
contract v2's notifications, investigations and activities, so they have compliance figures too)."""

from __future__ import annotations

import zlib

import polars as pl

from mi import hidden

# A tiny folder: crc32 mod 3 keeps B1 and B7 and drops B3 (test_ids_hash_as_the_test_expects).
V1_TABLES = {
    "children": "child_id,birth_date\nB1,2010-01-01\nB3,2011-01-01\nB7,2012-01-01\n",
    "cases": "case_id,child_id\nS1,B1\nS3,B3\nS7,B7\n",
    "measures": "measure_id,child_id\nM1,B1\nM3,B3\nM7,B7\n",
    "payments": "payment_id,child_id,measure_id\nP1,B1,M1\nP3,B3,M3\n",
}
V2_TABLES = {
    "notifications": "notification_id,child_id\nN1,B1\nN2,B1\nN3,B3\nN7,B7\n",
    "investigations": "investigation_id,child_id\nU3,B3\nU7,B7\n",
    # A1: B1's plan for its own measure (kept); A2: B1's supervision visit without a measure (kept); A3: B3's
    # (dropped); A4: B1 with B3's measure M3, which is not kept (dropped: the measure would dangle)
    "activities": "activity_id,child_id,activity,done_on,measure_id\n"
    "A1,B1,plan,2024-01-01,M1\nA2,B1,tilsyn,2024-02-01,\nA3,B3,plan,2024-01-01,M3\n"
    "A4,B1,opfoelgning,2024-03-01,M3\n",
}


def folder(tmp_path, tables: dict[str, str]):
    """The folder `src` holding one CSV a table (its text given)."""
    src = tmp_path / "src"
    src.mkdir()
    for table, text in tables.items():
        (src / f"{table}.csv").write_text(text, encoding="utf-8")
    return src


def test_ids_hash_as_the_test_expects():
    # crc32 mod 3: B1 → 0, B3 → 1, B7 → 0 (the folder below keeps B1 and B7 and drops B3)
    assert [zlib.crc32(c.encode()) % 3 for c in ("B1", "B3", "B7")] == [0, 1, 0]
    assert [hidden.kept(c, 3) for c in ("B1", "B3", "B7")] == [True, False, True]


def test_shrink_keeps_the_kept_childrens_rows_of_every_table(tmp_path):
    src, dst = (
        folder(tmp_path, V1_TABLES | V2_TABLES | {"budget": "year,budget_dkk\n2024,1\n"}),
        tmp_path / "dst",
    )

    assert hidden.shrink(src, dst, 3) == 2

    def ids(table: str, col: str) -> list[str]:
        return pl.read_csv(dst / f"{table}.csv", infer_schema=False)[col].to_list()

    assert ids("children", "child_id") == ["B1", "B7"]
    assert ids("cases", "case_id") == ["S1", "S7"]
    assert ids("measures", "measure_id") == ["M1", "M7"]
    assert ids("payments", "payment_id") == ["P1"]
    assert ids("notifications", "notification_id") == ["N1", "N2", "N7"]
    assert ids("investigations", "investigation_id") == ["U7"]
    assert ids("activities", "activity_id") == ["A1", "A2"]
    assert (dst / "budget.csv").read_text(encoding="utf-8") == "year,budget_dkk\n2024,1\n"


def test_shrink_leaves_missing_v2_tables_missing(tmp_path):
    # a folder of contract v1 only (no notifications, investigations, activities): the smaller one has none either
    src, dst = folder(tmp_path, V1_TABLES), tmp_path / "dst"
    assert hidden.shrink(src, dst, 3) == 2  # B1 and B7
    assert sorted(p.name for p in dst.iterdir()) == [
        "cases.csv",
        "children.csv",
        "measures.csv",
        "payments.csv",
    ]
