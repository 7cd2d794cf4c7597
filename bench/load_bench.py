"""Benchmark: loading N-Triples with govkg vs raw pyoxigraph ``bulk_load`` vs rdflib's memory store.

For each size the same seeded synthetic file (``bench/generate.py``, ``.nt``) is loaded into a
fresh empty store by each contender, interleaved, several runs, medians:

* ``govkg load`` — the command users run (a subprocess of ``.venv/bin/govkg``, so it includes
  interpreter start-up and the final flush);
* ``Store.load`` — Oxigraph's transactional load in-process (what ``govkg load`` used before
  it switched to ``govkg.graph.store.bulkload.load_by_swap``; still used for JSON-LD, RDF/XML and
  HTTP);
* ``pyoxigraph bulk_load`` — the raw on-disk loader, the limit (not transactional);
* ``checkpoint + bulk_load + swap`` — the same steps as ``govkg load``'s
  ``govkg.graph.store.bulkload.load_by_swap``, without the command's start-up: ``Store.backup`` (a
  RocksDB
  checkpoint, hard links) of the store, ``bulk_load`` into the copy, flush, two renames;
* ``rdflib memory`` — ``rdflib.Graph().parse`` (100k and 1M only; one run at 1M, it is slow).

Target: ``govkg load`` ≥ 80% of the raw Oxigraph rate at 1M. Results go to the "Load" section of
docs/benchmarks.md. 5M is measured only with ``--sizes ...,5M`` (about 3 minutes per run).

    .venv/bin/python bench/load_bench.py [--sizes 100k,1M] [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import pyoxigraph as ox  # noqa: E402
from common import (  # noqa: E402
    GOVKG,
    alternate,
    dataset,
    machine_line,
    median,
    parse_sizes,
    size_label,
    write_section,
)
from govkg.graph.store.embedded import Store  # noqa: E402

NT = ox.RdfFormat.N_TRIPLES
RAW = Path(__file__).resolve().parents[1] / "var" / "bench" / "load-results.json"
CONTENDERS = (
    "govkg load",
    "Store.load",
    "checkpoint + bulk_load + swap",
    "pyoxigraph bulk_load",
    "rdflib memory",
)


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    for sibling in path.parent.glob(f"{path.name}.*"):
        shutil.rmtree(sibling, ignore_errors=True)
    return path


def _close(store: object) -> None:
    del store
    gc.collect()


def govkg_cli(file: Path, target: Path) -> None:
    """``govkg --store <target> load <file>`` as a user runs it."""
    _fresh(target)
    subprocess.run(
        [str(GOVKG), "--store", str(target), "load", str(file)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def govkg_store_load(file: Path, target: Path) -> None:
    """``Store.open(target).load(file)`` then ``flush``, in this process."""
    store = Store.open(_fresh(target))
    store.load(file, NT)
    store.flush()
    _close(store)


def raw_bulk_load(file: Path, target: Path) -> None:
    """pyoxigraph's ``bulk_load`` into a fresh on-disk store, flushed."""
    store = ox.Store(str(_fresh(target)))
    store.bulk_load(path=str(file), format=NT)
    store.flush()
    _close(store)


def checkpoint_swap(file: Path, target: Path) -> None:
    """The proposed atomic fast path: checkpoint, bulk_load into it, swap it in."""
    store = ox.Store(str(_fresh(target)))
    copy = target.with_name(f"{target.name}.building-{os.getpid()}")
    store.backup(str(copy))
    _close(store)
    new = ox.Store(str(copy))
    new.bulk_load(path=str(file), format=NT)
    new.flush()
    _close(new)
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    os.rename(copy, target)
    shutil.rmtree(old)


