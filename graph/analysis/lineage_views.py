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
``open-weights-without-review``
    the rows of the question of that name at Hub scale: every open-weights model without a
    pre-deployment review of its own, with its review ("none" or "evaluated after deployment
    only"), its status ("modified after review" when an ancestor along any gk:baseModel chain
    was reviewed, naming the one whose IRI sorts first, else "unreviewed"), ordered like the
    question (status, label, model). Differences from the question: the reviews follow the
    projection's rule (see :mod:`~govkg.graph.analysis.lineage`), and there is no time model
    for the weights (a Hub row is dated by its creation, which the question does not read), no
    known_as_of, no epistemic status and no sources.

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
from govkg.graph.importers.huggingface_ntriples import MODEL_BASE
from govkg.graph.store.backend import Backend, solutions

VIEWS = ("families", "derivatives", "review-share", "licence-drift", "open-weights-without-review")
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
    if view == "open-weights-without-review":
        columns, total, rows = _without_review(lineage, limit, offset, store)
    else:
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


def _without_review(
    lineage: Lineage, limit: int, offset: int, store: Backend | None
) -> tuple[list[str], int, list[dict]]:
    """Open-weights models without their own review: "modified after review" first, then
    "unreviewed", each by label then IRI; only the rows up to the page are ordered."""
    ancestor = lineage.reviewed_ancestor()
    listed = lineage.open_weights & ~lineage.reviewed
    groups = (
        ("modified after review", np.flatnonzero(listed & (ancestor >= 0))),
        ("unreviewed", np.flatnonzero(listed & (ancestor < 0))),
    )
    rows: list[dict[str, Any]] = []
    skip, want = offset, limit
    for status, members in groups:
        if want <= 0:
            break
        if skip >= len(members):
            skip -= len(members)
            continue
        for i in _first_by_label(lineage, members, skip + want, store)[skip:]:
            base = int(ancestor[i])
            rows.append(
                {
                    "model": lineage.nodes[i],
                    "review": "evaluated after deployment only"
                    if lineage.evaluated_after[i]
                    else "none",
                    "status": status,
                    "reviewed_base": lineage.nodes[base] if base >= 0 else "",
                }
            )
        want = limit - len(rows)
        skip = 0
    total = sum(len(members) for _, members in groups)
    return ["model", "review", "status", "reviewed_base"], total, rows


def _first_by_label(
    lineage: Lineage, members: np.ndarray, k: int, store: Backend | None
) -> list[int]:
    """The first ``k`` of ``members`` (ascending indexes) by (label, IRI), as SPARQL orders:
    no label first. Minted Hub models are labelled with the repo id their IRI ends with; the
    leading ``label_sorted`` nodes of a saved projection are already in that order, so only
    the other members (curated models, anything queried) are sorted."""
    minted = f"<{MODEL_BASE}"
    cut = int(np.searchsorted(members, lineage.label_sorted))
    ready = [
        (True, lineage.nodes[i][len(minted) : -1], lineage.nodes[i], int(i))
        for i in members[: min(cut, k)]
    ]
    rest = members[cut:].tolist()
    others = [lineage.nodes[i] for i in rest if not lineage.nodes[i].startswith(minted)]
    labels = _labels(others, store)
    keyed = []
    for i in rest:
        iri = lineage.nodes[i]
        label = iri[len(minted) : -1] if iri.startswith(minted) else labels.get(iri)
        keyed.append((label is not None, label or "", iri, int(i)))
    return [key[3] for key in sorted(ready + keyed)[:k]]


def _labels(iris: list[str], store: Backend | None) -> dict[str, str]:
    """``{"<iri>": label}`` (the smallest when several) for the IRIs that have one."""
    if store is None or not iris:
        return {}
    found: dict[str, str] = {}
    for start in range(0, len(iris), 1000):
        values = " ".join(iris[start : start + 1000])
        query = (
            "SELECT ?s (MIN(STR(?l)) AS ?label) WHERE { VALUES ?s { "
            + values
            + " } ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } GROUP BY ?s"
        )
        found.update({f"<{r['s'].value}>": r["label"].value for r in solutions(store.query(query))})
    return found


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
