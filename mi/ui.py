"""Shared page helpers: the connection, the role and month the sidebar chose, the server-side role check,
figure captions, KPI cards, and every table's view and downloads.

    con()                      the cached read-only connection (reopened when an import swaps the file)
    view(fn, *args)            fn(con(), *args) of a screen service, cached per database file and arguments
    pack(month, role)          the month's pack (mi.pack.build_pack) for the role, cached the same way
    role(), month()            what the sidebar chose (set by app.py)
    require(slug | roles)      stop the page unless the role may see it (checked on the server)
    data_info()                data as of, version, import time
    caption(period)            "Periode: … · Data pr. … (version n)"
    frozen_note(pack)          under a page's title: the month is frozen, or (committee) not yet
    status_badge(status, label)  a traffic light that always carries its text
    figure_card(col, figure)   one KPI card (value, changes, status, definition)
    table_with_downloads(frame, name, period, shown=None)   a table with CSV and Excel downloads
    show(view, name)           a service's View (chart, data, table, period, missing) with table view and downloads
    chart_with_table(chart, frame, name, period, shown=None) a chart with a table view and CSV and Excel downloads
        (`frame` is what the downloads hold: numbers stay numbers; `shown`, when given, is the same rows as Danish
        text for the screen; a figure the committee may not see is an empty number with its mark such as `<5` in a
        text column beside it: no frame holds Python objects, issue 16)
    excel_bytes(frame), csv_bytes(frame), downloads(frame, name)
    footnotes(notes)           the footnotes under a figure (suppression marks, revisions)
    empty(what)                an empty state that says what is missing
    missing_data(*tables)      one sentence per optional input table the page needs that the data lacks
    month_text(), ytd_text()   the chosen month / year to date in words
    span(frame)                the months a frame covers in words
"""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from mi import auth, charts, dataset, db, fmt
from mi.figures import Pack
from mi.pack import build_pack

# status from mart_kpi_status; the text label always goes with the light (never colour alone)
STATUS_COLOUR = {"god": "green", "neutral": "orange", "daarlig": "red", "ingen": "gray"}


class _Holder:
    """The open connection of one database path and the file stamp it was opened on."""

    def __init__(self):
        self.stamp: tuple[int, int] | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.lock = threading.Lock()


_holders: dict[str, _Holder] = {}
_holders_lock = threading.Lock()


def _holder(path: str) -> _Holder:
    # kept outside Streamlit's caches: clearing them must not drop an open connection unclosed (DuckDB would then
    # hand the next connection to the same path the old file's instance)
    with _holders_lock:
        return _holders.setdefault(path, _Holder())


def con() -> duckdb.DuckDBPyConnection:
    """One read-only connection per database file, shared by all sessions (each query takes its own cursor).
    When an import or a freeze swaps in a new file, the old connection is closed first: DuckDB keeps one
    instance per path in a process, so a new connection beside an open old one would still read the old file."""
    path = db.db_path()
    stamp = db.file_stamp(path)
    h = _holder(str(path))
    with h.lock:
        if h.con is None or h.stamp != stamp:
            if h.con is not None:
                _close(h.con)
            h.con, h.stamp = db.connect(path), stamp
        return h.con


