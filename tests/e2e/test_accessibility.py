"""WCAG 2.1 AA in the running app (issue 16, item 8).

axe-core (axe-playwright-python) runs the WCAG 2.0/2.1 A and AA rules over every page of mi.auth.PAGES in every role
(pages added later are covered by the same loop), as that role sees the page: the role is chosen in the sidebar's
demo-mode picker, as a user would. What axe cannot judge is checked beside it: every chart has a text alternative
(its aria-label says what it shows and its period) and a table view; the navigation's icons are Material Symbols
(Streamlit ships the font; emoji show as empty boxes without an emoji font); and the app works by keyboard alone, with
the focus visible.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from mi import auth
from mi.settings import ROOT
from tests.e2e.conftest import choose, settle

pytestmark = pytest.mark.e2e

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CASES = [
    (role, p.slug)
    for role in auth.ROLES
    for p in auth.pages_for(role)
    if (ROOT / "pages" / f"{p.slug}.py").exists()
]
PRESET = "leder"  # the e2e server's MI_ROLE (tests/e2e/conftest.py)


def as_role(page: Page, url: str, role: str) -> None:
    """Open the app and choose the role in the sidebar's demo-mode picker (a new browser session starts as the
    server's preset role)."""
    page.goto(url)
    expect(page.get_by_role("heading", name="Overblik", level=1)).to_be_visible()
    settle(page)
    if role != PRESET:
        choose(page, "Demotilstand – vælg rolle", auth.ROLE_LABELS[role])
    nav = page.locator('[data-testid="stSidebarNav"]')
    # the navigation offers exactly the role's pages
    for p in auth.PAGES:
        if (ROOT / "pages" / f"{p.slug}.py").exists():
            expect(nav.get_by_text(p.title, exact=True)).to_have_count(1 if role in p.roles else 0)
    settle(page)


def open_page(page: Page, slug: str) -> None:
    title = auth.BY_SLUG[slug].title
    if page.get_by_role("heading", name=title, level=1).count() == 0:  # not the page already open
        page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


@pytest.mark.parametrize(("role", "slug"), CASES)
def test_axe_finds_no_wcag_aa_violation_and_every_chart_has_a_text_alternative(app_url, page, role, slug):
    as_role(page, app_url, role)
    open_page(page, slug)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, results.generate_report()
    # each chart: an aria-label that says what it shows and its period (ui.chart_with_table, charts.describe), not
    # Vega's default "Vega visualization", and a "Tabel" tab beside its "Graf" tab with the same figures as a table
    # (a chart inside a tab not shown, e.g. Sagsbehandling's "Rådgivere", is drawn when its tab is opened)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():
            continue
        label = chart.get_attribute("aria-label") or ""
        assert "diagram" in label and "Periode: " in label and "fanen Tabel" in label, label
        tabs = chart.evaluate(
            "e => [...(e.closest('[data-testid=\"stTabs\"]')?.querySelectorAll('[role=tab]') ?? [])]"
            ".map(t => t.innerText.trim())"
        )
        assert tabs == ["Graf", "Tabel"], (label, tabs)
    # the navigation's icons are Material Symbols, one per page of the role
    icons = page.locator('[data-testid="stSidebarNav"] [data-testid="stIconMaterial"]')
    expect(icons).to_have_count(len([c for c in CASES if c[0] == role]))


FOCUSED = """() => {
    const a = document.activeElement;
    const s = getComputedStyle(a);
    return {
        tag: a.tagName,
        role: a.getAttribute('role'),
        label: a.getAttribute('aria-label') || a.innerText || '',
        inNav: !!a.closest('[data-testid="stSidebarNav"]'),
        visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
    };
}"""


def tab_to(page: Page, wanted, key: str = "Tab", limit: int = 60) -> dict:
    """Press `key` until the focused element is the one wanted (a predicate on FOCUSED's dict); its dict."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError(f"{key} × {limit} did not reach the element")


def test_the_app_works_by_keyboard_alone_with_the_focus_visible(app_url, page):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Overblik", level=1)).to_be_visible()
    settle(page)
    # from the top of the page, Tab passes the skip link and the navigation on its way to the month picker: every
    # stop shows where the focus is
    seen = []

    def at_month(f):
        seen.append(f)
        return f["role"] == "combobox" and f["label"] == "Måned"

    tab_to(page, at_month)
    assert [f["label"] for f in seen if not f["visible"]] == []
    assert any(f["inNav"] for f in seen)
    # choose a month by typing it and Enter
    page.keyboard.type("oktober 2025")
    page.keyboard.press("Enter")
    settle(page)
    picker = page.get_by_role("combobox", name="Måned")
    expect(picker).to_have_value("oktober 2025")
    # back (Shift+Tab) to the navigation and open Økonomi with Enter
    link = tab_to(
        page,
        lambda f: f["inNav"] and f["label"].strip().endswith("Økonomi"),
        key="Shift+Tab",
    )
    assert link["visible"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Økonomi", level=1)).to_be_visible()
    settle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    # the month chosen by keyboard holds on the new page
    expect(picker).to_have_value("oktober 2025")
    # a chart's table view is reached by keyboard too: Tab to the first "Graf" tab, then the arrow key moves to "Tabel"
    tab_to(page, lambda f: f["role"] == "tab" and f["label"].strip() == "Graf")
    page.keyboard.press("ArrowRight")
    tab = page.evaluate(FOCUSED)
    assert tab["role"] == "tab" and tab["label"].strip() == "Tabel" and tab["visible"]
    expect(page.get_by_role("tab", name="Tabel", selected=True).first).to_be_visible()
