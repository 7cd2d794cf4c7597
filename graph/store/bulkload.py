"""Loading a large file into the on-disk store at the bulk loader's speed, still atomically.

Why: Oxigraph's transactional ``load`` (what :meth:`govkg.graph.store.embedded.Store.load` uses)
writes at
about 40% of the rate of its ``bulk_load``, which is not atomic (docs/benchmarks.md, Load). So
``govkg load`` takes a checkpoint of the store (``backup``: hard links, so cheap), bulk-loads the
file into the checkpoint, and swaps it in with the same two renames as ``govkg build``
(:func:`govkg.graph.store.directory.swap_in`). A syntax error or a kill before the swap leaves the
store as
it was; :func:`govkg.graph.store.directory.recover_store` repairs a kill between the two renames.

The store must not be open for writing elsewhere while this runs: opening it takes its lock
first, so a running writable server makes the load fail with a clear error instead.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.errors import StoreError, UnsupportedFormatError
from govkg.graph.iris import named_node
from govkg.graph.store.directory import swap_in
from govkg.graph.store.embedded import Progress, Store, input_kwargs, parse_error


def load_by_swap(
    store_path: Path,
    source: Path,
    format: ox.RdfFormat | None = None,
    graph: str | None = None,
    *,
    base_iri: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Bulk-load ``source`` into a checkpoint of the store and swap it in; return quads added.

    Same contract as :meth:`Store.load` (``graph`` receives the triples; quad formats keep their
    named graphs; :class:`~govkg.graph.errors.ParseError` with file, line and column on bad input,
    and then nothing changed).
    """
    target = named_node(graph) if graph is not None else None  # checked before any work
    store_path = Path(store_path).absolute()
    building = store_path.with_name(f"{store_path.name}.building-{os.getpid()}")
    live = Store.open(store_path)  # recovers a killed swap, takes the lock: no other writer
    try:
        name, kwargs = input_kwargs(source, format)
        if graph is not None:
            kwargs["to_graph"] = target
        if base_iri is not None:
            kwargs["base_iri"] = base_iri
        shutil.rmtree(building, ignore_errors=True)
        before = len(live.oxigraph)
        live.oxigraph.backup(str(building))
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise StoreError(f"cannot checkpoint the store at {store_path}: {exc}") from exc
    finally:
        del live
        gc.collect()  # release RocksDB's lock and files before the swap

    if progress:
        progress(0)
    try:
        new = ox.Store(str(building))
        new.bulk_load(**kwargs)
        new.flush()
        after = len(new)
        del new
        gc.collect()
    except SyntaxError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise parse_error(exc, name, kwargs["format"]) from exc
    except ValueError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise UnsupportedFormatError(f"{name}: {exc}") from exc
    except BaseException as exc:
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, OSError | RuntimeError):
            where = f"the store at {store_path}"
            raise StoreError(f"could not load {name} into {where}: {exc}") from exc
        raise
    swap_in(building, store_path)
    if progress:
        progress(after - before)
    return after - before


def write_new_store(
    path: Path,
    *,
    files: Iterable[tuple[Path, ox.RdfFormat, str | None]] = (),
    quads: Iterable[Iterable[ox.Quad]] = (),
) -> tuple[int, int]:
    """Bulk-load files (each into its graph) and quads into a new on-disk store at ``path``.

    Returns (quads, named graphs). The store is closed before returning, so the directory can
    be renamed into place (:func:`govkg.graph.store.directory.swap_in`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    try:
        for file, fmt, graph in files:
            target = named_node(graph) if graph else None
            store.bulk_load(path=str(file), format=fmt, to_graph=target)
        for part in quads:
            store.bulk_extend(part)
        store.flush()
        count = len(store)
        graphs = sum(1 for _ in store.named_graphs())
    finally:
        del store
        gc.collect()  # release RocksDB's files and lock before the directory is renamed
    return count, graphs
