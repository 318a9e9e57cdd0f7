"""Read a data folder in the municipal dialects, validate it against the contract, load it safely.

    read_folder(dir)      → Loaded: clean frames (text, normalised), settings, catalogue, issues, file stamps
    validate_folder(dir)  → the issues (errors block an import, warnings do not)
    import_folder(dir)    → validates; only when there are no errors builds a new database beside the current
                            one and swaps it in atomically (mi.db.build); raises ImportBlocked otherwise
    load_in_memory(dir)   → the same, into an in-memory database (python -m mi kpis --data)
    stage_upload(files)   → a temporary folder holding uploaded files (a .zip is unpacked)

Every problem is an Issue with the file, the line as a spreadsheet shows it (the header is line 1), the column
and a plain Danish message. All checks work on whole columns (polars), so a national extract is checked in
seconds. A value that looks like a CPR number is never echoed: every Issue masks its message, column and file
(mi.contract.mask).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import shutil
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from mi import bounds, contract, db, fmt, scratch
from mi import settings as settings_mod
from mi.contract import Column
from mi.settings import ROOT, Settings

ERROR, WARNING = "fejl", "advarsel"
EXTENSIONS = (".csv", ".xlsx", ".parquet")
CATALOGUE_FILE = ROOT / "data" / "catalogue" / "measures.csv"
CATALOGUE_NAME = "data/catalogue/measures.csv"
# Tables a folder must hold (a header-only file is a valid empty table); the others may be left out (OPTIONAL_TABLES):
# a case system alone exports cases and measures, and every screen then says what is missing.
REQUIRED_TABLES = ("cases", "measures")
# At most this many lines are listed for one kind of problem in one column; the rest are counted in one line.
MAX_LINES_PER_PROBLEM = 200
LINE = "_line"


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None
    column: str | None
    message: str
    severity: str = ERROR

    def __post_init__(self):
        # nothing CPR-shaped leaves an issue: not in the message, nor in a column's or a file's name
        for name in ("file", "column", "message"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, contract.mask(value))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


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


# ------------------------------------------------------------------------------------------------ reading


@dataclass
class _Raw:
    table: str
    name: str  # file name as reported
    frame: pl.DataFrame  # text columns (stripped, empty → null) plus _line
    delimiter: str  # "," or ";" for CSV; ";" for Excel and Parquet (Danish number spelling in text)


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked in chunks (no copy of a large file in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for i in range(0, len(view), 1 << 24):
            decoder.decode(view[i : i + (1 << 24)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf8(data: bytes) -> bytes:
    """UTF-8 (with or without BOM) as it is, else Windows-1252 (what Danish Excel writes) re-encoded."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _is_utf8(data):
        return data
    return data.decode("cp1252", errors="replace").encode("utf-8")


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _ragged_line(data: bytes, delimiter: str) -> tuple[int, int, int] | None:
    """(line, fields, expected) of the first row whose field count differs from the header's. The line is the row's
    number as a spreadsheet shows it (the header is 1), also after a quoted value that spans lines."""
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""), delimiter=delimiter)
    expected = None
    for number, row in enumerate(reader, start=1):
        if expected is None:
            expected = len(row)
            continue
        if row and len(row) != expected:
            return number, len(row), expected
    return None


def _read_csv(path: Path) -> tuple[pl.DataFrame, str, list[Issue]]:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    plain = not head.startswith(b"\xef\xbb\xbf") and _file_is_utf8(path)
    # plain UTF-8 is read straight from the file (polars maps it: no copy of a national extract in memory)
    data = path if plain else _utf8(path.read_bytes())
    first = (head if plain else data[: 1 << 16]).split(b"\n", 1)[0].decode("utf-8", errors="replace")
    delimiter = _delimiter(first)
    if not head.strip():
        return (
            pl.DataFrame(),
            delimiter,
            [Issue(path.name, 1, None, "filen er tom; den skal mindst have en overskriftslinje")],
        )
    try:
        frame = pl.read_csv(
            data,
            separator=delimiter,
            infer_schema=False,
            quote_char='"',
            row_index_name=LINE,
            row_index_offset=2,
        )
    except pl.exceptions.PolarsError as exc:
        ragged = _ragged_line(path.read_bytes() if plain else data, delimiter)
        if ragged:
            line, got, expected = ragged
            msg = f"linjen har {got} felter, men overskriften har {expected} (skilletegn '{delimiter}')"
            return pl.DataFrame(), delimiter, [Issue(path.name, line, None, msg)]
        return (
            pl.DataFrame(),
            delimiter,
            [Issue(path.name, None, None, f"filen kan ikke læses som CSV: {exc}")],
        )
    return frame, delimiter, []


def _file_is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _cell_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        # a number cell is written with a decimal comma: Excel files are read with Danish number spelling
        # (see read_file), so that 1.234 kr. in a number cell is not taken for 1.234 thousands
        return str(int(v)) if v.is_integer() else f"{v:.10f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(v)


