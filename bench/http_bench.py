"""Benchmark: govkg ``/sparql`` vs rdflib-endpoint vs a minimal FastAPI + pyoxigraph app, with wrk.

The three servers serve the same data on loopback: the bundled curated data as ``govkg build``
makes it (``bundled``) and/or a seeded synthetic graph (N-Quads, e.g. 100k triples). Per data
set they are all started at once and measured in turn (so machine noise is spread over them),
``--rounds`` times; per query and server the median of the rounds is reported:

* ``govkg`` — ``govkg --store <store> serve`` as users start it (read-only, default settings:
  query worker processes, time limit, result cap);
* ``minimal`` — ``bench/minimal_app.py`` over the same store (the anchor, no safety features);
* ``rdflib-endpoint`` — ``rdflib-endpoint serve <file>.nq`` (rdflib memory ``Dataset``, union
  default graph). It is a bench-only dependency (``pip install rdflib-endpoint``; the ``bench``
  extra); the column is left out when it is not installed.

Each measurement is ``wrk -t2 -c16 -d20s --timeout 30s --latency`` on ``GET /sparql?query=...``
with ``Accept: application/sparql-results+json``. Target: govkg ≥ 90% of the minimal app's
requests per second. Results go to the "HTTP" section of docs/benchmarks.md.

    .venv/bin/python bench/http_bench.py [--sizes bundled,100k] [--duration 20] [--rounds 2]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import pyoxigraph as ox  # noqa: E402
from common import (  # noqa: E402
    GOVKG,
    PYTHON,
    ROOT,
    VENV_BIN,
    dataset,
    free_port,
    machine_line,
    median,
    parse_sizes,
    running,
    size_label,
    tree_rss_mb,
    write_section,
)

QUERIES = {
    "LIMIT 10 select": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10",
    "GROUP BY count": (
        "SELECT ?developer (COUNT(?model) AS ?models) "
        "WHERE { ?model <https://w3id.org/govkg/ontology#developedBy> ?developer } "
        "GROUP BY ?developer"
    ),
}
ACCEPT = "Accept: application/sparql-results+json"
RAW = ROOT / "var" / "bench" / "http-results.json"


def wrk(url: str, duration: int, connections: int = 16) -> dict[str, float]:
    """Run wrk against ``url``; requests/s, p50/p99 in ms, and non-2xx/socket error counts."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "--latency",
            "-H",
            ACCEPT,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return parse_wrk(out)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(text: str) -> dict[str, float]:
    """Pick requests/s, the 50% and 99% latencies and error counts out of wrk's report."""

    def latency(pct: str) -> float:
        match = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: (.*)", text)
    sock_errors = sum(int(n) for n in re.findall(r"\d+", sock.group(1))) if sock else 0
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "non2xx": float(non2xx.group(1)) if non2xx else 0.0,
        "errors": float(sock_errors),
    }


def make_store(file: Path, path: Path) -> Path:
    """An on-disk store with the N-Quads file bulk-loaded, closed before the servers start."""
    store = ox.Store(str(path))
    store.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    gc.collect()
    return path


def servers(store: Path, file: Path) -> dict[str, tuple[list[str], str]]:
    """The command line and endpoint URL of each contender."""
    found: dict[str, tuple[list[str], str]] = {}
    port = free_port()
    argv = [str(GOVKG), "--store", str(store), "serve", "--port", str(port)]
    found["govkg"] = (argv, f"http://127.0.0.1:{port}/sparql")
    port = free_port()
    argv = [str(PYTHON), str(ROOT / "bench" / "minimal_app.py"), "--store", str(store)]
    found["minimal"] = ([*argv, "--port", str(port)], f"http://127.0.0.1:{port}/sparql")
    endpoint = VENV_BIN / "rdflib-endpoint"
    if endpoint.exists():  # its command serves the endpoint at the root path
        port = free_port()
        argv = [str(endpoint), "serve", "--host", "127.0.0.1", "--port", str(port), str(file)]
        found["rdflib-endpoint"] = (argv, f"http://127.0.0.1:{port}/")
    return found


def url(endpoint: str, query: str) -> str:
    """``GET <endpoint>?query=...``."""
    return endpoint + "?" + urllib.parse.urlencode({"query": query})


def bundled(work: Path) -> tuple[Path, Path]:
    """The bundled data built by ``govkg build`` as users build it, and the same as N-Quads."""
    store = work / "store"
    subprocess.run([str(GOVKG), "--store", str(store), "build"], check=True, capture_output=True)
    file = work / "bundled.nq"
    snapshot = ox.Store.read_only(str(store))
    snapshot.dump(output=str(file), format=ox.RdfFormat.N_QUADS)
    del snapshot
    gc.collect()
    return file, store


