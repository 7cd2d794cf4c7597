"""Per-application state: settings, the worker pool, the server's own store handle, the page.

Why one object: handlers reach everything through ``request.app.state.govkg``, so two apps
(e.g. two test servers) in one process never share a pool or a store. It also keeps the store
current: a read-only server notices (a stat per request) when ``govkg build``/``load``/
``import`` changed the store on disk and reopens it, so nobody has to restart the server.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from govkg.api.http import analysis_jobs, query_jobs
from govkg.api.http.analysis_cache import AnalysisRunner
from govkg.api.http.question_cache import QuestionRunner
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.errors import QueryTimeoutError, StoreError
from govkg.graph.questions import Question, list_questions
from govkg.graph.store.backend import Backend, open_backend
from govkg.graph.store.directory import (
    StoreWatcher,
    remove_server_marker,
    stale_snapshot,
    write_server_marker,
)
from govkg.graph.writes import deadline_check

log = logging.getLogger("govkg.api")

T = TypeVar("T")

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Seconds before a reopen that failed (the store mid-swap or damaged) is tried again.
REOPEN_RETRY = 0.25
#: Seconds between flushes of a writable store's memtables (see :meth:`AppState.write`).
FLUSH_INTERVAL = 1.0


class AppState:
    """What the handlers of one app share."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = WorkerPool(query_jobs.ENTRY, settings, size=settings.workers)
        #: Analyses get a pool of their own (api/http/analysis_jobs.py says why), started on
        #: first use, whose generation follows the query pool's: one counter of data changes.
        self.analysis_pool = WorkerPool(
            analysis_jobs.ENTRY,
            settings,
            size=settings.analysis_workers,
            max_extra=settings.analysis_workers,
            noun=("analysis", "analyses"),
            hint="ask for fewer results (a smaller `k`, fewer kinds) or a longer `timeout`",
        )
        self.pool.on_invalidate(self._follow)
        self.analyses = AnalysisRunner(self.analysis_pool, settings)
        self.questions = QuestionRunner(self.pool, settings)
        self.store: Backend | None = None
        self.write_lock = asyncio.Lock()
        #: Set for a read-only embedded store only: then other processes (``govkg build``,
        #: ``load``, ``import``) may change the store under the server, and it must notice.
        self.watcher: StoreWatcher | None = None
        self._seen: Hashable | None = None
        self._reopen_lock = asyncio.Lock()
        self._retry_at = 0.0
        self._spool: Path | None = None

    def spool_dir(self) -> Path:
        """This server's directory for whole answers on their way out (made on first use,
        removed at shutdown; api/http/question_downloads.py)."""
        if self._spool is None:
            self._spool = Path(tempfile.mkdtemp(prefix="govkg-answers-"))
        return self._spool

    async def start(self) -> None:
        """Open the store (for writing only when a token allows writes), start workers."""
        loop = asyncio.get_running_loop()
        writable = bool(self.settings.token)
        remote = self.settings.remote

        def open_store() -> Backend:
            return open_backend(self.settings.store, remote=remote, read_only=not writable)

        if remote is None and not writable:
            self.watcher = StoreWatcher(self.settings.store)
            self._seen = self.watcher.current()  # before the open: a change during it shows
        self.store = await loop.run_in_executor(None, open_store)
        if remote is None and writable:
            # Lets `govkg build`/`load` name this server when they refuse to replace its store.
            host = self.settings.host
            url = f"http://{f'[{host}]' if ':' in host else host}:{self.settings.port}"
            await loop.run_in_executor(None, write_server_marker, self.settings.store, url)
        await self.pool.start()
        if self.settings.analysis_warm:
            self.analyses.schedule_refresh()
            self.questions.schedule_refresh()

    def _follow(self, generation: int) -> None:
        """The data changed (a write, or a reopen): analysis workers and caches follow."""
        self.analysis_pool.invalidate()

    async def stop(self) -> None:
        """Kill every worker of both pools (and wait for them), withdraw the server's marker.

        Runs as the app's lifespan shutdown, after uvicorn's grace period: work still running
        in a worker is killed here. A write still running in its thread is left to finish or
        not; pyoxigraph applies each write as one transaction, so the store holds it entirely
        or not at all (docs/architecture.md, "Shutting down").
        """
        await self.analyses.close()
        await self.questions.close()
        await self.pool.close()
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None
        if self.store is not None and self.settings.token and self.settings.remote is None:
            remove_server_marker(self.settings.store)
        self.store = None

    async def refresh(self) -> None:
        """Reopen the store if another process changed it on disk; called before each request.

        The check is a stat or two (:class:`govkg.graph.store.directory.StoreWatcher`). On a change
        the
        server's handle is reopened once, however many requests notice it together (they wait
        for that reopen, then see the new data); the workers reopen before their next job
        (``pool.invalidate``), and the analysis cache, keyed on the pool's generation, follows.
        A failed reopen keeps the current handle, is logged, and is tried again shortly.
        """
        watcher = self.watcher
        if watcher is None or watcher.current() in (None, self._seen):
            return
        loop = asyncio.get_running_loop()
        async with self._reopen_lock:
            now = watcher.current()
            if now is None or now == self._seen or loop.time() < self._retry_at:
                return
            path = self.settings.store
            try:
                store = await loop.run_in_executor(None, _open_read_only, path)
            except Exception as exc:  # noqa: BLE001 - any failure: keep answering from the old one
                log.warning("the store at %s changed but could not be reopened: %s", path, exc)
                self._retry_at = loop.time() + REOPEN_RETRY
                return
            self.store = store
            self._seen = now
            self.pool.invalidate()
            log.info("the store at %s changed on disk; reopened it", path)

    async def read(self, fn: Callable[[Backend], T]) -> T:
        """Run a short read on the server's store in a thread (never on the event loop).

        A read that was running on a handle whose files a swap removed fails inside RocksDB;
        it is run once more on the reopened handle, else answered with a retryable 503.
        """
        assert self.store is not None
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            store = self.store
            try:
                return await loop.run_in_executor(None, fn, store)
            except (OSError, RuntimeError) as exc:
                if self.watcher is None or not stale_snapshot(exc, self.settings.store):
                    raise  # a writable or remote store is never swapped under the server
                await self.refresh()
                if attempt == 2 or self.store is store:
                    raise StoreError(
                        "the store was replaced while this request was answered; please retry"
                    ) from exc
        raise AssertionError("unreachable")

    async def write(
        self, fn: Callable[[Backend, Callable[[], None]], Any], timeout: float | None = None
    ) -> Any:
        """Run a write in one transaction, serialised with other writes, within ``timeout``.

        Why this shape: the write (its SHACL gate included) runs in a thread, so the event loop
        keeps serving readers, whose queries run in the worker processes on their own read-only
        snapshots of the store and never wait for a write. ``fn(store, check)`` calls ``check``
        between its steps and last just before the one call that writes: past the deadline
        (waiting for an earlier write counts) ``check`` raises a 503
        (:class:`~govkg.graph.errors.QueryTimeoutError`) and nothing has been written. Once the
        store call has begun it completes: a transaction is never cut halfway.
        """
        assert self.store is not None
        store = self.store
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else time.monotonic() + timeout
        check = deadline_check(deadline, timeout)
        try:
            await asyncio.wait_for(self.write_lock.acquire(), timeout)
        except TimeoutError:
            raise QueryTimeoutError(
                f"the write waited past its time limit of {timeout:g} s for earlier writes; "
                "nothing was written"
            ) from None
        try:

            def apply() -> Any:
                result = fn(store, check)
                # A committed write is in RocksDB's write-ahead log, which survives a killed
                # server and which the workers' read-only opens replay. Flushing memtables to
                # disk after every write cost 20-150 ms a write; once a second bounds the log
                # the workers replay when they reopen.
                now = time.monotonic()
                if now - getattr(self, "_flushed_at", 0.0) >= FLUSH_INTERVAL:
                    store.flush()
                    self._flushed_at = now
                return result

            try:
                return await loop.run_in_executor(None, apply)
            finally:
                self.pool.invalidate()
        finally:
            self.write_lock.release()

    def query_page(self) -> str:
        """The HTML query page with the named questions as examples."""
        template = (TEMPLATES / "query.html").read_text(encoding="utf-8")
        examples = [
            {"name": "All triples (10)", "query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"},
            {
                "name": "Named graphs",
                "query": "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } "
                "GROUP BY ?g ORDER BY DESC(?triples)",
            },
        ]
        for q in list_questions_safe():
            if q.get("sparql"):
                examples.append({"name": q["title"] or q["name"], "query": q["sparql"]})
        payload = json.dumps(examples).replace("</", "<\\/")
        return template.replace("{{EXAMPLES_JSON}}", payload).replace(
            "{{DEFAULT_GRAPH}}", html.escape(self.settings.default_graph)
        )


def list_questions_safe() -> list[dict[str, Any]]:
    """The named questions (:func:`govkg.graph.questions.list_questions`) as plain dicts.

    Each has ``name``, ``title``, ``description``, ``sparql`` and ``parameters`` (``name``,
    ``type``, ``description``, ``required``, ``default``): what ``/questions`` lists and the
    query page offers as examples. A malformed question file is an error, not left out.
    """
    return [_question_dict(q) for q in list_questions()]


def _question_dict(q: Question) -> dict[str, Any]:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "description": p.help,
                "required": p.required,
                "default": p.default,
            }
            for p in q.params
        ],
        "sparql": q.sparql,
    }


def _open_read_only(path: Path) -> Backend:
    return open_backend(path, read_only=True)


def state_of(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request``."""
    return request.app.state.govkg
