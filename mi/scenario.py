"""Scenarios ("hvad nu hvis"): what moving children between measures is worth against the reduction target.

DOMAIN.md "Scenarios" defines the arithmetic; it is done in SQL: the unit prices in sql/marts/mart_scenario_prices.sql,
the savings, forecast and overspend after the moves in sql/marts/mart_scenario.sql, the overspend path month by
month in mart_scenario_path.sql and the focus points in mart_scenario_focus.sql: table macros (`-- params:`) read
here with db.select_view, the moves and the user's prices bound as parameters.
This module parses, validates, binds and formats; `python -m mi scenario` (mi.cli) and the screen Scenarier
read the same functions. Saved and presented scenarios are kept by mi.scenario_saved; the screen's tables, the Excel
and the committee's section are made by mi.scenario_tables.

    parse_move("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:2:2024-05") → Move
    parse_price("FAMILIEBEHANDLING/privat=25000") → ("FAMILIEBEHANDLING/privat", 25000.0)
    compute(con, month, moves, prices) → dict with the JSON keys of `mi scenario` (ScenarioError when invalid)
    path(con, month, result) → the overspend path month by month, without and with the scenario
    unit_prices(con, month) → the month's unit prices (mart_scenario_prices) with labels
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import get_args

import duckdb
import polars as pl

from mi import contract, db, fmt, kpi

PROVIDER_TYPES: tuple[str, ...] = get_args(contract.ProviderType)
UNCERTAIN_BELOW = 3  # a unit price from fewer measures than this is marked uncertain on screen


class ScenarioError(ValueError):
    """A scenario that cannot be computed, with a Danish message saying why."""


@dataclass(frozen=True)
class Move:
    from_key: str  # a measure code, or CODE/provider_type
    to_key: str | None  # None: the measure ends with no replacement
    children: int
    start_month: date

    def text(self) -> str:
        return f"{self.from_key}:{self.to_key or ''}:{self.children}:{self.start_month:%Y-%m}"


# ---- parsing -----------------------------------------------------------------------------------------

MOVE_FORM = "FRA:TIL:ANTAL:ÅÅÅÅ-MM, fx ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:2:2024-05 (TIL må være tom: indsatsen ophører)"


def parse_move(text: str) -> Move:
    """'FROM:TO:N:YYYY-MM' → Move; ScenarioError (Danish) when malformed. Codes are upper-cased, provider types
    lower-cased; whether they exist is checked against the database by validate()."""
    shown = contract.mask(text)
    parts = text.split(":")
    if len(parts) != 4:
        raise ScenarioError(f"Flytningen {shown!r} er ikke skrevet rigtigt: skriv {MOVE_FORM}.")
    raw_from, raw_to, raw_n, raw_month = (p.strip() for p in parts)
    if not raw_from:
        raise ScenarioError(
            f"Flytningen {shown!r} mangler FRA (den indsats, børnene flyttes fra): skriv {MOVE_FORM}."
        )
    if not re.fullmatch(r"\d+", raw_n) or int(raw_n) < 1:
        raise ScenarioError(
            f"Antallet af børn i flytningen {shown!r} skal være et positivt helt tal (fik {contract.mask(raw_n)!r})."
        )
    if not re.fullmatch(r"\d{4}-\d{1,2}", raw_month):
        raise ScenarioError(
            f"Startmåneden i flytningen {shown!r} skal skrives ÅÅÅÅ-MM, fx 2024-05 (fik {contract.mask(raw_month)!r})."
        )
    try:
        start = kpi.parse_month(raw_month)
    except ValueError:
        raise ScenarioError(
            f"Startmåneden i flytningen {shown!r} er ikke en måned (fik {contract.mask(raw_month)!r})."
        ) from None
    return Move(_key(raw_from), _key(raw_to) or None, int(raw_n), start)


def _key(text: str) -> str:
    """'anbr_netvaerk / Kommunal' → 'ANBR_NETVAERK/kommunal'."""
    if not text:
        return ""
    code, _, provider = text.partition("/")
    code = code.strip().upper()
    return f"{code}/{provider.strip().lower()}" if provider.strip() else code


def parse_amount(text: str) -> float:
    """A price in kroner as a user writes it: '25000', '25.000', '25000,50', '25.000,50', '25000.50'."""
    t = text.strip().replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", t):
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d+", t):
        t = t.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", t):
        raise ScenarioError(
            f"Prisen {contract.mask(text)!r} er ikke et beløb i kroner (et tal på mindst 0, fx 25000 eller 25.000,50)."
        )
    return float(t)


def parse_price(text: str) -> tuple[str, float]:
    """'KEY=DKK' → (key, price); ScenarioError (Danish) when malformed."""
    key, sep, amount = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(
            f"Prisen {contract.mask(text)!r} skal skrives NØGLE=KR, fx ANBR_PLEJEFAMILIE=38000 eller "
            "FAMILIEBEHANDLING/privat=25000."
        )
    return _key(key.strip()), parse_amount(amount)


# ---- validation and computation ------------------------------------------------------------------------


def codes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The catalogue's measure codes with their Danish labels, in catalogue order of ladder step."""
    rows = db.query(
        con,
        "select measure_code, label_da from stg_catalogue order by ladder_step desc nulls last, measure_code",
    )
    return dict(rows.iter_rows())


