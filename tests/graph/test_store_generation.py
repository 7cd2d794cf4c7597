"""``graph/store/directory.py``: noticing that another process changed a store, and who holds
it for writing.

Real on-disk pyoxigraph stores in ``tmp_path``; the other process is a real child interpreter
(the same situation as ``govkg import`` or ``govkg build`` next to a running server).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.errors import StoreError
from govkg.graph.store.directory import (
    StoreWatcher,
    check_no_writer,
    generation,
    swap_in,
    writer_pid,
)

ROOT = Path(__file__).resolve().parents[2]

#: A child that opens the store for writing, adds one quad per line it reads, and says "ok".
WRITER = """
import sys
import pyoxigraph as ox
store = ox.Store(sys.argv[1])
print("open", flush=True)
for n, _ in enumerate(sys.stdin):
    store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{n}"), ox.NamedNode("http://example.org/p"),
                      ox.Literal(str(n)), ox.NamedNode("http://example.org/g")))
    print("ok", flush=True)
"""


def make(path: Path, n: int = 1) -> Path:
    """A store at ``path`` with ``n`` quads; the handle is closed before returning."""
    store = ox.Store(str(path))
    for i in range(n):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/base{i}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal("x"),
                ox.NamedNode("http://example.org/g"),
            )
        )
    store.flush()
    del store
    gc.collect()
    return path


def count(path: Path) -> int:
    store = ox.Store.read_only(str(path))
    try:
        return len(store)
    finally:
        del store
        gc.collect()


@contextmanager
def writer(path: Path) -> Iterator[subprocess.Popen]:
    """A child process holding ``path`` for writing until the block ends."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        yield child
    finally:
        child.kill()
        child.wait(timeout=30)


def write_one(child: subprocess.Popen) -> None:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("add\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "ok"


def test_read_only_opens_do_not_change_the_generation(tmp_path: Path) -> None:
    path = make(tmp_path / "store", 50)
    before = generation(path)
    assert before is not None
    for _ in range(3):
        reader = ox.Store.read_only(str(path))
        assert len(reader) == 50
        list(reader.quads_for_pattern(None, None, None, None))
        del reader
        gc.collect()
    assert generation(path) == before


def test_a_transaction_in_another_process_changes_the_generation(tmp_path: Path) -> None:
    path = make(tmp_path / "store")
    watcher = StoreWatcher(path)
    with writer(path) as child:
        opened = watcher.current()  # a writer's open rotates files: that alone may count
        seen = [opened]
        for _ in range(3):
            write_one(child)
            now = watcher.current()
            assert now is not None and now not in seen, "an in-place write went unnoticed"
            seen.append(now)
            # the cheap path (no directory listing) must see the next write too
            assert watcher.current() == now
    assert count(path) == 4


def test_the_cached_watcher_notices_writes_after_the_directory_settled(tmp_path: Path) -> None:
    """Once the directory is older than the racy window only the logs are stat-ed: still seen."""
    path = make(tmp_path / "store")
    watcher = StoreWatcher(path)
    with writer(path) as child:
        write_one(child)
        time.sleep(1.2)  # past RACY_NS: the watcher now trusts its cached list of logs
        settled = watcher.current()
        assert watcher.current() == settled
        write_one(child)
        assert watcher.current() != settled


def test_a_swap_changes_the_generation_and_a_missing_store_has_none(tmp_path: Path) -> None:
    path = make(tmp_path / "store")
    before = generation(path)
    new = make(tmp_path / "store.building-1", 2)
    swap_in(new, path)
    assert generation(path) not in (None, before)
    assert count(path) == 2
    assert generation(tmp_path / "missing") is None


def test_writer_pid_names_the_process_holding_the_store(tmp_path: Path) -> None:
    path = make(tmp_path / "store")
    assert writer_pid(path) is None
    with writer(path) as child:
        if not Path("/proc/locks").exists():
            pytest.skip("no /proc/locks on this system")
        assert writer_pid(path) == child.pid
        with pytest.raises(StoreError, match=f"process {child.pid}"):
            check_no_writer(path, "rebuild the store")
    assert writer_pid(path) is None
    check_no_writer(path, "rebuild the store")


def test_a_swap_is_refused_while_another_process_writes_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    path = make(tmp_path / "store")
    new = make(tmp_path / "store.building-1", 5)
    with writer(path) as child:
        with pytest.raises(StoreError, match="open for writing") as info:
            swap_in(new, path)
        assert "/rdf-graphs" in str(info.value)
        assert not new.exists(), "the refused new store was left behind"
        write_one(child)  # the writer still writes into the store it opened
    assert count(path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_a_swap_is_refused_while_this_process_holds_the_store(tmp_path: Path) -> None:
    path = make(tmp_path / "store")
    new = make(tmp_path / "store.building-1", 3)
    held = ox.Store(str(path))
    try:
        if Path("/proc/locks").exists():
            with pytest.raises(StoreError, match="this process"):
                swap_in(new, path)
        held.add(
            ox.Quad(
                ox.NamedNode("http://example.org/after"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal("y"),
                ox.NamedNode("http://example.org/g"),
            )
        )
        held.flush()
    finally:
        del held
        gc.collect()
    assert count(path) == 2
    assert os.listdir(tmp_path) == ["store"]
