"""mart_ladder_flows (children moving between steps) on test_marts' hand-written town, and mi.flows' table and
Sankey from it."""

from __future__ import annotations

from datetime import date

from mi import db, flows
from tests.sql.test_marts import town  # noqa: F401 - the module-scoped fixture


def test_flows_between_steps(town):  # noqa: F811
    got = db.query(
        town, "select month, step_before, step_now, n_children from mart_ladder_flows order by all"
    ).rows()
    assert [(str(a), b, c, d) for a, b, c, d in got] == [
        # January, the first month: every child is new on the ladder (0 → its step): B3 on 2, B1 on 3, B2 on 6
        ("2024-01-01", 0, 2, 1),
        ("2024-01-01", 0, 3, 1),
        ("2024-01-01", 0, 6, 1),
        # February: B3 off the ladder (2 → 0), B1 up (3 → 6), B2 down (6 → 4); March: nobody moves
        ("2024-02-01", 2, 0, 1),
        ("2024-02-01", 3, 6, 1),
        ("2024-02-01", 6, 4, 1),
    ]
    # the same counts as mart_ladder_moves (up, down, new, off) in February
    assert db.query(
        town, "select n_up, n_down, n_new, n_off from mart_ladder_moves where month = '2024-02-01'"
    ).rows() == [(1, 1, 0, 1)]


def test_flows_table_and_sankey(town):  # noqa: F811
    # the 12 months to March 2024 hold January's and February's flows; February alone has three
    fl = flows.flows(town, date(2024, 3, 1))
    assert fl.height == 6 and fl["Børn"].sum() == 6
    feb = flows.flows(town, date(2024, 2, 1), months=1)
    assert sorted(zip(feb["Fra trin"], feb["Til trin"], feb["Retning"], strict=True)) == [
        ("2. Forebyggende", "Ikke på trappen", "ud af trappen"),
        ("3. I hjemmet", "6. Institution", "op"),
        ("6. Institution", "4. Netværkspleje", "ned"),
    ]
    fig = flows.sankey(feb, "Februar")
    link = fig.data[0].link
    # nodes: 0 = off, 1..6 = steps before; 7 = off, 8..13 = steps after
    assert sorted(zip(link.source, link.target, link.value, strict=True)) == [
        (2, 7, 1),
        (3, 13, 1),
        (6, 11, 1),
    ]
    assert flows.period_text(date(2024, 3, 1)) == "april 2023 – marts 2024"
    # only the moves from one step to another: B1 up, B2 down
    between = flows.flows(town, date(2024, 3, 1), new_and_off=False)
    assert sorted(zip(between["Fra trin"], between["Til trin"], strict=True)) == [
        ("3. I hjemmet", "6. Institution"),
        ("6. Institution", "4. Netværkspleje"),
    ]


def test_step_names_are_the_ladders():
    from mi import ladder  # noqa: PLC0415

    # one list of names (mi.flows), read by the ladder's screen: a flow names its steps as the ladder's legend does
    assert ladder.STEP_SHORT is flows.STEP_SHORT
    assert [flows.step_text(s) for s in range(7)] == [
        "Ikke på trappen",
        "1. Almenområdet",
        "2. Forebyggende",
        "3. I hjemmet",
        "4. Netværkspleje",
        "5. Plejefamilie",
        "6. Institution",
    ]


def test_flows_are_in_the_leaders_pack_not_the_committees(town):  # noqa: F811
    from mi import excel, pack, pdf  # noqa: PLC0415

    lead = pack.build_pack(town, date(2024, 3, 1), "leder")
    # between steps only: B1 3 → 6 and B2 6 → 4 in February
    assert sorted(lead.flows["Retning"]) == ["ned", "op"]
    html = pdf.render_html(lead, images={})
    assert "Bevægelser på indsatstrappen" in html and "6. Institution" in html
    assert excel.render_xlsx(lead)[:2] == b"PK"
    committee = pack.build_pack(town, date(2024, 3, 1), "udvalg")
    assert committee.flows is None
    assert "Bevægelser på indsatstrappen" not in pdf.render_html(committee, images={})
