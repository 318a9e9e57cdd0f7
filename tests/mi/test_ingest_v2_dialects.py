"""A compliance folder (test_ingest_v2's: v1 + notifications, investigations, activities) in the municipal
dialects — `;` CSV in Windows-1252 or UTF-8 with BOM, DD-MM-YYYY and DD.MM.YYYY dates with times, Excel with typed
date and time cells, Parquet with typed columns — imports to the same rows as the plain ISO folder and gives the
same `mi kpis` figures (c1–c8 included once they are in the KPI registry)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from mi import contract, db, ingest, kpi
from mi.__main__ import main
from tests.mi.test_ingest import TABLES, danish_csv, write_folder
from tests.mi.test_ingest_v2 import V2

# æøå so that Windows-1252 is tested on real Danish text
FOLDER = TABLES | V2 | {"children": [TABLES["children"][0] | {"district": "Østerbro"}, TABLES["children"][1]]}
MONTH = "2019-03"


def danish_moment(value: str, date_style: str) -> str:
    """`2019-03-01 14:05` as a Danish system writes it: `01-03-2019 14:05`, or `01.03.2019 kl. 14.05`."""
    day, _, time = value.partition(" ")
    y, m, d = day.split("-")
    if date_style == "dot":
        return f"{d}.{m}.{y}" + (f" kl. {time.replace(':', '.')}" if time else "")
    return f"{d}-{m}-{y}" + (f" {time}" if time else "")


def write_danish(folder: Path, encoding: str, date_style: str) -> Path:
    folder.mkdir(parents=True)
    for table, rows in FOLDER.items():
        kinds = {c.name: c.kind for c in contract.columns(table)}
        moments = [c for c, k in kinds.items() if k == contract.DATETIME]
        rows = [
            {k: danish_moment(v, date_style) if k in moments and v else v for k, v in r.items()} for r in rows
        ]
        (folder / f"{table}.csv").write_bytes(danish_csv(rows, table, encoding, date_style))
    return folder


def typed(table: str, rows: list[dict[str, str]]) -> pl.DataFrame:
    """The rows as a data warehouse or Excel holds them: dates as dates, dates with times as date-times (a date
    without a time is midnight)."""
    frame = pl.DataFrame(rows)
    for col in contract.columns(table):
        if col.name not in frame.columns:
            continue
        if col.kind == contract.DATE:
            frame = frame.with_columns(pl.col(col.name).replace("", None).str.to_date())
        elif col.kind == contract.DATETIME:
            frame = frame.with_columns(
                pl.col(col.name)
                .replace("", None)
                .map_elements(lambda v: datetime.fromisoformat(v), return_dtype=pl.Datetime("us"))
            )
    return frame


def kpis(folder: Path, capsys) -> dict:
    assert main(["kpis", "--data", str(folder), "--month", MONTH, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> tuple[dict, ingest.Loaded]:
    """The ISO folder's `mi kpis` figures for MONTH (as the command computes them) and its rows."""
    folder = write_folder(tmp_path_factory.mktemp("plain") / "data", FOLDER)
    loaded = ingest.read_folder(folder)
    assert loaded.issues == []
    con = ingest.load_in_memory(folder)
    try:
        figures = json.loads(json.dumps(kpi.values(con, kpi.parse_month(MONTH)), default=str))
    finally:
        con.close()
    # c1–c8 for March 2019 by hand (E = 2019-03-31, L12 from 2018-04-01):
    # c1: U1, U2, U3 received in March = 3
    # c2: U1 both with times, 14:05 → 09:30 next day = 19 h 25 min ≤ 24 h: in time; U2 dates only, assessed
    #     05-03 ≤ 04-03 + 1 day: in time; U3 never assessed: not in time → 2/3
    # c3: I1 completed 2019-02-28 in L12; deadline 2018-10-31 + 4 months = 28 February (31 → the month's last
    #     day) → on time: 1/1; c5: its talk 2019-01-15 lies between start and completion: 1/1
    # c4: I2 open on E, deadline 2019-05-10 not before E → 0
    # c6: B1's current placement M1 (ANBR_PLEJEFAMILIE from 2019-02-01) has plan A1 on 2019-02-01 ≤ E: 1/1
    # c7: no step 3–6 measure active on E started by E − 6 months = 2018-09-30 → empty
    # c8: no child placed both on E and on 2018-04-01 → empty
    assert {k: v for k, v in figures.items() if k[0] == "c" and k[1].isdigit()} == {
        "c1_notifications": 3,
        "c2_assessed_24h_share": pytest.approx(2 / 3),
        "c3_investigations_on_time_share": 1.0,
        "c4_investigations_overdue": 0,
        "c5_child_talk_share": 1.0,
        "c6_plan_share": 1.0,
        "c7_follow_up_share": None,
        "c8_supervision_share": None,
    }
    return figures, loaded


@pytest.mark.parametrize(
    ("encoding", "date_style"),
    [("cp1252", "dash"), ("utf-8-sig", "dot"), ("cp1252", "dot"), ("utf-8", "dash")],
)
def test_danish_csv_reads_the_same_rows_and_figures(tmp_path, plain, capsys, encoding, date_style):
    folder = write_danish(tmp_path / "dansk", encoding, date_style)
    if encoding == "cp1252":
        assert "Østerbro".encode("cp1252") in (folder / "children.csv").read_bytes()
    if date_style == "dot":
        assert "01.03.2019 kl. 14.05" in (folder / "notifications.csv").read_text(encoding=encoding)
    danish = ingest.read_folder(folder)
    assert danish.issues == []
    for table in db.INPUT_TABLES:
        assert danish.frames[table].equals(plain[1].frames[table]), table
    assert kpis(folder, capsys) == plain[0]


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_excel_and_parquet_read_the_same_rows_and_figures(tmp_path, plain, capsys, kind):
    folder = tmp_path / kind
    folder.mkdir()
    for table, rows in FOLDER.items():
        frame = typed(table, rows)
        if kind == "parquet":
            frame.write_parquet(folder / f"{table}.parquet")
        else:
            frame.write_excel(folder / f"{table}.xlsx")
    loaded = ingest.read_folder(folder)
    assert loaded.issues == []
    for table in db.V2_TABLES:
        assert loaded.frames[table].equals(plain[1].frames[table]), table
    assert loaded.frames["notifications"]["received_at"].to_list() == [
        "2019-03-01 14:05",
        "2019-03-04",  # midnight: a date without a time of day
        "2019-03-10 08:00",
    ]
    assert kpis(folder, capsys) == plain[0]


def test_excel_text_cells_in_danish_spelling_read_the_same(tmp_path, plain):
    # a user who types `01-03-2019 14:05` into a text cell
    folder = write_folder(tmp_path / "data", FOLDER)
    (folder / "notifications.csv").unlink()
    rows = [
        {k: danish_moment(v, "dash") if k.endswith("_at") and v else v for k, v in r.items()}
        for r in V2["notifications"]
    ]
    pl.DataFrame(rows).write_excel(folder / "notifications.xlsx")
    loaded = ingest.read_folder(folder)
    assert loaded.issues == []
    assert loaded.frames["notifications"].equals(plain[1].frames["notifications"])
