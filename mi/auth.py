"""Who the user is and which pages the role may see (DOMAIN.md, "Users").

Identity: with an `[auth]` section in `.streamlit/secrets.toml` users sign in with OIDC (`st.login`) and their
e-mail address, or its domain, is mapped to a role by the roles file (`roles.toml` in the project root, or the path in
`$MI_ROLES`; see `roles.example.toml`). An exact address beats a domain. Without `[auth]` the app runs in demo mode
with a clearly labelled role picker; `$MI_ROLE` presets the role (tests, benchmark), `$MI_ROLE_PIN` fixes it on
the server and hides the picker (a kiosk for the committee).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mi.settings import ROOT

ROLES = ("leder", "oekonomi", "udvalg")
ROLE_LABELS = {"leder": "Leder", "oekonomi": "Økonomi", "udvalg": "Udvalg"}
ROLE_HELP = {
    "leder": "alt, ned til team og (pseudonym) rådgiver; dataindlæsning",
    "oekonomi": "forbrug, budget og prognose pr. område, indsats, leverandør og konto; intet på rådgiverniveau",
    "udvalg": "kun samlede tal, små antal skjult (<5), frosne månedstal",
}


@dataclass(frozen=True)
class Page:
    slug: str  # the file pages/<slug>.py and the URL path
    title: str
    icon: str  # a Material Symbols icon (:material/name:): Streamlit ships the font; emoji need one on the viewer's machine
    roles: tuple[str, ...]


PAGES: tuple[Page, ...] = (
    Page("overblik", "Overblik", ":material/dashboard:", ("leder", "oekonomi", "udvalg")),
    Page("indsatstrappen", "Indsatstrappen", ":material/stairs:", ("leder", "oekonomi", "udvalg")),
    Page("oekonomi", "Økonomi", ":material/payments:", ("leder", "oekonomi", "udvalg")),
    Page("sagstal", "Sagstal", ":material/folder_shared:", ("leder", "oekonomi")),
    Page("sagsbehandling", "Sagsbehandling", ":material/fact_check:", ("leder", "udvalg")),
    Page("personale", "Personale", ":material/groups:", ("leder", "oekonomi")),
    Page("scenarier", "Scenarier", ":material/calculate:", ("leder", "oekonomi", "udvalg")),
    Page("udvalgsrapport", "Udvalgsrapport", ":material/description:", ("leder", "oekonomi", "udvalg")),
    Page("data", "Data", ":material/database:", ("leder", "oekonomi")),
)
BY_SLUG = {p.slug: p for p in PAGES}


def pages_for(role: str | None) -> list[Page]:
    return [p for p in PAGES if role in p.roles]


def may_see(role: str | None, slug: str) -> bool:
    return role in BY_SLUG[slug].roles


def roles_file() -> Path:
    return Path(os.environ.get("MI_ROLES") or ROOT / "roles.toml")


def load_roles(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{"users": {address: role}, "domains": {domain: role}}, lower-cased; unknown roles are refused."""
    path = path or roles_file()
    if not path.exists():
        return {"users": {}, "domains": {}}
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {"users": {}, "domains": {}}
    for section in ("users", "domains"):
        for key, role in raw.get(section, {}).items():
            if role not in ROLES:
                raise ValueError(
                    f"{path.name}: [{section}] {key} = {role!r} er ikke en rolle ({', '.join(ROLES)})"
                )
            out[section][key.strip().lower().lstrip("@")] = role
    return out


def role_for(email: str | None, mapping: dict[str, dict[str, str]]) -> str | None:
    """The role of an e-mail address: the exact address first, then its domain; None when unknown."""
    if not email or "@" not in email:
        return None
    email = email.strip().lower()
    if email in mapping["users"]:
        return mapping["users"][email]
    return mapping["domains"].get(email.rsplit("@", 1)[1])


def auth_configured(secrets) -> bool:
    """Whether `.streamlit/secrets.toml` has an `[auth]` section (no secrets file at all is demo mode)."""
    try:
        return "auth" in secrets
    except Exception:  # noqa: BLE001 - Streamlit raises FileNotFoundError subclasses without a secrets file
        return False


def preset_role() -> str | None:
    """$MI_ROLE: the demo picker's first choice (tests, benchmark). Only a preset: the user may pick another."""
    role = os.environ.get("MI_ROLE")
    return role if role in ROLES else None


def pinned_role() -> str | None:
    """$MI_ROLE_PIN: a server-side pin (e.g. a kiosk for the committee without OIDC): every session has this role
    and no picker is shown. With OIDC, signed-in users who have a role in the roles file see the app as this role.
    ValueError when it names no role (the app then refuses to open rather than fall back to another role)."""
    raw = os.environ.get("MI_ROLE_PIN", "").strip()
    if not raw:
        return None
    if raw not in ROLES:
        raise ValueError(f"MI_ROLE_PIN={raw!r} er ikke en rolle ({', '.join(ROLES)}); appen åbner ikke")
    return raw


def email_refused(user) -> bool:
    """Whether the identity provider said the e-mail address is not verified (`email_verified = false`): then the
    address may belong to someone else and cannot be given a role. A provider that does not send the claim at all
    (e.g. Entra ID) is trusted for its addresses."""
    value = user.get("email_verified")
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "0", "no"))
