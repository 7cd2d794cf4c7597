"""The worker pool's background jobs and invalidation hooks, with real worker processes.

A background job (work nobody waits for, such as refreshing the analysis cache) must yield to
every request: it gets a worker only when no request is waiting, even if it asked first; its
limit counts from when it starts; and it ends with the pool when the pool closes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from govkg.api.http import query_jobs
from govkg.api.http.query_jobs import Job
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.errors import StoreError
from support.servers import make_store

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("background") / "store")


def _pool(store: Path) -> WorkerPool:
    """One worker and no extras: every job after the first has to wait for it."""
    return WorkerPool(query_jobs.ENTRY, Settings(store=store), size=1, max_extra=0)


def _job() -> Job:
    return Job(kind="sparql", query=QUERY, accept="application/sparql-results+json")


def test_a_background_job_waits_for_every_request(store: Path) -> None:
    async def scenario() -> list[str]:
        pool = _pool(store)
        await pool.start()
        order: list[str] = []

        async def run(name: str, background: bool = False) -> None:
            await pool.run(_job(), 60, background=background)
            order.append(name)

        try:
            first = asyncio.create_task(run("first"))
            await asyncio.sleep(0)  # it has the only worker now
            background = asyncio.create_task(run("background", background=True))
            await asyncio.sleep(0)  # queued before the request below...
            request = asyncio.create_task(run("request"))
            await asyncio.gather(first, background, request)
        finally:
            await pool.close()
        return order

    assert asyncio.run(scenario()) == ["first", "request", "background"]


def test_starting_reports_the_deadline_and_invalidation_is_announced(store: Path) -> None:
    async def scenario() -> tuple[list[float], list[int], float]:
        pool = _pool(store)
        await pool.start()
        deadlines: list[float] = []
        generations: list[int] = []
        pool.on_invalidate(generations.append)
        try:
            loop = asyncio.get_running_loop()
            before = loop.time()
            await pool.run(_job(), 60, background=True, on_start=deadlines.append)
            pool.invalidate()
            pool.invalidate()
        finally:
            await pool.close()
        return deadlines, generations, before

    deadlines, generations, before = asyncio.run(scenario())
    assert len(deadlines) == 1 and deadlines[0] >= before + 60
    assert generations == [1, 2]


def test_a_waiting_background_job_ends_with_the_pool(store: Path) -> None:
    async def scenario() -> BaseException | None:
        pool = _pool(store)
        await pool.start()
        busy = asyncio.create_task(pool.run(_job(), 60))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(pool.run(_job(), 60, background=True))
        await asyncio.sleep(0)
        await pool.close()
        results = await asyncio.gather(busy, waiting, return_exceptions=True)
        return results[1] if isinstance(results[1], BaseException) else None

    error = asyncio.run(scenario())
    assert isinstance(error, StoreError), error
