"""``GET /viz`` from the real server in Chromium: the page holds what the route says, offline.

A real uvicorn on 127.0.0.1 serves a store built from the bundled data; Chromium (Debian's,
through Playwright, same launch arguments as the other browser tests) opens ``/viz`` and the
test compares the vis DataSet's node count with the route's ``X-Govkg-Nodes`` header and checks
that no request went anywhere but the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.browser import Watch, counts
from support.servers import LiveServer, start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(bundled_store: Path) -> Iterator[LiveServer]:
    with start_server(bundled_store, data=None) as live:
        yield live


@pytest.mark.parametrize(
    "query", ["focus=meta&depth=1", "coverage_gap=true", "scenario=meta-agrees"]
)
def test_served_page_matches_the_route_and_stays_on_loopback(
    chromium, server: LiveServer, output_dir: Path, query: str
) -> None:
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    watch = Watch()
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.on("request", lambda r: watch.requests.append(r.url))
    try:
        response = page.goto(f"{server.url}/viz?{query}")
        assert response is not None and response.status == 200
        reported = int(response.headers["x-govkg-nodes"])
        page.wait_for_function("window.govkg && window.govkg.ready === true", timeout=30_000)
        seen = counts(page)
        assert seen["nodes"] == reported > 0
        assert seen["shownNodes"] > 0
        name = query.split("=")[0]
        page.screenshot(path=str(output_dir / f"served-{name}.png"))
        watch.check(server.url)
    finally:
        page.close()
