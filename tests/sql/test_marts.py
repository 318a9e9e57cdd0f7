"""Every view's declared key is unique and not null; the ladder, placement and breakdown marts on exact rows."""

from __future__ import annotations

import re

import pytest

from mi import db
from tests.conftest import build_db, case, employment, payment
from tests.conftest import measure as m

CHILDREN = [{"child_id": f"B{i}"} for i in range(1, 8)]


MEASURES = [
    # B1 climbs: consultancy (3) from January, then an institution (6) from 15 February
    m("M1", "B1", "KONSULENT", "2024-01-01"),
    m("M2", "B1", "ANBR_DOGNINSTITUTION", "2024-02-15", provider="privat", cost="90000"),
    # B2 steps down: institution (6) to 29 February, then network care (4) from 1 February (overlap)
    m("M3", "B2", "ANBR_OPHOLDSSTED", "2024-01-01", "2024-02-29", provider="privat", cost="86000"),
    m("M4", "B2", "ANBR_NETVAERK", "2024-02-01", provider="kommunal", cost="20000"),
    # B3: early preventive (2) in January only
    m("M5", "B3", "FOREBYG_TIDLIG", "2024-01-01", "2024-01-31"),
    # B4: lost earnings only: no ladder step
    m("M6", "B4", "TABT_ARBEJDSFORTJENESTE", "2024-01-01"),
]
STAFF = [
    employment("E1", "raadgiver", "Nord", "1", "2022-01-01"),
    employment("E2", "raadgiver", "Syd", "0.5", "2023-01-01", left="2024-02-10", reason="Nyt job"),
]
CASES = [
    case("C1", "B1", "E1", "2023-12-01", team="Nord"),
    case("C2", "B2", "E2", "2024-01-01", team="Syd"),
    case("C3", "B3", "E1", "2024-01-01", team="Nord", closed="2024-01-31"),
]
PAYMENTS = [
    payment("P1", "2024-01-31", "86000", measure="M3"),
    payment("P2", "2024-02-29", "-1000", measure="M3"),
    payment("P3", "2024-02-29", "5000", code="TABT_ARBEJDSFORTJENESTE"),
    {
        "payment_id": "P4",
        "posted_on": "2024-03-31",
        "amount_dkk": "45000",
        "measure_id": "M2",
        "provider_name": "Privat Døgn ApS",
    },
]


@pytest.fixture(scope="module")
def town():
    return build_db(
        children=CHILDREN,
        measures=MEASURES,
        staff=STAFF,
        cases=CASES,
        payments=PAYMENTS,
        pupils=[{"school_year": "2023/24", "pupils": 300}],
        budget=[{"year": 2024, "budget_area": "Anbringelser", "budget_dkk": "2000000"}],
    )


def declared_views():
    out = []
    for _layer, path in db.view_files():
        key = re.search(r"^-- key: (.+)$", path.read_text(encoding="utf-8"), re.M)
        if key:
            out.append(pytest.param(path.stem, [k.strip() for k in key.group(1).split(",")], id=path.stem))
    return out


def _relation(con, view: str) -> tuple[str, list[str]]:
    """The view's rows to check, and the columns that tell its calls apart: a plain view as it is; a parametrised
    one (`-- params:`) called for every month of the data (its p_month, or p_to where it takes a range of months:
    p_from NULL is that month alone), its other parameters NULL (all)."""
    path = next(p for _, p in db.view_files() if p.stem == view)
    params = db.view_params(path)
    if not params:
        return view, []
    month = next(p for p in ("p_month", "p_to") if p in params)
    months = [r[0] for r in con.sql("select month from int_month_spine order by month").fetchall()]
    calls = " union all ".join(
        f"select date '{mo}' as called_month, * from {view}({month} := date '{mo}')" for mo in months
    )
    return f"({calls})", ["called_month"]


@pytest.mark.parametrize(("view", "key"), declared_views())
def test_every_view_key_is_unique_and_not_null(town, view, key):
    view, calls = _relation(town, view)
    key = calls + key
    cols = ", ".join(key)
    nulls = db.scalar(town, f"select count(*) from {view} where " + " or ".join(f"{k} is null" for k in key))
    dupes = db.scalar(
        town, f"select count(*) from (select {cols} from {view} group by all having count(*) > 1)"
    )
    assert (nulls, dupes) == (0, 0)


def test_every_mart_declares_its_key():
    marts = [p.stem for layer, p in db.view_files() if layer == "marts"]
    keyed = {p.values[0] for p in declared_views()}
    assert set(marts) <= keyed


def rows(con, sql, **params):
    return db.query(con, sql, params).rows()


def month_rows(con, sql):
    """The rows, their first column (a month) as ISO text."""
    return [(str(r[0]), *r[1:]) for r in rows(con, sql)]


