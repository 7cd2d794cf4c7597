"""A pyoxigraph-``Store``-shaped view of a :class:`govkg.graph.store.remote.RemoteStore`.

Why: some code written for the embedded store reaches through ``Store.oxigraph`` for what the
wrapper lacks (a base IRI on queries and updates in the HTTP layer, ``quads_for_pattern`` in the
projection and the Graph Store handlers). This view answers that subset — ``query``, ``update``,
``quads_for_pattern``, ``contains_named_graph``, ``named_graphs``, ``len`` — by sending SPARQL to
the server, so those callers run unchanged on a remote backend. Anything else raises a clear
:class:`~govkg.graph.errors.BackendError` instead of failing obscurely.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from govkg.graph.errors import BackendError

if TYPE_CHECKING:
    from govkg.graph.store.remote import RemoteStore


class RemoteOxigraph:
    """The subset of :class:`pyoxigraph.Store` govkg uses, over a remote server."""

    def __init__(self, remote: RemoteStore) -> None:
        self._remote = remote

    def query(
        self,
        query: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: Any = None,
        named_graphs: Any = None,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ):
        """Like :meth:`pyoxigraph.Store.query`, with its dataset arguments mapped to SPARQL."""
        dg = _iris(default_graph)
        subs = {v.value: t for v, t in (substitutions or {}).items()}
        return self._remote.query(
            query,
            default_graph="union" if use_default_graph_as_union else "separate",
            default_graph_uris=dg or None,
            named_graph_uris=_iris(named_graphs) or None,
            substitutions=subs,
            prefixes=prefixes,
            base_iri=base_iri,
        )

    def update(
        self, update: str, *, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None
    ) -> None:
        """Send a SPARQL Update to the server."""
        self._remote.update(update, prefixes=prefixes, base_iri=base_iri)

    def quads_for_pattern(self, subject, predicate, object, graph_name=None) -> Iterator[ox.Quad]:  # noqa: A002
        """Quads matching the pattern; the remote default graph is empty by govkg's convention."""
        if isinstance(graph_name, ox.DefaultGraph):
            return iter(())
        graph = graph_name.value if graph_name is not None else None
        quads = self._remote.quads(graph)
        return (
            q
            for q in quads
            if (subject is None or q.subject == subject)
            and (predicate is None or q.predicate == predicate)
            and (object is None or q.object == object)
        )

    def contains_named_graph(self, graph_name: ox.NamedNode) -> bool:
        """Whether the server holds this (non-empty) named graph."""
        return self._remote.has_graph(graph_name.value)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The govkg graphs on the server."""
        return iter([ox.NamedNode(g) for g in self._remote.named_graphs()])

    def __len__(self) -> int:
        return self._remote.quad_count()

    def flush(self) -> None:
        """Nothing to flush on a remote server."""

    def __getattr__(self, name: str) -> Any:
        raise BackendError(
            f"'{name}' is not available on the remote SPARQL server {self._remote.url} "
            "(only on the embedded store)"
        )


def _iris(value: Any) -> list[str]:
    if value is None or isinstance(value, ox.DefaultGraph):
        return []
    if isinstance(value, ox.NamedNode):
        return [value.value]
    return [v.value for v in value if isinstance(v, ox.NamedNode)]
