"""Page builders: a whole graph, an entity's neighbourhood, a scenario's before/after.

Each returns one complete, self-contained HTML document: vis-network, govkg's script and styles
and the graph data are all inlined, so the file opens from disk or from ``/viz`` with no network.
pyvis supplies the vis-network options object and the library files; the template is govkg's
own (pyvis's links Bootstrap from a CDN).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
from govkg.graph.errors import InputError, NotFoundError
from govkg.viz import assets, style
from govkg.viz.elements import build_elements
from govkg.viz.layout import compute_layout
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

#: Default refusal threshold; a 5,000-node page becomes interactive in about a second.
DEFAULT_MAX_NODES = 5000
#: Above this many nodes, edges are hidden while dragging/zooming to keep the page responsive.
LARGE_GRAPH = 1500

_env = Environment(
    loader=FileSystemLoader(str(assets.TEMPLATES_DIR)),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def neighbourhood(g: nx.MultiDiGraph, focus: str, depth: int = 2) -> nx.MultiDiGraph:
    """The nodes within ``depth`` hops of ``focus`` (edges followed both ways), as a copy.

    Direction is ignored on purpose: "who regulates whom" needs both the agencies pointing at a
    developer and the models the developer points at.
    """
    if depth < 0:
        raise InputError(f"depth: must be 0 or more, got {depth}")
    if focus not in g:
        raise NotFoundError(
            f"focus: no node {focus!r} in the graph; give the full IRI of an entity "
            "(e.g. https://w3id.org/govkg/id/meta)"
        )
    seen = {focus}
    frontier = [focus]
    for _ in range(depth):
        nxt = []
        for v in frontier:
            for w in (*g.successors(v), *g.predecessors(v)):
                if w not in seen:
                    seen.add(w)
                    nxt.append(w)
        frontier = nxt
        if not frontier:
            break
    return g.subgraph(seen).copy()


def check_size(n_nodes: int, max_nodes: int, *, what: str = "graph") -> None:
    """Refuse to build a page the browser cannot draw smoothly, and say how to narrow it."""
    if max_nodes < 1:
        raise InputError(f"max_nodes: must be at least 1, got {max_nodes}")
    if n_nodes > max_nodes:
        raise InputError(
            f"The {what} has {n_nodes} nodes, more than the visualisation limit of {max_nodes}. "
            "Narrow it first: pick an entity and a depth (focus=<IRI>&depth=1 or "
            "--focus/--depth), show a named question's result, or filter by source; "
            "or raise the limit (max_nodes) if the browser can take it."
        )


def _options(n_nodes: int) -> dict[str, Any]:
    """vis-network options, set through pyvis's option objects where pyvis has them."""
    net = Network(directed=True)
    net.toggle_physics(False)
    net.toggle_stabilization(False)
    net.options.edges.smooth.enabled = False  # straight edges: no support nodes, fast drawing
    net.options.edges.inherit_colors(False)
    net.toggle_hide_edges_on_drag(n_nodes > LARGE_GRAPH)
    options = json.loads(net.get_network_data()[5])
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    options["interaction"].update(
        {"hover": True, "tooltipDelay": 250, "navigationButtons": False, "keyboard": False}
    )
    options["nodes"] = {
        "font": {"size": 14, "face": "sans-serif"},
        "scaling": {"label": {"drawThreshold": 6}},
    }
    options["edges"].update(
        {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": style.EDGE_COLOUR, "highlight": "#333333", "inherit": False},
            "font": {"size": 10, "align": "middle", "color": "#555555"},
            "width": 1,
        }
    )
    return options


def _render(payload: dict[str, Any], title: str) -> str:
    """Fill the template with the inlined libraries and the page data."""
    template = _env.get_template("page.html")
    return template.render(
        title=title,
        vis_css=assets.vis_network_css(),
        vis_js=assets.vis_network_js(),
        page_css=assets.static_text("govkg-viz.css"),
        page_js=assets.script_safe(assets.static_text("govkg-viz.js")),
        data_json=assets.json_for_script(payload),
    )


