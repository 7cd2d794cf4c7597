"""Dereferencing govkg IRIs: 303 to the document the client asks for, parsed back by rdflib.

In-process ASGI over a real on-disk store built from the bundled curated data, so every IRI
kind (entity, statement, named graph, concept, source, ontology) is one users will meet.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from govkg.api.http.app import create_app
from govkg.api.settings import Settings
from govkg.graph import curated
from govkg.graph.store.embedded import Store

BASE = "https://w3id.org/govkg/"
ARTICLE = "article-meta-federal-ai-review"
#: One IRI of each kind, as a path under the base.
IRIS = [
    "id/meta",
    "id/llama-3.1-405b",
    f"statement/{ARTICLE}/meta-negotiating",
    f"graph/{ARTICLE}",
    "concept/signed",
    f"source/{ARTICLE}",
]
FORMATS = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


def build_store(path: Path, data: str | None = None) -> Path:
    """A store on disk holding the curated data (or ``data`` as TriG); closed on return."""
    store = Store.open(path)
    if data is None:
        store.oxigraph.extend(curated.compile_data().iter_quads())
    else:
        store.oxigraph.load(data.encode(), format=__import__("pyoxigraph").RdfFormat.TRIG)
    store.flush()
    del store
    gc.collect()
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = build_store(tmp_path_factory.mktemp("deref") / "store")
    with TestClient(create_app(Settings(store=path, workers=1))) as c:
        yield c


@pytest.mark.parametrize("path", IRIS)
@pytest.mark.parametrize("media", list(FORMATS))
def test_iri_redirects_to_the_rdf_document_asked_for(
    client: TestClient, path: str, media: str
) -> None:
    ext, rdflib_format = FORMATS[media]
    resp = client.get(f"/{path}", headers={"Accept": media}, follow_redirects=False)
    assert resp.status_code == 303, resp.text
    assert resp.headers["location"] == f"/data/{path}.{ext}"
    assert "accept" in resp.headers["vary"].lower()
    doc = client.get(resp.headers["location"])
    assert doc.status_code == 200
    assert doc.headers["content-type"].startswith(media)
    g = rdflib.Graph().parse(data=doc.content, format=rdflib_format)
    assert len(g) > 0
    iri = rdflib.URIRef(BASE + path)
    mentioned = set(g.subjects()) | set(g.objects())
    if path.startswith("graph/"):
        # a named graph dereferences to its own triples: the source it holds is in them
        assert rdflib.URIRef(BASE + f"source/{ARTICLE}") in mentioned
    else:
        assert iri in mentioned


@pytest.mark.parametrize("path", IRIS)
@pytest.mark.parametrize("ext", ["ttl", "jsonld"])
def test_suffix_on_the_iri_serves_the_document(client: TestClient, path: str, ext: str) -> None:
    resp = client.get(f"/{path}.{ext}")
    assert resp.status_code == 200
    assert resp.headers["content-location"] == f"/data/{path}.{ext}"
    fmt = "turtle" if ext == "ttl" else "json-ld"
    assert len(rdflib.Graph().parse(data=resp.content, format=fmt)) > 0


@pytest.fixture(scope="module")
def pages_seen() -> set[str]:
    """Local page links already followed by this module's tests (each is fetched once)."""
    return set()


@pytest.mark.parametrize("path", IRIS)
def test_browsers_get_the_page_and_every_link_stays_local(
    client: TestClient, path: str, pages_seen: set[str]
) -> None:
    resp = client.get(f"/{path}", headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/page/{path}"
    page = client.get(resp.headers["location"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    hrefs = re.findall(r'href="([^"]+)"', page.text)
    assert not [h for h in hrefs if h.startswith(BASE)], "an IRI of the base left the server"
    for href in {h for h in hrefs if h.startswith("/page/")} - pages_seen:
        assert client.get(href).status_code == 200, href
        pages_seen.add(href)


def test_json_page_by_suffix_and_by_accept(client: TestClient) -> None:
    by_suffix = client.get("/page/id/meta.json").json()
    resp = client.get("/id/meta", headers={"Accept": "application/json"}, follow_redirects=False)
    assert resp.headers["location"] == "/page/id/meta.json"
    assert by_suffix["label"] == "Meta" and by_suffix["page_class"] == "developer"
    assert client.get("/page/id/meta", headers={"Accept": "application/json"}).json() == by_suffix


@pytest.mark.parametrize("media", list(FORMATS))
def test_ontology_in_every_format(client: TestClient, media: str) -> None:
    ext, fmt = FORMATS[media]
    resp = client.get("/ontology", headers={"Accept": media})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith(media)
    g = rdflib.Graph().parse(data=resp.content, format=fmt)
    assert (rdflib.URIRef(BASE + "ontology#AIModel"), None, None) in g
    same = rdflib.Graph().parse(data=client.get(f"/ontology.{ext}").content, format=fmt)
    assert len(same) == len(g)
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert f'href="{BASE}' not in html.text


def test_unknown_iri_is_404_and_unacceptable_format_is_406(client: TestClient) -> None:
    assert client.get("/id/no-such-thing", follow_redirects=False).status_code == 404
    assert client.get("/page/id/no-such-thing").status_code == 404
    assert client.get("/data/id/no-such-thing.ttl").status_code == 404
    assert client.get("/graph/no-such-graph.ttl").status_code == 404
    resp = client.get("/id/meta", headers={"Accept": "image/png"}, follow_redirects=False)
    assert resp.status_code == 406
    assert client.get("/id/bad%20path", follow_redirects=False).status_code == 400


def test_old_entity_route_sends_browsers_to_the_page(client: TestClient) -> None:
    resp = client.get("/entities/meta", headers={"Accept": "text/html"}, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/page/id/meta"
    assert client.get("/entities/meta").json()["iri"] == BASE + "id/meta"


def test_base_url_is_configurable(tmp_path: Path) -> None:
    data = """
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <http://kg.example/graph/g> {
      <http://kg.example/id/x> rdfs:label "Thing X" ;
          rdfs:seeAlso <http://kg.example/id/y> .
      <http://kg.example/id/y> rdfs:label "Thing Y" .
    }
    """
    path = build_store(tmp_path / "store", data)
    settings = Settings(store=path, workers=1, base_url="http://kg.example/")
    with TestClient(create_app(settings)) as c:
        resp = c.get("/id/x", headers={"Accept": "text/turtle"})
        g = rdflib.Graph().parse(data=resp.content, format="turtle")
        assert (rdflib.URIRef("http://kg.example/id/x"), None, None) in g
        page = c.get("/page/id/x")
        assert "Thing X" in page.text and 'href="/page/id/y"' in page.text
        assert 'http://kg.example/id/y"' not in page.text
    assert Settings.from_env({"GOVKG_BASE_URL": "http://kg.example/"}).base_url == (
        "http://kg.example/"
    )
