"""The compliance part of the pack (DOMAIN.md, "contract v2"): the eight figures c1–c8 of a Pack as the role sees them
(frozen and protected for the committee by mi.pack) beside the national level of Ankestyrelsen's Børnesagsbarometer.

The national level is data, not code: data/reference/boernesagsbarometer.csv (one row per KPI: share, year, what
Ankestyrelsen measures, source), editable by the municipality. mi.pdf and mi.excel write these rows as the pack's
section "Sagsbehandling"; the Sagsbehandling screen (mi.compliance) reads the same.
"""

from __future__ import annotations

import csv
import functools
from datetime import date

from mi import fmt, spec
from mi.figures import Pack, add_months
from mi.settings import ROOT

# the compliance KPIs (c1–c8), in spec order: adding one is one entry with section = "compliance" in mi/kpis.toml
C_KEYS: tuple[str, ...] = spec.section_keys("compliance")
# the KPIs counted over L12 (the 12 months ending with the month); the others on the month's last day (c1: in it)
L12_KEYS = ("c2_assessed_24h_share", "c3_investigations_on_time_share", "c5_child_talk_share")
REFERENCE_FILE = ROOT / "data" / "reference" / "boernesagsbarometer.csv"
NATIONAL_SOURCE_NOTE = "Landsniveau: Ankestyrelsens Børnesagsbarometer (årstal og kilde står ved hvert tal)."


@functools.cache
def national() -> dict[str, dict]:
    """The national level by KPI key: {"national_share", "year", "measure", "source"}."""
    with open(REFERENCE_FILE, encoding="utf-8") as fh:
        return {
            r["kpi_key"]: {**r, "national_share": float(r["national_share"]), "year": int(r["year"])}
            for r in csv.DictReader(fh)
        }


def period_text(key: str, month: date) -> str:
    """The period a KPI covers: the 12 months to the month (c2, c3, c5), the month (c1) or its last day."""
    if key in L12_KEYS:
        return f"12 måneder: {fmt.month_name(add_months(month, -11))} – {fmt.month_name(month)}"
    if key == "c1_notifications":
        return fmt.month_name(month)
    return f"ultimo {fmt.month_name(month)}"


def rows(p: Pack) -> list[dict]:
    """The pack's compliance figures with period and national level; [] when the data has none of them (a folder
    without the tables of contract v2: the pack is as before)."""
    figures = [p.figures[k] for k in C_KEYS if k in p.figures]
    if all(f.value is None for f in figures):
        return []
    ref = national()
    return [
        {
            "figure": f,
            "period": period_text(f.key, p.month),
            "national": ref.get(f.key, {}).get("national_share"),
            "national_year": ref.get(f.key, {}).get("year"),
            "source": ref.get(f.key, {}).get("source"),
        }
        for f in figures
    ]
