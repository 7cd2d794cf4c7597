"""Benchmark: resident memory of ``govkg serve`` over a large store.

For each size the seeded synthetic N-Quads plus the ontology are bulk-loaded into an on-disk
store, ``govkg serve`` is started on it as users start it, and the RSS of the server process
and its query workers is read (``/proc``) after start-up and after every named question has
been asked twice over HTTP (``GET /questions/<name>``) plus a few SPARQL queries. Target: under
1 GiB serving the 5M store. The default run uses 1M; 5M takes a few minutes more:

    .venv/bin/python bench/memory_bench.py [--sizes 1M]        # default
    .venv/bin/python bench/memory_bench.py --sizes 1M,5M       # the target's size
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import httpx  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from common import (  # noqa: E402
    GOVKG,
    dataset,
    free_port,
    machine_line,
    parse_sizes,
    running,
    size_label,
    tree_rss_mb,
    write_section,
)
from govkg.graph.questions import list_questions  # noqa: E402
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH  # noqa: E402

SPARQL = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10",
    "SELECT ?d (COUNT(?m) AS ?n) WHERE { ?m <https://w3id.org/govkg/ontology#developedBy> ?d } "
    "GROUP BY ?d",
]
PARAMS = {"sources-for": {"entity": "syn-dev-0"}}
RAW = Path(__file__).resolve().parents[1] / "var" / "bench" / "memory-results.json"
NOTES = """
- HTTP statuses: 413 is the server's result cap (100,000 rows by default; `timeline` lists every
  dated statement, over 100k rows at 1M), 503 a question past the 30 s time limit. Both are the
  safety features working; the slowest answer is then the time to that refusal.
- RSS counts the server process and its two query worker processes. Each worker materialises a
  whole answer (up to the row cap) as Python objects before serialising it
  (`api/http/query_jobs.py` `_collect_rows`) and has its own RocksDB handle and block cache, so
  the growth after the queries follows the largest answers asked, not the store's size. A
  worker stopped at the time limit is killed and replaced, which frees its memory: at 5M most
  large questions hit the 30 s limit, so the 5M figure is below the 1M one. The worst case is
  bounded by the row cap: two workers each holding a 100k-row answer, as at 1M (~775 MB).
"""


def make_store(size: int, seed: int, path: Path) -> float:
    """Bulk-load the ontology and the synthetic data; return the store's size on disk in MB."""
    store = ox.Store(str(path))
    store.bulk_load(
        path=str(ONTOLOGY_FILE),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
    )
    store.bulk_load(path=str(dataset(size, seed, "nq")), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    gc.collect()
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(size: int, seed: int, work: Path) -> dict[str, float]:
    """RSS after start-up and after the queries, with the slowest answer's seconds."""
    path = work / f"store-{size_label(size)}"
    disk = make_store(size, seed, path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [str(GOVKG), "--store", str(path), "serve", "--port", str(port)]
    slowest = 0.0
    statuses: set[int] = set()
    with running(argv, f"{base}/health") as proc:
        time.sleep(1)
        idle = tree_rss_mb(proc.pid)
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(2):
                for q in list_questions():
                    start = time.perf_counter()
                    r = client.get(f"/questions/{q.name}", params=PARAMS.get(q.name, {}))
                    slowest = max(slowest, time.perf_counter() - start)
                    statuses.add(r.status_code)
                for text in SPARQL:
                    statuses.add(client.get("/sparql", params={"query": text}).status_code)
        busy = tree_rss_mb(proc.pid)
    return {
        "size": size,
        "disk_mb": disk,
        "idle_mb": idle,
        "busy_mb": busy,
        "slowest_s": slowest,
        "statuses": " ".join(str(s) for s in sorted(statuses)),
    }


def render(rows: list[dict], seed: int, machine: str) -> str:
    """The "Memory" section body."""
    lines = [
        machine,
        "",
        f"`govkg serve` (default settings: 2 query worker processes) over the synthetic graph "
        f"(seed {seed}) plus the ontology; RSS of the server and its workers after start-up and "
        "after asking every named question twice over HTTP plus two SPARQL queries. Reproduce with "
        "`.venv/bin/python bench/memory_bench.py --sizes 1M,5M` (5M: the target's size, slow).",
        "",
        "| triples | store on disk | RSS after start | RSS after queries | slowest answer "
        "| HTTP statuses | target (< 1 GiB at 5M) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        verdict = "–"
        if r["size"] >= 5_000_000:
            verdict = "met" if r["busy_mb"] < 1024 else "**missed**"
        lines.append(
            f"| {size_label(r['size'])} | {r['disk_mb']:,.0f} MB | {r['idle_mb']:,.0f} MB "
            f"| {r['busy_mb']:,.0f} MB | {r['slowest_s']:.2f} s | {r['statuses']} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--from-json", action="store_true", help=f"re-render the last run ({RAW.name})"
    )
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(RAW.read_text(encoding="utf-8"))
    else:
        rows = []
        with tempfile.TemporaryDirectory(prefix="govkg-memory-bench-") as work:
            for size in parse_sizes(args.sizes):
                rows.append(measure(size, args.seed, Path(work)))
                print(rows[-1], flush=True)
        saved = {"machine": machine_line(), "rows": rows}
        RAW.parent.mkdir(parents=True, exist_ok=True)
        RAW.write_text(json.dumps(saved, indent=1), encoding="utf-8")
    body = render(saved["rows"], args.seed, saved["machine"])
    print(body)
    if not args.no_write:
        write_section("Memory", body + NOTES)


if __name__ == "__main__":
    main()
