"""Build the DuckDB database (raw tables, settings, history, sql/ views) and query it.
Long because building, locking, swapping, the working copy and connecting share one file protocol (below): split,
each part would need the others' private rules about temporary names, the lock and the stamp.

Data flows one way: validated frames from `mi.ingest` → `build()` → tables → views in sql/ → `query()`.
A database file is never changed in place: `build()` writes a new file beside it and swaps it in with an
atomic rename, so a reader sees the old data or the new, never a mix; a change to the data already there (a
freeze, a saved scenario, a refresh) goes through `working_copy`, under the same `writer_lock` as an import.
The bottom of the package's layers (pyproject.toml): above only the settings, the KPI spec and the contract.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from mi import contract, scratch, spec
from mi.settings import ROOT, Settings

SQL_DIR = ROOT / "sql"
LAYERS = ("staging", "intermediate", "marts")
DEFAULT_DB = ROOT / "data" / "mi.duckdb"

# How each kind of column of the data contract (mi.contract) is stored. The contract's models say which tables
# and columns there are, in which order, and what a value may be; the storage schema is derived from them.
STORAGE_TYPES: dict[str, str] = {
    contract.ID: "varchar",
    contract.TEXT: "varchar",
    contract.ENUM: "varchar",
    contract.SCHOOL_YEAR: "varchar",
    # a date, or a date with a time of day, as the import's ISO text: `YYYY-MM-DD` without a time of day,
    # `YYYY-MM-DD HH:MM[:SS]` with one (sql/staging/stg_notifications.sql reads both)
    contract.DATETIME: "varchar",
    contract.DATE: "date",
    contract.MONEY: "decimal(18,2)",
    contract.INT: "integer",
    contract.FTE: "double",
}


def storage_schema() -> dict[str, list[tuple[str, str]]]:
    """The storage types of the input tables (and the catalogue), column by column in the contract's order."""
    return {t: [(c.name, STORAGE_TYPES[c.kind]) for c in contract.columns(t)] for t in contract.MODELS}


RAW_SCHEMA: dict[str, list[tuple[str, str]]] = storage_schema()
V1_TABLES = ("children", "cases", "measures", "payments", "budget", "staff", "pupils")
# optional tables of contract v2: absent (no file, or a header-only one) is told apart from empty, see
# input_tables and sql/intermediate/int_input_presence.sql
V2_TABLES = ("notifications", "investigations", "activities")
INPUT_TABLES = V1_TABLES + V2_TABLES

# History carried from one database to the next at every import (see build()).
HISTORY_DDL = {
    "data_versions": """
        create table if not exists data_versions (
            version_id integer primary key,
            imported_at timestamp not null,
            source varchar,
            files varchar,        -- json: [{"file", "sha256", "rows"}]
            row_counts varchar,   -- json: {"table": rows}
            data_as_of date
        )""",
    "measures_history": """
        create table if not exists measures_history (
            version_id integer not null,
            measure_id varchar not null, child_id varchar, measure_code varchar, provider_type varchar,
            provider_name varchar, start_on date, end_on date, monthly_cost_dkk decimal(18,2), decided_on date
        )""",
    "payments_history": """
        create table if not exists payments_history (
            version_id integer not null,
            posted_year integer not null,
            posted_month integer not null,
            amount_dkk decimal(18,2) not null
        )""",
    "frozen_kpis": """
        create table if not exists frozen_kpis (
            month date not null,
            kpi_key varchar not null,
            value double,
            version_id integer not null,
            frozen_at timestamp not null,
            primary key (month, kpi_key)
        )""",
    # named scenarios (mi.scenario): their moves and the prices the user gave; a presented one is frozen as computed
    "scenarios": """
        create table if not exists scenarios (
            scenario_id integer primary key,
            name varchar not null unique,
            base_month date not null,
            saved_at timestamp not null
        )""",
    "scenario_moves": """
        create table if not exists scenario_moves (
            scenario_id integer not null,
            move_no integer not null,
            from_code varchar not null, to_code varchar, children integer not null, start_month date not null,
            primary key (scenario_id, move_no)
        )""",
    "scenario_prices": """
        create table if not exists scenario_prices (
            scenario_id integer not null,
            price_key varchar not null,
            price_dkk double not null,
            primary key (scenario_id, price_key)
        )""",
    "scenario_presented": """
        create table if not exists scenario_presented (
            scenario_id integer primary key,
            month date not null,
            name varchar not null,
            result varchar not null,   -- json: the scenario as computed when presented (mi scenario's keys)
            path varchar not null,     -- json: its overspend path month by month
            version_id integer not null,
            presented_at timestamp not null
        )""",
}


