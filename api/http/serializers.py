"""SPARQL results and RDF serialisation for the HTTP API (runs inside query workers).

Two ways to write a SELECT result:

- **natively** (:func:`native_select`, pyoxigraph's ``QuerySolutions.serialize``, several
  times faster) for SPARQL JSON and XML. The native writer consumes the whole iterator, so the
  row cap cannot stop it early: it writes into a :class:`BoundedSink` (a byte budget bounds
  memory) and :func:`solutions_over` counts the written solutions exactly afterwards. Its
  output is the same results document as the Python writers' (checked term by term in
  tests/api/test_worker_native.py), without the optional whitespace.
- **in Python** (the ``select_*`` writers): rows are collected (at most ``max_results``) and
  written here; used when a native result outgrows its budget, and always for CSV and TSV:
  govkg writes doubles in CSV in XSD canonical form and TSV terms in the forms its clients
  already parse, where the native writers differ (``1000000`` for ``1.0E6``, bare
  ``1.5``/``true``, raw control characters, RDF 1.2 triple-term syntax).

Graphs are written by pyoxigraph from the collected triples.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import IO, cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from govkg.graph.results import delimited, term_json
from govkg.graph.store.formats import format_for_media_type

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Row = list  # list[ox term | None], aligned with the variable names

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}

QUAD_FORMATS = {"application/trig", "application/n-quads"}


def _term_xml(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_term_xml(term.subject)}</subject>"
            f"<predicate>{_term_xml(term.predicate)}</predicate>"
            f"<object>{_term_xml(term.object)}</object></triple>"
        )
    return f"<literal>{escape(str(term))}</literal>"


def select_json(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL 1.1 Query Results JSON for a SELECT."""
    bindings = [
        {v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode()


def select_xml(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL Query Results XML for a SELECT."""
    out = [
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "<head>",
        *(f"<variable name={quoteattr(v)}/>" for v in variables),
        "</head>\n<results>",
    ]
    for row in rows:
        out.append("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


XSD = "http://www.w3.org/2001/XMLSchema#"
FLOATING = {XSD + "double", XSD + "float"}


def canonical_double(lexical: str) -> str:
    """The XSD canonical form of a double/float (``1000000`` -> ``1.0E6``).

    Why: the store keeps doubles as numbers and writes them back in a shortest form, which
    loses the ``E`` notation the data had; CSV has no datatype, so the canonical form is the
    only way a reader can still tell a double from an integer.
    """
    try:
        value = float(lexical)
    except ValueError:
        return lexical
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0.0E0" if str(value).startswith("-") else "0.0E0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(str(d) for d in digits)
    mantissa = f"{text[0]}.{text[1:] or '0'}"
    return f"{'-' if sign else ''}{mantissa}E{len(text) - 1 + int(exponent)}"


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal) and term.datatype.value in FLOATING:
        return canonical_double(term.value)
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def select_csv(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL 1.1 CSV results: plain values, RFC 4180 quoting, CRLF line ends."""
    cells = ([_csv_value(t) for t in row] for row in rows)
    return delimited(variables, cells, newline="\r\n").encode()


def _tsv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#integer" and term.value.lstrip("+-").isdigit():
            return term.value
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def select_tsv(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL 1.1 TSV results: terms in Turtle/N-Triples syntax."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def ask(value: bool, media_type: str) -> bytes:
    """An ASK result in any of the four result formats."""
    text = "true" if value else "false"
    if media_type == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type == "application/sparql-results+xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{text}</boolean></sparql>\n"
        ).encode()
    if media_type == "text/csv":
        return f"_askResult\r\n{text}\r\n".encode()
    return f"?_askResult\n{text}\n".encode()


SELECT_WRITERS = {
    "application/sparql-results+json": select_json,
    "application/sparql-results+xml": select_xml,
    "text/csv": select_csv,
    "text/tab-separated-values": select_tsv,
}


def graph(triples: list, media_type: str) -> bytes:
    """Triples in an RDF format; quad formats put them in the default graph."""
    fmt = format_for_media_type(media_type)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(quads, format=fmt) or b""
    return ox.serialize(triples, format=fmt) or b""


#: The SELECT result formats pyoxigraph writes exactly as clients expect (see the module doc).
NATIVE_SELECT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


class BudgetExceeded(Exception):
    """Raised by :class:`BoundedSink` to stop a native writer that outgrew its budget."""


class BoundedSink:
    """A binary file-like target for pyoxigraph's writers that refuses to grow past ``budget``.

    pyoxigraph writes through it in chunks (8 KiB) and passes the exception raised here back
    to the caller, so a runaway result stops within one chunk of the budget.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.overflowed = False
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        """Keep ``data``, or raise :class:`BudgetExceeded` once the budget is passed."""
        self.size += len(data)
        if self.size > self.budget:
            self.overflowed = True
            self._parts.clear()
            raise BudgetExceeded(f"native output passed {self.budget} bytes")
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def getvalue(self) -> bytes:
        """Everything written so far."""
        return b"".join(self._parts)


def native_select(result: ox.QuerySolutions, media_type: str, output: BoundedSink) -> None:
    """Write the whole SELECT result with pyoxigraph's serialiser (consumes it) to ``output``."""
    # BoundedSink has the one method the serialiser calls (write): a binary file to it.
    result.serialize(cast(IO[bytes], output), format=NATIVE_SELECT_FORMATS[media_type])


def solutions_over(body: bytes, media_type: str, cap: int) -> bool:
    """Whether a natively written SELECT result holds more than ``cap`` solutions (exact).

    XML: every solution is one ``<result>`` element, and ``<`` inside values is escaped, so the
    tag's bytes occur nowhere else. JSON: every solution is an object, so the number of ``{``
    bytes (less the document's three) bounds the count from above and usually settles it; only
    above the cap are the solutions counted exactly (:func:`json_solution_count`).
    """
    if media_type == "application/sparql-results+xml":
        return body.count(b"<result>") > cap
    if body.count(b"{") - 3 <= cap:
        return False
    return json_solution_count(body) > cap


def json_solution_count(body: bytes) -> int:
    """The number of solutions in a compact SPARQL JSON SELECT document.

    With every string removed, the document is ``{:{:[,,]},:{:[{...},{...}]}}``: solutions
    are the only objects that follow ``[`` or ``,`` (binding values and triple parts follow a
    key's ``:``, and ``vars`` holds only strings).
    """
    if b'\\"' not in body:  # no escaped quote: every '"' opens or closes a string
        skeleton = b"".join(body.split(b'"')[::2])
    else:
        skeleton = _JSON_STRING.sub(b"", body)
    skeleton = re.sub(rb"\s+", b"", skeleton)
    return skeleton.count(b"[{") + skeleton.count(b",{")
