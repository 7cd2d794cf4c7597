"""The NetworkX projection on the hand-written fixture (tests/fixtures/questions.trig), and on a
mid-size synthetic graph against a plain reference projection, so that a faster path can never
silently drop or change a node, an edge or an attribute."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.projection import project
from govkg.graph.store.embedded import Store
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH

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


# -- the projection against a straightforward reference on a mid-size synthetic graph ---------

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT_SOURCE = "http://purl.org/dc/terms/source"
DATES = {GK + "releaseDate": "release_date", GK + "date": "date", GK + "validFrom": "valid_from"}
DATES[GK + "validUntil"] = "valid_until"
AGENTS = {
    GK + p for p in ("participant", "holder", "claimant", "evaluator", "actor", "developedBy")
}
#: What the reference below knows how to treat; the test checks the data uses nothing else.
REFERENCE_PREDICATES = {RDF + "type", RDFS + "label", DCT_SOURCE, *DATES} | {
    GK + p
    for p in (
        "weightsAccess", "developedBy", "partOfFamily", "model", "baseModel", "target", "actor",
        "actionType", "evaluator", "evaluatedModel", "deploymentStage", "participationStatus",
        "participant", "instrument", "issuedBy",
    )
}  # fmt: skip


def _local(iri: str) -> str:
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1 :]


def reference_projection(store: Store, *, include_concepts: bool) -> dict:
    """The documented schema, derived the plain way: one ``quads_for_pattern`` loop, no engine.

    Returns ``{"nodes": {iri: attrs}, "edges": {(s, o, key): attrs}}``. Covers what the
    synthetic data holds (single-typed nodes, no web pages, no statements linking statements).
    """
    onto = ox.NamedNode(str(ONTOLOGY_GRAPH))
    labels: dict[str, str] = {}
    open_weights: dict[str, bool] = {}
    concepts: set[str] = set()
    for q in store.oxigraph.quads_for_pattern(None, None, None, onto):
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == RDFS + "label" and (s not in labels or o.language == "en"):
            labels[s] = o.value
        elif p == GK + "openWeights":
            open_weights[s] = o.value in ("true", "1")
        elif (p == RDF + "type" and o.value == SKOS + "Concept") or p == SKOS + "inScheme":
            concepts.add(s)
    statement_classes = {
        GK + c for c in ("Participation", "ModelRelease", "ModelEvaluation", "RegulatoryAction")
    }
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, str, str]] = []

    def node(iri: str) -> dict:
        return nodes.setdefault(iri, {"types": set(), "sources": set()})

    for q in store.oxigraph.quads_for_pattern(None, None, None, None):
        if q.graph_name == onto:
            continue
        s, p, o, g = q.subject.value, q.predicate.value, q.object, q.graph_name.value
        assert p in REFERENCE_PREDICATES, f"the reference does not handle {p}"
        attrs = node(s)
        attrs["sources"].add(g)
        if p == RDF + "type":
            attrs["types"].add(o.value)
        elif p in DATES:
            pick = max if DATES[p] == "valid_until" else min
            attrs[DATES[p]] = pick(attrs.get(DATES[p], o.value), o.value)
        elif p == RDFS + "label":
            attrs["label"] = o.value
        else:
            if p == GK + "weightsAccess":
                attrs["weights_access"] = _local(o.value)
                attrs["open_weights"] = open_weights.get(o.value, False)
            elif p == DCT_SOURCE:
                attrs["source"] = o.value
            node(o.value)
            edges.append((s, p, o.value, g))
    for iri, attrs in nodes.items():
        assert len(attrs["types"]) <= 1
        attrs["kind"] = _local(next(iter(attrs["types"]))) if attrs["types"] else ""
        attrs["types"] = sorted(attrs["types"])
        attrs["local_id"] = _local(iri)
    # A node is typed or an edge's end (untyped subjects with only literals are not nodes).
    linked = {s for s, _, _, _ in edges} | {o for _, _, o, _ in edges}
    kept = {
        iri: attrs
        for iri, attrs in nodes.items()
        if (attrs["types"] or iri in linked) and (include_concepts or iri not in concepts)
    }
    out_edges = {
        (s, o, f"{p}|{g}"): {"predicate": p, "label": labels.get(p) or _local(p), "graph": g}
        for s, p, o, g in edges
        if s in kept and o in kept
    }
    links: dict[str, list[tuple[str, str]]] = {}
    for (s, o, _), edge in out_edges.items():
        links.setdefault(s, []).append((edge["predicate"], o))
    for iri, attrs in kept.items():
        if "label" in attrs:
            continue
        if not set(attrs["types"]) & statement_classes:
            attrs["label"] = attrs["local_id"]
            continue
        named: dict[str, tuple[int, str]] = {}
        for p, o in links.get(iri, ()):
            if p != DCT_SOURCE and o not in named:
                named[o] = (0 if p in AGENTS else 1, kept[o].get("label", _local(o)))
        names = [label for _, label in sorted(named.values())]
        kind = labels.get(GK + attrs["kind"]) or attrs["kind"]
        text = kind[:1].upper() + kind[1:]
        shown = names[:3] + (["…"] if len(names) > 3 else [])
        text += ": " + ", ".join(shown) if names else ""
        day = attrs.get("date") or attrs.get("valid_from")
        attrs["label"] = f"{text} ({day})" if day else text
    return {"nodes": kept, "edges": out_edges}


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A real on-disk store with a seeded 20k-triple synthetic graph and the ontology."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import generate

    s = Store.open(tmp_path_factory.mktemp("synthetic") / "store")
    s.oxigraph.extend(generate(20_000, seed=3))
    s.load(ONTOLOGY_FILE, graph=str(ONTOLOGY_GRAPH))
    return s


@pytest.mark.parametrize("include_concepts", [True, False])
def test_synthetic_projection_equals_reference(
    synthetic_store: Store, include_concepts: bool
) -> None:
    expected = reference_projection(synthetic_store, include_concepts=include_concepts)
    g = project(synthetic_store, include_concepts=include_concepts)
    assert len(expected["nodes"]) > 3000 and len(expected["edges"]) > 8000  # really mid-size
    assert set(g.nodes) == set(expected["nodes"])
    for iri, attrs in expected["nodes"].items():
        assert g.nodes[iri] == attrs, iri
    got_edges = {(s, o, k): d for s, o, k, d in g.edges(keys=True, data=True)}
    assert g.number_of_edges() == len(got_edges)  # no two edges share (s, o, key)
    assert got_edges == expected["edges"]
