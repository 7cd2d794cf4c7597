"""Interactive, offline graph pages built with pyvis.

Public API (the API's ``/viz`` route and ``govkg viz`` call these)::

    from govkg.viz import render_graph_page, neighbourhood
    html = render_graph_page(g, title="govkg", focus="https://w3id.org/govkg/id/meta", depth=1)

Pages are single self-contained HTML files (no CDN, no request to any other host); a graph with
more nodes than ``max_nodes`` is refused with :class:`govkg.graph.errors.InputError` suggesting a
filter.
"""

from govkg.viz.pages import (
    DEFAULT_MAX_NODES,
    check_size,
    neighbourhood,
    render_graph_page,
    render_scenario_page,
)
from govkg.viz.views import coverage_gap_subgraph, result_subgraph

__all__ = [
    "DEFAULT_MAX_NODES",
    "check_size",
    "coverage_gap_subgraph",
    "neighbourhood",
    "render_graph_page",
    "render_scenario_page",
    "result_subgraph",
]
