"""``/.well-known/void``: VoID and DCAT whose counts are the store's own counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from govkg.graph.store.embedded import Store
from support.servers import LiveServer, http

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _void(bundled_client: TestClient) -> tuple[rdflib.Graph, rdflib.URIRef]:
    resp = bundled_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=resp.content, format="turtle")
    (ds,) = [s for s in g.subjects(rdflib.RDF.type, VOID.Dataset) if (s, VOID.triples, None) in g
             and (s, VOID.sparqlEndpoint, None) in g]  # fmt: skip
    return g, ds


def test_void_counts_equal_the_store(bundled_client: TestClient, bundled_store: Path) -> None:
    g, ds = _void(bundled_client)
    store = Store.open(bundled_store, read_only=True)
    quads = list(store.quads())
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert int(g.value(ds, VOID.triples)) == len(triples)
    assert int(g.value(ds, VOID.properties)) == len({t[1] for t in triples})
    assert int(g.value(ds, VOID.distinctSubjects)) == len({t[0] for t in triples})
    assert int(g.value(ds, VOID.distinctObjects)) == len({t[2] for t in triples})
    typed = {(t[0], t[2]) for t in triples if t[1].value == RDF_TYPE}
    assert int(g.value(ds, VOID.classes)) == len({c for _, c in typed})
    assert int(g.value(ds, VOID.entities)) == len(
        {s for s, _ in typed if s.__class__.__name__ == "NamedNode"}
    )
    # one subset per named graph, with the store's own per-graph count
    stats = store.stats()
    subsets = {str(s): int(g.value(s, VOID.triples)) for s in g.objects(ds, VOID.subset)}
    assert subsets == stats["graphs"]
    # class partitions: entities per class
    for part in g.objects(ds, VOID.classPartition):
        cls = str(g.value(part, VOID["class"]))
        expected = len({s for s, c in typed if c.value == cls})
        assert int(g.value(part, VOID.entities)) == expected, cls


def test_void_names_endpoint_dumps_licence_and_build(bundled_client: TestClient) -> None:
    g, ds = _void(bundled_client)
    assert str(g.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
    dumps = {str(u).rsplit(".", 1)[-1] for u in g.objects(ds, VOID.dataDump)}
    assert {"nq", "ttl", "jsonld"} <= dumps
    for url in g.objects(ds, VOID.dataDump):
        assert bundled_client.get(str(url).replace("http://testserver", "")).status_code == 200
    assert g.value(ds, DCTERMS.license) is not None
    assert g.value(ds, DCTERMS.modified) is not None
    assert (ds, rdflib.RDF.type, DCAT.Dataset) in g
    services = list(g.subjects(DCAT.servesDataset, ds))
    assert services and str(g.value(services[0], DCAT.endpointURL)).endswith("/sparql")


@pytest.mark.parametrize(
    ("media", "fmt"),
    [("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
     ("application/rdf+xml", "xml")],
)  # fmt: skip
def test_void_in_each_format(bundled_client: TestClient, media: str, fmt: str) -> None:
    resp = bundled_client.get("/.well-known/void", headers={"Accept": media})
    assert (
        resp.headers["content-type"].startswith(media) and "accept" in resp.headers["vary"].lower()
    )
    g = rdflib.Graph().parse(data=resp.content, format=fmt)
    assert len(list(g.subjects(rdflib.RDF.type, VOID.Dataset))) > 1
    html = bundled_client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and "SPARQL endpoint" in html.text


def test_service_description_links_the_void(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=resp.content, format="turtle")
    seen = {str(o) for o in g.objects(None, rdflib.RDFS.seeAlso)}
    assert any(o.endswith("/.well-known/void") for o in seen), seen
    void = http.get(f"{live_server.url}/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200
