"""``build_store``: validate first, write a new store beside the old one, swap atomically.

Real on-disk pyoxigraph stores in ``tmp_path``; the kill -9 test runs real builds in a child
process and kills it at different moments.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.build import build_store, recover_store
from govkg.graph.errors import DataValidationError
from govkg.ontology import ENTITIES_GRAPH, ONTOLOGY_GRAPH, graph_iri

DEAD_PID = 999_999_999  # above any pid_max: never a running process


def quads_of(path: Path) -> list[str]:
    """All quads of the store at ``path`` as sorted strings (opened read-only, then closed)."""
    store = ox.Store.read_only(str(path))
    try:
        return sorted(str(q) for q in store)
    finally:
        del store
        gc.collect()


def file_hashes(path: Path) -> dict[str, str]:
    """Every file under ``path`` with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def siblings(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.iterdir() if p.name.startswith(store.name + "."))


def test_build_writes_ontology_entities_and_one_graph_per_source(curated, tmp_path):
    store_path = tmp_path / "store"
    messages: list[str] = []
    report = build_store(store_path, curated.root, progress=messages.append)
    assert (report.sources, report.statements, report.graphs) == (2, 5, 4)
    store = ox.Store.read_only(str(store_path))
    graphs = sorted(g.value for g in store.named_graphs())
    assert graphs == sorted(
        str(g)
        for g in (
            ONTOLOGY_GRAPH,
            ENTITIES_GRAPH,
            graph_iri("meta-llama-3-1"),
            graph_iri("wh-2023-07"),
        )
    )
    assert report.triples == len(store)
    onto = list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH))))
    assert len(onto) > 500
    del store
    assert messages and siblings(store_path) == []


#: One broken file per kind of build failure: (file, text, what the first problem says).
#: Each must fail the build before anything is written; SHACL runs last, so it is the case
#: where everything else compiled cleanly.
BROKEN_DATA = {
    "yaml-syntax": (
        "sources/broken.yaml",
        "source:\n  id: broken\n  title: [unclosed\n",
        "YAML syntax error",
    ),
    "unknown-entity-id": (
        "sources/broken.yaml",
        "source:\n  id: broken\n  title: Broken\n  url: https://example.org/b\n"
        "  published: 2024-08-29\n  kind: press-release\nstatements:\n"
        "  - kind: release\n    model: llama-3.1-450b\n    developer: meta\n",
        "unknown id 'llama-3.1-450b'",
    ),
    "bad-date": (
        "sources/broken.yaml",
        "source:\n  id: broken\n  title: Broken\n  url: https://example.org/b\n"
        "  published: 2024-02-30\n  kind: press-release\nstatements: []\n",
        "invalid date '2024-02-30'",
    ),
    "missing-source-metadata": (
        "sources/broken.yaml",
        "source:\n  id: broken\n  title: Broken\n  published: 2024-08-29\n"
        "  kind: press-release\nstatements: []\n",
        "the source block needs a 'url'",
    ),
    "duplicate-id": (
        "entities/publishers.yaml",
        "organisations:\n  - id: meta\n    type: developer\n    label: Meta again\n",
        "duplicate id 'meta'",
    ),
    "shacl-violation": (
        "entities/models.yaml",
        "models:\n  - id: llama\n    type: family\n    label: Llama\n"
        "  - id: llama-3.1-405b\n    label: Llama 3.1 405B\n"
        "  - id: llama-9\n    label: Llama 9\n",
        "gkid:llama-9",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_DATA))
def test_invalid_data_leaves_the_existing_store_untouched(curated, tmp_path, case):
    store_path = tmp_path / "store"
    build_store(store_path, curated.root)
    quads_before = quads_of(store_path)
    bytes_before = file_hashes(store_path)
    relative, text, expected = BROKEN_DATA[case]
    broken = curated.write(relative, text)
    with pytest.raises(DataValidationError) as info:
        build_store(store_path, curated.root)
    first = info.value.problems[0]
    assert first.file == str(broken.resolve()), str(info.value)
    assert expected in first.message, str(info.value)
    assert file_hashes(store_path) == bytes_before
    assert quads_of(store_path) == quads_before
    assert siblings(store_path) == []


