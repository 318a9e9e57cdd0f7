import streamlit as st

from mi import overview, staff, ui

ui.require("personale")
con, month = ui.con(), ui.month()
st.title("Personale")
st.markdown(f"**{ui.month_text()}** · personaleomsætning, anciennitet, ansatte og årsværk")
figures = overview.pack().figures
for col, key in zip(
    st.columns(3), ("turnover_12m", "tenure_under_1y_share", "tenure_under_2y_share"), strict=True
):
    ui.figure_card(col, figures[key], staff.period_12m(month) if key == "turnover_12m" else ui.month_text())
metrics = staff.summary_metrics(staff.summary(con, month))
for col, (label, value, help_text) in zip(st.columns(len(metrics) or 1), metrics, strict=False):
    col.metric(label, value, help=help_text)

st.subheader("Personaleomsætning over 12 måneder")
staff.show(staff.turnover_trend(con, month), "personaleomsaetning")

st.subheader("Fratrådte efter årsag")
staff.show(staff.leavers_by_reason(con, month), "fratraadte-aarsag")

st.subheader("Anciennitet")
staff.show(staff.tenure(con, month), "anciennitet")

st.subheader("Ansatte og årsværk pr. team og rolle")
staff.show(staff.headcount(con, month), "ansatte-team-rolle")
