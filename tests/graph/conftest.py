"""Shared fixtures for graph tests: a small, valid curated data directory in ``tmp_path``.

Tests break one file of it on purpose and assert the exact ``file:line`` of the error, so the
texts below are part of the tests' expectations: change a line here and the line numbers in
``test_curated_*.py`` move with it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ENTITY_FILES = {
    "organisations.yaml": """\
        organisations:
          - id: meta
            type: developer
            label: Meta
            aliases: [Meta Platforms, Meta AI]
          - id: us-aisi
            type: agency
            label: US AI Safety Institute
          - id: white-house
            type: executive-office
            label: The White House
        """,
    "people.yaml": """\
        people:
          - id: mark-zuckerberg
            label: Mark Zuckerberg
        """,
    "models.yaml": """\
        models:
          - id: llama
            type: family
            label: Llama
          - id: llama-3.1-405b
            label: Llama 3.1 405B
            aliases: [Meta-Llama-3.1-405B]
        """,
    "instruments.yaml": """\
        instruments:
          - id: wh-commitments-2023
            type: voluntary-commitment
            label: White House voluntary AI commitments
        """,
    "registry.yaml": """\
        registry:
          published: 2026-11-28
        """,
}

SOURCE_FILES = {
    "meta-llama-3-1.yaml": """\
        source:
          id: meta-llama-3-1
          title: Introducing Llama 3.1
          publisher: meta
          url: https://ai.meta.com/blog/meta-llama-3-1/
          published: 2024-07-23
          kind: company-announcement
        statements:
          - id: release
            kind: release
            model: llama-3.1-405b
            developer: meta
            date: 2024-07-23
            weights: open-weights-restricted
            family: llama
            parameters: 405000000000
          - kind: family
            family: llama
            developer: meta
        """,
    "wh-2023-07.yaml": """\
        source:
          id: wh-2023-07
          title: Voluntary commitments from leading AI companies
          publisher: The White House
          url: https://example.org/wh-2023-07
          published: 2023-07
          kind: press-release
        statements:
          - id: meta-signs
            kind: participation
            party: meta
            instrument: wh-commitments-2023
            status: signed
            date: 2023-07-21
          - kind: stance
            holder: meta
            stance: cooperative
            as_of: 2023-07
          - kind: tension
            between: [meta-signs, meta-llama-3-1#release]
            note: a test tension between two statements
        """,
}


@dataclass
class CuratedDir:
    """A curated data directory (``entities/`` + ``sources/``) that tests can edit."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        """Write ``text`` (dedented) to ``root/relative`` and return the file's path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def source(self, name: str) -> Path:
        """The path of a source file by its id."""
        return self.root / "sources" / f"{name}.yaml"


@pytest.fixture
def curated(tmp_path: Path) -> CuratedDir:
    """A small valid data set: 5 entity files and 2 source files (see the module constants)."""
    data = CuratedDir(tmp_path / "data")
    for name, text in ENTITY_FILES.items():
        data.write(f"entities/{name}", text)
    for name, text in SOURCE_FILES.items():
        data.write(f"sources/{name}", text)
    return data
