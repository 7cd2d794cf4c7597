"""The dataset description: VoID (counts, partitions, subsets) and DCAT (distributions, service).

Why computed, never written by hand: a VoID description whose counts drift from the store misleads
every crawler and catalogue that reads it, so each number is counted from the store when asked
(``queries/void-*.rq``), and the test suite checks them against the store's own counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from govkg.graph.pages.lookup import run

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
#: Whole-store downloads the server offers (suffix → media type), as in api/http/rest.py.
DUMPS = {
    "nq": "application/n-quads",
    "trig": "application/trig",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "xsd": XSD}


@dataclass
class Counts:
    """The numbers VoID states about the whole dataset."""

    triples: int
    subjects: int
    objects: int
    classes: int
    properties: int
    entities: int
    by_class: dict[str, int]
    by_property: dict[str, int]
    by_graph: dict[str, tuple[int, str | None]]

    @classmethod
    def of(cls, store: Any) -> Counts:
        """Count everything in ``store`` (one pass per query)."""
        row = run(store, "void-counts")[0]
        n = {k: int(v.value) for k, v in row.items()}
        return cls(
            triples=n["triples"],
            subjects=n["subjects"],
            objects=n["objects"],
            classes=n["classes"],
            properties=n["properties"],
            entities=n["entities"],
            by_class={
                r["class"].value: int(r["entities"].value) for r in run(store, "void-classes")
            },
            by_property={
                r["p"].value: int(r["triples"].value) for r in run(store, "void-properties")
            },
            by_graph={
                r["g"].value: (
                    int(r["triples"].value),
                    r["source"].value if r["source"] is not None else None,
                )
                for r in run(store, "void-graphs")
                if isinstance(r["g"], ox.NamedNode)
            },
        )


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def describe(counts: Counts, server: str, base: str, modified: datetime | None) -> list[ox.Triple]:
    """VoID and DCAT triples for the dataset served at ``server`` (its root URL, ending in /)."""
    ds = ox.NamedNode(server + ".well-known/void#govkg")
    service = ox.NamedNode(server + ".well-known/void#sparql-service")
    v = lambda name: ox.NamedNode(VOID + name)  # noqa: E731
    d = lambda name: ox.NamedNode(DCAT + name)  # noqa: E731
    t = lambda name: ox.NamedNode(DCTERMS + name)  # noqa: E731
    out = [
        ox.Triple(ds, RDF_TYPE, v("Dataset")),
        ox.Triple(ds, RDF_TYPE, d("Dataset")),
        ox.Triple(
            ds, t("title"), ox.Literal("govkg: the AI-governance knowledge graph", language="en")
        ),
        ox.Triple(
            ds,
            t("description"),
            ox.Literal(
                "Who develops which AI models, whether their weights are open, which government "
                "bodies review or act on them, and which commitments each developer signed or "
                "declined: every fact cited to its source and dated.",
                language="en",
            ),
        ),
        ox.Triple(ds, t("license"), ox.NamedNode(LICENCE)),
        ox.Triple(ds, v("uriSpace"), ox.Literal(base)),
        ox.Triple(ds, v("sparqlEndpoint"), ox.NamedNode(server + "sparql")),
        ox.Triple(ds, v("triples"), _int(counts.triples)),
        ox.Triple(ds, v("entities"), _int(counts.entities)),
        ox.Triple(ds, v("classes"), _int(counts.classes)),
        ox.Triple(ds, v("properties"), _int(counts.properties)),
        ox.Triple(ds, v("distinctSubjects"), _int(counts.subjects)),
        ox.Triple(ds, v("distinctObjects"), _int(counts.objects)),
        ox.Triple(ds, v("vocabulary"), ox.NamedNode(base + "ontology#")),
        ox.Triple(ds, v("rootResource"), ox.NamedNode(base + "ontology")),
        ox.Triple(service, RDF_TYPE, d("DataService")),
        ox.Triple(service, d("endpointURL"), ox.NamedNode(server + "sparql")),
        ox.Triple(service, d("servesDataset"), ds),
        ox.Triple(ds, d("accessService"), service),
    ]
    if modified is not None:
        stamp = modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(
            ox.Triple(ds, t("modified"), ox.Literal(stamp, datatype=ox.NamedNode(XSD + "dateTime")))
        )
    for ext, media in DUMPS.items():
        url = ox.NamedNode(f"{server}export.{ext}")
        dist = ox.NamedNode(f"{server}.well-known/void#dump-{ext}")
        out += [
            ox.Triple(ds, v("dataDump"), url),
            ox.Triple(ds, d("distribution"), dist),
            ox.Triple(dist, RDF_TYPE, d("Distribution")),
            ox.Triple(dist, d("downloadURL"), url),
            ox.Triple(
                dist,
                d("mediaType"),
                ox.NamedNode(f"https://www.iana.org/assignments/media-types/{media}"),
            ),
            ox.Triple(dist, t("license"), ox.NamedNode(LICENCE)),
        ]
    for i, (cls, n) in enumerate(sorted(counts.by_class.items())):
        part = ox.NamedNode(f"{server}.well-known/void#class-{i}")
        out += [
            ox.Triple(ds, v("classPartition"), part),
            ox.Triple(part, v("class"), ox.NamedNode(cls)),
            ox.Triple(part, v("entities"), _int(n)),
        ]
    for i, (prop, n) in enumerate(sorted(counts.by_property.items())):
        part = ox.NamedNode(f"{server}.well-known/void#property-{i}")
        out += [
            ox.Triple(ds, v("propertyPartition"), part),
            ox.Triple(part, v("property"), ox.NamedNode(prop)),
            ox.Triple(part, v("triples"), _int(n)),
        ]
    for graph, (n, source) in sorted(counts.by_graph.items()):
        sub = ox.NamedNode(graph)
        out += [
            ox.Triple(ds, v("subset"), sub),
            ox.Triple(sub, RDF_TYPE, v("Dataset")),
            ox.Triple(sub, v("triples"), _int(n)),
        ]
        if source:
            out.append(ox.Triple(sub, t("source"), ox.NamedNode(source)))
    return out
