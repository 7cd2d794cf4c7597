"""Each messy-data case, in a small fixture file: lenient skips and reports, strict raises."""

from __future__ import annotations

import pytest
from govkg.graph.errors import DataValidationError, NotFoundError
from govkg.graph.importers import import_ecosystem_graphs, import_epoch

EG = "https://w3id.org/govkg/graph/import-ecosystem-graphs"
EP = "https://w3id.org/govkg/graph/import-epoch"

MESSY_ASSETS = {
    "acme.yaml": """\
        - type: model
          name: Acme-7B
          organization: Acme AI, Inc.
          created_date:
            value: 2024-05-01
            explanation: the date of the blog post
          access:
            value: open
            explanation: weights on the hub
          license:
            value: Acme Community License v2
            explanation: see the repository
          size: 7B parameters (dense)
          url: https://example.org/acme-7b
          dependencies: [Acme Corpus, Nowhere Dataset, unknown]
        - type: model
          name: Acme-7B Chat
          organization: Acme AI
          created_date: unknown
          access: Limited
          license: unknown
          dependencies: [Acme-7B]
        - type: dataset
          name: Acme Corpus
          organization: Acme AI
          created_date: 2023-12-01
          access: closed
          dependencies: []
        - type: application
          name: Acme Assistant
          organization: Acme AI
          created_date: 2024-06-01
          access: limited
          dependencies: [Acme-7B Chat]
        - type: model
          name: Stray Model
          organization: Acme AI
          created_date: 2024-01-01
          access: open
          value: 2024-01-02
        - type: model
          name: Bad Date Model
          organization: Acme AI
          created_date: 2022
          access: open
        - type: model
          name: Odd Access Model
          organization: Acme AI
          created_date: 2024-01-01
          access: semi-open
        - type: model
          name: Orphan Model
          organization: unknown
          access: open
        """,
    "other.yaml": """\
        - type: model
          name: acme 7b
          organization: Someone Else
          access: closed
        """,
}


def test_ecosystem_lenient_skips_and_reports_each_messy_record(store, write_ecosystem, count):
    folder = write_ecosystem(MESSY_ASSETS)
    report = import_ecosystem_graphs(store, folder)
    assert report.rows_read == 9
    assert dict(report.imported) == {"model": 2, "dataset": 1, "application": 1}
    by_field = {p.field: p for p in report.skipped}
    acme = str(folder / "assets" / "acme.yaml")
    assert set(by_field) == {"value", "created_date", "access", "organization", "name"}
    # the stray key: file, the key's own line, record and field
    assert by_field["value"].file == acme and by_field["value"].line == 40
    assert "record 5 ('Stray Model')" in by_field["value"].message
    assert "2022" in by_field["created_date"].message and by_field["created_date"].line == 44
    assert "'semi-open'" in by_field["access"].message
    assert "Orphan Model" in by_field["organization"].message
    assert (
        by_field["name"].file.endswith("other.yaml") and "acme.yaml:1" in by_field["name"].message
    )
    # a dependency that names no asset is dropped and reported; 'unknown' is not a dependency
    assert [p.field for p in report.warnings] == ["dependencies"]
    assert "'Nowhere Dataset'" in report.warnings[0].message
    # scalar-or-{value, explanation} fields, case-insensitive access, free-text licence
    q = f"""PREFIX gk: <https://w3id.org/govkg/ontology#>
        SELECT ?date ?access ?licence ?params WHERE {{ GRAPH <{EG}> {{
          ?m gk:releaseDate ?date ; gk:weightsAccess ?access ; gk:licenceName ?licence ;
             gk:parameterCount ?params }} }}"""
    (row,) = list(store.query(q))
    assert row["date"].value == "2024-05-01"
    assert row["access"].value == "https://w3id.org/govkg/concept/open-weights"
    assert row["licence"].value == "Acme Community License v2"
    assert row["params"].value == "7000000000"
    assert count(store, EG, "?m gk:weightsAccess <https://w3id.org/govkg/concept/api-access>") == 1
    # 'unknown' date and licence: the record is kept, the facts are absent
    assert count(store, EG, "?m rdfs:label 'Acme-7B Chat'@en ; gk:releaseDate ?d") == 0
    assert count(store, EG, "?m rdfs:label 'Acme-7B Chat'@en ; gk:baseModel ?b") == 1
    # lineage or use, by asset type; "Acme AI, Inc." is one organisation, same as "Acme AI"
    assert count(store, EG, "?m prov:wasDerivedFrom ?d . ?d rdfs:label 'Acme Corpus'@en") == 1
    assert count(store, EG, "?m dcterms:requires ?d") == 1
    assert count(store, EG, "?m a gk:AIDeveloper") == 1
    assert count(store, EG, "?m a gk:Organisation") == 0


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("stray", "value"),
        ("date", "created_date"),
        ("access", "access"),
        ("dangling", "dependencies"),
    ],
)
def test_ecosystem_strict_raises_on_the_first_problem(store, write_ecosystem, name, field):
    records = {
        "stray": "- {type: model, name: A, organization: X, access: open, value: 1}\n",
        "date": "- {type: model, name: A, organization: X, created_date: 2022, access: open}\n",
        "access": "- {type: model, name: A, organization: X, access: semi-open}\n",
        "dangling": "- {type: model, name: A, organization: X, dependencies: [Nowhere]}\n",
    }
    good = "- {type: model, name: Good, organization: X, access: open}\n"
    folder = write_ecosystem({"a.yaml": good + records[name]}, name=name)
    with pytest.raises(DataValidationError) as caught:
        import_ecosystem_graphs(store, folder, strict=True)
    (problem,) = caught.value.problems
    assert problem.field == field and problem.file.endswith("a.yaml") and problem.line == 2
    assert EG not in store.named_graphs(), "strict failure writes nothing"
    # the same file imports leniently, with the problem in the report
    report = import_ecosystem_graphs(store, folder)
    assert (report.skipped + report.warnings)[0].field == field


