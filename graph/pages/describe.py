"""What a govkg IRI dereferences to as RDF, in each format a Linked Data client asks for.

Why separate from the HTML page data: an RDF client wants the triples themselves (with each
statement's ``dcterms:source``), not the reader's layout. A resource's document is
``queries/describe.rq``; a named graph's IRI gives that graph's triples; the ontology's IRI the
ontology file.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from govkg.graph.errors import NotFoundError
from govkg.graph.pages.lookup import query_text
from govkg.ontology import ONTOLOGY_FILE, PREFIXES

#: Media type → (pyoxigraph format, file suffix) of the RDF documents served.
RDF_MEDIA: dict[str, tuple[ox.RdfFormat, str]] = {
    "text/turtle": (ox.RdfFormat.TURTLE, "ttl"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, "jsonld"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, "nt"),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, "rdf"),
}
#: File suffix → media type.
SUFFIXES: dict[str, str] = {suffix: media for media, (_, suffix) in RDF_MEDIA.items()}


def describe(store: Any, iri: str) -> list[ox.Triple]:
    """The triples of ``iri``'s description; :class:`NotFoundError` when there are none."""
    # a list at once: pyoxigraph's result iterator must not outlive this thread (it would if
    # an exception's traceback kept it)
    triples = list(store.query(query_text("describe"), substitutions={"entity": ox.NamedNode(iri)}))
    if not triples:
        raise NotFoundError(f"nothing in the store is about <{iri}>")
    return triples


def graph_triples(store: Any, iri: str) -> list[ox.Triple]:
    """The triples of the named graph ``iri``; :class:`NotFoundError` when it does not exist."""
    if not store.has_graph(iri):
        raise NotFoundError(f"no named graph <{iri}> in the store")
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(iri)]


def ontology_triples() -> list[ox.Triple]:
    """The ontology as shipped (``ontology/govkg.ttl``)."""
    return list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))


def serialize(triples: list[ox.Triple], media_type: str) -> bytes:
    """``triples`` as ``media_type`` (a key of :data:`RDF_MEDIA`), with govkg's prefixes."""
    fmt, _ = RDF_MEDIA[media_type]
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b""
    return ox.serialize(triples, format=fmt) or b""
