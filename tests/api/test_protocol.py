"""SPARQL 1.1 Protocol: query forms, negotiation, datasets, errors, page, service description.

Sent to the app in-process (``live_server``, see tests/conftest.py): the protocol is HTTP
messages, not the socket. The W3C protocol suite (tests/conformance) and the third-party clients
(test_clients.py) speak to it over a real socket; tests/remote/test_serve_virtuoso.py runs these
tests again over a socket in front of Virtuoso.
"""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from support.servers import SAMPLE_TRIG, LiveServer, http


def _sample_count(graph: str | None = None) -> int:
    """Triples in the sample data (all graphs, or one), counted independently by rdflib."""
    from rdflib import Dataset, URIRef

    ds = Dataset()
    ds.parse(data=SAMPLE_TRIG, format="trig")
    if graph is None:
        return sum(len(g) for g in ds.graphs())
    return len(ds.graph(URIRef(graph)))


COUNT_ENTITIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/govkg/graph/entities> { ?s a ?t } }"
)
LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


def _labels(resp: httpx.Response) -> set[str]:
    return {b["label"]["value"] for b in resp.json()["results"]["bindings"]}


@pytest.mark.also_on_virtuoso
def test_get_post_form_and_direct_agree(live_server: LiveServer) -> None:
    get = http.get(live_server.sparql, params={"query": LABELS})
    form = http.post(live_server.sparql, data={"query": LABELS})
    direct = http.post(
        live_server.sparql, content=LABELS, headers={"Content-Type": "application/sparql-query"}
    )
    for resp in (get, form, direct):
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("application/sparql-results+json")
    assert _labels(get) == _labels(form) == _labels(direct) == {"Meta", "Llama 2", "NIST"}


@pytest.mark.also_on_virtuoso
def test_extra_parameters_ignored(live_server: LiveServer) -> None:
    resp = http.get(
        live_server.sparql,
        params={"query": LABELS, "format": "json", "output": "json", "results": "json"},
    )
    assert resp.status_code == 200
    assert _labels(resp) == {"Meta", "Llama 2", "NIST"}


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        (
            "application/sparql-results+json;q=1.0,application/sparql-results+xml;q=0.7",
            "application/sparql-results+json",
        ),
        (
            "application/sparql-results+json;q=0.3,application/sparql-results+xml;q=0.7",
            "application/sparql-results+xml",
        ),
    ],
)
def test_select_negotiation(live_server: LiveServer, accept: str, media: str) -> None:
    resp = http.get(live_server.sparql, params={"query": LABELS}, headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["content-type"].split(";")[0] == media
    assert "Llama 2" in resp.text


@pytest.mark.also_on_virtuoso
def test_csv_is_parseable(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, params={"query": LABELS}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert rows[0] == ["label"]
    assert {r[0] for r in rows[1:]} == {"Meta", "Llama 2", "NIST"}


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_negotiation(live_server: LiveServer, accept: str, fmt: str) -> None:
    query = (
        "CONSTRUCT { ?s ?p ?o } "
        "WHERE { GRAPH <https://w3id.org/govkg/graph/entities> { ?s ?p ?o } }"
    )
    resp = http.get(live_server.sparql, params={"query": query}, headers={"Accept": accept})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == accept
    g = Graph()
    g.parse(data=resp.text, format=fmt)
    assert len(g) == _sample_count("https://w3id.org/govkg/graph/entities")


@pytest.mark.also_on_virtuoso
def test_406_problem(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, params={"query": LABELS}, headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["status"] == 406


@pytest.mark.also_on_virtuoso
def test_ask(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, params={"query": "ASK { ?s ?p ?o }"})
    assert resp.json() == {"head": {}, "boolean": True}


@pytest.mark.also_on_virtuoso
def test_union_default_graph(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert int(resp.json()["results"]["bindings"][0]["n"]["value"]) == _sample_count()


@pytest.mark.also_on_virtuoso
def test_dataset_parameters_honoured(live_server: LiveServer) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    resp = http.get(
        live_server.sparql,
        params={"query": query, "default-graph-uri": "https://w3id.org/govkg/graph/src-one"},
    )
    expected = _sample_count("https://w3id.org/govkg/graph/src-one")
    assert int(resp.json()["results"]["bindings"][0]["n"]["value"]) == expected
    named = http.get(
        live_server.sparql,
        params={
            "query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": "https://w3id.org/govkg/graph/entities",
        },
    )
    graphs = {b["g"]["value"] for b in named.json()["results"]["bindings"]}
    assert graphs == {"https://w3id.org/govkg/graph/entities"}


@pytest.mark.also_on_virtuoso
def test_syntax_error_400_with_position(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert resp.status_code == 400
    body = resp.json()
    assert body["title"] == "SPARQL syntax error"
    assert re.search(r"1:\d+", body["detail"]), body["detail"]


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": "SELECT * {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"content": b"q", "headers": {}}, 415),
        (
            {
                "content": "SELECT * {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
        ),
        ({"content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}}, 400),
        ({"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        (
            {
                "content": "query=ASK{}&query=ASK{}",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
        ),
        ({"data": {"other": "x"}}, 400),
    ],
)
def test_protocol_errors(live_server: LiveServer, kwargs: dict, status: int) -> None:
    resp = http.post(live_server.sparql, **kwargs)
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"


@pytest.mark.also_on_virtuoso
def test_update_by_get_refused(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql, params={"update": "CLEAR ALL"})
    assert resp.status_code == 400


@pytest.mark.also_on_virtuoso
def test_service_description(live_server: LiveServer) -> None:
    resp = http.get(live_server.sparql)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=resp.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = [str(o) for o in g.objects(predicate=__import__("rdflib").URIRef(sd + "endpoint"))]
    assert endpoints == [live_server.sparql]
    assert (sd + "UnionDefaultGraph") in resp.text or "sd:UnionDefaultGraph" in resp.text


@pytest.mark.also_on_virtuoso
def test_query_page_is_offline(live_server: LiveServer) -> None:
    page = http.get(live_server.sparql, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200
    assert "<textarea" in page.text
    static = Path(str(resources.files("govkg.api.http"))) / "static"
    texts = [page.text] + [p.read_text() for p in static.rglob("*") if p.is_file()]
    for text in texts:
        # No resource is loaded from another host: no http(s) URL in src/href/url()/fetch.
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    refs = re.findall(r'(?:src|href)="/?(static/[^"]+)"', page.text)
    assert refs
    for ref in refs:
        assert http.get(f"{live_server.url}/{ref}").status_code == 200


@pytest.mark.also_on_virtuoso
def test_timeout_parameter_validated(live_server: LiveServer) -> None:
    for bad in ("abc", "-1", "0", "nan"):
        resp = http.get(live_server.sparql, params={"query": "ASK {}", "timeout": bad})
        assert resp.status_code == 400, bad
