"""SPARQL work for the worker pool: what a job is, and what a worker does with one.

Runs inside the worker processes only: :func:`setup` is the ``entry`` the server gives its
:class:`~govkg.api.runtime.pool.WorkerPool`, called once per worker with the server's
:class:`~govkg.api.settings.Settings`; it opens the backend read-only and returns the handler
for every :class:`Job`. The server process never runs this engine-facing code on its event
loop. The SERVICE/LOAD policy is enforced here, before the engine sees the text, so its cost is
bounded by the same deadline as the query.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyoxigraph as ox
from govkg.api.http import negotiation, serializers
from govkg.api.http.security import check_remote_access
from govkg.api.settings import Settings
from govkg.graph import answer_stream, questions
from govkg.graph.errors import ResultTooLargeError, StoreError
from govkg.graph.results import json_rows
from govkg.graph.store.backend import Backend, open_backend
from govkg.graph.store.directory import stale_snapshot

#: The ``entry`` of the server's worker pool.
ENTRY = "govkg.api.http.query_jobs:setup"

#: Content negotiation per (Accept header, offers), remembered: clients repeat their headers.
_negotiate = functools.lru_cache(maxsize=256)(negotiation.negotiate)

#: How often a worker reopens the store when its read-only snapshot went stale mid-read.
STALE_RETRIES = 3


@dataclass
class Job:
    """One unit of work for a worker (picklable)."""

    kind: str  # "sparql" (serialised result), "rows" (JSON rows), "question", "answer"
    query: str = ""
    accept: str | None = None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    substitutions: dict[str, tuple[str, str]] = field(default_factory=dict)
    name: str = ""
    params: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    limit: int | None = None  # a named question's page; None: the whole answer (row-capped)
    offset: int = 0
    total: bool = False
    #: An "answer" job's file: the whole answer of question ``name`` is written there.
    spool: str = ""

    def key(self) -> str:
        """A stable text naming a named question's page (what the answer cache keys on).

        It holds the day: a parameter left to its ``today`` default means another answer
        tomorrow.
        """
        page = {"limit": self.limit, "offset": self.offset, "total": self.total}
        named = {"params": self.params, "page": page, "day": date.today().isoformat()}
        return f"{self.kind}:{self.name}?" + json.dumps(named, sort_keys=True)


@dataclass
class Outcome:
    """What a worker hands back: a serialised body or JSON-able rows."""

    media_type: str = ""
    body: bytes = b""
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)  # a named question's JSON answer


def open_worker_backend(settings: Settings) -> Backend:
    """The worker's backend: a read-only snapshot of the store, or the remote server."""
    return open_backend(settings.store, remote=settings.remote, read_only=True)


def setup(settings: Settings) -> Callable[[Job, int], Outcome]:
    """Open the backend once; return the handler that answers each job.

    The pool's generation comes with every job: when it moved on (the server wrote, or another
    process replaced the store), the snapshot is reopened before the job runs. A snapshot that
    went stale mid-read (RocksDB files a compaction removed) is reopened and the job retried.
    """
    current = {"store": open_worker_backend(settings), "generation": 0}

    def handle(job: Job, generation: int) -> Outcome:
        for attempt in range(STALE_RETRIES + 1):
            try:
                if generation != current["generation"] or attempt:
                    current["store"] = None
                    current["store"] = open_worker_backend(settings)
                    current["generation"] = generation
                return execute(current["store"], job, settings)  # type: ignore[arg-type]
            except Exception as exc:
                if attempt < STALE_RETRIES and _stale(exc, settings):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
        raise StoreError("the store kept changing while it was read; please retry")

    return handle


def _stale(exc: BaseException, settings: Settings) -> bool:
    return settings.remote is None and stale_snapshot(exc, settings.store)


def _substitution(kind: str, value: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(value) if kind == "iri" else ox.Literal(value)


def _too_large(limit: int) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"the result has more than {limit} rows/triples, the most this server returns; "
        "add a LIMIT (and OFFSET to page) or narrow the query"
    )


def _run_query(store: Backend, job: Job, config: Settings) -> Any:
    check_remote_access(job.query, config.service_allowlist)
    return store.query(
        job.query,
        default_graph="union" if config.default_graph == "union" else "separate",
        default_graph_uris=job.default_graph_uris or None,
        named_graph_uris=job.named_graph_uris or None,
        substitutions={k: _substitution(*v) for k, v in job.substitutions.items()},
        base_iri=job.base_iri,
    )


def _collect_rows(result: ox.QuerySolutions, limit: int) -> tuple[list[str], list[list]]:
    variables = [v.value for v in result.variables]
    rows: list[list] = []
    for solution in result:
        if len(rows) >= limit:
            raise _too_large(limit)
        rows.append([solution[v] for v in variables])
    return variables, rows


