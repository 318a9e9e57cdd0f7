"""Udvalgsrapport on screen: the pack's figures for every role, downloads, and the freeze button (leder only); the
report's sections are drawn when their tab is opened, or all at once on one page (to print)."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest

from mi import db, fmt, frozen, kpi, pdf
from tests.pages.conftest import MONTH, run_app, texts


def whole_report(role: str, **kwargs):
    """The report as `role` with every section drawn on one page (the toggle for printing)."""
    at = run_app(role, page="udvalgsrapport", **kwargs)
    at.toggle(key="udvalg-hele").set_value(True).run()
    return at


@pytest.mark.parametrize("role", ["leder", "oekonomi", "udvalg"])
def test_every_role_sees_the_pack(app_db, role):
    at = whole_report(role)
    assert not at.exception
    shown = texts(at)
    metrics = {m.label: m.value for m in at.metric}
    # the five focus points with their status in words and the plain-Danish sentence
    for n in range(1, 6):
        assert f"{n}. " in shown
    assert re.fullmatch(r"\d+,\d %", metrics["Andel i netværks- og plejefamilier"])
    assert "Ved udgangen af oktober 2026" in shown
    assert re.search(r"\*\*(Bedre|Dårligere) end sidste år\*\*", shown)
    # budget, forecast and the target path; caseload and turnover; definitions and the data date
    assert "Det forventede forbrug for 2026" in shown and "sager pr. årsværk" in shown
    assert "Data pr. 7. november 2026" in shown
    assert {"PDF", "Excel"} <= {d.proto.label for d in at.get("download_button")}
    assert ("Frys oktober 2026" in {b.label for b in at.button}) == (role == "leder")


@pytest.mark.parametrize("role", ["leder", "udvalg"])
def test_lillebys_pack_on_screen(small_db, role):
    # Lilleby, April 2024 (tests/pages/conftest.py)
    at = whole_report(role)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Børn anbragt på institution"] == "0"
    assert metrics["Tabt arbejdsfortjeneste i år"] == "2.000 kr."
    assert metrics["Sager pr. rådgiver (årsværk)"] == "3,0"
    shown = texts(at)
    assert "Data pr. 10. maj 2024" in shown
    assert (
        "Det forventede forbrug for 2024 er 1,12 mio. kr., 137.800 kr. under budgettet på 1,26 mio. kr."
        in shown
    )
    if role == "leder":
        assert metrics["Nye institutionsanbringelser i år"] == "1"  # E, 1 February
        assert metrics["Andel i netværks- og plejefamilier"] == "100,0 %"  # 1 ÷ (1 + 0)
    else:
        # the committee: the year-to-date count 1 rounded to 5 (issue 18) is ca. 0; the share rests on 1 child:
        # not shown
        assert metrics["Nye institutionsanbringelser i år"] == "ca. 0"
        assert "Tal er afrundet til nærmeste 5" in shown
        assert metrics["Andel i netværks- og plejefamilier"] == "–"
        assert "<5: færre end 5 børn" in shown


def test_committee_sees_no_count_from_one_to_four(app_db):
    at = whole_report("udvalg")
    assert not at.exception
    assert "Udgave til udvalget" in texts(at)
    # every table the committee sees: no child count from 1 to 4 (small counts are '<5' or hidden)
    for d in at.dataframe:
        frame = d.value
        if "Anbringelsessted" in frame.columns:
            # the counts (a change between two counts of 5 or more may be small: 42 → 45 is -3)
            for col in [c for c in frame.columns[1:] if c != "Ændring"]:
                for cell in frame[col]:
                    assert not re.fullmatch(r"[+-]?[1-4]", str(cell)), (col, cell)
    for m in at.metric:
        if "kr." not in m.value and "%" not in m.value:
            assert not re.fullmatch(r"[1-4]", m.value), m


def test_leader_freezes_the_month(app_db):
    at = run_app("leder", page="udvalgsrapport")
    assert frozen.frozen_info(db.connect(app_db), MONTH) is None
    at.button(key="freeze").click().run()
    assert not at.exception
    con = db.connect(app_db)
    info = frozen.frozen_info(con, MONTH)
    con.close()
    assert info is not None and info["n_keys"] > 0
    assert "er frosset" in texts(at) or "frosset" in texts(at)
    # frozen: no second freeze offered
    assert "Frys oktober 2026" not in {b.label for b in at.button}


def test_already_frozen_month_says_so(app_db):
    frozen.freeze_file(app_db, MONTH)
    at = run_app("udvalg", page="udvalgsrapport")
    assert not at.exception
    assert "blev frosset" in texts(at)


def test_committee_series_tables_show_no_count_from_one_to_four(app_db):
    at = whole_report("udvalg")
    assert not at.exception
    series = [d.value for d in at.dataframe if {"Måned", "Nøgletal", "Værdi"} <= set(d.value.columns)]
    # a table behind each chart: the five focus points, caseload and turnover
    assert len(series) == 7
    for frame in series:
        assert frame.shape[0] == 24
        for cell in frame["Værdi"]:
            assert not re.fullmatch(r"[1-4]", str(cell)), cell
    labels = {m.label for m in at.metric}
    assert {"Sager pr. rådgiver (årsværk)", "Personaleomsætning, 12 måneder"} <= labels


def test_revised_figures_are_marked_after_a_new_import(app_db, tmp_path):
    """October is frozen, then a late-registered institution placement (20 October, a child with no placement)
    is imported: the committee keeps the frozen count and sees it marked revideret, old → new."""
    import polars as pl  # noqa: PLC0415

    from mi import demo, ingest  # noqa: PLC0415
    from tests.pages.conftest import END_MONTH  # noqa: PLC0415

    frozen.freeze_file(app_db, MONTH)
    with db.connect(app_db) as con:
        before = kpi.values(con, MONTH)["f1_institution_children"]
    folder = tmp_path / "data"
    demo.write(folder, end_month=END_MONTH)
    measures = pl.read_csv(folder / "measures.csv", infer_schema_length=0)
    placed = measures.filter(pl.col("measure_code").str.starts_with("ANBR_"))["child_id"].unique()
    child = measures.filter(~pl.col("child_id").is_in(placed.implode()))["child_id"][0]
    late = pl.DataFrame(
        {
            "measure_id": ["K001-F999998"],
            "child_id": [child],
            "measure_code": ["ANBR_DOGNINSTITUTION"],
            "provider_type": ["regional"],
            "start_on": ["2026-10-20"],
            "monthly_cost_dkk": ["90000.00"],
        }
    )
    pl.concat([measures, late], how="diagonal").write_csv(folder / "measures.csv")
    ingest.import_folder(folder, app_db)
    with db.connect(app_db) as con:
        assert kpi.values(con, MONTH)["f1_institution_children"] == before + 1
    at = whole_report("udvalg")
    assert not at.exception
    shown = texts(at)
    # the frozen count stays; the revision is marked revideret, old → new — the new count hidden, since a
    # difference of one would tell that one child was registered late
    assert {m.label: m.value for m in at.metric}["Børn anbragt på institution"] == fmt.number(before)
    assert f"{fmt.number(before)} → – (revideret)" in shown
    assert f"{fmt.number(before + 1)} (revideret)" not in shown
    revisions = [d.value for d in at.dataframe if "Frosset" in d.value.columns]
    assert revisions and set(revisions[0]["Note"]) == {"revideret"}


def test_sections_are_drawn_when_their_tab_is_opened(app_db):
    at = run_app("leder", page="udvalgsrapport")
    assert not at.exception
    labels = [t.label for t in at.tabs if t.label not in ("Graf", "Tabel")]  # not a chart's own two views
    assert labels == ["Fokuspunkter", "Anbringelser og økonomi", "Sagstal og personale", "Definitioner"]
    # cold: the focus points (the first tab) only; the other sections are not drawn
    shown = texts(at)
    assert "De fem fokuspunkter" in shown and "5. Lavere udgifter til tabt arbejdsfortjeneste" in shown
    assert "Det forventede forbrug for 2026" not in shown and "Definitioner" not in {
        h.value for h in at.header
    }
    charts_cold = len(at.get("vega_lite_chart"))
    assert charts_cold == 5  # one chart for each focus point
    # each other section is drawn when its tab is opened (and the focus points are then not)
    at.session_state["udvalg-afsnit"] = "Anbringelser og økonomi"
    at.run()
    shown = texts(at)
    assert "Det forventede forbrug for 2026" in shown and "Anbragte børn efter anbringelsessted" in shown
    assert "De fem fokuspunkter" not in shown
    assert len(at.get("vega_lite_chart")) == 1  # the overspend path
    at.session_state["udvalg-afsnit"] = "Sagstal og personale"
    at.run()
    assert "Sager pr. rådgiver (årsværk)" in {m.label for m in at.metric}
    assert len(at.get("vega_lite_chart")) == 2  # caseload and turnover
    at.session_state["udvalg-afsnit"] = "Definitioner"
    at.run()
    assert "Definitioner" in {h.value for h in at.header}
    assert any("Definition" in d.value.columns for d in at.dataframe)
    # the whole report on one page: every section, every chart
    at.toggle(key="udvalg-hele").set_value(True).run()
    assert not at.exception
    assert {"De fem fokuspunkter", "Økonomi", "Sagstal og personale", "Definitioner"} <= {
        h.value for h in at.header
    }
    assert len(at.get("vega_lite_chart")) == 5 + 1 + 2
    assert "Fokuspunkter" not in [t.label for t in at.tabs]


def test_pdf_and_excel_are_made_when_clicked(app_db, monkeypatch):
    """The downloads hold a callable, run when the button is clicked (Streamlit runs it outside the page's script):
    no PDF or workbook is made while the page is drawn."""
    from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: PLC0415

    made = {}
    register = MediaFileManager.add_deferred

    def keep(self, fn, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = fn
        return register(self, fn, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    calls = []
    monkeypatch.setattr(pdf, "_rendered", type(pdf._rendered)())
    monkeypatch.setattr(pdf, "render_pdf", lambda pack: calls.append(pack.role) or b"%PDF-1.7 test")
    at = run_app("udvalg", page="udvalgsrapport")
    assert not at.exception
    downloads = {d.proto.label: d.proto for d in at.get("download_button")}
    assert downloads["PDF"].deferred_file_id and downloads["Excel"].deferred_file_id
    assert calls == []  # drawing the page made no PDF
    pdf_file, xlsx_file = (
        made["udvalgsrapport-2026-10.pdf"],
        made["udvalgsrapport-2026-10.xlsx"],
    )
    assert pdf_file() == b"%PDF-1.7 test" and calls == ["udvalg"]
    assert pdf_file() == b"%PDF-1.7 test" and calls == [
        "udvalg"
    ]  # a second click: the same file, not made again
    book = openpyxl.load_workbook(io.BytesIO(xlsx_file()))
    assert "Fokuspunkter" in book.sheetnames


@pytest.mark.parametrize(
    ("role", "column"),
    [
        # tests/mi/test_frozen_placements.py's town, March 2024 frozen then revised (two institution placements
        # removed): the committee's table is the frozen one, network 6, foster 7, other 0, institution 8 (21 in
        # all) against March 2023 as frozen (6, 7, 0, 5; 18), changes 0, 0, 0, +3, +3
        ("udvalg", (["6", "7", "0", "8", "21"], ["6", "7", "0", "5", "18"], ["0", "0", "0", "+3", "+3"])),
        # the leader: today's 6, 7, 0, 6 (19) against today's March 2023 with a late foster placement (6, 8, 0, 5;
        # 19): changes 0, −1, 0, +1, 0
        ("leder", (["6", "7", "0", "6", "19"], ["6", "8", "0", "5", "19"], ["0", "-1", "0", "+1", "0"])),
    ],
)
def test_the_placement_table_of_a_revised_frozen_month(revised_db, role, column):
    at = run_app(role, page="udvalgsrapport", month=date(2024, 3, 1))
    at.session_state["udvalg-afsnit"] = "Anbringelser og økonomi"
    at.run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Anbringelsessted" in d.value.columns)
    assert (list(table["Marts 2024"]), list(table["Samme måned sidste år"]), list(table["Ændring"])) == column
    # the table's caption: the committee's figures of frozen months are as frozen, not from the newest version
    captions = [c.value for c in at.caption if c.value.startswith("Periode: marts 2024")]
    assert captions and all(
        c.endswith("(dataversion 2) · frosne måneder som frosset") == (role == "udvalg") for c in captions
    )