def empty_frame(table: str) -> pl.DataFrame:
    """A frame with no rows and the table's columns (strings), for tables a folder does not have."""
    return pl.DataFrame({col: pl.Series([], dtype=pl.Utf8) for col, _ in RAW_SCHEMA[table]})


RAW_SLICE_ROWS = 500_000


def _create_raw(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame | None) -> None:
    cols = RAW_SCHEMA[table]
    con.sql(f"create table {table} ({', '.join(f'{c} {t}' for c, t in cols)})")
    if frame is None or frame.height == 0:
        return
    present = set(frame.columns)
    select = ", ".join(f"cast(src.{c} as {t})" if c in present else f"cast(null as {t})" for c, t in cols)
    # in slices: DuckDB reads a frame through a copy in Arrow's layout, which for a national extract at once
    # would hold every text twice
    for part in frame.iter_slices(RAW_SLICE_ROWS):
        con.register("src", part)
        try:
            con.sql(f"insert into {table} select {select} from src")
        finally:
            con.unregister("src")


def _create_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    flat = settings.flat()
    con.sql(
        "create table settings as select " + ", ".join(f"cast(${k} as double) as {k}" for k in flat),
        params=flat,
    )


def view_files() -> list[tuple[str, Path]]:
    """Every view in sql/, in layer order: (layer, path)."""
    return [(layer, p) for layer in LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))]


def view_params(path: Path) -> list[str]:
    """The parameters of a parametrised view: its header's `-- params: p_month, p_budget_area, …` (empty for a
    plain view). Such a file is created as a DuckDB table macro, every parameter defaulting to NULL (a NULL
    filter means "all"), and read with `select_view` (or `select * from name(p_month := …)`)."""
    for line in path.read_text(encoding="utf-8").splitlines()[:8]:
        if line.startswith("-- params:"):
            return [p.strip() for p in line.removeprefix("-- params:").split(",") if p.strip()]
    return []


def create_views(con: duckdb.DuckDBPyConnection, materialize: bool = True) -> None:
    """Create every view of sql/, layer by layer. A layer's views may read each other: a view whose source
    is not there yet is retried after the others. Marts, and intermediates whose header says `-- materialize`,
    are materialised as tables when `materialize`, so screens read precomputed rows (the database is rebuilt at
    every import, so they are never stale); a view whose header says `-- live` (it reads history that changes
    between imports, or is too large to keep whole) stays a view. A view whose header says `-- params: …` (a
    screen's selection: the month and its filters) is a table macro, computed when read.
    """
    for layer in LAYERS:
        pending = _in_dependency_order([p for lay, p in view_files() if lay == layer])
        while pending:
            failed: list[tuple[Path, Exception]] = []
            for path in pending:
                body = path.read_text(encoding="utf-8").strip().rstrip(";")
                head = body.splitlines()[:6]
                live = any(line.startswith("-- live") for line in head)
                wanted = layer == "marts" or any(line.startswith("-- materialize") for line in head)
                kind = "table" if (materialize and wanted and not live) else "view"
                params = view_params(path)
                try:
                    if params:
                        args = ", ".join(f"{p} := null" for p in params)
                        con.sql(f"create or replace macro {path.stem}({args}) as table\n{body}")
                        continue
                    if kind == "table":
                        con.sql(f"drop view if exists {path.stem}")
                    con.sql(f"create or replace {kind} {path.stem} as\n{body}")
                except duckdb.CatalogException as exc:
                    failed.append((path, exc))
            if len(failed) == len(pending):
                raise RuntimeError(f"sql/{layer}: kan ikke oprette {failed[0][0].name}: {failed[0][1]}")
            pending = [p for p, _ in failed]


def _in_dependency_order(paths: list[Path]) -> list[Path]:
    """The layer's files with each after the files of the same layer it reads, so that a materialised table
    reads the tables before it, never a view that would compute them again."""
    bodies = {p.stem: p.read_text(encoding="utf-8") for p in paths}
    reads = {
        stem: {other for other in bodies if other != stem and re.search(rf"\b{other}\b", body)}
        for stem, body in bodies.items()
    }
    done: list[str] = []

    def visit(stem: str, seen: tuple[str, ...] = ()) -> None:
        if stem in done or stem in seen:
            return
        for other in sorted(reads[stem]):
            visit(other, (*seen, stem))
        done.append(stem)

    for stem in sorted(bodies):
        visit(stem)
    by_stem = {p.stem: p for p in paths}
    return [by_stem[s] for s in done]


