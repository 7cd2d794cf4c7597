"""The query page in a real headless Chromium: examples, a run, a table, nothing external."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.servers import LiveServer
from support.system import unavailable

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_query_page_runs_offline(socket_server: LiveServer) -> None:
    if not CHROMIUM.exists():
        unavailable("Debian's Chromium is not installed at /usr/bin/chromium")
    from playwright import sync_api

    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(socket_server.sparql)
            assert page.locator("#examples option").count() >= 2
            page.wait_for_function("window.govkgEditor !== undefined")
            page.evaluate(
                "q => govkgEditor.setValue(q)",
                "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
            )
            page.click("#run")
            page.wait_for_selector("#results table tbody tr")
            cells = set(page.locator("#results td").all_inner_texts())
            assert {"Meta", "Llama 2", "NIST"} <= cells
            page.evaluate("q => govkgEditor.setValue(q)", "SELECT ?x WHERE { ?x }")
            page.click("#run")
            page.wait_for_selector("#status.error")
            assert "400" in page.inner_text("#status")
        finally:
            browser.close()
    assert all(url.startswith(socket_server.url) for url in requests), requests
    assert not [e for e in errors if "400" not in e], errors
