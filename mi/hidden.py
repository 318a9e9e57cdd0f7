"""Smaller municipalities from a data folder, for checking disclosure control where counts are small.

`shrink(src, dst, every)` keeps the children whose id hashes to 0 modulo `every` (zlib.crc32 of the id as UTF-8:
stable across runs and machines), with their cases, measures and payments; budget, staff, pupils and the settings
are copied as they are. `every=6` gives a municipality of about a sixth of the demo's children, `every=20` a
twentieth (issue 16).
"""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import polars as pl

CHILD_TABLES = ("cases", "measures")
COPIED = ("budget.csv", "staff.csv", "pupils.csv", "settings.toml")


def kept(child_id: str, every: int) -> bool:
    """Is the child in the smaller municipality: crc32 of its id ≡ 0 (mod every)."""
    return zlib.crc32(child_id.encode("utf-8")) % every == 0


def shrink(src: Path | str, dst: Path | str, every: int) -> int:
    """Write the smaller municipality of a CSV data folder (as mi.demo writes it) to `dst`; returns its children."""
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    children = pl.read_csv(src / "children.csv", infer_schema=False)
    ids = [c for c in children["child_id"].to_list() if kept(c, every)]
    children.filter(pl.col("child_id").is_in(ids)).write_csv(dst / "children.csv")
    for table in CHILD_TABLES:
        rows = pl.read_csv(src / f"{table}.csv", infer_schema=False)
        rows.filter(pl.col("child_id").is_in(ids)).write_csv(dst / f"{table}.csv")
    measures = pl.read_csv(dst / "measures.csv", infer_schema=False)["measure_id"].to_list()
    payments = pl.read_csv(src / "payments.csv", infer_schema=False)
    payments.filter(pl.col("child_id").is_in(ids) | pl.col("measure_id").is_in(measures)).write_csv(
        dst / "payments.csv"
    )
    for name in COPIED:
        if (src / name).exists():
            shutil.copyfile(src / name, dst / name)
    return len(ids)
