"""What the demo's modules share: the day arithmetic on numpy day numbers, date columns, the random draws, the
council's policy ramp, ids, and the size of the demo municipality (mi.demo writes the v1 tables, mi.demo_compliance the case-handling tables)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

POPULATION_0_22 = (
    7_500  # aged 0–22 in one demo municipality (not in the data: the denominator of DOMAIN.md's rates)
)
POLICY_FROM = date(2020, 1, 1)  # the policy takes effect from here, fully from 2023
EPOCH = date(1970, 1, 1)
YEAR = 365.25


def day_number(d: date) -> int:
    return (d - EPOCH).days


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_start(months: np.ndarray) -> np.ndarray:
    return np.asarray(months).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def policy_ramp(days: np.ndarray) -> np.ndarray:
    """0 before the policy, rising to 1 over 2020–2022."""
    return np.clip((days - day_number(POLICY_FROM)) / (3 * YEAR), 0, 1)


def pseudo_ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    return prefix + pl.Series(numbers).cast(pl.Utf8).str.zfill(width)


def choose_by_weight(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One option per row of a (rows × options) weight matrix, by uniforms u."""
    cum = np.cumsum(weights, axis=1)
    return (u[:, None] * cum[:, -1:] > cum).sum(axis=1)


def stratified_uniforms(rng: np.random.Generator, n: int, block: int = 10) -> np.ndarray:
    """Uniforms whose every run of `block` consecutive draws has one in each tenth of (0, 1): arrivals come in
    time order, so any stretch of them gets the full spread of durations, ages and providers, and a small
    municipality's stocks stay near their means."""
    strata = np.argsort(rng.random((-(-n // block), block)), axis=1).ravel()[:n]
    return (strata + rng.random(n)) / block


def pick(rng: np.random.Generator, n: int, options: tuple, probs: list[float]) -> np.ndarray:
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(probs) / sum(probs))]


def date_column(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Day numbers as a date column; empty where not `valid`."""
    days = np.asarray(days)
    if valid is None:
        return pl.Series(days.astype(np.int32)).cast(pl.Date)
    return (
        pl.Series(np.where(valid, days, 0).astype(np.int32))
        .cast(pl.Date)
        .scatter(np.flatnonzero(~valid), None)
    )
