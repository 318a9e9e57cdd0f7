"""The KPI registry: one entry per KPI of DOMAIN.md, and the reads screens, report and CLI share.

Values are computed in SQL (sql/marts/mart_kpi_monthly.sql); the registry says what they mean: Danish label,
one-line definition, unit, which direction is good, and what each is compared with. It is written into the
database as the table `kpi_registry` so the status (traffic light) is computed in SQL as well
(sql/marts/mart_kpi_status.sql).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import polars as pl

from mi import contract, db


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    definition: str
    unit: str  # count | share | dkk | ratio
    good: str  # down | up | band | target | none
    comparison: str  # what the status compares with, in Danish
    section: str  # f1..f5 | budget | caseload | staff | compliance
    children_count: bool = False  # a count of children: suppressed for udvalg below min_count


REGISTRY: tuple[Kpi, ...] = (
    Kpi(
        "f1_institution_children",
        "Børn anbragt på institution",
        "Børn, hvis aktuelle anbringelse ved månedens udgang er på døgninstitution, opholdssted eller sikret institution.",
        "count",
        "down",
        "samme måned sidste år",
        "f1",
        children_count=True,
    ),
    Kpi(
        "f1_institution_starts_ytd",
        "Nye institutionsanbringelser i år",
        "Anbringelser på institution med startdato fra 1. januar til månedens udgang.",
        "count",
        "down",
        "samme periode sidste år",
        "f1",
        children_count=True,
    ),
    Kpi(
        "f2_family_care_share",
        "Andel i netværks- og plejefamilier",
        "Børn i netværks- eller plejefamilie ÷ børn i familiepleje plus børn på institution (aktuel anbringelse).",
        "share",
        "up",
        "samme måned sidste år",
        "f2",
    ),
    Kpi(
        "f3_private_family_treatment_starts_ytd",
        "Familiebehandlinger købt hos private i år",
        "Forløb med familiebehandling hos private leverandører startet fra 1. januar til månedens udgang.",
        "count",
        "down",
        "samme periode sidste år",
        "f3",
        children_count=True,
    ),
    Kpi(
        "f3_private_share_ytd",
        "Privat andel af familiebehandlinger i år",
        "Familiebehandlinger startet hos private ÷ alle familiebehandlinger startet i året til dato.",
        "share",
        "down",
        "samme periode sidste år",
        "f3",
    ),
    Kpi(
        "f4_day_treatment_share",
        "Andel elever i skole-dagbehandling",
        "Børn i skole-dagbehandlingstilbud ved månedens udgang ÷ elever i kommunens skoler i skoleåret.",
        "share",
        "down",
        "samme måned sidste år",
        "f4",
    ),
    Kpi(
        "f5_lost_earnings_ytd_dkk",
        "Tabt arbejdsfortjeneste i år",
        "Udbetalinger til tabt arbejdsfortjeneste (SEL § 42 / Barnets lov § 87) bogført fra 1. januar til månedens udgang.",
        "dkk",
        "down",
        "samme periode sidste år",
        "f5",
    ),
    Kpi(
        "f5_lost_earnings_prev_ytd_dkk",
        "Tabt arbejdsfortjeneste samme periode sidste år",
        "Udbetalinger til tabt arbejdsfortjeneste fra 1. januar til samme måneds udgang året før.",
        "dkk",
        "none",
        "",
        "f5",
    ),
    Kpi(
        "budget_dkk",
        "Korrigeret budget",
        "Summen af årets korrigerede budget for alle budgetområder.",
        "dkk",
        "none",
        "",
        "budget",
    ),
    Kpi(
        "actual_ytd_dkk",
        "Forbrug i år",
        "Alle udbetalinger bogført fra 1. januar til månedens udgang (refusioner trukket fra).",
        "dkk",
        "none",
        "",
        "budget",
    ),
    Kpi(
        "forecast_dkk",
        "Forventet forbrug for året",
        "Forbrug i år plus de bevilgede indsatsers månedlige pris for resten af året, forholdsmæssigt efter aktive dage.",
        "dkk",
        "none",
        "",
        "budget",
    ),
    Kpi(
        "overspend_dkk",
        "Forventet merforbrug",
        "Forventet forbrug for året minus korrigeret budget (negativt tal = mindreforbrug).",
        "dkk",
        "target",
        "det politiske mål for merforbruget",
        "budget",
    ),
    Kpi(
        "overspend_target_dkk",
        "Mål for merforbrug",
        "Merforbruget i basisåret minus den årlige reduktion (2 mio. kr. som standard) gange år siden basisåret.",
        "dkk",
        "none",
        "",
        "budget",
    ),
    Kpi(
        "caseload_per_fte",
        "Sager pr. rådgiver (årsværk)",
        "Åbne sager ved månedens udgang ÷ årsværk for rådgivere ansat på dagen.",
        "ratio",
        "band",
        "DS' anbefaling",
        "caseload",
    ),
    Kpi(
        "turnover_12m",
        "Personaleomsætning, 12 måneder",
        "Fratrådte ansættelser de seneste 12 måneder ÷ gennemsnitligt antal ansatte ved de 12 månedsskift.",
        "share",
        "down",
        "samme måned sidste år",
        "staff",
    ),
    Kpi(
        "tenure_under_1y_share",
        "Andel ansat under 1 år",
        "Blandt ansatte ved månedens udgang: andelen ansat inden for det seneste år.",
        "share",
        "down",
        "samme måned sidste år",
        "staff",
    ),
    Kpi(
        "tenure_under_2y_share",
        "Andel ansat under 2 år",
        "Blandt ansatte ved månedens udgang: andelen ansat inden for de seneste to år.",
        "share",
        "down",
        "samme måned sidste år",
        "staff",
    ),
    # ---- case handling and legal compliance (DOMAIN.md, "contract v2"); null without their input table
    Kpi(
        "c1_notifications",
        "Underretninger modtaget",
        "Underretninger med modtagelsesdato i måneden.",
        "count",
        "none",
        "",
        "compliance",
        children_count=True,
    ),
    Kpi(
        "c2_assessed_24h_share",
        "Underretninger vurderet inden for 24 timer",
        "Blandt underretninger modtaget de seneste 12 måneder: andelen vurderet inden for 24 timer (uden klokkeslæt: "
        "senest dagen efter modtagelsen; ingen vurdering tæller som for sent).",
        "share",
        "up",
        "samme måned sidste år",
        "compliance",
    ),
    Kpi(
        "c3_investigations_on_time_share",
        "Børnefaglige undersøgelser afsluttet inden for 4 måneder",
        "Blandt undersøgelser afsluttet de seneste 12 måneder: andelen afsluttet senest 4 måneder efter start.",
        "share",
        "up",
        "samme måned sidste år",
        "compliance",
    ),
    Kpi(
        "c4_investigations_overdue",
        "Åbne undersøgelser over fristen",
        "Undersøgelser, der er åbne ved månedens udgang, og hvis frist (start + 4 måneder) er overskredet.",
        "count",
        "down",
        "samme måned sidste år",
        "compliance",
        children_count=True,
    ),
    Kpi(
        "c5_child_talk_share",
        "Undersøgelser med børnesamtale",
        "Blandt undersøgelser afsluttet de seneste 12 måneder: andelen med en samtale med barnet under undersøgelsen.",
        "share",
        "up",
        "samme måned sidste år",
        "compliance",
    ),
    Kpi(
        "c6_plan_share",
        "Anbragte børn med handleplan",
        "Blandt børn anbragt ved månedens udgang: andelen med en handleplan (barnets plan) for den aktuelle "
        "anbringelse.",
        "share",
        "up",
        "samme måned sidste år",
        "compliance",
    ),
    Kpi(
        "c7_follow_up_share",
        "Indsatser fulgt op inden for 6 måneder",
        "Blandt indsatser på trin 3–6, der har varet mindst 6 måneder: andelen fulgt op inden for de seneste 6 måneder.",
        "share",
        "up",
        "samme måned sidste år",
        "compliance",
    ),
    Kpi(
        "c8_supervision_share",
        "Anbragte børn med 2 tilsyn på 12 måneder",
        "Blandt børn anbragt hele perioden: andelen med mindst 2 personlige tilsyn de seneste 12 måneder.",
        "share",
        "up",
        "samme måned sidste år",
        "compliance",
    ),
)
KEYS: tuple[str, ...] = tuple(k.key for k in REGISTRY)
BY_KEY: dict[str, Kpi] = {k.key: k for k in REGISTRY}


def registry_frame() -> pl.DataFrame:
    """The registry as a table (written into the database by mi.db.populate)."""
    return pl.DataFrame([{**asdict(k), "sort_order": i} for i, k in enumerate(REGISTRY)])


# ---- reads -------------------------------------------------------------------------------------------


def data_range(con: duckdb.DuckDBPyConnection) -> dict | None:
    rows = db.query(con, "select * from int_data_range")
    return rows.row(0, named=True) if rows.height else None


def unfinished(con: duckdb.DuckDBPyConnection, month: date) -> date | None:
    """The data's "data as of" date when the month has not ended by it (its figures may still move), else None."""
    row = db.query(
        con,
        "select r.data_as_of from int_month_spine as s, int_data_range as r "
        "where s.month = $m and s.month_end > r.data_as_of",
        {"m": month},
    )
    return row.item() if row.height else None


