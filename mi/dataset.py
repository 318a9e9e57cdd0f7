"""What the Data screen shows and does: the current data version, rows per table, the import history, and an
upload (several files or a zip) → validation report → import (mi.ingest) for the leder role.

Everything here reads the database's own records (data_versions, written by mi.db at each import) or calls
mi.ingest; nothing is computed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from mi import db, fmt, ingest, ingest_checks

TABLE_LABELS = {
    "children": "Børn",
    "cases": "Sager",
    "measures": "Indsatser",
    "payments": "Udbetalinger",
    "budget": "Budget",
    "staff": "Personale",
    "pupils": "Elever",
    "notifications": "Underretninger",
    "investigations": "Børnefaglige undersøgelser",
    "activities": "Planer, opfølgninger og tilsyn",
}
UPLOAD_TYPES = ["csv", "xlsx", "parquet", "zip", "toml"]


def _latest(con: duckdb.DuckDBPyConnection) -> dict | None:
    rows = db.query(con, "select * from data_versions order by version_id desc limit 1")
    return rows.row(0, named=True) if rows.height else None


def current(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(label, value) for the current data version, in Danish formats; empty when nothing was imported."""
    v = _latest(con)
    if v is None:
        return []
    return [
        ("Dataversion", fmt.number(v["version_id"])),
        ("Data pr.", fmt.day(v["data_as_of"])),
        ("Indlæst", f"{v['imported_at']:%d.%m.%Y %H:%M}"),
        ("Rækker i alt", fmt.number(sum(json.loads(v["row_counts"] or "{}").values()))),
    ]


