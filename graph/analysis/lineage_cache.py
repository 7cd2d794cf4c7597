"""The lineage projection of an imported snapshot, saved beside the store by the importer.

Why: reading the lineage of two million models back out of Oxigraph (five SELECTs, two IRIs
decoded per link) takes minutes, while the importer already holds every model, link, licence
and open-weights flag when it writes the snapshot. It saves them as numpy arrays, and
:meth:`govkg.graph.analysis.lineage.Lineage.from_store` reads those instead of querying the
snapshot's graph.

Where: a sidecar directory ``<store>.lineage/`` next to the store directory (never inside
RocksDB's directory, which a ``govkg build`` or a bulk load swaps out whole). Per snapshot graph
two files:

- ``<graph>-<import id>.npz``: the arrays (:class:`SavedLineage`) and the import id;
- ``<graph>.json``: the key, ``{"graph", "import_id", "triples", "generation", "arrays"}``,
  written last.

The key: every import writes a random import id into its graph's provenance
(``<graph> prov:wasGeneratedBy ?activity . ?activity dcterms:identifier "<id>"``); saved arrays
are used only when the store's graph holds the same id *and* the same number of triples as the
key says. Counting a graph of 20M triples takes seconds, so the count is skipped while the
store's on-disk generation (:func:`govkg.graph.store.directory.generation`) is still the one
recorded right after the import: then nothing at all was written to the store since. A
re-import (new id), an update to the graph (new count), or another store put in the same place
by ``govkg build`` or ``govkg load`` (whose graph has another id, or none) never picks up arrays
that are not its own. Both files are written to a temporary name and renamed, so a killed
writer leaves no half file under a name that is read.

    >>> import tempfile
    >>> saved = SavedLineage(["<a>", "<b>"], np.array([1]), np.array([0]), np.array([1], np.int8),
    ...                      np.array([True, True]), np.array([4, 4], np.int8))
    >>> store = Path(tempfile.mkdtemp()) / "store"
    >>> key = save_arrays(store, "https://example.org/g", "id1", saved)
    >>> commit_key(store, key, triples=10)
    >>> read_key(store, "https://example.org/g")["triples"]
    10
    >>> load_arrays(store, read_key(store, "https://example.org/g")).nodes
    ['<a>', '<b>']
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Bumped when the arrays change meaning; files of another version are not read.
FORMAT = 1


@dataclass
class SavedLineage:
    """One snapshot's part of the projection, in the shape of :class:`Lineage`'s arrays.

    ``nodes`` are IRIs in N-Triples form (``<...>``); ``relation`` is per link (the child's
    relation code, see :data:`govkg.graph.analysis.lineage.RELATIONS`); ``open_weights`` and
    ``licence_rank`` are per node.
    """

    nodes: list[str]
    src: np.ndarray
    dst: np.ndarray
    relation: np.ndarray
    open_weights: np.ndarray
    licence_rank: np.ndarray
    #: how many leading nodes are minted Hub models in label order (see lineage_views)
    label_sorted: int = 0


def sidecar(store_path: Path | str) -> Path:
    """The directory beside the store that holds its saved projections."""
    store_path = Path(store_path).absolute()
    return store_path.with_name(f"{store_path.name}.lineage")


def _stem(graph: str) -> str:
    """A file name for a graph IRI: its last segment, safe characters only."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", graph.rstrip("/").rsplit("/", 1)[-1]) or "graph"


def _write_atomically(path: Path, write: Any) -> None:
    """``write(file)`` to a temporary name, fsync, then rename onto ``path``."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_arrays(
    store_path: Path | str, graph: str, import_id: str, saved: SavedLineage
) -> dict[str, Any]:
    """Write the arrays of ``graph``'s import ``import_id``; return the key to commit later.

    The key is only written by :func:`commit_key`, once the graph is in the store and its
    triple count is known: until then no reader uses the arrays.
    """
    from govkg.graph.store.directory import pid_alive

    folder = sidecar(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    for left in folder.glob("*.tmp-*"):  # half files of writers that were killed
        if not pid_alive(left.name):
            left.unlink(missing_ok=True)
    name = f"{_stem(graph)}-{import_id}.npz"
    blob = "\n".join(saved.nodes).encode("utf-8")  # IRIs hold no whitespace

    def write(out: Any) -> None:
        np.savez(
            out,
            format=np.array(FORMAT),
            import_id=np.array(import_id),
            nodes=np.frombuffer(blob, dtype=np.uint8),
            src=saved.src.astype(np.int64),
            dst=saved.dst.astype(np.int64),
            relation=saved.relation.astype(np.int8),
            open_weights=saved.open_weights.astype(bool),
            licence_rank=saved.licence_rank.astype(np.int8),
            label_sorted=np.array(saved.label_sorted),
        )

    _write_atomically(folder / name, write)
    return {"format": FORMAT, "graph": graph, "import_id": import_id, "arrays": name}


def store_generation(store_path: Path | str) -> Any:
    """The store directory's generation (:func:`govkg.graph.store.directory.generation`: it
    changes with any write to the store on disk) as JSON values, or None."""
    from govkg.graph.store.directory import generation

    found = generation(Path(store_path))
    return None if found is None else json.loads(json.dumps(found))


def commit_key(store_path: Path | str, key: dict[str, Any], *, triples: int) -> None:
    """Write the key of ``key["graph"]`` (last step), then remove its older arrays.

    The key also records the store's generation right after the import: while it is unchanged
    nothing was written to the store since, and a reader can skip counting the graph.
    """
    folder = sidecar(store_path)
    body = {**key, "triples": triples, "generation": store_generation(store_path)}
    encoded = json.dumps(body).encode("utf-8")
    _write_atomically(folder / f"{_stem(key['graph'])}.json", lambda out: out.write(encoded))
    for old in folder.glob(f"{_stem(key['graph'])}-*.npz"):
        if old.name != key["arrays"]:
            old.unlink(missing_ok=True)


def discard_arrays(store_path: Path | str, key: dict[str, Any]) -> None:
    """Remove arrays whose import did not finish (their key was never committed)."""
    (sidecar(store_path) / key["arrays"]).unlink(missing_ok=True)


def read_key(store_path: Path | str, graph: str) -> dict[str, Any] | None:
    """The committed key of ``graph``, or None when there is none (or it is unreadable)."""
    path = sidecar(store_path) / f"{_stem(graph)}.json"
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(key, dict) or key.get("format") != FORMAT or key.get("graph") != graph:
        return None
    return key


def saved_graphs(store_path: Path | str) -> list[str]:
    """The graphs that have a committed key beside the store."""
    folder = sidecar(store_path)
    graphs = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            graph = json.loads(path.read_text(encoding="utf-8")).get("graph")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(graph, str):
            graphs.append(graph)
    return graphs


def load_arrays(store_path: Path | str, key: dict[str, Any]) -> SavedLineage | None:
    """The arrays the key names, or None when missing, unreadable or of another import."""
    path = sidecar(store_path) / str(key.get("arrays", ""))
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT or str(data["import_id"]) != key["import_id"]:
                return None
            nodes = data["nodes"].tobytes().decode("utf-8")
            return SavedLineage(
                nodes.split("\n") if nodes else [],
                data["src"],
                data["dst"],
                data["relation"],
                data["open_weights"],
                data["licence_rank"],
                int(data["label_sorted"]),
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
