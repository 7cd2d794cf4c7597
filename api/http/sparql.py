"""The SPARQL 1.1 Protocol at ``/sparql``: query by GET/POST, update by POST.

Why the request parsing is by hand: the protocol's rules (exactly one ``query``, repeated
``default-graph-uri``, the body's media type decides its meaning, UTF-8 only) are stricter than
what a generic form parser reports, and every violation must be a 4xx problem, never a 500.
Unknown parameters (SPARQLWrapper's ``format``, ``output``, ``results``) are ignored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from govkg.api.http import negotiation, service_description
from govkg.api.http.query_jobs import Job
from govkg.api.http.security import check_remote_access, check_write_auth
from govkg.api.http.state import AppState, state_of
from govkg.graph.errors import (
    InputError,
    ParameterError,
    UnsupportedFormatError,
)
from govkg.graph.iris import named_node
from govkg.graph.sparql_text import apply_using_graphs
from govkg.graph.store.backend import Backend
from govkg.graph.writes import check_update
from starlette.responses import HTMLResponse, Response

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

EXAMPLE_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"


@dataclass
class ProtocolRequest:
    """The protocol-relevant parts of one request, after validation."""

    query: str | None
    update: str | None
    params: list[tuple[str, str]]

    def all(self, name: str) -> list[str]:
        """Every value of a repeated parameter, in order."""
        return [v for k, v in self.params if k == name]


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the {what} is not valid UTF-8 (byte {exc.start}); the SPARQL Protocol requires UTF-8"
        ) from None


def _media_type(request: Request) -> tuple[str, dict[str, str]]:
    raw = request.headers.get("content-type", "")
    main, *rest = raw.split(";")
    params = {}
    for p in rest:
        k, _, v = p.partition("=")
        params[k.strip().lower()] = v.strip().strip('"').lower()
    return main.strip().lower(), params


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset")
    if charset and charset not in ("utf-8", "utf8"):
        raise UnsupportedFormatError(
            f"charset {charset!r} is not supported: send the body as UTF-8"
        )


def _parse_qs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"the request parameters could not be decoded: {exc}") from None


def _single(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in pairs if k == name]
    if len(values) > 1:
        raise InputError(f"the `{name}` parameter was given {len(values)} times; send it once")
    return values[0] if values else None


async def parse_request(request: Request) -> ProtocolRequest:
    """Validate a GET or POST against the protocol's rules."""
    url_pairs = _parse_qs(request.url.query)
    if request.method == "GET":
        if any(k == "update" for k, _ in url_pairs):
            raise InputError("SPARQL Update is not allowed by GET; POST it instead")
        return ProtocolRequest(_single(url_pairs, "query"), None, url_pairs)
    media, params = _media_type(request)
    body = await request.body()
    if media == FORM:
        _check_charset(params)
        pairs = _parse_qs(_decode(body, "form body")) + url_pairs
        query, update = _single(pairs, "query"), _single(pairs, "update")
        if query is not None and update is not None:
            raise InputError("send either `query` or `update`, not both")
        if query is None and update is None:
            raise InputError("the form has neither a `query` nor an `update` field")
        return ProtocolRequest(query, update, pairs)
    if media == QUERY_TYPE:
        _check_charset(params)
        return ProtocolRequest(_decode(body, "query"), None, url_pairs)
    if media == UPDATE_TYPE:
        _check_charset(params)
        return ProtocolRequest(None, _decode(body, "update"), url_pairs)
    raise UnsupportedFormatError(
        f"a POST to /sparql must be {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}, "
        f"not {media or 'without a Content-Type'}"
    )


def effective_timeout(state: AppState, pairs: list[tuple[str, str]]) -> float:
    """The server's limit, lowered by a valid ``timeout`` parameter (seconds)."""
    limit = state.settings.query_timeout
    raw = _single(pairs, "timeout")
    if raw is None or raw == "":
        return limit
    try:
        value = float(raw)
    except ValueError:
        raise ParameterError(f"timeout: {raw!r} is not a number of seconds") from None
    if not value > 0 or value != value:
        raise ParameterError(f"timeout: must be a positive number of seconds, got {raw!r}")
    return min(value, limit)


