"""Issue 16.5 and the temporary names of 16.7: no child-level data left on disk. A failed upload removes its
mi-upload-* folder; what a killed import or freeze left beside the database (working copies, WAL, spill folders) is
removed by the next writer, never while a live writer holds them; no temporary name carries digits that could look
like a CPR number."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

from mi import contract, dataset, db, ingest, scratch
from tests.mi.test_ingest import write_folder

ROOT = Path(__file__).resolve().parents[2]


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def test_an_upload_with_errors_leaves_no_folder(tmp_path, own_tmp):
    folder = write_folder(tmp_path / "data")
    files = [
        (n, d.replace(b"R1,raadgiver,Team A,1,", b"R1,raadgiver,Team A,2,")) for n, d in folder_files(folder)
    ]
    checked = dataset.check(files)
    assert not checked.may_import and checked.n_errors >= 1
    assert list(own_tmp.iterdir()) == []  # before: the mi-upload-* folder stayed for the session's life


def test_an_upload_whose_worker_dies_leaves_no_folder(tmp_path, own_tmp, monkeypatch):
    monkeypatch.setenv("MI_WORKER_MEMORY", str(300 << 20))  # too little for the worker even to start its work
    checked = dataset.check(folder_files(write_folder(tmp_path / "data")))
    (issue,) = checked.issues
    assert issue.is_error and "filerne kunne ikke valideres, og intet er indlæst" in issue.message
    assert list(own_tmp.iterdir()) == []


def test_a_valid_upload_leaves_no_folder_after_validation_or_import(tmp_path, own_tmp):
    checked = dataset.check(folder_files(write_folder(tmp_path / "data")))
    assert checked.may_import and list(own_tmp.iterdir()) == []
    assert dataset.import_checked(checked, tmp_path / "mi.duckdb") == 1
    assert list(own_tmp.iterdir()) == []


def test_upload_folders_a_killed_server_left_are_removed_by_a_later_upload(tmp_path, own_tmp):
    old = own_tmp / "mi-upload-qwertyuiopas"
    old.mkdir()
    (old / "children.csv").write_text("child_id\nB1\n")
    long_ago = time.time() - 3 * 3600  # older than twice the worker's time limit (600 s) and then some
    os.utime(old / "children.csv", (long_ago, long_ago))
    os.utime(old, (long_ago, long_ago))
    recent = own_tmp / "mi-upload-asdfghjklzxc"  # another session's upload being validated right now
    recent.mkdir()
    other = own_tmp / "not-ours"
    other.mkdir()
    os.utime(other, (long_ago, long_ago))
    dataset.check(folder_files(write_folder(tmp_path / "data")))
    assert sorted(p.name for p in own_tmp.iterdir()) == ["mi-upload-asdfghjklzxc", "not-ours"]


def leftovers(path: Path) -> list[Path]:
    """What a killed import, freeze and refresh leave beside the database, made by hand with their naming scheme."""
    made = []
    for kind in ("building", "freezing", "refreshing"):
        tmp = path.with_name(f".{path.name}.{kind}-abcdefghijkl")
        tmp.write_bytes(b"child-level data")
        Path(f"{tmp}.wal").write_bytes(b"wal")
        spill = Path(f"{tmp}.tmp")
        spill.mkdir()
        (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled rows")
        made += [tmp, Path(f"{tmp}.wal"), spill]
    return made


def test_the_next_import_removes_what_a_killed_import_left(tmp_path):
    path = tmp_path / "mi.duckdb"
    made = leftovers(path)
    keep = tmp_path / ".mi.duckdb.lock"  # the lock file itself stays; so does anything not of this database
    other = tmp_path / ".other.duckdb.building-abcdefghijkl"
    other.write_bytes(b"another database's")
    assert ingest.import_folder(write_folder(tmp_path / "data"), path) == 1
    assert [p for p in made if p.exists()] == []
    assert other.exists() and keep.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".mi.duckdb")) == [
        ".mi.duckdb.lock"
    ]


def test_a_freeze_also_removes_them(tmp_path):
    path = tmp_path / "mi.duckdb"
    ingest.import_folder(write_folder(tmp_path / "data"), path)
    made = leftovers(path)
    with db.writer_lock(path):
        pass
    assert [p for p in made if p.exists()] == []


def test_a_live_writers_files_are_not_removed(tmp_path):
    # a live import holds the writer lock while its working copy exists: another writer waits for the lock and
    # only then removes leftovers, so it never removes the live one's files
    path = tmp_path / "mi.duckdb"
    live = path.with_name(f".{path.name}.building-livelivelive")
    holding, release, started = threading.Event(), threading.Event(), threading.Event()
    result = {}

    def live_import():
        with db.writer_lock(path):
            live.write_bytes(b"being built")
            holding.set()
            release.wait()
            result["seen_by_live"] = live.exists()
            live.unlink()  # the live import finishes: its file becomes the database

    def next_import():
        started.set()
        with db.writer_lock(path):
            result["next_ran"] = True

    a = threading.Thread(target=live_import)
    a.start()
    holding.wait()
    b = threading.Thread(target=next_import)
    b.start()
    started.wait()
    assert live.exists()  # the other writer is waiting for the lock, not cleaning
    release.set()
    a.join()
    b.join()
    assert result == {"seen_by_live": True, "next_ran": True}


def test_a_failed_build_removes_its_working_files(tmp_path, monkeypatch):
    path = tmp_path / "mi.duckdb"

    def fail(*args, **kwargs):
        raise RuntimeError("stopped mid-way")

    monkeypatch.setattr(db, "populate", fail)
    with pytest.raises(RuntimeError):
        db.build(path, {}, None, None)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------ names


def test_temporary_names_have_letters_where_ids_were():
    for _ in range(200):
        name = scratch.make_dir("mi-upload-")
        try:
            assert re.fullmatch(r"mi-upload-[a-z]{12}", name.name)
        finally:
            name.rmdir()


def test_no_process_or_thread_id_goes_into_a_name():
    # a pid and a thread id side by side (".building-123456-140234567890123") held a run of 9–10 digits that
    # contract.mask took for a CPR number
    assert contract.mask(".mi.duckdb.building-12345-1402345678") != ".mi.duckdb.building-12345-1402345678"
    pattern = re.compile(r"getpid\(\)|get_ident\(\)|get_native_id\(\)|native_id\b|mkdtemp\(|mkstemp\(")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in [
            *sorted((ROOT / "mi").rglob("*.py")),
            *sorted((ROOT / "pages").rglob("*.py")),
            ROOT / "app.py",
        ]
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []
