"""Bounds on what an import reads, checked BEFORE a file is read (README, "Limits"): a file that declares or holds
more than a municipality's extract can hold is refused with one clear Danish message instead of taking the
server's memory and CPU (issue 16.3).

    check_file(path)            a data file (.csv, .xlsx, .parquet): its size, and what it declares — a CSV's header
                                columns and lines (counted streaming), an xlsx's unpacked size, sheet dimension and
                                shared strings, a Parquet file's rows and columns; raises TooBig
    check_zip(zf)               an uploaded zip: members, unpacked size, compression ratio, nesting; raises TooBig
    extract_member(zf, info, target, budget)  one zip member unpacked to disk in chunks, refused past a budget

Each limit can be raised for a larger municipality with an environment variable (MI_MAX_…, see LIMITS). The upload
page also runs validation in a separate process with a memory and a time limit (mi.dataset), so whatever passes
these checks still cannot take the server with it.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

GB = 1 << 30
MB = 1 << 20


@dataclass(frozen=True)
class Limit:
    env: str
    default: int
    what: str  # for README's table of limits

    @property
    def value(self) -> int:
        raw = os.environ.get(self.env, "").strip()
        return int(raw) if raw.isdigit() and int(raw) > 0 else self.default


LIMITS = {
    "file_bytes": Limit("MI_MAX_FILE_BYTES", 2 * GB, "bytes in one data file"),
    "columns": Limit("MI_MAX_COLUMNS", 200, "columns in one table"),
    "lines": Limit("MI_MAX_LINES", 20_000_000, "rows (lines) in one table"),
    "zip_members": Limit("MI_MAX_ZIP_MEMBERS", 100, "files in an uploaded zip"),
    "zip_bytes": Limit("MI_MAX_ZIP_BYTES", 4 * GB, "bytes unpacked from an uploaded zip"),
    "zip_ratio": Limit(
        "MI_MAX_ZIP_RATIO", 200, "times a part of a zip or an xlsx may grow when unpacked (judged from 1 MB)"
    ),
    "zip_depth": Limit("MI_MAX_ZIP_DEPTH", 8, "folders deep a file may lie in a zip"),
    "xlsx_bytes": Limit("MI_MAX_XLSX_BYTES", 512 * MB, "bytes an Excel file unpacks to"),
    "xlsx_cells": Limit("MI_MAX_XLSX_CELLS", 50_000_000, "cells an Excel sheet declares"),
    "shared_strings": Limit("MI_MAX_SHARED_STRINGS", 5_000_000, "shared strings in an Excel file"),
    "parquet_bytes": Limit(
        "MI_MAX_PARQUET_BYTES", 4 * GB, "bytes a Parquet file's data unpacks to (its metadata)"
    ),
}
# a ratio is only judged on members big enough to matter (a few KB of repeated text compress very well)
RATIO_FROM_BYTES = 1 * MB


def limit(name: str) -> int:
    return LIMITS[name].value


class TooBig(ValueError):
    """A file beyond a documented limit. The message is Danish and names no file (the caller adds it)."""


def _n(v: int) -> str:
    return f"{v:,}".replace(",", ".")


def _size(v: int) -> str:
    if v >= GB:
        return f"{v / GB:.1f} GB".replace(".", ",")
    if v >= MB:
        return f"{v / MB:.1f} MB".replace(".", ",")
    return f"{_n(v)} bytes"


def _refuse(kind: str, found: int, what: str, *, size: bool = False) -> TooBig:
    """`what` says what was found with `{n}` for the number: "overskriften har {n} kolonner"."""
    lim = LIMITS[kind]
    show = _size if size else _n
    return TooBig(
        f"filen er afvist før indlæsning: {what.format(n=show(found))}; grænsen er {show(lim.value)} "
        f"(kan hæves med {lim.env})"
    )


# ------------------------------------------------------------------------------------------ data files


def check_file(path: Path) -> None:
    """Raise TooBig when the data file at `path` is beyond a limit; read only what is needed to know."""
    size = path.stat().st_size
    if size > limit("file_bytes"):
        raise _refuse("file_bytes", size, "filen fylder {n}", size=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _check_csv(path)
    elif suffix == ".xlsx":
        _check_xlsx(path)
    elif suffix == ".parquet":
        _check_parquet(path)


HEADER_BYTES = 1 * MB  # a header of 200 columns is a few KB


def _check_csv(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(HEADER_BYTES)
        first = head.split(b"\n", 1)[0]
        if len(first) == len(head) and len(head) == HEADER_BYTES:
            raise TooBig(
                f"filen er afvist før indlæsning: overskriftslinjen er længere end {_size(HEADER_BYTES)} "
                f"(grænsen er {_n(limit('columns'))} kolonner)"
            )
        text = first.decode("utf-8", errors="replace").lstrip("\ufeff")
        delimiter = ";" if text.count(";") > text.count(",") else ","
        columns = len(next(csv.reader([text], delimiter=delimiter), []))
        if columns > limit("columns"):
            raise _refuse("columns", columns, "overskriften har {n} kolonner")
        # lines, streamed (a quoted value spanning lines counts each line: an upper bound of the rows)
        lines = head.count(b"\n")
        for chunk in iter(lambda: fh.read(8 * MB), b""):
            if lines > limit("lines") + 1:
                break
            lines += chunk.count(b"\n")
        if lines > limit("lines") + 1:
            raise _refuse("lines", lines - 1, "filen har mindst {n} rækker")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\b(?:uniqueCount|count)=\"(\d+)\"")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def _check_xlsx(path: Path) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a workbook: the reader says so
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > limit("xlsx_bytes"):
            raise _refuse("xlsx_bytes", total, "arbejdsbogen fylder {n} udpakket", size=True)
        for info in infos:
            _check_ratio(info)
        sheets = sorted(
            (i for i in infos if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", i.filename)),
            key=lambda i: int(re.sub(r"\D", "", i.filename)),
        )
        if sheets:
            _check_sheet(zf, sheets[0])
        strings = next((i for i in infos if i.filename.lower() == "xl/sharedstrings.xml"), None)
        if strings is not None:
            _check_shared_strings(zf, strings)


def _check_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The sheet's declared <dimension ref="A1:XFD1048576">: columns × rows (readers pad every row to it)."""
    with zf.open(info) as fh:
        head = fh.read(64 * 1024)
    m = _DIMENSION.search(head)
    if not m:
        return
    if m.group(3):
        cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
        rows = int(m.group(4)) - int(m.group(2)) + 1
    else:
        cols, rows = 1, 1
    if cols > limit("columns"):
        area = (m.group(1) + m.group(2) + b":" + m.group(3) + m.group(4)).decode()
        raise _refuse("columns", cols, f"arket angiver sit område som {area}, dvs. {{n}} kolonner")
    if rows > limit("lines"):
        raise _refuse("lines", rows, "arket angiver {n} rækker")
    if rows * cols > limit("xlsx_cells"):
        raise _refuse("xlsx_cells", rows * cols, "arket angiver {n} celler")


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The shared strings' declared count, and their real number counted streaming (the declaration may lie)."""
    found = 0
    tail = b""
    with zf.open(info) as fh:
        first = True
        for chunk in iter(lambda: fh.read(4 * MB), b""):
            if first:
                m = _COUNT.search(chunk[:4096])
                if m and int(m.group(1)) > limit("shared_strings"):
                    raise _refuse("shared_strings", int(m.group(1)), "de delte tekster angiver {n} tekster")
                first = False
            data = tail + chunk
            found += len(re.findall(rb"<(?:\w+:)?si[ >/]", data))
            # keep the end in case a tag is split between chunks; do not count it twice
            cut = max(data.rfind(b"<"), len(data) - 16)
            tail = data[cut:]
            found -= len(re.findall(rb"<(?:\w+:)?si[ >/]", tail))
            if found > limit("shared_strings"):
                raise _refuse("shared_strings", found, "de delte tekster har mindst {n} tekster")


