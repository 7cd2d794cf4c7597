"""``govkg serve --endpoint <virtuoso>``: what only a Virtuoso backend shows, checked behind govkg.

The HTTP API tests written for the embedded store run against the same servers too: those marked
``also_on_virtuoso`` in tests/api (see tests/api/conftest.py; ``pytest -m virtuoso`` selects
both). The servers (tests/conftest.py) serve the sample data from a Virtuoso of their own: one
for reads, one for token-protected writes, so writes cannot disturb the read tests' counts.
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from support.servers import SAMPLE_TRIG, LiveServer, http

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

TOKEN = {"Authorization": "Bearer secret-token"}


@pytest.fixture
def live_server(virtuoso_live_server: LiveServer) -> LiveServer:
    """A read-only govkg server in front of a Virtuoso holding the sample data."""
    return virtuoso_live_server


@pytest.fixture
def writable_server(virtuoso_writable_server: LiveServer) -> LiveServer:
    """A govkg server with token ``secret-token`` in front of another Virtuoso."""
    return virtuoso_writable_server


def test_update_with_token_lands_in_virtuoso(writable_server: LiveServer) -> None:
    graph = "http://example.org/landed"
    update = (
        f'INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/a> <http://example.org/p> "v" }} }}'
    )
    refused = http.post(writable_server.sparql, data={"update": update})
    assert refused.status_code in (401, 403)
    resp = http.post(
        writable_server.sparql,
        content=update,
        headers={**TOKEN, "Content-Type": "application/sparql-update"},
    )
    assert resp.status_code in (200, 204), resp.text
    # Asked of Virtuoso itself, not through govkg:
    direct = http.get(
        writable_server.virtuoso,  # type: ignore[attr-defined]
        params={"query": f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    values = [b["o"]["value"] for b in direct.json()["results"]["bindings"]]
    assert values == ["v"]
    # And visible through govkg's query workers:
    seen = http.get(
        writable_server.sparql,
        params={"query": f'ASK {{ GRAPH <{graph}> {{ ?s ?p "v" }} }}'},
    )
    assert seen.json()["boolean"] is True


# -- what the imported tests do not cover: Virtuoso's own behaviour, checked behind govkg ----

PROBLEMS = "https://w3id.org/govkg/problems/"


def _in_virtuoso(server: LiveServer, graph: str) -> list[str]:
    """The objects in ``graph``, asked of Virtuoso itself (no govkg, no dataset parameters).

    A plain SELECT, not COUNT(*): Virtuoso's COUNT(*) over an absent graph is the bug below.
    """
    resp = http.get(
        server.virtuoso,  # type: ignore[attr-defined]
        params={"query": f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    resp.raise_for_status()
    return sorted(b["o"]["value"] for b in resp.json()["results"]["bindings"])


def test_refused_curated_write_never_reaches_virtuoso(writable_server: LiveServer) -> None:
    """A write govkg refuses after its SHACL rehearsal leaves the server's graph untouched."""
    graph = "https://w3id.org/govkg/graph/test-refused"
    bad = '<http://example.org/s9> <https://w3id.org/govkg/ontology#date> "someday"'
    put = http.put(
        f"{writable_server.url}/rdf-graphs",
        params={"graph": graph},
        content=bad + " .",
        headers={**TOKEN, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 400 and put.json()["title"] == "Invalid data", put.text
    update = http.post(
        writable_server.sparql,
        data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ {bad} }} }}"},
        headers=TOKEN,
    )
    assert update.status_code == 400 and update.json()["title"] == "Invalid data", update.text
    assert _in_virtuoso(writable_server, graph) == []


def test_query_text_cannot_update_virtuoso(live_server: LiveServer) -> None:
    """Virtuoso runs updates sent as ``query=``; govkg must not forward one (read-only server)."""
    graph = "http://example.org/smuggled"
    insert = (
        f"INSERT {{ GRAPH <{graph}> {{ ?s ?p 'x' }} }} "
        "WHERE { { SELECT * { ?s ?p ?o } LIMIT 1 } }"
    )
    for text in (insert, f"DEFINE sql:log-enable 3 {insert}", f"PREFIX e: <http://e/> {insert}"):
        for send in (httpx.get, httpx.post):
            kwargs = {"params": {"query": text}} if send is httpx.get else {"data": {"query": text}}
            resp = send(live_server.sparql, **kwargs)
            assert resp.status_code == 400, resp.text
            assert resp.json()["type"] == PROBLEMS + "query-syntax"
    assert _in_virtuoso(live_server, graph) == []


