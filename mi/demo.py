"""The demo municipality: deterministic, realistic input data in the data contract (DOMAIN.md).

`write(out_dir)` writes children, cases, measures, payments, budget, staff and pupils, and contract v2's
notifications, investigations and activities (mi.demo_compliance: volumes from Statistics Denmark's UND tables,
rates from Ankestyrelsen's Børnesagsbarometer), as UTF-8 comma-separated CSV (ISO dates, `.` decimals) plus a
settings.toml, for a fictional municipality like Albertslund (~27,000
inhabitants, ~7,500 aged 0–22, ~3,000 pupils) from January 2019 through `end_month`. `scale=K` writes K such
municipalities into one folder, ids prefixed with the municipality number (`K017-B000123`); municipality k has
its own random stream, so K001 is the same at every scale.

The story follows the seeds: the council's policy works partly from 2020 — fewer institution placements, more
network care, more family treatment in-house (Familiehuset), fewer pupils in school day-treatment, lower spending
on lost earnings — with seasonality (fewer starts in July and December), refunds, late corrections and staff
turnover. Magnitudes are from DOMAIN.md's "Realistic magnitudes".

How it is built, per municipality: measures arrive month by month per measure code (from a burn-in in 2011,
so 2019 starts with a steady stock), each for a new child of a plausible age, with a Weibull
duration capped at the 18th birthday; follow-ups put measures on the same child (support before a placement,
step-down from institution to family care, aftercare at 18, extra costs beside lost earnings, a recurrence
that becomes a new case). Cases are the child's measures merged across short gaps. Staff are positions filled
by successive employments; caseworker positions are sized from the cases, and each case goes to a caseworker
of its team employed on the case's last day (a caseworker's cases are reassigned when they leave). Payments are
one posting per measure-month plus refunds and late corrections; the budget is set from them so 2019
overspends by ~8 % and the overspend falls, more slowly than the target, after.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from mi import db, demo_compliance
from mi.demo_base import POPULATION_0_22 as POPULATION_0_22  # the tests' denominator of DOMAIN.md's rates
from mi.demo_base import YEAR, _day, _ids, _month_start, _months, _ramp
from mi.ingest import import_folder
from mi.settings import ROOT

DEMO_DIR = ROOT / "data" / "demo"
CATALOGUE_FILE = ROOT / "data" / "catalogue" / "measures.csv"
TABLES = (
    "children",
    "cases",
    "measures",
    "payments",
    "budget",
    "staff",
    "pupils",
    "notifications",
    "investigations",
    "activities",
)
PER_MUNICIPALITY = (
    "children",
    "cases",
    "measures",
    "payments",
    "staff",
    "notifications",
    "investigations",
    "activities",
)

PUPILS = 3_000  # pupils in the municipality's schools
LOST_EARNINGS_CAP_DKK = 35_247  # Barnets lov § 87: monthly cap (2024)
FIRST_DAY = date(2019, 1, 1)
BURN_IN = date(2011, 1, 1)  # arrivals start here, so January 2019 has a steady stock of running measures
STAFF_FROM = date(2018, 1, 1)  # the staff extract holds employments running on or after this day
NO_END = 1 << 40  # day number of a missing end (still employed)
TEAMS = ("Team Nord", "Team Syd", "Team Unge", "Team Handicap")
DISTRICTS = ("Nord", "Syd", "Øst", "Vest")

# Per measure code: starts a year in 2019 (one municipality), multiplier on starts reached in 2023 (the policy),
# mean duration in months, Weibull shape of the duration, age at start (years, inclusive), probability that a
# running measure has no known end date.
KINDS: dict[str, tuple[float, float, float, float, tuple[int, int], float]] = {
    "FOREBYG_TIDLIG": (100, 1.5, 5, 2.0, (0, 17), 0.2),
    "KONSULENT": (60, 1.0, 6, 1.5, (0, 17), 0.2),
    "PRAKTISK_STOTTE": (30, 1.0, 9, 1.5, (0, 17), 0.3),
    "FAMILIEBEHANDLING": (70, 1.3, 6, 6.0, (0, 17), 0.1),
    "DOGNOPHOLD_FAMILIE": (12, 0.9, 3, 3.0, (0, 5), 0.1),
    "AFLASTNING": (15, 1.0, 18, 1.5, (2, 17), 0.5),
    "KONTAKTPERSON": (40, 1.1, 12, 1.5, (10, 17), 0.4),
    "SKOLE_DAGBEHANDLING": (28, 0.75, 0, 1.0, (6, 14), 0.3),  # duration: whole school years
    "EFTERVAERN": (7, 1.0, 18, 1.5, (18, 20), 0.5),
    "ANBR_NETVAERK": (0.8, 3.0, 54, 3.0, (0, 15), 0.8),
    "ANBR_PLEJEFAMILIE": (4.8, 0.85, 54, 3.0, (0, 13), 0.8),
    "ANBR_PLEJEFAMILIE_FORSTAERKET": (2.1, 1.0, 48, 3.0, (2, 14), 0.8),
    "ANBR_PLEJEFAMILIE_SPECIALISERET": (1.0, 1.0, 48, 3.0, (3, 14), 0.8),
    "ANBR_KOMMUNAL_PLEJEFAMILIE": (1.7, 1.0, 54, 3.0, (0, 12), 0.8),
    "ANBR_EGET_VAERELSE": (3.5, 1.0, 14, 2.0, (15, 17), 0.6),
    "ANBR_EFTERSKOLE": (3.5, 1.0, 0, 1.0, (14, 16), 0.2),  # one school year
    "ANBR_OPHOLDSSTED": (9.6, 0.75, 24, 3.0, (11, 17), 0.8),
    "ANBR_DOGNINSTITUTION": (9.6, 0.75, 18, 3.0, (8, 17), 0.8),
    "ANBR_SIKRET": (2.7, 0.8, 3, 3.0, (14, 17), 0.5),
    "TABT_ARBEJDSFORTJENESTE": (14, 0.5, 36, 1.5, (0, 14), 0.6),
    "MERUDGIFTER": (8, 1.0, 36, 1.5, (0, 14), 0.6),
}
SCHOOL_YEAR_CODES = {"SKOLE_DAGBEHANDLING", "ANBR_EFTERSKOLE"}
# home-based measures (the ladder's step 3)
HOME_CODES = ("KONSULENT", "PRAKTISK_STOTTE", "FAMILIEBEHANDLING", "KONTAKTPERSON", "AFLASTNING")
INSTITUTION = ("ANBR_OPHOLDSSTED", "ANBR_DOGNINSTITUTION", "ANBR_SIKRET")

# Per measure code: providers as (provider_type, provider_name, weight 2019, weight from 2023, monthly cost 2019
# DKK). Cost 0: no monthly cost (done by the department's own staff). Lost earnings and extra costs are the
# median of a wide spread (they follow the parents' income and the child's needs).
PROVIDERS: dict[str, list[tuple[str, str, float, float, float]]] = {
    "FOREBYG_TIDLIG": [("intern", "Familiehuset", 1, 1, 0)],
    "KONSULENT": [
        ("intern", "Familiehuset", 0.6, 0.7, 5_500),
        ("privat", "Konsulenthuset Broen ApS", 0.4, 0.3, 9_000),
    ],
    "PRAKTISK_STOTTE": [
        ("intern", "Familiehuset", 0.5, 0.6, 8_000),
        ("privat", "Hjemmestøtten ApS", 0.5, 0.4, 13_000),
    ],
    # in-house courses ~51,000 kr. over ~6 months; private clearly dearer
    "FAMILIEBEHANDLING": [
        ("intern", "Familiehuset", 0.45, 0.75, 8_500),
        ("privat", "Familiecentret Kompasset ApS", 0.35, 0.15, 18_500),
        ("privat", "Familiebehandling Øresund ApS", 0.2, 0.1, 17_000),
    ],
    "DOGNOPHOLD_FAMILIE": [
        ("regional", "Familieinstitutionen Ved Søen", 0.6, 0.6, 110_000),
        ("privat", "Familiecenter Havgården", 0.4, 0.4, 125_000),
    ],
    "AFLASTNING": [
        ("kommunal", "Aflastningsfamilie", 0.6, 0.6, 10_000),
        ("privat", "Aflastningshjemmet Regnbuen", 0.4, 0.4, 14_000),
    ],
    "KONTAKTPERSON": [
        ("intern", "Ungeindsatsen", 0.5, 0.6, 6_500),
        ("kommunal", "Kontaktpersonkorpset", 0.2, 0.2, 7_000),
        ("privat", "Kontaktpersonordningen Vejviseren", 0.3, 0.2, 9_500),
    ],
    "SKOLE_DAGBEHANDLING": [
        ("kommunal", "Dagbehandlingsskolen Åbrinken", 0.55, 0.65, 15_600),
        ("regional", "Regionens dagbehandlingstilbud", 0.2, 0.2, 16_500),
        ("privat", "Dagskolen Vejlegården", 0.25, 0.15, 19_500),
    ],
    "EFTERVAERN": [
        ("intern", "Ungeindsatsen", 0.4, 0.5, 6_000),
        ("kommunal", "Ungeboligerne", 0.4, 0.35, 11_000),
        ("privat", "Opholdsstedet Solsikken", 0.2, 0.15, 30_000),
    ],
    "ANBR_NETVAERK": [("kommunal", "Netværksplejefamilie", 1, 1, 13_000)],
    "ANBR_PLEJEFAMILIE": [
        ("kommunal", "Plejefamilie", 0.85, 0.85, 32_000),
        ("privat", "Plejefamilieforeningen Trekløveret", 0.15, 0.15, 38_000),
    ],
    "ANBR_PLEJEFAMILIE_FORSTAERKET": [
        ("kommunal", "Forstærket plejefamilie", 0.7, 0.7, 41_000),
        ("privat", "Plejefamilieforeningen Trekløveret", 0.3, 0.3, 47_000),
    ],
    "ANBR_PLEJEFAMILIE_SPECIALISERET": [
        ("privat", "Specialplejefamilierne Lærkereden", 0.6, 0.6, 56_000),
        ("kommunal", "Specialiseret plejefamilie", 0.4, 0.4, 50_000),
    ],
    "ANBR_KOMMUNAL_PLEJEFAMILIE": [("kommunal", "Kommunal plejefamilie", 1, 1, 38_000)],
    "ANBR_EGET_VAERELSE": [
        ("kommunal", "Ungeboligerne", 0.6, 0.6, 15_000),
        ("privat", "Botilbuddet Kompasrosen", 0.4, 0.4, 24_000),
    ],
    "ANBR_EFTERSKOLE": [
        ("privat", "Efterskolen ved Fjorden", 0.5, 0.5, 19_000),
        ("privat", "Kildebakkens Efterskole", 0.5, 0.5, 21_000),
    ],
    "ANBR_OPHOLDSSTED": [
        ("privat", "Opholdsstedet Solsikken", 0.3, 0.3, 79_000),
        ("privat", "Opholdsstedet Fyrtårnet", 0.25, 0.25, 84_000),
        ("privat", "Børne- og ungehjemmet Bakkely", 0.25, 0.25, 88_000),
        ("privat", "Opholdsstedet Skovbrynet", 0.2, 0.2, 81_000),
    ],
    "ANBR_DOGNINSTITUTION": [
        ("regional", "Døgninstitutionen Lindehuset", 0.5, 0.5, 92_000),
        ("kommunal", "Børnehjemmet Egely", 0.5, 0.5, 86_000),
    ],
    "ANBR_SIKRET": [("regional", "Sikret institution Sølyst", 1, 1, 185_000)],
    "TABT_ARBEJDSFORTJENESTE": [("kommunal", "Ydelse til forældre", 1, 1, 5_800)],
    "MERUDGIFTER": [("kommunal", "Ydelse til forældre", 1, 1, 1_700)],
}
CODES = tuple(KINDS)
PROVIDER_ROWS = [(code, *p) for code in CODES for p in PROVIDERS[code]]

# Starts by calendar month (Jan..Dec): fewer in July and December.
SEASON = np.array([1.05, 1.0, 1.05, 1.0, 1.0, 0.95, 0.55, 1.15, 1.1, 1.05, 1.0, 0.7])
SEASON_SCHOOL = np.array([1.0, 0.8, 0.7, 0.5, 0.4, 0.2, 0.05, 4.0, 1.6, 1.0, 0.8, 0.5])  # day treatment
SEASON_AUGUST = np.eye(12)[7]  # boarding school: the school year starts in August

# Staff positions besides caseworkers: (role, team, positions, exits a year).
OTHER_STAFF = [
    ("leder", "Ledelse", 2, 0.15),
    ("leder", "Familiehuset", 1, 0.15),
    *[("leder", t, 1, 0.15) for t in TEAMS],
    ("familiebehandler", "Familiehuset", 16, 0.2),
    ("psykolog", "Familiehuset", 2, 0.15),
    ("administrativ", "Sekretariat", 4, 0.12),
]
LEAVE_REASONS = (("Nyt job", 0.55), ("Pension", 0.08), ("Flytning", 0.1), ("Opsagt", 0.09), ("Andet", 0.18))
FTES = ((1.0, 0.78), (0.9, 0.08), (0.8, 0.1), (0.6, 0.04))


def _choice(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One option per row of a (rows × options) weight matrix, by uniforms u."""
    cum = np.cumsum(weights, axis=1)
    return (u[:, None] * cum[:, -1:] > cum).sum(axis=1)