def months(con: duckdb.DuckDBPyConnection) -> list[date]:
    return db.query(con, "select month from int_month_spine order by month")["month"].to_list()


def parse_month(text: str) -> date:
    """'YYYY-MM' → the month's first day; ValueError with a Danish message otherwise."""
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"Måneden skal skrives ÅÅÅÅ-MM, fx 2024-06 (fik {contract.mask(text)!r}).") from None


def values(con: duckdb.DuckDBPyConnection, month: date) -> dict:
    """The KPI values for a month, keyed exactly as `python -m mi kpis` prints them. ValueError when the
    month is outside the data."""
    rows = db.query(con, "select * from mart_kpi_monthly where month = $m", {"m": month})
    if rows.height == 0:
        rng = data_range(con)
        span = f"{rng['first_month']:%Y-%m} til {rng['last_month']:%Y-%m}" if rng else "ingen måneder"
        raise ValueError(f"{month:%Y-%m} ligger uden for data (data dækker {span}).")
    row = rows.row(0, named=True)
    out: dict = {"month": f"{month:%Y-%m}"}
    for kpi in REGISTRY:
        v = row[kpi.key]
        if v is not None and kpi.unit == "dkk":
            v = round(float(v), 2)
        elif v is not None and kpi.unit == "count":
            v = int(v)
        out[kpi.key] = v
    return out


