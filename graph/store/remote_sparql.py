"""Wire formats for remote SPARQL servers: query form, prefixes, engine-bound VALUES, results.

Why this exists: the embedded store binds named-question parameters with pyoxigraph
``substitutions`` and predeclares govkg's prefixes through an API argument. A remote server
offers neither over the SPARQL Protocol, so the same effect is produced in the query text —
without ever formatting user text into it: every bound value is an RDF term that has already
been validated by type (``govkg.graph.questions.bind_value``) and is written with pyoxigraph's own
N-Triples term serialisation (``str(term)``), which escapes quotes, backslashes and newlines.

The values go into a ``VALUES`` block placed first inside the outer ``WHERE`` group (and
repeated inside each ``MINUS`` group, which is evaluated on its own): like an Oxigraph
substitution it binds the variable for every pattern and ``FILTER`` of the outer query, and
(also like a substitution) it does not reach inside sub-queries.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping

import httpx
import pyoxigraph as ox
from govkg.graph.errors import (
    AuthenticationError,
    BackendError,
    ForbiddenOperationError,
    InputError,
    QuerySyntaxError,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _tokens(text: str):
    """Yield ``(position, token)`` for braces and bare words, skipping comments/strings/IRIs."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            triple = text[i : i + 3] == c * 3
            quote = c * 3 if triple else c
            j = i + len(quote)
            while j < n and text[j : j + len(quote)] != quote:
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<":
            m = _IRI.match(text, i)
            i = m.end() if m else i + 1
        elif c in "{}":
            yield i, c
            i += 1
        elif c == "?" or c == "$":
            m = _WORD.match(text, i + 1)
            i = m.end() if m else i + 1
        else:
            m = _WORD.match(text, i)
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in ":_")):
                word = m.group(0)
                if text[m.end() : m.end() + 1] != ":":  # a prefixed name is not a keyword
                    yield i, word.upper()
                i = m.end()
            else:
                i += 1


