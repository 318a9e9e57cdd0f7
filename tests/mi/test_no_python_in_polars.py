"""Issue 16.2: the server must not deadlock. A Python function run inside polars (`map_elements`, `map_batches`)
runs on polars' thread pool and needs the interpreter lock there; another session's `DataFrame.to_pandas()`
(what st.dataframe calls) holds that lock while it waits for the same pool — both stop for good and the server no
longer answers. So: no Python callbacks inside polars on the serving path, and the race runs to its end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The race: a session's downloads (each case's `downloads()`, on its frame of n rows) in one thread, another
# session's table (`to_pandas()`, what st.dataframe calls) in a second, until the downloads are done.
IMPORTS = """
import threading
import polars as pl
from mi import ui
"""
RACE = """
other = pl.DataFrame({"x": [f"v{i}" for i in range(n)], "y": [float(i) for i in range(n)]})
done = threading.Event()

def tables():
    while not done.is_set():
        other.to_pandas()

def downloads_then_stop():
    downloads()
    done.set()

threads = [threading.Thread(target=downloads_then_stop), threading.Thread(target=tables)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("race finished")
"""


def run_race(case: str, what: str) -> None:
    # In a child process: a deadlock holds the interpreter lock, so it would hang this process too. The bound
    # only detects a hang (the race itself takes seconds); it is not a performance assertion.
    script = IMPORTS + case + RACE
    try:
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=240
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{what} deadlocked") from None
    assert out.returncode == 0, out.stderr
    assert "race finished" in out.stdout


TEXT_DOWNLOADS = """
n = 20_000
# text a spreadsheet would run as a formula in every third row, in four text columns
text = pl.DataFrame({f"t{j}": [f"=x{i}" if i % 3 == 0 else f"tekst {i}" for i in range(n)] for j in range(4)})

def downloads():
    for _ in range(150):
        out = ui.csv_bytes(text)
    assert out.decode("utf-8").splitlines()[1] == "'=x0;'=x0;'=x0;'=x0"
"""


def test_csv_download_beside_a_table_does_not_deadlock():
    run_race(TEXT_DOWNLOADS, "ui.csv_bytes beside DataFrame.to_pandas()")


OBJECT_DOWNLOADS = """
n = 5_000
# the committee's tables as the downloads hold them (mi.ladder): each figure a number, empty where hidden, and as
# shown beside it (a mark such as <5 kept)
shown = pl.DataFrame(
    {"Måned": [f"m{i}" for i in range(n)]}
    | {f"o{j}": pl.Series([i if i % 7 else None for i in range(n)], dtype=pl.Int64) for j in range(4)}
    | {f"o{j} (vist)": [str(i) if i % 7 else "<5" for i in range(n)] for j in range(4)}
)

def downloads():
    for _ in range(20):
        ui.csv_bytes(shown)
        ui.excel_bytes(shown)
        shown.to_pandas()
"""


def test_downloads_of_the_committees_tables_beside_a_table_do_not_deadlock():
    # Filtering, sorting or gathering a frame with pl.Object columns runs Python (the objects are cloned under the
    # interpreter lock on polars' pool) and deadlocks the same way: the committee's tables hold no such column (a
    # number, empty where hidden, and the shown text beside it; the scan below), and their downloads beside another
    # session's table run to the end.
    run_race(OBJECT_DOWNLOADS, "downloads of the committee's tables beside to_pandas()")


SERVING = [ROOT / "app.py", *sorted((ROOT / "mi").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py"))]
CALLBACK = re.compile(r"\.(map_elements|map_batches|map_rows|map_groups|apply)\(")


def test_no_python_callbacks_inside_polars_on_the_serving_path():
    found = [
        f"{path.relative_to(ROOT)}:{no}: {line.strip()}"
        for path in SERVING
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CALLBACK.search(line)
    ]
    assert found == []


def test_the_scan_finds_a_callback():
    # the pattern the scan looks for does match the calls it must catch
    assert CALLBACK.search('pl.col("a").map_elements(fmt.kr, return_dtype=pl.Utf8)')
    assert CALLBACK.search("frame.map_rows(f)")
    assert not CALLBACK.search("fmt.texts(rows['role'], role_label)")


# Frames with pl.Object columns (privacy.Shown values: a number or a mark) run Python inside polars' pool when they
# are filtered, sorted, gathered or converted — the deadlock above. None may appear on the serving path: the frames
# carry number and text columns (the last ones went in issue 16: mi.ladder's tables, Pack.placements, and the
# downloads' and the screen table's handling of such columns; an import refuses one with DataType.is_object()).
OBJECT = re.compile(r"pl\.Object\b")


def test_no_new_object_columns_on_the_serving_path():
    found: dict[str, int] = {}
    for path in SERVING:
        n = sum(bool(OBJECT.search(line)) for line in path.read_text(encoding="utf-8").splitlines())
        if n:
            found[str(path.relative_to(ROOT))] = n
    assert found == {}
    assert OBJECT.search("pl.Series(c, vals, dtype=pl.Object)") and not OBJECT.search("pl.Object_x")
