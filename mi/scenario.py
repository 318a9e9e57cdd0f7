"""Scenarios ("hvad nu hvis"): what moving children between measures is worth against the reduction target.

DOMAIN.md "Scenarios" defines the arithmetic; it is done in SQL: the unit prices in sql/marts/mart_scenario_prices.sql,
the savings, forecast and overspend after the moves in sql/scenarios/scenario.sql and the overspend path month by
month in sql/scenarios/scenario_path.sql, both run here with the moves and the user's prices bound as parameters.
This module parses, validates, binds and formats; `python -m mi scenario` (mi.cli) and the screen Scenarier
read the same functions.

    parse_move("ANBR_OPHOLDSSTED:ANBR_PLEJEFAMILIE:2:2024-05") → Move
    parse_price("FAMILIEBEHANDLING/privat=25000") → ("FAMILIEBEHANDLING/privat", 25000.0)
    compute(con, month, moves, prices) → dict with the JSON keys of `mi scenario` (ScenarioError when invalid)
    path(con, month, result) → the overspend path month by month, without and with the scenario
    unit_prices(con, month) → the month's unit prices (mart_scenario_prices) with labels
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import get_args

import duckdb
import polars as pl

from mi import contract, db, fmt, kpi, privacy
from mi.settings import ROOT

PROVIDER_TYPES: tuple[str, ...] = get_args(contract.ProviderType)
UNCERTAIN_BELOW = 3  # a unit price from fewer measures than this is marked uncertain on screen
SQL_DIR = ROOT / "sql" / "scenarios"


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


@cache
def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


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
    row = db.query(
        con,
        _sql("scenario"),
        {
            "month": month,
            "moves": [
                {
                    "move_no": i,
                    "from_key": mv.from_key,
                    "to_key": mv.to_key,
                    "children": mv.children,
                    "start_month": mv.start_month,
                }
                for i, mv in enumerate(moves, start=1)
            ],
            "prices": [{"price_key": k, "price_dkk": float(v)} for k, v in prices.items()],
        },
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
    return db.query(
        con,
        _sql("scenario_path"),
        {
            "month": month,
            "savings": [
                {
                    "start_month": kpi.parse_month(mv["start_month"]),
                    "monthly_saving_dkk": mv["monthly_saving_dkk"],
                }
                for mv in result["moves"]
            ],
        },
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


# ---- CLI ---------------------------------------------------------------------------------------------


# ---- saved and presented scenarios -------------------------------------------------------------------------
# Kept in the database's history tables (mi.db.HISTORY_DDL: scenarios, scenario_moves, scenario_prices,
# scenario_presented), so they are carried into every new database at an import. A database file is never changed
# in place: a save writes into a copy swapped in atomically (mi.db.working_copy), as a freeze does.

SCENARIO_TABLES = ("scenarios", "scenario_moves", "scenario_prices", "scenario_presented")


@dataclass(frozen=True)
class Saved:
    scenario_id: int
    name: str
    month: date
    moves: list[Move]
    prices: dict[str, float]
    presented: dict | None  # month, presented_at, version_id when presented to the committee


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    present = set(
        db.query(con, "select table_name from duckdb_tables() where database_name = current_database()")[
            "table_name"
        ].to_list()
    )
    return set(SCENARIO_TABLES) <= present


def saved(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The saved scenarios, newest first: id, name, base month, number of moves, saved at, presented month."""
    if not _has_tables(con):
        return pl.DataFrame(
            schema={
                "scenario_id": pl.Int32,
                "name": pl.Utf8,
                "base_month": pl.Date,
                "n_moves": pl.Int64,
                "saved_at": pl.Datetime,
                "presented_month": pl.Date,
            }
        )
    return db.query(
        con,
        """select s.scenario_id, s.name, s.base_month, count(m.move_no) as n_moves, s.saved_at,
                  p.month as presented_month
           from scenarios as s
           left join scenario_moves as m on m.scenario_id = s.scenario_id
           left join scenario_presented as p on p.scenario_id = s.scenario_id
           group by all
           order by s.saved_at desc, s.scenario_id desc""",
    )


