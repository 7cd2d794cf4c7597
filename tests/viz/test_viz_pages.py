"""Unit tests of the page builders: embedded data, offline-ness, refusal, neighbourhoods."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from govkg.graph.errors import InputError, NotFoundError
from govkg.viz import neighbourhood, render_graph_page, render_scenario_page
from govkg.viz.assets import vis_network_css, vis_network_js
from govkg.viz.layout import compute_layout
from support.synthetic import GK, GRAPH, ID, SRC, synthetic_graph

IRI_BASE = "https://w3id.org/govkg/"
URL = re.compile(r"https?://[^\s\"'<>)\\]+")


def page_data(html: str) -> dict:
    """The JSON block the page script reads."""
    m = re.search(r'<script id="gk-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "page has no data block"
    return json.loads(m.group(1))


def without_vendor(html: str) -> str:
    """The page minus the inlined vis-network library (whose licence comments name URLs)."""
    out = html.replace(vis_network_js(), "").replace(vis_network_css(), "")
    assert len(out) < len(html) - 400_000, "vis-network was not inlined"
    return out


def chain(n: int) -> nx.MultiDiGraph:
    """n0 -> n1 -> ... a path whose neighbourhoods have known sizes."""
    g = nx.MultiDiGraph()
    for i in range(n):
        g.add_node(f"{ID}n{i}", label=f"N{i}", kind="AIDeveloper", types=[GK + "AIDeveloper"])
    for i in range(n - 1):
        g.add_edge(f"{ID}n{i}", f"{ID}n{i + 1}", predicate=GK + "p", label="p", graph=GRAPH + "s")
    return g


def test_embedded_data_holds_every_node_and_edge():
    g = synthetic_graph(300, seed=3)
    data = page_data(render_graph_page(g, title="all"))
    assert len(data["nodes"]) == g.number_of_nodes()
    assert len(data["edges"]) == g.number_of_edges()
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    kinds = {n["kind"] for n in data["nodes"]}
    assert {row["kind"] for row in data["legend"]} == kinds
    labels = {e["label"] for e in data["edges"]}
    assert {"developed by", "evaluator", "source"} <= labels


def test_page_is_self_contained_and_names_no_external_url():
    g = synthetic_graph(200)
    link = "https://example.org/report.pdf"
    titles = {f"{SRC}s1": {"title": "A report", "url": link}}
    html = render_graph_page(g, title="offline", source_titles=titles)
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html, re.I)
    assert not re.search(r"<link[^>]*href=", html, re.I)
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "cdn" not in without_vendor(html).lower()
    # govkg IRIs name nodes (data, never fetched); the only web link is the source's own
    urls = {u for u in URL.findall(without_vendor(html)) if not u.startswith(IRI_BASE)}
    assert urls == {link}


def test_markup_in_labels_stays_data():
    g = chain(2)
    evil = "</script><script>alert(1)</script>"
    g.nodes[f"{ID}n0"]["label"] = evil
    html = render_graph_page(g, title="<b>t</b>")
    assert without_vendor(html).count("<script") == 3
    assert "<b>t</b>" not in html
    assert page_data(html)["nodes"][0]["label"] == evil


def test_refuses_graphs_above_the_cap_and_suggests_a_filter():
    g = synthetic_graph(120)
    with pytest.raises(InputError) as err:
        render_graph_page(g, title="big", max_nodes=100)
    assert "120 nodes" in str(err.value)
    assert "focus" in str(err.value)
    data = page_data(render_graph_page(g, title="ok", max_nodes=120))
    assert len(data["nodes"]) == 120


def test_cap_applies_to_the_focused_neighbourhood_not_the_whole_graph():
    g = chain(50)
    data = page_data(render_graph_page(g, title="f", focus=f"{ID}n10", depth=2, max_nodes=5))
    assert sorted(n["label"] for n in data["nodes"]) == ["N10", "N11", "N12", "N8", "N9"]
    assert data["focus"] == f"{ID}n10"


@pytest.mark.parametrize(("depth", "expected"), [(0, {5}), (1, {4, 5, 6}), (3, set(range(2, 9)))])
def test_neighbourhood_depth_follows_edges_both_ways(depth, expected):
    g = chain(12)
    sub = neighbourhood(g, f"{ID}n5", depth)
    assert set(sub.nodes) == {f"{ID}n{i}" for i in expected}
    assert sub.number_of_edges() == len(expected) - 1
    assert isinstance(sub, nx.MultiDiGraph)
    sub.add_node("x")
    assert "x" not in g


def test_neighbourhood_rejects_unknown_focus_and_negative_depth():
    g = chain(3)
    with pytest.raises(NotFoundError, match="no-such"):
        neighbourhood(g, f"{ID}no-such", 1)
    with pytest.raises(InputError, match="depth"):
        neighbourhood(g, f"{ID}n1", -1)


def test_coverage_marks_uncovered_models_and_centrality_sizes_nodes():
    g = synthetic_graph(100)
    models = [v for v, k in g.nodes(data="kind") if k == "AIModel"]
    coverage = {models[0]: "uncovered", models[1]: "reviewed", models[2]: "agreement:x"}
    centrality = {v: 0.0 for v in g} | {models[1]: 1.0}
    data = page_data(render_graph_page(g, title="c", coverage=coverage, centrality=centrality))
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[models[0]]["cov"] == "uncovered"
    assert by_id[models[0]]["color"]["border"] != by_id[models[1]]["color"]["border"]
    assert by_id[models[0]]["borderWidth"] > by_id[models[3]]["borderWidth"]
    assert by_id[models[1]]["size"] > by_id[models[0]]["size"]
    assert {row["key"] for row in data["coverageLegend"]} == {"uncovered", "reviewed", "agreement"}


def test_sources_carry_titles_links_and_reject_script_urls():
    g = synthetic_graph(100)
    titles = {
        f"{GRAPH}s0": {"title": "Zero", "url": "https://example.org/0"},
        f"{SRC}s1": {"title": "One", "url": "javascript:alert(1)"},
    }
    data = page_data(render_graph_page(g, title="s", source_titles=titles))
    graphs = {row["iri"]: row for row in data["graphs"]}
    assert graphs[f"{GRAPH}s0"] == {
        "iri": f"{GRAPH}s0",
        "title": "Zero",
        "url": "https://example.org/0",
    }
    assert graphs[f"{GRAPH}s1"]["title"] == "One"
    assert graphs[f"{GRAPH}s1"]["url"] == ""
    evals = [n for n in data["nodes"] if n["kind"] == "ModelEvaluation"]
    assert evals and all(data["graphs"][n["src"]]["iri"].startswith(GRAPH) for n in evals)


def test_jurisdiction_comes_from_attribute_or_edge():
    g = synthetic_graph(100)
    agency = next(v for v, k in g.nodes(data="kind") if k == "Agency")
    expected = g.nodes[agency].pop("jurisdiction")
    data = page_data(render_graph_page(g, title="j"))
    node = next(n for n in data["nodes"] if n["id"] == agency)
    assert node["juris"] == expected
    assert expected in {j["iri"] for j in data["jurisdictions"]}


def test_scenario_page_marks_added_removed_and_changed():
    before = chain(4)
    after = chain(3)
    after.add_node(f"{ID}new", label="New", kind="AIModel")
    after.add_edge(f"{ID}n0", f"{ID}new", predicate=GK + "q", label="q", graph=GRAPH + "s")
    html = render_scenario_page(
        before,
        after,
        title="scn",
        coverage_before={f"{ID}n1": "uncovered"},
        coverage_after={f"{ID}n1": "reviewed"},
    )
    data = page_data(html)
    status = {n["label"]: n["change"] for n in data["nodes"]}
    assert status == {"N0": "same", "N1": "changed", "N2": "same", "N3": "removed", "New": "added"}
    edge_status = sorted((e["label"], e["change"]) for e in data["edges"])
    assert edge_status == [("p", "removed"), ("p", "same"), ("p", "same"), ("q", "added")]
    assert data["mode"] == "scenario"


def test_layout_is_deterministic_and_spread_out():
    # Its speed (5,000 nodes) is measured by bench/viz_bench.py, not asserted here.
    g = synthetic_graph(5000)
    first = compute_layout(g, seed=1)
    assert first == compute_layout(g, seed=1)
    assert len(set(first.values())) > 0.99 * g.number_of_nodes()
    xs = [x for x, _ in first.values()]
    assert max(xs) - min(xs) > 1000
    small = synthetic_graph(60)
    assert compute_layout(small, seed=2) == compute_layout(small, seed=2)
