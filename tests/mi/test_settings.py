"""Issue 16.4: settings that pass validation and then break the app. Every setting has a documented range (README)
checked at import with the line and the key; a deeply nested file is an issue, not a RecursionError; `mi kpis`
never prints Infinity or NaN."""

from __future__ import annotations

import json
import re

import pytest

from mi import fmt, ingest, spec
from mi import settings as settings_mod
from mi.__main__ import main
from mi.settings import BudgetSettings, CaseloadSettings, PrivacySettings, Settings
from tests.conftest import build_db, kpis, measure, payment
from tests.mi.test_ingest import write_folder


@pytest.mark.parametrize(
    ("text", "line", "key", "says"),
    [
        # the issue's values: each passed before and crashed the screens, the pack or `mi kpis`
        ("[caseload]\nnorm_high = 1e28\n", 2, "caseload.norm_high", "skal være mellem 1 og 200 (fik 1e+28)"),
        (
            "# budget\n[budget]\nbaseline_overspend_dkk = 1e308\n",
            3,
            "budget.baseline_overspend_dkk",
            "skal være mellem -10.000.000.000 og 10.000.000.000 (fik 1e+308)",
        ),
        (
            "[budget]\n\nannual_reduction_dkk = -1.7e308\n",
            3,
            "budget.annual_reduction_dkk",
            "skal være mellem -10.000.000.000 og 10.000.000.000",
        ),
        ("[privacy]\nmin_count = 101\n", 2, "privacy.min_count", "skal være mellem 1 og 100 (fik 101)"),
        ("[privacy]\nmin_count = 0\n", 2, "privacy.min_count", "skal være mellem 1 og 100 (fik 0)"),
        ("[privacy]\nrounding_base = 11\n", 2, "privacy.rounding_base", "skal være mellem 1 og 10 (fik 11)"),
        ("[caseload]\nnorm_low = 0.5\n", 2, "caseload.norm_low", "skal være mellem 1 og 200 (fik 0.5)"),
        ("[budget]\nbaseline_year = 1989\n", 2, "budget.baseline_year", "skal være mellem 1990 og 2100"),
        # a dotted key at the top level, and an inline table: the line is still found
        ("caseload.norm_high = 201\n", 1, "caseload.norm_high", "skal være mellem 1 og 200"),
        ("\ncaseload = {norm_low = 20, norm_high = 999}\n", 2, "caseload.norm_high", "mellem 1 og 200"),
        ("[privacy]\nmin_cont = 3\n", 2, "privacy.min_cont", "ukendt indstilling privacy.min_cont"),
        ("[budget]\nbaseline_year = 2019.0\n", 2, "budget.baseline_year", "skal være et helt tal"),
    ],
)
def test_a_setting_outside_its_range_is_an_error_with_line_and_key(tmp_path, text, line, key, says):
    folder = write_folder(tmp_path / "data")
    (folder / "settings.toml").write_text(text, encoding="utf-8")
    found = [i for i in ingest.validate_folder(folder) if i.is_error]
    assert [(i.file, i.line, i.column) for i in found] == [("settings.toml", line, key)]
    assert found[0].message.startswith(f"ugyldig indstilling {key}: " if "ukendt" not in says else "ukendt")
    assert says in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 3000 + "]" * 3000 + "\n",  # arrays in arrays: the TOML parser recursed until it failed
        "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",  # inline tables in inline tables
        "a" + ".a" * 5000 + " = 1\n",  # a dotted key 5001 deep: merging it with the defaults recursed
        "[budget.more.and.more]\nx = 1\n",  # deeper than [section] key = value, politely
    ],
)
def test_a_deeply_nested_settings_file_is_an_issue_not_a_recursion_error(tmp_path, text):
    folder = write_folder(tmp_path / "data")
    (folder / "settings.toml").write_text(text, encoding="utf-8")
    found = [i for i in ingest.validate_folder(folder) if i.is_error]
    assert [(i.file, i.column) for i in found] == [("settings.toml", None)]
    assert "indlejret for dybt" in found[0].message


def test_a_huge_settings_file_is_refused_before_it_is_read(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "settings.toml").write_text("# " + "x" * 70_000 + "\n", encoding="utf-8")
    found = [i for i in ingest.validate_folder(folder) if i.is_error]
    assert [(i.file, i.column) for i in found] == [("settings.toml", None)]
    assert "større end 64 KB" in found[0].message


