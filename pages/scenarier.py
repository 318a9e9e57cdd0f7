import polars as pl
import streamlit as st

from mi import charts, flows, fmt, scenario, scenario_saved, scenario_tables, ui

role = ui.require("scenarier")
con, m = ui.con(), ui.month()
labels = ui.view(scenario.codes)
year = m.year
state = st.session_state
state.setdefault("scn-moves", [])
period = f"{year}–{year + 1}, basismåned {fmt.month_name(m)}"

st.title("Scenarier")
st.markdown(
    f"**Hvad nu hvis** børn flyttes fra én indsats til en anden? Med kommunens egne enhedspriser i "
    f"**{fmt.month_name(m)}**: besparelsen i {year} og {year + 1}, forventet forbrug og merforbrug efter planen, og "
    "hvor meget af afstanden til målet for merforbruget planen lukker."
    + (
        " Her ses de scenarier, ledelsen har fremlagt for udvalget for måneden, som de blev fremlagt."
        if role == "udvalg"
        else ""
    )
)


# The columns of the unit-price and saved-scenario tables, in order, under their Danish names.
PRICE_COLUMNS = {"measure_label": "Indsats", "provider_type": "Leverandørtype", "price_dkk": "Pris pr. måned"}
PRICE_COLUMNS |= {"n_measures": "Indsatser", "is_uncertain": "Usikker"}
SAVED_COLUMNS = {"name": "Navn", "base_month": "Basismåned", "n_moves": "Flytninger", "saved_at": "Gemt"}
SAVED_COLUMNS |= {"presented_month": "Fremlagt for udvalget"}


