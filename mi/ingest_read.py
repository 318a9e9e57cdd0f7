"""Read one file of a data folder in the municipal dialects: CSV (UTF-8 with or without BOM, or Windows-1252;
',' or ';'; ragged lines found), Excel (.xlsx) and Parquet; headers normalised and text tidied (stripped, empty →
null), each row numbered as a spreadsheet shows it (mi.ingest_checks.LINE). Problems of reading are
mi.ingest_checks.Issue; the table read is mi.ingest_checks.RawTable, what the checks take.
"""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date, datetime
from pathlib import Path

import polars as pl

from mi import bounds, contract, fmt
from mi.ingest_checks import LINE, Issue, RawTable


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


def sniff_delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def ragged_line(data: bytes, delimiter: str) -> tuple[int, int, int] | None:
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
    plain = not head.startswith(b"\xef\xbb\xbf") and file_is_utf8(path)
    # plain UTF-8 is read straight from the file (polars maps it: no copy of a national extract in memory)
    data = path if plain else _utf8(path.read_bytes())
    first = (head if plain else data[: 1 << 16]).split(b"\n", 1)[0].decode("utf-8", errors="replace")
    delimiter = sniff_delimiter(first)
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
        ragged = ragged_line(path.read_bytes() if plain else data, delimiter)
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


def file_is_utf8(path: Path) -> bool:
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
    nested = [(n, t) for n, t in schema.items() if t.is_nested() or t == pl.Binary or t.is_object()]
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


def normalise_header(names: list[str], file: str) -> tuple[list[str], list[Issue]]:
    out = [c if c == LINE else c.strip().lstrip("\ufeff").strip().lower() for c in names]
    issues, seen = [], set()
    for name in out:
        if name in seen and name:
            issues.append(Issue(file, 1, name, f"kolonnen '{name}' står to gange i overskriften"))
        seen.add(name)
    return out, issues


def tidy(frame: pl.DataFrame) -> pl.DataFrame:
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


def read_file(path: Path, table: str) -> tuple[RawTable, list[Issue]]:
    """One table's file as text columns with normalised header names and each row's spreadsheet line."""
    suffix = path.suffix.lower()
    delimiter = ""
    try:
        bounds.check_file(path)
    except bounds.TooBig as exc:
        return RawTable(table, path.name, pl.DataFrame(), delimiter), [Issue(path.name, None, None, str(exc))]
    if suffix == ".csv":
        frame, delimiter, issues = _read_csv(path)
    elif suffix == ".xlsx":
        frame, issues = _read_xlsx(path)
        delimiter = ";"  # Danish number spelling (1.234,50) in text cells, as in a ';' CSV
    else:
        frame, issues = _read_parquet(path, table)
        delimiter = ";"
    if issues:
        return RawTable(table, path.name, pl.DataFrame(), delimiter), issues
    names, issues = normalise_header(frame.columns, path.name)
    if issues:
        return RawTable(table, path.name, pl.DataFrame(), delimiter), issues
    frame.columns = names
    return RawTable(table, path.name, tidy(frame), delimiter), []
