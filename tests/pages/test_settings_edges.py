"""Issue 16.4: settings at the edges of their documented ranges still give pages that open. Before the ranges,
`norm_high = 1e28` or an overspend of 1e308 imported cleanly and then Overblik, Indsatstrappen, Økonomi and
Udvalgsrapport crashed for every role."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mi import demo, ingest
from mi.settings import ROOT
from tests.pages.conftest import END_MONTH, serve

EDGES = (
    "[budget]\nbaseline_year = 1990\nbaseline_overspend_dkk = 10000000000\nannual_reduction_dkk = -10000000000\n"
    "[privacy]\nmin_count = 100\n[caseload]\nnorm_low = 200\nnorm_high = 200\n"
)


@pytest.fixture
def edge_db(tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    demo.write(folder, end_month=END_MONTH)
    (folder / "settings.toml").write_text(EDGES, encoding="utf-8")
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(folder, path)  # within the ranges: imports
    yield from serve(path, monkeypatch)


@pytest.mark.parametrize("role", ["udvalg", "leder"])
def test_the_crashing_pages_open_at_the_edges_of_the_ranges(edge_db, monkeypatch, role):
    monkeypatch.setenv("MI_ROLE", role)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    for slug in ("overblik", "indsatstrappen", "oekonomi", "udvalgsrapport"):
        at.switch_page(f"pages/{slug}.py")
        at.run()
        assert not at.exception, (slug, at.exception)
        assert at.title[0].value  # the page drew itself