def labelled(frame: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """The columns named in `names`, in its order, under their Danish names."""
    return frame.select(list(names)).rename(names)


def key_text(key: str | None) -> str:
    if not key:
        return "(ophører – ingen ny indsats)"
    code, _, provider = key.partition("/")
    return labels.get(code, code) + (f" ({provider})" if provider else "")


def show(result: dict, path, focus, name: str, prices: bool = True) -> None:
    """A computed (or frozen) scenario: the totals, the gap in words, the moves, the path and the focus points.
    `prices`: with each move's unit prices (not for the committee: a price from one measure is one child's cost)."""
    cols = st.columns(4)
    for col, (label, value) in zip(
        cols,
        [
            (f"Besparelse {year}", result["savings_this_year_dkk"]),
            (f"Besparelse {year + 1}", result["savings_next_year_dkk"]),
            (f"Forventet forbrug {year} efter planen", result["forecast_after_dkk"]),
            ("Merforbrug efter planen", result["overspend_after_dkk"]),
        ],
        strict=True,
    ):
        col.metric(label, fmt.money(value))
    st.markdown(
        f"**{scenario.gap_sentence(result)}**  \nForventet forbrug før planen: {fmt.money(result['forecast_dkk'])} · "
        f"budget: {fmt.money(result['budget_dkk'])} · mål for merforbruget: {fmt.money(result['overspend_target_dkk'])}"
    )
    moves = scenario_tables.moves_frame(result, labels)
    if not prices:
        moves = moves.drop("Pris fra (kr./md.)", "Pris til (kr./md.)")
    shown = fmt.danish_table(moves).with_columns(
        pl.Series("Fra måned", [fmt.month_name(d) for d in moves["Fra måned"]])
    )
    ui.table_with_downloads(moves, f"{name}-flytninger", period, shown)
    st.subheader("Merforbruget måned for måned, med og uden scenariet")
    st.caption(
        "Forbrug år til dato minus budgettet i 1/12-dele. Til og med basismåneden: faktisk forbrug; derefter "
        "forventet (de bevilgede indsatsers månedspris). December er årets forventede merforbrug."
    )
    table = scenario_tables.path_table(path)
    ui.chart_with_table(
        charts.lines(scenario_tables.path_long(path), "Måned", "Beløb", "Serie", "dkk"),
        table,
        f"{name}-merforbrug",
        f"januar–december {year}",
        fmt.danish_table(table.with_columns(fmt.month_expr(pl.col("Måned")))),
    )
    st.subheader(f"Fokuspunkterne ved udgangen af {year}, hvis intet andet ændrer sig")
    now_col, after_col = fmt.month_name(m).capitalize(), f"December {year} med planen"
    # the download: each figure as a number (empty where hidden) and as shown (a mark such as <5 kept), never a
    # column of Python objects (issue 16: polars would run Python on its pool with them)
    ft = pl.DataFrame(
        {
            "Fokuspunkt": [r["label"] for r in focus],
            now_col: pl.Series(
                [None if isinstance(r["value_now"], str) else r["value_now"] for r in focus], dtype=pl.Float64
            ),
            f"{now_col} (vist)": [scenario_tables.focus_text(r["value_now"], r["unit"]) for r in focus],
            after_col: pl.Series(
                [None if isinstance(r["value_after"], str) else r["value_after"] for r in focus],
                dtype=pl.Float64,
            ),
            f"{after_col} (vist)": [scenario_tables.focus_text(r["value_after"], r["unit"]) for r in focus],
        }
    )
    ft_shown = pl.DataFrame(
        {
            "Fokuspunkt": [r["label"] for r in focus],
            now_col: [scenario_tables.focus_text(r["value_now"], r["unit"]) for r in focus],
            after_col: [scenario_tables.focus_text(r["value_after"], r["unit"]) for r in focus],
        }
    )
    ui.table_with_downloads(ft, f"{name}-fokuspunkter", f"{fmt.month_name(m)} og december {year}", ft_shown)


# ---- the committee: presented scenarios, read-only --------------------------------------------------------
if role == "udvalg":
    shown = ui.view(scenario_tables.pack_section, m, True, ui.view(scenario_tables.min_count))
    if not shown:
        ui.empty(f"Ingen scenarier er fremlagt for udvalget for {fmt.month_name(m)}.")
    for p in shown:
        st.header(p["name"])
        st.success(
            f":material/lock: Fremlagt for udvalget {fmt.day(p['presented_at'])} (dataversion {p['version_id']}). "
            "Tallene er frosset, som de blev fremlagt."
        )
        show(p["result"], p["path"], p["focus"], f"scenarie-{p['scenario_id']}", prices=False)
    st.stop()


# ---- leaders and finance: build, save, compare, present ---------------------------------------------------
def quiet() -> None:
    state["scn-note"] = state["scn-error"] = None


def add(from_key: str, to_key: str | None, n: int = 1, start=None) -> None:
    quiet()
    state["scn-moves"] = [
        *state["scn-moves"],
        scenario.Move(from_key, to_key, n, start or scenario_tables.next_month(m)),
    ]


def add_from_pickers() -> None:
    f, fp = state["scn-from"], state["scn-from-prov"]
    t, tp = state["scn-to"], state["scn-to-prov"]
    add(f + (f"/{fp}" if fp != "alle" else ""), (t + (f"/{tp}" if tp != "alle" else "")) if t else None,
        int(state["scn-n"]), state["scn-start"])  # fmt: skip


def remove(i: int) -> None:
    quiet()
    state["scn-moves"] = [mv for j, mv in enumerate(state["scn-moves"]) if j != i]


def open_saved(sid: int) -> None:
    quiet()
    s = scenario_saved.load(ui.con(), sid)
    state["scn-moves"] = list(s.moves)
    state["scn-name"] = s.name
    for k in [k for k in state if str(k).startswith("scn-price-")]:
        state[k] = None
    for k, v in s.prices.items():
        state[f"scn-price-{k}"] = v
    state["month"] = state["_month"] = s.month
    state["scn-note"] = f"Scenariet »{s.name}« er åbnet (basismåned {fmt.month_name(s.month)})."


def given_prices() -> dict[str, float]:
    """The prices the user has typed for the keys of the current moves (read at the time of use: a callback sees
    the values sent with the click)."""
    keys = {k for mv in state["scn-moves"] for k in (mv.from_key, mv.to_key) if k}
    return {k: float(state[f"scn-price-{k}"]) for k in keys if state.get(f"scn-price-{k}") is not None}


def save_current() -> None:
    name = " ".join((state.get("scn-name") or "").split())
    write(
        scenario_saved.save, name, m, state["scn-moves"], given_prices(), done=f"Scenariet »{name}« er gemt."
    )


def write(action, *args, done: str) -> None:
    quiet()
    try:
        action(*args)
        state["scn-note"] = done
    except (scenario.ScenarioError, ValueError) as exc:
        state["scn-error"] = str(exc)


# the last action's message stays until the next action (a rerun for another reason keeps it)
if state.get("scn-note"):
    st.success(state["scn-note"])
if state.get("scn-error"):
    st.error(state["scn-error"])

st.header("1. Byg scenariet")
st.markdown("**Fokuspunkterne med ét klik** (ét barn fra næste måned; ret antal og måned nedenfor):")
row = st.container(horizontal=True)
for i, (title, f, t) in enumerate(scenario_tables.PRESETS, start=1):
    row.button(f"{i}. {title}", key=f"scn-preset-{i}", on_click=add, args=(f, t), icon=":material/add:")

with st.expander("Tilføj en flytning", expanded=not state["scn-moves"], icon=":material/swap_horiz:"):
    c = st.columns([3, 1.2, 3, 1.2, 0.9, 2])
    c[0].selectbox("Fra indsats", list(labels), format_func=key_text, key="scn-from")
    c[1].selectbox("Leverandør", ["alle", *scenario.PROVIDER_TYPES], key="scn-from-prov")
    c[2].selectbox("Til indsats", ["", *labels], format_func=key_text, key="scn-to")
    c[3].selectbox("Leverandør ", ["alle", *scenario.PROVIDER_TYPES], key="scn-to-prov")
    c[4].number_input("Børn", min_value=1, value=1, step=1, key="scn-n")
    c[5].selectbox(
        "Fra måned", scenario_tables.start_months(m), format_func=fmt.month_name, key="scn-start", index=1
    )
    st.button(
        "Tilføj flytning", on_click=add_from_pickers, key="scn-add", icon=":material/add:", type="primary"
    )

moves = state["scn-moves"]
if not moves:
    ui.empty("Scenariet har ingen flytninger endnu: vælg et fokuspunkt eller tilføj en flytning.")
for i, mv in enumerate(moves):
    r = st.columns([8, 1], vertical_alignment="center")
    r[0].markdown(
        f"{i + 1}. **{mv.children}** {'barn' if mv.children == 1 else 'børn'} fra **{key_text(mv.from_key)}** til "
        f"**{key_text(mv.to_key)}** fra {fmt.month_name(mv.start_month)}"
    )
    r[1].button("Fjern", key=f"scn-del-{i}", on_click=remove, args=(i,), icon=":material/delete:")

st.header("2. Enhedspriser")
st.markdown(
    f"Gennemsnitlig månedspris for de aktive indsatser med koden (og leverandørtypen) ved udgangen af "
    f"{fmt.month_name(m)}. En pris fra færre end {scenario.UNCERTAIN_BELOW} indsatser er usikker. Skriv en egen pris "
    "for at bruge den i stedet."
)
prices_now = ui.view(scenario.unit_prices, m)
by_key = {r["price_key"]: r for r in prices_now.iter_rows(named=True)}
for key in dict.fromkeys(k for mv in moves for k in (mv.from_key, mv.to_key) if k):
    r = st.columns([4, 3, 2], vertical_alignment="center")
    d = by_key.get(key)
    r[0].markdown(f"**{key_text(key)}**")
    r[1].markdown(
        f"{fmt.kr(d['price_dkk'])} pr. måned · {fmt.number(d['n_measures'])} indsatser"
        + (" · :orange[**usikker**]" if d["is_uncertain"] else "")
        if d
        else ":red[**ingen aktiv indsats med pris**] – skriv en pris"
    )
    r[2].number_input(
        "Egen pris (kr./md.)", min_value=0.0, value=None, step=1000.0, key=f"scn-price-{key}", format="%.0f"
    )
prices = given_prices()
with st.expander("Alle enhedspriser i måneden", icon=":material/table:"):
    up = labelled(prices_now.with_columns(pl.col("provider_type").fill_null("alle")), PRICE_COLUMNS)
    ui.table_with_downloads(
        up,
        "enhedspriser-scenarie",
        fmt.month_name(m),
        fmt.danish_table(up).with_columns(pl.col("Usikker").replace_strict({True: "usikker", False: ""})),
    )

st.header("3. Resultat")
result = None
if moves:
    try:
        result = scenario.compute(con, m, moves, prices, price_hint="Skriv en egen pris under Enhedspriser.")
    except scenario.ScenarioError as exc:
        st.warning(str(exc))
else:
    ui.empty("Intet resultat endnu: tilføj mindst én flytning under 1. Byg scenariet.")
if result:
    path = scenario.path(con, m, result)
    focus = scenario.focus(con, m, result)
    show(result, path, focus.to_dicts(), "scenarie")
    st.subheader("Gem og eksportér")
    r = st.columns([4, 2, 2], vertical_alignment="bottom")
    name = r[0].text_input("Navn på scenariet", key="scn-name", max_chars=80)
    r[1].button(
        "Gem scenariet",
        key="scn-save",
        type="primary",
        icon=":material/save:",
        on_click=save_current,
    )
    r[2].download_button(
        "Excel",
        lambda: scenario_tables.excel_bytes(name or "Scenarie", result, path, focus, labels),
        f"scenarie-{m:%Y-%m}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="scn-xlsx",
        icon=":material/download:",
    )

st.header("4. Gemte scenarier")
saved = ui.view(scenario_saved.saved)
if saved.height == 0:
    ui.empty("Der er ingen gemte scenarier endnu.")
else:
    table = labelled(saved, SAVED_COLUMNS)
    ui.table_with_downloads(
        table,
        "gemte-scenarier",
        "alle gemte scenarier, hvert beregnet fra sin basismåned",
        shown=table.select(
            "Navn",
            fmt.month_expr(pl.col("Basismåned")),
            pl.col("Flytninger").cast(pl.Utf8),
            pl.col("Gemt").dt.to_string("%d.%m.%Y %H:%M"),
            fmt.month_expr(pl.col("Fremlagt for udvalget")).fill_null(""),
        ),
    )
    names = dict(zip(saved["scenario_id"], saved["name"], strict=True))
    sid = st.selectbox("Scenarie", list(names), format_func=names.get, key="scn-pick")
    picked = saved.filter(pl.col("scenario_id") == sid).row(0, named=True)
    r = st.container(horizontal=True)
    r.button("Åbn", key="scn-open", on_click=open_saved, args=(sid,), icon=":material/folder_open:")
    if picked["presented_month"] is None:
        r.button(
            "Slet", key="scn-delete", icon=":material/delete:", on_click=write, args=(scenario_saved.delete, sid),
            kwargs={"done": f"Scenariet »{names[sid]}« er slettet."},
        )  # fmt: skip
        if role == "leder":
            r.button(
                f"Fremlæg for udvalget ({fmt.month_name(picked['base_month'])})",
                key="scn-present",
                icon=":material/gavel:",
                on_click=write,
                args=(scenario_saved.present, sid),
                kwargs={"done": f"Scenariet »{names[sid]}« er fremlagt og frosset."},
            )
    else:
        st.caption(
            f":material/lock: Fremlagt for udvalget for {fmt.month_name(picked['presented_month'])}: frosset, kan "
            "ikke ændres eller slettes."
        )

    if saved.height >= 2:
        st.subheader("Sammenlign to scenarier")
        two = st.multiselect(
            "Vælg to scenarier", list(names), format_func=names.get, max_selections=2, key="scn-compare"
        )
        if len(two) == 2:
            results = {}
            for i in two:
                s = scenario_saved.load(con, i)
                try:
                    results[s.name] = scenario.compute(con, s.month, s.moves, s.prices)
                except scenario.ScenarioError as exc:
                    st.warning(f"{s.name}: {exc}")
            if len(results) == 2:
                cmp = scenario_tables.compare(results)
                ui.table_with_downloads(
                    cmp, "sammenligning", "hvert scenaries basismåned", fmt.danish_table(cmp)
                )

st.header("5. Bevægelser på indsatstrappen")
st.markdown(
    "Børn, der har skiftet trin fra en månedsafslutning til den næste, de seneste 12 måneder: hvor de kom fra, og "
    "hvor de gik hen (et barn, der har flyttet to gange, tæller to gange). Grundlaget for, hvad flytninger kan være "
    "værd."
)
everyone = st.toggle("Medtag børn, der kommer på trappen eller forlader den", key="scn-flows-all")
fl = ui.view(flows.flows, m, new_and_off=everyone)
if fl.height == 0:
    ui.empty("Ingen børn har skiftet trin i perioden.")
else:
    graf, tabel = st.tabs(["Diagram", "Tabel"])
    with graf:
        st.plotly_chart(
            flows.sankey(fl, f"Flytninger mellem trin, {flows.period_text(m)}"),
            width="stretch",
            config={"displayModeBar": False},
        )
        st.caption(
            "Orange bånd: op ad trappen (mere indgribende); grønne: ned; grå: ind på eller ud af trappen. Tekstversion: "
            + "; ".join(
                f"{r['Fra trin']} → {r['Til trin']}: {r['Børn']}" for r in fl.head(5).iter_rows(named=True)
            )
            + (" …" if fl.height > 5 else "")
        )
    with tabel:
        st.dataframe(fl, hide_index=True, width="stretch")
    ui.caption(flows.period_text(m))
    ui.downloads(fl, "trappens-bevaegelser")
