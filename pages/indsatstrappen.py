import streamlit as st

from mi import charts, ladder, ui

ui.require("indsatstrappen")
v, p = ui.view(ladder.view, ui.month(), ui.role(), heavy=True), ui.pack()
month, prev = ui.month_text(), ladder.add_months(ui.month(), -12)
st.title("Indsatstrappen")
st.markdown(
    f"**{month}** · børn på hvert trin af Socialstyrelsens indsatstrappe ved månedens udgang. "
    "Målet er at hjælpe tidligere og lavere på trappen – færre børn på institution."
)
ui.missing_data("pupils", "payments")
if p.frozen:
    st.success(
        f"Nøgletallene for {month} er frosset {p.frozen['frozen_at']:%d.%m.%Y}. Trappen, bevægelserne og "
        "fordelingerne er dagens data.",
        icon=":material/lock:",
    )

st.subheader(f"Trappen i {month}")
ui.chart_with_table(charts.ladder(v.ladder_chart), v.ladder.frame, "indsatstrappen", month, v.ladder.shown)
st.caption(
    "Trin 1 (tidlig indsats i almenområdet) registreres ikke i sagssystemet og står derfor altid på 0. "
    "Et barn tæller én gang: på sin aktuelle anbringelse, ellers på det højeste trin blandt sine indsatser."
)
ui.footnotes(v.ladder.footnotes)

st.subheader("Udviklingen pr. trin")
steps = charts.palette_for(list(ladder.STEP_SHORT.values())[1:])  # one colour per step on both charts
for col, g in zip(st.columns(2), v.step_groups, strict=True):
    with col:
        st.markdown(f"**{g.title}**")
        ui.chart_with_table(
            charts.lines(g.chart, "month", "children", "Trin", "count", colors=steps),
            g.table.frame,
            g.name,
            f"de seneste 24 måneder til og med {month}",
            g.table.shown,
        )
        ui.footnotes(g.table.footnotes)

st.subheader("Bevægelser på trappen")
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

st.header("De fem fokuspunkter")
breakdowns = {
    "f1": ("Institutionsanbringelser efter leverandør", v.institution_providers, "institution-leverandoer"),
    "f2": ("Anbringelser efter type", v.placements, "anbringelser-type"),
    "f3": ("Familiebehandlinger startet i året efter leverandør", v.family_treatment, "familiebehandling"),
    "f4": ("Elever og børn i skole-dagbehandling", v.pupils, "skole-dagbehandling"),
}
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
    if fp.code in breakdowns:
        title, t, name = breakdowns[fp.code]
        st.markdown(f"**{title}**")
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
ui.footnotes(v.footnotes + p.footnotes)
ui.caption(month)
