"""SPARQL text kept in ``.rq`` files: reading them as package resources, and their header.

Why one module: govkg's SPARQL lives in ``.rq`` files next to the code that runs them (named
questions, competency questions, the storage layer's own queries, importers' look-ups). They
are read with :mod:`importlib.resources`, so they are found in a wheel or a zip as well as in a
source checkout, and every file starts with the same kind of header, parsed here once::

    # title: Open-weights models without a pre-deployment review
    # description: Models whose weights are downloadable on as_of ...
    #   continued on lines that start with "#" and two or more spaces.
    # param: as_of | date | today | the day the answer is true on

A header line ``# key: value`` starts a field (a key may repeat: ``param``); a ``#`` line with
more text continues the current field; a bare ``#`` ends it; the first line that is not a
comment ends the header.

    >>> fields = header_fields("# title: A\\n# description: one\\n#   two\\n#\\nSELECT * {}")
    >>> [(f.key, f.value, f.line) for f in fields]
    [('title', 'A', 1), ('description', 'one two', 2)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

_KEY = re.compile(r"^#\s?([a-z][a-z-]*):\s*(.*)$")


@dataclass
class HeaderField:
    """One ``# key: value`` field of a header, continuation lines joined, with its line."""

    key: str
    value: str
    line: int


def header_fields(text: str) -> list[HeaderField]:
    """The fields of the leading ``#`` block of a SPARQL text, in order."""
    fields: list[HeaderField] = []
    current: HeaderField | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line.startswith("#"):
            if line:
                break
            continue
        match = _KEY.match(line)
        body = line[1:].strip()
        if match and not raw.lstrip().startswith("#  "):
            current = HeaderField(match.group(1), match.group(2).strip(), lineno)
            fields.append(current)
        elif body and current is not None:
            current.value = f"{current.value} {body}".strip()
        elif not body:
            current = None
    return fields


def header(text: str) -> dict[str, str]:
    """The header as ``{key: value}`` (the last value of a repeated key).

    >>> header("# title: Counts\\n# returns: one row\\nSELECT (COUNT(*) AS ?n) {}")
    {'title': 'Counts', 'returns': 'one row'}
    """
    return {f.key: f.value for f in header_fields(text)}


def sparql_file(package: str, *parts: str) -> Traversable:
    """The ``.rq`` file at ``parts`` inside ``package`` (``"govkg.graph", "queries", "x.rq"``)."""
    node = files(package)
    for part in parts:
        node = node / part
    return node


def read_sparql(package: str, *parts: str) -> str:
    """The text of one ``.rq`` file shipped in ``package``.

    >>> read_sparql("govkg.graph.store", "queries", "internal", "stats.rq").startswith("#")
    True
    """
    return sparql_file(package, *parts).read_text(encoding="utf-8")


def sparql_files(package: str, *folder: str) -> list[Traversable]:
    """The ``.rq`` files of one folder of ``package``, sorted by name."""
    node = sparql_file(package, *folder)
    return sorted((f for f in node.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
