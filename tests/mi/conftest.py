"""Fixtures of the tests in tests/mi."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def own_tmp(tmp_path, monkeypatch) -> Path:
    """A temporary folder of the test's own as Python's tempdir (uploads and scratch files land there; others' in
    the shared one must not count)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp
