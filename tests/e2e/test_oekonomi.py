"""Økonomi in chromium: the sections below the first screen are tabs drawn when opened (issue 17.2). Each tab,
clicked, draws its section (its own widgets and text, every chart with its text alternative and a table view);
before it is opened, its chart is not on the page. Sagstal's list of every caseworker and Personale's sections open
the same way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mi import economy
from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e

# what only the section draws (the e2e database has one import: the changes' section says so)
DRAWN = {
    "breakdown": "Fordel forbruget på",
    "forecast": "De største bevillinger resten af året",
    "target": "målet for",
    "unit_prices": "Udvikling for indsatstype",
    "changes": "kun én dataindlæsning",
}


def chart_with_label(page: Page, start: str):
    """The charts whose text alternative starts with `start` (a locator: expect() waits for them)."""
    return page.locator(f'[data-testid="stVegaLiteChart"][aria-label^="{start}"]')


def chart_labels(page: Page) -> list[str]:
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    return [charts.nth(i).get_attribute("aria-label") or "" for i in range(charts.count())]


def test_each_section_is_drawn_when_its_tab_is_opened(app_url, page):
    page.goto(f"{app_url}/oekonomi")
    expect(page.get_by_role("heading", name="Økonomi", level=1)).to_be_visible()
    settle(page)
    # the first screen: the cumulative spending's line chart and the first tab's breakdown, no waterfall yet
    expect(chart_with_label(page, "Linjediagram over tid (mio. kr.)")).to_have_count(1)
    expect(chart_with_label(page, "Vandret søjlediagram (mio. kr.) for Anbringelser")).to_have_count(1)
    before = chart_labels(page)
    assert not any(x.startswith("Søjlediagram (mio. kr. (aksen starter") for x in before), before
    for name, label in economy.sections(True).items():
        page.get_by_role("tab", name=label, exact=True).click()
        settle(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        expect(page.get_by_role("tab", name=label, exact=True)).to_have_attribute("aria-selected", "true")
        expect(page.get_by_text(DRAWN[name]).first).to_be_visible()
        labels = chart_labels(page)
        assert all("diagram" in x and "Periode: " in x and "fanen Tabel" in x for x in labels), labels
        if name == "forecast":
            # the waterfall from the budget to the forecast, over the budget areas
            assert any(
                x.startswith("Søjlediagram (mio. kr. (aksen starter ikke ved 0)) for Budget") for x in labels
            )
        if name != "breakdown":
            expect(page.get_by_text("Fordel forbruget på")).to_have_count(0)


def test_sagstal_draws_every_caseworker_when_opened(app_url, page):
    page.goto(f"{app_url}/sagstal")
    expect(page.get_by_role("heading", name="Sagstal", level=1)).to_be_visible()
    settle(page)
    tables = page.locator('[data-testid="stDataFrame"]')
    expect(tables).to_have_count(3)
    page.get_by_text("Vis hver rådgivers sagstal").click()
    settle(page)
    expect(tables).to_have_count(4)
    expect(page.get_by_text("Pseudonyme medarbejder-id'er.")).to_be_visible()


def test_personale_draws_each_section_when_its_tab_is_opened(app_url, page):
    page.goto(f"{app_url}/personale")
    expect(page.get_by_role("heading", name="Personale", level=1)).to_be_visible()
    settle(page)
    for label, chart in (
        ("Fratrådte efter årsag", "Vandret søjlediagram (antal)"),
        ("Anciennitet", "Søjlediagram (andel)"),
        ("Ansatte og årsværk pr. team og rolle", "Søjlediagram (ansatte)"),
    ):
        page.get_by_role("tab", name=label, exact=True).click()
        expect(page.get_by_role("tab", name=label, exact=True)).to_have_attribute("aria-selected", "true")
        expect(chart_with_label(page, chart).first).to_be_attached()
        settle(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        labels = [x for x in chart_labels(page) if x.startswith(chart)]
        assert labels and all("Periode: " in x and "fanen Tabel" in x for x in labels), chart_labels(page)
