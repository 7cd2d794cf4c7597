"""Subgraphs worth drawing: a question's result, and the models that sit outside review.

The whole curated graph answers "what is there"; these views answer a question, and they keep
pages small enough to read. Each returns a copy of part of the projected graph, ready for
:func:`viz.render_graph_page`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx
from govkg.graph.errors import InputError
from govkg.viz.style import coverage_key

#: Node classes that count as "developers" of a model and as "reviewing agencies".
DEVELOPER_KINDS = frozenset({"AIDeveloper", "Company", "Organisation"})
AGENCY_KINDS = frozenset({"Agency", "GovernmentBody", "ExecutiveOffice", "IntergovernmentalBody"})
EVALUATION_KIND = "ModelEvaluation"


def result_subgraph(
    g: nx.MultiDiGraph, nodes: Iterable[Hashable], *, hops: int = 0
) -> nx.MultiDiGraph:
    """The nodes named in a question's result (IRIs from its rows), plus ``hops`` of context.

    Values that are not nodes of ``g`` (literals, counts, IRIs of concepts the projection left
    out) are ignored; a result that names no node at all is an error, so the page is never blank
    without saying why.
    """
    if hops < 0:
        raise InputError(f"hops: must be 0 or more, got {hops}")
    keep = {v for v in nodes if isinstance(v, Hashable) and v in g}
    if not keep:
        raise InputError(
            "The result names no entity of the graph, so there is nothing to draw; "
            "pick a question whose result lists entities (IRIs)"
        )
    frontier = set(keep)
    for _ in range(hops):
        frontier = {w for v in frontier for w in (*g.successors(v), *g.predecessors(v))} - keep
        keep |= frontier
    return g.subgraph(keep).copy()


def coverage_gap_subgraph(
    g: nx.MultiDiGraph,
    coverage: Mapping[Any, str],
    *,
    verdicts: Iterable[str] = ("uncovered",),
    open_weights_only: bool = False,
) -> nx.MultiDiGraph:
    """Models with the given coverage verdicts, their developers, and the agencies that review.

    The agencies (evaluators of any model in ``g``) are the ones that did review *other* models:
    drawn next to the uncovered models, they show who could have reviewed them. Their evaluation
    statements are left out to keep the picture about the gap.
    """
    wanted = {coverage_key(v) for v in verdicts}
    models = {
        v
        for v, verdict in coverage.items()
        if v in g
        and coverage_key(str(verdict)) in wanted
        and (not open_weights_only or g.nodes[v].get("open_weights"))
    }
    keep = set(models)
    for m in models:
        for w in (*g.successors(m), *g.predecessors(m)):
            if g.nodes[w].get("kind") in DEVELOPER_KINDS:
                keep.add(w)
    for v, kind in g.nodes(data="kind"):
        if kind == EVALUATION_KIND:
            keep |= {w for w in g.successors(v) if g.nodes[w].get("kind") in AGENCY_KINDS}
    return g.subgraph(keep).copy()
