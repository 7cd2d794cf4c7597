"""The govkg ontology: namespaces, file locations and the IRI scheme.

Everything that names a govkg term or mints a govkg IRI goes through this module, so the
namespace policy lives in one place (see ``docs/ontology.md``)::

    >>> from ontology import GK, GKC, entity_iri
    >>> str(GK.AIModel)
    'https://w3id.org/govkg/ontology#AIModel'
    >>> str(entity_iri("meta"))
    'https://w3id.org/govkg/id/meta'
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef

HERE = Path(__file__).resolve().parent
ONTOLOGY_FILE = HERE / "govkg.ttl"
SHAPES_FILE = HERE / "shapes.ttl"
CQ_DIR = HERE / "cq"

BASE = "https://w3id.org/govkg/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
GK = Namespace(BASE + "ontology#")
GKC = Namespace(BASE + "concept/")
ID = Namespace(BASE + "id/")
STATEMENT = Namespace(BASE + "statement/")
SOURCE = Namespace(BASE + "source/")
GRAPH = Namespace(BASE + "graph/")

#: The named graph that holds the ontology itself inside a store.
ONTOLOGY_GRAPH = GRAPH["ontology"]
#: The named graph that holds the curated entity registry (ids, types, labels, aliases).
ENTITIES_GRAPH = GRAPH["entities"]

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
AIRO = Namespace("https://w3id.org/airo#")
DPV = Namespace("https://w3id.org/dpv#")

#: Prefixes bound on every graph govkg writes, and prepended to named questions.
PREFIXES: dict[str, str] = {
    "gk": str(GK),
    "gkc": str(GKC),
    "gkid": str(ID),
    "gks": str(STATEMENT),
    "gksrc": str(SOURCE),
    "gkg": str(GRAPH),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of a curated entity (developer, agency, model, instrument) by its readable id."""
    return ID[entity_id]


def source_iri(source_id: str) -> URIRef:
    """The IRI of a source document by its readable id."""
    return SOURCE[source_id]


def graph_iri(source_id: str) -> URIRef:
    """The IRI of the named graph that holds one source's statements."""
    return GRAPH[source_id]


def statement_iri(source_id: str, statement_id: str) -> URIRef:
    """The IRI of one statement node of a source."""
    return STATEMENT[f"{source_id}/{statement_id}"]


def concept_iri(concept_id: str) -> URIRef:
    """The IRI of a SKOS concept or concept scheme by its id (e.g. ``open-weights-restricted``)."""
    return GKC[concept_id]
