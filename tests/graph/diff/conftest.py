"""Helpers for the diff tests: compile two versions of the small curated data set.

The ``curated`` fixture (tests/graph/conftest.py) gives a valid data directory; a test copies
it, edits one file and compares the two compiled versions.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from govkg.graph.diff import ChangeSet, compare
from govkg.graph.diff.sides import load_curated


@pytest.fixture
def edited(curated, tmp_path: Path) -> Callable[[Callable[[Path], None]], ChangeSet]:  # noqa: ANN001
    """Compare the curated data with a copy changed by ``edit(copy_root)``."""

    def run(edit: Callable[[Path], None]) -> ChangeSet:
        copy = tmp_path / "edited"
        shutil.copytree(curated.root, copy)
        edit(copy)
        return compare(load_curated(curated.root, "old"), load_curated(copy, "new"))

    return run


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def replace_in() -> Callable[[Path, str, str], None]:
    """``replace_in(path, old, new)``: replace once in a file; fail when ``old`` is not there."""
    return _replace_in
