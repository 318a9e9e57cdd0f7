"""Saved and presented scenarios (the Scenarier screen's "Gem", "Slet" and "Fremlæg for udvalget").

Kept in the database's history tables (mi.db.HISTORY_DDL: scenarios, scenario_moves, scenario_prices,
scenario_presented), so they are carried into every new database at an import. A database file is never changed
in place: a save writes into a copy swapped in atomically (mi.db.working_copy), as a freeze does.

    save(name, month, moves, prices) → id;  load(con, id) → Saved;  saved(con) → the list;  delete(id)
    present(id) → the scenario computed and frozen for its month;  presented(con, month) → those of the month
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from mi import contract, db, fmt
from mi.scenario import Move, ScenarioError, compute, focus, path

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
    with db.transaction(con) as cur:
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
