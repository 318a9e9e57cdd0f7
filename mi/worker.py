"""Run a job in a separate process with a memory and a time limit, so that a bad upload cannot take the server's
memory, CPU or interpreter lock from the other sessions (issue 16.3).

    run(fn, *args)   → fn(*args)'s result, computed in a fresh Python process (not forked: no copy of the server's
                       threads or polars' pool) with RLIMIT_AS = $MI_WORKER_MEMORY bytes (default 4 GB) and at most
                       $MI_WORKER_SECONDS seconds (default 600) of CPU and of waiting; raises WorkerFailed with a
                       Danish message when the job ran out of memory, took too long, failed or died. The job runs
                       with lower priority (nice 5) and $MI_WORKER_THREADS (default 2) polars threads.

`fn` must be a module-level function of the mi package and its arguments and result picklable; it should return
its problems as values (an exception in it becomes WorkerFailed).
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

GB = 1 << 30
ROOT = Path(__file__).resolve().parent.parent


class WorkerFailed(RuntimeError):
    """The job did not finish: too much memory, too long, an error, or it died. The message is Danish."""


def memory_limit() -> int:
    raw = os.environ.get("MI_WORKER_MEMORY", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 4 * GB


def seconds_limit() -> int:
    raw = os.environ.get("MI_WORKER_SECONDS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 600


def _gb(n: int) -> str:
    return f"{n / GB:.1f} GB".replace(".", ",")


def main() -> None:
    """The child: limits first (from argv), then the job from stdin, its result (pickled) to stdout."""
    memory, seconds = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    os.nice(5)  # the sessions people are looking at come first
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # anything the job prints must not mix with the result
    try:
        fn, args = pickle.loads(sys.stdin.buffer.read())
        result = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as text
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        data = pickle.dumps(result)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    out.write(data)
    out.flush()


CHILD = "import sys; sys.path.insert(0, sys.argv.pop(3)); from mi.worker import main; main()"


def run(fn, *args, memory: int | None = None, seconds: int | None = None):  # noqa: ANN201 - fn's result
    memory = memory or memory_limit()
    seconds = seconds or seconds_limit()
    payload = pickle.dumps((fn, args))
    # a few threads and malloc arenas: the job leaves CPU to the server, and its address space stays predictable on
    # a machine with many cores (each arena reserves 64 MB of address space, which RLIMIT_AS counts)
    threads = os.environ.get("MI_WORKER_THREADS", "2")
    env = {**os.environ, "POLARS_MAX_THREADS": threads, "MALLOC_ARENA_MAX": threads}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(memory), str(seconds), str(ROOT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    try:
        # the child's CPU limit stops a busy job; this stops one that waits (and bounds its start-up)
        out, _ = proc.communicate(payload, timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise WorkerFailed(
            f"arbejdet blev stoppet efter {seconds} sekunder (grænsen MI_WORKER_SECONDS)"
        ) from None
    try:
        kind, value = pickle.loads(out) if out else ("died", None)
    except Exception:  # noqa: BLE001 - a result cut off when the process died
        kind, value = "died", None
    if kind == "ok":
        return value
    if kind == "memory" or (kind == "died" and proc.returncode < 0):
        # out of memory in native code (polars, DuckDB) aborts the process; the CPU limit kills it (SIGXCPU)
        raise WorkerFailed(
            f"arbejdet blev stoppet: det krævede mere end {_gb(memory)} hukommelse eller {seconds} sekunders "
            "regnetid (grænserne MI_WORKER_MEMORY og MI_WORKER_SECONDS)"
        )
    if kind == "died":
        raise WorkerFailed(f"arbejdet stoppede uventet (afslutningskode {proc.returncode})")
    raise WorkerFailed(f"arbejdet fejlede: {value}")