def test_rebuild_replaces_the_store_and_cleans_up(curated, tmp_path):
    store_path = tmp_path / "store"
    build_store(store_path, curated.root)
    (curated.root / "sources" / "wh-2023-07.yaml").unlink()
    curated.write(
        "sources/meta-llama-3-1.yaml",
        (curated.source("meta-llama-3-1").read_text()).replace(
            "  - kind: family",
            "  - kind: stance\n    holder: meta\n    stance: resistant\n"
            "    as_of: 2024-07\n  - kind: family",
        ),
    )
    report = build_store(store_path, curated.root)
    assert (report.sources, report.graphs) == (1, 3)
    quads = quads_of(store_path)
    assert not any("wh-2023-07" in q for q in quads)
    assert any("concept/resistant" in q for q in quads)
    assert siblings(store_path) == []


def test_extra_quads_are_loaded(curated, tmp_path):
    store_path = tmp_path / "store"
    g = ox.NamedNode("https://w3id.org/govkg/graph/import-test")
    extra = [
        ox.Quad(
            ox.NamedNode("http://example.org/a"),
            ox.NamedNode("http://example.org/p"),
            ox.Literal("x"),
            g,
        )
    ]
    report = build_store(store_path, curated.root, extra_quads=extra)
    assert report.graphs == 5
    assert any("http://example.org/a" in q for q in quads_of(store_path))


def test_recover_restores_the_old_store_after_a_kill_between_the_renames(curated, tmp_path):
    store_path = tmp_path / "store"
    build_store(store_path, curated.root)
    before = quads_of(store_path)
    # the state a kill -9 between "store -> store.old-PID" and "new -> store" leaves behind
    os.rename(store_path, tmp_path / f"store.old-{DEAD_PID}")
    (tmp_path / f"store.building-{DEAD_PID}").mkdir()
    recover_store(store_path)
    assert quads_of(store_path) == before
    assert siblings(store_path) == []


def test_build_removes_stale_directories_of_dead_builds(curated, tmp_path):
    store_path = tmp_path / "store"
    build_store(store_path, curated.root)
    shutil.copytree(store_path, tmp_path / f"store.old-{DEAD_PID}")
    (tmp_path / f"store.building-{DEAD_PID}").mkdir()
    build_store(store_path, curated.root)
    assert siblings(store_path) == []


CHILD = """
import sys
from pathlib import Path
from govkg.graph.build import build_store
store, a, b = (Path(p) for p in sys.argv[1:4])
while True:
    build_store(store, a)
    build_store(store, b)
"""


@pytest.mark.kill9  # one kill -9 test at a time (tests/support/workers.py)
def test_kill_9_at_any_moment_leaves_a_complete_old_or_new_store(curated, tmp_path):
    data_a = curated.root
    data_b = tmp_path / "data-b"
    shutil.copytree(data_a, data_b)
    (data_b / "sources" / "wh-2023-07.yaml").unlink()
    expected = []
    for i, data in enumerate((data_a, data_b)):
        build_store(tmp_path / f"ref-{i}", data)
        expected.append(quads_of(tmp_path / f"ref-{i}"))
    assert expected[0] != expected[1]

    store_path = tmp_path / "live" / "store"
    build_store(store_path, data_a)
    interrupted = 0  # kills that left a half-written new store behind
    # Each kill lands a different time after the child started writing a new store (seen as its
    # .building- directory): waiting for that, not a fixed delay from the start, keeps the test
    # meaningful on a loaded machine where the interpreter alone can take seconds to start.
    for delay in (0.0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store_path), str(data_a), str(data_b)],
            cwd=Path(__file__).resolve().parents[2],
        )
        deadline = time.monotonic() + 120
        while not any(".building-" in n for n in siblings(store_path)):
            assert child.poll() is None, "the building child exited"
            assert time.monotonic() < deadline, "the child never started a build"
            time.sleep(0.005)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        interrupted += any(".building-" in name for name in siblings(store_path))
        recover_store(store_path)
        assert quads_of(store_path) in expected
        assert siblings(store_path) == []
    assert interrupted > 0, "no kill landed while a new store was being written"


def test_a_failure_while_writing_removes_the_new_store_and_keeps_the_old(curated, tmp_path):
    store_path = tmp_path / "store"
    build_store(store_path, curated.root)
    before = quads_of(store_path)

    def failing_quads():
        yield ox.Quad(
            ox.NamedNode("http://example.org/a"),
            ox.NamedNode("http://example.org/p"),
            ox.Literal("x"),
            ox.NamedNode("http://example.org/g"),
        )
        raise RuntimeError("the import source went away")

    with pytest.raises(RuntimeError, match="went away"):
        build_store(store_path, curated.root, extra_quads=failing_quads())
    assert quads_of(store_path) == before
    assert siblings(store_path) == []
