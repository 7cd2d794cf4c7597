"""Views that tell a story: one source's actors and relations, and open-weights coverage.

Why: the whole graph (about a thousand nodes) answers nothing at a glance. ``/viz`` opens on
the founding article instead — the actors it names and what it says connects them — and offers
the coverage of open-weights models by developer, coloured by verdict, as the second story.
Each function returns a copy of part of the projection for :func:`govkg.viz.render_graph_page`.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
from govkg.graph.errors import NotFoundError

#: The source graph /viz opens on: the founding article (graph/data/sources/).
FOUNDING_ARTICLE = "https://w3id.org/govkg/graph/article-meta-federal-ai-review"
#: Node kinds left out of a story: vocabulary (concepts have an empty kind) and the source
#: node itself (every statement points at it, which would pull the drawing into a star).
_BACKDROP = {"", "Source"}


def source_story(g: nx.MultiDiGraph, graph_iri: str = FOUNDING_ARTICLE) -> nx.MultiDiGraph:
    """What one source says: the edges its named graph states and the nodes they join.

    Concept nodes (statuses, stances, action types) and the source node are left out: they are
    shown as labels and facts of the statements, not as places in the drawing.
    """
    keep_edges = [(u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
                  if d.get("graph") == graph_iri]  # fmt: skip
    if not keep_edges:
        raise NotFoundError(f"no edge of the graph comes from <{graph_iri}>")
    view = g.edge_subgraph(keep_edges).copy()
    view.remove_nodes_from([n for n, d in list(view.nodes(data=True))
                            if d.get("kind", "") in _BACKDROP])  # fmt: skip
    view.remove_nodes_from([n for n in list(view) if view.degree(n) == 0])
    return view


def open_weights_coverage(
    g: nx.MultiDiGraph, models: Mapping[str, bool], developers: Mapping[str, list[str]]
) -> nx.MultiDiGraph:
    """Open-weights models and their developers (a star per developer).

    ``models`` maps model IRI → whether its weights are open (from the coverage report);
    ``developers`` maps model IRI → developer IRIs. Colour the result with the report's verdicts.
    """
    keep = {m for m, is_open in models.items() if is_open and m in g}
    keep |= {d for m in list(keep) for d in developers.get(m, ()) if d in g}
    view = g.subgraph(keep).copy()
    other = [
        (u, v, k)
        for u, v, k, d in list(view.edges(keys=True, data=True))
        if not str(d.get("predicate", "")).endswith("developedBy")
    ]
    view.remove_edges_from(other)
    return view
