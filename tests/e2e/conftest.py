"""Browser tests: a real `streamlit run app.py` on a free port over a demo database built in a temporary folder
(as tests/pages/conftest.py builds it), driven by Playwright with Debian's chromium (DESIGN.md's launch flags)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench import load
from tests.conftest import demo_db_file

END_MONTH = "2026-10"
# a page draws its charts within seconds, but the machine is shared: wait generously, never assert on time
expect.set_options(timeout=90_000)
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory) -> Path:
    return demo_db_file(tmp_path_factory, END_MONTH, "e2e-demo")


@contextmanager
def serve(db_path: Path, log: Path) -> Iterator[str]:
    """`streamlit run app.py` as the leder role over db_path on a free port, until the block ends (then only this
    process is stopped): bench.load.serve, the one starter the load test and the browser tests share."""
    with load.serve(db_path, log, role="leder") as (url, _pid):
        yield url


@pytest.fixture(scope="session")
def app_url(e2e_db, browser, tmp_path_factory) -> Iterator[str]:
    """The app served by `streamlit run` for the session, after one browser session has opened it: the first
    session after a start behaves differently (see test_browser.test_first_session_after_start_keeps_the_month),
    and the other tests should not depend on which of them comes first."""
    with serve(e2e_db, tmp_path_factory.mktemp("e2e-log") / "streamlit.log") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            pg = context.new_page()
            pg.goto(url, timeout=120_000)
            pg.get_by_role("heading", name="Overblik", level=1).wait_for(timeout=120_000)
        finally:
            context.close()
        yield url


@pytest.fixture
def cold_app_url(e2e_db, tmp_path) -> Iterator[str]:
    """A freshly started server over its own copy of the database, not yet opened by any browser."""
    path = tmp_path / "mi.duckdb"
    shutil.copyfile(e2e_db, path)
    with serve(path, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="da-DK"
    )
    pg = context.new_page()
    pg.set_default_timeout(90_000)
    yield pg
    context.close()


def settle(page: Page) -> None:
    """Wait until the script run has finished: the running indicator is gone, no element is still a skeleton, and
    none is stale (drawn faded while a run is under way)."""
    page.wait_for_selector('[data-testid="stSidebar"]')
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    expect(page.locator('[data-stale="true"]')).to_have_count(0)


def choose(page: Page, label: str, option: str) -> None:
    """Choose `option` in the combobox `label`: click it, type the option (a virtualised list shows only some of
    its options; typing filters), click it. A click or keystroke that lands while the page re-renders is lost (the
    list never opens; once in a clean CI run three clicks in a row), so try again then, the typed text replaced.
    A multiselect's list stays open after the choice: press Escape after."""
    combo = page.get_by_role("combobox", name=label)
    target = page.get_by_role("option", name=option, exact=True)
    for attempt in range(4):
        combo.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(option)
        try:
            target.wait_for(timeout=15_000)
            target.click()
            break
        except PlaywrightTimeoutError:
            if attempt == 3:
                raise AssertionError(
                    f"no option {option!r} in {label!r} after four tries; options shown: "
                    f"{page.get_by_role('option').all_inner_texts()}, expanded: {combo.get_attribute('aria-expanded')}"
                ) from None
            page.keyboard.press("Escape")
            settle(page)
    settle(page)


def pick_month(page: Page, month: str) -> None:
    """Choose a month in the sidebar's picker."""
    choose(page, "Måned", month)
