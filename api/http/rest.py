"""REST routes for people and scripts that do not speak SPARQL.

``/questions`` lists the named questions and runs them; ``/entities/{id}`` shows one entity with
the facts each source states about it; ``/ontology`` is the ontology reference; ``/export.*``
downloads the whole store; ``/health`` is for monitors. Every engine call runs in a query worker
(with the same time and size limits as ``/sparql``) or in a thread, never on the event loop.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from govkg.api.http import negotiation, question_downloads, question_pages
from govkg.api.http.query_jobs import Job
from govkg.api.http.state import list_questions_safe, state_of
from govkg.graph import export as graph_export
from govkg.graph.errors import InputError, NotFoundError
from govkg.graph.results import delimited
from govkg.graph.store.backend import Backend
from govkg.graph.store.formats import format_for_path, media_type
from govkg.graph.vocabulary import entity_iri, ontology_reference, ontology_turtle, read_sparql
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

router = APIRouter()

ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")

#: What ``/export.<ext>`` offers, from the one format table: extension → (media type, format,
#: whether the file keeps the named graphs; the others write the union of the graphs as triples).
EXPORTS: dict[str, tuple[str, ox.RdfFormat, bool]] = {
    ext: (media_type(fmt), fmt, fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG))
    for ext in ("ttl", "nt", "nq", "trig", "jsonld", "rdf")
    for fmt in (format_for_path(f"export.{ext}"),)
}


def _version() -> str:
    try:
        return version("govkg")
    except PackageNotFoundError:
        return "0.1.0+local"


def _cell(term: dict | None) -> str:
    return "" if term is None else str(term.get("value", ""))


def _rows_csv(variables: list[str], rows: list[dict]) -> bytes:
    cells = ([_cell(row.get(v)) for v in variables] for row in rows)
    return delimited(variables, cells, newline="\r\n").encode()


# -- named questions -------------------------------------------------------------------------


@router.get(
    "/questions",
    tags=["Named questions"],
    summary="List the named questions",
    description="Every named question with its title, description and parameters "
    "(name, type, description, default). Run one with `/questions/{name}?param=value` "
    "(paged: `limit`, `offset`, `total`). Browsers (`Accept: text/html`) get a page listing "
    "them.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": [
                        {
                            "name": "models-by-weights-access",
                            "title": "Models by weights access",
                            "description": "...",
                            "parameters": [{"name": "access", "type": "concept"}],
                        }
                    ]
                },
                "text/html": {},
            }
        }
    },
)
async def questions_list(request: Request) -> Response:
    """List questions (without their SPARQL text); a page of them for browsers."""
    offers = ("application/json", "text/html")
    if negotiation.choose(request.headers.get("accept"), offers) == "text/html":
        return await question_pages.list_page(request)
    items = [{k: v for k, v in q.items() if k != "sparql"} for q in list_questions_safe()]
    return JSONResponse(items, headers={"Vary": "Accept"})


_ANSWER_EXAMPLE = {
    "question": "models-by-developer",
    "params": {"developer": "https://w3id.org/govkg/id/meta"},
    "columns": ["developer", "developerLabel", "model", "label", "released", "weights", "sources"],
    "kinds": {
        "developer": "iri",
        "developerLabel": "string",
        "model": "iri",
        "label": "string",
        "released": "date",
        "weights": "iri",
        "sources": "string",
    },
    "rows": [
        {
            "developer": "https://w3id.org/govkg/id/meta",
            "developerLabel": "Meta",
            "model": "https://w3id.org/govkg/id/llama-2-70b",
            "label": "Llama 2 70B",
            "released": "2023-07-18",
            "weights": "https://w3id.org/govkg/concept/open-weights-restricted",
            "sources": "https://w3id.org/govkg/graph/meta-llama-2-2023-07",
        }
    ],
    "limit": 1,
    "offset": 0,
    "next_offset": 1,
    "total": 25,
}


@router.get(
    "/questions/{name}",
    tags=["Named questions"],
    summary="Run a named question, one page at a time",
    description="Runs the question with parameters from the query string. Paging: `limit` "
    "(rows per page, default 1,000, at most the server's `max_page_size`), `offset` (rows "
    "skipped), `total=true` (also count the whole answer). While more rows exist the response "
    'has `Link: <...>; rel="next"` (RFC 8288, the other parameters kept), and `rel="prev"` '
    'and `rel="first"` after the first page. `timeout` lowers the time limit. JSON is the '
    "answer shape `govkg ask --format json` prints too: question, params (defaults included), "
    "columns, kinds (per column: iri, string, date, integer, number, boolean, mixed), rows of "
    "plain values, limit, offset, next_offset (null on the last page) and total (when asked "
    "for). CSV with `Accept: text/csv`, an HTML page (form, labelled table, paging) for "
    "browsers (`Accept: text/html`); `format=json|csv|html` overrides `Accept` (download "
    "links). `limit=all` streams the whole answer, CSV or JSON (not HTML), with its row count "
    "in `X-Govkg-Rows` (and `total` in the JSON when asked for): written to a spool file by a "
    "query worker within the time limit and at most the server's `max_answer_mb`, then sent "
    "in pieces; never cached.",
    responses={
        200: {
            "content": {
                "application/json": {"example": _ANSWER_EXAMPLE},
                "text/csv": {"example": "model\r\nhttps://w3id.org/govkg/id/llama-2\r\n"},
                "text/html": {},
            },
            "headers": {
                "Link": {"description": "next / prev / first pages (RFC 8288)"},
                "X-Govkg-Rows": {"description": "rows of a whole answer (`limit=all`)"},
            },
        },
        400: {
            "description": "Unknown parameter, bad value, or a bad limit/offset/total/format "
            "(an HTML page naming it for browsers)."
        },
        404: {"description": "No such question."},
        413: {"description": "A whole answer (`limit=all`) over `max_answer_mb`."},
        503: {"description": "Past the time limit (the worker was stopped)."},
    },
)
async def question_run(name: str, request: Request) -> Response:
    """Run one page of a named question in a worker (an HTML page for browsers)."""
    media = question_pages.answer_media(request)
    if media == "text/html":
        return await question_pages.answer_page(request, name)
    ask = question_pages.page_ask(request, name)
    if ask.job.kind == "answer":
        return await question_downloads.whole_answer(request, ask, media)
    cached = await state_of(request).questions.page(ask.job, ask.timeout)
    outcome = cached.answer
    targets = question_pages.page_targets(request.url.path, ask.pairs, outcome.document)
    headers = {"Vary": "Accept", **cached.headers()}
    if targets:  # RFC 8288: relative targets stay on the host and scheme the client reached
        headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in targets.items())
    if media == "text/csv":
        body = _rows_csv(outcome.variables, outcome.rows)
        return Response(body, media_type="text/csv", headers=headers)
    return JSONResponse(outcome.document, headers=headers)


# -- entities --------------------------------------------------------------------------------


@router.get(
    "/entities/{entity_id}",
    tags=["Entities"],
    summary="An entity with its facts and their sources",
    description="Facts about the entity grouped by the named graph (source) that states them: "
    "`direction` is `out` (entity is the subject) or `in`. JSON by default, HTML for browsers. "
    "Example: `/entities/meta`.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "id": "meta",
                        "iri": "https://w3id.org/govkg/id/meta",
                        "facts": [
                            {
                                "direction": "out",
                                "property": "http://www.w3.org/2000/01/rdf-schema#label",
                                "value": {"type": "literal", "value": "Meta"},
                                "graph": "https://w3id.org/govkg/graph/entities",
                                "source": None,
                            }
                        ],
                    }
                },
                "text/html": {},
            }
        },
        404: {"description": "No such entity."},
    },
)
async def entity(entity_id: str, request: Request) -> Response:
    """One entity's facts, with the source of each."""
    if not ENTITY_ID.match(entity_id):
        raise InputError(f"entity id {entity_id!r} is not valid (letters, digits, . _ -)")
    state = state_of(request)
    media = negotiation.negotiate(request.headers.get("accept"), ("application/json", "text/html"))
    if media == "text/html":  # people read the entity page (api/http/pages.py)
        return Response(status_code=303, headers={"Location": f"/page/id/{entity_id}"})
    iri = str(entity_iri(entity_id))
    query = read_sparql("govkg.api.http", "queries", "entity_facts.rq")
    outcome = await state.pool.run(
        Job(kind="rows", query=query, substitutions={"entity": ("iri", iri)}),
        state.settings.query_timeout,
    )
    if not outcome.rows:
        raise NotFoundError(f"no entity {entity_id!r} (<{iri}>) in the store")
    facts = [
        {
            "direction": _cell(r.get("direction")),
            "property": _cell(r.get("property")),
            "value": r.get("value"),
            "graph": _cell(r.get("graph")) or None,
            "source": _cell(r.get("source")) or None,
            "sourceTitle": _cell(r.get("sourceTitle")) or None,
        }
        for r in outcome.rows
    ]
    doc = {"id": entity_id, "iri": iri, "facts": facts}
    if media == "text/html":
        return HTMLResponse(_entity_html(doc))
    return JSONResponse(doc)


