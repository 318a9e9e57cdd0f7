"""The data contract (DOMAIN.md, "Input data contract (v1)" and "… contract v2"): one pydantic model per input
table.

A model says which columns a table has, which are required, what kind of value each holds and its bounds; the
rules a row must obey across columns are data below the models (ORDER, ORDER_IN_TIME, ONE_OF, REQUIRED_WHEN,
UNIQUE_TOGETHER). `mi.ingest_checks` reads both (`columns(table)`, `bounds`, the rules) and checks whole columns at once:
that is the one implementation of every rule; `mi.db` derives the storage schema from the models.
`model.model_validate(row)` checks one row's values (kinds, bounds, CPR), not the row rules.

Kinds of column (the `Col` marker on each field):

* `id`     – pseudonymous text identifier; never a CPR number (see `looks_like_cpr`)
* `text`   – free text (also screened for CPR numbers: they must never be stored)
* `date`   – a calendar date; files may write `YYYY-MM-DD`, `DD-MM-YYYY` or `DD.MM.YYYY`
* `datetime` – a date, or a date with a time of day: any `date` spelling followed by `HH:MM` (or `HH.MM`),
  optionally with seconds, after a space, a `T` or ` kl. `; stored as ISO text, `YYYY-MM-DD` or
  `YYYY-MM-DD HH:MM` (`HH:MM:SS` when the seconds are not 0) (see `normalise_datetime`)
* `money`  – kroner with up to two decimals, signed
* `int`    – a whole number
* `fte`    – a fraction 0 < fte ≤ 1
* `enum`   – one of a fixed set of values (the field's Literal)
* `school_year` – `2020/21`
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

# ------------------------------------------------------------------------------------------------- CPR guard

# DDMMYY-XXXX, DDMMYYXXXX, DDMMYY XXXX, DDMMYY.XXXX or DD.MM.YY-XXXX (optionally inside a longer value), where DDMMYY is a
# possible date; and nine digits that are one of these with the leading 0 dropped (as Excel does to a number).
CPR_PATTERN = r"(?:^|[^0-9])(0[1-9]|[12][0-9]|3[01])\.?(0[1-9]|1[0-2])\.?([0-9]{2})[-. ]?[0-9]{4}(?:[^0-9]|$)"
_CPR = re.compile(CPR_PATTERN)
# a cheap first look (a run of digits long enough to be one); looks_like_cpr decides
CPR_CANDIDATE = r"[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}[-. ]?[0-9]{4}|^[1-9][0-9]{4}[-. ]?[0-9]{4}([.,]0+)?$"
# the leading 0 dropped: nine digits (a number cell, maybe written as 101801234.0), or DMMYY and the last four with
# a separator ("10180 1234", "10180-1234": a value typed or formatted without the day's 0)
_STRIPPED = re.compile(r"[1-9][0-9]{4}[-. ]?[0-9]{4}")
_NUMBER_CELL = re.compile(r"([1-9][0-9]{8})[.,]0+")
_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
CPR_MASK = "XXXXXX-XXXX"


def looks_like_cpr(value: str | None) -> bool:
    """True when the value is, or contains, something shaped like a Danish CPR number on a possible date
    (DDMMYY-XXXX, ten digits, with a space or dots), or is nine digits that are one with the leading 0 dropped.
    29 February passes: some century makes it a leap day."""
    if not value:
        return False
    text = str(value).strip()
    if m := _NUMBER_CELL.fullmatch(text):
        text = m.group(1)
    if _STRIPPED.fullmatch(text):
        text = "0" + text
    return any(int(m.group(1)) <= _DAYS[int(m.group(2))] for m in _CPR.finditer(text))


_MASKED = re.compile(
    r"[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}[-. ]?[0-9]{4}|(?<![0-9])[0-9]{9}(?![0-9])|(?<![0-9])[0-9]{5}[-. ][0-9]{4}(?![0-9])"
)


def mask(value: object) -> str:
    """The value as it may be shown in a message: every CPR-shaped run of digits (and every run of nine digits, with
    or without a separator before the last four) replaced by XXXXXX-XXXX."""
    text = "" if value is None else str(value)
    return _MASKED.sub(CPR_MASK, text)


# what the database can hold (decimal(18,2), integer): larger values are reported by the validation, with their line
MAX_DKK = 999_999_999_999  # kroner: well inside decimal(18,2), and exact as a float
MAX_PUPILS = 2_147_483_647


# ---------------------------------------------------------------------------------------------- column kinds

ID, TEXT, DATE, MONEY, INT, FTE, ENUM, SCHOOL_YEAR, DATETIME = (
    "id",
    "text",
    "date",
    "money",
    "int",
    "fte",
    "enum",
    "school_year",
    "datetime",
)

# A date (YYYY-M-D, D-M-YYYY or D.M.YYYY), then optionally a time of day H:MM or H.MM with optional seconds (and
# a fraction, as Excel and data warehouses write them) after a space, a T or " kl. ". mi.ingest_checks uses the same
# patterns on whole columns.
DATE_ISO = r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
DATE_DMY = r"([0-9]{1,2})[-.]([0-9]{1,2})[-.]([0-9]{4})"
TIME_OF_DAY = r"(?:[ T]+|\s+kl\.?\s*)([0-9]{1,2})[:.]([0-9]{2})(?:[:.]([0-9]{2})(?:[.,][0-9]+)?)?"
DATETIME_ISO = rf"^{DATE_ISO}(?:{TIME_OF_DAY})?$"
DATETIME_DMY = rf"^{DATE_DMY}(?:{TIME_OF_DAY})?$"


def normalise_datetime(value: str) -> str:
    """A date or date-and-time value as ISO text: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD HH:MM:SS` when
    the seconds are not 0 (a fraction of a second is dropped). ValueError when it is neither."""
    text = value.strip()
    m = re.match(DATETIME_ISO, text)
    if m:
        y, mo, d, hh, mm, ss = m.groups()
    else:
        m = re.match(DATETIME_DMY, text)
        if not m:
            raise ValueError("er ikke en dato eller en dato med klokkeslæt")
        d, mo, y, hh, mm, ss = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:  # 31 April
        raise ValueError("er ikke en gyldig dato") from None
    if not 1900 <= day.year <= 2100:
        raise ValueError("er ikke en mulig dato (år før 1900 eller efter 2100)")
    if hh is None:
        return day.isoformat()
    if int(hh) > 23 or int(mm) > 59 or (ss is not None and int(ss) > 59):
        raise ValueError("har et klokkeslæt, der ikke findes")
    seconds = f":{int(ss):02d}" if ss is not None and int(ss) else ""
    return f"{day.isoformat()} {int(hh):02d}:{mm}{seconds}"


def _datetime_text(v: object) -> object:
    return normalise_datetime(v) if isinstance(v, str) else v


DateTimeText = Annotated[str, AfterValidator(_datetime_text)]


@dataclass(frozen=True)
class Col:
    """How a column is checked. `unique`: no two rows share the value; `ref`: (table, column) it points at."""

    kind: str
    unique: bool = False
    ref: tuple[str, str] | None = None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    unique: bool = False
    ref: tuple[str, str] | None = None
    allowed: tuple[str, ...] = ()


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and v.strip() == "" else v

    @field_validator("*", mode="after")
    @classmethod
    def _no_cpr(cls, v: object) -> object:
        if isinstance(v, str) and looks_like_cpr(v):
            raise ValueError("værdien ligner et CPR-nummer og må ikke indlæses")
        return v


# The column types most tables share (a field's type and its Col marker, named once).
Key = Annotated[str, Col(ID, unique=True)]  # the table's own identifier
ChildRef = Annotated[str, Col(ID, ref=("children", "child_id"))]
Day = Annotated[date, Col(DATE)]
MaybeDay = Annotated[date | None, Col(DATE)]
MaybeText = Annotated[str | None, Col(TEXT)]

ProviderType = Literal["intern", "kommunal", "regional", "privat"]
Sex = Literal["M", "K"]
# `raadgiver` holds cases; the other roles are those of a children's department (DOMAIN.md lists "…").
Role = Literal[
    "raadgiver",
    "leder",
    "familiebehandler",
    "administrativ",
    "psykolog",
    "konsulent",
    "sundhedsplejerske",
    "anden",
]


class Child(_Row):
    child_id: Key
    birth_date: MaybeDay = None
    sex: Annotated[Sex | None, Col(ENUM)] = None
    district: MaybeText = None


class Case(_Row):
    case_id: Key
    child_id: ChildRef
    caseworker_id: Annotated[str, Col(ID, ref=("staff", "employee_id"))]
    team: MaybeText = None
    opened_on: Day
    closed_on: MaybeDay = None


class Measure(_Row):
    measure_id: Key
    child_id: ChildRef
    measure_code: Annotated[str, Col(ID, ref=("catalogue", "measure_code"))]
    provider_type: Annotated[ProviderType, Col(ENUM)]
    provider_name: MaybeText = None
    start_on: Day
    end_on: MaybeDay = None
    monthly_cost_dkk: Annotated[Decimal | None, Col(MONEY), Field(ge=0, le=MAX_DKK)] = None
    decided_on: MaybeDay = None


class Payment(_Row):
    payment_id: Key
    posted_on: Day
    amount_dkk: Annotated[Decimal, Col(MONEY), Field(ge=-MAX_DKK, le=MAX_DKK)]
    measure_id: Annotated[str | None, Col(ID, ref=("measures", "measure_id"))] = None
    measure_code: Annotated[str | None, Col(ID, ref=("catalogue", "measure_code"))] = None
    account: MaybeText = None
    child_id: Annotated[str | None, Col(ID, ref=("children", "child_id"))] = None
    provider_name: MaybeText = None
    description: MaybeText = None


class BudgetLine(_Row):
    year: Annotated[int, Col(INT), Field(ge=1990, le=2100)]
    budget_area: Annotated[str, Col(TEXT)]
    budget_dkk: Annotated[Decimal, Col(MONEY), Field(ge=-MAX_DKK, le=MAX_DKK)]


class Employment(_Row):
    """One employment; a rehire is a new row (unique by employee_id and hired_on)."""

    employee_id: Annotated[str, Col(ID)]
    role: Annotated[Role, Col(ENUM)]
    team: MaybeText = None
    fte: Annotated[float, Col(FTE), Field(gt=0, le=1)]
    hired_on: Day
    left_on: MaybeDay = None
    leave_reason: MaybeText = None


class SchoolYear(_Row):
    school_year: Annotated[str, Col(SCHOOL_YEAR, unique=True), Field(pattern=r"^[0-9]{4}/[0-9]{2}$")]
    pupils: Annotated[int, Col(INT), Field(ge=0, le=MAX_PUPILS)]


class CatalogueEntry(_Row):
    """A row of the measure catalogue (data/catalogue/measures.csv): validated like the data."""

    measure_code: Key
    label_da: Annotated[str, Col(TEXT)]
    label_en: MaybeText = None
    ladder_step: Annotated[int | None, Col(INT), Field(ge=1, le=6)] = None
    placement_type: Annotated[
        Literal["netvaerk", "plejefamilie", "institution", "anden"] | None, Col(ENUM)
    ] = None
    focus_flag: Annotated[
        Literal["family_treatment", "day_treatment", "family_care", "institution", "lost_earnings"] | None,
        Col(ENUM),
    ] = None
    legal_basis_sel: MaybeText = None
    legal_basis_bl: MaybeText = None
    account_function: Annotated[str, Col(TEXT)]
    budget_area: Annotated[str, Col(TEXT)]


# ------------------------------------------------------------------------------------------ contract v2

Source = Literal["skole", "dagtilbud", "sundhed", "politi", "familie", "borger", "anonym", "andet"]
# plan = handleplan / barnets plan; opfoelgning = follow-up on a measure; tilsyn = personal supervision visit
Activity = Literal["plan", "opfoelgning", "tilsyn"]
ACTIVITIES_ON_A_MEASURE = ("plan", "opfoelgning")


class Notification(_Row):
    """An underretning. received_at/assessed_at: a date, or a date with a time of day (see normalise_datetime)."""

    notification_id: Key
    child_id: ChildRef
    received_at: Annotated[DateTimeText, Col(DATETIME)]
    source: Annotated[Source | None, Col(ENUM)] = None
    assessed_at: Annotated[DateTimeText | None, Col(DATETIME)] = None


class Investigation(_Row):
    """A børnefaglig undersøgelse (SEL §50 / BL §20): the 4-month clock starts on started_on."""

    investigation_id: Key
    child_id: ChildRef
    started_on: Day
    completed_on: MaybeDay = None
    child_talk_on: MaybeDay = None


class CaseActivity(_Row):
    """A plan, a follow-up on a measure, or a supervision visit; plan and opfoelgning name their measure."""

    activity_id: Key
    child_id: ChildRef
    activity: Annotated[Activity, Col(ENUM)]
    done_on: Day
    measure_id: Annotated[str | None, Col(ID, ref=("measures", "measure_id"))] = None


MODELS: dict[str, type[_Row]] = {
    "children": Child,
    "cases": Case,
    "measures": Measure,
    "payments": Payment,
    "budget": BudgetLine,
    "staff": Employment,
    "pupils": SchoolYear,
    "catalogue": CatalogueEntry,
    "notifications": Notification,
    "investigations": Investigation,
    "activities": CaseActivity,
}

# Rows that must be unique by several columns together (besides the single `unique` columns).
UNIQUE_TOGETHER: dict[str, tuple[str, ...]] = {
    "staff": ("employee_id", "hired_on"),
    "budget": ("year", "budget_area"),
}
# Row rules: each is stated here once and checked by mi.ingest_checks on whole columns (the one implementation).
# start/end pairs: the end may not lie before the start (intervals include both days).
ORDER: dict[str, tuple[str, str]] = {
    "cases": ("opened_on", "closed_on"),
    "measures": ("start_on", "end_on"),
    "staff": ("hired_on", "left_on"),
    "investigations": ("started_on", "completed_on"),
}
# date-and-time pairs (date, or date with a time of day): the second may not lie before the first; compared by
# the times when both carry one, else by the dates (a date without a time is not before a time on the same day)
ORDER_IN_TIME: dict[str, tuple[str, str]] = {"notifications": ("received_at", "assessed_at")}
# at least one of the columns is filled in: table → (the row in words, columns)
ONE_OF: dict[str, tuple[str, tuple[str, ...]]] = {"payments": ("betalingen", ("measure_id", "measure_code"))}
# a column required for some values of another: table → (the row in words, column, the other column, its values)
REQUIRED_WHEN: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "activities": ("aktiviteten", "measure_id", "activity", ACTIVITIES_ON_A_MEASURE)
}


def columns(table: str) -> list[Column]:
    """The table's columns in contract order, with kind, requiredness, uniqueness, reference and allowed set."""
    out = []
    for name, field in MODELS[table].model_fields.items():
        col = next(m for m in field.metadata if isinstance(m, Col))
        out.append(
            Column(
                name=name,
                kind=col.kind,
                required=field.is_required(),
                unique=col.unique,
                ref=col.ref,
                allowed=_literal_values(field.annotation),
            )
        )
    return out


def bounds(table: str, column: str) -> tuple[float | None, bool, float | None, bool]:
    """(low, low_inclusive, high, high_inclusive) from the field's Field(ge/gt/le/lt) constraints."""
    field = MODELS[table].model_fields[column]
    low = high = None
    low_inc = high_inc = True
    for m in field.metadata:
        for attr, is_low, inclusive in (
            ("ge", True, True),
            ("gt", True, False),
            ("le", False, True),
            ("lt", False, False),
        ):
            v = getattr(m, attr, None)
            if v is None:
                continue
            if is_low:
                low, low_inc = float(v), inclusive
            else:
                high, high_inc = float(v), inclusive
    return low, low_inc, high, high_inc


def _literal_values(annotation: object) -> tuple[str, ...]:
    if get_origin(annotation) is Literal:
        return tuple(get_args(annotation))
    for arg in get_args(annotation):
        found = _literal_values(arg)
        if found:
            return found
    return ()


def required(table: str) -> list[str]:
    return [c.name for c in columns(table) if c.required]
