"""SELECT results written by pyoxigraph's native serialiser: same documents, same row cap.

The workers write SPARQL JSON and XML natively (api/http/serializers.py explains why and how the
cap is kept). These tests hold the native path to the Python writers' documents term by term,
and to the cap exactly — 200 at ``max_results`` rows, 413 at one more — in every format and on
each of its routes: counted on the bytes, counted exactly when the cheap bound is not enough,
and handed to the Python path when a result outgrows its byte budget.
"""

from __future__ import annotations

import contextlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from govkg.api.http import serializers
from govkg.api.http.query_jobs import native_budget
from support.servers import LiveServer, http, make_store, start_server

EX = "http://example.org/"
CAP = 20
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}

#: Terms that stress a results writer: escapes, quotes, braces, markup, language tags,
#: datatypes, a C1 control character, non-ASCII, blank nodes and a quoted triple.
TRICKY_TTL = r"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "x\"{},\\\n\ttab}},{\"" , "hé"@fr-CA , "1e6"^^xsd:double , 12 , -3 , "1.50"^^xsd:decimal ,
    true , _:b1 , <http://example.org/é> , "\u0085nel" , '''a\rb''' , "x"^^ex:dt ,
    "<result>&amp;" , "[{\"a\":1},{}]" , "ends with a backslash \\" , "" ,
    << ex:a ex:p "q" >> .
"""


def _rows(name: str, count: int, literal: str = "v") -> str:
    return "".join(f'<{EX}{name}{n}> <{EX}{name}> "{literal}{n}" .\n' for n in range(count))


#: One literal of 100 KB with braces and escaped quotes in it.
WIDE = '{\\"w\\":[{}]},' * 8_000


def _data() -> str:
    return (
        _rows("exact", CAP)
        + _rows("exactover", CAP + 1)
        + _rows("braced", CAP, '{}{}{}\\"{},{\\"')
        + _rows("bracedover", CAP + 1, '{}{}{}\\"{},{\\"')
        + _rows("wide", CAP, WIDE)
        + _rows("wideover", CAP + 1, WIDE)
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server capped at ``CAP`` rows over the rows above."""
    path = tmp_path_factory.mktemp("native") / "store"
    make_store(path, _data(), ox.RdfFormat.N_TRIPLES)
    with start_server(path, data=None, max_results=CAP, workers=2) as live:
        yield live


def _count(body: bytes, fmt: str) -> int:
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return len(ET.fromstring(body).findall(f"{RESULTS_NS}results/{RESULTS_NS}result"))
    lines = body.decode().splitlines()
    return len(lines) - 1


def _get(server: LiveServer, query: str, accept: str) -> httpx.Response:
    return http.get(server.sparql, params={"query": query}, headers={"Accept": accept}, timeout=60)


@pytest.mark.parametrize("accept", list(FORMATS))
@pytest.mark.parametrize("name", ["exact", "braced", "wide"])
def test_cap_rows_pass_and_one_more_is_413(server: LiveServer, accept: str, name: str) -> None:
    def query(pred: str) -> str:
        return f"SELECT ?s ?o WHERE {{ ?s <{EX}{pred}> ?o }}"

    ok = _get(server, query(name), accept)
    assert ok.status_code == 200, ok.text[:300]
    assert ok.headers["content-type"].startswith(accept)
    assert _count(ok.content, FORMATS[accept]) == CAP
    over = _get(server, query(name + "over"), accept)
    assert over.status_code == 413, over.text[:300]
    assert over.headers["content-type"] == "application/problem+json"
    assert str(CAP) in over.json()["detail"]


def test_the_test_data_takes_each_native_route() -> None:
    """The three row kinds above reach the three ways the native path keeps the cap."""
    store = ox.Store()
    store.load(_data().encode(), format=ox.RdfFormat.N_TRIPLES)
    media = "application/sparql-results+json"

    def native(name: str) -> serializers.BoundedSink:
        sink = serializers.BoundedSink(native_budget(CAP))
        query = f"SELECT ?s ?o WHERE {{ ?s <{EX}{name}> ?o }}"
        with contextlib.suppress(serializers.BudgetExceeded):
            serializers.native_select(store.query(query), media, sink)
        return sink

    exact = native("exact")
    assert not exact.overflowed and exact.getvalue().count(b"{") - 3 <= CAP * 3
    braced = native("braced")  # the '{' bound exceeds the cap: the exact count decides
    assert not braced.overflowed and braced.getvalue().count(b"{") - 3 > CAP
    wide = native("wide")  # outgrows the byte budget: the Python path answers
    assert wide.overflowed


