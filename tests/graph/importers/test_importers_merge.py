"""Entity resolution across curated data, Epoch AI and Ecosystem Graphs."""

from __future__ import annotations

import pytest
from govkg.graph.errors import DataValidationError
from govkg.graph.importers import import_ecosystem_graphs, import_epoch
from govkg.graph.store.embedded import Store

LLAMA = "https://w3id.org/govkg/id/llama-3.1-405b"
META = "https://w3id.org/govkg/id/meta"
EP = "https://w3id.org/govkg/graph/import-epoch"
EG = "https://w3id.org/govkg/graph/import-ecosystem-graphs"
ENTITIES = "https://w3id.org/govkg/graph/entities"

EPOCH_ROWS = [
    {
        "System": "Llama 3.1-405B",
        "Organization": "Meta AI",
        "Publication date": "2024-07-23",
        "Model accessibility": "Open weights (restricted use)",
        "Parameters": "405000000000.00",
        "Country (from Organization)": "United States of America",
    },
    {"System": "Gemini 1.0 Ultra", "Organization": "Google DeepMind"},
    {"System": "Falcon-180B", "Organization": "Technology Innovation Institute"},
    {"System": "Llama X", "Organization": "Meta AI"},
]
EG_ASSETS = {
    "meta.yaml": """\
        - type: model
          name: Llama 3.1 405B
          organization: Meta
          created_date: 2024-07-23
          access: open
          license: Llama 3.1 Community License
          dependencies: []
        - type: model
          name: Llama 3.1 405B Instruct Tuned
          organization: Facebook AI Research
          access: open
          dependencies: [Llama 3.1 405B]
        """,
    "google.yaml": """\
        - type: model
          name: Gemini 1.0 Ultra
          organization: Google Deepmind
          access: limited
        - type: model
          name: Falcon 180B
          organization: Technology Innovation Institute
          access: open
        """,
}


def sources_of(store: Store, subject: str, predicate: str) -> set[str]:
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{subject}> <{predicate}> ?o }} }}"
    return {row["g"].value for row in store.query(q)}


def test_llama_405b_is_one_node_with_facts_from_three_sources(
    curated_store, write_epoch, write_ecosystem
):
    epoch = import_epoch(curated_store, write_epoch(EPOCH_ROWS))
    eg = import_ecosystem_graphs(curated_store, write_ecosystem(EG_ASSETS))
    gk = "https://w3id.org/govkg/ontology#"
    assert sources_of(curated_store, LLAMA, "http://www.w3.org/2000/01/rdf-schema#label") == {
        ENTITIES
    }
    assert sources_of(curated_store, LLAMA, gk + "releaseDate") == {EP, EG}
    assert sources_of(curated_store, LLAMA, gk + "developedBy") == {EP, EG}
    assert sources_of(curated_store, LLAMA, gk + "parameterCount") == {EP}
    assert sources_of(curated_store, LLAMA, gk + "licenceName") == {EG}
    # both developers resolve to the curated Meta: "Meta AI" (alias), "Meta" (label) and
    # "Facebook AI Research" (alias)
    q = f"SELECT DISTINCT ?g ?d WHERE {{ GRAPH ?g {{ ?m <{gk}developedBy> ?d }} }}"
    meta_models = [r for r in curated_store.query(q) if r["d"].value == META]
    assert {r["g"].value for r in meta_models} == {EP, EG}
    assert ("Llama 3.1 405B", LLAMA) in eg.merged_names
    assert ("Llama 3.1-405B", LLAMA) in epoch.merged_names
    # Ecosystem Graphs lineage points at the curated node
    q = f"SELECT ?m WHERE {{ GRAPH <{EG}> {{ ?m <{gk}baseModel> <{LLAMA}> }} }}"
    assert len(list(curated_store.query(q))) == 1
    # "United States of America" is the curated jurisdiction's alias
    q = f"ASK {{ GRAPH <{EP}> {{ <{META}> <{gk}basedIn> <https://w3id.org/govkg/id/us> }} }}"
    assert curated_store.query(q)


