"""The pack's charts as plain Vega-Lite dicts: a KPI's last months as a line, the overspend path against its target.
The screens show them in the app's look (mi.charts.finish: pages/udvalgsrapport.py, pages/oekonomi.py), the PDF as PNG via vl-convert
(`chart_png`, only when a PDF is asked for). A spec is filled with its rows and nothing else: no Altair objects are
built and no spec is checked against the Vega-Lite schema at run time (tests/mi/test_report.py checks every
shape of them once)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from mi.charts import enc, mark, memo, records
from mi.figures import Pack, is_ytd

# Okabe–Ito: safe for colour-blind readers; status is always written out as well.
BLUE, SKY, ORANGE, GREEN, VERMILLION, GREY = "#0072B2", "#56B4E9", "#E69F00", "#009E73", "#D55E00", "#7F7F7F"
STATUS_COLOURS = {
    "god": GREEN,
    "daarlig": VERMILLION,
    "neutral": GREY,
    "ingen": "#BBBBBB",
    "skjult": "#BBBBBB",
}

FONT = "Liberation Sans"
_AXIS_FORMATS = {"count": ",d", "share": ".0%", "share2": ".2%", "ratio": ",.1f", "dkk": ",.1f"}
_Y_TITLES = {
    "dkk": "mio. kr.",
    "share": "andel",
    "share2": "andel",
    "ratio": "sager pr. årsværk",
    "count": "antal",
}
WIDTH, HEIGHT = 460, 170

# the PDF's look (Liberation Sans: the font WeasyPrint sets the pack in)
PRINT_CONFIG = {
    "font": FONT,
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#E5E5E5", "domainColor": "#999999"},
    "view": {"stroke": None},
    "title": {"fontSize": 13, "anchor": "start", "font": FONT},
}


def _iso(v):
    return v.isoformat() if isinstance(v, date | datetime) else v


@memo
def kpi_chart(
    series: pl.DataFrame,
    key: str,
    title: str | None = None,
    norm: tuple | None = None,
    min_count: int | None = None,
) -> dict:
    """The KPI's last months as a line; hidden or empty months leave a gap."""
    part = series.filter(pl.col("kpi_key") == key).sort("month")
    unit = part["unit"][0] if part.height else "count"
    top = max((abs(v) for v in part["value"].to_list() if v is not None), default=0)
    scale, axis_format, y_title = 1, _AXIS_FORMATS[unit], _Y_TITLES[unit]
    if unit == "dkk":
        scale, y_title = (1_000_000, "mio. kr.") if top >= 2_000_000 else (1_000, "1.000 kr.")
        axis_format = ",.1f" if scale == 1_000_000 else ",d"
    elif unit in ("share", "share2"):
        axis_format = ".2%" if top < 0.02 else ".1%" if top < 0.2 else ".0%"
    # hidden or empty months are left out, and the line is broken there (a segment per run of shown months)
    # (year-to-date figures start again each January: the line breaks there too)
    ytd = is_ytd(key)
    data = part.select(
        "month",
        "shown",
        (pl.col("value") / scale).alias("y"),
        (
            pl.col("value").is_null().cum_sum().cast(pl.Utf8)
            + (pl.lit("-") + pl.col("month").dt.year().cast(pl.Utf8) if ytd else pl.lit(""))
        ).alias("segment"),
    ).filter(pl.col("y").is_not_null())
    x = enc("month", "temporal", title=None, axis={"format": "%b %y", "labelAngle": 0, "tickCount": 8})
    if part.height:
        x["scale"] = {"domain": [_iso(part["month"].min()), _iso(part["month"].max())]}
    y = enc("y", "quantitative", title=y_title, axis={"format": axis_format}, scale={"zero": unit != "ratio"})
    values = records(data)
    tooltip = [enc("month", "temporal", format="%B %Y"), enc("shown", "nominal", title="værdi")]
    layers = [
        mark(
            values, "line", {"x": x, "y": y, "detail": enc("segment", "nominal")}, color=BLUE, strokeWidth=2
        ),
        mark(values, "point", {"x": x, "y": y, "tooltip": tooltip}, color=BLUE, filled=True, size=28),
    ]
    if data.height == 0:
        hidden = part["is_hidden"].any() if part.height else False
        note = (
            f"Ingen måneder kan vises (tallene bygger på under {min_count} børn)"
            if hidden and min_count
            else "Ingen tal i perioden"
        )
        layers = [mark([{"t": note}], "text", {"text": enc("t", "nominal")}, fontSize=12, color=GREY)]
    if norm is not None:
        band = mark(
            [{"lo": norm[0], "hi": norm[1]}],
            "rect",
            {"y": enc("lo", "quantitative"), "y2": {"field": "hi"}},
            color=GREEN,
            opacity=0.12,
        )
        layers.insert(0, band)
    spec = {"layer": layers, "width": WIDTH, "height": HEIGHT}
    if title:
        spec["title"] = title
    return spec


