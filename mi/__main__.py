"""`python -m mi …`: the command line. Each command is a function in the module that owns the work."""

from __future__ import annotations

import argparse
import importlib
import sys


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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mi", description="Ledelsesinformation, børne- og ungeområdet")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("validate", help="valider en datamappe mod datakontrakten")
    c.add_argument("--data", required=True, help="mappe med én fil pr. tabel")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(target="mi.ingest:cli_validate")

    c = sub.add_parser("import", help="valider og indlæs en datamappe i databasen ($MI_DB)")
    c.add_argument("--data", required=True)
    c.set_defaults(target="mi.ingest:cli_import")

    c = sub.add_parser("kpis", help="nøgletal for en måned")
    c.add_argument("--month", required=True, help="YYYY-MM")
    c.add_argument("--data", help="beregn fra en datamappe i stedet for databasen")
    c.add_argument("--format", choices=("json", "text"), default="json")
    c.set_defaults(target="mi.kpi:cli_kpis")

    c = sub.add_parser("demo", help="skriv demokommunens data")
    c.add_argument("--out", required=True)
    c.add_argument("--seed", type=_whole(0), default=2019)
    c.add_argument("--scale", type=_whole(1), default=1)
    c.set_defaults(target="mi.demo:cli_demo")

    c = sub.add_parser("ensure-db", help="byg databasen fra demodata, hvis der ingen er")
    c.set_defaults(target="mi.demo:cli_ensure_db")

    c = sub.add_parser("freeze", help="frys en måneds nøgletal til udvalget")
    c.add_argument("--month", required=True)
    c.set_defaults(target="mi.frozen:cli_freeze")

    c = sub.add_parser("report", help="udvalgsrapport som PDF og Excel")
    c.add_argument("--month", required=True)
    c.add_argument("--role", choices=("udvalg", "leder", "oekonomi"), default="udvalg")
    c.add_argument("--data")
    c.add_argument("--out", required=True)
    c.set_defaults(target="mi.report:cli_report")

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
    c.set_defaults(target="mi.scenario:cli_scenario")

    c = sub.add_parser("skjulte", help="hvor mange måneder udvalget ser fokuspunkterne skjult")
    c.add_argument("--fra", default="2024-01", help="første måned, ÅÅÅÅ-MM")
    c.add_argument("--til", required=True, help="sidste måned, ÅÅÅÅ-MM")
    c.add_argument("--data", help="en datamappe (CSV) i stedet for databasen")
    c.add_argument(
        "--del", dest="every", type=_whole(1), default=1, help="kun børn med crc32(id) mod DEL = 0"
    )
    c.add_argument("--role", choices=("udvalg", "leder", "oekonomi"), default="udvalg")
    c.set_defaults(target="mi.hidden:cli_hidden")

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
    c.set_defaults(target="bench.run:cli_bench")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    module, func = args.target.split(":")
    return int(getattr(importlib.import_module(module), func)(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
