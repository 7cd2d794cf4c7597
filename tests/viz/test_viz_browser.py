"""The pages in a real browser: Debian's Chromium driven by Playwright, served from 127.0.0.1.

Each test records console errors, uncaught page errors and every request the page makes, and
fails if any request goes anywhere but the loopback server.
"""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.viz import render_graph_page, render_scenario_page
from support.browser import counts, node_point, open_page
from support.synthetic import GK, GRAPH, ID, SRC, synthetic_graph

pytestmark = pytest.mark.browser


def small_graph() -> nx.MultiDiGraph:
    """A developer, two models, an agency and an evaluation citing one source."""
    g = nx.MultiDiGraph()
    src, graph = f"{SRC}aisi-report", f"{GRAPH}aisi-report"
    g.add_node(f"{ID}acme", label="Acme AI", kind="AIDeveloper", sources={f"{GRAPH}entities"})
    g.add_node(
        f"{ID}m1",
        label="Acme-1",
        kind="AIModel",
        release_date="2024-03-01",
        open_weights=True,
        weights_access="open-weights",
        sources={graph},
    )
    g.add_node(
        f"{ID}m2", label="Acme-2", kind="AIModel", release_date="2025-06-01", sources={graph}
    )
    g.add_node(f"{ID}aisi", label="AI Safety Institute", kind="Agency")
    g.add_node(
        f"{ID}e1",
        label="Evaluation of Acme-1",
        kind="ModelEvaluation",
        date="2024-05-01",
        source=src,
        sources={graph},
    )
    g.add_node(src, label="AISI report", kind="Source", url="https://example.org/aisi.pdf")
    for u, v, label, gr in [
        (f"{ID}m1", f"{ID}acme", "developed by", graph),
        (f"{ID}m2", f"{ID}acme", "developed by", graph),
        (f"{ID}e1", f"{ID}m1", "evaluated model", graph),
        (f"{ID}e1", f"{ID}aisi", "evaluator", graph),
        (f"{ID}e1", src, "source", graph),
    ]:
        g.add_edge(u, v, predicate=GK + label.replace(" ", "_"), label=label, graph=gr)
    return g


def test_page_holds_all_nodes_and_edges_and_stays_on_loopback(chromium, site, output_dir):
    g = synthetic_graph(400, seed=5)
    titles = {f"{SRC}s1": {"title": "Source one", "url": "https://example.org/one"}}
    page, watch = open_page(
        chromium, site, "all.html", render_graph_page(g, title="All", source_titles=titles)
    )
    assert counts(page) == {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "shownNodes": g.number_of_nodes(),
        "shownEdges": g.number_of_edges(),
    }
    legend = page.locator("#gk-legend li").all_inner_texts()
    assert any(t.startswith("AIModel (") for t in legend)
    page.screenshot(path=str(output_dir / "graph-400.png"))
    assert (output_dir / "graph-400.png").stat().st_size > 10_000
    watch.check(site[1])
    page.close()


def test_hover_and_click_show_type_facts_and_sources(chromium, site, output_dir):
    g = small_graph()
    page, watch = open_page(chromium, site, "small.html", render_graph_page(g, title="Small"))
    x, y = node_point(page, f"{ID}e1")
    page.mouse.move(x, y)
    info = page.locator("#gk-info")
    page.wait_for_function(
        "id => document.getElementById('gk-info').dataset.node === id", arg=f"{ID}e1", timeout=5_000
    )
    assert "ModelEvaluation" in info.inner_text()
    assert "2024-05-01" in info.inner_text()
    link = info.locator("li.gk-source a")
    assert link.first.inner_text() == "AISI report"
    assert link.first.get_attribute("href") == "https://example.org/aisi.pdf"

    page.mouse.move(5, 5)
    x, y = node_point(page, f"{ID}m1")
    page.mouse.click(x, y)
    page.wait_for_function(
        "id => document.getElementById('gk-info').dataset.node === id", arg=f"{ID}m1", timeout=5_000
    )
    text = info.inner_text()
    assert "Acme-1" in text and "open-weights" in text and "2024-03-01" in text
    assert (
        info.locator("li.gk-source a").first.get_attribute("href") == "https://example.org/aisi.pdf"
    )
    page.screenshot(path=str(output_dir / "small-clicked.png"))
    watch.check(site[1])
    page.close()


