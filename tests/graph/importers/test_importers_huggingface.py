"""The Hugging Face importer on small files with every messy case, on a real on-disk store.

Each messy case (missing base, own base, cycle, unknown relation, base absent from the file,
malformed licence tag, duplicate id, truncated file) must be recorded with its reason - in the
report and in the snapshot graph's provenance - and never crash; the snapshot graph is replaced
atomically; a failed strict import and a ``kill -9`` leave the store as it was.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from govkg.api.cli.main import app
from govkg.graph.errors import DataValidationError, NotFoundError
from govkg.graph.importers.huggingface import import_huggingface, snapshot_graph
from govkg.graph.importers.huggingface_ntriples import model_iri
from govkg.graph.store.embedded import Store
from govkg.ontology import ENTITIES_GRAPH
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

DAY = date(2026, 12, 1)
GRAPH = snapshot_graph(DAY)
GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
OTHER_GRAPH = "https://w3id.org/govkg/graph/other"

#: A curated registry: Meta developed Llama 3.1 405B and 70B (in a source graph, as compiled).
CURATED_TTL = """\
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkid: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
gkid:meta a gk:AIDeveloper ; rdfs:label "Meta"@en ; gk:alias "Meta AI" .
gkid:llama-3.1-405b a gk:AIModel ; rdfs:label "Llama 3.1 405B"@en ; gk:alias "Llama 3.1-405B" .
gkid:llama-3.1-70b a gk:AIModel ; rdfs:label "Llama 3.1 70B"@en .
"""
SOURCE_TTL = """\
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkid: <https://w3id.org/govkg/id/> .
gkid:llama-3.1-405b gk:developedBy gkid:meta .
gkid:llama-3.1-70b gk:developedBy gkid:meta .
"""


def row(model_id: str | None, **fields: Any) -> dict[str, Any]:
    """A Hub row; ``card`` becomes the cardData JSON string, ``tags`` defaults to none."""
    card = fields.pop("card", None)
    out = {"id": model_id, "createdAt": "2024-08-01T10:00:00.000Z", "tags": [], **fields}
    out["cardData"] = json.dumps(card) if card is not None else None
    return out


#: One row per messy case, plus a clean lineage around the curated Llama 3.1 405B.
MESSY_ROWS = [
    row("meta-llama/Llama-3.1-405B", author="meta-llama", tags=["license:llama3.1"]),
    row(
        "alice/llama-405b-tuned",
        downloads=42,
        pipeline_tag="text-generation",
        library_name="transformers",
        card={"base_model": "meta-llama/Llama-3.1-405B", "base_model_relation": "finetune"},
        tags=["license:apache-2.0"],
    ),
    row("bob/llama-405b-tuned-GGUF", tags=["base_model:quantized:alice/llama-405b-tuned"]),
    row("carol/on-70b", tags=["base_model:adapter:meta-llama/Llama-3.1-70B"]),  # curated, absent
    row("dave/no-base", card={"base_model_relation": "finetune"}),  # missing base
    row("erin/self", card={"base_model": "erin/self", "base_model_relation": "finetune"}),
    row("frank/cycle-a", tags=["base_model:finetune:frank/cycle-b"]),
    row("frank/cycle-b", tags=["base_model:finetune:frank/cycle-a"]),
    row("gina/distilled", tags=["base_model:distilled:alice/llama-405b-tuned"]),
    row("hank/orphan", tags=["base_model:finetune:nobody/not-in-file"]),
    row("ivy/bad-licence", tags=["license:Apache 2.0!!"]),
    row("alice/llama-405b-tuned", tags=["license:mit"]),  # duplicate id
    row("someone/Llama-3.1-405B", tags=["license:mit"]),  # a re-upload: not the curated model
    row(None),  # no id
]


def write_jsonl(path: Path, rows: list[dict[str, Any]], *, truncate: bool = False) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if truncate:
        text += json.dumps(row("zed/cut-off"))[:25]  # the last line cut mid-object
    path.write_text(text, encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict[str, Any]], row_group: int = 4) -> Path:
    columns = list(dict.fromkeys(k for r in rows for k in r))  # from_pylist reads row 1's keys
    full = [{k: r.get(k) for k in columns} for r in rows]
    pq.write_table(pa.Table.from_pylist(full), str(path), row_group_size=row_group)
    return path


def curated_store(path: Path) -> Path:
    """An on-disk store holding the small curated registry (and another import graph)."""
    store = Store.open(path)
    store.load(CURATED_TTL.encode(), graph=str(ENTITIES_GRAPH), format=_turtle())
    store.load(SOURCE_TTL.encode(), graph="https://w3id.org/govkg/graph/src", format=_turtle())
    store.load(b"<urn:x> <urn:y> <urn:z> .", graph=OTHER_GRAPH, format=_turtle())
    store.flush()
    del store
    gc.collect()
    return path


def _turtle():  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    return ox.RdfFormat.TURTLE


def with_store(path: Path, use: Callable[[Store], Any]) -> Any:
    """Open the store, run ``use`` on it, release it (the importer needs the lock back)."""
    store = Store.open(path)
    try:
        return use(store)
    finally:
        del store
        gc.collect()


def objects(store: Store, subject: str, predicate: str) -> set[str]:
    rows = store.query(f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ <{subject}> <{predicate}> ?o }} }}")
    return {r["o"].value for r in rows}


def provenance(store: Store, predicate: str) -> list[str]:
    rows = store.query(f"SELECT ?v WHERE {{ GRAPH <{GRAPH}> {{ ?a <{GK}{predicate}> ?v }} }}")
    return [r["v"].value for r in rows]


def everything(store: Store) -> set[tuple[str, ...]]:
    return {tuple(str(t) for t in q) for q in store.quads()}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return curated_store(tmp_path / "store")


# -- messy cases ---------------------------------------------------------------------------


def test_every_messy_case_is_recorded_with_its_reason(tmp_path: Path, store_path: Path) -> None:
    source = write_jsonl(tmp_path / "models.jsonl", MESSY_ROWS, truncate=True)
    report = import_huggingface(store_path, source, snapshot=DAY)
    skipped = [str(p) for p in report.skipped]
    dropped = [str(p) for p in report.warnings]

    def one(problems: list[str], *needles: str) -> str:
        found = [p for p in problems if all(n in p for n in needles)]
        assert len(found) == 1, (needles, problems)
        return found[0]

    one(skipped, "duplicate id alice/llama-405b-tuned", ":12:")
    one(skipped, "no model id")
    one(skipped, ":15:", "not a JSON object")  # the truncated last line
    one(dropped, "erin/self", "names itself as its base")
    one(dropped, "dave/no-base", "no base model")
    one(dropped, "frank/cycle-a: the link to frank/cycle-b", "lineage cycle")
    one(dropped, "frank/cycle-b: the link to frank/cycle-a", "lineage cycle")
    one(dropped, "gina/distilled", "unknown relation 'distilled'")
    one(dropped, "hank/orphan", "nobody/not-in-file", "neither in this snapshot")
    one(dropped, "ivy/bad-licence", "malformed licence id 'Apache 2.0!!'")
    assert report.rows_read == 14  # every decodable line; the cut-off line is skipped
    assert report.imported["model"] == 12
    assert len(skipped) == 3 and len(dropped) == 7

    def check(store: Store) -> None:
        # the same reasons are in the graph, on the import activity
        assert sorted(provenance(store, "skippedRecord")) == sorted(skipped)
        assert sorted(provenance(store, "droppedValue")) == sorted(dropped)
        assert provenance(store, "rowsRead") == ["14"]
        assert provenance(store, "rowsSkipped") == ["3"]
        # what was dropped is really absent; what was kept is there
        assert objects(store, model_iri("erin/self"), GK + "baseModel") == set()
        assert objects(store, model_iri("frank/cycle-a"), GK + "baseModel") == set()
        assert objects(store, model_iri("hank/orphan"), GK + "baseModel") == set()
        distilled = model_iri("gina/distilled")
        assert objects(store, distilled, GK + "baseModel") == {model_iri("alice/llama-405b-tuned")}
        assert objects(store, distilled, GK + "fineTuneOf") == set()
        assert objects(store, model_iri("ivy/bad-licence"), GK + "licenceName") == set()
        assert objects(store, model_iri("alice/llama-405b-tuned"), GK + "licenceName") == {
            "apache-2.0"
        }

    with_store(store_path, check)


def test_lineage_links_curated_models_and_authors(tmp_path: Path, store_path: Path) -> None:
    source = write_parquet(tmp_path / "models.parquet", MESSY_ROWS[:-1])
    report = import_huggingface(store_path, source, snapshot=DAY)
    llama = ID + "llama-3.1-405b"
    assert ("meta-llama/Llama-3.1-405B", llama) in report.merged_names
    assert report.merged == 1  # the re-upload someone/Llama-3.1-405B is not merged

    def check(store: Store) -> None:
        tuned = model_iri("alice/llama-405b-tuned")
        assert objects(store, tuned, GK + "baseModel") == {llama}
        assert objects(store, tuned, GK + "fineTuneOf") == {llama}
        gguf = model_iri("bob/llama-405b-tuned-GGUF")
        assert objects(store, gguf, GK + "quantizationOf") == {tuned}
        # a base absent from the file that is a curated model still links to it
        assert objects(store, model_iri("carol/on-70b"), GK + "adapterOf") == {ID + "llama-3.1-70b"}
        assert objects(store, llama, GK + "alias") == {"meta-llama/Llama-3.1-405B"}
        assert objects(store, llama, GK + "developedBy") == {ID + "meta"}
        assert objects(store, ID + "meta", GK + "alias") == {"meta-llama"}
        assert objects(store, model_iri("someone/Llama-3.1-405B"), GK + "developedBy") == {
            ID + "hf/author/someone"
        }
        assert objects(store, tuned, "http://purl.org/dc/terms/created") == {"2024-08-01"}
        assert objects(store, tuned, GK + "downloadCount") == {"42"}
        assert objects(store, tuned, GK + "pipelineTag") == {"text-generation"}
        assert objects(store, tuned, GK + "softwareLibrary") == {"transformers"}
        assert objects(store, tuned, GK + "weightsAccess") == {
            "https://w3id.org/govkg/concept/open-weights-unrestricted"
        }
        assert objects(store, llama, GK + "weightsAccess") == {
            "https://w3id.org/govkg/concept/open-weights-restricted"
        }

    with_store(store_path, check)


def test_truncated_shard_is_skipped_and_recorded(tmp_path: Path, store_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    write_parquet(shards / "part-0.parquet", MESSY_ROWS[:4])
    whole = write_parquet(tmp_path / "whole.parquet", MESSY_ROWS[4:8]).read_bytes()
    (shards / "part-1.parquet").write_bytes(whole[: len(whole) // 2])
    report = import_huggingface(store_path, shards, snapshot=DAY)
    assert report.imported["model"] == 4
    assert [p.file for p in report.skipped] == [str(shards / "part-1.parquet")]
    assert "not a readable parquet file" in report.skipped[0].message


def test_a_single_unreadable_file_writes_nothing(tmp_path: Path, store_path: Path) -> None:
    whole = write_parquet(tmp_path / "whole.parquet", MESSY_ROWS[:8]).read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole[: len(whole) - 40])
    before = with_store(store_path, everything)
    with pytest.raises(DataValidationError, match="no usable rows"):
        import_huggingface(store_path, cut, snapshot=DAY)
    assert with_store(store_path, everything) == before
    with pytest.raises(NotFoundError):
        import_huggingface(store_path, tmp_path / "absent.parquet", snapshot=DAY)


# -- atomic replace ------------------------------------------------------------------------


def test_reimport_replaces_the_snapshot_graph_only(tmp_path: Path, store_path: Path) -> None:
    import_huggingface(store_path, write_jsonl(tmp_path / "a.jsonl", MESSY_ROWS[:4]), snapshot=DAY)
    smaller = write_jsonl(tmp_path / "b.jsonl", [MESSY_ROWS[0], row("zoe/new")])
    report = import_huggingface(store_path, smaller, snapshot=DAY)

    def check(store: Store) -> None:
        models = store.query(f"SELECT ?m WHERE {{ GRAPH <{GRAPH}> {{ ?m a <{GK}AIModel> }} }}")
        assert {r["m"].value for r in models} == {model_iri("zoe/new")}
        assert objects(store, ID + "llama-3.1-405b", GK + "alias") == {"meta-llama/Llama-3.1-405B"}
        assert store.quad_count(GRAPH) == report.quads
        assert store.quad_count(OTHER_GRAPH) == 1
        assert store.quad_count(str(ENTITIES_GRAPH)) > 0

    with_store(store_path, check)


def test_failed_strict_import_leaves_the_store_as_it_was(tmp_path: Path, store_path: Path) -> None:
    import_huggingface(store_path, write_jsonl(tmp_path / "a.jsonl", MESSY_ROWS[:3]), snapshot=DAY)
    before = with_store(store_path, everything)
    messy = write_jsonl(tmp_path / "m.jsonl", MESSY_ROWS)
    with pytest.raises(DataValidationError, match="strict") as caught:
        import_huggingface(store_path, messy, snapshot=DAY, strict=True)
    assert "names itself" in str(caught.value.problems[0]) or caught.value.problems
    assert with_store(store_path, everything) == before
    assert not list(store_path.parent.glob("*.nt"))  # no work file left behind


# -- the command ---------------------------------------------------------------------------


def test_command_imports_and_strict_exits_1(tmp_path: Path, store_path: Path) -> None:
    source = write_jsonl(tmp_path / "models.jsonl", MESSY_ROWS)
    runner = CliRunner()
    args = ["import", "huggingface", str(source), "--store", str(store_path)]
    done = runner.invoke(app, [*args, "--snapshot", DAY.isoformat()])
    assert done.exit_code == 0, done.output
    assert "imported 12 models" in done.output
    assert "duplicate id alice/llama-405b-tuned" in done.output
    failed = runner.invoke(app, [*args, "--snapshot", DAY.isoformat(), "--strict"])
    assert failed.exit_code == 1
    assert "strict" in failed.output
    bad_day = runner.invoke(app, [*args, "--snapshot", "yesterday"])
    assert bad_day.exit_code == 1 and "YYYY-MM-DD" in bad_day.output


# -- kill -9 of a real import --------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated snapshot big enough that an import runs for a few seconds."""
    hf_generate = pytest.importorskip("hf_generate")
    path = tmp_path_factory.mktemp("hf") / "models.parquet"
    return hf_generate.write_parquet(path, 60_000, seed=5, chunk=10_000)


