"""The pack as an Excel workbook (xlsxwriter): one sheet per part, numbers as numbers with Danish display formats,
hidden figures as their mark, text cells that a spreadsheet could read as formulas neutralised."""

from __future__ import annotations

import io
from datetime import date, datetime

from mi import flows, fmt, pack_compliance, privacy, spec
from mi.figures import ROLE_LABELS, TITLE, TOTAL, Pack, add_months
from mi.fmt import safe_text
from mi.privacy import Shown
from mi.sentences import frozen_text

XL_FORMATS = {
    "count": "#,##0",
    "share": "0.0%",
    "share2": "0.00%",
    "change_share2": "+0.00%;-0.00%;0.00%",
    "ratio": "0.0",
    "dkk": '#,##0 "kr."',
    "change_count": "+#,##0;-#,##0;0",
    "change_share": "+0.0%;-0.0%;0.0%",
    "change_ratio": "+0.0;-0.0;0.0",
    "change_dkk": '+#,##0 "kr.";-#,##0 "kr.";0 "kr."',
    "month": "[$-406]mmmm yyyy",
    "day": "[$-406]d. mmmm yyyy",
    "year": "0",
    # a count rounded for the committee (issue 18) and the change between two such
    "rounded": '"ca. "#,##0',
    "change_rounded": '"ca. "+#,##0;"ca. "-#,##0;"ca. "0',
}


class _Sheet:
    def __init__(self, book, name: str, formats: dict, widths: list[int]):
        self.ws = book.add_worksheet(name)
        self.f = formats
        self.row = 0
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)

    def put(self, row: int, col: int, value, kind: str | None = None, bold: bool = False) -> None:
        if value is None:
            self.ws.write_blank(row, col, None)
        elif isinstance(value, str):
            self.ws.write_string(row, col, safe_text(value), self.f["bold"] if bold else self.f["wrap"])
        elif isinstance(value, bool):
            self.ws.write_string(row, col, "ja" if value else "nej")
        elif isinstance(value, datetime | date):
            self.ws.write_datetime(
                row, col, datetime(value.year, value.month, value.day), self.f[kind or "day"]
            )
        else:
            self.ws.write_number(row, col, float(value), self.f[kind] if kind else None)

    def line(self, *cells: tuple, bold: bool = False) -> None:
        for i, cell in enumerate(cells):
            value, kind = cell if isinstance(cell, tuple) else (cell, None)
            self.put(self.row, i, value, kind, bold=bold)
        self.row += 1

    def rows(self, frame, kinds: dict[str, str | None]) -> None:
        """A line a row of `frame`: the columns named in `kinds`, in its order, each shown as its kind."""
        for r in frame.iter_rows(named=True):
            self.line(*[(r[column], kind) for column, kind in kinds.items()])

    def header(self, *names: str) -> None:
        for i, n in enumerate(names):
            self.ws.write_string(self.row, i, safe_text(n), self.f["head"])
        self.row += 1

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, safe_text(text), self.f["title"])
        self.row += 2


