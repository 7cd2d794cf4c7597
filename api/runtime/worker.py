"""What a query worker process does: its main loop, and what it does with one job.

Runs inside the worker process only (:func:`child_entry` is the process's entry point), kept
apart from :mod:`govkg.api.runtime.pool` so the server process never imports the engine-facing code
paths
it must not run on its event loop. The worker side is deliberately simple and blocking: read a
job, answer it, repeat; the parent kills the process at the deadline. The SERVICE/LOAD policy is
enforced here, before the engine sees the text, so its cost is bounded by the same deadline as
the query.
"""

from __future__ import annotations

import functools
import json
import socket
import time
from typing import Any

import pyoxigraph as ox
from govkg.api.http import negotiation, serializers
from govkg.api.http.security import check_remote_access
from govkg.api.runtime.channel import read_frame, write_frame
from govkg.api.runtime.pool import Job, Outcome, WorkerConfig
from govkg.graph.errors import (
    GovkgError,
    InputError,
    NotFoundError,
    QuerySyntaxError,
    ResultTooLargeError,
    StoreError,
)
from govkg.graph.iris import named_node
from govkg.graph.store.embedded import Store

#: Content negotiation per (Accept header, offers), remembered: clients repeat their headers.
_negotiate = functools.lru_cache(maxsize=256)(negotiation.negotiate)

#: How often a worker reopens the store when its read-only snapshot went stale mid-read.
STALE_RETRIES = 3


def open_worker_backend(config: WorkerConfig):  # -> Store | RemoteStore
    """The worker's backend: a read-only snapshot of the store, or the remote server."""
    from govkg.graph.store.backend import open_backend

    if config.remote:
        from govkg.graph.store.remote import RemoteConfig

        return open_backend(remote=RemoteConfig(**config.remote), read_only=True)
    return open_backend(config.store, read_only=True)


def child_entry(fd: int, config_json: str) -> None:
    """Entry point of a worker process (``python -c``, started by ``WorkerHandle``)."""
    sock = socket.socket(fileno=fd)
    sock.setblocking(True)
    worker_main(sock, WorkerConfig(**json.loads(config_json)))


def worker_main(sock: socket.socket, config: WorkerConfig) -> None:
    """Open the store, say ``ready``, then answer jobs until the socket closes."""
    store = None
    generation = -1
    try:
        store = open_worker_backend(config)
        generation = 0
        write_frame(sock, ("ready", None))
    except GovkgError as exc:
        write_frame(sock, ("error", (type(exc).__name__, exc.message)))
        return
    while True:
        try:
            job: Job = read_frame(sock)
        except (EOFError, OSError, KeyboardInterrupt):
            return
        for attempt in range(STALE_RETRIES + 1):
            try:
                if job.generation != generation or attempt:
                    store = None
                    store = open_worker_backend(config)
                    generation = job.generation
                reply: tuple[str, Any] = ("ok", execute(store, job, config))
            except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
                if attempt < STALE_RETRIES and _stale_snapshot(exc):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                if isinstance(exc, GovkgError):
                    reply = ("error", (type(exc).__name__, exc.message))
                else:
                    reply = ("crash", f"{type(exc).__name__}: {exc}")
            try:
                write_frame(sock, reply)
            except OSError:
                return
            break


def _stale_snapshot(exc: BaseException) -> bool:
    """A read-only RocksDB open can race the writer's compaction: files it listed are gone.

    Reopening gives a fresh, consistent view, so these errors are retried, never shown.
    """
    text = str(exc)
    return "Corruption" in text or "No such file or directory" in text


def _substitution(kind: str, value: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(value) if kind == "iri" else ox.Literal(value)


def _too_large(limit: int) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"the result has more than {limit} rows/triples, the most this server returns; "
        "add a LIMIT (and OFFSET to page) or narrow the query"
    )


def _run_query(store: Store, job: Job, config: WorkerConfig) -> Any:
    check_remote_access(job.query, config.service_allowlist)
    kwargs: dict[str, Any] = {}
    if job.default_graph_uris:
        kwargs["default_graph"] = [
            named_node(u, "default-graph-uri") for u in job.default_graph_uris
        ]
    elif config.default_graph == "union":
        kwargs["use_default_graph_as_union"] = True
    if job.named_graph_uris:
        kwargs["named_graphs"] = [named_node(u, "named-graph-uri") for u in job.named_graph_uris]
    if job.substitutions:
        kwargs["substitutions"] = {
            ox.Variable(k): _substitution(*v) for k, v in job.substitutions.items()
        }
    if job.base_iri:
        kwargs["base_iri"] = job.base_iri
    # Called on the pyoxigraph store directly (Store.oxigraph is public) because the wrapper's
    # query() has no base IRI yet; the SPARQL Protocol needs one for relative IRIs.
    try:
        return store.oxigraph.query(job.query, **kwargs)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc
    except ValueError as exc:
        raise InputError(f"invalid dataset or parameter: {exc}") from exc


def _collect_rows(result: ox.QuerySolutions, limit: int) -> tuple[list[str], list[list]]:
    variables = [v.value for v in result.variables]
    rows: list[list] = []
    for solution in result:
        if len(rows) >= limit:
            raise _too_large(limit)
        rows.append([solution[v] for v in variables])
    return variables, rows


def execute(store: Store, job: Job, config: WorkerConfig) -> Outcome:
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
    except OSError as exc:
        raise StoreError(f"the store failed while answering: {exc}") from exc
    raise StoreError(f"unknown job kind {job.kind!r}")


def _json_rows(variables: list[str], rows: list[list]) -> list[dict[str, Any]]:
    return [
        {v: serializers.term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]


def _sparql(store: Store, job: Job, config: WorkerConfig) -> Outcome:
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
    triples = []
    for triple in result:
        if len(triples) >= config.max_results:
            raise _too_large(config.max_results)
        triples.append(triple)
    return Outcome(media_type=media, body=serializers.graph(triples, media))


def _question(store: Store, job: Job, config: WorkerConfig) -> Outcome:
    try:
        from govkg.graph import questions  # type: ignore[attr-defined]
    except ImportError as exc:
        raise NotFoundError("named questions are not available in this build") from exc
    result = questions.run_question(store, job.name, dict(job.params))
    columns = list(result.columns)
    if len(result.terms) > config.max_results:
        raise _too_large(config.max_results)
    return Outcome(variables=columns, rows=_json_rows(columns, result.terms))


def _native_select(
    store: Store, job: Job, config: WorkerConfig, result: ox.QuerySolutions, media: str
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
