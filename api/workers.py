"""Query execution in a capped pool of worker processes with real time limits.

Why processes: neither pyoxigraph nor rdflib can cancel a running query, an aggregate does all
its work before the first row, and a thread left running keeps a core busy after its client has
gone. So every query runs in a worker process that opens the store read-only (a read-only open
works while the server holds the store for writing, and sees a snapshot as of its open); at the
deadline the parent kills the worker and starts a fresh one. The event loop only ever waits on a
pipe in a helper thread, so a heavy query never stalls other requests.

After a write the parent calls :meth:`WorkerPool.invalidate`; each job carries the pool's
generation and a worker whose snapshot is older reopens the store before running it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import graph.errors as gerr
from graph.errors import GovkgError, QueryTimeoutError, StoreError

log = logging.getLogger("govkg.api.workers")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
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


def open_worker_backend(config: WorkerConfig):  # -> Store | RemoteStore
    """The worker's backend: a read-only snapshot of the store, or the remote server."""
    from graph.backend import open_backend

    if config.remote:
        from graph.remote import RemoteConfig

        return open_backend(remote=RemoteConfig(**config.remote), read_only=True)
    return open_backend(config.store, read_only=True)


# -- inside the worker process ---------------------------------------------------------------


def _worker_main(conn: Connection, config: WorkerConfig) -> None:
    """Worker loop: open the store, then answer jobs until the pipe closes."""
    from api.worker_exec import execute  # imported here: the child pays the import, not the parent

    store = None
    generation = -1
    try:
        store = open_worker_backend(config)
        generation = 0
        conn.send(("ready", None))
    except GovkgError as exc:
        conn.send(("error", (type(exc).__name__, exc.message)))
        return
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        for attempt in range(STALE_RETRIES + 1):
            try:
                if job.generation != generation or attempt:
                    store = None
                    store = open_worker_backend(config)
                    generation = job.generation
                conn.send(("ok", execute(store, job, config)))
            except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
                if attempt < STALE_RETRIES and _stale_snapshot(exc):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                if isinstance(exc, GovkgError):
                    conn.send(("error", (type(exc).__name__, exc.message)))
                else:
                    conn.send(("crash", f"{type(exc).__name__}: {exc}"))
            break


#: How often a worker reopens the store when its read-only snapshot went stale mid-read.
STALE_RETRIES = 3


def _stale_snapshot(exc: BaseException) -> bool:
    """A read-only RocksDB open can race the writer's compaction: files it listed are gone.

    Reopening gives a fresh, consistent view, so these errors are retried, never shown.
    """
    text = str(exc)
    return "Corruption" in text or "No such file or directory" in text


# -- in the server process -------------------------------------------------------------------


def child_entry(fd: int, config_json: str) -> None:
    """Entry point of a worker process started by :class:`_Worker` (``python -c``)."""
    conn = Connection(fd)
    _worker_main(conn, WorkerConfig(**json.loads(config_json)))


class _Worker:
    """A handle on one worker process and the parent end of its socket.

    Why ``subprocess`` and not ``multiprocessing.Process``: a spawned multiprocessing child
    re-imports the parent's ``__main__`` (the CLI, a test runner, a user's script), which may not
    be import-safe; a fresh interpreter running :func:`child_entry` depends on nothing but govkg.
    """

    def __init__(self, config: WorkerConfig) -> None:
        parent_sock, child_sock = socket.socketpair()
        self.conn = Connection(parent_sock.detach())
        child_fd = child_sock.detach()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
        )
        config_literal = json.dumps(json.dumps(asdict(config)))
        code = f"from api.workers import child_entry; child_entry({child_fd}, {config_literal})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=(child_fd,), env=env, cwd=str(PROJECT_ROOT)
        )
        os.close(child_fd)

    def wait_ready(self) -> None:
        """Block until the worker has opened the store (run in a helper thread)."""
        if not self.conn.poll(READY_TIMEOUT):
            self.kill()
            raise StoreError("a query worker did not start in time")
        status, payload = self.conn.recv()
        if status != "ready":
            self.kill()
            name, message = payload
            raise StoreError(f"a query worker could not open the store: {message}")

    def kill(self) -> None:
        """Stop the process now; the work it was doing stops with it."""
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)
        with contextlib.suppress(Exception):
            self.conn.close()


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
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=self.size * 2 + 2, thread_name_prefix="pool")
        self._closed = False

    async def start(self) -> None:
        """Start all workers and wait until each has opened the store."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(self._threads, _Worker, self.config)
        self._all.add(worker)
        try:
            await loop.run_in_executor(self._threads, worker.wait_ready)
        except BaseException:
            self._all.discard(worker)
            raise
        if self._closed:
            worker.kill()
            return
        self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a successor in the background."""
        self._all.discard(worker)
        with contextlib.suppress(Exception):
            worker.process.kill()  # a signal: instant, so the work has stopped when we answer
        loop = asyncio.get_running_loop()
        loop.run_in_executor(self._threads, worker.kill)  # reap the process off the loop
        if not self._closed:
            task = loop.create_task(self._spawn())
            task.add_done_callback(_log_failure)

    def invalidate(self) -> None:
        """Make every later job see the store as it is now (after a write)."""
        self.generation += 1

    async def run(self, job: Job, timeout: float) -> Outcome:
        """Run ``job`` within ``timeout`` seconds (waiting for a free worker counts too)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise QueryTimeoutError(
                f"no query worker became free within {timeout:g} s (all are busy with other "
                "queries); try again later"
            ) from None
        job.generation = self.generation
        healthy = False
        try:
            worker.conn.send(job)
            remaining = max(0.0, deadline - loop.time())
            ready = await loop.run_in_executor(self._threads, worker.conn.poll, remaining)
            if not ready:
                raise QueryTimeoutError(
                    f"the query did not finish within {timeout:g} s and was stopped; "
                    "narrow it (LIMIT, more specific patterns) or ask for a longer `timeout`"
                )
            status, payload = await loop.run_in_executor(self._threads, worker.conn.recv)
            healthy = True
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise StoreError("the query worker failed; please retry") from exc
        finally:
            if healthy:
                self._idle.put_nowait(worker)
            else:
                self._replace(worker)
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


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("could not start a replacement query worker: %s", task.exception())


def monotonic() -> float:
    """Seconds on a monotonic clock (re-exported for callers timing requests)."""
    return time.monotonic()
