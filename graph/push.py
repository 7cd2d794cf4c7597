"""Publish the built graph to a remote SPARQL server, one named graph at a time.

Why per graph: the Graph Store Protocol's PUT replaces exactly one graph, so re-pushing is
idempotent (each graph ends up holding what the local store holds, never twice), a failure
names the graph it stopped at, and the verification compares counts graph by graph. Graphs on
the server that the local store does not have are left alone (they may belong to someone else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from govkg.graph.errors import BackendError
from govkg.graph.store.backend import Backend, RemoteStore, raise_not_found_graph

#: Called after each graph with (graphs done, graphs in total, graph IRI).
PushProgress = Callable[[int, int, str], None]


@dataclass
class GraphCount:
    """Local and remote triple counts of one pushed graph."""

    graph: str
    local: int
    remote: int

    @property
    def ok(self) -> bool:
        """Whether the server holds as many triples as the local store."""
        return self.local == self.remote


@dataclass
class PushReport:
    """What a push did: one :class:`GraphCount` per graph."""

    endpoint: str
    graphs: list[GraphCount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every graph verified."""
        return all(g.ok for g in self.graphs)

    @property
    def triples(self) -> int:
        """Triples pushed in all."""
        return sum(g.local for g in self.graphs)


def push(
    local: Backend,
    remote: RemoteStore,
    *,
    graphs: list[str] | None = None,
    progress: PushProgress | None = None,
) -> PushReport:
    """Replace each local named graph (or those in ``graphs``) on ``remote``; verify counts.

    Raises :class:`BackendError` naming the graph and server if a write fails; the graphs
    before it are pushed, the rest are untouched, and re-running the push completes it.
    """
    names = local.named_graphs()
    if graphs is not None:
        missing = sorted(set(graphs) - set(names))
        if missing:
            raise_not_found_graph(missing[0], names)
        names = [g for g in names if g in set(graphs)]
    local_counts: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in local.quads(name)]
        try:
            remote.replace_graph(name, triples)
        except BackendError as exc:
            raise BackendError(f"pushing graph {name} failed: {exc.message}") from exc
        local_counts[name] = len(triples)
        if progress:
            progress(i, len(names), name)
    counts = remote.graph_counts(names) if names else {}  # one COUNT query for all graphs
    report = PushReport(endpoint=remote.url)
    for name in names:
        report.graphs.append(GraphCount(name, local_counts[name], counts.get(name, 0)))
    return report
