"""The demo's fixed inputs (mi.demo_tables and mi.demo_payments draw from them): measure codes with their
starts, durations and providers, seasons, teams, districts, staff shapes, the calendar of the extract, and the
small helpers of random draws and day columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from mi.demo_base import day_number

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
        return cls(day_number(FIRST_DAY), day_number(end), day_number(as_of), day_number(horizon), y)


def default_end_month(today: date | None = None) -> str:
    """The last complete calendar month before today."""
    last = (today or date.today()).replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"
