"""AppTest fixtures: one demo database per test session (the demo municipality through the normal import, with
a fixed last month so the figures do not move with the calendar), and a helper that runs the app as a role."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from mi import demo, ingest
from mi.settings import ROOT

END_MONTH = "2026-10"
MONTH = date(2026, 10, 1)


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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    demo.write(folder, end_month=END_MONTH)
    path = tmp_path_factory.mktemp("db") / "mi.duckdb"
    ingest.import_folder(folder, path)
    return path


@pytest.fixture
def app_db(demo_db, tmp_path, monkeypatch) -> Path:
    """A copy of the demo database for this test (a test may freeze or import into it)."""
    path = tmp_path / "mi.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MI_DB", str(path))
    monkeypatch.delenv("MI_ROLE", raising=False)
    monkeypatch.delenv("MI_ROLE_PIN", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


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
