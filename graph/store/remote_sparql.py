"""The remote backend's wire: a server's responses, its errors and its results.

Why apart from the backend class: what a SPARQL server answers (status codes, Virtuoso's error
texts with the user's line numbers, SPARQL JSON/XML results, N-Triples) is parsed here into
govkg errors and pyoxigraph results. What goes into the query text (prologue, form check,
``VALUES`` binding, ``GRAPH`` constants) is :mod:`govkg.graph.sparql_text`'s.
"""

from __future__ import annotations

import io
import json
import re

import httpx
import pyoxigraph as ox
from govkg.graph.errors import (
    AuthenticationError,
    BackendError,
    ForbiddenOperationError,
    InputError,
    QuerySyntaxError,
    ResultTooLargeError,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def check_response(response: httpx.Response, url: str, sparql_lines: int | None) -> httpx.Response:
    """``response`` if it succeeded, else the govkg error for its status, naming ``url``.

    ``sparql_lines`` is given when the request carried a query or update: then a 400 is the
    server's verdict on the user's text, a :class:`QuerySyntaxError` (see
    :func:`server_syntax_error`); otherwise a 400 is an :class:`InputError`.
    """
    status = response.status_code
    if status < 400:
        return response
    detail = " ".join(response.text.split())[:500]
    if status == 401:
        raise AuthenticationError(
            f"the SPARQL server at {url} refused the credentials (HTTP 401); "
            "check --user/--password/--auth or --bearer"
        )
    if status == 403:
        raise ForbiddenOperationError(f"the SPARQL server at {url} refused: {detail}")
    if status == 400 and sparql_lines is not None:
        raise QuerySyntaxError(server_syntax_error(response.text, url, sparql_lines))
    if status == 400:
        raise InputError(f"the SPARQL server at {url} rejected the request: {detail}")
    raise BackendError(f"the SPARQL server at {url} failed (HTTP {status}): {detail}")


def server_syntax_error(body: str, url: str, shift: int) -> str:
    """The message of a query or update the server rejected (HTTP 400), in the user's lines.

    Virtuoso answers ``Virtuoso 37000 Error SP030: SPARQL compiler, line N: syntax error at
    ...`` and echoes the query after ``SPARQL query:`` with its dataset pragmas (left out here:
    long and not the user's text); Oxigraph server answers ``error at L:C: ...``. Line numbers
    count the ``shift`` lines govkg prepended (BASE/PREFIX), so they are moved back by that.
    """
    text = " ".join(body.split("\nSPARQL query:")[0].split())[:500] or "no detail given"

    def user_line(m: re.Match[str]) -> str:
        line = int(m.group(2))
        return m.group(1) + str(max(line - shift, 1) if line else line)

    text = re.sub(r"(\bline )(\d+)", user_line, text)
    text = re.sub(r"(\berror at )(\d+)(?=:\d+)", user_line, text)
    return f"SPARQL syntax error: {text} (reported by the SPARQL server at {url})"


def parse_results(response: httpx.Response, url: str, *, ask: bool = False) -> QueryResult:
    """pyoxigraph results from a server response (SPARQL JSON/XML/TSV or an RDF graph).

    A response cut at the server's row limit is refused, never passed on as the answer:
    Virtuoso stops at its ``ResultSetMaxRows`` and says so only in an ``X-SPARQL-MaxRows``
    header (a 200 with the first rows; docs/remote.md).
    """
    capped = response.headers.get("x-sparql-maxrows")
    if capped is not None:
        raise ResultTooLargeError(
            f"the SPARQL server at {url} stopped the answer at its limit of {capped} rows "
            "(X-SPARQL-MaxRows; Virtuoso's ResultSetMaxRows), and govkg does not pass on a "
            "partial answer: narrow the query, page it, or raise the server's limit"
        )
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    body = response.content
    try:
        if ctype in ("application/sparql-results+json", "application/json"):
            data = json.loads(body)
            _normalise_json(data, ask=ask)
            return ox.parse_query_results(json.dumps(data), ox.QueryResultsFormat.JSON)
        if ctype in ("application/sparql-results+xml", "application/xml"):
            return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
        if ctype == "text/tab-separated-values":
            return ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
        fmt = (
            ox.RdfFormat.N_TRIPLES if ctype == "text/plain" else ox.RdfFormat.from_media_type(ctype)
        )
        if fmt is None:
            raise BackendError(f"the SPARQL server at {url} answered with unknown type {ctype!r}")
        holder = ox.Store()
        holder.load(io.BytesIO(body), format=fmt)
        return holder.query("CONSTRUCT WHERE { ?s ?p ?o }")
    except (SyntaxError, ValueError) as exc:
        raise BackendError(f"the SPARQL server at {url} sent an unreadable answer: {exc}") from None


def _normalise_json(data: dict, *, ask: bool = False) -> None:
    """Fix Virtuoso's JSON in place: ``typed-literal`` → ``literal``; booleans ``1``/``0``.

    Virtuoso answers an ASK sent with dataset parameters as a one-column SELECT of
    ``__ASK_RETVAL`` (1 or 0, or no row); that becomes the standard ``{"boolean": ...}``.
    """
    if ask and data.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = data.get("results", {}).get("bindings", [])
        value = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") not in ("0", None)
        data.clear()
        data.update({"head": {}, "boolean": value})
        return
    for binding in data.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            if term.get("datatype") == XSD_BOOLEAN and term.get("value") in ("1", "0"):
                term["value"] = "true" if term["value"] == "1" else "false"
