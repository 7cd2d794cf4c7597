"""The one storage interface of govkg, with two implementations: embedded and remote.

Why: the CLI, the HTTP API, the analyses and the visualisation must not know whether they talk
to the embedded Oxigraph store on this machine or to a shared SPARQL 1.1 server. They call
:func:`open_backend` and use only the methods of :class:`Backend`, which both
:class:`govkg.graph.store.embedded.Store` and :class:`govkg.graph.store.remote.RemoteStore` provide
with the same dataset
semantics (the default graph is the union of the named graphs unless "separate" is asked for).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

import pyoxigraph as ox
from govkg.graph.errors import InputError
from govkg.graph.store.directory import check_no_writer
from govkg.graph.store.embedded import Store
from govkg.graph.store.remote import RemoteConfig, RemoteStore

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@runtime_checkable
class Backend(Protocol):
    """What the layers above ``graph/`` may call on a store."""

    read_only: bool

    def query(
        self,
        sparql: str,
        *,
        default_graph: Any = "union",
        default_graph_uris: Iterable[str] | None = None,
        named_graph_uris: Iterable[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> Any:
        """A SPARQL query; pyoxigraph ``QuerySolutions``/``QueryBoolean``/``QueryTriples``."""

    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """A SPARQL Update."""

    def named_graphs(self) -> list[str]:
        """The named graphs, sorted."""

    def has_graph(self, graph: str) -> bool:
        """Whether a named graph exists."""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of all named graphs."""

    def quad_count(self, graph: str | None = None) -> int:
        """Quads in the dataset or one graph."""

    def stats(self) -> dict:
        """Triples per graph, total, instances per class, distinct subjects."""

    def load(
        self,
        source: Path | str | bytes | BinaryIO,
        format: ox.RdfFormat | None = None,
        graph: str | None = None,
        *,
        base_iri: str | None = None,
        progress: Any = None,
    ) -> int:
        """Load an RDF input; nothing is written when it does not parse."""

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad | ox.Triple]) -> int:
        """Replace one named graph's content."""

    def drop_graph(self, graph: str) -> bool:
        """Remove one named graph."""

    def export(
        self,
        out: BinaryIO | str | Path,
        format: ox.RdfFormat,
        graph: str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Serialise the dataset or one graph."""

    def flush(self) -> None:
        """Persist what was written."""


def remote_config_from_env(environ: Mapping[str, str] | None = None) -> RemoteConfig | None:
    """A :class:`RemoteConfig` from ``GOVKG_ENDPOINT`` and friends, or ``None`` if unset.

    Variables: ``GOVKG_ENDPOINT``, ``GOVKG_UPDATE_ENDPOINT``, ``GOVKG_GSP_ENDPOINT``,
    ``GOVKG_USER``, ``GOVKG_PASSWORD``, ``GOVKG_AUTH`` (basic|digest), ``GOVKG_BEARER``,
    ``GOVKG_REMOTE_TIMEOUT`` (seconds).
    """
    env = os.environ if environ is None else environ
    endpoint = env.get("GOVKG_ENDPOINT")
    if not endpoint:
        return None
    auth = env.get("GOVKG_AUTH", "basic").lower()
    return RemoteConfig(
        endpoint=endpoint,
        update_endpoint=env.get("GOVKG_UPDATE_ENDPOINT") or None,
        gsp_endpoint=env.get("GOVKG_GSP_ENDPOINT"),
        user=env.get("GOVKG_USER") or None,
        password=env.get("GOVKG_PASSWORD") or None,
        auth="digest" if auth == "digest" else "basic",
        bearer=env.get("GOVKG_BEARER") or None,
        timeout=env_seconds(env, "GOVKG_REMOTE_TIMEOUT", 30.0),
    )


def env_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A number of seconds above 0 from the environment (``default`` when unset), or an
    :class:`~govkg.graph.errors.InputError` naming the variable; shared by every ``GOVKG_*``
    timeout."""
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise InputError(f"{name}: expected a number of seconds above 0, got {text!r}")
    return value


def open_backend(
    store: str | Path | None = None,
    *,
    remote: RemoteConfig | None = None,
    read_only: bool = False,
    create: bool = True,
) -> Store | RemoteStore:
    """The remote server when ``remote`` is given, else the embedded store at ``store``.

    Opening a remote backend sends nothing; the first request reports an unreachable server
    (:class:`~govkg.graph.errors.BackendError` naming its URL).
    """
    if remote is not None:
        return RemoteStore(remote, read_only=read_only)
    if store is None:
        raise ValueError("open_backend needs a store path or a remote configuration")
    return Store.open(store, read_only=read_only, create=create)


def graph_quads(backend: Store | RemoteStore, graph: str) -> Iterable[ox.Quad]:
    """The quads of one named graph, on either backend (for projections and exports)."""
    if isinstance(backend, RemoteStore):
        return backend.quads(graph)
    return backend.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))


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
        from govkg.graph.store.bulkload import load_by_swap

        return load_by_swap(
            path, source, format, graph, base_iri=base_iri, progress=progress, replace=replace
        )
    local = Store.open(path)
    added = local.load(source, format, graph, base_iri=base_iri, progress=progress)
    local.flush()
    return added
