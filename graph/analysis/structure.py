"""Structure: Louvain communities set against recorded stances, and connected components.

Why compare communities with stances: the article sorts companies into cooperative, compliant
and resistant. If the network of who signs, is evaluated by and is acted on by whom falls into
communities that line up with those stances, the stances are visible in behaviour, not only in
how a source characterises them; where they do not line up is worth a look.

Communities are found on the simple undirected view without concept and source nodes (a status
concept or a source shared by many statements would otherwise glue everything into one hub). Stance
attributions stay in the graph as nodes; each holder's stance is read from the attribution (the
``stance`` edge or attribute) and tallied in the holder's community.

References
----------
.. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast unfolding of communities
   in large networks", J. Stat. Mech. (2008) P10008.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from govkg.graph.analysis.centrality import simple_undirected
from govkg.graph.analysis.schema import (
    HOLDER,
    NON_NETWORK_KINDS,
    STANCE,
    STANCE_ATTRIBUTION,
    concept_value,
    kind,
    label,
    nodes_of_kind,
    out_targets,
)


@dataclass
class Community:
    """One community: its size, what it is made of, and the stances of its members."""

    index: int
    size: int
    kinds: dict[str, int]
    members: list[str]
    labels: list[str]
    stances: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


@dataclass
class CommunityReport:
    """Louvain communities and how the recorded stances fall across them."""

    communities: list[Community]
    modularity: float
    stance_spread: dict[str, dict[int, int]]

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON (community indices become strings as JSON keys must)."""
        return {
            "modularity": self.modularity,
            "stance_spread": {
                s: {str(i): c for i, c in spread.items()}
                for s, spread in self.stance_spread.items()
            },
            "communities": [c.as_dict() for c in self.communities],
        }


def stances(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Holder IRI → stance ids recorded for it (all attributions, in IRI order).

    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_stance
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "meta", "AIDeveloper", "Meta")
    >>> _ = add_stance(g, "s1", "meta", "resistant")
    >>> stances(g)
    {'https://w3id.org/govkg/id/meta': ['resistant']}
    """
    found: dict[str, list[str]] = {}
    for attribution in nodes_of_kind(graph, STANCE_ATTRIBUTION):
        value = concept_value(graph, attribution, STANCE)
        if value is None:
            continue
        for holder in out_targets(graph, attribution, HOLDER):
            found.setdefault(holder, []).append(value)
    return found


def communities(
    graph: nx.MultiDiGraph,
    *,
    seed: int = 42,
    resolution: float = 1.0,
    drop_kinds: Iterable[str] = NON_NETWORK_KINDS,
) -> CommunityReport:
    """Louvain communities (seeded), largest first, each with the stances of its members.

    Examples
    --------
    Two cliques joined by one edge; one resistant holder in each:

    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_edge, add_stance
    >>> g = nx.MultiDiGraph()
    >>> for name in "abcxyz":
    ...     _ = add_entity(g, name, "AIDeveloper", name.upper())
    >>> for u, v in ["ab", "bc", "ca", "xy", "yz", "zx", "cx"]:
    ...     add_edge(g, u, "https://example.org/knows", v)
    >>> _ = add_stance(g, "s1", "a", "resistant")
    >>> _ = add_stance(g, "s2", "x", "cooperative")
    >>> report = communities(g)
    >>> sorted(sorted(c.stances) for c in report.communities)
    [['cooperative'], ['resistant']]
    """
    simple = simple_undirected(graph, drop_kinds=drop_kinds)
    if simple.number_of_nodes() == 0:
        return CommunityReport([], 0.0, {})
    parts = nx.community.louvain_communities(simple, seed=seed, resolution=resolution)
    parts = sorted(parts, key=lambda p: (-len(p), min(p)))
    where = {node: i for i, part in enumerate(parts) for node in part}
    holder_stances = stances(graph)
    result = []
    spread: dict[str, Counter[int]] = {}
    for i, part in enumerate(parts):
        members = sorted(part, key=lambda n: (-simple.degree(n), label(graph, n).casefold(), n))
        community = Community(
            index=i,
            size=len(part),
            kinds=dict(Counter(kind(graph, n) or "(untyped)" for n in part).most_common()),
            members=members,
            labels=[label(graph, n) for n in members],
        )
        result.append(community)
    for holder, values in sorted(holder_stances.items()):
        if holder not in where:
            continue
        community = result[where[holder]]
        for value in values:
            names = community.stances.setdefault(value, [])
            if label(graph, holder) not in names:
                names.append(label(graph, holder))
            spread.setdefault(value, Counter())[where[holder]] += 1
    modularity = nx.community.modularity(simple, parts) if simple.number_of_edges() else 0.0
    return CommunityReport(
        result,
        modularity,
        {s: dict(sorted(c.items())) for s, c in sorted(spread.items())},
    )


@dataclass
class ComponentReport:
    """Connected components, largest first: a graph of islands has facts nobody linked up."""

    count: int
    sizes: list[int]
    components: list[list[str]]

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


def components(
    graph: nx.MultiDiGraph, *, drop_kinds: Iterable[str] = NON_NETWORK_KINDS
) -> ComponentReport:
    """Weakly connected components (on the undirected view), largest first, members sorted.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b"), ("c", "d"), ("d", "e")])
    >>> components(g).sizes
    [3, 2]
    """
    simple = simple_undirected(graph, drop_kinds=drop_kinds)
    parts = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    return ComponentReport(len(parts), [len(c) for c in parts], parts)
