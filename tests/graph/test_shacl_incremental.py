"""The incremental SHACL gate gives the verdict of a full pyshacl run over the whole store.

A seeded random property test: writes into the curated graphs of the bundled data (removing
quads, adding entities and property values of right and wrong kinds, taking the types off a
node that others reference) are judged by
:func:`govkg.graph.shacl.incremental.new_violations_incremental` and by validating the whole
store before and after; the sets of added violations (hence the verdicts) must be equal, and the
writes must include both accepted and refused ones. Plus the scope analysis of the shapes.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from govkg.graph.shacl.delta import NO_CURATED_CHANGE, UNKNOWN, Delta, update_delta
from govkg.graph.shacl.incremental import new_violations_incremental, to_graph
from govkg.graph.shacl.scope import analyse, shape_scope
from govkg.graph.store.embedded import Store
from govkg.ontology import GRAPH
from govkg.ontology.validation import load_shapes, validate_data
from rdflib import BNode, Literal, URIRef

GK = "https://w3id.org/govkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IN_SCHEME = ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme")
PREDICATES = [
    "http://purl.org/dc/terms/source",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/ns/org#subOrganizationOf",
    *(
        GK + p
        for p in [
            "developedBy",
            "epistemicStatus",
            "statedEpistemicStatus",
            "date",
            "validFrom",
            "datePrecision",
            "weightsAccess",
            "stance",
            "holder",
            "actor",
            "actionType",
            "concernsRisk",
            "governanceModel",
            "parameterCount",
            "releaseDate",
            "independentSources",
            "sourceKind",
            "participant",
            "instrument",
        ]
    ),
]
CLASSES = [
    GK + c
    for c in [
        "AIDeveloper",
        "AIModel",
        "Organisation",
        "Person",
        "Statement",
        "Participation",
        "StanceAttribution",
        "RegulatoryAction",
        "Source",
        "ModelRelease",
        "Claim",
    ]
]
SEEDS = range(6)  # each full reference run validates the whole store (~4 s)


@pytest.fixture(scope="module")
def store(bundled_memory_store: ox.Store) -> Store:
    """The bundled data, read-only (the tests only read it)."""
    return Store(bundled_memory_store, path=None, read_only=True)


@pytest.fixture(scope="module")
def before(store: Store) -> set[str]:
    """Violations of the whole store as it is (the full run's "before", computed once)."""
    return {str(v) for v in validate_data(to_graph(_triples(store.quads())))}


def _triples(quads: object) -> set:
    return {(q.subject, q.predicate, q.object) for q in quads}  # type: ignore[attr-defined]


def _full(store: Store, before: set[str], delta: Delta) -> set[str]:
    """The reference: validate every triple of every named graph after the write."""
    current = set(store.quads())
    after = (current - delta.removed) | delta.added
    return {str(v) for v in validate_data(to_graph(_triples(after)))} - before


def _random_object(rng: random.Random, nodes: list, concepts: list) -> ox.Term:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(concepts)
    if kind == 1:
        return ox.Literal(rng.choice(["2024-02-30", "2023-05-01", "soon", "7"]))
    if kind == 2:
        value, datatype = rng.choice([("2024-01-15", "date"), ("12", "integer"), ("0", "integer")])
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
    return rng.choice(nodes)


def _random_write(rng: random.Random, store: Store) -> Delta:
    quads = sorted(store.quads(), key=str)
    curated = [q for q in quads if q.graph_name.value.startswith(str(GRAPH))]
    graphs = sorted({q.graph_name.value for q in curated} - {str(GRAPH["ontology"])})
    nodes = sorted({q.subject for q in curated if isinstance(q.subject, ox.NamedNode)}, key=str)
    concepts = sorted({q.subject for q in quads if q.predicate == IN_SCHEME}, key=str)
    delta = Delta()
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(5)
        graph = ox.NamedNode(rng.choice(graphs))
        if op == 0:  # remove a few quads of one subject
            subject = rng.choice(nodes)
            own = [q for q in curated if q.subject == subject]
            delta.delete(rng.sample(own, k=min(len(own), rng.randint(1, 2))))
        elif op == 1:  # a property value of some kind on an existing node
            p = ox.NamedNode(rng.choice(PREDICATES))
            o = _random_object(rng, nodes, concepts)
            delta.insert([ox.Quad(rng.choice(nodes), p, o, graph)])
        elif op == 2:  # a new entity, typed, with a few properties (or none)
            node: ox.NamedNode | ox.BlankNode = (
                ox.BlankNode() if rng.random() < 0.3 else ox.NamedNode(f"urn:x-test:{rng.random()}")
            )
            new = [ox.Quad(node, RDF_TYPE, ox.NamedNode(rng.choice(CLASSES)), graph)]
            for _ in range(rng.randint(0, 3)):
                p = ox.NamedNode(rng.choice(PREDICATES))
                new.append(ox.Quad(node, p, _random_object(rng, nodes, concepts), graph))
            delta.insert(new)
        elif op == 3:  # a node others point at loses all its types: its users may break
            target = rng.choice([q.object for q in curated if q.object in nodes])
            delta.delete(q for q in quads if q.subject == target and q.predicate == RDF_TYPE)
        else:  # a referenced node loses its type: sh:class checks on its users may break
            typed = [q for q in curated if q.predicate == RDF_TYPE and q.object.value in CLASSES]
            delta.delete([rng.choice(typed)])
    return delta


def test_incremental_equals_full_on_random_writes(store: Store, before: set[str]) -> None:
    verdicts = []
    for seed in SEEDS:
        delta = _random_write(random.Random(seed), store)
        small = new_violations_incremental(store, delta)
        assert small is not None, f"seed {seed}: the bundled shapes are in the supported scope"
        full = _full(store, before, delta)
        assert {str(v) for v in small} == full, f"seed {seed}: {delta}"
        verdicts.append(bool(full))
    # Both kinds occurred, so the comparison covered accepted and refused writes.
    assert any(verdicts) and not all(verdicts), verdicts


def test_a_source_losing_its_type_reaches_the_statements_citing_it(
    store: Store, before: set[str]
) -> None:
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    cited: dict[ox.Term, int] = {}
    for q in store.quads():
        if q.predicate == source:
            cited[q.object] = cited.get(q.object, 0) + 1
    most = max(sorted(cited, key=str), key=lambda node: cited[node])
    delta = Delta(
        removed={q for q in store.quads() if q.subject == most and q.predicate == RDF_TYPE}
    )
    assert delta.removed
    small = new_violations_incremental(store, delta)
    assert small is not None
    assert {str(v) for v in small} == _full(store, before, delta)
    # Every statement citing it now breaks "dcterms:source must be a gk:Source".
    assert len({v.focus_node for v in small}) >= cited[most] > 1


def test_scope_of_the_shapes() -> None:
    scope = shape_scope()
    assert scope.supported, scope.reason
    assert {p.rsplit("#")[-1] for p in scope.value_predicates} == {"type", "inScheme"}


@pytest.mark.parametrize(
    "extra",
    [
        "sh:targetObjectsOf <urn:p>",
        "sh:property [ sh:path [ sh:inversePath <urn:p> ] ; sh:minCount 1 ]",
        "sh:property [ sh:path <urn:p> ; sh:node gksh:Deep ]",
    ],
)
def test_scope_refuses_shapes_that_reach_further(extra: str) -> None:
    shapes = load_shapes()
    shapes.parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "@prefix gksh: <https://w3id.org/govkg/shapes#> . "
        "gksh:Deep sh:property [ sh:path <urn:q> ; sh:class <urn:C> ] . "
        f"<urn:shape> a sh:NodeShape ; sh:targetClass <urn:C> ; {extra} .",
        format="turtle",
    )
    assert not analyse(shapes).supported


