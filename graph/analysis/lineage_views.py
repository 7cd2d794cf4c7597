"""Paged answers over a :class:`~govkg.graph.analysis.lineage.Lineage`: the questions of issue 18.

Why paged in Python and not SPARQL: each view aggregates over every model's *family root*, a
transitive closure that SPARQL evaluates per model (``gk:baseModel+``) and that takes minutes at
two million models, while the projection gets it with a few numpy passes. Only the rows of the
asked page are labelled (one small query), so a page costs the same at any offset.

Views (``VIEWS``), all over open-weights models only:

``families``
    base families by downstream models: derivatives, how many are covered (reviewed or
    inheriting a review), and whether the base itself was reviewed.
``derivatives``
    derivatives per family and relation (finetune, adapter, quantized, merge, unspecified).
``review-share``
    per family, the share of derivatives whose own or ancestors' pre-deployment review covers
    them; the first row is the total over all families.
``licence-drift``
    links whose derivative declares a more permissive licence than its base.

    >>> from govkg.graph.analysis.lineage import Lineage
    >>> lineage = Lineage.from_edges(["<a>", "<b>", "<c>"], [1, 2], [0, 0], [3, 1])
    >>> lineage.open_weights[:] = True
    >>> page = lineage_page(lineage, "derivatives", limit=5)
    >>> [(r["family"], r["relation"], r["derivatives"]) for r in page.rows]
    [('a', 'finetune', 1), ('a', 'quantized', 1)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from govkg.graph.analysis.lineage import RELATIONS, Lineage
from govkg.graph.errors import InputError
from govkg.graph.importers.huggingface_licences import RANK_NAMES
from govkg.graph.store.backend import Backend, solutions

VIEWS = ("families", "derivatives", "review-share", "licence-drift")
MAX_LIMIT = 10_000


@dataclass
class Page:
    """One page of a view: its rows, the total number of rows, and where the page starts."""

    view: str
    columns: list[str]
    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def lineage_page(
    lineage: Lineage,
    view: str,
    *,
    limit: int = 50,
    offset: int = 0,
    store: Backend | None = None,
) -> Page:
    """One page of ``view``; with ``store``, IRIs on the page are given their labels."""
    if view not in VIEWS:
        raise InputError(f"unknown lineage view {view!r}; known: {', '.join(VIEWS)}")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InputError(f"limit must be 1..{MAX_LIMIT} and offset 0 or more")
    build = {
        "families": _families,
        "derivatives": _derivatives,
        "review-share": _review_share,
        "licence-drift": _drift,
    }[view]
    columns, total, rows = build(lineage, limit, offset)
    _label(rows, store)
    return Page(view, columns, rows, total, limit, offset)


def _open_derivatives(lineage: Lineage) -> tuple[np.ndarray, np.ndarray]:
    """(indexes, family roots) of open-weights derivatives that have a family."""
    roots = lineage.families()
    mask = lineage.has_base() & lineage.open_weights & (roots >= 0)
    chosen = np.flatnonzero(mask)
    return chosen, roots[chosen]


def _ranked_families(lineage: Lineage) -> tuple[np.ndarray, np.ndarray]:
    """Family roots by descending derivative count (ties by index), and those counts."""
    _, roots = _open_derivatives(lineage)
    counts = np.bincount(roots, minlength=lineage.size)
    families = np.flatnonzero(counts)
    order = np.lexsort((families, -counts[families]))
    return families[order], counts[families[order]]


def _families(lineage: Lineage, limit: int, offset: int) -> tuple[list[str], int, list[dict]]:
    families, counts = _ranked_families(lineage)
    chosen, roots = _open_derivatives(lineage)
    covered = np.bincount(roots[lineage.covered()[chosen]], minlength=lineage.size)
    rows = [
        {
            "family": lineage.nodes[f],
            "derivatives": int(counts[k]),
            "covered": int(covered[f]),
            "base_reviewed": bool(lineage.reviewed[f]),
        }
        for k, f in enumerate(families[offset : offset + limit], start=offset)
    ]
    return ["family", "derivatives", "covered", "base_reviewed"], len(families), rows


def _derivatives(lineage: Lineage, limit: int, offset: int) -> tuple[list[str], int, list[dict]]:
    families, _ = _ranked_families(lineage)
    chosen, roots = _open_derivatives(lineage)
    _, relation = lineage.primary()
    width = len(RELATIONS)
    rank = np.empty(lineage.size, dtype=np.int64)
    rank[families] = np.arange(len(families))
    cells = np.bincount(rank[roots] * width + relation[chosen], minlength=len(families) * width)
    nonzero = np.flatnonzero(cells)  # ordered by family rank, then relation code
    rows = [
        {
            "family": lineage.nodes[families[c // width]],
            "relation": RELATIONS[c % width],
            "derivatives": int(cells[c]),
        }
        for c in nonzero[offset : offset + limit]
    ]
    return ["family", "relation", "derivatives"], len(nonzero), rows


def _review_share(lineage: Lineage, limit: int, offset: int) -> tuple[list[str], int, list[dict]]:
    families, counts = _ranked_families(lineage)
    chosen, roots = _open_derivatives(lineage)
    covered_mask = lineage.covered()[chosen]
    covered = np.bincount(roots[covered_mask], minlength=lineage.size)
    rows: list[dict] = []
    if offset == 0:  # row 0 is the total over all families; family k is row k + 1
        everything = int(covered_mask.sum())
        rows.append(_share_row("(all families)", len(chosen), everything))
    window = slice(max(offset - 1, 0), offset + limit - 1)
    for f, n in zip(families[window], counts[window], strict=True):
        rows.append(_share_row(lineage.nodes[f], int(n), int(covered[f])))
    return ["family", "derivatives", "covered", "share"], len(families) + 1, rows


def _share_row(family: str, derivatives: int, covered: int) -> dict[str, Any]:
    share = round(covered / derivatives, 4) if derivatives else 0.0
    return {"family": family, "derivatives": derivatives, "covered": covered, "share": share}


def _drift(lineage: Lineage, limit: int, offset: int) -> tuple[list[str], int, list[dict]]:
    links = lineage.drift()
    order = np.lexsort((lineage.src[links], lineage.dst[links]))
    page = links[order][offset : offset + limit]
    rank = lineage.licence_rank
    rows = [
        {
            "model": lineage.nodes[lineage.src[k]],
            "licence": RANK_NAMES[int(rank[lineage.src[k]])],
            "base": lineage.nodes[lineage.dst[k]],
            "base_licence": RANK_NAMES[int(rank[lineage.dst[k]])],
            "relation": RELATIONS[int(lineage.relation[k])],
        }
        for k in page
    ]
    return ["model", "licence", "base", "base_licence", "relation"], len(links), rows


def _label(rows: list[dict[str, Any]], store: Backend | None) -> None:
    """Replace ``<iri>`` cells by their label (or the bare IRI) for people."""
    iris = {v for row in rows for v in row.values() if isinstance(v, str) and v.startswith("<")}
    labels: dict[str, str] = {}
    if store is not None and iris:
        values = " ".join(sorted(iris))
        query = (
            "SELECT ?s (MIN(STR(?l)) AS ?label) WHERE { VALUES ?s { "
            + values
            + " } ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?s"
        )
        labels = {f"<{r['s'].value}>": r["label"].value for r in solutions(store.query(query))}
    for row in rows:
        for key, value in row.items():
            if isinstance(value, str) and value.startswith("<"):
                row[key] = labels.get(value, value[1:-1])
