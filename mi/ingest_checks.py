"""Check a table read from a data folder against the contract: the Issue every problem becomes, the vectorised
row, column and reference checks driven by mi.contract's metadata, and the report formats of the issues.

Long because the checks of one table share one Checker and its line-listing rule, and the checks across tables
read the same helpers; split further they would import each other's private parts.

Every problem is an Issue with the file, the line as a spreadsheet shows it (the header is line 1), the column
and a plain Danish message. All checks work on whole columns (polars), so a national extract is checked in
seconds. A value that looks like a CPR number is never echoed: every Issue masks its message, column and file
(mi.contract.mask).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

import polars as pl

from mi import contract, fmt
from mi.contract import Column

ERROR, WARNING = "fejl", "advarsel"
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


@dataclass
class RawTable:
    table: str
    name: str  # file name as reported
    frame: pl.DataFrame  # text columns (stripped, empty → null) plus _line
    delimiter: str  # "," or ";" for CSV; ";" for Excel and Parquet (Danish number spelling in text)


# ---------------------------------------------------------------------------------------------- checking


class Checker:
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


def _bounds_check(ck: Checker, table: str, col: Column, num: pl.Expr) -> None:
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


def check_table(raw: RawTable) -> tuple[pl.DataFrame, list[Issue]]:
    """Check one table's values and rows; return its clean frame (contract columns + _line: dates as dates,
    numbers as plain number text, allowed values in their canonical spelling) and the issues."""
    ck = Checker(raw.name)
    check_header(raw.table, raw.frame.columns, ck)
    frame = check_values(raw.table, raw.frame, raw.delimiter, ck)
    check_keys(raw.table, frame, ck)
    return frame, ck.finish()


def check_header(table: str, header: list[str], ck: Checker) -> None:
    """Missing required columns (errors) and columns outside the contract (warnings). The table's other columns
    are still checked (check_values leaves the missing ones out of the value checks)."""
    names = {c.name for c in contract.columns(table)}
    missing = [c.name for c in contract.columns(table) if c.required and c.name not in header]
    for name in missing:
        ck.issues.append(Issue(ck.name, 1, name, f"den påkrævede kolonne '{name}' mangler i overskriften"))
    for extra in [c for c in header if c not in names and c != LINE]:
        text = f"kolonnen '{extra}' hører ikke til datakontrakten og indlæses ikke"
        ck.issues.append(Issue(ck.name, 1, extra, text, WARNING))


def check_values(table: str, frame: pl.DataFrame, delimiter: str, ck: Checker) -> pl.DataFrame:
    """Every check of a value or a row (not across rows); returns the clean frame."""
    cols = contract.columns(table)
    absent = {c.name for c in cols if c.name not in frame.columns}  # reported once by check_header
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


def _datetime_checks(ck: Checker, c: str) -> pl.Expr:
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


def _order_in_time(ck: Checker, first: str, second: str) -> None:
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


def _investigation_rows(ck: Checker) -> None:
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


def check_keys(table: str, frame: pl.DataFrame, ck: Checker) -> None:
    """Rows that share a key that must be unique."""
    cols = contract.columns(table)
    keys = [(c.name,) for c in cols if c.unique] + (
        [contract.UNIQUE_TOGETHER[table]] if table in contract.UNIQUE_TOGETHER else []
    )
    for key in keys:
        _duplicates(ck, frame, list(key))


def _duplicates(ck: Checker, frame: pl.DataFrame, key: list[str]) -> None:
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


def check_references(
    names: dict[str, str], clean: dict[str, pl.DataFrame], catalogue: pl.DataFrame, present: set[str]
) -> list[Issue]:
    issues: list[Issue] = []
    targets = dict(clean) | {"catalogue": catalogue}
    for table, frame in clean.items():
        ck = Checker(names[table])
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
        ck = Checker(names["cases"])
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
        ck = Checker(names["cases"])
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
        ck = Checker(names["payments"])
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
        ck = Checker(names["children"])
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
        ck = Checker(names["activities"])
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
        ck = Checker(names[table])
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
