"""No module uses another module's private names (issue 13 item 3): what another module needs is public.

Ruff's import-private-name (PLC2701) exempts imports from the same top-level package, which is exactly the case
here (`from mi.ingest_checks import _Checker` inside mi/), and it does not see attribute use (`charts._records`);
so this reads the source itself. It covers the package, the pages and app.py; the tests may reach private helpers
to test them."""

from __future__ import annotations

import ast
from pathlib import Path

from mi.settings import ROOT


def private_uses(source: str, name: str = "<source>") -> list[str]:
    """`from mi.x import _y` and `x._y` where x is a module of the package imported under that name."""
    tree = ast.parse(source, name)
    modules: dict[str, str] = {}  # local name → module of the package
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mi":
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{name}:{node.lineno}: from {node.module} import {alias.name}")
                elif node.module == "mi":
                    modules[alias.asname or alias.name] = f"mi.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mi":
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in modules:
                found.append(f"{name}:{node.lineno}: {owner.id}.{node.attr}")
            elif (
                isinstance(owner, ast.Attribute)
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "mi"
            ):
                found.append(f"{name}:{node.lineno}: mi.{owner.attr}.{node.attr}")
    return sorted(found, key=lambda hit: int(hit.split(":")[1]))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _sources() -> list[Path]:
    return [*sorted((ROOT / "mi").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py")), ROOT / "app.py"]


def test_no_module_uses_another_modules_private_names():
    found = [hit for path in _sources() for hit in private_uses(path.read_text(encoding="utf-8"), str(path))]
    assert found == []


def test_the_check_sees_each_way_of_reaching_a_private_name():
    source = (
        "import mi.charts\n"
        "from mi import charts, db as database\n"
        "from mi.ingest_checks import Issue, _Checker\n"
        "charts._records(x)\n"
        "database._connect()\n"
        "mi.charts._memo\n"
        "self._cache, charts.records, charts.__name__\n"  # not another module's private name
    )
    assert private_uses(source) == [
        "<source>:3: from mi.ingest_checks import _Checker",
        "<source>:4: charts._records",
        "<source>:5: database._connect",
        "<source>:6: mi.charts._memo",
    ]
