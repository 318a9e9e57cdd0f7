"""The pack's charts (Altair): a KPI's last months as a line, the overspend path against its target; PNG for the
PDF via vl-convert. The screens show the same charts (pages/udvalgsrapport.py, pages/oekonomi.py)."""

from __future__ import annotations

from datetime import date, datetime

import altair as alt
import polars as pl

from mi.charts import memo
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


def _base_config(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=11, titleFontSize=11, gridColor="#E5E5E5", domainColor="#999999")
        .configure_view(stroke=None)
        .configure_title(fontSize=13, anchor="start", font=FONT)
    )


@memo
def kpi_chart(
    series: pl.DataFrame,
    key: str,
    title: str | None = None,
    norm: tuple | None = None,
    min_count: int | None = None,
) -> alt.Chart:
    """The KPI's last months as a line; hidden or empty months leave a gap."""
    part = series.filter(pl.col("kpi_key") == key).sort("month")
    unit = part["unit"][0] if part.height else "count"
    top = max((abs(v) for v in part["value"].to_list() if v is not None), default=0)
    scale, axis_format = 1, _AXIS_FORMATS[unit]
    y_title = {
        "dkk": "mio. kr.",
        "share": "andel",
        "share2": "andel",
        "ratio": "sager pr. årsværk",
        "count": "antal",
    }[unit]
    if unit == "dkk":
        scale, y_title = (1_000_000, "mio. kr.") if top >= 2_000_000 else (1_000, "1.000 kr.")
        axis_format = ",.1f" if scale == 1_000_000 else ",d"
    elif unit in ("share", "share2"):
        axis_format = ".2%" if top < 0.02 else ".1%" if top < 0.2 else ".0%"
    # hidden or empty months are left out, and the line is broken there (a segment per run of shown months)
    # (year-to-date figures start again each January: the line breaks there too)
    ytd = is_ytd(key)
    data = part.with_columns(
        (pl.col("value") / scale).alias("y"),
        (
            pl.col("value").is_null().cum_sum().cast(pl.Utf8)
            + (pl.lit("-") + pl.col("month").dt.year().cast(pl.Utf8) if ytd else pl.lit(""))
        ).alias("segment"),
    ).filter(pl.col("y").is_not_null())
    x = alt.X(
        "month:T",
        title=None,
        axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=8),
        scale=alt.Scale(
            domain=[_records_date(part["month"].min()), _records_date(part["month"].max())]
            if part.height
            else alt.Undefined
        ),
    )
    y = alt.Y("y:Q", title=y_title, axis=alt.Axis(format=axis_format), scale=alt.Scale(zero=unit != "ratio"))
    base = alt.Chart(alt.Data(values=_records(data)))
    line = base.mark_line(color=BLUE, strokeWidth=2).encode(x=x, y=y, detail="segment:N")
    points = base.mark_point(color=BLUE, filled=True, size=28).encode(
        x=x, y=y, tooltip=[alt.Tooltip("month:T", format="%B %Y"), alt.Tooltip("shown:N", title="værdi")]
    )
    layers = [line, points]
    if data.height == 0:
        hidden = part["is_hidden"].any() if part.height else False
        note = (
            f"Ingen måneder kan vises (tallene bygger på under {min_count} børn)"
            if hidden and min_count
            else "Ingen tal i perioden"
        )
        layers = [
            alt.Chart(alt.Data(values=[{"t": note}])).mark_text(fontSize=12, color=GREY).encode(text="t:N")
        ]
    if norm is not None:
        band = (
            alt.Chart(alt.Data(values=[{"lo": norm[0], "hi": norm[1]}]))
            .mark_rect(color=GREEN, opacity=0.12)
            .encode(y="lo:Q", y2="hi:Q")
        )
        layers.insert(0, band)
    chart = alt.layer(*layers).properties(width=460, height=170)
    if title:
        chart = chart.properties(title=title)
    return chart


def _records_date(d: date) -> str:
    return d.isoformat()


def _records(frame: pl.DataFrame) -> list[dict]:
    out = []
    for r in frame.iter_rows(named=True):
        rec = {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in r.items()}
        out.append(rec)
    return out


@memo
def path_chart(path: pl.DataFrame) -> alt.Chart:
    """Overspend per year (bars; the current year is the forecast, lighter) against the target (black ticks);
    the legend names all three."""
    data = _records(
        path.with_columns(
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
    colour = alt.Scale(
        domain=["merforbrug (regnskab)", "forventet merforbrug", "mål"], range=[BLUE, SKY, "black"]
    )
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(width=26).encode(
        x=alt.X("år:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("over:Q", title="mio. kr.", axis=alt.Axis(format=",.1f")),
        color=alt.Color("kind:N", title=None, scale=colour, legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip("år:O", title="år"),
            alt.Tooltip("over:Q", title="merforbrug, mio. kr.", format=",.2f"),
        ],
    )
    target = base.mark_tick(thickness=3, size=34).encode(
        x="år:O",
        y="target:Q",
        color=alt.Color("mål:N", title=None, scale=colour, legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip("år:O", title="år"),
            alt.Tooltip("target:Q", title="mål, mio. kr.", format=",.2f"),
        ],
    )
    zero = alt.Chart(alt.Data(values=[{"z": 0}])).mark_rule(color="#999999").encode(y="z:Q")
    return alt.layer(bars, target, zero).properties(width=460, height=190)


def chart_png(chart: alt.Chart, scale: float = 2) -> bytes:
    import vl_convert as vlc  # noqa: PLC0415 - only the PDF needs it

    spec = _base_config(chart).to_dict()
    return vlc.vegalite_to_png(spec, scale=scale, format_locale="da-DK", time_format_locale="da-DK")


def charts(pack: Pack) -> dict[str, alt.Chart]:
    """The pack's charts by name (focus codes, 'path', 'caseload', 'turnover')."""
    mc = pack.min_count if pack.suppress else None
    out = {fp.code: kpi_chart(pack.series, fp.chart_key, min_count=mc) for fp in pack.focus}
    out["path"] = path_chart(pack.path)
    out["caseload"] = kpi_chart(pack.series, "caseload_per_fte", norm=pack.norm)
    out["turnover"] = kpi_chart(pack.series, "turnover_12m")
    return out