def test_ladder_stock_per_step(town):
    got = month_rows(
        town,
        "select month, ladder_step, n_children, n_starts, n_ends from mart_ladder_monthly "
        "where n_children + n_starts + n_ends > 0 order by month, ladder_step",
    )
    assert got == [
        # 31 Jan: B3 on step 2 (M5 ends that day), B1 on 3, B2 on 6 (placed). Starts in Jan: M5 (2), M1 (3),
        # M3 (6). Ends in Jan: M5 (2).
        ("2024-01-01", 2, 1, 1, 1),
        ("2024-01-01", 3, 1, 1, 0),
        ("2024-01-01", 6, 1, 1, 0),
        # 29 Feb: B2's current placement is M4 (network, step 4: latest start), B1 placed at 6 (M2).
        # Starts in Feb: M4 (4), M2 (6). Ends in Feb: M3 (6).
        ("2024-02-01", 4, 1, 1, 0),
        ("2024-02-01", 6, 1, 1, 1),
        # 31 Mar: unchanged stock, no starts or ends.
        ("2024-03-01", 4, 1, 0, 0),
        ("2024-03-01", 6, 1, 0, 0),
    ]


def test_ladder_moves(town):
    got = {
        str(r[0]): r[1:]
        for r in rows(town, "select month, n_up, n_down, n_new, n_off from mart_ladder_moves")
    }
    # February: B1 3 → 6 (up), B2 6 → 4 (down), B3 off the ladder (its measure ended 31 Jan)
    assert got["2024-02-01"] == (1, 1, 0, 1)
    # January is the first month: all three children are new
    assert got["2024-01-01"] == (0, 0, 3, 0)
    assert got["2024-03-01"] == (0, 0, 0, 0)


def test_placements_by_type_and_provider(town):
    got = rows(
        town,
        "select placement_type, provider_type, n_children from mart_placements_monthly "
        "where month = '2024-02-01' and n_children > 0 order by all",
    )
    # 29 Feb: B1 institution (privat, M2), B2 network (kommunal, M4)
    assert got == [("institution", "privat", 1), ("netvaerk", "kommunal", 1)]


def test_spend_by_area_code_provider(town):
    got = month_rows(
        town,
        "select month, budget_area, measure_code, provider_name, amount_dkk from mart_spend_monthly "
        "order by month, measure_code",
    )
    assert got == [
        ("2024-01-01", "Anbringelser", "ANBR_OPHOLDSSTED", "Ukendt leverandør", 86000.0),
        # the refund nets in February
        ("2024-02-01", "Anbringelser", "ANBR_OPHOLDSSTED", "Ukendt leverandør", -1000.0),
        ("2024-02-01", "Handicapkompensation", "TABT_ARBEJDSFORTJENESTE", "Ukendt leverandør", 5000.0),
        ("2024-03-01", "Anbringelser", "ANBR_DOGNINSTITUTION", "Privat Døgn ApS", 45000.0),
    ]


def test_lost_earnings_monthly_cumulates_within_year(town):
    got = rows(
        town, "select month, amount_dkk, amount_ytd_dkk from mart_lost_earnings_monthly order by month"
    )
    # the range starts in December 2023 (case C1 opened then); the new year starts the sum again
    assert [(str(a), b, c) for a, b, c in got] == [
        ("2023-12-01", 0.0, 0.0),
        ("2024-01-01", 0.0, 0.0),
        ("2024-02-01", 5000.0, 5000.0),
        ("2024-03-01", 0.0, 5000.0),
    ]


def test_caseload_by_team_and_caseworker(town):
    team = rows(
        town,
        "select team, n_cases, raadgiver_fte from mart_caseload_monthly where month = '2024-01-01' "
        "order by team",
    )
    # 31 Jan: Nord C1 + C3 (closes that day) = 2 cases, E1 1.0 FTE; Syd C2 = 1, E2 0.5 FTE
    assert team == [("Nord", 2, 1.0), ("Syd", 1, 0.5)]
    worker = rows(
        town,
        "select caseworker_id, n_cases, is_employed from mart_caseload_caseworker "
        "where month = '2024-02-01' order by 1",
    )
    # 29 Feb: E1 has C1; E2 left 10 Feb but still holds C2 (an open case whose caseworker has left)
    assert worker == [("E1", 1, True), ("E2", 1, False)]


def test_kpi_status_labels(town):
    got = dict(rows(town, "select kpi_key, status_label from mart_kpi_status where month = '2024-03-01'"))
    # 31 Mar: cases C1, C2 = 2 on E1's 1.0 FTE = 2.0 cases per FTE: under the 20–30 band
    assert got["caseload_per_fte"] == "Under normen"
    # no data a year earlier: nothing to compare with
    assert got["f1_institution_children"] == "Ingen sammenligning"