@memo
def path_chart(path: pl.DataFrame) -> dict:
    """Overspend per year (bars; the current year is the forecast, lighter) against the target (black ticks);
    the legend names all three."""
    data = records(
        path.select(
            (pl.col("overspend_dkk") / 1e6).alias("over"),
            (pl.col("target_dkk") / 1e6).alias("target"),
            pl.col("year").cast(pl.Utf8).alias("år"),
            pl.when(pl.col("is_forecast"))
            .then(pl.lit("forventet merforbrug"))
            .otherwise(pl.lit("merforbrug (regnskab)"))
            .alias("kind"),
            pl.lit("mål").alias("mål"),
        )
    )
    colour = {
        "domain": ["merforbrug (regnskab)", "forventet merforbrug", "mål"],
        "range": [BLUE, SKY, "black"],
    }
    year = enc("år", "ordinal", title="år")
    legend = {"title": None, "scale": colour, "legend": {"orient": "top"}}
    bars = mark(
        data,
        "bar",
        {
            "x": enc("år", "ordinal", title=None, axis={"labelAngle": 0}),
            "y": enc("over", "quantitative", title="mio. kr.", axis={"format": ",.1f"}),
            "color": enc("kind", "nominal", **legend),
            "tooltip": [year, enc("over", "quantitative", title="merforbrug, mio. kr.", format=",.2f")],
        },
        width=26,
    )
    target = mark(
        data,
        "tick",
        {
            "x": enc("år", "ordinal"),
            "y": enc("target", "quantitative"),
            "color": enc("mål", "nominal", **legend),
            "tooltip": [year, enc("target", "quantitative", title="mål, mio. kr.", format=",.2f")],
        },
        thickness=3,
        size=34,
    )
    zero = mark([{"z": 0}], "rule", {"y": enc("z", "quantitative")}, color="#999999")
    return {"layer": [bars, target, zero], "width": WIDTH, "height": 190}


def chart_png(spec: dict, scale: float = 2) -> bytes:
    import vl_convert as vlc  # noqa: PLC0415 - only the PDF needs it

    return vlc.vegalite_to_png(
        {**spec, "config": PRINT_CONFIG}, scale=scale, format_locale="da-DK", time_format_locale="da-DK"
    )


def chart_keys(pack: Pack) -> list[str]:
    """The names of the pack's charts: the focus points' codes, 'path', 'caseload', 'turnover'."""
    return [fp.code for fp in pack.focus] + ["path", "caseload", "turnover"]


def chart(pack: Pack, name: str) -> dict:
    """One of the pack's charts by name (chart_keys), built when it is drawn."""
    if name == "path":
        return path_chart(pack.path)
    if name == "caseload":
        return kpi_chart(pack.series, "caseload_per_fte", norm=pack.norm)
    if name == "turnover":
        return kpi_chart(pack.series, "turnover_12m")
    fp = next(fp for fp in pack.focus if fp.code == name)
    return kpi_chart(pack.series, fp.chart_key, min_count=pack.min_count if pack.suppress else None)


def charts(pack: Pack) -> dict[str, dict]:
    """Every chart of the pack by name (the PDF draws them all)."""
    return {name: chart(pack, name) for name in chart_keys(pack)}
