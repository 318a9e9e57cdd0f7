"""`python -m mi …`: the command line, every command's handler in this one module (the top layer: it may use any
module of the package, none uses it). Each handler parses its arguments, calls the module that owns the work,
prints, and returns the exit code: 0 when it worked, 1 with a clear Danish message on stderr otherwise."""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from mi import contract, db, demo, fmt, frozen, hidden, ingest, ingest_checks, kpi, report, scenario, spec


def _whole(least: int):
    """An argparse type: a whole number of at least `least`, with a Danish message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"skal være et helt tal (fik {text!r})") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"skal være mindst {least} (fik {value})")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mi", description="Ledelsesinformation, børne- og ungeområdet")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("validate", help="valider en datamappe mod datakontrakten")
    c.add_argument("--data", required=True, help="mappe med én fil pr. tabel")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(run=validate)

    c = sub.add_parser("import", help="valider og indlæs en datamappe i databasen ($MI_DB)")
    c.add_argument("--data", required=True)
    c.set_defaults(run=import_)

    c = sub.add_parser("kpis", help="nøgletal for en måned")
    c.add_argument("--month", required=True, help="YYYY-MM")
    c.add_argument("--data", help="beregn fra en datamappe i stedet for databasen")
    c.add_argument("--format", choices=("json", "text"), default="json")
    c.set_defaults(run=kpis)

    c = sub.add_parser("demo", help="skriv demokommunens data")
    c.add_argument("--out", required=True)
    c.add_argument("--seed", type=_whole(0), default=2019)
    c.add_argument("--scale", type=_whole(1), default=1)
    c.set_defaults(run=demo_)

    c = sub.add_parser("ensure-db", help="byg databasen fra demodata, hvis der ingen er")
    c.set_defaults(run=ensure_db)

    c = sub.add_parser("freeze", help="frys en måneds nøgletal til udvalget")
    c.add_argument("--month", required=True)
    c.set_defaults(run=freeze)

    c = sub.add_parser("report", help="udvalgsrapport som PDF og Excel")
    c.add_argument("--month", required=True)
    c.add_argument("--role", choices=("udvalg", "leder", "oekonomi"), default="udvalg")
    c.add_argument("--data")
    c.add_argument("--out", required=True)
    c.set_defaults(run=report_)

    c = sub.add_parser("scenario", help="hvad nu hvis: flytninger af børn mellem indsatser mod målet")
    c.add_argument("--month", required=True, help="basismåned, YYYY-MM")
    c.add_argument(
        "--move",
        action="append",
        required=True,
        help="FRA:TIL:ANTAL:YYYY-MM; FRA og TIL er en indsatskode eller KODE/leverandørtype, TIL må være tom",
    )
    c.add_argument(
        "--price", action="append", help="NØGLE=KR: en enhedspris pr. måned, der går forud for data"
    )
    c.add_argument("--data", help="beregn fra en datamappe i stedet for databasen")
    c.add_argument("--format", choices=("json", "text"), default="json")
    c.set_defaults(run=scenario_)

    c = sub.add_parser("skjulte", help="hvor mange måneder udvalget ser fokuspunkterne skjult")
    c.add_argument("--fra", default="2024-01", help="første måned, ÅÅÅÅ-MM")
    c.add_argument("--til", required=True, help="sidste måned, ÅÅÅÅ-MM")
    c.add_argument("--data", help="en datamappe (CSV) i stedet for databasen")
    c.add_argument(
        "--del", dest="every", type=_whole(1), default=1, help="kun børn med crc32(id) mod DEL = 0"
    )
    c.add_argument("--role", choices=("udvalg", "leder", "oekonomi"), default="udvalg")
    c.set_defaults(run=hidden_)

    c = sub.add_parser("bench", help="benchmark ved flere skalaer")
    c.add_argument(
        "--scales",
        help="kommuner i demodata, fx 1,10,98 (standard: 1,10,98; kun belastningstesten med --sessions)",
    )
    c.add_argument("--runs", type=_whole(1), default=3)
    c.add_argument(
        "--sessions",
        help="belastningstest: samtidige sessioner mod en kørende server, fx 1,10,30 (ved den største skala, ellers 98)",
    )
    c.add_argument("--ramp", type=float, default=0.0, help="sekunder, sessionerne starter jævnt fordelt over")
    c.add_argument(
        "--think", type=float, default=0.0, help="gennemsnitlig tænkepause i sekunder mellem trinene"
    )
    c.add_argument("--out", default="bench/results.json")
    c.set_defaults(run=bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args) or 0)


# ---- shared ------------------------------------------------------------------------------------------


def _connect(data: str | None) -> duckdb.DuckDBPyConnection:
    """The data of a command: a folder computed in memory (--data), else the database at $MI_DB."""
    if data:
        return ingest.load_in_memory(data)
    path = db.db_path()
    if not path.exists():
        raise ValueError(f"Der er ingen database på {path}. Kør `python -m mi import --data MAPPE` først.")
    return db.connect_current(path)


def describe(exc: Exception) -> str:
    """A failure as the CLI says it: invalid data with every issue, else the exception's message."""
    issues = getattr(exc, "issues", None)
    if issues:
        return "Data er ikke gyldige:\n" + ingest_checks.format_issues_text(issues)
    return str(exc)


