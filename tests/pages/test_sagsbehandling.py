"""Sagsbehandling: the eight compliance KPIs for leder (with trend, teams, caseworkers and the deadline list) and
udvalg (beside the national level); oekonomi cannot reach the page. Overblik's line of compliance cards. Expected
values are read from the marts of the demo database and formatted with mi.fmt."""

from __future__ import annotations

import shutil

import pytest

from mi import compliance, db, demo, fmt, frozen, ingest, kpi, pack, privacy, spec
from tests.pages.conftest import END_MONTH, MONTH, assert_refused, nav_pages, open_directly, run_app, texts

pytestmark = pytest.mark.usefixtures("app_db")


def query(path, sql, **params):
    with db.connect(path) as con:
        given = {"m": MONTH, **params}
        return db.query(con, sql, {k: v for k, v in given.items() if f"${k}" in sql})


def values(path) -> dict:
    with db.connect(path) as con:
        return kpi.values(con, MONTH)


def test_leder_sees_the_eight_figures_trend_units_and_deadlines(app_db):
    at = run_app("leder", "sagsbehandling")
    assert not at.exception
    assert at.title[0].value == "Sagsbehandling"
    v = values(app_db)
    metrics = {m.label: m.value for m in at.metric}
    for key in compliance.C_KEYS:
        assert v[key] is not None, key  # the demo has all three tables
        assert metrics[spec.BY_KEY[key].label] == fmt.kpi_value(v[key], spec.BY_KEY[key].unit)
    shown = texts(at)
    # the periods: L12 for c2, c3, c5; the month's last day for the stocks; "data pr." under every figure
    assert "12 måneder: november 2025 – oktober 2026" in shown
    assert "ultimo oktober 2026" in shown
    assert "Data pr. 7. november 2026" in shown
    # the sections below the figures are tabs, each drawn when it is opened: cold, the first (the trend) only
    assert [t.label for t in at.tabs if t.label not in ("Graf", "Tabel")][:3] == [
        "Udviklingen",
        "Pr. team og rådgiver",
        "Fristliste",
    ]
    subheaders = [s.value for s in at.subheader]
    assert "Udviklingen de seneste 24 måneder" in subheaders
    assert "Pr. team og rådgiver" not in subheaders and "Fristliste" not in subheaders
    frames = {tuple(d.value.columns)[0]: d.value for d in at.dataframe}
    # the trend table: 24 months, November 2024 – October 2026
    trend = frames["Måned"]
    assert trend.shape[0] == 24 and trend["Måned"].iloc[-1] == "oktober 2026"
    assert "Team" not in frames and "Rådgiver (pseudonym)" not in frames
    # the team table: every team of the mart with its c1 as the mart has it
    open_section(at, "Pr. team og rådgiver")
    assert "Pr. team og rådgiver" in [s.value for s in at.subheader]
    frames = {tuple(d.value.columns)[0]: d.value for d in at.dataframe}
    teams = query(
        app_db,
        "select unit, c1_notifications from mart_compliance_monthly where month = $m and level = 'team'",
    )
    team_table = frames["Team"]
    assert dict(zip(team_table["Team"], team_table["Underretninger"], strict=True)) == {
        u: fmt.number(n) for u, n in teams.rows()
    }
    assert "Måned" not in frames  # the trend is not drawn while another section is open
    # the caseworkers: their own tab inside the section
    at.session_state["sagsbehandling-niveau"] = "Rådgivere"
    at.run()
    assert not at.exception
    workers = query(
        app_db,
        "select count(*) from mart_compliance_monthly where month = $m and level = 'raadgiver'",
    ).item()
    frames = {tuple(d.value.columns)[0]: d.value for d in at.dataframe}
    assert "Team" not in frames  # the teams' tab is not drawn while the caseworkers' is open
    assert (
        frames["Rådgiver (pseudonym)"].shape[0] == workers
        and "Underretninger" in frames["Rådgiver (pseudonym)"]
    )
    # the deadline list: every row of the mart, with pseudonymous caseworker ids
    open_section(at, "Fristliste")
    assert "Fristliste" in [s.value for s in at.subheader]
    frames = {tuple(d.value.columns)[0]: d.value for d in at.dataframe}
    deadlines = query(app_db, "select count(*) as n from mart_compliance_deadlines").item()
    table = frames["Rådgiver (pseudonym)"]
    assert deadlines > 0 and table.shape[0] == deadlines
    assert any(b.key == "csv-fristliste" for b in at.get("download_button"))


