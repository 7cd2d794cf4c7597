"""The store wrapper on real on-disk Oxigraph stores: load, replace, drop, stats, persistence."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.errors import NotFoundError, QuerySyntaxError, StoreError
from govkg.graph.store.embedded import Store, parse_quads

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUESTIONS = FIXTURES / "questions.trig"
SRC_A = "https://w3id.org/govkg/graph/src-a"
GK = "https://w3id.org/govkg/ontology#"


def count(store: Store, sparql: str) -> int:
    row = next(iter(store.query(sparql)))
    return int(row[0].value)


def test_load_keeps_named_graphs_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = Store.open(path)
    n = store.load(QUESTIONS)
    store.flush()
    assert n == store.quad_count() > 100
    graphs = store.named_graphs()
    del store
    reopened = Store.open(path, read_only=True)
    assert reopened.named_graphs() == graphs
    assert reopened.quad_count() == n
    with pytest.raises(StoreError):
        reopened.load(QUESTIONS)


def test_queries_see_the_union_unless_asked_otherwise(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    store.load(QUESTIONS)
    sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m <{GK}developedBy> ?d }}"
    assert count(store, sparql) == 10
    separate = next(iter(store.query(sparql, default_graph="separate")))
    assert int(separate[0].value) == 0
    only_a = next(iter(store.query(sparql, default_graph_uris=[SRC_A])))
    assert int(only_a[0].value) == 10


def test_progress_is_reported_with_the_final_count(tmp_path: Path) -> None:
    seen: list[int] = []
    store = Store.open(tmp_path / "s")
    n = store.load(QUESTIONS, progress=seen.append)
    assert seen and seen[-1] == n


def test_replace_graph_swaps_content_in_one_step(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    store.load(QUESTIONS)
    other = store.quad_count() - store.quad_count(SRC_A)
    new = [
        ox.Quad(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("1")),
        ox.Quad(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.BlankNode()),
    ]
    assert store.replace_graph(SRC_A, new) == 2
    assert store.quad_count(SRC_A) == 2
    assert store.quad_count() == other + 2


def test_drop_graph(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    store.load(QUESTIONS)
    assert store.drop_graph(SRC_A) is True
    assert SRC_A not in store.named_graphs()
    assert store.drop_graph(SRC_A) is False


def test_stats_counts_graphs_and_classes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    store.load(QUESTIONS)
    stats = store.stats()
    assert stats["total"] == store.quad_count()
    assert sum(stats["graphs"].values()) + stats["default_graph"] == stats["total"]
    assert stats["graphs"][SRC_A] == store.quad_count(SRC_A)
    assert stats["classes"][GK + "AIModel"] == 10
    assert stats["classes"][GK + "AIDeveloper"] == 7


def test_export_of_a_missing_graph_names_close_ones(tmp_path: Path) -> None:
    import io

    store = Store.open(tmp_path / "s")
    store.load(QUESTIONS)
    with pytest.raises(NotFoundError) as err:
        store.export(io.BytesIO(), ox.RdfFormat.TURTLE, SRC_A + "x")
    assert SRC_A in str(err.value)


def test_missing_file_and_bad_query_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        parse_quads(tmp_path / "nope.ttl", None)
    with pytest.raises(QuerySyntaxError):
        Store.in_memory().query("SELECT WHERE {")


def test_read_only_open_of_a_missing_store_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        Store.open(tmp_path / "missing", read_only=True)
    assert "govkg build" in str(err.value)