def _entity_html(doc: dict) -> str:
    rows = []
    for f in doc["facts"]:
        value = f["value"] or {}
        shown = html.escape(str(value.get("value", "")))
        if value.get("type") == "uri":
            shown = f'<a href="{shown}">{shown}</a>'
        source = html.escape(f["sourceTitle"] or f["source"] or f["graph"] or "")
        rows.append(
            f"<tr><td>{html.escape(f['direction'])}</td><td>{html.escape(f['property'])}</td>"
            f"<td>{shown}</td><td>{source}</td></tr>"
        )
    title = html.escape(doc["id"])
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="stylesheet" href="../static/query.css"></head><body><main>'
        f"<h1>{title}</h1><p><code>{html.escape(doc['iri'])}</code></p>"
        "<table><thead><tr><th>direction</th><th>property</th><th>value</th><th>source</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></main></body></html>"
    )


# -- ontology, export, health ----------------------------------------------------------------


@router.get(
    "/ontology",
    tags=["Ontology"],
    summary="The ontology reference",
    description="The generated HTML reference when the client prefers HTML, else the ontology "
    "as Turtle.",
    responses={200: {"content": {"text/html": {}, "text/turtle": {}}}},
)
async def ontology_doc(request: Request) -> Response:
    """The HTML reference for browsers, the Turtle source for everyone else."""
    wants_html = negotiation.prefers_html(request.headers.get("accept"))
    if wants_html:
        return HTMLResponse(ontology_reference("html"))
    return Response(ontology_turtle(), media_type="text/turtle; charset=utf-8")