def _close(c: duckdb.DuckDBPyConnection, wait_s: float = 60.0) -> None:
    """Close the old file's connection. DuckDB refuses to close a connection while another session's query runs on
    one of its cursors ("connection is busy"): wait for that query (a page's queries take well under a second)
    instead of failing the page that noticed the new file."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            c.close()
            return
        except duckdb.ResourceInUseException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def begin_run() -> None:
    """Fix the database file this script run reads (its stamp) at the run's start (app.py). When an import or a
    freeze swaps in a new file while the run is under way, the next view or data_info of the run starts the run
    again on the new file, so no page shows figures of two data versions."""
    st.session_state["_data_stamp"] = db.file_stamp(db.db_path())


def _stamp(path: Path) -> tuple[int, int] | None:
    """The file stamp of `path` for this run; a file swapped in since the run began starts the run again."""
    stamp = db.file_stamp(path)
    pinned = st.session_state.get("_data_stamp", stamp)
    if pinned != stamp:
        st.session_state["_data_stamp"] = stamp
        st.rerun()
    return stamp


@st.cache_resource(show_spinner=False, max_entries=512)
def _cached_view(_fn, name: str, path: str, stamp, args: tuple, kwargs: tuple):
    return _fn(con(), *args, **dict(kwargs))


@st.cache_resource(show_spinner="Henter månedens tal …", max_entries=48)
def _cached_heavy(_fn, name: str, path: str, stamp, args: tuple, kwargs: tuple):
    return _fn(con(), *args, **dict(kwargs))


def view(fn, *args, heavy: bool = False, **kwargs):
    """`fn(con(), *args, **kwargs)`: a screen service's view (frames, charts, a pack) of the app's database, kept
    per database file (its stamp), function and arguments for every session, so a page that runs again neither
    queries nor rebuilds its charts. The one cache of the app's figures: the services (mi.economy, mi.staff,
    mi.ladder, mi.pack, …) are plain functions of (connection, month, filters) and know nothing of Streamlit.
    `heavy`: a whole month's pack or screen (fewer kept, a spinner while it is made). The result must not be
    changed by its callers."""
    path = db.db_path()
    name = f"{fn.__module__}.{fn.__qualname__}"
    cache = _cached_heavy if heavy else _cached_view
    stamp = _stamp(path)
    try:
        return cache(fn, name, str(path), stamp, args, tuple(sorted(kwargs.items())))
    except duckdb.ConnectionException:
        _closed_under_run(path, stamp)
        raise


def _closed_under_run(path: Path, stamp) -> None:
    """The connection this run used was closed by another session that found a newer file: start the run again
    on the new file (as _stamp does), rather than show the error."""
    if db.file_stamp(path) != stamp:
        st.session_state["_data_stamp"] = db.file_stamp(path)
        st.rerun()


def pack(for_month: date | None = None, for_role: str | None = None) -> Pack:
    """The month's pack (mi.pack.build_pack: every KPI frozen and suppressed for the role) for the sidebar's
    month and the session's role unless given."""
    return view(build_pack, for_month or month(), for_role or role(), heavy=True)


# WCAG 2.1, 2.4.7: the keyboard's focus must be visible. Streamlit draws no ring on the navigation's links, the
# select boxes' inputs, the chart toolbar's buttons or the main area: one ring (the theme's primary colour, 3:1 and more
# against white and the sidebar) on whatever has the keyboard's focus.
FOCUS_CSS = """<style>
a:focus-visible, button:focus-visible, [role="tab"]:focus-visible, [tabindex]:focus-visible, summary:focus-visible,
input:focus-visible, textarea:focus-visible {
  outline: 3px solid #0072B2 !important;
  outline-offset: 1px !important;
}
[data-baseweb="select"]:focus-within > div {
  outline: 3px solid #0072B2 !important;
}
</style>"""


def focus_style() -> None:
    """The visible keyboard focus (FOCUS_CSS), once per run of the app (app.py)."""
    st.html(FOCUS_CSS)


def role() -> str | None:
    return st.session_state.get("role")


def month() -> date:
    return st.session_state["month"]


def require(slug: str | tuple[str, ...] | list[str]) -> str:
    """The role, if it may see the page; otherwise an error and the page stops (also when opened directly).
    `slug`: the page's slug (its roles come from mi.auth.PAGES), or the roles allowed, e.g. ("leder", "oekonomi")
    for a part of a page."""
    r = role()
    if r is None and not st.session_state.get("_rerun_through_app"):
        # The first session after the server starts, opened on a page's URL: Streamlit's legacy `pages/` mode runs
        # the page without app.py (so no role yet) until some run has called st.navigation. Switch that mode off
        # (as st.navigation does) and run again, now through app.py.
        from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415

        PagesManager.uses_pages_directory = False
        st.session_state["_rerun_through_app"] = True
        st.rerun()
    allowed = auth.may_see(r, slug) if isinstance(slug, str) else r in slug
    if r is None or not allowed:
        st.error(f"Din rolle ({auth.ROLE_LABELS.get(r, 'ingen')}) har ikke adgang til denne side.")
        st.stop()
    return r


@st.cache_data(show_spinner=False, ttl=60)
def _data_info(path: str, stamp: tuple[int, int] | None) -> dict:
    c = con()
    row = db.query(
        c,
        "select version_id, imported_at, data_as_of, (select count(*) from frozen_kpis) > 0 as any_frozen "
        "from data_versions order by version_id desc limit 1",
    )
    return row.row(0, named=True) if row.height else {}


def data_info() -> dict:
    path = db.db_path()
    stamp = _stamp(path)
    try:
        return _data_info(str(path), stamp)
    except duckdb.ConnectionException:
        _closed_under_run(path, stamp)
        raise


def caption(period: str) -> None:
    """Under a figure: its period and the data it is from. The committee sees frozen months as frozen (on the data
    version they were frozen on): the caption says so where there are frozen months."""
    info = data_info()
    frozen = " · frosne måneder som frosset" if info.get("any_frozen") and role() == "udvalg" else ""
    st.caption(
        f"Periode: {period} · Data pr. {fmt.day(info.get('data_as_of'))} "
        f"(dataversion {info.get('version_id', '–')}){frozen}"
    )


