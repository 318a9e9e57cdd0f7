"""The load test: N concurrent sessions against a running `streamlit run app.py` (`python -m mi bench --sessions N`).

Each session is a real client of the server, not AppTest: it speaks Streamlit's own websocket protocol
(`/_stcore/stream`, binary `BackMsg`/`ForwardMsg` protobufs from `streamlit.proto`, the `streamlit` subprotocol), as
the browser's frontend does, and walks the committee day's path:

1. opens the app (Overblik, the default page),
2. changes the month in the sidebar to the month before,
3. opens Økonomi,
4. sets a filter on Økonomi (the first type of measure),
5. opens Udvalgsrapport.

A step's time runs from sending the rerun request to the server's `script_finished` message (the page's script has
run and every element of the page has been sent). An error is an exception element in the delta stream, a script that
did not finish successfully, a lost connection or a step that did not finish within its timeout; `st.error` boxes are
counted apart. One asyncio process runs all N sessions: a Python websocket client costs a few milliseconds of CPU a
page, where N chromium contexts would cost the server's two cores (why not Playwright: on a 2-core machine the browsers'
own CPU would be measured as the app's slowness). The client's CPU and the server's are measured apart
(getrusage of this process; utime + stime of the server's process from /proc), and the server's memory from
/proc/PID/status (VmHWM, the peak resident set, and VmRSS sampled every 0,1 s).

Bounded: only 127.0.0.1, a fixed number of sessions and steps, each step with a timeout. Nothing here asserts a time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STEP_TIMEOUT_S = 180.0
STEPS = ("overblik", "maaned", "oekonomi", "oekonomi_filter", "udvalgsrapport")
_FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
}


@dataclass
class Step:
    """One page run as the client saw it."""

    name: str
    seconds: float | None = None
    status: str = "ok"  # ok | compile_error | timeout | disconnected
    exceptions: list[str] = field(default_factory=list)
    error_boxes: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    texts: list[str] = field(
        default_factory=list
    )  # the page's markdown (captions included), 200 characters each
    bytes: int = 0

    @property
    def failed(self) -> bool:
        return self.status != "ok" or bool(self.exceptions)


class Session:
    """One browser tab's worth of Streamlit protocol: a websocket, the widget values it has set, the pages and
    widgets of its last run."""

    def __init__(self, url: str):
        self.ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.ws = None
        self.widget_values: dict[str, WidgetState] = {}
        self.pages: dict[str, str] = {}  # url path → page script hash
        self.selectboxes: dict[str, object] = {}  # label → Selectbox proto of the last run
        self.multiselects: list = []  # MultiSelect protos of the last run, in page order
        self.current = ""  # the page script hash of the last run

    async def __aenter__(self) -> Session:
        from websockets.asyncio.client import connect  # noqa: PLC0415  (a streamlit dependency)

        self.ws = await connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, name: str, page: str | None = None) -> Step:
        """Ask for a run (of `page`'s url path, or the current page) with the widget values set so far and read the
        stream until the script has finished."""
        state = ClientState(
            query_string="",
            widget_states=WidgetStates(widgets=list(self.widget_values.values())),
            context_info=ContextInfo(timezone="Europe/Copenhagen", locale="da-DK", url=self.ws_url),
        )
        if page is not None:
            state.page_script_hash = self.pages.get(page, "")
            state.page_name = page
        elif self.current:
            state.page_script_hash = self.current
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
        step = Step(name)
        t = time.perf_counter()
        try:
            await asyncio.wait_for(self._until_finished(msg, step), STEP_TIMEOUT_S)
            step.seconds = time.perf_counter() - t
        except TimeoutError:
            step.status = "timeout"
        except Exception as exc:  # the connection closed under the session  # noqa: BLE001
            step.status = f"disconnected: {type(exc).__name__}"
        return step

    async def _until_finished(self, msg: BackMsg, step: Step) -> None:
        await self.ws.send(msg.SerializeToString())
        while True:
            data = await self.ws.recv()
            step.bytes += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if (
                kind == "new_session"
            ):  # a run starts (again, after st.rerun): its page replaces the last one's
                self.selectboxes, self.multiselects = {}, []
                step.headings, step.texts, step.captions = [], [], []
                self.current = fwd.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._element(fwd.delta.new_element, step)
            elif kind == "script_finished" and fwd.script_finished in _FINISHED:
                # (FINISHED_EARLY_FOR_RERUN: the app reran itself with st.rerun; the page follows)
                step.status = _FINISHED[fwd.script_finished]
                return

    def _element(self, el, step: Step) -> None:
        kind = el.WhichOneof("type")
        if kind == "exception":
            step.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:500])
        elif kind == "alert" and el.alert.format == el.alert.ERROR:
            step.error_boxes.append(el.alert.body[:300])
        elif kind == "heading":
            step.headings.append(el.heading.body)
        elif kind == "markdown":
            step.texts.append(el.markdown.body[:200])
            if "dataversion" in el.markdown.body:
                step.captions.append(el.markdown.body)
        elif kind == "selectbox":
            self.selectboxes[el.selectbox.label] = el.selectbox
        elif kind == "multiselect":
            self.multiselects.append(el.multiselect)

    def choose(self, label: str, index: int) -> str:
        """Set the select box `label` to its option `index` for the next run; the option's text."""
        box = self.selectboxes[label]
        value = box.options[min(index, len(box.options) - 1)]
        self.widget_values[box.id] = WidgetState(id=box.id, string_value=value)
        return value

    def filter_first(self, label: str | None = None) -> str:
        """Choose the first option of the multiselect `label` (else the page's first) for the next run."""
        box = next((b for b in self.multiselects if b.label == label), self.multiselects[0])
        ws = WidgetState(id=box.id)
        ws.string_array_value.data.append(box.options[0])
        self.widget_values[box.id] = ws
        return f"{box.label} = {box.options[0]}"


async def committee_day(url: str, think_s: float = 0.0, rng: random.Random | None = None) -> list[Step]:
    """One session's path (the module's five steps). `think_s`: a pause drawn from [0, 2·think_s] before each step
    after the first, as a user reads the page."""
    rng = rng or random.Random(0)
    steps: list[Step] = []

    async def pause():
        if think_s:
            await asyncio.sleep(rng.uniform(0, 2 * think_s))

    async with Session(url) as s:
        steps.append(await s.run("overblik"))
        if steps[-1].failed:
            return steps
        await pause()
        s.choose("Måned", 1)
        steps.append(await s.run("maaned"))
        await pause()
        steps.append(await s.run("oekonomi", page="oekonomi"))
        if steps[-1].failed or not s.multiselects:
            return steps
        await pause()
        s.filter_first("Indsatstype")
        steps.append(await s.run("oekonomi_filter"))
        await pause()
        steps.append(await s.run("udvalgsrapport", page="udvalgsrapport"))
    return steps


async def _many(url: str, n: int, ramp_s: float, think_s: float, seed: int) -> list[list[Step]]:
    async def one(i: int) -> list[Step]:
        rng = random.Random(seed + i)
        await asyncio.sleep(ramp_s * i / max(n - 1, 1) if n > 1 else 0)
        try:
            return await committee_day(url, think_s, rng)
        except Exception as exc:  # could not connect  # noqa: BLE001
            return [Step("connect", status=f"disconnected: {type(exc).__name__}: {exc}")]

    return await asyncio.gather(*(one(i) for i in range(n)))


def run_coroutine(coro):
    """asyncio.run(coro), also where the calling thread already runs an event loop (Playwright's sync API keeps
    one running in the test process): then the sessions get a fresh loop on a thread of their own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def run_sessions(
    url: str, n: int, ramp_s: float = 0.0, think_s: float = 0.0, seed: int = 17
) -> list[list[Step]]:
    """N sessions at once (started evenly over `ramp_s` seconds), each walking committee_day."""
    return run_coroutine(_many(url, n, ramp_s, think_s, seed))


# ---- the server -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    db_path: Path, log: Path, role: str = "leder", env: dict | None = None
) -> Iterator[tuple[str, int]]:
    """`streamlit run app.py` over db_path on a free port of 127.0.0.1 until the block ends: (url, pid). Only this
    process is stopped at the end."""
    port = free_port()
    env = {
        **os.environ,
        "MI_DB": str(db_path),
        "MI_ROLE": role,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        for _ in range(480):  # up when the health endpoint answers (up to 4 minutes on a busy machine)
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit stopped: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _proc_status(pid: int, key: str) -> float:
    """A kB field of /proc/PID/status (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """The peak VmRSS of a process, sampled every `every` seconds in a thread while the block runs."""

    def __init__(self, pid: int, every: float = 0.1):
        self.pid, self.every, self.peak_mb = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_mb = max(self.peak_mb, _proc_status(self.pid, "VmRSS"))
            except (OSError, ValueError):
                return
            self._stop.wait(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _swap_in_copy(src: Path, dst: Path) -> None:
    """A fresh copy of src replaces dst atomically, as an import does: the server sees new data (a new file stamp)
    and every cache of the old file goes cold."""
    tmp = dst.with_name(dst.name + ".swap")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def _q(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1], 3)


def summarise(n: int, sessions: list[list[Step]], wall_s: float, client_cpu_s: float, server: dict) -> dict:
    steps = [s for sess in sessions for s in sess]
    times = [s.seconds for s in steps if s.seconds is not None and not s.failed]
    complete = sum(
        1 for sess in sessions if [s.name for s in sess] == list(STEPS) and not any(s.failed for s in sess)
    )
    errors = [f"{s.name}: {s.status}; {'; '.join(s.exceptions)}" for s in steps if s.failed]
    by_step = {
        name: {
            "p50_s": _q([s.seconds for s in steps if s.name == name and s.seconds is not None], 0.5),
            "max_s": round(max((s.seconds or 0 for s in steps if s.name == name), default=0), 3),
        }
        for name in STEPS
    }
    return {
        "sessions": n,
        "sessions_complete": complete,
        "pages": len(steps),
        "p50_s": _q(times, 0.5),
        "p95_s": _q(times, 0.95),
        "max_s": round(max(times), 3) if times else None,
        "by_step": by_step,
        "errors": len(errors),
        "error_samples": errors[:5],
        "error_boxes": sum(len(s.error_boxes) for s in steps),
        "wall_s": round(wall_s, 2),
        "client_cpu_s": round(client_cpu_s, 2),
        **server,
    }


def load_test(
    db_path: Path, ns: list[int], work: Path, ramp_s: float = 0.0, think_s: float = 0.0
) -> list[dict]:
    """For each N: a fresh server over a copy of db_path, one warm-up session (Python's imports, the first run's
    switch out of the legacy pages mode), then the data swapped for a new copy (cold caches, as after an import or
    a freeze) and N sessions at once. Per N: times, errors, the client's CPU, the server's CPU and peak memory."""
    work.mkdir(parents=True, exist_ok=True)
    served = work / "mi.duckdb"
    results = []
    for n in ns:
        shutil.copyfile(db_path, served)
        with serve(served, work / f"streamlit-{n}.log") as (url, pid):
            warm = run_sessions(url, 1)[0]
            if any(s.failed for s in warm):
                raise RuntimeError(
                    f"warm-up session failed: {[(s.name, s.status, s.exceptions) for s in warm]}"
                )
            _swap_in_copy(db_path, served)
            cpu0, self0 = _proc_cpu_s(pid), resource.getrusage(resource.RUSAGE_SELF)
            t = time.perf_counter()
            with RssSampler(pid) as rss:
                sessions = run_sessions(url, n, ramp_s, think_s)
            wall = time.perf_counter() - t
            self1 = resource.getrusage(resource.RUSAGE_SELF)
            server = {
                "server_cpu_s": round(_proc_cpu_s(pid) - cpu0, 2),
                "server_peak_rss_mb": round(max(rss.peak_mb, _proc_status(pid, "VmHWM")), 1),
            }
        client_cpu = (self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)
        results.append(summarise(n, sessions, wall, client_cpu, server))
        r = results[-1]
        print(
            f"  load N={n}: p50 {r['p50_s']} s, p95 {r['p95_s']} s, max {r['max_s']} s, errors {r['errors']}, "
            f"server {r['server_peak_rss_mb']} MB / {r['server_cpu_s']} CPU-s, client {r['client_cpu_s']} CPU-s, "
            f"wall {r['wall_s']} s",
            flush=True,
        )
    served.unlink(missing_ok=True)
    return results
