"""Fixtures for the visualisation tests: a headless Chromium and a loopback page server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.browser import chromium_missing_reason, launch, serve_directory
from support.system import unavailable

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-output" / "viz"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium per test module (skips with the reason when it is unavailable)."""
    reason = chromium_missing_reason()
    if reason:
        unavailable(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory served on 127.0.0.1: write pages into it, fetch them from the base URL."""
    with serve_directory(tmp_path) as base:
        yield tmp_path, base


@pytest.fixture
def output_dir() -> Path:
    """Where screenshots go (gitignored test-output/viz)."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR
