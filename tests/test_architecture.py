"""The layering the code promises, checked: import contracts, and the storage interface's reach.

Why tests and not only ``make lint``: a contract that never fails proves nothing, so one test
adds an upward import to a real module of the tree and shows that ``lint-imports`` refuses it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SOURCE = ("ontology", "graph", "api", "viz")


def _lint_imports() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


# The probe module is written into graph/, where test_contracts_hold would see it: one worker
# runs this module's tests, one after another (tests/support/workers.py).
pytestmark = pytest.mark.serial


@pytest.fixture
def probe_module():
    """A module added to graph/ for one test, removed afterwards whatever happens."""
    path = ROOT / "graph" / "_layering_probe.py"
    yield path
    path.unlink(missing_ok=True)


def test_contracts_hold() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_fails_the_contracts(probe_module: Path) -> None:
    probe_module.write_text('"""Probe."""\n\nimport govkg.api.settings  # noqa: F401\n')
    result = _lint_imports()
    assert result.returncode != 0
    assert "govkg.graph._layering_probe -> govkg.api.settings" in result.stdout


def test_an_adapter_import_outside_the_storage_layer_fails(probe_module: Path) -> None:
    probe_module.write_text('"""Probe."""\n\nimport govkg.graph.store.embedded  # noqa: F401\n')
    result = _lint_imports()
    assert result.returncode != 0
    assert "Only the storage layer knows its adapters" in result.stdout


def test_no_pyoxigraph_store_handle_outside_the_storage_layer() -> None:
    reach = re.compile(r"\.oxigraph\b|remote_compat|isinstance\([^)]*\b(RemoteStore|Store)\)")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in SOURCE
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "store" not in path.relative_to(ROOT / folder).parts[:1] or folder != "graph"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if reach.search(line)
    ]
    assert found == []
