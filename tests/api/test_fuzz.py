"""Malformed queries, bodies, headers and parameters never produce a 500 (hypothesis)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.servers import LiveServer, http

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)

SPARQL_BITS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "WHERE",
        "{",
        "}",
        "?s",
        "?p",
        "?o",
        "<",
        ">",
        "<http://e/x>",
        '"',
        "'''",
        "#",
        "\\u0053",
        "SERVICE",
        "LOAD",
        "FILTER",
        "(",
        ")",
        ".",
        ";",
        ",",
        "*",
        "PREFIX",
        "e:",
        "BASE",
        "GRAPH",
        "OPTIONAL",
        "UNION",
        "VALUES",
        "LIMIT",
        "1",
        "-",
        "^^",
        "@en",
        "_:b",
        "[",
        "]",
        "|",
        "/",
        "!",
        "\x00",
        "é",
        "\U0001f600",
        " ",
        "\n",
    ]
)
QUERIES = st.one_of(st.text(max_size=200), st.lists(SPARQL_BITS, max_size=30).map(" ".join))
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(
    str.strip
)


def _ok(resp: httpx.Response) -> None:
    assert resp.status_code != 500, resp.text
    assert resp.status_code < 500 or resp.status_code == 503, resp.text
    if resp.status_code >= 400:
        assert resp.headers["content-type"] == "application/problem+json"


GRAPH_NAMES = st.one_of(
    st.sampled_from(["not an iri", "relative", "<x>", "http://a b", "", "http://example.org/g"]),
    st.text(max_size=30),
)


@FUZZ
@given(query=QUERIES, accept=HEADER_TEXT, timeout=st.one_of(st.none(), HEADER_TEXT))
def test_fuzz_get(live_server: LiveServer, query: str, accept: str, timeout: str | None) -> None:
    params = {"query": query}
    if timeout is not None:
        params["timeout"] = timeout
    _ok(http.get(live_server.sparql, params=params, headers={"Accept": accept}, timeout=30))


@FUZZ
@given(
    field=st.sampled_from(["default-graph-uri", "named-graph-uri"]),
    names=st.lists(GRAPH_NAMES, min_size=1, max_size=3),
)
def test_fuzz_dataset_parameters(live_server: LiveServer, field: str, names: list[str]) -> None:
    params = [("query", "ASK { ?s ?p ?o }"), *((field, n) for n in names)]
    _ok(http.get(live_server.sparql, params=params, timeout=30))


def test_dataset_parameter_that_is_not_an_iri_is_a_400_naming_it(live_server: LiveServer) -> None:
    for field in ("default-graph-uri", "named-graph-uri"):
        resp = http.get(live_server.sparql, params={"query": "ASK {}", field: "not an iri"})
        assert resp.status_code == 400, resp.text
        assert field in resp.json()["detail"]


@FUZZ
@given(
    body=st.binary(max_size=300),
    ctype=HEADER_TEXT,
    path=st.sampled_from(["sparql", "rdf-graphs?graph=http://e/g", "rdf-graphs"]),
)
def test_fuzz_post_bodies(live_server: LiveServer, body: bytes, ctype: str, path: str) -> None:
    _ok(
        http.post(
            f"{live_server.url}/{path}",
            content=body,
            headers={"Content-Type": ctype, "Authorization": ctype},
            timeout=30,
        )
    )


@FUZZ
@given(
    name=st.text(
        st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters="/?#%"),
        min_size=1,
        max_size=40,
    ),
    key=HEADER_TEXT,
    value=st.text(max_size=40),
    route=st.sampled_from(["entities", "questions", "export", "rdf-graphs"]),
)
def test_fuzz_routes(live_server: LiveServer, name: str, key: str, value: str, route: str) -> None:
    url = (
        f"{live_server.url}/{route}/{name}"
        if route != "export"
        else f"{live_server.url}/export.{name}"
    )
    if route == "rdf-graphs":
        url = f"{live_server.url}/rdf-graphs"
    _ok(http.get(url, params={key: value, "graph": value}, timeout=30))


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Length": "abc"},
        {"Content-Length": "-5"},
        {"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"},
        {"Content-Type": ";;;"},
        {"Accept": ";q=abc, */*;q=2"},
    ],
)
def test_malformed_headers(socket_server: LiveServer, headers: dict[str, str]) -> None:
    # Over a real socket: a bad Content-Length is first met by uvicorn's HTTP parser.
    with httpx.Client(timeout=10) as client:
        req = client.build_request("POST", socket_server.sparql, content=b"query=ASK%7B%7D")
        for k, v in headers.items():
            req.headers[k] = v
        try:
            resp = client.send(req)
        except httpx.HTTPError:
            return  # the server closed a connection it could not parse: not a 500
        _ok(resp)


def test_form_with_bad_percent_encoding(live_server: LiveServer) -> None:
    resp = http.post(
        live_server.sparql,
        content=b"query=%FF%FE",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 400
