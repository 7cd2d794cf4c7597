"""The ontology is consistent under HermiT (OWL 2 DL), run through owlready2.

owlready2 reads RDF/XML, not Turtle, so the ontology is serialised with rdflib first. HermiT
rejects datatypes outside the OWL 2 datatype map, and xsd:date (the datatype of every govkg date)
is one of them, so it runs with --ignoreUnsupportedDatatypes; docs/ontology.md explains why the
ontology keeps xsd:date anyway.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import owlready2
import pytest
from govkg.ontology import GK, ID
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF
from support.system import unavailable


@pytest.fixture(autouse=True)
def _java() -> None:
    if shutil.which("java") is None:
        unavailable("HermiT needs Java, and `java` is not on PATH")


def run_hermit(graph: Graph, tmp_path: Path) -> None:
    """Load ``graph`` into a fresh owlready2 world and run HermiT; raises when inconsistent."""
    owl_file = tmp_path / "govkg.owl"
    graph.serialize(owl_file, format="xml")
    world = owlready2.World()
    ontology = world.get_ontology(owl_file.as_uri()).load()
    with ontology:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    unsatisfiable = [str(c) for c in world.inconsistent_classes()]
    assert unsatisfiable == [], f"unsatisfiable classes: {unsatisfiable}"


def test_ontology_is_consistent(ontology_graph: Graph, tmp_path: Path) -> None:
    run_hermit(ontology_graph, tmp_path)


def test_reasoner_detects_a_contradiction(ontology_graph: Graph, tmp_path: Path) -> None:
    """The harness can fail: make models and organisations disjoint, then type one thing as both."""
    broken = Graph()
    for triple in ontology_graph:
        broken.add(triple)
    broken.add((GK.AIModel, OWL.disjointWith, GK.Organisation))
    both = ID["model-and-company"]
    broken.add((both, RDF.type, OWL.NamedIndividual))
    broken.add((both, RDF.type, GK.AIModel))
    broken.add((both, RDF.type, GK.AIDeveloper))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        run_hermit(broken, tmp_path)


def test_serialised_ontology_has_no_blank_node_classes(ontology_graph: Graph) -> None:
    """Every class and property is named, so any OWL tool shows the same terms."""
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology_graph.subjects(RDF.type, kind):
            assert isinstance(term, URIRef) and not isinstance(term, BNode), term
