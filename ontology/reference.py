"""The ontology reference page, generated from ``govkg.ttl`` (never written by hand).

Why generated: the Turtle is the single source of truth for every term's label, definition,
example, hierarchy and alignment; a hand-written page would drift from it. The page lists every
govkg class, property and concept scheme (with its concepts); external terms the ontology only
declares (ORG, PROV-O, ...) appear as links from govkg terms, not as entries.

    python -m govkg.ontology.reference            # rewrite docs/ontology-reference.md
    python -m govkg.ontology.reference --html out.html
"""

from __future__ import annotations

import argparse
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from govkg.ontology import BASE, GK, GKC, HERE, ONTOLOGY_FILE, ONTOLOGY_IRI, PREFIXES
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

REFERENCE_FILE: Path = HERE.parent / "docs" / "ontology-reference.md"

DCTERMS_TITLE = URIRef("http://purl.org/dc/terms/title")
DCTERMS_DESCRIPTION = URIRef("http://purl.org/dc/terms/description")
EXTRA_PREFIXES = {"airo": "https://w3id.org/airo#", "dpv": "https://w3id.org/dpv#"}


@dataclass
class Entry:
    """One documented term, in a form both renderers share."""

    iri: URIRef
    curie: str
    label: str
    definition: str
    example: str | None = None
    #: ordered (fact name, rendered values) pairs, e.g. ("Subclass of", ["gk:Organisation"])
    facts: list[tuple[str, list[str]]] = field(default_factory=list)
    depth: int = 0  # nesting of a concept under its broader concept

    @property
    def anchor(self) -> str:
        """The HTML/Markdown anchor: the local name, prefixed by ``c-`` for concepts."""
        if str(self.iri).startswith(str(GKC)):
            return "c-" + str(self.iri)[len(str(GKC)) :]
        return str(self.iri).rsplit("#", 1)[-1]


@dataclass
class Section:
    """A titled list of entries (classes, object properties, one concept scheme, ...)."""

    title: str
    intro: str
    entries: list[Entry]


def _load(graph: Graph | None) -> Graph:
    if graph is not None:
        return graph
    loaded = Graph()
    loaded.parse(ONTOLOGY_FILE, format="turtle")
    return loaded


def _curie(iri: URIRef) -> str:
    """A prefixed name for ``iri`` using the longest matching known namespace."""
    text = str(iri)
    known = {**PREFIXES, **EXTRA_PREFIXES}
    matches = [(len(ns), prefix, ns) for prefix, ns in known.items() if text.startswith(ns)]
    if not matches:
        return f"<{text}>"
    _, prefix, namespace = max(matches)
    return f"{prefix}:{text[len(namespace) :]}"


def _is_ours(iri: object) -> TypeGuard[URIRef]:
    return isinstance(iri, URIRef) and str(iri).startswith(BASE)


def _text(graph: Graph, subject: URIRef, *predicates: URIRef) -> str | None:
    """The first English (or untagged) literal of the first predicate that has one."""
    for predicate in predicates:
        values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
        values.sort(key=lambda v: (v.language not in (None, "en"), str(v)))
        if values:
            return str(values[0])
    return None


def _refs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    """Rendered objects: govkg terms as ``[curie](#anchor)`` markers, others as CURIEs."""
    out = []
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, URIRef):
            out.append(_curie(value))
        elif isinstance(value, Literal):
            out.append(str(value))
    return out


def _entry(graph: Graph, iri: URIRef, facts: list[tuple[str, URIRef]], depth: int = 0) -> Entry:
    entry = Entry(
        iri=iri,
        curie=_curie(iri),
        label=_text(graph, iri, RDFS.label, SKOS.prefLabel) or _curie(iri),
        definition=_text(graph, iri, SKOS.definition) or "(no definition)",
        example=_text(graph, iri, SKOS.example),
        depth=depth,
    )
    for name, predicate in facts:
        values = [v for v in _refs(graph, iri, predicate) if v not in _PLAIN_KINDS]
        if values:
            entry.facts.append((name, values))
    return entry


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    found = {s for s in graph.subjects(RDF.type, kind) if _is_ours(s)}
    return sorted(found, key=lambda s: _curie(s).lower())