def cards(con: duckdb.DuckDBPyConnection, month: date, keys: list[str] | None = None) -> pl.DataFrame:
    """One row per KPI for the month: value, changes, status and status label, with the registry's texts."""
    rows = db.query(
        con,
        "select * from mart_kpi_status where month = $m order by sort_order",
        {"m": month},
    )
    return rows.filter(pl.col("kpi_key").is_in(keys)) if keys else rows


def series(con: duckdb.DuckDBPyConnection, keys: list[str], until: date) -> pl.DataFrame:
    """Monthly values of the KPIs up to and including `until` (long: month, kpi_key, value)."""
    return db.query(
        con,
        "select month, kpi_key, value from mart_kpi_changes where kpi_key in (select unnest($k)) "
        "and month <= $m order by month",
        {"k": keys, "m": until},
    )


# ---- CLI ---------------------------------------------------------------------------------------------


def cli_kpis(args) -> int:
    from mi import fmt  # noqa: PLC0415 - only the text format needs it

    try:
        month = parse_month(args.month)
        if args.data:
            from mi import ingest  # noqa: PLC0415

            con = ingest.load_in_memory(args.data)
        else:
            path = db.db_path()
            if not path.exists():
                raise ValueError(
                    f"Der er ingen database på {path}. Kør `python -m mi import --data MAPPE` først."
                )
            con = db.connect_current(path)
        out = values(con, month)
        as_of = unfinished(con, month)
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {_describe(exc)}", file=sys.stderr)
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
        for kpi in REGISTRY:
            print(f"  {kpi.label}: {fmt.kpi_value(out[kpi.key], kpi.unit)}")
    return 0


def _describe(exc: Exception) -> str:
    issues = getattr(exc, "issues", None)
    if issues:
        from mi import ingest  # noqa: PLC0415

        return "Data er ikke gyldige:\n" + ingest.format_issues_text(issues)
    return str(exc)
