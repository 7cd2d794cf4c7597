"""Lineage at Hub scale: base families, inherited review and licence drift over millions of models.

Why not the NetworkX projection of :mod:`govkg.graph.analysis.build`: a Hub snapshot holds ~2M
models and ~2M lineage links; a ``MultiDiGraph`` of that size takes several GB and minutes to
build, and the questions asked of it only need the links, one flag and one small number per
model. :class:`Lineage` holds exactly that - node indexes in numpy arrays, the links as a scipy
sparse matrix - read from the store with five SELECTs serialised as TSV (no Python object per
solution).

Definitions (also in ``docs/analyses.md`` terms and ``docs/importers.md``):

- a model's *family* is the base model (a model with no gk:baseModel) reached by following each
  model's *primary* base: for a merge (several bases) the one whose IRI sorts first, so a merge
  counts in one family only. Models on a lineage cycle have no family (-1).
- *reviewed*: a pre-deployment gk:ModelEvaluation of the model dated on or before ``as_of``
  (undated counts; an evaluation without a stage counts as pre-deployment when it is dated
  before the model's release), the rule of :mod:`govkg.graph.analysis.coverage`.
- *covered*: the model or any ancestor along any gk:baseModel chain is reviewed (coverage's
  ``reviewed`` or ``inherited``, pre-deployment reviews only).
- *licence drift*: a link whose derivative declares a licence ranked more permissive than its
  base's (ranks: :mod:`govkg.graph.importers.huggingface_licences`; unranked licences never
  drift).

    >>> lineage = Lineage.from_edges(["a", "b", "c", "d"], [1, 2, 3], [0, 1, 1], [1, 3, 2])
    >>> lineage.families().tolist()
    [0, 0, 0, 0]
    >>> lineage.reviewed[0] = True
    >>> lineage.covered().tolist()
    [True, True, True, True]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox
from govkg.graph.analysis.lineage_cache import (
    SavedLineage,
    load_arrays,
    read_key,
    saved_graphs,
    store_generation,
)
from govkg.graph.importers.huggingface_licences import RANKS
from govkg.graph.store.backend import Backend, solutions
from scipy.sparse import csr_array

RELATIONS = ("unspecified", "finetune", "adapter", "quantized", "merge")
_MAX_JUMPS = 64
log = logging.getLogger(__name__)


def _query_text(name: str) -> str:
    return (files("govkg.graph.analysis") / "queries" / name).read_text(encoding="utf-8")


def _tsv_rows(
    store: Backend,
    name: str,
    graphs: list[str] | None = None,
    **substitutions: ox.NamedNode | ox.Literal,
) -> list[list]:
    """The solutions of one lineage query as lists of TSV cells (IRIs keep their ``<>``).

    ``graphs`` limits the named graphs the query's ``GRAPH ?g`` sees (None: all of them).
    """
    result = solutions(
        store.query(_query_text(name), named_graph_uris=graphs, substitutions=substitutions or None)
    )
    data = result.serialize(format=ox.QueryResultsFormat.TSV) or b""
    lines = data.decode("utf-8").split("\n")
    return [line.split("\t") for line in lines[1:] if line]


@dataclass
class Lineage:
    """The lineage-only projection: node IRIs, links child → base, and per-node flags."""

    nodes: list[str]
    src: np.ndarray
    dst: np.ndarray
    relation: np.ndarray
    reviewed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    open_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    licence_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    #: a post-deployment evaluation over by as_of (for the open-weights-without-review view)
    evaluated_after: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: how many leading nodes are minted Hub models in label order (saved projections)
    label_sorted: int = 0

    def __post_init__(self) -> None:
        n = len(self.nodes)
        if len(self.evaluated_after) != n:
            self.evaluated_after = np.zeros(n, dtype=bool)
        if len(self.reviewed) != n:
            self.reviewed = np.zeros(n, dtype=bool)
        if len(self.open_weights) != n:
            self.open_weights = np.zeros(n, dtype=bool)
        if len(self.licence_rank) != n:
            self.licence_rank = np.zeros(n, dtype=np.int8)
        self._families: np.ndarray | None = None
        self._primary: tuple[np.ndarray, np.ndarray] | None = None
        self._ancestor: np.ndarray | None = None
        self._covered: np.ndarray | None = None

    @classmethod
    def from_edges(
        cls, nodes: list[str], src: list[int], dst: list[int], relation: list[int]
    ) -> Lineage:
        """A projection from plain lists (tests and examples)."""
        return cls(
            nodes,
            np.asarray(src, dtype=np.int64),
            np.asarray(dst, dtype=np.int64),
            np.asarray(relation, dtype=np.int8),
        )

    @classmethod
    def from_store(
        cls, store: Backend, as_of: date | None = None, *, store_path: Path | str | None = None
    ) -> Lineage:
        """Read the links, open-weights flags, licences and reviews from every graph.

        With ``store_path`` (the embedded store's directory), the snapshot graphs whose
        projection the importer saved beside it (:mod:`~govkg.graph.analysis.lineage_cache`)
        and whose import id and triple count still match are read from those arrays; only the
        other graphs (curated links, reviews: small) are queried. Without it (a remote store),
        or when nothing saved matches, every graph is queried (and a log line says why).
        """
        merged = _Merger()
        rest: list[str] | None = None  # None: query every graph
        if store_path is not None:
            parts, used = _saved_parts(store, Path(store_path))
            for part in parts:
                merged.add(part)
            if used:
                rest = [g for g in store.named_graphs() if g not in used]
        if rest is None or rest:
            merged.add(_queried(store, rest))
        day = ox.Literal((as_of or date.today()).isoformat(), datatype=ox.NamedNode(_XSD_DATE))
        reviewed = [
            merged.node(row[0]) for row in _tsv_rows(store, "lineage-reviews.rq", as_of=day)
        ]
        after = [
            merged.node(row[0]) for row in _tsv_rows(store, "lineage-post-reviews.rq", as_of=day)
        ]
        lineage = merged.lineage(cls, reviewed)
        lineage.evaluated_after[after] = True
        return lineage

    @property
    def size(self) -> int:
        """Number of nodes (models, and bases that only appear as link targets)."""
        return len(self.nodes)

    def has_base(self) -> np.ndarray:
        """True for derivatives (models with at least one base)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self.src] = True
        return mask

    def primary(self) -> tuple[np.ndarray, np.ndarray]:
        """(parent, relation) per node: the primary base's index (itself for a base model)."""
        if self._primary is not None:
            return self._primary
        parent = np.arange(self.size, dtype=np.int64)
        relation = np.zeros(self.size, dtype=np.int8)
        if len(self.src):
            # a child with several bases (a merge): the base whose IRI sorts first, so that the
            # family does not depend on the order the nodes were read in. Only those bases are
            # ranked by IRI (in Python); every other child has one base.
            several = np.bincount(self.src, minlength=self.size) > 1
            bases = np.unique(self.dst[several[self.src]])
            rank = np.zeros(self.size, dtype=np.int64)
            ranked = sorted(bases.tolist(), key=self.nodes.__getitem__)
            rank[np.array(ranked, dtype=np.int64)] = np.arange(len(ranked))
            order = np.lexsort((rank[self.dst], self.src))  # by child, then base IRI
            child = self.src[order]
            first = np.r_[True, child[1:] != child[:-1]]
            parent[child[first]] = self.dst[order][first]
            relation[child[first]] = self.relation[order][first]
        self._primary = (parent, relation)
        return self._primary

    def families(self) -> np.ndarray:
        """Each node's family root by pointer jumping on the primary parents; -1 on cycles."""
        if self._families is None:
            parent, _ = self.primary()
            root = parent
            for _ in range(_MAX_JUMPS):
                nxt = root[root]
                if np.array_equal(nxt, root):
                    break
                root = nxt
            # a real root is its own primary parent; a jump that ends elsewhere went round a
            # cycle (or on below one)
            is_base = parent == np.arange(self.size)
            root = np.where(is_base[root], root, -1)
            self._families = root
        return self._families

    def covered(self) -> np.ndarray:
        """True where the node or any ancestor (any base, any depth) is reviewed."""
        if self._covered is None:
            n = self.size
            links = csr_array(
                (np.ones(len(self.src), dtype=np.int32), (self.src, self.dst)), shape=(n, n)
            )
            covered = self.reviewed.copy()
            for _ in range(n):
                reached = (links @ covered.astype(np.int32)) > 0
                new = reached & ~covered
                if not new.any():
                    break
                covered |= new
            self._covered = covered
        return self._covered

    def reviewed_ancestor(self) -> np.ndarray:
        """Per node, the reviewed ancestor (any base, any depth) whose IRI sorts first; -1 when
        none. A reviewed node's own index counts for its descendants, not for itself."""
        if self._ancestor is not None:
            return self._ancestor
        reviewed = np.flatnonzero(self.reviewed)
        if not len(reviewed):
            self._ancestor = np.full(self.size, -1, dtype=np.int64)
            return self._ancestor
        by_iri = np.array(sorted(reviewed.tolist(), key=self.nodes.__getitem__), dtype=np.int64)
        none = len(by_iri)
        own = np.full(self.size, none, dtype=np.int64)
        own[by_iri] = np.arange(none)
        best = np.full(self.size, none, dtype=np.int64)  # lowest rank among strict ancestors
        for _ in range(self.size):
            reach = np.minimum(own, best)
            nxt = best.copy()
            np.minimum.at(nxt, self.src, reach[self.dst])
            if np.array_equal(nxt, best):
                break
            best = nxt
        self._ancestor = np.where(best < none, by_iri[np.minimum(best, none - 1)], -1)
        return self._ancestor

    def drift(self) -> np.ndarray:
        """Indexes of the links whose derivative's licence ranks above its base's."""
        child, base = self.licence_rank[self.src], self.licence_rank[self.dst]
        return np.flatnonzero((child > 0) & (base > 0) & (child > base))


