"""SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs`` (indirect identification).

``?graph=IRI`` names a graph, ``?default`` (or ``?graph=default``) the default graph. Reads
(GET/HEAD) are open like queries; writes (PUT/POST/DELETE) need the bearer token. Why every
write is one SPARQL Update: pyoxigraph runs an update in one transaction, so "replace this
graph" (PUT) is all-or-nothing; the body is parsed completely first, so a malformed body
changes nothing and is reported with its line and column. On a remote backend a body of more
than ``INSERT_BATCH`` triples goes to the server's own Graph Store endpoint instead (Virtuoso
cannot parse one INSERT DATA that large), and the default graph, there the union of the named
graphs, is not writable.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from govkg.api.http import negotiation, serializers
from govkg.api.http.security import check_write_auth
from govkg.api.http.sparql import apply_update
from govkg.api.http.state import AppState, state_of
from govkg.graph.errors import InputError, NotFoundError, ParseError, UnsupportedFormatError
from govkg.graph.store.embedded import Store
from govkg.graph.store.remote import INSERT_BATCH, RemoteStore
from govkg.graph.writes import CURATED_PREFIX, check_curated_write
from starlette.responses import Response

router = APIRouter(tags=["Graph Store Protocol"])

_PARSE_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}

Target = ox.NamedNode | ox.DefaultGraph


def _target(request: Request) -> Target:
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and not graphs:
        return ox.DefaultGraph()
    if len(graphs) != 1:
        raise InputError("give exactly one `graph=IRI` (or `default`) query parameter")
    value = graphs[0]
    if value == "default":
        return ox.DefaultGraph()
    try:
        iri = ox.NamedNode(value)
    except ValueError:
        raise InputError(f"graph: {value!r} is not a valid absolute IRI") from None
    if ":" not in value:
        raise InputError(f"graph: {value!r} is not an absolute IRI")
    return iri


def _graph_sparql(target: Target) -> str:
    return "DEFAULT" if isinstance(target, ox.DefaultGraph) else f"GRAPH {target}"


def _exists(store: Store, target: Target) -> bool:
    inner = store.oxigraph
    if isinstance(target, ox.DefaultGraph):
        return True
    if inner.contains_named_graph(target):
        return True
    return next(iter(inner.quads_for_pattern(None, None, None, target)), None) is not None


def _triples(store: Store, target: Target) -> tuple[bool, list[ox.Triple]]:
    if not _exists(store, target):
        return False, []
    quads = store.oxigraph.quads_for_pattern(None, None, None, target)
    return True, [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


async def _read(request: Request, head: bool) -> Response:
    state = state_of(request)
    target = _target(request)
    media = negotiation.negotiate(request.headers.get("accept"), negotiation.GRAPH_TYPES)
    found, triples = await state.read(lambda s: _triples(s, target))
    if not found:
        raise NotFoundError(f"the store has no graph {target}")
    body = b"" if head else serializers.graph(triples, media)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _parse_body(request_type: str, body: bytes, target: Target) -> list[ox.Triple]:
    media = request_type.split(";")[0].strip().lower()
    fmt = _PARSE_FORMATS.get(media)
    if fmt is None:
        raise UnsupportedFormatError(
            f"cannot read a graph sent as {media or 'no Content-Type'}; send one of "
            + ", ".join(sorted(_PARSE_FORMATS))
        )
    base = None if isinstance(target, ox.DefaultGraph) else target.value
    try:
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(body, format=fmt, base_iri=base)
        ]
    except SyntaxError as exc:
        raise ParseError(f"the request body is not valid {media}: {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"the request body could not be read as {media}: {exc}") from None


def _insert_data(target: Target, triples: list[ox.Triple]) -> str:
    lines = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
    if not lines:
        return ""
    if isinstance(target, ox.DefaultGraph):
        return f"INSERT DATA {{\n{lines} .\n}}"
    return f"INSERT DATA {{ GRAPH {target} {{\n{lines} .\n}} }}"


async def _write(request: Request, method: str) -> Response:
    state: AppState = state_of(request)
    check_write_auth(request.headers.get("authorization"), state.settings.token)
    target = _target(request)
    if method == "DELETE":

        def drop(store: Store) -> bool:
            _check_remote_target(store, target)
            if not _exists(store, target) or (
                isinstance(target, ox.DefaultGraph) and not any(True for _ in _default(store))
            ):
                return False
            # SILENT: the graph exists (checked above), and Virtuoso refuses a plain DROP of a
            # graph that was created implicitly (by inserting into it) rather than by CREATE.
            text = f"DROP SILENT {_graph_sparql(target)}"
            if isinstance(target, ox.NamedNode) and target.value.startswith(CURATED_PREFIX):
                # Removing a graph can break references from other graphs: rehearse it too.
                check_curated_write(store, lambda copy: apply_update(copy, text, None))
            apply_update(store.oxigraph, text, None)
            return True

        if not await state.write(drop):
            raise NotFoundError(f"the store has no graph {target} (nothing was deleted)")
        return Response(status_code=204)
    body = await request.body()
    triples = _parse_body(request.headers.get("content-type", ""), body, target)
    insert = _insert_data(target, triples)

    def apply(store: Store) -> bool:
        _check_remote_target(store, target)
        existed = _exists(store, target)
        ops = []
        if method == "PUT":
            ops.append(f"DROP SILENT {_graph_sparql(target)}")
        if insert:
            ops.append(insert)
        if ops:
            text = " ;\n".join(ops)
            if isinstance(target, ox.NamedNode) and target.value.startswith(CURATED_PREFIX):
                check_curated_write(store, lambda copy: apply_update(copy, text, None))
            if isinstance(store, RemoteStore) and len(triples) > INSERT_BATCH:
                assert isinstance(target, ox.NamedNode)  # _check_remote_target
                _write_remote(store, method, target, triples)
            else:
                apply_update(store.oxigraph, text, None)
        return existed

    existed = await state.write(apply)
    return Response(status_code=204 if existed else 201)


def _check_remote_target(store: Store, target: Target) -> None:
    """Refuse default-graph writes on a remote backend, whose default graph is the union."""
    if isinstance(store, RemoteStore) and isinstance(target, ox.DefaultGraph):
        raise InputError(
            "this server works on a remote SPARQL server, whose default graph is the union of "
            "the named graphs: write to a named graph (`graph=IRI`) instead of `default`"
        )


def _write_remote(store: RemoteStore, method: str, target: ox.NamedNode, triples: list) -> None:
    """A PUT or POST too large for one INSERT DATA, sent as the server's own graph write.

    Why: Virtuoso's parser runs out of memory on an INSERT DATA of a few thousand triples. The
    server's Graph Store endpoint takes the whole body in one request (without one, RemoteStore
    writes batches of ``INSERT_BATCH``, which is not atomic).
    """
    if method == "PUT":
        store.replace_graph(target.value, triples)
    else:
        store.add_to_graph(target.value, triples)


def _default(store: Store):  # type: ignore[no-untyped-def]
    return store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())


_DOC = (
    "Graph Store Protocol with `?graph=IRI` or `?default`. GET/HEAD return the graph "
    "(Turtle by default; negotiated by Accept). PUT replaces, POST merges, DELETE drops; these "
    "need `Authorization: Bearer <token>` (401 without, 403 when the server is read-only). "
    "Example: `/rdf-graphs?graph=https://w3id.org/govkg/graph/entities`."
)
_RESPONSES = {
    200: {"description": "The graph.", "content": {"text/turtle": {"example": "<a> <b> <c> ."}}},
    201: {"description": "The graph was created."},
    204: {"description": "The graph was changed."},
    401: {"description": "No or invalid bearer token."},
    403: {"description": "The server is read-only."},
    404: {"description": "No such graph."},
    415: {"description": "Unsupported body format."},
}


@router.get("/rdf-graphs", summary="Read a graph", description=_DOC, responses=_RESPONSES)
async def gsp_get(request: Request) -> Response:
    """GET a graph."""
    return await _read(request, head=False)


@router.head("/rdf-graphs", summary="Check a graph", description=_DOC, responses=_RESPONSES)
async def gsp_head(request: Request) -> Response:
    """HEAD of a graph."""
    return await _read(request, head=True)


@router.put("/rdf-graphs", summary="Replace a graph", description=_DOC, responses=_RESPONSES)
async def gsp_put(request: Request) -> Response:
    """PUT a graph."""
    return await _write(request, "PUT")


@router.post("/rdf-graphs", summary="Add to a graph", description=_DOC, responses=_RESPONSES)
async def gsp_post(request: Request) -> Response:
    """POST to a graph."""
    return await _write(request, "POST")


@router.delete("/rdf-graphs", summary="Delete a graph", description=_DOC, responses=_RESPONSES)
async def gsp_delete(request: Request) -> Response:
    """DELETE a graph."""
    return await _write(request, "DELETE")
