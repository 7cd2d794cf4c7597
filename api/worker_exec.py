"""What a query worker does with one job (runs inside the worker process only).

Kept apart from :mod:`api.workers` so the server process never imports the engine-facing code
paths it must not run on its event loop. The SERVICE/LOAD policy is enforced here, before the
engine sees the text, so its cost is bounded by the same deadline as the query.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from api import negotiation, serializers
from api.security import check_remote_access
from api.workers import Job, Outcome, WorkerConfig
from graph.errors import (
    InputError,
    NotFoundError,
    QuerySyntaxError,
    ResultTooLargeError,
    StoreError,
)
from graph.store import Store


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
        kwargs["default_graph"] = [ox.NamedNode(u) for u in job.default_graph_uris]
    elif config.default_graph == "union":
        kwargs["use_default_graph_as_union"] = True
    if job.named_graph_uris:
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in job.named_graph_uris]
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
        media = negotiation.negotiate(job.accept, negotiation.RESULTS_TYPES)
        return Outcome(media_type=media, body=serializers.ask(bool(result), media))
    if isinstance(result, ox.QuerySolutions):
        media = negotiation.negotiate(job.accept, negotiation.RESULTS_TYPES)
        variables, rows = _collect_rows(result, config.max_results)
        return Outcome(media_type=media, body=serializers.SELECT_WRITERS[media](variables, rows))
    media = negotiation.negotiate(job.accept, negotiation.GRAPH_TYPES)
    triples = []
    for triple in result:
        if len(triples) >= config.max_results:
            raise _too_large(config.max_results)
        triples.append(triple)
    return Outcome(media_type=media, body=serializers.graph(triples, media))


def _question(store: Store, job: Job, config: WorkerConfig) -> Outcome:
    try:
        from graph import questions  # type: ignore[attr-defined]
    except ImportError as exc:
        raise NotFoundError("named questions are not available in this build") from exc
    result = questions.run_question(store, job.name, dict(job.params))
    columns = list(result.columns)
    if len(result.terms) > config.max_results:
        raise _too_large(config.max_results)
    return Outcome(variables=columns, rows=_json_rows(columns, result.terms))
