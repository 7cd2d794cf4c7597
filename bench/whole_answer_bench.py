"""Benchmark: whole answers of named questions, streamed over HTTP, against holding them.

Issue 15 asks for full answers streamed. ``GET /questions/NAME?limit=all`` has a query worker
write the rows to a spool file as the engine yields them, and the server send the file
(docs/questions.md, "Whole answers"). Two measurements per question with the most rows, on the
seeded synthetic graph plus the ontology (as ``paging_bench.py``):

- **memory**: the peak RSS growth of one fresh process answering the question in full, once
  holding the answer (``run_question`` then the JSON document, what a page of every row would
  take) and once writing it as it comes (``write_answer`` to a file); each in its own process,
  so the peaks do not mix;
- **HTTP**: ``govkg serve`` (``--no-warm``, a 600 s query limit) answering ``limit=all`` in
  JSON: the seconds to the first byte and to the last, the bytes and rows, and the peak RSS
  growth of the server and its workers during the request (sampled every 50 ms).

Results go to the "Whole answers" section of docs/benchmarks.md.

    .venv/bin/python bench/whole_answer_bench.py [--sizes 100k,1M]
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import httpx  # noqa: E402
from common import (  # noqa: E402
    GOVKG,
    free_port,
    machine_line,
    ms,
    parse_sizes,
    running,
    size_label,
    tree_rss_mb,
    write_section,
)
from query_bench import open_store  # noqa: E402

QUESTIONS = ("timeline", "models-by-developer", "open-weights-without-review")
PYTHON = Path(sys.executable)

#: Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so the peak that follows is
#: the answer's alone (Linux 4.0+, /proc/PID/clear_refs); both scripts print the MB.
PEAK = """
def _status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
def reset():
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    return _status("VmRSS")
def grown(before):
    return _status("VmHWM") - before
"""

HOLD = (
    PEAK
    + """
import json, sys
from govkg.graph.store.embedded import Store
from govkg.graph.questions import run_question
store = Store.open(sys.argv[1], read_only=True)
before = reset()
doc = json.dumps(run_question(store, sys.argv[2], {}).to_json_obj())
print(grown(before))
"""
)

STREAM = (
    PEAK
    + """
import sys
from govkg.graph.store.embedded import Store
from govkg.graph.answer_stream import write_answer
store = Store.open(sys.argv[1], read_only=True)
before = reset()
with open(sys.argv[3], "wb") as out:
    write_answer(store, sys.argv[2], {}, out, "application/json")
print(grown(before))
"""
)


def peak_growth(code: str, *args: str) -> float:
    """MB of peak RSS growth of a fresh process running ``code`` (which prints it)."""
    done = subprocess.run(
        [str(PYTHON), "-c", code, *args], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def over_http(store: Path) -> dict[str, dict]:
    """Per question: first byte, last byte, bytes, rows, server peak RSS growth."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [str(GOVKG), "--store", str(store), "serve", "--port", str(port), "--no-warm"]
    out = {}
    env = {"GOVKG_QUERY_TIMEOUT": "600"}
    with running(argv, f"{base}/health", env=env) as proc, httpx.Client(timeout=600) as client:
        for name in QUESTIONS:
            gc.collect()
            baseline = tree_rss_mb(proc.pid)
            peak = [baseline]
            stop = threading.Event()

            def sample(stop: threading.Event = stop, peak: list[float] = peak) -> None:
                while not stop.is_set():
                    peak[0] = max(peak[0], tree_rss_mb(proc.pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.perf_counter()
            first = None
            size = 0
            with client.stream(
                "GET", f"{base}/questions/{name}", params={"limit": "all"},
                headers={"Accept": "application/json"},
            ) as r:  # fmt: skip
                r.raise_for_status()
                for piece in r.iter_bytes():
                    first = first or time.perf_counter()
                    size += len(piece)
                rows = int(r.headers["x-govkg-rows"])
            ended = time.perf_counter()
            stop.set()
            sampler.join()
            out[name] = {
                "first": (first or ended) - started,
                "last": ended - started,
                "bytes": size,
                "rows": rows,
                "server_growth": peak[0] - baseline,
            }
            print(name, out[name], flush=True)
    return out


def measure(size: int, work: Path) -> dict[str, dict]:
    store = open_store(size, 1, work)
    path = store.path
    store = None
    gc.collect()
    results = over_http(path)
    for name in QUESTIONS:
        held = peak_growth(HOLD, str(path), name)
        streamed = peak_growth(STREAM, str(path), name, str(work / "answer.json"))
        results[name].update(held=held, streamed=streamed)
        print(name, "held", held, "MB; streamed", streamed, "MB", flush=True)
    return results


def render(results: dict[int, dict[str, dict]], machine: str) -> str:
    lines = [
        machine,
        "",
        "`bench/whole_answer_bench.py`: per question, its whole answer as JSON with the default "
        "parameters. *Held* and *streamed*: the peak RSS growth of a fresh process computing it, "
        "holding the answer (`run_question`, then the JSON document) or writing it to a file as "
        "the engine yields it (`write_answer`). *Over HTTP*: `govkg serve --no-warm` answering "
        "`limit=all`, the server's peak RSS growth (its process and workers) during the request.",
        "",
        "| triples | question | rows | JSON | held | streamed | HTTP first byte | HTTP last "
        "byte | server growth |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, per in results.items():
        for name, r in per.items():
            lines.append(
                f"| {size_label(size)} | `{name}` | {r['rows']:,} | {r['bytes'] / 1e6:.1f} MB "
                f"| {r['held']:.0f} MB | {r['streamed']:.0f} MB | {ms(r['first'])} "
                f"| {ms(r['last'])} | {r['server_growth']:.0f} MB |"
            )
    lines += ["", READING]
    return "\n".join(lines) + "\n"


READING = """Reading the figures: *held* minus *streamed* is what not holding the answer saves, the
Python objects of every row and the JSON document made of them; what both share is the engine's
own working memory, since every question ends in a `GROUP BY` and/or `ORDER BY` that Oxigraph
evaluates over the whole answer before it yields a first row. The same is why the first byte
over HTTP comes only a few milliseconds before the last: the time is the engine's (and the
file's writing), the sending is quick on loopback. The server's growth is mostly its query
worker's engine memory for the request; the server process itself holds one 256 KiB piece at
a time. Each HTTP figure is one request, the first for that question after the server
started, on cold engine caches: the warm in-process full answers of section "Named questions:
first page" are faster (1M `timeline`: 7.2 s there, 10.4 s here; writing the JSON itself costs
about 0.6 s of it, measured apart). A whole answer is not cached: a second request computes it
again."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="govkg-whole-") as tmp:
        for size in parse_sizes(args.sizes):
            results[size] = measure(size, Path(tmp))
    text = render(results, machine_line(("pyoxigraph",)))
    print(text)
    if not args.no_write:
        write_section("Whole answers", text)


if __name__ == "__main__":
    main()
