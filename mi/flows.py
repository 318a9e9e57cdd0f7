"""The ladder's flows: children moving between the steps (sql/marts/mart_ladder_flows.sql), as a table and as a
Sankey diagram (plotly: Vega-Lite cannot draw one). Counts of children: shown to leaders and finance, not to the
committee (a flow of 1–4 children would follow from the committee's totals of moves up and down)."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from mi import db, fmt
from mi.charts import FONT, PALETTE
from mi.figures import add_months

# the steps' short names, for the flows and for mi.ladder's legends and column headers (mi.ladder reads them here: it
# reads the pack, which reads this module)
STEP_SHORT = {
    1: "1. Almenområdet",
    2: "2. Forebyggende",
    3: "3. I hjemmet",
    4: "4. Netværkspleje",
    5: "5. Plejefamilie",
    6: "6. Institution",
}

OFF = "Ikke på trappen"
# links by direction (Okabe–Ito, see-through): up the ladder vermillion, down bluish green, on or off it grey; the
# direction is in the table and the hover text as well (not colour alone)
LINK_COLOURS = {
    "op": "rgba(213, 94, 0, 0.45)",
    "ned": "rgba(0, 158, 115, 0.45)",
    "ind på trappen": "rgba(110, 110, 110, 0.3)",
    "ud af trappen": "rgba(110, 110, 110, 0.3)",
}
MONTHS = 12


def first_month(month: date, months: int = MONTHS) -> date:
    return add_months(month, -(months - 1))


def period_text(month: date, months: int = MONTHS) -> str:
    return f"{fmt.month_name(first_month(month, months))} – {fmt.month_name(month)}"


def step_text(step: int) -> str:
    return STEP_SHORT.get(step, OFF)


def flows(
    con: duckdb.DuckDBPyConnection, month: date, months: int = MONTHS, *, new_and_off: bool = True
) -> pl.DataFrame:
    """The moves between steps in the `months` months to `month`, summed (a child who moved twice counts twice):
    Fra trin, Til trin, Retning, Børn (biggest first). `new_and_off`: with the children who came onto the ladder or
    left it (else only moves from one step to another)."""
    rows = db.query(
        con,
        """select step_before, step_now, sum(n_children) as n_children
           from mart_ladder_flows
           where month between $first and $m and ($all or (step_before > 0 and step_now > 0))
           group by all order by n_children desc, step_before, step_now""",
        {"first": first_month(month, months), "m": month, "all": new_and_off},
    )
    return pl.DataFrame(
        {
            "Fra trin": [step_text(s) for s in rows["step_before"]],
            "Til trin": [step_text(s) for s in rows["step_now"]],
            "Retning": [
                "ind på trappen" if b == 0 else "ud af trappen" if n == 0 else "op" if n > b else "ned"
                for b, n in zip(rows["step_before"], rows["step_now"], strict=True)
            ],
            "Børn": rows["n_children"].cast(pl.Int64),
        },
        schema={"Fra trin": pl.Utf8, "Til trin": pl.Utf8, "Retning": pl.Utf8, "Børn": pl.Int64},
    )


def sankey(frame: pl.DataFrame, title: str):
    """The flows as a Sankey (a plotly Figure): the steps before on the left, after on the right."""
    import plotly.graph_objects as go  # noqa: PLC0415 - only the screen draws it

    left = [OFF, *STEP_SHORT.values()]
    labels = [f"{s} (før)" for s in left] + [f"{s} (efter)" for s in left]
    index = {s: i for i, s in enumerate(left)}
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(left))]
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={"label": labels, "color": colours * 2, "pad": 14, "thickness": 16},
            link={
                "source": [index[s] for s in frame["Fra trin"]],
                "target": [len(left) + index[s] for s in frame["Til trin"]],
                "value": frame["Børn"].to_list(),
                "customdata": frame["Retning"].to_list(),
                "color": [LINK_COLOURS[d] for d in frame["Retning"]],
                "hovertemplate": "%{source.label} → %{target.label}: %{value} børn (%{customdata})<extra></extra>",
            },
        )
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        font={"family": FONT, "size": 12},
        height=460,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        separators=",.",
    )
    return fig