def _copy_history(con: duckdb.DuckDBPyConnection, old_path: Path | None) -> None:
    for ddl in HISTORY_DDL.values():
        con.sql(ddl)
    if old_path is None or not Path(old_path).exists():
        return
    quoted = Path(old_path).as_posix().replace("'", "''")  # a folder name may hold a quote
    con.sql(f"attach '{quoted}' as old (read_only)")
    try:
        old_tables = {
            r[0]
            for r in con.sql("select table_name from duckdb_tables() where database_name = 'old'").fetchall()
        }
        for table in HISTORY_DDL:
            if table in old_tables:
                cols = [r[0] for r in con.sql(f"select * from {table} limit 0").description]
                old_cols = {r[0] for r in con.sql(f"select * from old.{table} limit 0").description}
                sel = ", ".join(c if c in old_cols else "null" for c in cols)
                con.sql(f"insert into {table} select {sel} from old.{table}")
    finally:
        con.sql("detach old")


def _create_presence(con: duckdb.DuckDBPyConnection, present: Iterable[str]) -> None:
    """input_tables: which input tables the import was given (one row per table of INPUT_TABLES)."""
    given = set(present)
    con.sql("create or replace table input_tables (table_name varchar, present boolean)")
    con.executemany("insert into input_tables values (?, ?)", [(t, t in given) for t in INPUT_TABLES])


def _recorded_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables whose rows an import records: every v1 table, and the v2 tables the import was given (a folder
    without them records exactly what it did before contract v2)."""
    given = {r[0] for r in con.sql("select table_name from input_tables where present").fetchall()}
    return [t for t in INPUT_TABLES if t in V1_TABLES or t in given]


def _record_version(con: duckdb.DuckDBPyConnection, source: str, files: list[dict[str, Any]]) -> int:
    version_id = con.sql("select coalesce(max(version_id), 0) + 1 from data_versions").fetchall()[0][0]
    counts = {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in _recorded_tables(con)}
    as_of = scalar(con, "select data_as_of from int_data_range")
    con.sql(
        "insert into data_versions values ($v, $at, $src, $files, $counts, $as_of)",
        params={
            "v": version_id,
            "at": datetime.now().replace(microsecond=0),
            "src": source,
            "files": json.dumps(files, ensure_ascii=False),
            "counts": json.dumps(counts),
            "as_of": as_of,
        },
    )
    con.sql(
        "insert into measures_history select $v, * from measures",
        params={"v": version_id},
    )
    con.sql(
        """insert into payments_history
           select $v, year(posted_on), month(posted_on), sum(amount_dkk) from payments group by all""",
        params={"v": version_id},
    )
    return version_id


def populate(
    con: duckdb.DuckDBPyConnection,
    frames: dict[str, pl.DataFrame],
    settings: Settings,
    catalogue: pl.DataFrame,
    *,
    source: str = "",
    files: list[dict[str, Any]] | None = None,
    history_from: Path | None = None,
    materialize: bool = True,
    present: Iterable[str] | None = None,
) -> int:
    """Fill an empty connection: input tables, catalogue, settings, carried history, views; record the
    data version. Returns the new version id. The frames are taken out of `frames` as their tables are loaded, so
    a national extract is not held in memory twice while the views are built.

    `present`: the input tables the import was given; by default those with at least one row in `frames` (a
    header-only optional file counts as absent). The tables not given are created empty all the same."""
    if present is None:
        present = [t for t, f in frames.items() if f is not None and f.height]
    _create_presence(con, present)
    for table in INPUT_TABLES:
        _create_raw(con, table, frames.pop(table, None))
    _create_raw(con, "catalogue", catalogue)
    _create_settings(con, settings)
    _create_registry(con)
    _copy_history(con, history_from)
    # Views first (the version record reads int_data_range), then the record, then the marts again as
    # tables: marts that compare imports must see this import in the history.
    create_views(con, materialize=False)
    version = _record_version(con, source, files or [])
    if materialize:
        create_views(con, materialize=True)
    _stamp(con)
    return version


def _create_registry(con: duckdb.DuckDBPyConnection) -> None:
    """The KPI spec (mi.spec) as tables: kpi_registry (one row per KPI) and kpi_frozen_keys (every key frozen
    with a month: the KPIs, then the counts behind them)."""
    for table, rows in (("kpi_registry", spec.registry_rows()), ("kpi_frozen_keys", spec.frozen_key_rows())):
        con.register("registry_src", pl.DataFrame(rows, infer_schema_length=None))
        con.sql(f"create or replace table {table} as select * from registry_src")
        con.unregister("registry_src")


@functools.cache
def schema_stamp() -> str:
    """What a database's views, marts and KPI registry are built from: the SQL files, the tables' schemas and the
    registry. A database built by another version of the program has another stamp (see refresh)."""
    h = hashlib.sha256()
    for layer, path in view_files():
        h.update(f"{layer}/{path.name}\n".encode())
        h.update(path.read_bytes())
    h.update(repr((RAW_SCHEMA, HISTORY_DDL, spec.registry_rows(), spec.frozen_key_rows())).encode())
    return h.hexdigest()[:16]


def _stamp(con: duckdb.DuckDBPyConnection) -> None:
    con.sql("create or replace table build_info as select $s as schema_stamp", params={"s": schema_stamp()})


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Was the database built by this version of the program (views, marts and registry as its files say)?"""
    cur = con.cursor()  # safe beside other sessions' queries
    try:
        return cur.execute("select schema_stamp from build_info").fetchone()[0] == schema_stamp()
    except duckdb.CatalogException:
        return False
    finally:
        cur.close()


