"""Centrality: which agencies, developers, instruments and models are pivotal, ranked by class.

Three measures, each answering a different question:

- **PageRank** (directed): statements point at the entities they are about, so an entity that
  many facts reach -- an agency that evaluates many models, an agreement many sign -- ranks high.
- **Betweenness** (undirected, approximate): how often an entity lies on shortest paths between
  others -- the brokers between developers and government. Exact betweenness is cubic-ish; it is
  estimated from ``k`` source nodes sampled with a fixed ``seed`` so results repeat.
- **Degree** (undirected, distinct neighbours): how many things an entity is directly tied to.

SKOS concept nodes (present when the projection keeps them) and source nodes are left out of
all three (:data:`~govkg.graph.analysis.schema.NON_NETWORK_KINDS`).

Ranks are computed within each ``kind`` (comparing an agency's score with a model's says little)
and use competition ranking: tied scores share a rank and the next rank is skipped (1, 2, 2, 4).

PageRank is networkx's (a SciPy sparse power iteration) on a weighted digraph where parallel
edges, i.e. the same fact from several sources, add weight; the definition is the standard
one [1]_.

References
----------
.. [1] L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation ranking: bringing order
   to the Web", Stanford InfoLab, 1999.
.. [2] U. Brandes, C. Pich, "Centrality estimation in large networks", Int. J. Bifurcation and
   Chaos 17(7), 2007 (the k-sample betweenness estimate networkx implements).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from govkg.graph.analysis.schema import NON_NETWORK_KINDS, kind, label

#: Scores closer than this count as tied (floating-point noise must not break a tie).
TIE_TOLERANCE = 1e-9


def pagerank(
    graph: nx.MultiDiGraph, *, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200
) -> dict[str, float]:
    """PageRank of every node (NetworkX's SciPy implementation); parallel edges add weight.

    Examples
    --------
    On a directed cycle every node is alike, so every score is 1/n:

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    >>> {n: round(s, 6) for n, s in pagerank(g).items()}
    {'a': 0.333333, 'b': 0.333333, 'c': 0.333333}
    """
    if graph.number_of_nodes() == 0:
        return {}
    # Collapse parallel edges into weights: NetworkX's SciPy PageRank takes a weighted DiGraph,
    # and a fact asserted by two sources should count twice.
    weighted = nx.DiGraph()
    weighted.add_nodes_from(graph.nodes)
    for u, v in graph.edges():
        if weighted.has_edge(u, v):
            weighted[u][v]["weight"] += 1
        else:
            weighted.add_edge(u, v, weight=1)
    return nx.pagerank(weighted, alpha=alpha, tol=tol, max_iter=max_iter, weight="weight")


def simple_undirected(graph: nx.MultiDiGraph, *, drop_kinds: Iterable[str] = ()) -> nx.Graph:
    """The graph as a simple undirected graph (parallel and reverse edges merged).

    Betweenness, degree, communities and components are about who is tied to whom, not how
    many sources say so or in which direction the predicate reads.
    """
    drop = set(drop_kinds)
    keep = [n for n in graph.nodes if not drop or kind(graph, n) not in drop]
    simple = nx.Graph()
    simple.add_nodes_from(keep)
    kept = set(keep)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v and u in kept and v in kept)
    return simple


@dataclass
class Ranked:
    """One node's scores and its rank on each measure within its kind."""

    node: str
    label: str
    kind: str
    pagerank: float
    betweenness: float
    degree: int
    pagerank_rank: int
    betweenness_rank: int
    degree_rank: int

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return dict(self.__dict__)


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    """Rank 1 for the highest score; tied scores share a rank and the next ranks are skipped.

    >>> competition_ranks({"a": 0.5, "b": 0.2, "c": 0.5, "d": 0.1})
    {'a': 1, 'c': 1, 'b': 3, 'd': 4}
    """
    ordered = sorted(scores, key=lambda k: -scores[k])
    ranks: dict[str, int] = {}
    for position, key in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        if previous is not None and abs(scores[previous] - scores[key]) <= TIE_TOLERANCE:
            ranks[key] = ranks[previous]
        else:
            ranks[key] = position
    return ranks


def centrality(
    graph: nx.MultiDiGraph,
    *,
    k: int | None = 100,
    seed: int = 42,
    kinds: Iterable[str] | None = None,
    top: int | None = 10,
) -> dict[str, list[Ranked]]:
    """PageRank, approximate betweenness and degree of every node, ranked within its kind.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection, or a graph in the same schema.
    k : int or None
        Betweenness is estimated from ``k`` sampled sources (exact when None or ``k >= n``).
    seed : int
        Seed for the betweenness sample, so results repeat.
    kinds : iterable of str, optional
        Only report these kinds (e.g. ``["Agency", "AIDeveloper"]``); all are still scored.
    top : int or None
        Keep the ``top`` best by PageRank in each kind (all when None).

    Returns
    -------
    dict
        kind → list of :class:`Ranked`, best PageRank first (ties by label).

    Examples
    --------
    Two developers each tied to one agency by an agreement; the agency is the broker:

    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_participation
    >>> g = nx.MultiDiGraph()
    >>> for dev in ("a", "b"):
    ...     _ = add_entity(g, dev, "AIDeveloper", dev.upper())
    ...     _ = add_participation(g, "p-" + dev, dev, "pact", "signed")
    >>> _ = add_entity(g, "pact", "TestingAgreement", "Pact")
    >>> ranked = centrality(g, k=None, kinds=["AIDeveloper", "TestingAgreement"])
    >>> [(r.label, r.pagerank_rank, r.degree) for r in ranked["AIDeveloper"]]
    [('A', 1, 1), ('B', 1, 1)]
    >>> ranked["TestingAgreement"][0].betweenness > ranked["AIDeveloper"][0].betweenness
    True
    """
    # Concept and source nodes would be hubs joining every statement that shares a value or a
    # source; like the projection's default for concepts, leave them out of every measure.
    kept = [node for node in graph.nodes if kind(graph, node) not in NON_NETWORK_KINDS]
    graph = graph.subgraph(kept) if len(kept) < graph.number_of_nodes() else graph
    simple = simple_undirected(graph)
    n = simple.number_of_nodes()
    sample = None if k is None or k >= n else k
    betweenness = nx.betweenness_centrality(simple, k=sample, seed=seed) if n else {}
    ranks_pr = pagerank(graph)
    wanted = set(kinds) if kinds is not None else None
    groups: dict[str, list[str]] = {}
    for node in graph.nodes:
        node_kind = kind(graph, node) or "(untyped)"
        if wanted is None or node_kind in wanted:
            groups.setdefault(node_kind, []).append(node)
    result: dict[str, list[Ranked]] = {}
    for node_kind in sorted(groups):
        members = groups[node_kind]
        pr = {m: ranks_pr[m] for m in members}
        bc = {m: betweenness.get(m, 0.0) for m in members}
        dg = {m: float(simple.degree(m)) for m in members}
        pr_rank, bc_rank, dg_rank = (
            competition_ranks(pr),
            competition_ranks(bc),
            competition_ranks(dg),
        )
        rows = [
            Ranked(
                m,
                label(graph, m),
                node_kind,
                pr[m],
                bc[m],
                int(dg[m]),
                pr_rank[m],
                bc_rank[m],
                dg_rank[m],
            )
            for m in members
        ]
        rows.sort(key=lambda r: (r.pagerank_rank, r.label.casefold(), r.node))
        result[node_kind] = rows[:top] if top is not None else rows
    return result