def _stratified(rng: np.random.Generator, n: int, block: int = 10) -> np.ndarray:
    """Uniforms whose every run of `block` consecutive draws has one in each tenth of (0, 1): arrivals come in
    time order, so any stretch of them gets the full spread of durations, ages and providers, and a small
    municipality's stocks stay near their means."""
    strata = np.argsort(rng.random((-(-n // block), block)), axis=1).ravel()[:n]
    return (strata + rng.random(n)) / block


def _pick(rng: np.random.Generator, n: int, options: tuple, probs: list[float]) -> np.ndarray:
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(probs) / sum(probs))]


@dataclass(frozen=True)
class Calendar:
    start: int  # 2019-01-01
    end: int  # last day of end_month (E)
    as_of: int  # the extract date: up to a week after E (postings of the last month trickle in)
    horizon: int  # last day of the month after end_month: measures decided by as_of may start until here
    end_year: int

    @classmethod
    def for_month(cls, end_month: str, today: date | None = None) -> Calendar:
        """Data through `end_month` (YYYY-MM, 2019-01 or later), extracted a week later (or yesterday, when
        that is sooner and `today` is given)."""
        try:
            y, m = (int(x) for x in end_month.split("-"))
            end = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
        except ValueError:
            raise ValueError(f"end_month skal være ÅÅÅÅ-MM, ikke {end_month!r}") from None
        if end < FIRST_DAY:
            raise ValueError(f"end_month skal være 2019-01 eller senere, ikke {end_month}")
        as_of = end + timedelta(days=7)
        if today is not None:
            as_of = max(end, min(as_of, today - timedelta(days=1)))
        nxt = end + timedelta(days=1)
        horizon = date(nxt.year + nxt.month // 12, nxt.month % 12 + 1, 1) - timedelta(days=1)
        return cls(_day(FIRST_DAY), _day(end), _day(as_of), _day(horizon), y)


def default_end_month(today: date | None = None) -> str:
    """The last complete calendar month before today."""
    last = (today or date.today()).replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


# --------------------------------------------------------------------------------------------- measures


class _Measures:
    """Children and their measures for one municipality, as growing numpy arrays (true end dates)."""

    def __init__(self, rng: np.random.Generator, cal: Calendar):
        self.rng, self.cal = rng, cal
        self.birth = np.empty(0, np.int64)
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("child", "code", "start", "end", "prov", "cost", "decided", "at18")
        }

    def children(self, start: np.ndarray, ages: tuple[int, int]) -> np.ndarray:
        """New children of an age in `ages` (years) on `start`; returns their indices."""
        age = ((ages[0] + (ages[1] + 1 - ages[0]) * _stratified(self.rng, start.size)) * YEAR).astype(
            np.int64
        )
        first = self.birth.size
        self.birth = np.concatenate([self.birth, start - age])
        return np.arange(first, self.birth.size)

    def arrivals(self, code: str) -> np.ndarray:
        """Start days of the measures of one code from the burn-in through the month after end_month."""
        per_year, final = KINDS[code][:2]
        season = (
            SEASON_SCHOOL
            if code == "SKOLE_DAGBEHANDLING"
            else SEASON_AUGUST
            if code == "ANBR_EFTERSKOLE"
            else SEASON
        )
        months = np.arange(
            _months(np.array([_day(BURN_IN)]))[0], _months(np.array([self.cal.horizon]))[0] + 1
        )
        first = _month_start(months)
        days_in = _month_start(months + 1) - first
        lam = per_year / 12 * season[months % 12] / season.mean() * (1 + (final - 1) * _ramp(first))
        # systematic sampling (not Poisson): counts follow the expected ones, with some noise month by month, so a
        # small municipality's trends show through
        cum = np.floor(np.cumsum(lam * self.rng.lognormal(0, 0.25, months.size)) + self.rng.random())
        idx = np.repeat(np.arange(months.size), np.diff(cum, prepend=0).astype(np.int64))
        on_first = self.rng.random(idx.size) < 0.3  # many measures start on the 1st
        return first[idx] + np.where(on_first, 0, (self.rng.random(idx.size) * days_in[idx]).astype(np.int64))

    def add(
        self, code: str, child: np.ndarray, start: np.ndarray, end: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Measures of one code for existing children, from their birth and before their 18th (aftercare: 23rd)
        birthday; `end` drawn when not given. Returns the children, starts and ends added."""
        birth = self.birth[child]
        limit = birth + np.int64((23 if code == "EFTERVAERN" else 18) * YEAR) - 1
        start = np.maximum(start, birth)
        ok = (start <= limit) & (True if end is None else end >= start + 13)
        child, start, birth, limit = child[ok], start[ok], birth[ok], limit[ok]
        end = None if end is None else end[ok]
        rng, n = self.rng, child.size
        _, _, months, shape, _, _ = KINDS[code]
        if end is None:
            if code in SCHOOL_YEAR_CODES:  # to the end of June of a school year (1–4 of them), a few drop out
                m = _months(start)
                years = (
                    1 if code == "ANBR_EFTERSKOLE" else rng.choice([1, 2, 3, 4], n, p=[0.35, 0.35, 0.2, 0.1])
                )
                june = _month_start((m // 12 + (m % 12 >= 6) + years - 1) * 12 + 6) - 1  # 30 June
                dropout = rng.random(n) < 0.1
                end = np.where(dropout, start + (rng.random(n) * (june - start)).astype(np.int64), june)
            else:
                weibull = (-np.log1p(-_stratified(rng, n))) ** (1 / shape) / math.gamma(1 + 1 / shape)
                end = start + np.maximum(14, months * weibull * 30.44).astype(np.int64)
        at18 = end >= limit
        end = np.maximum(start, np.minimum(end, limit))
        # provider by the policy's mix at the start; cost with 2 % a year price index and some spread
        rows = [i for i, r in enumerate(PROVIDER_ROWS) if r[0] == code]
        w = np.array([[PROVIDER_ROWS[i][3], PROVIDER_ROWS[i][4]] for i in rows])
        ramp = _ramp(start)[:, None]
        prov = np.asarray(rows)[_choice(_stratified(rng, n), w[:, 0] * (1 - ramp) + w[:, 1] * ramp)]
        base = np.array([r[5] for r in PROVIDER_ROWS])[prov]
        spread = 0.55 if code in ("TABT_ARBEJDSFORTJENESTE", "MERUDGIFTER") else 0.08
        cost = base * 1.02 ** ((start - self.cal.start) / YEAR) * rng.lognormal(0, spread, n)
        if code == "TABT_ARBEJDSFORTJENESTE":  # closer follow-up: new grants are smaller from 2020
            cost = np.minimum(cost * (1 - 0.25 * _ramp(start)), LOST_EARNINGS_CAP_DKK * 0.85)
        cost = np.round(cost, 0)
        lead = np.where(
            rng.random(n) < 0.15, 0, rng.integers(1, 46, n)
        )  # decided the same day or up to 6 weeks before
        for key, val in (
            ("child", child),
            ("code", np.full(n, CODES.index(code))),
            ("start", start),
            ("end", end),
            ("prov", prov),
            ("cost", cost),
            ("decided", start - lead),
            ("at18", at18),
        ):
            self.cols[key].append(val)
        return child, start, end

    def primary(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start = self.arrivals(code)
        return self.add(code, self.children(start, KINDS[code][4]), start)

    def follow(
        self,
        p: float | np.ndarray,
        options: dict[str, float],
        child: np.ndarray,
        start: np.ndarray,
        end: np.ndarray | None = None,
    ) -> None:
        """With probability p per child, a measure of a code drawn from `options` (weights) on the same child."""
        take = _stratified(self.rng, child.size) < p
        which = _pick(self.rng, take.sum(), tuple(options), list(options.values()))
        for code in options:
            sel = which == code
            self.add(code, child[take][sel], start[take][sel], None if end is None else end[take][sel])

    def build(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.cols.items()}


def _generate_measures(rng: np.random.Generator, cal: Calendar) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """All measures of one municipality (arrays; `end` is the true end) and the children's birth days."""
    ms = _Measures(rng, cal)
    home = dict.fromkeys(HOME_CODES, 1.0)
    for code in CODES:
        child, start, end = ms.primary(code)
        if code in HOME_CODES or code == "FOREBYG_TIDLIG":  # back months later: a new case
            ms.follow(0.08, home, child, end + rng.integers(180, 900, child.size))
        if code == "SKOLE_DAGBEHANDLING":  # family treatment beside day treatment
            ms.follow(0.2, {"FAMILIEBEHANDLING": 1}, child, start + rng.integers(0, 90, child.size))
        if code == "TABT_ARBEJDSFORTJENESTE":  # extra costs and respite for the same disabled child
            ms.follow(0.5, {"MERUDGIFTER": 1}, child, start + rng.integers(0, 120, child.size))
            ms.follow(0.25, {"AFLASTNING": 1}, child, start + rng.integers(0, 120, child.size))
        if code.startswith("ANBR_"):
            # support at home first (the ladder's step 3), ending the day before the placement
            ms.follow(
                0.45,
                {"FAMILIEBEHANDLING": 5, "PRAKTISK_STOTTE": 3, "KONSULENT": 2},
                child,
                start - rng.integers(90, 270, child.size),
                start - 1,
            )
            ms.follow(0.1, {"KONTAKTPERSON": 1}, child, start + rng.integers(30, 365, child.size))
        young = end < ms.birth[child] + np.int64(17.5 * YEAR)
        if code == "ANBR_SIKRET":  # from secure to an open institution
            ms.follow(0.7 * young, {"ANBR_OPHOLDSSTED": 1, "ANBR_DOGNINSTITUTION": 1}, child, end + 1)
        elif code in INSTITUTION:  # step down to family care or an own room, more so under the policy
            ms.follow(
                (0.1 + 0.15 * _ramp(end)) * young,
                {"ANBR_NETVAERK": 4, "ANBR_PLEJEFAMILIE_FORSTAERKET": 3, "ANBR_EGET_VAERELSE": 3},
                child,
                end + 1,
            )
    data = ms.build()
    # aftercare 18–22 for about half of those placed until their 18th birthday
    placed = np.char.startswith(np.array(CODES)[data["code"]], "ANBR_") & data["at18"]
    ms.follow(0.5 * placed, {"EFTERVAERN": 1}, data["child"], data["end"] + 1)
    data = ms.build()
    # closer follow-up from 2020: a review ends a quarter of the lost-earnings grants running in March 2020
    review = _day(date(2020, 3, 1))
    lost = (
        (data["code"] == CODES.index("TABT_ARBEJDSFORTJENESTE"))
        & (data["start"] < review)
        & (data["end"] > review + 300)
    )
    stop = lost & (rng.random(lost.size) < 0.25)
    data["end"][stop] = review + rng.integers(0, 300, stop.sum())
    return data, ms.birth


# --------------------------------------------------------------------------------------------- staff


def _employments(
    rng: np.random.Generator, cal: Calendar, positions: list[tuple[str, str, int, float, float]]
) -> dict:
    """Employments from 2018 (so turnover over the 12 months before January 2019 is right) to the extract.
    positions: (role, team, opened day, exits a year before 2022, from 2022). Per role and team, departures
    come at a steady pace (positions × rate a year, evenly spaced with jitter, so a department of ~50 has a
    stable turnover); each takes a random holder (tenures are then exponential: many short, a few very long),
    and the position is filled again after a vacancy of 3 weeks to 4 months, often on the 1st."""
    role = np.array([p[0] for p in positions])
    team = np.array([p[1] for p in positions])
    opened = np.array([p[2] for p in positions], np.int64)
    rate = np.array([[p[3], p[4]] for p in positions])
    sim, cut = _day(STAFF_FROM) - int(YEAR), _day(date(2022, 1, 1))
    # whoever holds a position when the simulation starts was hired an exponential time before
    cur = np.where(
        opened <= sim,
        sim - np.minimum(rng.exponential(1 / rate[:, 0]) * YEAR, 40 * YEAR).astype(np.int64),
        opened + rng.integers(0, 365, opened.size),
    )  # new positions filled over a year
    rows: list[tuple[int, int, int]] = []
    for key in dict.fromkeys(zip(role, team, strict=True)):
        group = np.flatnonzero((role == key[0]) & (team == key[1]))
        t = sim + rng.random() * YEAR / (group.size * rate[group[0], 0])
        while t < cal.as_of:
            filled = group[cur[group] <= t]
            if filled.size:
                i = filled[rng.integers(filled.size)]
                left = _month_start(_months(np.array([t])) + 1)[0] - 1  # most resign to the end of a month
                left = max(cur[i], left if left <= cal.as_of and rng.random() < 0.65 else t)
                rows.append((i, cur[i], left))
                nxt = left + rng.integers(20, 120)
                cur[i] = _month_start(_months(np.array([nxt])) + 1)[0] if rng.random() < 0.6 else nxt
            r = rate[group[0], 0 if t < cut else 1] * max(1, (opened[group] <= t).sum())
            t += int(YEAR / r * rng.uniform(0.75, 1.25))
    rows += [(i, cur[i], NO_END) for i in range(opened.size) if cur[i] <= cal.as_of]
    p, h, left = (np.array(x, np.int64) for x in zip(*rows, strict=True))
    seen = left >= _day(STAFF_FROM)
    p, h, left = p[seen], h[seen], left[seen]
    order = np.lexsort((p, h))
    p, h, left = p[order], h[order], left[order]
    n = p.size
    # ids in order of hiring; a few rehires (same id) of someone of the same role who left at least 6 months before
    ids = np.arange(1, n + 1)
    pool: dict[str, list[tuple[int, int]]] = {}
    rehire = rng.random(n) < 0.05
    for i in range(n):
        cands = [c for c in pool.get(role[p[i]], []) if c[1] <= h[i] - 180]
        if rehire[i] and h[i] > cal.start and cands:
            pool[role[p[i]]].remove(cands[0])
            ids[i] = cands[0][0]
        if left[i] < NO_END:
            pool.setdefault(role[p[i]], []).append((ids[i], left[i]))
    ids = np.unique(ids, return_inverse=True)[1] + 1  # numbered without gaps, in order of first hire
    return {
        "no": ids,
        "role": role[p],
        "team": team[p],
        "hired": h,
        "left": left,
        "gone": left < NO_END,
        "fte": _pick(rng, n, *zip(*FTES, strict=True)),
        "reason": _pick(rng, n, *zip(*LEAVE_REASONS, strict=True)),
    }


# --------------------------------------------------------------------------------------------- one municipality


def _dates(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Day numbers as a date column; empty where not `valid`."""
    if valid is None:
        return pl.Series(days.astype(np.int32)).cast(pl.Date)
    return (
        pl.Series(np.where(valid, days, 0).astype(np.int32))
        .cast(pl.Date)
        .scatter(np.flatnonzero(~valid), None)
    )


def _cases(rng: np.random.Generator, cal: Calendar, m: dict, birth: np.ndarray, district: dict) -> dict:
    """A child's measures merged across gaps of up to 3 months make a case, opened up to 2 months before the
    first decision and closed 1–8 weeks after the last measure ends; open while a measure runs past the extract.
    Team by the child: disabled children (lost earnings, extra costs), young people (14+), else by district."""
    sorter = np.lexsort((m["start"], m["child"]))
    c, s = m["child"][sorter], m["start"][sorter]
    e = np.where(m["end_known"] & (m["end"] <= cal.as_of), m["end"], cal.as_of + 100_000)[sorter]
    run = np.maximum.accumulate(c * np.int64(1 << 40) + e) - c * np.int64(
        1 << 40
    )  # latest end so far, per child
    new = np.r_[True, (c[1:] != c[:-1]) | (s[1:] > run[:-1] + 90)]
    seg, heads = np.cumsum(new) - 1, np.flatnonzero(new)
    n = heads.size
    decided = np.where(m["decided_known"], m["decided"], m["start"])[sorter]
    opened = np.minimum.reduceat(decided, heads) - rng.integers(0, 60, n)
    closed = np.maximum.reduceat(run, heads) + rng.integers(7, 60, n)
    is_open = closed > cal.as_of
    child = c[heads]
    handicap = np.zeros(n, bool)
    np.logical_or.at(
        handicap, seg, np.isin(np.array(CODES)[m["code"][sorter]], ["TABT_ARBEJDSFORTJENESTE", "MERUDGIFTER"])
    )
    north = np.isin(np.array([district[x] for x in child.tolist()]), ["Nord", "Øst"])
    young = opened - birth[child] >= 14 * YEAR
    team = np.where(
        handicap, "Team Handicap", np.where(young, "Team Unge", np.where(north, "Team Nord", "Team Syd"))
    )
    return {
        "child": child,
        "team": team,
        "opened": opened,
        "closed": closed,
        "is_open": is_open,
        "last": np.where(is_open, cal.as_of, closed),
    }


def _staff_and_caseworkers(rng: np.random.Generator, cal: Calendar, cases: dict) -> tuple[dict, np.ndarray]:
    """Staff, with caseworker positions per team sized from its cases (~30 cases a position in 2019, ~26 after
    the extra hires of 2021), and each case's caseworker: one employed on the case's last day, of the case's
    team when the team has one then (when a caseworker leaves, the cases go to the others)."""
    months = np.arange(_months(np.array([cal.start]))[0], _months(np.array([cal.end]))[0] + 1)
    ends = _month_start(months + 1) - 1
    active = (cases["opened"][:, None] <= ends) & (cases["last"][:, None] >= ends)
    late = ends >= _day(date(2022, 1, 1))
    positions = []
    for t in TEAMS:
        load = active[cases["team"] == t].sum(axis=0)
        base = max(1, round(load[:12].mean() / 30))
        more = max(0, round(load[late].mean() / 26) - base) if late.any() else 0
        positions += [("raadgiver", t, 0, 0.36, 0.3)] * base
        positions += [("raadgiver", t, _day(date(2021, 3, 1)), 0.36, 0.3)] * more
    positions += [(r, t, 0, rate, rate) for r, t, count, rate in OTHER_STAFF for _ in range(count)]
    st = _employments(rng, cal, positions)
    rg = np.flatnonzero(st["role"] == "raadgiver")
    left = np.where(st["gone"], st["left"], cal.as_of)[rg]
    day = cases["last"][:, None]
    on = (st["hired"][rg] <= day) & (left >= day)
    score = on * (2 * (st["team"][rg] == cases["team"][:, None]) + rng.random(on.shape))
    return st, rg[score.argmax(axis=1)]


def _municipality(no: int, seed: int, cal: Calendar, catalogue: pl.DataFrame) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng([seed, no])
    k = f"K{no:03d}-"
    m, birth = _generate_measures(rng, cal)

    # the extract: measures running in 2019 or later that have started, or are decided and start next month
    decided_in_time = (m["start"] <= cal.horizon) & (m["decided"] <= cal.as_of)
    keep = (m["end"] >= cal.start) & ((m["start"] <= cal.as_of) | decided_in_time)
    order = np.lexsort((m["child"][keep], m["start"][keep]))
    m = {key: v[keep][order] for key, v in m.items()}
    n = m["start"].size
    open_p = np.array([KINDS[c][5] for c in CODES])[m["code"]]
    m["end_known"] = (m["end"] <= cal.horizon) | (rng.random(n) >= open_p)  # ends within a month are known
    m["decided_known"] = (rng.random(n) >= 0.02) | (m["start"] > cal.as_of)  # a few decisions lack their date

    # children, numbered by their first measure
    used, first = np.unique(m["child"], return_index=True)
    used = used[np.argsort(first)]
    child_no = np.empty(birth.size, np.int64)
    child_no[used] = np.arange(1, used.size + 1)
    district = _pick(rng, used.size, DISTRICTS, [0.3, 0.25, 0.2, 0.25])
    children = pl.DataFrame(
        {
            "child_id": _ids(k + "B", np.arange(1, used.size + 1), 6),
            "birth_date": _dates(birth[used]),
            "sex": _pick(rng, used.size, ("M", "K", ""), [0.52, 0.47, 0.01]),
            "district": district,
        }
    ).with_columns(pl.col("sex").replace("", None))

    cs = _cases(rng, cal, m, birth, dict(zip(used.tolist(), district.tolist(), strict=True)))
    st, worker = _staff_and_caseworkers(rng, cal, cs)
    order = np.argsort(cs["opened"], kind="stable")  # case ids in order of opening
    cases = pl.DataFrame(
        {
            "case_id": _ids(k + "S", np.arange(1, order.size + 1), 6),
            "child_id": _ids(k + "B", child_no[cs["child"][order]], 6),
            "caseworker_id": _ids(k + "M", st["no"][worker[order]], 4),
            "team": st["team"][worker[order]],
            "opened_on": _dates(cs["opened"][order]),
            "closed_on": _dates(cs["closed"][order], ~cs["is_open"][order]),
        }
    )
    staff = pl.DataFrame(
        {
            "employee_id": _ids(k + "M", st["no"], 4),
            "role": st["role"],
            "team": st["team"],
            "fte": st["fte"],
            "hired_on": _dates(st["hired"]),
            "left_on": _dates(st["left"], st["gone"]),
            "leave_reason": pl.Series(st["reason"]).scatter(np.flatnonzero(~st["gone"]), None),
        }
    )
    prov = np.array(PROVIDER_ROWS, dtype=object)
    measures = pl.DataFrame(
        {
            "measure_id": _ids(k + "F", np.arange(1, n + 1), 6),
            "child_id": _ids(k + "B", child_no[m["child"]], 6),
            "measure_code": np.array(CODES)[m["code"]],
            "provider_type": prov[m["prov"], 1].astype(str),
            "provider_name": prov[m["prov"], 2].astype(str),
            "start_on": _dates(m["start"]),
            "end_on": _dates(m["end"], m["end_known"]),
            "monthly_cost_dkk": pl.Series(np.where(m["cost"] > 0, m["cost"], np.nan)).fill_nan(None),
            "decided_on": _dates(m["decided"], m["decided_known"]),
        }
    )
    payments, spend = _payments(rng, cal, m, measures, catalogue, k)
    last = payments["posted_on"].max()
    v2 = demo_compliance.generate(
        np.random.default_rng([seed, no, 2]),  # a stream of its own: the v1 tables stay as they were
        k,
        CODES,
        _day(last) if last is not None else cal.end,
        cal.start,
        birth,
        child_no,
        used,
        m,
        measures["measure_id"],
        cs,
        catalogue,
    )
    return {
        "children": children,
        "cases": cases,
        "measures": measures,
        "payments": payments,
        "staff": staff,
        "spend": spend,
    } | v2


# --------------------------------------------------------------------------------------------- payments


def _payments(
    rng: np.random.Generator, cal: Calendar, m: dict, measures: pl.DataFrame, catalogue: pl.DataFrame, k: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One posting per measure-month (amount = monthly cost × active-days share), refunds and late corrections;
    postings after the extract date are left out. Also returns the spend by year and budget area, of the full
    years (for the budget) and as written."""
    has = np.flatnonzero(m["cost"] > 0)
    last = _day(date(cal.end_year, 12, 31))
    m0 = _months(np.maximum(m["start"][has], cal.start))
    m1 = _months(np.minimum(m["end"][has], last))
    n = np.maximum(0, m1 - m0 + 1)
    row = np.repeat(has, n)
    month = np.repeat(m0, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    first, nxt = _month_start(month), _month_start(month + 1)
    a, b = np.maximum(m["start"][row], first), np.minimum(m["end"][row], nxt - 1)
    code = np.array(CODES)[m["code"][row]]
    lost = code == "TABT_ARBEJDSFORTJENESTE"
    amount = m["cost"][row] * (b - a + 1) / (nxt - first)
    noisy = lost | (rng.random(row.size) < 0.1)  # hours and extras vary month to month
    amount = np.where(noisy, amount * rng.uniform(0.85, 1.1, row.size), amount)
    amount = np.where(lost, np.minimum(amount, LOST_EARNINGS_CAP_DKK), amount)
    # private providers invoice after the month; the rest is paid within the month
    private = np.array([r[1] == "privat" for r in PROVIDER_ROWS])[m["prov"][row]]
    after = rng.random(row.size) < np.where(private, 0.7, 0.15)
    posted = np.where(
        after, nxt + rng.integers(0, 20, row.size), a + (rng.random(row.size) * (b - a + 1)).astype(np.int64)
    )
    kind = np.zeros(row.size, np.int8)
    # refunds (negative) and late corrections weeks after the month
    ref = np.flatnonzero(rng.random(row.size) < 0.012)
    cor = np.flatnonzero(rng.random(row.size) < 0.025)
    sign = np.where(rng.random(cor.size) < 0.7, 1, -1)
    row = np.concatenate([row, row[ref], row[cor]])
    month = np.concatenate([month, month[ref], month[cor]])
    posted = np.concatenate(
        [posted, nxt[ref] + rng.integers(20, 120, ref.size), nxt[cor] + rng.integers(21, 75, cor.size)]
    )
    amount = np.concatenate(
        [
            amount,
            -amount[ref] * rng.uniform(0.1, 1, ref.size),
            sign * amount[cor] * rng.uniform(0.02, 0.25, cor.size),
        ]
    )
    kind = np.concatenate([kind, np.full(ref.size, 1, np.int8), np.full(cor.size, 2, np.int8)])
    amount = np.round(amount, 2)
    code = np.array(CODES)[m["code"][row]]

    area = dict(zip(catalogue["measure_code"], catalogue["budget_area"], strict=True))
    year = _months(posted) // 12 + 1970
    keep = posted <= cal.as_of
    spend = (
        pl.DataFrame(
            {
                "year": year,
                "budget_area": np.array([area[c] for c in CODES])[m["code"][row]],
                "amount": amount,
                "written": np.where(keep, amount, 0),
            }
        )
        .filter(pl.col("year") <= cal.end_year)
        .group_by("year", "budget_area")
        .agg(pl.col("amount", "written").sum())
    )

    order = np.lexsort((kind[keep], row[keep], posted[keep]))
    row, month, posted, amount, kind, code = (
        x[keep][order] for x in (row, month, posted, amount, kind, code)
    )
    # lost earnings and half the extra costs are paid by code only (no measure id); a third of the rest carry no code
    by_code = rng.random(row.size) < np.where(
        code == "TABT_ARBEJDSFORTJENESTE", 0.85, np.where(code == "MERUDGIFTER", 0.5, 0)
    )
    no_code = ~by_code & (rng.random(row.size) < 0.3)
    account = dict(zip(catalogue["measure_code"], catalogue["account_function"], strict=True))
    label = pl.Series(["Betaling", "Tilbagebetaling", "Efterregulering"])[kind]
    ym = pl.Series(_month_start(month).astype("datetime64[D]").astype("datetime64[M]").astype(str))
    idx = pl.Series(row)
    payments = pl.DataFrame(
        {
            "payment_id": _ids(k + "P", np.arange(1, row.size + 1), 7),
            "posted_on": _dates(posted),
            "amount_dkk": amount,
            "measure_id": measures["measure_id"].gather(idx).scatter(np.flatnonzero(by_code), None),
            "measure_code": pl.Series(code).scatter(np.flatnonzero(no_code), None),
            "account": pl.Series(code).replace_strict(account),
            "child_id": measures["child_id"].gather(idx),
            "provider_name": measures["provider_name"].gather(idx),
            "description": label + " " + ym,
        }
    )
    return payments, spend


# --------------------------------------------------------------------------------------------- budget, pupils


def _budget(spend: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Budget a year and area: the year's spend minus an overspend of ~8 % in 2019, falling ~0.9 points a year
    (the target is 2 mio. kr. a year) with noise; mostly on placements."""
    rng = np.random.default_rng([seed, 0])
    total = spend.group_by("year").agg(pl.col("amount").sum()).sort("year")
    years = total["year"].to_numpy()
    rate = np.maximum(0.01, 0.08 - 0.009 * (years - 2019) + rng.normal(0, 0.004, years.size))
    rate[years == 2019] = 0.08
    over = dict(zip(years.tolist(), (total["amount"].to_numpy() * rate).tolist(), strict=True))
    share = {"Anbringelser": 0.65, "Forebyggende foranstaltninger": 0.15, "Handicapkompensation": 0.2}
    return (
        spend.sort("year", "budget_area")
        .with_columns(
            (
                (
                    pl.col("amount")
                    - pl.col("year").replace_strict(over) * pl.col("budget_area").replace_strict(share)
                )
                / 1000
            )
            .round(0)
            .cast(pl.Int64)
            .mul(1000)
            .alias("budget_dkk")
        )
        .select(pl.col("year").cast(pl.Int64), "budget_area", "budget_dkk")
    )


def _pupils(cal: Calendar, scale: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng([seed, 0, 1])
    last = cal.end_year - (cal.end < _day(date(cal.end_year, 8, 1)))
    starts = np.arange(2018, last + 1)
    n = PUPILS * scale * (1 + 0.004 * (starts - 2018) + rng.normal(0, 0.008, starts.size))
    return pl.DataFrame(
        {"school_year": [f"{y}/{(y + 1) % 100:02d}" for y in starts], "pupils": np.round(n).astype(np.int64)}
    )


# --------------------------------------------------------------------------------------------- write


def write(
    out_dir: Path | str, seed: int = 2019, scale: int = 1, end_month: str | None = None
) -> dict[str, int]:
    """Write the demo data folder (one CSV a table and settings.toml); returns the rows written per table."""
    if scale < 1:
        raise ValueError("scale skal være mindst 1")
    cal = (
        Calendar.for_month(end_month, None)
        if end_month
        else Calendar.for_month(default_end_month(), date.today())
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    catalogue = pl.read_csv(CATALOGUE_FILE, infer_schema=False)
    missing = set(CODES) - set(catalogue["measure_code"])
    if missing:
        raise ValueError(f"koder mangler i kataloget: {sorted(missing)}")
    counts = dict.fromkeys(TABLES, 0)
    spend = []
    files = {t: open(out / f"{t}.csv", "wb") for t in PER_MUNICIPALITY}  # noqa: SIM115
    try:
        for no in range(1, scale + 1):
            frames = _municipality(no, seed, cal, catalogue)
            spend.append(frames.pop("spend"))
            for table, df in frames.items():
                df.write_csv(
                    files[table], include_header=no == 1, float_precision=2 if table != "staff" else None
                )
                counts[table] += df.height
    finally:
        for f in files.values():
            f.close()
    spend_all = pl.concat(spend).group_by("year", "budget_area").agg(pl.col("amount", "written").sum())
    budget = _budget(spend_all, seed)
    pupils = _pupils(cal, scale, seed)
    budget.write_csv(out / "budget.csv")
    pupils.write_csv(out / "pupils.csv")
    counts["budget"], counts["pupils"] = budget.height, pupils.height
    spent_2019 = spend_all.filter(pl.col("year") == 2019)["written"].sum()
    overspend = round(spent_2019 - budget.filter(pl.col("year") == 2019)["budget_dkk"].sum())
    (out / "settings.toml").write_text(
        "# Demo municipality: policy settings that override data/settings.toml\n\n"
        "[budget]\n"
        "baseline_year = 2019\n"
        f"baseline_overspend_dkk = {overspend}  # 2019 payments minus the 2019 budget\n",
        encoding="utf-8",
    )
    return counts


# --------------------------------------------------------------------------------------------- CLI and app start


def ensure_demo_db(progress: Callable[[float, str], None] | None = None) -> Path:
    """The database at mi.db.db_path(); when there is none, write the demo data to data/demo/ and import it
    through the normal import. `progress(fraction, text)` hears about each step."""
    step = progress or (lambda fraction, text: None)
    path = db.db_path()
    if path.exists():
        try:
            with db.connect(path) as con:
                current = db.is_current(con)
        except duckdb.Error as exc:
            raise ValueError(
                f"{path} er ikke en database fra dette program ({exc}); flyt filen, eller sæt MI_DB til en anden sti."
            ) from exc
        if not current:
            step(
                0.5, "Databasen er bygget af en ældre version: nøgletallene genopbygges fra dens egne data …"
            )
            db.refresh(path)
        step(1.0, "Databasen findes")
        return path
    step(0.0, "Skriver demokommunens data …")
    write(DEMO_DIR)
    step(0.5, "Indlæser demodata i databasen …")
    import_folder(DEMO_DIR, path)
    step(1.0, "Databasen er klar")
    return path
