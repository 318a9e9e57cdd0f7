"""The frame (app.py): the role decides the pages; the month picker; 'data pr.'; the server-side check."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mi import auth, db, fmt
from mi.settings import ROOT
from tests.pages.conftest import MONTH, assert_refused, nav_pages, open_directly, run_app, texts

pytestmark = pytest.mark.usefixtures("app_db")


@pytest.mark.parametrize("role", auth.ROLES)
def test_app_opens_on_the_latest_complete_month_with_data_as_of(role):
    at = run_app(role)
    assert not at.exception
    assert at.sidebar.selectbox(key="_month").value == MONTH  # demo written to October 2026
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Data pr. " in captions and "dataversion 1" in captions
    assert at.sidebar.selectbox(key="_role").value == role
    assert "Demotilstand" in at.sidebar.selectbox(key="_role").label


def test_a_database_from_an_older_version_is_rebuilt_when_the_app_opens(app_db):
    # another program version's stamp: the app rebuilds views and marts from the database's own data, then opens
    con = db.connect(app_db, read_only=False)
    con.sql("update build_info set schema_stamp = 'older'")
    con.close()
    at = run_app("leder")
    assert not at.exception
    assert at.sidebar.selectbox(key="_month").value == MONTH
    with db.connect(app_db) as con:
        assert db.is_current(con)


FORBIDDEN = [
    (role, p.slug)
    for role in auth.ROLES
    for p in auth.PAGES
    if role not in p.roles and (ROOT / "pages" / f"{p.slug}.py").exists()
]


@pytest.mark.parametrize(("role", "slug"), FORBIDDEN)
def test_a_page_the_role_may_not_see_is_neither_offered_nor_shown(role, slug):
    at = run_app(role)
    # the navigation the app built for the role lacks the page, and it cannot be switched to
    assert slug not in nav_pages(at)
    assert nav_pages(at) == {
        p.slug for p in auth.pages_for(role) if (ROOT / "pages" / f"{p.slug}.py").exists()
    }
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{slug}.py")
    page = ROOT / "pages" / f"{slug}.py"
    assert page.exists(), f"pages/{slug}.py is missing"
    # opened directly (a bookmarked URL, a crafted request), the page itself refuses on the server
    assert_refused(open_directly(slug, role, MONTH))


def test_pages_by_role():
    assert [p.slug for p in auth.pages_for("udvalg")] == [
        "overblik",
        "indsatstrappen",
        "oekonomi",
        "sagsbehandling",
        "scenarier",
        "udvalgsrapport",
    ]
    assert "data" in [p.slug for p in auth.pages_for("oekonomi")]
    assert [p.slug for p in auth.pages_for("leder")] == [p.slug for p in auth.PAGES]
    assert auth.pages_for(None) == []


def test_month_names_are_danish():
    assert fmt.month_name(MONTH) == "oktober 2026"


# ---- signed in with OIDC ([auth] in the secrets): the roles file decides ---------------------------------

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost/oauth2callback",
        "cookie_secret": "x",
        "client_id": "c",
        "client_secret": "s",
        "server_metadata_url": "http://idp.example/.well-known/openid-configuration",
    }
}


def signed_in(tmp_path, monkeypatch, user: dict | None) -> AppTest:
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[users]\n"chef@kommune.dk" = "leder"\n[domains]\n"politiker.kommune.dk" = "udvalg"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MI_ROLES", str(roles))
    monkeypatch.delenv("MI_ROLE", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = dict(AUTH)
    at.user = user if user is not None else {"is_logged_in": False}
    return at.run()


def test_not_signed_in_sees_only_the_login(tmp_path, monkeypatch):
    at = signed_in(tmp_path, monkeypatch, None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Log ind"]
    assert len(at.metric) == 0 and len(at.sidebar.selectbox) == 0


def test_unknown_user_gets_no_role_and_a_clear_message(tmp_path, monkeypatch):
    at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "fremmed@andet.dk"})
    assert not at.exception
    assert "fremmed@andet.dk har ingen rolle i rollefilen" in texts(at)
    assert len(at.metric) == 0  # no page ran
    assert "Log ud" in [b.label for b in at.button]


def test_signed_in_user_gets_the_role_of_the_roles_file_and_no_picker(tmp_path, monkeypatch):
    at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "anna@politiker.kommune.dk"})
    assert not at.exception
    assert at.session_state["role"] == "udvalg"
    # no demo role picker: the role comes from the roles file (by domain); the sidebar says who and which role
    assert [s.key for s in at.sidebar.selectbox] == ["_month"]
    assert [t.value for t in at.sidebar.text] == ["anna@politiker.kommune.dk · Udvalg"]
    # the committee's figures: the Overblik page with the not-yet-frozen marking
    assert "endnu ikke frosset" in texts(at)
    # the exact address beats its domain
    at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "chef@kommune.dk"})
    assert at.session_state["role"] == "leder"


def test_email_verified_false_is_refused(tmp_path, monkeypatch):
    # the address is in the roles file, but the identity provider says it is not verified: it may be anyone's
    user = {"is_logged_in": True, "email": "chef@kommune.dk", "email_verified": False}
    at = signed_in(tmp_path, monkeypatch, user)
    assert not at.exception
    assert "ikke bekræftet hos identitetsudbyderen" in texts(at)
    assert len(at.metric) == 0 and "role" not in at.session_state
    assert "Log ud" in [b.label for b in at.button]
    # a provider that sends no claim at all, or true, is trusted
    for verified in ({}, {"email_verified": True}):
        at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "chef@kommune.dk"} | verified)
        assert at.session_state["role"] == "leder"


def test_the_display_name_is_plain_text_not_markdown(tmp_path, monkeypatch):
    name = "![x](http://tracker.example/p.png) [Klik](javascript:alert(1)) **fed**"
    at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "chef@kommune.dk", "name": name})
    assert not at.exception
    assert [t.value for t in at.sidebar.text] == [f"{name} · Leder"]  # as text, exactly as given
    assert not any("tracker.example" in m.value for m in at.sidebar.markdown)


# ---- MI_ROLE_PIN: a server-side pin (a kiosk for the committee without OIDC) ---------------------------------


def test_a_pinned_role_hides_the_picker_and_cannot_be_changed(monkeypatch):
    monkeypatch.setenv("MI_ROLE_PIN", "udvalg")
    monkeypatch.setenv("MI_ROLE", "leder")  # a preset does not beat the pin
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["role"] = "leder"  # nor does a session that claims another role
    at.session_state["_role"] = "leder"
    at.run()
    assert not at.exception
    assert at.session_state["role"] == "udvalg"
    assert [s.key for s in at.sidebar.selectbox] == ["_month"]  # no role picker
    assert "Rollen er fastlagt på serveren: Udvalg." in texts(at)
    # a leder page is neither offered nor reachable
    assert "sagstal" not in nav_pages(at) and "data" not in nav_pages(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/data.py")
    # the committee's own page opens as the committee sees it
    at.switch_page("pages/overblik.py")
    at.run()
    assert not at.exception and at.session_state["role"] == "udvalg"


def test_a_pin_that_names_no_role_opens_nothing(monkeypatch):
    monkeypatch.setenv("MI_ROLE_PIN", "admin")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert "MI_ROLE_PIN='admin' er ikke en rolle" in texts(at)
    assert len(at.metric) == 0 and len(at.sidebar.selectbox) == 0


def test_pinned_and_signed_in_sees_the_pinned_role(tmp_path, monkeypatch):
    monkeypatch.setenv("MI_ROLE_PIN", "udvalg")
    at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "chef@kommune.dk"})
    assert at.session_state["role"] == "udvalg"
    # without a role in the roles file, the pin grants nothing
    at = signed_in(tmp_path, monkeypatch, {"is_logged_in": True, "email": "fremmed@andet.dk"})
    assert "har ingen rolle i rollefilen" in texts(at) and len(at.metric) == 0
