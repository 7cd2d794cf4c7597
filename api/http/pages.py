"""Dereferenceable IRIs and the pages people read: ``/id/…``, ``/page/…``, ``/data/…``.

govkg's IRIs live under a base (``Settings.base_url``, default ``https://w3id.org/govkg/``);
this server answers for them at the same paths. Following the Cool URIs note (W3C, 2008,
section 4.3), an IRI names a thing (a company, a model, a statement), not a document, so
``GET /id/meta`` answers **303 See Other** to the document that describes it, chosen by the
``Accept`` header (``Vary: Accept``):

* ``/page/id/meta`` — the HTML page (``/page/id/meta.json``: the same page as JSON);
* ``/data/id/meta.ttl`` (``.jsonld``, ``.nt``, ``.rdf``) — its RDF description.

A suffix on the IRI's path (``/id/meta.ttl``) asks for one document directly (200, with
``Content-Location``). ``/graph/…`` gives the named graph's own triples; ``/ontology`` the
ontology (reference page or RDF). Every IRI under the base is rewritten to a local path on the
pages, so no link leaves the server except a source's own URL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from govkg.api.http import negotiation
from govkg.api.http.state import state_of
from govkg.graph.errors import InputError, NotAcceptableError, NotFoundError
from govkg.graph.pages import describe as rdf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse, JSONResponse, Response

router = APIRouter(tags=["Linked data and pages"])

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The IRI kinds under the base, each a path segment (``{base}id/meta`` → ``/id/meta``).
KINDS = ("id", "statement", "graph", "concept", "source")
#: What a client may ask for, default first; ``application/json`` is the page as JSON.
OFFERS = ("text/html", *rdf.RDF_MEDIA, "application/json")
JSON = "application/json"
PATH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~%/-]{0,300}$")

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def base_of(request: Request) -> str:
    """The IRI base this server answers for (always ending in ``/``)."""
    base = state_of(request).settings.base_url
    return base if base.endswith("/") else base + "/"


def local_href(iri: str, base: str) -> str | None:
    """The local page for an IRI under ``base``, or None for an IRI elsewhere.

    >>> local_href("https://w3id.org/govkg/id/meta", "https://w3id.org/govkg/")
    '/page/id/meta'
    >>> local_href("https://w3id.org/govkg/ontology#AIModel", "https://w3id.org/govkg/")
    '/ontology#AIModel'
    >>> local_href("https://example.org/x", "https://w3id.org/govkg/") is None
    True
    """
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    kind, _, tail = rest.partition("/")
    if kind in KINDS and tail:
        return f"/page/{kind}/{quote(tail, safe='/-._~')}"
    if rest.startswith("ontology"):
        return "/" + rest
    return None


def render(template: str, request: Request, **context: Any) -> str:
    """Render a page template; ``link(ref)`` writes a ref as a local link, or text."""
    base = base_of(request)

    def link(ref: dict[str, Any] | None, text: str | None = None) -> Markup:
        if not ref:
            return Markup("")
        shown = text or ref.get("label") or ref.get("text") or ref.get("iri", "")
        href = local_href(ref["iri"], base) if ref.get("iri") else None
        if href is None:
            return Markup("{}").format(shown)
        return Markup('<a href="{}">{}</a>').format(href, shown)

    tpl = _env.get_template(template)
    return tpl.render(link=link, href=lambda i: local_href(i, base), **context)


def _check_path(kind: str, path: str) -> str:
    if kind not in KINDS:
        raise NotFoundError(f"no IRI kind {kind!r}; govkg serves {', '.join(KINDS)}")
    if not PATH_RE.match(path) or ".." in path:
        raise InputError(f"{kind}/{path!r} is not a govkg IRI path (letters, digits, . _ - /)")
    return path


def _split_suffix(path: str) -> tuple[str, str | None]:
    """``meta.ttl`` → (``meta``, ``ttl``); a path without a document suffix keeps it whole."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in ("html", "json", *rdf.SUFFIXES):
        return stem, ext
    return path, None


async def _exists(request: Request, iri: str, kind: str) -> None:
    state = state_of(request)
    if kind == "graph":
        found = await state.read(lambda s: s.has_graph(iri))
    else:
        ask = "ASK { GRAPH ?g { { ?entity ?p ?o } UNION { ?s ?p ?entity } } }"
        found = await state.read(
            lambda s: bool(s.query(ask.replace("?entity", f"<{iri}>")))  # checked IRI path
        )
    if not found:
        raise NotFoundError(f"nothing in the store is about <{iri}>")


async def _page(request: Request, iri: str, as_json: bool) -> Response:
    """The HTML or JSON page of one resource."""
    from govkg.api.http.analysis_jobs import AnalysisJob

    # In an analysis worker: a model's verdict is coverage over the whole projection.
    runner = state_of(request).analyses
    job = AnalysisJob("entity", {"iri": iri, "as_of": request.query_params.get("as_of")})
    view, in_graph = await runner.run_plain(job, runner.limit(None))
    if as_json:
        return JSONResponse(view, headers={"Vary": "Accept"})
    viz = None
    if view["page_class"] not in ("statement", "source", "graph") and in_graph:
        viz = f"/viz?focus={quote(iri, safe='')}&depth=1"
    alternates = [(ext, f"/data/{_doc_path(iri, request)}.{ext}") for ext in rdf.SUFFIXES]
    html = render("entity.html", request, v=view, viz=viz, alternates=alternates)
    return HTMLResponse(html, headers={"Vary": "Accept"})


def _doc_path(iri: str, request: Request) -> str:
    return iri[len(base_of(request)) :]


