"""Lineage analyses over an imported Hub snapshot, its named question, and the generator's shape.

The store is real (on disk), the snapshot is imported by the real importer, and the expected
answers are worked out by hand from the rows below.
"""

from __future__ import annotations

import gc
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox
import pytest
from govkg.api.cli.main import app
from govkg.graph.analysis.lineage import Lineage
from govkg.graph.analysis.lineage_views import VIEWS, lineage_page
from govkg.graph.errors import InputError
from govkg.graph.importers.huggingface import import_huggingface
from govkg.graph.questions import run_question
from govkg.graph.store.embedded import Store
from govkg.ontology import ENTITIES_GRAPH, ONTOLOGY_FILE, ONTOLOGY_GRAPH
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

DAY = date(2026, 12, 1)
ID = "https://w3id.org/govkg/id/"
CURATED = """\
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkc: <https://w3id.org/govkg/concept/> .
@prefix gkid: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
gkid:meta a gk:AIDeveloper ; rdfs:label "Meta"@en .
gkid:llama-3.1-405b a gk:AIModel ; rdfs:label "Llama 3.1 405B"@en ; gk:developedBy gkid:meta .
gkid:llama-3.1-70b a gk:AIModel ; rdfs:label "Llama 3.1 70B"@en ; gk:developedBy gkid:meta .
gkid:eval-405b gk:evaluatedModel gkid:llama-3.1-405b ;
    gk:deploymentStage gkc:pre-deployment ; gk:date "2024-07-01"^^xsd:date .
"""


def row(model_id: str, tags: list[str]) -> dict[str, Any]:
    return {"id": model_id, "createdAt": "2024-08-01", "tags": tags}


ROWS = [
    row("meta-llama/Llama-3.1-405B", ["license:llama3.1"]),
    row("a/tuned", ["license:apache-2.0", "base_model:finetune:meta-llama/Llama-3.1-405B"]),
    row("b/tuned-GGUF", ["license:apache-2.0", "base_model:quantized:a/tuned"]),
    row("c/lora", ["license:llama3.1", "base_model:adapter:meta-llama/Llama-3.1-405B"]),
    row("d/on-70b", ["license:cc-by-nc-4.0", "base_model:adapter:meta-llama/Llama-3.1-70B"]),
    row("e/merge", ["license:mit", "base_model:merge:b/tuned-GGUF", "base_model:merge:d/on-70b"]),
    row("f/base", ["license:cc-by-nc-4.0"]),
    row("g/child", ["license:mit", "base_model:finetune:f/base"]),
]


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = Store.open(path)
    store.load(CURATED.encode(), ox.RdfFormat.TURTLE, str(ENTITIES_GRAPH))
    store.load(ONTOLOGY_FILE, graph=str(ONTOLOGY_GRAPH))
    store.flush()
    del store
    gc.collect()
    source = tmp_path / "models.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    import_huggingface(path, source, snapshot=DAY)
    return path


def lineage_of(path: Path, as_of: date) -> tuple[Lineage, Store]:
    store = Store.open(path, read_only=True)
    return Lineage.from_store(store, as_of), store


def test_families_coverage_and_drift(imported: Path) -> None:
    lineage, store = lineage_of(imported, date(2025, 1, 1))
    index = {iri[1:-1]: i for i, iri in enumerate(lineage.nodes)}
    llama, llama70 = index[ID + "llama-3.1-405b"], index[ID + "llama-3.1-70b"]
    hf = ID + "hf/model/"
    families = lineage.families()
    assert {m: families[index[hf + m]] for m in ("a/tuned", "b/tuned-GGUF", "c/lora")} == {
        "a/tuned": llama,
        "b/tuned-GGUF": llama,
        "c/lora": llama,
    }
    assert families[index[hf + "d/on-70b"]] == llama70
    covered = lineage.covered()
    assert covered[index[hf + "e/merge"]]  # one of its two bases descends from a reviewed model
    assert not covered[index[hf + "d/on-70b"]]
    assert not covered[index[hf + "g/child"]]

    page = lineage_page(lineage, "families", limit=10, store=store)
    assert [(r["family"], r["derivatives"], r["covered"], r["base_reviewed"]) for r in page.rows][
        0
    ] == ("Llama 3.1 405B", 4, 4, True)
    assert page.total == 3  # Llama 3.1 405B, Llama 3.1 70B, f/base
    share = lineage_page(lineage, "review-share", limit=1).rows[0]
    assert (share["derivatives"], share["covered"]) == (6, 4)
    drift = lineage_page(lineage, "licence-drift", limit=10, store=store)
    pairs = {(r["model"], r["base"], r["licence"], r["base_licence"]) for r in drift.rows}
    assert pairs == {
        ("a/tuned", "Llama 3.1 405B", "permissive", "use-restricted"),
        ("g/child", "f/base", "permissive", "non-commercial"),
        ("e/merge", "d/on-70b", "permissive", "non-commercial"),
    }


