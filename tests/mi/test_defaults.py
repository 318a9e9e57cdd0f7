"""The fast tests run on the defaults the app runs on: data/settings.toml (not only the Python models' defaults),
and hypothesis on the fixed profile registered in tests/conftest.py."""

from __future__ import annotations

from hypothesis import settings as hypothesis_settings

from mi import db
from mi import settings as settings_mod
from mi.settings import Settings
from tests.conftest import build_db


def test_the_models_defaults_are_data_settings_toml():
    # an import without a settings.toml reads data/settings.toml; the models' defaults must say the same
    assert settings_mod.load() == Settings()
    assert settings_mod.load().flat()["caseload_norm_high"] == 30  # data/settings.toml: norm_high = 30


def test_build_db_uses_data_settings_toml():
    con = build_db()
    got = db.query(con, "select * from settings").row(0, named=True)
    assert got == {k: float(v) for k, v in settings_mod.load().flat().items()}


def test_hypothesis_runs_the_fixed_profile():
    profile = hypothesis_settings.default
    assert profile.derandomize is True
    assert profile.deadline is None
    assert profile.database is None
