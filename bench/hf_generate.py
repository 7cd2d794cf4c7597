"""Synthetic Hugging Face Hub snapshots in the public ``models.parquet`` schema, for benchmarks
and tests of ``govkg import huggingface``.

Why synthetic: the real daily snapshots (~330 MB parquet, ~2M models) cannot be downloaded on
these machines (``shared/notes/libraries-and-hub-data.md``), and tests need small files whose
every messy case is known. The shape follows what is public about the Hub:

- a few base families hold most derivatives (family sizes drawn from a Zipf law), the first
  families named like real base models (``meta-llama/Llama-3.1-405B`` ...), so that curated
  entities are found;
- lineage depth up to :data:`MAX_DEPTH` (6) below a base; relations mostly ``quantized`` and
  ``finetune``, then ``adapter`` and ``merge`` (a merge has two bases);
- the lineage is declared in ``cardData`` (``base_model`` + ``base_model_relation``) for some
  rows and only in ``base_model:<relation>:<repo>`` tags for others, as on the Hub;
- a licence mix (``license:<id>`` tags), mostly inherited from the base, sometimes changed;
- a small share of missing and malformed fields: no creation date, an unparseable date, a
  malformed licence tag, an unknown relation, a base that is not in the file, a model that is
  its own base, a duplicate id.

Deterministic for a given seed and size; rows are produced in chunks, so 2M rows never sit in
memory at once (only a few integers per row of family bookkeeping).

    .venv/bin/python bench/hf_generate.py 100000 var/bench/hf-100k.parquet
    .venv/bin/python bench/hf_generate.py 1000 /tmp/hf.jsonl --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

MAX_DEPTH = 6
#: Base models named like real ones (the first families, which are also the largest).
REAL_BASES = (
    ("meta-llama", "Llama-3.1-405B", "llama3.1"),
    ("meta-llama", "Llama-3.1-8B", "llama3.1"),
    ("Qwen", "Qwen2.5-7B", "apache-2.0"),
    ("mistralai", "Mistral-7B-v0.1", "apache-2.0"),
    ("google", "gemma-2-9b", "gemma"),
    ("meta-llama", "Llama-3.1-70B", "llama3.1"),
    ("microsoft", "phi-2", "mit"),
    ("EleutherAI", "pythia-1b", "apache-2.0"),
)
LICENCES = (
    ("apache-2.0", 30),
    ("mit", 15),
    ("llama3.1", 10),
    ("cc-by-nc-4.0", 8),
    ("openrail", 6),
    ("gemma", 5),
    ("cc-by-4.0", 5),
    ("other", 6),
    ("gpl-3.0", 3),
    ("cc-by-sa-4.0", 3),
    ("bsd-3-clause", 2),
)
RELATIONS = (("quantized", 40), ("finetune", 38), ("adapter", 14), ("merge", 8))
PIPELINES = ("text-generation", "text2text-generation", "feature-extraction", None)
LIBRARIES = ("transformers", "gguf", "peft", "mlx", "safetensors", None)
COLUMNS = (
    "id",
    "author",
    "createdAt",
    "lastModified",
    "downloads",
    "likes",
    "tags",
    "pipeline_tag",
    "library_name",
    "cardData",
)
EPOCH = datetime(2022, 1, 1, tzinfo=UTC)


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


class _Families:
    """Per family: the (row, depth) of its members, to draw a parent of depth < 6."""

    def __init__(self) -> None:
        self.members: list[list[tuple[int, int]]] = []
        self.cumulative: list[float] = []  # cumulative weights: a draw is a bisection

    def add_family(self, row: int) -> int:
        rank = len(self.members) + 1
        self.members.append([(row, 0)])
        weight = 1.0 / rank**1.1  # Zipf: a few families hold most derivatives
        self.cumulative.append((self.cumulative[-1] if self.cumulative else 0.0) + weight)
        return rank - 1

    def parent(self, rng: random.Random) -> tuple[int, int, int]:
        """(row, depth, family) of a member that may take a child (depth below 6)."""
        family = rng.choices(range(len(self.members)), cum_weights=self.cumulative)[0]
        members = self.members[family]
        # most derivatives hang off the base or a shallow member; walk down now and then
        for _ in range(4):
            row, depth = members[0] if rng.random() < 0.45 else rng.choice(members)
            if depth < MAX_DEPTH:
                return row, depth, family
        return members[0][0], 0, family


def generate_rows(n: int, seed: int = 1, *, messy: float = 0.01) -> Iterator[dict[str, Any]]:
    """``n`` rows as dicts in the snapshot schema; ``messy`` is the share of bad fields.

    >>> rows = list(generate_rows(50, seed=3))
    >>> len(rows), rows[0]["id"]
    (50, 'meta-llama/Llama-3.1-405B')
    >>> rows == list(generate_rows(50, seed=3))
    True
    """
    rng = random.Random(seed)
    families = _Families()
    ids: list[str] = []
    licences: list[str | None] = []
    roots = max(len(REAL_BASES), n // 400)
    for row in range(n):
        created = EPOCH + timedelta(minutes=row * 3 + rng.randrange(3))
        bases: list[str] = []
        relation = None
        licence: str | None
        if row < len(REAL_BASES) or (len(families.members) < roots and rng.random() < 0.03):
            if row < len(REAL_BASES):
                author, name, licence = REAL_BASES[row]
            else:
                author = f"lab{len(families.members)}"
                name = f"base-{len(families.members)}-{rng.choice((1, 3, 7, 13, 70))}b"
                licence = _weighted(rng, LICENCES)
            families.add_family(row)
        else:
            parent, parent_depth, family = families.parent(rng)
            relation = _weighted(rng, RELATIONS)
            bases = [ids[parent]]
            if relation == "merge":
                bases.append(ids[families.parent(rng)[0]])
            author = f"user{rng.randrange(max(n // 20, 10))}"
            name = f"{ids[parent].split('/')[-1][:40]}-{relation[:4]}-{row}"
            inherited = licences[parent]
            licence = inherited if rng.random() < 0.85 else _weighted(rng, LICENCES)
            families.members[family].append((row, parent_depth + 1))
        model_id = f"{author}/{name}"
        record = _record(rng, model_id, author, created, licence, bases, relation, messy, ids)
        ids.append(model_id)
        licences.append(licence)
        yield record


def _record(
    rng: random.Random,
    model_id: str,
    author: str,
    created: datetime,
    licence: str | None,
    bases: list[str],
    relation: str | None,
    messy: float,
    ids: list[str],
) -> dict[str, Any]:
    """One row: lineage in card data or in tags only, with the configured share of mess."""
    tags = ["transformers", "safetensors"]
    card: dict[str, Any] = {}
    created_text: str | None = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if licence is not None and rng.random() < 0.05:
        licence = None  # no licence declared at all
    roll = rng.random
    if bases and roll() < messy:
        bases = [model_id]  # its own base
    if bases and roll() < messy:
        bases = [f"ghost{rng.randrange(1000)}/not-in-this-file"]
    if relation and roll() < messy:
        relation = rng.choice(("distilled", "pruned"))  # no such relation on the Hub
    if roll() < messy:
        created_text = None if roll() < 0.5 else "not-a-date"
    if licence is not None:
        if roll() < messy:
            tags.append(rng.choice(("license:", "license:Apache 2.0!!", "license")))
        else:
            tags.append(f"license:{licence}")
            card["license"] = licence
    if bases:
        if roll() < 0.6:
            card["base_model"] = bases[0] if len(bases) == 1 else bases
            card["base_model_relation"] = relation
        for base in bases:
            tags.append(f"base_model:{base}")
            tags.append(f"base_model:{relation}:{base}")
    if ids and roll() < messy / 2:
        model_id = ids[rng.randrange(len(ids))]  # a duplicate id
    return {
        "id": model_id,
        "author": author,
        "createdAt": created_text,
        "lastModified": created_text,
        "downloads": int(rng.paretovariate(1.2)) - 1,
        "likes": int(rng.paretovariate(2.0)) - 1,
        "tags": tags,
        "pipeline_tag": rng.choice(PIPELINES),
        "library_name": rng.choice(LIBRARIES),
        "cardData": json.dumps(card) if card else None,
    }


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_parquet(
    path: Path, n: int, seed: int = 1, *, chunk: int = 100_000, messy: float = 0.01
) -> Path:
    """Write ``n`` rows to a parquet file, one row group per ``chunk`` rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("id", pa.string()),
            ("author", pa.string()),
            ("createdAt", pa.string()),
            ("lastModified", pa.string()),
            ("downloads", pa.int64()),
            ("likes", pa.int64()),
            ("tags", pa.list_(pa.string())),
            ("pipeline_tag", pa.string()),
            ("library_name", pa.string()),
            ("cardData", pa.string()),
        ]
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(str(path), schema) as writer:
        for rows in _chunks(generate_rows(n, seed, messy=messy), chunk):
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return path


def write_jsonl(path: Path, n: int, seed: int = 1, *, messy: float = 0.01) -> Path:
    """Write ``n`` rows as JSON Lines."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in generate_rows(n, seed, messy=messy):
            out.write(json.dumps(row) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, help="number of rows")
    parser.add_argument("out", type=Path, help="output file (.parquet or .jsonl)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--messy", type=float, default=0.01, help="share of bad fields")
    args = parser.parse_args(argv)
    if args.out.suffix == ".jsonl":
        write_jsonl(args.out, args.rows, args.seed, messy=args.messy)
    else:
        write_parquet(args.out, args.rows, args.seed, messy=args.messy)
    print(f"wrote {args.rows} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
