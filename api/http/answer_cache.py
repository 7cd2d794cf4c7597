"""Answers kept per data generation: what analyses and named questions share in the server.

Why a cache in the server: an answer (a coverage report, a named question's first page) costs
seconds to compute at scale, and the same request repeated, the usual case for a page everyone
opens, should cost a dictionary lookup. Answers are kept per (job, data generation): the
generation is the worker pool's counter, bumped by every write and every reopen of a store
another process changed, so an answer is never served for data it was not computed on. The
cache is bounded by the bytes it holds and drops the least recently used answers first; answers
of older generations go at once when the generation moves.

Concurrent identical requests share one computation (the later ones wait for the first, up to
their own limit). After a change, the default jobs (a :class:`Policy` names them) are computed
again in the background at the lowest priority the pool has: a background job takes a worker
only when no request waits for one. Nothing here blocks a request on background work, and a
background computation that a change has made useless (its answer would be for the data before
the change, which no later request asks for) is stopped at the change, its worker killed, so it
does not take a core from the readers of the new data.

:class:`AnswerCache` is the mechanism; :mod:`govkg.api.http.analysis_cache` and
:mod:`govkg.api.http.question_cache` give it their pool and :class:`Policy`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from govkg.api.runtime.pool import WorkerPool
from govkg.graph.errors import QueryTimeoutError

log = logging.getLogger("govkg.api.cache")

#: Seconds to wait after a change before recomputing, so a burst of writes costs one refresh.
REFRESH_DELAY = 1.0
#: Bytes counted per cached answer on top of its own size (key, headers, bookkeeping).
ENTRY_OVERHEAD = 512


class CacheJob(Protocol):
    """A job the cache can key: its ``key()`` names its answer (kind and parameters)."""

    def key(self) -> str: ...


@dataclass
class Cached:
    """An answer with when and on which data it was computed."""

    answer: Any
    generation: int
    made: float = field(default_factory=time.time)
    #: How this request got it: ``miss`` (computed for it), ``shared`` (computed for a
    #: concurrent identical request) or ``hit`` (from the cache).
    source: str = "miss"
    size: int = 0

    def headers(self) -> dict[str, str]:
        """The answer's own headers, ``Age`` (seconds since computed), the cache outcome and
        the generation."""
        return {
            **getattr(self.answer, "headers", {}),
            "Age": str(max(0, int(time.time() - self.made))),
            "X-Govkg-Cache": self.source,
            "X-Govkg-Generation": str(self.generation),
        }

    def seen_as(self, source: str) -> Cached:
        """The same answer as another request receives it."""
        return Cached(self.answer, self.generation, self.made, source, self.size)


@dataclass
class Policy:
    """What one kind of answer needs from the cache."""

    #: The most bytes the cache may hold.
    max_bytes: int
    #: Bytes an answer takes (its body, or its document's size).
    size: Callable[[Any], int]
    #: The jobs to recompute in the background after a change.
    defaults: Callable[[], list[Any]]
    #: The time limit of a background recomputation.
    background_timeout: float
    #: The error of a job stopped at ``limit`` seconds (``detail``: the pool's message or "").
    timeout_error: Callable[[float, str], QueryTimeoutError]
    #: Whether to recompute the defaults after a change before anyone has asked.
    warm: bool = False


@dataclass
class _Flight:
    """A computation under way; ``deadline`` (loop time) is known once it has a worker."""

    future: asyncio.Future[Cached]
    deadline: float | None = None
    #: Whether a request is waiting for it (then a change does not stop it: the request asked
    #: before the change and gets the answer for the data it asked about).
    shared: bool = False


class AnswerCache:
    """Runs jobs in ``pool`` with a time limit, through a bounded per-generation cache."""

    def __init__(self, pool: WorkerPool, policy: Policy) -> None:
        self.pool = pool
        self.policy = policy
        self._entries: OrderedDict[tuple[str, int], Cached] = OrderedDict()
        self._bytes = 0
        self._flights: dict[tuple[str, int], _Flight] = {}
        self._used = False
        self._refresh_task: asyncio.Task[None] | None = None
        self._refresh_wanted = False
        #: The background computation under way (its key and task), stopped by a change.
        self._background: tuple[tuple[str, int], asyncio.Task[Cached]] | None = None
        self._closed = False
        pool.on_invalidate(self._invalidated)

    async def start(self) -> None:
        """Make sure the pool runs (the query pool is started with the app: nothing to do)."""

    async def close(self) -> None:
        """Stop background work (server shutdown); the pool's owner closes the pool."""
        self._closed = True
        task, self._refresh_task = self._refresh_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    # -- answering --

    async def answer(self, job: CacheJob, timeout: float, *, cache: bool = True) -> Cached:
        """The answer to ``job``: from the cache, a computation under way, or a new one.

        Raises what the job raised; at the limit the policy's timeout error (the worker that
        was computing it for this request has been killed).
        """
        self._used = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        key = (job.key(), self.pool.generation)
        if cache:
            hit = self.lookup(key)
            if hit is not None:
                return hit
            if self.computing(key):
                flight = self._flights[key]
                flight.shared = True
                try:
                    done = await asyncio.wait_for(asyncio.shield(flight.future), timeout)
                except TimeoutError:
                    raise self.policy.timeout_error(timeout, "") from None
                except QueryTimeoutError:
                    # Stopped at its own (earlier) limit; this request still has time.
                    left = deadline - loop.time()
                    if left <= 0:
                        raise self.policy.timeout_error(timeout, "") from None
                    return await self._compute(job, key, left, cache=cache, limit=timeout)
                return done.seen_as("shared")
        return await self._compute(job, key, timeout, cache=cache)

    def computing(self, key: tuple[str, int]) -> bool:
        """Whether the answer under ``key`` is being computed, with a worker, right now."""
        flight = self._flights.get(key)
        return flight is not None and flight.deadline is not None

    def lookup(self, key: tuple[str, int]) -> Cached | None:
        """The cached answer under ``key`` (a job's key and a generation), as a hit."""
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return hit.seen_as("hit")

    async def _compute(
        self, job: CacheJob, key: tuple[str, int], timeout: float, *, cache: bool,
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
            error = self.policy.timeout_error(timeout if limit is None else limit, str(exc))
            _settle(flight.future, error)
            raise error from None
        except BaseException as exc:
            _settle(flight.future, exc)
            raise
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
        result = Cached(answer, key[1], size=self.policy.size(answer) + ENTRY_OVERHEAD)
        flight.future.set_result(result)
        if cache and key[1] == self.pool.generation:
            self._store(key, result)
        return result

    def _store(self, key: tuple[str, int], entry: Cached) -> None:
        if entry.size > self.policy.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._entries[key] = entry
        self._bytes += entry.size
        while self._bytes > self.policy.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= dropped.size

    def cached(self) -> int:
        """How many answers the cache holds (for tests and /health)."""
        return len(self._entries)

    def holds(self, job: CacheJob) -> bool:
        """Whether the answer to ``job`` on the current data is cached (thread-safe read)."""
        return (job.key(), self.pool.generation) in self._entries

    # -- after a change --

    def _invalidated(self, generation: int) -> None:
        """The data changed: drop older answers; recompute the defaults if the cache is used."""
        for key in [k for k in self._entries if k[1] < generation]:
            self._bytes -= self._entries.pop(key).size
        if self._background is not None:
            key, task = self._background
            flight = self._flights.get(key)
            if key[1] < generation and (flight is None or not flight.shared):
                task.cancel()  # pool.run kills its worker: the work stops now
        if self._used or self.policy.warm:
            self.schedule_refresh()

    def schedule_refresh(self) -> None:
        """Recompute the default jobs in the background soon (one task at a time)."""
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
            for job in self.policy.defaults():
                if self._refresh_wanted or generation != self.pool.generation:
                    break  # changed again: start over with the newest data
                key = (job.key(), generation)
                if key in self._entries or key in self._flights:
                    continue
                task = asyncio.get_running_loop().create_task(
                    self._compute(
                        job, key, self.policy.background_timeout, cache=True, background=True
                    )
                )
                self._background = (key, task)
                try:
                    await task
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if self._closed or (current is not None and current.cancelling()):
                        raise  # the cache is closing
                    log.info("background %s stopped: the data changed", job.key())
                    break  # _invalidated wanted a refresh: start over with the newest data
                except Exception as exc:  # noqa: BLE001 - logged; a request will see it again
                    log.warning("background %s failed: %s", job.key(), exc)
                finally:
                    self._background = None


def _settle(future: asyncio.Future[Cached], exc: BaseException) -> None:
    """Fail the requests sharing a computation with the exception of the one that ran it."""
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
        return
    future.set_exception(exc)
    future.exception()  # retrieved here: nobody may be waiting, and asyncio would complain
