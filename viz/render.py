"""Drawing the page a :class:`~govkg.graph.analysis.service.VizRequest` asks for.

Why here: ``govkg viz`` and ``GET /viz`` must draw the same page for the same request; the
store-side steps (projection, titles, PageRank) are :mod:`govkg.graph.analysis.service`'s, the
drawing is the visualisation layer's, so it lives in ``viz/`` (which may import ``graph``, never
the other way round).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox
from govkg.graph.analysis import apply_scenario, coverage, load_scenario, run_scenario
from govkg.graph.analysis.schema import parse_day, resolve_node
from govkg.graph.analysis.service import Snapshot, VizRequest, check_request, today
from govkg.graph.questions import run_question
from govkg.graph.store.backend import Backend
from govkg.viz import (
    check_size,
    coverage_gap_subgraph,
    neighbourhood,
    render_graph_page,
    render_scenario_page,
    result_subgraph,
)


@dataclass
class VizPage:
    """A rendered page and what it holds (the route reports the node count in a header)."""

    html: str
    title: str
    nodes: int
    edges: int


def render_page(
    store: Backend, snap: Snapshot, req: VizRequest, *, answer: set[str] | None = None
) -> VizPage:
    """Build the page ``req`` asks for from one snapshot of ``store``.

    At most one of ``focus``, ``question``, ``coverage_gap`` and ``scenario`` picks what is
    drawn (the whole graph when none does); nodes are sized by PageRank and models coloured by
    their coverage verdict on ``as_of``. ``answer`` is the set of IRIs the question's answer
    names when the caller already ran it (the server does, in a worker under the time limit
    and row cap); without it the question is run here on ``store`` (``govkg viz``).
    """
    check_request(req)
    g = snap.graph
    if req.scenario:
        return _scenario_page(g, snap, req, render_scenario_page)
    day = parse_day(req.as_of or today())
    verdicts = coverage(g, day).verdicts()
    if req.focus:
        node = resolve_node(g, req.focus)
        view = neighbourhood(g, node, 2 if req.depth is None else req.depth)
        title = f"{g.nodes[node].get('label', node)} and its neighbourhood"
    elif req.question:
        if answer is None:
            result = run_question(store, req.question, req.params)
            answer = {t.value for row in result.terms for t in row if isinstance(t, ox.NamedNode)}
        view = result_subgraph(g, answer, hops=1 if req.depth is None else req.depth)
        title = f"Question: {req.question}"
    elif req.coverage_gap:
        view = coverage_gap_subgraph(g, verdicts)
        title = f"Models outside review on {day.isoformat()}"
    else:
        view = g
        title = "govkg"
    check_size(view.number_of_nodes(), req.max_nodes, what="drawing")
    html = render_graph_page(
        view,
        title=title,
        centrality=snap.pagerank,
        coverage=verdicts,
        max_nodes=req.max_nodes,
        source_titles=snap.titles,
    )
    return VizPage(html, title, view.number_of_nodes(), view.number_of_edges())


def _scenario_page(
    g: nx.MultiDiGraph, snap: Snapshot, req: VizRequest, render: Callable[..., str]
) -> VizPage:
    """The before/after page of a bundled scenario (or a scenario file, from the CLI)."""
    scenario = load_scenario(req.scenario or "")
    report = run_scenario(g, scenario, as_of=req.as_of)
    after = apply_scenario(g, scenario)
    before_cov = coverage(g, report.as_of).verdicts()
    after_cov = dict(before_cov)
    after_cov.update({m.model: m.after for m in report.moves})
    nodes = len(set(g) | set(after))
    before_keys = {(u, v, d.get("predicate")) for u, v, d in g.edges(data=True)}
    added = sum(
        1 for u, v, d in after.edges(data=True) if (u, v, d.get("predicate")) not in before_keys
    )
    edges = g.number_of_edges() + added
    title = f"Scenario: {report.title}"
    html = render(
        g,
        after,
        title=title,
        coverage_before=before_cov,
        coverage_after=after_cov,
        centrality=snap.pagerank,
        max_nodes=req.max_nodes,
        source_titles=snap.titles,
    )
    return VizPage(html, title, nodes, edges)