_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def _unquote(cell: str) -> str:
    """The lexical form of a TSV literal cell (``"mit"`` → ``mit``)."""
    if cell.startswith('"'):
        end = cell.rfind('"')
        return cell[1:end].replace('\\"', '"').replace("\\\\", "\\")
    return cell


def _queried(store: Backend, graphs: list[str] | None) -> SavedLineage:
    """The projection's part that lives in ``graphs`` (None: every graph), by SPARQL."""
    index: dict[str, int] = {}
    nodes: list[str] = []

    def node(term: str) -> int:
        i = index.get(term)
        if i is None:
            i = index[term] = len(nodes)
            nodes.append(term)
        return i

    links = {(node(m), node(b)) for m, b in _tsv_rows(store, "lineage-links.rq", graphs)}
    pairs = np.array(sorted(links), dtype=np.int64).reshape(-1, 2)
    codes = [
        (node(m), int(_unquote(c))) for m, c in _tsv_rows(store, "lineage-relations.rq", graphs)
    ]
    open_rows = [node(row[0]) for row in _tsv_rows(store, "lineage-open-weights.rq", graphs)]
    licences = [(node(m), _unquote(v)) for m, v in _tsv_rows(store, "lineage-licences.rq", graphs)]
    n = len(nodes)
    code = np.zeros(n, dtype=np.int8)
    for i, c in codes:  # one relation per model: the highest code it states
        code[i] = max(code[i], c)
    open_weights = np.zeros(n, dtype=bool)
    open_weights[open_rows] = True
    rank = np.zeros(n, dtype=np.int8)
    for i, licence in licences:
        rank[i] = max(rank[i], RANKS.get(licence, 0))
    return SavedLineage(
        nodes, pairs[:, 0].copy(), pairs[:, 1].copy(), code[pairs[:, 0]], open_weights, rank
    )


