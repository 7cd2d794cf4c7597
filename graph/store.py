"""The embedded store: Oxigraph on disk behind a small, typed API.

Why a wrapper at all: the rest of govkg must not care whether the store is on disk, in memory or
(later) a remote SPARQL server, and every store error must become a :class:`~graph.errors.StoreError`
or :class:`~graph.errors.QuerySyntaxError` with a message a user can act on.

    >>> store = Store.in_memory()
    >>> store.update('INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> '
    ...              '<http://example.org/p> "1" } }')
    >>> [str(row["s"].value) for row in store.query("SELECT ?s WHERE { ?s ?p ?o }")]
    ['http://example.org/a']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from graph.errors import QuerySyntaxError, StoreError

DefaultGraphMode = Literal["union", "separate"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Store:
    """An Oxigraph store (on disk or in memory) holding govkg's named graphs.

    By default queries see the union of all named graphs as their default graph
    (``default_graph="union"``); ``"separate"`` gives standard SPARQL dataset semantics.
    """

    def __init__(self, inner: ox.Store, *, path: Path | None, read_only: bool) -> None:
        self._store = inner
        self.path = path
        self.read_only = read_only

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def in_memory(cls) -> Store:
        """A fresh store that lives only in this process (tests, scenario copies)."""
        return cls(ox.Store(), path=None, read_only=False)

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, create: bool = True) -> Store:
        """Open (or create) the store at ``path``.

        ``read_only=True`` opens a snapshot that other processes may share while one writer
        holds the store. Raises :class:`StoreError` when the directory is missing (and
        ``create`` is false or the store is read-only), locked by another writer, or corrupt.
        """
        path = Path(path)
        if (read_only or not create) and not path.exists():
            raise StoreError(
                f"no store at {path}: run `govkg build --store {path}` first "
                "(or set GOVKG_STORE to an existing store)"
            )
        try:
            if read_only:
                inner = ox.Store.read_only(str(path))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                inner = ox.Store(str(path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                reason = "it is locked by another govkg process (a running server or build?)"
            elif "permission" in text.lower() or "read-only" in text.lower():
                reason = "govkg has no permission to write there"
            else:
                reason = f"it could not be opened ({text})"
            raise StoreError(f"cannot open the store at {path}: {reason}") from exc
        return cls(inner, path=path, read_only=read_only)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for bulk operations inside ``graph/``."""
        return self._store

    # -- queries ---------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph: DefaultGraphMode = "union",
        default_graph_uris: Iterable[str] | None = None,
        named_graph_uris: Iterable[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; results are lazy pyoxigraph objects.

        ``default_graph_uris`` / ``named_graph_uris`` follow the SPARQL Protocol's
        ``default-graph-uri`` / ``named-graph-uri``: when given they define the dataset and
        override ``default_graph``. ``substitutions`` binds variables by the engine
        (SEP-0007), never by string formatting.
        """
        kwargs: dict = {}
        dg = [ox.NamedNode(u) for u in default_graph_uris or ()]
        ng = [ox.NamedNode(u) for u in named_graph_uris or ()]
        if dg:
            kwargs["default_graph"] = dg
        elif default_graph == "union":
            kwargs["use_default_graph_as_union"] = True
        if ng:
            kwargs["named_graphs"] = ng
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if prefixes:
            kwargs["prefixes"] = dict(prefixes)
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc

    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Run a SPARQL 1.1 Update in one transaction."""
        self._check_writable()
        try:
            if prefixes:
                self._store.update(sparql, prefixes=dict(prefixes))
            else:
                self._store.update(sparql)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL Update syntax error: {exc}") from exc

    # -- graphs ----------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs in the store, sorted."""
        return sorted(
            g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def flush(self) -> None:
        """Make sure everything written so far is on disk."""
        if self.path is not None and not self.read_only:
            self._store.flush()

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only")
