"""With the real curated build: Meta's Llama 3.1 405B is one node with facts from all sources."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from govkg.graph.importers import import_ecosystem_graphs, import_epoch
from govkg.graph.store.embedded import Store
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH
from rdflib import Dataset

LLAMA = "https://w3id.org/govkg/id/llama-3.1-405b"
META = "https://w3id.org/govkg/id/meta"
GK = "https://w3id.org/govkg/ontology#"
EP = "https://w3id.org/govkg/graph/import-epoch"
EG = "https://w3id.org/govkg/graph/import-ecosystem-graphs"


@pytest.fixture(scope="module")
def curated_build(tmp_path_factory, epoch_csv, ecosystem_dir, compiled_data):
    """The curated data compiled into an on-disk store, then both real imports on top."""
    data = compiled_data
    store = Store.open(tmp_path_factory.mktemp("curated") / "store")
    store.oxigraph.extend(data.iter_quads())
    store.oxigraph.load(
        path=str(ONTOLOGY_FILE),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
    )
    assert store.query(f"ASK {{ <{LLAMA}> ?p ?o }}"), "the curated data has llama-3.1-405b"
    epoch = import_epoch(store, epoch_csv)
    eg = import_ecosystem_graphs(store, ecosystem_dir)
    return store, epoch, eg


def test_llama_405b_has_facts_from_curated_epoch_and_ecosystem_graphs(curated_build):
    store, epoch, eg = curated_build
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{LLAMA}> <{GK}developedBy> <{META}> }} }}"
    graphs = {row["g"].value for row in store.query(q)}
    assert {EP, EG} <= graphs
    assert any(g not in (EP, EG) for g in graphs), "a curated source says Meta developed it"
    q = f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?m <{GK}alias>|<http://www.w3.org/2000/01/rdf-schema#label> ?l .
        FILTER(LCASE(STR(?l)) IN ('llama 3.1 405b', 'llama 3.1-405b')) }}"""
    assert int(next(iter(store.query(q)))["n"].value) == 1, "one node for all spellings"
    assert any(iri == LLAMA for _, iri in epoch.merged_names)
    assert any(iri == LLAMA for _, iri in eg.merged_names)
    assert any(iri == META for _, iri in eg.merged_names)


def test_open_weights_without_review_is_asked_over_hundreds_of_models(curated_build):
    store, _, _ = curated_build
    q = f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        ?m a <{GK}AIModel> ; <{GK}weightsAccess> ?a . ?a <{GK}openWeights> true .
        FILTER NOT EXISTS {{ ?e <{GK}evaluatedModel> ?m }} }}"""
    n = int(next(iter(store.query(q)))["n"].value)
    assert n >= 300


def test_curated_and_imported_data_pass_the_shapes_together(curated_build):
    from govkg.ontology.validation import validate_data

    store, _, _ = curated_build
    dataset = Dataset()
    dataset.parse(data=store.oxigraph.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    violations = validate_data(dataset)
    assert violations == [], "\n".join(str(v) for v in violations[:20])
