import streamlit as st

from mi import staff, ui

ui.require("personale")
month = ui.month()
st.title("Personale")
st.markdown(f"**{ui.month_text()}** · personaleomsætning, anciennitet, ansatte og årsværk")
ui.missing_data("staff")
figures = ui.pack().figures
for col, key in zip(
    st.columns(3), ("turnover_12m", "tenure_under_1y_share", "tenure_under_2y_share"), strict=True
):
    ui.figure_card(col, figures[key], staff.period_12m(month) if key == "turnover_12m" else ui.month_text())
metrics = staff.summary_metrics(ui.view(staff.summary, month))
for col, (label, value, help_text) in zip(st.columns(len(metrics) or 1), metrics, strict=False):
    col.metric(label, value, help=help_text)

st.subheader("Personaleomsætning over 12 måneder")
ui.show(ui.view(staff.turnover_trend, month), "personaleomsaetning")

# the sections below: one tab each, drawn when opened (the page runs again when another is chosen)
SECTIONS = {
    "Fratrådte efter årsag": (staff.leavers_by_reason, "fratraadte-aarsag"),
    "Anciennitet": (staff.tenure, "anciennitet"),
    "Ansatte og årsværk pr. team og rolle": (staff.headcount, "ansatte-team-rolle"),
}
for tab, (fn, name) in zip(
    st.tabs(list(SECTIONS), key=staff.SECTION_KEY, on_change="rerun"), SECTIONS.values(), strict=True
):
    if tab.open:
        with tab:
            ui.show(ui.view(fn, month), name)
