"""Real SPARQL clients against a live server: SPARQLWrapper, rdflib SPARQLStore, Comunica."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from support.servers import LiveServer
from support.system import unavailable

LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
LABELS_QUERY = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
CLIENTS_DIR = Path(__file__).resolve().parents[1] / "clients"


def test_sparqlwrapper_select_and_construct(socket_server: LiveServer) -> None:
    sw = SPARQLWrapper(socket_server.sparql)
    sw.setQuery(LABELS_QUERY)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]
    assert {r["label"]["value"] for r in rows} == {"Meta", "Llama 2", "NIST"}
    sw.setMethod("POST")
    rows = sw.query().convert()["results"]["bindings"]
    assert len(rows) == 3
    sw = SPARQLWrapper(socket_server.sparql)
    sw.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    g = Graph().parse(data=data, format="turtle")
    assert (URIRef("https://w3id.org/govkg/id/meta"), LABEL, Literal("Meta")) in g


def test_sparqlwrapper_update_with_token(socket_writable_server: LiveServer) -> None:
    sw = SPARQLWrapper(socket_writable_server.sparql)
    sw.setMethod("POST")
    sw.addCustomHttpHeader("Authorization", "Bearer secret-token")
    sw.setQuery("INSERT DATA { GRAPH <http://example.org/sw> { <http://e/s> <http://e/p> 'x' } }")
    sw.query()
    check = SPARQLWrapper(socket_writable_server.sparql)
    check.setQuery("ASK { GRAPH <http://example.org/sw> { <http://e/s> ?p ?o } }")
    check.setReturnFormat(JSON)
    assert check.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(socket_server: LiveServer) -> None:
    store = SPARQLStore(socket_server.sparql)
    graph = Graph(store=store)
    labels = {str(row[0]) for row in graph.query(LABELS_QUERY)}
    assert labels == {"Meta", "Llama 2", "NIST"}
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    triples = list(graph.triples((URIRef("https://w3id.org/govkg/id/meta"), LABEL, None)))
    assert [str(t[2]) for t in triples] == ["Meta"]


def test_rdflib_update_store(socket_writable_server: LiveServer) -> None:
    store = SPARQLUpdateStore(
        socket_writable_server.sparql,
        socket_writable_server.sparql,
        headers={"Authorization": "Bearer secret-token"},
    )
    graph = Graph(store=store, identifier=URIRef("http://example.org/rdflib"))
    graph.add((URIRef("http://e/s"), URIRef("http://e/p"), Literal("y")))
    assert list(graph.objects(URIRef("http://e/s"), URIRef("http://e/p"))) == [Literal("y")]


def _comunica() -> Path:
    binary = CLIENTS_DIR / "node_modules" / ".bin" / "comunica-sparql"
    if binary.exists():
        return binary
    if shutil.which("npm") is None or shutil.which("node") is None:
        unavailable("npm/node are not installed: Comunica cannot be tested")
    proc = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=CLIENTS_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not binary.exists():
        unavailable(f"could not install @comunica/query-sparql: {proc.stderr[-500:]}")
    return binary


def test_comunica(socket_server: LiveServer) -> None:
    binary = _comunica()
    proc = subprocess.run(
        [str(binary), f"sparql@{socket_server.sparql}", LABELS_QUERY, "-t", "application/json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert {r["label"] for r in rows} == {'"Meta"', '"Llama 2"', '"NIST"'}
