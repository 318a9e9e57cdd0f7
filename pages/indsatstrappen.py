import streamlit as st

from mi import charts, frozen, ladder, ui

ui.require("indsatstrappen")
v = ui.view(ladder.view, ui.month(), ui.role(), heavy=True)
month, prev = ui.month_text(), ladder.add_months(ui.month(), -12)
st.title("Indsatstrappen")
st.markdown(
    f"**{month}** · børn på hvert trin af Socialstyrelsens indsatstrappe ved månedens udgang. "
    "Målet er at hjælpe tidligere og lavere på trappen – færre børn på institution."
)
ui.missing_data("pupils", "payments")
info = ui.view(frozen.frozen_info, ui.month())
if info:
    # what is true for the role: the committee sees a frozen month in one version (mi.ladder, module docstring)
    when = f"Nøgletallene for {month} er frosset {info['frozen_at']:%d.%m.%Y}."
    if v.withheld:
        st.warning(f"{when} {v.withheld}", icon=":material/lock:")
    elif v.suppress:
        st.success(
            f"{when} Dagens data for måneden er de samme som de frosne, så trappen, bevægelserne og "
            "fordelingerne stemmer med nøgletallene.",
            icon=":material/lock:",
        )
    else:
        st.success(
            f"{when} Her vises dagens data – trappen, bevægelserne, fordelingerne og nøgletallene; udvalget ser "
            "månedens frosne nøgletal.",
            icon=":material/lock:",
        )


def the_ladder() -> None:
    st.subheader(f"Trappen i {month}")
    if v.withheld:
        st.info(v.withheld, icon=":material/visibility_off:")
        return
    ui.chart_with_table(
        charts.ladder(v.ladder_chart), v.ladder.frame, "indsatstrappen", month, v.ladder.shown
    )
    st.caption(
        "Trin 1 (tidlig indsats i almenområdet) registreres ikke i sagssystemet og står derfor altid på 0. "
        "Et barn tæller én gang: på sin aktuelle anbringelse, ellers på det højeste trin blandt sine indsatser."
    )
    ui.footnotes(v.ladder.footnotes)


def steps() -> None:
    st.subheader("Udviklingen pr. trin")
    colours = charts.palette_for(list(ladder.STEP_SHORT.values())[1:])  # one colour per step on both charts
    for col, g in zip(st.columns(2), v.step_groups, strict=True):
        with col:
            st.markdown(f"**{g.title}**")
            ui.chart_with_table(
                charts.lines(g.chart, "month", "children", "Trin", "count", colors=colours),
                g.table.frame,
                g.name,
                f"de seneste 24 måneder til og med {month}",
                g.table.shown,
            )
            ui.footnotes(g.table.footnotes)


def moves() -> None:
    st.subheader("Bevægelser på trappen")
    if v.withheld:
        st.info(v.withheld, icon=":material/visibility_off:")
        return
    if v.suppress:
        ui.chart_with_table(
            charts.bars(v.moves_chart, "Bevægelse", "n", "count", label="shown"),
            v.moves.frame,
            "bevaegelser",
            f"de seneste 12 måneder til og med {month}",
            v.moves.shown,
        )
    for col, g in zip(st.columns(2) if v.move_groups else [], v.move_groups, strict=True):
        with col:
            st.markdown(f"**{g.title}**")
            ui.chart_with_table(
                charts.lines(g.chart, "month", "n", "Bevægelse", "count"),
                g.table.frame,
                g.name,
                f"de seneste 12 måneder til og med {month}",
                g.table.shown,
            )
    st.caption(
        "Op/ned: børn, hvis trin ved månedens udgang er højere/lavere end ved udgangen af måneden før. "
        + (
            "Udvalget ser de seneste 12 måneder under ét."
            if v.suppress
            else "Nye/ude: børn, der ikke stod på trappen måneden før / ikke gør det længere."
        )
    )
    ui.footnotes(v.moves.footnotes)


BREAKDOWNS = {
    "f1": ("Institutionsanbringelser efter leverandør", "institution_providers", "institution-leverandoer"),
    "f2": ("Anbringelser efter type", "placements", "anbringelser-type"),
    "f3": ("Familiebehandlinger startet i året efter leverandør", "family_treatment", "familiebehandling"),
    "f4": ("Elever og børn i skole-dagbehandling", "pupils", "skole-dagbehandling"),
}


def focus_points() -> None:
    p = ui.pack()  # the month's figures (frozen and protected for the role): only this section shows them
    st.header("De fem fokuspunkter")
    for fp in p.focus:
        st.subheader(f"{fp.number}. {fp.title}")
        st.markdown(fp.sentence)
        cards, trend = st.columns([1, 2])
        for f in [fp.headline, *fp.extra]:
            ui.figure_card(cards, f, ui.ytd_text() if "_ytd" in f.key else month)
        chart, table = ladder.trend(p, fp.chart_key)
        with trend:
            ui.chart_with_table(
                charts.lines(
                    chart, "month", "value", None, chart["unit"][0], target="year_before", group="segment"
                ),
                table.frame,
                f"fokuspunkt-{fp.number}",
                f"de seneste 24 måneder til og med {month}",
                table.shown,
            )
            st.caption("Stiplet linje: samme måned året før – det, status sammenlignes med.")
            ui.footnotes(table.footnotes)
        if fp.code in BREAKDOWNS:
            title, attr, name = BREAKDOWNS[fp.code]
            t = getattr(v, attr)
            st.markdown(f"**{title}**")
            if v.withheld and attr != "placements":  # the placement table is the frozen one
                st.info(v.withheld, icon=":material/visibility_off:")
                continue
            ui.table_with_downloads(t.frame, name, month, t.shown)
            ui.footnotes(t.footnotes)
        else:
            st.markdown(f"**Udbetalt pr. måned, {prev.year + 1} mod {prev.year}**")
            ui.chart_with_table(
                charts.bars(
                    v.lost_earnings_chart,
                    "Måned",
                    "amount_dkk",
                    "kr",
                    color="År",
                    horizontal=False,
                    sort=ladder.MONTH_SHORT,
                ),
                v.lost_earnings.frame,
                "tabt-arbejdsfortjeneste",
                ui.ytd_text(),
                v.lost_earnings.shown,
            )
    ui.footnotes(p.footnotes)


# one section at a time, drawn when its tab is opened: the ladder itself first
sections = {
    "Trappen": the_ladder,
    "Udviklingen pr. trin": steps,
    "Bevægelser": moves,
    "Fokuspunkterne": focus_points,
}
for tab, draw in zip(
    st.tabs(list(sections), key="trappe-afsnit", on_change="rerun"), sections.values(), strict=True
):
    if tab.open:
        with tab:
            draw()
ui.footnotes(v.footnotes)
ui.caption(month)
