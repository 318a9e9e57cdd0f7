import streamlit as st

from mi import compliance, ui

role = ui.require("sagsbehandling")
month = ui.month()
st.title("Sagsbehandling")
st.markdown(
    f"**{ui.month_text()}** · lovmedholdelighed: underretninger, børnefaglige undersøgelser, handleplaner, "
    "opfølgning og tilsyn – målt som Ankestyrelsens Børnesagsbarometer, hver måned"
)
present = ui.view(compliance.presence)
keys = compliance.present_keys(present)
missing = compliance.missing_text(present)
if missing:
    st.info(missing, icon=":material/info:")
if not keys:
    ui.caption(ui.month_text())
    st.stop()

p = ui.pack()
ui.frozen_note(p)

for start in range(0, len(keys), 3):
    for col, key in zip(st.columns(3), keys[start : start + 3], strict=False):
        ui.figure_card(col, p.figures[key], compliance.period_text(key, month))
ui.footnotes(p.footnotes)

st.subheader("Kommunen og landsniveauet (Børnesagsbarometeret)")
ui.show(compliance.national(p), "sagsbehandling-landsniveau")


def trend() -> None:
    st.subheader("Udviklingen de seneste 24 måneder")
    shares = tuple(k for k in compliance.SHARE_KEYS if k in keys)
    counts = tuple(k for k in compliance.COUNT_KEYS if k in keys)
    if shares:
        ui.show(ui.view(compliance.trend, month, shares), "sagsbehandling-andele")
    if counts:
        st.markdown(
            "**Antal: underretninger i måneden og åbne undersøgelser over fristen ved månedens udgang**"
        )
        ui.show(ui.view(compliance.trend, month, counts), "sagsbehandling-antal")


def units() -> None:
    st.subheader("Pr. team og rådgiver")
    st.caption(
        "Hvert barn tælles hos sin rådgiver på den dag, det tæller: underretninger på modtagelsesdagen, afsluttede "
        "undersøgelser på afslutningsdagen, resten ved månedens udgang. Rådgiveren er den, der har barnets senest "
        "oprettede åbne sag; børn uden sag står som »uden sag«. Pseudonyme id'er; kun for ledere."
    )
    key = st.selectbox(
        "Nøgletal i graferne", keys, format_func=compliance.label, **ui.kept("sagsbehandling-kpi", keys)
    )
    team_tab, worker_tab = st.tabs(["Teams", "Rådgivere"], key="sagsbehandling-niveau", on_change="rerun")
    if team_tab.open:
        with team_tab:
            ui.show(ui.view(compliance.by_unit, month, "team", key, role), "sagsbehandling-teams")
    if worker_tab.open:
        with worker_tab:
            st.caption(
                f"Grafen viser højst {compliance.CHART_MAX_UNITS} rådgivere (dem med flest sager bag tallet)."
            )
            ui.show(ui.view(compliance.by_unit, month, "raadgiver", key, role), "sagsbehandling-raadgivere")


def deadline_list() -> None:
    st.subheader("Fristliste")
    st.caption(
        "Åbne børnefaglige undersøgelser (frist: 4 måneder efter start) og opfølgninger (6 måneder efter indsatsens "
        "start eller seneste opfølgning) og personlige tilsyn (6 måneder efter seneste tilsyn eller anbringelsens "
        "start), der forfalder inden for 30 dage efter »data pr.« – og dem, der allerede er overskredet."
    )
    options = ui.view(compliance.deadline_options, role)
    f1, f2, f3 = st.columns(3)
    kinds = f1.multiselect(
        "Frist for",
        list(compliance.DEADLINE_KINDS),
        format_func=compliance.DEADLINE_KINDS.get,
        **ui.kept("frist-type"),
        placeholder="Alle",
    )
    teams = f2.multiselect(
        "Team", options["teams"], placeholder="Alle", **ui.kept("frist-team", options["teams"])
    )
    workers = f3.multiselect(
        "Rådgiver",
        options["caseworkers"],
        placeholder="Alle",
        **ui.kept("frist-raadgiver", options["caseworkers"]),
    )
    ui.show(ui.view(compliance.deadlines, role, tuple(kinds), tuple(teams), tuple(workers)), "fristliste")


if role == "leder":
    # the leader's sections below the figures: one at a time, drawn when its tab is opened
    sections = {"Udviklingen": trend, "Pr. team og rådgiver": units, "Fristliste": deadline_list}
    for tab, draw in zip(
        st.tabs(list(sections), key="sagsbehandling-afsnit", on_change="rerun"),
        sections.values(),
        strict=True,
    ):
        if tab.open:
            with tab:
                draw()
