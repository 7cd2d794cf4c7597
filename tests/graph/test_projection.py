"""The NetworkX projection on the hand-written fixture (tests/fixtures/questions.trig)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.projection import project
from graph.store import Store
from ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ID = "https://w3id.org/govkg/id/"
ST = "https://w3id.org/govkg/statement/"
GK = "https://w3id.org/govkg/ontology#"
G = "https://w3id.org/govkg/graph/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store.open(tmp_path_factory.mktemp("proj") / "store")
    s.load(FIXTURES / "questions.trig")
    s.load(ONTOLOGY_FILE, graph=str(ONTOLOGY_GRAPH))
    return s


def test_nodes_carry_label_kind_dates_access_and_sources(store: Store) -> None:
    g = project(store)
    llama = g.nodes[ID + "llama-3.1-70b"]
    assert llama["label"] == "Llama 3.1 70B"
    assert llama["kind"] == "AIModel"
    assert llama["types"] == [GK + "AIModel"]
    assert llama["release_date"] == "2024-07-23"  # earliest of the two sources' dates
    assert llama["weights_access"] == "open-weights-restricted"
    assert llama["open_weights"] is True
    assert llama["sources"] == {G + "entities", G + "src-a", G + "src-b"}
    assert g.nodes[ID + "gpt-4o"]["open_weights"] is False
    assert g.nodes[ID + "us-aisi"]["kind"] == "Agency"
    part = g.nodes[ST + "src-b/mistral-agreement"]
    assert part["kind"] == "Participation"
    assert part["valid_until"] == "2024-12-31"
    assert part["source"] == "https://w3id.org/govkg/source/src-b"
    assert g.nodes["https://w3id.org/govkg/source/src-a"]["url"] == "https://example.org/a"


def test_statements_and_sources_get_readable_labels(store: Store) -> None:
    g = project(store)
    part = g.nodes[ST + "src-b/mistral-agreement"]
    mistral = g.nodes[ID + "mistral"]["label"]
    # class label, the agent first, then what it is about, then the date it starts
    assert part["label"] == f"Participation: {mistral}, UK-Mistral testing agreement (2023-06-01)"
    assert part["local_id"] == "mistral-agreement"
    assert g.nodes[ST + "src-b/meta-wh"]["label"].endswith("White House commitments (2023-07-21)")
    src = g.nodes["https://w3id.org/govkg/source/src-a"]
    assert src["label"] == "Source A"  # its dcterms:title, not the id
    assert src["local_id"] == "src-a"


def test_edges_name_predicate_label_and_graph(store: Store) -> None:
    g = project(store)
    edges = g.get_edge_data(ID + "nemotron-70b", ID + "llama-3.1-70b")
    assert [e["predicate"] for e in edges.values()] == [GK + "baseModel"]
    (edge,) = edges.values()
    assert edge["label"] == "base model"
    assert edge["graph"] == G + "src-a"


def test_literals_types_concepts_and_ontology_are_left_out(store: Store) -> None:
    g = project(store)
    assert not any(n.startswith("https://w3id.org/govkg/concept/") for n in g)
    assert GK + "AIModel" not in g
    assert G + "src-a" not in g  # SourceGraph nodes
    assert not any(d["predicate"].endswith("#type") for _, _, d in g.edges(data=True))
    with_concepts = project(store, include_concepts=True)
    assert "https://w3id.org/govkg/concept/open-weights-restricted" in with_concepts


def test_filters_by_class_predicate_and_graph(store: Store) -> None:
    models = project(store, classes=[GK + "AIModel"])
    assert {d["kind"] for _, d in models.nodes(data=True)} == {"AIModel"}
    assert models.number_of_nodes() == 10
    lineage = project(store, classes=[GK + "AIModel"], predicates=[GK + "baseModel"])
    assert sorted((s.removeprefix(ID), o.removeprefix(ID)) for s, o in lineage.edges()) == [
        ("llama-3.1-70b", "llama-3-70b"),
        ("nemotron-70b", "llama-3.1-70b"),
        ("zephyr-7b", "mistral-7b"),
        ("zephyr-7b-beta", "zephyr-7b"),
    ]
    orgs = project(store, classes=[GK + "Organisation"])
    assert ID + "us-gov" in orgs and ID + "meta" in orgs and ID + "gpt-4o" not in orgs
    only_b = project(store, graphs=[G + "src-b"])
    assert {d["graph"] for _, _, d in only_b.edges(data=True)} == {G + "src-b"}


def test_without_statements_only_entities_remain(store: Store) -> None:
    g = project(store, include_statements=False)
    assert not any(n.startswith(ST) for n in g)
    assert ID + "meta" in g


def test_as_of_drops_later_models_statements_and_lapsed_states(store: Store) -> None:
    g = project(store, as_of=date(2025, 1, 1))
    assert ID + "llama-4" not in g  # released 2025-04-05
    assert ID + "llama-3-70b" in g
    assert ID + "phi-x" in g  # undated
    assert ST + "src-a/eval-gemma" not in g  # dated 2025-03-01
    assert ST + "src-b/mistral-agreement" not in g  # valid until 2024-12-31
    assert ST + "src-b/openai-agreement" in g
    earlier = project(store, as_of=date(2024, 1, 1))
    assert ST + "src-b/mistral-agreement" in earlier
    assert ST + "src-b/openai-agreement" not in earlier  # valid from 2024-08-29
