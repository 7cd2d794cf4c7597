"""Benchmark: how long visualisation pages take to build and to become interactive in Chromium.

For synthetic graphs of 500, 5,000 and 20,000 nodes (the projection's schema, see
tests/support/synthetic.py) it measures, in one run:

* build: ``render_graph_page`` in Python (layout included), and the page size;
* time to interactive: from navigation start to vis-network's first drawn frame, read from
  ``window.govkg.readyAt`` in headless Debian Chromium served from 127.0.0.1 (physics is off,
  so the first frame is the final picture and the page answers input from then on);
* filter: hiding every model through the page's class filter until the next frame is drawn.

Results go to docs/benchmarks.md under "## Visualisation" (other sections are kept).

    .venv/bin/python bench/viz_bench.py [--sizes 500,5000,20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from govkg.viz import render_graph_page  # noqa: E402
from govkg.viz.layout import compute_layout  # noqa: E402
from support.browser import chromium_missing_reason, launch, serve_directory  # noqa: E402
from support.synthetic import synthetic_graph  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Visualisation"

FILTER_JS = """() => new Promise(resolve => {
  const t0 = performance.now();
  govkg.network.once('afterDrawing', () => resolve(performance.now() - t0));
  govkg.setFilter('hiddenKinds', new Set(['AIModel']));
})"""


def measure(sizes: list[int], repeat: int) -> list[dict[str, float]]:
    """Build and open each page ``repeat`` times; medians per size."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_directory(Path(tmp)) as base,
        sync_playwright() as p,
    ):
        browser = launch(p)
        try:
            return [measure_one(browser, base, Path(tmp), n, repeat) for n in sizes]
        finally:
            browser.close()


def measure_one(browser, base: str, root: Path, n: int, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Figures for one graph size (the cap is raised to the size, so 20,000 is drawn too)."""
    g = synthetic_graph(n)
    t = time.perf_counter()
    compute_layout(g)
    layout_s = time.perf_counter() - t
    t = time.perf_counter()
    html = render_graph_page(g, title=f"{n} nodes", max_nodes=n)
    build_s = time.perf_counter() - t
    (root / f"p{n}.html").write_text(html, encoding="utf-8")
    tti, wall, filt = [], [], []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        t = time.perf_counter()
        page.goto(f"{base}/p{n}.html")
        page.wait_for_function("window.govkg && govkg.ready", timeout=300_000)
        wall.append(time.perf_counter() - t)
        tti.append(page.evaluate("govkg.readyAt") / 1000)
        filt.append(page.evaluate(FILTER_JS) / 1000)
        page.close()
    row = {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "layout_s": layout_s,
        "build_s": build_s,
        "mb": len(html.encode()) / 1e6,
        "tti_s": statistics.median(tti),
        "wall_s": statistics.median(wall),
        "filter_s": statistics.median(filt),
    }
    print(row, flush=True)
    return row


def table(rows: list[dict[str, float]], repeat: int) -> str:
    """The markdown section written to docs/benchmarks.md."""
    lines = [
        HEADING,
        "",
        f"`bench/viz_bench.py`, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the end: the machine "
        "is shared, so figures are noisy), "
        f"Python {platform.python_version()}, headless Debian Chromium (`/usr/bin/chromium`), "
        f"pages served from 127.0.0.1; median of {repeat} page loads. Synthetic graphs in the "
        "projection schema (developers, models, agencies, evaluations, sources). "
        "Time to interactive = navigation start to the first drawn frame (positions computed in "
        "Python, physics off, so that frame is final). Filter = hiding all models via the class "
        "filter until the next frame.",
        "",
        "| nodes | edges | layout (Python) | page build incl. layout | page size "
        "| time to interactive | goto→ready (wall) | filter redraw |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['nodes']:,} | {r['edges']:,} | {r['layout_s']:.2f} s | {r['build_s']:.2f} s "
            f"| {r['mb']:.1f} MB | {r['tti_s']:.2f} s | {r['wall_s']:.2f} s "
            f"| {r['filter_s']:.2f} s |"
        )
    lines += [
        "",
        "For comparison (/work/shared/notes): a default pyvis page (physics on) took 14 s to "
        "settle 500 nodes and had not settled 5,000 after 60-90 s. Pages above the default cap "
        "of 5,000 nodes are refused with a message suggesting a filter; 20,000 was measured with "
        "the cap raised.",
        "",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Replace (or append) the Visualisation section of docs/benchmarks.md, keeping the rest."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    start = text.find(HEADING + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        nxt = text.find("\n## ", start + len(HEADING))
        end = len(text) if nxt < 0 else nxt + 1
        text = text[:start] + section + ("\n" + text[end:] if nxt >= 0 else "")
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    reason = chromium_missing_reason()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    rows = measure([int(s) for s in args.sizes.split(",")], args.repeat)
    section = table(rows, args.repeat)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
