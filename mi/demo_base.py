"""What the demo's modules share: the day arithmetic on numpy day numbers, the council's policy ramp, ids, and the
size of the demo municipality (mi.demo writes the v1 tables, mi.demo_compliance the case-handling tables)."""

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


def _day(d: date) -> int:
    return (d - EPOCH).days


def _months(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(months: np.ndarray) -> np.ndarray:
    return np.asarray(months).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _ramp(days: np.ndarray) -> np.ndarray:
    """0 before the policy, rising to 1 over 2020–2022."""
    return np.clip((days - _day(POLICY_FROM)) / (3 * YEAR), 0, 1)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    return prefix + pl.Series(numbers).cast(pl.Utf8).str.zfill(width)
