"""Content negotiation on the REST routes with the Accept headers real clients send.

In-process (Starlette's TestClient over ASGI, the app's lifespan run, real worker processes):
what is checked is which representation a route picks, which needs no socket.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from govkg.api.http.app import create_app
from govkg.api.settings import Settings
from govkg.graph.store.embedded import Store

SAMPLE = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkid: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/govkg/graph/src> {
  gkid:meta a gk:Developer ; rdfs:label "Meta" .
}
"""

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    import pyoxigraph as ox

    tmp_path = tmp_path_factory.mktemp("negotiation")
    store = Store.open(tmp_path / "store")
    store.load(SAMPLE.encode(), ox.RdfFormat.TRIG)
    store.flush()
    del store
    app = create_app(Settings(store=tmp_path / "store", workers=1))
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        ("text/csv", "text/csv"),
        ("application/json;q=0.5, text/csv", "text/csv"),
        ("text/csv;q=0.2, application/json;q=0.9", "application/json"),
        (BROWSER, "text/html"),  # people read the question page (question_pages.py)
    ],
)
def test_named_question_negotiates(client, accept, expected) -> None:
    headers = {"Accept": accept} if accept else {}
    resp = client.get("/questions/models-by-developer", headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith(expected)


def test_named_question_refuses_what_it_cannot_give(client) -> None:
    resp = client.get("/questions/models-by-developer", headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert "available: application/json, text/csv" in resp.json()["detail"]


def test_sparql_dataset_parameters_without_a_query_are_a_400(client) -> None:
    resp = client.get("/sparql", params={"default-graph-uri": "https://w3id.org/govkg/graph/src"})
    assert resp.status_code == 400
    assert "no `query` parameter" in resp.json()["detail"]
    described = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert described.status_code == 200
    assert "sparql-service-description" in described.text
