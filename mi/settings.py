"""Policy settings (not data): defaults in data/settings.toml, overridden by a settings.toml in a data folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = ROOT / "data" / "settings.toml"


class _Section(BaseModel):
    # strict: `min_count = true` is not 1, and no setting may be nan or infinite
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class BudgetSettings(_Section):
    baseline_year: int = Field(2019, ge=1990, le=2100)
    baseline_overspend_dkk: float = 0
    annual_reduction_dkk: float = 2_000_000


class PrivacySettings(_Section):
    min_count: int = Field(5, ge=1)


class CaseloadSettings(_Section):
    norm_low: float = Field(20, gt=0)
    norm_high: float = Field(30, gt=0)

    @model_validator(mode="after")
    def _band(self) -> CaseloadSettings:
        if self.norm_low > self.norm_high:
            raise ValueError("norm_low skal være mindre end eller lig med norm_high")
        return self


class Settings(_Section):
    budget: BudgetSettings = BudgetSettings()
    privacy: PrivacySettings = PrivacySettings()
    caseload: CaseloadSettings = CaseloadSettings()

    def flat(self) -> dict[str, float | int]:
        """One row for the database's `settings` table: section_key → value."""
        return {
            f"{section}_{key}": value
            for section, values in self.model_dump().items()
            for key, value in values.items()
        }


def read_text(path: Path) -> str:
    """A settings file as text: UTF-8 (a BOM dropped) or, failing that, Windows-1252 as Notepad and Excel write it."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(base.get(key, {}), value) if isinstance(value, dict) else value
    return out


def load(data_dir: Path | str | None = None) -> Settings:
    """Defaults from data/settings.toml, then the data folder's settings.toml on top.

    Raises pydantic.ValidationError, tomllib.TOMLDecodeError or OSError on a bad file; ingest reports them.
    """
    raw = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8")) if DEFAULTS_FILE.exists() else {}
    if data_dir is not None:
        local = Path(data_dir) / "settings.toml"
        if local.exists():
            raw = _merge(raw, tomllib.loads(read_text(local)))
    return Settings.model_validate(raw)
