"""Valid curated YAML compiles to the RDF the data format promises (docs/data-format.md).

The compiled quads are loaded into a real in-memory pyoxigraph store and asked with SPARQL,
the way the rest of govkg will see them.
"""

from __future__ import annotations

import pyoxigraph as ox
from govkg.graph.curated import DATA_DIR, compile_data, validate
from govkg.ontology import ENTITIES_GRAPH, PREFIXES, graph_iri, source_iri

PRE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def store_of(data) -> ox.Store:
    store = ox.Store()
    store.extend(data.iter_quads())
    return store


def rows(store: ox.Store, query: str) -> list[tuple]:
    """SELECT results as tuples of plain values (IRIs and lexical forms)."""
    return [
        tuple(term.value if term is not None else None for term in solution)
        for solution in store.query(PRE + query, use_default_graph_as_union=True)
    ]


def test_one_named_graph_per_source_with_its_provenance(curated):
    data = compile_data(curated.root)
    assert data.source_count == 2
    assert data.graph_names == sorted(
        [str(ENTITIES_GRAPH), str(graph_iri("meta-llama-3-1")), str(graph_iri("wh-2023-07"))]
    )
    store = store_of(data)
    found = rows(
        store,
        "SELECT ?g ?src ?file WHERE { GRAPH ?g { ?g a gk:SourceGraph ; gk:graphOf ?src ; "
        "gk:sourceFile ?file . ?src a gk:Source } } ORDER BY ?g ?file",
    )
    by_graph = {g: src for g, src, _ in found}
    assert by_graph[str(graph_iri("wh-2023-07"))] == str(source_iri("wh-2023-07"))
    assert by_graph[str(graph_iri("meta-llama-3-1"))] == str(source_iri("meta-llama-3-1"))
    assert by_graph[str(ENTITIES_GRAPH)] == str(source_iri("govkg-entity-registry"))
    files = {f for g, _, f in found if g == str(graph_iri("wh-2023-07"))}
    assert files == {str(curated.source("wh-2023-07").resolve())}


def test_every_statement_has_its_graphs_source(curated):
    data = compile_data(curated.root)
    store = store_of(data)
    # the ontology is not in this store: name the statement classes the fixture uses
    statements = rows(
        store,
        "SELECT ?s ?g ?src WHERE { GRAPH ?g { ?s a ?c } "
        "VALUES ?c { gk:ModelRelease gk:Statement gk:Participation gk:StanceAttribution } "
        "OPTIONAL { GRAPH ?g { ?s dcterms:source ?src } } }",
    )
    assert len({s for s, _, _ in statements}) == data.statement_count == 5
    for s, g, src in statements:
        assert src is not None, f"{s} has no dcterms:source"
        assert g.rsplit("/", 1)[1] == src.rsplit("/", 1)[1]


def test_release_facts_are_asserted_on_the_model_in_the_source_graph(curated):
    store = store_of(compile_data(curated.root))
    found = rows(
        store,
        "SELECT ?g ?dev ?date ?w ?fam ?n WHERE { GRAPH ?g { gkid:llama-3.1-405b "
        "gk:developedBy ?dev ; gk:releaseDate ?date ; gk:weightsAccess ?w ; "
        "gk:partOfFamily ?fam ; gk:parameterCount ?n } }",
    )
    assert found == [
        (
            str(graph_iri("meta-llama-3-1")),
            PREFIXES["gkid"] + "meta",
            "2024-07-23",
            PREFIXES["gkc"] + "open-weights-restricted",
            PREFIXES["gkid"] + "llama",
            "405000000000",
        )
    ]


def test_compiling_twice_gives_identical_nquads(curated):
    first = compile_data(curated.root).to_nquads()
    second = compile_data(curated.root).to_nquads()
    assert first == second
    lines = first.decode().splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines)) > 50


