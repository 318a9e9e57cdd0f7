import streamlit as st

from mi import charts, committee, db, economy, excel, figures, fmt, frozen, pack_charts, pdf, sentences, ui

role = ui.require("udvalgsrapport")
p = ui.pack()

st.title("Udvalgsrapport")
st.markdown(f"**{p.month_text.capitalize()}** · {figures.ROLE_LABELS[p.role]}")
ui.missing_data("payments", "budget", "staff", "pupils")
if p.frozen:
    st.success(sentences.frozen_text(p), icon=":material/lock:")
else:
    st.warning(sentences.frozen_text(p), icon=":material/lock_open:")

# the files are made when their button is clicked (not at every run of the page); the PDF is the whole report
path = db.db_path()
pdf_key = (str(path), db.file_stamp(path), p.month, p.role)
a, b, c = st.columns(3)
a.download_button(
    "PDF",
    lambda: pdf.render_pdf_once(pdf_key, p),
    f"{p.stem}.pdf",
    "application/pdf",
    key="pdf",
    icon=":material/download:",
    on_click="ignore",
)
b.download_button(
    "Excel",
    lambda: excel.render_xlsx(p),
    f"{p.stem}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="xlsx",
    icon=":material/download:",
    on_click="ignore",
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


def pack_chart(name: str, key: str, file_name: str) -> None:
    """One of the pack's charts (mi.pack_charts) with its months as a table and downloads."""
    frame, shown = committee.pack_series(p, key)
    spec = charts.finish(pack_charts.chart(p, name), height=220)
    ui.chart_with_table(spec, frame, file_name, ui.span(frame), shown)


def focus_points() -> None:
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
                pack_chart(fp.code, fp.chart_key, f"fokus-{fp.number}")
                st.caption(sentences.chart_caption(p, fp))


def placements_and_economy() -> None:
    st.header("Anbragte børn efter anbringelsessted")
    ui.table_with_downloads(committee.pack_placements(p), "anbringelser", p.month_text)
    st.header("Økonomi")
    st.markdown(p.sentences["budget"])
    ui.table_with_downloads(
        committee.pack_budget(p), "oekonomi-noegletal", f"{p.month.year}, opgjort {p.month_text}"
    )
    st.subheader("Merforbrug år for år mod målet")
    table = economy.path_table(p.path)
    ui.chart_with_table(
        charts.finish(pack_charts.chart(p, "path"), height=220),
        table,
        "maal-for-merforbrug",
        f"{p.baseline_year}–{p.month.year}",
        fmt.danish_table(table),
    )


def scenarios() -> None:
    # the scenarios presented to the committee for the month, as in the pack (the whole of each on Scenarier)
    st.header("Scenarier fremlagt for udvalget")
    for sc in p.scenarios:
        st.markdown(
            f"**{sc['name']}** (fremlagt {fmt.day(sc['presented_at'])}): {sc['gap']}  \n"
            f"Besparelse {p.month.year}: {fmt.money(sc['result']['savings_this_year_dkk'])} · "
            f"{p.month.year + 1}: {fmt.money(sc['result']['savings_next_year_dkk'])}"
        )
    st.page_link("pages/scenarier.py", label="Se scenarierne i sin helhed", icon=":material/calculate:")


def caseload_and_staff() -> None:
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
    pack_chart("caseload", "caseload_per_fte", "sagstal")
    st.markdown(p.sentences["staff"])
    pack_chart("turnover", "turnover_12m", "personaleomsaetning")


def revisions_and_definitions() -> None:
    if p.revisions:
        st.header("Revisioner")
        ui.table_with_downloads(committee.pack_revisions(p), "revisioner", p.month_text)
    st.header("Definitioner")
    ui.table_with_downloads(committee.definitions(), "definitioner")


# the report in the pack's order; on screen one section at a time (a section is drawn when its tab is opened),
# or the whole report on one page, to read through or print (the PDF above is the whole report too)
sections = {"Fokuspunkter": focus_points, "Anbringelser og økonomi": placements_and_economy}
if p.scenarios:
    sections["Scenarier"] = scenarios
sections["Sagstal og personale"] = caseload_and_staff
sections["Revisioner og definitioner" if p.revisions else "Definitioner"] = revisions_and_definitions
if st.toggle("Hele rapporten på én side (til udskrift)", key="udvalg-hele"):
    for draw in sections.values():
        draw()
else:
    for tab, draw in zip(
        st.tabs(list(sections), key="udvalg-afsnit", on_change="rerun"), sections.values(), strict=True
    ):
        if tab.open:
            with tab:
                draw()
for note in p.footnotes:
    st.caption(note)
ui.caption(p.month_text)
