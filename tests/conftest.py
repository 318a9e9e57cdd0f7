"""Shared fixtures: small hand-written databases built by the same mi.db code the app uses."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import settings as hypothesis_settings

from mi import db
from mi import settings as settings_mod
from mi.settings import ROOT, Settings

CATALOGUE_FILE = ROOT / "data" / "catalogue" / "measures.csv"

# Property tests run the same examples every time (derandomize: a failure in CI is a failure on every machine, no
# example database to carry between runs) and never fail on time (deadline None: these machines are shared).
# HYPOTHESIS_PROFILE=explore searches with fresh random examples instead.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def read_catalogue() -> pl.DataFrame:
    return pl.read_csv(CATALOGUE_FILE, infer_schema=False)


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """A table as strings (like a CSV read): the database casts to the storage types of mi.db.RAW_SCHEMA.
    Columns left out of every row are null."""
    cols = [c for c, _ in db.RAW_SCHEMA[table]]
    return pl.DataFrame(
        {c: pl.Series([None if r.get(c) is None else str(r[c]) for r in rows], dtype=pl.Utf8) for c in cols}
    )


def measure(mid, child, code, start, end=None, provider="kommunal", cost=None, name=None) -> dict:
    """A row of the measures table (the one builder the tests share), e.g. measure("M1", "B1", "KONSULENT",
    "2024-01-01", cost=6000)."""
    return {
        "measure_id": mid,
        "child_id": child,
        "measure_code": code,
        "provider_type": provider,
        "provider_name": name,
        "start_on": start,
        "end_on": end,
        "monthly_cost_dkk": cost,
    }


def payment(pid, posted, amount, measure=None, code=None) -> dict:
    """A row of the payments table: on a measure, or on a measure code without one (e.g. lost earnings)."""
    return {
        "payment_id": pid,
        "posted_on": posted,
        "amount_dkk": amount,
        "measure_id": measure,
        "measure_code": code,
    }


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
