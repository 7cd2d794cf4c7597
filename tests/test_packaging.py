"""The wheel's package list covers the tree: every folder with an ``__init__.py`` is listed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        "govkg." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("ontology", "graph", "api", "viz")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found == listed
