"""Benchmark of the Hugging Face importer and the lineage analyses at Hub scale.

For each size: a synthetic snapshot (``bench/hf_generate.py``, parquet, seed 1) is imported by
the real command (``govkg import huggingface``) into a fresh store that holds the ontology;
wall time and peak resident memory of that process (``os.wait4``) are recorded. Then, in a fresh
process: the lineage projection (:class:`govkg.graph.analysis.lineage.Lineage`) and coverage
through lineage, the first page (50 rows) of each lineage view, and the first page of two named
questions with ``LIMIT 50`` appended (``hf-derivatives-by-base``, ``open-weights-without-review``)
each under a time cap. Results replace the "Hugging Face import" section of docs/benchmarks.md.

Targets (issue 18): 2M models imported in <= 10 min with <= 8 GB peak; coverage through lineage
over 2M models in <= 60 s; the first page of open-weights-without-review in <= 300 ms.

    .venv/bin/python bench/hf_bench.py --sizes 100k,500k
    .venv/bin/python bench/hf_bench.py --sizes 2M --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import (
    DATA_DIR,
    GOVKG,
    PYTHON,
    ROOT,
    machine_line,
    parse_sizes,
    size_label,
    write_section,
)

SNAPSHOT = "2026-12-01"
QUESTION_CAP_S = 120.0
#: The analysis half, run in its own interpreter so its memory is its own.
ANALYSIS = r"""
import json, resource, sys, time
from datetime import date
from govkg.graph.analysis.lineage import Lineage
from govkg.graph.analysis.lineage_views import VIEWS, lineage_page
from govkg.graph.store.embedded import Store
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
store = Store.open(sys.argv[1], read_only=True)
out = {}
t, c = time.perf_counter(), cpu()
lineage = Lineage.from_store(store, date(2026, 12, 1), store_path=sys.argv[1])
out["projection_s"], out["projection_cpu"] = time.perf_counter() - t, cpu() - c
t, c = time.perf_counter(), cpu()
lineage.families(); lineage.covered(); lineage.reviewed_ancestor()
out["compute_s"], out["compute_cpu"] = time.perf_counter() - t, cpu() - c
out["nodes"], out["links"] = lineage.size, int(len(lineage.src))
out["pages_ms"] = {}
for view in VIEWS:
    t = time.perf_counter(); lineage_page(lineage, view, limit=50, store=store)
    out["pages_ms"][view] = (time.perf_counter() - t) * 1000
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""
QUESTION = r"""
import sys, time
from govkg.graph.questions import bind_value, get_question
from govkg.graph.store.embedded import Store
from govkg.ontology import PREFIXES
store = Store.open(sys.argv[1], read_only=True)
q = get_question(sys.argv[2])
subs = {p.name: bind_value(q, p, p.default) for p in q.params if p.default is not None}
t = time.perf_counter()
rows = list(store.query(q.sparql + "\nLIMIT 50", substitutions=subs, prefixes=PREFIXES))
print((time.perf_counter() - t) * 1000, len(rows))
"""


