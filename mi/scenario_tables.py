"""A computed or presented scenario as tables: the screen's presets, start months, moves, totals, comparison and
overspend path, the Excel workbook, and the committee's section of the presented scenarios (protected by the counts
behind the focus points)."""

from __future__ import annotations

import io
from datetime import date, datetime

import duckdb
import polars as pl

from mi import db, fmt, kpi, privacy
from mi.scenario import codes, gap_sentence
from mi.scenario_saved import presented

# The five focus points of the business plan (DOMAIN.md) as one-click moves on the screen.
PRESETS: tuple[tuple[str, str, str | None], ...] = (
    ("Institution → plejefamilie", "ANBR_OPHOLDSSTED", "ANBR_PLEJEFAMILIE"),
    ("Institution → netværksplejefamilie", "ANBR_OPHOLDSSTED", "ANBR_NETVAERK"),
    ("Privat → egen familiebehandling", "FAMILIEBEHANDLING/privat", "FAMILIEBEHANDLING/intern"),
    ("Skole-dagbehandling → konsulentbistand", "SKOLE_DAGBEHANDLING", "KONSULENT"),
    ("Tabt arbejdsfortjeneste ophører", "TABT_ARBEJDSFORTJENESTE", None),
)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def start_months(month: date) -> list[date]:
    """The start months a move may have on the screen: the base month through December of the next year."""
    out, m = [], month
    while m.year <= month.year + 1:
        out.append(m)
        m = next_month(m)
    return out


def moves_frame(result: dict, labels: dict[str, str]) -> pl.DataFrame:
    """The moves of a computed scenario as a table (numbers as numbers; for the screen and the downloads)."""

    def name(key: str | None) -> str:
        if not key:
            return "(ophører)"
        code, _, provider = key.partition("/")
        return labels.get(code, code) + (f" ({provider})" if provider else "")

    return pl.DataFrame(
        {
            "Fra": [name(mv["from_code"]) for mv in result["moves"]],
            "Til": [name(mv["to_code"]) for mv in result["moves"]],
            "Børn": [mv["children"] for mv in result["moves"]],
            "Fra måned": [kpi.parse_month(mv["start_month"]) for mv in result["moves"]],
            "Pris fra (kr./md.)": [mv["price_from_dkk"] for mv in result["moves"]],
            "Pris til (kr./md.)": [mv["price_to_dkk"] for mv in result["moves"]],
            "Besparelse pr. måned": [mv["monthly_saving_dkk"] for mv in result["moves"]],
            "Besparelse i år": [mv["saving_this_year_dkk"] for mv in result["moves"]],
            "Besparelse næste år": [mv["saving_next_year_dkk"] for mv in result["moves"]],
        },
        schema_overrides={"Børn": pl.Int64, "Fra måned": pl.Date},
    )


def totals(result: dict) -> list[tuple[str, float | None]]:
    """The scenario's totals in words, in the order the screen, the comparison and the pack show them."""
    y = kpi.parse_month(result["month"]).year
    return [
        (f"Besparelse {y}", result["savings_this_year_dkk"]),
        (f"Besparelse {y + 1}", result["savings_next_year_dkk"]),
        (f"Forventet forbrug {y}", result["forecast_dkk"]),
        (f"Forventet forbrug {y} efter planen", result["forecast_after_dkk"]),
        (f"Budget {y}", result["budget_dkk"]),
        ("Merforbrug efter planen", result["overspend_after_dkk"]),
        ("Mål for merforbrug", result["overspend_target_dkk"]),
        ("Afstand til målet før planen", result["gap_to_target_dkk"]),
        ("Afstand til målet efter planen", result["gap_to_target_after_dkk"]),
    ]


COMPARE_ROWS = (
    ("Besparelse i basisåret", "savings_this_year_dkk"),
    ("Besparelse året efter", "savings_next_year_dkk"),
    ("Forventet forbrug før planen", "forecast_dkk"),
    ("Forventet forbrug efter planen", "forecast_after_dkk"),
    ("Budget", "budget_dkk"),
    ("Merforbrug efter planen", "overspend_after_dkk"),
    ("Mål for merforbrug", "overspend_target_dkk"),
    ("Afstand til målet efter planen", "gap_to_target_after_dkk"),
)


def compare(results: dict[str, dict]) -> pl.DataFrame:
    """Scenarios side by side: one row per total, one column per scenario, named with its base month
    (name → computed result)."""
    cols = {
        f"{n} ({fmt.month_name(kpi.parse_month(r['month']))})": [r[k] for _, k in COMPARE_ROWS]
        for n, r in results.items()
    }
    return pl.DataFrame(
        {"Tal": [label for label, _ in COMPARE_ROWS]} | cols, schema_overrides={c: pl.Float64 for c in cols}
    )


def path_long(frame: pl.DataFrame) -> pl.DataFrame:
    """The overspend path in long form for a line chart: Måned, Serie (uden / med scenariet), Beløb."""
    return pl.concat(
        [
            frame.select(
                pl.col("month").alias("Måned"),
                pl.lit("Uden scenariet").alias("Serie"),
                pl.col("overspend_ytd_dkk").alias("Beløb"),
            ),
            frame.select(
                pl.col("month").alias("Måned"),
                pl.lit("Med scenariet").alias("Serie"),
                pl.col("overspend_after_ytd_dkk").alias("Beløb"),
            ),
        ]
    )


