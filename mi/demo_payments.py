"""The demo's payments (one posting per measure-month, refunds, late corrections), the budget set from them,
and the pupils of the whole folder."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from mi.demo_base import date_column, day_number, month_index, month_start, pseudo_ids
from mi.demo_codes import CODES, LOST_EARNINGS_CAP_DKK, PROVIDER_ROWS, PUPILS, Calendar

# --------------------------------------------------------------------------------------------- payments


def payments_table(
    rng: np.random.Generator, cal: Calendar, m: dict, measures: pl.DataFrame, catalogue: pl.DataFrame, k: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One posting per measure-month (amount = monthly cost × active-days share), refunds and late corrections;
    postings after the extract date are left out. Also returns the spend by year and budget area, of the full
    years (for the budget) and as written."""
    has = np.flatnonzero(m["cost"] > 0)
    last = day_number(date(cal.end_year, 12, 31))
    m0 = month_index(np.maximum(m["start"][has], cal.start))
    m1 = month_index(np.minimum(m["end"][has], last))
    n = np.maximum(0, m1 - m0 + 1)
    row = np.repeat(has, n)
    month = np.repeat(m0, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    first, nxt = month_start(month), month_start(month + 1)
    a, b = np.maximum(m["start"][row], first), np.minimum(m["end"][row], nxt - 1)
    code = np.array(CODES)[m["code"][row]]
    lost = code == "TABT_ARBEJDSFORTJENESTE"
    amount = m["cost"][row] * (b - a + 1) / (nxt - first)
    noisy = lost | (rng.random(row.size) < 0.1)  # hours and extras vary month to month
    amount = np.where(noisy, amount * rng.uniform(0.85, 1.1, row.size), amount)
    amount = np.where(lost, np.minimum(amount, LOST_EARNINGS_CAP_DKK), amount)
    # private providers invoice after the month; the rest is paid within the month
    private = np.array([r[1] == "privat" for r in PROVIDER_ROWS])[m["prov"][row]]
    after = rng.random(row.size) < np.where(private, 0.7, 0.15)
    posted = np.where(
        after, nxt + rng.integers(0, 20, row.size), a + (rng.random(row.size) * (b - a + 1)).astype(np.int64)
    )
    kind = np.zeros(row.size, np.int8)
    # refunds (negative) and late corrections weeks after the month
    ref = np.flatnonzero(rng.random(row.size) < 0.012)
    cor = np.flatnonzero(rng.random(row.size) < 0.025)
    sign = np.where(rng.random(cor.size) < 0.7, 1, -1)
    row = np.concatenate([row, row[ref], row[cor]])
    month = np.concatenate([month, month[ref], month[cor]])
    posted = np.concatenate(
        [posted, nxt[ref] + rng.integers(20, 120, ref.size), nxt[cor] + rng.integers(21, 75, cor.size)]
    )
    amount = np.concatenate(
        [
            amount,
            -amount[ref] * rng.uniform(0.1, 1, ref.size),
            sign * amount[cor] * rng.uniform(0.02, 0.25, cor.size),
        ]
    )
    kind = np.concatenate([kind, np.full(ref.size, 1, np.int8), np.full(cor.size, 2, np.int8)])
    amount = np.round(amount, 2)
    code = np.array(CODES)[m["code"][row]]

    area = dict(zip(catalogue["measure_code"], catalogue["budget_area"], strict=True))
    year = month_index(posted) // 12 + 1970
    keep = posted <= cal.as_of
    spend = (
        pl.DataFrame(
            {
                "year": year,
                "budget_area": np.array([area[c] for c in CODES])[m["code"][row]],
                "amount": amount,
                "written": np.where(keep, amount, 0),
            }
        )
        .filter(pl.col("year") <= cal.end_year)
        .group_by("year", "budget_area")
        .agg(pl.col("amount", "written").sum())
    )

    order = np.lexsort((kind[keep], row[keep], posted[keep]))
    row, month, posted, amount, kind, code = (
        x[keep][order] for x in (row, month, posted, amount, kind, code)
    )
    # lost earnings and half the extra costs are paid by code only (no measure id); a third of the rest carry no code
    by_code = rng.random(row.size) < np.where(
        code == "TABT_ARBEJDSFORTJENESTE", 0.85, np.where(code == "MERUDGIFTER", 0.5, 0)
    )
    no_code = ~by_code & (rng.random(row.size) < 0.3)
    account = dict(zip(catalogue["measure_code"], catalogue["account_function"], strict=True))
    label = pl.Series(["Betaling", "Tilbagebetaling", "Efterregulering"])[kind]
    ym = pl.Series(month_start(month).astype("datetime64[D]").astype("datetime64[M]").astype(str))
    idx = pl.Series(row)
    payments = pl.DataFrame(
        {
            "payment_id": pseudo_ids(k + "P", np.arange(1, row.size + 1), 7),
            "posted_on": date_column(posted),
            "amount_dkk": amount,
            "measure_id": measures["measure_id"].gather(idx).scatter(np.flatnonzero(by_code), None),
            "measure_code": pl.Series(code).scatter(np.flatnonzero(no_code), None),
            "account": pl.Series(code).replace_strict(account),
            "child_id": measures["child_id"].gather(idx),
            "provider_name": measures["provider_name"].gather(idx),
            "description": label + " " + ym,
        }
    )
    return payments, spend


# --------------------------------------------------------------------------------------------- budget, pupils


def budget_table(spend: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Budget a year and area: the year's spend minus an overspend of ~8 % in 2019, falling ~0.9 points a year
    (the target is 2 mio. kr. a year) with noise; mostly on placements."""
    rng = np.random.default_rng([seed, 0])
    total = spend.group_by("year").agg(pl.col("amount").sum()).sort("year")
    years = total["year"].to_numpy()
    rate = np.maximum(0.01, 0.08 - 0.009 * (years - 2019) + rng.normal(0, 0.004, years.size))
    rate[years == 2019] = 0.08
    over = dict(zip(years.tolist(), (total["amount"].to_numpy() * rate).tolist(), strict=True))
    share = {"Anbringelser": 0.65, "Forebyggende foranstaltninger": 0.15, "Handicapkompensation": 0.2}
    return (
        spend.sort("year", "budget_area")
        .with_columns(
            (
                (
                    pl.col("amount")
                    - pl.col("year").replace_strict(over) * pl.col("budget_area").replace_strict(share)
                )
                / 1000
            )
            .round(0)
            .cast(pl.Int64)
            .mul(1000)
            .alias("budget_dkk")
        )
        .select(pl.col("year").cast(pl.Int64), "budget_area", "budget_dkk")
    )


def pupils_table(cal: Calendar, scale: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng([seed, 0, 1])
    last = cal.end_year - (cal.end < day_number(date(cal.end_year, 8, 1)))
    starts = np.arange(2018, last + 1)
    n = PUPILS * scale * (1 + 0.004 * (starts - 2018) + rng.normal(0, 0.008, starts.size))
    return pl.DataFrame(
        {"school_year": [f"{y}/{(y + 1) % 100:02d}" for y in starts], "pupils": np.round(n).astype(np.int64)}
    )
