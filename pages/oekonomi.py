import streamlit as st

from mi import charts, economy, fmt, pack_charts, ui

role = ui.require("oekonomi")
m = ui.month()
p = ui.pack()
detail = economy.may_see_detail(role)
year, ytd = m.year, ui.ytd_text()

st.title("Økonomi")
st.markdown(
    f"**{p.month_text}** · budget og forbrug år til dato, forventet forbrug for {year} og målet for merforbruget"
)
ui.missing_data("payments", "budget")
if p.frozen and p.suppress:
    st.success(
        f"Nøgletallene øverst er frosset {fmt.day(p.frozen['frozen_at'])}; tabellerne viser dagens data.",
        icon=":material/lock:",
    )

cols = st.columns(4)
for col, h in zip(cols, economy.headline(p)[:4], strict=False):
    with col.container(border=True):
        st.metric(h["label"], h["text"], help=h["definition"])
        if h["good"] != "none":
            st.markdown(ui.status_badge(h["status"], h["status_label"]))
        if h["revision"]:
            st.caption(f"Frosset tal revideret: {h['revision']}")
st.markdown(p.sentences["budget"])

with st.expander("Filtre", expanded=True):
    opts = ui.view(economy.options, m, role)
    fcols = st.columns(len(opts))
    filters = economy.Filters(
        {
            d: c.multiselect(economy.DIMS[d], opts[d], key=f"oek-{d}", placeholder="Alle")
            for (d, c) in zip(opts, fcols, strict=True)
        }
    )
    if filters.below_area:
        st.caption(
            "Budgettet findes pr. budgetområde: tabellen over budgetområder, budgetlinjen og vandfaldet følger kun "
            "filteret på budgetområde; de øvrige filtre virker på forbruget i kurven, fordelingen, bevillingerne "
            "og enhedspriserne (dem på indsatstype og leverandørtype)."
        )

st.header("1. Budget og forbrug år til dato")
areas = ui.view(economy.budget_by_area, m, filters)
st.caption(
    "Beløb i kroner. Budget til dato: årets budget i 1/12-dele. Bevilget resten: hvad de bevilgede indsatser "
    "koster resten af året. Forventet = forbrug til dato + bevilget resten. Afvigelse: forbrug minus budget "
    "(positiv: merforbrug)."
)
ui.table_with_downloads(areas, "budget-omraader", ytd, fmt.danish_table(areas, kr=False))
st.subheader("Forbrug år til dato mod budgettet i 1/12-dele")
cum = ui.view(economy.cumulative, m, filters)
ui.chart_with_table(
    charts.lines(cum, "Måned", "Beløb", "Serie", "dkk"),
    cum,
    "forbrug-mod-profil",
    f"januar–december {year}",
    fmt.danish_table(cum),
)


def breakdown() -> None:
    dim = st.selectbox(
        "Fordel forbruget på", list(economy.DIMS), format_func=economy.DIMS.get, **ui.kept("oek-dim")
    )
    bd = ui.view(economy.breakdown, m, dim, filters)
    chart = economy.hbars(economy.breakdown_long(bd, dim), economy.DIMS[dim], "Beløb", "Del", stack=True)
    ui.chart_with_table(chart, bd, f"forbrug-{dim}", ytd, fmt.danish_table(bd))


def forecast() -> None:
    st.markdown(
        f"Forventet forbrug = forbrug år til dato + hvad de bevilgede indsatser koster resten af året "
        f"(månedspris × dage aktive i hver måned efter {p.month_text}; uden slutdato til 31. december)."
    )
    wf = ui.view(economy.waterfall, m, filters)
    ui.chart_with_table(
        economy.waterfall_chart(wf),
        wf,
        "fra-budget-til-forventet",
        f"{year}, opgjort {p.month_text}",
        fmt.danish_table(wf),
    )
    if detail:
        st.subheader("De største bevillinger resten af året")
        top = ui.view(economy.commitments, m, filters)
        ui.table_with_downloads(
            top, "bevillinger", f"efter {p.month_text} til 31. december {year}", fmt.danish_table(top)
        )


