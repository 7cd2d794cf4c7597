"""Formats table, load/export round-trips in every RDF format, and safe parsing."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import zipfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from govkg.graph.errors import ParseError, UnsupportedFormatError
from govkg.graph.export import export
from govkg.graph.store.embedded import Store
from govkg.graph.store.formats import (
    FORMATS,
    format_for_media_type,
    format_for_name,
    format_for_path,
    info_for,
    is_quad_format,
    media_type,
)
from rdflib import Graph
from rdflib.compare import isomorphic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SMALL = FIXTURES / "small.trig"
QUESTIONS = FIXTURES / "questions.trig"


def rdflib_graph(triples) -> Graph:
    """An rdflib graph from pyoxigraph triples/quads (via N-Triples, graph names dropped)."""
    data = ox.serialize(
        [ox.Triple(t.subject, t.predicate, t.object) for t in triples],
        format=ox.RdfFormat.N_TRIPLES,
    )
    g = Graph()
    g.parse(data=data.decode("utf-8"), format="nt")
    return g


def graph_quads(store: Store, graph: str | None) -> list[ox.Quad]:
    g = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return list(store.oxigraph.quads_for_pattern(None, None, None, g))


def union(store: Store) -> Graph:
    return rdflib_graph(store.oxigraph.quads_for_pattern(None, None, None, None))


# -- the table --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ttl", ox.RdfFormat.TURTLE),
        ("Turtle", ox.RdfFormat.TURTLE),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("n-quads", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
        ("json-ld", ox.RdfFormat.JSON_LD),
        ("rdfxml", ox.RdfFormat.RDF_XML),
        ("owl", ox.RdfFormat.RDF_XML),
    ],
)
def test_format_for_name(name: str, expected: ox.RdfFormat) -> None:
    assert format_for_name(name) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.ttl", ox.RdfFormat.TURTLE),
        ("dir/a.NT", ox.RdfFormat.N_TRIPLES),
        ("a.nq", ox.RdfFormat.N_QUADS),
        ("a.trig", ox.RdfFormat.TRIG),
        ("a.jsonld", ox.RdfFormat.JSON_LD),
        ("a.rdf", ox.RdfFormat.RDF_XML),
        ("a.owl", ox.RdfFormat.RDF_XML),
        ("a.xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_format_for_path(path: str, expected: ox.RdfFormat) -> None:
    assert format_for_path(path) == expected


def test_media_types_round_trip_and_parameters_are_ignored() -> None:
    for info in FORMATS:
        assert format_for_media_type(media_type(info.rdf_format)) == info.rdf_format
    assert format_for_media_type("text/turtle; charset=utf-8") == ox.RdfFormat.TURTLE
    assert is_quad_format(ox.RdfFormat.TRIG) and is_quad_format(ox.RdfFormat.N_QUADS)
    assert not is_quad_format(ox.RdfFormat.TURTLE)
    assert info_for(ox.RdfFormat.RDF_XML).name == "rdfxml"


@pytest.mark.parametrize(
    ("call", "arg"),
    [(format_for_name, "yaml"), (format_for_path, "data.csv"), (format_for_media_type, "a/b")],
)
def test_unknown_formats_are_refused_with_the_known_ones(call, arg: str) -> None:
    with pytest.raises(UnsupportedFormatError) as err:
        call(arg)
    assert arg in str(err.value)


# -- round-trips ------------------------------------------------------------------------------


@pytest.fixture
def source_store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "src")
    store.load(SMALL)
    store.load(QUESTIONS)
    return store


@pytest.mark.parametrize("info", [f for f in FORMATS if f.is_quad_format], ids=lambda f: f.name)
def test_quad_formats_round_trip_every_graph(info, source_store: Store, tmp_path: Path) -> None:
    buf = io.BytesIO()
    source_store.export(buf, info.rdf_format)
    again = Store.open(tmp_path / "again")
    again.load(buf.getvalue(), info.rdf_format)
    assert again.named_graphs() == source_store.named_graphs()
    for g in [None, *source_store.named_graphs()]:
        before = rdflib_graph(graph_quads(source_store, g))
        after = rdflib_graph(graph_quads(again, g))
        assert len(before) > 0
        assert isomorphic(before, after), f"graph {g} differs after {info.name}"


@pytest.mark.parametrize("info", [f for f in FORMATS if not f.is_quad_format], ids=lambda f: f.name)
def test_triple_formats_round_trip_the_union_and_one_graph(
    info, source_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / f"all{info.extensions[0]}"
    with open(path, "wb") as fh:
        source_store.export(fh, info.rdf_format)
    again = Store.open(tmp_path / "again")
    again.load(path)  # format from the extension
    assert isomorphic(union(source_store), union(again))

    one = "https://example.org/g1"
    buf = io.BytesIO()
    source_store.export(buf, info.rdf_format, graph=one)
    single = Store.in_memory()
    single.load(buf.getvalue(), info.rdf_format, graph=one)
    assert single.named_graphs() == [one]
    assert isomorphic(
        rdflib_graph(graph_quads(source_store, one)), rdflib_graph(graph_quads(single, one))
    )


def test_triples_go_to_the_requested_graph(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    data = b"<https://example.org/x> <https://example.org/p> <https://example.org/y> ."
    assert store.load(data, ox.RdfFormat.N_TRIPLES, "https://example.org/target") == 1
    assert store.named_graphs() == ["https://example.org/target"]
    assert store.quad_count("https://example.org/target") == 1


# -- broken input -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line", "column"), [("broken.ttl", 5, 15), ("broken.nt", 3, 49)])
def test_broken_file_is_rejected_with_position_and_store_unchanged(
    name: str, line: int, column: int, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "s")
    store.load(SMALL)
    before = sorted(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None))
    with pytest.raises(ParseError) as err:
        store.load(FIXTURES / name, graph="https://example.org/new")
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.column) == (str(FIXTURES / name), line, column)
    assert f"{name}:{line}:{column}" in str(err.value)
    after = sorted(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None))
    assert after == before
    assert "https://example.org/new" not in store.named_graphs()


def test_unknown_extension_needs_a_format(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n")
    with pytest.raises(UnsupportedFormatError):
        Store.in_memory().load(path)
    assert Store.in_memory().load(path, ox.RdfFormat.N_TRIPLES) == 1


# -- no network, no external entities ---------------------------------------------------------


@pytest.fixture
def listener():
    """A local TCP listener that records whether anything connected to it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(1.5)
    hits: list[int] = []

    def accept() -> None:
        try:
            conn, _ = srv.accept()
            hits.append(1)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    yield srv.getsockname()[1], hits
    thread.join()
    srv.close()


