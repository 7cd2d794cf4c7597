"""Centrality: PageRank against networkx's reference, betweenness by hand, ties share ranks."""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.graph.analysis.build import add_entity, add_participation
from govkg.graph.analysis.centrality import centrality, competition_ranks, pagerank
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python


def star(leaves: int) -> nx.MultiDiGraph:
    """An agency every developer has signed with: the hub and ``leaves`` tied developers."""
    g = nx.MultiDiGraph()
    add_entity(g, "hub", "TestingAgreement", "Hub")
    for i in range(leaves):
        add_entity(g, f"d{i}", "AIDeveloper", f"Dev {i}")
        add_participation(g, f"p{i}", f"d{i}", "hub", "signed")
    return g


def test_pagerank_matches_the_networkx_reference_on_a_multigraph(world):
    ours = pagerank(world)
    reference = _pagerank_python(world, alpha=0.85, tol=1e-12, max_iter=500)
    assert ours.keys() == reference.keys()
    for node, value in reference.items():
        assert ours[node] == pytest.approx(value, abs=1e-7)
    assert sum(ours.values()) == pytest.approx(1.0)


def test_ties_share_a_rank_and_the_hub_ranks_first():
    g = star(4)
    ranked = centrality(g, k=None, top=None)
    devs = ranked["AIDeveloper"]
    assert [r.pagerank_rank for r in devs] == [1, 1, 1, 1]
    assert [r.betweenness_rank for r in devs] == [1, 1, 1, 1]
    assert [r.label for r in devs] == ["Dev 0", "Dev 1", "Dev 2", "Dev 3"]  # ties by label
    # Undirected star through participations: hub–p_i–d_i (the "signed" concept node is left
    # out). 9 nodes; of the 28 pairs among the 8 others, all but the 4 pairs p_i–d_i pass
    # through the hub: normalised betweenness 24/28.
    hub = ranked["TestingAgreement"][0]
    assert hub.betweenness == pytest.approx(24 / 28)
    assert hub.degree == 4


def test_competition_ranking_skips_after_ties():
    assert competition_ranks({"a": 3.0, "b": 3.0, "c": 1.0}) == {"a": 1, "b": 1, "c": 3}
    assert competition_ranks({}) == {}


def test_sampled_betweenness_repeats_with_the_same_seed(world):
    first = centrality(world, k=5, seed=7, top=None)
    second = centrality(world, k=5, seed=7, top=None)
    assert {k: [r.betweenness for r in v] for k, v in first.items()} == {
        k: [r.betweenness for r in v] for k, v in second.items()
    }


def test_kinds_and_top_filter_the_report(world):
    ranked = centrality(world, k=None, kinds=["AIModel"], top=3)
    assert list(ranked) == ["AIModel"]
    assert len(ranked["AIModel"]) == 3
    assert "Concept" not in centrality(world, k=None)


def test_empty_graph():
    assert centrality(nx.MultiDiGraph()) == {}
    assert pagerank(nx.MultiDiGraph()) == {}