def measure(size: int, seed: int, duration: int, rounds: int, work: Path) -> dict:
    """wrk figures per (server, query) over the rounds, and each server's RSS afterwards.

    ``size`` 0 is the bundled data.
    """
    if size == BUNDLED:
        file, store = bundled(work)
    else:
        file = dataset(size, seed, "nq")
        store = make_store(file, work / "store")
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    rss: dict[str, float] = {}
    with ExitStack() as stack:
        procs = {}
        for name, (argv, endpoint) in servers(store, file).items():
            health = url(endpoint, "ASK { ?s ?p ?o }")
            procs[name] = (stack.enter_context(running(argv, health)), endpoint)
        for _ in range(rounds):
            for label, query in QUERIES.items():
                for name, (_, endpoint) in procs.items():
                    figures = wrk(url(endpoint, query), duration)
                    results.setdefault((name, label), []).append(figures)
                    print(_label(size), name, label, figures, flush=True)
        for name, (proc, _) in procs.items():
            rss[name] = tree_rss_mb(proc.pid)
    shutil.rmtree(store, ignore_errors=True)
    return {"results": results, "rss": rss}


PACKAGES = ("pyoxigraph", "rdflib", "fastapi", "uvicorn", "rdflib-endpoint")


#: ``--sizes bundled``: the curated data as ``govkg build`` makes it.
BUNDLED = 0


def _label(size: int) -> str:
    return "bundled" if size == BUNDLED else size_label(size)


def _sizes(text: str) -> list[int]:
    """``bundled,100k`` as sizes (0 for the bundled data)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return [BUNDLED if p == "bundled" else parse_sizes(p)[0] for p in parts]


def render(sizes: list[int], runs: dict, duration: int, rounds: int, seed: int) -> str:
    """The "HTTP" section body: one table per data set."""
    described = " and ".join(
        "the bundled curated data (`govkg build`)"
        if size == BUNDLED
        else f"{size_label(size)} synthetic triples (`bench/generate.py`, seed {seed})"
        for size in sizes
    )
    first = runs[_label(sizes[0])]
    lines = [
        first.get("machine") or machine_line(PACKAGES),
        "",
        f"Data: {described}; one uvicorn "
        f"process per server on 127.0.0.1; `wrk -t2 -c16 -d{duration}s --timeout 30s --latency`; "
        f"servers measured in turn, median of {rounds} rounds. Reproduce with "
        f"`.venv/bin/python bench/http_bench.py --sizes {','.join(_label(s) for s in sizes)}` "
        "(needs `apt install wrk` and, for the "
        "rdflib-endpoint column, `pip install rdflib-endpoint`).",
    ]
    for size in sizes:
        lines += ["", f"### {_label(size)}", "", *_table(runs[_label(size)])]
    return "\n".join(lines) + "\n"


def _table(data: dict) -> list[str]:
    results, rss = data["results"], data["rss"]
    names = list(rss)
    lines = [
        "| query | server | req/s | p50 | p99 | non-2xx + socket errors | vs minimal |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in QUERIES:
        base = median([r["rps"] for r in results[("minimal", label)]])
        for name in names:
            runs = results[(name, label)]
            rps = median([r["rps"] for r in runs])
            errors = sum(r["non2xx"] + r["errors"] for r in runs)
            lines.append(
                f"| {label} | {name} | {rps:,.0f} | {median([r['p50'] for r in runs]):,.1f} ms "
                f"| {median([r['p99'] for r in runs]):,.1f} ms | {errors:.0f} | {rps / base:.0%} |"
            )
    lines += [
        "",
        "Server RSS after the run (process and its children: govkg's query workers): "
        + ", ".join(f"{n} {mb:,.0f} MB" for n, mb in rss.items())
        + ".",
    ]
    return lines


NOTES = """
**Against the target (issue 15: at least 90% of the minimal app on both queries, on the
bundled data as on 100k).** Met on this run, on an otherwise idle machine (load average under
1 at the start; no other benchmark or test ran during it): bundled data
126% and 129%, 100k 112% and 95%. Per round, the lowest ratio was 92% (100k, LIMIT 10, the
first round). On the bundled data govkg's answers are small and the minimal app's one Python
process under one GIL is the bottleneck; govkg spreads a request over its HTTP process and a
query worker, so on 2 cores it serves more. On 100k the GROUP BY spends most of its time in the
engine (about 3 ms per query), where both servers are equal and govkg's process hop shows as
the remaining 5%.