def _check_key(key: str, known: dict[str, str], where: str) -> None:
    code, _, provider = key.partition("/")
    if code not in known:
        raise ScenarioError(
            f"Ukendt indsatskode {contract.mask(code)!r} {where}. Kendte koder: {', '.join(sorted(known))}."
        )
    if "/" in key and provider not in PROVIDER_TYPES:
        raise ScenarioError(
            f"Ukendt leverandørtype {contract.mask(provider)!r} {where}. Brug {', '.join(PROVIDER_TYPES[:-1])} "
            f"eller {PROVIDER_TYPES[-1]}."
        )


def validate(
    con: duckdb.DuckDBPyConnection, month: date, moves: list[Move], prices: dict[str, float]
) -> None:
    """Every code and provider type known, every start on or after the base month; ScenarioError otherwise."""
    known = codes(con)
    for mv in moves:
        where = f"i flytningen {contract.mask(mv.text())!r}"
        _check_key(mv.from_key, known, where)
        if mv.to_key:
            _check_key(mv.to_key, known, where)
        if mv.children < 1:
            raise ScenarioError(
                f"Antallet af børn {where} skal være et positivt helt tal (fik {mv.children})."
            )
        if mv.start_month < month:
            raise ScenarioError(
                f"Flytningen {contract.mask(mv.text())!r} starter i {fmt.month_name(mv.start_month)}, før "
                f"basismåneden {fmt.month_name(month)}. En flytning kan tidligst starte i basismåneden."
            )
    for key, value in prices.items():
        _check_key(key, known, f"i prisen {contract.mask(key)}={fmt.number(value)}")
        if value < 0:
            raise ScenarioError(f"Prisen for {key} skal være mindst 0 kr. (fik {fmt.number(value)}).")