def rdflib_memory(file: Path) -> None:
    """rdflib's default in-memory store."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(file), format="nt")
    del graph


def measure(size: int, runs: int, seed: int, work: Path) -> dict[str, list[float]]:
    """Seconds per run of every contender for one size."""
    file = dataset(size, seed, "nt")
    target = work / "store"
    contenders = {
        "govkg load": lambda: govkg_cli(file, target),
        "Store.load": lambda: govkg_store_load(file, target),
        "checkpoint + bulk_load + swap": lambda: checkpoint_swap(file, target),
        "pyoxigraph bulk_load": lambda: raw_bulk_load(file, target),
    }
    times = alternate(contenders, runs)
    if size <= 1_000_000:
        times["rdflib memory"] = alternate(
            {"rdflib": lambda: rdflib_memory(file)}, 1 if size >= 1_000_000 else runs
        )["rdflib"]
    _fresh(target)
    return times


def render(results: dict[int, dict[str, list[float]]], runs: int, seed: int, machine: str) -> str:
    """The "Load" section body."""
    lines = [
        machine,
        "",
        f"Seeded synthetic N-Triples (`bench/generate.py`, seed {seed}) loaded into a fresh empty "
        f"on-disk store; contenders interleaved, median of {runs} runs (rdflib: one run at 1M), "
        "wall-clock seconds and triples per second. Reproduce with "
        "`.venv/bin/python bench/load_bench.py --sizes 100k,1M` (add `,5M` for 5M, slow).",
        "",
        "| size | " + " | ".join(CONTENDERS) + " | govkg load / raw |",
        "|---|" + "---|" * (len(CONTENDERS) + 1),
    ]
    for size, times in results.items():
        cells = []
        for name in CONTENDERS:
            if times.get(name):
                t = median(times[name])
                cells.append(f"{t:.2f} s ({size / t / 1000:,.0f}k t/s)")
            else:
                cells.append("–")
        ratio = median(times["pyoxigraph bulk_load"]) / median(times["govkg load"])
        lines.append(f"| {size_label(size)} | " + " | ".join(cells) + f" | {ratio:.0%} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--from-json", action="store_true", help=f"re-render the last run ({RAW.name})"
    )
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(RAW.read_text(encoding="utf-8"))
        results = {int(k): v for k, v in saved["results"].items()}
    else:
        results = {}
        with tempfile.TemporaryDirectory(prefix="govkg-load-bench-") as work:
            for size in parse_sizes(args.sizes):
                results[size] = measure(size, args.runs, args.seed, Path(work))
                print(size_label(size), {k: round(median(v), 3) for k, v in results[size].items()})
        saved = {"machine": machine_line(), "results": {str(k): v for k, v in results.items()}}
        RAW.parent.mkdir(parents=True, exist_ok=True)
        RAW.write_text(json.dumps(saved, indent=1), encoding="utf-8")
    body = render(results, args.runs, args.seed, saved["machine"])
    print(body)
    if not args.no_write:
        write_section("Load", body + NOTES)


NOTES = """
- `govkg load` loads N-Triples, N-Quads, Turtle and TriG with
  `govkg.graph.store.bulkload.load_by_swap`: a RocksDB checkpoint of the store (`Store.backup`,
  hard links),
  `bulk_load` into the copy, flush, and the same two renames `govkg build` uses
  (`govkg.graph.store.directory.swap_in`). A syntax error or a kill before the swap leaves the
  store as it was;
  `Store.open` recovers a kill between the renames (tests/faults, tests/graph/test_bulkload.py).
- `Store.load` is Oxigraph's transactional load, about 2.5× slower than `bulk_load` on disk; it
  remains the path for JSON-LD and RDF/XML files, HTTP Graph Store writes and remote servers.
- `govkg load` − `checkpoint + bulk_load + swap` is the command's start-up (imports) and noise.
- rdflib keeps everything in Python objects; it is the alternative a Python user would pick.
- Against the run of 2026-11-28 (before the storage interface and layout of issue 13, another
  machine, load 1.1): `govkg load` / raw was 46% at 100k and 91% at 1M, now 52% and 96% (and
  91% at 5M, 19.6 s for 5M triples: 256k triples/s); no figure is worse. 5M was run on
  2026-12-04 19:30 UTC on an idle machine; `Store.load` is 6× slower than the bulk path there.
"""


if __name__ == "__main__":
    main()
