"""The one storage interface of govkg, with two implementations: embedded and remote.

Why: the CLI, the HTTP API, the analyses and the visualisation must not know whether they talk
to the embedded Oxigraph store on this machine or to a shared SPARQL 1.1 server. They call
:func:`open_backend` and use only the methods of :class:`Backend`, which both adapters,
:class:`~govkg.graph.store.embedded.Store` and :class:`~govkg.graph.store.remote.RemoteStore`,
provide with the same dataset semantics (the default graph is the union of the named graphs
unless "separate" is asked for). The type checker holds both to the protocol (see the
assignments at the end of this module), and the import contracts keep pyoxigraph's own
``Store`` and the protocol requests inside this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

import pyoxigraph as ox
from govkg.graph.store.bulkload import load_by_swap, write_new_store
from govkg.graph.store.directory import check_no_writer
from govkg.graph.store.embedded import (
    DefaultGraphMode,
    QueryResult,
    Store,
    Term,
    raise_not_found_graph,
    solutions,
)
from govkg.graph.store.remote_config import RemoteConfig

if TYPE_CHECKING:
    from govkg.graph.store.remote import RemoteStore

__all__ = [
    "Backend",
    "RemoteConfig",
    "RemoteStore",
    "load_file",
    "memory_backend",
    "open_backend",
    "raise_not_found_graph",
    "solutions",
    "write_new_store",
]


class Backend(Protocol):
    """What the layers above ``graph/store/`` may call on a store, embedded or remote.

    Graph arguments are IRIs as strings. In the Graph Store methods (``read_graph``,
    ``replace_graph``, ``add_to_graph``, ``drop_graph``) ``None`` names the default graph, which
    a remote backend refuses to write (there it is the union of the named graphs). Every
    failure is a :class:`~govkg.graph.errors.GovkgError`.
    """

    read_only: bool

    def query(
        self,
        sparql: str,
        *,
        default_graph: DefaultGraphMode = "union",
        default_graph_uris: Iterable[str] | None = None,
        named_graph_uris: Iterable[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """A SPARQL query; pyoxigraph ``QuerySolutions``/``QueryBoolean``/``QueryTriples``."""
        ...

    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> None:
        """A SPARQL Update, applied whole or not at all."""
        ...

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of all named graphs."""
        ...

    def named_graphs(self) -> list[str]:
        """The named graphs, sorted."""
        ...

    def has_graph(self, graph: str) -> bool:
        """Whether a named graph exists."""
        ...

    def quad_count(self, graph: str | None = None) -> int:
        """Quads in the dataset or one graph."""
        ...

    def stats(self) -> dict[str, Any]:
        """Triples per graph, total, instances per class, distinct subjects."""
        ...

    def load(
        self,
        source: Path | str | bytes | BinaryIO,
        format: ox.RdfFormat | None = None,
        graph: str | None = None,
        *,
        base_iri: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Load an RDF input; nothing is written when it does not parse."""
        ...

    def read_graph(self, graph: str | None) -> list[ox.Triple] | None:
        """One graph's triples, or ``None`` when there is no such named graph."""
        ...

    def replace_graph(self, graph: str | None, quads: Iterable[ox.Quad | ox.Triple]) -> int:
        """Replace one graph's content; the number of distinct triples written."""
        ...

    def add_to_graph(self, graph: str | None, triples: Iterable[ox.Quad | ox.Triple]) -> int:
        """Merge triples into one graph."""
        ...

    def drop_graph(self, graph: str | None) -> bool:
        """Remove one graph; whether there was anything to remove."""
        ...

    def export(
        self,
        out: BinaryIO | str | Path,
        format: ox.RdfFormat,
        graph: str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
        union: bool = False,
    ) -> None:
        """Serialise the dataset or one graph."""
        ...

    def flush(self) -> None:
        """Persist what was written."""
        ...

    def close(self) -> None:
        """Release connections and handles."""
        ...


def open_backend(
    store: str | Path | None = None,
    *,
    remote: RemoteConfig | None = None,
    read_only: bool = False,
    create: bool = True,
) -> Backend:
    """The remote server when ``remote`` is given, else the embedded store at ``store``.

    Opening a remote backend sends nothing; the first request reports an unreachable server
    (:class:`~govkg.graph.errors.BackendError` naming its URL).
    """
    if remote is not None:
        from govkg.graph.store.remote import RemoteStore  # httpx: only when a server is used

        return RemoteStore(remote, read_only=read_only)
    if store is None:
        raise ValueError("open_backend needs a store path or a remote configuration")
    return Store.open(store, read_only=read_only, create=create)


def memory_backend(quads: Iterable[ox.Quad] = ()) -> Backend:
    """A scratch embedded store in memory holding ``quads`` (to rehearse a write on a copy)."""
    return Store.from_quads(quads)


#: Formats Oxigraph's bulk loader reads, so ``load_file`` can take the checkpoint + swap path.
BULK_FORMATS = (
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.TRIG,
)


def load_file(
    source: Path,
    format: ox.RdfFormat,
    graph: str | None = None,
    *,
    store: str | Path | None = None,
    remote: RemoteConfig | None = None,
    base_iri: str | None = None,
    progress: Callable[[int], None] | None = None,
    replace: bool = False,
) -> int:
    """Load an RDF file into the backend, all or nothing, the fastest way it allows.

    ``replace`` (embedded store, bulk formats, a ``graph`` given) empties ``graph`` in the same
    swap, so the load replaces the graph atomically.

    Why here: the caller (the CLI) should not know which backend it talks to. A remote server
    gets the file through its Graph Store or SPARQL Update; the embedded store takes formats
    the bulk loader reads via a checkpoint, a bulk load and a swap
    (:func:`govkg.graph.store.bulkload.load_by_swap`: atomic at bulk-load speed), and JSON-LD /
    RDF/XML
    through one transaction. Refused with a :class:`~govkg.graph.errors.StoreError` naming the
    server while a writable ``govkg serve`` holds the embedded store.
    """
    if remote is not None:
        backend = open_backend(remote=remote)
        return backend.load(source, format, graph, base_iri=base_iri, progress=progress)
    assert store is not None, "an embedded load needs the store's path"
    path = Path(store)
    check_no_writer(path, f"load {source}")
    if format in BULK_FORMATS:
        return load_by_swap(
            path, source, format, graph, base_iri=base_iri, progress=progress, replace=replace
        )
    local = Store.open(path)
    added = local.load(source, format, graph, base_iri=base_iri, progress=progress)
    local.flush()
    return added


def _conforms(embedded: Store, remote: RemoteStore) -> tuple[Backend, Backend]:
    """Never called: mypy checks here that both adapters implement :class:`Backend`."""
    return embedded, remote


def __getattr__(name: str) -> Any:
    """``RemoteStore`` on first use (PEP 562): importing it loads httpx, which a CLI start
    with an embedded store never needs."""
    if name == "RemoteStore":
        from govkg.graph.store.remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