#: Kinds every property entry already has by its section; only characteristics are worth listing.
_PLAIN_KINDS = {"owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty"}

CLASS_FACTS = [("Subclass of", RDFS.subClassOf), ("Close match", SKOS.closeMatch)]
PROPERTY_FACTS = [
    ("Domain", RDFS.domain),
    ("Range", RDFS.range),
    ("Subproperty of", RDFS.subPropertyOf),
    ("Characteristics", RDF.type),
    ("Close match", SKOS.closeMatch),
]
CONCEPT_FACTS = [
    ("Broader", SKOS.broader),
    ("Open weights", GK.openWeights),
    ("Epoch AI value", GK.epochValue),
    ("Ecosystem Graphs value", GK.ecosystemGraphsValue),
    ("Close match", SKOS.closeMatch),
]


def _concepts_of(graph: Graph, scheme: URIRef) -> list[Entry]:
    """A scheme's concepts, depth-first from its top concepts so nesting reads naturally."""
    members = {c for c in graph.subjects(SKOS.inScheme, scheme) if _is_ours(c)}
    ordered: list[Entry] = []
    seen: set[URIRef] = set()

    def visit(concept: URIRef, depth: int) -> None:
        if concept in seen:
            return
        seen.add(concept)
        ordered.append(_entry(graph, concept, CONCEPT_FACTS, depth))
        children = [c for c in members if (c, SKOS.broader, concept) in graph]
        children += [
            c for c in graph.objects(concept, SKOS.narrower) if _is_ours(c) and c in members
        ]
        for child in sorted(set(children), key=str):
            visit(child, depth + 1)

    roots = [c for c in members if not any(b in members for b in graph.objects(c, SKOS.broader))]
    for root in sorted(roots, key=str):
        visit(root, 0)
    for rest in sorted(members - seen, key=str):  # cycles or odd hierarchies: still listed
        visit(rest, 0)
    return ordered


def build_sections(graph: Graph | None = None) -> list[Section]:
    """The reference content as sections of entries: what both renderers print."""
    graph = _load(graph)
    sections = [
        Section(
            "Classes",
            "Kinds of things the graph records.",
            [_entry(graph, c, CLASS_FACTS) for c in _terms(graph, OWL.Class)],
        ),
        Section(
            "Object properties",
            "Relations between things.",
            [_entry(graph, p, PROPERTY_FACTS) for p in _terms(graph, OWL.ObjectProperty)],
        ),
        Section(
            "Datatype properties",
            "Attributes with literal values (dates are xsd:date).",
            [_entry(graph, p, PROPERTY_FACTS) for p in _terms(graph, OWL.DatatypeProperty)],
        ),
        Section(
            "Annotation properties",
            "Annotations on concepts, outside OWL semantics.",
            [_entry(graph, p, PROPERTY_FACTS) for p in _terms(graph, OWL.AnnotationProperty)],
        ),
    ]
    for scheme in _terms(graph, SKOS.ConceptScheme):
        head = _entry(graph, scheme, [("Close match", SKOS.closeMatch)])
        sections.append(
            Section(
                f"Concept scheme: {head.label} ({head.curie})",
                "The scheme, then its concepts (narrower concepts after their broader one).",
                [head, *_concepts_of(graph, scheme)],
            )
        )
    return sections


def _header(graph: Graph) -> tuple[str, str, str]:
    title = _text(graph, ONTOLOGY_IRI, DCTERMS_TITLE) or "govkg ontology"
    description = _text(graph, ONTOLOGY_IRI, DCTERMS_DESCRIPTION) or ""
    version = _text(graph, ONTOLOGY_IRI, OWL.versionInfo) or "?"
    return title, " ".join(description.split()), version


def _md_value(value: str, anchors: dict[str, str]) -> str:
    return f"[`{value}`](#{anchors[value]})" if value in anchors else f"`{value}`"


