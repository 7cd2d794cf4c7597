"""Importer for Hugging Face Hub model metadata snapshots (``models.parquet`` and the like).

One snapshot becomes one named graph, ``graph/import-huggingface-<snapshot date>``, holding every
usable model (author, creation day, licence, weights access, pipeline tag, library, downloads,
lineage with its relation) and the import's provenance (the file, the snapshot date, rows read,
every skipped row and dropped value with its reason). See ``docs/importers.md``.

Why this shape, for two million rows:

1. *Read* (:mod:`~govkg.graph.importers.huggingface_read`): row group by row group, checking each
   row (:mod:`~govkg.graph.importers.huggingface_rows`); only the checked fields are kept.
2. *Link*: base repo ids become model indexes; bases outside the file link to a curated model
   when one fits (:mod:`~govkg.graph.importers.huggingface_resolve`), else the link is dropped
   with its reason; links on cycles are dropped
   (:mod:`~govkg.graph.importers.huggingface_lineage`).
3. *Write* N-Triples to a temporary file next to the store
   (:mod:`~govkg.graph.importers.huggingface_ntriples`), then hand it to the storage layer's bulk
   load with ``replace=True`` (:func:`govkg.graph.store.backend.load_file`): a checkpoint of the
   store gets the old snapshot graph dropped and the file bulk-loaded, then is swapped in. A
   strict-mode error, a crash or ``kill -9`` before the swap leaves the store as it was.
"""

from __future__ import annotations

import gc
import logging
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, Problem
from govkg.graph.importers.common import DatasetInfo, Progress, file_date, provenance_triples
from govkg.graph.importers.huggingface_licences import RANKS, weights_access
from govkg.graph.importers.huggingface_lineage import cycle_edges
from govkg.graph.importers.huggingface_ntriples import (
    MODEL_BASE,
    TripleWriter,
    literal,
    model_iri,
)
from govkg.graph.importers.huggingface_read import count_rows, read_snapshot, snapshot_files
from govkg.graph.importers.huggingface_resolve import CuratedIndex
from govkg.graph.importers.huggingface_rows import HubModel, check_row
from govkg.graph.importers.report import ImportReport
from govkg.ontology import GK, ID, PROV, graph_iri

PUBLISHER = "Hugging Face"
HUB_URL = "https://huggingface.co/models"
#: How many skipped rows and dropped values the summary lists (all are counted and stored).
SUMMARY_LIMIT = 20
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS_IDENTIFIER = "<http://purl.org/dc/terms/identifier>"
#: Relation → its code in :data:`govkg.graph.analysis.lineage.RELATIONS` (0: unspecified).
RELATION_CODES = {"finetune": 1, "adapter": 2, "quantized": 3, "merge": 4}
#: The weights-access concepts that are open weights (as in lineage-open-weights.rq).
OPEN_WEIGHTS = frozenset(
    {
        "open-weights",
        "open-weights-unrestricted",
        "open-weights-restricted",
        "open-weights-noncommercial",
    }
)
log = logging.getLogger(__name__)


def snapshot_graph(snapshot: date) -> str:
    """The named graph of the snapshot of ``snapshot``."""
    return str(graph_iri(f"import-huggingface-{snapshot.isoformat()}"))


@dataclass
class HubImportReport(ImportReport):
    """An :class:`ImportReport` whose summary stays readable at 100,000s of problems."""

    snapshot: str = ""
    links: int = 0

    def summary(self) -> str:
        """Counts, problems counted by field, and the first few of each list."""
        lines = [
            f"{self.dataset} snapshot {self.snapshot}: read {self.rows_read} rows from "
            f"{self.path} in {self.seconds:.1f} s",
            f"  imported {self.imported['model']} models, {self.links} lineage links into "
            f"<{self.graph}> ({self.quads} triples)",
            f"  {self.merged} curated entities linked; skipped {len(self.skipped)} rows, "
            f"dropped {len(self.warnings)} values",
        ]
        for title, problems in (("skipped rows", self.skipped), ("dropped values", self.warnings)):
            if not problems:
                continue
            by_field = Counter(p.field or "(row)" for p in problems)
            counts = ", ".join(f"{field}: {n}" for field, n in by_field.most_common())
            lines.append(f"{title} ({counts}):")
            lines.extend(f"  {p}" for p in problems[:SUMMARY_LIMIT])
            if len(problems) > SUMMARY_LIMIT:
                lines.append(f"  ... and {len(problems) - SUMMARY_LIMIT} more (in the graph)")
        return "\n".join(lines)


