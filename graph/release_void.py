"""The VoID/DCAT description of a release: what it holds, in which files, under which licence.

Why both vocabularies: VoID carries the statistics SPARQL tooling and dataset crawlers read
(``void:triples``, ``void:entities``, ``void:classes``, ``void:properties``,
``void:distinctSubjects``, ``void:sparqlEndpoint``, ``void:dataDump``) and DCAT the catalogue
view data portals harvest (``dcat:Dataset`` with one ``dcat:Distribution`` per file, each with
its byte size, media type and checksum). Counts come from the store the release was made from,
through SPARQL, so they equal what a client counts after loading the dumps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENCE = "https://www.apache.org/licenses/LICENSE-2.0"
ENTITY_SPACE = "https://w3id.org/govkg/id/"
DATASET_IRI = "https://w3id.org/govkg/dataset"

NS = {
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

COUNT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "entities": (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ENTITY_SPACE}")) }}'
    ),
    "classes": (
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?s "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?c } }"
    ),
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "distinct_subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "sources": (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/govkg/ontology#Source> } }"
    ),
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}


def dataset_counts(backend) -> dict[str, int]:  # noqa: ANN001 - a govkg Backend
    """The VoID statistics of every named graph together (quads counted per graph).

    ``triples`` counts quads, as a loader reports them: a triple asserted in two graphs
    counts twice.
    """
    out = {}
    for key, sparql in COUNT_QUERIES.items():
        rows = list(backend.query(sparql, default_graph="separate"))
        out[key] = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    return out


@dataclass(frozen=True)
class FileInfo:
    """One file of a release: its name, media type, size and SHA-256."""

    name: str
    media_type: str
    size: int
    sha256: str
    title: str


def describe(
    *,
    version: str,
    issued: date,
    counts: dict[str, int],
    files: list[FileInfo],
    base_url: str,
    sparql_endpoint: str,
    previous: str | None = None,
) -> bytes:
    """The Turtle of ``void.ttl``: a void:Dataset that is also a dcat:Dataset."""
    node, lit = ox.NamedNode, ox.Literal
    v, dcat, dct, xsd = NS["void"], NS["dcat"], NS["dcterms"], NS["xsd"]
    rdf_type = node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    ds = node(f"{base_url}#dataset")
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, rdf_type if p == "a" else node(p), o))

    def integer(n: int) -> ox.Literal:
        return lit(str(n), datatype=node(xsd + "integer"))

    add(ds, "a", node(v + "Dataset"))
    add(ds, "a", node(dcat + "Dataset"))
    add(
        ds, dct + "title", lit(f"govkg {version}: the AI-governance knowledge graph", language="en")
    )
    add(
        ds,
        dct + "description",
        lit(
            "Sourced, dated facts on AI developers, models, weights access, government bodies, "
            "commitments, agreements, evaluations and regulatory actions; one named graph per "
            "source.",
            language="en",
        ),
    )
    add(ds, "http://www.w3.org/2002/07/owl#versionInfo", lit(version))
    add(ds, dcat + "version", lit(version))
    add(ds, dct + "issued", lit(issued.isoformat(), datatype=node(xsd + "date")))
    add(ds, dct + "license", node(DATA_LICENCE))
    add(
        ds,
        dct + "rights",
        lit(
            f"Data and ontology: CC BY 4.0 ({DATA_LICENCE}). The govkg software that builds "
            f"and serves them: Apache-2.0 ({CODE_LICENCE}).",
            language="en",
        ),
    )
    add(ds, dct + "isVersionOf", node(DATASET_IRI))
    add(ds, v + "sparqlEndpoint", node(sparql_endpoint))
    add(ds, v + "uriSpace", lit(ENTITY_SPACE))
    add(ds, v + "vocabulary", node("https://w3id.org/govkg/ontology#"))
    add(ds, dct + "conformsTo", node("https://w3id.org/govkg/ontology"))
    if previous:
        add(ds, "http://www.w3.org/ns/adms#previous", node(previous))
    for key, prop in (
        ("triples", "triples"),
        ("entities", "entities"),
        ("classes", "classes"),
        ("properties", "properties"),
        ("distinct_subjects", "distinctSubjects"),
    ):
        add(ds, v + prop, integer(counts[key]))
    add(ds, "https://w3id.org/govkg/ontology#sourceCount", integer(counts["sources"]))
    for f in files:
        dist = node(base_url + f.name)
        add(ds, dcat + "distribution", dist)
        if f.name.endswith((".nq.gz", ".trig.gz")):
            add(ds, v + "dataDump", dist)
        add(dist, "a", node(dcat + "Distribution"))
        add(dist, dct + "title", lit(f.title, language="en"))
        add(dist, dcat + "downloadURL", dist)
        add(
            dist,
            dcat + "mediaType",
            node(f"https://www.iana.org/assignments/media-types/{f.media_type}"),
        )
        add(dist, dcat + "byteSize", lit(str(f.size), datatype=node(xsd + "nonNegativeInteger")))
        add(dist, dct + "format", lit(f.media_type))
        add(dist, dct + "license", node(DATA_LICENCE))
        checksum = ox.BlankNode()
        triples.append(ox.Triple(dist, node(NS["spdx"] + "checksum"), checksum))
        triples.append(ox.Triple(checksum, rdf_type, node(NS["spdx"] + "Checksum")))
        triples.append(
            ox.Triple(
                checksum,
                node(NS["spdx"] + "algorithm"),
                node(NS["spdx"] + "checksumAlgorithm_sha256"),
            )
        )
        triples.append(ox.Triple(checksum, node(NS["spdx"] + "checksumValue"), lit(f.sha256)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(NS)) or b""