def test_epoch_lenient_skips_and_reports_each_messy_row(store, write_epoch, count):
    path = write_epoch(
        [
            {
                "System": "Alpha-1",
                "Organization": 'Alpha Labs,"Beta, Inc."',
                "Country (from Organization)": "United States of America,Canada",
                "Publication date": "2024-03-01",
                "Model accessibility": "Open weights (restricted use)",
                "Parameters": "7000000000.00",
                "Training compute (FLOP)": "3.8e+25",
                "Frontier model": "checked",
                "Link": "https://example.org/a https://example.org/b",
            },
            {"System": "Alpha-1 Chat", "Organization": "Alpha Labs", "Base model": "Alpha-1"},
            {"System": "No Developer", "Organization": ""},
            {"System": "Bad Date", "Organization": "Alpha Labs", "Publication date": "March"},
            {"System": "Bad Access", "Organization": "X", "Model accessibility": "Leaked"},
            {"System": "Bad Number", "Organization": "X", "Parameters": "about 7B"},
            {"System": "", "Organization": "X"},
            {"System": "alpha 1", "Organization": "Someone"},
            {"System": "Orphan", "Organization": "X", "Base model": "Nonexistent-9"},
            {"System": "Unknown Date", "Organization": "X", "Publication date": "unknown"},
        ]
    )
    report = import_epoch(store, path)
    assert report.rows_read == 10 and report.imported["model"] == 4
    fields = [p.field for p in report.skipped]
    assert fields == [
        "Organization",
        "Publication date",
        "Model accessibility",
        "Parameters",
        "System",
        "System",
    ]
    assert [p.line for p in report.skipped] == [4, 5, 6, 7, 8, 9]
    assert "duplicate model name: same as the row on line 2" in report.skipped[-1].message
    assert [p.field for p in report.warnings] == ["Base model"]
    assert count(store, EP, "?m gk:baseModel ?b . ?b rdfs:label 'Alpha-1'@en") == 1
    assert count(store, EP, "?m gk:frontierModel true ; gk:trainingCompute 3.8e25") == 1
    assert count(store, EP, "?m gk:parameterCount 7000000000.0") == 1
    pages = store.query(
        f"SELECT ?p WHERE {{ GRAPH <{EP}> {{ ?m <http://xmlns.com/foaf/0.1/page> ?p }} }}"
    )
    assert [r["p"].value for r in pages] == ["https://example.org/a"]
    # a quoted organisation with a comma is one organisation, paired with its country
    q = f"""PREFIX gk: <https://w3id.org/govkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?org ?country WHERE {{ GRAPH <{EP}> {{
          ?o rdfs:label ?org ; gk:basedIn/rdfs:label ?country }} }} ORDER BY ?org"""
    assert [(r["org"].value, r["country"].value) for r in store.query(q)] == [
        ("Alpha Labs", "United States of America"),
        ("Beta, Inc.", "Canada"),
    ]


def test_epoch_strict_raises_naming_file_line_field(store, write_epoch):
    path = write_epoch(
        [
            {"System": "Fine", "Organization": "X"},
            {"System": "Bad", "Organization": "X", "Model accessibility": "Leaked"},
        ]
    )
    with pytest.raises(DataValidationError) as caught:
        import_epoch(store, path, strict=True)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "Model accessibility")
    assert "'Leaked'" in str(caught.value) and "Open weights (restricted use)" in str(caught.value)


def test_missing_inputs_are_clear_errors(store, tmp_path, write_epoch):
    with pytest.raises(NotFoundError, match="no Epoch AI CSV file"):
        import_epoch(store, tmp_path / "absent.csv")
    with pytest.raises(NotFoundError, match="assets"):
        import_ecosystem_graphs(store, tmp_path)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Org\na,b\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        import_epoch(store, wrong)
    assert {p.field for p in caught.value.problems} == {"System", "Organization"}


def test_what_the_lenient_imports_write_passes_the_shapes(store, write_ecosystem, write_epoch):
    import pyoxigraph as ox
    from govkg.ontology.validation import validate_data
    from rdflib import Dataset

    import_ecosystem_graphs(store, write_ecosystem(MESSY_ASSETS))
    rows = [
        {"System": "Alpha-1", "Organization": "Acme AI", "Country (from Organization)": "France"},
        {"System": "Alpha-1 Chat", "Organization": "Beta", "Base model": "Alpha-1"},
        {"System": "Acme-7B", "Organization": "Acme", "Model accessibility": "API access"},
    ]
    import_epoch(store, write_epoch(rows))
    dataset = Dataset()
    dataset.parse(data=store.oxigraph.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    violations = validate_data(dataset)
    assert violations == [], "\n".join(str(v) for v in violations)


def test_a_broken_csv_is_one_located_error(store, tmp_path):
    path = tmp_path / "broken.csv"
    huge = "x" * 200_000  # past the csv module's field size limit
    path.write_text(f"System,Organization\nA,B\nC,{huge}\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        import_epoch(store, path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.line == 3 and "CSV error" in problem.message
    assert "https://w3id.org/govkg/graph/import-epoch" not in store.named_graphs()
