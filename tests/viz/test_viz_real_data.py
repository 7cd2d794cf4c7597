"""The bundled curated data, projected and analysed, drawn in Chromium.

Uses the real pipeline (curated YAML -> pyoxigraph store -> projection -> coverage/PageRank), so
it checks the page against what users will actually see.
"""

from __future__ import annotations

import json
import re

import pytest
from govkg.graph import projection
from govkg.graph.analysis import coverage, pagerank
from govkg.graph.store.embedded import Store
from govkg.viz import coverage_gap_subgraph, render_graph_page
from support.browser import counts, node_point, open_page


@pytest.fixture(scope="module")
def projected(compiled_data):  # type: ignore[no-untyped-def]
    data = compiled_data
    store = Store.in_memory()
    store.oxigraph.extend(data.iter_quads())
    g = projection.project(store, include_concepts=True)
    report = coverage(g, "2025-01-01")
    verdicts = {m.model: m.verdict for m in report.models}
    return g, verdicts, pagerank(g)


def test_curated_graph_page_counts_match_the_projection(projected):
    g, coverage, centrality = projected
    html = render_graph_page(g, title="govkg", coverage=coverage, centrality=centrality)
    data = json.loads(
        re.search(r'id="gk-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert len(data["nodes"]) == g.number_of_nodes()
    assert len(data["edges"]) == g.number_of_edges()
    uncovered = [n for n in data["nodes"] if n.get("cov") == "uncovered"]
    assert len(uncovered) == sum(1 for v in coverage.values() if v == "uncovered")


@pytest.mark.browser
def test_coverage_gap_page_in_chromium(projected, chromium, site, output_dir):
    g, coverage, centrality = projected
    gap = coverage_gap_subgraph(g, coverage)
    models = [v for v in gap if coverage.get(v) == "uncovered"]
    assert models, "the curated data has no uncovered model to show"
    html = render_graph_page(
        gap, title="Models outside review", coverage=coverage, centrality=centrality
    )
    page, watch = open_page(chromium, site, "gap.html", html)
    assert counts(page)["nodes"] == gap.number_of_nodes()
    assert counts(page)["edges"] == gap.number_of_edges()
    page.screenshot(path=str(output_dir / "coverage-gap.png"))
    # click the first uncovered model that no other node covers at this zoom
    target = None
    for model in models:
        page.evaluate("id => govkg.network.focus(id, {scale: 1.5, animation: false})", model)
        x, y = node_point(page, model)
        if page.evaluate(
            "id => govkg.network.getNodeAt(govkg.network.canvasToDOM("
            "govkg.network.getPositions([id])[id])) === id",
            model,
        ):
            target = model
            break
    assert target, "every uncovered model is hidden under another node"
    page.mouse.click(x, y)
    page.wait_for_function(
        "id => document.getElementById('gk-info').dataset.node === id", arg=target, timeout=5_000
    )
    assert "uncovered" in page.locator("#gk-info").inner_text()
    sources = page.locator("#gk-info li.gk-source")
    assert sources.count() >= 1
    page.screenshot(path=str(output_dir / "coverage-gap-clicked.png"))
    watch.check(site[1])
    page.close()
