"""Helpers to serve pages on 127.0.0.1 and drive Debian's Chromium with Playwright.

Shared by the browser tests and bench/viz_bench.py so both measure the same way. Pages are
served by a real HTTP server (the standard library's, in a thread) so the browser loads them the
way it loads /viz, not from a file:// URL with its different security rules.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a directory without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on an ephemeral port of 127.0.0.1; yields the base URL."""
    handler = partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            "Debian's Chromium is not installed at /usr/bin/chromium "
            "(run scripts/install-system-deps.sh as root, or apt-get install chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def launch(playwright):  # type: ignore[no-untyped-def]
    """Debian's Chromium, headless, with background traffic switched off."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


@dataclass
class Watch:
    """What a page did: console errors, page errors and requested URLs."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def check(self, base: str) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        outside = [u for u in self.requests if not u.startswith(base + "/")]
        assert not outside, f"requests left 127.0.0.1: {outside}"
        assert self.requests, "no request recorded (the watcher is not attached)"


def open_page(chromium, site: tuple[Path, str], name: str, html: str):  # type: ignore[no-untyped-def]
    """Write ``html`` into the served directory, open it, wait until the first frame is drawn."""
    root, base = site
    (root / name).write_text(html, encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    watch = Watch()
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.on("request", lambda r: watch.requests.append(r.url))
    page.goto(f"{base}/{name}")
    page.wait_for_function("window.govkg && window.govkg.ready === true", timeout=30_000)
    return page, watch


def counts(page) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "({nodes: govkg.nodes.length, edges: govkg.edges.length,"
        " shownNodes: govkg.nodeView.length, shownEdges: govkg.edgeView.length})"
    )


def node_point(page, node_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Viewport coordinates of a node's centre."""
    return tuple(
        page.evaluate(
            """id => {
              const p = govkg.network.getPositions([id])[id];
              const d = govkg.network.canvasToDOM(p);
              const r = document.getElementById('gk-network').getBoundingClientRect();
              return [r.left + d.x, r.top + d.y];
            }""",
            node_id,
        )
    )
