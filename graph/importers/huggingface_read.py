"""Reading Hub metadata snapshots in bounded memory: parquet by row group, JSON Lines by line.

Why row groups: a full snapshot is ~330 MB of parquet and ~2M rows; decoded into Python all at
once it would take many GB. :func:`read_snapshot` yields one row group (or 50,000 lines) at a
time, reading only the columns the importer maps, so memory stays at one batch plus what the
importer keeps per model.

A file that cannot be read at all (a truncated parquet file has no footer) and a row group or
line that does not decode are reported through ``on_problem`` and skipped; the caller decides
whether that is fatal (strict mode) or recorded (lenient).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.graph.errors import NotFoundError

#: The columns the importer maps (others in the file are never decoded).
COLUMNS = (
    "id",
    "modelId",
    "author",
    "createdAt",
    "tags",
    "cardData",
    "pipeline_tag",
    "library_name",
    "downloads",
    "base_model",
)
SUFFIXES = (".parquet", ".jsonl", ".ndjson", ".json")
JSONL_BATCH = 20_000
#: Rows decoded into Python at a time (a row group of 100,000 rows is read in 5 steps).
PARQUET_BATCH = 20_000


@dataclass(frozen=True)
class Located:
    """A raw row and where it was: file and row number (parquet) or line number (JSON Lines)."""

    file: str
    line: int
    raw: dict[str, Any]


#: ``on_problem(file, line, field, message)`` for rows, row groups or files that cannot be read.
OnProblem = Callable[[str, int | None, str | None, str], None]


def snapshot_files(path: Path) -> list[Path]:
    """The files of a snapshot: ``path`` itself, or the data files of a folder, sorted."""
    path = Path(path)
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
        if files:
            return files
        raise NotFoundError(f"no .parquet or .jsonl files in the folder {path}")
    raise NotFoundError(f"no Hugging Face snapshot at {path} (a parquet file, a folder, JSONL)")


def count_rows(files: list[Path]) -> int:
    """Rows in the parquet files from their footers (0 for JSON Lines: unknown until read)."""
    import pyarrow.parquet as pq

    total = 0
    for file in files:
        if file.suffix == ".parquet":
            try:
                total += pq.ParquetFile(str(file)).metadata.num_rows
            except Exception:  # noqa: BLE001 - reported when the file is read
                continue
    return total


def read_snapshot(files: list[Path], on_problem: OnProblem) -> Iterator[list[Located]]:
    """Batches of rows from every file, in order."""
    for file in files:
        if file.suffix == ".parquet":
            yield from _parquet_batches(file, on_problem)
        else:
            yield from _jsonl_batches(file, on_problem)


def _parquet_batches(file: Path, on_problem: OnProblem) -> Iterator[list[Located]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(file)
    try:
        parquet = pq.ParquetFile(name)
    except (OSError, pa.ArrowException) as exc:
        on_problem(name, None, None, f"not a readable parquet file ({exc}); the file is skipped")
        return
    present = set(parquet.schema_arrow.names)
    columns = [c for c in COLUMNS if c in present]
    if "id" not in present and "modelId" not in present:
        on_problem(name, None, "id", "no 'id' or 'modelId' column; the file is skipped")
        return
    row = 0
    for group in range(parquet.metadata.num_row_groups):
        rows_in_group = parquet.metadata.row_group(group).num_rows
        start = row
        try:
            for batch in parquet.iter_batches(
                batch_size=PARQUET_BATCH, row_groups=[group], columns=columns
            ):
                records = batch.to_pylist()
                yield [Located(name, row + i + 1, r) for i, r in enumerate(records)]
                row += len(records)
        except (OSError, pa.ArrowException) as exc:
            on_problem(
                name,
                row + 1,
                None,
                f"row group {group} cannot be decoded from row {row + 1} ({exc}); its "
                f"remaining {start + rows_in_group - row} rows are skipped",
            )
        row = start + rows_in_group


def _jsonl_batches(file: Path, on_problem: OnProblem) -> Iterator[list[Located]]:
    name = str(file)
    batch: list[Located] = []
    try:
        handle = file.open("r", encoding="utf-8", errors="replace")
    except OSError as exc:
        on_problem(name, None, None, f"cannot be read ({exc}); the file is skipped")
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError as exc:
                on_problem(name, number, None, f"not a JSON object ({exc.args[0][:60]})")
                continue
            if not isinstance(raw, dict):
                on_problem(name, number, None, "not a JSON object")
                continue
            batch.append(Located(name, number, raw))
            if len(batch) >= JSONL_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch
