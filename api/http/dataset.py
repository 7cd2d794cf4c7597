"""``GET /.well-known/void``: the dataset described in VoID and DCAT, by content negotiation.

Why at ``/.well-known/void``: RFC 8615 reserves the path and the VoID note (W3C, 2011, section
7.2) names it as where a dataset's description is found. Counts are taken from the store on each
request (:mod:`govkg.graph.pages.dataset`); ``dcterms:modified`` is when the embedded store last
changed on disk (a build, a load, an import).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Request
from govkg.api.http import negotiation
from govkg.api.http.pages import base_of, render
from govkg.api.http.state import state_of
from govkg.graph.errors import NotAcceptableError, NotFoundError
from govkg.graph.pages import dataset
from govkg.graph.pages import describe as rdf
from starlette.responses import HTMLResponse, Response

router = APIRouter(tags=["Linked data and pages"])


def _modified(store: Path) -> datetime | None:
    """The newest file time in the store directory (None when it is not a local directory)."""
    if not store.is_dir():
        return None
    times = [p.stat().st_mtime for p in store.iterdir() if p.is_file()]
    return datetime.fromtimestamp(max(times), tz=UTC) if times else None


async def _describe(request: Request) -> tuple[list, dataset.Counts]:
    state = state_of(request)
    counts = await state.read(dataset.Counts.of)
    server = str(request.base_url)
    modified = None if state.settings.remote else _modified(Path(state.settings.store))
    return dataset.describe(counts, server, base_of(request), modified), counts


def _rdf(triples: list, media: str) -> Response:
    fmt, ext = rdf.RDF_MEDIA[media]
    import pyoxigraph as ox

    prefixes = dataset.PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples, format=fmt, prefixes=prefixes) if prefixes else None
    body = body or rdf.serialize(triples, media)
    headers = {"Vary": "Accept", "Content-Location": f"/.well-known/void.{ext}"}
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/.well-known/void",
    summary="The dataset description (VoID and DCAT)",
    description="Triples, entities, classes, properties (with class and property partitions), "
    "one subset per named graph with its source, licence, SPARQL endpoint, dumps and when the "
    "store last changed. HTML for browsers; Turtle (default), JSON-LD, N-Triples or RDF/XML by "
    "`Accept`, or `/.well-known/void.ttl` (`.jsonld`, `.nt`, `.rdf`).",
    responses={200: {"content": {"text/turtle": {}, "text/html": {}}}},
)
async def void(request: Request) -> Response:
    """Negotiate HTML or RDF."""
    accept = request.headers.get("accept")
    triples, counts = await _describe(request)
    if negotiation.prefers_html(accept):
        html = render("void.html", request, c=counts, formats=list(rdf.SUFFIXES))
        return HTMLResponse(html, headers={"Vary": "Accept"})
    media = negotiation.choose(accept, tuple(rdf.RDF_MEDIA))
    if media is None:
        raise NotAcceptableError(f"the description is available as {', '.join(rdf.RDF_MEDIA)}")
    return _rdf(triples, media)


@router.get("/.well-known/void.{ext}", summary="The dataset description as one RDF document")
async def void_file(ext: str, request: Request) -> Response:
    """``.ttl``, ``.jsonld``, ``.nt`` or ``.rdf``."""
    if ext not in rdf.SUFFIXES:
        raise NotFoundError(f"no format .{ext}; use .ttl, .jsonld, .nt or .rdf")
    triples, _ = await _describe(request)
    return _rdf(triples, rdf.SUFFIXES[ext])
