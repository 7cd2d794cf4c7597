"""Comparing two sides: lines first, then statements, with renamed sources recognised.

How, and why in this order:

1. **Lines.** Each side is a set of canonical N-Quads lines
   (:class:`~govkg.graph.diff.sides.Side`); the set differences, computed at C speed, are the
   candidate changes. Only they are parsed; lines written differently for the same quad cancel.
2. **One scan per side** (:func:`~govkg.graph.diff.index.index_side`) collects every quad of
   the subjects that changed, and the context: statements and their sources, source typings,
   ``gk:graphOf``, labels and titles.
3. **Renamed sources** (:mod:`govkg.graph.diff.renames`) are recognised, and the old side's
   differing quads are read in the new names: those the new side holds are no change.
4. **Statements.** Differing quads whose subject carries ``dcterms:source`` on either side are
   grouped by that statement: present on one side only it was added or removed; on both, it
   changed, and the properties whose values differ are listed with their aspect (date, status,
   licence, quote, source). All other differing quads are plain triple changes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from govkg.graph.diff.index import SideIndex, index_side, term_key
from govkg.graph.diff.model import (
    ENTITY_BASE,
    ChangeSet,
    PropertyChange,
    SideInfo,
    StatementChange,
    TripleChange,
    aspect_of,
)
from govkg.graph.diff.renames import Renamer, detect_renames
from govkg.graph.diff.sides import Side, canonical_line
from govkg.graph.errors import ParseError, Problem

DCT_SOURCE = "http://purl.org/dc/terms/source"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def compare(old: Side, new: Side) -> ChangeSet:
    """Everything that differs between ``old`` and ``new``, as a :class:`ChangeSet`.

    >>> import pyoxigraph as ox
    >>> from govkg.graph.diff.sides import Side
    >>> g = ox.NamedNode("https://example.org/g")
    >>> a = Side.from_quads("a", "dump", [])
    >>> b = Side.from_quads("b", "dump", [ox.Quad(g, g, ox.Literal("x"), g)])
    >>> compare(a, b).counts()["triples_added"]
    1
    """
    started = time.monotonic()
    only_old = _canon(old.lines - new.lines, old)
    only_new = _canon(new.lines - old.lines, new)
    same = only_old & only_new  # the same quad written differently on the two sides
    wanted = {term_key(q.subject) for q in only_old | only_new}
    ia, ib = index_side(old.lines, wanted), index_side(new.lines, wanted)
    renames = detect_renames(ia, ib)
    mapper = Renamer(renames)
    if mapper:
        removed = [
            m for m in (mapper.quad(q) for q in only_old - same) if not _holds(new, only_new, m)
        ]
        added = [q for q in only_new - same if not _holds(old, only_old, mapper.unquad(q))]
        missing = {term_key(mapper.un(q.subject)) for q in removed + added} - wanted
        if missing:
            ia.add_detail(old.lines, missing)
    else:
        removed, added = list(only_old - same), list(only_new - same)

    subjects: set[ox.NamedNode | ox.BlankNode] = {
        q.subject for q in [*removed, *added] if isinstance(q.subject, ox.NamedNode | ox.BlankNode)
    }
    statements = {s for s in subjects if ib.is_statement(s) or ia.is_statement(mapper.un(s))}
    changes = [
        _statement_change(ia.detail, ib.detail, s, mapper)
        for s in sorted(statements, key=lambda t: t.value)
    ]
    triples = [
        TripleChange(kind, _graph(q), str(q.subject), str(q.predicate), str(q.object))
        for kind, quads in (("removed", removed), ("added", added))
        for q in quads
        if q.subject not in statements
    ]
    triples.sort(key=lambda t: (t.graph or "", t.subject, t.predicate, t.object, t.change))
    result = ChangeSet(
        old=_info(old, ia),
        new=_info(new, ib),
        renamed=renames,
        statements=changes,
        triples=triples,
    )
    result.graph_sources = {mapper.iri(g): mapper.iri(s) for g, s in ia.graph_of.items()}
    result.graph_sources.update(ib.graph_of)
    result.labels = _labels(ia, ib, mapper, result)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _canon(lines: set[bytes], side: Side) -> set[ox.Quad]:
    """Parse N-Quads lines into quads; a syntax error names the side's file and the line."""
    if not lines:
        return set()
    ordered = list(lines)
    try:
        return set(ox.parse(b"\n".join(ordered), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        bad = ordered[exc.lineno - 1] if exc.lineno and exc.lineno <= len(ordered) else b""
        problem = Problem(f"{exc.msg}: {bad.decode('utf-8', 'replace')[:200]}", file=side.label)
        raise ParseError(
            f"{side.label} is not valid N-Quads; nothing was compared", problems=[problem]
        ) from exc


def _holds(side: Side, parsed: set[ox.Quad], quad: ox.Quad) -> bool:
    """Whether ``side`` has ``quad`` (as its canonical line, or written otherwise)."""
    return canonical_line(quad) in side.lines or quad in parsed


def _graph(q: ox.Quad) -> str | None:
    return None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value


def _statement_change(
    a: ox.Store, b: ox.Store, subject: ox.NamedNode | ox.BlankNode, mapper: Renamer
) -> StatementChange:
    """Describe one statement that differs: added, removed or changed, with its values."""
    old_subject = mapper.un(subject)
    before = _props(mapper.quad(q) for q in a.quads_for_pattern(old_subject, None, None, None))
    after = _props(b.quads_for_pattern(subject, None, None, None))
    kind = "changed" if before and after else ("added" if after else "removed")
    graphs = (after or before).pop("@graph", {None})
    before.pop("@graph", None)
    after.pop("@graph", None)
    props = [
        PropertyChange(p, aspect_of(p), sorted(before.get(p, ())), sorted(after.get(p, ())))
        for p in sorted(set(before) | set(after))
        if before.get(p, set()) != after.get(p, set())
    ]
    values = after or before
    sources = values.get(DCT_SOURCE) or before.get(DCT_SOURCE, set())
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
        graph=min(g for g in graphs if g) if any(graphs) else None,
        types=sorted(t[1:-1] for t in values.get(RDF_TYPE, ())),
        entities=sorted(entities),
        properties=props if kind == "changed" else [],
        values={} if kind == "changed" else {p: sorted(v) for p, v in values.items()},
        renamed_from=old_subject.value if (kind != "added" and old_subject != subject) else None,
    )


def _props(quads: Iterable[ox.Quad]) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for q in quads:
        out[q.predicate.value].add(str(q.object))
        out["@graph"].add(_graph(q))
    return dict(out)


def _info(side: Side, index: SideIndex) -> SideInfo:
    return SideInfo(
        label=side.label,
        kind=side.kind,
        quads=side.quad_count,
        statements=len(index.statements),
        sources=len(index.sources),
    )


def _labels(a: SideIndex, b: SideIndex, mapper: Renamer, changes: ChangeSet) -> dict[str, str]:
    """rdfs:label or dcterms:title of every IRI a rendering will name."""
    iris: set[str] = set()
    for s in changes.statements:
        iris.update(s.entities)
        iris.update(t for t in (s.source, s.graph) if t)
    for t in changes.triples:
        iris.update(x[1:-1] for x in (t.subject, t.object) if x.startswith("<"))
        if t.graph:
            iris.add(t.graph)
    for r in changes.renamed:
        iris.update((r.old, r.new))
    iris.update(changes.graph_sources.get(t.graph or "", "") for t in changes.triples)
    iris.discard("")
    out = {}
    for iri in sorted(iris):
        found = b.label(iri) or a.label(mapper.un(ox.NamedNode(iri)).value) or a.label(iri)
        if found:
            out[iri] = found
    return out
