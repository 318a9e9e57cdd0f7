"""The committee's monthly pack ("udvalgsrapport") as files: `write(con, month, role, out_dir)` builds the pack
(mi.pack) and writes its PDF (mi.pdf) and Excel (mi.excel); `python -m mi report --month YYYY-MM --role udvalg
--out DIR` calls it.

The pack in parts: mi.figures (what a pack holds, the texts of its values), mi.pack (the month's figures and their
protection), mi.sentences, mi.pack_charts, mi.pdf, mi.excel.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from mi import excel, pdf
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