def _read_xlsx(path: Path) -> tuple[pl.DataFrame, list[Issue]]:
    import openpyxl  # noqa: PLC0415 - only for Excel files

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one clear issue
        return pl.DataFrame(), [Issue(path.name, None, None, f"filen kan ikke læses som Excel: {exc}")]
    try:
        sheet = book.worksheets[0]
        # rows as the file holds them, not padded to the area the sheet declares (bounds checked that area)
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return pl.DataFrame(), [
                Issue(path.name, 1, None, "arket er tomt; det skal mindst have en overskriftslinje")
            ]
        while header and header[-1] is None:  # empty cells after the last heading (a value below one is kept)
            header = header[:-1]
        if len(header) > bounds.limit("columns"):
            return pl.DataFrame(), [
                Issue(
                    path.name,
                    1,
                    None,
                    f"filen er afvist: overskriften har {fmt.number(len(header))} kolonner; grænsen er "
                    f"{fmt.number(bounds.limit('columns'))} (kan hæves med {bounds.LIMITS['columns'].env})",
                )
            ]
        names = [_cell_text(h) or f"kolonne_{i + 1}" for i, h in enumerate(header)]
        data: list[list[str | None]] = [[] for _ in names]
        lines: list[int] = []
        for n, row in enumerate(rows, start=2):
            if n > bounds.limit("lines") + 1:
                return pl.DataFrame(), [
                    Issue(
                        path.name,
                        n,
                        None,
                        f"filen er afvist: arket har mere end {fmt.number(bounds.limit('lines'))} rækker "
                        f"(kan hæves med {bounds.LIMITS['lines'].env})",
                    )
                ]
            if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            width = len(row)
            while width > len(names) and row[width - 1] is None:
                width -= 1
            if width > len(names):  # a value beyond the last heading: a column without a name, as before
                if width > bounds.limit("columns"):
                    return pl.DataFrame(), [
                        Issue(
                            path.name,
                            n,
                            None,
                            f"filen er afvist: linjen har {fmt.number(width)} kolonner; grænsen er "
                            f"{fmt.number(bounds.limit('columns'))} (kan hæves med {bounds.LIMITS['columns'].env})",
                        )
                    ]
                for i in range(len(names), width):
                    names.append(f"kolonne_{i + 1}")
                    data.append([None] * len(lines))
            lines.append(n)
            for i in range(len(names)):
                data[i].append(_cell_text(row[i]) if i < len(row) else None)
    finally:
        book.close()
    frame = pl.DataFrame(
        {LINE: pl.Series(lines, dtype=pl.UInt32)}
        | {name: pl.Series(col, dtype=pl.Utf8) for name, col in zip(names, data, strict=True)}
    )
    return frame.select([*names, LINE]), []


def _read_parquet(path: Path, table: str = "") -> tuple[pl.DataFrame, list[Issue]]:
    try:
        schema = pl.read_parquet_schema(path)
    except Exception as exc:  # noqa: BLE001
        return pl.DataFrame(), [Issue(path.name, None, None, f"filen kan ikke læses som Parquet: {exc}")]
    nested = [(n, t) for n, t in schema.items() if t.is_nested() or t == pl.Binary or t == pl.Object]
    if nested:
        # a list or a struct would be imported as its text form ("[1, 2]", "{'a': 1}"): not a value of the contract
        return pl.DataFrame(), [
            Issue(
                path.name,
                1,
                n,
                f"kolonnen '{n}' har typen {t}, som ikke er én værdi pr. celle (en liste eller en struktur); "
                "gem den som tekst, tal eller dato",
            )
            for n, t in nested
        ]
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # noqa: BLE001
        return pl.DataFrame(), [Issue(path.name, None, None, f"filen kan ikke læses som Parquet: {exc}")]
    timed = {c.name for c in contract.columns(table) if c.kind == contract.DATETIME} if table else set()
    cols = []
    for name, dtype in frame.schema.items():
        c = pl.col(name)
        if dtype == pl.Datetime and name.strip().lower() in timed:
            # a date and time column keeps its time of day; midnight is a date without one (as in Excel)
            c = (
                pl.when(c.dt.time() == pl.time(0))
                .then(c.dt.strftime("%Y-%m-%d"))
                .otherwise(c.dt.strftime("%Y-%m-%d %H:%M:%S"))
            )
        elif dtype == pl.Date or dtype == pl.Datetime:
            c = c.dt.strftime("%Y-%m-%d")
        elif dtype.is_float() or dtype.is_decimal():
            c = c.cast(pl.Utf8).str.replace(".", ",", literal=True)  # Danish spelling, as for Excel
        cols.append(c.cast(pl.Utf8))
    try:
        return frame.select(cols).with_row_index(LINE, offset=2), []
    except pl.exceptions.PolarsError:
        # a column that has no text form (a list, a struct): name it instead of failing
        bad = [n for n, c in zip(frame.columns, cols, strict=True) if not _castable(frame, c)]
        return pl.DataFrame(), [
            Issue(
                path.name,
                1,
                n,
                f"kolonnen '{n}' har typen {frame.schema[n]}, som ikke kan læses som en værdi",
            )
            for n in bad
        ]


def _castable(frame: pl.DataFrame, column: pl.Expr) -> bool:
    try:
        frame.head(1).select(column)
    except pl.exceptions.PolarsError:
        return False
    return True


def _header(names: list[str], file: str) -> tuple[list[str], list[Issue]]:
    out = [c if c == LINE else c.strip().lstrip("\ufeff").strip().lower() for c in names]
    issues, seen = [], set()
    for name in out:
        if name in seen and name:
            issues.append(Issue(file, 1, name, f"kolonnen '{name}' står to gange i overskriften"))
        seen.add(name)
    return out, issues


