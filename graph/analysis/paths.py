"""Explanatory paths: how is one entity connected to another, fact by fact, with sources.

"How is Meta connected to OSTP?" is answered by the shortest path on the undirected view (a
fact links two things whichever way its predicate reads), spelled out as the facts on each step
and the named graphs (sources) that assert them. Concept and source nodes are left out by
default: a path through the concept "signed", or through the article that mentions both ends,
joins things without explaining how they are related.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.analysis.centrality import simple_undirected
from graph.analysis.schema import NON_NETWORK_KINDS, Fact, facts_between, kind, label, resolve_node
from graph.errors import NotFoundError


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


def explain_path(
    graph: nx.MultiDiGraph,
    a: str,
    b: str,
    *,
    exclude_kinds: Iterable[str] = NON_NETWORK_KINDS,
) -> PathExplanation:
    """The shortest path between ``a`` and ``b`` with the facts and sources on each edge.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection, or a graph in the same schema.
    a, b : str
        IRIs, govkg ids or exact labels.
    exclude_kinds : iterable of str
        Node kinds the path may not pass through (endpoints are always allowed).

    Raises
    ------
    NotFoundError
        When either end is unknown or no path joins them.

    Examples
    --------
    >>> import networkx as nx
    >>> from graph.analysis.build import add_entity, add_participation
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
    """
    start, end = resolve_node(graph, a), resolve_node(graph, b)
    drop = set(exclude_kinds)
    view = simple_undirected(graph)
    if drop:
        blocked = [n for n in view.nodes if n not in (start, end) and kind(graph, n) in drop]
        view.remove_nodes_from(blocked)
    try:
        nodes = nx.shortest_path(view, start, end)
    except nx.NetworkXNoPath:
        raise NotFoundError(
            f"no path joins {label(graph, start)!r} and {label(graph, end)!r} "
            f"(avoiding {', '.join(sorted(drop)) or 'nothing'})"
        ) from None
    steps = [list(facts_between(graph, u, v)) for u, v in zip(nodes, nodes[1:], strict=False)]
    return PathExplanation(start, end, nodes, [label(graph, n) for n in nodes], steps)
