"""Explanatory paths: how is one entity connected to another, fact by fact, with sources.

"How is Meta connected to OSTP?" is answered by the cheapest path on the undirected view (a fact
links two things whichever way its predicate reads), spelled out as the facts on each step and
the named graphs (sources) that assert them. Concept and source nodes are left out by default:
a path through the concept "signed", or through the article that mentions both ends, joins
things without explaining how they are related. For the same reason the remaining hubs cost
more to pass through than ordinary nodes: "both are in the United States" or "both deal with
Meta" is a link, but rarely the explanation (see :func:`explain_path`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
from govkg.graph.analysis.centrality import simple_undirected
from govkg.graph.analysis.schema import (
    CONCEPT,
    NON_NETWORK_KINDS,
    Fact,
    facts_between,
    kind,
    label,
    resolve_node,
)
from govkg.graph.errors import NotFoundError

#: Extra cost, in steps, of passing through a node of these kinds: a jurisdiction or a concept
#: joins everything in a country or everything with the same status, so a path through one
#: explains little. Sources are excluded by default; the cost applies if they are let in.
DETOUR_COSTS: Mapping[str, float] = {
    "Jurisdiction": 3.0,
    CONCEPT: 3.0,
    "Source": 3.0,
    "SourceGraph": 3.0,
}

#: Degree from which a node counts as a hub: passing through a node with ``hub_degree * 2**k``
#: neighbours costs ``k`` extra steps (20 → +0, 40 → +1, 80 → +2, ...).
HUB_DEGREE = 20


@dataclass
class PathExplanation:
    """A shortest path: the nodes in order and, per step, the facts that make the link."""

    source: str
    target: str
    nodes: list[str]
    labels: list[str]
    steps: list[list[Fact]] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Number of steps (edges) on the path."""
        return len(self.nodes) - 1

    @property
    def text(self) -> str:
        """The path as one readable chain, first fact of each step."""
        return "; ".join(str(step[0]) for step in self.steps)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "source": self.source,
            "target": self.target,
            "length": self.length,
            "nodes": self.nodes,
            "labels": self.labels,
            "text": self.text,
            "steps": [[f.as_dict() for f in step] for step in self.steps],
        }


def node_costs(
    view: nx.Graph,
    graph: nx.MultiDiGraph,
    *,
    kind_costs: Mapping[str, float] = DETOUR_COSTS,
    hub_degree: float = HUB_DEGREE,
) -> dict[str, float]:
    """The extra cost of passing through each node of ``view``: by kind, plus by degree.

    ``kind_costs[kind]`` (0 for kinds not listed) plus ``log2(degree / hub_degree)`` when the
    node has more than ``hub_degree`` neighbours in ``view``: logarithmic, so a hub costs more
    the larger it is, yet a path through a big hub is still found when it is the only one.

    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, iri
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "us", "Jurisdiction", "United States")
    >>> _ = add_entity(g, "acme", "AIDeveloper", "Acme")
    >>> costs = node_costs(simple_undirected(g), g)
    >>> costs[iri("us")], costs[iri("acme")]
    (3.0, 0.0)
    """
    if hub_degree <= 0:
        raise ValueError(f"hub_degree must be positive, got {hub_degree!r}")
    costs: dict[str, float] = {}
    for node, degree in view.degree():
        hub = math.log2(degree / hub_degree) if degree > hub_degree else 0.0
        costs[node] = float(kind_costs.get(kind(graph, node), 0.0)) + hub
    return costs


