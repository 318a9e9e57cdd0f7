"""A frozen month whose history changed (issue 16.1, the case tests/mi/test_linked_tables.py never reads): the sixth
of the demo (mi.hidden.shrink, every 6) is imported, March 2024 is frozen (mi.frozen), then two children's
institution placements that were active on March 2024's last day are dropped from measures.csv and the folder is
re-imported. The committee saw (before the fix), for March 2024, the frozen figures in the pack (and as last month's figures in
April's pack, and in the series) beside today's revised figures: today's value of a revised figure (`f.current`), the
screen's Indsatstrappen and placement table of today's data, and the compliance figures. Their difference is the
count of children whose figure changed — here 2 institution children, a small count.

Two small counts were pinned before (the test failed): (1) the revision: March 2024's pack showed f1 "Børn anbragt
på institution" frozen 8 (its `current` hidden, `–`, the difference being small) while the same pack's placement
table, Indsatstrappen's step 6 and its institution table by provider showed today's 6: 8 − 6 = 2 children whose
placement was removed after the freeze. Now the committee sees a frozen month in one version: the placement table of
a frozen month holds the counts as frozen (mart_placements_committee), and today's ladder, moves and breakdowns of a
revised frozen month (mart_frozen_months) are withheld with a sentence (mi.ladder). (2) Unrelated to freezing: the
placement table's March 2023 column gave children in family care (f2's numerator) 15 − 11 − 0 = 4; fixed by the
linked protection of mi.pack._protect_placements.

The attacker (tests/mi/attacker.py) reads everything at once with two worlds of unknowns: today's counts (the
marts) and the counts as frozen (the same unknowns of the frozen month, keyed ('FROZEN', …), true values from the
database before the re-import). Every figure the pack shows for the frozen month is read as a frozen one; every
figure of today's data (the screen, `f.current`) as a today one; the pack's placement table of the frozen month in
the frozen unknowns (a.committee_placed), and a table the screen withholds (mi.frozen.WITHHELD) as not published.
The targets add, for every unknown of the frozen
month, the revision: today's count minus the frozen one (and the reverse), which must not be pinned when small."""

from __future__ import annotations

import shutil
from datetime import date

import polars as pl
import pytest

from mi import db, demo, frozen, hidden, ingest, report
from tests.mi import attacker as a
from tests.mi.test_linked_tables import read_compliance

FROZEN_MONTH = date(2024, 3, 1)
# institution placements dropped after the freeze: the lowest measure ids active on 31 March 2024
DROPPED = 2


