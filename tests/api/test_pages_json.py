"""Entity pages as JSON: the facts each class's page carries, checked against the store.

In-process ASGI over a real store of the bundled curated data. Expected values are read from the
YAML sources' meaning (a month-precise release date stays a month) or computed from the store and
the analyses, never copied from the page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from govkg.graph.analysis import coverage
from govkg.graph.analysis.explain import explain
from govkg.graph.analysis.service import load_graph, today
from govkg.graph.store.embedded import Store

ID = "https://w3id.org/govkg/id/"


def _section(view: dict, sid: str) -> dict:
    return next(s for s in view["sections"] if s["id"] == sid)


def test_model_page_verdict_and_explanation_come_from_the_analyses(
    bundled_client: TestClient, bundled_store: Path
) -> None:
    view = bundled_client.get("/page/id/llama-3.1-405b.json").json()
    g = load_graph(Store.open(bundled_store, read_only=True))
    day = today()
    assert view["verdict"]["verdict"] == coverage(g, day).verdict(ID + "llama-3.1-405b")
    assert view["verdict"]["text"] == explain(g, ID + "llama-3.1-405b", day).text
    lineage = _section(view, "lineage")
    children = {r["iri"] for r in lineage["down"]}
    expected = {
        u
        for u, v, d in g.edges(data=True)
        if v == ID + "llama-3.1-405b" and str(d.get("predicate")).endswith("baseModel")
    }
    assert children == expected and lineage["down_total"] >= len(expected)
    weights = _section(view, "weights")["rows"]
    assert weights[0]["access"]["label"] and weights[0]["source"]["published"] == "23 July 2024"


def test_month_precise_dates_stay_months(bundled_client: TestClient) -> None:
    view = bundled_client.get("/page/id/yi-34b.json").json()
    release = next(e for e in view["facts"]["out"] if e["property_iri"].endswith("releaseDate"))
    assert release["values"][0]["text"] == "November 2023"
    meta = bundled_client.get("/page/id/meta.json").json()
    negotiating = _section(meta, "commitments-negotiating")["items"]
    assert any(i["date_text"] == "November 2026" for i in negotiating)


def test_developer_page_groups_commitments_by_status_with_sources(
    bundled_client: TestClient, bundled_store: Path
) -> None:
    view = bundled_client.get("/page/id/meta.json").json()
    ids = {s["id"] for s in view["sections"]}
    assert {"stances", "commitments-signed", "commitments-negotiating", "commitments-declined",
            "models", "evaluations", "actions"} <= ids  # fmt: skip
    for sid in ("commitments-signed", "stances", "actions"):
        assert _section(view, sid)["items"], f"{sid} is empty"
        assert {i["kind"] for i in _section(view, sid)["items"]} == {
            "commitments-signed": {"Participation"},
            "stances": {"StanceAttribution"},
            "actions": {"RegulatoryAction"},
        }[sid]
        for item in _section(view, sid)["items"]:
            assert item["source"]["label"] and item["status"]
    models = {r["iri"] for r in _section(view, "models")["refs"]}
    assert ID + "llama-3.1-405b" in models
    # every model's note is its verdict from the coverage report
    from govkg.graph.pages.sections import NOT_ASSESSED

    verdicts = coverage(load_graph(Store.open(bundled_store, read_only=True)), today()).verdicts()
    for ref in _section(view, "models")["refs"]:
        assert ref["note"] == verdicts.get(ref["iri"], NOT_ASSESSED)


def test_claims_say_whose_claim_they_are(bundled_client: TestClient) -> None:
    view = bundled_client.get("/page/source/article-meta-federal-ai-review.json").json()
    items = _section(view, "supports")["items"]
    claims = [i for i in items if i["kind"] == "Claim"]
    assert claims and all(i["status"].startswith("claim by ") for i in claims)
    assert all(i["quote"] for i in items if i["kind"] in ("Participation", "StanceAttribution"))


def test_instrument_page_lists_signatories(bundled_client: TestClient) -> None:
    view = bundled_client.get("/page/id/seoul-frontier-ai-safety-commitments.json").json()
    rows = _section(view, "signatories")["rows"]
    parties = {r["party"]["label"] for r in rows}
    assert {"Meta", "OpenAI", "Anthropic"} <= parties
    assert all(r["status"]["label"] and r["source"]["url"] for r in rows)
