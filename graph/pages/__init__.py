"""What the entity pages show: the facts about one resource, gathered and put in a reader's order.

Why here and not next to the templates: a page's content is a question about the graph (which
models derive from this one, which commitments did this developer sign, what does each source
say), so it is answered in ``graph/`` with SPARQL from ``queries/*.rq`` and returned as plain
data. ``api/http/pages.py`` renders it as HTML or JSON; nothing here knows about HTTP.
"""

from __future__ import annotations

from govkg.graph.pages.lookup import Lookup, format_date
from govkg.graph.pages.views import entity_view

__all__ = ["Lookup", "entity_view", "format_date"]
