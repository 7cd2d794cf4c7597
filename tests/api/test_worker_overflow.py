"""The elastic worker pool: heavy queries get extra workers, light bursts never do.

Real pools over a real store on disk, real worker processes (counted from the operating
system, not only from the pool's own book-keeping), and one real server over HTTP. With a fixed
pool, ``size`` heavy queries held every worker and a trivial ASK waited for their deadline; here
it must be answered long before it, the pool must never exceed its cap, and the extras must go
away again.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest
from govkg.api.http import query_jobs
from govkg.api.http.query_jobs import Job
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.errors import QueryTimeoutError
from support.servers import http, make_store, start_server

# Timing: answers and retirements within deadlines: one at a time on one xdist worker
# (tests/support/workers.py).
pytestmark = pytest.mark.serial


EX = "http://example.org/"
KEYS = 50
VALUES = " ".join(str(i) for i in range(60))


def _cartesian(factors: int) -> str:
    """A COUNT over ``60 ** factors`` rows: 6 factors run for minutes, 4 for about a second."""
    blocks = " ".join(f"VALUES ?v{i} {{ {VALUES} }}" for i in range(factors))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {blocks} }}"


HEAVY = _cartesian(6)
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = "".join(f'<{EX}k{i}> <{EX}value> "v{i}" .\n' for i in range(KEYS))
    return make_store(tmp_path_factory.mktemp("overflow") / "store", data, ox.RdfFormat.N_TRIPLES)


def _pool(store: Path, size: int = 2, **elastic: float) -> WorkerPool:
    settings = Settings(store=store, max_results=10_000)
    return WorkerPool(query_jobs.ENTRY, settings, size=size, **elastic)  # type: ignore[arg-type]


def _json(query: str) -> Job:
    return Job(kind="sparql", query=query, accept="application/sparql-results+json")


def _worker_processes() -> set[int]:
    """Live (non-zombie) query worker processes started by this test process.

    Servers other test modules keep running have theirs too: callers count only new ones.
    """
    found = set()
    for child in psutil.Process(os.getpid()).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "govkg.api.runtime.child" in " ".join(
                child.cmdline()
            ):
                found.add(child.pid)
        except psutil.NoSuchProcess:
            continue
    return found


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def _until(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def _sample(
    pool: WorkerPool, others: set[int], seen: set[int], counts: list[int], stop: asyncio.Event
) -> None:
    """Record every worker pid the pool ever had, and how many worker processes not in
    ``others`` (those that ran before the pool started) were alive."""
    while not stop.is_set():
        seen.update(pool.pids())
        counts.append(len(_worker_processes() - others))
        await asyncio.sleep(0.05)


def test_a_light_query_is_answered_long_before_heavy_ones_hit_their_deadline(
    store: Path,
) -> None:
    deadline = 4.0  # the ASK, with an extra worker, takes well under a second here

    async def main() -> tuple[float, list[BaseException | object], set[int], set[int]]:
        others = _worker_processes()
        pool = _pool(store, size=2, idle_retire=1.0)
        await pool.start()
        seen: set[int] = set()
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(_sample(pool, others, seen, [], stop))
        try:
            heavy = [asyncio.ensure_future(pool.run(_json(HEAVY), deadline)) for _ in range(3)]
            await asyncio.sleep(0.2)  # all three have a worker or are waiting for one
            started = time.monotonic()
            outcome = await pool.run(_json(ASK), 30)
            waited = time.monotonic() - started
            assert b"true" in outcome.body
            results = await asyncio.gather(*heavy, return_exceptions=True)
            # Back to ``size`` once the extras are idle past the idle period (or were killed).
            assert await _until(lambda: pool.alive() == 2 and len(pool.pids()) == 2, 60)
            return waited, results, seen, set(pool.pids())
        finally:
            stop.set()
            await sampler
            await pool.close()

    waited, results, seen, final = asyncio.run(main())
    assert waited < deadline / 2, f"the ASK waited {waited:.1f} s behind the heavy queries"
    assert all(isinstance(r, QueryTimeoutError) for r in results), results
    assert len(seen) > 2, "no extra worker was ever started"
    assert all(_gone(pid) for pid in seen - final), "a retired or killed worker still runs"


def test_extra_workers_retire_when_idle_but_never_below_size(store: Path) -> None:
    # heavy_after=0: every busy worker counts as heavy, so waiting requests always get extras.
    async def main() -> tuple[int, list[int], set[int]]:
        others = _worker_processes()
        pool = _pool(store, size=2, heavy_after=0.0, idle_retire=1.0)
        await pool.start()
        core = set(pool.pids())
        try:
            medium = _cartesian(4)
            results = await asyncio.gather(*(pool.run(_json(medium), 60) for _ in range(4)))
            assert all(b"12960000" in r.body for r in results)
            grown = set(pool.pids()) | core
            assert await _until(lambda: len(pool.pids()) == 2, 30), pool.pids()
            # The floor holds: past another idle period (1 s), the two are still there.
            await asyncio.sleep(1.5)
            counts = [len(pool.pids()), pool.alive(), len(_worker_processes() - others)]
            return len(grown), counts, grown - set(pool.pids())
        finally:
            await pool.close()

    grown, counts, extras = asyncio.run(main())
    assert grown > 2, "waiting requests got no extra worker"
    assert counts == [2, 2, 2], counts
    assert all(_gone(pid) for pid in extras)


def test_a_burst_of_light_queries_starts_no_extra_worker(store: Path) -> None:
    async def main() -> tuple[set[int], set[int], list[int]]:
        others = _worker_processes()
        pool = _pool(store, size=2)  # the defaults a server uses
        await pool.start()
        before = set(pool.pids())
        seen: set[int] = set()
        counts: list[int] = []
        stop = asyncio.Event()
        sampler = asyncio.ensure_future(_sample(pool, others, seen, counts, stop))
        try:
            for _ in range(3):
                queries = [
                    f"SELECT ?v WHERE {{ <{EX}k{i % KEYS}> <{EX}value> ?v }} LIMIT 10"
                    for i in range(50)
                ]
                outcomes = await asyncio.gather(*(pool.run(_json(q), 30) for q in queries))
                assert all(f'"v{i % KEYS}"'.encode() in o.body for i, o in enumerate(outcomes))
            await asyncio.sleep(0.3)
            seen.update(pool.pids())
            return before, seen, counts
        finally:
            stop.set()
            await sampler
            await pool.close()

    before, seen, counts = asyncio.run(main())
    assert seen == before, f"light queries started workers {sorted(seen - before)}"
    assert max(counts) == 2, counts


def test_the_cap_holds_with_more_heavy_queries_than_it_allows(store: Path) -> None:
    async def main() -> tuple[list[int], set[int], list[BaseException | object]]:
        others = _worker_processes()
        pool = _pool(store, size=2, max_extra=2, heavy_after=0.3, idle_retire=1.0)
        await pool.start()
        assert pool.cap == 4
        seen: set[int] = set()
        counts: list[int] = []
        stop = asyncio.Event()
        try:
            heavy = [asyncio.ensure_future(pool.run(_json(HEAVY), 4.0)) for _ in range(7)]
            # Count the processes until shortly before the deadline kills (and replaces) any.
            sampler = asyncio.ensure_future(_sample(pool, others, seen, counts, stop))
            await asyncio.sleep(3.0)
            stop.set()
            await sampler
            results = await asyncio.gather(*heavy, return_exceptions=True)
            assert await _until(lambda: pool.alive() == 2, 60)
            return counts, seen, results
        finally:
            stop.set()
            await pool.close()

    counts, seen, results = asyncio.run(main())
    assert max(counts) == 4, f"worker processes over time: {counts}"  # grew to the cap, no more
    assert all(isinstance(r, QueryTimeoutError) for r in results), results
    waited = [r for r in results if "no query worker became free" in str(r)]
    assert len(waited) == 3, results  # seven heavy queries, four workers: three never ran
    assert all(_gone(pid) for pid in seen)


def test_a_default_server_answers_an_ask_while_heavy_queries_hold_its_workers(
    tmp_path: Path,
) -> None:
    path = make_store(tmp_path / "store", f'<{EX}a> <{EX}b> "c" .\n', ox.RdfFormat.N_TRIPLES)
    with start_server(path, data=None, workers=2, query_timeout=30.0) as live:
        pool = live.app.state.govkg.pool

        def get(query: str, timeout: str) -> tuple[int, float]:
            started = time.monotonic()
            resp = http.get(live.sparql, params={"query": query, "timeout": timeout}, timeout=60)
            return resp.status_code, time.monotonic() - started

        with ThreadPoolExecutor(max_workers=3) as ex:
            heavy = [ex.submit(get, HEAVY, "4") for _ in range(3)]
            time.sleep(0.5)
            status, waited = get(ASK, "30")
            grown = len(pool.pids())
            assert [f.result()[0] for f in heavy] == [503, 503, 503]
        assert status == 200
        assert waited < 3.0, f"the ASK waited {waited:.1f} s behind three heavy queries"
        assert grown > 2


def test_extra_workers_see_writes_after_invalidate(tmp_path: Path) -> None:
    from govkg.graph.store.embedded import Store

    path = make_store(tmp_path / "store", f'<{EX}a> <{EX}b> "c" .\n', ox.RdfFormat.N_TRIPLES)
    probe = f"SELECT ?o WHERE {{ <{EX}new> <{EX}p> ?o }}"

    async def main() -> list[bytes]:
        # heavy_after=0: the two waiting ASKs get one extra worker per busy one.
        pool = _pool(path, size=2, heavy_after=0.0, idle_retire=60.0)
        await pool.start()
        try:
            await asyncio.gather(*(pool.run(_json(ASK), 30) for _ in range(4)))
            assert await _until(lambda: len(pool._idle) == 4, 30), pool.pids()  # two extras
            writer = Store.open(path)
            writer.oxigraph.update(f'INSERT DATA {{ <{EX}new> <{EX}p> "fresh" }}')
            writer.flush()
            pool.invalidate()
            # Four at once take the four idle workers (none waits): each must see the write.
            outcomes = await asyncio.gather(*(pool.run(_json(probe), 30) for _ in range(4)))
            assert len(pool.pids()) == 4
            del writer
            return [o.body for o in outcomes]
        finally:
            await pool.close()

    bodies = asyncio.run(main())
    assert all(b'"fresh"' in body for body in bodies), bodies


def test_heavy_is_relative_to_the_slowest_recent_job_within_bounds(store: Path) -> None:
    """The bar: ``heavy_after``, or twice the slowest recent finished job, at most the ceiling."""
    from govkg.api.runtime.heaviness import HEAVY_CEILING, SLOW_HALF_LIFE

    pool = _pool(store, size=2, heavy_after=0.5)  # not started: the bookkeeping alone
    assert pool.heavy.threshold(100.0) == 0.5
    pool.heavy.finished(1.5, 100.0)
    assert pool.heavy.threshold(100.0) == pytest.approx(3.0)
    pool.heavy.finished(0.2, 101.0)  # a faster job does not lower the bar
    assert pool.heavy.threshold(101.0) == pytest.approx(3.0 * 0.5 ** (1 / SLOW_HALF_LIFE))
    assert pool.heavy.threshold(100.0 + SLOW_HALF_LIFE) == pytest.approx(1.5)  # half-life
    assert pool.heavy.threshold(100.0 + 10 * SLOW_HALF_LIFE) == 0.5  # back to the floor
    pool.heavy.finished(60.0, 200.0)  # one slow job that finished cannot disable the rescue
    assert pool.heavy.threshold(200.0) == HEAVY_CEILING
