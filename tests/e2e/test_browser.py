"""The running app in chromium: every page of the navigation opens without an exception and shows its title; the
month picker changes a figure on Overblik; a CSV download arrives with the expected header."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mi import auth
from mi.settings import ROOT
from tests.e2e.conftest import pick_month, settle

pytestmark = pytest.mark.e2e

PAGES = [p for p in auth.pages_for("leder") if (ROOT / "pages" / f"{p.slug}.py").exists()]


@pytest.mark.parametrize("slug", [p.slug for p in PAGES])
def test_every_page_opens_without_an_exception(app_url, page, slug):
    title = auth.BY_SLUG[slug].title
    page.goto(f"{app_url}/{slug}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    # the sidebar offers every page of the role
    nav = page.locator('[data-testid="stSidebarNav"]')
    for p in PAGES:
        expect(nav.get_by_text(p.title, exact=True)).to_be_visible()


def test_pages_are_reached_through_the_navigation(app_url, page):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Overblik", level=1)).to_be_visible()
    for p in PAGES[1:]:
        page.locator('[data-testid="stSidebarNav"]').get_by_text(p.title, exact=True).click()
        expect(page.get_by_role("heading", name=p.title, level=1)).to_be_visible()
        settle(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def metric_value(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_month_picker_changes_a_figure_on_overblik(app_url, page):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Overblik", level=1)).to_be_visible()
    settle(page)
    label = "Forventet forbrug for året"
    before = metric_value(page, label)
    assert "mio. kr." in before
    picker = page.get_by_role("combobox", name="Måned")
    expect(picker).to_have_value("oktober 2026")
    pick_month(page, "oktober 2025")
    expect(picker).to_have_count(1)
    expect(picker).to_have_value("oktober 2025")
    expect(
        page.locator('[data-testid="stMetric"]')
        .filter(has_text=label)
        .first.locator('[data-testid="stMetricValue"]')
    ).not_to_have_text(before)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_first_session_after_start_keeps_the_month(cold_app_url, page):
    """The first user after a (re)start changes the month: the choice must hold. (It was lost while Streamlit ran
    that first session in its legacy `pages/` mode and gave the sidebar's widgets new ids after st.navigation.)"""
    page.goto(cold_app_url)
    expect(page.get_by_role("heading", name="Overblik", level=1)).to_be_visible()
    settle(page)
    pick_month(page, "oktober 2025")
    picker = page.get_by_role("combobox", name="Måned")
    expect(picker).to_have_count(1)
    expect(picker).to_have_value("oktober 2025")
    expect(page.get_by_text("oktober 2025").first).to_be_visible()


def test_a_csv_download_arrives_with_its_header(app_url, page, tmp_path):
    page.goto(f"{app_url}/sagstal")
    expect(page.get_by_role("heading", name="Sagstal", level=1)).to_be_visible()
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").first.click()
    download = info.value
    assert download.suggested_filename == "sagstal-udvikling-2026-10.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_bytes().decode("utf-8")
    header, first = text.splitlines()[:2]
    # UTF-8 with BOM, semicolons, Danish headings (as Danish Excel opens it)
    assert header == "\ufeffMåned;Enhed;Åbne sager;Årsværk (rådgivere);Sager pr. årsværk;I forhold til normen"
    assert first.startswith("2023-11-01;Hele afdelingen;")
