"""What the Udvalgsrapport screen (pages/udvalgsrapport.py) shows of the committee's pack: the Pack's rows
(placements, budget, revisions, definitions, a focus point's series) as Danish text, as the pack shows them (marks for
the committee). No arithmetic: the figures are the pack's (mi.pack, mi.figures)."""

from __future__ import annotations

import polars as pl

from mi import fmt


def pack_placements(p) -> pl.DataFrame:
    """Children by placement type now and a year earlier, as the pack shows them (marks for the committee)."""
    from mi import figures  # noqa: PLC0415

    return pl.DataFrame(
        [
            {
                "Anbringelsessted": r["label"],
                p.month_text.capitalize(): figures.value_text(r["n_month"], "count"),
                "Samme måned sidste år": figures.value_text(r["n_prev_year"], "count"),
                "Ændring": figures.change_text(r["change"], "count"),
            }
            for r in p.placements
        ]
    )


def pack_budget(p) -> pl.DataFrame:
    keys = ("budget_dkk", "actual_ytd_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk")
    rows = []
    for k in keys:
        f = p.figures[k]
        rows.append(
            {
                "Nøgletal": f.label,
                p.month_text.capitalize(): f.revision_text() if f.is_revised else f.text(),
                "Status": f.status_label if f.good != "none" else "",
            }
        )
    return pl.DataFrame(rows)


def pack_revisions(p) -> pl.DataFrame:
    from mi import figures  # noqa: PLC0415

    rows = []
    for r in p.revisions:
        old, new = figures.revision_texts(r["frozen"], r["current"], r["unit"])
        rows.append({"Nøgletal": r["label"], "Frosset": old, "I dag": new, "Note": "revideret"})
    return pl.DataFrame(
        rows, schema={"Nøgletal": pl.Utf8, "Frosset": pl.Utf8, "I dag": pl.Utf8, "Note": pl.Utf8}
    )


def definitions() -> pl.DataFrame:
    from mi import spec  # noqa: PLC0415

    return pl.DataFrame([{"Nøgletal": k.label, "Definition": k.definition} for k in spec.REGISTRY])


def pack_series(p, key: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The months behind one of the pack's charts: (for the downloads: month, figure, value — empty where the
    figure is hidden for the committee — and the value as shown; for the screen: the same as Danish text)."""
    part = p.series.filter(pl.col("kpi_key") == key).sort("month")
    frame = part.select(
        pl.col("month").alias("Måned"),
        pl.col("label").alias("Nøgletal"),
        pl.col("value").alias("Værdi"),
        pl.col("shown").alias("Vist som"),
    )
    shown = frame.select(
        fmt.texts(frame["Måned"], fmt.month_name),
        "Nøgletal",
        pl.col("Vist som").alias("Værdi"),
    )
    return frame, shown
