"""Scenarier in chromium: build a scenario with a focus-point preset, override a price, save it, and open it again in
a new browser session with the same numbers; screenshots in the test's folder for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import metric_value, settle

pytestmark = pytest.mark.e2e


def open_scenarier(page: Page, url: str) -> None:
    page.goto(f"{url}/scenarier")
    expect(page.get_by_role("heading", name="Scenarier", level=1)).to_be_visible()
    settle(page)


def shoot(page: Page, path) -> None:
    """The whole page (Streamlit scrolls inside its own container: a tall window shows all of it)."""
    page.set_viewport_size({"width": 1400, "height": 4200})
    settle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_build_save_and_reload_a_scenario(cold_app_url, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_scenarier(page, cold_app_url)
    expect(page.get_by_text("ingen flytninger endnu", exact=False)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
    page.get_by_role("button", name="1. Institution → plejefamilie").click()
    settle(page)
    expect(page.get_by_text("Besparelse 2026", exact=True)).to_be_visible()
    before = metric_value(page, "Besparelse 2027")
    # one institution child to a foster family priced by the user at 0 kr.: the saving grows
    price = page.get_by_label("Egen pris (kr./md.)").nth(1)
    price.fill("0")
    price.press("Enter")
    settle(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Besparelse 2027")).not_to_contain_text(
        before
    )
    saving = metric_value(page, "Besparelse 2027")
    # typed and saved at once: the click carries the name
    page.get_by_label("Navn på scenariet").fill("Plan fra browseren")
    page.get_by_role("button", name="Gem scenariet").click()
    settle(page)
    shoot(page, tmp_path / "efter-gem.png")
    expect(page.get_by_text("Scenariet »Plan fra browseren« er gemt.")).to_be_visible()
    expect(page.get_by_role("button", name="Åbn")).to_be_visible()
    shoot(page, tmp_path / "scenarier-bygget.png")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    context.close()

    # a new session: nothing built; open the saved one and find the same numbers
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_scenarier(page, cold_app_url)
    expect(page.get_by_text("ingen flytninger endnu", exact=False)).to_be_visible()
    page.get_by_role("button", name="Åbn").click()
    settle(page)
    expect(page.get_by_text("Scenariet »Plan fra browseren« er åbnet", exact=False)).to_be_visible()
    assert metric_value(page, "Besparelse 2027") == saving
    shoot(page, tmp_path / "scenarier-genaabnet.png")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    context.close()
    print(f"screenshots: {tmp_path}")
