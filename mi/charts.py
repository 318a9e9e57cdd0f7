"""Charts as plain Vega-Lite specs (dicts), with Danish number and month formats and a colour-blind-safe palette
(Okabe–Ito). Every builder takes a polars frame whose numbers come from a mart; nothing is computed here.

A page draws a spec with `mi.ui.chart_with_table` (which gives it its text alternative, `describe`, and its table
view). The specs are plain data: nothing is checked against the Vega-Lite schema when a page runs (Altair did that
at every `to_dict`, tens of milliseconds a chart); the tests check every builder's spec against the schema once
(`validate`, tests/mi/test_chart_specs.py).

The small API, for builders elsewhere (mi.economy, mi.staff, mi.pack_charts, …):

- `records(frame, *columns)`: the rows as JSON-ready dicts (dates as ISO text), column-wise, no per-cell Python.
- `enc(field, kind, **props)`: one encoding channel, e.g. `enc("month", "temporal", title=None)`.
- `mark(frame_or_rows, kind, encoding, **mark_props)`: one layer: its rows, mark and encoding.
- `finish(spec_or_layers, height)`: the common look (Danish locale, font, colours of axis and legend text, full
  width); a list of units becomes a layered chart. Returns a new top-level spec.
- `band_layer(limits, channel)`: a light green band (a norm) behind other layers.
- `lines`, `bars`, `ladder`: the common charts. `describe(spec)`: the chart's text alternative in Danish.
- `validate(spec)`: raises when a spec breaks the Vega-Lite schema (for the tests only).

A finished spec is shared (builders' results may be kept by mi.ui.view): callers must not change it;
`mi.ui.vega_spec` hands Streamlit a copy of what Streamlit changes.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import Any

import polars as pl

from mi import fmt

Spec = dict[str, Any]

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BLUE, ORANGE, GREEN, PINK, SKY, RED = PALETTE[:6]
GREY = "#6E6E6E"
# axis and legend text (Streamlit's chart theme draws it light grey, about 3:1 on white): 12,6:1 (WCAG 1.4.3)
TEXT = "#333333"
FONT = "Source Sans Pro, Arial, sans-serif"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

DANISH = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]},
    "time": {
        "dateTime": "%A den %d %B %Y %X",
        "date": "%d-%m-%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
        "months": list(fmt.MONTHS),
        "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
}
# the common look of every chart (the top-level "config" of a finished spec)
CONFIG = {
    "font": FONT,
    "locale": DANISH,
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "labelColor": TEXT,
        "titleColor": TEXT,
        "gridColor": "#E5E5E5",
        "domainColor": "#999999",
    },
    "legend": {
        "orient": "top",
        "labelFontSize": 12,
        "labelColor": TEXT,
        "labelLimit": 0,
        "columns": 3,
        "title": None,
    },
    "view": {"stroke": None},
}
UNIT_TITLES = {
    "count": "antal",
    "share": "andel",
    "share2": "andel",
    "ratio": "sager pr. årsværk",
    "dkk": "mio. kr.",
    "kr": "kr.",
}
AXIS_FORMATS = {"share": ".0%", "share2": ".1%", "dkk": ",.1f", "ratio": ",.1f", "count": ",d", "kr": ",d"}
TIP_FORMATS = {"share": ".1%", "share2": ".2%", "dkk": ",.2f", "ratio": ",.1f", "count": ",d", "kr": ",d"}


MEMO_SIZE = 512
_memo_lock = threading.Lock()
_memo: OrderedDict[str, tuple[tuple, dict, object]] = OrderedDict()


def _key(value, frames_by: str) -> object:
    if isinstance(value, pl.DataFrame):
        if frames_by == "identity":
            return ("frame", id(value))
        return ("frame", tuple((c, str(t)) for c, t in value.schema.items()), value.rows())
    if isinstance(value, dict):
        return ("dict", [(k, _key(v, frames_by)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_key(v, frames_by) for v in value])
    return value


def memo(fn=None, *, frames_by: str = "content"):
    """Decorator for a pure function of frames (e.g. the pack's charts): the same arguments give the same result
    object, made once. Frames are the same when their rows are (`frames_by="content"`) or when they are the same
    object (`frames_by="identity"`, for the frames the cached screen functions return). The arguments are kept with
    the result, so an id is not reused while it is a key. The result must not be changed by its callers."""
    if fn is None:
        return functools.partial(memo, frames_by=frames_by)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        key = repr(
            (fn.__module__, fn.__qualname__, _key(args, frames_by), _key(sorted(kwargs.items()), frames_by))
        )
        with _memo_lock:
            kept = _memo.get(key)
            if kept is not None:
                _memo.move_to_end(key)
                return kept[2]
        result = fn(*args, **kwargs)
        with _memo_lock:
            _memo[key] = (args, kwargs, result)
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
        return result

    return wrapper


def clear_memo() -> None:
    """Forget every memoised result (the benchmark's cold runs start from nothing)."""
    with _memo_lock:
        _memo.clear()


def palette_for(labels) -> dict[str, str]:
    """A fixed colour per label, in the palette's order (pass to `colors=` so e.g. a step has one colour on
    every chart)."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


# ---- the primitives ----------------------------------------------------------------------------------------


def records(frame: pl.DataFrame, *columns: str) -> list[dict]:
    """The frame's rows (only `columns` when given, each once) as JSON-ready dicts: dates and times as ISO text,
    decimals as floats, converted a whole column at a time."""
    if columns:
        frame = frame.select(list(dict.fromkeys(columns)))
    return frame.with_columns(
        pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.to_string("%Y-%m-%dT%H:%M:%S"),
        pl.col(pl.Decimal).cast(pl.Float64),
    ).to_dicts()


def enc(field: str, kind: str, **props) -> dict:
    """One encoding channel: `enc("y", "quantitative", title="antal", axis={"format": ",d"})`."""
    return {"field": field, "type": kind, **props}


def mark(rows: pl.DataFrame | list[dict], kind: str, encoding: dict, **mark_props) -> Spec:
    """One layer: its rows (a frame is turned into `records`), a mark of `kind` ("bar", "line", "text", …) with
    its properties, and the encoding."""
    values = records(rows) if isinstance(rows, pl.DataFrame) else rows
    return {"data": {"values": values}, "mark": {"type": kind, **mark_props}, "encoding": encoding}


def finish(spec: Spec | list[Spec], height: int = 280) -> Spec:
    """The common look: Danish locale, font, light grid, readable axis and legend text, full width. A list of units
    is drawn as layers."""
    if isinstance(spec, list):
        spec = {"layer": spec}
    body = {k: v for k, v in spec.items() if k not in ("config", "$schema", "width", "height")}
    return {"$schema": SCHEMA, **body, "height": height, "width": "container", "config": CONFIG}


def validate(spec: Spec) -> None:
    """Check a spec against the Vega-Lite schema Altair ships (raises jsonschema's ValidationError). For the tests:
    pages do not check specs when they run."""
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    jsonschema.validate(spec, load_schema(), cls=jsonschema.Draft7Validator)


# the text alternative of a chart (WCAG 2.1, 1.1.1): what kind of chart, its unit, what it runs over and its series;
# the figures themselves are in the chart's table view beside it
KINDS = {"line": "Linjediagram", "bar": "Søjlediagram", "point": "Punktdiagram", "area": "Arealdiagram"}
MAX_NAMES = 8


def _units(spec: dict):
    yield spec
    for key in ("layer", "concat", "hconcat", "vconcat"):
        for sub in spec.get(key, []):
            yield from _units(sub)


def _mark(unit: dict) -> str | None:
    mark = unit.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


def _values(spec: dict, field: str) -> list:
    """The distinct values of a field in the chart's data (inline or named datasets), in order of appearance."""
    rows = [r for rows in spec.get("datasets", {}).values() for r in rows]
    for unit in _units(spec):
        rows += unit.get("data", {}).get("values", []) if isinstance(unit.get("data"), dict) else []
    return list(dict.fromkeys(r.get(field) for r in rows if isinstance(r, dict) and r.get(field) is not None))


def _names(values: list) -> str:
    names = [str(v) for v in values[:MAX_NAMES]]
    if len(values) > MAX_NAMES:
        return ", ".join(names) + f" og {len(values) - MAX_NAMES} flere"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def describe(spec: dict) -> str:
    """A Danish sentence saying what a Vega-Lite chart shows, from its spec: the kind of chart, the unit of its value
    axis, whether it runs over time or over categories (named), and its series (named), e.g. "Linjediagram over tid
    (antal) med en linje for hver af: Trin 2 og Trin 3." Layers that only annotate (text, rules, bands) are left
    out."""
    units = [u for u in _units(spec) if _mark(u) in KINDS]
    if not units:
        return "Diagram."
    main = units[0]
    mark, encoding = _mark(main), main.get("encoding", {})
    value = next((ch for ch in ("y", "x") if encoding.get(ch, {}).get("type") == "quantitative"), None)
    other = {"x": "y", "y": "x"}.get(value or "", "x")
    kind = KINDS[mark]
    if mark == "bar" and value == "x":
        kind = "Vandret søjlediagram"
    axis = encoding.get(other, {})
    text = kind + (" over tid" if axis.get("type") == "temporal" else "")
    title = encoding.get(value, {}).get("title") if value else None
    if isinstance(title, str) and title:
        text += f" ({title})"
    if axis.get("type") in ("nominal", "ordinal") and axis.get("field"):
        cats = _values(spec, axis["field"])
        if cats:
            text += f" for {_names(cats)}"
    colour = encoding.get("color", {}).get("field")
    if colour and colour != axis.get("field"):
        series = _values(spec, colour)
        if len(series) > 1 or (series and mark == "line"):
            sep = "," if " for " in text else ""
            if mark == "line":
                text += f"{sep} med en linje for hver af: {_names(series)}"
            else:
                text += f"{sep} farvet efter: {_names(series)}"
    return text + "."


# ---- the common charts -------------------------------------------------------------------------------------


def room_for_labels(values: pl.Series) -> dict | None:
    """A value scale with room after the longest bar for the label written at its end (None: no room needed)."""
    top = values.max()
    return {"domainMax": float(top) * 1.12} if top is not None and top > 0 else None


def value_axis(unit: str) -> dict:
    """The value axis: Danish number format; counts get whole-number ticks only."""
    if unit == "count":
        return {"format": AXIS_FORMATS["count"], "tickMinStep": 1}
    return {"format": AXIS_FORMATS.get(unit, ",")}


def _y(unit: str, field: str = "y", title: str | None = None) -> dict:
    return enc(field, "quantitative", title=title or UNIT_TITLES.get(unit, ""), axis=value_axis(unit))


def _tip(unit: str, title: str | None = None) -> dict:
    return enc(
        "y", "quantitative", title=title or UNIT_TITLES.get(unit, ""), format=TIP_FORMATS.get(unit, ",.2f")
    )


def _scaled(frame: pl.DataFrame, col: str, unit: str) -> pl.DataFrame:
    return frame.with_columns((pl.col(col) / (1_000_000 if unit == "dkk" else 1)).alias("y"))


def band_layer(limits: tuple[float, float], channel: str = "y") -> Spec:
    """A light green band from limits[0] to limits[1] on the `channel` axis (e.g. the caseload norm), to put first
    in a list of layers."""
    return mark(
        [{"lo": limits[0], "hi": limits[1]}],
        "rect",
        {channel: enc("lo", "quantitative"), f"{channel}2": {"field": "hi"}},
        color=GREEN,
        opacity=0.15,
    )


def lines(
    frame: pl.DataFrame,
    x: str,
    y: str,
    series: str | None,
    unit: str,
    band: tuple[float, float] | None = None,
    target: str | None = None,
    group: str | None = None,
    colors: dict[str, str] | None = None,
) -> Spec:
    """One line per series over months; optional green band (e.g. the caseload norm) and dashed target line.
    `group`: a column that breaks the line between its values (e.g. the year of a year-to-date figure, so the
    curve does not fall from December to January). `colors`: series → colour, so a series keeps its colour across
    charts (see palette_for)."""
    data = _scaled(frame.filter(pl.col(y).is_not_null()), y, unit)
    encoding = {
        "x": enc(x, "temporal", title=None, axis={"format": "%b %Y", "labelAngle": 0, "tickCount": 8}),
        "y": _y(unit),
        "tooltip": [
            enc(x, "temporal", title="måned", format="%B %Y"),
            _tip(unit, UNIT_TITLES.get(unit, "værdi")),
        ],
    }
    if series:
        present = set(data[series].to_list())
        used = {k: v for k, v in (colors or {}).items() if k in present}
        scale = {"domain": list(used), "range": list(used.values())} if used else {"range": PALETTE}
        encoding["color"] = enc(series, "nominal", scale=scale, title=None)
        encoding["tooltip"].insert(0, enc(series, "nominal", title=""))
    if group:
        encoding["detail"] = enc(group, "nominal")
    cols = [c for c in (x, "y", series, group) if c]
    layers = [
        mark(
            records(data, *cols),
            "line",
            encoding,
            point=True,
            strokeWidth=2,
            **({} if series else {"color": BLUE}),
        )
    ]
    if band:
        layers.insert(0, band_layer(band))
    if target:
        t = _scaled(frame.filter(pl.col(target).is_not_null()), target, unit)
        target_enc = {"x": enc(x, "temporal"), "y": enc("y", "quantitative")}
        if group:
            target_enc["detail"] = enc(group, "nominal")
        layers.append(
            mark(
                records(t, *[c for c in (x, "y", group) if c]),
                "line",
                target_enc,
                strokeDash=[6, 4],
                color=GREY,
            )
        )
    return finish(layers)


def bars(
    frame: pl.DataFrame,
    category: str,
    value: str,
    unit: str,
    color: str | None = None,
    horizontal: bool = True,
    sort: list[str] | None = None,
    label: str | None = None,
) -> Spec:
    """Bars per category (horizontal by default), optionally split by colour. `label`: a text column written at
    the end of each horizontal bar, also where the value is hidden (e.g. `<5` for the committee)."""
    data = _scaled(frame.filter(pl.col(value).is_not_null()), value, unit)
    if horizontal:
        cat = enc(category, "nominal", title=None, sort=sort or "-x")
        room = room_for_labels(data["y"]) if label else None
        val = enc(
            "y",
            "quantitative",
            title=UNIT_TITLES.get(unit, ""),
            axis=value_axis(unit),
            **({"scale": room} if room else {}),
        )
        encoding = {"y": cat, "x": val}
    else:
        cat = enc(category, "nominal", title=None, axis={"labelAngle": 0}, **({"sort": sort} if sort else {}))
        encoding = {"x": cat, "y": _y(unit)}
    encoding["tooltip"] = [enc(category, "nominal", title=""), _tip(unit)]
    if color:
        encoding["color"] = enc(color, "nominal", scale={"range": PALETTE}, title=None)
        encoding["tooltip"].insert(0, enc(color, "nominal", title=""))
        encoding["xOffset" if not horizontal else "yOffset"] = enc(color, "nominal")
    height = max(160, 34 * frame[category].n_unique() * (2 if color else 1)) if horizontal else 300
    bar = mark(
        records(data, *[c for c in (category, "y", color) if c]),
        "bar",
        encoding,
        **({} if color else {"color": BLUE}),
    )
    if label and horizontal and not color:
        texts = _scaled(frame.with_columns(pl.col(value).fill_null(0)), value, unit)
        text = mark(
            records(texts, category, "y", label),
            "text",
            {"y": cat, "x": enc("y", "quantitative"), "text": enc(label, "nominal")},
            align="left",
            dx=4,
            fontSize=13,
        )
        return finish([bar, text], height=min(height, 620))
    return finish(bar, height=min(height, 620))


def ladder(frame: pl.DataFrame) -> Spec:
    """The intervention ladder as a ladder: step 1 at the bottom, one rung per step, children on each rung."""
    data = frame.with_columns(
        (pl.col("ladder_step").cast(pl.Utf8) + ". " + pl.col("step_label")).alias("trin"),
        pl.col("shown").alias("tekst"),
    )
    order = data.sort("ladder_step", descending=True)["trin"].to_list()
    rows = records(data, "trin", "children", "tekst")
    room = room_for_labels(data["children"])
    bar = mark(
        rows,
        "bar",
        {
            "y": enc("trin", "nominal", title=None, sort=order, axis={"labelLimit": 320}),
            "x": enc(
                "children",
                "quantitative",
                title="børn ved månedens udgang",
                axis={"format": ",d"},
                **({"scale": room} if room else {}),
            ),
            "tooltip": [enc("trin", "nominal", title="trin"), enc("tekst", "nominal", title="børn")],
        },
        color=BLUE,
        height=26,
    )
    text = mark(
        rows,
        "text",
        {
            "y": enc("trin", "nominal", sort=order),
            "x": enc("children", "quantitative"),
            "text": enc("tekst", "nominal"),
        },
        align="left",
        dx=4,
        fontSize=13,
    )
    return finish([bar, text], height=300)