async def _data(request: Request, kind: str, iri: str, ext: str) -> Response:
    """One RDF document: the resource's description, or a named graph's triples."""
    state = state_of(request)
    media = rdf.SUFFIXES[ext]
    if kind == "graph":
        triples = await state.read(lambda s: rdf.graph_triples(s, iri))
    else:
        triples = await state.read(lambda s: rdf.describe(s, iri))
    body = rdf.serialize(triples, media)
    location = f"/data/{_doc_path(iri, request)}.{ext}"
    return Response(body, media_type=media, headers={"Content-Location": location})


def _choose(request: Request) -> str:
    chosen = negotiation.choose(request.headers.get("accept"), OFFERS)
    if chosen is None:
        raise NotAcceptableError(
            f"none of the formats is acceptable; available: text/html, application/json, "
            f"{', '.join(rdf.RDF_MEDIA)}"
        )
    return chosen


async def _iri(request: Request, kind: str, path: str) -> Response:
    path, ext = _split_suffix(_check_path(kind, path))
    iri = base_of(request) + f"{kind}/{path}"
    if ext in ("html", "json"):
        return await _page(request, iri, ext == "json")
    if ext is not None:
        return await _data(request, kind, iri, ext)
    await _exists(request, iri, kind)
    media = _choose(request)
    if media == "text/html":
        target = f"/page/{kind}/{path}"
    elif media == JSON:
        target = f"/page/{kind}/{path}.json"
    else:
        target = f"/data/{kind}/{path}.{rdf.RDF_MEDIA[media][1]}"
    return Response(status_code=303, headers={"Location": target, "Vary": "Accept"})


def _iri_route(kind: str) -> None:
    async def handler(path: str, request: Request) -> Response:
        return await _iri(request, kind, path)

    router.add_api_route(
        f"/{kind}/{{path:path}}",
        handler,
        methods=["GET"],
        name=f"deref_{kind}",
        summary=f"Dereference a govkg {kind} IRI",
        description=f"`{{base}}{kind}/…` answers 303 See Other to `/page/{kind}/…` (HTML, or "
        f"JSON with `.json`) or `/data/{kind}/…{{.ttl,.jsonld,.nt,.rdf}}` by `Accept`; a suffix "
        "asks for one document directly.",
        responses={303: {"description": "See the document in the format asked for."}},
    )


for _kind in KINDS:
    _iri_route(_kind)


@router.get("/page/{kind}/{path:path}", summary="The page of a govkg resource (HTML or JSON)")
async def page(kind: str, path: str, request: Request) -> Response:
    """HTML for people (readable without JavaScript); JSON with ``.json`` or ``Accept``."""
    path, ext = _split_suffix(_check_path(kind, path))
    if ext not in (None, "html", "json"):
        raise NotFoundError(f"pages are .html or .json; RDF is at /data/{kind}/{path}.{ext}")
    iri = base_of(request) + f"{kind}/{path}"
    as_json = ext == "json" or (ext is None and _choose(request) == JSON)
    return await _page(request, iri, as_json)


@router.get("/data/{kind}/{path:path}", summary="The RDF description of a govkg resource")
async def data(kind: str, path: str, request: Request) -> Response:
    """Turtle, JSON-LD, N-Triples or RDF/XML, by the path's suffix."""
    path, ext = _split_suffix(_check_path(kind, path))
    if ext is None or ext not in rdf.SUFFIXES:
        raise NotFoundError(
            f"give a format suffix: /data/{kind}/{path}.ttl (or .jsonld, .nt, .rdf)"
        )
    return await _data(request, kind, base_of(request) + f"{kind}/{path}", ext)


@router.get("/ontology", summary="The ontology: reference page or RDF, by Accept")
async def ontology(request: Request) -> Response:
    """HTML reference for browsers; Turtle, JSON-LD, N-Triples or RDF/XML otherwise."""
    if negotiation.prefers_html(request.headers.get("accept")):
        from govkg.graph.vocabulary import ontology_reference

        html = ontology_reference("html").replace('href="' + base_of(request), 'href="/')
        return HTMLResponse(html, headers={"Vary": "Accept", "Content-Location": "/ontology"})
    media = negotiation.choose(request.headers.get("accept"), tuple(rdf.RDF_MEDIA))
    if media is None:
        raise NotAcceptableError(f"the ontology is available as {', '.join(rdf.RDF_MEDIA)}")
    return _ontology_doc(media)


@router.get("/ontology.{ext}", summary="The ontology as one RDF document")
async def ontology_file(ext: str) -> Response:
    """``/ontology.ttl``, ``.jsonld``, ``.nt`` or ``.rdf``: the ontology as that document."""
    if ext not in rdf.SUFFIXES:
        raise NotFoundError(f"no ontology format .{ext}; use .ttl, .jsonld, .nt or .rdf")
    return _ontology_doc(rdf.SUFFIXES[ext])


def _ontology_doc(media: str) -> Response:
    body = rdf.serialize(rdf.ontology_triples(), media)
    ext = rdf.RDF_MEDIA[media][1]
    headers = {"Vary": "Accept", "Content-Location": f"/ontology.{ext}"}
    return Response(body, media_type=media, headers=headers)


@router.get("/pages/editor.json", include_in_schema=False)
async def editor_settings(request: Request) -> JSONResponse:
    """What the query editor needs: the ontology's prefixes (completion) and the IRI base."""
    from govkg.graph.vocabulary import PREFIXES

    return JSONResponse({"base": base_of(request), "prefixes": PREFIXES})