def _check_parquet(path: Path) -> None:
    import polars as pl  # noqa: PLC0415

    try:
        scan = pl.scan_parquet(path)
        cols = len(scan.collect_schema())
        rows = scan.select(pl.len()).collect().item()  # from the file's metadata
    except Exception:  # noqa: BLE001 - not Parquet: the reader says so
        return
    if cols > limit("columns"):
        raise _refuse("columns", cols, "filen har {n} kolonner")
    if rows > limit("lines"):
        raise _refuse("lines", rows, "filen har {n} rækker")
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415

        meta = pq.ParquetFile(path).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception:  # noqa: BLE001 - unreadable metadata: the reader says so
        return
    if unpacked > limit("parquet_bytes"):
        raise _refuse("parquet_bytes", unpacked, "filens data fylder {n} udpakket", size=True)


# ------------------------------------------------------------------------------------------ zip uploads


def _check_ratio(info: zipfile.ZipInfo) -> None:
    if info.file_size >= RATIO_FROM_BYTES and info.file_size > limit("zip_ratio") * max(
        info.compress_size, 1
    ):
        ratio = info.file_size // max(info.compress_size, 1)
        name = Path(info.filename).name
        raise _refuse("zip_ratio", ratio, f"{name} pakkes ud til {{n}} gange sin pakkede størrelse")


def check_zip(zf: zipfile.ZipFile) -> None:
    """Raise TooBig when an uploaded zip has too many members, unpacks to too much, compresses suspiciously well,
    nests folders too deep or holds a zip in it; before anything is unpacked."""
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > limit("zip_members"):
        raise _refuse("zip_members", len(infos), "zip-filen har {n} filer")
    total = sum(i.file_size for i in infos)
    if total > limit("zip_bytes"):
        raise _refuse("zip_bytes", total, "zip-filen fylder {n} udpakket", size=True)
    for info in infos:
        depth = len([p for p in info.filename.replace("\\", "/").split("/") if p]) - 1
        if depth > limit("zip_depth"):
            raise _refuse("zip_depth", depth, f"{Path(info.filename).name} ligger {{n}} mapper nede")
        if info.filename.lower().endswith(".zip"):
            raise TooBig(
                f"filen er afvist før indlæsning: zip-filen indeholder en anden zip-fil "
                f"({Path(info.filename).name}); pak den ud, og vælg filerne direkte"
            )
        _check_ratio(info)


def extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Unpack one member to `target` in chunks (never whole in memory); refused as soon as the bytes written pass
    `budget` (what is left of the zip's limit) or what the member declared. Returns the bytes written."""
    written = 0
    with zf.open(info) as src, open(target, "wb") as out:
        for chunk in iter(lambda: src.read(4 * MB), b""):
            written += len(chunk)
            if written > info.file_size:
                raise TooBig(
                    f"filen er afvist før indlæsning: {Path(info.filename).name} pakkes ud til mere end de "
                    f"{_size(info.file_size)}, zip-filen angiver"
                )
            if written > budget:
                raise _refuse("zip_bytes", written, "zip-filen fylder mindst {n} udpakket", size=True)
            out.write(chunk)
    return written