def load(con: duckdb.DuckDBPyConnection, scenario_id: int) -> Saved:
    """A saved scenario; ScenarioError when there is none with the id."""
    head = db.query(
        con,
        """select s.name, s.base_month, p.month, p.presented_at, p.version_id
           from scenarios as s left join scenario_presented as p on p.scenario_id = s.scenario_id
           where s.scenario_id = $id""",
        {"id": scenario_id},
    )
    if head.height == 0:
        raise ScenarioError(f"Der er intet gemt scenarie med nummer {scenario_id}.")
    name, month, p_month, p_at, p_version = head.row(0)
    moves = [
        Move(f, t, n, s)
        for f, t, n, s in db.query(
            con,
            "select from_code, to_code, children, start_month from scenario_moves where scenario_id = $id "
            "order by move_no",
            {"id": scenario_id},
        ).rows()
    ]
    prices = dict(
        db.query(
            con,
            "select price_key, price_dkk from scenario_prices where scenario_id = $id order by price_key",
            {"id": scenario_id},
        ).rows()
    )
    presented = None if p_month is None else {"month": p_month, "presented_at": p_at, "version_id": p_version}
    return Saved(scenario_id, name, month, moves, prices, presented)


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ScenarioError("Giv scenariet et navn, før det gemmes.")
    if len(name) > 80:
        raise ScenarioError("Scenariets navn må højst være 80 tegn.")
    if contract.mask(name) != name:
        raise ScenarioError("Scenariets navn må ikke ligne et CPR-nummer.")
    return name


def _write(path, what: str):
    p = Path(path or db.db_path())
    if not p.exists():
        raise ScenarioError(f"Der er ingen database på {p}. Indlæs data først.")
    return db.working_copy(p, "scenario", what)


def save_on(
    con: duckdb.DuckDBPyConnection, name: str, month: date, moves: list[Move], prices: dict[str, float]
) -> int:
    """Save (or replace, by name) a scenario on a read-write connection. The scenario must compute (every move
    valid and priced); a presented scenario is frozen and cannot be replaced. Returns its id."""
    name = _check_name(name)
    if not moves:
        raise ScenarioError("Scenariet har ingen flytninger; tilføj mindst én, før det gemmes.")
    compute(con, month, moves, prices, price_hint="Angiv prisen selv.")
    for ddl in (db.HISTORY_DDL[t] for t in SCENARIO_TABLES):
        con.sql(ddl)
    cur = con.cursor()
    try:
        cur.begin()
        old = cur.execute(
            "select s.scenario_id, p.month from scenarios as s "
            "left join scenario_presented as p on p.scenario_id = s.scenario_id where lower(s.name) = lower(?)",
            [name],
        ).fetchone()
        if old and old[1] is not None:
            raise ScenarioError(
                f"Scenariet »{name}« er fremlagt for udvalget ({fmt.month_name(old[1])}) og kan ikke ændres; "
                "gem det under et nyt navn."
            )
        if old:
            sid = old[0]
            for t in ("scenario_moves", "scenario_prices", "scenarios"):
                cur.execute(f"delete from {t} where scenario_id = ?", [sid])
        else:
            sid = cur.execute("select coalesce(max(scenario_id), 0) + 1 from scenarios").fetchone()[0]
        cur.execute(
            "insert into scenarios values (?, ?, ?, ?)",
            [sid, name, month, datetime.now().replace(microsecond=0)],
        )
        cur.executemany(
            "insert into scenario_moves values (?, ?, ?, ?, ?, ?)",
            [(sid, i, mv.from_key, mv.to_key, mv.children, mv.start_month) for i, mv in enumerate(moves, 1)],
        )
        if prices:
            cur.executemany(
                "insert into scenario_prices values (?, ?, ?)",
                [(sid, k, float(v)) for k, v in prices.items()],
            )
        cur.commit()
    except BaseException:
        cur.rollback()
        raise
    finally:
        cur.close()
    return sid


def save(name: str, month: date, moves: list[Move], prices: dict[str, float], path=None) -> int:
    """Save a scenario in the database file (default $MI_DB), in a copy swapped in atomically."""
    with _write(path, "scenariet blev gemt") as con:
        return save_on(con, name, month, moves, prices)


def delete_on(con: duckdb.DuckDBPyConnection, scenario_id: int) -> None:
    s = load(con, scenario_id)
    if s.presented:
        raise ScenarioError(f"Scenariet »{s.name}« er fremlagt for udvalget og kan ikke slettes.")
    for t in ("scenario_moves", "scenario_prices", "scenarios"):
        con.execute(f"delete from {t} where scenario_id = ?", [scenario_id])


