"""Comparing two sides: quads first, then statements, with renamed sources recognised.

How, and why in this order:

1. **Renamed sources.** A source id is part of its graph's and its statements' IRIs
   (``graph/<id>``, ``statement/<id>/<local>``), so renaming a source file changes every one of
   them. Sources present on only one side are paired when the local ids of their statements
   (which the compiler derives from the statements' content) overlap by at least
   :data:`RENAME_THRESHOLD` (Jaccard), or, for sources without statements, when their titles
   match. The old side's IRIs are then read through that renaming.
2. **Quads.** Each quad of one side is looked up in the other (``quad in store``: Rust index
   lookups), so the cost is linear in the size and the memory stays in Oxigraph.
3. **Statements.** Differing quads whose subject carries ``dcterms:source`` on either side are
   grouped by that statement: present on one side only it was added or removed; on both, it
   changed, and the properties whose values differ are listed with their aspect (date, status,
   licence, quote, source). All other differing quads are plain triple changes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from govkg.graph.diff.model import (
    ENTITY_BASE,
    ChangeSet,
    PropertyChange,
    SideInfo,
    SourceRename,
    StatementChange,
    TripleChange,
    aspect_of,
)
from govkg.graph.diff.sides import Side, canonical_line

DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
GRAPH_OF = ox.NamedNode("https://w3id.org/govkg/ontology#graphOf")
GK_SOURCE = ox.NamedNode("https://w3id.org/govkg/ontology#Source")
STATEMENT_BASE = "https://w3id.org/govkg/statement/"
SOURCE_BASE = "https://w3id.org/govkg/source/"
#: Share of statements two sources must have in common to be taken for one source renamed.
RENAME_THRESHOLD = 0.5


def compare(old: Side, new: Side) -> ChangeSet:
    """Everything that differs between ``old`` and ``new``, as a :class:`ChangeSet`.

    >>> import pyoxigraph as ox
    >>> from govkg.graph.diff.sides import Side, canonical_line
    >>> g = ox.NamedNode("https://example.org/g")
    >>> a = Side.from_quads("a", "dump", [])
    >>> b = Side.from_quads("b", "dump", [ox.Quad(g, g, ox.Literal("x"), g)])
    >>> compare(a, b).counts()["triples_added"]
    1
    """
    started = time.monotonic()
    only_old = _canon(old.lines - new.lines, old)
    only_new = _canon(new.lines - old.lines, new)
    # Lines written differently for the same quad parse to the same quad and cancel out.
    same = only_old & only_new
    ctx_old, ctx_new = _context(old.lines, set()), _context(new.lines, set())
    renames = detect_renames(ctx_old, ctx_new)
    mapper = Renamer(renames)
    if mapper:
        removed = [
            m for m in (mapper.quad(q) for q in only_old - same) if not _holds(new, only_new, m)
        ]
        added = [q for q in only_new - same if not _holds(old, only_old, mapper.unquad(q))]
    else:
        removed, added = list(only_old - same), list(only_new - same)

    subjects = {q.subject for q in removed} | {q.subject for q in added}
    a = _context(old.lines, {mapper.un(s) for s in subjects}, base=ctx_old)
    b = _context(new.lines, subjects, base=ctx_new)
    statements = {s for s in subjects if _is_statement(b, s) or _is_statement(a, mapper.un(s))}
    changes = [_statement_change(a, b, s, mapper) for s in sorted(statements, key=str)]
    triples = [
        TripleChange(kind, _graph(q), str(q.subject), str(q.predicate), str(q.object))
        for kind, quads in (("removed", removed), ("added", added))
        for q in quads
        if q.subject not in statements
    ]
    triples.sort(key=lambda t: (t.graph or "", t.subject, t.predicate, t.object, t.change))
    result = ChangeSet(
        old=_info(old, ctx_old),
        new=_info(new, ctx_new),
        renamed=renames,
        statements=changes,
        triples=triples,
    )
    result.graph_sources = _graph_sources(a, mapper) | _graph_sources(b, None)
    result.labels = _labels(a, b, mapper, result)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _canon(lines: set[bytes], side: Side) -> set[ox.Quad]:
    """Parse N-Quads lines into quads; a syntax error names the side's file and line."""
    if not lines:
        return set()
    ordered = list(lines)
    try:
        return set(ox.parse(b"\n".join(ordered), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        from govkg.graph.errors import ParseError, Problem

        bad = ordered[exc.lineno - 1] if exc.lineno and exc.lineno <= len(ordered) else b""
        text = bad.decode("utf-8", "replace")[:200]
        problem = Problem(f"{exc.msg}: {text}", file=side.label)
        raise ParseError(
            f"{side.label} is not valid N-Quads; nothing was compared", problems=[problem]
        ) from exc


def _holds(side: Side, parsed: set[ox.Quad], quad: ox.Quad) -> bool:
    """Whether ``side`` has ``quad`` (as its canonical line, or written otherwise)."""
    return canonical_line(quad) in side.lines or quad in parsed


#: Predicates whose quads every comparison needs: statements, sources, graphs and labels.
CONTEXT_PREDICATES = {
    f"<{iri}>".encode()
    for iri in (
        "http://purl.org/dc/terms/source",
        "http://purl.org/dc/terms/title",
        "https://w3id.org/govkg/ontology#graphOf",
        "http://www.w3.org/2000/01/rdf-schema#label",
    )
}
_TYPE = f"<{RDF_TYPE.value}>".encode()
_SOURCE_CLASS = f"<{GK_SOURCE.value}> ".encode()


def _context(lines: set[bytes], subjects: set, *, base: ox.Store | None = None) -> ox.Store:
    """A small store of the quads a comparison reads: context predicates and ``subjects``.

    Without ``base`` it holds the quads of :data:`CONTEXT_PREDICATES` and the ``gk:Source``
    typings; with ``base`` it is ``base`` plus every quad whose subject is in ``subjects``.
    """
    wanted = {str(s).encode() for s in subjects}
    picked = []
    if base is None:
        for line in lines:
            parts = line.split(b" ", 2)
            if len(parts) == 3 and (
                parts[1] in CONTEXT_PREDICATES
                or (parts[1] == _TYPE and parts[2].startswith(_SOURCE_CLASS))
            ):
                picked.append(line)
        store = ox.Store()
    else:
        if wanted:
            picked = [line for line in lines if line[: line.find(b" ")] in wanted]
        store = base  # extended in place: the context quads are a subset of the side anyway
    if picked:
        store.bulk_extend(ox.parse(b"\n".join(picked), format=ox.RdfFormat.N_QUADS))
    return store


def _graph(q: ox.Quad) -> str | None:
    return None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value


def _is_statement(store: ox.Store, subject: ox.NamedNode | ox.BlankNode) -> bool:
    return next(iter(store.quads_for_pattern(subject, DCT_SOURCE, None, None)), None) is not None


def _statement_change(
    a: ox.Store, b: ox.Store, subject: ox.NamedNode | ox.BlankNode, mapper: Renamer
) -> StatementChange:
    """Describe one statement that differs: added, removed or changed, with its values."""
    old_subject = mapper.un(subject)
    before = _props(mapper.quad(q) for q in a.quads_for_pattern(old_subject, None, None, None))
    after = _props(b.quads_for_pattern(subject, None, None, None))
    current = after or before
    kind = "changed" if before and after else ("added" if after else "removed")
    graph = next(iter(current.pop("@graph", {None})))
    before.pop("@graph", None)
    after.pop("@graph", None)
    props = [
        PropertyChange(p, aspect_of(p), sorted(before.get(p, ())), sorted(after.get(p, ())))
        for p in sorted(set(before) | set(after))
        if before.get(p, set()) != after.get(p, set())
    ]
    values = after or before
    sources = values.get(DCT_SOURCE.value, set())
    entities = {
        t[1:-1]
        for vals in (*before.values(), *after.values())
        for t in vals
        if t.startswith("<" + ENTITY_BASE)
    }
    return StatementChange(
        change=kind,
        iri=subject.value,
        source=min(sources)[1:-1] if sources else None,
        graph=graph,
        types=sorted(t[1:-1] for t in values.get(RDF_TYPE.value, ())),
        entities=sorted(entities),
        properties=props if kind == "changed" else [],
        values={} if kind == "changed" else {p: sorted(v) for p, v in values.items()},
        renamed_from=old_subject.value if (kind != "added" and old_subject != subject) else None,
    )


def _props(quads: Iterable[ox.Quad]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        out[q.predicate.value].add(str(q.object))
        out["@graph"].add(_graph(q))  # type: ignore[arg-type]
    return dict(out)


def _info(side: Side, store: ox.Store) -> SideInfo:
    statements = {q.subject for q in store.quads_for_pattern(None, DCT_SOURCE, None, None)}
    return SideInfo(
        label=side.label,
        kind=side.kind,
        quads=side.quad_count,
        statements=len(statements),
        sources=len(_sources(store)),
    )


def _sources(store: ox.Store) -> set[ox.NamedNode]:
    found = {
        q.object
        for q in store.quads_for_pattern(None, DCT_SOURCE, None, None)
        if isinstance(q.object, ox.NamedNode)
    }
    found |= {
        q.subject
        for q in store.quads_for_pattern(None, RDF_TYPE, GK_SOURCE, None)
        if isinstance(q.subject, ox.NamedNode)
    }
    return found


def _signature(store: ox.Store, source: ox.NamedNode) -> set[str]:
    """What identifies a source's content across a rename: its statements' local ids."""
    sig = set()
    for q in store.quads_for_pattern(None, DCT_SOURCE, source, None):
        iri = getattr(q.subject, "value", "")
        sig.add(iri.split("/", 6)[-1] if iri.startswith(STATEMENT_BASE) else iri)
    if not sig:
        sig = {"title:" + str(q.object) for q in store.quads_for_pattern(source, DCT_TITLE, None)}
    return sig


def _graph_of(store: ox.Store, source: ox.NamedNode) -> ox.NamedNode | None:
    for q in store.quads_for_pattern(None, GRAPH_OF, source, None):
        if isinstance(q.subject, ox.NamedNode):
            return q.subject
    return None


def detect_renames(a: ox.Store, b: ox.Store) -> list[SourceRename]:
    """Sources of ``a`` missing from ``b`` paired with new sources of ``b`` of the same content."""
    gone = sorted(_sources(a) - _sources(b), key=str)
    new = sorted(_sources(b) - _sources(a), key=str)
    if not gone or not new:
        return []
    new_sigs = {n: _signature(b, n) for n in new}
    pairs: list[tuple[float, ox.NamedNode, ox.NamedNode, int]] = []
    for g in gone:
        sig = _signature(a, g)
        for n, other in new_sigs.items():
            union = sig | other
            score = len(sig & other) / len(union) if union else 0.0
            if score >= RENAME_THRESHOLD:
                pairs.append((score, g, n, len(sig & other)))
    out, used_old, used_new = [], set(), set()
    for _score, g, n, shared in sorted(pairs, key=lambda p: (-p[0], str(p[1]), str(p[2]))):
        if g in used_old or n in used_new:
            continue
        used_old.add(g)
        used_new.add(n)
        og, ng = _graph_of(a, g), _graph_of(b, n)
        count = sum(1 for _ in b.quads_for_pattern(None, DCT_SOURCE, n, None))
        out.append(
            SourceRename(g.value, n.value, count, og and og.value, ng and ng.value)
            if shared
            else SourceRename(g.value, n.value, 0, og and og.value, ng and ng.value)
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


def _graph_sources(store: ox.Store, mapper: Renamer | None) -> dict[str, str]:
    out = {}
    for q in store.quads_for_pattern(None, GRAPH_OF, None, None):
        g, s = (mapper.to(q.subject), mapper.to(q.object)) if mapper else (q.subject, q.object)
        out[str(getattr(g, "value", g))] = str(getattr(s, "value", s))
    return out


def _labels(a: ox.Store, b: ox.Store, mapper: Renamer, changes: ChangeSet) -> dict[str, str]:
    """rdfs:label or dcterms:title of every IRI a rendering will name."""
    iris: set[str] = set()
    for s in changes.statements:
        iris.update(s.entities)
        iris.update(t for t in (s.source, s.graph) if t)
    for t in changes.triples:
        iris.update(x[1:-1] for x in (t.subject, t.object) if x.startswith("<"))
    iris.update(r.old for r in changes.renamed)
    iris.update(r.new for r in changes.renamed)
    iris.update(changes.graph_sources.values())
    out = {}
    for iri in sorted(iris):
        node = ox.NamedNode(iri)
        for store, term in ((b, node), (a, mapper.un(node)), (a, node)):
            found = _label(store, term)
            if found:
                out[iri] = found
                break
    return out


def _label(store: ox.Store, node: ox.NamedNode) -> str | None:
    for prop in (RDFS_LABEL, DCT_TITLE):
        for q in store.quads_for_pattern(node, prop, None, None):
            if isinstance(q.object, ox.Literal):
                return q.object.value
    return None
