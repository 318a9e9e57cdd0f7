"""What the Overblik and Udvalgsrapport screens show of the month's pack (mi.pack.build_pack; the pages get it,
cached per month, role and data version, from mi.ui.pack). The pack's figures are already frozen and suppressed
for the committee."""

from __future__ import annotations

import polars as pl

from mi import figures

SECTIONS = (
    ("Indsatstrappens fem fokuspunkter", ("f1", "f2", "f3", "f4", "f5")),
    ("Økonomi", ("budget",)),
    ("Sagstal og personale", ("caseload", "staff")),
)
# the cards of Overblik: one per focus point's headline, then budget/forecast, caseload and turnover
CARD_KEYS = {
    "budget": ("forecast_dkk", "overspend_dkk", "actual_ytd_dkk"),
    "caseload": ("caseload_per_fte",),
    "staff": ("turnover_12m",),
}
# Overblik's line of compliance cards (roles that may see Sagsbehandling): Ankestyrelsen's headline measures
COMPLIANCE_CARDS = ("c3_investigations_on_time_share", "c6_plan_share", "c8_supervision_share")


def cards(p: figures.Pack) -> dict[str, list]:
    """Figures per section, in card order."""
    out: dict[str, list] = {}
    for fp in p.focus:
        out.setdefault(fp.code, []).append(fp.headline)
    for section, keys in CARD_KEYS.items():
        out[section] = [p.figures[k] for k in keys if k in p.figures]
    return out


def figures_table(p: figures.Pack) -> pl.DataFrame:
    """Every KPI of the month as the role sees it (suppressed and frozen for the committee), as shown text."""
    rows = [
        {
            "Nøgletal": f.label,
            "Værdi": f.text(),
            "Siden sidste måned": f.change_text("change_month"),
            "Siden samme måned sidste år": f.change_text("change_year"),
            "Status": f.status_label,
            "Frosset": "ja" if f.is_frozen else "nej",
            "Definition": f.definition,
        }
        for f in p.figures.values()
    ]
    return pl.DataFrame(rows)
