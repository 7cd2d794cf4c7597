"""Benchmark ``govkg diff``: the bundled data (target ≤ 2 s) and 1M synthetic triples (≤ 30 s).

Each case runs what ``govkg diff`` runs in-process (read both sides, compare, render) and
reports the median wall-clock time of ``--runs`` runs and the process's peak RSS. The 1M case
compares the synthetic graph of ``bench/generate.py`` with a copy in which 1% of the
statements have a changed date, 0.5% of the quads are removed and as many new ones added.
Results go to docs/benchmarks.md, section "Diff".

    .venv/bin/python bench/diff_bench.py [--runs 3] [--size 1M]
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from common import DATA_DIR, dataset, machine_line, median, parse_sizes, size_label, write_section
from govkg.graph.diff import compare, load_side, to_json, to_markdown

GK_DATE = ox.NamedNode("https://w3id.org/govkg/ontology#date")


def run_case(
    old: str | Path, new: str | Path, render: Callable
) -> tuple[float, float, float, dict]:
    """Wall seconds for one full diff (load both sides, compare, render), of which reading the
    two sides, the CPU seconds of this process (less sensitive to other work on the machine;
    a ``git:`` side also spends CPU time in ``git``), and the counts."""
    start, cpu = time.perf_counter(), time.process_time()
    sides = load_side(old), load_side(new)
    loaded = time.perf_counter() - start
    changes = compare(*sides)
    render(changes)
    return time.perf_counter() - start, loaded, time.process_time() - cpu, changes.counts()


def bundled_inputs() -> dict[str, tuple[str, str]]:
    """The bundled data as a built store and as an N-Quads dump (with one date changed)."""
    from govkg.graph.build import build_store

    store = DATA_DIR / "diff-bundled-store"
    if not store.exists():
        build_store(store)
    dump = DATA_DIR / "diff-bundled.nq"
    changed = DATA_DIR / "diff-bundled-changed.nq.gz"
    mem = ox.Store()
    mem.bulk_load(input=b"\n".join(load_side(store).lines), format=ox.RdfFormat.N_QUADS)
    mem.dump(str(dump), ox.RdfFormat.N_QUADS)
    _mutate(mem, changed, share=0.01, seed=2)
    return {
        "bundled: store vs its own dump": (str(store), str(dump)),
        "bundled: dump vs changed .nq.gz": (str(dump), str(changed)),
        "bundled: git:HEAD (compiled) vs store": ("git:HEAD", str(store)),
    }


def _mutate(store: ox.Store, out: Path, *, share: float, seed: int) -> None:
    """Write ``store`` to ``out`` (gzip N-Quads) with dates changed and quads removed/added."""
    rng = random.Random(seed)
    dated = sorted(store.quads_for_pattern(None, GK_DATE, None, None), key=str)
    for q in rng.sample(dated, max(1, int(len(dated) * share))):
        store.remove(q)
        store.add(
            ox.Quad(
                q.subject,
                q.predicate,
                ox.Literal("1999-01-01", datatype=q.object.datatype),
                q.graph_name,
            )
        )
    quads = sorted(store, key=str)
    for q in rng.sample(quads, max(1, int(len(quads) * share / 2))):
        store.remove(q)
    graph = ox.NamedNode("https://w3id.org/govkg/graph/bench-added")
    for i in range(max(1, int(len(quads) * share / 2))):
        node = ox.NamedNode(f"https://w3id.org/govkg/id/bench-added-{i}")
        store.add(
            ox.Quad(
                node,
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal(f"added {i}"),
                graph,
            )
        )
    with gzip.open(out, "wb", compresslevel=1) as fh:
        store.dump(fh, ox.RdfFormat.N_QUADS)


def synthetic_inputs(size: int) -> tuple[str, str]:
    """The synthetic graph of ``size`` triples and its mutated copy."""
    base = dataset(size)
    changed = DATA_DIR / f"diff-synthetic-{size_label(size)}-changed.nq.gz"
    if not changed.exists():
        mem = ox.Store()
        mem.bulk_load(path=str(base), format=ox.RdfFormat.N_QUADS)
        _mutate(mem, changed, share=0.01, seed=3)
    return str(base), str(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="1M", help="synthetic size (e.g. 100k, 1M)")
    parser.add_argument("--no-write", action="store_true", help="print, do not update the docs")
    args = parser.parse_args(argv)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    cases = bundled_inputs()
    (size,) = parse_sizes(args.size)
    cases[f"synthetic {size_label(size)}: .nq vs changed .nq.gz"] = synthetic_inputs(size)
    rows = []
    for name, (old, new) in cases.items():
        for fmt, render in (("md", to_markdown), ("json", to_json)):
            times, reads, cpus, counts = [], [], [], {}
            for _ in range(args.runs):
                seconds, read, cpu, counts = run_case(old, new, render)
                times.append(seconds)
                reads.append(read)
                cpus.append(cpu)
            rows.append((name, fmt, median(times), median(reads), median(cpus), counts))
            print(f"{name} [{fmt}]: {median(times):.2f} s  {counts}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = [
        "| case | format | median wall time | of which reading both sides | CPU time "
        "| statements +/−/changed | other triples +/− |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, fmt, seconds, read, cpu, c in rows:
        table.append(
            f"| {name} | {fmt} | {seconds:.2f} s | {read:.2f} s | {cpu:.2f} s "
            f"| {c['statements_added']} / "
            f"{c['statements_removed']} / {c['statements_changed']} | "
            f"{c['triples_added']} / {c['triples_removed']} |"
        )
    body = "\n".join(
        [
            "`govkg diff` in-process: read both sides, compare, render (median of "
            f"{args.runs} runs; `.venv/bin/python bench/diff_bench.py`). Targets: the bundled "
            "data ≤ 2 s, 1M triples ≤ 30 s. The changed copies have 1% of the `gk:date` values "
            "changed, 0.5% of the quads removed and as many added.",
            "",
            *table,
            "",
            f"Peak RSS of the benchmark process: {peak:,.0f} MB. {machine_line()}",
            "",
            "A `git:REV` side adds `git archive` and the compilation of the curated data at that "
            "revision (without the SHACL shapes; the `git:HEAD` row). CPU time is what the "
            "diff itself costs; the wall time on top of it is waiting for a core while other "
            "work runs (see the load average).",
        ]
    )
    if not args.no_write:
        write_section("Diff", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