def compute(
    con: duckdb.DuckDBPyConnection,
    month: date,
    moves: list[Move],
    prices: dict[str, float] | None = None,
    *,
    price_hint: str = "--price",
) -> dict:
    """The scenario as `python -m mi scenario` prints it (money in DKK, rounded to øre). ScenarioError (Danish) when a
    move is invalid or a code has no price; ValueError when the month is outside the data."""
    prices = prices or {}
    kpi.values(con, month)  # ValueError with a Danish message when the month is outside the data
    validate(con, month, moves, prices)
    row = db.select_view(
        con,
        "mart_scenario",
        p_month=month,
        p_moves=[
            {
                "move_no": i,
                "from_key": mv.from_key,
                "to_key": mv.to_key,
                "children": mv.children,
                "start_month": mv.start_month,
            }
            for i, mv in enumerate(moves, start=1)
        ],
        p_prices=[{"price_key": k, "price_dkk": float(v)} for k, v in prices.items()],
    ).row(0, named=True)
    for mv in row["moves"]:
        for side in ("from", "to"):
            if mv[f"price_{side}_dkk"] is None:
                key = mv[f"{side}_key"]
                raise ScenarioError(
                    f"Ingen aktiv indsats med {key} og en månedspris ved udgangen af {fmt.month_name(month)}, "
                    f"så der er ingen enhedspris at regne med. Angiv prisen selv med {price_hint} {key}=KR."
                    if price_hint == "--price"
                    else f"Ingen aktiv indsats med {key} og en månedspris ved udgangen af {fmt.month_name(month)}, "
                    f"så der er ingen enhedspris at regne med. {price_hint}"
                )
    return _result(row)


def _money(v: float | None) -> float | None:
    return None if v is None else round(float(v), 2)


def _result(row: dict) -> dict:
    return {
        "month": f"{row['month']:%Y-%m}",
        "moves": [
            {
                "from_code": mv["from_key"],
                "to_code": mv["to_key"],
                "children": mv["children"],
                "start_month": f"{mv['start_month']:%Y-%m}",
                "price_from_dkk": _money(mv["price_from_dkk"]),
                "price_to_dkk": _money(mv["price_to_dkk"]),
                "monthly_saving_dkk": _money(mv["monthly_saving_dkk"]),
                "price_from_measures": mv["price_from_measures"],
                "price_to_measures": mv["price_to_measures"],
                "months_this_year": mv["months_this_year"],
                "months_next_year": mv["months_next_year"],
                "saving_this_year_dkk": _money(mv["saving_this_year_dkk"]),
                "saving_next_year_dkk": _money(mv["saving_next_year_dkk"]),
            }
            for mv in row["moves"]
        ],
        **{
            k: _money(row[k])
            for k in (
                "savings_this_year_dkk",
                "savings_next_year_dkk",
                "forecast_dkk",
                "forecast_after_dkk",
                "budget_dkk",
                "overspend_dkk",
                "overspend_after_dkk",
                "overspend_target_dkk",
                "gap_to_target_dkk",
                "gap_to_target_after_dkk",
            )
        },
    }


def path(con: duckdb.DuckDBPyConnection, month: date, result: dict) -> pl.DataFrame:
    """The overspend of M's year month by month (spend to date minus the budget in twelfths), without and with the
    scenario `result` (from compute)."""
    return db.select_view(
        con,
        "mart_scenario_path",
        p_month=month,
        p_savings=[
            {
                "start_month": kpi.parse_month(mv["start_month"]),
                "monthly_saving_dkk": mv["monthly_saving_dkk"],
            }
            for mv in result["moves"]
        ],
    )


def unit_prices(con: duckdb.DuckDBPyConnection, month: date) -> pl.DataFrame:
    """The month's unit prices (mart_scenario_prices) with the code's label and whether the price is uncertain
    (fewer than UNCERTAIN_BELOW measures behind it)."""
    return db.query(
        con,
        """select p.price_key, p.measure_code, c.label_da as measure_label, p.provider_type, p.price_dkk,
                  p.n_measures, p.n_measures < $few as is_uncertain
           from mart_scenario_prices as p
           left join stg_catalogue as c on c.measure_code = p.measure_code
           where p.month = $m
           order by c.ladder_step desc nulls last, p.measure_code, p.provider_type nulls first""",
        {"m": month, "few": UNCERTAIN_BELOW},
    )


# ---- text ----------------------------------------------------------------------------------------------


