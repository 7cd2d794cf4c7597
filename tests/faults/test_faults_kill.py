"""kill -9 during ``govkg build``, ``govkg load`` and ``govkg import epoch``.

Each command runs as a real subprocess of ``.venv/bin/govkg`` and is killed after a seeded
random delay spread over its running time. Afterwards the store must open and hold exactly its
previous content, or exactly what the completed command writes: never a mix, never unopenable.
The expected "after" content is produced by running the same command to completion on a copy.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest
from govkg.graph.store.directory import recover_store
from support.faults import GOVKG, fingerprint, govkg, kill_after, per_graph, without_graph

# Kill -9 of real commands: one at a time on one xdist worker, beside other tests: the kill
# delays are spread over a reference run timed on the same machine, and nothing asserts a
# duration (tests/support/workers.py).
pytestmark = pytest.mark.kill9


EPOCH_CSV = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "epoch" / "all-ml-systems.csv"
)
EPOCH_GRAPH = "<https://w3id.org/govkg/graph/import-epoch>"
EXTRA_GRAPH = "https://example.org/graph/extra"
SEED = 20261128
KILLS = 3

EXTRA_TTL = """@prefix ex: <https://example.org/> .
ex:a ex:p ex:b . ex:b ex:p ex:c . ex:c ex:p "three" .
"""


def _delays(reference_seconds: float) -> list[float]:
    """Seeded kill delays spread over the command's running time (one per stratum).

    ``reference_seconds`` is how long the same command took to complete on a copy, so the
    kills land at start-up, in the middle and near the end however fast this machine is.
    """
    low, high = 0.3, max(0.6, 0.95 * reference_seconds)
    rng = random.Random(SEED)
    step = (high - low) / KILLS
    return [round(low + step * (i + rng.random()), 2) for i in range(KILLS)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Path:
    """The curated data built (the session's bundled store, copied), plus a small extra graph
    loaded by ``govkg load`` (so a rebuild changes it)."""
    base = tmp_path_factory.mktemp("built")
    store = _copy(bundled_store, base / "store")
    extra = base / "extra.ttl"
    extra.write_text(EXTRA_TTL, encoding="utf-8")
    result = govkg("--store", store, "load", extra, "--graph", EXTRA_GRAPH)
    assert result.returncode == 0, result.stderr
    return store


def _timed_govkg(*args: str | Path) -> float:
    """Run a govkg command to completion (it must succeed); its wall-clock seconds."""
    start = time.monotonic()
    result = govkg(*args)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - start


def _copy(store: Path, target: Path) -> Path:
    shutil.copytree(store, target)
    return target


def _assert_one_of(path: Path, before, after, what: str) -> str:
    """The store at ``path`` opens and equals ``before`` or ``after``; which one it was."""
    assert path.is_dir(), f"{what}: the store directory {path} is gone"
    now = fingerprint(path)
    if now == before:
        return "before"
    if now == after:
        return "after"
    raise AssertionError(
        f"{what}: the store holds neither the old nor the new content; quads per graph now "
        f"{dict(per_graph(now))}, before {dict(per_graph(before))}, after {dict(per_graph(after))}"
    )


def test_kill_during_build_keeps_old_or_new_store(built: Path, tmp_path: Path) -> None:
    before = fingerprint(built)
    reference = _copy(built, tmp_path / "reference")
    seconds = _timed_govkg("--store", reference, "build")
    after = fingerprint(reference)
    assert before != after, "the rebuild must change the store for this test to mean anything"
    outcomes = []
    for i, delay in enumerate(_delays(seconds)):
        store = _copy(built, tmp_path / f"store-{i}")
        killed, code = kill_after([str(GOVKG), "--store", str(store), "build"], delay)
        assert killed or code == 0
        outcomes.append((killed, _assert_one_of(store, before, after, f"build killed at {delay}s")))
        # the repair every build runs at its start (graph/store/directory.py) leaves nothing
        recover_store(store)
        left = _leftovers(store)
        assert left == [], f"recovery after a kill at {delay}s left {left}"
        _assert_one_of(store, before, after, f"recovered after a kill at {delay}s")
    assert any(killed for killed, _ in outcomes), "no kill hit a running build"
    # What a user does next, once (each rebuild is a whole build): the command itself, run
    # after the kill that hit latest, completes and leaves nothing beside the store.
    last = max(i for i, (killed, _) in enumerate(outcomes) if killed)
    store = tmp_path / f"store-{last}"
    assert govkg("--store", store, "build").returncode == 0
    assert fingerprint(store) == after
    assert _leftovers(store) == [], f"a rebuild after the kill left {_leftovers(store)}"


def _leftovers(store: Path) -> list[str]:
    """Names beside ``store`` that a build made (not its history, docs/changes.md)."""
    history = f"{store.name}.changes.jsonl"
    return [
        p.name
        for p in store.parent.iterdir()
        if p.name.startswith(f"{store.name}.") and p.name != history
    ]


@pytest.fixture(scope="module")
def big_nt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150k synthetic N-Triples: a load long enough (a few seconds) to be killed inside."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import write

    return write(150_000, 7, tmp_path_factory.mktemp("nt") / "synthetic.nt")


def test_kill_during_load_keeps_old_or_new_content(
    built: Path, big_nt: Path, tmp_path: Path
) -> None:
    before = fingerprint(built)
    reference = _copy(built, tmp_path / "reference")
    seconds = _timed_govkg("--store", reference, "load", big_nt, "--graph", EXTRA_GRAPH)
    after = fingerprint(reference)
    outcomes = []
    for i, delay in enumerate(_delays(seconds)):
        store = _copy(built, tmp_path / f"store-{i}")
        argv = [str(GOVKG), "--store", str(store), "load", str(big_nt), "--graph", EXTRA_GRAPH]
        killed, code = kill_after(argv, delay)
        assert killed or code == 0
        outcomes.append((killed, _assert_one_of(store, before, after, f"load killed at {delay}s")))
    assert any(killed for killed, _ in outcomes), "no kill hit a running load"


@pytest.mark.skipif(not EPOCH_CSV.is_file(), reason=f"{EPOCH_CSV} is not available")
def test_kill_during_import_keeps_old_or_new_graph(built: Path, tmp_path: Path) -> None:
    """The import graph holds a timestamp, so "new" is compared per graph count."""
    before = fingerprint(built)
    reference = _copy(built, tmp_path / "reference")
    seconds = _timed_govkg("--store", reference, "import", "epoch", EPOCH_CSV)
    after = fingerprint(reference)
    imported = per_graph(after)[EPOCH_GRAPH]
    assert imported > 1000
    outcomes = []
    for i, delay in enumerate(_delays(seconds)):
        store = _copy(built, tmp_path / f"store-{i}")
        argv = [str(GOVKG), "--store", str(store), "import", "epoch", str(EPOCH_CSV)]
        killed, code = kill_after(argv, delay)
        assert killed or code == 0
        now = fingerprint(store)
        assert without_graph(now, EPOCH_GRAPH) == without_graph(before, EPOCH_GRAPH), (
            f"import killed at {delay}s changed graphs other than {EPOCH_GRAPH}"
        )
        assert per_graph(now)[EPOCH_GRAPH] in (0, imported), (
            f"import killed at {delay}s left {per_graph(now)[EPOCH_GRAPH]} quads in "
            f"{EPOCH_GRAPH}; expected 0 or {imported}"
        )
        outcomes.append(killed)
    assert any(outcomes), "no kill hit a running import"


def test_kill_between_the_swap_renames_is_recovered_by_the_next_command(
    built: Path, tmp_path: Path
) -> None:
    """Simulates the microsecond window of ``graph/build.py:_swap`` deterministically."""
    before = fingerprint(built)
    store = tmp_path / "store"
    shutil.copytree(built, tmp_path / "store.old-999999")  # a pid that does not run
    extra = tmp_path / "more.ttl"
    extra.write_text("<https://example.org/x> <https://example.org/p> 1 .\n", encoding="utf-8")
    result = govkg("--store", store, "load", extra, "--graph", "https://example.org/graph/more")
    assert result.returncode == 0, result.stderr
    now = fingerprint(store)
    assert without_graph(now, "<https://example.org/graph/more>") == before
