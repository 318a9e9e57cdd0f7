"""Roles file and role mapping (mi.auth)."""

from __future__ import annotations

import pytest

from mi import auth
from mi.settings import ROOT


def test_example_roles_file_maps_addresses_and_domains():
    mapping = auth.load_roles(ROOT / "roles.example.toml")
    assert auth.role_for("Controller@Kommune.dk", mapping) == "oekonomi"  # case does not matter
    assert auth.role_for("anna@politiker.kommune.dk", mapping) == "udvalg"  # by domain
    assert auth.role_for("ukendt@andet.dk", mapping) is None  # not listed: no role
    assert auth.role_for(None, mapping) is None


def test_exact_address_beats_its_domain(tmp_path):
    f = tmp_path / "roles.toml"
    f.write_text('[users]\n"chef@k.dk" = "leder"\n[domains]\n"@k.dk" = "udvalg"\n', encoding="utf-8")
    mapping = auth.load_roles(f)
    assert auth.role_for("chef@k.dk", mapping) == "leder"
    assert auth.role_for("byraad@k.dk", mapping) == "udvalg"


def test_unknown_role_in_the_file_is_refused(tmp_path):
    f = tmp_path / "roles.toml"
    f.write_text('[users]\n"a@k.dk" = "admin"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'admin' er ikke en rolle"):
        auth.load_roles(f)


def test_no_secrets_file_is_demo_mode():
    class NoSecrets:
        def __contains__(self, key):
            raise FileNotFoundError("no secrets.toml")

    assert auth.auth_configured(NoSecrets()) is False
    assert auth.auth_configured({"auth": {"client_id": "x"}}) is True