Earlier runs, side by side (same script, same 100k data, 2 × 20 s rounds, LIMIT 10 / GROUP BY):

| run | machine load | LIMIT 10 | GROUP BY |
|---|---|---|---|
| 2026-11-28, four runs before the asyncio worker channel | 0.9-11.2 | 77%-109% | 78%-108% |
| 2026-12-04 11:39, after the storage interface and layout of issue 13 | 0.6 → 5.8 | 97% | 88% |
| 2026-12-04 18:46 (the tables above) | < 1 → 1.6 | 112% | 95% |

The loaded runs moved the ratio both ways (a busy host gives a server with more runnable
processes a larger share of the cores); the idle run is the one to read. The load-independent
figure is CPU per request (`/proc` times of each process over an 8 s `wrk -c16` run, measured
2026-11-28): for LIMIT 10 govkg used 1.45x the minimal app's CPU (400 µs in the HTTP process +
209 µs in the worker, vs 420 µs), down from 2.25x (666 + 312 µs, vs 435 µs); for the GROUP BY
1.07x (652 + 3,292 µs, vs 3,696 µs), down from 1.6x (1,212 + 4,784 µs, vs 3,710 µs).

**What changed.** The profile (the figures above and cProfile of the server process) showed the
HTTP process spending ~300 µs of wall time per request inside the write of the job to the
worker's pipe: two pool threads per request, parked in `conn.poll`/`conn.recv`, fought the
event loop for the GIL. So: (1) the access log is off by default (done before this round;
`GOVKG_ACCESS_LOG=1` turns it on); (2) the parent side of the worker round trip is plain
asyncio (`api/runtime/channel.py`): each worker's socket stays registered with the loop
(`loop.add_reader`), answers are length-prefixed pickles read in non-blocking chunks as they
arrive, the deadline is a loop timer, a freed worker goes straight to the oldest waiting
request, and no request uses a thread; (3) SELECT results in SPARQL JSON and XML are written by
pyoxigraph's own serialiser in the worker, into a byte-budgeted sink, with the row cap checked
exactly on the written bytes (413 at `max_results` + 1 rows, as before); CSV and TSV stay on
the Python writers, whose output the native ones do not match (`api/http/serializers.py`). In a hot
loop that is 71 µs instead of 123 µs for LIMIT 10, 3.07 ms instead of 3.81 ms for the GROUP BY
(192 rows).

**What remains.** One process hop per query, the price of killable queries: the worker's 209 µs
per LIMIT 10 query is work that takes ~95 µs in a hot loop; the rest is waking a second process
and its cold caches. Not govkg's to change here: uvicorn runs h11 for both servers (`httptools`
is not installed), ~180 µs of each small request in the HTTP process; the per-request check
that the store has not changed on disk (`FreshStoreMiddleware`, a few `stat` calls) costs
~12 µs. Untested: whether more than the default two workers keeps the cores busier on heavy queries
(the HTTP process needs a core to hand out the next job). rdflib-endpoint is slower than the
769 req/s in /work/shared/notes; here it serves N-Quads with ~210 named graphs as a union
`Dataset`, the likely cause (not profiled).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="bundled,100k", help="bundled and/or 100k, 1M, ...")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--from-json", action="store_true", help=f"re-render the last run ({RAW.name})"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    sizes = _sizes(args.sizes)
    runs: dict[str, dict] = {}
    if args.from_json:
        for label, saved in json.loads(RAW.read_text(encoding="utf-8")).items():
            data = {"results": {tuple(k.split("|")): v for k, v in saved["results"].items()}}
            data["rss"] = saved["rss"]
            data["machine"] = saved.get("machine")
            runs[label] = data
        sizes = [s for s in sizes if _label(s) in runs]
    else:
        raw = {}
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="govkg-http-bench-") as work:
                data = measure(size, args.seed, args.duration, args.rounds, Path(work))
            data["machine"] = machine_line(PACKAGES)
            runs[_label(size)] = data
            saved = {"results": {"|".join(k): v for k, v in data["results"].items()}}
            saved["rss"], saved["machine"] = data["rss"], data["machine"]
            raw[_label(size)] = saved
        RAW.parent.mkdir(parents=True, exist_ok=True)
        RAW.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    body = render(sizes, runs, args.duration, args.rounds, args.seed)
    print(body)
    if not args.no_write:
        write_section("HTTP", body + NOTES)


if __name__ == "__main__":
    main()
