"""``govkg analyze ...`` (in-process, see support.cli) on the store built from the bundled data.

Expected values come from running the same analyses in-process on the same store, plus the
facts of the bundled data the brief names (Llama models uncovered, GPT-4o covered through an
agreement, Meta's participation missing for Llama 3.1 70B; Llama 3.1 405B evaluated after
release).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from govkg.graph.analysis import coverage, run_scenario
from govkg.graph.projection import project
from govkg.graph.store.embedded import Store
from support.cli import invoke

ID = "https://w3id.org/govkg/id/"
AS_OF = "2026-11-28"


@pytest.fixture(scope="module")
def store(bundled_store: Path) -> Path:
    """The session's bundled store (these commands only read it)."""
    return bundled_store


@pytest.fixture(scope="module")
def graph(store: Path):  # type: ignore[no-untyped-def]
    return project(Store.open(store, read_only=True), include_concepts=True)


def run_json(store: Path, *args: str):  # type: ignore[no-untyped-def]
    r = invoke("analyze", *args, "--format", "json", store=store)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_coverage_json_matches_the_analysis(store: Path, graph) -> None:  # type: ignore[no-untyped-def]
    data = run_json(store, "coverage", "--as-of", AS_OF)
    verdicts = {m["model"]: m["verdict"] for m in data["models"]}
    assert verdicts == coverage(graph, AS_OF).verdicts()
    llamas = {m: v for m, v in verdicts.items() if m.startswith(ID + "llama-")}
    assert llamas and set(llamas.values()) <= {"uncovered", "reviewed-post-deployment", "inherited"}
    assert verdicts[ID + "llama-3.1-70b"] == "uncovered"
    # tested by the International Network of AI Safety Institutes after its release
    assert verdicts[ID + "llama-3.1-405b"] == "reviewed-post-deployment"
    assert verdicts[ID + "gpt-4o"] in ("agreement-at-release", "agreement-after-release")


def test_coverage_table_filters_by_developer_and_verdict(store: Path) -> None:
    r = invoke("analyze", "coverage", "--as-of", AS_OF, "--developer", "openai", store=store)
    assert r.returncode == 0, r.stderr
    assert "GPT-4o" in r.stdout and "Llama" not in r.stdout
    r = invoke(
        "analyze",
        "coverage",
        "--as-of",
        AS_OF,
        "--verdict",
        "uncovered",
        "--format",
        "csv",
        store=store,
    )
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and {row["verdict"] for row in rows} == {"uncovered"}
    assert "Llama 3.1 70B" in {row["model"] for row in rows}


def test_bad_inputs_exit_1_with_a_message(store: Path) -> None:
    r = invoke("analyze", "coverage", "--as-of", "2025-13-01", store=store)
    assert r.returncode == 1 and "as_of" in r.stderr and "Traceback" not in r.stderr
    r = invoke("analyze", "coverage", "--verdict", "sort-of", store=store)
    assert r.returncode == 1 and "sort-of" in r.stderr
    r = invoke("analyze", "explain", "llama-9000", store=store)
    assert r.returncode == 1 and "llama-9000" in r.stderr
    assert invoke("analyze", "coverage", "--format", "xml", store=store).returncode == 2


def test_explain_names_the_missing_link(store: Path) -> None:
    r = invoke("analyze", "explain", "llama-3.1-70b", "--as-of", AS_OF, store=store)
    assert r.returncode == 0, r.stderr
    assert "uncovered" in r.stdout
    assert "Meta is party to no testing agreement" in r.stdout
    data = run_json(store, "explain", "gpt-4o", "--as-of", AS_OF)
    assert data["verdict"].startswith("agreement") and data["path"]


def test_centrality_by_kind(store: Path) -> None:
    data = run_json(store, "centrality", "--kind", "AIDeveloper", "--top", "3")
    assert list(data) == ["AIDeveloper"] and len(data["AIDeveloper"]) == 3
    assert [r["pagerank_rank"] for r in data["AIDeveloper"]] == sorted(
        r["pagerank_rank"] for r in data["AIDeveloper"]
    )


def test_communities_and_path(store: Path) -> None:
    data = run_json(store, "communities")
    assert data["communities"] and 0 < data["modularity"] <= 1
    path = run_json(store, "path", "meta", "us-aisi")
    assert path["nodes"][0] == ID + "meta" and path["nodes"][-1] == ID + "us-aisi"
    r = invoke("analyze", "path", "meta", "us-aisi", store=store)
    assert r.returncode == 0 and "Meta" in r.stdout


def test_scenario_meta_agrees_moves_llama_models(store: Path, graph) -> None:  # type: ignore[no-untyped-def]
    data = run_json(store, "scenario", "meta-agrees")
    expected = run_scenario(graph, "meta-agrees")
    moves = {m["model"]: (m["before"], m["after"]) for m in data["moves"]}
    assert moves == {m.model: (m.before, m.after) for m in expected.moves}
    assert moves[ID + "llama-3.1-70b"] == ("uncovered", "agreement-after-release")
    assert ID + "llama-3.1-405b" not in moves  # evaluated after release: not uncovered
    # the store is untouched: coverage afterwards is what it was
    again = run_json(store, "coverage", "--as-of", expected.as_of)
    assert {m["model"]: m["verdict"] for m in again["models"]} == coverage(
        graph, expected.as_of
    ).verdicts()


def test_scenario_list_and_a_bad_file(store: Path, tmp_path: Path) -> None:
    names = [s["name"] for s in run_json(store, "scenario", "--list")]
    assert "meta-agrees" in names and "open-weights-exempt" in names
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario:\n  id: x\n  title: X\nchanges:\n  - add: evaluatoin\n")
    r = invoke("analyze", "scenario", str(bad), store=store)
    assert r.returncode == 1
    assert f"{bad}:5" in r.stderr
