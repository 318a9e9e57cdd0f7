"""More than one app process on one database file (issue 17.3): two `streamlit run app.py` servers over the same
file both serve it; an import while sessions run on both switches both to the new data version, with no error and
no page that shows two versions. Sessions are bench/load.py's clients (Streamlit's websocket protocol). Nothing here
asserts a time."""

from __future__ import annotations

import asyncio
import re
import shutil
from contextlib import ExitStack

import pytest

from bench import load
from mi import demo, ingest

from .conftest import END_MONTH

pytestmark = pytest.mark.e2e


def versions(step: load.Step) -> set[str]:
    """The data versions a page names (the sidebar's 'dataversion N' and every caption's '(dataversion N)')."""
    return set(re.findall(r"dataversion (\d+)", " ".join(step.captions)))


async def _sessions_during(urls: list[str], work, per_server: int = 2) -> list[load.Step]:
    """`per_server` sessions at a time on every server, each walking again and again until `work` (run in a thread)
    has finished; then the walks under way finish."""
    done = asyncio.Event()
    steps: list[load.Step] = []

    async def keep_walking(url: str) -> None:
        walks = 0
        while not done.is_set() or walks == 0:
            steps.extend(await load.committee_day(url))
            walks += 1

    async def do_work() -> None:
        try:
            await asyncio.to_thread(work)
        finally:
            done.set()

    await asyncio.gather(do_work(), *(keep_walking(u) for u in urls for _ in range(per_server)))
    return steps


def test_two_servers_on_one_file_switch_together_on_import(e2e_db, tmp_path):
    path = tmp_path / "mi.duckdb"
    shutil.copyfile(e2e_db, path)
    folder = tmp_path / "demo"
    demo.write(folder, end_month=END_MONTH)
    with ExitStack() as stack:
        urls = [stack.enter_context(load.serve(path, tmp_path / f"streamlit-{i}.log"))[0] for i in (1, 2)]

        # both serve the file: every page of a session on each shows data version 1, without errors
        for url in urls:
            before = load.run_sessions(url, 1)[0]
            assert [s.name for s in before] == list(load.STEPS)
            assert all(not s.failed and not s.error_boxes for s in before)
            assert all(versions(s) == {"1"} for s in before)

        # an import while sessions walk on both servers: no page errs, no page mixes the versions
        during = load.run_coroutine(_sessions_during(urls, lambda: ingest.import_folder(folder, path)))
        assert during, "no page ran during the import"
        assert [(s.name, s.status, s.exceptions) for s in during if s.failed] == []
        assert [s.name for s in during if len(versions(s)) != 1] == []

        # afterwards both serve the new data: every page of a new session on each shows data version 2
        for url in urls:
            after = load.run_sessions(url, 1)[0]
            assert all(not s.failed and not s.error_boxes for s in after)
            assert all(versions(s) == {"2"} for s in after)
