"""The import layers and "no cycles" (pyproject.toml, [tool.importlinter]) hold: `lint-imports` is clean, and it
would see an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from mi.settings import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_an_upward_import_breaks_the_layers(tmp_path):
    # a copy of the package in which the figures (mi.figures) import the Streamlit layer (mi.ui)
    shutil.copytree(ROOT / "mi", tmp_path / "mi", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    figures = tmp_path / "mi" / "figures.py"
    figures.write_text(
        figures.read_text(encoding="utf-8") + "\nfrom mi import ui  # noqa\n", encoding="utf-8"
    )
    run = lint(tmp_path)
    assert run.returncode != 0
    assert "mi.figures is not allowed to import mi.ui" in run.stdout