def target() -> None:
    path = ui.view(economy.path, m)
    status = economy.path_status(path)
    if status:
        st.markdown(f"{ui.status_badge(status['status'], status['label'])} · {status['text']}")
    pt = economy.path_table(path)
    ui.chart_with_table(
        charts.finish(pack_charts.path_chart(path), height=190),
        pt,
        "maal-for-merforbrug",
        f"{p.baseline_year}–{year}",
        fmt.danish_table(pt),
    )


def unit_prices() -> None:
    st.markdown(
        "Gennemsnitlig månedlig udgift pr. barn: kontraktpris (aktive indsatser ved månedens udgang) ved siden af det betalte i måneden."
    )
    up = ui.view(economy.unit_prices, m, filters)
    ui.chart_with_table(economy.unit_price_chart(up), up, "enhedspriser", p.month_text, fmt.danish_table(up))
    types = ui.view(economy.unit_price_types, m)
    kind = st.selectbox("Udvikling for indsatstype", types, **ui.kept("oek-unit", types))
    trend = ui.view(economy.unit_price_trend, m, kind)
    ui.chart_with_table(
        charts.lines(trend, "Måned", "Kr. pr. barn", "Serie", "kr"),
        trend,
        "enhedspris-udvikling",
        ui.span(trend),
        fmt.danish_table(trend),
    )


def changes() -> None:
    fc = ui.view(economy.forecast_change, m)
    if fc["has_previous"]:
        st.markdown(
            f"Forventet forbrug før: **{fmt.money(fc['previous_forecast_dkk'])}**, nu: **{fmt.money(fc['forecast_dkk'])}**. "
            "Forskellen er ændringen i faktisk forbrug plus virkningen af de ændrede indsatser:"
        )
        rec = ui.view(economy.reconciliation, m, detail)
        ui.table_with_downloads(
            rec, "afstemning", f"{year}, opgjort {p.month_text}", fmt.danish_table(rec, 2)
        )
        if detail:
            st.subheader("Virkning pr. indsatstype")
            eff = ui.view(economy.effects_by_type, m)
            ui.table_with_downloads(
                eff, "virkning-pr-indsatstype", f"{year}, opgjort {p.month_text}", fmt.danish_table(eff, 2)
            )
            st.subheader("De ændrede indsatser")
            ch = ui.view(economy.measure_changes, m)
            ui.table_with_downloads(
                ch, "aendrede-indsatser", f"{year}, opgjort {p.month_text}", fmt.danish_table(ch, 2)
            )
    else:
        ui.empty(
            f"Der er kun én dataindlæsning, så der er intet at sammenligne med. I stedet vises indsatser startet eller afsluttet i {p.month_text}."
            if detail
            else "Der er kun én dataindlæsning, så der er intet at sammenligne med."
        )
        if detail:
            by_type = ui.view(economy.started_ended_by_type, m)
            ui.table_with_downloads(
                by_type, "startet-afsluttet-pr-type", p.month_text, fmt.danish_table(by_type)
            )
            st.subheader(f"Indsatser startet eller afsluttet i {p.month_text}")
            ch = ui.view(economy.started_ended, m)
            ui.table_with_downloads(ch, "startet-afsluttet", p.month_text, fmt.danish_table(ch))


# the sections below the first screen: one tab each, and only the open tab is drawn (the page runs again when
# another is chosen), so the page opens without the queries and charts of the sections nobody has opened
sections = economy.sections(detail)
drawers = {
    "breakdown": breakdown,
    "forecast": forecast,
    "target": target,
    "unit_prices": unit_prices,
    "changes": changes,
}
for tab, (name, _) in zip(
    st.tabs(list(sections.values()), key=economy.SECTION_KEY, on_change="rerun"),
    sections.items(),
    strict=True,
):
    if tab.open:
        with tab:
            drawers[name]()
if not detail:
    st.caption(
        "Udvalget ser samlede tal: budgetområder, målet og totaler (ingen lister over indsatser, leverandører eller børn)."
    )
