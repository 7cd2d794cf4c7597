"""REST routes (in-process app): questions, entities, ontology, exports, health, OpenAPI."""

from __future__ import annotations

import csv
import io

import pytest
from govkg.graph.questions import list_questions
from rdflib import Dataset, Graph
from support.servers import SAMPLE_TRIG, LiveServer, http


def _sample() -> Dataset:
    ds = Dataset()
    ds.parse(data=SAMPLE_TRIG, format="trig")
    return ds


@pytest.mark.also_on_virtuoso
def test_questions_list(live_server: LiveServer) -> None:
    resp = http.get(f"{live_server.url}/questions")
    assert resp.status_code == 200
    names = [q["name"] for q in resp.json()]
    assert names == [q.name for q in list_questions()]
    assert all("sparql" not in q for q in resp.json())


@pytest.mark.also_on_virtuoso
def test_unknown_question_404(live_server: LiveServer) -> None:
    resp = http.get(f"{live_server.url}/questions/no-such-question")
    assert resp.status_code == 404
    assert resp.headers["content-type"] == "application/problem+json"


@pytest.mark.also_on_virtuoso
def test_question_run_json_and_csv(live_server: LiveServer) -> None:
    questions = [q for q in list_questions() if not q.params]
    assert questions, "the bundled questions include parameter-free ones"
    name = questions[0].name
    resp = http.get(f"{live_server.url}/questions/{name}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["question"] == name and body["limit"] == 1000 and body["offset"] == 0
    assert set(body) >= {"params", "columns", "kinds", "rows", "next_offset"}
    as_csv = http.get(f"{live_server.url}/questions/{name}", headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == body["columns"]
    assert len(rows) - 1 == len(body["rows"])


@pytest.mark.also_on_virtuoso
def test_entity_json_and_html(live_server: LiveServer) -> None:
    resp = http.get(f"{live_server.url}/entities/llama-2")
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["iri"] == "https://w3id.org/govkg/id/llama-2"
    facts = {(f["property"], f["value"]["value"], f["graph"]) for f in doc["facts"]}
    assert (
        "https://w3id.org/govkg/ontology#developedBy",
        "https://w3id.org/govkg/id/meta",
        "https://w3id.org/govkg/graph/src-one",
    ) in facts
    sourced = [f for f in doc["facts"] if f["graph"].endswith("src-one")]
    assert sourced and all(f["source"] == "https://w3id.org/govkg/source/src-one" for f in sourced)
    assert all(f["sourceTitle"] == "An example source" for f in sourced)
    page = http.get(
        f"{live_server.url}/entities/llama-2",
        headers={"Accept": "text/html"},
        follow_redirects=True,
    )
    assert page.url.path == "/page/id/llama-2"
    assert page.headers["content-type"].startswith("text/html")
    assert "Llama 2" in page.text and "An example source" in page.text


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize(("entity", "status"), [("nobody", 404), ("bad id!", 400)])
def test_entity_errors(live_server: LiveServer, entity: str, status: int) -> None:
    resp = http.get(f"{live_server.url}/entities/{entity}")
    assert resp.status_code == status


@pytest.mark.also_on_virtuoso
def test_ontology(live_server: LiveServer) -> None:
    resp = http.get(f"{live_server.url}/ontology")
    assert resp.status_code == 200
    Graph().parse(data=resp.text, format="turtle")


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize(
    ("ext", "fmt", "quads"),
    [
        ("ttl", "turtle", False),
        ("nt", "nt", False),
        ("nq", "nquads", True),
        ("trig", "trig", True),
        ("jsonld", "json-ld", False),
        ("rdf", "xml", False),
    ],
)
def test_exports(live_server: LiveServer, ext: str, fmt: str, quads: bool) -> None:
    resp = http.get(f"{live_server.url}/export.{ext}")
    assert resp.status_code == 200
    sample = _sample()
    if quads:
        ds = Dataset()
        ds.parse(data=resp.text, format=fmt)
        assert len(list(ds.quads())) == len(list(sample.quads()))
    else:
        g = Graph().parse(data=resp.text, format=fmt)
        assert len(g) == len({(s, p, o) for s, p, o, _ in sample.quads()})


@pytest.mark.also_on_virtuoso
def test_unknown_export_404(live_server: LiveServer) -> None:
    assert http.get(f"{live_server.url}/export.xyz").status_code == 404


def test_health(live_server: LiveServer) -> None:
    body = http.get(f"{live_server.url}/health").json()
    assert body["status"] == "ok"
    assert body["triples"] == len(list(_sample().quads()))
    assert body["store"] == str(live_server.settings.store)
    assert body["version"]


@pytest.mark.also_on_virtuoso
def test_openapi_documents_every_route(live_server: LiveServer) -> None:
    spec = http.get(f"{live_server.url}/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            assert op.get("description"), (path, method)
    page = http.get(f"{live_server.url}/docs")
    assert page.status_code == 200
    assert "GET /sparql" in page.text and "/rdf-graphs" in page.text
    assert "cdn" not in page.text.lower() and "https://cdn" not in page.text


@pytest.mark.also_on_virtuoso
def test_graphml_export(live_server: LiveServer) -> None:
    import networkx as nx

    resp = http.get(f"{live_server.url}/export.graphml")
    assert resp.status_code == 200, resp.text
    g = nx.read_graphml(io.BytesIO(resp.content))
    assert g.number_of_nodes() > 0


def test_network_exports_match_the_projection(live_server: LiveServer) -> None:
    import csv
    import zipfile

    import networkx as nx
    from govkg.graph.export import project_for_export
    from govkg.graph.store.embedded import Store

    expected = project_for_export(Store.open(live_server.settings.store, read_only=True))
    gexf = http.get(f"{live_server.url}/export.gexf")
    assert gexf.status_code == 200, gexf.text
    assert gexf.headers["content-type"].startswith("application/gexf+xml")
    g = nx.read_gexf(io.BytesIO(gexf.content))
    assert g.number_of_nodes() == expected.number_of_nodes()
    assert g.number_of_edges() == expected.number_of_edges()
    csv_zip = http.get(f"{live_server.url}/export.csv")
    assert csv_zip.status_code == 200
    assert 'filename="govkg-csv.zip"' in csv_zip.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(csv_zip.content)) as zf:
        assert sorted(zf.namelist()) == ["edges.csv", "nodes.csv"]
        nodes = list(csv.DictReader(io.StringIO(zf.read("nodes.csv").decode())))
    assert len(nodes) == expected.number_of_nodes()


@pytest.mark.also_on_virtuoso
def test_problem_types_are_one_vocabulary(live_server: LiveServer) -> None:
    base = "https://w3id.org/govkg/problems/"
    routed = http.get(f"{live_server.url}/no-such-route").json()
    missing = http.get(f"{live_server.url}/questions/no-such-question").json()
    assert routed["type"] == missing["type"] == base + "not-found"
    syntax = http.get(live_server.sparql, params={"query": "SELEC nothing"}).json()
    assert syntax["type"] == base + "query-syntax" and syntax["status"] == 400
    wrong_method = http.delete(live_server.sparql)
    assert wrong_method.json()["type"] == base + "method-not-allowed"


def test_openapi_declares_the_protocol_parameters(live_server: LiveServer) -> None:
    spec = http.get(f"{live_server.url}/openapi.json").json()
    get = {p["name"] for p in spec["paths"]["/sparql"]["get"]["parameters"]}
    assert get == {"query", "default-graph-uri", "named-graph-uri", "timeout"}
    post = {p["name"] for p in spec["paths"]["/sparql"]["post"]["parameters"]}
    assert {"default-graph-uri", "named-graph-uri", "using-graph-uri", "timeout"} <= post
    # what is documented is honoured: a repeated dataset parameter, exploded as declared
    graph = "http://example.org/g1"
    resp = http.get(
        live_server.sparql,
        params=[("query", "ASK { ?s ?p ?o }"), ("named-graph-uri", graph), ("timeout", "5")],
    )
    assert resp.status_code == 200, resp.text
