"""The ``open-weights-without-review`` lineage view against the named question of that name.

Real store on disk, a generated snapshot imported by the real importer, curated models with
pre- and post-deployment evaluations; the question runs with ``certainty=possible`` (Hub rows
carry no release date, so the question counts them as possibly out) and its rows for the
imported models are what the view must give, in the same order.
"""

from __future__ import annotations

import gc
import sys
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.analysis.lineage import Lineage
from govkg.graph.analysis.lineage_views import lineage_page
from govkg.graph.importers.huggingface import import_huggingface
from govkg.graph.questions import run_question
from govkg.graph.store.embedded import Store
from govkg.ontology import ENTITIES_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH, PREFIXES

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from hf_generate import write_jsonl  # noqa: E402

DAY = date(2026, 12, 1)
AS_OF = "2025-06-01"
CURATED = """\
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkc: <https://w3id.org/govkg/concept/> .
@prefix gkid: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
gkid:meta a gk:AIDeveloper ; rdfs:label "Meta"@en .
gkid:llama-3.1-405b a gk:AIModel ; rdfs:label "Llama 3.1 405B"@en ; gk:developedBy gkid:meta .
gkid:llama-3.1-70b a gk:AIModel ; rdfs:label "Llama 3.1 70B"@en ; gk:developedBy gkid:meta .
gkid:qwen a gk:AIModel ; rdfs:label "Qwen2.5 7B"@en ; gk:alias "Qwen2.5-7B" .
gkid:eval-405b gk:evaluatedModel gkid:llama-3.1-405b ;
    gk:deploymentStage gkc:pre-deployment ; gk:date "2024-07-01"^^xsd:date .
gkid:eval-qwen gk:evaluatedModel gkid:qwen ;
    gk:deploymentStage gkc:pre-deployment ; gk:date "2024-09-01"^^xsd:date .
gkid:eval-qwen-late gk:evaluatedModel gkid:qwen ;
    gk:deploymentStage gkc:pre-deployment ; gk:date "2026-01-01"^^xsd:date .
gkid:post-70b gk:evaluatedModel gkid:llama-3.1-70b ;
    gk:deploymentStage gkc:post-deployment ; gk:date "2025-01-01"^^xsd:date .
"""


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = Store.open(path)
    store.load(CURATED.encode(), ox.RdfFormat.TURTLE, str(ENTITIES_GRAPH))
    store.load(ONTOLOGY_FILE, graph=str(ONTOLOGY_GRAPH))
    store.flush()
    del store
    gc.collect()
    import_huggingface(path, write_jsonl(tmp_path / "m.jsonl", 1500, seed=4), snapshot=DAY)
    return path


def _question_rows(store: Store) -> list[tuple[str, str, str, str]]:
    # known_as_of after the snapshot's date, so that its graph counts as published
    params = {"as_of": AS_OF, "known_as_of": "2026-12-31", "certainty": "possible"}
    rows = run_question(store, "open-weights-without-review", params).to_json_obj()["rows"]
    bases = {r["reviewedBase"] for r in rows if r.get("reviewedBase")}
    label = {
        b: next(iter(store.query(f"SELECT ?l {{ <{b}> rdfs:label ?l }}", prefixes=PREFIXES)))[
            "l"
        ].value
        for b in bases
    }
    return [
        (r["label"], r["review"], r["status"], label.get(r.get("reviewedBase") or "", ""))
        for r in rows
    ]


@pytest.mark.parametrize("saved", [True, False])
def test_view_gives_the_questions_rows_in_its_order(imported: Path, saved: bool) -> None:
    store = Store.open(imported, read_only=True)
    lineage = Lineage.from_store(
        store, date.fromisoformat(AS_OF), store_path=imported if saved else None
    )
    view = "open-weights-without-review"
    whole = lineage_page(lineage, view, limit=10_000, store=store)
    got = [(r["model"], r["review"], r["status"], r["reviewed_base"]) for r in whole.rows]
    assert got == _question_rows(store)
    assert whole.total == len(got)
    assert {r[2] for r in got} == {"modified after review", "unreviewed"}
    assert ("Llama 3.1 70B", "evaluated after deployment only") in {r[:2] for r in got}
    # pages partition the answer
    pieces = [
        lineage_page(lineage, view, limit=7, offset=o, store=store).rows
        for o in range(0, len(got), 7)
    ]
    assert [r for piece in pieces for r in piece] == whole.rows
    first = lineage_page(lineage, view, limit=3, store=store)
    assert [r["status"] for r in first.rows] == ["modified after review"] * 3
    assert not any(r["model"].startswith("https://") for r in first.rows)  # labelled


def test_a_merge_names_the_reviewed_ancestor_whose_iri_sorts_first() -> None:
    nodes = ["<r2>", "<r1>", "<m>", "<x>"]
    lineage = Lineage.from_edges(nodes, [2, 2, 3], [0, 1, 2], [4, 4, 1])
    lineage.open_weights[:] = True
    lineage.reviewed[[0, 1]] = True
    lineage.evaluated_after[3] = True
    rows = lineage_page(lineage, "open-weights-without-review").rows
    assert [(r["model"], r["review"], r["reviewed_base"]) for r in rows] == [
        ("m", "none", "r1"),
        ("x", "evaluated after deployment only", "r1"),
    ]
