"""The demo municipality: deterministic, realistic input data in the data contract (DOMAIN.md).

`write(out_dir)` writes children, cases, measures, payments, budget, staff and pupils, and contract v2's
notifications, investigations and activities (mi.demo_compliance: volumes from Statistics Denmark's UND tables,
rates from Ankestyrelsen's Børnesagsbarometer), as UTF-8 comma-separated CSV (ISO dates, `.` decimals) plus a
settings.toml, for a fictional municipality like Albertslund (~27,000
inhabitants, ~7,500 aged 0–22, ~3,000 pupils) from January 2019 through `end_month`. `scale=K` writes K such
municipalities into one folder, ids prefixed with the municipality number (`K017-B000123`); municipality k has
its own random stream, so K001 is the same at every scale.

The story follows the seeds: the council's policy works partly from 2020 — fewer institution placements, more
network care, more family treatment in-house (Familiehuset), fewer pupils in school day-treatment, lower spending
on lost earnings — with seasonality (fewer starts in July and December), refunds, late corrections and staff
turnover. Magnitudes are from DOMAIN.md's "Realistic magnitudes".

How it is built, per municipality, is said in mi.demo_tables (the v1 tables) and mi.demo_compliance (contract v2's);
this module writes them (python -m mi demo) and builds the app's first database from them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from mi import db
from mi.demo_base import POPULATION_0_22 as POPULATION_0_22  # the tests' denominator of DOMAIN.md's rates
from mi.demo_codes import CODES, Calendar
from mi.demo_codes import DISTRICTS as DISTRICTS
from mi.demo_codes import LOST_EARNINGS_CAP_DKK as LOST_EARNINGS_CAP_DKK
from mi.demo_codes import TEAMS as TEAMS
from mi.demo_codes import default_end_month as default_end_month
from mi.demo_payments import budget_table, pupils_table
from mi.demo_tables import municipality_tables
from mi.ingest import import_folder
from mi.settings import ROOT

DEMO_DIR = ROOT / "data" / "demo"
CATALOGUE_FILE = ROOT / "data" / "catalogue" / "measures.csv"
TABLES = (
    "children",
    "cases",
    "measures",
    "payments",
    "budget",
    "staff",
    "pupils",
    "notifications",
    "investigations",
    "activities",
)
PER_MUNICIPALITY = (
    "children",
    "cases",
    "measures",
    "payments",
    "staff",
    "notifications",
    "investigations",
    "activities",
)


# --------------------------------------------------------------------------------------------- write


def write(
    out_dir: Path | str, seed: int = 2019, scale: int = 1, end_month: str | None = None
) -> dict[str, int]:
    """Write the demo data folder (one CSV a table and settings.toml); returns the rows written per table."""
    if scale < 1:
        raise ValueError("scale skal være mindst 1")
    cal = (
        Calendar.for_month(end_month, None)
        if end_month
        else Calendar.for_month(default_end_month(), date.today())
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    catalogue = pl.read_csv(CATALOGUE_FILE, infer_schema=False)
    missing = set(CODES) - set(catalogue["measure_code"])
    if missing:
        raise ValueError(f"koder mangler i kataloget: {sorted(missing)}")
    counts = dict.fromkeys(TABLES, 0)
    spend = []
    files = {t: open(out / f"{t}.csv", "wb") for t in PER_MUNICIPALITY}  # noqa: SIM115
    try:
        for no in range(1, scale + 1):
            frames = municipality_tables(no, seed, cal, catalogue)
            spend.append(frames.pop("spend"))
            for table, df in frames.items():
                df.write_csv(
                    files[table], include_header=no == 1, float_precision=2 if table != "staff" else None
                )
                counts[table] += df.height
    finally:
        for f in files.values():
            f.close()
    spend_all = pl.concat(spend).group_by("year", "budget_area").agg(pl.col("amount", "written").sum())
    budget = budget_table(spend_all, seed)
    pupils = pupils_table(cal, scale, seed)
    budget.write_csv(out / "budget.csv")
    pupils.write_csv(out / "pupils.csv")
    counts["budget"], counts["pupils"] = budget.height, pupils.height
    spent_2019 = spend_all.filter(pl.col("year") == 2019)["written"].sum()
    overspend = round(spent_2019 - budget.filter(pl.col("year") == 2019)["budget_dkk"].sum())
    (out / "settings.toml").write_text(
        "# Demo municipality: policy settings that override data/settings.toml\n\n"
        "[budget]\n"
        "baseline_year = 2019\n"
        f"baseline_overspend_dkk = {overspend}  # 2019 payments minus the 2019 budget\n",
        encoding="utf-8",
    )
    return counts


# --------------------------------------------------------------------------------------------- CLI and app start


def ensure_demo_db(progress: Callable[[float, str], None] | None = None) -> Path:
    """The database at mi.db.db_path(); when there is none, write the demo data to data/demo/ and import it
    through the normal import. `progress(fraction, text)` hears about each step."""
    step = progress or (lambda fraction, text: None)
    path = db.db_path()
    if path.exists():
        try:
            with db.connect(path) as con:
                current = db.is_current(con)
        except duckdb.Error as exc:
            raise ValueError(
                f"{path} er ikke en database fra dette program ({exc}); flyt filen, eller sæt MI_DB til en anden sti."
            ) from exc
        if not current:
            step(
                0.5, "Databasen er bygget af en ældre version: nøgletallene genopbygges fra dens egne data …"
            )
            db.refresh(path)
        step(1.0, "Databasen findes")
        return path
    step(0.0, "Skriver demokommunens data …")
    write(DEMO_DIR)
    step(0.5, "Indlæser demodata i databasen …")
    import_folder(DEMO_DIR, path)
    step(1.0, "Databasen er klar")
    return path
