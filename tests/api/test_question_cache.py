"""Named questions' pages cached per data generation (api/http/question_cache.py).

In-process app over a private copy of the bundled store (writes need a token), real query
workers: a repeated page is a lookup, pages and formats read the same cached page, a write moves
the generation (the next answer is computed on the new data, then the first pages are computed
again in the background), and the byte bound holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

import httpx
from govkg.api.http import query_jobs
from govkg.api.http.answer_cache import Cached
from govkg.api.http.query_jobs import Job
from govkg.api.http.question_cache import QuestionRunner
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from support.faults import wait_for
from support.servers import LiveServer, http, in_process_server

ID = "https://w3id.org/govkg/id/"
TOKEN = "secret-token"
QUESTION = "/questions/models-by-developer"


def get(live: LiveServer, path: str, **params: str) -> httpx.Response:
    r = http.get(
        live.url + path, params=params, headers={"Accept": "application/json"}, timeout=120
    )
    assert r.status_code == 200, r.text
    return r


def insert(live: LiveServer, model: str) -> None:
    """A dated Meta model, written through the API (a write bumps the generation)."""
    update = (
        f"INSERT DATA {{ GRAPH <https://w3id.org/govkg/graph/{model}> {{ "
        f"<{ID}{model}> a <https://w3id.org/govkg/ontology#AIModel> ; "
        f"<http://www.w3.org/2000/01/rdf-schema#label> '{model}' ; "
        f"<https://w3id.org/govkg/ontology#developedBy> <{ID}meta> ; "
        "<https://w3id.org/govkg/ontology#releaseDate> "
        "'2024-01-01'^^<http://www.w3.org/2001/XMLSchema#date> . } }"
    )
    r = http.post(
        live.sparql,
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    assert r.status_code in (200, 204), r.text


def models(doc: dict) -> set[str]:
    return {row["model"] for row in doc["rows"]}


def test_a_repeated_page_is_a_hit_with_the_same_answer(bundled_store: Path) -> None:
    with in_process_server(bundled_store, data=None) as live:
        first = get(live, QUESTION, developer="meta", limit="5")
        again = get(live, QUESTION, developer="meta", limit="5")
        other = get(live, QUESTION, developer="google", limit="5")
    assert first.headers["x-govkg-cache"] == "miss"
    assert again.headers["x-govkg-cache"] == "hit"
    assert again.json() == first.json()
    assert int(again.headers["age"]) >= 0
    # other parameters are another answer, not a hit on this one
    assert other.headers["x-govkg-cache"] == "miss"
    assert models(other.json()).isdisjoint(models(first.json()))


def test_pages_from_the_cache_concatenate_to_the_uncached_answer(bundled_store: Path) -> None:
    """Every page is cached on the way; a second walk is all hits and the same rows."""
    with in_process_server(bundled_store, data=None) as live:
        whole = get(live, QUESTION, limit="1000", total="true").json()

        def walk() -> tuple[list[dict], list[str]]:
            rows, sources = [], []
            r = get(live, QUESTION, limit="7")
            while True:
                rows += r.json()["rows"]
                sources.append(r.headers["x-govkg-cache"])
                nxt = r.links.get("next")
                if nxt is None:
                    return rows, sources
                r = http.get(urljoin(str(r.url), nxt["url"]), timeout=120)
                assert r.status_code == 200, r.text

        cold, cold_sources = walk()
        warm, warm_sources = walk()
    assert whole["total"] == len(whole["rows"]) > 7
    assert cold == warm == whole["rows"]
    assert set(cold_sources) == {"miss"}
    assert set(warm_sources) == {"hit"}


def test_a_page_without_its_total_is_read_from_the_page_cached_with_one(
    bundled_store: Path,
) -> None:
    with in_process_server(bundled_store, data=None) as live:
        counted = get(live, QUESTION, limit="10", total="true")
        plain = get(live, QUESTION, limit="10")
        csv = http.get(live.url + QUESTION, params={"limit": "10", "format": "csv"}, timeout=120)
        page = http.get(
            live.url + QUESTION, params={"limit": "10"}, headers={"Accept": "text/html"}
        )
    assert plain.headers["x-govkg-cache"] == "hit"
    assert "total" not in plain.json()
    assert plain.json() == {k: v for k, v in counted.json().items() if k != "total"}
    # the other formats of the same page read the same entry
    assert csv.headers["x-govkg-cache"] == "hit"
    assert len(csv.text.strip().splitlines()) == 11
    assert page.status_code == 200
    assert page.headers["x-govkg-cache"] == "hit"
    assert "kept until the data changes" in page.text


def test_a_page_asked_during_the_warm_up_waits_for_it_instead_of_computing_it_again(
    bundled_store: Path,
) -> None:
    # A real pool and runner on their own loop, so the request can be made exactly while the
    # warm-up's computation of the same page (with its total) holds a worker.
    async def main() -> tuple[Cached, Cached, int]:
        settings = Settings(store=bundled_store)
        pool = WorkerPool(query_jobs.ENTRY, settings, size=2)
        runner = QuestionRunner(pool, settings)
        await pool.start()
        try:
            fuller = runner.first_pages()[0]
            key = (fuller.key(), pool.generation)
            runner.schedule_refresh()  # the warm-up, as after a change
            deadline = time.monotonic() + 60
            while not runner.computing(key):  # each turn is far shorter than the question
                assert time.monotonic() < deadline, "the warm-up never started"
                await asyncio.sleep(0)
            plain = replace(fuller, total=False)
            during = await runner.page(plain, 30)
            later = await runner.page(plain, 30)
            return during, later, runner.cached()
        finally:
            await pool.close()

    during, later, cached = asyncio.run(main())
    assert during.source == "shared"  # the warm-up's answer, not a second computation
    assert "total" not in during.answer.document
    assert later.source == "hit" and later.answer.document == during.answer.document
    assert cached >= 1


def test_a_write_moves_the_generation_and_the_first_pages_are_computed_again(
    bundled_store_copy: Path,
) -> None:
    with in_process_server(bundled_store_copy, data=None, token=TOKEN) as live:
        runner = live.app.state.govkg.questions
        before = get(live, QUESTION, developer="meta")
        assert before.headers["x-govkg-cache"] == "miss"
        generation = int(before.headers["x-govkg-generation"])
        insert(live, "cache-probe-one")
        after = get(live, QUESTION, developer="meta")
        # computed on the new data, not the old answer
        assert after.headers["x-govkg-cache"] == "miss"
        assert int(after.headers["x-govkg-generation"]) > generation
        assert ID + "cache-probe-one" in models(after.json())
        assert ID + "cache-probe-one" not in models(before.json())
        # after a change the first page of every question without parameters is recomputed
        # in the background: nobody asks for it, and it is there
        insert(live, "cache-probe-two")
        first = Job(kind="question", name="models-by-developer", limit=1000, total=True)
        wait_for(lambda: runner.holds(first), 120, "the background recomputation")
        served = get(live, "/questions/models-by-developer")
    assert served.headers["x-govkg-cache"] == "hit"
    assert ID + "cache-probe-two" in models(served.json())


def test_the_byte_bound_holds(bundled_store: Path) -> None:
    """With 1 MiB, pages of ~10 kB: the cache keeps some, drops the least recently used."""
    with in_process_server(bundled_store, data=None, question_cache_mb=1) as live:
        runner = live.app.state.govkg.questions
        for offset in range(0, 400, 4):
            get(live, "/questions/timeline", limit="40", offset=str(offset))
        kept = runner.cached()
        assert 0 < kept < 100
        assert runner._bytes <= runner.policy.max_bytes
        # the newest page is still there, the oldest went first
        newest = get(live, "/questions/timeline", limit="40", offset="396")
        oldest = get(live, "/questions/timeline", limit="40", offset="0")
    assert newest.headers["x-govkg-cache"] == "hit"
    assert oldest.headers["x-govkg-cache"] == "miss"


@contextlib.asynccontextmanager
async def _runner(store: Path) -> AsyncIterator[tuple[WorkerPool, QuestionRunner]]:
    """A real query pool and question runner on the running loop, closed at the end."""
    settings = Settings(store=store)
    pool = WorkerPool(query_jobs.ENTRY, settings, size=2)
    runner = QuestionRunner(pool, settings)
    await pool.start()
    try:
        yield pool, runner
    finally:
        await runner.close()
        await pool.close()


async def _warm_up_under_way(runner: QuestionRunner, pool: WorkerPool) -> tuple[Job, object]:
    """Start the warm-up; return its first job once a worker computes it, and that worker."""
    fuller = runner.first_pages()[0]
    key = (fuller.key(), pool.generation)
    runner.schedule_refresh()
    deadline = time.monotonic() + 60
    while not runner.computing(key):  # each turn is far shorter than the question
        assert time.monotonic() < deadline, "the warm-up never started"
        await asyncio.sleep(0)
    (worker,) = pool._busy_since  # the one worker the warm-up holds
    return fuller, worker


def test_a_change_stops_the_background_computation_it_made_useless(bundled_store: Path) -> None:
    # The warm-up computes a page for the data as it is; a change makes that answer one nobody
    # will ask for again. The computation is stopped at the change (its worker killed, so it
    # no longer takes a core from readers), and the warm-up starts over on the new data.
    async def main() -> tuple[bool, bool, int, int]:
        async with _runner(bundled_store) as (pool, runner):
            fuller, worker = await _warm_up_under_way(runner, pool)
            old = (fuller.key(), pool.generation)
            pool.invalidate()  # in the same turn: the worker cannot have answered yet
            runner.schedule_refresh()  # as after a change once questions are being asked
            deadline = time.monotonic() + 30
            while worker in pool._all or worker.process.poll() is None:
                assert time.monotonic() < deadline, "the stale computation kept its worker"
                await asyncio.sleep(0.05)
            stale_kept = runner.lookup(old) is not None
            new = (fuller.key(), pool.generation)
            deadline = time.monotonic() + 120
            while runner.lookup(new) is None:
                assert time.monotonic() < deadline, "the warm-up did not start over"
                await asyncio.sleep(0.05)
            return stale_kept, worker.process.returncode < 0, old[1], new[1]

    stale_kept, killed, old, new = asyncio.run(main())
    assert killed, "the worker was killed by a signal"
    assert not stale_kept
    assert new == old + 1


def test_a_change_does_not_stop_a_background_computation_a_request_waits_for(
    bundled_store: Path,
) -> None:
    # A request that joined the warm-up's computation asked about the data before the change,
    # and gets that answer: the change does not take it away from it.
    async def main() -> tuple[Cached, bool]:
        async with _runner(bundled_store) as (pool, runner):
            fuller, worker = await _warm_up_under_way(runner, pool)
            waiting = asyncio.create_task(runner.answer(fuller, 60))
            await asyncio.sleep(0)  # the request joins the flight
            pool.invalidate()
            shared = await waiting
            return shared, worker in pool._all

    shared, kept = asyncio.run(main())
    assert shared.source == "shared"
    assert shared.answer.document["rows"]
    assert kept, "the worker that answered is still in the pool"
