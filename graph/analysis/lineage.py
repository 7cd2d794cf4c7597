"""Lineage at Hub scale: base families, inherited review and licence drift over millions of models.

Why not the NetworkX projection of :mod:`govkg.graph.analysis.build`: a Hub snapshot holds ~2M
models and ~2M lineage links; a ``MultiDiGraph`` of that size takes several GB and minutes to
build, and the questions asked of it only need the links, one flag and one small number per
model. :class:`Lineage` holds exactly that - node indexes in numpy arrays, the links as a scipy
sparse matrix - read from the store with five SELECTs serialised as TSV (no Python object per
solution).

Definitions (also in ``docs/analyses.md`` terms and ``docs/importers.md``):

- a model's *family* is the base model (a model with no gk:baseModel) reached by following each
  model's *primary* base: for a merge (several bases) the one first in index order, so a merge
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

from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files

import numpy as np
import pyoxigraph as ox
from govkg.graph.importers.huggingface_licences import RANKS
from govkg.graph.store.backend import Backend, solutions
from scipy.sparse import csr_array

RELATIONS = ("unspecified", "finetune", "adapter", "quantized", "merge")
_MAX_JUMPS = 64


def _query_text(name: str) -> str:
    return (files("govkg.graph.analysis") / "queries" / name).read_text(encoding="utf-8")


def _tsv_rows(store: Backend, name: str, **substitutions: ox.NamedNode | ox.Literal) -> list[list]:
    """The solutions of one lineage query as lists of TSV cells (IRIs keep their ``<>``)."""
    result = solutions(store.query(_query_text(name), substitutions=substitutions or None))
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

    def __post_init__(self) -> None:
        n = len(self.nodes)
        if len(self.reviewed) != n:
            self.reviewed = np.zeros(n, dtype=bool)
        if len(self.open_weights) != n:
            self.open_weights = np.zeros(n, dtype=bool)
        if len(self.licence_rank) != n:
            self.licence_rank = np.zeros(n, dtype=np.int8)
        self._families: np.ndarray | None = None
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
    def from_store(cls, store: Backend, as_of: date | None = None) -> Lineage:
        """Read the links, open-weights flags, licences and reviews from every graph."""
        index: dict[str, int] = {}
        nodes: list[str] = []

        def node(term: str) -> int:
            i = index.get(term)
            if i is None:
                i = index[term] = len(nodes)
                nodes.append(term)
            return i

        links = {(node(m), node(b)) for m, b in _tsv_rows(store, "lineage-links.rq")}
        pairs = np.array(sorted(links), dtype=np.int64).reshape(-1, 2)
        codes = {node(m): int(_unquote(c)) for m, c in _tsv_rows(store, "lineage-relations.rq")}
        per_model = np.zeros(len(nodes), dtype=np.int8)
        for i, code in codes.items():
            per_model[i] = code
        relation = per_model[pairs[:, 0]] if len(pairs) else np.zeros(0, dtype=np.int8)
        open_rows = [node(row[0]) for row in _tsv_rows(store, "lineage-open-weights.rq")]
        licences = [(node(m), _unquote(v)) for m, v in _tsv_rows(store, "lineage-licences.rq")]
        day = ox.Literal((as_of or date.today()).isoformat(), datatype=ox.NamedNode(_XSD_DATE))
        reviewed = [node(row[0]) for row in _tsv_rows(store, "lineage-reviews.rq", as_of=day)]
        lineage = cls(nodes, pairs[:, 0].copy(), pairs[:, 1].copy(), relation)
        lineage.open_weights[open_rows] = True
        lineage.reviewed[reviewed] = True
        for i, licence in licences:
            rank = RANKS.get(licence, 0)
            lineage.licence_rank[i] = max(lineage.licence_rank[i], rank)
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
        parent = np.arange(self.size, dtype=np.int64)
        relation = np.zeros(self.size, dtype=np.int8)
        if len(self.src):
            order = np.lexsort((self.dst, self.src))  # by child, then base index
            child = self.src[order]
            first = np.r_[True, child[1:] != child[:-1]]  # each child's lowest base index
            parent[child[first]] = self.dst[order][first]
            relation[child[first]] = self.relation[order][first]
        return parent, relation

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