OUTDATED = (
    "Databasen på {path} er bygget af en ældre version af programmet. Kør `python -m mi ensure-db` (den "
    "genopbygger nøgletallene fra databasens egne data), eller indlæs data igen."
)


def connect_current(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a database built by this version; ValueError (Danish) for an older one."""
    path = Path(path or db_path())
    con = connect(path)
    if not is_current(con):
        con.close()
        raise ValueError(OUTDATED.format(path=path))
    return con


class ConcurrentChange(Exception):
    """The database file was replaced (an import) while a freeze was writing its copy."""


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock beside the database (`.<db>.lock`): one writer at a time. A freeze holds it
    from copying the file to swapping the copy in; an import (mi.db.build) should hold it too, so neither
    swaps in a file that lacks the other's change (freeze_file also refuses if the file changed meanwhile)."""
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            # a writer killed mid-way (kill -9, power) left its working copy, WAL and spill folder: remove them now,
            # when no live writer can hold any (each holds this lock while its files exist)
            remove_leftovers(path)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyCursor]:
    """A cursor of `con` in one transaction: committed when the block ends, rolled back when it raises."""
    cur = con.cursor()
    try:
        cur.begin()
        yield cur
        cur.commit()
    except BaseException:
        cur.rollback()
        raise
    finally:
        cur.close()


