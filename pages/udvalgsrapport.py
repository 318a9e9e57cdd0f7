import streamlit as st

from mi import charts, committee, db, economy, excel, figures, fmt, frozen, pack_charts, pdf, sentences, ui

role = ui.require("udvalgsrapport")
p = ui.pack()
images = {k: charts.finish(c, height=220) for k, c in pack_charts.charts(p).items()}


@st.cache_data(show_spinner="Danner PDF …", max_entries=12)
def _pdf(path: str, stamp, month, role: str) -> bytes:
    return pdf.render_pdf(ui.pack(month, role))


st.title("Udvalgsrapport")
st.markdown(f"**{p.month_text.capitalize()}** · {figures.ROLE_LABELS[p.role]}")
ui.missing_data("payments", "budget", "staff", "pupils")
if p.frozen:
    st.success(sentences.frozen_text(p), icon=":material/lock:")
else:
    st.warning(sentences.frozen_text(p), icon=":material/lock_open:")

a, b, c = st.columns(3)
if a.button("Dan PDF", key="pdf-build"):
    st.session_state["pdf-wanted"] = True
if st.session_state.get("pdf-wanted"):
    path = db.db_path()
    a.download_button(
        "PDF",
        _pdf(str(path), db.file_stamp(path), p.month, p.role),
        f"{p.stem}.pdf",
        "application/pdf",
        key="pdf",
        icon=":material/download:",
    )
b.download_button(
    "Excel",
    excel.render_xlsx(p),
    f"{p.stem}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="xlsx",
    icon=":material/download:",
)
if (
    role == "leder"
    and not p.frozen
    and c.button(f"Frys {p.month_text}", key="freeze", icon=":material/lock:")
):
    try:
        frozen.freeze_file(db.db_path(), p.month)
    except frozen.AlreadyFrozen as exc:
        st.info(str(exc))
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.cache_data.clear()
        st.cache_resource.clear()
        st.rerun()
elif role == "leder" and p.frozen:
    c.caption(f"{p.month_text.capitalize()} er frosset; de første tal bevares.")


def arrow(change) -> str:
    if isinstance(change, str) or not change:
        return "off"
    return "up" if change > 0 else "down"


st.header("De fem fokuspunkter")
for fp in p.focus:
    with st.container(border=True):
        st.subheader(f"{fp.number}. {fp.title}")
        left, right = st.columns([2, 3])
        for f in [fp.headline, *fp.extra]:
            left.metric(
                f.label,
                f.text(),
                f"{f.change_text('change_year')} siden sidste år",
                delta_color="off",
                # by the change's sign, not its text ('ca. -5' starts with 'ca.'); none for 0 or a hidden change
                delta_arrow=arrow(f.change_year),
                help=f.definition,
            )
            left.markdown(ui.status_badge(f.status, f.status_label))
            if f.is_revised:
                left.caption(f"Frosset tal revideret: {f.revision_text()}")
        with right:
            st.markdown(fp.sentence)
            frame, shown = committee.pack_series(p, fp.chart_key)
            ui.chart_with_table(images[fp.code], frame, f"fokus-{fp.number}", ui.span(frame), shown)
            st.caption(sentences.chart_caption(p, fp))

st.header("Anbragte børn efter anbringelsessted")
ui.table_with_downloads(committee.pack_placements(p), "anbringelser", p.month_text)

st.header("Økonomi")
st.markdown(p.sentences["budget"])
ui.table_with_downloads(
    committee.pack_budget(p), "oekonomi-noegletal", f"{p.month.year}, opgjort {p.month_text}"
)
st.subheader("Merforbrug år for år mod målet")
path = economy.path_table(p.path)
ui.chart_with_table(
    images["path"], path, "maal-for-merforbrug", f"{p.baseline_year}–{p.month.year}", fmt.danish_table(path)
)

if p.scenarios:
    # the scenarios presented to the committee for the month, as in the pack (the whole of each on Scenarier)
    st.header("Scenarier fremlagt for udvalget")
    for sc in p.scenarios:
        st.markdown(
            f"**{sc['name']}** (fremlagt {fmt.day(sc['presented_at'])}): {sc['gap']}  \n"
            f"Besparelse {p.month.year}: {fmt.money(sc['result']['savings_this_year_dkk'])} · "
            f"{p.month.year + 1}: {fmt.money(sc['result']['savings_next_year_dkk'])}"
        )
    st.page_link("pages/scenarier.py", label="Se scenarierne i sin helhed", icon=":material/calculate:")

st.header("Sagstal og personale")
staff_keys = ("caseload_per_fte", "turnover_12m", "tenure_under_1y_share", "tenure_under_2y_share")
for col, key in zip(st.columns(len(staff_keys)), staff_keys, strict=True):
    f = p.figures[key]
    with col.container(border=True):
        st.metric(f.label, f.text(), help=f.definition)
        st.markdown(ui.status_badge(f.status, f.status_label))
        if f.is_revised:
            st.caption(f"Frosset tal revideret: {f.revision_text()}")
st.markdown(p.sentences["caseload"])
frame, shown = committee.pack_series(p, "caseload_per_fte")
ui.chart_with_table(images["caseload"], frame, "sagstal", ui.span(frame), shown)
st.markdown(p.sentences["staff"])
frame, shown = committee.pack_series(p, "turnover_12m")
ui.chart_with_table(images["turnover"], frame, "personaleomsaetning", ui.span(frame), shown)

if p.revisions:
    st.header("Revisioner")
    ui.table_with_downloads(committee.pack_revisions(p), "revisioner", p.month_text)

with st.expander("Definitioner"):
    ui.table_with_downloads(committee.definitions(), "definitioner")
for note in p.footnotes:
    st.caption(note)
ui.caption(p.month_text)
