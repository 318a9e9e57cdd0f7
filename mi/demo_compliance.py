"""The demo municipality's case handling (contract v2): notifications, investigations and activities.

Volumes. Statistics Denmark's UND1/UND2 (underretninger om børn og unge; "Underretninger", statistikbanken.dk,
2019–2023) count roughly 130.000–150.000 notifications a year on ~1,2 mio. children aged 0–17: about 11–12 a
year per 100 children, and the children notified are about 45 % as many as the notifications (many children
are notified more than once: a school and the police about the same incident, or again months later). The demo
municipality has ~7.500 inhabitants aged 0–22 (mi.demo), so ~5.900 aged 0–17 (18/23 of them) and
0,117 × 5.900 ≈ 690 notifications a year. They come in clusters: a first notification and on average
CLUSTER_EXTRA more about the same child within four months (≈ 2,2 a child, so ~50 % as many children as
notifications). A third of the cases open on a notification (AT_CASE); the other first notifications are on
children of the municipality's children table aged 0–17 that day (every notification names a known child: a
notification on a child with no case at all would need a child row the v1 demo does not have).

Rates start near the national level of Ankestyrelsen's Børnesagsbarometer 2023 (DOMAIN.md: 24-hour assessment
96 %, investigation within 4 months 34 %, child talk 95 %, plan 79 %, 6-month follow-up 51 %, supervision
twice a year 73 %) and improve with the council's policy (mi.demo_base.policy_ramp: from 2020, fully from 2023).

The mess of a real case system: a share of receipts and assessments are registered without a time of day,
some notifications never get an assessment registered, an assessment registered days late carries the later
date, some notifications lack a source, and supervision visits do not always name the placement's measure.
Nothing is dated after the municipality's last posting (its "data as of"), and nothing makes the import warn
(the demo's only warnings stay the late payments of tests/mi/test_demo_kpis.py).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mi.demo_base import POPULATION_0_22, YEAR, date_column, month_index, month_start, policy_ramp, pseudo_ids

CHILDREN_0_17 = round(POPULATION_0_22 * 18 / 23)
NOTIFICATIONS_PER_CHILD = 0.117  # a year, UND1/UND2 (see above)
AT_CASE = 0.35  # cases opened on a notification (the rest: the family asked, or a case moved in)
CLUSTER_EXTRA = 1.2  # more notifications about the same child after a first one (Poisson mean)
SOURCES = {
    "politi": 0.24,
    "skole": 0.2,
    "sundhed": 0.12,
    "andet": 0.11,
    "familie": 0.09,
    "borger": 0.09,
    "dagtilbud": 0.07,
    "anonym": 0.06,
}
# (2019, from 2023): the share that keeps the rule or the habit
RECEIVED_HAS_TIME = (0.86, 0.96)
ASSESSED_HAS_TIME = (0.85, 0.92)
NOT_ASSESSED = (0.03, 0.01)
ASSESSED_IN_24H = (0.93, 0.975)  # of those assessed; with the missing ones c2 starts near 0,91
INVESTIGATED = 0.8  # cases opened with a børnefaglig undersøgelse
ON_TIME = (0.34, 0.62)
CHILD_TALK = (0.94, 0.98)
PLAN = (0.85, 0.94)
FOLLOW_UP = (0.56, 0.84)
SUPERVISION_VISIT = (0.85, 0.95)  # each half-yearly visit; twice in a year ≈ its square: 0,72 → 0,90


def _rate(days: np.ndarray, shares: tuple[float, float]) -> np.ndarray:
    return shares[0] + (shares[1] - shares[0]) * policy_ramp(days)


def add_months(days: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Day numbers k months later: the same day of the month, or the month's last day when it is shorter."""
    d = np.asarray(days).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_in = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(k)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]").astype(np.int64) + np.minimum(day_in, length - 1)


