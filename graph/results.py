"""Tabular query answers and their serialisations (JSON, CSV, TSV, a readable table).

Why here and not in the CLI: named questions, ad-hoc ``govkg query`` and the HTTP API all turn
SPARQL solutions into rows of Python values; one class keeps the conversions (dates become
:class:`datetime.date`, numbers become ``int``/``float``, IRIs stay strings) identical everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyoxigraph as ox
from govkg.ontology import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def to_python(term: Term | None) -> Any:
    """A plain Python value for an RDF term (``None`` for unbound)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt == XSD + "date":
                return date.fromisoformat(term.value)
            if dt == XSD + "boolean":
                return term.value in ("true", "1")
            if dt in _INTS:
                return int(term.value)
            if dt in _FLOATS:
                return float(term.value)
        except ValueError:
            return term.value  # ill-typed literal: keep its text
        return term.value
    return str(term)


def term_json(term: Term | ox.Triple) -> dict[str, Any]:
    """A term as a SPARQL 1.1 Query Results JSON term object: the kind of every cell, kept.

    Named-question answers (CLI ``--format json`` and HTTP JSON) and the SPARQL endpoint's JSON
    results write cells this way, so an IRI is never mistaken for a literal.

    >>> term_json(ox.NamedNode("https://w3id.org/govkg/id/meta"))
    {'type': 'uri', 'value': 'https://w3id.org/govkg/id/meta'}
    >>> term_json(ox.Literal("2024-07-23", datatype=ox.NamedNode(XSD + "date")))["datatype"]
    'http://www.w3.org/2001/XMLSchema#date'
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    return {"type": "literal", "value": str(term)}


def json_rows(columns: Sequence[str], terms: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as SPARQL 1.1 JSON bindings: ``{column: term object}``, unbound cells left out."""
    return [
        {c: term_json(t) for c, t in zip(columns, row, strict=True) if t is not None}
        for row in terms
    ]


def kind_of(term: Term | None) -> str | None:
    """The JSON answer's kind of one cell: ``iri``, ``blank``, ``date``, ``boolean``,
    ``integer``, ``number`` or ``string`` (``None`` when unbound).

    >>> kind_of(ox.NamedNode("https://w3id.org/govkg/id/meta"))
    'iri'
    >>> kind_of(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
    'integer'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.BlankNode):
        return "blank"
    dt = term.datatype.value if isinstance(term, ox.Literal) else ""
    if dt == XSD + "date":
        return "date"
    if dt == XSD + "boolean":
        return "boolean"
    if dt in _INTS:
        return "integer"
    if dt in _FLOATS:
        return "number"
    return "string"


def column_kinds(columns: Sequence[str], terms: Sequence[Sequence[Term | None]]) -> dict[str, Any]:
    """Each column's kind over the rows given: one kind, ``mixed``, or ``None`` (never bound).

    Plain JSON values cannot tell an IRI from a string; this map can, per column.

    >>> column_kinds(["m", "n"], [[ox.NamedNode("https://x.org/a"), None]])
    {'m': 'iri', 'n': None}
    """
    out: dict[str, Any] = {}
    for i, name in enumerate(columns):
        out[name] = fold_kinds({k for row in terms if (k := kind_of(row[i])) is not None})
    return out


def fold_kinds(seen: set[str]) -> str | None:
    """A column's kind from the kinds of its bound cells: the one kind, ``mixed`` or ``None``.

    >>> fold_kinds({"iri"}), fold_kinds({"iri", "string"}), fold_kinds(set())
    ('iri', 'mixed', None)
    """
    return next(iter(seen)) if len(seen) == 1 else ("mixed" if seen else None)


def plain_value(term: Term | None) -> Any:
    """A cell as the JSON answer gives it: :func:`to_python`, dates as ISO text.

    >>> plain_value(ox.Literal("2024-07-23", datatype=ox.NamedNode(XSD + "date")))
    '2024-07-23'
    """
    value = to_python(term)
    return value.isoformat() if isinstance(value, date) else value


def kept_columns(
    variables: Sequence[ox.Variable], drop: Iterable[str]
) -> tuple[list[str], list[int]]:
    """The names of the result's columns not in ``drop`` (bound parameters), and their places.

    Rows are read by place: a lookup by variable name costs a third of the engine's time on
    large answers (docs/benchmarks.md, Named questions).
    """
    dropped = set(drop)
    kept = [(i, v.value) for i, v in enumerate(variables) if v.value not in dropped]
    return [name for _, name in kept], [i for i, _ in kept]


def shorten(iri: str) -> str:
    """``gkid:meta`` for ``https://w3id.org/govkg/id/meta``: readable IRIs in tables."""
    best = ""
    prefix_name = ""
    for name, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, prefix_name = ns, name
    return f"{prefix_name}:{iri[len(best) :]}" if best else iri


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _cell(value: Any) -> str:
    """Table cell text: IRIs (also space-separated lists of them) shortened."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return " ".join(shorten(part) for part in value.split(" "))
    return _text(value)


def delimited(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    newline: str = "\n",
    header: bool = True,
) -> str:
    """A header row and rows of text as CSV (``","``) or TSV (``"\\t"``), RFC 4180 quoting.

    The one CSV/TSV writer: the SPARQL CSV results (``newline="\\r\\n"``), the named questions'
    CSV over HTTP and every ``--format csv|tsv`` of the CLI go through it; what differs between
    them is how a cell is rendered, not how rows are written.

    >>> delimited(["a", "b"], [["1", "x,y"]])
    'a,b\\n1,"x,y"\\n'
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    if header:
        writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()


