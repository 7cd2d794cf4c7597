"""Interactive, offline graph pages built with pyvis.

Public API (the API's ``/viz`` route and ``govkg viz`` call these)::

    from viz import render_graph_page, neighbourhood
    html = render_graph_page(g, title="govkg", focus="https://w3id.org/govkg/id/meta", depth=1)

Pages are single self-contained HTML files (no CDN, no request to any other host); a graph with
more nodes than ``max_nodes`` is refused with :class:`graph.errors.InputError` suggesting a filter.
"""

from viz.pages import (
    DEFAULT_MAX_NODES,
    check_size,
    neighbourhood,
    render_graph_page,
    render_scenario_page,
)
from viz.views import coverage_gap_subgraph, result_subgraph

__all__ = [
    "DEFAULT_MAX_NODES",
    "check_size",
    "coverage_gap_subgraph",
    "neighbourhood",
    "render_graph_page",
    "render_scenario_page",
    "result_subgraph",
]
