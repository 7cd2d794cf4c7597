"""The generated reference lists every govkg term with its label and definition."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from govkg.ontology import BASE, GK
from govkg.ontology.reference import (
    REFERENCE_FILE,
    build_sections,
    render_html,
    render_markdown,
    write_reference,
)
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

KINDS = [
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    SKOS.Concept,
    SKOS.ConceptScheme,
]


def govkg_terms(graph: Graph) -> set[URIRef]:
    return {s for k in KINDS for s in graph.subjects(RDF.type, k) if str(s).startswith(BASE)}


def label_and_definition(graph: Graph, term: URIRef) -> tuple[str, str]:
    label = graph.value(term, RDFS.label) or graph.value(term, SKOS.prefLabel)
    return str(label), str(graph.value(term, SKOS.definition))


def test_every_term_appears_once_in_the_sections(ontology_graph: Graph) -> None:
    listed = [e.iri for s in build_sections(ontology_graph) for e in s.entries]
    assert sorted(listed) == sorted(govkg_terms(ontology_graph))


@pytest.mark.parametrize("render", [render_markdown, render_html], ids=["markdown", "html"])
def test_every_term_is_rendered_with_label_and_definition(ontology_graph: Graph, render) -> None:
    page = render(ontology_graph)
    for term in govkg_terms(ontology_graph):
        label, definition = label_and_definition(ontology_graph, term)
        if render is render_html:
            import html

            label, definition = html.escape(label), html.escape(definition)
        assert label in page, term
        assert definition in page, term


def test_markdown_shows_hierarchy_domain_range_and_alignment(ontology_graph: Graph) -> None:
    page = render_markdown(ontology_graph)
    assert "- Subclass of: [`gk:Organisation`](#Organisation)" in page  # gk:AIDeveloper
    assert "- Close match: `airo:AIDeveloper`, `airo:AIProvider`" in page
    assert "- Domain: [`gk:Participation`](#Participation)" in page
    assert "- Broader: [`gkc:open-weights`](#c-open-weights)" in page


def test_reference_follows_the_turtle(ontology_graph: Graph) -> None:
    """A term added to the Turtle shows up: the page is generated, not hand-written."""
    changed = Graph()
    for triple in ontology_graph:
        changed.add(triple)
    term = GK.ProbeClass
    changed.add((term, RDF.type, OWL.Class))
    changed.add((term, RDFS.label, Literal("probe class", lang="en")))
    changed.add((term, SKOS.definition, Literal("Only in this test.", lang="en")))
    page = render_markdown(changed)
    assert "probe class (`gk:ProbeClass`)" in page and "Only in this test." in page
    assert "ProbeClass" not in render_markdown(ontology_graph)


def test_html_is_well_formed(ontology_graph: Graph) -> None:
    class Checker(HTMLParser):
        VOID = {"meta", "br", "hr", "img", "link", "input"}

        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.ids: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.ids += [v for k, v in attrs if k == "id"]
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
            self.stack.pop()

    checker = Checker()
    checker.feed(render_html(ontology_graph))
    assert checker.stack == []
    assert len(checker.ids) == len(set(checker.ids)), "duplicate anchors"


def test_write_reference(tmp_path: Path) -> None:
    out = write_reference(tmp_path / "ref.html", fmt="html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_committed_reference_is_up_to_date() -> None:
    assert REFERENCE_FILE.is_file(), "run `python -m govkg.ontology.reference` to generate it"
    assert REFERENCE_FILE.read_text(encoding="utf-8") == render_markdown(), (
        "docs/ontology-reference.md is stale: run `python -m govkg.ontology.reference`"
    )
