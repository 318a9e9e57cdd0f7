"""Ledelsesinformation for det specialiserede børne- og ungeområde: the Streamlit entry point.

Who the user is (role), the pages that role may see, and the shared sidebar (month, role, "data pr."). Nothing else:
each page lays out what mi.* returns.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from mi import auth, db, demo, fmt, kpi, ui

st.set_page_config(
    page_title="Ledelsesinformation · Børn og unge", page_icon=":material/bar_chart:", layout="wide"
)
ui.focus_style()  # a visible keyboard focus on every page (WCAG 2.4.7)
ui.begin_run()  # this run reads one database file: a file swapped in meanwhile starts the run again (ui._stamp)

# The first run after the server starts: with a pages/ folder beside app.py, Streamlit begins in its legacy
# multipage mode until st.navigation has run once, and widgets drawn in that run get other ids than in every later
# run (the session's first month change would be lost). Leave that mode and start the run again, before any widget.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

# ---- the database: the demo municipality on a fresh machine -------------------------------------------
if not db.db_path().exists():
    bar = st.progress(0.0, text="Bygger demokommunens database …")
    demo.ensure_demo_db(lambda fraction, text: bar.progress(fraction, text=text))
    bar.empty()
elif not db.is_current(ui.con()):
    # built by an older version of the program: its views and marts are rebuilt from its own data (once)
    bar = st.progress(0.5, text="Databasen er bygget af en ældre version: nøgletallene genopbygges …")
    db.refresh()
    bar.empty()

# ---- who: OIDC when configured, else demo mode with a role picker; $MI_ROLE_PIN fixes the role on the server ----
try:
    pinned = auth.pinned_role()
except ValueError as exc:
    st.error(str(exc))
    st.stop()
if auth.auth_configured(st.secrets):
    if not st.user.get("is_logged_in"):
        st.title("Ledelsesinformation · Børn og unge")
        st.write("Log ind med din kommunale konto for at se tallene.")
        st.button("Log ind", on_click=st.login, type="primary")
        st.stop()
    if auth.email_refused(st.user):
        st.error("Din e-mailadresse er ikke bekræftet hos identitetsudbyderen, så den kan ikke få en rolle.")
        st.button("Log ud", on_click=st.logout)
        st.stop()
    role = auth.role_for(st.user.get("email"), auth.load_roles())
    if role is None:
        st.error(f"{st.user.get('email')} har ingen rolle i rollefilen. Kontakt din leder.")
        st.button("Log ud", on_click=st.logout)
        st.stop()
    st.session_state["role"] = pinned or role
    # the name comes from the identity provider: shown as plain text, never as markdown (no links, no images)
    st.sidebar.text(f"{st.user.get('name') or st.user.get('email')} · {auth.ROLE_LABELS[pinned or role]}")
    st.sidebar.button("Log ud", on_click=st.logout)
elif pinned:
    st.session_state["role"] = pinned
    st.sidebar.caption(f"Rollen er fastlagt på serveren: {auth.ROLE_LABELS[pinned]}.")
else:
    preset = auth.preset_role()
    if st.session_state.get("role") not in auth.ROLES:
        st.session_state["role"] = preset or "leder"
    # the widget keeps its own key (set from the role when Streamlit has dropped it); the role lives in a plain
    # session key, which Streamlit never clears
    if st.session_state.get("_role") not in auth.ROLES:
        st.session_state["_role"] = st.session_state["role"]
    st.session_state["role"] = st.sidebar.selectbox(
        "Demotilstand – vælg rolle",
        auth.ROLES,
        format_func=lambda r: auth.ROLE_LABELS[r],
        key="_role",
        help="Uden login (ingen [auth] i .streamlit/secrets.toml) kan rollen vælges frit. "
        + " · ".join(f"{auth.ROLE_LABELS[r]}: {auth.ROLE_HELP[r]}" for r in auth.ROLES),
    )
    st.sidebar.caption(":material/warning: Demotilstand: ingen login. Rollen styrer, hvad siderne viser.")
role = st.session_state["role"]

# ---- the month -----------------------------------------------------------------------------------------
# through ui.view: kept per database file, and a run whose file is swapped meanwhile starts again on the new one
rng = ui.view(kpi.data_range)
# complete months, newest first, back to January seven years before (older months are history, not steering)
last = rng["default_month"] if rng else None
months = [m for m in ui.view(kpi.months) if m <= last and m.year >= last.year - 7][::-1] if rng else []
if not months:
    st.error("Databasen har ingen data. Indlæs en datamappe (`python -m mi import --data MAPPE`).")
    st.stop()
if st.session_state.get("month") not in months:
    st.session_state["month"] = months[0]
if st.session_state.get("_month") not in months:
    st.session_state["_month"] = st.session_state["month"]
st.session_state["month"] = st.sidebar.selectbox("Måned", months, format_func=fmt.month_name, key="_month")
info = ui.data_info()
st.sidebar.caption(
    f"Data pr. {fmt.day(info.get('data_as_of'))} · dataversion {info.get('version_id', '–')}"
    + (f", indlæst {info['imported_at']:%d.%m.%Y %H:%M}" if info.get("imported_at") else "")
)

present = [p for p in auth.pages_for(role) if (db.ROOT / "pages" / f"{p.slug}.py").exists()]
pages = [
    st.Page(
        f"pages/{p.slug}.py", title=p.title, icon=p.icon, url_path=p.slug if i else "start", default=(i == 0)
    )
    for i, p in enumerate(present)
]
if present:
    # The default page is served at "/" (Streamlit reserves its url_path without serving it); a bookmark of its
    # slug (/overblik) opens the same file through a hidden page.
    first = present[0]
    pages.append(
        st.Page(f"pages/{first.slug}.py", title=first.title, url_path=first.slug, visibility="hidden")
    )
st.navigation(pages).run()
