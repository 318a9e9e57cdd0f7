"""AppTest fixtures: one demo database per test session (the demo municipality through the normal import, with
a fixed last month so the figures do not move with the calendar), and a helper that runs the app as a role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from mi import db
from mi import settings as settings_mod
from mi.settings import ROOT
from tests.conftest import demo_db_file, frame, read_catalogue
from tests.mi import test_economy_screen as economy_fixture

END_MONTH = "2026-10"
MONTH = date(2026, 10, 1)

# ---- Lilleby: a small town written by hand, for the pages' figures checked against arithmetic ------------------
# The month is April 2024 (E = 30 April; the data's latest posting is 10 May, so April is the last ended month and
# the default). The measures and payments are tests/mi/test_economy_screen.py's (its docstring has the economy's
# arithmetic: actual to date 153.000, committed May–December 969.200, forecast 1.122.200, budget 1.260.000):
#   A  B1 almen plejefamilie (step 5, family care), 1 Jan 2023 – open          30.000 kr./md.
#   B  B2 fast kontaktperson (step 3), 1 Jan – 16 Jun 2024                      6.000 kr./md.
#   C  B3 opholdssted (step 6, institution), from 1 May 2024 (after E)         90.000 kr./md.
#   E  B4 døgninstitution (step 6, institution), 1 Feb – 15 Apr 2024 (before E) 60.000 kr./md.
# At E: B1 on step 5, B2 on step 3, nobody on step 6 → f1 = 0; f2 = 1 family care ÷ (1 + 0 institution) = 100 %.
# Staff:  E1 raadgiver Nord 1,0 FTE from 1 Jan 2022;  E2 raadgiver Syd 0,5 FTE 1 Jun 2023 – 10 Feb 2024 (Nyt job);
#         E3 familiebehandler Nord 0,8 FTE from 1 Oct 2023.
# Cases:  C1 B1, C2 B2, C3 B3 with E1 (open);  C4 B4 with E2, 1 Feb – 20 Apr 2024 (closed before E).
#   caseload at E: 3 open cases ÷ 1,0 raadgiver FTE (E2 has left) = 3,0
#   turnover over May 2023 – April 2024: 1 leaver (E2) ÷ mean headcount at the 12 month-ends
#     (E1 12 + E2 8 (June–January) + E3 7 (October–April) = 27 → 27 / 12 = 2,25) = 0,444… → 44,4 %
#   at E: 2 staff (E1, E3), 1,8 FTE, raadgiver 1,0; hired in 12 months 2 (E2, E3), left 1 (E2);
#   seniority: E3 7 months, E1 2 years 4 months → under 1 year 1 of 2 = 50,0 %, under 2 years 50,0 %
# Rows: children 5, cases 4, measures 4, payments 8, budget 2, staff 3, pupils 1 = 27.
SMALL_MONTH = date(2024, 4, 1)
SMALL = {
    "children": [{"child_id": f"B{i}"} for i in range(1, 6)],
    "measures": economy_fixture.MEASURES,
    "payments": economy_fixture.PAYMENTS,
    "budget": economy_fixture.BUDGET,
    "staff": [
        {"employee_id": "E1", "role": "raadgiver", "team": "Nord", "fte": 1, "hired_on": "2022-01-01"},
        {"employee_id": "E2", "role": "raadgiver", "team": "Syd", "fte": 0.5, "hired_on": "2023-06-01",
         "left_on": "2024-02-10", "leave_reason": "Nyt job"},
        {"employee_id": "E3", "role": "familiebehandler", "team": "Nord", "fte": 0.8, "hired_on": "2023-10-01"},
    ],
    "cases": [
        {"case_id": "C1", "child_id": "B1", "caseworker_id": "E1", "team": "Nord", "opened_on": "2023-12-01"},
        {"case_id": "C2", "child_id": "B2", "caseworker_id": "E1", "team": "Nord", "opened_on": "2024-01-01"},
        {"case_id": "C3", "child_id": "B3", "caseworker_id": "E1", "team": "Nord", "opened_on": "2024-03-01"},
        {"case_id": "C4", "child_id": "B4", "caseworker_id": "E2", "team": "Syd", "opened_on": "2024-02-01",
         "closed_on": "2024-04-20"},
    ],
    "pupils": [{"school_year": "2023/24", "pupils": 300}],
}  # fmt: skip


@pytest.fixture(autouse=True)
def _app_runs_like_the_server(monkeypatch):
    """Every run goes through app.py, as on the server. AppTest resets Streamlit's legacy `pages/` flag before each
    run, so a page opened with switch_page would run on its own (no sidebar, no role check in app.py); the server
    sets the flag off for good once app.py has called st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def serve(path: Path, monkeypatch, copy_of: Path | None = None) -> Iterator[Path]:
    """The body of a database fixture (`yield from serve(path, monkeypatch)`): the app reads `path` (MI_DB; first
    copied from `copy_of` when given), no role is set or pinned (a test sets its own), and Streamlit's caches are
    empty before and after the test."""
    if copy_of is not None:
        shutil.copyfile(copy_of, path)
    monkeypatch.setenv("MI_DB", str(path))
    monkeypatch.delenv("MI_ROLE", raising=False)
    monkeypatch.delenv("MI_ROLE_PIN", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    return demo_db_file(tmp_path_factory, END_MONTH)


@pytest.fixture
def app_db(demo_db, tmp_path, monkeypatch) -> Path:
    """A copy of the demo database for this test (a test may freeze or import into it)."""
    yield from serve(tmp_path / "mi.duckdb", monkeypatch, copy_of=demo_db)


@pytest.fixture(scope="session")
def lilleby(tmp_path_factory) -> Path:
    """Lilleby (SMALL above) built by the import's own code into a database file."""
    path = tmp_path_factory.mktemp("lilleby") / "mi.duckdb"
    frames = {t: frame(t, rows) for t, rows in SMALL.items()}
    db.build(path, frames, settings_mod.load(), read_catalogue(), source="Lilleby")
    return path


@pytest.fixture
def revised_db(tmp_path, monkeypatch) -> Path:
    """tests/mi/test_frozen_placements.py's town: March 2023 and March 2024 frozen, then imported again with two
    of March 2024's institution placements removed (frozen 8, today 6) and a late foster placement in March 2023."""
    from tests.mi import test_frozen_placements  # noqa: PLC0415

    path = test_frozen_placements.revised_town(tmp_path / "mi.duckdb")
    yield from serve(path, monkeypatch)


@pytest.fixture
def small_db(lilleby, tmp_path, monkeypatch) -> Path:
    """A copy of Lilleby's database for this test, as the app's database."""
    yield from serve(tmp_path / "mi.duckdb", monkeypatch, copy_of=lilleby)


def run_app(role: str, page: str | None = None, month: date | None = None, monkeypatch=None) -> AppTest:
    """The app as `role` (demo mode, MI_ROLE), optionally switched to pages/<page>.py and to a month."""
    import os  # noqa: PLC0415

    os.environ["MI_ROLE"] = role
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    if month is not None:
        at.sidebar.selectbox(key="_month").set_value(month).run()
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def open_directly(slug: str, role: str, month: date) -> AppTest:
    """pages/<slug>.py run on its own (a bookmarked URL, a crafted request: not through app.py's navigation) by a
    session whose role and month are set."""
    direct = AppTest.from_file(str(ROOT / "pages" / f"{slug}.py"), default_timeout=60)
    direct.session_state["role"] = role
    direct.session_state["month"] = month
    direct.run()
    return direct


def assert_refused(direct: AppTest) -> None:
    """The page, opened by a role without access, says so and shows no figures."""
    assert not direct.exception
    assert "har ikke adgang" in texts(direct)
    assert len(direct.metric) == 0 and len(direct.dataframe) == 0


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, metrics, captions, headers, alerts), for `in` checks."""
    parts = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts += [e.value for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def nav_pages(at: AppTest) -> set[str]:
    """The pages the app's navigation registered in the last run (their url paths; the default page is served at
    "/" under the url path "start", and also registered under its slug as a hidden page)."""
    return {
        info.get("url_pathname") for info in at._registered_pages.values() if info.get("url_pathname")
    } - {"start"}
