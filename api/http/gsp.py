"""SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs`` (indirect identification).

``?graph=IRI`` names a graph, ``?default`` (or ``?graph=default``) the default graph. Reads
(GET/HEAD) are open like queries; writes (PUT/POST/DELETE) need the bearer token. The body is
parsed completely first, so a malformed body changes nothing and is reported with its line and
column; then the write is one call on the backend (``replace_graph``, ``add_to_graph``,
``drop_graph``), which makes it one transaction on the embedded store and chooses between one
SPARQL Update and the server's own Graph Store endpoint on a remote one (where the default
graph, the union of the named graphs, is not writable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from govkg.api.http import negotiation, serializers
from govkg.api.http.security import check_write_auth
from govkg.api.http.state import AppState, state_of
from govkg.graph.errors import InputError, NotFoundError, ParseError, UnsupportedFormatError
from govkg.graph.store.backend import Backend
from govkg.graph.store.formats import FORMATS, format_for_media_type
from govkg.graph.writes import CURATED_PREFIX, Delta, check_delta, in_graph
from starlette.responses import Response

router = APIRouter(tags=["Graph Store Protocol"])


def _target(request: Request) -> str | None:
    """The graph a request names: an IRI, or ``None`` for the default graph."""
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and not graphs:
        return None
    if len(graphs) != 1:
        raise InputError("give exactly one `graph=IRI` (or `default`) query parameter")
    value = graphs[0]
    if value == "default":
        return None
    try:
        ox.NamedNode(value)
    except ValueError:
        raise InputError(f"graph: {value!r} is not a valid absolute IRI") from None
    if ":" not in value:
        raise InputError(f"graph: {value!r} is not an absolute IRI")
    return value


def _name(target: str | None) -> str:
    return "the default graph" if target is None else f"<{target}>"


async def _read(request: Request, head: bool) -> Response:
    state = state_of(request)
    target = _target(request)
    media = negotiation.negotiate(request.headers.get("accept"), negotiation.GRAPH_TYPES)
    triples = await state.read(lambda s: s.read_graph(target))
    if triples is None:
        raise NotFoundError(f"the store has no graph {_name(target)}")
    body = b"" if head else serializers.graph(triples, media)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _parse_body(request_type: str, body: bytes, target: str | None) -> list[ox.Triple]:
    media = request_type.split(";")[0].strip().lower()
    try:
        fmt = format_for_media_type(media)
    except UnsupportedFormatError:
        raise UnsupportedFormatError(
            f"cannot read a graph sent as {media or 'no Content-Type'}; send one of "
            + ", ".join(sorted(m for f in FORMATS for m in f.media_types))
        ) from None
    base = target
    try:
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(body, format=fmt, base_iri=base)
        ]
    except SyntaxError as exc:
        raise ParseError(f"the request body is not valid {media}: {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"the request body could not be read as {media}: {exc}") from None


async def _write(request: Request, method: str) -> Response:
    state: AppState = state_of(request)
    check_write_auth(request.headers.get("authorization"), state.settings.token)
    target = _target(request)
    curated = target is not None and target.startswith(CURATED_PREFIX)
    if method == "DELETE":

        def drop(store: Backend, check: Callable[[], None]) -> bool:
            if curated:
                # Removing a graph can break references from other graphs: the gate sees it.
                assert target is not None
                check_delta(store, Delta(removed=set(in_graph(target, store.quads(target)))), check)
            check()
            return store.drop_graph(target)

        if not await state.write(drop, timeout=state.settings.query_timeout):
            raise NotFoundError(f"the store has no graph {_name(target)} (nothing was deleted)")
        return Response(status_code=204)
    body = await request.body()
    triples = _parse_body(request.headers.get("content-type", ""), body, target)

    def apply(store: Backend, check: Callable[[], None]) -> bool:
        existed = target is None or store.has_graph(target)
        if curated:
            # The effect is in the request: POST adds the body; PUT also removes what was there.
            assert target is not None
            delta = Delta()
            if method == "PUT":
                delta.delete(in_graph(target, store.quads(target)))
            delta.insert(in_graph(target, triples))
            check_delta(store, delta, check)
        check()
        if method == "PUT":
            store.replace_graph(target, triples)
        elif triples:
            store.add_to_graph(target, triples)
        return existed

    existed = await state.write(apply, timeout=state.settings.query_timeout)
    return Response(status_code=204 if existed else 201)


_DOC = (
    "Graph Store Protocol with `?graph=IRI` or `?default`. GET/HEAD return the graph "
    "(Turtle by default; negotiated by Accept). PUT replaces, POST merges, DELETE drops; these "
    "need `Authorization: Bearer <token>` (401 without, 403 when the server is read-only). "
    "Example: `/rdf-graphs?graph=https://w3id.org/govkg/graph/entities`."
)
_RESPONSES: dict[int | str, dict[str, Any]] = {
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
