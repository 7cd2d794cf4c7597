"""Renamed sources: recognising them, and reading the old side's IRIs in the new names.

A source id is part of its graph's and its statements' IRIs (``graph/<id>``,
``statement/<id>/<local>``), so renaming a source file changes every one of them. Sources
present on only one side are paired when the local ids of their statements (derived by the
compiler from the statements' content) overlap by at least :data:`RENAME_THRESHOLD`
(Jaccard), or, for sources without statements, when their titles match.
"""

from __future__ import annotations

import pyoxigraph as ox
from govkg.graph.diff.index import SideIndex
from govkg.graph.diff.model import SourceRename

STATEMENT_BASE = "https://w3id.org/govkg/statement/"
SOURCE_BASE = "https://w3id.org/govkg/source/"
#: Share of statements two sources must have in common to be taken for one source renamed.
RENAME_THRESHOLD = 0.5


def _signature(index: SideIndex, source: bytes, subjects: list[bytes]) -> set[str]:
    """What identifies a source's content across a rename: its statements' local ids."""
    sig = set()
    for subject in subjects:
        iri = subject.decode("utf-8", "replace").strip("<>")
        sig.add(iri.split("/", 6)[-1] if iri.startswith(STATEMENT_BASE) else iri)
    if not sig:
        title = index.title(source)
        sig = {f"title:{title}"} if title else set()
    return sig


def detect_renames(a: SideIndex, b: SideIndex) -> list[SourceRename]:
    """Sources of ``a`` missing from ``b`` paired with new sources of ``b`` of the same content."""
    gone = sorted(a.sources - b.sources)
    new = sorted(b.sources - a.sources)
    if not gone or not new:
        return []
    gone_stmts, new_stmts = a.statements_by_source(set(gone)), b.statements_by_source(set(new))
    new_sigs = {n: _signature(b, n, new_stmts.get(n, [])) for n in new}
    pairs: list[tuple[float, bytes, bytes]] = []
    for g in gone:
        sig = _signature(a, g, gone_stmts.get(g, []))
        for n, other in new_sigs.items():
            union = sig | other
            score = len(sig & other) / len(union) if union else 0.0
            if score >= RENAME_THRESHOLD:
                pairs.append((score, g, n))
    a_graphs = {s: g for g, s in a.graph_of.items()}
    b_graphs = {s: g for g, s in b.graph_of.items()}
    out, used_old, used_new = [], set(), set()
    for _score, g, n in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if g in used_old or n in used_new:
            continue
        used_old.add(g)
        used_new.add(n)
        old, new_iri = g.decode()[1:-1], n.decode()[1:-1]
        out.append(
            SourceRename(
                old, new_iri, len(new_stmts.get(n, [])), a_graphs.get(old), b_graphs.get(new_iri)
            )
        )
    return out


class Renamer:
    """Reads old-side IRIs through the detected renames (and back, for the new side)."""

    def __init__(self, renames: list[SourceRename]) -> None:
        self.exact: dict[str, str] = {}
        self.prefixes: list[tuple[str, str]] = []
        for r in renames:
            self.exact[r.old] = r.new
            if r.old_graph and r.new_graph:
                self.exact[r.old_graph] = r.new_graph
            old_id, new_id = r.old.removeprefix(SOURCE_BASE), r.new.removeprefix(SOURCE_BASE)
            if r.old.startswith(SOURCE_BASE) and r.new.startswith(SOURCE_BASE):
                self.prefixes.append((f"{STATEMENT_BASE}{old_id}/", f"{STATEMENT_BASE}{new_id}/"))
        self.back = {v: k for k, v in self.exact.items()}
        self.back_prefixes = [(n, o) for o, n in self.prefixes]
        self._cache: dict[ox.NamedNode, ox.NamedNode] = {}
        self._back_cache: dict[ox.NamedNode, ox.NamedNode] = {}

    def __bool__(self) -> bool:
        return bool(self.exact)

    def _map(self, term, exact, prefixes, cache):  # type: ignore[no-untyped-def]
        if not isinstance(term, ox.NamedNode) or not exact:
            return term
        hit = cache.get(term)
        if hit is None:
            iri = term.value
            mapped = exact.get(iri)
            if mapped is None:
                mapped = iri
                for old, new in prefixes:
                    if iri.startswith(old):
                        mapped = new + iri[len(old) :]
                        break
            hit = cache[term] = ox.NamedNode(mapped) if mapped != iri else term
        return hit

    def to(self, term):  # type: ignore[no-untyped-def]
        """An old-side term as the new side names it."""
        return self._map(term, self.exact, self.prefixes, self._cache)

    def un(self, term):  # type: ignore[no-untyped-def]
        """A new-side term as the old side named it."""
        return self._map(term, self.back, self.back_prefixes, self._back_cache)

    def quad(self, q: ox.Quad) -> ox.Quad:
        """An old-side quad in new-side names."""
        if not self.exact:
            return q
        return ox.Quad(self.to(q.subject), q.predicate, self.to(q.object), self.to(q.graph_name))

    def unquad(self, q: ox.Quad) -> ox.Quad:
        """A new-side quad in old-side names."""
        return ox.Quad(self.un(q.subject), q.predicate, self.un(q.object), self.un(q.graph_name))

    def iri(self, iri: str) -> str:
        """An old-side IRI (a string) in new-side names."""
        return self.to(ox.NamedNode(iri)).value if self.exact else iri