def path_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("month").alias("Måned"),
        pl.when(pl.col("is_actual")).then(pl.lit("faktisk")).otherwise(pl.lit("forventet")).alias("Grundlag"),
        pl.col("spend_ytd_dkk").alias("Forbrug år til dato"),
        pl.col("budget_ytd_dkk").alias("Budget i 1/12-dele"),
        pl.col("overspend_ytd_dkk").alias("Merforbrug uden scenariet"),
        pl.col("saving_ytd_dkk").alias("Besparelse år til dato"),
        pl.col("overspend_after_ytd_dkk").alias("Merforbrug med scenariet"),
    )


def excel_bytes(
    name: str, result: dict, path_frame: pl.DataFrame, focus_frame: pl.DataFrame, labels
) -> bytes:
    """The scenario as an Excel workbook: the moves, the totals, the overspend path and the focus points; numbers
    stay numbers with Danish display formats."""
    import xlsxwriter  # noqa: PLC0415

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True, "bottom": 1})
    formats = {
        "dkk": book.add_format({"num_format": '#,##0 "kr."'}),
        "count": book.add_format({"num_format": "#,##0"}),
        "share": book.add_format({"num_format": "0.0%"}),
        "month": book.add_format({"num_format": "[$-406]mmmm yyyy"}),
    }
    heading = f"{name} · basismåned {fmt.month_name(kpi.parse_month(result['month']))}"

    def sheet(title: str, frame: pl.DataFrame, unit_of=lambda col, row: "dkk") -> None:
        ws = book.add_worksheet(title[:31])
        ws.write_string(0, 0, fmt.safe_text(heading))
        for c, col in enumerate(frame.columns):
            ws.write_string(2, c, col, bold)
            ws.set_column(c, c, max(14, min(40, len(col) + 2)))
        for r, row in enumerate(frame.iter_rows(named=True), start=3):
            for c, (col, v) in enumerate(row.items()):
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_string(r, c, "ja" if v else "nej")
                elif isinstance(v, str):
                    ws.write_string(r, c, fmt.safe_text(v))
                elif isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day), formats["month"])
                else:
                    ws.write_number(r, c, float(v), formats[unit_of(col, row)])

    sheet("Flytninger", moves_frame(result, labels), lambda col, row: "count" if col == "Børn" else "dkk")
    sheet(
        "Resultat",
        pl.DataFrame({"Tal": [t for t, _ in totals(result)], "Beløb": [v for _, v in totals(result)]}),
    )
    sheet("Merforbrug måned for måned", path_table(path_frame))
    sheet(
        "Fokuspunkter",
        focus_frame.select(
            pl.col("label").alias("Fokuspunkt"),
            pl.col("unit"),
            pl.col("value_now").alias("I dag"),
            pl.col("value_after").alias("Ved årets udgang med planen"),
        ),
        lambda col, row: row["unit"],
    )
    book.close()
    return buf.getvalue()


def min_count(con: duckdb.DuckDBPyConnection) -> int:
    """The settings' threshold below which a count of children is not shown to the committee."""
    return int(db.scalar(con, "select privacy_min_count from stg_settings"))


def protect_focus(focus_rows: list[dict], min_count: int) -> list[dict]:
    """The focus points for the committee: a figure resting on a count of children of 1 … min_count − 1 today is not
    shown (a count as `<5`, a share as `–`), nor its value after the plan (today's count would follow from it and the
    plan's N); a count after the plan that is small is shown as `<5`."""
    out = []
    for r in focus_rows:
        now, after = r["value_now"], r["value_after"]
        if privacy.is_small(r.get("n_base_now"), min_count):
            now = after = privacy.mark(min_count) if r["unit"] == "count" else privacy.HIDDEN
        elif r["unit"] == "count" and privacy.is_small(after, min_count):
            after = privacy.mark(min_count)
        out.append({**r, "value_now": now, "value_after": after})
    return out


def focus_text(value: privacy.Shown, unit: str) -> str:
    return privacy.text(value, lambda v: fmt.kpi_value(v, unit))


def pack_section(con: duckdb.DuckDBPyConnection, month: date, suppress: bool, min_count: int) -> list[dict]:
    """The scenarios presented to the committee for the month, as frozen, for the pack and the committee's screen:
    name, presented_at, version_id, result, gap (in words), moves (a frame), path (a frame) and focus (rows, protected
    for the committee when `suppress`)."""
    out = []
    for p in presented(con, month):
        focus_rows = p["result"].get("focus", [])
        out.append(
            {
                **p,
                "gap": gap_sentence(p["result"]),
                "moves": moves_frame(p["result"], codes(con)),
                "totals": totals(p["result"]),
                "focus": protect_focus(focus_rows, min_count) if suppress else focus_rows,
            }
        )
    return out