def test_filters_and_search_act_on_the_dataset(chromium, site):
    g = synthetic_graph(300, seed=9)
    page, watch = open_page(chromium, site, "filters.html", render_graph_page(g, title="F"))
    total = counts(page)

    models = {v for v, k in g.nodes(data="kind") if k == "AIModel"}
    page.locator("#gk-kind-AIModel").uncheck()
    c = counts(page)
    assert c["shownNodes"] == total["nodes"] - len(models)
    assert c["shownEdges"] == sum(1 for u, v in g.edges() if u not in models and v not in models)
    page.locator("#gk-all-kinds").click()
    assert counts(page)["shownNodes"] == total["nodes"]

    as_of = "2023-01-01"
    page.locator("#gk-asof").fill(as_of)
    page.locator("#gk-asof").dispatch_event("change")

    def dated_after(d: dict) -> bool:
        day = d.get("date") or d.get("valid_from") or d.get("release_date")
        return bool(day) and day > as_of

    late = {v for v, d in g.nodes(data=True) if dated_after(d)}
    assert late
    assert counts(page)["shownNodes"] == total["nodes"] - len(late)
    page.locator("#gk-asof").fill("")
    page.locator("#gk-asof").dispatch_event("change")

    graph_iri = f"{GRAPH}s2"
    page.locator("#gk-source").select_option(label="Source 2")
    in_graph = {v for v, d in g.nodes(data=True) if graph_iri in d.get("sources", ())}
    for u, v, gr in g.edges(data="graph"):
        if gr == graph_iri:
            in_graph |= {u, v}
    c = counts(page)
    assert c["shownNodes"] == len(in_graph)
    assert c["shownEdges"] == sum(1 for *_, gr in g.edges(data="graph") if gr == graph_iri)
    page.locator("#gk-source").select_option(value="")

    juris = f"{ID}j1"
    page.locator("#gk-juris").select_option(value=juris)
    elsewhere = {v for v, d in g.nodes(data=True) if d.get("jurisdiction") not in (None, juris)}
    assert elsewhere
    assert counts(page)["shownNodes"] == total["nodes"] - len(elsewhere)
    page.locator("#gk-juris").select_option(value="")

    page.locator("#gk-search").fill("model 17")
    page.locator("#gk-search").press("Enter")
    assert page.locator("#gk-info h2").inner_text() == "Model 17"
    assert page.evaluate("govkg.network.getSelectedNodes()") == [f"{ID}model17"]
    page.locator("#gk-search").fill("no such thing")
    page.locator("#gk-search").press("Enter")
    assert "No node matches" in page.locator("#gk-search-msg").inner_text()
    watch.check(site[1])
    page.close()


def test_focus_page_opens_on_the_entity(chromium, site):
    g = small_graph()
    html = render_graph_page(g, title="Acme", focus=f"{ID}acme", depth=1)
    page, watch = open_page(chromium, site, "focus.html", html)
    assert counts(page)["nodes"] == 3
    assert page.locator("#gk-info h2").inner_text() == "Acme AI"
    watch.check(site[1])
    page.close()


def test_scenario_page_switches_between_before_and_after(chromium, site, output_dir):
    before = small_graph()
    after = small_graph()
    after.remove_node(f"{ID}e1")
    after.add_node(f"{ID}m3", label="Acme-3", kind="AIModel")
    after.add_edge(
        f"{ID}m3",
        f"{ID}acme",
        predicate=GK + "developed_by",
        label="developed by",
        graph=f"{GRAPH}aisi-report",
    )
    html = render_scenario_page(before, after, title="What if")
    page, watch = open_page(chromium, site, "scenario.html", html)
    assert counts(page)["nodes"] == 7
    page.locator("#gk-mode").select_option("before")
    assert counts(page)["shownNodes"] == before.number_of_nodes()
    page.locator("#gk-mode").select_option("after")
    c = counts(page)
    assert c["shownNodes"] == after.number_of_nodes()
    assert c["shownEdges"] == after.number_of_edges()
    page.screenshot(path=str(output_dir / "scenario-after.png"))
    watch.check(site[1])
    page.close()


def test_five_thousand_nodes_are_interactive_within_seconds(chromium, site, output_dir):
    g = synthetic_graph(5000)
    page, watch = open_page(chromium, site, "big.html", render_graph_page(g, title="5k"))
    ready_ms = page.evaluate("govkg.readyAt")
    assert ready_ms < 10_000, f"first frame after {ready_ms:.0f} ms"
    assert counts(page)["nodes"] == 5000
    page.screenshot(path=str(output_dir / "graph-5000-overview.png"))
    page.locator("#gk-search").fill("Developer 3")
    page.locator("#gk-search").press("Enter")
    assert page.locator("#gk-info h2").inner_text() == "Developer 3"
    page.screenshot(path=str(output_dir / "graph-5000.png"))
    watch.check(site[1])
    page.close()


def test_page_written_to_disk_works_from_a_file_url(chromium, tmp_path):
    """``govkg viz -o FILE.html`` pages are opened from disk: nothing may be fetched at all."""
    g = small_graph()
    path = tmp_path / "offline.html"
    path.write_text(render_graph_page(g, title="From disk"), encoding="utf-8")
    page = chromium.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.govkg && window.govkg.ready === true", timeout=30_000)
    assert counts(page)["nodes"] == g.number_of_nodes()
    assert requests == [path.as_uri()]
    assert not errors
    page.close()