@pytest.fixture(scope="module")
def revised(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("revised")
    demo.write(root / "demo", end_month="2025-12")
    folder = root / "every6"
    hidden.shrink(root / "demo", folder, 6)
    path = root / "mi6.duckdb"
    ingest.import_folder(folder, path)
    frozen.freeze_file(path, FROZEN_MONTH)
    before = root / "before.duckdb"
    shutil.copyfile(path, before)
    con = db.connect(path)
    try:
        ids = db.query(
            con,
            """select measure_id from int_measures
               where placement_type = 'institution' and start_on <= date '2024-03-31'
                 and (end_on is null or end_on >= date '2024-03-31')
               order by measure_id""",
        )["measure_id"].to_list()
    finally:
        con.close()
    dropped = ids[:DROPPED]
    measures = pl.read_csv(folder / "measures.csv", infer_schema=False)
    measures.filter(~pl.col("measure_id").is_in(dropped)).write_csv(folder / "measures.csv")
    # the placement's payments and follow-up activities go with it (as when a case system deletes a placement)
    for table in ("payments", "activities"):
        rows = pl.read_csv(folder / f"{table}.csv", infer_schema=False)
        rows.filter(~pl.col("measure_id").is_in(dropped).fill_null(False)).write_csv(folder / f"{table}.csv")
    ingest.import_folder(folder, path)
    return {"path": path, "before": before, "dropped": dropped, "n_institution": len(ids)}


def _frozen(e: dict) -> dict:
    return {("FROZEN", *k): v for k, v in e.items()}


def _frozen_world(months: set[date]):
    """a.kpi with the frozen months' expressions in the frozen unknowns; and a.committee_placed, the pack's
    placement table, likewise (the committee's table of a frozen month holds the counts as frozen)."""
    today_kpi, today_placed = a.kpi, a.committee_placed

    def kpi(key: str, mo: date):
        parts = today_kpi(key, mo)
        if parts is None or mo not in months:
            return parts
        return tuple(None if e is None else _frozen(e) for e in parts)

    def committee_placed(mo: date, *types: str):
        e = today_placed(mo, *types)
        return _frozen(e) if mo in months else e

    return kpi, today_kpi, committee_placed


class RevisionReader(a.Reader):
    """Reads `… i dag` (today's value of a revised frozen figure) in today's unknowns, every other KPI through the
    module's a.kpi (patched: the frozen month's figures in the frozen unknowns)."""

    today_kpi = staticmethod(a.kpi)

    def kpi(self, name, key, mo, shown, base=0):
        self.kpi_parts(name, (self.today_kpi if name.endswith(" i dag") else a.kpi)(key, mo), shown, base)


def test_the_re_import_revised_the_frozen_month(revised):
    # 2 of the month's institution children lost their placement: f1 frozen n, today n − 2
    con = db.connect(revised["path"])
    try:
        p = report.build_pack(con, FROZEN_MONTH, "udvalg")
        today = db.scalar(
            con,
            "select sum(n_children) from mart_placements_monthly "
            "where month = date '2024-03-01' and placement_type = 'institution'",
        )
        revs = frozen.revisions(con, FROZEN_MONTH)
    finally:
        con.close()
    f1 = p.figures["f1_institution_children"]
    assert f1.is_frozen and f1.is_revised
    assert len(revised["dropped"]) == DROPPED
    # the frozen figure counted the 8 institution placements active on 31 March 2024 (8 children); today 8 − 2 = 6
    assert revised["n_institution"] == 8
    assert f1.frozen == 8 and f1.value == 8
    assert today == 8 - DROPPED
    assert "f1_institution_children" in revs["kpi_key"].to_list()


def test_no_small_count_or_revision_can_be_worked_out(revised, monkeypatch):
    con_old = db.connect(revised["before"])
    try:
        old = a.truth(con_old)
    finally:
        con_old.close()
    months = {FROZEN_MONTH}
    kpi, today_kpi, committee_placed = _frozen_world(months)
    monkeypatch.setattr(a, "kpi", kpi)
    monkeypatch.setattr(a, "committee_placed", committee_placed)
    RevisionReader.today_kpi = staticmethod(today_kpi)
    con = db.connect(revised["path"])
    try:
        truth = a.truth(con)
        # the frozen month's unknowns (and the 12 months behind its 12-month shares), as they were when frozen
        frozen_keys = {
            k for k in old if len(k) > 1 and a.add_months(FROZEN_MONTH, -11) <= k[1] <= FROZEN_MONTH
        }
        truth |= {("FROZEN", *k): v for k, v in old.items() if k in frozen_keys}
        r = RevisionReader(truth, report.build_pack(con, FROZEN_MONTH, "udvalg").min_count)
        # March 2024, April 2024 (March as last month) and March 2025 (March 2024 as the year before: the pack's
        # placement table has its frozen counts, the screen withholds its column)
        packs = [FROZEN_MONTH, a.add_months(FROZEN_MONTH, 1), a.add_months(FROZEN_MONTH, 12)]
        read_compliance(con, packs, r)
        # today's value of every revised figure of the pack (read_compliance reads it for the compliance figures)
        p = report.build_pack(con, FROZEN_MONTH, "udvalg")
        for f in p.figures.values():
            if f.is_revised:
                r.kpi(f"{f.key} {FROZEN_MONTH} i dag", f.key, FROZEN_MONTH, f.current, p.rounding_base)
    finally:
        con.close()
    # the revisions: today's count minus the frozen one, per unknown of the frozen month and per figure
    for k in sorted(frozen_keys, key=repr):
        if k[1] != FROZEN_MONTH:
            continue
        e = a.plus({k: 1.0}, {("FROZEN", *k): 1.0}, signs=(1, -1))
        r.targets[f"revision {k}"] = e
        r.targets[f"revision {k} (omvendt)"] = a.plus({("FROZEN", *k): 1.0}, {k: 1.0}, signs=(1, -1))
    for key in (
        "f1_institution_children",
        "f1_institution_starts_ytd",
        "f3_private_family_treatment_starts_ytd",
    ):
        now, was = today_kpi(key, FROZEN_MONTH)[0], kpi(key, FROZEN_MONTH)[0]
        r.targets[f"revision {key}"] = a.plus(was, now, signs=(1, -1))
        r.targets[f"revision {key} (omvendt)"] = a.plus(now, was, signs=(1, -1))
    # the revision of f1 is 2 children: a small count among the targets
    assert r.value(r.targets["revision f1_institution_children"]) == DROPPED
    assert r.published > 100
    assert a.pinned(r) == {}
