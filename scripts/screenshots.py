"""Screenshots of every kind of page, for docs/pages.md: ``make screenshots``.

Builds a store from the bundled curated data in a temporary directory (or uses ``--store``),
serves it on a free loopback port, and photographs each page in headless Chromium (Debian's, at
/usr/bin/chromium) into docs/screenshots/. Every request off 127.0.0.1 is refused, as in the
tests, so a screenshot never shows something fetched from elsewhere.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
#: (file name, path, what to wait for, full page?)
SHOTS = [
    ("entity-model.png", "/page/id/llama-3.1-405b", "h1", False),
    ("entity-developer.png", "/page/id/meta", "h1", False),
    ("entity-agency.png", "/page/id/us-aisi", "h1", False),
    ("entity-instrument.png", "/page/id/seoul-frontier-ai-safety-commitments", "h1", False),
    ("entity-source.png", "/page/source/article-meta-federal-ai-review", "h1", False),
    ("statement.png", "/page/statement/article-meta-federal-ai-review/meta-negotiating", "h1",
     False),
    ("dataset-void.png", "/.well-known/void", "h1", False),
    ("question-open-weights.png",
     "/questions/open-weights-without-review?as_of=2025-01-01&limit=12", "table.answer", False),
    ("viz-story.png", "/viz", "viz", False),
    ("viz-coverage.png", "/viz?view=coverage", "viz", False),
    ("viz-focus-meta.png", "/viz?focus=meta&depth=1", "viz", False),
]  # fmt: skip


def _build(path: Path) -> None:
    """The store ``govkg build`` makes (compile, validate with SHACL, swap in)."""
    from govkg.graph.build import build_store

    build_store(path)


def _serve(store: Path) -> tuple[str, object, threading.Thread]:
    import uvicorn
    from govkg.api.http.app import create_app
    from govkg.api.settings import Settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(store=store, port=port, workers=1))

    class Quiet(uvicorn.Server):
        def install_signal_handlers(self) -> None:  # no signals in a thread
            pass

    server = Quiet(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def _shoot(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    host = urlparse(base).netloc
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        ctx = browser.new_context(viewport={"width": 1280, "height": 860})
        ctx.route(
            "**/*",
            lambda r: (
                r.continue_()
                if urlparse(r.request.url).netloc in (host, "") or r.request.url.startswith("blob:")
                else r.abort()
            ),
        )
        page = ctx.new_page()
        for name, path, wait, full in SHOTS:
            page.goto(base + path)
            if wait == "viz":
                page.wait_for_function("window.govkg && window.govkg.ready === true")
                page.wait_for_timeout(300)
            else:
                page.wait_for_selector(wait)
            page.screenshot(path=str(out / name), full_page=full)
            written.append(out / name)
        # the query editor with a named question run
        page.goto(base + "/sparql")
        page.wait_for_selector(".CodeMirror")
        page.select_option("#examples", index=3)
        page.click("#run")
        page.wait_for_selector("#results tbody tr")
        page.screenshot(path=str(out / "query-editor.png"))
        written.append(out / "query-editor.png")
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="use this store instead of building one")
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govkg-shots-") as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            _build(store)
        base, server, thread = _serve(store)
        try:
            for path in _shoot(base, args.out):
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        finally:
            server.should_exit = True  # type: ignore[attr-defined]
            thread.join(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