def delete(scenario_id: int, path=None) -> None:
    with _write(path, "scenariet blev slettet") as con:
        delete_on(con, scenario_id)


def present_on(con: duckdb.DuckDBPyConnection, scenario_id: int) -> dict:
    """Mark a saved scenario as presented to the committee for its base month: it is computed now and frozen with
    the month (the result and its overspend path stored as they are); later imports do not change it."""
    s = load(con, scenario_id)
    if s.presented:
        raise ScenarioError(
            f"Scenariet »{s.name}« er allerede fremlagt for udvalget ({fmt.month_name(s.presented['month'])})."
        )
    result = compute(con, s.month, s.moves, s.prices, price_hint="Angiv prisen selv.")
    rows = path(con, s.month, result)
    result["focus"] = focus(con, s.month, result).to_dicts()
    version = db.scalar(con, "select max(version_id) from data_versions")
    at = datetime.now().replace(microsecond=0)
    con.execute(
        "insert into scenario_presented values (?, ?, ?, ?, ?, ?, ?)",
        [
            scenario_id,
            s.month,
            s.name,
            json.dumps(result, ensure_ascii=False),
            rows.write_json(),
            version,
            at,
        ],
    )
    return {"month": s.month, "presented_at": at, "version_id": version}


def present(scenario_id: int, path=None) -> dict:
    with _write(path, "scenariet blev fremlagt") as con:
        return present_on(con, scenario_id)


def presented(con: duckdb.DuckDBPyConnection, month: date | None = None) -> list[dict]:
    """The scenarios presented to the committee (for `month`, or all), as frozen: name, month, presented_at,
    version_id, result (mi scenario's keys) and path (the overspend path month by month, a frame)."""
    if not _has_tables(con):
        return []
    rows = db.query(
        con,
        """select scenario_id, name, month, result, path, version_id, presented_at from scenario_presented
           where $m is null or month = $m order by month desc, presented_at, scenario_id""",
        {"m": month},
    )
    out = []
    for r in rows.iter_rows(named=True):
        frame = pl.read_json(io.StringIO(r["path"])) if r["path"] else pl.DataFrame()
        if "month" in frame.columns:
            frame = frame.with_columns(pl.col("month").str.to_date())
        out.append({**r, "result": json.loads(r["result"]), "path": frame})
    return out


FOCUS_LABELS = {
    "f1_institution_children": "Børn anbragt på institution",
    "f2_family_care_share": "Andel i netværks- og plejefamilier",
    "n_private_family_treatment_active": "Igangværende familiebehandlinger hos private",
    "f4_day_treatment_share": "Andel elever i skole-dagbehandling",
    "lost_earnings_year_dkk": "Tabt arbejdsfortjeneste for året (forventet)",
}


