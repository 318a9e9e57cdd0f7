"""Linked tables (issue 16.1): everything the Indsatstrappen screen publishes for the committee at once — the
ladder and its 24 months, the placement table, the institution placements by provider, the family-treatment table,
the pupils, the moves, and the committee pack's figures and 24-month series (the pack publishes a subset of what the
screen does: its figures, series and placement table) — read together by an attacker who solves for every small
count with integer programming (tests/mi/attacker.py), on the demo municipality and on municipalities a sixth and a
twentieth of its size (mi.hidden.shrink: children whose id's crc32 is 0 modulo 6 or 20)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mi import db, demo, hidden, ingest, ladder, privacy, report
from mi.__main__ import main
from tests.mi import attacker as a

END_MONTH = "2026-10"


@pytest.fixture(scope="module")
def municipalities(tmp_path_factory) -> dict[int | str, Path]:
    """The demo municipality (1) and its sixth (6) and twentieth (20), each imported into its own database; and
    the sixth without rounding ("6 uden afrunding": [privacy] rounding_base = 1, the blanks of before issue 18)."""
    root = tmp_path_factory.mktemp("linked")
    demo.write(root / "demo", end_month=END_MONTH)
    out = {}
    for every in (1, 6, 20, "6 uden afrunding"):
        folder = root / "demo" if every == 1 else root / f"every{every}".replace(" ", "-")
        if every != 1:
            hidden.shrink(root / "demo", folder, 6 if isinstance(every, str) else every)
        if isinstance(every, str):
            with (folder / "settings.toml").open("a", encoding="utf-8") as f:
                f.write("\n[privacy]\nrounding_base = 1\n")
        out[every] = root / f"mi{every}.duckdb".replace(" ", "-")
        ingest.import_folder(folder, out[every])
    out["folder"] = root / "demo"
    return out


def _shown(value, text: str, base: int, rounded: bool = False):
    """A value as published: its mark, a rounded count ('ca. 25') or a share of rounded counts, or the number."""
    if text == privacy.HIDDEN or text.startswith("<"):
        return text
    if text.startswith("ca. "):
        return privacy.Rounded(int(value), base)
    if rounded:
        return privacy.RoundedShare(value)
    return value


def read_screen(con, m: date) -> a.Reader:
    """Everything the Indsatstrappen screen shows the committee for month m (the view and the pack)."""
    v = ladder.view(con, m, "udvalg")
    p = report.build_pack(con, m, "udvalg")
    r = a.Reader(a.truth(con), v.min_count)
    base = p.rounding_base
    prev = a.add_months(m, -12)
    # the ladder: this month, a year earlier, the change
    t = v.ladder.frame
    now, before, change = t.columns[1], t.columns[2], t.columns[3]
    for i, s in enumerate(range(1, 7)):
        r.count(f"trin {s} {m}", a.step(m, s), t[now][i])
        r.count(f"trin {s} {prev}", a.step(prev, s), t[before][i])
        r.change(f"trin {s} ændring", a.step(m, s), a.step(prev, s), t[change][i])
    # the steps month by month (24 months)
    t = v.steps.frame
    for row in t.iter_rows(named=True):
        mo = row["Måned"]
        for s in range(2, 7):
            r.count(f"trin {s} {mo}", a.step(mo, s), row[ladder.STEP_SHORT[s]])
    # the moves: 12-month totals up and down
    t = v.moves.frame
    for key in ladder.COMMITTEE_MOVES:
        r.count(f"bevægelser {key}", {("MV", m, key): 1.0}, t[ladder.MOVES[key]][0])
    # institution placements by provider, this month and a year earlier, with the total
    t = v.institution_providers.frame
    for mo, col in ((m, t.columns[1]), (prev, t.columns[2])):
        withheld = t[col].to_list() == ["–"] * 5
        for i, prov in enumerate(a.PROVIDERS):
            e = {("P", mo, "institution", prov): 1.0}
            r.count(f"institution {prov} {mo}", e, t[col][i], withheld=withheld)
        r.count(f"institution i alt {mo}", a.placed(mo, "institution"), t[col][4], withheld=withheld)
    # the placement table (screen and pack): by type, this month and a year earlier, the change
    types = [("netvaerk",), ("plejefamilie",), ("anden",), ("institution",), a.PLACEMENT_TYPES]
    for rows in (p.placements.rows(named=True),):
        for ty, row in zip(types, rows, strict=True):
            r.count(f"anbringelser {ty} {m}", a.placed(m, *ty), row["n_month"])
            r.count(f"anbringelser {ty} {prev}", a.placed(prev, *ty), row["n_prev_year"])
            r.change(f"anbringelser {ty} ændring", a.placed(m, *ty), a.placed(prev, *ty), row["change"])
    # family treatment started this year to date by provider, and the same months a year earlier
    t, text = v.family_treatment.frame, v.family_treatment.shown
    for mo, col in ((m, t.columns[1]), (prev, t.columns[2])):
        cells = [_shown(t[col][i], text[col][i], base) for i in range(5)]
        for i, prov in enumerate(a.PROVIDERS):
            r.count(f"familiebehandling {prov} {mo}", a.ft(mo, prov), cells[i])
        r.count(f"familiebehandling i alt {mo}", a.ft(mo), cells[4])
    # pupils and children in day treatment
    for row in v.pupils.frame.iter_rows(named=True):
        mo = row["Måned"]
        r.count(f"elever {mo}", {("PUP", mo): 1.0}, row["Elever i kommunens skoler"])
        r.count(f"dagbehandling {mo}", {("DT", mo): 1.0}, row["Børn i skole-dagbehandling"])
        r.share(f"dagbehandling andel {mo}", {("DT", mo): 1.0}, {("PUP", mo): 1.0}, row["Andel"])
    # the pack's figures: this month, last month, a year earlier, the changes
    for f in p.figures.values():
        r.kpi(f"{f.key} {m}", f.key, m, f.value)
        r.kpi(f"{f.key} {a.add_months(m, -1)}", f.key, a.add_months(m, -1), f.prev_month)
        r.kpi(f"{f.key} {prev}", f.key, prev, f.prev_year)
        parts = a.kpi(f.key, m)
        if parts is not None and parts[1] is None:
            r.change(f"{f.key} ændring år", parts[0], a.kpi(f.key, prev)[0], f.change_year)
            r.change(f"{f.key} ændring måned", parts[0], a.kpi(f.key, a.add_months(m, -1))[0], f.change_month)
    # the pack's series (24 months of the focus points' charts)
    for row in p.series.iter_rows(named=True):
        r.kpi(
            f"{row['kpi_key']} {row['month']}",
            row["kpi_key"],
            row["month"],
            _shown(row["value"], row["shown"], base, row["is_rounded"]),
        )
    months = [k[1] for k in r.truth if k[0] in ("FT", "IS") and k[1] <= m and k[1] >= a.add_months(m, -35)]
    r.ytd_months(months)
    return r


MONTHS = {
    1: [date(2019, 5, 1), date(2023, 12, 1), date(2026, 10, 1)],
    6: [date(2019, 5, 1), date(2019, 6, 1), date(2023, 12, 1), date(2025, 3, 1)],
    20: [date(2019, 5, 1), date(2023, 12, 1), date(2026, 10, 1)],
    "6 uden afrunding": [date(2019, 5, 1), date(2026, 10, 1)],
}


@pytest.mark.parametrize(("every", "month"), [(e, m) for e, ms in MONTHS.items() for m in ms])
def test_no_small_count_can_be_worked_out_from_the_screen(municipalities, every, month):
    con = db.connect(municipalities[every])
    try:
        r = read_screen(con, month)
    finally:
        con.close()
    assert r.published > 100
    assert a.pinned(r) == {}


def test_institution_table_linked_to_focus_point_1(municipalities):
    # The sixth of the demo in May 2019 (issue 16.1): 6 children in institutions (focus point 1's card and step 6
    # of the ladder), by provider own 0, other municipalities 1, regions 0, private 5. Before the fix the table
    # showed 0, <5, 0, 5 and hid its total — but the total is the card's 6, so the hidden cell was 6 − 5 = 1.
    con = db.connect(municipalities[6])
    try:
        m = date(2019, 5, 1)
        v = ladder.view(con, m, "udvalg")
        p = report.build_pack(con, m, "udvalg")
    finally:
        con.close()
    assert p.figures["f1_institution_children"].value == 6
    col = v.institution_providers.frame.columns[1]
    shown = v.institution_providers.frame[col].to_list()
    # 6 = x + 5 with x in 1..4 pins x; no other provider can take the complement (the others are 0): the month's
    # column is withheld
    assert shown == ["–"] * 5


def test_every_focus_point_shown_every_month_on_the_demo(municipalities):
    # issue 18.4, measured (also `python -m mi skjulte --data MAPPE --til 2026-10`): on the demo, role udvalg,
    # January 2024 – October 2026, no focus point's figure or its comparison with last year is hidden in any month
    con = db.connect(municipalities[1])
    try:
        frame, any_hidden = hidden.hidden_table(con, date(2024, 1, 1), date(2026, 10, 1))
        # the leader's packs hide nothing either way; the committee's before rounding hid most months
        p = report.build_pack(con, date(2026, 10, 1), "udvalg")
    finally:
        con.close()
    assert frame.height == 7 and set(frame["months"]) == {34}
    assert frame["value"].to_list() == [0] * 7 and frame["comparison"].to_list() == [0] * 7
    assert any_hidden == 0
    f3 = p.figures["f3_private_family_treatment_starts_ytd"]
    assert f3.text().startswith("ca. ") and "ca." in p.focus[2].sentence
    # the share of rounded counts and its changes are those of the rounded figures, not the SQL's true changes
    share = p.figures["f3_private_share_ytd"]
    assert isinstance(share.value, privacy.RoundedShare) and isinstance(
        share.prev_month, privacy.RoundedShare
    )
    assert share.change_month == pytest.approx(share.value - share.prev_month)
    assert share.change_year == pytest.approx(share.value - share.prev_year)
    text = hidden.table_text(frame, any_hidden, "Demo")
    assert "| 3 | Familiebehandlinger købt hos private i år | 0 af 34 | 0 af 34 |" in text


def test_cli_prints_the_table_for_a_share_of_a_folder(municipalities, capsys):
    # the twentieth of the demo, September–October 2026: the year-to-date figures are shown (rounded) every month
    assert (
        main(
            [
                "skjulte",
                "--data",
                str(municipalities["folder"]),
                "--del",
                "20",
                "--fra",
                "2026-09",
                "--til",
                "2026-10",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Skjult for rollen udvalg, 2026-09 – 2026-10 (børn med crc32(id) mod 20 = 0)" in out
    assert "| 1 | Nye institutionsanbringelser i år | 0 af 2 | 0 af 2 |" in out
    assert "| 3 | Familiebehandlinger købt hos private i år | 0 af 2 | 0 af 2 |" in out
    assert main(["skjulte", "--til", "oktober"]) == 1
    assert "Fejl:" in capsys.readouterr().err
