"""The views ``GET /viz`` draws itself: the story (default), coverage, a focus, the whole graph.

Why not :func:`govkg.graph.analysis.service.render_page`: served pages link each node to its
entity page and offer the other views, which a page written to disk by ``govkg viz`` cannot
(there is no server behind it). Questions, the coverage gap and scenarios still go through
``render_page``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
from govkg.graph.analysis import coverage
from govkg.graph.analysis.schema import parse_day, resolve_node
from govkg.graph.errors import InputError
from govkg.viz.pages import check_size, neighbourhood, render_graph_page
from govkg.viz.story import FOUNDING_ARTICLE, open_weights_coverage, source_story

#: The views a request may name (``/viz?view=...``).
VIEWS = ("story", "coverage", "all")


@dataclass
class ServedPage:
    """A drawn page and what it holds."""

    html: str
    title: str
    nodes: int
    edges: int


def _developers(g: nx.MultiDiGraph, model: str) -> list[str]:
    return [v for _, v, d in g.out_edges(model, data=True)
            if str(d.get("predicate", "")).endswith("developedBy")]  # fmt: skip


def _links(current: str, focus_label: str | None) -> list[dict[str, Any]]:
    links = [
        {"href": "/viz", "label": "The founding article", "current": current == "story"},
        {"href": "/viz?view=coverage", "label": "Open-weights coverage",
         "current": current == "coverage"},
        {"href": "/viz?view=all", "label": "Whole graph", "current": current == "all"},
    ]  # fmt: skip
    if focus_label:
        links.insert(0, {"href": "#", "label": focus_label, "current": True})
    return links


def render_view(
    snap: Any,
    *,
    view: str | None,
    focus: str | None,
    depth: int | None,
    as_of: str | None,
    max_nodes: int,
    page_base: str,
    today: str,
) -> ServedPage:
    """Draw ``focus``'s neighbourhood, or the named ``view`` (default: the story)."""
    g: nx.MultiDiGraph = snap.graph
    day = parse_day(as_of or today)
    report = coverage(g, day)
    verdicts = report.verdicts()
    current = view or "story"
    if current not in VIEWS:
        raise InputError(f"view: expected one of {', '.join(VIEWS)}, got {view!r}")
    focus_label = None
    if focus:
        node = resolve_node(g, focus)
        drawn = neighbourhood(g, node, 2 if depth is None else depth)
        focus_label = str(g.nodes[node].get("label", node))
        title = f"{focus_label} and its neighbourhood"
        current = "focus"
    elif current == "story":
        drawn = source_story(g, FOUNDING_ARTICLE)
        title = "The founding article: who presses whom, who signed, who holds out"
    elif current == "coverage":
        opened = {m.model: m.open_weights for m in report.models}
        devs = {m: _developers(g, m) for m, is_open in opened.items() if is_open}
        drawn = open_weights_coverage(g, opened, devs)
        title = f"Open-weights models by developer, coloured by oversight verdict ({day})"
    else:
        drawn = g
        title = "govkg: the whole graph"
    check_size(drawn.number_of_nodes(), max_nodes, what="drawing")
    html = render_graph_page(
        g if focus else drawn,
        title=title,
        centrality=snap.pagerank,
        coverage=verdicts,
        max_nodes=max_nodes,
        source_titles=snap.titles,
        page_base=page_base,
        views=_links(current, focus_label),
        focus=node if focus else None,
        depth=2 if depth is None else depth,
    )
    return ServedPage(html, title, drawn.number_of_nodes(), drawn.number_of_edges())
