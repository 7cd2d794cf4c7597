"""``govkg load``'s fast path: checkpoint + bulk load + swap, with Store.load's contract."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.errors import ParseError, StoreError
from govkg.graph.store.bulkload import load_by_swap
from govkg.graph.store.embedded import Store

G = "https://example.org/graph/extra"
BASE = "<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n"


def _quads(path: Path) -> Counter[str]:
    store = Store.open(path, read_only=True)
    found = Counter(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None))
    del store
    return found


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = Store.open(path)
    store.load(BASE.encode(), ox.RdfFormat.N_TRIPLES, "https://example.org/graph/base")
    store.flush()
    del store
    return path


def test_loads_like_the_transactional_load(store_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "extra.nt"
    data.write_text(
        "".join(
            f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(500)
        ),
        encoding="utf-8",
    )
    added = load_by_swap(store_path, data, graph=G)
    assert added == 500
    quads = _quads(store_path)
    assert sum(1 for q in quads if G in q) == 500
    assert len(quads) == 501
    assert not list(store_path.parent.glob("store.building-*"))
    assert not list(store_path.parent.glob("store.old-*"))


def test_a_syntax_error_changes_nothing(store_path: Path, tmp_path: Path) -> None:
    before = _quads(store_path)
    bad = tmp_path / "bad.nt"
    bad.write_text(BASE + "<https://example.org/x> <https://example.org/p> .\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_by_swap(store_path, bad, graph=G)
    assert info.value.problems[0].line == 2
    assert str(bad) in str(info.value)
    assert _quads(store_path) == before
    assert not list(store_path.parent.glob("store.building-*"))


def test_a_store_held_by_a_writer_is_refused(store_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "extra.nt"
    data.write_text(BASE, encoding="utf-8")
    # RocksDB's lock is per process: hold it from another process, as a running server would.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
            "print('ok', flush=True); time.sleep(60)",
            str(store_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="locked"):
            load_by_swap(store_path, data, graph=G)
    finally:
        holder.kill()
        holder.wait()
