"""Run govkg's benchmarks in sequence (``make bench``): a registry of benchmark scripts.

Why a registry and subprocesses: each benchmark is a standalone script with its own defaults
and its own section of docs/benchmarks.md; running each in a fresh interpreter keeps their
memory figures (peak RSS) apart. To add a benchmark, append a :class:`Benchmark` to
``BENCHMARKS``.

    .venv/bin/python bench/run.py              # every benchmark, default sizes
    .venv/bin/python bench/run.py viz          # only the named ones
    .venv/bin/python bench/run.py --list
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


@dataclass(frozen=True)
class Benchmark:
    """One benchmark script, run with its default arguments, and where it writes results."""

    name: str
    script: str
    results: str
    description: str
    args: tuple[str, ...] = ()


BENCHMARKS: list[Benchmark] = [
    Benchmark(
        "analysis",
        "analysis_bench.py",
        'docs/benchmarks.md, section "Analyses"',
        "projection, coverage, PageRank and k=100 betweenness on 10k/100k/1M triples",
    ),
    Benchmark(
        "analysis-server",
        "analysis_server_bench.py",
        'docs/benchmarks.md, section "Served analyses"',
        "govkg serve: analyses cold and cached, a heavy one at its limit, SIGTERM while busy",
    ),
    Benchmark(
        "viz",
        "viz_bench.py",
        'docs/benchmarks.md, section "Visualisation"',
        "page build and time to interactive in Chromium for 500/5,000/20,000 nodes",
    ),
    Benchmark(
        "load",
        "load_bench.py",
        'docs/benchmarks.md, section "Load"',
        "govkg load vs raw pyoxigraph bulk_load vs rdflib, 100k and 1M N-Triples (5M: --sizes)",
        ("--sizes", "100k,1M"),
    ),
    Benchmark(
        "questions",
        "query_bench.py",
        'docs/benchmarks.md, section "Named questions"',
        "every named question: govkg vs direct pyoxigraph vs rdflib at 10k/100k/1M (~9 min)",
        ("--sizes", "10k,100k,1M"),
    ),
    Benchmark(
        "paging",
        "paging_bench.py",
        'docs/benchmarks.md, section "Named questions: first page"',
        "the first page (limit 1,000) of every named question next to its full answer",
        ("--sizes", "100k,1M"),
    ),
    Benchmark(
        "http",
        "http_bench.py",
        'docs/benchmarks.md, section "HTTP"',
        "wrk on loopback: govkg /sparql vs rdflib-endpoint vs a minimal pyoxigraph app "
        "(bundled data and 100k)",
        ("--sizes", "bundled,100k", "--duration", "20", "--rounds", "2"),
    ),
    Benchmark(
        "import",
        "import_bench.py",
        'docs/benchmarks.md, section "Importers"',
        "the Epoch AI and Ecosystem Graphs importers on the real data sets (../shared/data)",
    ),
    Benchmark(
        "diff",
        "diff_bench.py",
        'docs/benchmarks.md, section "Diff"',
        "govkg diff: the bundled data (store, dumps) and 1M synthetic triples vs a changed copy",
    ),
    Benchmark(
        "hf",
        "hf_bench.py",
        'docs/benchmarks.md, section "Hugging Face import"',
        "govkg import huggingface + lineage coverage on 100k/500k generated Hub rows (2M: --sizes)",
        ("--sizes", "100k,500k"),
    ),
    Benchmark(
        "memory",
        "memory_bench.py",
        'docs/benchmarks.md, section "Memory"',
        "RSS of the server and its workers serving 1M (5M: --sizes 1M,5M)",
        ("--sizes", "1M"),
    ),
    Benchmark(
        "writes",
        "write_bench.py",
        'docs/benchmarks.md, section "Writes"',
        "updates, a 1,000-triple curated GSP POST, readers' p99 during writes, RSS over 1,000 "
        "writes, on a real server at 100k and 1M triples",
    ),
    Benchmark(
        "whole",
        "whole_answer_bench.py",
        'docs/benchmarks.md, section "Whole answers"',
        "whole answers of named questions (limit=all) over HTTP, and memory held vs streamed, "
        "at 100k and 1M triples (5M: --sizes)",
    ),
]


def select(names: list[str]) -> list[Benchmark]:
    """The benchmarks named (all when none); an unknown name is a usage error."""
    if not names:
        return list(BENCHMARKS)
    known = {b.name: b for b in BENCHMARKS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; known: {', '.join(known)}")
    return [known[n] for n in names]


def run(bench: Benchmark) -> int:
    """Run one benchmark script in a fresh interpreter from the repository root."""
    print(f"== {bench.name}: {bench.description}", flush=True)
    started = time.monotonic()
    code = subprocess.call([sys.executable, str(BENCH / bench.script), *bench.args], cwd=ROOT)
    took = time.monotonic() - started
    if code == 0:
        print(f"== {bench.name}: done in {took:.0f} s; results in {bench.results}", flush=True)
    else:
        print(f"== {bench.name}: FAILED (exit {code}) after {took:.0f} s", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    chosen = select(args.names)
    if args.list:
        for b in chosen:
            print(f"{b.name:10} {b.script:20} {b.description} -> {b.results}")
        return 0
    failed = [b.name for b in chosen if run(b) != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("all benchmarks done; results in docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
