"""The SPARQL 1.1 Service Description served at ``GET /sparql`` without a query.

Why: generic clients (and people) discover what the endpoint supports — result formats, the
default-graph semantics, whether updates are possible — from this document instead of guessing.
"""

from __future__ import annotations

import pyoxigraph as ox
from govkg.api.http.negotiation import GRAPH_TYPES, RESULTS_TYPES
from govkg.api.settings import Settings
from govkg.graph.store.formats import format_for_media_type

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = "http://www.w3.org/ns/formats/"
SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")

_FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS + "SPARQL_Results_JSON",
    "application/sparql-results+xml": FORMATS + "SPARQL_Results_XML",
    "text/csv": FORMATS + "SPARQL_Results_CSV",
    "text/tab-separated-values": FORMATS + "SPARQL_Results_TSV",
    "text/turtle": FORMATS + "Turtle",
    "application/n-triples": FORMATS + "N-Triples",
    "application/ld+json": FORMATS + "JSON-LD",
    "application/rdf+xml": FORMATS + "RDF_XML",
    "application/trig": FORMATS + "TriG",
    "application/n-quads": FORMATS + "N-Quads",
}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(settings: Settings, endpoint: str) -> list[ox.Triple]:
    """The triples of the service description for ``endpoint`` under ``settings``."""
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(
            service,
            _sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
    ]
    void = ox.NamedNode(endpoint.rsplit("/sparql", 1)[0] + "/.well-known/void")  # VoID, DCAT
    triples.append(ox.Triple(service, SEE_ALSO, void))
    if settings.token:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if settings.default_graph == "union":
        triples.append(ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))
    for media in RESULTS_TYPES + GRAPH_TYPES:
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(_FORMAT_IRIS[media])))
    if not settings.service_allowlist:
        # Federated query is refused for every endpoint: drop the feature claim.
        triples = [t for t in triples if t.object != _sd("BasicFederatedQuery")]
    return triples


def render(settings: Settings, endpoint: str, media_type: str) -> bytes:
    """The service description serialised as ``media_type`` (one of GRAPH_TYPES)."""
    triples = describe(settings, endpoint)
    fmt = format_for_media_type(media_type)
    if media_type in ("application/trig", "application/n-quads"):
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(quads, format=fmt) or b""
    if fmt == ox.RdfFormat.TURTLE:
        return ox.serialize(triples, format=fmt, prefixes={"sd": SD}) or b""
    return ox.serialize(triples, format=fmt) or b""
