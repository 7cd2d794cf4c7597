"""Query execution in a capped pool of worker processes with real time limits.

Why processes: neither pyoxigraph nor rdflib can cancel a running query, an aggregate does all
its work before the first row, and a thread left running keeps a core busy after its client has
gone. So every query runs in a worker process that opens the store read-only (a read-only open
works while the server holds the store for writing, and sees a snapshot as of its open); at the
deadline, a timer on the event loop fails the request and the parent kills the worker at once
and starts a fresh one. The event loop waits for answers itself (:mod:`api.worker_channel`), so
a heavy query never stalls other requests and no request pays a thread hop.

After a write the parent calls :meth:`WorkerPool.invalidate`; each job carries the pool's
generation and a worker whose snapshot is older reopens the store before running it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import graph.errors as gerr
from api.worker_channel import DeadlinePassed, WorkerHandle
from graph.errors import GovkgError, QueryTimeoutError, StoreError

log = logging.getLogger("govkg.api.workers")

READY_TIMEOUT = 60.0


@dataclass
class Job:
    """One unit of work for a worker (picklable)."""

    kind: str  # "sparql" (serialised result), "rows" (JSON rows), "question"
    query: str = ""
    accept: str | None = None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    substitutions: dict[str, tuple[str, str]] = field(default_factory=dict)
    name: str = ""
    params: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    generation: int = 0


@dataclass
class Outcome:
    """What a worker hands back: a serialised body or JSON-able rows."""

    media_type: str = ""
    body: bytes = b""
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class WorkerConfig:
    """The settings a worker process needs (picklable)."""

    store: str
    default_graph: str
    max_results: int
    service_allowlist: tuple[str, ...]
    #: ``dataclasses.asdict`` of a :class:`graph.remote.RemoteConfig` when the backend is a
    #: remote SPARQL server (its ``timeout`` is the query time limit); ``None`` = embedded.
    remote: dict | None = None


class WorkerPool:
    """A fixed number of query worker processes, used one job at a time each."""

    def __init__(
        self,
        store: Path,
        *,
        size: int,
        default_graph: str,
        max_results: int,
        service_allowlist: tuple[str, ...] = (),
        remote: dict | None = None,
    ) -> None:
        self.config = WorkerConfig(
            str(store), default_graph, max_results, service_allowlist, remote
        )
        self.size = max(1, size)
        self.generation = 0
        #: Free workers, and the requests waiting for one (first come, first served): a freed
        #: worker goes straight to the oldest waiter, so nobody is woken to find nothing.
        self._idle: deque[WorkerHandle] = deque()
        self._waiting: deque[asyncio.Future[WorkerHandle]] = deque()
        self._all: set[WorkerHandle] = set()
        # Only for starting and reaping processes, never per request.
        self._threads = ThreadPoolExecutor(max_workers=self.size + 2, thread_name_prefix="pool")
        self._closed = False

    async def start(self) -> None:
        """Start all workers and wait until each has opened the store."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        config_json = json.dumps(asdict(self.config))
        worker = await loop.run_in_executor(self._threads, WorkerHandle, config_json)
        self._all.add(worker)
        worker.attach(loop, self._died_idle)
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
            name, message = payload
            raise StoreError(f"a query worker could not open the store: {message}")
        if self._closed:
            self._discard(worker)
            return
        self._release(worker)

    def _release(self, worker: WorkerHandle) -> None:
        """Give a free worker to the oldest request still waiting, else keep it idle."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _discard(self, worker: WorkerHandle) -> None:
        """Kill ``worker`` now and reap it off the loop; no successor."""
        self._all.discard(worker)
        worker.detach()
        worker.signal_kill()
        with contextlib.suppress(RuntimeError):  # the executor is shut down at close
            asyncio.get_running_loop().run_in_executor(self._threads, worker.reap)

    def _replace(self, worker: WorkerHandle) -> None:
        """Kill ``worker`` and start a successor in the background (once per worker)."""
        if worker not in self._all:
            return
        self._discard(worker)
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._spawn())
            task.add_done_callback(_log_failure)

    def _died_idle(self, worker: WorkerHandle) -> None:
        """An idle worker's socket closed (it crashed or was killed): start its successor now."""
        log.warning("an idle query worker (pid %s) exited; starting another", worker.process.pid)
        with contextlib.suppress(ValueError):
            self._idle.remove(worker)
        self._replace(worker)

    def invalidate(self) -> None:
        """Make every later job see the store as it is now (after a write)."""
        self.generation += 1

    async def _acquire(self, timeout: float, deadline: float) -> WorkerHandle:
        """A live idle worker, waiting at most until ``deadline``."""
        loop = asyncio.get_running_loop()
        while True:
            if self._idle:
                worker = self._idle.popleft()
            else:
                waiter: asyncio.Future[WorkerHandle] = loop.create_future()
                self._waiting.append(waiter)
                timer = loop.call_at(deadline, _expire, waiter)
                try:
                    worker = await waiter
                except DeadlinePassed:
                    with contextlib.suppress(ValueError):
                        self._waiting.remove(waiter)
                    raise QueryTimeoutError(
                        f"no query worker became free within {timeout:g} s (all are busy with "
                        "other queries); try again later"
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

    async def run(self, job: Job, timeout: float) -> Outcome:
        """Run ``job`` within ``timeout`` seconds (waiting for a free worker counts too)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        worker = await self._acquire(timeout, deadline)
        job.generation = self.generation
        healthy = False
        waiter = worker.expect()
        timer = loop.call_at(deadline, _expire, waiter)
        try:
            await worker.send(job)
            status, payload = await waiter
            healthy = True
        except DeadlinePassed:
            raise QueryTimeoutError(
                f"the query did not finish within {timeout:g} s and was stopped; "
                "narrow it (LIMIT, more specific patterns) or ask for a longer `timeout`"
            ) from None
        except (EOFError, OSError) as exc:
            raise StoreError("the query worker failed; please retry") from exc
        finally:
            timer.cancel()
            worker.done_waiting()
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # seen here, so asyncio never reports it as unretrieved
            if healthy:
                self._release(worker)
            else:
                self._replace(worker)  # killed before the answer goes out: the work has stopped
        if status == "ok":
            return payload
        if status == "error":
            name, message = payload
            cls = getattr(gerr, name, GovkgError)
            raise cls(message)
        log.error("query worker crashed on a job: %s", payload)
        raise GovkgError("the query failed inside the engine; the failure has been logged")

    async def close(self) -> None:
        """Stop every worker (server shutdown)."""
        self._closed = True
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(StoreError("the server is shutting down; please retry"))
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def alive(self) -> int:
        """How many worker processes are running (for /health and tests)."""
        return sum(1 for w in self._all if w.process.poll() is None)

    def pids(self) -> list[int]:
        """Process ids of the workers (tests check that a timed-out one is gone)."""
        return [w.process.pid for w in self._all]


def _expire(waiter: asyncio.Future[Any]) -> None:
    """The loop timer at a request's deadline."""
    if not waiter.done():
        waiter.set_exception(DeadlinePassed())


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("could not start a replacement query worker: %s", task.exception())


def monotonic() -> float:
    """Seconds on a monotonic clock (re-exported for callers timing requests)."""
    return time.monotonic()
