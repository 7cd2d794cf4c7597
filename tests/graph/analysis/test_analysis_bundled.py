"""Acceptance on the bundled data: real compiler, real pyoxigraph store, real projection.

Skipped (with the reason) while the curated data does not compile, because the data is being
written alongside; once it compiles these are the issue's acceptance checks.
"""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.graph.analysis import coverage, explain, explain_path, run_scenario
from govkg.graph.analysis.build import iri
from govkg.graph.analysis.schema import kind
from govkg.graph.store.embedded import Store

AS_OF = "2026-11-28"  # the founding article's month


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, compiled_data) -> nx.MultiDiGraph:
    from govkg.graph.projection import project

    data = compiled_data
    store = Store.open(tmp_path_factory.mktemp("store") / "store")
    store.oxigraph.bulk_extend(data.iter_quads())
    return project(store, include_concepts=True)


def meta_models(g: nx.MultiDiGraph) -> set[str]:
    meta = iri("meta")
    return {
        m
        for m, d in g.nodes(data=True)
        if d.get("kind") == "AIModel" and any(v == meta for _, v in g.out_edges(m))
    }


def test_llama_uncovered_and_frontier_closed_models_covered(bundled):
    verdicts = coverage(bundled, AS_OF).verdicts()
    llamas = [m for m in verdicts if m.rsplit("/", 1)[1].startswith("llama-")]
    assert llamas, "no Llama models in the bundled data"
    # no Llama was reviewed before deployment; Llama 3.1 405B was tested by the International
    # Network of AI Safety Institutes four months after its release (fact sheet of 2024-11-20),
    # which NVIDIA's Nemotron Ultra, derived from it, does not inherit: only a review before
    # deployment passes down a lineage
    after = {iri("llama-3.1-405b"): "reviewed-post-deployment"}
    for model in llamas:
        assert verdicts[model] == after.get(model, "uncovered"), model
    for model in ("gpt-4o", "o1", "claude-3.5-sonnet-2024-10"):
        assert verdicts[iri(model)] not in ("uncovered", "exempt"), model


def test_meta_agrees_moves_the_meta_models_and_only_them(bundled):
    report = run_scenario(bundled, "meta-agrees")
    moved = {m.model for m in report.moves}
    uncovered_meta = {
        m
        for m in meta_models(bundled)
        if coverage(bundled, report.as_of).verdicts().get(m) == "uncovered"
    }
    assert moved == uncovered_meta
    assert any(m.rsplit("/", 1)[1].startswith("llama-") for m in moved)
    assert {m.after for m in report.moves} <= {"agreement-after-release", "agreement-at-release"}


def test_explanation_of_an_uncovered_llama_names_the_missing_link(bundled):
    why = explain(bundled, "llama-3.1-70b", AS_OF)
    assert why.verdict == "uncovered"
    assert "no evaluation of" in why.text
    assert "Meta" in why.text and "testing agreement" in why.text


def test_meta_to_ostp_goes_through_substantive_links_not_a_jurisdiction(bundled):
    path = explain_path(bundled, "meta", "ostp")
    kinds = [kind(bundled, n) for n in path.nodes[1:-1]]
    assert "Jurisdiction" not in kinds, path.text
    assert (path.nodes[0], path.nodes[-1]) == (iri("meta"), iri("ostp"))
    assert all(step and all(f.sources for f in step) for step in path.steps)
    # a jurisdiction-free path exists: the weighting found one no longer than needed
    avoiding = explain_path(
        bundled,
        "meta",
        "ostp",
        exclude_kinds={"Concept", "Source", "SourceGraph", "Jurisdiction"},
        kind_costs={},
        hub_degree=float("inf"),
    )
    assert path.length <= avoiding.length + 2, (path.text, avoiding.text)
