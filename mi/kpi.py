"""The reads of the KPIs that screens, pack and CLI share: a month's values (as `python -m mi kpis` prints them),
cards with status, series, the data's range and whether a month has ended in it.

What each KPI means is the spec (mi/kpis.toml, read by mi.spec); values are computed in SQL
(sql/marts/mart_kpi_monthly.sql), their long form, changes and status too (mart_kpi_values, mart_kpi_judged,
mart_kpi_status).
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from mi import contract, db, spec

# ---- reads -------------------------------------------------------------------------------------------


def data_range(con: duckdb.DuckDBPyConnection) -> dict | None:
    rows = db.query(con, "select * from int_data_range")
    return rows.row(0, named=True) if rows.height else None


def unfinished(con: duckdb.DuckDBPyConnection, month: date) -> date | None:
    """The data's "data as of" date when the month has not ended by it (its figures may still move), else None."""
    row = db.query(
        con,
        "select r.data_as_of from int_month_spine as s, int_data_range as r "
        "where s.month = $m and s.month_end > r.data_as_of",
        {"m": month},
    )
    return row.item() if row.height else None


def months(con: duckdb.DuckDBPyConnection) -> list[date]:
    return db.query(con, "select month from int_month_spine order by month")["month"].to_list()


def parse_month(text: str) -> date:
    """'YYYY-MM' → the month's first day; ValueError with a Danish message otherwise."""
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"Måneden skal skrives ÅÅÅÅ-MM, fx 2024-06 (fik {contract.mask(text)!r}).") from None


def values(con: duckdb.DuckDBPyConnection, month: date) -> dict:
    """The KPI values for a month, keyed exactly as `python -m mi kpis` prints them. ValueError when the
    month is outside the data."""
    rows = db.query(con, "select * from mart_kpi_monthly where month = $m", {"m": month})
    if rows.height == 0:
        rng = data_range(con)
        span = f"{rng['first_month']:%Y-%m} til {rng['last_month']:%Y-%m}" if rng else "ingen måneder"
        raise ValueError(f"{month:%Y-%m} ligger uden for data (data dækker {span}).")
    row = rows.row(0, named=True)
    out: dict = {"month": f"{month:%Y-%m}"}
    for kpi in spec.REGISTRY:
        v = row[kpi.key]
        if v is not None and kpi.unit == "dkk":
            v = round(float(v), 2)
        elif v is not None and kpi.unit == "count":
            v = int(v)
        out[kpi.key] = v
    return out


def cards(con: duckdb.DuckDBPyConnection, month: date, keys: list[str] | None = None) -> pl.DataFrame:
    """One row per KPI for the month: value, changes, status and status label, with the registry's texts."""
    rows = db.query(
        con,
        "select * from mart_kpi_status where month = $m order by sort_order",
        {"m": month},
    )
    return rows.filter(pl.col("kpi_key").is_in(keys)) if keys else rows


def series(con: duckdb.DuckDBPyConnection, keys: list[str], until: date) -> pl.DataFrame:
    """Monthly values of the KPIs up to and including `until` (long: month, kpi_key, value)."""
    return db.query(
        con,
        "select month, kpi_key, value from mart_kpi_values where kpi_key in (select unnest($k)) "
        "and month <= $m order by month",
        {"k": keys, "m": until},
    )


# ---- CLI ---------------------------------------------------------------------------------------------