#: Endpoint IRIs already worked out, by the parts of the request they depend on (bounded).
_ENDPOINTS: dict[tuple, str] = {}
_ENDPOINTS_MAX = 64


def endpoint_url(state: AppState, request: Request) -> str:
    """The endpoint's own IRI: the request URL without its query (base IRI, sd:endpoint).

    Always govkg's own address as the client reached it (the Host header), also in front of a
    remote server: ``settings.remote.endpoint`` is that backend's URL, which clients never see.
    Remembered per scheme, Host header, server address and path: building it through
    Starlette's URL object costs ~10 µs, a few per cent of a small query's time in the server.
    """
    scope = request.scope
    key = (
        scope.get("scheme"),
        request.headers.get("host"),
        tuple(scope.get("server") or ()),  # ASGI allows a list (the test client sends one)
        scope.get("root_path"),
        scope.get("path"),
    )
    url = _ENDPOINTS.get(key)
    if url is None:
        url = str(request.url.replace(query="", fragment=""))
        if len(_ENDPOINTS) >= _ENDPOINTS_MAX:
            _ENDPOINTS.clear()
        _ENDPOINTS[key] = url
    return url


async def run_query(state: AppState, request: Request, preq: ProtocolRequest) -> Response:
    """Run a query in a worker and return its serialised result."""
    assert preq.query is not None
    if not preq.query.strip():
        raise InputError("the query is empty")
    default_graphs = preq.all("default-graph-uri")
    named_graphs = preq.all("named-graph-uri")
    for field, values in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for value in values:
            named_node(value, field)  # a 400 naming the parameter, before any worker is used
    job = Job(
        kind="sparql",
        query=preq.query,
        accept=request.headers.get("accept"),
        default_graph_uris=default_graphs,
        named_graph_uris=named_graphs,
        base_iri=endpoint_url(state, request),
    )
    outcome = await state.pool.run(job, effective_timeout(state, preq.params))
    media = outcome.media_type
    if media.startswith("text/") or media.endswith("+xml") or media == "application/n-triples":
        media += "; charset=utf-8"
    return Response(outcome.body, media_type=media, headers={"Vary": "Accept"})


async def run_update(state: AppState, request: Request, preq: ProtocolRequest) -> Response:
    """Run an update (token required) in one transaction, then refresh the workers."""
    check_write_auth(request.headers.get("authorization"), state.settings.token)
    assert preq.update is not None
    using = preq.all("using-graph-uri")
    using_named = preq.all("using-named-graph-uri")
    for field, values in (("using-graph-uri", using), ("using-named-graph-uri", using_named)):
        for value in values:
            named_node(value, field)
    text = apply_using_graphs(preq.update, using, using_named)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(
        None, lambda: check_remote_access(text, state.settings.service_allowlist, is_update=True)
    )
    base = endpoint_url(state, request)
    limit = effective_timeout(state, preq.params)
    await state.write(lambda store, check: _update_with_base(store, text, base, check), limit)
    return Response(status_code=204)


def _update_with_base(store: Backend, text: str, base: str, check: Callable[[], None]) -> None:
    """Run an update with the endpoint as base IRI, after the curated-graph SHACL gate.

    ``check`` raises the 503 of the time limit; it runs last just before the one transaction
    that writes, so a refused or late update writes nothing.
    """
    check_update(store, text, base, check)
    check()
    store.update(text, base_iri=base)