def _saved_parts(store: Backend, store_path: Path) -> tuple[list[SavedLineage], set[str]]:
    """The saved projections beside ``store_path`` that are still the store's, and their graphs.

    A saved projection is used only when its graph is in the store with the import id and the
    triple count of its key; anything else is logged and left to the queries.
    """
    parts: list[SavedLineage] = []
    used: set[str] = set()
    candidates = saved_graphs(store_path)
    if not candidates:
        log.info("no saved lineage projection beside %s: querying every graph", store_path)
        return parts, used
    present = set(store.named_graphs())
    generation = store_generation(store_path)
    for graph in candidates:
        key = read_key(store_path, graph)
        if key is None or graph not in present:
            log.info("saved lineage projection of %s: no such graph in the store; querying", graph)
            continue
        target = ox.NamedNode(graph)
        ids = [_unquote(row[0]) for row in _tsv_rows(store, "lineage-import-id.rq", graph=target)]
        if ids != [key["import_id"]]:
            log.warning(
                "saved lineage projection of %s is of another import (%s, store has %s); "
                "querying the store",
                graph,
                key["import_id"],
                ", ".join(ids) or "none",
            )
            continue
        if key.get("generation") is not None and key["generation"] == generation:
            triples = key["triples"]  # nothing was written to the store since the import
        else:
            counted = _tsv_rows(store, "lineage-graph-size.rq", graph=target)
            triples = int(_unquote(counted[0][0])) if counted else -1
        if triples != key["triples"]:
            log.warning(
                "saved lineage projection of %s is stale (%s triples saved, %s in the store): "
                "querying the store",
                graph,
                key["triples"],
                triples,
            )
            continue
        arrays = load_arrays(store_path, key)
        if arrays is None:
            log.warning("saved lineage arrays of %s are missing or unreadable; querying", graph)
            continue
        parts.append(arrays)
        used.add(graph)
    return parts, used


