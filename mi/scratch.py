"""Temporary files and folders: a fixed prefix and random letters, never digits — a process or thread id in a name
can look like a CPR number and get masked in a message (issue 16.7) — and cleaned up when their owner is gone.

    letters(n)                 n random lowercase letters
    make_dir(prefix, parent)   a new folder `<prefix><letters>` (in the system's temporary folder by default)
    remove_stale(parent, prefix, older_than)   folders and files `<prefix>*` not touched for `older_than` seconds
"""

from __future__ import annotations

import secrets
import shutil
import string
import tempfile
import time
from pathlib import Path


def letters(n: int = 12) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(n))


def make_dir(prefix: str, parent: Path | str | None = None) -> Path:
    base = Path(parent or tempfile.gettempdir())
    for _ in range(100):
        path = base / f"{prefix}{letters()}"
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"kan ikke oprette en midlertidig mappe i {base}")


def remove(path: Path) -> None:
    """A file or a folder, gone if it was there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def remove_stale(parent: Path | str | None, prefix: str, older_than: float) -> list[Path]:
    """Remove what a killed process left: entries `<prefix>*` in `parent` not changed for `older_than` seconds
    (a live owner touches or finishes its entry well within that). Returns what was removed."""
    base = Path(parent or tempfile.gettempdir())
    now = time.time()
    gone = []
    try:
        entries = list(base.glob(f"{prefix}*"))
    except OSError:
        return gone
    for p in entries:
        try:
            if now - p.lstat().st_mtime > older_than:
                remove(p)
                gone.append(p)
        except OSError:
            continue
    return gone
