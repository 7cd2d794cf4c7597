"""A named question's whole answer, written out as the engine yields its rows.

Why: a page is enough to read, but an analyst who wants all 500,000 rows of ``timeline`` at
five million triples should get them in one request without anyone holding them in memory.
:func:`run_question` collects an answer into a :class:`~govkg.graph.results.ResultTable`
(Python objects for every cell, then a JSON document of them); :func:`write_answer` instead
converts each row as the engine hands it over and writes it to a binary file, so memory stays
flat whatever the answer's size. The server's query workers write it to a spool file, which
the server then sends in pieces (docs/questions.md, "Whole answers").

The formats are the paged answer's, row for row:

- ``text/csv``: a header of the columns, then each cell's plain value (an IRI's text, a
  literal's lexical form; empty when unbound), RFC 4180 quoting, CRLF line ends: the CSV of
  ``GET /questions/{name}`` with ``Accept: text/csv``.
- ``application/json``: the one answer shape (:meth:`QuestionResult.to_json_obj`) with
  ``limit`` ``null``. Its ``kinds`` need every row, so they come after ``rows`` in the text;
  the parsed object is the same.

>>> import io
>>> from govkg.graph.store.embedded import Store
>>> out = io.BytesIO()
>>> write_answer(Store.in_memory(), "developers-by-stance", {}, out, "text/csv")
0
>>> out.getvalue().decode().splitlines()[0].split(",")[:2]
['developer', 'developerLabel']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from govkg.graph.errors import ParameterError, ResultTooLargeError
from govkg.graph.questions import bind_params, count_rows, get_question, paged_text
from govkg.graph.results import Term, delimited, fold_kinds, kept_columns, kind_of, plain_value
from govkg.graph.store.backend import Backend, solutions
from govkg.ontology import PREFIXES

#: The formats :func:`write_answer` writes.
MEDIA_TYPES = ("text/csv", "application/json")
#: Rows converted between two writes to the file.
BATCH = 1000


class _Budget:
    """A binary file that refuses to grow past ``limit`` bytes (``None``: no limit)."""

    def __init__(self, out: BinaryIO, limit: int | None) -> None:
        self.out, self.limit, self.written = out, limit, 0

    def write(self, data: bytes) -> None:
        self.written += len(data)
        if self.limit is not None and self.written > self.limit:
            raise ResultTooLargeError(
                f"the whole answer is larger than {self.limit >> 20} MiB, the most this server "
                "writes; page it (limit and offset) or narrow it with the question's parameters"
            )
        self.out.write(data)


def write_answer(
    store: Backend,
    name: str,
    params: dict[str, str] | None,
    out: BinaryIO,
    media_type: str,
    *,
    offset: int = 0,
    total: bool = False,
    max_bytes: int | None = None,
) -> int:
    """Write the whole answer of question ``name`` (from row ``offset``) to ``out``.

    ``total``: the JSON ends with the full answer's row count, as a counted page's does.

    Returns the number of rows written. Raises what :func:`run_question` raises for a bad
    question or parameter, and :class:`~govkg.graph.errors.ResultTooLargeError` once more
    than ``max_bytes`` would be written (what was written so far is then incomplete: the
    caller discards it).
    """
    if media_type not in MEDIA_TYPES:
        raise ParameterError(f"a whole answer is written as {' or '.join(MEDIA_TYPES)}")
    question = get_question(name)
    substitutions, used = bind_params(question, params or {})
    text = paged_text(question, None, offset)
    result = solutions(store.query(text, substitutions=substitutions, prefixes=PREFIXES))
    columns, positions = kept_columns(result.variables, question.hidden)
    rows = ([solution[i] for i in positions] for solution in result)
    sink = _Budget(out, max_bytes)
    if media_type == "text/csv":
        return _write_csv(sink, columns, rows)
    head = {"question": question.name, "params": dict(used), "columns": columns}
    count = _write_json(sink, head, columns, rows)
    tail: dict[str, Any] = {"limit": None, "offset": offset, "next_offset": None}
    if total:
        past_the_end = offset and not count  # then count what the answer has, as a page does
        tail["total"] = (
            count_rows(store, question, substitutions) if past_the_end else offset + count
        )
    sink.write((", " + json.dumps(tail)[1:]).encode())
    return count


def _batches(rows: Iterable[list[Term | None]]) -> Iterable[list[list[Term | None]]]:
    batch: list[list[Term | None]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_csv(sink: _Budget, columns: list[str], rows: Iterable[list[Term | None]]) -> int:
    """The header, then the rows a batch at a time, through the one CSV writer."""
    count = 0
    for batch in _batches(rows):
        cells = (["" if t is None else t.value for t in row] for row in batch)
        sink.write(delimited(columns, cells, newline="\r\n", header=not count).encode())
        count += len(batch)
    if not count:
        sink.write(delimited(columns, [], newline="\r\n").encode())
    return count


def _write_json(
    sink: _Budget, head: dict[str, Any], columns: Sequence[str], rows: Iterable[list[Term | None]]
) -> int:
    """The answer's head, rows and kinds; the caller closes the object with its paging."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]  # without its closing brace
    sink.write(f'{opening}, "rows": ['.encode())
    seen: list[set[str]] = [set() for _ in columns]
    count = 0
    for batch in _batches(rows):
        for row in batch:
            for i, term in enumerate(row):
                if term is not None and len(seen[i]) < 2:
                    seen[i].add(kind_of(term) or "")
        cells = [{c: plain_value(t) for c, t in zip(columns, row, strict=True)} for row in batch]
        listed = json.dumps(cells, ensure_ascii=False)[1:-1]  # the rows without the brackets
        sink.write(((", " if count else "") + listed).encode())
        count += len(batch)
    kinds = {c: fold_kinds(s) for c, s in zip(columns, seen, strict=True)}
    sink.write(f'], "kinds": {json.dumps(kinds)}'.encode())
    return count