def test_jsonld_remote_context_is_not_fetched(listener) -> None:
    port, hits = listener
    doc = f'{{"@context": "http://127.0.0.1:{port}/ctx.jsonld", "@id": "http://e.org/a"}}'
    store = Store.in_memory()
    with pytest.raises(ParseError):
        store.load(doc.encode(), ox.RdfFormat.JSON_LD)
    assert store.quad_count() == 0
    assert hits == []


def test_rdfxml_external_entities_are_not_resolved(listener, tmp_path: Path) -> None:
    port, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY local SYSTEM "file://{secret}">
  <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/e">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e.org/">
  <rdf:Description rdf:about="http://e.org/a"><ex:p>&local;</ex:p><ex:q>&remote;</ex:q>
  </rdf:Description>
</rdf:RDF>"""
    store = Store.in_memory()
    with contextlib.suppress(ParseError):  # refusing the DTD is as good as ignoring it
        store.load(xml.encode(), ox.RdfFormat.RDF_XML)
    values = [q.object.value for q in store.oxigraph.quads_for_pattern(None, None, None, None)]
    assert all("TOP-SECRET" not in v for v in values)
    assert hits == []


# -- network exports --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_exports_are_readable_by_networkx(
    fmt: str, source_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / f"net.{fmt}"
    with open(path, "wb") as fh:
        export(source_store, fh, fmt)
    g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    llama = "https://w3id.org/govkg/id/llama-3.1-70b"
    assert g.nodes[llama]["kind"] == "AIModel"
    assert g.nodes[llama]["open_weights"] in (True, "true", "True")
    assert "https://w3id.org/govkg/graph/src-b" in g.nodes[llama]["sources"].split(" ")
    assert g.number_of_edges() > 0


def test_csv_export_is_a_zip_of_nodes_and_edges(source_store: Store) -> None:
    buf = io.BytesIO()
    export(source_store, buf, "csv")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert sorted(z.namelist()) == ["edges.csv", "nodes.csv"]
        nodes = z.read("nodes.csv").decode().splitlines()
        edges = z.read("edges.csv").decode().splitlines()
    assert nodes[0].startswith("id,")
    assert edges[0] == "source,target,predicate,label,graph"
    assert any(
        line.startswith("https://w3id.org/govkg/id/nemotron-70b,https://w3id.org/govkg/id/nvidia,")
        for line in edges
    )


def test_export_refuses_unknown_format(source_store: Store) -> None:
    with pytest.raises(UnsupportedFormatError) as err:
        export(source_store, io.BytesIO(), "xlsx")
    assert "graphml" in str(err.value)
