"""Sagsbehandling's bar charts (mi.compliance._hbars) are plain Vega-Lite specs, checked against the schema here
once (not when the page runs): the national comparison (side by side by level, shares) and a unit chart (counts)."""

from __future__ import annotations

import polars as pl

from mi import charts, compliance


def test_national_comparison_spec():
    long = pl.DataFrame(
        {
            "Nøgletal": ["Handleplan", "Handleplan", "Børnesamtale", "Børnesamtale"],
            "share": [0.8, 0.75, None, 0.9],
            "Niveau": ["Kommunen", "Landsniveau", "Kommunen", "Landsniveau"],
        }
    )
    spec = compliance._hbars(long, "Nøgletal", "share", "share", "Niveau")
    charts.validate(spec)
    bar = spec  # one layer: the spec is the bar unit itself
    # the month's hidden share (None) is left out; the categories keep the frame's order; shares run 0–100 %
    assert len(bar["data"]["values"]) == 3
    assert bar["encoding"]["y"]["sort"] == ["Handleplan", "Børnesamtale"]
    assert bar["encoding"]["x"]["scale"] == {"domain": [0, 1]}
    assert bar["encoding"]["yOffset"]["field"] == "Niveau"
    # two categories × (2 × 22 + 8) px + 90 px for axis and legend
    assert spec["height"] == 90 + 2 * 52
    assert charts.describe(spec).startswith("Vandret søjlediagram (andel)")


def test_unit_chart_spec_counts():
    rows = pl.DataFrame({"Team": ["Nord", "Syd"], "c1_notifications": [12, 3]})
    spec = compliance._hbars(rows, "Team", "c1_notifications", "count")
    charts.validate(spec)
    bar = spec  # one layer: the spec is the bar unit itself
    assert bar["encoding"]["x"]["axis"] == {"format": ",d", "tickMinStep": 1}
    assert bar["mark"]["color"] == charts.PALETTE[0]
    assert spec["height"] == 90 + 2 * 30  # two teams × (22 + 8) px
