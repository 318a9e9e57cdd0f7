"""Smaller municipalities from a data folder, and how much the committee sees hidden (issues 16 and 18).

`python -m mi skjulte --data MAPPE [--del 6] --fra 2024-01 --til 2026-10` prints, for every figure of the five
focus points, in how many months the committee's pack hides it and its comparison with last year.

`shrink(src, dst, every)` keeps the children whose id hashes to 0 modulo `every` (zlib.crc32 of the id as UTF-8:
stable across runs and machines), with their cases, measures and payments, and with contract v2's notifications,
investigations and activities (an activity naming a measure only when that measure is kept: it is the child's);
budget, staff, pupils and the settings are copied as they are. A table the folder lacks stays missing. `every=6` gives a municipality of about a sixth of the demo's children, `every=20` a
twentieth (issue 16).
"""

from __future__ import annotations

import shutil
import zlib
from datetime import date
from pathlib import Path

import polars as pl

CHILD_TABLES = ("cases", "measures")
V2_CHILD_TABLES = ("notifications", "investigations")  # contract v2, optional: by the child
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
    for table in V2_CHILD_TABLES:
        if (src / f"{table}.csv").exists():
            rows = pl.read_csv(src / f"{table}.csv", infer_schema=False)
            rows.filter(pl.col("child_id").is_in(ids)).write_csv(dst / f"{table}.csv")
    if (src / "activities.csv").exists():
        rows = pl.read_csv(src / "activities.csv", infer_schema=False)
        measure = pl.col("measure_id")
        rows.filter(
            pl.col("child_id").is_in(ids) & (measure.is_null() | (measure == "") | measure.is_in(measures))
        ).write_csv(dst / "activities.csv")
    for name in COPIED:
        if (src / name).exists():
            shutil.copyfile(src / name, dst / name)
    return len(ids)


# ---- measured: how much the committee sees hidden (issue 18) ---------------------------------------------------


def months_between(start: date, end: date) -> list[date]:
    out, mo = [], date(start.year, start.month, 1)
    while mo <= end:
        out.append(mo)
        mo = date(mo.year + mo.month // 12, mo.month % 12 + 1, 1)
    return out


def hidden_table(con, start: date, end: date, role: str = "udvalg") -> tuple[pl.DataFrame, int]:
    """For every figure of the five focus points: in how many of the months start … end the committee's pack shows
    it hidden (`–` or `<5`), and its comparison with last year (last year's figure or the change) hidden; and the
    months with at least one hidden focus-point figure or comparison. Read from the packs as built for `role`."""
    from mi import pack  # noqa: PLC0415 - the pack reads the database; this module is also a test helper

    months = months_between(start, end)
    counts: dict[str, dict] = {}
    any_hidden = 0
    for mo in months:
        p = pack.build_pack(con, mo, role)
        hidden_here = False
        for fp in p.focus:
            for f in [fp.headline, *fp.extra]:
                row = counts.setdefault(
                    f.key, {"focus_point": fp.number, "figure": f.label, "value": 0, "comparison": 0}
                )
                value = isinstance(f.value, str)
                comparison = isinstance(f.prev_year, str) or isinstance(f.change_year, str)
                row["value"] += value
                row["comparison"] += comparison
                hidden_here = hidden_here or value or comparison
        any_hidden += hidden_here
    frame = pl.DataFrame(list(counts.values()))
    return frame.with_columns(pl.lit(len(months)).alias("months")), any_hidden


def table_text(frame: pl.DataFrame, any_hidden: int, title: str) -> str:
    n = frame["months"][0] if frame.height else 0
    lines = [title, "", "| fokuspunkt | nøgletal | skjult | sammenligning skjult |", "|---|---|---:|---:|"]
    for r in frame.iter_rows(named=True):
        lines.append(
            f"| {r['focus_point']} | {r['figure']} | {r['value']} af {n} | {r['comparison']} af {n} |"
        )
    lines += ["", f"Måneder med mindst ét skjult tal eller én skjult sammenligning: {any_hidden} af {n}"]
    return "\n".join(lines)