def _tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip blanks, make empty values null (only in the columns that need it) and drop blank lines."""
    text_cols = [c for c in frame.columns if c != LINE]
    if not text_cols or frame.height == 0:
        return frame
    needs = frame.select(
        [(pl.col(c).str.contains(r"^\s|\s$") | (pl.col(c) == "")).any().alias(c) for c in text_cols]
    ).row(0)
    fix = [c for c, n in zip(text_cols, needs, strict=True) if n]
    if fix:
        stripped = [pl.col(c).str.strip_chars() for c in fix]
        frame = frame.with_columns(
            [pl.when(s == "").then(None).otherwise(s).alias(c) for c, s in zip(fix, stripped, strict=True)]
        )
    blank = pl.all_horizontal([pl.col(c).is_null() for c in text_cols])
    if frame.select(blank.any()).item():  # a line with no values at all is a blank line, not a row
        frame = frame.filter(~blank)
    return frame


def read_file(path: Path, table: str) -> tuple[_Raw, list[Issue]]:
    """One table's file as text columns with normalised header names and each row's spreadsheet line."""
    suffix = path.suffix.lower()
    delimiter = ""
    try:
        bounds.check_file(path)
    except bounds.TooBig as exc:
        return _Raw(table, path.name, pl.DataFrame(), delimiter), [Issue(path.name, None, None, str(exc))]
    if suffix == ".csv":
        frame, delimiter, issues = _read_csv(path)
    elif suffix == ".xlsx":
        frame, issues = _read_xlsx(path)
        delimiter = ";"  # Danish number spelling (1.234,50) in text cells, as in a ';' CSV
    else:
        frame, issues = _read_parquet(path, table)
        delimiter = ";"
    if issues:
        return _Raw(table, path.name, pl.DataFrame(), delimiter), issues
    names, issues = _header(frame.columns, path.name)
    if issues:
        return _Raw(table, path.name, pl.DataFrame(), delimiter), issues
    frame.columns = names
    return _Raw(table, path.name, _tidy(frame), delimiter), []


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
        or not _file_is_utf8(path)
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
    delimiter = _delimiter(head.split(b"\n", 1)[0].decode("utf-8", errors="replace"))
    scan = pl.scan_csv(
        path, separator=delimiter, infer_schema=False, quote_char='"', row_index_name=LINE, row_index_offset=2
    )
    ck = _Checker(path.name)
    try:
        names, issues = _header(scan.collect_schema().names(), path.name)
        if issues:
            return pl.DataFrame(), 0, issues
        _check_header(table, names, ck)
        parts, rows = [], 0
        for batch in scan.collect_batches(chunk_size=BATCH_ROWS):
            batch.columns = names
            rows += batch.height
            parts.append(_compact(table, _check_values(table, _tidy(batch), delimiter, ck)))
    except pl.exceptions.PolarsError as exc:
        ragged = _ragged_line(path.read_bytes(), delimiter)
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
        parts = [_check_values(table, header_only, delimiter, ck)]
    frame = pl.concat(parts, rechunk=False)
    _check_keys(table, frame, ck)
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


# ---------------------------------------------------------------------------------------------- checking


class _Checker:
    """Collects the checks of one table and runs them together: every mask in one parallel pass, messages
    only for the rows that fail (so a clean national extract costs one pass, not one per check). A table read
    in batches keeps one checker: each kind of problem lists its first MAX_LINES_PER_PROBLEM lines in all."""

    def __init__(self, name: str):
        self.name = name
        self.issues: list[Issue] = []
        self._pending: list[tuple[pl.Expr, str | None, pl.Expr | str, str]] = []
        self._more: dict[tuple, list] = {}  # kind → [lines not listed, last line, column, severity]

    def flag(self, bad: pl.Expr, column: str | None, message: pl.Expr | str, severity: str = ERROR) -> None:
        self._pending.append((bad, column, message, severity))

    def run(self, frame: pl.DataFrame) -> list[Issue]:
        pending, self._pending = self._pending, []
        if not pending or frame.height == 0:
            return self.issues
        masks = frame.select([bad.fill_null(False).alias(f"_m{i}") for i, (bad, *_) in enumerate(pending)])
        counts = masks.sum().row(0)
        for i, ((_, column, message, severity), n) in enumerate(zip(pending, counts, strict=True)):
            if not n:
                continue
            msg = message if isinstance(message, pl.Expr) else pl.lit(message)
            kind = (column, str(message), severity)
            more = self._more.setdefault(kind, [0, 0, column, severity, 0])
            room = max(MAX_LINES_PER_PROBLEM - more[4], 0)
            hits = frame.filter(masks[f"_m{i}"]).select(pl.col(LINE), msg.alias("msg"))
            for line, text in hits.head(room).iter_rows():
                self.issues.append(Issue(self.name, line, column, text, severity))
            more[4] += min(room, hits.height)
            if hits.height > room:
                more[0] += hits.height - room
                more[1] = hits[LINE][-1]
        return self.issues

    def finish(self) -> list[Issue]:
        """The issues, with one line per kind of problem that had more lines than were listed."""
        for rest, last, column, severity, _ in self._more.values():
            if rest:
                text = f"og {rest:,} linjer mere med samme slags problem (til og med linje {last:,})"
                self.issues.append(Issue(self.name, None, column, text.replace(",", "."), severity))
        self._more = {}
        return self.issues


def _quote(c: str) -> pl.Expr:
    return pl.lit("'") + pl.col(c).cast(pl.Utf8) + pl.lit("'")


_DMY = r"^([0-9]{1,2})([-.])([0-9]{1,2})[-.]([0-9]{4})$"
_YMD = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"


def _slow_date(c: str) -> pl.Expr:
    """The value as a date from YYYY-M-D, DD-MM-YYYY or DD.MM.YYYY; else null."""
    s = pl.col(c)
    ymd = s.str.extract_groups(_YMD)
    dmy = s.str.extract_groups(_DMY)

    def iso(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
        return y + pl.lit("-") + m.str.zfill(2) + pl.lit("-") + d.str.zfill(2)

    text = (
        pl.when(s.str.contains(_YMD))
        .then(iso(ymd.struct[0], ymd.struct[1], ymd.struct[2]))
        .when(s.str.contains(_DMY))
        .then(iso(dmy.struct[3], dmy.struct[2], dmy.struct[0]))
        .otherwise(None)
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


_PLAIN = r"^-?[0-9]+(\.[0-9]+)?$"
_DANISH = r"^-?[0-9]+(,[0-9]+)?$"


def _fast_number(c: str, delimiter: str) -> pl.Expr:
    """Plain `1234.5` (or `1234,5` in a `;` file) as number text; null for anything else (see _slow_number)."""
    s = pl.col(c)
    if delimiter == ";":
        return pl.when(s.str.contains(_DANISH)).then(s.str.replace(",", ".", literal=True)).otherwise(None)
    return pl.when(s.str.contains(_PLAIN)).then(s).otherwise(None)


def _slow_number(c: str, delimiter: str) -> pl.Expr:
    """The value as plain number text (`-1234.5`), reading Danish `1.234,50` in `;` files and `1234.50` or
    `1,234.50` elsewhere; null when it is not a number."""
    s = pl.col(c).str.replace_all(r"[\s\u00a0]", "").str.replace(r"^\+", "")
    has_dot, has_comma = s.str.contains(r"\."), s.str.contains(",", literal=True)
    dot_thousands = s.str.contains(r"^-?[0-9]{1,3}(\.[0-9]{3})+$")
    comma_thousands = s.str.contains(r"^-?[0-9]{1,3}(,[0-9]{3})+$")
    danish = delimiter == ";"
    out = (
        pl.when(has_dot & has_comma & (s.str.find(",") > s.str.find(r"\.")))  # 1.234,50
        .then(s.str.replace_all(r"\.", "").str.replace(",", ".", literal=True))
        .when(has_dot & has_comma)  # 1,234.50
        .then(s.str.replace_all(",", "", literal=True))
        .when(has_comma & pl.lit(not danish) & comma_thousands)  # 1,234 in an English file
        .then(s.str.replace_all(",", "", literal=True))
        .when(has_comma)  # 12,5
        .then(s.str.replace(",", ".", literal=True))
        .when(has_dot & pl.lit(danish) & dot_thousands)  # 1.234 in a Danish file
        .then(s.str.replace_all(r"\.", ""))
        .otherwise(s)
    )
    return pl.when(out.str.contains(r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)$")).then(out).otherwise(None)


def _any(frame: pl.DataFrame, expr: pl.Expr) -> bool:
    return bool(frame.select(expr.fill_null(False).any()).item())


def _bounds_check(ck: _Checker, table: str, col: Column, num: pl.Expr) -> None:
    low, low_inc, high, high_inc = contract.bounds(table, col.name)
    if low is None and high is None:
        return
    bad = pl.lit(False)
    parts = []
    if low is not None:
        bad = bad | ((num < low) if low_inc else (num <= low))
        parts.append(f"{'mindst' if low_inc else 'over'} {_n(low)}")
    if high is not None:
        bad = bad | ((num > high) if high_inc else (num >= high))
        parts.append(f"{'højst' if high_inc else 'under'} {_n(high)}")
    ck.flag(
        bad, col.name, _quote(col.name) + pl.lit(f" er uden for det tilladte: skal være {' og '.join(parts)}")
    )


def _n(v: float) -> str:
    if not float(v).is_integer():
        return str(v).replace(".", ",")
    # years stay 1990; large bounds get thousands separators: 2.147.483.647
    return fmt.number(int(v)) if abs(v) >= 10_000 else str(int(v))


NUMBER_KINDS = (contract.MONEY, contract.INT, contract.FTE)


def check_table(raw: _Raw) -> tuple[pl.DataFrame, list[Issue]]:
    """Check one table's values and rows; return its clean frame (contract columns + _line: dates as dates,
    numbers as plain number text, allowed values in their canonical spelling) and the issues."""
    ck = _Checker(raw.name)
    _check_header(raw.table, raw.frame.columns, ck)
    frame = _check_values(raw.table, raw.frame, raw.delimiter, ck)
    _check_keys(raw.table, frame, ck)
    return frame, ck.finish()


def _check_header(table: str, header: list[str], ck: _Checker) -> None:
    """Missing required columns (errors) and columns outside the contract (warnings). The table's other columns
    are still checked (_check_values leaves the missing ones out of the value checks)."""
    names = {c.name for c in contract.columns(table)}
    missing = [c.name for c in contract.columns(table) if c.required and c.name not in header]
    for name in missing:
        ck.issues.append(Issue(ck.name, 1, name, f"den påkrævede kolonne '{name}' mangler i overskriften"))
    for extra in [c for c in header if c not in names and c != LINE]:
        text = f"kolonnen '{extra}' hører ikke til datakontrakten og indlæses ikke"
        ck.issues.append(Issue(ck.name, 1, extra, text, WARNING))


def _check_values(table: str, frame: pl.DataFrame, delimiter: str, ck: _Checker) -> pl.DataFrame:
    """Every check of a value or a row (not across rows); returns the clean frame."""
    cols = contract.columns(table)
    absent = {c.name for c in cols if c.name not in frame.columns}  # reported once by _check_header
    frame = frame.with_columns([pl.lit(None, pl.Utf8).alias(c) for c in absent])
    frame = frame.select([LINE, *[c.name for c in cols]])

    # 1. parse every column once (fast path for the plain spelling; the dialects only where needed)
    parsed: list[pl.Expr] = []
    for col in cols:
        c = col.name
        if col.kind == contract.DATE:
            # only four-digit years: chrono would read '01-02-22' as 22 February of year 1
            iso = pl.col(c).str.contains(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
            parsed.append(pl.when(iso).then(pl.col(c).str.to_date("%Y-%m-%d", strict=False)).alias(f"_v_{c}"))
        elif col.kind in NUMBER_KINDS:
            parsed.append(_fast_number(c, delimiter).alias(f"_v_{c}"))
        elif col.kind == contract.DATETIME:
            parsed += _datetime_fast(c)
        elif col.kind == contract.ENUM:
            canonical = {a.lower(): a for a in col.allowed}
            parsed.append(
                pl.col(c).str.to_lowercase().replace_strict(canonical, default=None).alias(f"_v_{c}")
            )
    frame = frame.with_columns(parsed)
    slow = []
    for col in cols:
        c, v = col.name, f"_v_{col.name}"
        unparsed = pl.col(c).is_not_null() & pl.col(v).is_null()
        if col.kind == contract.DATE and _any(frame, unparsed):
            slow.append(pl.coalesce(pl.col(v), _slow_date(c)).alias(v))
        elif col.kind in NUMBER_KINDS and _any(frame, unparsed):
            slow.append(pl.coalesce(pl.col(v), _slow_number(c, delimiter)).alias(v))
        elif col.kind == contract.DATETIME and _any(frame, pl.col(c).is_not_null() & _dt(c, "y").is_null()):
            slow += _datetime_parts(c)
    if slow:
        frame = frame.with_columns(slow)

    # 2. every check as a mask, run together
    clean: list[pl.Expr] = []
    for col in cols:
        c, v = col.name, pl.col(f"_v_{col.name}")
        value = pl.col(c)
        if col.required and c not in absent:
            ck.flag(value.is_null(), c, f"værdi mangler (kolonnen {c} er påkrævet)")
        if col.kind in (contract.ID, contract.TEXT):
            candidates = frame.filter(value.str.contains(contract.CPR_CANDIDATE).fill_null(False))
            if candidates.height:
                cpr_lines = [
                    ln for ln, x in candidates.select(LINE, c).iter_rows() if contract.looks_like_cpr(x)
                ]
                if cpr_lines:
                    ck.flag(
                        pl.col(LINE).is_in(cpr_lines),
                        c,
                        "værdien ligner et CPR-nummer og afvises (værdien vises ikke); brug pseudonyme id'er",
                    )
            clean.append(value)
        elif col.kind == contract.DATE:
            ck.flag(
                value.is_not_null() & v.is_null(),
                c,
                _quote(c) + pl.lit(" er ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)"),
            )
            ck.flag(
                (v.dt.year() < 1900) | (v.dt.year() > 2100),
                c,
                _quote(c) + pl.lit(" er ikke en mulig dato (år før 1900 eller efter 2100)"),
            )
            clean.append(v.alias(c))
        elif col.kind == contract.DATETIME:
            clean.append(_datetime_checks(ck, c))
        elif col.kind in NUMBER_KINDS:
            num = v.cast(pl.Float64, strict=False)
            what = {contract.MONEY: "et beløb", contract.INT: "et helt tal", contract.FTE: "et tal"}[col.kind]
            ck.flag(value.is_not_null() & v.is_null(), c, _quote(c) + pl.lit(f" er ikke {what}"))
            text = v
            if col.kind == contract.INT:
                ck.flag(
                    num.is_not_null() & (num != num.round(0)), c, _quote(c) + pl.lit(" er ikke et helt tal")
                )
                text = pl.when(num == num.round(0)).then(num.cast(pl.Int64).cast(pl.Utf8)).otherwise(None)
            if col.kind == contract.MONEY:
                # kroner are stored in whole øre (two decimals): say so where a value has more
                ck.flag(
                    v.str.contains(r"\.[0-9]{2}0*[1-9][0-9]*$"),  # a digit other than 0 after the øre
                    c,
                    _quote(c) + pl.lit(" har mere end to decimaler; beløbet gemmes afrundet til hele øre"),
                    WARNING,
                )
            _bounds_check(ck, table, col, num)
            clean.append(text.alias(c))
        elif col.kind == contract.ENUM:
            allowed = ", ".join(col.allowed) + ("" if col.required else ", tom")
            ck.flag(
                value.is_not_null() & v.is_null(),
                c,
                _quote(c) + pl.lit(f" er ikke en tilladt værdi (tilladt: {allowed})"),
            )
            clean.append(v.alias(c))
        elif col.kind == contract.SCHOOL_YEAR:
            parts = value.str.extract_groups(r"^([0-9]{4})/([0-9]{2})$")
            ok = (parts.struct[0].cast(pl.Int64) + 1) % 100 == parts.struct[1].cast(pl.Int64)
            ck.flag(
                value.is_not_null() & ~ok.fill_null(False),
                c,
                _quote(c) + pl.lit(" er ikke et skoleår som 2020/21"),
            )
            clean.append(value)
    ck.run(frame)
    frame = frame.select(pl.col(LINE), *clean)

    # 3. rows: end before start, payment without a code
    if table in contract.ORDER:
        start, end = contract.ORDER[table]
        ck.flag(
            pl.col(end) < pl.col(start),
            end,
            pl.lit(f"{end} ")
            + pl.col(end).cast(pl.Utf8)
            + pl.lit(f" ligger før {start} ")
            + pl.col(start).cast(pl.Utf8),
        )
    if table in contract.ONE_OF:
        noun, cols = contract.ONE_OF[table]
        ck.flag(
            pl.all_horizontal(pl.col(c).is_null() for c in cols),
            cols[-1],
            f"{noun} har hverken {' eller '.join(cols)}; en af dem skal udfyldes",
        )
    if table in contract.REQUIRED_WHEN:
        noun, col, other, values = contract.REQUIRED_WHEN[table]
        ck.flag(
            pl.col(other).is_in(list(values)) & pl.col(col).is_null(),
            col,
            pl.lit("aktiviteten '") + pl.col(other) + pl.lit(f"' skal have et {col}: " + REQUIRED_WHY[table]),
        )
    if table in contract.ORDER_IN_TIME:
        _order_in_time(ck, *contract.ORDER_IN_TIME[table])
    if table in V2_ROW_CHECKS:
        V2_ROW_CHECKS[table](ck)
    ck.run(frame)
    return frame


# ------------------------------------------------------------------------ contract v2: values and rows

_DT_PARTS = ("y", "mo", "d", "hh", "mi", "ss")


def _dt(c: str, part: str) -> pl.Expr:
    return pl.col(f"_{part}_{c}")


_DT_PLAIN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?$"


def _datetime_fast(c: str) -> list[pl.Expr]:
    """A date-and-time column's parts as text columns _y_c, _mo_c, _d_c, _hh_c, _mi_c, _ss_c for the plain
    spelling (`2024-03-01`, `2024-03-01 14:05`, `2024-03-01 14:05:09`) by position; null for other spellings
    (see _datetime_parts) and for a part the value does not have."""
    s = pl.col(c)
    plain = s.str.contains(_DT_PLAIN)
    n = s.str.len_chars()
    parts = {
        "y": (0, 4, 10),
        "mo": (5, 2, 10),
        "d": (8, 2, 10),
        "hh": (11, 2, 16),
        "mi": (14, 2, 16),
        "ss": (17, 2, 19),
    }
    return [
        pl.when(plain & (n >= need)).then(s.str.slice(at, size)).alias(f"_{part}_{c}")
        for part, (at, size, need) in parts.items()
    ]


def _datetime_parts(c: str) -> list[pl.Expr]:
    """The parts (as _datetime_fast) of every spelling: the plain one, and the others read with
    contract.DATETIME_ISO / DATETIME_DMY."""
    iso = pl.col(c).str.extract_groups(contract.DATETIME_ISO)
    dmy = pl.col(c).str.extract_groups(contract.DATETIME_DMY)
    order = {"y": (0, 2), "mo": (1, 1), "d": (2, 0), "hh": (3, 3), "mi": (4, 4), "ss": (5, 5)}
    return [
        pl.coalesce(_dt(c, part), iso.struct[i], dmy.struct[j]).alias(f"_{part}_{c}")
        for part, (i, j) in order.items()
    ]


def _datetime_checks(ck: _Checker, c: str) -> pl.Expr:
    """Flag a value that is not a date (with or without a time of day), a year outside 1900–2100 and a time
    of day that does not exist; return the normalised ISO text (contract.normalise_datetime does the same for
    one value)."""
    value = pl.col(c)
    day = (
        _dt(c, "y") + pl.lit("-") + _dt(c, "mo").str.zfill(2) + pl.lit("-") + _dt(c, "d").str.zfill(2)
    ).str.to_date("%Y-%m-%d", strict=False)
    hh, mi, ss = (_dt(c, p).cast(pl.Int32, strict=False) for p in ("hh", "mi", "ss"))
    bad_time = (hh > 23) | (mi > 59) | (ss > 59)
    ck.flag(
        value.is_not_null() & day.is_null(),
        c,
        _quote(c)
        + pl.lit(
            " er ikke en gyldig dato eller dato med klokkeslæt (skriv ÅÅÅÅ-MM-DD TT:MM, DD-MM-ÅÅÅÅ TT:MM "
            "eller DD.MM.ÅÅÅÅ TT:MM; klokkeslættet kan udelades)"
        ),
    )
    ck.flag(
        (day.dt.year() < 1900) | (day.dt.year() > 2100),
        c,
        _quote(c) + pl.lit(" er ikke en mulig dato (år før 1900 eller efter 2100)"),
    )
    ck.flag(
        bad_time, c, _quote(c) + pl.lit(" har et klokkeslæt, der ikke findes (TT:MM fra 00:00 til 23:59)")
    )
    date_text = day.dt.strftime("%Y-%m-%d")
    time_text = (
        pl.lit(" ")
        + hh.cast(pl.Utf8).str.zfill(2)
        + pl.lit(":")
        + _dt(c, "mi")
        + pl.when(ss > 0).then(pl.lit(":") + ss.cast(pl.Utf8).str.zfill(2)).otherwise(pl.lit(""))
    )
    return (
        pl.when(day.is_null() | bad_time.fill_null(False))
        .then(None)
        .when(hh.is_null())
        .then(date_text)
        .otherwise(date_text + time_text)
        .alias(c)
    )


def _with_seconds(x: pl.Expr) -> pl.Expr:
    return pl.when(x.str.len_chars() == 16).then(x + pl.lit(":00")).otherwise(x)


def _order_in_time(ck: _Checker, first: str, second: str) -> None:
    """contract.ORDER_IN_TIME: `second` before `first`, by the times when both carry one, else by the dates (a date
    without a time is not before a time on the same day)."""
    r, a = pl.col(first), pl.col(second)
    both_timed = (r.str.len_chars() > 10) & (a.str.len_chars() > 10)
    before = (
        pl.when(both_timed)
        .then(_with_seconds(a) < _with_seconds(r))
        .otherwise(a.str.slice(0, 10) < r.str.slice(0, 10))
    )
    ck.flag(
        before,
        second,
        pl.lit(f"{second} ")
        + a
        + pl.lit(f" ligger før {first} ")
        + r
        + pl.lit(ORDER_IN_TIME_WHY.get(second, "")),
    )


# why a rule holds, in the messages' words
ORDER_IN_TIME_WHY = {"assessed_at": "; en underretning kan ikke vurderes, før den er modtaget"}
REQUIRED_WHY = {"activities": "den foranstaltning, planen eller opfølgningen gælder"}


def _investigation_rows(ck: _Checker) -> None:
    talk, start, end = pl.col("child_talk_on"), pl.col("started_on"), pl.col("completed_on")
    ck.flag(
        (talk < start) | (talk > end),
        "child_talk_on",
        pl.lit("samtalen med barnet ")
        + talk.cast(pl.Utf8)
        + pl.lit(" ligger uden for undersøgelsen (")
        + start.cast(pl.Utf8)
        + pl.lit(" – ")
        + end.cast(pl.Utf8).fill_null("")
        + pl.lit("); den tæller ikke som samtale i undersøgelsen"),
        WARNING,
    )


V2_ROW_CHECKS = {
    "investigations": _investigation_rows,
}


def _check_keys(table: str, frame: pl.DataFrame, ck: _Checker) -> None:
    """Rows that share a key that must be unique."""
    cols = contract.columns(table)
    keys = [(c.name,) for c in cols if c.unique] + (
        [contract.UNIQUE_TOGETHER[table]] if table in contract.UNIQUE_TOGETHER else []
    )
    for key in keys:
        _duplicates(ck, frame, list(key))


def _duplicates(ck: _Checker, frame: pl.DataFrame, key: list[str]) -> None:
    keyed = pl.all_horizontal([pl.col(k).is_not_null() for k in key])
    if not _any(
        frame,
        keyed & pl.struct(key).is_duplicated() if len(key) > 1 else keyed & pl.col(key[0]).is_duplicated(),
    ):
        return
    first = (
        frame.filter(keyed)
        .group_by(key)
        .agg(pl.col(LINE).min().alias("_first"), pl.len().alias("_n"))
        .filter(pl.col("_n") > 1)
    )
    dup = frame.join(first, on=key, how="inner").filter(pl.col(LINE) != pl.col("_first")).sort(LINE)
    shown = pl.concat_str([pl.col(k).cast(pl.Utf8) for k in key], separator=" / ")
    ck.flag(
        pl.lit(True),
        key[0],
        pl.lit(f"{' og '.join(key)} '")
        + shown
        + pl.lit("' findes allerede på linje ")
        + pl.col("_first").cast(pl.Utf8),
    )
    ck.run(dup)


# ------------------------------------------------------------------------------------ across tables


def _references(
    names: dict[str, str], clean: dict[str, pl.DataFrame], catalogue: pl.DataFrame, present: set[str]
) -> list[Issue]:
    issues: list[Issue] = []
    targets = dict(clean) | {"catalogue": catalogue}
    for table, frame in clean.items():
        ck = _Checker(names[table])
        for col in contract.columns(table):
            if not col.ref:
                continue
            ref_table, ref_col = col.ref
            if ref_table != "catalogue" and ref_table not in present:
                continue
            target = targets.get(ref_table)
            known = (
                target.get_column(ref_col).drop_nulls().unique()
                if target is not None
                else pl.Series([], dtype=pl.Utf8)
            )
            where = f"kataloget ({names['catalogue']})" if ref_table == "catalogue" else names[ref_table]
            ck.flag(
                pl.col(col.name).is_not_null() & ~pl.col(col.name).is_in(known.implode()),
                col.name,
                _quote(col.name) + pl.lit(f" findes ikke i {where} ({ref_col})"),
            )
        ck.run(frame)
        issues += ck.finish()
    return issues + _warnings(names, clean) + _v2_across(names, clean)


def _warnings(names: dict[str, str], clean: dict[str, pl.DataFrame]) -> list[Issue]:
    """Rows that can be used but that someone should look at."""
    issues: list[Issue] = []
    cases, staff = clean.get("cases"), clean.get("staff")
    payments, measures, children = clean.get("payments"), clean.get("measures"), clean.get("children")
    as_of = payments["posted_on"].max() if payments is not None and payments.height else None
    as_of = as_of or date.today()

    if cases is not None and staff is not None and cases.height and staff.height:
        left = (
            staff.group_by("employee_id")
            .agg(pl.col("left_on").is_null().any().alias("_employed"), pl.col("left_on").max().alias("_left"))
            .filter(~pl.col("_employed") & (pl.col("_left") < as_of))
        )
        not_caseworkers = (
            staff.group_by("employee_id")
            .agg(
                (pl.col("role") == "raadgiver").any().alias("_raadgiver"),
                pl.col("role").last().alias("_role"),
            )
            .filter(~pl.col("_raadgiver"))
        )
        frame = cases.join(not_caseworkers, left_on="caseworker_id", right_on="employee_id", how="inner")
        ck = _Checker(names["cases"])
        ck.flag(
            pl.lit(True),
            "caseworker_id",
            pl.lit("sagen står på '")
            + pl.col("caseworker_id")
            + pl.lit("', som har rollen ")
            + pl.col("_role")
            + pl.lit(
                " og ikke raadgiver; sagen tæller med i sagstallet, men medarbejderens årsværk gør ikke"
            ),
            WARNING,
        )
        ck.run(frame)
        issues += ck.finish()
        frame = cases.join(left, left_on="caseworker_id", right_on="employee_id", how="inner")
        ck = _Checker(names["cases"])
        ck.flag(
            pl.col("closed_on").is_null(),
            "caseworker_id",
            pl.lit("sagen er åben, men rådgiveren '")
            + pl.col("caseworker_id")
            + pl.lit("' er fratrådt ")
            + pl.col("_left").cast(pl.Utf8)
            + pl.lit("; sagen bør fordeles til en ny rådgiver"),
            WARNING,
        )
        ck.run(frame)
        issues += ck.finish()

    if payments is not None and measures is not None and payments.height and measures.height:
        frame = payments.select(LINE, "posted_on", "measure_id", "measure_code").join(
            measures.select("measure_id", pl.col("measure_code").alias("_code"), "start_on", "end_on"),
            on="measure_id",
            how="inner",
        )
        posted = pl.col("posted_on")
        ck = _Checker(names["payments"])
        ck.flag(
            (posted < pl.col("start_on")) | (posted > pl.col("end_on")),
            "posted_on",
            pl.lit("betalingen er bogført ")
            + posted.cast(pl.Utf8)
            + pl.lit(" uden for foranstaltningens periode (")
            + pl.col("start_on").cast(pl.Utf8)
            + pl.lit(" – ")
            + pl.col("end_on").cast(pl.Utf8).fill_null("")
            + pl.lit(")"),
            WARNING,
        )
        ck.flag(
            pl.col("measure_code").is_not_null() & (pl.col("measure_code") != pl.col("_code")),
            "measure_code",
            pl.lit("measure_code '")
            + pl.col("measure_code")
            + pl.lit("' afviger fra foranstaltningens kode '")
            + pl.col("_code")
            + pl.lit("'; betalingen tæller under sin egen kode"),
            WARNING,
        )
        ck.run(frame)
        issues += ck.finish()

    if children is not None and cases is not None and children.height:
        ck = _Checker(names["children"])
        ck.flag(
            ~pl.col("child_id").is_in(cases.get_column("child_id").implode()),
            "child_id",
            pl.lit("barnet '") + pl.col("child_id") + pl.lit("' har ingen sag i cases"),
            WARNING,
        )
        ck.run(children)
        issues += ck.finish()
    return issues


def data_as_of(clean: dict[str, pl.DataFrame]) -> tuple[date | None, str]:
    """The extract's "data as of" as sql/intermediate/int_data_range.sql defines it, and where it comes from: the
    latest posting; without payments, the latest decision, case opening or case closing; else the latest date
    recorded in measures, cases or staff."""

    def latest(dates: dict[str, tuple[str, ...]]) -> date | None:
        found = [
            clean[t][c].max() for t, cols in dates.items() if t in clean and clean[t].height for c in cols
        ]
        found = [d for d in found if d is not None]
        return max(found) if found else None

    steps = (
        ({"payments": ("posted_on",)}, "seneste bogføring i payments"),
        (
            {"measures": ("decided_on",), "cases": ("opened_on", "closed_on")},
            "seneste bevilling eller sagsdato i measures og cases",
        ),
        (
            {
                "measures": ("start_on", "end_on", "decided_on"),
                "cases": ("opened_on", "closed_on"),
                "staff": ("hired_on", "left_on"),
            },
            "seneste dato i measures, cases og staff",
        ),
    )
    for dates, why in steps:
        found = latest(dates)
        if found is not None:
            return found, why
    return None, ""


# the dates of contract v2 that are checked against "data as of"
V2_DATES = {
    "notifications": ("received_at", "assessed_at"),
    "investigations": ("started_on", "completed_on", "child_talk_on"),
    "activities": ("done_on",),
}


def _v2_across(names: dict[str, str], clean: dict[str, pl.DataFrame]) -> list[Issue]:
    """Contract v2 against the other tables: an activity on another child's measure (an error: the plan or
    follow-up would count for the wrong child), and a date after "data as of" (a warning: the extracts were
    taken on different days, or a date was mistyped)."""
    issues: list[Issue] = []
    activities, measures = clean.get("activities"), clean.get("measures")
    if activities is not None and measures is not None and activities.height:
        frame = activities.join(
            measures.select("measure_id", pl.col("child_id").alias("_measure_child")),
            on="measure_id",
            how="inner",
        )
        ck = _Checker(names["activities"])
        ck.flag(
            pl.col("child_id") != pl.col("_measure_child"),
            "measure_id",
            pl.lit("foranstaltningen '")
            + pl.col("measure_id")
            + pl.lit("' hører til barnet '")
            + pl.col("_measure_child")
            + pl.lit("', ikke til '")
            + pl.col("child_id")
            + pl.lit("'"),
        )
        ck.run(frame)
        issues += ck.finish()
    as_of, why = data_as_of(clean)
    if as_of is None:
        return issues
    for table, cols in V2_DATES.items():
        frame = clean.get(table)
        if frame is None or not frame.height:
            continue
        ck = _Checker(names[table])
        for c in cols:
            day = (
                pl.col(c).str.slice(0, 10).str.to_date("%Y-%m-%d")
                if frame.schema[c] == pl.Utf8
                else pl.col(c)
            )
            ck.flag(
                day > as_of,
                c,
                pl.lit(f"{c} ")
                + pl.col(c).cast(pl.Utf8)
                + pl.lit(
                    f" ligger efter data pr. {as_of.isoformat()} ({why}); tjek om datoen er rigtig, og om "
                )
                + pl.lit("udtrækkene er taget samme dag"),
                WARNING,
            )
        ck.run(frame)
        issues += ck.finish()
    return issues


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
    ck = _Checker(name)
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
        issues += _references(names, clean, catalogue, present=given)
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


# --------------------------------------------------------------------------------------------- reports


def issues_to_json(issues: Iterable[Issue]) -> list[dict]:
    return [asdict(i) for i in issues]


def issues_frame(issues: Iterable[Issue]) -> pl.DataFrame:
    rows = list(issues)
    return pl.DataFrame(
        {
            "Fil": [i.file for i in rows],
            "Linje": [i.line for i in rows],
            "Kolonne": [i.column for i in rows],
            "Alvorlighed": [i.severity for i in rows],
            "Besked": [i.message for i in rows],
        },
        schema={
            "Fil": pl.Utf8,
            "Linje": pl.Int64,
            "Kolonne": pl.Utf8,
            "Alvorlighed": pl.Utf8,
            "Besked": pl.Utf8,
        },
    )


def format_issue(i: Issue) -> str:
    where = i.file
    if i.line is not None:
        where += f", linje {i.line}"
    if i.column:
        where += f", kolonne {i.column}"
    return f"{i.severity.upper()}: {where}: {i.message}"


def summary(issues: list[Issue]) -> str:
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    return f"{errors} fejl, {warnings} advarsler"


def format_issues_text(issues: list[Issue]) -> str:
    return "\n".join([*(format_issue(i) for i in issues), summary(issues)])
