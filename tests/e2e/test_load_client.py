"""The load test's client (bench/load.py) against a real `streamlit run app.py` over the small demo database: one
session walks the committee day's path without an error, so the client of `make bench` cannot rot unnoticed. Nothing
here asserts a time."""

from __future__ import annotations

import pytest

from bench import load

pytestmark = pytest.mark.e2e


def test_one_session_walks_the_committee_day_without_errors(e2e_db, tmp_path):
    with load.serve(e2e_db, tmp_path / "streamlit.log") as (url, _pid):
        steps = load.run_sessions(url, 1)[0]
    assert [s.name for s in steps] == list(load.STEPS)
    for s in steps:
        assert s.status == "ok", (s.name, s.status)
        assert s.exceptions == [], (s.name, s.exceptions)
        assert s.error_boxes == [], (s.name, s.error_boxes)
        assert s.seconds is not None and s.bytes > 0
    overblik, month, oekonomi, filtered, udvalg = steps
    # the right page each time (its first heading) ...
    assert overblik.headings[0] == "Overblik"
    assert oekonomi.headings[0] == "Økonomi"
    assert udvalg.headings[0] == "Udvalgsrapport"
    # ... the month changed from the newest complete month (END_MONTH 2026-10 of the demo) to the one before and
    # kept on the pages after (the server does not echo a value the client set: the pages' texts say it)
    assert any("oktober 2026" in t for t in overblik.texts)
    assert not any("september 2026" in t for t in overblik.texts)
    for s in (month, oekonomi, filtered, udvalg):
        assert any("september 2026" in t for t in s.texts), s.name
        assert not any("oktober 2026" in t for t in s.texts), s.name
    # ... and the filter on the type of measure drawn: Økonomi says the budget follows only the area filter
    assert not any(t.startswith("Budgettet findes pr. budgetområde") for t in oekonomi.texts)
    assert any(t.startswith("Budgettet findes pr. budgetområde") for t in filtered.texts)
    # every page says which data version it shows (the sidebar's caption)
    assert all("dataversion 1" in s.captions[0] for s in steps)


def test_summary_counts_errors_and_quantiles():
    ok = [load.Step(name, seconds=t) for name, t in zip(load.STEPS, (1.0, 2.0, 3.0, 4.0, 5.0), strict=True)]
    broken = [load.Step("overblik", seconds=0.5, exceptions=["KeyError: 'x'"])]
    r = load.summarise(2, [ok, broken], wall_s=10, client_cpu_s=1, server={})
    # times of the 5 good pages 1..5 s (the failed page is an error, not a time): median 3; p95 by linear
    # interpolation 1 + 0,95·(5−1) = 4,8; max 5
    assert (r["p50_s"], r["p95_s"], r["max_s"]) == (3.0, 4.8, 5.0)
    assert (r["errors"], r["sessions_complete"], r["pages"]) == (1, 1, 6)
