"""Building the store from the curated data: validate everything first, then swap atomically.

Why a new directory and two renames rather than clearing and reloading the live store: a build
that fails half-way (bad data, a full disk, a kill -9) must never leave a half-written store.
The sequence is

1. compile and validate all curated data (nothing is written if any file is invalid);
2. load the ontology, the data and ``extra_quads`` into ``<store>.building-<pid>`` and flush;
3. rename ``<store>`` → ``<store>.old-<pid>``, rename the new directory → ``<store>``, delete
   the old one.

A kill -9 before step 3 leaves the old store in place (and a stale ``.building-*`` directory
that the next build removes). Between the two renames of step 3 there is a window of
microseconds in which ``<store>`` does not exist; :func:`recover_store` (called at the start of
every build and by :meth:`govkg.graph.store.embedded.Store.open`) restores ``<store>.old-*`` then.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.curated import DATA_DIR, compile_data
from govkg.graph.errors import StoreError
from govkg.graph.store.backend import write_new_store
from govkg.graph.store.directory import check_replaceable, recover_store, swap_in
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote: sources, statements, triples (all graphs), named graphs, seconds."""

    sources: int
    statements: int
    triples: int
    graphs: int
    seconds: float


def build_store(
    store_path: Path,
    data_dir: Path = DATA_DIR,
    *,
    extra_quads: Iterable[ox.Quad] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Compile, validate and load the curated data into a fresh store at ``store_path``.

    Raises :class:`~govkg.graph.errors.DataValidationError` (nothing written) when the data is
    invalid and :class:`~govkg.graph.errors.StoreError` when the new store cannot be written or
    swapped in; in both cases the previous store is left as it was.
    """
    started = time.monotonic()
    check_replaceable(Path(store_path))  # before compiling: a non-store folder is never replaced
    say = progress or (lambda _msg: None)
    store_path = Path(store_path).absolute()
    recover_store(store_path)

    say(f"compiling and validating {data_dir}")
    data = compile_data(Path(data_dir))

    building = store_path.with_name(f"{store_path.name}.building-{os.getpid()}")
    if building.exists():
        shutil.rmtree(building)
    try:
        say(f"loading {len(data.graph_names)} graphs into {building.name}")
        triples, graphs = _write_new_store(building, data.iter_quads(), extra_quads)
    except BaseException as exc:
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write a new store next to {store_path}: {exc}") from exc
        raise
    say(f"swapping the new store into {store_path}")
    swap_in(building, store_path)
    return BuildReport(
        sources=data.source_count,
        statements=data.statement_count,
        triples=triples,
        graphs=graphs,
        seconds=round(time.monotonic() - started, 3),
    )


def _write_new_store(
    path: Path, quads: Iterable[ox.Quad], extra: Iterable[ox.Quad] | None
) -> tuple[int, int]:
    """Bulk-load the ontology, the data and ``extra`` into a new store; (quads, named graphs)."""
    ontology = (ONTOLOGY_FILE, ox.RdfFormat.TURTLE, str(ONTOLOGY_GRAPH))
    return write_new_store(path, files=[ontology], quads=[quads, extra or ()])