class _Merger:
    """Unites projection parts by node IRI: links de-duplicated, flags OR-ed, ranks and
    relation codes the highest any part gives."""

    def __init__(self) -> None:
        self.nodes: list[str] = []
        self.index: dict[str, int] = {}
        self.src: list[np.ndarray] = []
        self.dst: list[np.ndarray] = []
        self.code: list[tuple[np.ndarray, np.ndarray]] = []  # (node, code) of each link's child
        self.open: list[np.ndarray] = []
        self.rank: list[tuple[np.ndarray, np.ndarray]] = []
        self.label_sorted = 0

    def node(self, term: str) -> int:
        i = self.index.get(term)
        if i is None:
            i = self.index[term] = len(self.nodes)
            self.nodes.append(term)
        return i

    def add(self, part: SavedLineage) -> None:
        if not self.nodes:
            self.label_sorted = part.label_sorted
            self.nodes = list(part.nodes)
            self.index = {term: i for i, term in enumerate(self.nodes)}
            mapping = np.arange(len(self.nodes), dtype=np.int64)
        else:
            mapping = np.fromiter((self.node(t) for t in part.nodes), np.int64, len(part.nodes))
        src, dst = mapping[part.src], mapping[part.dst]
        self.src.append(src)
        self.dst.append(dst)
        self.code.append((src, part.relation))
        self.open.append(mapping[part.open_weights])
        self.rank.append((mapping, part.licence_rank))

    def lineage(self, cls: Any, reviewed: list[int]) -> Any:
        n = len(self.nodes)
        src = np.concatenate(self.src) if self.src else np.zeros(0, np.int64)
        dst = np.concatenate(self.dst) if self.dst else np.zeros(0, np.int64)
        pairs = np.unique(src * n + dst) if n else np.zeros(0, np.int64)
        code = np.zeros(n, dtype=np.int8)
        for child, c in self.code:
            np.maximum.at(code, child, c)
        lineage = cls(self.nodes, pairs // max(n, 1), pairs % max(n, 1), np.zeros(0, np.int8))
        lineage.relation = code[lineage.src]
        for chosen in self.open:
            lineage.open_weights[chosen] = True
        for mapping, rank in self.rank:
            np.maximum.at(lineage.licence_rank, mapping, rank)
        lineage.reviewed[reviewed] = True
        lineage.label_sorted = self.label_sorted
        return lineage