@dataclass
class ResultTable:
    """Columns and rows of RDF terms; ``rows`` gives them as Python values."""

    columns: list[str] = field(default_factory=list)
    terms: list[list[Term | None]] = field(default_factory=list)

    @classmethod
    def from_solutions(
        cls, solutions: ox.QuerySolutions, *, drop: Iterable[str] = ()
    ) -> ResultTable:
        """Collect a SELECT result, leaving out the variables in ``drop`` (bound parameters)."""
        columns, positions = kept_columns(solutions.variables, drop)
        terms = [[sol[i] for i in positions] for sol in solutions]
        return cls(columns=columns, terms=terms)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each row as ``{column: python value}``."""
        return [
            {c: to_python(t) for c, t in zip(self.columns, row, strict=True)} for row in self.terms
        ]

    def column(self, name: str) -> list[Any]:
        """All values of one column, in row order."""
        i = self.columns.index(name)
        return [to_python(row[i]) for row in self.terms]

    def to_json_obj(self) -> dict:
        """``{"columns": [...], "rows": [{...}]}`` with dates as ISO strings."""
        rows = [
            {c: plain_value(t) for c, t in zip(self.columns, row, strict=True)}
            for row in self.terms
        ]
        return {"columns": list(self.columns), "rows": rows}

    def to_json(self) -> str:
        """The result as a JSON document."""
        return json.dumps(self.to_json_obj(), indent=2, ensure_ascii=False)

    def to_delimited(self, delimiter: str) -> str:
        """CSV (``","``) or TSV (``"\\t"``) with a header row; values as plain text."""
        rows = ([_text(row[c]) for c in self.columns] for row in self.rows)
        return delimited(self.columns, rows, delimiter=delimiter)

    def to_rich(self, title: str | None = None):  # -> rich.table.Table
        """A rich table for terminals, with IRIs shortened by govkg's prefixes."""
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for c in self.columns:
            table.add_column(c, overflow="fold")
        for row in self.rows:
            table.add_row(*[_cell(v) for v in row.values()])
        return table

    def render(self, fmt: str) -> str:
        """Text in ``json``, ``csv`` or ``tsv``."""
        if fmt == "json":
            return self.to_json()
        if fmt == "csv":
            return self.to_delimited(",")
        if fmt == "tsv":
            return self.to_delimited("\t")
        raise ValueError(f"unknown output format {fmt!r}")