@pytest.mark.parametrize(
    "dataset", [{}, {"named-graph-uri": "https://w3id.org/govkg/graph/entities"}]
)
def test_absent_graph_is_empty(live_server: LiveServer, dataset: dict) -> None:
    """Virtuoso counts 1 and answers ASK true over a graph outside the dataset; govkg gives 0."""
    absent = "http://example.org/no-such-graph"
    count = http.get(
        live_server.sparql,
        params={
            "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{absent}> {{ ?s ?p ?o }} }}",
            **dataset,
        },
    )
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "0"
    ask = http.get(
        live_server.sparql,
        params={
            "query": "PREFIX x: <http://example.org/> ASK { GRAPH x:no-such-graph { ?s ?p ?o } }",
            **dataset,
        },
    )
    assert ask.json()["boolean"] is False
    present = http.get(
        live_server.sparql,
        params={"query": "ASK { GRAPH <https://w3id.org/govkg/graph/entities> { ?s ?p ?o } }"},
    )
    assert present.json()["boolean"] is True


def test_virtuoso_syntax_error_names_the_users_line(live_server: LiveServer) -> None:
    """govkg prepends a BASE line; Virtuoso's line number is given back in the user's lines."""
    resp = http.get(live_server.sparql, params={"query": "SELECT ?x\nWHERE {\n  ?x ?y }"})
    assert resp.status_code == 400
    body = resp.json()
    assert body["type"] == PROBLEMS + "query-syntax"
    assert "SP030" in body["detail"] and "line 3" in body["detail"], body["detail"]
    assert "define input:" not in body["detail"]  # Virtuoso's echo of the rewritten query


def test_gsp_bodies_larger_than_one_insert(writable_server: LiveServer) -> None:
    """Bodies Virtuoso could not take as one INSERT DATA go through its own Graph Store."""
    graph = "http://example.org/large"
    url = f"{writable_server.url}/rdf-graphs"
    headers = {**TOKEN, "Content-Type": "application/n-triples"}

    def body(start: int, n: int) -> str:
        return "".join(
            f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n'
            for i in range(start, start + n)
        )

    put = http.put(
        url, params={"graph": graph}, content=body(0, 12000), headers=headers, timeout=120
    )
    assert put.status_code == 201, put.text
    post = http.post(
        url, params={"graph": graph}, content=body(11000, 3000), headers=headers, timeout=120
    )
    assert post.status_code == 204, post.text
    assert len(_in_virtuoso(writable_server, graph)) == 14000  # merged: 1,000 were there
    assert http.delete(url, params={"graph": graph}, headers=TOKEN, timeout=120).status_code == 204
    assert _in_virtuoso(writable_server, graph) == []


def test_default_graph_writes_refused_by_name(writable_server: LiveServer) -> None:
    """The remote default graph is the union of the named graphs: a clear 400, nothing sent."""
    resp = http.post(
        f"{writable_server.url}/rdf-graphs",
        params={"default": ""},
        content="<http://example.org/a> <http://example.org/p> 1 .",
        headers={**TOKEN, "Content-Type": "text/turtle"},
    )
    assert resp.status_code == 400, resp.text
    assert "named graph" in resp.json()["detail"]


def test_health_names_the_server(live_server: LiveServer) -> None:
    """What test_health checks, for a remote backend: the server's URL and its triple count."""
    body = http.get(f"{live_server.url}/health").json()
    assert body["status"] == "ok"
    assert body["store"] == live_server.virtuoso  # type: ignore[attr-defined]
    sample = ox.parse(SAMPLE_TRIG.encode(), format=ox.RdfFormat.TRIG)
    assert body["triples"] == len(list(sample))