def test_a_review_after_as_of_does_not_count(imported: Path) -> None:
    lineage, _ = lineage_of(imported, date(2024, 6, 1))
    assert not lineage.reviewed.any() and not lineage.covered().any()


def test_pages_partition_every_view(imported: Path) -> None:
    lineage, _ = lineage_of(imported, date(2025, 1, 1))
    for view in VIEWS:
        whole = lineage_page(lineage, view, limit=1000)
        pieces = [lineage_page(lineage, view, limit=2, offset=o).rows for o in range(0, 12, 2)]
        assert [r for p in pieces for r in p] == whole.rows, view
        assert whole.total == len(whole.rows), view
    with pytest.raises(InputError):
        lineage_page(lineage, "nope")
    with pytest.raises(InputError):
        lineage_page(lineage, "families", limit=0)


def test_cycles_have_no_family_and_merges_count_once() -> None:
    lineage = Lineage.from_edges(
        ["r", "x", "y", "z", "m"], [1, 2, 3, 4, 4], [2, 1, 2, 0, 1], [1, 1, 1, 4, 4]
    )
    assert lineage.families().tolist() == [0, -1, -1, -1, 0]
    lineage.reviewed[1] = True
    assert lineage.covered().tolist() == [False, True, True, True, True]


def test_named_question_counts_derivatives_by_base(imported: Path) -> None:
    store = Store.open(imported, read_only=True)
    rows = run_question(store, "hf-derivatives-by-base", {}).to_json_obj()["rows"]
    got = {(r["base"], r["relation"]): int(r["derivatives"]) for r in rows}
    assert got[(ID + "llama-3.1-405b", "finetune")] == 1
    assert got[(ID + "llama-3.1-405b", "adapter")] == 1
    assert got[(ID + "hf/model/b/tuned-GGUF", "merge")] == 1
    assert sum(got.values()) == 7  # e/merge counts once under each of its two bases


def test_analyze_lineage_command(imported: Path) -> None:
    runner = CliRunner()
    args = ["analyze", "lineage", "families", "--store", str(imported), "--as-of", "2025-01-01"]
    done = runner.invoke(app, [*args, "--json", "--limit", "1"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["total"] == 3 and body["rows"][0]["family"] == "Llama 3.1 405B"
    bad = runner.invoke(app, ["analyze", "lineage", "everything", "--store", str(imported)])
    assert bad.exit_code == 1 and "unknown lineage view" in bad.output


# -- the generator -------------------------------------------------------------------------


def test_generator_shape_is_realistic_and_deterministic(tmp_path: Path) -> None:
    hf_generate = pytest.importorskip("hf_generate")
    rows = list(hf_generate.generate_rows(20_000, seed=2))
    assert rows == list(hf_generate.generate_rows(20_000, seed=2))
    bases: dict[str, str] = {}
    relations: Counter[str] = Counter()
    for r in rows:
        for tag in r["tags"]:
            parts = tag.split(":")
            if len(parts) == 3 and parts[0] == "base_model":
                relations[parts[1]] += 1
                bases.setdefault(r["id"], parts[2])

    def depth(model: str) -> int:
        seen, d = set(), 0
        while model in bases and model not in seen:
            seen.add(model)
            model, d = bases[model], d + 1
        return d

    depths = Counter(depth(r["id"]) for r in rows)
    assert max(depths) <= hf_generate.MAX_DEPTH and depths[hf_generate.MAX_DEPTH] > 0
    assert relations["quantized"] + relations["finetune"] > 0.7 * sum(relations.values())
    roots = Counter()
    for model in bases:
        top = model
        while top in bases and bases[top] != top:
            top = bases[top]
        roots[top] += 1
    sizes = sorted(roots.values(), reverse=True)
    assert sizes[0] > 20 * np.median(sizes)  # heavy-tailed: one family dwarfs the typical one
    assert any(r["createdAt"] is None for r in rows) and any(r["cardData"] for r in rows)
    assert len({r["id"] for r in rows}) < len(rows)  # duplicate ids are among the messy rows
    out = hf_generate.write_parquet(tmp_path / "s.parquet", 2_500, seed=2, chunk=1_000)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(str(out)).metadata.num_row_groups == 3
    jsonl = hf_generate.write_jsonl(tmp_path / "s.jsonl", 100, seed=2)
    assert len(jsonl.read_text().splitlines()) == 100
