"""Udvalgsrapport on screen: the pack's figures for every role, downloads, and the freeze button (leder only)."""

from __future__ import annotations

import re

import pytest

from mi import db, fmt, frozen, kpi
from tests.pages.conftest import MONTH, run_app, texts


@pytest.mark.parametrize("role", ["leder", "oekonomi", "udvalg"])
def test_every_role_sees_the_pack(app_db, role):
    at = run_app(role, page="udvalgsrapport")
    assert not at.exception
    shown = texts(at)
    con = db.connect(app_db)
    v = kpi.values(con, MONTH)
    con.close()
    metrics = {m.label: m.value for m in at.metric}
    # the five focus points with their status in words and the plain-Danish sentence
    for n in range(1, 6):
        assert f"{n}. " in shown
    assert metrics["Andel i netværks- og plejefamilier"] == fmt.pct(v["f2_family_care_share"])
    assert "Ved udgangen af oktober 2026" in shown
    assert re.search(r"\*\*(Bedre|Dårligere) end sidste år\*\*", shown)
    # budget, forecast and the target path; caseload and turnover; definitions and the data date
    assert "Det forventede forbrug for 2026" in shown and "sager pr. årsværk" in shown
    assert "Data pr. 7. november 2026" in shown
    labels = {b.label for b in at.button}
    assert "Dan PDF" in labels
    assert ("🔒 Frys oktober 2026" in labels) == (role == "leder")


def test_committee_sees_no_count_from_one_to_four(app_db):
    at = run_app("udvalg", page="udvalgsrapport")
    assert not at.exception
    assert "Udgave til udvalget" in texts(at)
    # every table the committee sees: no child count from 1 to 4 (small counts are '<5' or hidden)
    for d in at.dataframe:
        frame = d.value
        if "Anbringelsessted" in frame.columns:
            # the counts (a change between two counts of 5 or more may be small: 42 → 45 is -3)
            for col in [c for c in frame.columns[1:] if c != "Ændring"]:
                for cell in frame[col]:
                    assert not re.fullmatch(r"[+-]?[1-4]", str(cell)), (col, cell)
    for m in at.metric:
        if "kr." not in m.value and "%" not in m.value:
            assert not re.fullmatch(r"[1-4]", m.value), m


def test_leader_freezes_the_month(app_db):
    at = run_app("leder", page="udvalgsrapport")
    assert frozen.frozen_info(db.connect(app_db), MONTH) is None
    at.button(key="freeze").click().run()
    assert not at.exception
    con = db.connect(app_db)
    info = frozen.frozen_info(con, MONTH)
    con.close()
    assert info is not None and info["n_keys"] > 0
    assert "er frosset" in texts(at) or "frosset" in texts(at)
    # frozen: no second freeze offered
    assert "🔒 Frys oktober 2026" not in {b.label for b in at.button}


def test_already_frozen_month_says_so(app_db):
    frozen.freeze_file(app_db, MONTH)
    at = run_app("udvalg", page="udvalgsrapport")
    assert not at.exception
    assert "blev frosset" in texts(at)
