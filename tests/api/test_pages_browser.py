"""The pages people read, in a real headless Chromium against a real server over the curated data.

Each page: labels not IRIs, the facts an analyst asks for, sources on every fact, no request
off 127.0.0.1 (every other request is intercepted and failed), and axe-core finding no serious
or critical accessibility violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from govkg.graph.analysis import coverage
from govkg.graph.analysis.service import load_graph, today
from govkg.graph.store.embedded import Store
from support.servers import LiveServer, start_server
from support.system import unavailable

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "clients" / "vendor" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: One entity page of each class, with a label it must show.
PAGES = {
    "model": ("/page/id/llama-3.1-405b", "Llama 3.1 405B"),
    "developer": ("/page/id/meta", "Meta"),
    "agency": ("/page/id/us-aisi", "U.S. AI Safety Institute"),
    "instrument": ("/page/id/seoul-frontier-ai-safety-commitments", "Frontier AI Safety"),
    "source": ("/page/source/article-meta-federal-ai-review", "Federal officials press Meta"),
}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(bundled_store: Path) -> Iterator[LiveServer]:
    """A real server over the session's bundled store (``govkg build``: data and ontology)."""
    with start_server(bundled_store, data=None) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        unavailable("Debian's Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """A browser page that fails (and records) every request that is not to the test server."""

    def __init__(self, browser, server: LiveServer) -> None:  # type: ignore[no-untyped-def]
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        host = urlparse(server.url).netloc
        self.base = server.url

        def route(r) -> None:  # type: ignore[no-untyped-def]
            url = urlparse(r.request.url)
            if url.scheme in ("data", "blob") or url.netloc == host:
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def go(self, path: str):  # type: ignore[no-untyped-def]
        resp = self.page.goto(self.base + path)
        assert resp is not None and resp.ok, path
        return self.page

    def axe(self) -> list[str]:
        """Serious and critical violations (rule id and the first offending node)."""
        self.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']}: {v['nodes'][0]['target'] if v['nodes'] else ''} {v['help']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def close(self) -> None:
        self.context.close()
        assert not self.outside, f"requests left 127.0.0.1: {self.outside}"


@pytest.fixture
def visit(browser, server: LiveServer) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    v = Visit(browser, server)
    yield v
    v.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_entity_page_of_each_class(visit: Visit, server: LiveServer, kind: str) -> None:
    path, label = PAGES[kind]
    page = visit.go(path)
    assert label in page.inner_text("h1")
    body = page.inner_text("main")
    assert "https://w3id.org/govkg/" not in " ".join(
        page.eval_on_selector_all("a", "els => els.map(e => e.textContent)")
    ), "a link shows an IRI instead of a label"
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.startswith("https://w3id.org/")]
    # every statement names its source (title, and a publisher or date) and its status
    cards = page.locator(".statement")
    for i in range(min(cards.count(), 20)):
        evidence = cards.nth(i).locator(".evidence").inner_text()
        assert "source" in evidence or "claim by" in evidence or "," in evidence, evidence
        assert cards.nth(i).locator(".source a").count() >= 1
    assert page.locator(".source").count() >= 1
    if kind == "model":
        store = Store.open(server.settings.store, read_only=True)
        expected = coverage(load_graph(store), today()).verdict(
            "https://w3id.org/govkg/id/llama-3.1-405b"
        )
        assert expected.replace("-", " ") in page.inner_text(".verdict .badge")
        assert "Derived models" in body and "Hermes 3 Llama 3.1 405B" in body
        assert "23 July 2024" in body and "Llama 3.1 Community License" in body
    if kind == "developer":
        assert "Stances over time" in body and "Commitments: signed" in body
        assert "Commitments: negotiating" in body and "November 2026" in body
        assert page.locator("#stances .statement").count() >= 1
        assert page.locator("#actions .statement").count() >= 1
    if kind == "agency":
        assert "Evaluations it carried out" in body and "Agreements" in body
    if kind == "instrument":
        rows = page.locator("#signatories tbody tr")
        assert rows.count() >= 10 and "Meta" in page.inner_text("#signatories")
    if kind == "source":
        assert page.locator("blockquote").count() >= 20
    assert visit.axe() == []
    assert not visit.errors, visit.errors


@pytest.mark.parametrize(
    "path",
    [
        "/page/statement/article-meta-federal-ai-review/meta-negotiating",
        "/page/concept/negotiating",
        "/page/id/llama-3.1",
        "/.well-known/void",
        "/viz?view=coverage",
        "/questions",
        "/questions/open-weights-without-review?as_of=2025-01-01&limit=25",
        "/questions/licences-as-of?as_of=2025-01-01&limit=25",
        "/questions/commitment-signatories?limit=10",
        "/questions/open-weights-without-review?as_of=2025-13-01",
    ],
)
def test_other_pages_are_accessible(visit: Visit, path: str) -> None:
    if "2025-13-01" in path:  # the 400 page of a bad parameter is a page too
        page = visit.page
        resp = page.goto(visit.base + path)
        assert resp is not None and resp.status == 400
    else:
        page = visit.go(path)
    if path.startswith("/viz"):
        page.wait_for_function("window.govkg && window.govkg.ready === true")
    else:
        assert page.locator("h1").count() == 1
    assert visit.axe() == []


def test_question_page_asks_pages_and_links_labels(visit: Visit) -> None:
    """The form asks again, the pager walks on, labels link to entity pages (question_pages)."""
    page = visit.go("/questions/licences-as-of?limit=10")
    assert "icence" in page.inner_text("h1")
    page.fill("#p-as_of", "2024-01-01")
    page.select_option("#p-certainty", "possible")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*as_of=2024-01-01.*"))
    assert "certainty=possible" in page.url
    assert "1 January 2024" in page.inner_text(".asked")
    status = page.inner_text(".paging")
    assert status.startswith("Rows 1–10 of ")
    total = int(status.rsplit(" ", 1)[1])
    first = page.inner_text("table.answer tbody tr:first-child td:first-child")
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r".*offset=10.*"))
    assert page.inner_text(".paging").startswith(f"Rows 11–{min(20, total)} of {total}")
    assert page.inner_text("table.answer tbody tr:first-child td:first-child") != first
    assert "as_of=2024-01-01" in page.url  # the parameters are kept
    page.click("table.answer tbody tr:first-child td:first-child a")
    page.wait_for_url(re.compile(r".*/page/id/.*"))
    assert page.locator("h1").count() == 1
    assert not visit.errors, visit.errors


def test_keyboard_reaches_the_content_and_every_link(visit: Visit) -> None:
    page = visit.go(PAGES["developer"][0])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # every link and control can take the focus (none is removed from the tab order)
    assert page.locator("a[tabindex='-1'], button[tabindex='-1']").count() == 0
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "Tab after the skip link does not land in the content"


def test_pages_read_without_javascript(browser, server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server.url + PAGES["model"][0])
    assert page.inner_text(".verdict .badge").strip()
    assert "Llama 3.1 405B" in page.inner_text("h1")
    assert page.locator("section#lineage").count() == 1
    ctx.close()


def test_query_editor_highlights_runs_and_restores_from_its_permalink(visit: Visit) -> None:
    page = visit.go("/sparql")
    page.wait_for_selector(".CodeMirror")
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
    )
    page.evaluate("q => govkgEditor.setValue(q)", query)
    assert page.locator(".CodeMirror .cm-keyword").count() >= 3  # PREFIX, SELECT, WHERE ...
    assert page.locator(".CodeMirror .cm-variable-2").count() >= 2
    page.click("#run")
    page.wait_for_selector("#results table tbody tr")
    assert page.locator("#results tbody tr").count() == 50  # first page of the paged table
    assert not page.locator("#pager").is_hidden()
    first = page.inner_text("#results tbody tr:first-child td:nth-child(2)")
    page.click("#results th:nth-child(2) button")
    page.click("#results th:nth-child(2) button")  # descending
    assert page.inner_text("#results tbody tr:first-child td:nth-child(2)") != first
    assert page.get_attribute("#results th:nth-child(2)", "aria-sort") == "descending"
    assert page.get_attribute("#dl-csv", "href").startswith("blob:")
    # prefix completion offers the ontology's prefixes
    page.evaluate("govkgEditor.setValue('PREFIX g'); govkgEditor.setCursor({line: 0, ch: 8})")
    page.locator(".CodeMirror textarea").press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints")
    hints = page.inner_text(".CodeMirror-hints")
    assert "gk: <https://w3id.org/govkg/ontology#>" in hints
    page.keyboard.press("Escape")
    # permalink
    page.evaluate("q => govkgEditor.setValue(q)", query)
    page.click("#permalink")
    link = page.get_attribute("#permalink-out a", "href")
    assert link and "#query=" in link
    fresh = visit.context.new_page()
    fresh.goto(link)
    fresh.wait_for_selector(".CodeMirror")
    assert fresh.evaluate("govkgEditor.getValue()") == query
    # keyboard: Tab leaves the editor for the next control
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "format"
    assert visit.axe() == []


def test_viz_opens_on_the_founding_article(visit: Visit) -> None:
    page = visit.go("/viz")
    page.wait_for_function("window.govkg && window.govkg.ready === true")
    labels = set(page.evaluate("govkg.nodes.map(n => n.label)"))
    assert {"Meta", "OpenAI", "Google", "Anthropic"} <= labels
    assert page.evaluate("govkg.nodes.length") < 150
    assert visit.axe() == []


def test_focus_view_shows_the_node_and_its_neighbours_labelled(visit: Visit) -> None:
    page = visit.go("/viz?focus=meta&depth=1")
    page.wait_for_function("window.govkg && window.govkg.ready === true")
    meta = "https://w3id.org/govkg/id/meta"
    info = page.evaluate(
        """id => {
          const n = govkg.network;
          const nb = n.getConnectedNodes(id);
          const scale = n.getScale();
          const shown = [id, ...nb].map(x => govkg.network.body.data.nodes.get(x));
          return {n: nb.length, scale,
                  labels: shown.map(s => [s.label, s.kind, (s.font && s.font.size) || 14])};
        }""",
        meta,
    )
    assert info["n"] >= 10
    assert all(label for label, _, _ in info["labels"]), "a node has no label"
    actors = [
        (label, size) for label, kind, size in info["labels"] if kind in ("AIDeveloper", "AIModel")
    ]
    assert actors and all(size * info["scale"] >= 10 for _, size in actors), info
    page.evaluate("id => govkg.showInfo(id)", meta)
    assert page.get_attribute("#gk-info a.gk-page", "href") == "/page/id/meta"
    page.click("#gk-info a.gk-page")
    page.wait_for_url(re.compile(r".*/page/id/meta$"))
    assert "Meta" in page.inner_text("h1")