def test_the_ranges_are_the_models_bounds():
    assert settings_mod.ranges() == {
        "budget.baseline_year": (1990, 2100),
        "budget.baseline_overspend_dkk": (-(10**10), 10**10),
        "budget.annual_reduction_dkk": (-(10**10), 10**10),
        "privacy.min_count": (1, 100),
        "privacy.rounding_base": (1, 10),
        "caseload.norm_low": (1, 200),
        "caseload.norm_high": (1, 200),
    }


def test_readme_states_every_settings_range(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `([a-z_]+\.[a-z_]+)` \|[^|]*\| ([^|]*) \|", readme, flags=re.MULTILINE)
    }
    for key, (lo, hi) in settings_mod.ranges().items():
        assert key in rows, f"README's settings table lacks {key}"
        assert rows[key].strip() == f"{settings_mod._num(lo)} – {settings_mod._num(hi)}", key


def _edge_settings(**budget) -> Settings:
    return Settings(
        budget=BudgetSettings(**budget),
        privacy=PrivacySettings(min_count=100),
        caseload=CaseloadSettings(norm_low=200, norm_high=200),
    )


ROWS = {
    "children": [{"child_id": "B1"}],
    "measures": [
        measure("M1", "B1", "ANBR_DOGNINSTITUTION", "2024-01-01", provider="regional", cost="100000")
    ],
    "payments": [payment("P1", "2024-03-31", "100000", measure="M1")],
    "budget": [{"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "1500000"}],
}


@pytest.mark.parametrize(
    ("overspend", "reduction"), [(10**10, -(10**10)), (-(10**10), 10**10), (10**10, 10**10)]
)
def test_the_range_edges_still_make_numbers_the_screens_can_show(overspend, reduction):
    con = build_db(
        _edge_settings(baseline_overspend_dkk=overspend, annual_reduction_dkk=reduction, baseline_year=1990),
        **ROWS,
    )
    row = kpis(con, "2024-03")
    # the target 34 years after 1990: 1e10 ∓ 34 × 1e10 = at most 3,5e11 kr. in size, a finite number to format
    assert abs(row["overspend_target_dkk"]) == pytest.approx(abs(overspend - 34 * reduction))
    for k in spec.REGISTRY:
        fmt.kpi_value(row[k.key], k.unit)  # raised decimal.InvalidOperation for a norm of 1e28


def test_kpis_never_prints_infinity(tmp_path, monkeypatch, capsys):
    # settings that cannot pass the import any more, written straight into a database (as an older program's
    # import could have): the overspend target becomes infinite
    from mi import db  # noqa: PLC0415
    from tests.conftest import frame, read_catalogue  # noqa: PLC0415

    bad = Settings.model_construct(
        budget=BudgetSettings.model_construct(
            baseline_year=2019, baseline_overspend_dkk=1e308, annual_reduction_dkk=-1.7e308
        ),
        privacy=PrivacySettings(),
        caseload=CaseloadSettings(),
    )
    path = tmp_path / "bad.duckdb"
    db.build(path, {t: frame(t, rows) for t, rows in ROWS.items()}, bad, read_catalogue())
    monkeypatch.setenv("MI_DB", str(path))
    assert main(["kpis", "--month", "2024-03"]) == 1
    out = capsys.readouterr()
    assert "Infinity" not in out.out and "NaN" not in out.out
    assert "overspend_target_dkk" in out.err and "ikke endelige tal" in out.err


def test_kpis_json_is_strict_json(tmp_path, monkeypatch, capsys):
    from mi import db  # noqa: PLC0415
    from tests.conftest import frame, read_catalogue  # noqa: PLC0415

    path = tmp_path / "ok.duckdb"
    db.build(path, {t: frame(t, rows) for t, rows in ROWS.items()}, Settings(), read_catalogue())
    monkeypatch.setenv("MI_DB", str(path))
    assert main(["kpis", "--month", "2024-03"]) == 0
    text = capsys.readouterr().out

    def refuse(name):
        raise ValueError(name)

    assert json.loads(text, parse_constant=refuse)["f1_institution_children"] == 1


def test_every_setting_has_a_finite_range():
    # a new setting without ge/le in mi/settings.py would pass any value to SQL and the screens again
    for key, (lo, hi) in settings_mod.ranges().items():
        assert -(10**10) <= lo <= hi <= 10**10, key
