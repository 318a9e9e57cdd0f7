"""The committee pack's section "Sagsbehandling" (PDF and Excel) on the small folder of test_compliance_cli: the
figures as the role sees them beside the national level of data/reference/boernesagsbarometer.csv; no section for a
folder without the tables of contract v2."""

from __future__ import annotations

import io

import openpyxl
import pytest

from mi import excel, ingest, pack, pack_compliance, pdf, spec
from tests.conftest import COMPLIANCE_KEYS
from tests.sql.test_compliance_cli import FILES


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("pack")
    for name, lines in FILES.items():
        (path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sheet(p) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(excel.render_xlsx(p)))
    assert "Sagsbehandling" in book.sheetnames
    return [r for r in book["Sagsbehandling"].iter_rows(values_only=True) if r[0]]


def test_national_level_is_reference_data():
    ref = pack_compliance.national()
    # DOMAIN.md: 4 months 34 %, talk 95 %, plan 79 %, follow-up 51 %, supervision 73 %, 24 hours 96 % (2023)
    assert {k: v["national_share"] for k, v in ref.items()} == {
        "c2_assessed_24h_share": 0.96,
        "c3_investigations_on_time_share": 0.34,
        "c5_child_talk_share": 0.95,
        "c6_plan_share": 0.79,
        "c7_follow_up_share": 0.51,
        "c8_supervision_share": 0.73,
    }
    assert ref["c2_assessed_24h_share"]["year"] == 2023
    assert all(v["source"].startswith("Ankestyrelsen") for v in ref.values())


def test_leder_pack_has_the_section_with_the_hand_computed_figures(folder):
    con = ingest.load_in_memory(folder)
    p = pack.build_pack(con, "2024-06", "leder")
    rows = {r[0]: r for r in sheet(p)}
    # c3: 1 of 2 completed in L12 on time (see test_compliance_cli); national 34 % (2019)
    c3 = rows["Børnefaglige undersøgelser afsluttet inden for 4 måneder"]
    assert c3[1] == "12 måneder: juli 2023 – juni 2024"
    assert c3[2] == pytest.approx(0.5) and c3[5] == pytest.approx(0.34) and c3[6] == 2019
    assert rows["Underretninger modtaget"][2] == 3  # N1, N2, N3 received in June
    assert rows["Åbne undersøgelser over fristen"][1] == "ultimo juni 2024"
    html = pdf.render_html(
        p, images={k: b"" for k in ("f1", "f2", "f3", "f4", "f5", "path", "caseload", "turnover")}
    )
    assert "<h2>Sagsbehandling og lovmedholdelighed</h2>" in html
    assert "34,0 % (2019)" in html and "Ankestyrelsen, Børnesagsbarometeret 2023" in html


def test_udvalg_pack_shows_small_counts_as_marks(folder):
    con = ingest.load_in_memory(folder)
    p = pack.build_pack(con, "2024-06", "udvalg")
    rows = {r[0]: r for r in sheet(p)}
    # 3 notifications and 1 overdue investigation: counts of children below 5 are shown as <5
    assert rows["Underretninger modtaget"][2] == "<5"
    assert rows["Åbne undersøgelser over fristen"][2] == "<5"
    # every share rests on 1–4 children here (c3: 1 of 2 investigations on time; c8: 1 of 1 child): c8 is hidden;
    # c3, a share of counts over 12 months, is computed from the counts rounded to 5 (issue 16: two months' packs
    # would give a month's own count): 1 → 0 of 2 → 0, no share (an empty cell)
    assert rows["Børnefaglige undersøgelser afsluttet inden for 4 måneder"][2] is None
    assert rows["Anbragte børn med 2 tilsyn på 12 måneder"][2] == "–"


def test_no_section_without_the_tables(folder, tmp_path):
    for name, lines in FILES.items():
        if name not in ("notifications.csv", "investigations.csv", "activities.csv"):
            (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = ingest.load_in_memory(tmp_path)
    p = pack.build_pack(con, "2024-06", "leder")
    assert pack_compliance.rows(p) == []
    book = openpyxl.load_workbook(io.BytesIO(excel.render_xlsx(p)))
    assert "Sagsbehandling" not in book.sheetnames
    html = pdf.render_html(
        p, images={k: b"" for k in ("f1", "f2", "f3", "f4", "f5", "path", "caseload", "turnover")}
    )
    assert "Sagsbehandling og lovmedholdelighed" not in html


def test_long_tables_formatted_by_column_read_as_mi_fmt():
    """The caseworker table and the deadline list (thousands of rows) are formatted a whole column at a time
    (polars expressions, mi.view.frames): the same text as mi.fmt's per-value functions."""
    from datetime import date

    import polars as pl

    from mi import compliance, fmt, view

    counts = [0, 1, 7, 999, 1000, 12345, 1234567, None]
    shares = [0.0, 0.5, 1 / 3, 2 / 3, 0.971223, 0.04, 1.0, None]
    days = [date(2026, 11, 7), date(2024, 2, 29), date(2026, 5, 1), None, None, None, None, None]
    left = [-12, -2, -1, 0, 1, 2, 1500, None]
    rows = pl.DataFrame({"n": counts, "s": shares, "d": days, "left": left})
    data, table = view.frames(
        rows,
        [
            ("n", pl.col("n"), fmt.number_expr),
            ("s", pl.col("s"), fmt.pct_expr),
            ("d", pl.col("d"), compliance._day_expr),
            ("left", pl.col("left"), compliance._days_left_expr),
        ],
    )
    assert data.equals(rows)  # the downloads keep the values
    assert table["n"].to_list() == [fmt.DASH if v is None else fmt.number(v) for v in counts]
    assert table["s"].to_list() == [fmt.pct(v) for v in shares]  # fmt.pct(None) is the dash too
    assert table["d"].to_list() == [fmt.DASH if d is None else fmt.day(d) for d in days]
    assert table["left"].to_list() == [
        "Overskredet med 12 dage",
        "Overskredet med 2 dage",
        "Overskredet med 1 dag",
        "Frist i dag",
        "1 dag tilbage",
        "2 dage tilbage",
        "1.500 dage tilbage",
        fmt.DASH,
    ]


def test_compliance_keys_come_from_the_spec_in_its_order():
    # the eight entries with section = "compliance" in mi/kpis.toml, in the order they stand there (c1..c8)
    assert pack_compliance.C_KEYS == COMPLIANCE_KEYS
    # a registry of three entries, two of them in "staff": only those two, in registry order (b before a)
    entries = [
        spec.Kpi(key=key, label=key, definition="", unit="count", good="none", comparison="", section=section)
        for key, section in (("b_first", "staff"), ("z_other", "budget"), ("a_second", "staff"))
    ]
    assert spec.section_keys("staff", tuple(entries)) == ("b_first", "a_second")
    assert spec.section_keys("compliance", tuple(entries)) == ()