def test_unmatched_names_merge_between_the_two_data_sets(
    curated_store, write_epoch, write_ecosystem
):
    import_epoch(curated_store, write_epoch(EPOCH_ROWS))
    import_ecosystem_graphs(curated_store, write_ecosystem(EG_ASSETS))
    # Falcon-180B is not curated: Epoch mints it, Ecosystem Graphs reuses Epoch's node
    falcon = "https://w3id.org/govkg/id/epoch/falcon-180b"
    gk = "https://w3id.org/govkg/ontology#"
    assert sources_of(curated_store, falcon, gk + "weightsAccess") == {EG}
    tii = "https://w3id.org/govkg/id/epoch/org/technology-innovation-institute"
    assert sources_of(curated_store, falcon, gk + "developedBy") == {EP, EG}
    q = f"ASK {{ GRAPH <{EG}> {{ <{falcon}> <{gk}developedBy> <{tii}> }} }}"
    assert curated_store.query(q)
    # "Google Deepmind" (EG) and "Google DeepMind" (curated label) are one organisation
    q = f"""SELECT DISTINCT ?d WHERE {{ GRAPH <{EG}> {{
        ?m <{gk}alias> "Gemini 1.0 Ultra" ;
           <{gk}developedBy> ?d }} }}"""
    assert [r["d"].value for r in curated_store.query(q)] == [
        "https://w3id.org/govkg/id/google-deepmind"
    ]


def test_reimporting_the_first_data_set_keeps_the_merge(
    curated_store, write_epoch, write_ecosystem
):
    epoch_csv, eg_dir = write_epoch(EPOCH_ROWS), write_ecosystem(EG_ASSETS)
    first = import_epoch(curated_store, epoch_csv)
    before = models_in(curated_store, EP)
    import_ecosystem_graphs(curated_store, eg_dir)
    again = import_epoch(curated_store, epoch_csv)
    # the same nodes, although Epoch now also sees Ecosystem Graphs' names for them
    assert models_in(curated_store, EP) == before
    assert again.quads == first.quads
    assert "https://w3id.org/govkg/id/epoch/falcon-180b" in before


def models_in(store: Store, graph: str) -> set[str]:
    q = f"""SELECT ?m WHERE {{ GRAPH <{graph}> {{
        ?m a <https://w3id.org/govkg/ontology#AIModel> }} }}"""
    return {row["m"].value for row in store.query(q)}


def test_ambiguous_names_are_reported_not_guessed(curated_store, write_epoch):
    report = import_epoch(curated_store, write_epoch(EPOCH_ROWS))
    (amb,) = report.ambiguous
    assert amb.name == "Llama X" and amb.kind == "model"
    assert set(amb.candidates) == {
        "https://w3id.org/govkg/id/llama-one",
        "https://w3id.org/govkg/id/llama-two",
    }
    assert "Llama X" in report.summary() and "ambiguous" in report.summary()
    q = f"""ASK {{ GRAPH <{EP}> {{
        <https://w3id.org/govkg/id/epoch/llama-x> <http://www.w3.org/2000/01/rdf-schema#label> ?l
    }} }}"""
    assert curated_store.query(q), "the ambiguous row gets its own node"


def test_two_rows_resolving_to_one_curated_model_keep_the_first(curated_store, write_epoch):
    rows = [
        {"System": "Llama 3.1 405B", "Organization": "Meta"},
        {"System": "Meta-Llama-3.1-405B", "Organization": "Meta"},
    ]
    report = import_epoch(curated_store, write_epoch(rows))
    (problem,) = report.skipped
    assert problem.line == 3 and LLAMA in problem.message
    with pytest.raises(DataValidationError):
        import_epoch(curated_store, write_epoch(rows, name="again.csv"), strict=True)