def focus(con: duckdb.DuckDBPyConnection, month: date, result: dict) -> pl.DataFrame:
    """The five focus points today (month M) and at 31 December of M's year with the scenario's moves started by
    then, if nothing else changes (sql/scenarios/scenario_focus.sql), with Danish labels."""
    rows = db.query(
        con,
        _sql("scenario_focus"),
        {
            "month": month,
            "moves": [
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
        },
    )
    return rows.with_columns(pl.col("figure_key").replace_strict(FOCUS_LABELS).alias("label"))


# The five focus points of the business plan (DOMAIN.md) as one-click moves on the screen.
PRESETS: tuple[tuple[str, str, str | None], ...] = (
    ("Institution → plejefamilie", "ANBR_OPHOLDSSTED", "ANBR_PLEJEFAMILIE"),
    ("Institution → netværksplejefamilie", "ANBR_OPHOLDSSTED", "ANBR_NETVAERK"),
    ("Privat → egen familiebehandling", "FAMILIEBEHANDLING/privat", "FAMILIEBEHANDLING/intern"),
    ("Skole-dagbehandling → konsulentbistand", "SKOLE_DAGBEHANDLING", "KONSULENT"),
    ("Tabt arbejdsfortjeneste ophører", "TABT_ARBEJDSFORTJENESTE", None),
)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def start_months(month: date) -> list[date]:
    """The start months a move may have on the screen: the base month through December of the next year."""
    out, m = [], month
    while m.year <= month.year + 1:
        out.append(m)
        m = next_month(m)
    return out


def moves_frame(result: dict, labels: dict[str, str]) -> pl.DataFrame:
    """The moves of a computed scenario as a table (numbers as numbers; for the screen and the downloads)."""

    def name(key: str | None) -> str:
        if not key:
            return "(ophører)"
        code, _, provider = key.partition("/")
        return labels.get(code, code) + (f" ({provider})" if provider else "")

    return pl.DataFrame(
        {
            "Fra": [name(mv["from_code"]) for mv in result["moves"]],
            "Til": [name(mv["to_code"]) for mv in result["moves"]],
            "Børn": [mv["children"] for mv in result["moves"]],
            "Fra måned": [kpi.parse_month(mv["start_month"]) for mv in result["moves"]],
            "Pris fra (kr./md.)": [mv["price_from_dkk"] for mv in result["moves"]],
            "Pris til (kr./md.)": [mv["price_to_dkk"] for mv in result["moves"]],
            "Besparelse pr. måned": [mv["monthly_saving_dkk"] for mv in result["moves"]],
            "Besparelse i år": [mv["saving_this_year_dkk"] for mv in result["moves"]],
            "Besparelse næste år": [mv["saving_next_year_dkk"] for mv in result["moves"]],
        },
        schema_overrides={"Børn": pl.Int64, "Fra måned": pl.Date},
    )


def totals(result: dict) -> list[tuple[str, float | None]]:
    """The scenario's totals in words, in the order the screen, the comparison and the pack show them."""
    y = kpi.parse_month(result["month"]).year
    return [
        (f"Besparelse {y}", result["savings_this_year_dkk"]),
        (f"Besparelse {y + 1}", result["savings_next_year_dkk"]),
        (f"Forventet forbrug {y}", result["forecast_dkk"]),
        (f"Forventet forbrug {y} efter planen", result["forecast_after_dkk"]),
        (f"Budget {y}", result["budget_dkk"]),
        ("Merforbrug efter planen", result["overspend_after_dkk"]),
        ("Mål for merforbrug", result["overspend_target_dkk"]),
        ("Afstand til målet før planen", result["gap_to_target_dkk"]),
        ("Afstand til målet efter planen", result["gap_to_target_after_dkk"]),
    ]


COMPARE_ROWS = (
    ("Besparelse i basisåret", "savings_this_year_dkk"),
    ("Besparelse året efter", "savings_next_year_dkk"),
    ("Forventet forbrug før planen", "forecast_dkk"),
    ("Forventet forbrug efter planen", "forecast_after_dkk"),
    ("Budget", "budget_dkk"),
    ("Merforbrug efter planen", "overspend_after_dkk"),
    ("Mål for merforbrug", "overspend_target_dkk"),
    ("Afstand til målet efter planen", "gap_to_target_after_dkk"),
)


def compare(results: dict[str, dict]) -> pl.DataFrame:
    """Scenarios side by side: one row per total, one column per scenario, named with its base month
    (name → computed result)."""
    cols = {
        f"{n} ({fmt.month_name(kpi.parse_month(r['month']))})": [r[k] for _, k in COMPARE_ROWS]
        for n, r in results.items()
    }
    return pl.DataFrame(
        {"Tal": [label for label, _ in COMPARE_ROWS]} | cols, schema_overrides={c: pl.Float64 for c in cols}
    )


def path_long(frame: pl.DataFrame) -> pl.DataFrame:
    """The overspend path in long form for a line chart: Måned, Serie (uden / med scenariet), Beløb."""
    return pl.concat(
        [
            frame.select(
                pl.col("month").alias("Måned"),
                pl.lit("Uden scenariet").alias("Serie"),
                pl.col("overspend_ytd_dkk").alias("Beløb"),
            ),
            frame.select(
                pl.col("month").alias("Måned"),
                pl.lit("Med scenariet").alias("Serie"),
                pl.col("overspend_after_ytd_dkk").alias("Beløb"),
            ),
        ]
    )


def path_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("month").alias("Måned"),
        pl.when(pl.col("is_actual")).then(pl.lit("faktisk")).otherwise(pl.lit("forventet")).alias("Grundlag"),
        pl.col("spend_ytd_dkk").alias("Forbrug år til dato"),
        pl.col("budget_ytd_dkk").alias("Budget i 1/12-dele"),
        pl.col("overspend_ytd_dkk").alias("Merforbrug uden scenariet"),
        pl.col("saving_ytd_dkk").alias("Besparelse år til dato"),
        pl.col("overspend_after_ytd_dkk").alias("Merforbrug med scenariet"),
    )


