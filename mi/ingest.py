"""Read a data folder, validate it against the contract, load it safely.

    read_folder(dir)      → Loaded: clean frames (text, normalised), settings, catalogue, issues, file stamps
    validate_folder(dir)  → the issues (errors block an import, warnings do not)
    import_folder(dir)    → validates; only when there are no errors builds a new database beside the current
                            one and swaps it in atomically (mi.db.build); raises ImportBlocked otherwise
    load_in_memory(dir)   → the same, into an in-memory database (python -m mi kpis --data)
    stage_upload(files)   → a temporary folder holding uploaded files (a .zip is unpacked)

Reading one file is mi.ingest_read; the checks, the Issue type and the report formats are mi.ingest_checks.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from mi import bounds, db, scratch
from mi import settings as settings_mod
from mi.ingest_checks import (
    LINE,
    WARNING,
    Checker,
    Issue,
    check_header,
    check_keys,
    check_references,
    check_table,
    check_values,
)
from mi.ingest_read import file_is_utf8, normalise_header, ragged_line, read_file, sniff_delimiter, tidy
from mi.settings import ROOT, Settings

EXTENSIONS = (".csv", ".xlsx", ".parquet")
CATALOGUE_FILE = ROOT / "data" / "catalogue" / "measures.csv"
CATALOGUE_NAME = "data/catalogue/measures.csv"
# Tables a folder must hold (a header-only file is a valid empty table); the others may be left out (OPTIONAL_TABLES):
# a case system alone exports cases and measures, and every screen then says what is missing.
REQUIRED_TABLES = ("cases", "measures")


class ImportBlocked(Exception):
    """The folder has errors: nothing was loaded. `.issues` lists every problem (errors and warnings)."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        n = sum(i.is_error for i in issues)
        super().__init__(f"{n} fejl i data; intet er indlæst, og databasen er uændret")


@dataclass
class Loaded:
    frames: dict[str, pl.DataFrame]
    settings: Settings
    catalogue: pl.DataFrame
    issues: list[Issue]
    files: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


BATCH_ROWS = 500_000


