"""Indsatstrappen: the ladder, the series and moves, the five focus points, as each role may see them; each section
is a tab drawn when it is opened."""

from __future__ import annotations

from datetime import date

import pytest

from mi import auth, frozen
from tests.pages.conftest import MONTH, run_app, texts

STEP_ROWS = [
    "1. Tidlig indsats i almenområdet",
    "2. Forebyggende indsatser",
    "3. Indsatser i hjemmet",
    "4. Anbringelse i netværksplejefamilie",
    "5. Anbringelse i plejefamilie",
    "6. Anbringelse på institution",
]


SECTIONS = ["Trappen", "Udviklingen pr. trin", "Bevægelser", "Fokuspunkterne"]


def open_section(at, label: str):
    """Open one of the page's sections (a tab drawn when opened) and run the page again."""
    at.session_state["trappe-afsnit"] = label
    at.run()
    assert not at.exception
    return at


class Seen:
    """What the page showed across all its sections, opened one after the other."""

    def __init__(self, at):
        self.texts, self.frames, self.downloads, self.metrics = [], [], [], {}
        for label in SECTIONS:
            open_section(at, label)
            self.texts.append(texts(at))
            self.frames += [d.value for d in at.dataframe]
            self.downloads += [b.label for b in at.get("download_button")]
            self.metrics |= {m.label: m.value for m in at.metric}
        self.text = "\n".join(self.texts)


def ladder_table(at):
    """The first table of the page: the ladder (step, this month, a year earlier, change)."""
    frame = at.dataframe[0].value
    assert list(frame["Trin"]) == STEP_ROWS
    return frame


@pytest.mark.parametrize("role", auth.ROLES)
def test_page_opens_for_every_role_with_the_focus_points_and_downloads(app_db, role):
    at = run_app(role, page="indsatstrappen")
    assert not at.exception
    # cold: the ladder only (the first tab); the focus points are drawn when their tab is opened
    assert [t.label for t in at.tabs if t.label not in ("Graf", "Tabel")] == SECTIONS
    assert "De fem fokuspunkter" not in texts(at) and len(at.get("vega_lite_chart")) == 1
    ladder_table(at)
    seen = Seen(at)
    shown = seen.text
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
    labels = seen.downloads
    n = 14 if role == "udvalg" else 15
    assert labels.count("CSV") == n and labels.count("Excel") == n


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_lillebys_ladder_and_headlines_in_danish_formats(small_db, role):
    # Lilleby at 30 April 2024 (tests/pages/conftest.py): B1 in a foster family (step 5), B2 with a contact person
    # (step 3); E (døgninstitution) ended 15 April, C (opholdssted) starts in May. A year earlier: B1 only.
    at = run_app(role, page="indsatstrappen")
    frame = ladder_table(at)
    assert frame.values.tolist() == [
        ["1. Tidlig indsats i almenområdet", "0", "0", "0"],
        ["2. Forebyggende indsatser", "0", "0", "0"],
        ["3. Indsatser i hjemmet", "1", "0", "+1"],
        ["4. Anbringelse i netværksplejefamilie", "0", "0", "0"],
        ["5. Anbringelse i plejefamilie", "1", "1", "0"],
        ["6. Anbringelse på institution", "0", "0", "0"],
    ]
    seen = Seen(at)
    metrics = seen.metrics
    assert metrics["Børn anbragt på institution"] == "0"  # step 6
    assert metrics["Nye institutionsanbringelser i år"] == "1"  # E started 1 February
    assert metrics["Andel i netværks- og plejefamilier"] == "100,0 %"  # 1 ÷ (1 + 0)
    assert metrics["Privat andel af familiebehandlinger i år"] == "–"  # no family treatment started: no share
    assert metrics["Tabt arbejdsfortjeneste i år"] == "2.000 kr."
    assert (
        "Ved udgangen af april 2024 var ingen børn anbragt på institution, uændret i forhold til samme måned "
        "sidste år." in seen.text
    )
    # leaders see arrivals and leavers on the ladder as well as moves
    assert any("Nye på trappen" in frame.columns for frame in seen.frames)


