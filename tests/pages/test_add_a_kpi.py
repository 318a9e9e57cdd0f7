"""Adding a KPI is one spec entry + its column in the mart + its tests (issue 13.1): a temporary entry in a copy of
mi/kpis.toml and a column in a copy of sql/marts/mart_kpi_monthly.sql, nothing else, and the new KPI is on
Overblik, in `mi kpis`, in the committee's frozen pack and in its Excel.

The test KPI: children placed at the month's end, every placement type (institution + network + foster + other).
The data: six children in institutions (I1–I6) and two in foster families (P1, P2) from 1 January 2024, payments
to 30 April 2024 → on 31 March 2024: 6 + 0 + 2 + 0 = 8 children placed, and 8 in February.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import date

import openpyxl
import pytest
import streamlit as st

from mi import db, excel, frozen, spec
from mi.__main__ import main
from mi.pack import build_pack
from mi.settings import ROOT, Settings
from tests.conftest import frame, measure, read_catalogue
from tests.pages.conftest import run_app

KEY = "x_placed_children"
LABEL = "Anbragte børn i alt (prøve)"
ENTRY = f'''
[[kpi]]
key = "{KEY}"
label = "{LABEL}"
definition = "Alle anbragte børn ved månedens udgang, uanset anbringelsessted."
unit = "count"
good = "down"
comparison = "samme måned sidste år"
section = "f1"
children_count = true
'''
COLUMN = (
    "f1_institution_children + n_network_children + n_foster_children + n_other_placed_children as " + KEY
)


TABLES = {
    "children": [{"child_id": f"B{i}"} for i in range(1, 9)],
    "measures": [measure(f"I{i}", f"B{i}", "ANBR_DOGNINSTITUTION", "2024-01-01") for i in range(1, 7)]
    + [
        measure("P1", "B7", "ANBR_PLEJEFAMILIE", "2024-01-01"),
        measure("P2", "B8", "ANBR_PLEJEFAMILIE", "2024-01-01"),
    ],
    "payments": [
        {"payment_id": f"Y{mo}", "posted_on": f"2024-0{mo}-{day}", "amount_dkk": "1000", "measure_id": "I1"}
        for mo, day in ((1, 31), (2, 29), (3, 31), (4, 30))
    ],
}


@pytest.fixture
def added(tmp_path, monkeypatch):
    """The spec with the test KPI, the mart with its column, a database built and March 2024 frozen on them."""
    toml = tmp_path / "kpis.toml"
    toml.write_text(spec.SPEC.read_text(encoding="utf-8") + ENTRY, encoding="utf-8")
    registry = spec.load(toml)
    monkeypatch.setattr(spec, "REGISTRY", registry)
    monkeypatch.setattr(spec, "KEYS", tuple(k.key for k in registry))
    monkeypatch.setattr(spec, "BY_KEY", {k.key: k for k in registry})
    sql = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", sql)
    mart = sql / "marts" / "mart_kpi_monthly.sql"
    body = mart.read_text(encoding="utf-8").rstrip()
    assert body.endswith("select * from final")
    mart.write_text(
        body.removesuffix("select * from final") + f"select *, {COLUMN} from final\n", encoding="utf-8"
    )
    monkeypatch.setattr(db, "SQL_DIR", sql)
    db.schema_stamp.cache_clear()
    path = tmp_path / "mi.duckdb"
    monkeypatch.setenv("MI_DB", str(path))
    monkeypatch.delenv("MI_ROLE", raising=False)
    db.build(
        path, {t: frame(t, rows) for t, rows in TABLES.items()}, Settings(), read_catalogue(), source="test"
    )
    frozen.freeze_file(path, "2024-03")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.undo()  # the real spec and SQL folder back before the stamp is cleared
    db.schema_stamp.cache_clear()


def test_the_new_kpi_is_in_mi_kpis(added, capsys):
    assert main(["kpis", "--month", "2024-03"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[KEY] == 8  # 6 institution + 0 network + 2 foster + 0 other
    assert list(out)[-1] == KEY  # after the spec's other KPIs, in spec order


def test_the_new_kpi_is_in_the_frozen_pack_and_its_excel(added):
    con = db.connect(added)
    try:
        frozen_value = db.scalar(
            con, "select value from frozen_kpis where month = '2024-03-01' and kpi_key = $k", {"k": KEY}
        )
        pack = build_pack(con, "2024-03", "udvalg")
    finally:
        con.close()
    assert frozen_value == 8
    fig = pack.figures[KEY]
    # frozen at 8; a year earlier there were no data, so nothing to compare with; February: 8 as well
    assert (fig.label, fig.value, fig.is_frozen, fig.prev_month, fig.status_label) == (
        LABEL,
        8,
        True,
        8,
        "Ingen sammenligning",
    )
    book = openpyxl.load_workbook(io.BytesIO(excel.render_xlsx(pack)))
    rows = {r[0]: r for r in book["Alle nøgletal"].iter_rows(values_only=True)}
    assert rows[LABEL][1:4] == (8, 8, None)  # value, last month, last year
    definitions = {r[0]: r[1] for r in book["Definitioner"].iter_rows(values_only=True)}
    assert definitions[LABEL] == "Alle anbragte børn ved månedens udgang, uanset anbringelsessted."


@pytest.mark.parametrize("role", ["leder", "udvalg"])
def test_the_new_kpi_is_on_overblik(added, role):
    at = run_app(role, month=date(2024, 3, 1))
    assert not at.exception
    # the month's table of every figure is drawn when its expander is opened
    at.session_state["overblik-alle"] = True
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["Nøgletal"] == LABEL]
    assert len(row) == 1 and row["Værdi"].iloc[0] == "8"
    assert row["Frosset"].iloc[0] == ("ja" if role == "udvalg" else "nej")