def open_section(at, label: str) -> None:
    """Open one of the leader's sections (a tab drawn when opened) and run the page again."""
    at.session_state["sagsbehandling-afsnit"] = label
    at.run()
    assert not at.exception


def test_deadline_list_filters_by_kind_and_caseworker(app_db):
    at = run_app("leder", "sagsbehandling")
    open_section(at, "Fristliste")
    at.multiselect(key="frist-type").set_value(["tilsyn"]).run()
    assert not at.exception
    visits = query(
        app_db, "select count(*) from mart_compliance_deadlines where deadline_kind = 'tilsyn'"
    ).item()
    table = next(d.value for d in at.dataframe if "Frist for" in d.value.columns)
    assert table.shape[0] == visits and set(table["Frist for"]) == {"Personligt tilsyn"}
    worker = query(
        app_db,
        "select caseworker_id from mart_compliance_deadlines group by 1 order by count(*) desc, 1 limit 1",
    ).item()
    at.multiselect(key="frist-type").set_value([]).run()
    at.multiselect(key="frist-raadgiver").set_value([worker]).run()
    n = query(
        app_db, "select count(*) from mart_compliance_deadlines where caseworker_id = $w", w=worker
    ).item()
    table = next(d.value for d in at.dataframe if "Frist for" in d.value.columns)
    assert table.shape[0] == n and set(table["Rådgiver (pseudonym)"]) == {worker}


def test_deadline_filters_are_kept_while_another_section_is_open(app_db):
    # Streamlit forgets a widget that a run does not draw: the filters must come back with the list (ui.kept)
    at = run_app("leder", "sagsbehandling")
    open_section(at, "Fristliste")
    at.multiselect(key="frist-type").set_value(["tilsyn"]).run()
    open_section(at, "Pr. team og rådgiver")
    at.selectbox(key="sagsbehandling-kpi").set_value("c1_notifications").run()
    assert "frist-type" not in [w.key for w in at.multiselect]
    open_section(at, "Fristliste")
    assert at.multiselect(key="frist-type").value == ["tilsyn"]
    table = next(d.value for d in at.dataframe if "Frist for" in d.value.columns)
    assert set(table["Frist for"]) == {"Personligt tilsyn"}
    open_section(at, "Pr. team og rådgiver")
    assert at.selectbox(key="sagsbehandling-kpi").value == "c1_notifications"


def test_udvalg_sees_the_municipality_beside_the_national_level(app_db):
    at = run_app("udvalg", "sagsbehandling")
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert subheaders == ["Kommunen og landsniveauet (Børnesagsbarometeret)"]
    national = at.dataframe[0].value
    rows = dict(zip(national["Nøgletal"], national["Landsniveau"], strict=True))
    # the national level from data/reference/boernesagsbarometer.csv, whole per cent
    assert rows[spec.BY_KEY["c3_investigations_on_time_share"].label] == "34 %"
    assert rows[spec.BY_KEY["c2_assessed_24h_share"].label] == "96 %"
    assert "Ankestyrelsen, Børnesagsbarometeret 2023" in set(national["Kilde"])
    # no caseworker level, no child ids anywhere
    shown = texts(at) + "".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "K001-M" not in shown and "K001-B" not in shown
    assert "Tallene for oktober 2026 er endnu ikke frosset" in shown


def test_oekonomi_cannot_reach_sagsbehandling(app_db):
    at = run_app("oekonomi")
    assert not at.exception
    assert "sagsbehandling" not in nav_pages(at)
    direct = open_directly("sagsbehandling", "oekonomi", MONTH)
    assert_refused(direct)


