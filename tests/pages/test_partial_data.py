"""A municipality that exports only part of the contract: every page opens in every role, and says what is missing.

The demo folder is written once; each variant leaves out one optional table (mi.ingest.OPTIONAL_TABLES), and
"kun sagssystem" is what a case system alone exports: children, cases and measures, without prices (no
monthly_cost_dkk), and no payments, budget, staff or pupils. Each variant is imported once for the module; every page
of every role then runs through app.py (AppTest) on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import streamlit as st

from mi import auth, demo, economy, ingest
from mi.settings import ROOT
from tests.pages.conftest import END_MONTH, MONTH, run_app

# the variants: name → the tables left out of the folder
VARIANTS: dict[str, tuple[str, ...]] = {f"uden-{t}": (t,) for t in ingest.OPTIONAL_TABLES} | {
    "kun-sagssystem": ("payments", "budget", "staff", "pupils"),
}
# the optional tables each page's figures come from: the page must say when one of them is missing (children feeds
# no figure; the Data page names every table the data lacks)
NEEDS: dict[str, set[str]] = {
    "overblik": {"payments", "budget", "staff", "pupils"},
    "indsatstrappen": {"payments", "pupils"},
    "oekonomi": {"payments", "budget"},
    "sagstal": {"staff"},
    "personale": {"staff"},
    "udvalgsrapport": {"payments", "budget", "staff", "pupils"},
    "data": set(ingest.OPTIONAL_TABLES),
}
CASES = [
    (variant, role, p.slug)
    for variant in VARIANTS
    for role in auth.ROLES
    for p in auth.pages_for(role)
    if (ROOT / "pages" / f"{p.slug}.py").exists()
]


@pytest.fixture(scope="module")
def partial_dbs(tmp_path_factory) -> dict[str, Path]:
    full = tmp_path_factory.mktemp("partial-demo")
    demo.write(full, end_month=END_MONTH)
    out = {}
    for variant, left_out in VARIANTS.items():
        folder = tmp_path_factory.mktemp(f"partial-{variant}")
        for f in full.iterdir():
            if f.stem not in left_out:
                shutil.copy(f, folder / f.name)
        if variant == "kun-sagssystem":
            measures = pl.read_csv(folder / "measures.csv", infer_schema=False)
            measures.drop("monthly_cost_dkk").write_csv(folder / "measures.csv")
        issues = ingest.validate_folder(folder)
        # each table left out is one warning, never an error
        assert not [i for i in issues if i.is_error]
        assert {i.file for i in issues if "filen mangler" in i.message} == {f"{t}.csv" for t in left_out}
        path = tmp_path_factory.mktemp(f"partial-db-{variant}") / "mi.duckdb"
        ingest.import_folder(folder, path)
        out[variant] = path
    return out


@pytest.fixture
def partial_db(partial_dbs, request, monkeypatch):
    def use(variant: str) -> None:
        monkeypatch.setenv("MI_DB", str(partial_dbs[variant]))
        st.cache_data.clear()
        st.cache_resource.clear()

    yield use
    st.cache_data.clear()
    st.cache_resource.clear()


def sentences(at) -> list[str]:
    return [i.value for i in at.info if str(i.value).startswith("Data mangler:")]


@pytest.mark.parametrize(("variant", "role", "slug"), CASES)
def test_every_page_opens_in_every_role_and_says_what_is_missing(
    partial_db, monkeypatch, variant, role, slug
):
    partial_db(variant)
    monkeypatch.setenv("MI_ROLE", role)
    at = run_app(role, slug)
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == [auth.BY_SLUG[slug].title]
    # the month shown is the demo's last complete month, also without payments (the extract's clock): not a month
    # years ahead that a planned end of a placement would give
    assert at.sidebar.selectbox(key="_month").value == MONTH
    said = sentences(at)
    expected = sorted(set(VARIANTS[variant]) & NEEDS.get(slug, set()))
    if slug in NEEDS:
        # one sentence per missing table the page needs, naming the table; none for the others
        assert len(said) == len(expected), said
        for table, text in zip(expected, sorted(said, key=lambda s: s.split("(tabellen ")[1]), strict=True):
            assert f"(tabellen {table})" in text
            assert ingest.WITHOUT[table] in text


def test_oekonomi_without_budget_and_prices_says_there_is_nothing_to_draw(partial_db, monkeypatch):
    # The case system alone: no budget and no measure with a price, so no area has a budget or a forecast. The
    # waterfall from budget to forecast has no rows (it raised TypeError: min() over empty ends); the page says so.
    partial_db("kun-sagssystem")
    monkeypatch.setenv("MI_ROLE", "oekonomi")
    at = run_app("oekonomi", "oekonomi")
    assert not at.exception
    # the forecast is a tab drawn when opened (issue 17.2): open it
    (label,) = [t.label for t in at.tabs if t.label.endswith("Forventet forbrug for året")]
    at.session_state[economy.SECTION_KEY] = label
    at.run()
    assert not at.exception
    # the forecast section ran: its explanation, the waterfall's "nothing to draw" and the empty list of the
    # largest commitments
    assert any(md.value.startswith("Forventet forbrug = forbrug år til dato") for md in at.markdown)
    infos = [i.value for i in at.info]
    assert "Ingen tal i perioden." in infos and "Ingen rækker i perioden." in infos
    said = sentences(at)
    assert any("(tabellen budget)" in s for s in said) and any("(tabellen payments)" in s for s in said)


def test_a_full_folder_shows_no_missing_data_sentence(app_db, monkeypatch):
    monkeypatch.setenv("MI_ROLE", "leder")
    for p in auth.pages_for("leder"):
        if (ROOT / "pages" / f"{p.slug}.py").exists():
            at = run_app("leder", p.slug)
            assert not at.exception
            assert sentences(at) == [], p.slug