def read_and_check(path: Path, table: str) -> tuple[pl.DataFrame, int, list[Issue]]:
    """Read one table's file and check it: (clean frame with _line, rows read, issues). A plain UTF-8 CSV
    is read in batches of BATCH_ROWS, so a national extract never sits in memory as text all at once."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if (
        path.suffix.lower() != ".csv"
        or head.startswith(b"\xef\xbb\xbf")
        or not head.strip()
        or not file_is_utf8(path)
    ):
        raw, issues = read_file(path, table)
        if issues:
            return pl.DataFrame(), 0, issues
        frame, issues = check_table(raw)
        return frame, raw.frame.height, issues
    try:
        bounds.check_file(path)  # before polars reads a byte of it (a header of a million columns, …)
    except bounds.TooBig as exc:
        return pl.DataFrame(), 0, [Issue(path.name, None, None, str(exc))]
    delimiter = sniff_delimiter(head.split(b"\n", 1)[0].decode("utf-8", errors="replace"))
    scan = pl.scan_csv(
        path, separator=delimiter, infer_schema=False, quote_char='"', row_index_name=LINE, row_index_offset=2
    )
    ck = Checker(path.name)
    try:
        names, issues = normalise_header(scan.collect_schema().names(), path.name)
        if issues:
            return pl.DataFrame(), 0, issues
        check_header(table, names, ck)
        parts, rows = [], 0
        for batch in scan.collect_batches(chunk_size=BATCH_ROWS):
            batch.columns = names
            rows += batch.height
            parts.append(_compact(table, check_values(table, tidy(batch), delimiter, ck)))
    except pl.exceptions.PolarsError as exc:
        ragged = ragged_line(path.read_bytes(), delimiter)
        if ragged:
            line, got, expected = ragged
            msg = f"linjen har {got} felter, men overskriften har {expected} (skilletegn '{delimiter}')"
            return pl.DataFrame(), 0, [Issue(path.name, line, None, msg)]
        return (
            pl.DataFrame(),
            0,
            [Issue(path.name, None, None, f"filen kan ikke læses som CSV: {exc}")],
        )
    if not parts:  # a header-only file: the empty table with the contract's columns and types
        header_only = pl.DataFrame(
            {c: pl.Series([], dtype=pl.Utf8) for c in names if c != LINE}
        ).with_row_index(LINE)
        parts = [check_values(table, header_only, delimiter, ck)]
    frame = pl.concat(parts, rechunk=False)
    check_keys(table, frame, ck)
    return frame, rows, ck.finish()


# Free-text columns that repeat a few values over millions of rows and that no check compares: held as categories
# (one copy of each text), which halves the memory a national payments extract takes between reading and building.
REPEATED_TEXT = {"payments": ("account", "provider_name", "description"), "measures": ("provider_name",)}


def _compact(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    cols = [c for c in REPEATED_TEXT.get(table, ()) if c in frame.columns]
    return frame.with_columns(pl.col(cols).cast(pl.Categorical)) if cols else frame


# files a data folder may hold besides the tables
KNOWN_FILES = ("settings.toml", "catalogue.csv")


def _unknown_file(p: Path) -> Issue:
    """A file the import does not read: perhaps a table under another name (a warning saying which names count)."""
    import difflib  # noqa: PLC0415

    stem = p.stem.lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
    names = {**{t: t for t in db.INPUT_TABLES}, **DANISH_NAMES}
    close = [
        hit
        for word in re.findall(r"[a-z]+", stem)  # "boern_2024" → boern
        for hit in difflib.get_close_matches(word, list(names), n=1, cutoff=0.8)
    ]
    suffix = p.suffix.lower() if p.suffix.lower() in EXTENSIONS else ".csv"
    hint = f"; mente du {names[close[0]]}{suffix}?" if close else "."
    return Issue(
        p.name,
        None,
        None,
        f"filen kendes ikke og indlæses ikke{hint} En tabel skal hedde {', '.join(db.INPUT_TABLES)} "
        "(.csv, .xlsx eller .parquet)",
        WARNING,
    )


# a table saved under its Danish name (the hint of an unknown file)
DANISH_NAMES = {
    "boern": "children",
    "sager": "cases",
    "indsatser": "measures",
    "udbetalinger": "payments",
    "betalinger": "payments",
    "personale": "staff",
    "medarbejdere": "staff",
    "elever": "pupils",
    "underretninger": "notifications",
    "undersoegelser": "investigations",
    "aktiviteter": "activities",
}


def find_files(folder: Path) -> tuple[dict[str, Path], list[Issue]]:
    """The file of each table in the folder (`<table>.csv|.xlsx|.parquet`, any case); every other file (not
    settings.toml, catalogue.csv or a hidden file) is warned about: it may be a misnamed table."""
    found: dict[str, list[Path]] = {}
    unknown: list[Issue] = []
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix.lower() in EXTENSIONS and p.stem.lower() in db.INPUT_TABLES:
            found.setdefault(p.stem.lower(), []).append(p)
        elif p.is_file() and not p.name.startswith(".") and p.name.lower() not in KNOWN_FILES:
            unknown.append(_unknown_file(p))
    files, issues = {}, unknown
    for table in db.INPUT_TABLES:
        paths = found.get(table, [])
        if len(paths) > 1:
            names = " og ".join(p.name for p in paths)
            issues.append(
                Issue(
                    paths[0].name, None, None, f"tabellen {table} findes i flere filer ({names}); behold én"
                )
            )
        elif paths:
            files[table] = paths[0]
        elif table in REQUIRED_TABLES:
            issues.append(
                Issue(
                    f"{table}.csv",
                    None,
                    None,
                    f"filen mangler: forventede {table}.csv, {table}.xlsx eller {table}.parquet "
                    "(en tom tabel er en fil med kun overskriftslinjen)",
                )
            )
    return files, issues


# ------------------------------------------------------------------------------------------ the folder


def _settings(folder: Path) -> tuple[Settings, list[Issue]]:
    try:
        settings, problems = settings_mod.check(folder)
    except OSError as exc:  # e.g. a folder named settings.toml
        return Settings(), [Issue("settings.toml", None, None, f"filen kan ikke læses: {exc.strerror}")]
    return settings, [Issue("settings.toml", line, key, message) for line, key, message in problems]


def _catalogue(folder: Path) -> tuple[pl.DataFrame, list[Issue]]:
    """The measure catalogue: the folder's catalogue.csv when it has one, else the product's; checked alike."""
    own = folder / "catalogue.csv"
    raw, issues = read_file(own if own.exists() else CATALOGUE_FILE, "catalogue")
    raw.name = CATALOGUE_NAME if not own.exists() else own.name
    issues = [Issue(raw.name, i.line, i.column, i.message, i.severity) for i in issues]
    if issues:
        return db.empty_frame("catalogue"), issues
    frame, more = check_table(raw)
    if frame.height:
        more += _catalogue_flags(raw.name, frame)
    return (frame.drop(LINE) if frame.height else db.empty_frame("catalogue")), more


# DOMAIN.md's KPI definitions name the code of focus points 3–5: the flag stays with its code (sql/staging/
# stg_catalogue.sql); a catalogue that moves or drops it is told so, without blocking the import
KPI_FLAG_CODES = {
    "family_treatment": "FAMILIEBEHANDLING",
    "day_treatment": "SKOLE_DAGBEHANDLING",
    "lost_earnings": "TABT_ARBEJDSFORTJENESTE",
}


def _catalogue_flags(name: str, frame: pl.DataFrame) -> list[Issue]:
    ck = Checker(name)
    flag, code = pl.col("focus_flag"), pl.col("measure_code")
    for kpi_flag, kpi_code in KPI_FLAG_CODES.items():
        ck.flag(
            (flag == kpi_flag) & (code != kpi_code),
            "focus_flag",
            pl.lit(f"flaget '{kpi_flag}' hører til koden {kpi_code} (nøgletallenes definition); ")
            + pl.lit("det ses bort fra det på '")
            + code
            + pl.lit("'"),
            WARNING,
        )
        ck.flag(
            (code == kpi_code) & (flag.is_null() | (flag != kpi_flag)),
            "focus_flag",
            f"koden {kpi_code} har altid flaget '{kpi_flag}' (nøgletallenes definition); det bruges",
            WARNING,
        )
    ck.run(frame)
    return ck.finish()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# tables a municipality may not have (or not export: payments, budget and staff come from other systems than the
# case system): a missing file is a warning saying what goes without it, a header-only file normal
OPTIONAL_TABLES = ("children", "pupils", "payments", "budget", "staff")
WITHOUT = {  # what goes without each optional table (the import's warning and the screens' sentence say it)
    "children": "sagernes og indsatsernes barn-id er ikke tjekket mod en børnetabel",
    "pupils": "andelen af elever i skole-dagbehandling (fokuspunkt 4) kan ikke beregnes",
    "payments": "forbrug år til dato og tabt arbejdsfortjeneste (fokuspunkt 5) står som 0 kr., og forventet "
    "forbrug er kun det bevilgede resten af året",
    "budget": "budget, budgetafvigelse og merforbrug kan ikke beregnes",
    "staff": "årsværk, sager pr. årsværk og personaleomsætning kan ikke beregnes",
}


def read_folder(folder: Path | str) -> Loaded:
    """Read and check every table of a data folder; nothing is written anywhere."""
    folder = Path(folder)
    if not folder.is_dir():
        issue = Issue(str(folder), None, None, "mappen findes ikke")
        return Loaded({}, Settings(), db.empty_frame("catalogue"), [issue])
    settings, issues = _settings(folder)
    catalogue, cat_issues = _catalogue(folder)
    names: dict[str, str] = {
        "catalogue": CATALOGUE_NAME if not (folder / "catalogue.csv").exists() else "catalogue.csv"
    }
    issues += cat_issues
    paths, found_issues = find_files(folder)
    issues += found_issues
    clean: dict[str, pl.DataFrame] = {}
    files = []
    for table, path in paths.items():
        frame, rows, table_issues = read_and_check(path, table)
        issues += table_issues
        names[table] = path.name
        if frame.width:
            clean[table] = frame
        files.append({"file": path.name, "sha256": _sha256(path), "rows": rows})
    for table in OPTIONAL_TABLES:
        if table not in paths:
            issues.append(
                Issue(
                    f"{table}.csv",
                    None,
                    None,
                    f"filen mangler; tabellen {table} behandles som tom: {WITHOUT[table]}",
                    WARNING,
                )
            )
    # references only make sense when the tables themselves could be read
    if all(t in clean or t not in paths for t in db.INPUT_TABLES):
        # an optional table that is missing or header-only is not there to refer to: its references are not checked
        given = {t for t in paths if t not in OPTIONAL_TABLES or (t in clean and clean[t].height)}
        issues += check_references(names, clean, catalogue, present=given)
    frames = {t: f.drop(LINE) for t, f in clean.items()}
    issues.sort(key=lambda i: (not i.is_error, i.file, i.line if i.line is not None else sys.maxsize))
    return Loaded(frames, settings, catalogue, issues, files)


def validate_folder(folder: Path | str) -> list[Issue]:
    return read_folder(folder).issues


def _valid(folder: Path | str) -> Loaded:
    loaded = read_folder(folder)
    if loaded.errors:
        raise ImportBlocked(loaded.issues)
    return loaded


def import_folder(folder: Path | str, db_path: Path | str | None = None) -> int:
    """Validate the folder; only if there are no errors, build a new database beside the current one and swap
    it in atomically. On any failure the current database is untouched. Returns the new data version."""
    return import_loaded(_valid(folder), folder, db_path)


def import_loaded(loaded: Loaded, folder: Path | str, db_path: Path | str | None = None) -> int:
    """Build and swap in a database from a folder already read without errors (see import_folder)."""
    if loaded.errors:
        raise ImportBlocked(loaded.issues)
    path = Path(db_path or db.db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    with db.writer_lock(path):
        return db.build(
            path,
            loaded.frames,
            loaded.settings,
            loaded.catalogue,
            source=str(Path(folder).resolve()),
            files=loaded.files,
        )


def load_in_memory(folder: Path | str) -> duckdb.DuckDBPyConnection:
    """The folder validated and built into an in-memory database (same tables and views as an import)."""
    loaded = _valid(folder)
    con = duckdb.connect()
    db.populate(con, loaded.frames, loaded.settings, loaded.catalogue, source=str(folder), files=loaded.files)
    return con


UPLOAD_PREFIX = "mi-upload-"


def stage_upload(files: Iterable[tuple[str, bytes]], into: Path | None = None) -> Path:
    """Write uploaded files (name, content) to a new temporary folder `mi-upload-<letters>` (or `into`) and return
    it; a .zip is checked against the limits (mi.bounds) and unpacked in chunks (only its data files and
    settings.toml, by their base names). Raises ImportBlocked with the reason (a zip beyond a limit, two files of
    the same name, a broken zip); the folder is then removed."""
    out = into or scratch.make_dir(UPLOAD_PREFIX)
    try:
        _stage(files, out)
    except BaseException:
        discard_upload(out)
        raise
    return out


def _stage(files: Iterable[tuple[str, bytes]], out: Path) -> None:
    wanted = tuple(EXTENSIONS)
    seen: dict[str, str] = {}
    budget = bounds.limit("zip_bytes")

    def target(name: str, origin: str) -> Path | None:
        base = Path(name.replace("\\", "/")).name
        if (
            not base
            or base.startswith(".")
            or not (base.lower().endswith(wanted) or base.lower() == "settings.toml")
        ):
            return None
        if base.lower() in seen:
            raise ImportBlocked(
                [
                    Issue(
                        origin,
                        None,
                        None,
                        f"to filer hedder {base} ({seen[base.lower()]} og {name}); send én",
                    )
                ]
            )
        seen[base.lower()] = name
        return out / base

    for name, data in files:
        if not name.lower().endswith(".zip"):
            if (path := target(name, name)) is not None:
                path.write_bytes(data)
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                bounds.check_zip(zf)
                for info in zf.infolist():
                    if not info.is_dir() and (path := target(info.filename, name)) is not None:
                        budget -= bounds.extract_member(zf, info, path, budget)
        except bounds.TooBig as exc:
            raise ImportBlocked([Issue(name, None, None, str(exc))]) from None
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            ValueError,
        ) as exc:
            raise ImportBlocked([Issue(name, None, None, f"zip-filen kan ikke pakkes ud: {exc}")]) from None


def discard_upload(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