def excel_bytes(
    name: str, result: dict, path_frame: pl.DataFrame, focus_frame: pl.DataFrame, labels
) -> bytes:
    """The scenario as an Excel workbook: the moves, the totals, the overspend path and the focus points; numbers
    stay numbers with Danish display formats."""
    import xlsxwriter  # noqa: PLC0415

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True, "bottom": 1})
    formats = {
        "dkk": book.add_format({"num_format": '#,##0 "kr."'}),
        "count": book.add_format({"num_format": "#,##0"}),
        "share": book.add_format({"num_format": "0.0%"}),
        "month": book.add_format({"num_format": "[$-406]mmmm yyyy"}),
    }
    heading = f"{name} · basismåned {fmt.month_name(kpi.parse_month(result['month']))}"

    def sheet(title: str, frame: pl.DataFrame, unit_of=lambda col, row: "dkk") -> None:
        ws = book.add_worksheet(title[:31])
        ws.write_string(0, 0, fmt.safe_text(heading))
        for c, col in enumerate(frame.columns):
            ws.write_string(2, c, col, bold)
            ws.set_column(c, c, max(14, min(40, len(col) + 2)))
        for r, row in enumerate(frame.iter_rows(named=True), start=3):
            for c, (col, v) in enumerate(row.items()):
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_string(r, c, "ja" if v else "nej")
                elif isinstance(v, str):
                    ws.write_string(r, c, fmt.safe_text(v))
                elif isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day), formats["month"])
                else:
                    ws.write_number(r, c, float(v), formats[unit_of(col, row)])

    sheet("Flytninger", moves_frame(result, labels), lambda col, row: "count" if col == "Børn" else "dkk")
    sheet(
        "Resultat",
        pl.DataFrame({"Tal": [t for t, _ in totals(result)], "Beløb": [v for _, v in totals(result)]}),
    )
    sheet("Merforbrug måned for måned", path_table(path_frame))
    sheet(
        "Fokuspunkter",
        focus_frame.select(
            pl.col("label").alias("Fokuspunkt"),
            pl.col("unit"),
            pl.col("value_now").alias("I dag"),
            pl.col("value_after").alias("Ved årets udgang med planen"),
        ),
        lambda col, row: row["unit"],
    )
    book.close()
    return buf.getvalue()


def min_count(con: duckdb.DuckDBPyConnection) -> int:
    """The settings' threshold below which a count of children is not shown to the committee."""
    return int(db.scalar(con, "select privacy_min_count from stg_settings"))


def protect_focus(focus_rows: list[dict], min_count: int) -> list[dict]:
    """The focus points for the committee: a figure resting on a count of children of 1 … min_count − 1 today is not
    shown (a count as `<5`, a share as `–`), nor its value after the plan (today's count would follow from it and the
    plan's N); a count after the plan that is small is shown as `<5`."""
    out = []
    for r in focus_rows:
        now, after = r["value_now"], r["value_after"]
        if privacy.is_small(r.get("n_base_now"), min_count):
            now = after = privacy.mark(min_count) if r["unit"] == "count" else privacy.HIDDEN
        elif r["unit"] == "count" and privacy.is_small(after, min_count):
            after = privacy.mark(min_count)
        out.append({**r, "value_now": now, "value_after": after})
    return out


def focus_text(value: privacy.Shown, unit: str) -> str:
    return privacy.text(value, lambda v: fmt.kpi_value(v, unit))


def pack_section(con: duckdb.DuckDBPyConnection, month: date, suppress: bool, min_count: int) -> list[dict]:
    """The scenarios presented to the committee for the month, as frozen, for the pack and the committee's screen:
    name, presented_at, version_id, result, gap (in words), moves (a frame), path (a frame) and focus (rows, protected
    for the committee when `suppress`)."""
    out = []
    for p in presented(con, month):
        focus_rows = p["result"].get("focus", [])
        out.append(
            {
                **p,
                "gap": gap_sentence(p["result"]),
                "moves": moves_frame(p["result"], codes(con)),
                "totals": totals(p["result"]),
                "focus": protect_focus(focus_rows, min_count) if suppress else focus_rows,
            }
        )
    return out