def gap_sentence(result: dict) -> str:
    """The gap to the target in words: 'Planen lukker 1,4 af de 2,0 mio. kr.' (the gap before the scenario)."""
    before, after = result["gap_to_target_dkk"], result["gap_to_target_after_dkk"]
    if before is None or after is None:
        return "Der er intet budget for året, så afstanden til målet for merforbruget kan ikke beregnes."
    saving = result["savings_this_year_dkk"]
    if before <= 0:
        return (
            f"Merforbruget er allerede på eller under målet ({fmt.mio(-before)} under); planen sparer "
            f"{fmt.mio(saving)} mere i år."
        )
    if after <= 0:
        return f"Planen lukker hele afstanden til målet på {fmt.mio(before)} (og {fmt.mio(-after)} mere)."
    # in tenths of a million like the gap ("1,4 af de 2,0 mio. kr."); a saving below 0,05 mio. kr. in kroner
    closed = fmt.number(saving / 1e6, 1) if abs(saving) >= 50_000 else fmt.kr(saving)
    return f"Planen lukker {closed} af de {fmt.mio(before)}; der mangler {fmt.mio(after)}"


def text_report(result: dict) -> str:
    m = kpi.parse_month(result["month"])
    lines = [f"Scenarie med basismåned {fmt.month_name(m)}", ""]
    for mv in result["moves"]:
        to = mv["to_code"] or "(ophører)"
        lines.append(
            f"  {mv['children']} børn fra {mv['from_code']} ({fmt.kr(mv['price_from_dkk'])}/md.) til {to} "
            f"({fmt.kr(mv['price_to_dkk'])}/md.) fra {fmt.month_name(kpi.parse_month(mv['start_month']))}: "
            f"{fmt.kr(mv['monthly_saving_dkk'])} om måneden"
        )
    y = m.year
    lines += [
        "",
        f"  Besparelse {y}: {fmt.kr(result['savings_this_year_dkk'])}",
        f"  Besparelse {y + 1}: {fmt.kr(result['savings_next_year_dkk'])}",
        f"  Forventet forbrug {y}: {fmt.kr(result['forecast_dkk'])} → {fmt.kr(result['forecast_after_dkk'])}",
        f"  Budget {y}: {fmt.kr(result['budget_dkk'])}",
        f"  Merforbrug efter planen: {fmt.kr(result['overspend_after_dkk'])} "
        f"(mål: {fmt.kr(result['overspend_target_dkk'])})",
        f"  Afstand til målet efter planen: {fmt.kr(result['gap_to_target_after_dkk'])}",
        "",
        "  " + gap_sentence(result),
    ]
    return "\n".join(lines)


# ---- focus points --------------------------------------------------------------------------------------

FOCUS_LABELS = {
    "f1_institution_children": "Børn anbragt på institution",
    "f2_family_care_share": "Andel i netværks- og plejefamilier",
    "n_private_family_treatment_active": "Igangværende familiebehandlinger hos private",
    "f4_day_treatment_share": "Andel elever i skole-dagbehandling",
    "lost_earnings_year_dkk": "Tabt arbejdsfortjeneste for året (forventet)",
}


def focus(con: duckdb.DuckDBPyConnection, month: date, result: dict) -> pl.DataFrame:
    """The five focus points today (month M) and at 31 December of M's year with the scenario's moves started by
    then, if nothing else changes (sql/marts/mart_scenario_focus.sql), with Danish labels."""
    rows = db.select_view(
        con,
        "mart_scenario_focus",
        p_month=month,
        p_moves=[
            {
                "from_key": mv["from_code"],
                "to_key": mv["to_code"],
                "children": mv["children"],
                "start_month": kpi.parse_month(mv["start_month"]),
                "price_from_dkk": mv["price_from_dkk"],
                "price_to_dkk": mv["price_to_dkk"],
                "months_this_year": mv["months_this_year"],
            }
            for mv in result["moves"]
        ],
    )
    return rows.with_columns(pl.col("figure_key").replace_strict(FOCUS_LABELS).alias("label"))
