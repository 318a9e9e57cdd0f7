"""The demo municipality through the real import, and its KPIs against an independent computation.

`bench/pandas_kpis.py` computes DOMAIN.md's definitions in plain pandas, written apart from sql/. On a demo
municipality with a seed the other tests do not use, `python -m mi kpis` (mi.kpi.values over the imported
database) must agree with it to the last digit in every month from January 2019 to the last complete month.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from bench import pandas_kpis
from mi import demo, ingest, kpi, spec
from mi.settings import ROOT

# c1–c8 (contract v2) are checked against their own independent computation in
# tests/mi/test_demo.py::test_compliance_figures_equal_mi_kpis_every_month; pandas_kpis computes contract v1's.
COMPLIANCE = {k for k in spec.KEYS if k.startswith("c") and k[1].isdigit()}

SEED, END_MONTH = 7, "2025-11"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo7")
    demo.write(out, seed=SEED, scale=1, end_month=END_MONTH)
    return out


@pytest.fixture(scope="module")
def con(folder):
    return ingest.load_in_memory(folder)


def test_demo_passes_the_validator(folder):
    issues = ingest.validate_folder(folder)
    assert [i for i in issues if i.is_error] == []
    # the only warnings: late corrections and final payments posted after a measure ended (real, and normal)
    assert {i.message.split(" bogført")[0] for i in issues if i.line} <= {"betalingen er"}


def test_kpis_agree_with_pandas_in_every_month(folder, con):
    t = pandas_kpis.load(folder)
    months = [m for m in kpi.months(con) if date(2019, 1, 1) <= m <= date(2025, 11, 1)]
    assert len(months) == 83  # January 2019 … November 2025: 6 × 12 + 11
    for m in months:
        ours = kpi.values(con, m)
        theirs = pandas_kpis.compute(t, m.strftime("%Y-%m"))
        assert len(COMPLIANCE) == 8 and set(ours) == set(theirs) | COMPLIANCE
        for key, value in ours.items():
            if key in COMPLIANCE:
                continue
            if isinstance(value, float):
                assert theirs[key] == pytest.approx(value, rel=1e-12, abs=1e-9), (m, key)
            else:
                assert theirs[key] == value, (m, key)


def test_cli_kpis_from_the_folder_equals_the_imported_database(folder, tmp_path):
    db_file = tmp_path / "mi.duckdb"
    version = ingest.import_folder(folder, db_file)
    assert version == 1
    env = {"MI_DB": str(db_file), "PATH": "/usr/bin:/bin"}

    def kpis(*extra: str) -> dict:
        cmd = [sys.executable, "-m", "mi", "kpis", "--month", "2025-10", *extra]
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr  # a failure says why (the command's Danish message)
        return json.loads(done.stdout)

    from_db, from_folder = kpis(), kpis("--data", str(folder))
    assert from_db == from_folder
    assert from_db["month"] == "2025-10"
