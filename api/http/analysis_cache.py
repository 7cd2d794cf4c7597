"""The server's side of analyses: run them in the analysis pool, cache the answers, refresh.

Why a cache in the server and not only in the workers: a worker keeps the projection, but an
answer (a coverage report, a betweenness ranking) still costs seconds to compute again; the
same request repeated, the usual case for a page everyone opens, should cost a dictionary
lookup. Answers are kept per (job, data generation): the generation is the pools' counter,
bumped by every write and every reopen of a store another process changed, so an answer is
never served for data it was not computed on. The cache is bounded by the bytes it holds
(``analysis_cache_mb``) and drops the least recently used answers first; answers of older
generations go at once when the generation moves.

Concurrent identical requests share one computation (the later ones wait for the first, up to
their own limit). After a change, the default analyses (coverage today, centrality with the
default parameters) are recomputed in the background at the lowest priority the pool has: a
background job takes a worker only when no request waits for one (and the workers themselves
run niced). Nothing here blocks a request on background work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from govkg.api.http.analysis_jobs import AnalysisJob, Answer
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.analysis.service import today
from govkg.graph.errors import AnalysisTimeoutError, QueryTimeoutError

log = logging.getLogger("govkg.api.analysis")

#: Seconds to wait after a change before recomputing, so a burst of writes costs one refresh.
REFRESH_DELAY = 1.0
#: Bytes counted per cached answer on top of its body (key, headers, bookkeeping).
ENTRY_OVERHEAD = 512


def default_jobs() -> list[AnalysisJob]:
    """The expensive analyses with the parameters most requests use (refreshed after a change)."""
    return [
        AnalysisJob("coverage", {"as_of": today(), "developer": None}),
        AnalysisJob("centrality", {"k": 100, "kinds": [], "top": 10}),
    ]


@dataclass
class Cached:
    """An answer with when and on which data it was computed."""

    answer: Answer
    generation: int
    made: float = field(default_factory=time.time)
    #: How this request got it: ``miss`` (computed for it), ``shared`` (computed for a
    #: concurrent identical request) or ``hit`` (from the cache).
    source: str = "miss"

    @property
    def size(self) -> int:
        return len(self.answer.body) + ENTRY_OVERHEAD

    def headers(self) -> dict[str, str]:
        """``Age`` (seconds since it was computed), the cache outcome and the generation."""
        return {
            **self.answer.headers,
            "Age": str(max(0, int(time.time() - self.made))),
            "X-Govkg-Cache": self.source,
            "X-Govkg-Generation": str(self.generation),
        }


@dataclass
class _Flight:
    """A computation under way; ``deadline`` (loop time) is known once it has a worker."""

    future: asyncio.Future[Cached]
    deadline: float | None = None


class AnalysisRunner:
    """Runs analysis jobs in ``pool`` with a time limit, through a bounded answer cache."""

    def __init__(self, pool: WorkerPool, settings: Settings) -> None:
        self.pool = pool
        self.settings = settings
        self.max_bytes = settings.analysis_cache_mb << 20
        self._entries: OrderedDict[tuple[str, int], Cached] = OrderedDict()
        self._bytes = 0
        self._flights: dict[tuple[str, int], _Flight] = {}
        self._started = False
        self._start_lock = asyncio.Lock()
        self._refresh_task: asyncio.Task[None] | None = None
        self._refresh_wanted = False
        self._closed = False
        pool.on_invalidate(self._invalidated)

    # -- the pool is started on first use (most apps in tests never run an analysis) --

    @property
    def started(self) -> bool:
        return self._started

    async def start(self) -> None:
        """Start the analysis workers (once; later calls wait for the first)."""
        async with self._start_lock:
            if not self._started and not self._closed:
                await self.pool.start()
                self._started = True

    async def close(self) -> None:
        """Stop background work and every analysis worker (server shutdown)."""
        self._closed = True
        task, self._refresh_task = self._refresh_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        await self.pool.close()

    # -- answering --

    def limit(self, requested: float | None) -> float:
        """The time limit of a request: the server's, lowered by a valid ``timeout``."""
        if requested is None:
            return self.settings.analysis_timeout
        return min(requested, self.settings.analysis_timeout)

    async def answer(self, job: AnalysisJob, timeout: float, *, cache: bool = True) -> Cached:
        """The answer to ``job``: from the cache, a computation under way, or a new one.

        Raises what the analysis raised; at the limit a
        :class:`~govkg.graph.errors.QueryTimeoutError` saying which limit (the worker that was
        computing it for this request has been killed).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        key = (job.key(), self.pool.generation)
        if cache:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return Cached(hit.answer, hit.generation, hit.made, "hit")
            flight = self._flights.get(key)
            if flight is not None and flight.deadline is not None:
                try:
                    done = await asyncio.wait_for(asyncio.shield(flight.future), timeout)
                except TimeoutError:
                    raise self._timeout(timeout) from None
                except QueryTimeoutError:
                    # Stopped at its own (earlier) limit; this request still has time.
                    left = deadline - loop.time()
                    if left <= 0:
                        raise self._timeout(timeout) from None
                    return await self._compute(job, key, left, cache=cache, limit=timeout)
                return Cached(done.answer, done.generation, done.made, "shared")
        return await self._compute(job, key, timeout, cache=cache)

    async def run_plain(self, job: AnalysisJob, timeout: float) -> Any:
        """Run ``job`` in the pool under ``timeout``, uncached; what the worker returned."""
        await self.start()
        try:
            return await self.pool.run(job, timeout)
        except QueryTimeoutError as exc:
            raise self._timeout(timeout, str(exc)) from None

    async def _compute(
        self, job: AnalysisJob, key: tuple[str, int], timeout: float, *, cache: bool,
        background: bool = False, limit: float | None = None,
    ) -> Cached:  # fmt: skip
        """Run ``job`` for ``timeout`` seconds (what is left of ``limit``, the request's)."""
        await self.start()
        loop = asyncio.get_running_loop()
        flight = _Flight(loop.create_future())
        if cache:
            self._flights[key] = flight

        def started(deadline: float) -> None:
            flight.deadline = deadline

        try:
            answer = await self.pool.run(job, timeout, background=background, on_start=started)
        except QueryTimeoutError as exc:
            error = self._timeout(timeout if limit is None else limit, str(exc))
            _settle(flight.future, error)
            raise error from None
        except BaseException as exc:
            _settle(flight.future, exc)
            raise
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
        result = Cached(answer, key[1])
        flight.future.set_result(result)
        if cache and key[1] == self.pool.generation:
            self._store(key, result)
        return result

    def _timeout(self, timeout: float, detail: str = "") -> AnalysisTimeoutError:
        which = (
            f"the server's analysis limit ({self.settings.analysis_timeout:g} s)"
            if timeout >= self.settings.analysis_timeout
            else f"the `timeout` asked for ({timeout:g} s)"
        )
        lead = detail or f"the analysis did not finish within {timeout:g} s"
        return AnalysisTimeoutError(f"{lead} (limit: {which})")

    def _store(self, key: tuple[str, int], entry: Cached) -> None:
        if entry.size > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._entries[key] = entry
        self._bytes += entry.size
        while self._bytes > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= dropped.size

    def cached(self) -> int:
        """How many answers the cache holds (for tests and /health)."""
        return len(self._entries)

    def holds(self, job: AnalysisJob) -> bool:
        """Whether the answer to ``job`` on the current data is cached (thread-safe read)."""
        return (job.key(), self.pool.generation) in self._entries

    # -- after a change --

    def _invalidated(self, generation: int) -> None:
        """The data changed: drop older answers; recompute the defaults if analyses are in use."""
        for key in [k for k in self._entries if k[1] < generation]:
            self._bytes -= self._entries.pop(key).size
        if self._started or self.settings.analysis_warm:
            self.schedule_refresh()

    def schedule_refresh(self) -> None:
        """Recompute the default analyses in the background soon (one task at a time)."""
        if self._closed:
            return
        self._refresh_wanted = True
        if self._refresh_task is None or self._refresh_task.done():
            self._refresh_task = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        while self._refresh_wanted and not self._closed:
            self._refresh_wanted = False
            await asyncio.sleep(REFRESH_DELAY)
            generation = self.pool.generation
            for job in default_jobs():
                if self._refresh_wanted or generation != self.pool.generation:
                    break  # changed again: start over with the newest data
                key = (job.key(), generation)
                if key in self._entries or key in self._flights:
                    continue
                try:
                    await self._compute(
                        job, key, self.settings.analysis_background_timeout,
                        cache=True, background=True,
                    )  # fmt: skip
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - logged; a request will see it again
                    log.warning("background %s failed: %s", job.kind, exc)


def _settle(future: asyncio.Future[Cached], exc: BaseException) -> None:
    """Fail the requests sharing a computation with the exception of the one that ran it."""
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
        return
    future.set_exception(exc)
    future.exception()  # retrieved here: nobody may be waiting, and asyncio would complain


def add_headers(target: Any, entry: Cached) -> None:
    """Copy ``entry``'s cache headers onto a response."""
    for name, value in entry.headers().items():
        target.headers[name] = value
