"""Indsatstrappen: the ladder, the series and moves, the five focus points, as each role may see them."""

from __future__ import annotations

from datetime import date

import pytest

from mi import auth, db, fmt, frozen, kpi
from tests.pages.conftest import MONTH, run_app, texts

STEP_ROWS = [
    "1. Tidlig indsats i almenområdet",
    "2. Forebyggende indsatser",
    "3. Indsatser i hjemmet",
    "4. Anbringelse i netværksplejefamilie",
    "5. Anbringelse i plejefamilie",
    "6. Anbringelse på institution",
]


def mart_steps(path, month: date) -> list[int]:
    con = db.connect(path)
    rows = db.query(
        con,
        "select n_children from mart_ladder_monthly where month = $m order by ladder_step",
        {"m": month},
    )
    con.close()
    return rows["n_children"].to_list()


def ladder_table(at):
    """The first table of the page: the ladder (step, this month, a year earlier, change)."""
    frame = at.dataframe[0].value
    assert list(frame["Trin"]) == STEP_ROWS
    return frame


@pytest.mark.parametrize("role", auth.ROLES)
def test_page_opens_for_every_role_with_the_focus_points_and_downloads(app_db, role):
    at = run_app(role, page="indsatstrappen")
    assert not at.exception
    shown = texts(at)
    assert "Indsatstrappen" in shown and "Trappen i oktober 2026" in shown
    for n, title in enumerate(
        [
            "Færre børn anbragt på institution",
            "Flere i netværks- og plejefamilier i forhold til institution",
            "Færre familiebehandlinger købt hos private",
            "Færre elever i skole-dagbehandling",
            "Lavere udgifter til tabt arbejdsfortjeneste",
        ],
        start=1,
    ):
        assert f"{n}. {title}" in shown
    assert "Data pr. 7. november 2026" in shown
    # every chart and table has CSV and Excel: the ladder, 2 step groups, the moves (leaders: 2 charts, the
    # committee: 1), 5 trends, 4 breakdowns, lost earnings = 15 (14)
    labels = [b.label for b in at.get("download_button")]
    n = 14 if role == "udvalg" else 15
    assert labels.count("CSV") == n and labels.count("Excel") == n
    ladder_table(at)


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_ladder_and_headlines_equal_the_marts_in_danish_formats(app_db, role):
    at = run_app(role, page="indsatstrappen")
    frame = ladder_table(at)
    steps = mart_steps(app_db, MONTH)
    assert list(frame["Børn, oktober 2026"]) == [fmt.number(n) for n in steps]
    con = db.connect(app_db)
    v = kpi.values(con, MONTH)
    con.close()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Børn anbragt på institution"] == fmt.number(v["f1_institution_children"])
    assert metrics["Andel i netværks- og plejefamilier"] == fmt.pct(v["f2_family_care_share"])
    assert metrics["Privat andel af familiebehandlinger i år"] == fmt.pct(v["f3_private_share_ytd"])
    # step 6 is focus point 1: the same children
    assert steps[5] == v["f1_institution_children"]
    # leaders see arrivals and leavers on the ladder as well as moves
    assert any("Nye på trappen" in d.value.columns for d in at.dataframe)


def test_month_picker_changes_the_ladder(app_db):
    at = run_app("leder", page="indsatstrappen")
    before = list(ladder_table(at)["Børn, oktober 2026"])
    next(s for s in at.sidebar.selectbox if s.label == "Måned").set_value(date(2025, 10, 1)).run()
    assert not at.exception
    after = ladder_table(at)
    # the month is now October 2025, compared with October 2024
    assert list(after.columns)[1:3] == ["Børn, oktober 2025", "Børn, oktober 2024"]
    assert list(after["Børn, oktober 2025"]) == [fmt.number(n) for n in mart_steps(app_db, date(2025, 10, 1))]
    assert list(after["Børn, oktober 2025"]) != before
    assert "Trappen i oktober 2025" in texts(at)


def test_committee_sees_no_count_of_one_to_four_children(app_db):
    at = run_app("udvalg", page="indsatstrappen")
    assert not at.exception
    for d in at.dataframe:
        for col in d.value.columns:
            cells = {str(c) for c in d.value[col]}
            assert not cells & {"1", "2", "3", "4"}, f"a small count in {col!r}"
    shown = texts(at)
    # the demo has under 5 moves down in 12 months: shown as <5 with the footnote explaining it
    moves = next(d.value for d in at.dataframe if "Ned ad trappen" in d.value.columns)
    assert list(moves.columns) == ["Periode", "Op ad trappen", "Ned ad trappen"]
    assert list(moves["Ned ad trappen"]) == ["<5"]
    assert "<5: færre end 5 børn" in shown
    assert "Udvalget ser bevægelser op og ned ad trappen" in shown
    assert "er frosset" not in shown


def test_committee_sees_the_frozen_marking_once_the_month_is_frozen(app_db):
    frozen.freeze_file(app_db, MONTH)
    at = run_app("udvalg", page="indsatstrappen")
    assert not at.exception
    assert "Nøgletallene for oktober 2026 er frosset" in texts(at)
