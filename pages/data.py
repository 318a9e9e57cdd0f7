import streamlit as st

from mi import dataset, ingest, ui


def _import(checked: dataset.Checked, round_no: int) -> None:
    """The Importér button's callback (runs before the page is drawn again, so the page shows the new version):
    import, clear cached figures, leave a message, and give the page a fresh, empty uploader."""
    try:
        version = dataset.import_checked(checked)
    except ingest.ImportBlocked as exc:
        st.session_state["data_import_failed"] = f"Intet er indlæst: {exc}"
        return
    st.cache_data.clear()
    st.session_state["data_imported"] = f"Data indlæst som dataversion {version}."
    st.session_state["upload_round"] = round_no + 1
    st.session_state.pop("upload_sig", None)
    st.session_state.pop("upload_checked", None)


role = ui.require("data")
con = ui.con()
st.title("Data")
st.markdown("Den indlæste dataversion, rækker pr. tabel og historikken over indlæsninger.")
ui.missing_data(*ingest.OPTIONAL_TABLES)
if done := st.session_state.pop("data_imported", None):
    st.success(done)
if failed := st.session_state.pop("data_import_failed", None):
    st.error(failed)
facts = dataset.current(con)
if not facts:
    ui.empty("Databasen har ingen dataversion: ingen data er indlæst endnu (tabellen data_versions er tom).")
for col, (label, value) in zip(st.columns([1, 2, 2, 1.4][: len(facts)] or 1), facts, strict=False):
    col.metric(label, value)

st.subheader("Rækker pr. tabel")
data, shown = dataset.row_counts(con)
ui.table_with_downloads(data, "raekker-pr-tabel", shown=shown)
st.subheader("Indlæsninger")
data, shown = dataset.history(con)
ui.table_with_downloads(data, "indlaesninger", shown=shown)
with st.expander("Filer og kontrolsummer (SHA-256) pr. indlæsning"):
    data, shown = dataset.files(con)
    ui.table_with_downloads(data, "indlaeste-filer", shown=shown)

st.subheader("Indlæs nye data")
if role != "leder":
    st.caption("Kun ledere kan indlæse nye data.")
    st.stop()
st.caption(
    "Vælg alle datafilerne (children, cases, measures, payments, budget, staff, pupils og – for sagsbehandlingen – "
    "notifications, investigations, activities som CSV, Excel eller Parquet, evt. settings.toml) eller én zip-fil. "
    "Filerne valideres først; intet indlæses før du bekræfter."
)
n = st.session_state.setdefault("upload_round", 0)
files = st.file_uploader(
    "Datafiler", type=dataset.UPLOAD_TYPES, accept_multiple_files=True, key=f"upload-{n}"
)
if files:
    upload = [(f.name, f.getvalue()) for f in files]
    sig = dataset.signature(upload)
    if st.session_state.get("upload_sig") != sig:
        with st.spinner("Validerer filerne …"):
            st.session_state["upload_checked"] = dataset.check(upload)
        st.session_state["upload_sig"] = sig
    checked = st.session_state["upload_checked"]
    st.markdown(f"**Valideringsrapport:** {checked.summary()}")
    if checked.issues:
        ui.table_with_downloads(checked.report(), "valideringsrapport", shown=checked.report_shown())
    if not checked.may_import:
        st.error("Filerne har fejl og kan ikke indlæses. Ret dem, og vælg filerne igen.")
    else:
        sure = st.checkbox("Jeg har læst rapporten og vil erstatte de nuværende data", key=f"sure-{n}")
        st.button(
            "Importér",
            type="primary",
            disabled=not sure,
            key=f"import-{n}",
            on_click=_import,
            args=(checked, n),
        )
