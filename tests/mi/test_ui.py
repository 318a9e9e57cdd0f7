"""mi.ui downloads: Excel keeps numbers as numbers and marks as text, CSV is what Danish Excel opens, and text a
spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import polars as pl

from mi import ui


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Måned": [date(2026, 9, 1), date(2026, 10, 1)],
            "Leverandør": ['=HYPERLINK("http://x")', "@SUM(A1)"],
            # the committee's figure: a number, empty where hidden, and as shown beside it (the mark kept)
            "Børn": pl.Series([12, None], dtype=pl.Int64),
            "Børn (vist)": ["12", "<5"],
            "Beløb (kr.)": [1234567.5, -250.0],
            "Ændring": ["-3", "+2"],
        }
    )


def test_excel_numbers_stay_numbers_and_marks_and_formulas_are_text():
    book = openpyxl.load_workbook(io.BytesIO(ui.excel_bytes(frame(), "test")))
    ws = book.active
    assert [c.value for c in ws[1]] == [
        "Måned",
        "Leverandør",
        "Børn",
        "Børn (vist)",
        "Beløb (kr.)",
        "Ændring",
    ]
    row2 = [c.value for c in ws[2]]
    assert row2[2] == 12 and isinstance(row2[2], int)  # a count: a number Excel can add up
    assert row2[4] == 1234567.5
    assert row2[1] == '\'=HYPERLINK("http://x")'  # not a formula
    assert ws.cell(2, 2).data_type == "s"
    row3 = [c.value for c in ws[3]]
    assert row3[1] == "'@SUM(A1)"
    assert row3[2] is None and row3[3] == "<5"  # hidden: no number, the mark beside it
    assert row3[5] == "+2"  # a signed number as text is left alone
    assert ws.cell(2, 1).is_date


def test_csv_is_semicolon_decimal_comma_with_bom_and_neutralised():
    text = ui.csv_bytes(frame()).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Måned;Leverandør;Børn;Børn (vist);Beløb (kr.);Ændring"
    # 1234567.5 → 1234567,5 (decimal comma, no thousands separator); a hidden figure empty, its mark beside it
    assert lines[1] == '2026-09-01;"\'=HYPERLINK(""http://x"")";12;12;1234567,5;-3'
    assert lines[2] == "2026-10-01;'@SUM(A1);;<5;-250,0;+2"


def test_require_takes_a_page_or_the_roles_allowed():
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    def page(arg):
        from mi import ui  # noqa: PLC0415

        ui.require(arg)
        import streamlit as st  # noqa: PLC0415

        st.write("synlig")

    for arg, role, seen in [
        ("data", "oekonomi", True),
        ("data", "udvalg", False),
        (("leder",), "leder", True),
        (("leder", "oekonomi"), "udvalg", False),
    ]:
        at = AppTest.from_function(page, args=(arg,))
        at.session_state["role"] = role
        at.run()
        shown = [m.value for m in at.markdown]
        assert ("synlig" in shown) is seen, (arg, role)
        assert any("har ikke adgang" in e.value for e in at.error) is not seen


def test_span_names_the_months_a_frame_covers():
    frame = pl.DataFrame({"Måned": [date(2024, 11, 1), date(2026, 10, 1), date(2025, 3, 1)]})
    assert ui.span(frame) == "november 2024 – oktober 2026"
    assert ui.span(frame.head(1)) == "november 2024"
    assert ui.span(frame.clear()) == ""