def test_update_delta_reads_data_updates_and_graph_targets() -> None:
    g = str(GRAPH["entities"])
    delta = update_delta(
        f"PREFIX g: <{str(GRAPH)}> INSERT DATA {{ GRAPH g:entities {{ <urn:a> <urn:p> _:b }} }} ;"
        f"DELETE DATA {{ GRAPH <{g}> {{ <urn:a> <urn:p> 'x'@en }} }}",
        None,
    )
    assert isinstance(delta, Delta) and delta.touches_curated()
    assert {q.graph_name.value for q in delta.added | delta.removed} == {g}
    assert update_delta("CLEAR GRAPH <urn:scratch>", None) == NO_CURATED_CHANGE
    assert update_delta("INSERT DATA { <urn:a> <urn:p> 1 }", None).touches_curated() is False  # type: ignore[union-attr]
    for text in (
        "DROP ALL",
        f"WITH <{g}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "INSERT { GRAPH ?g { ?s ?p 1 } } WHERE { GRAPH ?g { ?s ?p ?o } }",
        f"MOVE <urn:a> TO <{g}>",
        "not sparql at all",
    ):
        assert update_delta(text, None) == UNKNOWN, text


def test_to_graph_keeps_terms() -> None:
    graph = to_graph([(ox.BlankNode("b1"), ox.NamedNode("urn:p"), ox.Literal("x", language="en"))])
    assert (BNode("b1"), URIRef("urn:p"), Literal("x", lang="en")) in graph