def render_markdown(graph: Graph | None = None) -> str:
    """The reference as Markdown (what ``docs/ontology-reference.md`` holds)."""
    graph = _load(graph)
    sections = build_sections(graph)
    anchors = {e.curie: e.anchor for s in sections for e in s.entries}
    title, description, version = _header(graph)
    lines = [
        f"# {title}",
        "",
        "<!-- Generated from ontology/govkg.ttl by `python -m govkg.ontology.reference`; "
        "do not edit by hand. -->",
        "",
        f"Version {version}. {description}",
        "",
        "| prefix | namespace |",
        "|---|---|",
        *(f"| `{p}:` | `{ns}` |" for p, ns in PREFIXES.items() if ns.startswith(BASE)),
        "",
        "## Contents",
        "",
        *(f"- {s.title} ({len(s.entries)})" for s in sections),
    ]
    for section in sections:
        lines += ["", f"## {section.title}", "", section.intro]
        for entry in section.entries:
            marker = "#### " if entry.depth == 0 else "#### " + "↳ " * entry.depth
            lines += [
                "",
                f'<a id="{entry.anchor}"></a>',
                f"{marker}{entry.label} (`{entry.curie}`)",
            ]
            lines += ["", entry.definition]
            if entry.example:
                lines += ["", f"*Example:* {entry.example}"]
            if entry.facts:
                lines.append("")
                for name, values in entry.facts:
                    rendered = ", ".join(_md_value(v, anchors) for v in values)
                    lines.append(f"- {name}: {rendered}")
    return "\n".join(lines) + "\n"


def _html_value(value: str, anchors: dict[str, str]) -> str:
    code = f"<code>{html.escape(value)}</code>"
    return f'<a href="#{anchors[value]}">{code}</a>' if value in anchors else code


def render_html(graph: Graph | None = None) -> str:
    """The reference as one self-contained HTML page (no scripts, no external assets)."""
    graph = _load(graph)
    sections = build_sections(graph)
    anchors = {e.curie: e.anchor for s in sections for e in s.entries}
    title, description, version = _header(graph)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "section.term{border-top:1px solid #ddd;padding:.3rem 0}"
        ".nested{margin-left:1.5rem}</style>",
        "</head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>Version {esc(version)}. {esc(description)}</p>",
        "<nav><ul>",
        *(f'<li><a href="#s{i}">{esc(s.title)}</a></li>' for i, s in enumerate(sections)),
        "</ul></nav>",
    ]
    for index, section in enumerate(sections):
        parts += [f'<h2 id="s{index}">{esc(section.title)}</h2>', f"<p>{esc(section.intro)}</p>"]
        for entry in section.entries:
            css = "term nested" if entry.depth else "term"
            parts.append(f'<section class="{css}" id="{esc(entry.anchor)}">')
            parts.append(f"<h3>{esc(entry.label)} <code>{esc(entry.curie)}</code></h3>")
            parts.append(f"<p>{esc(entry.definition)}</p>")
            if entry.example:
                parts.append(f"<p><em>Example:</em> {esc(entry.example)}</p>")
            if entry.facts:
                parts.append("<dl>")
                for name, values in entry.facts:
                    rendered = ", ".join(_html_value(v, anchors) for v in values)
                    parts.append(f"<dt>{esc(name)}</dt><dd>{rendered}</dd>")
                parts.append("</dl>")
            parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_reference(path: Path = REFERENCE_FILE, *, fmt: str = "markdown") -> Path:
    """Write the reference page (``markdown`` or ``html``) to ``path`` and return the path."""
    text = render_html() if fmt == "html" else render_markdown()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Iterable[str] | None = None) -> int:
    """Command-line entry: regenerate the Markdown reference, or write HTML with ``--html``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="write the HTML page here instead")
    parser.add_argument("--out", type=Path, default=REFERENCE_FILE, help="Markdown output path")
    args = parser.parse_args(list(argv) if argv is not None else None)
    written = write_reference(args.html, fmt="html") if args.html else write_reference(args.out)
    print(written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
