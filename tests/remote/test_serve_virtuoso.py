"""``govkg serve --endpoint <virtuoso>`` passes the HTTP API tests written for the embedded store.

The tests are imported from tests/api unchanged; only the ``live_server`` / ``writable_server``
fixtures differ: here they serve the same sample data from a Virtuoso of their own (one for
reads, one for token-protected writes, so writes cannot disturb the read tests' counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from govkg.graph.store.backend import RemoteConfig

# Every test of tests/api/test_{protocol,rest,writes}.py that applies to a remote backend.
from tests.api.test_protocol import (  # noqa: F401 - collected here against Virtuoso
    test_406_problem,
    test_ask,
    test_construct_negotiation,
    test_csv_is_parseable,
    test_dataset_parameters_honoured,
    test_extra_parameters_ignored,
    test_get_post_form_and_direct_agree,
    test_protocol_errors,
    test_query_page_is_offline,
    test_select_negotiation,
    test_service_description,
    test_syntax_error_400_with_position,
    test_timeout_parameter_validated,
    test_union_default_graph,
    test_update_by_get_refused,
)
from tests.api.test_rest import (  # noqa: F401 - collected here against Virtuoso
    test_entity_errors,
    test_entity_json_and_html,
    test_exports,
    test_graphml_export,
    test_ontology,
    test_openapi_documents_every_route,
    test_problem_types_are_one_vocabulary,
    test_question_run_json_and_csv,
    test_questions_list,
    test_unknown_export_404,
    test_unknown_question_404,
)
from tests.api.test_writes import (  # noqa: F401 - collected here against Virtuoso
    test_bad_body_changes_nothing,
    test_curated_writes_are_shacl_validated,
    test_gsp_cycle,
    test_load_refused_before_engine,
    test_update_with_token_visible_to_workers,
    test_writes_refused,
)

# Left out, each for a reason of the remote mode itself:
# - test_health: expects /health's `store` to be the embedded store's path (here: the URL).
# - test_network_exports_match_the_projection: opens the embedded store at settings.store to
#   compute its expectation; a remote backend has no embedded store.
from tests.conftest import SAMPLE_TRIG, LiveServer, start_server
from tests.remote.conftest import start_virtuoso_with, stop_servers

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

TOKEN = {"Authorization": "Bearer secret-token"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read-only govkg server in front of a Virtuoso holding the sample data."""
    directory = tmp_path_factory.mktemp("virtuoso-read")
    servers = start_virtuoso_with(directory, SAMPLE_TRIG)
    try:
        url = servers.urls["VIRTUOSO_ENDPOINT"]
        with start_server(
            Path(directory / "unused"), data=None, remote=RemoteConfig(url)
        ) as server:
            server.virtuoso = url  # type: ignore[attr-defined]
            yield server
    finally:
        stop_servers(servers)


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A govkg server with token ``secret-token`` in front of another Virtuoso."""
    directory = tmp_path_factory.mktemp("virtuoso-write")
    servers = start_virtuoso_with(directory, SAMPLE_TRIG)
    try:
        url = servers.urls["VIRTUOSO_ENDPOINT"]
        with start_server(
            Path(directory / "unused"), data=None, remote=RemoteConfig(url), token="secret-token"
        ) as server:
            server.virtuoso = url  # type: ignore[attr-defined]
            yield server
    finally:
        stop_servers(servers)


def test_update_with_token_lands_in_virtuoso(writable_server: LiveServer) -> None:
    graph = "http://example.org/landed"
    update = (
        f'INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/a> <http://example.org/p> "v" }} }}'
    )
    refused = httpx.post(writable_server.sparql, data={"update": update})
    assert refused.status_code in (401, 403)
    resp = httpx.post(
        writable_server.sparql,
        content=update,
        headers={**TOKEN, "Content-Type": "application/sparql-update"},
    )
    assert resp.status_code in (200, 204), resp.text
    # Asked of Virtuoso itself, not through govkg:
    direct = httpx.get(
        writable_server.virtuoso,  # type: ignore[attr-defined]
        params={"query": f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    values = [b["o"]["value"] for b in direct.json()["results"]["bindings"]]
    assert values == ["v"]
    # And visible through govkg's query workers:
    seen = httpx.get(
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
    resp = httpx.get(
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
    put = httpx.put(
        f"{writable_server.url}/rdf-graphs",
        params={"graph": graph},
        content=bad + " .",
        headers={**TOKEN, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 400 and put.json()["title"] == "Invalid data", put.text
    update = httpx.post(
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
    count = httpx.get(
        live_server.sparql,
        params={
            "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{absent}> {{ ?s ?p ?o }} }}",
            **dataset,
        },
    )
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "0"
    ask = httpx.get(
        live_server.sparql,
        params={
            "query": "PREFIX x: <http://example.org/> ASK { GRAPH x:no-such-graph { ?s ?p ?o } }",
            **dataset,
        },
    )
    assert ask.json()["boolean"] is False
    present = httpx.get(
        live_server.sparql,
        params={"query": "ASK { GRAPH <https://w3id.org/govkg/graph/entities> { ?s ?p ?o } }"},
    )
    assert present.json()["boolean"] is True


def test_virtuoso_syntax_error_names_the_users_line(live_server: LiveServer) -> None:
    """govkg prepends a BASE line; Virtuoso's line number is given back in the user's lines."""
    resp = httpx.get(live_server.sparql, params={"query": "SELECT ?x\nWHERE {\n  ?x ?y }"})
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

    put = httpx.put(
        url, params={"graph": graph}, content=body(0, 12000), headers=headers, timeout=120
    )
    assert put.status_code == 201, put.text
    post = httpx.post(
        url, params={"graph": graph}, content=body(11000, 3000), headers=headers, timeout=120
    )
    assert post.status_code == 204, post.text
    assert len(_in_virtuoso(writable_server, graph)) == 14000  # merged: 1,000 were there
    assert httpx.delete(url, params={"graph": graph}, headers=TOKEN, timeout=120).status_code == 204
    assert _in_virtuoso(writable_server, graph) == []


def test_default_graph_writes_refused_by_name(writable_server: LiveServer) -> None:
    """The remote default graph is the union of the named graphs: a clear 400, nothing sent."""
    resp = httpx.post(
        f"{writable_server.url}/rdf-graphs",
        params={"default": ""},
        content="<http://example.org/a> <http://example.org/p> 1 .",
        headers={**TOKEN, "Content-Type": "text/turtle"},
    )
    assert resp.status_code == 400, resp.text
    assert "named graph" in resp.json()["detail"]


def test_health_names_the_server(live_server: LiveServer) -> None:
    """What test_health checks, for a remote backend: the server's URL and its triple count."""
    body = httpx.get(f"{live_server.url}/health").json()
    assert body["status"] == "ok"
    assert body["store"] == live_server.virtuoso  # type: ignore[attr-defined]
    sample = ox.parse(SAMPLE_TRIG.encode(), format=ox.RdfFormat.TRIG)
    assert body["triples"] == len(list(sample))