def query_form(text: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``: the first keyword after the prologue.

    Why the *first* keyword, not any: Virtuoso executes SPARQL Update (and its own ``DEFINE``
    pragmas) sent as ``query=``, so ``INSERT {...} WHERE { { SELECT ... } }`` would write through
    a read-only govkg server. Only BASE/PREFIX declarations may come before the query form;
    anything else is a :class:`QuerySyntaxError` with its position, and nothing is sent.
    """
    for pos, tok in _tokens(text):
        if tok in ("BASE", "PREFIX"):
            continue
        if tok in _FORMS:
            return tok
        line, column = _position(text, pos)
        found = text[pos : pos + len(tok)]
        raise QuerySyntaxError(
            f"SPARQL syntax error at {line}:{column}: expected SELECT, CONSTRUCT, DESCRIBE or ASK "
            f"after the BASE/PREFIX declarations, found {found!r} (updates go in `update=`)"
        )
    raise QuerySyntaxError(
        "SPARQL syntax error: this is not a SPARQL query (no SELECT, CONSTRUCT, DESCRIBE or ASK)"
    )


def _position(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of the character at ``pos``."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


_TERM = re.compile(
    "|".join(
        [
            r"#[^\n]*",  # comment
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',
            r"'(?:[^'\\\n]|\\.)*'",
            r'"(?:[^"\\\n]|\\.)*"',
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            r"(?P<pname>(?:[A-Za-z][\w\-.]*)?:[\w\-.:%]*)",
            r"[?$]\w+",  # variable
            r"(?P<word>[A-Za-z_]\w*)",
            r"\S",
        ]
    )
)


def graph_constants(text: str) -> list[str]:
    """Absolute IRIs named by ``GRAPH <iri>`` / ``GRAPH pfx:name`` patterns of a query.

    Why: Virtuoso answers ``COUNT(*)`` = 1 and ``ASK`` = true for ``GRAPH <g> {...}`` when
    ``g`` is not among the request's ``named-graph-uri`` (it should be 0 and false). Adding a
    graph the server does not hold to the dataset changes no answer and avoids that, so
    :meth:`govkg.graph.store.remote.RemoteStore.query` adds these. Prefixed names are resolved with
    the
    query's own PREFIX declarations, relative IRIs against its BASE; others are left out.
    """
    from urllib.parse import urljoin

    prefixes: dict[str, str] = {}
    base: str | None = None
    out: list[str] = []
    previous: list[str] = ["", ""]
    for m in _TERM.finditer(text):
        value = m.group(0)
        iri = m.group("iri")
        pname = m.group("pname")
        word = (m.group("word") or "").upper()
        if iri is not None:
            resolved = urljoin(base, iri[1:-1]) if base else iri[1:-1]
            if previous[-1] == "BASE":
                base = resolved
            elif previous[-2] == "PREFIX" and previous[-1].endswith(":"):
                prefixes[previous[-1][:-1]] = resolved
            elif previous[-1] == "GRAPH" and ":" in resolved:
                out.append(resolved)
        elif pname is not None and previous[-1] == "GRAPH":
            name, _, local = pname.partition(":")
            if name in prefixes:
                out.append(prefixes[name] + local)
        previous = [previous[-1], word or value]
    return list(dict.fromkeys(out))


def _where_brace(text: str) -> int:
    """Index of the ``{`` opening the outer WHERE group of a query."""
    form = None
    depth = 0
    template_done = False
    for pos, tok in _tokens(text):
        if form is None:
            if tok in _FORMS:
                form = tok
            continue
        if tok == "{":
            if form == "CONSTRUCT" and not template_done and depth == 0:
                depth = 1
                continue
            if depth == 0:
                return pos
            depth += 1
        elif tok == "}":
            depth -= 1
            if form == "CONSTRUCT" and depth == 0 and not template_done:
                template_done = True
        elif tok == "WHERE" and form == "CONSTRUCT" and depth == 0 and not template_done:
            raise InputError("parameters cannot be bound in a 'CONSTRUCT WHERE' short-form query")
    raise InputError("the query has no WHERE group to bind parameters in")


def bind_values(text: str, substitutions: Mapping[str, Term]) -> str:
    """The query with ``substitutions`` bound by a ``VALUES`` block at the top of its WHERE."""
    if not substitutions:
        return text
    names = list(substitutions)
    for name in names:
        if not _WORD.fullmatch(name):
            raise InputError(f"{name!r} is not a SPARQL variable name")
    terms = []
    for name in names:
        term = substitutions[name]
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise InputError(f"parameter {name!r} must be an IRI or a literal, not {term!r}")
        terms.append(str(term))  # pyoxigraph's N-Triples serialisation: escaped, never raw text
    block = " VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(terms) + ") } "
    positions = [_where_brace(text) + 1, *_minus_braces(text)]
    for at in sorted(set(positions), reverse=True):
        text = text[:at] + block + text[at:]
    return text


def _minus_braces(text: str) -> list[int]:
    """Positions just inside each ``MINUS { ... }`` group.

    A substitution also binds the variable inside ``MINUS``, whose pattern is evaluated on its
    own; a ``VALUES`` at the top of WHERE would not reach it, so the block is repeated there.
    """
    out = []
    after_minus = False
    for pos, tok in _tokens(text):
        if after_minus and tok == "{":
            out.append(pos + 1)
        after_minus = tok == "MINUS"
    return out


def with_prefixes(text: str, prefixes: Mapping[str, str] | None) -> str:
    """Prepend ``PREFIX`` declarations for the prefixes ``text`` does not declare itself."""
    if not prefixes:
        return text
    lines = []
    for name, ns in prefixes.items():
        if re.search(rf"(?i)\bPREFIX\s+{re.escape(name)}\s*:", text):
            continue
        lines.append(f"PREFIX {name}: {ox.NamedNode(ns)}")
    return ("\n".join(lines) + "\n" + text) if lines else text


def with_base(text: str, base_iri: str | None) -> str:
    """Prepend a ``BASE`` declaration (the SPARQL Protocol has no base-IRI parameter)."""
    return f"BASE {ox.NamedNode(base_iri)}\n{text}" if base_iri else text


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
    """pyoxigraph results from a server response (SPARQL JSON/XML/TSV or an RDF graph)."""
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
