"""What ``govkg analyze``/``govkg viz`` and the ``/analysis``/``/viz`` routes share.

Why one module: the command line and the HTTP API must give the same answer for the same
request, so the steps between a store and an analysis or a page (project with concepts, read
source titles, resolve a focus, pick the subgraph, colour by coverage, size by PageRank) live
here once. Everything is synchronous CPU work; the HTTP routes run it in a thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from govkg.graph.errors import InputError
from govkg.graph.store.embedded import Store

SOURCE_TITLES_QUERY = (
    Path(__file__).resolve().parents[1] / "store" / "queries" / "internal" / "source-titles.rq"
)


def today() -> str:
    """The default ``as_of``: the record as it stands today."""
    return date.today().isoformat()


def load_graph(store: Store) -> nx.MultiDiGraph:
    """The projection the analyses need: with concepts (statuses, stages, stances)."""
    from govkg.graph.projection import project

    return project(store, include_concepts=True)


def source_titles(store: Store) -> dict[str, dict[str, str]]:
    """Source IRI and named-graph IRI → ``{"title", "url"}`` for the page's info panel."""
    rows = store.query(SOURCE_TITLES_QUERY.read_text(encoding="utf-8"))
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
    def of(cls, store: Store) -> Snapshot:
        """Project ``store`` and read its source titles."""
        return cls(load_graph(store), source_titles(store))

    @property
    def pagerank(self) -> dict[Any, float]:
        """PageRank of every node, computed once per snapshot (node size on pages)."""
        if self._pagerank is None:
            from govkg.graph.analysis import pagerank

            self._pagerank = pagerank(self.graph)
        return self._pagerank


def coverage_dict(
    graph: nx.MultiDiGraph, as_of: str | None = None, developer: str | None = None
) -> dict[str, Any]:
    """The coverage report as plain data, narrowed to one developer's models when asked."""
    from govkg.graph.analysis import coverage
    from govkg.graph.analysis.schema import resolve_node

    report = coverage(graph, as_of or today())
    data = report.as_dict()
    if developer:
        dev = resolve_node(graph, developer)
        name = str(graph.nodes[dev].get("label", dev))  # the report names developers by label
        models = [m for m in data["models"] if name in m["developers"]]  # type: ignore[union-attr]
        data["models"] = models
        totals: dict[str, int] = {}
        for m in models:
            totals[m["verdict"]] = totals.get(m["verdict"], 0) + 1
        data["totals"] = totals
        data["by_developer"] = {
            k: v
            for k, v in data["by_developer"].items()  # type: ignore[union-attr]
            if k == name
        }
        data["developer"] = dev
    return data


def centrality_dict(
    graph: nx.MultiDiGraph, *, k: int | None, kinds: list[str] | None, top: int | None
) -> dict[str, list[dict[str, Any]]]:
    """Centrality ranked within each kind, as plain data."""
    from govkg.graph.analysis import centrality

    if k is not None and k < 1:
        raise InputError(f"k: must be at least 1, got {k}")
    if top is not None and top < 1:
        raise InputError(f"top: must be at least 1, got {top}")
    ranked = centrality(graph, k=k, kinds=kinds or None, top=top)
    return {kind: [r.as_dict() for r in rows] for kind, rows in ranked.items()}


def bundled_scenarios() -> list[dict[str, Any]]:
    """Every bundled scenario: name, title, description and default day."""
    from govkg.graph.analysis import SCENARIO_DIR, load_scenario

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


@dataclass
class VizPage:
    """A rendered page and what it holds (the route reports the node count in a header)."""

    html: str
    title: str
    nodes: int
    edges: int


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


def render_page(
    store: Store, snap: Snapshot, req: VizRequest, *, answer: set[str] | None = None
) -> VizPage:
    """Build the page ``req`` asks for from one snapshot of ``store``.

    At most one of ``focus``, ``question``, ``coverage_gap`` and ``scenario`` picks what is
    drawn (the whole graph when none does); nodes are sized by PageRank and models coloured by
    their coverage verdict on ``as_of``. ``answer`` is the set of IRIs the question's answer
    names when the caller already ran it (the server does, in a worker under the time limit
    and row cap); without it the question is run here on ``store`` (``govkg viz``).
    """
    from govkg.graph.analysis import coverage
    from govkg.graph.analysis.schema import parse_day, resolve_node
    from govkg.viz import (
        check_size,
        coverage_gap_subgraph,
        render_graph_page,
        render_scenario_page,
        result_subgraph,
    )

    check_request(req)
    g = snap.graph
    if req.scenario:
        return _scenario_page(g, snap, req, render_scenario_page)
    day = parse_day(req.as_of or today())
    verdicts = coverage(g, day).verdicts()
    if req.focus:
        from govkg.viz import neighbourhood

        node = resolve_node(g, req.focus)
        view = neighbourhood(g, node, 2 if req.depth is None else req.depth)
        title = f"{g.nodes[node].get('label', node)} and its neighbourhood"
    elif req.question:
        if answer is None:
            from govkg.graph.questions import run_question

            result = run_question(store, req.question, req.params)
            answer = {t.value for row in result.terms for t in row if isinstance(t, ox.NamedNode)}
        view = result_subgraph(g, answer, hops=1 if req.depth is None else req.depth)
        title = f"Question: {req.question}"
    elif req.coverage_gap:
        view = coverage_gap_subgraph(g, verdicts)
        title = f"Models outside review on {day.isoformat()}"
    else:
        view = g
        title = "govkg"
    check_size(view.number_of_nodes(), req.max_nodes, what="drawing")
    html = render_graph_page(
        view,
        title=title,
        centrality=snap.pagerank,
        coverage=verdicts,
        max_nodes=req.max_nodes,
        source_titles=snap.titles,
    )
    return VizPage(html, title, view.number_of_nodes(), view.number_of_edges())


def _scenario_page(g: nx.MultiDiGraph, snap: Snapshot, req: VizRequest, render) -> VizPage:  # type: ignore[no-untyped-def]
    """The before/after page of a bundled scenario (or a scenario file, from the CLI)."""
    from govkg.graph.analysis import apply_scenario, coverage, load_scenario, run_scenario

    scenario = load_scenario(req.scenario or "")
    report = run_scenario(g, scenario, as_of=req.as_of)
    after = apply_scenario(g, scenario)
    before_cov = coverage(g, report.as_of).verdicts()
    after_cov = dict(before_cov)
    after_cov.update({m.model: m.after for m in report.moves})
    nodes = len(set(g) | set(after))
    before_keys = {(u, v, d.get("predicate")) for u, v, d in g.edges(data=True)}
    added = sum(
        1 for u, v, d in after.edges(data=True) if (u, v, d.get("predicate")) not in before_keys
    )
    edges = g.number_of_edges() + added
    title = f"Scenario: {report.title}"
    html = render(
        g,
        after,
        title=title,
        coverage_before=before_cov,
        coverage_after=after_cov,
        centrality=snap.pagerank,
        max_nodes=req.max_nodes,
        source_titles=snap.titles,
    )
    return VizPage(html, title, nodes, edges)