@pytest.mark.parametrize("role", ["leder", "oekonomi"])
def test_the_demos_ladder_is_step_six_of_focus_point_one(app_db, role):
    at = run_app(role, page="indsatstrappen")
    frame = ladder_table(at)
    metrics = {m.label: m.value for m in open_section(at, "Fokuspunkterne").metric}
    # step 6 is focus point 1: the same children
    assert list(frame["Børn, oktober 2026"])[5] == metrics["Børn anbragt på institution"]
    assert metrics["Andel i netværks- og plejefamilier"].endswith(" %")


def test_month_picker_changes_the_ladder(small_db):
    at = run_app("leder", page="indsatstrappen")
    next(s for s in at.sidebar.selectbox if s.label == "Måned").set_value(date(2024, 3, 1)).run()
    assert not at.exception
    after = ladder_table(at)
    # the month is now March 2024, compared with March 2023: E on step 6 since 1 February
    assert list(after.columns)[1:3] == ["Børn, marts 2024", "Børn, marts 2023"]
    assert list(after["Børn, marts 2024"]) == ["0", "0", "1", "0", "1", "1"]
    assert "Trappen i marts 2024" in texts(at)


def test_committee_sees_no_count_of_one_to_four_children(app_db):
    at = run_app("udvalg", page="indsatstrappen")
    assert not at.exception
    seen = Seen(at)
    for frame in seen.frames:
        for col in frame.columns:
            cells = {str(c) for c in frame[col]}
            assert not cells & {"1", "2", "3", "4"}, f"a small count in {col!r}"
    shown = seen.text
    # the demo has under 5 moves down in 12 months: shown as <5 with the footnote explaining it
    moves = next(frame for frame in seen.frames if "Ned ad trappen" in frame.columns)
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
    # not revised since: the committee sees the ladder, and the banner says it agrees with the frozen figures
    assert "Dagens data for måneden er de samme som de frosne" in texts(at)
    ladder_table(at)


# ---- a frozen month whose data changed after the freeze (issue 16.1) -------------------------------------------


def test_committee_sees_the_sentence_and_no_ladder_for_a_revised_frozen_month(revised_db):
    at = run_app("udvalg", page="indsatstrappen", month=date(2024, 3, 1))
    assert not at.exception
    sentence = (
        "Tallene for marts 2024 er ændret efter frysningen; udvalget ser månedens frosne nøgletal, og trappen og "
        "fordelingerne vises ikke for måneden."
    )
    banner = [w.value for w in at.warning]
    assert any(
        w.startswith("Nøgletallene for marts 2024 er frosset") and w.endswith(sentence) for w in banner
    )
    # the ladder's tab: the sentence where the ladder would stand, no table, no chart
    assert sentence in [i.value for i in at.info]
    assert not at.dataframe and not at.get("vega_lite_chart")
    seen = Seen(at)
    assert "dagens data" not in seen.text
    assert not any("Trin" in f.columns or "Leverandør" in f.columns for f in seen.frames)
    assert not any("Op ad trappen" in f.columns for f in seen.frames)
    # the breakdown by placement type is the frozen one: 6, 7, 0, 8 and 21 in all (the other breakdowns: the sentence)
    placements = next(f for f in seen.frames if "Anbringelsestype" in f.columns)
    assert list(placements["Børn, marts 2024"]) == ["6", "7", "0", "8", "21"]
    assert seen.metrics["Børn anbragt på institution"] == "8"
    assert seen.texts[2].count(sentence) == 2  # the moves' tab: banner and the sentence in place of the moves


def test_leader_still_sees_todays_ladder_for_the_revised_frozen_month(revised_db):
    at = run_app("leder", page="indsatstrappen", month=date(2024, 3, 1))
    assert not at.exception
    # today's March 2024: step 4 network 6, step 5 foster 7, step 6 institution 8 − 2 = 6
    frame = ladder_table(at)
    assert list(frame["Børn, marts 2024"])[3:] == ["6", "7", "6"]
    assert any(
        s.value.startswith("Nøgletallene for marts 2024 er frosset") and "Her vises dagens data" in s.value
        for s in at.success
    )
    assert "vises ikke for måneden" not in texts(at)