def render_xlsx(pack: Pack) -> bytes:
    import xlsxwriter  # noqa: PLC0415

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = {k: book.add_format({"num_format": v}) for k, v in XL_FORMATS.items()}
    formats["bold"] = book.add_format({"bold": True})
    formats["wrap"] = book.add_format({"text_wrap": True, "valign": "top"})
    formats["head"] = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
    formats["title"] = book.add_format({"bold": True, "font_size": 14})
    p = pack

    s = _Sheet(book, "Forside", formats, [28, 90])
    s.title(TITLE)
    s.line("Måned", (p.month, "month"))
    s.line("Udgave", ROLE_LABELS[p.role])
    s.line("Data pr.", (p.data_as_of, "day"))
    s.line("Dataversion", (p.version_id, "year"))
    s.line("Frosset", frozen_text(p))
    s.row += 1
    for note in p.footnotes:
        s.line("Note", note)

    s = _Sheet(book, "Fokuspunkter", formats, [8, 44, 16, 16, 16, 16, 24, 26, 80])
    s.title(f"De fem fokuspunkter – {p.month_text}")
    s.header(
        "Nr.",
        "Nøgletal",
        "Værdi",
        "Sidste år",
        "Ændring fra sidste år",
        "Sidste måned",
        "Status",
        "Revision",
        "Sætning",
    )
    for fp in p.focus:
        for i, fig in enumerate([fp.headline, *fp.extra]):
            s.line(
                fp.number if i == 0 else None,
                fig.label,
                _xl(fig.value, fig.unit),
                _xl(fig.prev_year, fig.unit),
                _xl(fig.change_year, fig.unit, change=True),
                _xl(fig.prev_month, fig.unit),
                fig.status_label,
                fig.revision_text() or None,
                fp.sentence if i == 0 else None,
            )

    s = _Sheet(book, "Anbringelser", formats, [50, 16, 18, 14])
    s.title(f"Anbragte børn efter anbringelsessted ved udgangen af {p.month_text}")
    s.header("Anbringelsessted", fmt.month_name(p.month), fmt.month_name(add_months(p.month, -12)), "Ændring")
    for r in p.placements:
        s.line(
            r["label"],
            _xl(r["n_month"], "count"),
            _xl(r["n_prev_year"], "count"),
            _xl(r["change"], "count", change=True),
            bold=r["label"] == TOTAL,
        )

    s = _Sheet(book, "Økonomi", formats, [40, 18, 18, 18, 18, 18, 14])
    s.title(f"Budget, forbrug og forventet forbrug – {p.month_text}")
    s.header("Nøgletal", "Værdi", "Status")
    for k in ("budget_dkk", "actual_ytd_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk"):
        fig = p.figures[k]
        s.line(fig.label, _xl(fig.value, "dkk"), fig.status_label if fig.good != "none" else None)
    s.line(p.sentences["budget"])
    s.row += 1
    s.header(
        "År",
        "Budget",
        "Forbrug (indeværende år: forventet)",
        "Merforbrug",
        "Mål for merforbrug",
        "Afstand til mål",
        "På målet",
    )
    for r in p.path.iter_rows(named=True):
        s.line(
            (r["year"], "year"),
            (r["budget_dkk"], "dkk"),
            (r["spend_dkk"], "dkk"),
            (r["overspend_dkk"], "dkk"),
            (r["target_dkk"], "dkk"),
            (r["gap_dkk"], "change_dkk"),
            None if r["is_on_track"] is None else ("ja" if r["is_on_track"] else "nej"),
        )
    if p.areas is not None:
        s.row += 1
        s.header(
            "Budgetområde",
            "Budget",
            "Forbrug i år",
            "Bevilget resten af året",
            "Forventet forbrug",
            "Afvigelse",
        )
        amounts = ("budget_dkk", "actual_ytd_dkk", "committed_dkk", "forecast_dkk")
        s.rows(
            p.areas, {"budget_area": None} | dict.fromkeys(amounts, "dkk") | {"deviation_dkk": "change_dkk"}
        )

    s = _Sheet(book, "Sagstal og personale", formats, [40, 16, 16, 18, 26])
    s.title(f"Sagstal og personale – {p.month_text}")
    s.header("Nøgletal", "Værdi", "Sidste år", "Ændring fra sidste år", "Status")
    for k in ("caseload_per_fte", "turnover_12m", "tenure_under_1y_share", "tenure_under_2y_share"):
        fig = p.figures[k]
        s.line(
            fig.label,
            _xl(fig.value, fig.unit),
            _xl(fig.prev_year, fig.unit),
            _xl(fig.change_year, fig.unit, change=True),
            fig.status_label,
        )
    s.line(f"DS' anbefaling: {fmt.number(p.norm[0])}–{fmt.number(p.norm[1])} sager pr. rådgiver")
    if p.teams is not None:
        s.row += 1
        s.header("Team", "Åbne sager", "Rådgiverårsværk", "Sager pr. årsværk")
        for r in p.teams.iter_rows(named=True):
            s.line(
                r["team"] or "Uden team",
                (r["n_cases"], "count"),
                (r["raadgiver_fte"], "ratio"),
                (r["caseload_per_fte"], "ratio"),
            )

    s = _Sheet(book, "Alle nøgletal", formats, [44, 16, 16, 16, 18, 26, 26])
    s.title(f"Alle nøgletal – {p.month_text}")
    s.header("Nøgletal", "Værdi", "Sidste måned", "Sidste år", "Ændring fra sidste år", "Status", "Revision")
    for fig in p.figures.values():  # every KPI of the spec, as the role sees it
        s.line(
            fig.label,
            _xl(fig.value, fig.unit),
            _xl(fig.prev_month, fig.unit),
            _xl(fig.prev_year, fig.unit),
            _xl(fig.change_year, fig.unit, change=True),
            fig.status_label,
            fig.revision_text() or None,
        )

    s = _Sheet(book, "Udvikling", formats, [16] + [22] * 8)
    s.title("Udviklingen måned for måned")
    keys = list(dict.fromkeys(p.series["kpi_key"].to_list()))
    units = {r["kpi_key"]: r["unit"] for r in p.series.iter_rows(named=True)}
    labels = {r["kpi_key"]: r["label"] for r in p.series.iter_rows(named=True)}
    s.header("Måned", *[labels[k] for k in keys])
    wide: dict[date, dict] = {}
    for r in p.series.iter_rows(named=True):
        wide.setdefault(r["month"], {})[r["kpi_key"]] = r
    for mo in sorted(wide):
        cells = [(mo, "month")]
        for k in keys:
            r = wide[mo].get(k)
            if r is None:
                cells.append(None)
            elif r["value"] is None:
                cells.append(r["shown"])
            else:
                rounded_count = r["is_rounded"] and units[k] == "count"
                cells.append((r["value"], "rounded" if rounded_count else units[k]))
        s.line(*cells)

    if p.flows is not None and p.flows.height:
        s = _Sheet(book, "Bevægelser på trappen", formats, [24, 24, 18, 12])
        s.title(f"Børn, der har skiftet trin, {flows.period_text(p.month)}")
        s.header(*p.flows.columns)
        for r in p.flows.iter_rows():
            s.line(r[0], r[1], r[2], (r[3], "count"))

    compliance = pack_compliance.rows(p)
    if compliance:
        s = _Sheet(book, "Sagsbehandling", formats, [50, 34, 16, 16, 18, 16, 10, 26, 60])
        s.title(f"Sagsbehandling og lovmedholdelighed – {p.month_text}")
        s.header(
            "Nøgletal",
            "Periode",
            "Kommunen",
            "Sidste år",
            "Ændring fra sidste år",
            "Landsniveau",
            "År (landsniveau)",
            "Status",
            "Kilde (landsniveau)",
        )
        for r in compliance:
            fig = r["figure"]
            s.line(
                fig.label,
                r["period"],
                _xl(fig.value, fig.unit),
                _xl(fig.prev_year, fig.unit),
                _xl(fig.change_year, fig.unit, change=True),
                None if r["national"] is None else (r["national"], "share"),
                r["national_year"],
                fig.status_label if fig.good != "none" else None,
                r["source"],
            )

    if p.scenarios:
        s = _Sheet(book, "Scenarier", formats, [44, 40, 10, 16, 18, 18, 18])
        s.title(f"Scenarier fremlagt for udvalget for {p.month_text} (frosset, som de blev fremlagt)")
        for sc in p.scenarios:
            s.line(sc["name"], bold=True)
            s.line("Fremlagt", (sc["presented_at"], "day"))
            s.line(sc["gap"])
            s.header("Fra", "Til", "Børn", "Fra måned", "Besparelse pr. måned", "I år", "Næste år")
            savings = ("Besparelse pr. måned", "Besparelse i år", "Besparelse næste år")
            s.rows(
                sc["moves"],
                {"Fra": None, "Til": None, "Børn": "count", "Fra måned": "month"}
                | dict.fromkeys(savings, "dkk"),
            )
            s.row += 1
            for label, v in sc["totals"]:
                s.line(label, (v, "dkk"))
            s.row += 1
            s.header("Fokuspunkt", f"{p.month_text}", "", "December med planen")
            for r in sc["focus"]:
                s.line(r["label"], _xl(r["value_now"], r["unit"]), "", _xl(r["value_after"], r["unit"]))
            s.row += 2

    if p.revisions:
        s = _Sheet(book, "Revisioner", formats, [44, 18, 18])
        s.title(f"Revisioner af de frosne tal for {p.month_text}")
        s.header("Nøgletal", "Frosset", "I dag")
        for r in p.revisions:
            s.line(r["label"], _xl(r["frozen"], r["unit"]), _xl(r["current"], r["unit"]))

    s = _Sheet(book, "Definitioner", formats, [44, 100])
    s.title("Definitioner")
    s.header("Nøgletal", "Definition")
    for k in spec.REGISTRY:
        s.line(k.label, k.definition)

    book.close()
    return buf.getvalue()


def _xl(v: Shown, unit: str, change: bool = False):
    """A shown value for Excel: a number with its display format, or the mark as text."""
    if v is None or isinstance(v, str):
        return v if isinstance(v, str) else None
    if isinstance(v, privacy.Rounded):
        unit = "rounded"
    return (v, ("change_" if change else "") + unit)