def test_native_documents_equal_the_python_writers() -> None:
    store = ox.Store()
    store.load(TRICKY_TTL.encode(), format=ox.RdfFormat.TURTLE)
    query = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?s <http://nope> ?unbound } }"
    result = store.query(query)
    variables = [v.value for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in result]
    n = len(rows)
    assert n >= 17  # 17 objects (plus the reifier RDF 1.2 Turtle adds for the quoted triple)
    for media, parse in (
        ("application/sparql-results+json", _json_doc),
        ("application/sparql-results+xml", _xml_doc),
    ):
        sink = serializers.BoundedSink(1 << 20)
        serializers.native_select(store.query(query), media, sink)
        native = sink.getvalue()
        python = serializers.SELECT_WRITERS[media](variables, rows)
        assert parse(native) == parse(python), media
        assert not serializers.solutions_over(native, media, n)
        assert serializers.solutions_over(native, media, n - 1)
        if media.endswith("json"):
            assert serializers.json_solution_count(native) == n


def _json_doc(body: bytes) -> tuple:
    doc = json.loads(body)
    rows = sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])
    return tuple(doc["head"]["vars"]), tuple(rows)


def _xml_term(el: ET.Element) -> tuple:
    children = tuple(_xml_term(c) for c in el)
    text = "" if children else (el.text or "")
    return (el.tag, tuple(sorted(el.attrib.items())), text, children)


def _xml_doc(body: bytes) -> tuple:
    root = ET.fromstring(body)
    names = tuple(v.get("name") for v in root.iter(f"{RESULTS_NS}variable"))
    rows = []
    for result in root.iter(f"{RESULTS_NS}result"):
        rows.append(repr(sorted((b.get("name"), _xml_term(b[0])) for b in result)))
    return names, tuple(sorted(rows))


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ('{"head":{"vars":[]},"results":{"bindings":[]}}', 0),
        ('{"head":{"vars":[]},"results":{"bindings":[{}]}}', 1),
        ('{"head":{"vars":[]},"results":{"bindings":[{},{},{}]}}', 3),
        (
            '{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal",'
            '"value":"},{[{,{"}},{"a":{"type":"literal","value":"\\"},{\\\\"}}]}}',
            2,
        ),
        (
            '{"head":{"vars":["t"]},"results":{"bindings":[{"t":{"type":"triple","value":'
            '{"subject":{"type":"uri","value":"x"},"predicate":{"type":"uri","value":"p"},'
            '"object":{"type":"literal","value":"[{"}}}}]}}',
            1,
        ),
        ('{ "head": { "vars": [ "a" ] }, "results": { "bindings": [ { }, { } ] } }', 2),
    ],
)
def test_json_solution_count_is_exact(doc: str, expected: int) -> None:
    assert len(json.loads(doc)["results"]["bindings"]) == expected  # the fixture is valid JSON
    assert serializers.json_solution_count(doc.encode()) == expected


def test_bounded_sink_stops_at_its_budget() -> None:
    store = ox.Store()
    store.load(_rows("r", 5000).encode(), format=ox.RdfFormat.N_TRIPLES)
    sink = serializers.BoundedSink(50_000)
    with pytest.raises(serializers.BudgetExceeded):
        serializers.native_select(
            store.query("SELECT * WHERE { ?s ?p ?o }"), "application/sparql-results+json", sink
        )
    assert sink.overflowed and sink.getvalue() == b""
    roomy = serializers.BoundedSink(10_000_000)
    serializers.native_select(
        store.query("SELECT * WHERE { ?s ?p ?o }"), "application/sparql-results+json", roomy
    )
    assert len(json.loads(roomy.getvalue())["results"]["bindings"]) == 5000