def _export_file(store: Backend, fmt: ox.RdfFormat, quads: bool) -> Path:
    """Serialise the store into a temporary file (removed after streaming)."""
    fd, name = tempfile.mkstemp(prefix="govkg-export-")
    os.close(fd)
    path = Path(name)
    store.export(path, fmt, union=not quads)
    return path


def _network_file(store: Backend, name: str) -> Path:
    """The network projection as GraphML, GEXF or a zip of CSV nodes/edges, in a temporary file."""
    fd, path = tempfile.mkstemp(prefix="govkg-export-")
    with os.fdopen(fd, "wb") as out:
        graph_export.export(store, out, name)
    return Path(path)


def _stream(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(64 * 1024):
                yield chunk
    finally:
        path.unlink(missing_ok=True)


@router.get(
    "/export.{ext}",
    tags=["Export"],
    summary="Download the whole store",
    description="`ttl`, `nt`, `jsonld`, `rdf` give the triples of all graphs merged; `nq` and "
    "`trig` keep the named graphs; `graphml` and `gexf` are the network projection (for Gephi, "
    "Cytoscape), `csv` a zip of its nodes.csv and edges.csv. Example: `/export.nq`.",
    responses={
        200: {
            "content": {
                **{m: {} for m, _, _ in EXPORTS.values()},
                **{m: {} for m in graph_export.NETWORK_MEDIA_TYPES.values()},
            }
        }
    },
)
async def export(ext: str, request: Request) -> Response:
    """Stream an export of the whole store."""
    state = state_of(request)
    filename = f"govkg.{ext}"
    if ext in graph_export.NETWORK_FORMATS:
        media = graph_export.NETWORK_MEDIA_TYPES[ext]
        path = await state.read(lambda s: _network_file(s, ext))
        if ext == "csv":
            filename = "govkg-csv.zip"
    elif ext in EXPORTS:
        media, fmt, quads = EXPORTS[ext]
        path = await state.read(lambda s: _export_file(s, fmt, quads))
    else:
        names = [*EXPORTS, *graph_export.NETWORK_FORMATS]
        raise NotFoundError(f"no export format {ext!r}; use one of {', '.join(names)}")
    return StreamingResponse(
        _stream(path),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/health",
    tags=["Health"],
    summary="Server health",
    description="Status, store (the embedded store's path, or the remote SPARQL endpoint's URL), "
    "number of quads, version, worker count and settings that affect answers.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "status": "ok",
                        "store": ".govkg/store",
                        "triples": 1234,
                        "version": "0.1.0",
                    }
                }
            }
        }
    },
)
async def health(request: Request) -> JSONResponse:
    """Liveness and a few facts about the store."""
    state = state_of(request)
    count = await state.read(lambda s: s.quad_count())
    return JSONResponse(
        {
            "status": "ok" if state.pool.alive() > 0 else "degraded",
            "store": state.settings.backend_name,
            "triples": count,
            "version": _version(),
            "workers": state.pool.alive(),
            "default_graph": state.settings.default_graph,
            "writable": bool(state.settings.token),
        }
    )
