import streamlit as st

from mi import overview, staff, ui

role = ui.require("sagstal")
con, month = ui.con(), ui.month()
st.title("Sagstal")
st.markdown(
    f"**{ui.month_text()}** · åbne sager pr. årsværk for rådgivere mod DS' anbefaling på {staff.norm_text(con)}"
)
ui.figure_card(st, overview.pack().figures["caseload_per_fte"], ui.month_text())

st.subheader("Sager pr. årsværk over tid – afdelingen og teams")
staff.show(staff.caseload_trend(con, month), "sagstal-udvikling")
st.caption(
    f"Det grønne bånd er normen: {staff.norm_text(con)} (indstillingerne caseload.norm_low/norm_high)."
)

st.subheader("Sager pr. årsværk pr. team")
staff.show(staff.caseload_teams(con, month), "sagstal-teams")

st.subheader("Rådgivere under, inden for og over normen")
staff.show(staff.caseload_bands(con, month), "sagstal-fordeling")

if role == "leder":
    st.subheader("Sager pr. årsværk pr. rådgiver")
    st.caption("Pseudonyme medarbejder-id'er. Kun for ledere; vises ikke for økonomi og udvalg.")
    workers = staff.caseworkers(con, month, role)
    if workers.data.height > staff.CHART_MAX_CASEWORKERS:
        st.caption(
            f"Grafen viser de {staff.CHART_MAX_CASEWORKERS} rådgivere med flest sager pr. årsværk; tabellen viser alle."
        )
    staff.show(workers, "sagstal-raadgivere")
