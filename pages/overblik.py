import streamlit as st

from mi import auth, compliance, overview, ui

role = ui.require("overblik")
p = ui.pack()
st.title("Overblik")
st.markdown(f"**{p.month_text}** · status mod målene for indsatstrappen, budgettet, sagstal og personale")
ui.missing_data("payments", "budget", "staff", "pupils")
ui.frozen_note(p)

cards = overview.cards(p)
for title, codes in overview.SECTIONS:
    st.subheader(title)
    figures = [(code, f) for code in codes for f in cards.get(code, [])]
    for start in range(0, len(figures), 3):
        cols = st.columns(3)
        for col, (_, f) in zip(cols, figures[start : start + 3], strict=False):
            ui.figure_card(col, f, ui.ytd_text() if f.key.endswith(("_ytd", "_ytd_dkk")) else p.month_text)
    if title.startswith("Indsats"):
        with st.expander("Fokuspunkterne i én sætning"):
            for fp in p.focus:
                st.markdown(f"**{fp.number}. {fp.title}.** {fp.sentence}")
    for code in codes:
        if code in p.sentences:
            st.markdown(p.sentences[code])
if auth.may_see(role, "sagsbehandling"):
    st.subheader("Sagsbehandling og lovmedholdelighed")
    present = ui.view(compliance.presence)
    keys = [k for k in overview.COMPLIANCE_CARDS if k in compliance.present_keys(present)]
    if keys:
        for col, key in zip(st.columns(3), keys, strict=False):
            ui.figure_card(col, p.figures[key], compliance.period_text(key, p.month))
    else:
        ui.empty(compliance.missing_text(present))
st.subheader("Alle nøgletal for måneden")
# below the first screen: the table is made when it is opened
every = st.expander(
    "Vis alle nøgletal som tabel", key="overblik-alle", on_change="rerun", icon=":material/table:"
)
if every.open:
    with every:
        ui.table_with_downloads(overview.figures_table(p), "noegletal")
for note in p.footnotes:
    st.caption(note)
ui.caption(p.month_text)