def frozen_note(p: Pack) -> None:
    """Under a page's title: the month's figures are frozen (when and on which data version), or, for the committee,
    not yet (they may change at the next import)."""
    if p.frozen:
        st.success(
            f"Tallene for {p.month_text} er frosset {p.frozen['frozen_at']:%d.%m.%Y} "
            f"(dataversion {p.frozen['version_id']}).",
            icon=":material/lock:",
        )
    elif p.suppress:
        st.warning(
            f"Tallene for {p.month_text} er endnu ikke frosset: de kan ændre sig ved næste dataindlæsning."
        )


def status_badge(status: str, label: str) -> str:
    """A coloured dot with the status in words (markdown): the words carry the meaning, not the colour."""
    return f":{STATUS_COLOUR.get(status, 'gray')}[●] **{label}**"


def figure_card(container, f, period: str) -> None:
    """One KPI (a mi.figures.Figure, already frozen and suppressed for the role) as a card: value, status in
    words, the changes since last month and since the same month last year, the period and the definition."""
    with container.container(border=True):
        st.metric(f.label, f.text(), help=f.definition)
        st.markdown(
            f"{status_badge(f.status, f.status_label)}  \n"
            f"Siden sidste måned: {f.change_text('change_month')} · "
            f"siden samme måned sidste år: {f.change_text('change_year')}  \n"
            f"*{period}*"
        )
        if f.is_revised:
            st.caption(f"Frosset tal revideret: {f.revision_text()}")
        st.caption(f.definition)


def _safe(value):
    """Text that a spreadsheet would run as a formula is neutralised with a leading apostrophe."""
    if (
        isinstance(value, str)
        and value[:1] in ("=", "+", "-", "@")
        and not re.fullmatch(r"[-+]?[\d.,]+", value)
    ):
        return "'" + value
    return value


def _safe_expr(column: str) -> pl.Expr:
    """`_safe` as a native polars expression. No Python function may run inside polars on the serving path: polars
    runs it on its thread pool, which then waits for the interpreter lock, while another session's
    `DataFrame.to_pandas()` (st.dataframe) holds that lock and waits for the pool — the whole server stops."""
    col = pl.col(column)
    formula = col.str.contains(r"^[=+\-@]") & ~col.str.contains(r"^[-+]?[\d.,]+$")
    return pl.when(formula).then(pl.lit("'") + col).otherwise(col).alias(column)