def explain_path(
    graph: nx.MultiDiGraph,
    a: str,
    b: str,
    *,
    exclude_kinds: Iterable[str] = NON_NETWORK_KINDS,
    kind_costs: Mapping[str, float] = DETOUR_COSTS,
    hub_degree: float = HUB_DEGREE,
) -> PathExplanation:
    """The most explanatory path between ``a`` and ``b``, with the facts and sources per edge.

    The path is the cheapest one on the undirected view, where a step costs 1 plus half the
    extra cost of each node it joins (:func:`node_costs`), so every node a path passes through
    adds its whole extra cost once. Extra costs come from the node's kind (``kind_costs``: a
    jurisdiction or a concept costs 3 more steps) and from its degree (a node with more than
    ``hub_degree`` neighbours costs ``log2(degree / hub_degree)`` more). Without such nodes
    the answer is a shortest path; with them, a path up to that many steps longer through
    substantive links (a participation, an issuing body, an evaluation) is preferred to
    "both are in the United States". The ends' own costs are the same for every path and do
    not change the choice.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection, or a graph in the same schema.
    a, b : str
        IRIs, govkg ids or exact labels.
    exclude_kinds : iterable of str
        Node kinds the path may not pass through (endpoints are always allowed).
    kind_costs : mapping of str to float
        Extra cost, in steps, of passing through a node of each kind (default
        :data:`DETOUR_COSTS`); ``{}`` with ``hub_degree=math.inf`` gives plain shortest paths.
    hub_degree : float
        Number of neighbours above which a node starts to cost more (default
        :data:`HUB_DEGREE`).

    Returns
    -------
    PathExplanation
        The nodes in order, their labels, and the facts of each step (``length`` counts steps).

    Raises
    ------
    NotFoundError
        When either end is unknown or no path joins them.

    Examples
    --------
    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import ISSUED_BY, add_edge, add_entity, add_participation
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "meta", "AIDeveloper", "Meta")
    >>> _ = add_entity(g, "commit", "VoluntaryCommitment", "WH commitments")
    >>> _ = add_participation(g, "p1", "meta", "commit", "signed",
    ...                       source_graph="https://w3id.org/govkg/graph/wh-2023")
    >>> path = explain_path(g, "Meta", "commit")
    >>> path.labels
    ['Meta', 'p1', 'WH commitments']
    >>> print(path.text)
    p1 —participant→ Meta; p1 —instrument→ WH commitments
    >>> path.steps[0][0].sources
    ('https://w3id.org/govkg/graph/wh-2023',)

    Both Meta and OSTP are in the United States (2 steps), but the path through the
    commitment OSTP issued (3 steps) says how they are related:

    >>> _ = add_entity(g, "us", "Jurisdiction", "United States")
    >>> _ = add_entity(g, "ostp", "ExecutiveOffice", "OSTP")
    >>> JURISDICTION = "https://w3id.org/govkg/ontology#jurisdiction"
    >>> add_edge(g, "meta", JURISDICTION, "us")
    >>> add_edge(g, "ostp", JURISDICTION, "us")
    >>> add_edge(g, "commit", ISSUED_BY, "ostp")
    >>> explain_path(g, "meta", "ostp").labels
    ['Meta', 'p1', 'WH commitments', 'OSTP']
    >>> explain_path(g, "meta", "ostp", kind_costs={}).labels
    ['Meta', 'United States', 'OSTP']
    """
    start, end = resolve_node(graph, a), resolve_node(graph, b)
    drop = set(exclude_kinds)
    view = simple_undirected(graph)
    if drop:
        blocked = [n for n in view.nodes if n not in (start, end) and kind(graph, n) in drop]
        view.remove_nodes_from(blocked)
    costs = node_costs(view, graph, kind_costs=kind_costs, hub_degree=hub_degree)
    try:
        nodes = nx.dijkstra_path(
            view, start, end, weight=lambda u, v, _: 1.0 + (costs[u] + costs[v]) / 2
        )
    except nx.NetworkXNoPath:
        raise NotFoundError(
            f"no path joins {label(graph, start)!r} and {label(graph, end)!r} "
            f"(avoiding {', '.join(sorted(drop)) or 'nothing'})"
        ) from None
    steps = [list(facts_between(graph, u, v)) for u, v in zip(nodes, nodes[1:], strict=False)]
    return PathExplanation(start, end, nodes, [label(graph, n) for n in nodes], steps)
