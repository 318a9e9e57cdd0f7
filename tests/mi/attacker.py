"""An attacker who knows the rules and reads everything one screen or the committee's pack publishes at once, over
all the months it shows, and solves for every count of children below the threshold with integer programming
(scipy.optimize.milp).

The unknowns are the counts the marts hold (true values known to the test): children by month, placement type and
provider (P), by ladder step 1–3 (L), family-treatment starts in the year to date by provider (FT), institution
starts in the year to date (IS), children in school day-treatment (DT), pupils (PUP), moves up and down the ladder in
12 months (MV); and contract v2's compliance counts (C…, below). Every published figure is a linear expression in them, and what the reader learns from it:

* a number: the expression equals it;
* `<5`: 1 … min_count − 1;
* `–` (a count hidden to protect another): not a small count: 0 or at least min_count (a binary variable);
* a rounded count r (privacy.Rounded): r − base/2 … r + base/2;
* a share s shown (or exported) as a number: numerator = s × denominator (to 1e-9);
* a change between two shown numbers: their difference.

The compliance figures (c1–c8, DOMAIN.md "contract v2") are linked to each other and to the placement counts:
notifications received (CN) and among them assessed within 24 hours (CH2), investigations completed (CD3), on time
(CO3) and with a talk with the child (CT5) are unknowns per month, and c2, c3, c5 are shares of their sums over the 12
months to the month (c3 and c5 share one denominator); c4 is a count of the month (C4); c6's denominator is the
children placed on the month's last day, the placement table's total (P), its numerator C6N; c7 and c8 are shares of
C7N/C7D and C8N/C8D, where C8D is at most the children placed. The reader knows the months before the v2 data begin
(nothing counted there). The targets add each month's own counts behind the 12-month shares (this month's
numerator minus last month's, where the 12 months begin with the data) and what is not a hit in them.

Year-to-date counts never fall within a year (the month's starts are ≥ 0). The targets are every published count
and every month's own starts (a year-to-date count minus the month before's) whose true value is 1 … min_count − 1:
each must have at least two possible values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from mi import db, frozen, privacy

Expr = dict[tuple, float]
PLACEMENT_TYPES = ("netvaerk", "plejefamilie", "anden", "institution")
PROVIDERS = ("intern", "kommunal", "regional", "privat")


def add_months(d: date, n: int) -> date:
    y, mo = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, mo + 1, 1)


# ---- the counts behind every figure ----------------------------------------------------------------------


def placed(mo: date, *types: str) -> Expr:
    return {("P", mo, t, p): 1.0 for t in types for p in PROVIDERS}


def committee_placed(mo: date, *types: str) -> Expr:
    """A count of the committee's placement table (mi.pack.placements_table: a frozen month's counts as frozen,
    mart_placements_committee): today's counts here; a test with frozen months patches it, as it patches kpi."""
    return placed(mo, *types)


def step(mo: date, s: int) -> Expr:
    if s <= 3:
        return {("L", mo, s): 1.0}
    return placed(mo, *{4: ("netvaerk",), 5: ("plejefamilie", "anden"), 6: ("institution",)}[s])


def ft(mo: date, *providers: str) -> Expr:
    return {("FT", mo, p): 1.0 for p in providers or PROVIDERS}


def plus(*exprs: Expr, signs: Iterable[float] | None = None) -> Expr:
    out: Expr = {}
    for e, s in zip(exprs, signs or [1.0] * len(exprs), strict=True):
        for k, v in e.items():
            out[k] = out.get(k, 0.0) + s * v
    return {k: v for k, v in out.items() if v}


# the KPIs of the registry that count children or are shares of counts: (numerator, denominator or None)
def kpi(key: str, mo: date) -> tuple[Expr, Expr | None] | None:
    if key == "f1_institution_children":
        return placed(mo, "institution"), None
    if key == "f1_institution_starts_ytd":
        return {("IS", mo): 1.0}, None
    if key == "f2_family_care_share":
        fc = placed(mo, "netvaerk", "plejefamilie")
        return fc, plus(fc, placed(mo, "institution"))
    if key == "f3_private_family_treatment_starts_ytd":
        return ft(mo, "privat"), None
    if key == "f3_private_share_ytd":
        return ft(mo, "privat"), ft(mo)
    if key == "f4_day_treatment_share":
        return {("DT", mo): 1.0}, {("PUP", mo): 1.0}
    return compliance(key, mo)