def _stamp(seconds: np.ndarray, has_time: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Seconds since 1970 as ISO text: `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD` where not has_time; empty where not
    valid."""
    moment = pl.Series((seconds * 1000).astype("datetime64[ms]"))
    text = pl.select(
        pl.when(pl.lit(pl.Series(has_time)))
        .then(moment.dt.strftime("%Y-%m-%d %H:%M"))
        .otherwise(moment.dt.strftime("%Y-%m-%d"))
    ).to_series()
    return text if valid is None else text.scatter(np.flatnonzero(~valid), None)


def _slots(rng: np.random.Generator, start: np.ndarray, last: np.ndarray, first_after: np.ndarray) -> tuple:
    """Half-yearly due days per row from `first_after` months after its start while on or before `last`:
    (row, due day)."""
    n = np.maximum(0, ((last - start) / (YEAR / 2)).astype(np.int64) + 1)
    row = np.repeat(np.arange(start.size), n)
    j = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    due = add_months(start[row], first_after[row] + 6 * j)
    keep = due <= last[row]
    return row[keep], due[keep]


def generate(
    rng: np.random.Generator,
    k: str,
    codes: tuple[str, ...],
    last: int,
    first: int,
    birth: np.ndarray,
    child_no: np.ndarray,
    used: np.ndarray,
    m: dict[str, np.ndarray],
    measure_ids: pl.Series,
    cases: dict[str, np.ndarray],
    catalogue: pl.DataFrame,
) -> dict[str, pl.DataFrame]:
    """The three tables for one municipality. codes: the measure codes by their number in m["code"]; last: its
    data as of (day number, its latest posting); first: 2019-01-01; birth/child_no: per child index; used: the
    indices of the children written; m: the measures as written (arrays, true ends) with their ids; cases:
    mi.demo._cases (child index, opened, closed, is_open)."""
    child_of = lambda idx: pseudo_ids(k + "B", child_no[idx], 6)  # noqa: E731

    # ---------------------------------------------------------------- notifications
    opened = cases["opened"]
    # from four months before 2019, so that January 2019 has the later notifications of earlier clusters
    begin = first - 120
    at_case = np.flatnonzero((opened >= begin + 30) & (opened <= last) & (rng.random(opened.size) < AT_CASE))
    case_received = opened[at_case] - rng.integers(0, 30, at_case.size)
    # the other first notifications, on children of the children table aged 0–17: month by month, as many as
    # make up the month's expected first notifications with those at a case's opening (the extract knows only
    # the cases opened so far, so its last months have fewer of those, not fewer notifications)
    month = np.arange(month_index(np.array([begin]))[0], month_index(np.array([last]))[0] + 1)
    start = np.maximum(month_start(month), begin)
    stop = np.minimum(month_start(month + 1), last + 1)
    expected = NOTIFICATIONS_PER_CHILD * CHILDREN_0_17 * (stop - start) / YEAR / (1 + CLUSTER_EXTRA)
    at_case_in = np.bincount(month_index(case_received) - month[0], minlength=month.size)[: month.size]
    wanted = np.maximum(0, expected - at_case_in)
    count = np.diff(np.floor(np.cumsum(wanted) + rng.random()), prepend=0).astype(np.int64)
    which = np.repeat(np.arange(month.size), count)
    day = np.sort(start[which] + (rng.random(which.size) * (stop - start)[which]).astype(np.int64))
    by_birth = used[np.argsort(birth[used], kind="stable")]
    born = birth[by_birth]
    lo = np.searchsorted(born, day - np.int64(18 * YEAR) + 1)
    hi = np.searchsorted(born, day, side="right")
    ok = hi > lo
    day, lo, hi = day[ok], lo[ok], hi[ok]
    pick = by_birth[lo + (rng.random(day.size) * (hi - lo)).astype(np.int64)]
    child = np.concatenate([cases["child"][at_case], pick])
    received = np.concatenate([case_received, day])
    # more notifications about the same child within four months
    extra = rng.poisson(CLUSTER_EXTRA, child.size)
    src = np.repeat(np.arange(child.size), extra)
    child = np.concatenate([child, child[src]])
    received = np.concatenate([received, received[src] + rng.integers(1, 120, src.size)])
    keep = (received >= first) & (received <= last) & (received >= birth[child])
    child, received = child[keep], received[keep]
    n = child.size
    working = rng.random(n) < 0.75  # most in working hours, some at night (the police)
    hour = np.where(working, 8 + rng.random(n) * 8, rng.random(n) * 24)
    at = received * 86_400 + (hour * 3600).astype(np.int64) // 60 * 60
    received_timed = rng.random(n) < _rate(received, RECEIVED_HAS_TIME)
    in_time = rng.random(n) < _rate(received, ASSESSED_IN_24H)
    delay = np.where(
        in_time,
        rng.uniform(0.25, 23.9, n) * 3600,
        (24 + 1 + rng.exponential(72, n)) * 3600,
    ).astype(np.int64)
    assessed = (at + delay) // 60 * 60
    assessed_timed = rng.random(n) < _rate(received, ASSESSED_HAS_TIME)
    assessed_ok = (rng.random(n) >= _rate(received, NOT_ASSESSED)) & (assessed // 86_400 <= last)
    # a date-only receipt is the day it came in; an assessment then is counted by dates (DOMAIN.md c2)
    order = np.lexsort((child, at))
    sources = np.asarray(list(SOURCES))[
        rng.choice(len(SOURCES), n, p=np.array(list(SOURCES.values())) / sum(SOURCES.values()))
    ]
    no_source = rng.random(n) < 0.02
    notifications = pl.DataFrame(
        {
            "notification_id": pseudo_ids(k + "U", np.arange(1, n + 1), 6),
            "child_id": child_of(child[order]),
            "received_at": _stamp(at[order], received_timed[order]),
            "source": pl.Series(sources[order]).scatter(np.flatnonzero(no_source[order]), None),
            "assessed_at": _stamp(assessed[order], assessed_timed[order], assessed_ok[order]),
        }
    )

    # ---------------------------------------------------------------- investigations
    case_first = {int(c): int(r) for c, r in zip(at_case, case_received, strict=True)}
    inv = np.flatnonzero(
        (opened >= first - 500) & (opened <= last) & (rng.random(opened.size) < INVESTIGATED)
    )
    started = np.array([case_first.get(int(c), -1) for c in inv], np.int64)
    started = np.where(started < 0, opened[inv] - rng.integers(0, 20, inv.size), started)
    inv_child = cases["child"][inv]
    keep = (started <= last) & (started >= birth[inv_child])
    started, inv_child = started[keep], inv_child[keep]
    n = started.size
    deadline = add_months(started, 4)
    on_time = rng.random(n) < _rate(started, ON_TIME)
    completed = np.where(
        on_time,
        started + (rng.uniform(0.35, 1.0, n) * (deadline - started)).astype(np.int64),
        deadline + 1 + rng.exponential(55, n).astype(np.int64),
    )
    done = completed <= last
    talked = rng.random(n) < _rate(started, CHILD_TALK)
    span = np.minimum(completed, last) - started
    talk = started + (rng.uniform(0.1, 0.9, n) * span).astype(np.int64)
    has_talk = talked & (talk <= last)
    order = np.lexsort((inv_child, started))
    investigations = pl.DataFrame(
        {
            "investigation_id": pseudo_ids(k + "I", np.arange(1, n + 1), 6),
            "child_id": child_of(inv_child[order]),
            "started_on": date_column(started[order]),
            "completed_on": date_column(completed[order], done[order]),
            "child_talk_on": date_column(talk[order], has_talk[order]),
        }
    )

    # ---------------------------------------------------------------- activities
    step = dict(zip(catalogue["measure_code"], catalogue["ladder_step"], strict=True))
    placed_type = dict(zip(catalogue["measure_code"], catalogue["placement_type"], strict=True))
    code = np.asarray(codes)[m["code"]]
    step_of = np.array([int(step[c] or 0) for c in codes])[m["code"]]
    placement = np.array([placed_type[c] is not None for c in codes])[m["code"]]
    running = np.minimum(m["end"], last)
    started_m = m["start"] <= last
    # plans: every placement, half the home-based measures; around the start (some before it)
    wants_plan = started_m & (placement | ((step_of == 3) & (rng.random(code.size) < 0.5)))
    plan_on = m["start"] + rng.normal(10, 20, code.size).astype(np.int64)
    has_plan = wants_plan & (rng.random(code.size) < _rate(m["start"], PLAN)) & (plan_on <= last)
    plan_rows = np.flatnonzero(has_plan)
    # follow-ups: measures of steps 3–6, every six months from the start, around the due day
    fu = np.flatnonzero(started_m & (step_of >= 3))
    row, due = _slots(rng, m["start"][fu], running[fu], np.full(fu.size, 6))
    fu_on = np.clip(
        due + rng.normal(0, 15, due.size).astype(np.int64), m["start"][fu][row] + 1, running[fu][row]
    )
    fu_keep = rng.random(due.size) < _rate(due, FOLLOW_UP)
    fu_rows, fu_on = fu[row][fu_keep], fu_on[fu_keep]
    # supervision visits: placements, twice a year from one or two months after the start
    sv = np.flatnonzero(started_m & placement)
    row, due = _slots(rng, m["start"][sv], running[sv], rng.integers(1, 3, sv.size))
    sv_on = np.minimum(due + rng.integers(-20, 21, due.size), running[sv][row])
    sv_keep = rng.random(due.size) < _rate(due, SUPERVISION_VISIT)
    sv_rows, sv_on = sv[row][sv_keep], sv_on[sv_keep]

    rows = np.concatenate([plan_rows, fu_rows, sv_rows])
    kind = np.repeat(
        np.array(["plan", "opfoelgning", "tilsyn"]), [plan_rows.size, fu_rows.size, sv_rows.size]
    )
    on = np.concatenate([plan_on[plan_rows], fu_on, sv_on])
    named = (kind != "tilsyn") | (rng.random(rows.size) < 0.85)
    order = np.lexsort((rows, on))
    rows, kind, on, named = rows[order], kind[order], on[order], named[order]
    activities = pl.DataFrame(
        {
            "activity_id": pseudo_ids(k + "A", np.arange(1, rows.size + 1), 7),
            "child_id": child_of(m["child"][rows]),
            "activity": kind,
            "done_on": date_column(on),
            "measure_id": measure_ids.gather(pl.Series(rows)).scatter(np.flatnonzero(~named), None),
        }
    )
    return {"notifications": notifications, "investigations": investigations, "activities": activities}