def snapshot_file(size: int) -> tuple[Path, float]:
    """The generated parquet file for ``size`` rows (made once) and the seconds it took."""
    path = DATA_DIR / f"hf-{size_label(size)}.parquet"
    if path.exists():
        return path, 0.0
    started = time.perf_counter()
    subprocess.run(
        [str(PYTHON), str(ROOT / "bench" / "hf_generate.py"), str(size), str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return path, time.perf_counter() - started


def run_import(source: Path, store: Path) -> dict:
    """``govkg import huggingface`` in a child process: wall seconds and peak RSS (wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            str(GOVKG),
            "import",
            "huggingface",
            str(source),
            "--store",
            str(store),
            "--snapshot",
            SNAPSHOT,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if status != 0:
        raise SystemExit(f"import failed: {child.stderr.read() if child.stderr else ''}")
    summary = output.splitlines()[1].strip() if len(output.splitlines()) > 1 else output
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024, "summary": summary}


def run_question(store: Path, name: str) -> str:
    """First page of a named question, in a child process capped at QUESTION_CAP_S."""
    try:
        done = subprocess.run(
            [str(PYTHON), "-c", QUESTION, str(store), name],
            capture_output=True,
            text=True,
            timeout=QUESTION_CAP_S,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return f"> {QUESTION_CAP_S:.0f} s (stopped)"
    ms, rows = done.stdout.split()
    return f"{float(ms):,.0f} ms ({rows} rows)"


def measure(size: int) -> dict:
    source, generated = snapshot_file(size)
    store = DATA_DIR / f"hf-store-{size_label(size)}"
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(store.with_name(f"{store.name}.lineage"), ignore_errors=True)
    subprocess.run(
        [
            str(GOVKG),
            "load",
            str(ROOT / "ontology" / "govkg.ttl"),
            "--store",
            str(store),
            "--graph",
            "https://w3id.org/govkg/graph/ontology",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result = {"size": size, "generated_s": generated, "import": run_import(source, store)}
    analysis = subprocess.run(
        [str(PYTHON), "-c", ANALYSIS, str(store)], capture_output=True, text=True, check=True
    )
    result["analysis"] = json.loads(analysis.stdout)
    result["questions"] = {
        name: run_question(store, name)
        for name in ("hf-derivatives-by-base", "open-weights-without-review")
    }
    result["load_avg"] = os.getloadavg()[0]
    print(json.dumps(result), flush=True)
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(store.with_name(f"{store.name}.lineage"), ignore_errors=True)
    return result


def render(results: list[dict]) -> str:
    lines = [
        machine_line(("pyoxigraph", "pyarrow", "numpy", "scipy")),
        "",
        "Synthetic Hub snapshots (`bench/hf_generate.py`, parquet, seed 1: Zipf family sizes, "
        "lineage depth up to 6, ~1% messy fields) imported by `govkg import huggingface` into a "
        "fresh store holding the ontology; then, in a fresh process, the lineage projection "
        "(`Lineage.from_store` with the store's path: the arrays the import saved beside the "
        "store, their key checked against it, the other graphs by SPARQL), coverage through "
        "lineage, and the first page (50 rows, labelled from the store) of each lineage view. "
        "One run per size. The store holds the ontology but not the curated registry, so no "
        "repo resolves to a curated model (the signature test makes that cost ~5 us per repo). "
        "CPU is user + system time of the process (the bulk loader's threads included): on this "
        "shared machine, wall time is several times CPU time when the load average is far "
        "above 2. Reproduce with `.venv/bin/python bench/hf_bench.py --sizes 100k,500k`.",
        "",
        "| rows | import wall (CPU) | import peak RSS | triples | projection wall (CPU) "
        "| families + coverage "
        "| first page of each view | `hf-derivatives-by-base` LIMIT 50 "
        "| `open-weights-without-review` LIMIT 50 | analysis peak RSS | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        a, imp = r["analysis"], r["import"]
        triples = imp["summary"].split("(")[-1].split(" ")[0] if "(" in imp["summary"] else "?"
        pages = ", ".join(f"{v} {ms:.0f} ms" for v, ms in a["pages_ms"].items())
        mark = " *" if r.get("before_free") else ""
        lines.append(
            f"| {size_label(r['size'])}{mark} | {imp['seconds']:.0f} s ({imp['cpu']:.0f} s) "
            f"| {imp['peak_mb']:,.0f} MB | {triples} "
            f"| {a['projection_s']:.1f} s ({a['projection_cpu']:.1f} s) | {a['compute_s']:.2f} s "
            f"| {pages} "
            f"| {r['questions']['hf-derivatives-by-base']} "
            f"| {r['questions']['open-weights-without-review']} | {a['peak_mb']:,.0f} MB "
            f"| {r['load_avg']:.1f} |"
        )
    lines += ["", *targets(results)]
    return "\n".join(lines)


def targets(results: list[dict]) -> list[str]:
    """The issue's targets, each stated as met or not, measured or extrapolated to 2M rows."""
    ordered = sorted(results, key=lambda r: r["size"])
    big = ordered[-1]
    scale = 2_000_000 / big["size"]
    measured = (
        "measured"
        if big["size"] >= 2_000_000
        else (f"extrapolated linearly from {size_label(big['size'])} (x{scale:g})")
    )
    wall = big["import"]["seconds"] * scale
    cpu = big["import"]["cpu"] * scale
    peak_gb = big["import"]["peak_mb"] * scale / 1024
    memory = f"{peak_gb:.1f} GB in proportion to {size_label(big['size'])}"
    memory_high = peak_gb
    if len(ordered) > 1 and big["size"] < 2_000_000:
        small = ordered[0]
        slope = (big["import"]["peak_mb"] - small["import"]["peak_mb"]) / (
            big["size"] - small["size"]
        )
        trend = (big["import"]["peak_mb"] + slope * (2_000_000 - big["size"])) / 1024
        memory += f", {trend:.1f} GB on the line through {size_label(small['size'])} and "
        memory += f"{size_label(big['size'])}"
        peak_gb = min(peak_gb, trend)
    analysis = big["analysis"]
    coverage = (analysis["projection_s"] + analysis["compute_s"]) * scale
    coverage_cpu = (analysis["projection_cpu"] + analysis["compute_cpu"]) * scale
    page = big["questions"]["open-weights-without-review"]
    view_ms = analysis["pages_ms"].get("open-weights-without-review", float("nan"))

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return [
        f"Targets at 2M rows ({measured}). Wall time here is inflated by the machine's load "
        "(see the load average); CPU time says what an otherwise idle machine would need, "
        "roughly (the bulk loader's threads can overlap):",
        "",
        f"- import in <= 10 min: {wall / 60:.1f} min wall, {cpu / 60:.1f} min CPU: "
        f"{verdict(wall <= 600)} as measured here; on CPU time it would be "
        f"{'within' if cpu <= 600 else 'over'} the target;",
        f"- peak memory <= 8 GB: {memory}: "
        + (
            "met"
            if memory_high <= 8
            else "met on the trend only, so unproven"
            if peak_gb <= 8
            else "**not met**"
        )
        + ";",
        f"- coverage through lineage (projection + families + coverage) <= 60 s: "
        f"{coverage:.0f} s wall, {coverage_cpu:.0f} s CPU: {verdict(coverage <= 60)} "
        f"(also {'within' if coverage_cpu <= 60 else 'over'} on CPU time);",
        f"- first page of `open-weights-without-review` <= 300 ms: the named question "
        f"{page} at {size_label(big['size'])}: "
        f"{verdict(page.endswith('rows)') and _ms(page) <= 300)}; the lineage view of that "
        f"name {view_ms:.0f} ms at {size_label(big['size'])} once projected: "
        f"{verdict(view_ms * scale <= 300)} (x{scale:g} linearly: {view_ms * scale:.0f} ms);",
        "- first page of each lineage view once projected: at most "
        f"{max(analysis['pages_ms'].values()):.0f} ms at {size_label(big['size'])}.",
        "",
        "Where the time goes (cProfile of a 100k import at load average ~12): Oxigraph's bulk "
        "load 59% of the wall time, reading and checking rows 26% (pyarrow, then one Python "
        "record per row), writing N-Triples 8%. Peak memory is the bulk loader's on top of "
        "what Python keeps; the per-model records are freed before the load since the commit "
        "'Hub import frees its per-model records before the bulk load' (rows marked * were "
        "measured before it). The projection is read from the arrays the importer saved "
        "beside the store (`graph/analysis/lineage_cache.py`): loading them, checking their key "
        "(the graph's import id; a COUNT of its triples unless the store is unchanged since "
        "the import) and querying the small curated "
        "graphs; before, five SELECTs decoded every link's two IRIs (70-75% of its CPU). The "
        "numpy/scipy part (families, coverage) takes well under a second, and each view's first "
        "page tens to hundreds of ms once projected. The named question "
        "`open-weights-without-review` groups and orders every open-weights model (with an "
        "OPTIONAL `gk:baseModel+` join per model) before it can return its first row, so a LIMIT "
        "does not help at Hub scale (and with its default certainty it lists no Hub model: they "
        "have no release date); the lineage view of that name gives its rows for imported "
        "models from the projection (docs/importers.md). 2M rows were not run here: at "
        "this load a 2M import alone would take about 50 minutes of wall time.",
    ]


def _ms(cell: str) -> float:
    return float(cell.split(" ")[0].replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,500k", help="row counts, e.g. 100k,500k,2M")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the docs")
    args = parser.parse_args(argv)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results = [measure(size) for size in parse_sizes(args.sizes)]
    table = render(results)
    print(table)
    if not args.no_write:
        write_section("Hugging Face import", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