# ---- contract v2: the compliance figures -------------------------------------------------------------------

# the month's own counts behind the 12-month shares, as grouped in int_compliance_items
FLOWS = {"CN": "n", "CH2": "h2", "CD3": "d3", "CO3": "o3", "CT5": "t5"}
# the month's stock counts: unknown → column of mart_compliance_monthly (level kommune)
STOCKS = {
    "C4": "c4_investigations_overdue",
    "C6N": "n_with_plan_children",
    "C7N": "n_followed_up_measures",
    "C7D": "n_follow_up_measures",
    "C8N": "n_supervised_children",
    "C8D": "n_supervision_children",
}


def l12(mo: date, name: str) -> Expr:
    """The sum of a month's own count over the 12 months ending with mo."""
    return {(name, add_months(mo, -i)): 1.0 for i in range(12)}


def compliance(key: str, mo: date) -> tuple[Expr, Expr | None] | None:
    if key == "c1_notifications":
        return {("CN", mo): 1.0}, None
    if key == "c2_assessed_24h_share":
        return l12(mo, "CH2"), l12(mo, "CN")
    if key == "c3_investigations_on_time_share":
        return l12(mo, "CO3"), l12(mo, "CD3")
    if key == "c4_investigations_overdue":
        return {("C4", mo): 1.0}, None
    if key == "c5_child_talk_share":
        return l12(mo, "CT5"), l12(mo, "CD3")
    if key == "c6_plan_share":
        return {("C6N", mo): 1.0}, placed(mo, *PLACEMENT_TYPES)  # linked: the placement table's total
    if key == "c7_follow_up_share":
        return {("C7N", mo): 1.0}, {("C7D", mo): 1.0}
    if key == "c8_supervision_share":
        return {("C8N", mo): 1.0}, {("C8D", mo): 1.0}
    return None


def truth(con) -> dict[tuple, int]:
    """The true value of every unknown, from the marts."""
    out: dict[tuple, int] = {}
    for r in db.query(con, "select * from mart_placements_monthly").iter_rows(named=True):
        out[("P", r["month"], r["placement_type"], r["provider_type"])] = int(r["n_children"])
    for r in db.query(con, "select * from mart_ladder_monthly where ladder_step <= 3").iter_rows(named=True):
        out[("L", r["month"], r["ladder_step"])] = int(r["n_children"])
    for r in db.query(con, "select * from mart_family_treatment_monthly").iter_rows(named=True):
        out[("FT", r["month"], r["provider_type"])] = int(r["n_starts_ytd"])
    for r in db.query(con, "select month, f1_institution_starts_ytd as n from mart_kpi_monthly").iter_rows(
        named=True
    ):
        out[("IS", r["month"])] = int(r["n"] or 0)
    for r in db.query(con, "select * from mart_day_treatment_monthly").iter_rows(named=True):
        out[("DT", r["month"])] = int(r["n_day_treatment_children"] or 0)
        if r["n_pupils"] is not None:
            out[("PUP", r["month"])] = int(r["n_pupils"])
    moves = db.query(
        con,
        """select m.month, sum(x.n_up) as up, sum(x.n_down) as down
           from (select distinct month from mart_ladder_moves) m
           join mart_ladder_moves x on x.month between m.month - interval 11 month and m.month
           group by m.month""",
    )
    for r in moves.iter_rows(named=True):
        out[("MV", r["month"], "n_up")] = int(r["up"])
        out[("MV", r["month"], "n_down")] = int(r["down"])
    if db.scalar(
        con, "select has_notifications or has_investigations or has_activities from int_input_presence"
    ):
        flows = db.query(
            con,
            """select event_month as month,
                   count(*) filter (where kpi_group = 'notification') as n,
                   count(*) filter (where kpi_group = 'notification' and is_hit) as h2,
                   count(*) filter (where kpi_group = 'investigation') as d3,
                   count(*) filter (where kpi_group = 'investigation' and is_hit) as o3,
                   count(*) filter (where kpi_group = 'investigation' and is_hit_2) as t5
               from int_compliance_items group by event_month""",
        )
        for r in flows.iter_rows(named=True):
            for name, col in FLOWS.items():
                out[(name, r["month"])] = int(r[col])
        stocks = db.query(con, "select * from mart_compliance_monthly where level = 'kommune'")
        for r in stocks.iter_rows(named=True):
            for name, col in STOCKS.items():
                out[(name, r["month"])] = int(r[col] or 0)
    return out