async def _dispatch(request: Request) -> Response:
    state = state_of(request)
    preq = await parse_request(request)
    if preq.update is not None:
        return await run_update(state, request, preq)
    if preq.query is None:
        given = [n for n in ("default-graph-uri", "named-graph-uri") if preq.all(n)]
        if given:
            # Dataset parameters make this a query request, not a request for the description.
            raise InputError(f"the request has {' and '.join(given)} but no `query` parameter")
        accept = request.headers.get("accept")
        if request.method == "GET" and negotiation.prefers_html(accept):
            return HTMLResponse(state.query_page())
        media = negotiation.negotiate(accept, negotiation.GRAPH_TYPES)
        body = service_description.render(state.settings, endpoint_url(state, request), media)
        return Response(body, media_type=media, headers={"Vary": "Accept"})
    return await run_query(state, request, preq)


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results (SELECT/ASK: SPARQL results; CONSTRUCT/DESCRIBE: RDF), "
        "or the service description / query page when no query is given.",
        "content": {
            "application/sparql-results+json": {
                "example": {"head": {"vars": ["s"]}, "results": {"bindings": []}}
            },
            "text/turtle": {"example": "<https://w3id.org/govkg/id/meta> a <...> ."},
        },
    },
    204: {"description": "The update was applied."},
    400: {"description": "Malformed request or SPARQL syntax error (problem+json)."},
    401: {"description": "Update without a valid bearer token."},
    403: {"description": "Read-only server, or SERVICE/LOAD of a non-allowed IRI."},
    406: {"description": "No acceptable result format."},
    413: {"description": "Result or request body too large."},
    415: {"description": "Unsupported request media type or charset."},
    503: {"description": "The query ran past its time limit and was stopped."},
}


#: The SPARQL Protocol's query parameters, for the OpenAPI document: the handlers read them
#: from the raw query string (repeatable, and `query`/`update` may also come in a body), so
#: FastAPI cannot infer them from a signature.
QUERY_PARAMETERS = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "description": "A SPARQL 1.1 query (without it: the service description or query page).",
        "schema": {"type": "string"},
        "example": EXAMPLE_QUERY,
    },
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "description": "A graph of the query's default graph (repeatable); an absolute IRI.",
        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "description": "A named graph the query may use with GRAPH (repeatable); an absolute IRI.",
        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "timeout",
        "in": "query",
        "required": False,
        "description": "Seconds; may lower the server's time limit, never raise it.",
        "schema": {"type": "number", "exclusiveMinimum": 0},
    },
]


@router.get(
    "/sparql",
    summary="SPARQL query (GET), service description or query page",
    description=(
        "With `query`: runs a SPARQL 1.1 query. `default-graph-uri` and `named-graph-uri` "
        "(repeatable) define the dataset; `timeout` (seconds) may lower the server's limit. "
        "Results are negotiated by `Accept` with q-values. Without `query`: the SPARQL service "
        "description (Turtle by default) or, for `Accept: text/html`, the query page. "
        f"Example: `/sparql?query={EXAMPLE_QUERY}`."
    ),
    responses=_RESPONSES,
    openapi_extra={"parameters": QUERY_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    """GET /sparql."""
    return await _dispatch(request)


@router.post(
    "/sparql",
    summary="SPARQL query or update (POST)",
    description=(
        "Body as `application/x-www-form-urlencoded` (`query=` or `update=`), "
        "`application/sparql-query` or `application/sparql-update` (UTF-8). Updates need "
        "`Authorization: Bearer <token>` and a server started with a token; "
        "`using-graph-uri` / `using-named-graph-uri` are honoured for updates."
    ),
    responses=_RESPONSES,
    openapi_extra={
        # With a direct body (application/sparql-query) the dataset comes in the URL.
        "parameters": [p for p in QUERY_PARAMETERS if p["name"] != "query"]
        + [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"For updates: {what} (repeatable); an absolute IRI.",
                "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
                "style": "form",
                "explode": True,
            }
            for name, what in (
                ("using-graph-uri", "a graph of the update's WHERE default graph"),
                ("using-named-graph-uri", "a named graph the update's WHERE may use"),
            )
        ],
        "requestBody": {
            "content": {
                QUERY_TYPE: {"schema": {"type": "string"}, "example": EXAMPLE_QUERY},
                UPDATE_TYPE: {
                    "schema": {"type": "string"},
                    "example": "INSERT DATA { <http://example.org/a> <http://example.org/p> 1 }",
                },
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
                    },
                    "example": {"query": EXAMPLE_QUERY},
                },
            }
        },
    },
)
async def sparql_post(request: Request) -> Response:
    """POST /sparql."""
    return await _dispatch(request)
