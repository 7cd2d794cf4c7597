"""Communities against stances, connected components, explanatory paths."""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.graph.analysis.build import (
    HAND_GRAPH,
    add_edge,
    add_entity,
    add_participation,
    add_stance,
)
from govkg.graph.analysis.paths import explain_path
from govkg.graph.analysis.structure import communities, components, stances
from govkg.graph.errors import NotFoundError

KNOWS = "https://example.org/knows"


def two_camps() -> nx.MultiDiGraph:
    """Two 4-cliques joined by one edge; two resistant holders left, one cooperative right."""
    g = nx.MultiDiGraph()
    for name in "abcdwxyz":
        add_entity(g, name, "AIDeveloper", name.upper())
    for camp in ("abcd", "wxyz"):
        for i, u in enumerate(camp):
            for v in camp[i + 1 :]:
                add_edge(g, u, KNOWS, v)
    add_edge(g, "d", KNOWS, "w")
    add_stance(g, "s-a", "a", "resistant")
    add_stance(g, "s-b", "b", "resistant")
    add_stance(g, "s-x", "x", "cooperative")
    return g


def test_communities_separate_the_camps_and_tally_stances():
    report = communities(two_camps(), seed=1)
    camps = [set(c.labels) - {"s-a", "s-b", "s-x"} for c in report.communities]
    assert {"A", "B", "C", "D"} in camps and {"W", "X", "Y", "Z"} in camps
    by_stance = {s: names for c in report.communities for s, names in c.stances.items()}
    assert by_stance == {"resistant": ["A", "B"], "cooperative": ["X"]}
    assert sorted(report.stance_spread) == ["cooperative", "resistant"]
    assert sum(report.stance_spread["resistant"].values()) == 2
    assert report.modularity > 0.3


def test_stance_concepts_do_not_glue_communities():
    # Without dropping concept nodes, "resistant" would join a and z through one hub.
    g = two_camps()
    add_stance(g, "s-z", "z", "resistant")
    report = communities(g, seed=1)
    assert len(report.stance_spread["resistant"]) == 2  # two different communities


def test_stances_reads_holders():
    assert stances(two_camps())["https://w3id.org/govkg/id/a"] == ["resistant"]


def test_components_largest_first():
    g = two_camps()
    add_entity(g, "island", "Agency", "Island")
    report = components(g)
    assert report.count == 2
    assert report.sizes == [11, 1]  # 8 developers + 3 stance attributions; the island
    assert report.components[1] == ["https://w3id.org/govkg/id/island"]


def test_explain_path_gives_facts_and_sources_per_step():
    g = nx.MultiDiGraph()
    add_entity(g, "meta", "AIDeveloper", "Meta")
    add_entity(g, "ostp", "ExecutiveOffice", "OSTP")
    add_entity(g, "plan", "PolicyDocument", "AI Action Plan")
    src = "https://w3id.org/govkg/graph/plan-2025"
    add_participation(g, "p1", "meta", "plan", "subject-to", source_graph=src)
    add_edge(g, "plan", "https://w3id.org/govkg/ontology#issuedBy", "ostp", source_graph=src)
    add_edge(g, "plan", "https://w3id.org/govkg/ontology#issuedBy", "ostp")  # a second source
    path = explain_path(g, "Meta", "ostp")
    assert path.labels == ["Meta", "p1", "AI Action Plan", "OSTP"]
    assert path.length == 3
    last = path.steps[-1][0]
    assert (last.subject_label, last.predicate_label, last.object_label) == (
        "AI Action Plan",
        "issued by",
        "OSTP",
    )
    assert last.sources == tuple(sorted([src, HAND_GRAPH]))
    assert path.steps[0][0].forward is False  # p1 —participant→ Meta, walked backwards
    assert "p1 —participant→ Meta" in path.text


def test_explain_path_avoids_concept_hubs_and_reports_no_path():
    g = nx.MultiDiGraph()
    add_entity(g, "a", "AIDeveloper", "A")
    add_entity(g, "b", "AIDeveloper", "B")
    add_stance(g, "sa", "a", "resistant")
    add_stance(g, "sb", "b", "resistant")
    with pytest.raises(NotFoundError, match="no path joins 'A' and 'B'"):
        explain_path(g, "a", "b")
    assert explain_path(g, "a", "b", exclude_kinds=()).length == 4


def test_explain_path_unknown_end():
    with pytest.raises(NotFoundError, match="no node 'nobody'"):
        explain_path(two_camps(), "a", "nobody")
