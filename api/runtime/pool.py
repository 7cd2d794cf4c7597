"""Work in a capped pool of worker processes with real time limits.

Why processes: neither pyoxigraph nor rdflib can cancel a running query, an aggregate does all
its work before the first row, and a thread left running keeps a core busy after its client has
gone. So every job runs in a worker process (for queries: one that opens the store read-only, which
works while the server holds the store for writing and sees a snapshot as of its open); at the
deadline, a timer on the event loop fails the request and the parent kills the worker at once
and starts a fresh one. The event loop waits for answers itself (:mod:`govkg.api.runtime.channel`),
so
a heavy query never stalls other requests and no request pays a thread hop.

The pool is generic: it is given an ``entry`` (``module:function``) and a picklable ``config``;
each worker calls ``entry(config)`` once and the handler it returns for every job
(:mod:`govkg.api.runtime.child`). After a write the parent calls :meth:`WorkerPool.invalidate`;
each job travels with the pool's generation, so a handler whose snapshot is older reopens it.

Why the pool is elastic: with a fixed pool, ``size`` heavy queries hold every worker and all
other requests wait for their deadline (an audit measured a trivial ASK waiting 3.9 s behind
two 5 s queries; at the default 30 s limit two hostile requests stalled the endpoint for 30 s).
So when a request has to wait and *every* busy worker is heavy, the pool starts extra workers
(one per heavy worker, up to ``max_extra``); they are ordinary workers, and idle workers above
``size`` retire after ``idle_retire`` seconds. While any busy worker is still young, requests
are moving and just wait their turn: a burst of short queries never forks. What "heavy"
means is :mod:`govkg.api.runtime.heaviness`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from govkg.api.runtime.channel import DeadlinePassed, WorkerHandle
from govkg.api.runtime.heaviness import HEAVY_AFTER, HeavyBar
from govkg.graph.errors import GovkgError, QueryTimeoutError, StoreError

log = logging.getLogger("govkg.api.workers")

READY_TIMEOUT = 60.0
#: Idle workers above ``size`` stop after this long without a job (seconds).
IDLE_RETIRE = 30.0
#: After an extra worker failed to start, no other extra is tried for this long (no fork storm).
GROW_BACKOFF = 5.0


class WorkerPool:
    """``size`` query worker processes, plus up to ``max_extra`` while heavy queries run.

    Each worker runs one job at a time. Memory is bounded by the cap: never more than
    ``size + max_extra`` worker processes (each an interpreter with its own read-only store
    handle) exist at once, counting those still starting.
    """

    def __init__(
        self,
        entry: str,
        config: object,
        *,
        size: int,
        max_extra: int | None = None,
        heavy_after: float = HEAVY_AFTER,
        idle_retire: float = IDLE_RETIRE,
        noun: tuple[str, str] = ("query", "queries"),
        hint: str = "narrow it (LIMIT, more specific patterns) or ask for a longer `timeout`",
    ) -> None:
        self.entry = entry
        #: What the jobs are called in messages (singular, plural) and how to avoid a timeout.
        self.noun = noun
        self.hint = hint
        self.config = config
        self.size = max(1, size)
        #: Workers allowed beyond ``size`` (default: twice ``size``, three times in all).
        self.max_extra = 2 * self.size if max_extra is None else max(0, max_extra)
        #: When a busy worker counts as heavy.
        self.heavy = HeavyBar(heavy_after)
        self.idle_retire = idle_retire
        self.generation = 0
        #: Free workers, most recently freed on the right (taken from there, so the least used
        #: stay idle on the left and can retire), and the requests waiting for one (first come,
        #: first served): a freed worker goes straight to the oldest waiter.
        self._idle: deque[WorkerHandle] = deque()
        self._idle_since: dict[WorkerHandle, float] = {}
        self._waiting: deque[asyncio.Future[WorkerHandle]] = deque()
        self._all: set[WorkerHandle] = set()
        #: Workers killed but maybe not yet reaped: :meth:`terminate` waits for them too, so
        #: nothing the pool started outlives :meth:`close`.
        self._dying: set[WorkerHandle] = set()
        #: When each busy worker started its current job (loop time): how heavy it is.
        self._busy_since: dict[WorkerHandle, float] = {}
        #: Workers on their way: ``_launching`` not yet forked (so not in ``_all``), and
        #: ``_starting`` not yet ready (each will serve a waiter when it is).
        self._launching = 0
        self._starting = 0
        self._grow_timer: asyncio.TimerHandle | None = None
        self._retire_timer: asyncio.TimerHandle | None = None
        self._grow_blocked_until = 0.0
        # Only for starting and reaping processes, never per request.
        self._threads = ThreadPoolExecutor(max_workers=self.cap + 2, thread_name_prefix="pool")
        self._closed = False
        #: Requests that may only take a worker nobody else is waiting for (``background``).
        self._background: deque[asyncio.Future[WorkerHandle]] = deque()
        #: Called on the loop after every :meth:`invalidate` (e.g. to refresh caches).
        self._invalidated: list[Callable[[int], None]] = []

    @property
    def cap(self) -> int:
        """The most worker processes this pool runs at once."""
        return self.size + self.max_extra

    def _total(self) -> int:
        """Workers running or on their way (what the cap and the floor of ``size`` count)."""
        return len(self._all) + self._launching

    async def start(self) -> None:
        """Start all workers and wait until each has opened the store."""
        self._launching += self.size
        self._starting += self.size
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    def _launch(self, *, extra: bool = False) -> None:
        """Start one worker in the background; it serves a waiter or goes idle when ready."""
        self._launching += 1
        self._starting += 1
        task = asyncio.get_running_loop().create_task(self._spawn(extra=extra))
        task.add_done_callback(_log_failure)

    async def _spawn(self, *, extra: bool = False) -> None:
        """Start one worker; the caller has counted it in ``_launching`` and ``_starting``."""
        loop = asyncio.get_running_loop()
        try:
            await self._start_worker(loop)
        except BaseException:
            if extra:
                self._grow_blocked_until = loop.time() + GROW_BACKOFF
            raise
        finally:
            self._starting -= 1

    async def _start_worker(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            worker = await loop.run_in_executor(
                self._threads, WorkerHandle, self.entry, self.config
            )
        finally:
            self._launching -= 1
        self._all.add(worker)
        worker.attach(loop, self._died_idle)
        if self._closed:
            self._discard(worker)
            return
        try:
            status, payload = await asyncio.wait_for(worker.expect(), READY_TIMEOUT)
        except TimeoutError:
            self._discard(worker)
            raise StoreError("a query worker did not start in time") from None
        except (EOFError, OSError) as exc:
            self._discard(worker)
            raise StoreError(f"a query worker exited while starting ({exc})") from None
        except BaseException:
            self._discard(worker)
            raise
        finally:
            worker.done_waiting()
        if status != "ready":
            self._discard(worker)
            message = payload.message if isinstance(payload, GovkgError) else str(payload)
            raise StoreError(f"a query worker could not start: {message}")
        if self._closed:
            self._discard(worker)
            return
        self._release(worker)

    def _release(self, worker: WorkerHandle) -> None:
        """Give a free worker to the oldest request still waiting, else keep it idle.

        Background requests come last: they get a worker only when no other request waits.
        """
        for queue in (self._waiting, self._background):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(worker)
                    return
        self._idle.append(worker)
        self._idle_since[worker] = asyncio.get_running_loop().time()
        self._schedule_retire()

    def _discard(self, worker: WorkerHandle) -> None:
        """Kill ``worker`` now and reap it off the loop; no successor."""
        self._all.discard(worker)
        self._idle_since.pop(worker, None)
        self._busy_since.pop(worker, None)
        worker.detach()
        worker.signal_kill()
        self._dying.add(worker)
        with contextlib.suppress(RuntimeError):  # the executor is shut down at close
            reaped = asyncio.get_running_loop().run_in_executor(self._threads, worker.reap)
            reaped.add_done_callback(lambda _: self._dying.discard(worker))

    def _replace(self, worker: WorkerHandle) -> None:
        """Kill ``worker``; start a successor if the pool fell below ``size`` (once per worker)."""
        if worker not in self._all:
            return
        self._discard(worker)
        if self._closed:
            return
        while self._total() < self.size:
            self._launch()
        self._maybe_grow()  # requests may still be waiting behind heavy workers

    def _died_idle(self, worker: WorkerHandle) -> None:
        """An idle worker's socket closed (it crashed or was killed): start its successor now."""
        log.warning("an idle query worker (pid %s) exited; starting another", worker.process.pid)
        with contextlib.suppress(ValueError):
            self._idle.remove(worker)
        self._replace(worker)

    # -- growing and shrinking --

    def _maybe_grow(self) -> None:
        """Start extra workers for waiting requests when every busy worker is heavy.

        Each heavy worker is capacity lost to everyone else, so the pool may grow to ``size``
        plus one per heavy worker, within the cap, and never beyond what the waiting requests
        need (workers already starting count). While some busy worker is young, a timer looks
        again when the youngest would turn heavy; until then (the common case under a steady
        load, where most requests wait a moment) a new waiter costs one check.
        """
        if self._grow_timer is not None or self._closed or self._idle:
            return
        if self._total() >= self.cap or len(self._waiting) <= self._starting:
            return
        waiting = sum(1 for w in self._waiting if not w.done())
        if waiting <= self._starting:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        if now < self._grow_blocked_until:
            self._grow_timer = loop.call_at(self._grow_blocked_until, self._look_again)
            return
        threshold = self.heavy.threshold(now)
        youngest = min((now - since for since in self._busy_since.values()), default=None)
        if youngest is None:
            return  # nobody is busy: the workers that are starting will serve the waiters
        if youngest < threshold:
            self._grow_timer = loop.call_at(now + threshold - youngest, self._look_again)
            return
        wanted = min(self.size + len(self._busy_since), self.cap) - self._total()
        for _ in range(min(wanted, waiting - self._starting)):
            log.info("heavy queries hold every query worker; starting an extra worker")
            self._launch(extra=True)

    def _look_again(self) -> None:
        """The grow timer: busy workers may have turned heavy since the last look."""
        self._grow_timer = None
        self._maybe_grow()

    def _schedule_retire(self) -> None:
        """Make sure a timer will stop the longest-idle worker above ``size`` when it is due."""
        if self._retire_timer is not None or self._closed or not self._idle:
            return
        if self._total() <= self.size:
            return
        due = self._idle_since[self._idle[0]] + self.idle_retire
        self._retire_timer = asyncio.get_running_loop().call_at(due, self._retire)

    def _retire(self) -> None:
        """Stop workers idle for ``idle_retire`` seconds while the pool is above ``size``."""
        self._retire_timer = None
        now = asyncio.get_running_loop().time()
        while self._idle and self._total() > self.size:
            oldest = self._idle[0]
            if now - self._idle_since[oldest] < self.idle_retire:
                break
            self._idle.popleft()
            log.info("retiring an idle extra query worker (pid %s)", oldest.process.pid)
            self._discard(oldest)
        self._schedule_retire()

    def invalidate(self) -> None:
        """Make every later job see the store as it is now (after a write)."""
        self.generation += 1
        for callback in list(self._invalidated):
            callback(self.generation)

    def on_invalidate(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(generation)`` after each :meth:`invalidate` (on the caller's thread)."""
        self._invalidated.append(callback)

    async def _acquire_background(self) -> WorkerHandle:
        """An idle worker that no other request is waiting for; no deadline, never grows."""
        loop = asyncio.get_running_loop()
        while True:
            if self._closed:
                raise StoreError("the server is shutting down")
            if self._idle and not any(not w.done() for w in self._waiting):
                worker = self._idle.pop()
                self._idle_since.pop(worker, None)
            else:
                waiter: asyncio.Future[WorkerHandle] = loop.create_future()
                self._background.append(waiter)
                try:
                    worker = await waiter
                except asyncio.CancelledError:
                    if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                        self._release(waiter.result())
                    with contextlib.suppress(ValueError):
                        self._background.remove(waiter)
                    raise
            if not worker.dead:
                return worker
            self._replace(worker)

    async def _acquire(self, timeout: float, deadline: float) -> WorkerHandle:
        """A live idle worker, waiting at most until ``deadline``."""
        loop = asyncio.get_running_loop()
        while True:
            if self._idle:
                worker = self._idle.pop()
                self._idle_since.pop(worker, None)
            else:
                waiter: asyncio.Future[WorkerHandle] = loop.create_future()
                self._waiting.append(waiter)
                self._maybe_grow()
                timer = loop.call_at(deadline, _expire, waiter)
                try:
                    worker = await waiter
                except DeadlinePassed:
                    with contextlib.suppress(ValueError):
                        self._waiting.remove(waiter)
                    raise QueryTimeoutError(
                        f"no {self.noun[0]} worker became free within {timeout:g} s (all are "
                        f"busy with other {self.noun[1]}); try again later"
                    ) from None
                except asyncio.CancelledError:
                    # Cancelled after a worker was handed over: pass it on, never lose it.
                    if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                        self._release(waiter.result())
                    raise
                finally:
                    timer.cancel()
            if not worker.dead:
                return worker
            self._replace(worker)  # no-op when its successor is already on its way

    async def run(
        self,
        job: object,
        timeout: float,
        *,
        background: bool = False,
        on_start: Callable[[float], None] | None = None,
    ) -> Any:
        """Run ``job`` within ``timeout`` seconds (waiting for a free worker counts too).

        Returns the handler's answer, or raises the exception it raised (a
        :class:`~govkg.graph.errors.QueryTimeoutError` at the deadline, when the worker is
        killed and replaced).

        A ``background`` job (work nobody is waiting for, such as refreshing a cache) yields to
        every other request: it takes a worker only when one is idle and no request waits, it
        never makes the pool grow, and its ``timeout`` counts from when it starts.
        ``on_start(deadline)`` is called (with the loop time of the deadline) once the job has
        a worker.
        """
        loop = asyncio.get_running_loop()
        if background:
            worker = await self._acquire_background()
            deadline = loop.time() + timeout
        else:
            deadline = loop.time() + timeout
            worker = await self._acquire(timeout, deadline)
        healthy = False
        self._busy_since[worker] = loop.time()
        if on_start is not None:
            on_start(deadline)
        waiter = worker.expect()
        timer = loop.call_at(deadline, _expire, waiter)
        late = f"the {self.noun[0]} did not finish within {timeout:g} s"
        try:
            await worker.send((self.generation, job))
            status, payload = await waiter
            healthy = True
        except DeadlinePassed:
            raise QueryTimeoutError(f"{late} and was stopped; {self.hint}") from None
        except (EOFError, OSError) as exc:
            raise StoreError("the query worker failed; please retry") from exc
        finally:
            timer.cancel()
            worker.done_waiting()
            started = self._busy_since.pop(worker, None)
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # seen here, so asyncio never reports it as unretrieved
            if healthy:
                if started is not None:
                    self.heavy.finished(loop.time() - started, loop.time())
                self._release(worker)
            else:
                self._replace(worker)  # killed before the answer goes out: the work has stopped
        if loop.time() > deadline:
            # The answer came, but the loop saw it only after the deadline (a loop stalled by
            # other threads or a busy machine sees the worker's reply and the deadline timer in
            # the same turn, the reply first). The limit holds all the same; the worker is
            # healthy and has been kept.
            raise QueryTimeoutError(f"{late}; {self.hint}")
        if status == "ok":
            return payload
        if status == "error":
            raise payload
        log.error("a worker crashed on a job: %s", payload)
        raise GovkgError("the query failed inside the engine; the failure has been logged")

    async def close(self) -> None:
        """Stop every worker, extras and those still starting included (server shutdown)."""
        self._closed = True
        for timer in (self._grow_timer, self._retire_timer):
            if timer is not None:
                timer.cancel()
        self._grow_timer = self._retire_timer = None
        for queue in (self._waiting, self._background):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_exception(StoreError("the server is shutting down; please retry"))
        self.terminate()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def terminate(self) -> None:
        """Kill every worker now and wait until each is gone (blocking; also off the loop).

        :meth:`close` calls it; a server that could not run its shutdown in order calls it
        directly before exiting, so no worker outlives it.
        """
        self._closed = True
        workers = list(self._all)
        for worker in workers:
            worker.signal_kill()  # all at once: the waits below then take no time each
        for worker in workers:
            worker.kill()
        for worker in list(self._dying):  # killed earlier; their exit may still be under way
            worker.reap()
        self._dying.clear()
        self._all.clear()
        self._idle.clear()
        self._idle_since.clear()
        self._busy_since.clear()

    def alive(self) -> int:
        """How many worker processes are running, extras included (for /health and tests)."""
        return sum(1 for w in self._all if w.process.poll() is None)

    def busy(self) -> int:
        """How many workers are running a job now (for tests and /health)."""
        return len(self._busy_since)

    def pids(self) -> list[int]:
        """Process ids of the workers, extras included (tests check a timed-out one is gone)."""
        return [w.process.pid for w in self._all]


def _expire(waiter: asyncio.Future[Any]) -> None:
    """The loop timer at a request's deadline."""
    if not waiter.done():
        waiter.set_exception(DeadlinePassed())


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("could not start a query worker: %s", task.exception())


def monotonic() -> float:
    """Seconds on a monotonic clock (re-exported for callers timing requests)."""
    return time.monotonic()