@pytest.mark.kill9  # kill -9 of a real import: with the other kill tests (tests/support/workers.py)
@pytest.mark.parametrize("phase", ["writing", "loading"])
def test_kill_9_mid_import_leaves_the_store_as_it_was(
    tmp_path: Path, store_path: Path, generated: Path, phase: str
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import_huggingface(store_path, write_jsonl(tmp_path / "a.jsonl", MESSY_ROWS[:3]), snapshot=DAY)
    before = with_store(store_path, everything)
    govkg = Path(sys.executable).parent / "govkg"
    command = [str(govkg), "import", "huggingface", str(generated), "--store", str(store_path)]
    process = subprocess.Popen(
        [*command, "--snapshot", DAY.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # the work file appears when rows are being written, the checkpoint when they are loaded
    pattern = "*.huggingface-*.nt" if phase == "writing" else "store.building-*"
    deadline = time.monotonic() + 120
    while not list(store_path.parent.glob(pattern)):
        assert process.poll() is None, f"the import ended before the {phase} phase was seen"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert with_store(store_path, everything) == before
    # the next import clears the killed one's work file and still works
    import_huggingface(store_path, write_jsonl(tmp_path / "b.jsonl", MESSY_ROWS[:2]), snapshot=DAY)
    assert not list(store_path.parent.glob("*.huggingface-*.nt"))
