"""Shared fixtures: small hand-written databases built by the same mi.db code the app uses."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import settings as hypothesis_settings

from mi import db, demo, ingest
from mi import settings as settings_mod
from mi.settings import ROOT, Settings

CATALOGUE_FILE = ROOT / "data" / "catalogue" / "measures.csv"

# Property tests run the same examples every time (derandomize: a failure in CI is a failure on every machine, no
# example database to carry between runs) and never fail on time (deadline None: these machines are shared).
# HYPOTHESIS_PROFILE=explore searches with fresh random examples instead.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The eight compliance KPIs (DOMAIN.md, "contract v2"), c1..c8 in order: written out here, once, for the tests that
# compare what the spec, the marts and the CLI give with them.
COMPLIANCE_KEYS = (
    "c1_notifications",
    "c2_assessed_24h_share",
    "c3_investigations_on_time_share",
    "c4_investigations_overdue",
    "c5_child_talk_share",
    "c6_plan_share",
    "c7_follow_up_share",
    "c8_supervision_share",
)


def read_catalogue() -> pl.DataFrame:
    return pl.read_csv(CATALOGUE_FILE, infer_schema=False)


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """A table as strings (like a CSV read): the database casts to the storage types of mi.db.RAW_SCHEMA.
    Columns left out of every row are null."""
    cols = [c for c, _ in db.RAW_SCHEMA[table]]
    return pl.DataFrame(
        {c: pl.Series([None if r.get(c) is None else str(r[c]) for r in rows], dtype=pl.Utf8) for c in cols}
    )


def row(columns: str, *values) -> dict:
    """A row of a table from its column names (space-separated) and their values in that order; the table's other
    columns are left out (null in `frame`). The one row builder: the builders below name their tables' columns."""
    return dict(zip(columns.split(), values, strict=True))


def measure(mid, child, code, start, end=None, provider="kommunal", cost=None, name=None) -> dict:
    """A row of the measures table, e.g. measure("M1", "B1", "KONSULENT", "2024-01-01", cost=6000)."""
    columns = "measure_id child_id measure_code start_on end_on provider_type monthly_cost_dkk provider_name"
    return row(columns, mid, child, code, start, end, provider, cost, name)


def case(cid, child, worker, opened, closed=None, team=None) -> dict:
    """A row of the cases table: a case of `child` held by caseworker `worker`."""
    return row(
        "case_id child_id caseworker_id opened_on closed_on team", cid, child, worker, opened, closed, team
    )


def employment(eid, role, team, fte, hired, left=None, reason=None) -> dict:
    """A row of the staff table: one employment (a rehire is another row with the same employee id)."""
    columns = "employee_id role team fte hired_on left_on leave_reason"
    return row(columns, eid, role, team, fte, hired, left, reason)


def payment(pid, posted, amount, measure=None, code=None) -> dict:
    """A row of the payments table: on a measure, or on a measure code without one (e.g. lost earnings)."""
    return row("payment_id posted_on amount_dkk measure_id measure_code", pid, posted, amount, measure, code)


def notification(nid, child, received, assessed=None, source=None) -> dict:
    """A row of the notifications table (contract v2): received_at/assessed_at a date or a date with a time."""
    return row(
        "notification_id child_id received_at assessed_at source", nid, child, received, assessed, source
    )


def investigation(iid, child, started, completed=None, talk=None) -> dict:
    """A row of the investigations table (contract v2); `talk`: the day of the talk with the child."""
    return row(
        "investigation_id child_id started_on completed_on child_talk_on",
        iid,
        child,
        started,
        completed,
        talk,
    )


def activity(aid, child, kind, done, measure=None) -> dict:
    """A row of the activities table (contract v2): a plan, a follow-up (opfoelgning) or a supervision (tilsyn)."""
    return row("activity_id child_id activity done_on measure_id", aid, child, kind, done, measure)


def build_db(settings: Settings | None = None, **tables: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory database from hand-written rows per table, e.g. build_db(measures=[{...}, ...]). A table
    passed counts as given to the import (int_input_presence), even with no rows: build_db(notifications=[])
    is a municipality that delivers notifications and had none; leaving it out is one that delivers none.
    Without `settings`, the defaults of data/settings.toml, as an import without a settings.toml reads them."""
    con = duckdb.connect()
    db.populate(
        con,
        {t: frame(t, rows) for t, rows in tables.items()},
        settings or settings_mod.load(),
        read_catalogue(),
        source="test",
        present=set(tables),
    )
    return con


def demo_db_file(tmp_path_factory, end_month: str, name: str = "demo") -> Path:
    """The demo municipality written for data through `end_month` and imported by the normal import into a database
    file in a temporary folder of the session (the AppTest and the browser tests each build one)."""
    folder = tmp_path_factory.mktemp(name)
    demo.write(folder, end_month=end_month)
    path = tmp_path_factory.mktemp(f"{name}-db") / "mi.duckdb"
    ingest.import_folder(folder, path)
    return path


def kpis(con: duckdb.DuckDBPyConnection, month: str) -> dict:
    """The mart_kpi_monthly row for YYYY-MM as a dict."""
    rows = db.query(
        con, "select * from mart_kpi_monthly where month = cast($m as date)", {"m": month + "-01"}
    )
    assert rows.height == 1, f"no KPI row for {month}"
    return rows.row(0, named=True)


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path, monkeypatch):
    """No test touches data/mi.duckdb: MI_DB points into the test's own folder. The schema stamp (cached per process)
    is computed afresh for each test: a test that patches the spec or the SQL folder, or an AppTest script thread
    still running after its test, must not leave a stamp that a later test writes into its database (a database
    whose stamp differs from a fresh process's is refused as built by an older version)."""
    db.schema_stamp.cache_clear()
    monkeypatch.setenv("MI_DB", str(tmp_path / "mi.duckdb"))
    yield
    db.schema_stamp.cache_clear()


@pytest.fixture
def repo_root() -> Path:
    return ROOT


os.environ.setdefault("MI_TEST", "1")
