"""`make bench` / `python -m mi bench --scales 1,10,98 --out FILE.json`.

For each scale (municipalities of demo data): import and build time, database size, each mart's query time, each
page's AppTest run with empty caches (cold) and again (warm), `python -m mi kpis` for one month, peak memory; medians
of several runs. Two ratios: vs_pandas = `python -m mi kpis` ÷ the plain pandas script (bench/pandas_kpis.py) on the
same CSV files, both as fresh processes, reading included; vs_floor = the slowest cold page ÷ the floor (an empty
page's cold AppTest run + one DuckDB aggregation of all payments by month: a page cannot beat the method's own cost
plus one pass over its data).

Not part of the test suite: nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable

GOALS_98 = {
    "import_s": 60.0,
    "page_warm_s": 0.3,
    "page_cold_s": 1.5,
    "kpis_s": 2.0,
    "vs_pandas": 0.2,
    "vs_floor": 2.5,
    "peak_memory_mb": 1536.0,
}


LOAD_GOAL = {"p95_s": 2.0, "server_peak_rss_mb": 2048.0}


def _timed_process(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a command as a fresh process: (seconds, peak RSS in MB of that process, stdout)."""
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'s': dt, 'mb': rss, 'rc': p.returncode, 'out': p.stdout[-20000:], 'err': p.stderr[-4000:]}))\n"
    )
    res = subprocess.run(
        [PY, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    data = json.loads(res.stdout)
    if data["rc"] != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {data['err']}")
    return data["s"], data["mb"], data["out"]


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def _demo(scale: int) -> Path:
    folder = OUT / f"demo-{scale}"
    if not (folder / "payments.csv").exists():
        t = time.perf_counter()
        subprocess.run(
            [PY, "-m", "mi", "demo", "--out", str(folder), "--scale", str(scale)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(f"  demo scale {scale} written in {time.perf_counter() - t:.1f} s", flush=True)
    return folder


def _marts() -> list[str]:
    from mi import db

    return [p.stem for layer, p in db.view_files() if layer == "marts"]


def _mart_sql(con, mart: str) -> tuple[str, bool]:
    """How to read the mart for one month: (sql, whether it takes $m). A parametrised mart (a table macro) is
    called with p_month (or, for a range of months, p_to alone: the month), its filters NULL (all)."""
    from mi import db

    path = next(p for _, p in db.view_files() if p.stem == mart)
    params = db.view_params(path)
    for month_param in ("p_month", "p_to"):
        if month_param in params:
            return f"select * from {mart}({month_param} := $m)", True
    if params:
        return f"select * from {mart}()", False
    cols = [r[0] for r in con.sql(f"select * from {mart} limit 0").description]
    return (
        (f"select * from {mart} where month = $m", True)
        if "month" in cols
        else (f"select * from {mart}", False)
    )


def _mart_times(db_path: Path, month: date, runs: int) -> dict[str, float]:
    from mi import db

    con = db.connect(db_path)
    out = {}
    for mart in _marts():
        sql, monthly = _mart_sql(con, mart)
        params = {"m": month} if monthly else None
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            db.query(con, sql, params)
            times.append(time.perf_counter() - t)
        out[mart] = _median(times)
    con.close()
    return out


def _scan_time(db_path: Path, runs: int) -> float:
    from mi import db

    con = db.connect(db_path)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        db.query(
            con, "select date_trunc('month', posted_on) as month, sum(amount_dkk) from payments group by 1"
        )
        times.append(time.perf_counter() - t)
    con.close()
    return _median(times)


EMPTY_PAGE = """import streamlit as st

st.title("Tom side")
st.write("Intet andet.")
"""


def _empty_page_time(runs: int) -> float:
    """An empty page (a title and a line) run cold through AppTest: the method's own cost, the floor's first part."""
    import streamlit as st
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    logger.set_log_level("error")
    times = []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_string(EMPTY_PAGE, default_timeout=120)
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        if at.exception:
            raise RuntimeError(f"empty page: {at.exception[0].message}")
    return _median(times)


def _page_times(db_path: Path, runs: int) -> dict[str, dict[str, float]]:
    """Each page as role leder through AppTest: cold (caches cleared, a new session opening the page) and warm
    (the same session runs it again)."""
    import streamlit as st
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    from mi import charts

    logger.set_log_level("error")  # AppTest outside a server warns "no runtime" at every run
    os.environ["MI_DB"] = str(db_path)
    os.environ["MI_ROLE"] = "leder"
    out: dict[str, dict[str, float]] = {}
    pages = sorted(p for p in (ROOT / "pages").glob("*.py"))
    for page in pages:
        cold, warm = [], []
        for _ in range(runs):
            st.cache_data.clear()
            st.cache_resource.clear()
            charts.clear_memo()
            # cold: a new session on this page with every cache empty (the frame's connection and month list
            # included); warm: the same page run again, as when a user changes nothing or comes back
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.switch_page(f"pages/{page.name}")
            t = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t)
            if at.exception:
                raise RuntimeError(f"{page.name}: {at.exception[0].message}")
        out[page.stem] = {"cold_s": _median(cold), "warm_s": _median(warm)}
    return out


def bench_scale(scale: int, runs: int) -> dict:
    from mi import db, kpi

    folder = _demo(scale)
    db_path = OUT / f"scale-{scale}.duckdb"
    env = {**os.environ, "MI_DB": str(db_path)}
    imports, import_mb = [], []
    for _ in range(runs):
        db_path.unlink(missing_ok=True)
        s, mb, _ = _timed_process([PY, "-m", "mi", "import", "--data", str(folder)], env)
        imports.append(s)
        import_mb.append(mb)
    con = db.connect(db_path)
    month = kpi.data_range(con)["default_month"]
    con.close()
    kp, kp_mb, pd_times = [], [], []
    for _ in range(runs):
        s, mb, _ = _timed_process([PY, "-m", "mi", "kpis", "--month", f"{month:%Y-%m}"], env)
        kp.append(s)
        kp_mb.append(mb)
        s, _, _ = _timed_process(
            [PY, str(ROOT / "bench" / "pandas_kpis.py"), str(folder), f"{month:%Y-%m}"], env
        )
        pd_times.append(s)
    rows = {t.stem: sum(1 for _ in t.open(encoding="utf-8")) - 1 for t in sorted(folder.glob("*.csv"))}
    marts = _mart_times(db_path, month, runs)
    scan = _scan_time(db_path, runs)
    empty = _empty_page_time(runs)
    pages = _page_times(db_path, runs)
    slowest_cold = max((p["cold_s"] for p in pages.values()), default=None)
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "scale": scale,
        "rows": rows,
        "month": f"{month:%Y-%m}",
        "import_s": _median(imports),
        "db_mb": round(db_path.stat().st_size / 1e6, 1),
        "kpis_s": _median(kp),
        "pandas_s": _median(pd_times),
        "vs_pandas": round(_median(kp) / _median(pd_times), 3),
        "scan_s": scan,
        "empty_page_s": empty,
        "floor_s": round(empty + scan, 4),
        "vs_floor": round(slowest_cold / (empty + scan), 2) if slowest_cold else None,
        "marts_s": marts,
        "pages": pages,
        "peak_memory_mb": round(max(max(import_mb), max(kp_mb), self_mb), 1),
        "peak_memory_mb_by_step": {
            "import": round(max(import_mb), 1),
            "kpis": round(max(kp_mb), 1),
            "pages_and_marts": round(self_mb, 1),
        },
    }
    return result


def table(results: list[dict]) -> str:
    lines = [
        "| scale | payments | import+build s | db MB | kpis s | pandas s | vs_pandas | slowest page cold s "
        "| slowest page warm s | empty page s | scan s | vs_floor | peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        cold = max((p["cold_s"] for p in r["pages"].values()), default=float("nan"))
        warm = max((p["warm_s"] for p in r["pages"].values()), default=float("nan"))
        lines.append(
            f"| {r['scale']} | {r['rows'].get('payments', 0):,} | {r['import_s']:.1f} | {r['db_mb']:.0f} | "
            f"{r['kpis_s']:.2f} | {r['pandas_s']:.2f} | {r['vs_pandas']:.3f} | {cold:.2f} | {warm:.2f} | "
            f"{r['empty_page_s']:.3f} | {r['scan_s']:.3f} | {r['vs_floor']} | {r['peak_memory_mb']:.0f} |"
        )
    return "\n".join(lines)


def goals(result: dict) -> list[tuple[str, float, float, bool]]:
    """(goal, measured, limit, met) for one scale's result against the goals at 98 municipalities."""
    pages = result["pages"].values()
    measured = {
        "import_s": result["import_s"],
        "page_warm_s": max((p["warm_s"] for p in pages), default=float("nan")),
        "page_cold_s": max((p["cold_s"] for p in pages), default=float("nan")),
        "kpis_s": result["kpis_s"],
        "vs_pandas": result["vs_pandas"],
        "vs_floor": result["vs_floor"],
        "peak_memory_mb": result["peak_memory_mb"],
    }
    return [
        (k, measured[k], limit, measured[k] is not None and measured[k] <= limit)
        for k, limit in GOALS_98.items()
    ]


def write_readme(doc: dict, path: Path = ROOT / "bench" / "README.md") -> None:
    """Put the results table and the goal check between the markers of bench/README.md."""
    m = doc["machine"]
    lines = [
        "<!-- results:start -->",
        f"Run {doc['date']} on {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']} ({m['platform']}); "
        f"medians of {doc['runs']} runs.",
        "",
        table(doc["results"]),
        "",
    ]
    for r in doc["results"]:
        if r["scale"] == 98:
            lines += [
                "Goals at 98 municipalities:",
                "",
                "| goal | measured | limit | met |",
                "|---|---:|---:|---|",
            ]
            lines += [f"| {k} | {v} | {lim} | {'ja' if ok else '**nej**'} |" for k, v, lim, ok in goals(r)]
            lines += [""]
        lines += [
            f"Pages at scale {r['scale']} (s): "
            + ", ".join(
                f"{name} {p['cold_s']:.2f} cold / {p['warm_s']:.3f} warm" for name, p in r["pages"].items()
            ),
            "",
        ]
    lines.append("<!-- results:end -->")
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "<!-- results:start -->\n<!-- results:end -->\n"
    )
    start, end = (
        text.index("<!-- results:start -->"),
        text.index("<!-- results:end -->") + len("<!-- results:end -->"),
    )
    path.write_text(text[:start] + "\n".join(lines) + text[end:], encoding="utf-8")


def _numbers(text: str | None) -> list[int]:
    return [int(s) for s in str(text or "").split(",") if s.strip()]


def _load_db(scale: int) -> Path:
    """The scale's database of the benchmark (built by the import measured above, or now if there is none)."""
    db_path = OUT / f"scale-{scale}.duckdb"
    if not db_path.exists():
        folder = _demo(scale)
        env = {**os.environ, "MI_DB": str(db_path)}
        subprocess.run([PY, "-m", "mi", "import", "--data", str(folder)], env=env, cwd=ROOT, check=True)
    return db_path


def load_table(load: dict) -> str:
    lines = [
        f"Load test at scale {load['scale']} ({load['client']}; sessions started over {load['ramp_s']} s, "
        f"think time {load['think_s']} s on average):",
        "",
        "| sessions | complete | pages | p50 s | p95 s | max s | errors | error boxes | wall s | server CPU s "
        "| client CPU s | server peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in load["results"]:
        lines.append(
            f"| {r['sessions']} | {r['sessions_complete']} | {r['pages']} | {r['p50_s']} | {r['p95_s']} | "
            f"{r['max_s']} | {r['errors']} | {r['error_boxes']} | {r['wall_s']} | {r['server_cpu_s']} | "
            f"{r['client_cpu_s']} | {r['server_peak_rss_mb']:.0f} |"
        )
    lines.append("")
    lines.append(
        "Each step by N (p50 / max s): "
        + "; ".join(
            f"N={r['sessions']}: "
            + ", ".join(f"{k} {v['p50_s']}/{v['max_s']}" for k, v in r["by_step"].items())
            for r in load["results"]
        )
    )
    biggest = max(load["results"], key=lambda r: r["sessions"])
    ok = biggest["p95_s"] is not None and biggest["p95_s"] <= LOAD_GOAL["p95_s"]
    mem_ok = biggest["server_peak_rss_mb"] <= LOAD_GOAL["server_peak_rss_mb"]
    err_ok = biggest["errors"] == 0 and biggest["sessions_complete"] == biggest["sessions"]
    yn = lambda b: "ja" if b else "**nej**"  # noqa: E731
    lines += [
        "",
        f"Goal at N = {biggest['sessions']}:",
        "",
        "| goal | measured | limit | met |",
        "|---|---:|---:|---|",
        f"| p95_s | {biggest['p95_s']} | {LOAD_GOAL['p95_s']} | {yn(ok)} |",
        f"| errors | {biggest['errors']} | 0 | {yn(err_ok)} |",
        f"| server_peak_rss_mb | {biggest['server_peak_rss_mb']} | {LOAD_GOAL['server_peak_rss_mb']} | {yn(mem_ok)} |",
    ]
    if biggest["error_samples"]:
        lines += ["", "Errors (first five): " + " · ".join(biggest["error_samples"])]
    return "\n".join(lines)


def _load_marker(load: dict) -> str:
    return f"load ramp={load['ramp_s']:g} think={load['think_s']:g}"


def write_load_readme(load: dict, path: Path = ROOT / "bench" / "README.md") -> None:
    """Put the load test's table between its markers in bench/README.md (one pair per ramp and think time)."""
    text = path.read_text(encoding="utf-8")
    start, end = f"<!-- {_load_marker(load)}:start -->", f"<!-- {_load_marker(load)}:end -->"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    a, b = text.index(start), text.index(end) + len(end)
    body = f"{start}\nRun {load['date']} on {os.cpu_count()} cores.\n\n{load_table(load)}\n{end}"
    path.write_text(text[:a] + body + text[b:], encoding="utf-8")


def _with_load(doc: dict, load: dict) -> dict:
    """doc's load runs with `load` in place of an earlier run of the same ramp and think time."""
    runs = doc.get("load") or []
    runs = [runs] if isinstance(runs, dict) else runs
    doc["load"] = [r for r in runs if _load_marker(r) != _load_marker(load)] + [load]
    return doc


def run_load(scale: int, sessions: list[int], ramp_s: float, think_s: float) -> dict:
    from bench import load  # noqa: PLC0415

    print(f"load test at scale {scale}: sessions {sessions} …", flush=True)
    results = load.load_test(_load_db(scale), sessions, OUT / "load", ramp_s=ramp_s, think_s=think_s)
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "scale": scale,
        "client": "Streamlit's websocket protocol (bench/load.py), one asyncio process",
        "ramp_s": ramp_s,
        "think_s": think_s,
        "steps": list(load.STEPS),
        "goal": LOAD_GOAL,
        "results": results,
    }


def cli_bench(args) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    sessions = _numbers(getattr(args, "sessions", None))
    scales = _numbers(args.scales if args.scales is not None or sessions else "1,10,98")
    results = []
    for scale in scales:
        print(f"scale {scale} …", flush=True)
        results.append(bench_scale(scale, args.runs))
        print(table(results[-1:]), flush=True)
    load = run_load(max(scales, default=98), sessions, args.ramp, args.think) if sessions else None
    if not results:  # the load test alone: the scales' results of the last run stay
        previous = Path(args.out)
        doc = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else {}
        doc = _with_load(doc, load)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        write_load_readme(load)
        print(load_table(load))
        print(f"written {args.out} and bench/README.md")
        return 0
    doc = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "runs": args.runs,
        "goals_at_98": GOALS_98,
        "results": results,
    }
    if load:
        doc = _with_load(doc, load)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(results))
    write_readme(doc)
    if load:
        write_load_readme(load)
        print(load_table(load))
    print(f"written {args.out} and bench/README.md")
    return 0
