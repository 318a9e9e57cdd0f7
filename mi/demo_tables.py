"""The demo's v1 tables for one municipality (mi.demo writes them): children, cases, measures, payments, staff,
and the budget and pupils of the whole folder, with their codes, providers, seasons and calendar.

How it is built, per municipality: measures arrive month by month per measure code (from a burn-in in 2011,
so 2019 starts with a steady stock), each for a new child of a plausible age, with a Weibull
duration capped at the 18th birthday; follow-ups put measures on the same child (support before a placement,
step-down from institution to family care, aftercare at 18, extra costs beside lost earnings, a recurrence
that becomes a new case). Cases are the child's measures merged across short gaps. Staff are positions filled
by successive employments; caseworker positions are sized from the cases, and each case goes to a caseworker
of its team employed on the case's last day (a caseworker's cases are reassigned when they leave). Payments are
one posting per measure-month plus refunds and late corrections; the budget is set from them so 2019
overspends by ~8 % and the overspend falls, more slowly than the target, after.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl

from mi import demo_compliance
from mi.demo_base import (
    YEAR,
    choose_by_weight,
    date_column,
    day_number,
    month_index,
    month_start,
    pick,
    policy_ramp,
    pseudo_ids,
    stratified_uniforms,
)
from mi.demo_codes import (
    BURN_IN,
    CODES,
    DISTRICTS,
    FTES,
    HOME_CODES,
    INSTITUTION,
    KINDS,
    LEAVE_REASONS,
    LOST_EARNINGS_CAP_DKK,
    NO_END,
    OTHER_STAFF,
    PROVIDER_ROWS,
    SCHOOL_YEAR_CODES,
    SEASON,
    SEASON_AUGUST,
    SEASON_SCHOOL,
    STAFF_FROM,
    TEAMS,
    Calendar,
)
from mi.demo_payments import payments_table

# --------------------------------------------------------------------------------------------- measures


class _Measures:
    """Children and their measures for one municipality, as growing numpy arrays (true end dates)."""

    def __init__(self, rng: np.random.Generator, cal: Calendar):
        self.rng, self.cal = rng, cal
        self.birth = np.empty(0, np.int64)
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("child", "code", "start", "end", "prov", "cost", "decided", "at18")
        }

    def children(self, start: np.ndarray, ages: tuple[int, int]) -> np.ndarray:
        """New children of an age in `ages` (years) on `start`; returns their indices."""
        age = ((ages[0] + (ages[1] + 1 - ages[0]) * stratified_uniforms(self.rng, start.size)) * YEAR).astype(
            np.int64
        )
        first = self.birth.size
        self.birth = np.concatenate([self.birth, start - age])
        return np.arange(first, self.birth.size)

    def arrivals(self, code: str) -> np.ndarray:
        """Start days of the measures of one code from the burn-in through the month after end_month."""
        per_year, final = KINDS[code].starts_2019, KINDS[code].policy
        season = (
            SEASON_SCHOOL
            if code == "SKOLE_DAGBEHANDLING"
            else SEASON_AUGUST
            if code == "ANBR_EFTERSKOLE"
            else SEASON
        )
        months = np.arange(
            month_index(np.array([day_number(BURN_IN)]))[0], month_index(np.array([self.cal.horizon]))[0] + 1
        )
        first = month_start(months)
        days_in = month_start(months + 1) - first
        lam = per_year / 12 * season[months % 12] / season.mean() * (1 + (final - 1) * policy_ramp(first))
        # systematic sampling (not Poisson): counts follow the expected ones, with some noise month by month, so a
        # small municipality's trends show through
        cum = np.floor(np.cumsum(lam * self.rng.lognormal(0, 0.25, months.size)) + self.rng.random())
        idx = np.repeat(np.arange(months.size), np.diff(cum, prepend=0).astype(np.int64))
        on_first = self.rng.random(idx.size) < 0.3  # many measures start on the 1st
        return first[idx] + np.where(on_first, 0, (self.rng.random(idx.size) * days_in[idx]).astype(np.int64))

    def add(
        self, code: str, child: np.ndarray, start: np.ndarray, end: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Measures of one code for existing children, from their birth and before their 18th (aftercare: 23rd)
        birthday; `end` drawn when not given. Returns the children, starts and ends added."""
        birth = self.birth[child]
        limit = birth + np.int64((23 if code == "EFTERVAERN" else 18) * YEAR) - 1
        start = np.maximum(start, birth)
        ok = (start <= limit) & (True if end is None else end >= start + 13)
        child, start, birth, limit = child[ok], start[ok], birth[ok], limit[ok]
        end = None if end is None else end[ok]
        rng, n = self.rng, child.size
        months, shape = KINDS[code].mean_months, KINDS[code].weibull_shape
        if end is None:
            if code in SCHOOL_YEAR_CODES:  # to the end of June of a school year (1–4 of them), a few drop out
                m = month_index(start)
                years = (
                    1 if code == "ANBR_EFTERSKOLE" else rng.choice([1, 2, 3, 4], n, p=[0.35, 0.35, 0.2, 0.1])
                )
                june = month_start((m // 12 + (m % 12 >= 6) + years - 1) * 12 + 6) - 1  # 30 June
                dropout = rng.random(n) < 0.1
                end = np.where(dropout, start + (rng.random(n) * (june - start)).astype(np.int64), june)
            else:
                weibull = (-np.log1p(-stratified_uniforms(rng, n))) ** (1 / shape) / math.gamma(1 + 1 / shape)
                end = start + np.maximum(14, months * weibull * 30.44).astype(np.int64)
        at18 = end >= limit
        end = np.maximum(start, np.minimum(end, limit))
        # provider by the policy's mix at the start; cost with 2 % a year price index and some spread
        rows = [i for i, r in enumerate(PROVIDER_ROWS) if r[0] == code]
        w = np.array([[PROVIDER_ROWS[i][3], PROVIDER_ROWS[i][4]] for i in rows])
        ramp = policy_ramp(start)[:, None]
        prov = np.asarray(rows)[
            choose_by_weight(stratified_uniforms(rng, n), w[:, 0] * (1 - ramp) + w[:, 1] * ramp)
        ]
        base = np.array([r[5] for r in PROVIDER_ROWS])[prov]
        spread = 0.55 if code in ("TABT_ARBEJDSFORTJENESTE", "MERUDGIFTER") else 0.08
        cost = base * 1.02 ** ((start - self.cal.start) / YEAR) * rng.lognormal(0, spread, n)
        if code == "TABT_ARBEJDSFORTJENESTE":  # closer follow-up: new grants are smaller from 2020
            cost = np.minimum(cost * (1 - 0.25 * policy_ramp(start)), LOST_EARNINGS_CAP_DKK * 0.85)
        cost = np.round(cost, 0)
        lead = np.where(
            rng.random(n) < 0.15, 0, rng.integers(1, 46, n)
        )  # decided the same day or up to 6 weeks before
        for key, val in (
            ("child", child),
            ("code", np.full(n, CODES.index(code))),
            ("start", start),
            ("end", end),
            ("prov", prov),
            ("cost", cost),
            ("decided", start - lead),
            ("at18", at18),
        ):
            self.cols[key].append(val)
        return child, start, end

    def primary(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start = self.arrivals(code)
        return self.add(code, self.children(start, KINDS[code].ages), start)

    def follow(
        self,
        p: float | np.ndarray,
        options: dict[str, float],
        child: np.ndarray,
        start: np.ndarray,
        end: np.ndarray | None = None,
    ) -> None:
        """With probability p per child, a measure of a code drawn from `options` (weights) on the same child."""
        take = stratified_uniforms(self.rng, child.size) < p
        which = pick(self.rng, take.sum(), tuple(options), list(options.values()))
        for code in options:
            sel = which == code
            self.add(code, child[take][sel], start[take][sel], None if end is None else end[take][sel])

    def build(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.cols.items()}


def _generate_measures(rng: np.random.Generator, cal: Calendar) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """All measures of one municipality (arrays; `end` is the true end) and the children's birth days."""
    ms = _Measures(rng, cal)
    home = dict.fromkeys(HOME_CODES, 1.0)
    for code in CODES:
        child, start, end = ms.primary(code)
        if code in HOME_CODES or code == "FOREBYG_TIDLIG":  # back months later: a new case
            ms.follow(0.08, home, child, end + rng.integers(180, 900, child.size))
        if code == "SKOLE_DAGBEHANDLING":  # family treatment beside day treatment
            ms.follow(0.2, {"FAMILIEBEHANDLING": 1}, child, start + rng.integers(0, 90, child.size))
        if code == "TABT_ARBEJDSFORTJENESTE":  # extra costs and respite for the same disabled child
            ms.follow(0.5, {"MERUDGIFTER": 1}, child, start + rng.integers(0, 120, child.size))
            ms.follow(0.25, {"AFLASTNING": 1}, child, start + rng.integers(0, 120, child.size))
        if code.startswith("ANBR_"):
            # support at home first (the ladder's step 3), ending the day before the placement
            ms.follow(
                0.45,
                {"FAMILIEBEHANDLING": 5, "PRAKTISK_STOTTE": 3, "KONSULENT": 2},
                child,
                start - rng.integers(90, 270, child.size),
                start - 1,
            )
            ms.follow(0.1, {"KONTAKTPERSON": 1}, child, start + rng.integers(30, 365, child.size))
        young = end < ms.birth[child] + np.int64(17.5 * YEAR)
        if code == "ANBR_SIKRET":  # from secure to an open institution
            ms.follow(0.7 * young, {"ANBR_OPHOLDSSTED": 1, "ANBR_DOGNINSTITUTION": 1}, child, end + 1)
        elif code in INSTITUTION:  # step down to family care or an own room, more so under the policy
            ms.follow(
                (0.1 + 0.15 * policy_ramp(end)) * young,
                {"ANBR_NETVAERK": 4, "ANBR_PLEJEFAMILIE_FORSTAERKET": 3, "ANBR_EGET_VAERELSE": 3},
                child,
                end + 1,
            )
    data = ms.build()
    # aftercare 18–22 for about half of those placed until their 18th birthday
    placed = np.char.startswith(np.array(CODES)[data["code"]], "ANBR_") & data["at18"]
    ms.follow(0.5 * placed, {"EFTERVAERN": 1}, data["child"], data["end"] + 1)
    data = ms.build()
    # closer follow-up from 2020: a review ends a quarter of the lost-earnings grants running in March 2020
    review = day_number(date(2020, 3, 1))
    lost = (
        (data["code"] == CODES.index("TABT_ARBEJDSFORTJENESTE"))
        & (data["start"] < review)
        & (data["end"] > review + 300)
    )
    stop = lost & (rng.random(lost.size) < 0.25)
    data["end"][stop] = review + rng.integers(0, 300, stop.sum())
    return data, ms.birth


# --------------------------------------------------------------------------------------------- staff


def _employments(
    rng: np.random.Generator, cal: Calendar, positions: list[tuple[str, str, int, float, float]]
) -> dict:
    """Employments from 2018 (so turnover over the 12 months before January 2019 is right) to the extract.
    positions: (role, team, opened day, exits a year before 2022, from 2022). Per role and team, departures
    come at a steady pace (positions × rate a year, evenly spaced with jitter, so a department of ~50 has a
    stable turnover); each takes a random holder (tenures are then exponential: many short, a few very long),
    and the position is filled again after a vacancy of 3 weeks to 4 months, often on the 1st."""
    role = np.array([p[0] for p in positions])
    team = np.array([p[1] for p in positions])
    opened = np.array([p[2] for p in positions], np.int64)
    rate = np.array([[p[3], p[4]] for p in positions])
    sim, cut = day_number(STAFF_FROM) - int(YEAR), day_number(date(2022, 1, 1))
    # whoever holds a position when the simulation starts was hired an exponential time before
    cur = np.where(
        opened <= sim,
        sim - np.minimum(rng.exponential(1 / rate[:, 0]) * YEAR, 40 * YEAR).astype(np.int64),
        opened + rng.integers(0, 365, opened.size),
    )  # new positions filled over a year
    rows: list[tuple[int, int, int]] = []
    for key in dict.fromkeys(zip(role, team, strict=True)):
        group = np.flatnonzero((role == key[0]) & (team == key[1]))
        t = sim + rng.random() * YEAR / (group.size * rate[group[0], 0])
        while t < cal.as_of:
            filled = group[cur[group] <= t]
            if filled.size:
                i = filled[rng.integers(filled.size)]
                left = month_start(month_index(np.array([t])) + 1)[0] - 1  # most resign to the end of a month
                left = max(cur[i], left if left <= cal.as_of and rng.random() < 0.65 else t)
                rows.append((i, cur[i], left))
                nxt = left + rng.integers(20, 120)
                cur[i] = month_start(month_index(np.array([nxt])) + 1)[0] if rng.random() < 0.6 else nxt
            r = rate[group[0], 0 if t < cut else 1] * max(1, (opened[group] <= t).sum())
            t += int(YEAR / r * rng.uniform(0.75, 1.25))
    rows += [(i, cur[i], NO_END) for i in range(opened.size) if cur[i] <= cal.as_of]
    p, h, left = (np.array(x, np.int64) for x in zip(*rows, strict=True))
    seen = left >= day_number(STAFF_FROM)
    p, h, left = p[seen], h[seen], left[seen]
    order = np.lexsort((p, h))
    p, h, left = p[order], h[order], left[order]
    n = p.size
    # ids in order of hiring; a few rehires (same id) of someone of the same role who left at least 6 months before
    ids = np.arange(1, n + 1)
    pool: dict[str, list[tuple[int, int]]] = {}
    rehire = rng.random(n) < 0.05
    for i in range(n):
        cands = [c for c in pool.get(role[p[i]], []) if c[1] <= h[i] - 180]
        if rehire[i] and h[i] > cal.start and cands:
            pool[role[p[i]]].remove(cands[0])
            ids[i] = cands[0][0]
        if left[i] < NO_END:
            pool.setdefault(role[p[i]], []).append((ids[i], left[i]))
    ids = np.unique(ids, return_inverse=True)[1] + 1  # numbered without gaps, in order of first hire
    return {
        "no": ids,
        "role": role[p],
        "team": team[p],
        "hired": h,
        "left": left,
        "gone": left < NO_END,
        "fte": pick(rng, n, *zip(*FTES, strict=True)),
        "reason": pick(rng, n, *zip(*LEAVE_REASONS, strict=True)),
    }


# --------------------------------------------------------------------------------------------- one municipality


def _cases(rng: np.random.Generator, cal: Calendar, m: dict, birth: np.ndarray, district: dict) -> dict:
    """A child's measures merged across gaps of up to 3 months make a case, opened up to 2 months before the
    first decision and closed 1–8 weeks after the last measure ends; open while a measure runs past the extract.
    Team by the child: disabled children (lost earnings, extra costs), young people (14+), else by district."""
    sorter = np.lexsort((m["start"], m["child"]))
    c, s = m["child"][sorter], m["start"][sorter]
    e = np.where(m["end_known"] & (m["end"] <= cal.as_of), m["end"], cal.as_of + 100_000)[sorter]
    run = np.maximum.accumulate(c * np.int64(1 << 40) + e) - c * np.int64(
        1 << 40
    )  # latest end so far, per child
    new = np.r_[True, (c[1:] != c[:-1]) | (s[1:] > run[:-1] + 90)]
    seg, heads = np.cumsum(new) - 1, np.flatnonzero(new)
    n = heads.size
    decided = np.where(m["decided_known"], m["decided"], m["start"])[sorter]
    opened = np.minimum.reduceat(decided, heads) - rng.integers(0, 60, n)
    closed = np.maximum.reduceat(run, heads) + rng.integers(7, 60, n)
    is_open = closed > cal.as_of
    child = c[heads]
    handicap = np.zeros(n, bool)
    np.logical_or.at(
        handicap, seg, np.isin(np.array(CODES)[m["code"][sorter]], ["TABT_ARBEJDSFORTJENESTE", "MERUDGIFTER"])
    )
    north = np.isin(np.array([district[x] for x in child.tolist()]), ["Nord", "Øst"])
    young = opened - birth[child] >= 14 * YEAR
    team = np.where(
        handicap, "Team Handicap", np.where(young, "Team Unge", np.where(north, "Team Nord", "Team Syd"))
    )
    return {
        "child": child,
        "team": team,
        "opened": opened,
        "closed": closed,
        "is_open": is_open,
        "last": np.where(is_open, cal.as_of, closed),
    }


def _staff_and_caseworkers(rng: np.random.Generator, cal: Calendar, cases: dict) -> tuple[dict, np.ndarray]:
    """Staff, with caseworker positions per team sized from its cases (~30 cases a position in 2019, ~26 after
    the extra hires of 2021), and each case's caseworker: one employed on the case's last day, of the case's
    team when the team has one then (when a caseworker leaves, the cases go to the others)."""
    months = np.arange(month_index(np.array([cal.start]))[0], month_index(np.array([cal.end]))[0] + 1)
    ends = month_start(months + 1) - 1
    active = (cases["opened"][:, None] <= ends) & (cases["last"][:, None] >= ends)
    late = ends >= day_number(date(2022, 1, 1))
    positions = []
    for t in TEAMS:
        load = active[cases["team"] == t].sum(axis=0)
        base = max(1, round(load[:12].mean() / 30))
        more = max(0, round(load[late].mean() / 26) - base) if late.any() else 0
        positions += [("raadgiver", t, 0, 0.36, 0.3)] * base
        positions += [("raadgiver", t, day_number(date(2021, 3, 1)), 0.36, 0.3)] * more
    positions += [(r, t, 0, rate, rate) for r, t, count, rate in OTHER_STAFF for _ in range(count)]
    st = _employments(rng, cal, positions)
    rg = np.flatnonzero(st["role"] == "raadgiver")
    left = np.where(st["gone"], st["left"], cal.as_of)[rg]
    day = cases["last"][:, None]
    on = (st["hired"][rg] <= day) & (left >= day)
    score = on * (2 * (st["team"][rg] == cases["team"][:, None]) + rng.random(on.shape))
    return st, rg[score.argmax(axis=1)]


def municipality_tables(
    no: int, seed: int, cal: Calendar, catalogue: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng([seed, no])
    k = f"K{no:03d}-"
    m, birth = _generate_measures(rng, cal)

    # the extract: measures running in 2019 or later that have started, or are decided and start next month
    decided_in_time = (m["start"] <= cal.horizon) & (m["decided"] <= cal.as_of)
    keep = (m["end"] >= cal.start) & ((m["start"] <= cal.as_of) | decided_in_time)
    order = np.lexsort((m["child"][keep], m["start"][keep]))
    m = {key: v[keep][order] for key, v in m.items()}
    n = m["start"].size
    open_p = np.array([KINDS[c].p_no_end for c in CODES])[m["code"]]
    m["end_known"] = (m["end"] <= cal.horizon) | (rng.random(n) >= open_p)  # ends within a month are known
    m["decided_known"] = (rng.random(n) >= 0.02) | (m["start"] > cal.as_of)  # a few decisions lack their date

    # children, numbered by their first measure
    used, first = np.unique(m["child"], return_index=True)
    used = used[np.argsort(first)]
    child_no = np.empty(birth.size, np.int64)
    child_no[used] = np.arange(1, used.size + 1)
    district = pick(rng, used.size, DISTRICTS, [0.3, 0.25, 0.2, 0.25])
    children = pl.DataFrame(
        {
            "child_id": pseudo_ids(k + "B", np.arange(1, used.size + 1), 6),
            "birth_date": date_column(birth[used]),
            "sex": pick(rng, used.size, ("M", "K", ""), [0.52, 0.47, 0.01]),
            "district": district,
        }
    ).with_columns(pl.col("sex").replace("", None))

    cs = _cases(rng, cal, m, birth, dict(zip(used.tolist(), district.tolist(), strict=True)))
    st, worker = _staff_and_caseworkers(rng, cal, cs)
    order = np.argsort(cs["opened"], kind="stable")  # case ids in order of opening
    cases = pl.DataFrame(
        {
            "case_id": pseudo_ids(k + "S", np.arange(1, order.size + 1), 6),
            "child_id": pseudo_ids(k + "B", child_no[cs["child"][order]], 6),
            "caseworker_id": pseudo_ids(k + "M", st["no"][worker[order]], 4),
            "team": st["team"][worker[order]],
            "opened_on": date_column(cs["opened"][order]),
            "closed_on": date_column(cs["closed"][order], ~cs["is_open"][order]),
        }
    )
    staff = pl.DataFrame(
        {
            "employee_id": pseudo_ids(k + "M", st["no"], 4),
            "role": st["role"],
            "team": st["team"],
            "fte": st["fte"],
            "hired_on": date_column(st["hired"]),
            "left_on": date_column(st["left"], st["gone"]),
            "leave_reason": pl.Series(st["reason"]).scatter(np.flatnonzero(~st["gone"]), None),
        }
    )
    prov = np.array(PROVIDER_ROWS, dtype=object)
    measures = pl.DataFrame(
        {
            "measure_id": pseudo_ids(k + "F", np.arange(1, n + 1), 6),
            "child_id": pseudo_ids(k + "B", child_no[m["child"]], 6),
            "measure_code": np.array(CODES)[m["code"]],
            "provider_type": prov[m["prov"], 1].astype(str),
            "provider_name": prov[m["prov"], 2].astype(str),
            "start_on": date_column(m["start"]),
            "end_on": date_column(m["end"], m["end_known"]),
            "monthly_cost_dkk": pl.Series(np.where(m["cost"] > 0, m["cost"], np.nan)).fill_nan(None),
            "decided_on": date_column(m["decided"], m["decided_known"]),
        }
    )
    payments, spend = payments_table(rng, cal, m, measures, catalogue, k)
    last = payments["posted_on"].max()
    v2 = demo_compliance.generate(
        np.random.default_rng([seed, no, 2]),  # a stream of its own: the v1 tables stay as they were
        k,
        CODES,
        day_number(last) if last is not None else cal.end,
        cal.start,
        birth,
        child_no,
        used,
        m,
        measures["measure_id"],
        cs,
        catalogue,
    )
    return {
        "children": children,
        "cases": cases,
        "measures": measures,
        "payments": payments,
        "staff": staff,
        "spend": spend,
    } | v2