# ---- the commands ------------------------------------------------------------------------------------


def validate(args) -> int:
    """`python -m mi validate --data DIR [--format text|json]`: exit 0 when there are no errors."""
    issues = ingest.validate_folder(args.data)
    if args.format == "json":
        print(json.dumps(ingest_checks.issues_to_json(issues), ensure_ascii=False, indent=2))
    elif issues:
        print(ingest_checks.format_issues_text(issues))
    else:
        print(f"{args.data}: ingen fejl eller advarsler")
    return 1 if any(i.is_error for i in issues) else 0


def import_(args) -> int:
    """`python -m mi import --data DIR`: validate, then build and swap in the database at $MI_DB."""
    path = db.db_path()
    loaded = ingest.read_folder(args.data)
    if loaded.errors:
        print(ingest_checks.format_issues_text(loaded.issues), file=sys.stderr)
        print(f"Intet er indlæst; databasen {path} er uændret.", file=sys.stderr)
        return 1
    try:
        version = ingest.import_loaded(loaded, args.data, path)
    except Exception as exc:  # noqa: BLE001 - any failure: a clear message, the database untouched
        print(f"Fejl under indlæsning: {contract.mask(exc)}\nDatabasen {path} er uændret.", file=sys.stderr)
        return 1
    if loaded.issues:
        print(ingest_checks.format_issues_text(loaded.issues))
    con = db.connect(path)
    try:
        row = db.query(
            con, "select row_counts, data_as_of from data_versions where version_id = $v", {"v": version}
        )
    finally:
        con.close()
    counts = json.loads(row["row_counts"][0])
    rows = ", ".join(f"{t}: {n:,}".replace(",", ".") for t, n in counts.items())
    print(f"Indlæst som dataversion {version} i {path} (data pr. {row['data_as_of'][0]}).\n{rows}")
    return 0


def kpis(args) -> int:
    """`python -m mi kpis --month YYYY-MM [--data DIR] [--format json|text]`: the month's KPIs (mi.kpi.values)."""
    try:
        month = kpi.parse_month(args.month)
        con = _connect(args.data)
        out = kpi.values(con, month)
        as_of = kpi.unfinished(con, month)
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {describe(exc)}", file=sys.stderr)
        return 1
    if as_of:
        # the figures are computed as defined, but the month has not ended in the data: say so (not on stdout)
        print(
            f"Bemærk: data går til {as_of:%d.%m.%Y}; {fmt.month_name(month)} er ikke afsluttet i data, "
            "så tallene kan ændre sig.",
            file=sys.stderr,
        )
    infinite = [k for k, v in out.items() if isinstance(v, float) and not math.isfinite(v)]
    if infinite:
        # JSON has no Infinity or NaN (a reader would choke on them): a clear message instead of invalid JSON
        print(
            f"Fejl: nøgletallene {', '.join(infinite)} er ikke endelige tal for {fmt.month_name(month)}; "
            "tjek indstillingerne (settings.toml) og data.",
            file=sys.stderr,
        )
        return 1
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(f"Nøgletal for {fmt.month_name(month)}")
        for k in spec.REGISTRY:
            print(f"  {k.label}: {fmt.kpi_value(out[k.key], k.unit)}")
    return 0