@dataclass
class _Collected:
    models: list[HubModel]
    index_of: dict[str, int]
    where: list[tuple[str, int]]


def import_huggingface(
    store_path: Path | str,
    path: Path | str,
    *,
    snapshot: date | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> HubImportReport:
    """Import the Hub snapshot at ``path`` into the embedded store at ``store_path``.

    ``path`` is a parquet file, a folder of parquet or JSON Lines shards, or a JSON Lines file.
    ``snapshot`` (default: the first file's modification day) names the graph. Lenient by
    default: bad rows are skipped and bad values dropped, each recorded with its reason in the
    report and the graph; ``strict=True`` raises
    :class:`~govkg.graph.errors.DataValidationError` at the first problem and writes nothing.
    """
    started = time.perf_counter()
    store_path, path = Path(store_path), Path(path)
    files = snapshot_files(path)
    day = snapshot or file_date(files[0])
    graph = snapshot_graph(day)
    report = HubImportReport(
        dataset="Hugging Face Hub", graph=graph, path=str(path), strict=strict, snapshot=str(day)
    )
    _remove_stale_work_files(store_path)
    work = store_path.parent / f".{store_path.name}.huggingface-{os.getpid()}.nt"
    import_id = uuid.uuid4().hex
    key: dict | None = None
    try:
        key = _write_work_file(
            work, store_path, files, report, progress, day, path, graph, import_id
        )
        gc.collect()  # the per-model records are gone: the bulk loader gets their memory
        from govkg.graph.store.backend import load_file

        report.quads = load_file(
            work, ox.RdfFormat.N_TRIPLES, graph, store=store_path, replace=True
        )
    except BaseException:
        if key is not None:
            from govkg.graph.analysis.lineage_cache import discard_arrays

            discard_arrays(store_path, key)
        raise
    finally:
        work.unlink(missing_ok=True)
    if key is not None:
        _commit_saved(store_path, key, report.quads)
    report.seconds = time.perf_counter() - started
    return report


def _write_work_file(
    work: Path,
    store_path: Path,
    files: list[Path],
    report: HubImportReport,
    progress: Progress | None,
    day: date,
    path: Path,
    graph: str,
    import_id: str,
) -> dict | None:
    """Read, check and link every row, write the snapshot's N-Triples to ``work`` and save its
    lineage arrays beside the store; return the key of the saved arrays (None if not saved).

    A function of its own so that the records it builds are freed before the bulk load.
    """
    index = _curated_index(store_path)
    collected = _collect(files, report, progress)
    if not collected.models:
        raise DataValidationError(
            f"{path}: no usable rows; the snapshot graph was left as it was",
            problems=report.skipped[:SUMMARY_LIMIT],
        )
    iris, merged = _model_iris(collected, index, report)
    links = _link(collected, iris, index, report)
    with work.open("w", encoding="utf-8") as out:
        writer = TripleWriter(out)
        _write_models(writer, collected, iris, merged, links, index)
        report.imported["model"] = len(collected.models)
        _write_provenance(writer, report, day, path, graph, import_id)
    return _save_lineage(store_path, graph, import_id, collected, iris, links)


def _save_lineage(
    store_path: Path,
    graph: str,
    import_id: str,
    found: _Collected,
    iris: list[str],
    links: dict[int, list[tuple[str, str | None]]],
) -> dict | None:
    """Save the snapshot's lineage arrays (:mod:`govkg.graph.analysis.lineage_cache`).

    The same nodes, links and flags the lineage queries would read back from this graph: every
    model (all are open weights), the curated bases it links to, one relation code per model
    (the highest it states) and each model's licence rank. A failure to save costs only speed
    (the analyses then query the store), so it is logged, not raised.
    """
    from govkg.graph.analysis.lineage_cache import SavedLineage, save_arrays

    index = {iri: i for i, iri in enumerate(iris)}
    nodes = [f"<{iri}>" for iri in iris]
    src: list[int] = []
    dst: list[int] = []
    code = [0] * len(iris)
    for i, bases in links.items():
        for base, relation in bases:
            j = index.get(base)
            if j is None:
                j = index[base] = len(nodes)
                nodes.append(f"<{base}>")
            src.append(i)
            dst.append(j)
            if relation is not None:
                code[i] = max(code[i], RELATION_CODES[relation])
    del index
    n = len(nodes)
    codes = np.zeros(n, dtype=np.int8)
    codes[: len(code)] = code
    open_weights = np.zeros(n, dtype=bool)
    rank = np.zeros(n, dtype=np.int8)
    for i, model in enumerate(found.models):
        open_weights[i] = weights_access(model.licence) in OPEN_WEIGHTS
        if model.licence is not None:
            rank[i] = RANKS.get(model.licence, 0)
    # minted models first, in IRI order, which is their label order (the label is the repo
    # id the IRI ends with): a view ordered by label then pages without sorting them
    # (by the bare IRI: with the closing ">" a repo id would sort after its own extensions)
    minted = [i for i, iri in enumerate(iris) if iri.startswith(MODEL_BASE)]
    first = sorted(minted, key=iris.__getitem__)
    is_first = np.zeros(n, dtype=bool)
    is_first[first] = True
    order = np.concatenate([np.array(first, np.int64), np.flatnonzero(~is_first)])
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    pairs = np.unique(position[np.asarray(src, np.int64)] * n + position[np.asarray(dst, np.int64)])
    children, parents = pairs // n, pairs % n
    saved = SavedLineage(
        [nodes[i] for i in order],
        children,
        parents,
        codes[order][children],
        open_weights[order],
        rank[order],
        label_sorted=len(first),
    )
    try:
        return save_arrays(store_path, graph, import_id, saved)
    except OSError as exc:
        log.warning(
            "could not save the lineage projection of %s (%s): analyses will query", graph, exc
        )
        return None


def _commit_saved(store_path: Path, key: dict, triples: int) -> None:
    """Make the saved arrays usable: write their key with the graph's triple count."""
    from govkg.graph.analysis.lineage_cache import commit_key

    try:
        commit_key(store_path, key, triples=triples)
    except OSError as exc:
        log.warning("could not save the lineage key of %s (%s)", key["graph"], exc)


def _remove_stale_work_files(store_path: Path) -> None:
    """Delete work files left by imports that were killed (their process is gone)."""
    for stale in store_path.parent.glob(f".{store_path.name}.huggingface-*.nt"):
        pid = stale.name.rsplit("-", 1)[-1].removesuffix(".nt")
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _curated_index(store_path: Path) -> CuratedIndex:
    """Read the curated names, then release the store (the bulk load takes it over)."""
    from govkg.graph.store.backend import open_backend

    store = open_backend(store_path)
    try:
        return CuratedIndex.from_store(store)
    finally:
        del store
        gc.collect()


def _collect(files: list[Path], report: HubImportReport, progress: Progress | None) -> _Collected:
    """Read and check every row; skip unusable rows and duplicate ids, record dropped values."""
    total = count_rows(files)
    found = _Collected(models=[], index_of={}, where=[])

    def on_problem(file: str, line: int | None, field: str | None, message: str) -> None:
        report.skip(Problem(message, file=file, line=line, field=field))

    for batch in read_snapshot(files, on_problem):
        for located in batch:
            report.rows_read += 1
            file, line = located.file, located.line
            model, problems = check_row(located.raw)
            if model is None:
                field, message = problems[0]
                report.skip(Problem(f"row skipped: {message}", file=file, line=line, field=field))
                continue
            first = found.index_of.get(model.id)
            if first is not None:
                at = ":".join(map(str, found.where[first]))
                report.skip(
                    Problem(f"duplicate id {model.id}: first at {at}", file, line, field="id")
                )
                continue
            for field, message in problems:
                report.warn(Problem(f"{model.id}: {message}", file=file, line=line, field=field))
            found.index_of[model.id] = len(found.models)
            found.models.append(model)
            found.where.append((file, line))
        if progress is not None:
            progress(report.rows_read, max(total, report.rows_read))
    return found


def _link(
    found: _Collected, iris: list[str], index: CuratedIndex, report: HubImportReport
) -> dict[int, list[tuple[str, str | None]]]:
    """``{model index: [(base IRI, relation)]}`` after dropping links that cannot stand."""
    src: list[int] = []
    dst: list[int] = []
    relations: list[str | None] = []
    links: dict[int, list[tuple[str, str | None]]] = {}

    def drop(i: int, message: str) -> None:
        file, line = found.where[i]
        report.warn(Problem(f"{found.models[i].id}: {message}", file, line, field="base_model"))

    for i, model in enumerate(found.models):
        for base, relation in model.bases:
            j = found.index_of.get(base)
            if j is not None:
                src.append(i)
                dst.append(j)
                relations.append(relation)
                continue
            curated = index.model(base)
            if curated is None:
                drop(
                    i,
                    f"base model {base} is neither in this snapshot nor a curated model; "
                    "the lineage link is left out",
                )
            elif curated == iris[i]:
                drop(i, f"base model {base} is the same curated model; the link is left out")
            else:
                links.setdefault(i, []).append((curated, relation))
                report.links += 1
    on_cycle = cycle_edges(len(found.models), np.array(src, np.int64), np.array(dst, np.int64))
    for k, (i, j) in enumerate(zip(src, dst, strict=True)):
        if on_cycle[k]:
            drop(i, f"the link to {found.models[j].id} is on a lineage cycle; left out")
        elif iris[i] == iris[j]:
            drop(i, f"base model {found.models[j].id} is the same curated model; left out")
        else:
            links.setdefault(i, []).append((iris[j], relations[k]))
            report.links += 1
    return links


def _model_iris(
    found: _Collected, index: CuratedIndex, report: HubImportReport
) -> tuple[list[str], set[int]]:
    """Each model's IRI (its curated model's, for the first row only, else a minted one) and
    the indexes of the models that are curated."""
    iris: list[str] = []
    taken: dict[str, int] = {}
    for i, model in enumerate(found.models):
        curated = index.model(model.id)
        if curated is not None and curated in taken:
            file, line = found.where[i]
            first = found.models[taken[curated]].id
            report.warn(
                Problem(
                    f"{model.id}: resolves to the curated model <{curated}> already linked to "
                    f"{first}; imported as its own model",
                    file,
                    line,
                    field="id",
                )
            )
            curated = None
        if curated is not None:
            taken[curated] = i
            report.merged += 1
            report.merged_names.append((model.id, curated))
            iris.append(curated)
        else:
            iris.append(model_iri(model.id))
    report.created = len(iris) - len(taken)
    return iris, set(taken.values())


def _write_models(
    writer: TripleWriter,
    found: _Collected,
    iris: list[str],
    merged: set[int],
    links: dict[int, list[tuple[str, str | None]]],
    index: CuratedIndex,
) -> None:
    """Every model and, once each, its author."""
    for i, model in enumerate(found.models):
        author = None
        if model.author:
            author = writer.author(model.author, index.organisation(model.author))
        writer.model(model, iris[i], i in merged, author, links.get(i, []))


def _write_provenance(
    writer: TripleWriter,
    report: HubImportReport,
    day: date,
    path: Path,
    graph: str,
    import_id: str,
) -> None:
    """The gk:Source of the snapshot and the import activity with its counts and problems."""
    info = DatasetInfo(
        source_id=f"dataset-huggingface-{day.isoformat()}",
        graph_id=graph.rsplit("/", 1)[-1],
        title=f"Hugging Face Hub model metadata, snapshot of {day.isoformat()}",
        publisher=PUBLISHER,
        url=HUB_URL,
        identifier=path.name,
        published=day,
    )
    now = datetime.now(UTC).replace(microsecond=0)
    for s, p, o in provenance_triples(info, now):
        writer.line(str(s), str(p), str(o))
    activity = f"<{ID}hf/import/{day.isoformat()}>"
    g, gk, prov = f"<{graph}>", str(GK), str(PROV)
    integer = f"^^<{XSD}integer>"
    writer.line(g, f"<{prov}wasGeneratedBy>", activity)
    writer.line(activity, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{prov}Activity>")
    writer.line(activity, f"<{prov}used>", str(info.source))
    # a random id per import: the key of the lineage arrays saved beside the store
    writer.line(activity, DCTERMS_IDENTIFIER, literal(import_id))
    stamp = ox.Literal(now.isoformat(), datatype=ox.NamedNode(f"{XSD}dateTime"))
    writer.line(activity, f"<{prov}endedAtTime>", str(stamp))
    writer.line(activity, f"<{gk}rowsRead>", f'"{report.rows_read}"{integer}')
    writer.line(activity, f"<{gk}rowsSkipped>", f'"{len(report.skipped)}"{integer}')
    for problem in report.skipped:
        writer.line(activity, f"<{gk}skippedRecord>", literal(str(problem)))
    for problem in report.warnings:
        writer.line(activity, f"<{gk}droppedValue>", literal(str(problem)))