@pytest.mark.parametrize("role", ["leder", "udvalg"])
def test_role_sees_the_page_in_navigation(role):
    assert "sagsbehandling" in nav_pages(run_app(role))


def test_services_refuse_other_roles_the_caseworker_level(app_db):
    con = db.connect(app_db)
    try:
        for role in ("udvalg", "oekonomi"):
            with pytest.raises(PermissionError):
                compliance.deadlines(con, role)
            with pytest.raises(PermissionError):
                compliance.by_unit(con, MONTH, "raadgiver", "c1_notifications", role)
    finally:
        con.close()


def test_overblik_has_a_line_of_compliance_cards_for_leder_not_oekonomi(app_db):
    v = values(app_db)
    at = run_app("leder", "overblik")
    assert not at.exception
    assert "Sagsbehandling og lovmedholdelighed" in [s.value for s in at.subheader]
    metrics = {m.label: m.value for m in at.metric}
    for key in ("c3_investigations_on_time_share", "c6_plan_share", "c8_supervision_share"):
        assert metrics[spec.BY_KEY[key].label] == fmt.pct(v[key])
    eco = run_app("oekonomi", "overblik")
    assert "Sagsbehandling og lovmedholdelighed" not in [s.value for s in eco.subheader]


@pytest.fixture(scope="module")
def v1_db(tmp_path_factory):
    """The demo without the three tables of contract v2."""
    folder = tmp_path_factory.mktemp("v1")
    demo.write(folder, end_month=END_MONTH)
    for table in ("notifications", "investigations", "activities"):
        for f in folder.glob(f"{table}.*"):
            f.unlink()
    path = tmp_path_factory.mktemp("v1db") / "mi.duckdb"
    ingest.import_folder(folder, path)
    return path


@pytest.mark.parametrize("role", ["leder", "udvalg"])
def test_without_the_tables_the_screens_say_the_data_is_missing(v1_db, tmp_path, monkeypatch, role):
    path = tmp_path / "mi.duckdb"
    shutil.copyfile(v1_db, path)
    monkeypatch.setenv("MI_DB", str(path))
    at = run_app(role, "sagsbehandling")
    assert not at.exception
    assert "Data mangler" in texts(at) and "underretninger (notifications)" in texts(at)
    assert len(at.metric) == 0 and len(at.dataframe) == 0  # no zeros shown for missing data
    over = run_app(role, "overblik")
    assert not over.exception
    assert "Sagsbehandling og lovmedholdelighed" in [s.value for s in over.subheader]
    assert "Data mangler" in texts(over)
    labels = {m.label for m in over.metric}
    assert not labels & {spec.BY_KEY[k].label for k in compliance.C_KEYS}


def test_udvalg_sees_the_frozen_month(app_db):
    frozen.freeze_file(app_db, MONTH)
    v = values(app_db)
    parts = query(app_db, "select * from mart_kpi_monthly where month = $m").row(0, named=True)
    at = run_app("udvalg", "sagsbehandling")
    assert not at.exception
    assert "Tallene for oktober 2026 er frosset" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    # frozen today, so the frozen figures equal today's; a share is hidden (–) when the counts behind it (or the
    # rest, denominator − numerator) are 1–4 children, as every share of children for the committee; a share of
    # counts over 12 months (c2, c3, c5) is computed from its counts rounded to 5 (issue 16: two months' packs side
    # by side would give a month's own count)
    rounded = {k for k, *_ in pack.rounded_shares()}
    for key, (num, den, _) in compliance.PARTS.items():
        if key in rounded:
            shown = privacy.rounded_share(
                privacy.round_count(parts[num], 5), privacy.round_count(parts[den], 5)
            )
        else:
            shown = privacy.protect_share(v[key], parts[num], parts[den], 5)
        assert metrics[spec.BY_KEY[key].label] == privacy.text(shown, fmt.pct), key
    assert metrics[spec.BY_KEY["c1_notifications"].label] == fmt.number(v["c1_notifications"])
