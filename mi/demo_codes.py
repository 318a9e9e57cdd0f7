"""The demo's fixed inputs (mi.demo_tables and mi.demo_payments draw from them): measure codes with their
starts, durations and providers (read from mi/demo_measures.toml), seasons, teams, districts, staff shapes and
the calendar of the extract. The helpers of random draws and day columns are mi.demo_base's."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

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


class Kind(NamedTuple):
    """One measure code's draws (mi/demo_measures.toml says what each field means)."""

    starts_2019: float
    policy: float
    mean_months: float
    weibull_shape: float
    ages: tuple[int, int]
    p_no_end: float


def _read_measures() -> tuple[dict[str, Kind], list[tuple[str, str, str, float, float, float]]]:
    table = tomllib.loads(Path(__file__).with_name("demo_measures.toml").read_text(encoding="utf-8"))
    kinds, rows = {}, []
    for code, entry in table.items():
        draws = {k: v for k, v in entry.items() if k != "providers"}
        kinds[code] = Kind(**draws | {"ages": tuple(entry["ages"])})
        rows += [(code, *provider) for provider in entry["providers"]]
    return kinds, rows


# Per measure code: its draws; and one row a provider as (code, provider_type, provider_name, weight 2019, weight
# from 2023, monthly cost 2019 DKK). Both from mi/demo_measures.toml.
KINDS, PROVIDER_ROWS = _read_measures()
CODES = tuple(KINDS)
SCHOOL_YEAR_CODES = {"SKOLE_DAGBEHANDLING", "ANBR_EFTERSKOLE"}
# home-based measures (the ladder's step 3)
HOME_CODES = ("KONSULENT", "PRAKTISK_STOTTE", "FAMILIEBEHANDLING", "KONTAKTPERSON", "AFLASTNING")
INSTITUTION = ("ANBR_OPHOLDSSTED", "ANBR_DOGNINSTITUTION", "ANBR_SIKRET")

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
