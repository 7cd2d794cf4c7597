"""Imports are atomic, replace their graph, and carry the data set's provenance."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from govkg.graph.errors import DataValidationError, StoreError
from govkg.graph.importers import import_ecosystem_graphs, import_epoch
from govkg.graph.importers.common import replace_graph
from govkg.graph.store.embedded import Store

EP = "https://w3id.org/govkg/graph/import-epoch"
README = """\
# Epoch snapshot
Source repo: https://github.com/example/epoch-snapshot
Commit: 0123456789abcdef0123456789abcdef01234567 (2024-11-05); files data/x.csv
"""


def quads(store: Store, graph: str) -> set[str]:
    return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_a_strict_import_failing_halfway_leaves_the_old_graph(store, write_epoch):
    good = [{"System": f"Model {i}", "Organization": "Lab"} for i in range(5)]
    import_epoch(store, write_epoch(good))
    before = quads(store, EP)
    assert before
    bad = good[:3] + [{"System": "Broken", "Organization": "Lab", "Parameters": "many"}] + good[3:]
    with pytest.raises(DataValidationError):
        import_epoch(store, write_epoch(bad, name="bad.csv"), strict=True)
    assert quads(store, EP) == before


def test_replace_graph_writes_nothing_when_producing_triples_fails(store):
    g = ox.NamedNode("https://example.org/g")
    p = ox.NamedNode("https://example.org/p")
    replace_graph(store, g, [(ox.NamedNode("https://example.org/old"), p, ox.Literal("1"))])
    before = quads(store, g.value)

    def triples():
        yield (ox.NamedNode("https://example.org/new"), p, ox.Literal("2"))
        raise RuntimeError("a bug halfway through the records")

    with pytest.raises(RuntimeError):
        replace_graph(store, g, triples())
    assert quads(store, g.value) == before


def test_oxigraph_applies_a_multi_operation_update_all_or_nothing(store):
    """The property replace_graph relies on: DROP then a failing operation drops nothing."""
    store.update("INSERT DATA { GRAPH <https://example.org/g> { <https://e/a> <https://e/p> 1 } }")
    with pytest.raises(RuntimeError):
        store.oxigraph.update(
            "DROP GRAPH <https://example.org/g> ; DROP GRAPH <https://example.org/absent>"
        )
    assert len(quads(store, "https://example.org/g")) == 1


def test_read_only_store_is_refused(tmp_path, write_epoch):
    Store.open(tmp_path / "ro").flush()
    ro = Store.open(tmp_path / "ro", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        import_epoch(ro, write_epoch([{"System": "A", "Organization": "B"}]))


def test_provenance_of_the_import_graph(store, write_epoch):
    path = write_epoch([{"System": "A", "Organization": "B"}], readme=README)
    progress: list[tuple[int, int]] = []
    import_epoch(store, path, progress=lambda done, total: progress.append((done, total)))
    assert progress and progress[-1][0] == progress[-1][1]
    q = f"""PREFIX gk: <https://w3id.org/govkg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT * WHERE {{ GRAPH <{EP}> {{
          <{EP}> a gk:SourceGraph ; gk:graphOf ?src ; prov:generatedAtTime ?at .
          ?src a gk:Source ; gk:sourceKind ?kind ; dcterms:title ?title ; gk:url ?url ;
               gk:publisherName ?publisher ; gk:publishedOn ?published ;
               dcterms:identifier ?file ; dcterms:hasVersion ?version ;
               prov:generatedAtTime ?at2 .
          ?statement a gk:ModelRelease ; dcterms:source ?src ; gk:model ?m .
        }} }}"""
    (row,) = list(store.query(q))
    assert row["src"].value == "https://w3id.org/govkg/source/dataset-epoch"
    assert row["kind"].value == "https://w3id.org/govkg/concept/dataset"
    assert row["url"].value == "https://github.com/example/epoch-snapshot"
    assert row["published"].value == "2024-11-05"
    assert row["file"].value == "epoch.csv"
    assert row["version"].value.endswith("/commit/0123456789abcdef0123456789abcdef01234567")
    assert row["publisher"].value == "Epoch AI"


def test_without_readme_the_file_date_is_the_publication_date(store, write_ecosystem):
    folder = write_ecosystem({"a.yaml": "- {type: model, name: A, organization: B}\n"})
    import_ecosystem_graphs(store, folder)
    q = """PREFIX gk: <https://w3id.org/govkg/ontology#>
        SELECT ?d ?url WHERE { <https://w3id.org/govkg/source/dataset-ecosystem-graphs>
            gk:publishedOn ?d ; gk:url ?url }"""
    (row,) = list(store.query(q))
    import datetime as dt

    mtime = (folder / "assets" / "a.yaml").stat().st_mtime
    assert row["d"].value == dt.datetime.fromtimestamp(mtime, tz=dt.UTC).date().isoformat()
    assert row["url"].value.startswith("https://")