@contextmanager
def working_copy(path: Path, kind: str, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Change the database file at `path` without disturbing its readers: under the writer lock, a copy of the
    file (with its WAL) is opened read-write for the block; when the block ends without an error, the copy is
    checkpointed and swapped in with an atomic rename, unless an import replaced the file meanwhile
    (ConcurrentChange: `what` was being done). The copy is removed in every case."""
    # letters only: a pid or thread id in the name could look like a CPR number (and be masked in a message)
    tmp = path.with_name(f".{path.name}.{kind}-{scratch.letters()}")
    with writer_lock(path):
        stamp = file_stamp(path)
        try:
            shutil.copyfile(path, tmp)
            wal = Path(f"{path}.wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{tmp}.wal"))
            con = duckdb.connect(str(tmp), config={"memory_limit": os.environ.get("MI_DUCKDB_MEMORY", "1GB")})
            try:
                yield con
                con.sql("checkpoint")
            finally:
                con.close()
            if file_stamp(path) != stamp:
                raise ConcurrentChange(
                    f"Databasen blev udskiftet (en ny indlæsning), mens {what}. Prøv igen."
                )
            os.replace(tmp, path)
        finally:
            remove_working_files(tmp)


def refresh(path: Path | str | None = None) -> None:
    """Rebuild an older database's views, marts and KPI registry from its own tables (the data, the history of
    imports and the frozen figures stay), in a copy swapped in atomically. RuntimeError when its tables no longer
    fit this version: then the data must be imported again."""
    path = Path(path or db_path())
    names = {p.stem for _, p in view_files()}
    try:
        with working_copy(path, "refreshing", "nøgletallene blev genopbygget") as con:
            for name, kind in con.sql(
                "select view_name, 'view' from duckdb_views() where not internal "
                "union all select table_name, 'table' from duckdb_tables()"
            ).fetchall():
                if name in names:
                    con.sql(f"drop {kind} if exists {name}")
            _add_missing_inputs(con)
            _create_registry(con)
            create_views(con, materialize=True)
            _stamp(con)
    except (duckdb.Error, RuntimeError) as exc:
        raise RuntimeError(
            f"Databasen på {path} kan ikke genopbygges af denne version ({exc}); indlæs data igen."
        ) from exc


def _add_missing_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """A database built before an input table existed (contract v2) gets it empty, and input_tables saying which
    tables it was given (those with rows)."""
    tables = {
        r[0]
        for r in con.sql(
            "select table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
    }
    for table in INPUT_TABLES:
        if table not in tables:
            _create_raw(con, table, None)
    if "input_tables" not in tables:
        _create_presence(
            con, [t for t in INPUT_TABLES if con.sql(f"select count(*) from {t}").fetchall()[0][0]]
        )


def build(
    path: Path | str,
    frames: dict[str, pl.DataFrame],
    settings: Settings,
    catalogue: pl.DataFrame,
    *,
    source: str = "",
    files: list[dict[str, Any]] | None = None,
) -> int:
    """Build a new database for `path` beside it and swap it in atomically. History (data versions, each
    import's measures, frozen figures) is carried over from the current file. On any error the current
    file is untouched and the half-built one removed. Returns the new version id."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # letters only: a pid or thread id in the name could look like a CPR number (and be masked in a message)
    tmp = path.with_name(f".{path.name}.{BUILDING}-{scratch.letters()}")
    try:
        con = duckdb.connect(str(tmp), config={"memory_limit": os.environ.get("MI_DUCKDB_MEMORY", "1GB")})
        try:
            version = populate(
                con,
                frames,
                settings,
                catalogue,
                source=source,
                files=files,
                history_from=path if path.exists() else None,
            )
            con.sql("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        remove_working_files(tmp)
        raise
    finally:
        scratch.remove(Path(f"{tmp}.tmp"))  # DuckDB's spill folder, if it left one
    return version


BUILDING = "building"
# the kinds of working copy a writer makes beside the database (build here, freeze and refresh in mi.frozen)
WORKING_KINDS = (BUILDING, "freezing", "refreshing")


def remove_working_files(tmp: Path) -> None:
    """A working database file with its WAL and DuckDB's spill folder (`<file>.tmp`)."""
    for p in (tmp, Path(f"{tmp}.wal"), Path(f"{tmp}.tmp")):
        scratch.remove(p)


def remove_leftovers(path: Path) -> list[Path]:
    """What killed writers left beside the database at `path`: `.<db>.building-*`, `.<db>.freezing-*`,
    `.<db>.refreshing-*` with their WAL and spill folders. Call it only while holding the writer lock
    (writer_lock): every live writer holds that lock while its files exist, so what is found then is
    dead."""
    gone = []
    for kind in WORKING_KINDS:
        for p in path.parent.glob(f".{path.name}.{kind}-*"):
            scratch.remove(p)
            gone.append(p)
    return gone


def db_path() -> Path:
    """The database the app and CLI read: $MI_DB, default data/mi.duckdb."""
    return Path(os.environ.get("MI_DB") or DEFAULT_DB)


def connect(path: Path | str | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path or db_path()), read_only=read_only)


def file_stamp(path: Path | str | None = None) -> tuple[int, int] | None:
    """(inode, mtime) of the database file: changes when an import swaps in a new file."""
    try:
        st = os.stat(path or db_path())
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """Run one select on a fresh cursor (safe across Streamlit sessions) and return a polars frame."""
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params or None).pl()
    finally:
        cur.close()


def select_view(con: duckdb.DuckDBPyConnection, view: str, **params: Any) -> pl.DataFrame:
    """The rows of a parametrised view (sql/ file with `-- params:`) for the given parameters, bound as values
    (a None filter means "all"), e.g. select_view(con, "mart_economy_waterfall", p_month=m, p_budget_area=None)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", view) or not all(
        re.fullmatch(r"p_[a-z0-9_]+", k) for k in params
    ):
        raise ValueError(f"Ukendt visning eller parameter: {view}({', '.join(params)})")
    args = ", ".join(f"{k} := ${k}" for k in params)
    return query(con, f"select * from {view}({args})", params)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> Any:
    cur = con.cursor()
    try:
        rows = cur.sql(sql, params=params or None).fetchall()
        return rows[0][0] if rows else None
    finally:
        cur.close()
