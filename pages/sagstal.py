import streamlit as st

from mi import staff, ui

role = ui.require("sagstal")
month = ui.month()
norm = ui.view(staff.norm_text)
st.title("Sagstal")
st.markdown(f"**{ui.month_text()}** · åbne sager pr. årsværk for rådgivere mod DS' anbefaling på {norm}")
ui.missing_data("staff")
ui.figure_card(st, ui.pack().figures["caseload_per_fte"], ui.month_text())

st.subheader("Sager pr. årsværk over tid – afdelingen og teams")
ui.show(ui.view(staff.caseload_trend, month), "sagstal-udvikling")
st.caption(f"Det grønne bånd er normen: {norm} (indstillingerne caseload.norm_low/norm_high).")

st.subheader("Sager pr. årsværk pr. team")
ui.show(ui.view(staff.caseload_teams, month), "sagstal-teams")

st.subheader("Rådgivere under, inden for og over normen")
ui.show(ui.view(staff.caseload_bands, month), "sagstal-fordeling")

if role == "leder":
    st.subheader("Sager pr. årsværk pr. rådgiver")
    st.caption("Pseudonyme medarbejder-id'er. Kun for ledere; vises ikke for økonomi og udvalg.")
    # every caseworker (thousands at national scale): drawn when the leader opens it, not at every opening
    box = st.expander("Vis hver rådgivers sagstal", key=staff.CASEWORKERS_KEY, on_change="rerun")
    if box.open:
        with box:
            workers = ui.view(staff.caseworkers, month, role)
            if workers.data.height > staff.CHART_MAX_CASEWORKERS:
                st.caption(
                    f"Grafen viser de {staff.CHART_MAX_CASEWORKERS} rådgivere med flest sager pr. årsværk; tabellen viser alle."
                )
            ui.show(workers, "sagstal-raadgivere")
