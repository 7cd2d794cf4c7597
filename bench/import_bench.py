"""Benchmark: how long the importers take on the real public data sets.

The importer tests check *what* an import writes; how fast it runs is measured here, not
asserted there. For each importer it imports the real data set (``../shared/data``, the layout
the tests use; other paths with ``--epoch`` / ``--ecosystem``) into two on-disk stores:

* empty: a fresh store, so every entity is minted by the import;
* curated: a store holding the bundled curated graph, so names must be resolved against the
  curated entities (the case users meet: ``govkg build`` then ``govkg import``).

Each import runs ``--runs`` times into a fresh copy (the importer replaces its graph, but a
fresh store keeps the runs alike); medians are reported. Results go to docs/benchmarks.md under
"## Importers" (other sections are kept).

    .venv/bin/python bench/import_bench.py [--runs 3] [--epoch CSV] [--ecosystem DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine_line, median, write_section
from govkg.graph.build import build_store
from govkg.graph.importers import ImportReport, import_ecosystem_graphs, import_epoch
from govkg.graph.store.embedded import Store

SHARED_DATA = ROOT.parent / "shared" / "data"
EPOCH_CSV = SHARED_DATA / "epoch" / "all-ml-systems.csv"
ECOSYSTEM_DIR = SHARED_DATA / "ecosystem-graphs"

Importer = Callable[[Store, Path], ImportReport]


def run_once(importer: Importer, source: Path, template: Path | None, work: Path) -> ImportReport:
    """One import into a fresh store: an empty one, or a copy of ``template`` (curated)."""
    target = work / f"store-{time.monotonic_ns()}"
    if template is not None:
        shutil.copytree(template, target)
    store = Store.open(target)
    try:
        return importer(store, source)
    finally:
        del store
        shutil.rmtree(target, ignore_errors=True)


def measure(
    name: str, importer: Importer, source: Path, curated: Path, runs: int, work: Path
) -> list[dict[str, object]]:
    """Median seconds per base (empty, curated) and the last report's counts."""
    rows = []
    for base, template in (("empty", None), ("curated", curated)):
        reports = [run_once(importer, source, template, work) for _ in range(runs)]
        last = reports[-1]
        seconds = median([r.seconds for r in reports])
        rows.append(
            {
                "importer": name,
                "base": base,
                "records": last.rows_read,
                "imported": sum(last.imported.values()),
                "skipped": len(last.skipped),
                "merged": last.merged,
                "quads": last.quads,
                "seconds": seconds,
                "per_s": last.rows_read / seconds if seconds else float("nan"),
            }
        )
        print(rows[-1], flush=True)
    return rows


def render(rows: list[dict[str, object]], runs: int) -> str:
    """The section's markdown."""
    lines = [
        machine_line(),
        "",
        f"Real data sets from `../shared/data`; each import into a fresh on-disk store, median "
        f"of {runs} runs. *empty*: a store with nothing in it; *curated*: the bundled curated "
        "graph built first, so names are resolved against its entities (*merged* counts the "
        "entities resolved to an existing node). Reproduce with "
        "`.venv/bin/python bench/import_bench.py`.",
        "",
        "| importer | into | records read | imported | skipped | merged | quads written "
        "| time | records/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['importer']} | {r['base']} | {r['records']:,} | {r['imported']:,} "
            f"| {r['skipped']:,} | {r['merged']:,} | {r['quads']:,} | {r['seconds']:.2f} s "
            f"| {r['per_s']:,.0f} |"
        )
    lines += [
        "",
        "An import reads the whole data set, maps and checks every record, resolves names, "
        "then replaces its named graph in one transaction (`Store.replace_graph`): a failed "
        "import writes nothing. The time is the importer's own (`ImportReport.seconds`), "
        "store opening and copying left out.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epoch", type=Path, default=EPOCH_CSV, help="Epoch AI CSV")
    parser.add_argument(
        "--ecosystem", type=Path, default=ECOSYSTEM_DIR, help="Ecosystem Graphs checkout"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    missing = [str(p) for p in (args.epoch, args.ecosystem / "assets") if not p.exists()]
    if missing:
        print(f"the real data sets are missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="govkg-import-bench-") as tmp:
        work = Path(tmp)
        curated = work / "curated"
        build_store(curated)
        rows = measure("Epoch AI (CSV)", import_epoch, args.epoch, curated, args.runs, work)
        rows += measure(
            "Ecosystem Graphs (YAML)",
            import_ecosystem_graphs,
            args.ecosystem,
            curated,
            args.runs,
            work,
        )
    body = render(rows, args.runs)
    print(body)
    if not args.no_write:
        write_section("Importers", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
