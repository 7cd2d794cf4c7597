"""Updates and the Graph Store Protocol: refused without the token, transactional with it."""

from __future__ import annotations

import pytest
from support.servers import LiveServer, http

G = "http://example.org/test-graph"
AUTH = {"Authorization": "Bearer secret-token"}
TTL = (
    "<http://example.org/a> <http://example.org/p> 1 .\n"
    "<http://example.org/a> <http://example.org/p> 2 ."
)


def _count(server: LiveServer, graph: str = G) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    resp = http.get(server.sparql, params={"query": q})
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def _total(server: LiveServer) -> int:
    resp = http.get(f"{server.url}/health")
    return resp.json()["triples"]


UPDATE = f"INSERT DATA {{ GRAPH <{G}> {{ <http://example.org/x> <http://example.org/p> 9 }} }}"


@pytest.mark.also_on_virtuoso
@pytest.mark.parametrize(
    "send",
    [
        lambda url, h: http.post(f"{url}/sparql", data={"update": UPDATE}, headers=h),
        lambda url, h: http.post(
            f"{url}/sparql",
            content=UPDATE,
            headers={**h, "Content-Type": "application/sparql-update"},
        ),
        lambda url, h: http.put(
            f"{url}/rdf-graphs",
            params={"graph": G},
            content=TTL,
            headers={**h, "Content-Type": "text/turtle"},
        ),
        lambda url, h: http.post(
            f"{url}/rdf-graphs",
            params={"default": ""},
            content=TTL,
            headers={**h, "Content-Type": "text/turtle"},
        ),
        lambda url, h: http.delete(
            f"{url}/rdf-graphs",
            params={"graph": "https://w3id.org/govkg/graph/entities"},
            headers=h,
        ),
    ],
)
def test_writes_refused(live_server: LiveServer, writable_server: LiveServer, send) -> None:
    before_ro, before_rw = _total(live_server), _total(writable_server)
    ro = send(live_server.url, {"Authorization": "Bearer secret-token"})
    assert ro.status_code == 403, ro.text
    assert ro.headers["content-type"] == "application/problem+json"
    assert "read-only" in ro.json()["detail"]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic c2VjcmV0"}):
        resp = send(writable_server.url, headers)
        assert resp.status_code == 401, resp.text
        assert resp.headers["www-authenticate"].startswith("Bearer")
    assert _total(live_server) == before_ro
    assert _total(writable_server) == before_rw


@pytest.mark.also_on_virtuoso
def test_update_with_token_visible_to_workers(writable_server: LiveServer) -> None:
    graph = "http://example.org/update-graph"
    assert _count(writable_server, graph) == 0
    resp = http.post(
        writable_server.sparql,
        content=f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e/a> <http://e/p> 1 }} }}",
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert resp.status_code == 204, resp.text
    counts = {_count(writable_server, graph) for _ in range(6)}  # whichever worker answers
    assert counts == {1}


@pytest.mark.also_on_virtuoso
def test_gsp_cycle(writable_server: LiveServer) -> None:
    url = f"{writable_server.url}/rdf-graphs"
    assert http.get(url, params={"graph": G}).status_code == 404
    put = http.put(
        url, params={"graph": G}, content=TTL, headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert put.status_code == 201, put.text
    assert _count(writable_server) == 2
    post = http.post(
        url,
        params={"graph": G},
        content='<http://example.org/b> <http://example.org/p> "3" .',
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    assert post.status_code == 204
    assert _count(writable_server) == 3
    got = http.get(url, params={"graph": G}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert len(got.text.strip().splitlines()) == 3
    head = http.head(url, params={"graph": G})
    assert head.status_code == 200 and head.content == b""
    put2 = http.put(
        url, params={"graph": G}, content=TTL, headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert put2.status_code == 204
    assert _count(writable_server) == 2  # replaced, not merged
    deleted = http.delete(url, params={"graph": G}, headers=AUTH)
    assert deleted.status_code == 204
    assert _count(writable_server) == 0
    assert http.delete(url, params={"graph": G}, headers=AUTH).status_code == 404


@pytest.mark.also_on_virtuoso
def test_bad_body_changes_nothing(writable_server: LiveServer) -> None:
    url = f"{writable_server.url}/rdf-graphs"
    graph = "http://example.org/bad-body"
    ok = http.put(
        url, params={"graph": graph}, content=TTL, headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert ok.status_code == 201
    bad = http.put(
        url,
        params={"graph": graph},
        content="<http://example.org/a> <http://example.org/p> 1 .\n<broken",
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert bad.status_code == 400
    assert "2" in bad.json()["detail"]  # the line of the error
    assert _count(writable_server, graph) == 2
    bad_update = http.post(
        writable_server.sparql,
        data={"update": f"CLEAR GRAPH <{graph}> ; INSERT DATA {{ oops"},
        headers=AUTH,
    )
    assert bad_update.status_code == 400
    assert _count(writable_server, graph) == 2
    assert (
        http.put(
            url, params={"graph": graph}, content=TTL, headers={**AUTH, "Content-Type": "image/png"}
        ).status_code
        == 415
    )


@pytest.mark.also_on_virtuoso
def test_load_refused_before_engine(writable_server: LiveServer) -> None:
    resp = http.post(
        writable_server.sparql, data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers=AUTH
    )
    assert resp.status_code == 403
    assert "allow-list" in resp.json()["detail"]


CURATED = "https://w3id.org/govkg/graph/test-source"
GK = "https://w3id.org/govkg/ontology#"


@pytest.mark.also_on_virtuoso
def test_curated_writes_are_shacl_validated(writable_server: LiveServer) -> None:
    url = f"{writable_server.url}/rdf-graphs"
    headers = {**AUTH, "Content-Type": "text/turtle"}
    bad = f'<http://example.org/s1> <{GK}date> "last spring" .'
    xsd_date = "http://www.w3.org/2001/XMLSchema#date"
    good = f'<http://example.org/s1> <{GK}date> "2024-05-01"^^<{xsd_date}> .'
    refused = http.put(url, params={"graph": CURATED}, content=bad, headers=headers)
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["title"] == "Invalid data"
    assert any("gk:date" in p or "date" in p for p in body["problems"])
    assert _count(writable_server, CURATED) == 0
    update = http.post(
        writable_server.sparql,
        data={"update": f"INSERT DATA {{ GRAPH <{CURATED}> {{ {bad[:-2]} }} }}"},
        headers=AUTH,
    )
    assert update.status_code == 400
    assert _count(writable_server, CURATED) == 0
    accepted = http.put(url, params={"graph": CURATED}, content=good, headers=headers)
    assert accepted.status_code == 201, accepted.text
    assert _count(writable_server, CURATED) == 1
    scratch = http.put(
        url, params={"graph": "http://example.org/scratch"}, content=bad, headers=headers
    )
    assert scratch.status_code == 201  # not a curated graph: no SHACL gate
