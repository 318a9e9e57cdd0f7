"""Policy settings (not data): defaults in data/settings.toml, overridden by a settings.toml in a data folder.

Every setting has a documented range (README's settings table; `RANGES` below is the one source): a value outside
it would pass into SQL and the screens and break them (a norm of 1e28 cannot be formatted, an overspend of 1e308
becomes infinite), so it is an error at import with the file's line and the key.

    load(dir)             Settings (raises on a bad file: pydantic.ValidationError, SettingsFileError, OSError)
    check(dir)            (Settings, problems): each problem (line | None, key | None, Danish message); never raises
                          on a bad file (only OSError when it cannot be read)
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = ROOT / "data" / "settings.toml"

MONEY = 10**10  # ±10 mia. kr.: far above any municipality's area, far below what a float or Decimal loses
MAX_FILE_BYTES = 64 * 1024  # a settings file is a few lines
MAX_DEPTH = 2  # [section] key = value
TOO_DEEP = "filen er indlejret for dybt; indstillinger står som [afsnit] og nøgle = værdi"


class _Section(BaseModel):
    # strict: `min_count = true` is not 1, and no setting may be nan or infinite
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class BudgetSettings(_Section):
    baseline_year: int = Field(2019, ge=1990, le=2100)
    baseline_overspend_dkk: float = Field(0, ge=-MONEY, le=MONEY)
    annual_reduction_dkk: float = Field(2_000_000, ge=-MONEY, le=MONEY)


class PrivacySettings(_Section):
    min_count: int = Field(5, ge=1, le=100)
    # the committee's year-to-date counts of children are rounded to this base ('ca. 25'); 1: no rounding (hidden
    # instead where two months would give a month's small count); the 12-month compliance shares are of counts
    # rounded to it, but at least 5 whatever it is (privacy.share_base)
    rounding_base: int = Field(5, ge=1, le=10)


class CaseloadSettings(_Section):
    norm_low: float = Field(20, ge=1, le=200)
    norm_high: float = Field(30, ge=1, le=200)

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


def ranges() -> dict[str, tuple[float, float]]:
    """Each setting's documented range, `section.key` → (least, most), from the models' bounds."""
    out = {}
    for section, info in Settings.model_fields.items():
        for key, field in info.annotation.model_fields.items():
            lo = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), -math.inf)
            hi = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), math.inf)
            out[f"{section}.{key}"] = (lo, hi)
    return out


class SettingsFileError(ValueError):
    """A settings file that cannot be read as settings (not TOML, too big, nested too deep); `line` when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def read_text(path: Path) -> str:
    """A settings file as text: UTF-8 (a BOM dropped) or, failing that, Windows-1252 as Notepad and Excel write it."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SettingsFileError(
            f"filen er større end {MAX_FILE_BYTES // 1024} KB; en indstillingsfil er få linjer"
        )
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _nesting(text: str) -> int:
    """How deep brackets and braces nest outside strings and comments (a rough count: enough to refuse a file that
    would take the TOML parser's recursion down before it parses it)."""
    depth = most = 0
    quote = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            most = max(most, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return most


def _depth(value) -> int:
    """How deep a parsed TOML document nests tables and arrays (iteratively: no recursion to exhaust)."""
    most, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
        else:
            most = max(most, d)
            continue
        most = max(most, d)
    return most


def parse(text: str) -> dict:
    """A settings file's TOML as a dict; SettingsFileError when it is not TOML or nests deeper than sections."""
    if _nesting(text) > 8:
        raise SettingsFileError(TOO_DEEP)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise SettingsFileError(
            f"filen kan ikke læses som TOML: {exc}", int(m.group(1)) if m else None
        ) from None
    except RecursionError:
        raise SettingsFileError(TOO_DEEP) from None
    if _depth(raw) > MAX_DEPTH:
        raise SettingsFileError(TOO_DEEP)
    return raw


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(base.get(key, {}), value) if isinstance(value, dict) else value
    return out


def _local(data_dir: Path | str | None) -> tuple[dict, str]:
    if data_dir is None:
        return {}, ""
    local = Path(data_dir) / "settings.toml"
    if not local.exists():
        return {}, ""
    text = read_text(local)
    return parse(text), text


def load(data_dir: Path | str | None = None) -> Settings:
    """Defaults from data/settings.toml, then the data folder's settings.toml on top.

    Raises pydantic.ValidationError, SettingsFileError or OSError on a bad file; ingest reports them (`check`).
    """
    raw = parse(DEFAULTS_FILE.read_text(encoding="utf-8")) if DEFAULTS_FILE.exists() else {}
    local, _ = _local(data_dir)
    return Settings.model_validate(_merge(raw, local))


def line_of(text: str, key: str) -> int | None:
    """The line (1-based) where `section.key` (or the section, for `section`) is set in a settings file's text:
    under a `[section]` header, as a dotted `section.key = …`, or the section's line as an inline table."""
    section, _, name = key.partition(".")
    table = ""
    header_line = None
    for no, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        m = re.match(r"^\[\s*([^\]]+?)\s*\]", line)
        if m:
            table = m.group(1).replace('"', "").replace(" ", "")
            if table == section and header_line is None:
                header_line = no
            continue
        m = re.match(r'^([A-Za-z0-9_."\- ]+?)\s*=', line)
        if not m:
            continue
        full = ".".join(p for p in (table, m.group(1).replace('"', "").replace(" ", "")) if p)
        if full == key or (name and full == section):  # `caseload = {norm_high = 1e28}` on one line
            return no
        if not name and full.startswith(section + ".") and header_line is None:  # `caseload.norm_low = 40`
            return no
    return header_line


def _message(err: dict, key: str) -> str:
    value = err.get("input")
    got = f" (fik {value!r})" if isinstance(value, (int, float, str, bool)) and len(repr(value)) < 40 else ""
    lo, hi = ranges().get(key, (-math.inf, math.inf))
    kind = err["type"]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"ugyldig indstilling {key}: skal være mellem {_num(lo)} og {_num(hi)}{got}"
    if kind == "finite_number":
        return f"ugyldig indstilling {key}: skal være et endeligt tal (ikke nan eller inf), mellem {_num(lo)} og {_num(hi)}"
    if kind in ("int_type", "int_from_float"):
        return f"ugyldig indstilling {key}: skal være et helt tal mellem {_num(lo)} og {_num(hi)}{got}"
    if kind in ("float_type", "float_parsing"):
        return f"ugyldig indstilling {key}: skal være et tal mellem {_num(lo)} og {_num(hi)}{got}"
    if kind == "extra_forbidden":
        return f"ukendt indstilling {key}: kendte indstillinger er {', '.join(ranges())}"
    if kind == "model_type":
        return f"ugyldig indstilling {key}: skal være et afsnit [{key}] med nøgle = værdi"
    if kind == "value_error":
        return f"ugyldig indstilling {key}: {err['msg'].removeprefix('Value error, ')}"
    return f"ugyldig indstilling {key}: {err['msg']}"


def _num(v: float) -> str:
    if math.isinf(v):
        return "uendelig" if v > 0 else "minus uendelig"
    if not float(v).is_integer():
        return str(v).replace(".", ",")
    return f"{int(v):,}".replace(",", ".") if abs(v) >= 10_000 else str(int(v))  # a year without a dot


def check(data_dir: Path | str) -> tuple[Settings, list[tuple[int | None, str | None, str]]]:
    """The folder's settings, or the defaults and what is wrong: (line, key, Danish message) for each problem.
    Raises OSError only when the file cannot be read at all."""
    try:
        return load(data_dir), []
    except SettingsFileError as exc:
        return Settings(), [(exc.line, None, str(exc))]
    except ValidationError as exc:
        try:
            _, text = _local(data_dir)
        except (SettingsFileError, OSError):
            text = ""
        out = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            out.append((line_of(text, key), key, _message(err, key)))
        return Settings(), out
