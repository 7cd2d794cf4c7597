"""The ontology parses, documents every term, avoids punning and aligns to terms that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from govkg.ontology import AIRO, BASE, DPV, GK, GKC, ONTOLOGY_FILE, ONTOLOGY_IRI, SHAPES_FILE
from govkg.ontology.cq import competency_questions
from govkg.ontology.validation import TERM_SHAPES_FILE, validate_ontology
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

DCTERMS = "http://purl.org/dc/terms/"
KINDS = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty]


def ours(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if str(s).startswith(BASE)}


def test_ontology_parses_as_turtle() -> None:
    graph = Graph().parse(ONTOLOGY_FILE, format="turtle")
    assert len(graph) > 500
    # the other Turtle files of the package parse too
    for path in (SHAPES_FILE, TERM_SHAPES_FILE):
        assert len(Graph().parse(path, format="turtle")) > 10


def test_header_names_version_title_licence_creator(ontology_graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology_graph
    for predicate in (OWL.versionIRI, OWL.versionInfo):
        assert ontology_graph.value(ONTOLOGY_IRI, predicate) is not None
    for name in ("title", "description", "license", "creator"):
        assert ontology_graph.value(ONTOLOGY_IRI, URIRef(DCTERMS + name)) is not None, name


def test_core_terms_exist(ontology_graph: Graph) -> None:
    """Terms other modules code against: renaming one must fail here first."""
    classes = ours(ontology_graph, OWL.Class)
    for name in (
        "AIDeveloper",
        "Agency",
        "AIModel",
        "ModelFamily",
        "Participation",
        "ModelEvaluation",
        "RegulatoryAction",
        "StanceAttribution",
        "Claim",
        "Scenario",
        "Source",
        "SourceGraph",
        "Statement",
        "Person",
        "Jurisdiction",
    ):
        assert GK[name] in classes, name
    schemes = ours(ontology_graph, SKOS.ConceptScheme)
    for name in (
        "weights-access",
        "participation-status",
        "stance",
        "deployment-stage",
        "action-type",
        "action-status",
        "source-kind",
        "risk",
        "governance-model",
    ):
        assert GKC[name] in schemes, name


def test_every_term_has_label_and_definition() -> None:
    violations = validate_ontology()
    assert violations == [], "\n".join(map(str, violations))


@pytest.mark.parametrize(
    ("term", "drop", "message"),
    [
        (
            GK.AIModel,
            SKOS.definition,
            "This govkg term has no definition: give it a skos:definition.",
        ),
        (
            GK.developedBy,
            RDFS.label,
            "This govkg term has no label: give it an rdfs:label (or skos:prefLabel).",
        ),
        (
            GKC["open-weights"],
            SKOS.definition,
            "This govkg term has no definition: give it a skos:definition.",
        ),
        (
            GKC["stance"],
            RDFS.label,
            "This govkg term has no label: give it an rdfs:label (or skos:prefLabel).",
        ),
    ],
)
def test_term_shapes_catch_an_undocumented_term(
    ontology_graph: Graph, term: URIRef, drop: URIRef, message: str
) -> None:
    broken = Graph()
    for triple in ontology_graph:
        broken.add(triple)
    broken.remove((term, drop, None))
    if drop == RDFS.label:
        broken.remove((term, SKOS.prefLabel, None))
    violations = validate_ontology(broken)
    assert [(v.focus_node, v.message) for v in violations] == [(str(term), message)]


def test_external_declarations_need_no_documentation(ontology_graph: Graph) -> None:
    """org:Organization is declared without a definition; the term shapes must not flag it."""
    assert (URIRef("http://www.w3.org/ns/org#Organization"), RDF.type, OWL.Class) in ontology_graph
    assert validate_ontology(ontology_graph) == []


def test_no_punning(ontology_graph: Graph) -> None:
    """No IRI is typed as two of class / object / datatype / annotation property."""
    seen: dict[URIRef, set[URIRef]] = {}
    for kind in KINDS:
        for subject in ontology_graph.subjects(RDF.type, kind):
            seen.setdefault(subject, set()).add(kind)
    punned = {str(s): sorted(map(str, k)) for s, k in seen.items() if len(k) > 1}
    assert punned == {}


def test_concepts_are_individuals_not_classes(ontology_graph: Graph) -> None:
    concepts = ours(ontology_graph, SKOS.Concept) | ours(ontology_graph, SKOS.ConceptScheme)
    assert concepts
    for kind in KINDS:
        assert not concepts & set(ontology_graph.subjects(RDF.type, kind)), kind


def test_every_concept_is_in_exactly_one_scheme(ontology_graph: Graph) -> None:
    for concept in ours(ontology_graph, SKOS.Concept):
        schemes = set(ontology_graph.objects(concept, SKOS.inScheme))
        assert len(schemes) == 1, concept


def test_every_used_term_is_declared(ontology_graph: Graph) -> None:
    """Every gk:/gkc: IRI mentioned in the ontology, shapes and CQs is declared in the ontology."""
    declared = {s for s in ontology_graph.subjects(RDF.type, None) if str(s).startswith(BASE)}
    mentioned: set[str] = set()
    for path in (ONTOLOGY_FILE, SHAPES_FILE):
        graph = Graph().parse(path, format="turtle")
        for triple in graph:
            mentioned |= {str(t) for t in triple if isinstance(t, URIRef)}
    for cq in competency_questions():
        mentioned |= {str(GK) + m for m in re.findall(r"\bgk:([A-Za-z]+)", cq.query)}
        mentioned |= {str(GKC) + m for m in re.findall(r"\bgkc:([a-z-]+)", cq.query)}
    vocabulary = {m for m in mentioned if m.startswith((str(GK), str(GKC)))}
    assert vocabulary - {str(d) for d in declared} == set()


def test_alignment_targets_exist(ontology_graph: Graph, shared_dir: Path) -> None:
    """Every AIRO/DPV term the ontology points to exists in the shipped reference ontologies."""
    refs = shared_dir / "data" / "reference-ontologies"
    airo_text = (refs / "airo" / "airo.ttl").read_text(encoding="utf-8")
    dpv_csv = (refs / "dpv-2.2" / "2.2_dpv_dpv.csv").read_text(encoding="utf-8")
    targets = {o for _, _, o in ontology_graph if isinstance(o, URIRef)}
    airo_terms = {t for t in targets if str(t).startswith(str(AIRO))}
    dpv_terms = {t for t in targets if str(t).startswith(str(DPV))}
    assert airo_terms and dpv_terms
    for term in sorted(airo_terms):
        local = str(term)[len(str(AIRO)) :]
        assert re.search(rf"^(airo|):{re.escape(local)} (rdf:type|a) ", airo_text, re.M), term
    for term in sorted(dpv_terms):
        assert f'"{term}"' in dpv_csv, term
