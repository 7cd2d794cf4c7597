"""govkg diff on crafted pairs: each edit of the curated data gives exactly its changes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.diff import to_json, to_markdown, to_trig

GK = "https://w3id.org/govkg/ontology#"
SRC = "https://w3id.org/govkg/source/"
STMT = "https://w3id.org/govkg/statement/"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def test_identical_data_has_no_changes(edited) -> None:
    changes = edited(lambda root: None)
    assert changes.empty
    assert changes.counts() == {
        "statements_added": 0,
        "statements_removed": 0,
        "statements_changed": 0,
        "triples_added": 0,
        "triples_removed": 0,
        "sources_renamed": 0,
    }
    assert "No changes." in to_markdown(changes)


def test_an_added_statement_is_added_with_its_source(edited) -> None:
    def add(root: Path) -> None:
        with (root / "sources" / "wh-2023-07.yaml").open("a", encoding="utf-8") as fh:
            fh.write(
                "  - kind: stance\n    holder: meta\n    stance: resistant\n    as_of: 2023-07\n"
            )

    changes = edited(add)
    assert changes.counts()["statements_added"] == 1
    assert changes.counts()["statements_removed"] == 0
    assert changes.triples == []
    (stmt,) = changes.statements
    assert stmt.change == "added"
    assert stmt.source == SRC + "wh-2023-07"
    assert stmt.types == [GK + "StanceAttribution"]
    assert "https://w3id.org/govkg/id/meta" in stmt.entities
    assert stmt.values[GK + "stance"] == ["<https://w3id.org/govkg/concept/resistant>"]
    assert list(changes.by_source()) == [SRC + "wh-2023-07"]
    assert list(changes.by_entity()) == ["https://w3id.org/govkg/id/meta"]


def test_a_removed_statement_is_removed(edited, replace_in) -> None:
    def remove(root: Path) -> None:
        replace_in(
            root / "sources" / "wh-2023-07.yaml",
            "  - kind: stance\n    holder: meta\n    stance: cooperative\n    as_of: 2023-07\n",
            "",
        )

    changes = edited(remove)
    assert [(s.change, s.types) for s in changes.statements] == [
        ("removed", [GK + "StanceAttribution"])
    ]
    assert changes.triples == []


def test_a_changed_date_on_the_same_statement(edited, replace_in) -> None:
    changes = edited(
        lambda root: replace_in(
            root / "sources" / "meta-llama-3-1.yaml", "date: 2024-07-23", "date: 2024-07-22"
        )
    )
    (stmt,) = changes.statements
    assert stmt.change == "changed"
    assert stmt.iri == STMT + "meta-llama-3-1/release"
    assert stmt.source == SRC + "meta-llama-3-1"
    old, new = [f'"2024-07-23"^^<{XSD_DATE}>'], [f'"2024-07-22"^^<{XSD_DATE}>']
    # With open weights and no date of their own, the weights are available from the release
    # date (the time model), so that changes with it.
    assert [(p.property, p.aspect, p.old, p.new) for p in stmt.properties] == [
        (GK + "date", "date", old, new),
        (GK + "weightsAvailableFrom", "date", old, new),
    ]
    # The model's own gk:releaseDate and gk:weightsAvailableFrom (asserted in the same source
    # graph) are plain triples.
    assert sorted((t.change, t.predicate, t.object) for t in changes.triples) == [
        ("added", f"<{GK}releaseDate>", f'"2024-07-22"^^<{XSD_DATE}>'),
        ("added", f"<{GK}weightsAvailableFrom>", f'"2024-07-22"^^<{XSD_DATE}>'),
        ("removed", f"<{GK}releaseDate>", f'"2024-07-23"^^<{XSD_DATE}>'),
        ("removed", f"<{GK}weightsAvailableFrom>", f'"2024-07-23"^^<{XSD_DATE}>'),
    ]
    assert {changes.source_of(t) for t in changes.triples} == {SRC + "meta-llama-3-1"}


def test_a_changed_status(edited, replace_in) -> None:
    changes = edited(
        lambda root: replace_in(
            root / "sources" / "wh-2023-07.yaml", "status: signed", "status: declined"
        )
    )
    (stmt,) = changes.statements
    assert (stmt.change, stmt.iri, stmt.aspects) == (
        "changed",
        STMT + "wh-2023-07/meta-signs",
        ["status"],
    )
    (prop,) = stmt.properties
    assert prop.old == ["<https://w3id.org/govkg/concept/signed>"]
    assert prop.new == ["<https://w3id.org/govkg/concept/declined>"]
    assert changes.triples == []


def test_a_changed_licence(edited, curated, replace_in) -> None:
    replace_in(
        curated.source("meta-llama-3-1"),
        "    family: llama\n",
        "    licence: Llama 3.1 Community License\n    family: llama\n",
    )
    changes = edited(
        lambda root: replace_in(
            root / "sources" / "meta-llama-3-1.yaml",
            "licence: Llama 3.1 Community License",
            "licence: Apache 2.0",
        )
    )
    (stmt,) = changes.statements
    assert stmt.aspects == ["licence"]
    assert [(p.old, p.new) for p in stmt.properties] == [
        (['"Llama 3.1 Community License"'], ['"Apache 2.0"'])
    ]
    assert sorted((t.change, t.object) for t in changes.triples) == [
        ("added", '"Apache 2.0"'),
        ("removed", '"Llama 3.1 Community License"'),
    ]


def test_a_changed_quote_keeps_the_statement(edited, replace_in) -> None:
    changes = edited(
        lambda root: replace_in(
            root / "sources" / "wh-2023-07.yaml",
            "    stance: cooperative\n",
            "    stance: cooperative\n    quote: Meta joined the commitments.\n",
        )
    )
    (stmt,) = changes.statements
    assert stmt.change == "changed"
    assert [(p.property, p.aspect, p.old, p.new) for p in stmt.properties] == [
        (GK + "quote", "quote", [], ['"Meta joined the commitments."'])
    ]
    assert changes.triples == []


def test_a_renamed_source_is_reported_as_renamed(edited) -> None:
    def rename(root: Path) -> None:
        old = root / "sources" / "wh-2023-07.yaml"
        new = root / "sources" / "wh-commitments-2023-07.yaml"
        new.write_text(
            old.read_text("utf-8").replace("id: wh-2023-07", "id: wh-commitments-2023-07")
        )
        old.unlink()

    changes = edited(rename)
    assert [(r.old, r.new, r.statements) for r in changes.renamed] == [
        (SRC + "wh-2023-07", SRC + "wh-commitments-2023-07", 3)
    ]
    assert changes.statements == []  # the same statements, under the new source
    # Only the file name recorded on the source graph differs.
    assert sorted((t.change, t.predicate, t.object) for t in changes.triples) == [
        ("added", f"<{GK}sourceFile>", '"graph/data/sources/wh-commitments-2023-07.yaml"'),
        ("removed", f"<{GK}sourceFile>", '"graph/data/sources/wh-2023-07.yaml"'),
    ]
    assert "Renamed sources" in to_markdown(changes)


def test_json_and_trig_carry_the_same_changes(edited, replace_in) -> None:
    changes = edited(
        lambda root: replace_in(
            root / "sources" / "wh-2023-07.yaml", "status: signed", "status: declined"
        )
    )
    doc = json.loads(to_json(changes))
    assert doc["counts"]["statements_changed"] == 1
    assert doc["statements"][0]["aspects"] == ["status"]
    store = ox.Store()
    store.load(to_trig(changes), format=ox.RdfFormat.TRIG)
    ask = """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX gkdiff: <https://w3id.org/govkg/diff#>
        SELECT ?added ?removed WHERE {
          GRAPH ?act { ?act a prov:Activity ; prov:used ?old, ?new .
                       ?a gkdiff:addedTo ?g . ?r gkdiff:removedFrom ?g . FILTER(?old != ?new) }
          GRAPH ?a { ?s ?p ?added } GRAPH ?r { ?s ?p ?removed } }"""
    rows = {(r["added"].value, r["removed"].value) for r in store.query(ask)}
    assert rows == {
        ("https://w3id.org/govkg/concept/declined", "https://w3id.org/govkg/concept/signed")
    }
