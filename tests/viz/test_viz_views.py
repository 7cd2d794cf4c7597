"""Tests of the question and coverage-gap views."""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.graph.errors import InputError
from govkg.viz.views import coverage_gap_subgraph, result_subgraph
from support.synthetic import GK, GRAPH, ID, synthetic_graph


def test_result_subgraph_keeps_named_nodes_and_context():
    g = synthetic_graph(200)
    model = f"{ID}model5"
    only = result_subgraph(g, [model, "not-a-node", 42])
    assert set(only.nodes) == {model}
    with_context = result_subgraph(g, [model], hops=1)
    expected = {model, *g.successors(model), *g.predecessors(model)}
    assert set(with_context.nodes) == expected
    with pytest.raises(InputError, match="names no entity"):
        result_subgraph(g, ["nothing"])
    with pytest.raises(InputError, match="hops"):
        result_subgraph(g, [model], hops=-1)


def test_coverage_gap_shows_uncovered_models_developers_and_reviewing_agencies():
    g = nx.MultiDiGraph()
    for node, kind in [
        ("dev", "AIDeveloper"),
        ("open", "AIModel"),
        ("closed", "AIModel"),
        ("seen", "AIModel"),
        ("aisi", "Agency"),
        ("idle", "Agency"),
        ("ev", "ModelEvaluation"),
    ]:
        g.add_node(ID + node, label=node, kind=kind)
    g.nodes[ID + "open"]["open_weights"] = True
    for u, v, p in [
        ("open", "dev", "developedBy"),
        ("closed", "dev", "developedBy"),
        ("seen", "dev", "developedBy"),
        ("ev", "seen", "evaluatedModel"),
        ("ev", "aisi", "evaluator"),
    ]:
        g.add_edge(ID + u, ID + v, predicate=GK + p, label=p, graph=GRAPH + "s")
    coverage = {ID + "open": "uncovered", ID + "closed": "uncovered", ID + "seen": "reviewed"}
    gap = coverage_gap_subgraph(g, coverage)
    assert set(gap.nodes) == {ID + n for n in ("open", "closed", "dev", "aisi")}
    assert gap.number_of_edges() == 2
    gap_open = coverage_gap_subgraph(g, coverage, open_weights_only=True)
    assert set(gap_open.nodes) == {ID + n for n in ("open", "dev", "aisi")}
