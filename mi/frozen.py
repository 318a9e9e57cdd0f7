"""Frozen months: the committee's figures for a month, stored once and never silently rewritten.

`freeze(con, month)` stores the month's KPI values (mi.kpi.values) and the counts behind them (the spec's
numerator, denominator and counts: mi.spec.support_keys) with the current data version in the table
`frozen_kpis` (mi.db carries it into every new database). The live views read it: `mart_frozen_values` (every month: the committee's figure, frozen where frozen), `mart_frozen_kpis`
(frozen months: frozen against today's value, `is_revised`) and `mart_frozen_status` (the committee's figures
judged like mart_kpi_status).

A database file is never changed in place (see mi.db): `freeze_file(path, month)` writes into a copy and swaps
it in with an atomic rename (mi.db.working_copy), so readers holding the file open keep reading the old file undisturbed and the
app reconnects when mi.db.file_stamp changes. `python -m mi freeze --month YYYY-MM` calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from mi import db, fmt, kpi, spec


class AlreadyFrozen(Exception):
    """The month is frozen already: its first figures stay."""

    def __init__(self, month: date, frozen_at: datetime | None, version_id: int | None):
        self.month, self.frozen_at, self.version_id = month, frozen_at, version_id
        when = f" {fmt.day(frozen_at)} kl. {frozen_at:%H:%M}" if frozen_at else ""
        super().__init__(
            f"{fmt.month_name(month).capitalize()} er allerede frosset{when} (dataversion {version_id}). "
            "De første tal bevares; senere ændringer vises som revisioner."
        )


@dataclass(frozen=True)
class Frozen:
    month: date
    version_id: int
    frozen_at: datetime
    n_keys: int


def _month_start(month: date | str) -> date:
    if isinstance(month, str):
        return kpi.parse_month(month)
    return date(month.year, month.month, 1)


def frozen_info(con: duckdb.DuckDBPyConnection, month: date | str) -> dict | None:
    """When and on which data version the month was frozen (None if it is not)."""
    m = _month_start(month)
    rows = db.query(
        con,
        """select min(f.frozen_at) as frozen_at, min(f.version_id) as version_id,
                  any_value(v.data_as_of) as data_as_of, count(*) as n_keys
           from frozen_kpis as f left join data_versions as v on v.version_id = f.version_id
           where f.month = $m""",
        {"m": m},
    )
    row = rows.row(0, named=True)
    return None if not row["n_keys"] else row


def revised_months(con: duckdb.DuckDBPyConnection) -> set[date]:
    """The frozen months whose data changed after the freeze in at least one frozen key (mart_frozen_months'
    is_revised): the committee sees them in their frozen version only, and today's figures of them that are not
    frozen are withheld (mi.ladder)."""
    return set(db.query(con, "select month from mart_frozen_months where is_revised")["month"].to_list())


# the text of a cell the committee is not shown because its month is a revised frozen one (not a mark of
# disclosure control: it says nothing of the count behind it)
WITHHELD = "ikke vist"


def withheld_text(month: date) -> str:
    """Where the committee would see today's figures of a revised frozen month (the ladder, its moves and
    breakdowns): why they are not shown."""
    name = fmt.month_name(month)
    return (
        f"Tallene for {name} er ændret efter frysningen; udvalget ser månedens frosne nøgletal, og trappen og "
        "fordelingerne vises ikke for måneden."
    )


def withheld_note(months: list[date]) -> str:
    """The footnote of a table or series that leaves out revised frozen months other than the screen's month."""
    names = " og ".join(fmt.month_name(m) for m in sorted(months))
    return (
        f"Tallene for {names} er ændret efter frysningen og vises ikke for udvalget, der ser "
        f"{'månedens' if len(months) == 1 else 'månedernes'} frosne nøgletal."
    )


def is_frozen(con: duckdb.DuckDBPyConnection, month: date | str) -> bool:
    return frozen_info(con, month) is not None


def frozen_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    return db.query(con, "select distinct month from frozen_kpis order by month")["month"].to_list()


def revisions(con: duckdb.DuckDBPyConnection, month: date | str | None = None) -> pl.DataFrame:
    """Frozen registry KPIs whose value today differs from the frozen one (mart_frozen_kpis), with labels."""
    sql = """select f.*, r.label, r.unit, r.sort_order
             from mart_frozen_kpis as f inner join kpi_registry as r on r.key = f.kpi_key
             where f.is_revised and ($m is null or f.month = $m)
             order by f.month, r.sort_order"""
    return db.query(con, sql, {"m": None if month is None else _month_start(month)})


def freeze(con: duckdb.DuckDBPyConnection, month: date | str) -> Frozen:
    """Freeze the month's figures on a read-write connection, in one transaction.

    Raises AlreadyFrozen when the month is frozen (the first figures stay), ValueError when the month is outside
    the data or has not ended by the data's "data as of" date (its figures would still be moving).
    """
    m = _month_start(month)
    values = kpi.values(con, m)  # ValueError with a Danish message when the month is outside the data
    as_of = kpi.unfinished(con, m)
    if as_of:
        raise ValueError(
            f"{fmt.month_name(m).capitalize()} er ikke afsluttet i data (data pr. {fmt.day(as_of)}); "
            "en måned kan først fryses, når den er slut."
        )
    # the spec's KPIs, and the counts behind them so the disclosure control of a frozen figure is decided on the
    # counts it was computed from (mi.spec.support_keys)
    counts = spec.support_keys()
    support = db.query(con, f"select {', '.join(counts)} from mart_kpi_monthly where month = $m", {"m": m})
    rows = [(k, values[k]) for k in spec.KEYS] + [(k, support[k][0]) for k in counts]
    version = db.scalar(con, "select max(version_id) from data_versions")
    if version is None:
        raise ValueError("Databasen har ingen dataversion; indlæs data, før en måned fryses.")
    at = datetime.now().replace(microsecond=0)
    with db.transaction(con) as cur:
        # checked inside the transaction (the primary key on (month, kpi_key) guards a race as well)
        first = cur.execute(
            "select min(frozen_at), min(version_id) from frozen_kpis where month = ?", [m]
        ).fetchone()
        if first[0] is not None:
            raise AlreadyFrozen(m, first[0], first[1])
        cur.executemany(
            "insert into frozen_kpis (month, kpi_key, value, version_id, frozen_at) values (?, ?, ?, ?, ?)",
            [(m, k, None if v is None else float(v), version, at) for k, v in rows],
        )
    return Frozen(m, version, at, len(rows))


def freeze_file(path: Path | str | None = None, month: date | str | None = None) -> Frozen:
    """Freeze a month in the database file at `path` (default $MI_DB) without disturbing its readers: in a copy
    swapped in atomically (working_copy)."""
    if month is None:
        raise ValueError("Angiv måneden, der skal fryses.")
    path = Path(path or db.db_path())
    if not path.exists():
        raise ValueError(f"Der er ingen database på {path}. Kør `python -m mi import --data MAPPE` først.")
    with db.working_copy(path, "freezing", "måneden blev frosset") as con:
        if not db.is_current(con):  # built by an older version: its marts may lack what freeze reads
            raise ValueError(db.OUTDATED.format(path=path))
        return freeze(con, month)