def test_derived_statement_iris_survive_reformatting_and_quote_changes(curated):
    def statement_iris() -> set[str]:
        store = store_of(compile_data(curated.root))
        return {r[0] for r in rows(store, "SELECT DISTINCT ?s WHERE { ?s dcterms:source ?x }")}

    before = statement_iris()
    path = curated.source("wh-2023-07")
    text = path.read_text().replace(
        "  - kind: stance\n    holder: meta\n    stance: cooperative\n    as_of: 2023-07\n",
        "  - as_of: 2023-07   # reordered, with a quote\n    stance: cooperative\n"
        "    holder: meta\n    kind: stance\n    quote: Meta joins the commitments\n",
    )
    assert text != path.read_text()
    path.write_text(text)
    assert statement_iris() == before
    path.write_text(text.replace("stance: cooperative", "stance: compliant"))
    assert statement_iris() != before


def test_month_dates_become_the_first_day_with_month_precision(curated):
    store = store_of(compile_data(curated.root))
    found = rows(
        store,
        "SELECT ?from ?prec WHERE { ?s a gk:StanceAttribution ; gk:validFrom ?from ; "
        "gk:datePrecision ?prec }",
    )
    assert found == [("2023-07-01", PREFIXES["gkc"] + "month")]
    day = rows(store, "SELECT ?p WHERE { ?s a gk:Participation ; gk:datePrecision ?p }")
    assert day == []  # day-precise statements carry no precision marker


def test_scheduled_future_date_is_accepted(curated):
    curated.write(
        "entities/more-instruments.yaml",
        "instruments:\n  - id: eu-ai-act\n    type: law\n    label: EU AI Act\n",
    )
    curated.write(
        "sources/eu-ai-act-oj.yaml",
        """\
        source:
          id: eu-ai-act-oj
          title: Regulation (EU) 2024/1689
          url: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
          published: 2024-07-12
          kind: legal-text
        statements:
          - kind: instrument
            instrument: eu-ai-act
            adopted: 2024-06-13
            in_force_from: 2024-08-01
            scheduled: true
        """,
    )
    data = compile_data(curated.root)
    store = store_of(data)
    assert rows(
        store,
        "SELECT ?from WHERE { ?s gk:scheduled true ; gk:about gkid:eu-ai-act . "
        "gkid:eu-ai-act gk:validFrom ?from ; gk:adoptedOn ?adopted }",
    ) == [("2024-08-01",)]


def test_instrument_parties_become_signed_participations(curated):
    curated.write(
        "sources/wh-2023-07.yaml",
        """\
        source:
          id: wh-2023-07
          title: Voluntary commitments
          url: https://example.org/wh
          published: 2023-07-21
          kind: press-release
        statements:
          - kind: instrument
            instrument: wh-commitments-2023
            issued_by: white-house
            adopted: 2023-07-21
            parties: [meta]
          - kind: organisation
            organisation: meta
            head: mark-zuckerberg
            role: CEO
        """,
    )
    store = store_of(compile_data(curated.root))
    assert rows(
        store,
        "SELECT ?who ?status ?date WHERE { ?p a gk:Participation ; gk:participant ?who ; "
        "gk:instrument gkid:wh-commitments-2023 ; gk:participationStatus ?status ; "
        "gk:date ?date ; dcterms:source gksrc:wh-2023-07 }",
    ) == [(PREFIXES["gkid"] + "meta", PREFIXES["gkc"] + "signed", "2023-07-21")]
    assert rows(store, "SELECT ?r WHERE { gkid:mark-zuckerberg gk:headOf gkid:meta ; gk:role ?r }")


def test_tension_links_both_statements_both_ways(curated):
    store = store_of(compile_data(curated.root))
    pairs = rows(store, "SELECT ?a ?b WHERE { ?a gk:inTensionWith ?b }")
    a = PREFIXES["gks"] + "wh-2023-07/meta-signs"
    b = PREFIXES["gks"] + "meta-llama-3-1/release"
    assert sorted(pairs) == sorted([(a, b), (b, a)])
    assert rows(
        store,
        "SELECT ?note WHERE { ?t gk:tensionNote ?note ; gk:about ?a, ?b ; dcterms:source ?s "
        "FILTER(?a != ?b) }",
    )


def test_bundled_data_compiles_or_reports_located_problems():
    """Smoke test on the real data: the compiler never crashes and locates every problem."""
    assert any((DATA_DIR / "sources").glob("*.yaml")), "graph/data/sources holds the bundled data"
    for problem in validate():
        assert problem.file and problem.file.startswith("graph/data/"), str(problem)
        assert problem.line is not None, str(problem)