def demo_(args) -> int:
    """`python -m mi demo --out DIR [--seed N] [--scale N]`: write the demo municipality's data."""
    t = time.perf_counter()
    try:
        counts = demo.write(args.out, seed=args.seed, scale=args.scale)
    except OSError as exc:  # e.g. --out names a file, or a folder that cannot be written
        print(f"Fejl: kan ikke skrive til {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{t}: {n:,}".replace(",", ".") for t, n in counts.items())
    print(
        f"Demodata skrevet til {args.out} ({args.scale} {'kommune' if args.scale == 1 else 'kommuner'}, "
        f"seed {args.seed}) på {fmt.number(time.perf_counter() - t, 1)} s"
    )
    print(rows)
    return 0


def ensure_db(args) -> int:
    """`python -m mi ensure-db`: build the database from the demo data when there is none (mi.demo)."""
    path = db.db_path()
    existed = path.exists()
    worked: list[str] = []

    def show(fraction: float, text: str) -> None:
        if existed and fraction >= 1:
            return  # the line below says how it ended
        worked.append(text)
        print(f"{fraction:4.0%}  {text}", flush=True)

    try:
        demo.ensure_demo_db(show)
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"Fejl: {contract.mask(exc)}", file=sys.stderr)
        return 1
    if existed:
        print(f"Database {'genopbygget' if worked else 'findes'}: {path}")
        return 0
    print(f"Database bygget fra demodata: {path}")
    return 0


def freeze(args) -> int:
    """`python -m mi freeze --month YYYY-MM`: exit 0 when frozen, 1 with a Danish message otherwise."""
    try:
        month = kpi.parse_month(args.month)
        result = frozen.freeze_file(db.db_path(), month)
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {exc}", file=sys.stderr)
        return 1
    print(
        f"{fmt.month_name(result.month).capitalize()} er frosset: {result.n_keys} tal gemt fra dataversion "
        f"{result.version_id} ({fmt.day(result.frozen_at)} kl. {result.frozen_at:%H:%M})."
    )
    return 0


def report_(args) -> int:
    """`python -m mi report --month YYYY-MM --role ROLE --out DIR [--data DIR]`: the pack as PDF and Excel."""
    try:
        month = kpi.parse_month(args.month)
        con = _connect(args.data)
        try:
            pdf, xlsx = report.write(con, month, args.role, args.out)
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {describe(exc)}", file=sys.stderr)
        return 1
    print(f"Skrev {pdf}\nSkrev {xlsx}")
    return 0


def scenario_(args) -> int:
    """`python -m mi scenario --month YYYY-MM --move FROM:TO:N:YYYY-MM … [--price KEY=DKK …] [--data DIR]
    [--format json|text]`: exit 0 with the scenario, 1 with a Danish message."""
    try:
        month = kpi.parse_month(args.month)
        moves = [scenario.parse_move(t) for t in args.move]
        prices: dict[str, float] = {}
        for t in args.price or []:
            key, value = scenario.parse_price(t)
            prices[key] = value
        con = _connect(args.data)
        result = scenario.compute(con, month, moves, prices)
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {describe(exc)}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(scenario.text_report(result))
    return 0


def hidden_(args) -> int:
    """`python -m mi skjulte`: the table of issue 18 (mi.hidden) for a database, a data folder, or a share of one."""
    try:
        start, end = kpi.parse_month(args.fra), kpi.parse_month(args.til)
        with tempfile.TemporaryDirectory(prefix="mi-skjulte-") as tmp:
            if args.data:
                folder = Path(args.data)
                if args.every > 1:
                    folder = Path(tmp) / "del"
                    hidden.shrink(args.data, folder, args.every)
                path = Path(tmp) / "mi.duckdb"
                ingest.import_folder(folder, path)
            else:
                path = db.db_path()
                if not path.exists():
                    raise ValueError(f"Der er ingen database på {path}. Brug --data MAPPE.")
            con = db.connect_current(path)
            try:
                frame, any_hidden = hidden.hidden_table(con, start, end, args.role)
            finally:
                con.close()
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {describe(exc)}", file=sys.stderr)
        return 1
    share = "" if args.every <= 1 else f" (børn med crc32(id) mod {args.every} = 0)"
    print(
        hidden.table_text(frame, any_hidden, f"Skjult for rollen {args.role}, {args.fra} – {args.til}{share}")
    )
    return 0


def bench(args) -> int:
    """`python -m mi bench`: the benchmark (bench/run.py, beside the package: not installed with it)."""
    return importlib.import_module("bench.run").cli_bench(args)
