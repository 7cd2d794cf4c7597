"""What ``govkg analyze``/``govkg viz`` and the ``/analysis``/``/viz`` routes share.

Why one module: the command line and the HTTP API must give the same answer for the same
request, so the steps between a store and an analysis or a page (project with concepts, read
source titles, resolve a focus, pick the subgraph, colour by coverage, size by PageRank) live
here once. Everything is synchronous CPU work; the HTTP routes run it in a thread. Drawing the
page a :class:`VizRequest` asks for is :func:`govkg.viz.render.render_page`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from govkg.graph.analysis import SCENARIO_DIR, centrality, coverage, load_scenario, pagerank
from govkg.graph.analysis.schema import resolve_node
from govkg.graph.errors import InputError
from govkg.graph.projection import project
from govkg.graph.store.backend import Backend, solutions
from govkg.ontology.sparql_files import read_sparql


def today() -> str:
    """The default ``as_of``: the record as it stands today."""
    return date.today().isoformat()


def load_graph(store: Backend) -> nx.MultiDiGraph:
    """The projection the analyses need: with concepts (statuses, stages, stances)."""
    return project(store, include_concepts=True)


def source_titles(store: Backend) -> dict[str, dict[str, str]]:
    """Source IRI and named-graph IRI → ``{"title", "url"}`` for the page's info panel."""
    query = read_sparql("govkg.graph", "queries", "internal", "source-titles.rq")
    rows = solutions(store.query(query))
    titles: dict[str, dict[str, str]] = {}
    for row in rows:
        entry: dict[str, str] = {}
        if row["title"] is not None:
            entry["title"] = row["title"].value
        if row["url"] is not None:
            entry["url"] = row["url"].value
        if not entry:
            continue
        titles[row["source"].value] = entry
        if row["graph"] is not None:
            titles[row["graph"].value] = entry
    return titles


@dataclass
class Snapshot:
    """One projection of a store with what pages reuse (source titles, PageRank)."""

    graph: nx.MultiDiGraph
    titles: dict[str, dict[str, str]]
    _pagerank: dict[Any, float] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, store: Backend) -> Snapshot:
        """Project ``store`` and read its source titles."""
        return cls(load_graph(store), source_titles(store))

    @property
    def pagerank(self) -> dict[Any, float]:
        """PageRank of every node, computed once per snapshot (node size on pages)."""
        if self._pagerank is None:
            self._pagerank = pagerank(self.graph)
        return self._pagerank


def coverage_dict(
    graph: nx.MultiDiGraph, as_of: str | None = None, developer: str | None = None
) -> dict[str, Any]:
    """The coverage report as plain data, narrowed to one developer's models when asked."""
    report = coverage(graph, as_of or today())
    data: dict[str, Any] = report.as_dict()
    if developer:
        dev = resolve_node(graph, developer)
        name = str(graph.nodes[dev].get("label", dev))  # the report names developers by label
        models = [m for m in data["models"] if name in m["developers"]]
        data["models"] = models
        totals: dict[str, int] = {}
        for m in models:
            totals[m["verdict"]] = totals.get(m["verdict"], 0) + 1
        data["totals"] = totals
        data["by_developer"] = {k: v for k, v in data["by_developer"].items() if k == name}
        data["developer"] = dev
    return data


def centrality_dict(
    graph: nx.MultiDiGraph, *, k: int | None, kinds: list[str] | None, top: int | None
) -> dict[str, list[dict[str, Any]]]:
    """Centrality ranked within each kind, as plain data."""
    if k is not None and k < 1:
        raise InputError(f"k: must be at least 1, got {k}")
    if top is not None and top < 1:
        raise InputError(f"top: must be at least 1, got {top}")
    ranked = centrality(graph, k=k, kinds=kinds or None, top=top)
    return {kind: [r.as_dict() for r in rows] for kind, rows in ranked.items()}


def bundled_scenarios() -> list[dict[str, Any]]:
    """Every bundled scenario: name, title, description and default day."""
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        s = load_scenario(path)
        out.append(
            {
                "name": path.stem,
                "title": s.title,
                "description": s.description,
                "as_of": s.as_of.isoformat() if s.as_of else None,
            }
        )
    return out


@dataclass
class VizRequest:
    """What to draw; the fields mirror ``govkg viz`` options and ``/viz`` query parameters."""

    focus: str | None = None
    depth: int | None = None
    question: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    coverage_gap: bool = False
    scenario: str | None = None
    as_of: str | None = None
    max_nodes: int = 5000


def check_request(req: VizRequest) -> None:
    """Refuse a contradictory or out-of-range request before any work is done for it."""
    chosen = [
        name
        for name, on in (
            ("focus", req.focus),
            ("question", req.question),
            ("coverage_gap", req.coverage_gap),
            ("scenario", req.scenario),
        )
        if on
    ]
    if len(chosen) > 1:
        raise InputError(f"give only one of focus, question, coverage_gap, scenario (got {chosen})")
    if req.depth is not None and req.depth < 0:
        raise InputError(f"depth: must be 0 or more, got {req.depth}")
    if req.max_nodes < 1:
        raise InputError(f"max_nodes: must be at least 1, got {req.max_nodes}")


def answer_iris(rows: Iterable[dict[str, dict[str, str]]]) -> set[str]:
    """The IRIs a question's answer names, from SPARQL-JSON-style rows (a worker's outcome)."""
    return {t["value"] for row in rows for t in row.values() if t.get("type") == "uri"}
