"""The committee's monthly pack ("udvalgsrapport") as files: `write(con, month, role, out_dir)` builds the pack
(mi.pack) and writes its PDF (mi.pdf) and Excel (mi.excel); `python -m mi report --month YYYY-MM --role udvalg
--out DIR` calls it.

The pack in parts: mi.figures (what a pack holds, the texts of its values), mi.pack (the month's figures and their
protection), mi.sentences, mi.pack_charts, mi.pdf, mi.excel.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb

from mi import db, excel, kpi, pdf
from mi.pack import build_pack


def write(
    con: duckdb.DuckDBPyConnection, month: date | str, role: str, out_dir: Path | str
) -> tuple[Path, Path]:
    """Write udvalgsrapport-YYYY-MM.pdf and .xlsx into out_dir; returns their paths."""
    pack = build_pack(con, month, role)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pdf_path, xlsx_path = out / f"{pack.stem}.pdf", out / f"{pack.stem}.xlsx"
    pdf_path.write_bytes(pdf.render_pdf(pack))
    xlsx_path.write_bytes(excel.render_xlsx(pack))
    return pdf_path, xlsx_path


def cli_report(args) -> int:
    try:
        month = kpi.parse_month(args.month)
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
        try:
            pdf, xlsx = write(con, month, args.role, args.out)
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001 - every failure is a clear message and exit code 1
        print(f"Fejl: {kpi._describe(exc)}", file=sys.stderr)
        return 1
    print(f"Skrev {pdf}\nSkrev {xlsx}")
    return 0
