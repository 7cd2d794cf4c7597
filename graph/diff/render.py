"""Rendering a :class:`~govkg.graph.diff.model.ChangeSet`: Markdown, JSON and TriG with PROV.

Why three: Markdown is for the people who read a change log; JSON is for tools (the exact
terms in N-Triples syntax); TriG states the change set as data (a ``prov:Activity`` that used
the two inputs and generated one named graph of added and one of removed quads per graph that
changed), so a change set can itself be loaded, queried and archived. The small vocabulary of
the TriG form (``gkdiff:``) is described in ``docs/changes.md``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pyoxigraph as ox
from govkg.graph.diff.model import ChangeSet, StatementChange, TripleChange

PREFIXES = {
    "gk:": "https://w3id.org/govkg/ontology#",
    "gkc:": "https://w3id.org/govkg/concept/",
    "id:": "https://w3id.org/govkg/id/",
    "source:": "https://w3id.org/govkg/source/",
    "graph:": "https://w3id.org/govkg/graph/",
    "statement:": "https://w3id.org/govkg/statement/",
    "dcterms:": "http://purl.org/dc/terms/",
    "rdf:": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs:": "http://www.w3.org/2000/01/rdf-schema#",
}
DIFF = "https://w3id.org/govkg/diff#"
PROV = "http://www.w3.org/ns/prov#"
CHANGES_BASE = "https://w3id.org/govkg/changes/"


def short(term: str) -> str:
    """A compact form of an N-Triples term or IRI for people: prefixed IRIs, bare literals.

    >>> short("<https://w3id.org/govkg/id/meta>")
    'id:meta'
    >>> short('"2024-07-23"^^<http://www.w3.org/2001/XMLSchema#date>')
    '2024-07-23'
    """
    if term.startswith('"'):
        end = term.rfind('"')
        return json.loads(term[: end + 1]) if end > 0 else term
    iri = term[1:-1] if term.startswith("<") and term.endswith(">") else term
    for prefix, base in PREFIXES.items():
        if iri.startswith(base):
            return prefix + iri[len(base) :]
    return iri


def to_json(changes: ChangeSet) -> str:
    """The ``--format json`` document (see ``docs/changes.md`` for its members)."""
    return json.dumps(changes.to_dict(), indent=2, ensure_ascii=False) + "\n"


def to_markdown(changes: ChangeSet, *, limit: int = 2000) -> str:
    """A readable change report: summary, renamed sources, changes by source, by entity."""
    c = changes.counts()
    lines = [
        f"# Changes from {changes.old.label} to {changes.new.label}",
        "",
        f"- old: {changes.old.label}: {changes.old.quads:,} quads, "
        f"{changes.old.statements:,} statements, {changes.old.sources:,} sources",
        f"- new: {changes.new.label}: {changes.new.quads:,} quads, "
        f"{changes.new.statements:,} statements, {changes.new.sources:,} sources",
        f"- statements: {c['statements_added']} added, {c['statements_removed']} removed, "
        f"{c['statements_changed']} changed; other triples: {c['triples_added']} added, "
        f"{c['triples_removed']} removed; {c['sources_renamed']} source(s) renamed",
        "",
    ]
    if changes.empty:
        return "\n".join([*lines, "No changes.", ""])
    if changes.renamed:
        lines += ["## Renamed sources", ""]
        for r in changes.renamed:
            lines.append(
                f"- {_name(changes, r.old)} → `{short(r.new)}` "
                f"({r.statements} statements carried over)"
            )
        lines.append("")
    lines += ["## By source", ""]
    shown = 0
    for source, items in changes.by_source().items():
        lines += [f"### {_name(changes, source) if source else '(no source)'}", ""]
        for item in items:
            if shown >= limit:
                break
            lines.append(_line(changes, item))
            shown += 1
        lines.append("")
    if shown >= limit:
        lines += [f"(only the first {limit} changes are listed; use --format json)", ""]
    lines += ["## By entity", ""]
    for entity, items in changes.by_entity().items():
        stmts = sum(1 for i in items if isinstance(i, StatementChange))
        lines.append(
            f"- {_name(changes, entity)}: {stmts} statement(s), {len(items) - stmts} triple(s)"
        )
    lines.append("")
    return "\n".join(lines)


def _name(changes: ChangeSet, iri: str) -> str:
    label = changes.labels.get(iri)
    return f"{label} (`{short(iri)}`)" if label else f"`{short(iri)}`"


def _line(changes: ChangeSet, item: StatementChange | TripleChange) -> str:
    if isinstance(item, TripleChange):
        sign = "+" if item.change == "added" else "−"
        obj = short(item.object)
        obj = json.dumps(obj, ensure_ascii=False) if item.object.startswith('"') else obj
        return f"- {sign} triple `{short(item.subject)} {short(item.predicate)} {obj}`"
    kind = ", ".join(short(f"<{t}>") for t in item.types) or "statement"
    about = ", ".join(changes.labels.get(e, short(f"<{e}>")) for e in item.entities)
    head = f"- {item.change} {kind} `{short(f'<{item.iri}>')}`" + (
        f" about {about}" if about else ""
    )
    if item.renamed_from:
        head += f" (was `{short(f'<{item.renamed_from}>')}`)"
    if item.change != "changed":
        return head
    parts = [
        f"{p.aspect} {short(f'<{p.property}>')}: "
        f"{', '.join(map(short, p.old)) or '—'} → {', '.join(map(short, p.new)) or '—'}"
        for p in item.properties
    ]
    return head + ": " + "; ".join(parts)


def activity_iri(changes: ChangeSet) -> str:
    """A stable IRI for the change set: the same two inputs and changes give the same IRI."""
    digest = hashlib.sha256(
        json.dumps(
            [changes.old.label, changes.new.label, changes.counts(), _refs(changes)],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    return f"{CHANGES_BASE}{digest[:16]}"


def _refs(changes: ChangeSet) -> list[str]:
    return [s.iri + s.change for s in changes.statements] + [
        f"{t.change}{t.subject}{t.predicate}{t.object}{t.graph}" for t in changes.triples
    ]


def to_trig(changes: ChangeSet, *, when: datetime | None = None) -> bytes:
    """The change set as RDF: a PROV activity, its inputs, and added/removed named graphs.

    For each named graph ``G`` with changes: ``<act>/added/<n>`` holds the quads added to
    ``G``, ``<act>/removed/<n>`` those removed, and the description graph ``<act>`` says
    ``<act>/added/<n> gkdiff:addedTo G`` (resp. ``gkdiff:removedFrom``). Statements that
    changed are listed with ``gkdiff:changedStatement``; renamed sources as
    ``<new> prov:alternateOf <old>`` with ``gkdiff:renamedFrom``.
    """
    act = activity_iri(changes)
    node = ox.NamedNode
    desc = node(act)
    rdf_type = node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = node("http://www.w3.org/2000/01/rdf-schema#label")
    quads: list[ox.Quad] = []

    def say(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, node(p) if p != "a" else rdf_type, o, desc))

    stamp = (when or datetime.now(UTC)).replace(microsecond=0).isoformat()
    dt = node("http://www.w3.org/2001/XMLSchema#dateTime")
    say(desc, "a", node(PROV + "Activity"))
    say(desc, "a", node(DIFF + "ChangeSet"))
    say(desc, PROV + "endedAtTime", ox.Literal(stamp, datatype=dt))
    for role, side in (("old", changes.old), ("new", changes.new)):
        entity = node(f"{act}/{role}")
        say(desc, PROV + "used", entity)
        say(entity, "a", node(PROV + "Entity"))
        say(entity, label.value, ox.Literal(side.label))
        say(entity, DIFF + "role", ox.Literal(role))
        say(entity, DIFF + "quads", ox.Literal(str(side.quads), datatype=_INT))
    for key, value in changes.counts().items():
        say(desc, DIFF + _camel(key), ox.Literal(str(value), datatype=_INT))
    for s in changes.statements:
        prop = {"added": "addedStatement", "removed": "removedStatement"}.get(
            s.change, "changedStatement"
        )
        say(desc, DIFF + prop, node(s.iri))
    for r in changes.renamed:
        say(node(r.new), PROV + "alternateOf", node(r.old))
        say(node(r.new), DIFF + "renamedFrom", node(r.old))
    quads += _change_graphs(changes, act, say)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES) or b""


_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_PREFIXES = {
    "prov": PROV,
    "gkdiff": DIFF,
    "gk": PREFIXES["gk:"],
    "dcterms": PREFIXES["dcterms:"],
    "rdfs": PREFIXES["rdfs:"],
}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.title() for w in rest)


def _change_graphs(changes: ChangeSet, act: str, say) -> list[ox.Quad]:  # type: ignore[no-untyped-def]
    """Added and removed quads in one named graph per (change, original graph)."""
    groups: dict[tuple[str, str | None], list[tuple[str, str, str]]] = {}
    for s in changes.statements:
        if s.change == "changed":
            for p in s.properties:
                for kind, values in (("removed", p.old), ("added", p.new)):
                    for v in values:
                        groups.setdefault((kind, s.graph), []).append(
                            (f"<{s.iri}>", f"<{p.property}>", v)
                        )
        else:
            for prop, values in s.values.items():
                for v in values:
                    groups.setdefault((s.change, s.graph), []).append(
                        (f"<{s.iri}>", f"<{prop}>", v)
                    )
    for t in changes.triples:
        groups.setdefault((t.change, t.graph), []).append((t.subject, t.predicate, t.object))
    out: list[ox.Quad] = []
    counters = {"added": 0, "removed": 0}
    for (kind, graph), triples in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        counters[kind] += 1
        name = ox.NamedNode(f"{act}/{kind}/{counters[kind]}")
        say(name, "a", ox.NamedNode(PROV + "Entity"))
        say(name, PROV + "wasGeneratedBy", ox.NamedNode(act))
        if graph is not None:
            say(name, DIFF + ("addedTo" if kind == "added" else "removedFrom"), ox.NamedNode(graph))
        text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")
        for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES):
            out.append(ox.Quad(t.subject, t.predicate, t.object, name))
    return out
