"""Benchmark: projection + coverage + PageRank + k=100 betweenness on synthetic govkg graphs.

For each size (triples) it generates a seeded synthetic graph (bench/generate.py), loads it into
an in-memory pyoxigraph store, and times, once each (these steps take seconds, noise is small
relative to them):

* projection: ``graph.projection.project(store, include_concepts=True)``;
* coverage: ``graph.analysis.coverage`` of every model on one day;
* PageRank: ``graph.analysis.centrality.pagerank`` (pure Python power iteration);
* betweenness: ``networkx.betweenness_centrality`` with ``k=100`` sampled sources (seeded) on
  the simple undirected view without concept and source nodes, as ``centrality()`` runs it.

Results go to docs/benchmarks.md under "## Analyses" (other sections are kept).

    .venv/bin/python bench/analysis_bench.py [--sizes 10000,100000,1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import networkx as nx  # noqa: E402
from generate import generate  # noqa: E402

from graph.analysis.centrality import pagerank, simple_undirected  # noqa: E402
from graph.analysis.coverage import coverage  # noqa: E402
from graph.analysis.schema import NON_NETWORK_KINDS  # noqa: E402
from graph.projection import project  # noqa: E402
from graph.store import Store  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Analyses"
AS_OF = "2026-11-28"
T = TypeVar("T")


def timed(step: Callable[[], T]) -> tuple[T, float]:
    """Run ``step`` once; its result and wall-clock seconds."""
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def measure(size: int, seed: int) -> dict[str, float | int]:
    """All timings for one size."""
    store = Store.in_memory()
    quads = list(generate(size, seed))
    _, load_s = timed(lambda: store.oxigraph.extend(quads))
    graph, project_s = timed(lambda: project(store, include_concepts=True))
    report, coverage_s = timed(lambda: coverage(graph, AS_OF))
    _, pagerank_s = timed(lambda: pagerank(graph))
    view = simple_undirected(graph, drop_kinds=NON_NETWORK_KINDS)
    _, betweenness_s = timed(lambda: nx.betweenness_centrality(view, k=100, seed=seed))
    return {
        "triples": size,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "models": len(report.models),
        "uncovered": report.totals.get("uncovered", 0),
        "load_s": load_s,
        "project_s": project_s,
        "coverage_s": coverage_s,
        "pagerank_s": pagerank_s,
        "betweenness_s": betweenness_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_avg": os.getloadavg()[0],
    }


def render(rows: list[dict[str, float | int]], seed: int) -> str:
    """The "Analyses" section as Markdown."""
    lines = [
        HEADING,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({platform.python_implementation()} {platform.python_version()}, networkx "
        f"{nx.__version__}); synthetic graphs from `bench/generate.py` (seed {seed}), in-memory "
        "pyoxigraph store; one run each, wall-clock seconds. Reproduce with "
        "`.venv/bin/python bench/analysis_bench.py --sizes ...`.",
        "",
        "| triples | nodes | edges | models | load | projection | coverage | PageRank "
        "| betweenness k=100 | peak RSS | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['triples']:,} | {r['nodes']:,} | {r['edges']:,} | {r['models']:,} "
            f"| {r['load_s']:.2f} s | {r['project_s']:.2f} s | {r['coverage_s']:.2f} s "
            f"| {r['pagerank_s']:.2f} s | {r['betweenness_s']:.2f} s "
            f"| {r['peak_rss_mb']:,.0f} MB | {r['load_avg']:.1f} |"
        )
    lines += [
        "",
        "- Projection keeps concept nodes (`include_concepts=True`), which coverage needs for "
        "participation statuses and evaluation stages.",
        "- PageRank is pure Python (no NumPy/SciPy in the environment); betweenness runs on the "
        "simple undirected view without concept and source nodes, as `centrality()` does.",
        "- Peak RSS is the process's high-water mark after the size, so it includes the larger "
        "sizes' predecessors. Load avg is the machine's 1-minute load after the size: above the "
        "number of cores, other work was competing and the times are pessimistic.",
        "",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Replace (or append) the "## Analyses" section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if HEADING in text:
        before, rest = text.split(HEADING, 1)
        after = rest.split("\n## ", 1)
        tail = "\n## " + after[1] if len(after) > 1 else ""
        text = before + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = measure(size, args.seed)
        print(row, flush=True)
        rows.append(row)
    section = render(rows, args.seed)
    print(section)
    if not args.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