def row_counts(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows per input table as the current version's import recorded them: (download frame, screen table)."""
    v = _latest(con)
    counts = json.loads(v["row_counts"] or "{}") if v else {}
    data = pl.DataFrame(
        {
            "Tabel": list(counts),
            "Indhold": [TABLE_LABELS.get(t, t) for t in counts],
            "Rækker": [int(n) for n in counts.values()],
        },
        schema={"Tabel": pl.Utf8, "Indhold": pl.Utf8, "Rækker": pl.Int64},
    )
    return data, data.with_columns(pl.Series("Rækker", [fmt.number(n) for n in data["Rækker"]], pl.Utf8))


def empty_tables(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The optional input tables (mi.ingest.OPTIONAL_TABLES) that hold no rows: left out of the folder or header-only
    (a case system's export alone has no payments, budget or staff)."""
    sql = " union all ".join(
        f"select '{t}' as t from (select 1 from {t} limit 1) having count(*) = 0"
        for t in ingest.OPTIONAL_TABLES
    )
    gone = set(db.query(con, sql)["t"].to_list())
    return tuple(t for t in ingest.OPTIONAL_TABLES if t in gone)


def missing_sentence(table: str) -> str:
    """What a screen says when the data lacks an optional table: which table, and what cannot be shown without it."""
    return (
        f"Data mangler: {TABLE_LABELS[table].lower()} (tabellen {table}) er ikke med i de indlæste data, "
        f"så {ingest.WITHOUT[table]}."
    )


def _source(source: str | None) -> str:
    """Where an import came from: the folder's name, or "Upload" for files uploaded on this page (mi.ingest
    stages them in a temporary folder named mi-upload-…)."""
    name = Path(source).name if source else ""
    return "Upload" if name.startswith("mi-upload-") else name


def history(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every import, newest first: version, time, data as of, source folder, files and rows (`files` gives each
    file's SHA-256)."""
    rows = db.query(
        con,
        "select version_id, imported_at, data_as_of, source, files, row_counts from data_versions "
        "order by version_id desc",
    )
    files = [json.loads(f or "[]") for f in rows["files"]]
    totals = [sum(json.loads(r or "{}").values()) for r in rows["row_counts"]]
    data = pl.DataFrame(
        {
            "Version": rows["version_id"],
            "Indlæst": rows["imported_at"],
            "Data pr.": rows["data_as_of"],
            "Kilde": [_source(s) for s in rows["source"]],
            "Rækker i alt": pl.Series(totals, dtype=pl.Int64),
            "Filer": [", ".join(f["file"] for f in fs) for fs in files],
        }
    )
    shown = data.with_columns(
        pl.Series("Indlæst", [f"{t:%d.%m.%Y %H:%M}" for t in data["Indlæst"]], pl.Utf8),
        pl.Series("Data pr.", [fmt.day(d) for d in data["Data pr."]], pl.Utf8),
        pl.Series("Rækker i alt", [fmt.number(n) for n in data["Rækker i alt"]], pl.Utf8),
    )
    return data, shown


def files(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every imported file, newest version first: version, file, rows and its SHA-256 (as recorded at import, so a
    file can be matched with the extract it came from)."""
    rows = db.query(con, "select version_id, files from data_versions order by version_id desc")
    out = [
        (v, f.get("file", ""), f.get("rows"), f.get("sha256", ""))
        for v, fs in zip(rows["version_id"], rows["files"], strict=True)
        for f in json.loads(fs or "[]")
    ]
    data = pl.DataFrame(
        out,
        schema={"Version": pl.Int64, "Fil": pl.Utf8, "Rækker": pl.Int64, "SHA-256": pl.Utf8},
        orient="row",
    )
    return data, data.with_columns(
        pl.Series("Rækker", [fmt.number(n) if n is not None else "" for n in data["Rækker"]], pl.Utf8)
    )


# ---- upload → validation → import ----------------------------------------------------------------------


@dataclass
class Checked:
    """An upload and its validation: every problem with file, line and column. `names`: the data files the upload
    held (a zip unpacked); `files`: what was uploaded, kept for the import (nothing stays on disk in between)."""

    names: list[str]
    files: list[tuple[str, bytes]] = field(default_factory=list, repr=False)
    issues: list[ingest_checks.Issue] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return sum(i.is_error for i in self.issues)

    @property
    def n_warnings(self) -> int:
        return len(self.issues) - self.n_errors

    @property
    def may_import(self) -> bool:
        return self.n_errors == 0

    def summary(self) -> str:
        files = ", ".join(sorted(self.names))
        return (
            f"{fmt.number(self.n_errors)} fejl og {fmt.number(self.n_warnings)} advarsler "
            f"i {files or 'ingen datafiler'}."
        )

    def report(self) -> pl.DataFrame:
        """Fil, Linje, Kolonne, Alvorlighed, Besked (mi.ingest_checks.issues_frame)."""
        return ingest_checks.issues_frame(self.issues)

    def report_shown(self) -> pl.DataFrame:
        """The report for the screen: a problem of a whole file has an empty line and column (not "None")."""
        frame = self.report()
        return frame.with_columns(
            pl.Series("Linje", ["" if n is None else fmt.number(n) for n in frame["Linje"]], dtype=pl.Utf8),
            pl.Series("Kolonne", ["" if c is None else c for c in frame["Kolonne"]], dtype=pl.Utf8),
        )


def _validate_job(
    files: list[tuple[str, bytes]], folder: Path
) -> tuple[list[str], list[ingest_checks.Issue]]:
    """In the worker process: stage the upload in `folder`, validate it, remove it."""
    try:
        ingest.stage_upload(files, into=folder)
        return sorted(p.name for p in folder.iterdir()), ingest.validate_folder(folder)
    except ingest.ImportBlocked as exc:
        return [], exc.issues
    finally:
        ingest.discard_upload(folder)


def _import_job(files: list[tuple[str, bytes]], folder: Path, db_path: str) -> tuple[int | None, list]:
    """In the worker process: stage, validate and import; (new version, []) or (None, the issues)."""
    try:
        ingest.stage_upload(files, into=folder)
        return ingest.import_folder(folder, db_path), []
    except ingest.ImportBlocked as exc:
        return None, exc.issues
    finally:
        ingest.discard_upload(folder)


def _in_worker(job, files: list[tuple[str, bytes]], *args):
    """Run an upload's job in a separate process (mi.worker: memory and time limits) in a fresh temporary folder,
    which is removed whatever happens to the process; upload folders a killed server left are removed first."""
    from mi import scratch, worker  # noqa: PLC0415

    scratch.remove_stale(None, ingest.UPLOAD_PREFIX, older_than=2 * worker.seconds_limit() + 120)
    folder = scratch.make_dir(ingest.UPLOAD_PREFIX)
    try:
        return worker.run(job, files, folder, *args)
    except worker.WorkerFailed as exc:
        return exc
    finally:
        ingest.discard_upload(folder)


def _stopped(files: list[tuple[str, bytes]], exc: Exception) -> list[ingest_checks.Issue]:
    names = ", ".join(n for n, _ in files) or "upload"
    return [
        ingest_checks.Issue(names, None, None, f"filerne kunne ikke valideres, og intet er indlæst: {exc}")
    ]


def check(files: list[tuple[str, bytes]]) -> Checked:
    """Validate an upload (a zip is unpacked) in a separate process with memory and time limits; nothing is
    imported and nothing stays on disk."""
    result = _in_worker(_validate_job, files)
    if isinstance(result, Exception):
        return Checked([], files, _stopped(files, result))
    names, issues = result
    return Checked(names, files, issues)


def import_checked(checked: Checked, db_path: Path | str | None = None) -> int:
    """Import a checked upload into the database (db.db_path() by default), in a separate process with memory and
    time limits; the new data version. Raises mi.ingest.ImportBlocked when the upload has errors or the import
    could not finish (the database is then untouched)."""
    if not checked.may_import:
        raise ingest.ImportBlocked(checked.issues)
    result = _in_worker(_import_job, checked.files, str(db_path or db.db_path()))
    if isinstance(result, Exception):
        raise ingest.ImportBlocked(_stopped(checked.files, result))
    version, issues = result
    if version is None:
        raise ingest.ImportBlocked(issues)
    return version


def signature(files: list[tuple[str, bytes]]) -> str:
    """Which upload this is (names and contents), so a page validates it once, not at every rerun."""
    h = hashlib.sha256()
    for name, data in files:
        h.update(name.encode())
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()