# ---- what the reader learns --------------------------------------------------------------------------------


@dataclass
class Reader:
    truth: dict[tuple, int]
    min_count: int
    eqs: list[tuple[Expr, float, float]] = field(default_factory=list)  # lo ≤ expr ≤ hi
    gaps: list[Expr] = field(default_factory=list)  # expr is 0 or ≥ min_count
    targets: dict[str, Expr] = field(default_factory=dict)
    published: int = 0

    def value(self, e: Expr) -> float:
        return sum(v * self.truth.get(k, 0) for k, v in e.items())

    def _fact(self, name: str, e: Expr, lo: float, hi: float) -> None:
        v = self.value(e)
        assert lo - 1e-6 <= v <= hi + 1e-6, f"{name}: the reader's model is wrong ({lo}…{hi}, true {v})"
        self.eqs.append((e, lo, hi))

    def count(self, name: str, e: Expr, shown: privacy.Shown, *, withheld: bool = False) -> None:
        """A published count of children (`withheld`: in a table shown all `–`, which says nothing). A cell of a
        revised frozen month the committee is not shown (mi.frozen.WITHHELD) says nothing either."""
        self.published += 1
        if shown is None or shown == frozen.WITHHELD:
            return
        self.targets[name] = e
        if isinstance(shown, privacy.Rounded):
            half = shown.base / 2
            self._fact(name, e, max(0, shown - half), shown + half)
        elif isinstance(shown, str):
            if shown == privacy.mark(self.min_count):
                self._fact(name, e, 1, self.min_count - 1)
            elif not withheld:
                assert shown == privacy.HIDDEN, f"{name}: unknown mark {shown!r}"
                assert not privacy.is_small(self.value(e), self.min_count), (
                    f"{name}: a small count shown as –"
                )
                self.gaps.append(e)
        else:
            self._fact(name, e, shown, shown)

    def share(self, name: str, num: Expr, den: Expr, shown: privacy.Shown, base: int = 0) -> None:
        """A published share num ÷ den (the whole float: exports carry it)."""
        self.published += 1
        self.targets[name + " (tæller)"] = num
        self.targets[name + " (nævner)"] = den
        self.targets[name + " (resten)"] = plus(den, num, signs=(1, -1))
        if shown is None or isinstance(shown, str):
            return
        if isinstance(shown, privacy.RoundedShare):
            base = shown.base or base  # the share's own rounding (privacy.share_base for the 12-month shares)
            if base:
                self._rounded_share(name, num, den, shown, base)
            return  # else: built from rounded counts published beside it, nothing more
        s = float(shown)
        self._fact(name, plus(num, den, signs=(1, -(s + 1e-9))), -np.inf, 0)
        self._fact(name, plus(num, den, signs=(1, -(s - 1e-9))), 0, np.inf)

    def _rounded_share(self, name: str, num: Expr, den: Expr, shown: float, base: int) -> None:
        """A share of two rounded counts that are not published themselves (`base`: the rounding): numerator and
        denominator are base·u and base·w rounded (halves up: within −base/2 … base/2 − ½ of the count) for
        integers u, w whose ratio is the share."""
        u, w = ("RU", name), ("RW", name)
        for var, e in ((u, num), (w, den)):
            self.truth[var] = int(privacy.round_count(self.value(e), base)) // base
            self._fact(
                f"{name} afrundet", plus(e, {var: float(base)}, signs=(1, -1)), -base / 2, base / 2 - 0.5
            )
        s = float(shown)
        self._fact(name, {u: 1.0, w: -(s + 1e-9)}, -np.inf, 0)
        self._fact(name, {u: 1.0, w: -(s - 1e-9)}, 0, np.inf)

    def change(self, name: str, a: Expr, b: Expr, shown: privacy.Shown) -> None:
        """A published difference a − b."""
        self.published += 1
        if shown is None or isinstance(shown, str | privacy.Rounded):
            return  # hidden, or the difference of two rounded counts shown beside it
        self._fact(name, plus(a, b, signs=(1, -1)), shown, shown)

    def kpi(self, name: str, key: str, mo: date, shown: privacy.Shown, base: int = 0) -> None:
        """A KPI's published value (`base`: the rounding of the counts behind a share of rounded counts that are
        not published beside it)."""
        self.kpi_parts(name, kpi(key, mo), shown, base)

    def kpi_parts(
        self, name: str, parts: tuple[Expr, Expr | None] | None, shown: privacy.Shown, base: int = 0
    ) -> None:
        """A published KPI read from its parts (a.kpi's count, or numerator and denominator)."""
        if parts is None:
            return
        num, den = parts
        if den is None:
            self.count(name, num, shown)
        else:
            self.share(name, num, den, shown, base)

    def ytd_months(self, months: Iterable[date]) -> None:
        """Year-to-date counts never fall within a year: each month's own starts (this month's year-to-date count
        minus last month's: family treatment per provider and in all, institution placements) are counts of
        children, at least 0, and targets too."""
        for mo in sorted(set(months)):
            if mo.month == 1:
                continue
            before = add_months(mo, -1)
            for p in PROVIDERS:
                e = plus({("FT", mo, p): 1.0}, {("FT", before, p): 1.0}, signs=(1, -1))
                self.eqs.append((e, 0, np.inf))
                self.targets[f"familiebehandling startet i {mo:%Y-%m}, {p}"] = e
            e = plus(ft(mo), ft(before), signs=(1, -1))
            self.targets[f"familiebehandling startet i {mo:%Y-%m}"] = e
            e = plus({("IS", mo): 1.0}, {("IS", before): 1.0}, signs=(1, -1))
            self.eqs.append((e, 0, np.inf))
            self.targets[f"institutionsanbringelser startet i {mo:%Y-%m}"] = e

    def compliance_months(self, months: Iterable[date]) -> None:
        """What the reader knows of the compliance counts of the given months (and the 12 months before each):
        nothing is counted before the v2 data begin (the first month with a notification, resp. an investigation);
        a hit is one of the items; c8's children are placed children; and the targets: every month's own count
        behind the 12-month shares and the items in it that are not hits."""
        firsts = {}
        for group in (("CN", "CH2"), ("CD3", "CO3", "CT5")):
            got = [k[1] for k, v in self.truth.items() if k[0] == group[0] and v]
            firsts[group] = min(got) if got else None
        seen: set[date] = set()
        for mo in sorted(set(months)):
            for i in range(12):
                seen.add(add_months(mo, -i))
            for name, n in (("C6N", placed(mo, *PLACEMENT_TYPES)), ("C7N", {("C7D", mo): 1.0})):
                self._fact(f"{name} ≤ nævner {mo}", plus({(name, mo): 1.0}, n, signs=(1, -1)), -np.inf, 0)
            self._fact(
                f"C8N ≤ C8D {mo}", plus({("C8N", mo): 1.0}, {("C8D", mo): 1.0}, signs=(1, -1)), -np.inf, 0
            )
            c8d = plus({("C8D", mo): 1.0}, placed(mo, *PLACEMENT_TYPES), signs=(1, -1))
            self._fact(f"C8D ≤ anbragte {mo}", c8d, -np.inf, 0)
        for k in sorted(seen):
            for group, first in firsts.items():
                if first is None or k < first:
                    for name in group:
                        self._fact(f"{name} {k} før data", {(name, k): 1.0}, 0, 0)
            for hit, of, what in (
                ("CH2", "CN", "underretninger"),
                ("CO3", "CD3", "undersøgelser"),
                ("CT5", "CD3", "samtaler"),
            ):
                rest = plus({(of, k): 1.0}, {(hit, k): 1.0}, signs=(1, -1))
                self._fact(f"{hit} ≤ {of} {k}", rest, 0, np.inf)
                self.targets[f"{what} i {k:%Y-%m}: opfyldt"] = {(hit, k): 1.0}
                self.targets[f"{what} i {k:%Y-%m}: ikke opfyldt"] = rest
            self.targets[f"underretninger i {k:%Y-%m}"] = {("CN", k): 1.0}
            self.targets[f"undersøgelser afsluttet i {k:%Y-%m}"] = {("CD3", k): 1.0}

    def share_change(
        self,
        name: str,
        key: str,
        mo: date,
        before: date,
        a: privacy.Shown,
        b: privacy.Shown,
        shown: privacy.Shown,
    ) -> None:
        """A published change between two shares (in points): with one side hidden and the change shown, the
        hidden share is the other minus (or plus) the change."""
        self.published += 1
        if shown is None or isinstance(shown, str) or isinstance(a, privacy.RoundedShare):
            return
        a_known = a is not None and not isinstance(a, str)
        b_known = b is not None and not isinstance(b, str)
        if a_known and not b_known:
            self.kpi(name + " (regnet ud)", key, before, float(a) - float(shown))
        elif b_known and not a_known:
            self.kpi(name + " (regnet ud)", key, mo, float(b) + float(shown))

    # ---- the attack ----

    def attack(self) -> dict[str, tuple[int, int]]:
        """For every target whose true value is small: (true value, the other value found); a target with no
        other possible value is returned with (true, true)."""
        small = {n: e for n, e in self.targets.items() if privacy.is_small(self.value(e), self.min_count)}
        variables = sorted(
            {k for e, _, _ in self.eqs for k in e}
            | {k for e in self.gaps for k in e}
            | {k for e in small.values() for k in e},
            key=repr,
        )
        index = {k: i for i, k in enumerate(variables)}
        n = len(variables) + len(self.gaps)  # one binary per gap
        rows, lo, hi = [], [], []
        for e, a, b in self.eqs:
            row = np.zeros(n)
            for k, v in e.items():
                row[index[k]] += v
            rows.append(row)
            lo.append(a)
            hi.append(b)
        big = 10_000
        for g, e in enumerate(self.gaps):
            z = len(variables) + g
            row = np.zeros(n)  # expr ≤ big·z
            for k, v in e.items():
                row[index[k]] += v
            row2 = row.copy()
            row[z] = -big
            rows.append(row)
            lo.append(-np.inf)
            hi.append(0)
            row2[z] = -self.min_count  # expr ≥ min_count·z
            rows.append(row2)
            lo.append(0)
            hi.append(np.inf)
        cons = [LinearConstraint(np.array(rows), lo, hi)] if rows else []
        ub = np.full(n, 1e6)  # no count of children is near a million: keeps every problem bounded
        ub[len(variables) :] = 1
        bounds = Bounds(np.zeros(n), ub)
        out = {}
        for name, e in small.items():
            cost = np.zeros(n)
            for k, v in e.items():
                cost[index[k]] += v
            true = round(self.value(e))
            other = None
            # another value: any solution with the target below the true value, or above it (a feasibility
            # problem: minimising the target itself made the solver search long along a share's ray)
            for lo_t, hi_t in ((-np.inf, true - 1), (true + 1, np.inf)):
                res = milp(
                    np.zeros(n),
                    constraints=[*cons, LinearConstraint(cost.reshape(1, -1), lo_t, hi_t)],
                    integrality=np.ones(n),
                    bounds=bounds,
                )
                assert res.status in (0, 2), f"{name}: the solver did not decide ({res.message})"
                if res.status == 0:
                    other = round(float(cost @ res.x))
                    break
            out[name] = (true, true if other is None else other)
        return out


def pinned(reader: Reader) -> dict[str, int]:
    """The small counts the attacker works out exactly: name → value."""
    return {n: t for n, (t, o) in reader.attack().items() if t == o}
