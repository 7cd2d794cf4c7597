"""Explanatory paths prefer substantive links to jurisdictions, concepts and big hubs.

Small hand-made graphs whose costs are worked out in the comments: a step costs 1, and each node
passed through adds its extra cost (a jurisdiction 3, a node with 20·2^k neighbours k).
"""

from __future__ import annotations

import math

import networkx as nx
import pytest
from govkg.graph.analysis import explain_path
from govkg.graph.analysis.build import (
    ISSUED_BY,
    add_edge,
    add_entity,
    add_participation,
    add_stance,
)

JURISDICTION = "https://w3id.org/govkg/ontology#jurisdiction"
RELATED = "https://w3id.org/govkg/ontology#relatedTo"


def chain(g: nx.MultiDiGraph, a: str, b: str, middle: int, prefix: str) -> None:
    """Join ``a`` and ``b`` by ``middle`` intermediate agencies (``middle + 1`` steps)."""
    names = [a] + [f"{prefix}{i}" for i in range(middle)] + [b]
    for name in names[1:-1]:
        add_entity(g, name, "Agency", name.upper())
    for u, v in zip(names, names[1:], strict=False):
        add_edge(g, u, RELATED, v)


def jurisdiction_world(middle: int) -> nx.MultiDiGraph:
    """Meta and OSTP share a jurisdiction (2 steps, cost 5) and a chain of ``middle`` nodes."""
    g = nx.MultiDiGraph()
    add_entity(g, "meta", "AIDeveloper", "Meta")
    add_entity(g, "ostp", "ExecutiveOffice", "OSTP")
    add_entity(g, "us", "Jurisdiction", "United States")
    add_edge(g, "meta", JURISDICTION, "us")  # added first: insertion order favours it
    add_edge(g, "ostp", JURISDICTION, "us")
    chain(g, "meta", "ostp", middle, "x")
    return g


def test_a_longer_substantive_path_beats_a_shared_jurisdiction():
    g = jurisdiction_world(middle=2)  # 3 steps, cost 3 < 2 steps through "us", cost 5
    path = explain_path(g, "meta", "ostp")
    assert path.labels == ["Meta", "X0", "X1", "OSTP"]
    assert path.length == 3
    # the plain shortest path, for contrast: through the jurisdiction
    plain = explain_path(g, "meta", "ostp", kind_costs={}, hub_degree=math.inf)
    assert plain.labels == ["Meta", "United States", "OSTP"]


def test_a_jurisdiction_is_a_cost_not_a_ban():
    g = jurisdiction_world(middle=3)  # 4 steps, cost 4 < 5: still the chain
    assert explain_path(g, "meta", "ostp").labels == ["Meta", "X0", "X1", "X2", "OSTP"]
    g = jurisdiction_world(middle=5)  # 6 steps, cost 6 > 5: the jurisdiction path wins
    assert explain_path(g, "meta", "ostp").labels == ["Meta", "United States", "OSTP"]


def hub_world(neighbours: int, middle: int) -> nx.MultiDiGraph:
    """A and B both tied to a developer with ``neighbours`` neighbours, and by a chain."""
    g = nx.MultiDiGraph()
    add_entity(g, "a", "Agency", "A")
    add_entity(g, "b", "Agency", "B")
    add_entity(g, "hub", "AIDeveloper", "Hub")
    add_edge(g, "a", RELATED, "hub")
    add_edge(g, "b", RELATED, "hub")
    for i in range(neighbours - 2):
        add_entity(g, f"m{i}", "AIModel", f"M{i}")
        add_edge(g, f"m{i}", RELATED, "hub")
    chain(g, "a", "b", middle, "y")
    return g


def test_a_big_hub_costs_more_the_bigger_it_is():
    # 80 neighbours: the hub costs log2(80 / 20) = 2, so A–hub–B costs 4
    assert explain_path(hub_world(80, middle=2), "a", "b").labels == ["A", "Y0", "Y1", "B"]
    assert explain_path(hub_world(80, middle=4), "a", "b").labels == ["A", "Hub", "B"]
    # 20 neighbours is no hub: the shortest path is kept
    assert explain_path(hub_world(20, middle=1), "a", "b").labels == ["A", "Hub", "B"]
    # the hub threshold is a parameter
    small = explain_path(hub_world(20, middle=1), "a", "b", hub_degree=5)
    assert small.labels == ["A", "Y0", "B"]


def test_concepts_let_in_still_cost_more_than_statements():
    g = nx.MultiDiGraph()
    add_entity(g, "a", "AIDeveloper", "A")
    add_entity(g, "b", "AIDeveloper", "B")
    add_stance(g, "sa", "a", "resistant")
    add_stance(g, "sb", "b", "resistant")
    add_entity(g, "pact", "TestingAgreement", "Pact")
    add_entity(g, "office", "ExecutiveOffice", "Office")
    add_participation(g, "pa", "a", "pact", "signed")
    add_edge(g, "pact", ISSUED_BY, "office")
    add_participation(g, "pb", "b", "office", "negotiating")
    # through the concept "resistant": 4 steps, cost 7; through the pact: 5 steps, cost 5
    # (the statuses "signed" and "negotiating" are different concepts: no shortcut there)
    path = explain_path(g, "a", "b", exclude_kinds=())
    assert path.labels == ["A", "pa", "Pact", "Office", "pb", "B"]
    assert explain_path(g, "a", "b", exclude_kinds=(), kind_costs={}).length == 4


def test_the_json_shape_is_unchanged():
    data = explain_path(jurisdiction_world(middle=2), "meta", "ostp").as_dict()
    assert list(data) == ["source", "target", "length", "nodes", "labels", "text", "steps"]
    assert data["length"] == len(data["steps"]) == len(data["nodes"]) - 1


def test_hub_degree_must_be_positive():
    with pytest.raises(ValueError, match="hub_degree must be positive"):
        explain_path(jurisdiction_world(middle=2), "meta", "ostp", hub_degree=0)