def excel_bytes(frame: pl.DataFrame, sheet: str = "Data") -> bytes:
    """The frame as an Excel workbook: numbers stay numbers with Danish display formats, dates as dates."""
    import xlsxwriter  # noqa: PLC0415

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet(sheet[:31])
    head = book.add_format({"bold": True, "bottom": 1})
    formats = {
        "int": book.add_format({"num_format": "#,##0"}),
        "float": book.add_format({"num_format": "#,##0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    for c, name in enumerate(frame.columns):
        ws.write_string(0, c, str(name), head)
        ws.set_column(c, c, max(12, min(40, len(str(name)) + 2)))
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int):
                ws.write_number(r, c, v, formats["int"])
            elif isinstance(v, float):
                ws.write_number(r, c, v, formats["float"])
            elif isinstance(v, date):
                ws.write_datetime(r, c, v, formats["date"])
            else:
                ws.write_string(r, c, str(_safe(str(v))))
    book.close()
    return buf.getvalue()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV as Danish Excel opens it: `;`, decimal comma, UTF-8 with BOM; formula-like text neutralised."""
    safe = frame.with_columns(_safe_expr(c) for c, t in frame.schema.items() if t == pl.Utf8)
    return ("\ufeff" + safe.write_csv(separator=";", decimal_comma=True, date_format="%Y-%m-%d")).encode(
        "utf-8"
    )


def downloads(frame: pl.DataFrame, name: str) -> None:
    stem = f"{name}-{month():%Y-%m}" if "month" in st.session_state else name
    row = st.container(horizontal=True)
    # the files are made when the button is clicked (not at every run of the page)
    row.download_button(
        "CSV",
        lambda: csv_bytes(frame),
        f"{stem}.csv",
        "text/csv",
        key=f"csv-{name}",
        icon=":material/download:",
    )
    row.download_button(
        "Excel",
        lambda: excel_bytes(frame, name),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{name}",
        icon=":material/download:",
    )


def _screen_table(frame: pl.DataFrame, shown: pl.DataFrame | None) -> None:
    """The table on screen: `shown` (Danish text) when given, its figures right-aligned like numbers."""
    if shown is None:
        st.dataframe(frame, hide_index=True, width="stretch")
        return
    figures = {
        c: st.column_config.TextColumn(alignment="right")
        for c, t in frame.schema.items()
        if c in shown.columns and t.is_numeric() and shown.schema[c] == pl.Utf8
    }
    st.dataframe(shown, hide_index=True, width="stretch", column_config=figures)


def table_with_downloads(
    frame: pl.DataFrame, name: str, period: str | None = None, shown: pl.DataFrame | None = None
) -> None:
    if frame.height == 0:
        empty("Ingen rækker i perioden.")
        return
    _screen_table(frame, shown)
    if period:
        caption(period)
    downloads(frame, name)


def vega_spec(chart: dict) -> dict:
    """The chart's Vega-Lite spec (mi.charts: a plain dict, checked against the schema in the tests, not here) for
    Streamlit: a copy of what Streamlit changes (the top level and its encoding), its rows shared."""
    spec = dict(chart)
    if isinstance(spec.get("encoding"), dict):
        spec["encoding"] = {k: dict(v) if isinstance(v, dict) else v for k, v in spec["encoding"].items()}
    return spec


def chart_with_table(
    chart, frame: pl.DataFrame, name: str, period: str, shown: pl.DataFrame | None = None
) -> None:
    """A chart with a table view of the same rows, and CSV and Excel downloads of them."""
    if frame.height == 0:
        empty("Ingen tal i perioden.")
        return
    graf, tabel = st.tabs(["Graf", "Tabel"])
    with graf:
        spec = vega_spec(chart)
        # the chart's text alternative (its aria-label in the browser); the figures are in the table view
        spec["description"] = f"{charts.describe(chart)} Periode: {period}. Tallene står i fanen Tabel."
        st.vega_lite_chart(spec=spec, width="stretch")
    with tabel:
        _screen_table(frame, shown)
    caption(period)
    downloads(frame, name)


def show(view, name: str) -> None:
    """A screen service's figure (e.g. mi.staff.View: chart or None, `data` for the downloads, `table` as shown,
    `period`, `missing`) on the page: chart (or table alone) with table view, period, "data pr." and CSV/Excel
    downloads; when there are no rows, what is missing."""
    if view.is_empty:
        empty(view.missing)
        caption(view.period)
    elif view.chart is None:
        table_with_downloads(view.data, name, view.period, shown=view.table)
    else:
        chart_with_table(view.chart, view.data, name, view.period, shown=view.table)


def footnotes(notes) -> None:
    """Footnotes under a figure, each once, in order."""
    for note in dict.fromkeys(notes):
        st.caption(note)


def empty(what: str) -> None:
    st.info(what, icon=":material/info:")


@st.cache_data(show_spinner=False, ttl=60)
def _empty_tables(path: str, stamp: tuple[int, int] | None) -> tuple[str, ...]:
    return dataset.empty_tables(con())


def missing_data(*tables: str) -> list[str]:
    """Under a page's title: one sentence for each of `tables` (optional input tables the page's figures come from)
    that the loaded data lacks, saying what cannot be shown without it. Returns the tables missing."""
    path = db.db_path()
    gone = [t for t in _empty_tables(str(path), db.file_stamp(path)) if t in tables]
    for t in gone:
        st.info(dataset.missing_sentence(t), icon=":material/info:")
    return gone


def kept(key: str, options=None) -> dict:
    """A widget's `key` and `on_change`, so that its choice is kept while a run does not draw it (a section in a
    closed tab): Streamlit forgets such a widget's value. The value is copied to a key of its own on each change
    and back before the widget is drawn again (Streamlit's "Working with widgets in multipage apps": save widget
    values in Session State). With `options`, only a choice still among them comes back (the month may change
    what there is to choose)."""
    store = f"{key}:kept"
    if store in st.session_state and key not in st.session_state:
        value = st.session_state[store]
        if options is None:
            st.session_state[key] = value
        elif isinstance(value, list):
            st.session_state[key] = [v for v in value if v in options]
        elif value in options:
            st.session_state[key] = value

    def keep() -> None:
        st.session_state[store] = st.session_state[key]

    return {"key": key, "on_change": keep}


def month_text() -> str:
    return fmt.month_name(month())


def span(frame: pl.DataFrame, column: str = "Måned") -> str:
    """The months a frame covers in words: 'november 2024 – oktober 2026' (one month: its name)."""
    if frame.height == 0:
        return ""
    first, last = frame[column].min(), frame[column].max()
    return fmt.month_name(first) if first == last else f"{fmt.month_name(first)} – {fmt.month_name(last)}"


def ytd_text() -> str:
    m = month()
    return f"1. januar – {fmt.month_name(m)}" if m.month > 1 else fmt.month_name(m)