def render_graph_page(
    g: nx.MultiDiGraph,
    *,
    title: str,
    centrality: Mapping[Hashable, float] | None = None,
    coverage: Mapping[Any, str] | None = None,
    focus: str | None = None,
    depth: int = 2,
    max_nodes: int = DEFAULT_MAX_NODES,
    source_titles: Mapping[str, Mapping[str, Any]] | None = None,
    page_base: str | None = None,
    views: list[dict[str, str]] | None = None,
) -> str:
    """The complete HTML page for ``g``, or for ``focus``'s neighbourhood when ``focus`` is given.

    ``page_base`` (served pages only) is the IRI base whose nodes link to their entity page
    (``/page/...``); ``views`` are links to the other views (``{"href", "label"}``).

    ``centrality`` sizes nodes, ``coverage`` marks models by review coverage (uncovered ones get
    a red fill and ring), ``source_titles`` maps source or named-graph IRIs to
    ``{"title": ..., "url": ...}`` for the info panel. Raises :class:`InputError` when the graph
    to draw has more than ``max_nodes`` nodes.
    """
    view = neighbourhood(g, focus, depth) if focus is not None else g
    check_size(view.number_of_nodes(), max_nodes, what="neighbourhood" if focus else "graph")
    positions = compute_layout(view)
    el = build_elements(
        view, positions, centrality=centrality, coverage=coverage, source_titles=source_titles
    )
    payload = _payload(el, title, focus=focus, mode="graph", coverage=coverage)
    payload["pageBase"] = page_base
    payload["views"] = views or []
    return _render(payload, title)


def _payload(
    el: Any, title: str, *, focus: str | None, mode: str, coverage: Mapping | None
) -> dict[str, Any]:
    """The JSON document the page script reads."""
    cov_keys = {style.coverage_key(str(c)) for c in (coverage or {}).values()}
    return {
        "title": title,
        "mode": mode,
        "focus": focus,
        "nodes": el.nodes,
        "edges": el.edges,
        "graphs": el.graphs,
        "jurisdictions": el.jurisdictions,
        "legend": style.legend(el.kinds),
        "coverageLegend": [
            {"key": k, "colour": c} for k, c in style.COVERAGE_BORDERS.items() if k in cov_keys
        ],
        "changeLegend": (
            [{"key": k, "colour": c} for k, c in style.CHANGE_COLOURS.items()]
            if mode == "scenario"
            else []
        ),
        "options": _options(len(el.nodes)),
    }


def render_scenario_page(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    *,
    title: str,
    coverage_before: Mapping[Any, str] | None = None,
    coverage_after: Mapping[Any, str] | None = None,
    centrality: Mapping[Hashable, float] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    source_titles: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """One page showing a scenario as a diff of two graphs, with a before/after/diff switch.

    Nodes and edges only in ``after`` are "added" (green), only in ``before`` "removed" (red,
    dashed edges), in both but with a different coverage verdict "changed" (amber), otherwise
    "same" (class colour). Edges are matched by (from, to, predicate). The page's switch shows
    the before state, the after state or both.
    """
    union = nx.MultiDiGraph()
    for v, data in before.nodes(data=True):
        union.add_node(v, **data)
    for v, data in after.nodes(data=True):
        union.add_node(v, **data)  # after's attributes win: they describe the scenario
    check_size(union.number_of_nodes(), max_nodes, what="scenario")
    cb, ca = coverage_before or {}, coverage_after or {}
    changes: dict[Hashable, str] = {}
    for v in union:
        if v not in before:
            changes[v] = "added"
        elif v not in after:
            changes[v] = "removed"
        elif cb.get(v) != ca.get(v):
            changes[v] = "changed"
        else:
            changes[v] = "same"
    edge_changes: dict[tuple, str] = {}
    before_keys = {(u, v, d.get("predicate")) for u, v, d in before.edges(data=True)}
    after_keys = {(u, v, d.get("predicate")) for u, v, d in after.edges(data=True)}
    for u, v, d in before.edges(data=True):
        k = union.add_edge(u, v, **d)
        gone = (u, v, d.get("predicate")) not in after_keys
        edge_changes[(u, v, k)] = "removed" if gone else "same"
    for u, v, d in after.edges(data=True):
        if (u, v, d.get("predicate")) not in before_keys:
            k = union.add_edge(u, v, **d)
            edge_changes[(u, v, k)] = "added"
    coverage: dict[Hashable, str] = {}
    for v in union:
        status = ca.get(v) or cb.get(v)
        if status:
            coverage[v] = status
    el = build_elements(
        union,
        compute_layout(union),
        centrality=centrality,
        coverage=coverage,
        source_titles=source_titles,
        changes=changes,
        edge_changes=edge_changes,
    )
    payload = _payload(el, title, focus=None, mode="scenario", coverage=coverage)
    return _render(payload, title)