def execute(store: Backend, job: Job, config: Settings) -> Outcome:
    """Run one job and return its serialised outcome; raise GovkgError for user errors."""
    try:
        if job.kind == "sparql":
            return _sparql(store, job, config)
        if job.kind == "rows":
            result = _run_query(store, job, config)
            if not isinstance(result, ox.QuerySolutions):
                raise StoreError("internal query did not return rows")
            variables, rows = _collect_rows(result, config.max_results)
            return Outcome(variables=variables, rows=_json_rows(variables, rows))
        if job.kind == "question":
            return _question(store, job, config)
        if job.kind == "answer":
            return _whole_answer(store, job, config)
    except OSError as exc:
        raise StoreError(f"the store failed while answering: {exc}") from exc
    raise StoreError(f"unknown job kind {job.kind!r}")


def _json_rows(variables: list[str], rows: list[list]) -> list[dict[str, Any]]:
    return json_rows(variables, rows)


def _sparql(store: Backend, job: Job, config: Settings) -> Outcome:
    result = _run_query(store, job, config)
    if isinstance(result, ox.QueryBoolean):
        media = _negotiate(job.accept, negotiation.RESULTS_TYPES)
        return Outcome(media_type=media, body=serializers.ask(bool(result), media))
    if isinstance(result, ox.QuerySolutions):
        media = _negotiate(job.accept, negotiation.RESULTS_TYPES)
        if media in serializers.NATIVE_SELECT_FORMATS:
            return _native_select(store, job, config, result, media)
        variables, rows = _collect_rows(result, config.max_results)
        return Outcome(media_type=media, body=serializers.SELECT_WRITERS[media](variables, rows))
    media = _negotiate(job.accept, negotiation.GRAPH_TYPES)
    triples: list[ox.Triple] = []
    for triple in result:
        if len(triples) >= config.max_results:
            raise _too_large(config.max_results)
        triples.append(triple)
    return Outcome(media_type=media, body=serializers.graph(triples, media))


def _question(store: Backend, job: Job, config: Settings) -> Outcome:
    """A named question's answer (one page of it when ``job.limit`` is set), in its one shape."""
    result = questions.run_question(
        store,
        job.name,
        dict(job.params),
        limit=job.limit,
        offset=job.offset,
        total=job.total,
    )
    if len(result.terms) > config.max_results:
        raise _too_large(config.max_results)
    columns = list(result.columns)
    rows = _json_rows(columns, result.terms)  # SPARQL-JSON terms: CSV cells, the viz's IRIs
    return Outcome(variables=columns, rows=rows, document=result.to_json_obj())


def _whole_answer(store: Backend, job: Job, config: Settings) -> Outcome:
    """A named question's whole answer, written row by row to the job's spool file.

    The worker never holds the answer: rows go to the file as the engine yields them. The
    server sends the file and removes it; at the time limit the worker is killed mid-write and
    the server removes what it wrote.
    """
    media = job.accept or "application/json"
    with open(job.spool, "wb") as out:
        rows = answer_stream.write_answer(
            store, job.name, dict(job.params), out, media,
            offset=job.offset, total=job.total, max_bytes=config.max_answer_mb << 20,
        )  # fmt: skip
    return Outcome(media_type=media, document={"rows": rows})


def _native_select(
    store: Backend, job: Job, config: Settings, result: ox.QuerySolutions, media: str
) -> Outcome:
    """A SELECT written by pyoxigraph's own serialiser, with the row cap enforced exactly.

    The native writer consumes the whole iterator, so the cap cannot stop it after ``cap``
    rows. Instead its output goes into a sink with a byte budget: a result that fits is counted
    exactly on its bytes (:func:`serializers.solutions_over`, 413 above the cap); one that
    outgrows the budget is abandoned and the query is run again on the row-capped Python path.
    The budget only bounds memory; the row count alone decides the 413.
    """
    sink = serializers.BoundedSink(native_budget(config.max_results))
    try:
        serializers.native_select(result, media, sink)
    except Exception:
        if not sink.overflowed:
            raise
        result = _run_query(store, job, config)
        if not isinstance(result, ox.QuerySolutions):  # the same text cannot change form
            raise StoreError("the query changed form when run again") from None
        variables, rows = _collect_rows(result, config.max_results)
        return Outcome(media_type=media, body=serializers.SELECT_WRITERS[media](variables, rows))
    body = sink.getvalue()
    if serializers.solutions_over(body, media, config.max_results):
        raise _too_large(config.max_results)
    return Outcome(media_type=media, body=body)


def native_budget(max_results: int) -> int:
    """Bytes a natively written SELECT may take before the row-capped Python path takes over.

    About 512 bytes per allowed row (a typical three-term row is ~200), at least 1 MiB, at
    most 64 MiB: a result near the cap stays native, a runaway one costs little before the
    switch.
    """
    return min(64 << 20, max(1 << 20, max_results * 512))
