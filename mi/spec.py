"""The KPI registry, read from the spec mi/kpis.toml (one entry per KPI; its header says how to add one).

A pure module (the standard library only): what each KPI means — Danish label, definition, unit, which direction
is good, what it is compared with, its focus point or area, how it is shown, the counts behind it. Values are
computed in SQL (sql/marts/mart_kpi_monthly.sql); mi.db writes the registry into every database as the tables
kpi_registry (one row per KPI) and kpi_frozen_keys (every key frozen with a month: the KPIs, then the counts behind
them), so the long form, the status and the frozen figures are computed in SQL from the same spec.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

SPEC = Path(__file__).with_name("kpis.toml")
UNITS = ("count", "share", "dkk", "ratio")
GOODS = ("down", "up", "band", "target", "none")
DISPLAY_UNITS = (*UNITS, "share2")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    definition: str
    unit: str  # count | share | dkk | ratio
    good: str  # down | up | band | target | none
    comparison: str  # what the status compares with, in Danish
    section: str  # f1..f5 | budget | caseload | staff | compliance
    display_unit: str = ""  # how it is shown ("" = as unit)
    children_count: bool = False  # a count of children: suppressed for udvalg below min_count
    ytd: bool = False  # year to date
    numerator: str = ""  # a share's counts (mart columns)
    denominator: str = ""
    counts: tuple[str, ...] = field(default_factory=tuple)  # further counts frozen with it

    @property
    def shown_unit(self) -> str:
        return self.display_unit or self.unit

    @property
    def support(self) -> tuple[str, ...]:
        """The mart columns behind this KPI that are frozen with it."""
        return tuple(c for c in (self.numerator, self.denominator, *self.counts) if c)


def load(path: Path | str = SPEC) -> tuple[Kpi, ...]:
    """The spec's KPIs, checked: ValueError naming the entry and the field when one is wrong."""
    with open(path, "rb") as fh:
        entries = tomllib.load(fh).get("kpi", [])
    names = {f for f in Kpi.__dataclass_fields__}
    out: list[Kpi] = []
    for i, e in enumerate(entries, start=1):
        where = f"{Path(path).name}, nøgletal nr. {i} ({e.get('key', '?')})"
        unknown = set(e) - names
        if unknown:
            raise ValueError(f"{where}: ukendt felt {', '.join(sorted(unknown))}")
        try:
            k = Kpi(**{**e, "counts": tuple(e.get("counts", ()))})
        except TypeError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if not k.key.isidentifier() or k.key != k.key.lower():
            raise ValueError(f"{where}: key skal være et kolonnenavn med små bogstaver")
        if k.unit not in UNITS or k.good not in GOODS or k.shown_unit not in DISPLAY_UNITS:
            raise ValueError(f"{where}: unit, good eller display_unit har en ukendt værdi")
        if (k.good == "none") != (k.comparison == ""):
            raise ValueError(f"{where}: comparison skal være tom, netop når good er none")
        if bool(k.numerator) != bool(k.denominator):
            raise ValueError(f"{where}: numerator og denominator angives begge eller ingen af dem")
        out.append(k)
    keys = [k.key for k in out]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{Path(path).name}: en key står der to gange")
    return tuple(out)


REGISTRY: tuple[Kpi, ...] = load()
KEYS: tuple[str, ...] = tuple(k.key for k in REGISTRY)
BY_KEY: dict[str, Kpi] = {k.key: k for k in REGISTRY}


def section_keys(section: str, registry: tuple[Kpi, ...] | None = None) -> tuple[str, ...]:
    """The keys of one focus point or area (the entries' `section`, e.g. "compliance"), in spec order."""
    registry = REGISTRY if registry is None else registry
    return tuple(k.key for k in registry if k.section == section)


def share_parts(registry: tuple[Kpi, ...] | None = None) -> dict[str, tuple[str, str]]:
    """The shares' counts: {key: (numerator, denominator)} (mart columns, frozen with the month)."""
    registry = REGISTRY if registry is None else registry
    return {k.key: (k.numerator, k.denominator) for k in registry if k.numerator}


def support_keys(registry: tuple[Kpi, ...] | None = None) -> tuple[str, ...]:
    """The counts behind the KPIs that are not KPIs themselves, in spec order: frozen with a month's KPIs so
    the disclosure control of a frozen figure is decided on the counts it was computed from."""
    registry = REGISTRY if registry is None else registry
    keys = {k.key for k in registry}
    return tuple(dict.fromkeys(c for k in registry for c in k.support if c not in keys))


def registry_rows(registry: tuple[Kpi, ...] | None = None) -> list[dict]:
    """The registry as rows of the table kpi_registry (counts as a list)."""
    registry = REGISTRY if registry is None else registry
    return [{**asdict(k), "counts": list(k.counts), "sort_order": i} for i, k in enumerate(registry)]


def frozen_key_rows(registry: tuple[Kpi, ...] | None = None) -> list[dict]:
    """Every key frozen with a month, as rows of the table kpi_frozen_keys: the KPIs, then support_keys."""
    registry = REGISTRY if registry is None else registry
    return [{"key": k.key, "is_kpi": True} for k in registry] + [
        {"key": c, "is_kpi": False} for c in support_keys(registry)
    ]
