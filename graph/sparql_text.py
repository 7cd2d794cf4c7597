"""SPARQL as text: the one lexer, and every reading or rewriting govkg does on query text.

Why one module: the SERVICE/LOAD policy, the protocol's ``using-graph-uri`` rewrite and the
remote backend's prologue, form, ``GRAPH`` constants and ``VALUES`` binding all need to find
keywords, braces and IRIs in a query without being fooled by strings, comments or prefixed
names. They share :func:`tokenize` instead of each scanning the text its own way. Nothing
here formats user text into a query: bound values are RDF terms written by pyoxigraph.

    >>> [(t.kind, t.text) for t in tokenize("SELECT ?s { ?s a <x> } # done")][:3]
    [('word', 'SELECT'), ('var', '?s'), ('other', '{')]
    >>> query_form("PREFIX ex: <http://e/> ASK { ex:a ?p ?o }")
    'ASK'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple
from urllib.parse import urljoin

import pyoxigraph as ox
from govkg.graph.errors import InputError, QuerySyntaxError

Term = ox.NamedNode | ox.BlankNode | ox.Literal
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Token(NamedTuple):
    """One significant token: its kind, its text and its offset in the query."""

    kind: str
    text: str
    pos: int


_PN_CHARS = r"\w\-\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_FIRST = rf"[\w:\u00C0-\uFFFF]|{_PLX}"
_LOCAL_MID = rf"[{_PN_CHARS}.:\u00C0-\uFFFF]|{_PLX}"
_LOCAL_LAST = rf"[{_PN_CHARS}:\u00C0-\uFFFF]|{_PLX}"
_PREFIX = r"[A-Za-z\u00C0-\uFFFF](?:[\w\-.\u00B7\u00C0-\uFFFF]*[\w\-\u00B7\u00C0-\uFFFF])?"

_TOKEN_PATTERN = rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
  | (?P<bnode>_:[\w\-.\u00B7\u00C0-\uFFFF]*)
  | (?P<pname>(?:{_PREFIX})?:(?:(?:{_LOCAL_FIRST})(?:(?:{_LOCAL_MID})*(?:{_LOCAL_LAST}))?)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """


@functools.cache
def _token_regex() -> re.Pattern[str]:
    """The lexer's one regular expression, compiled on first use: its Unicode ranges take
    ~25 ms to compile, which every CLI start would otherwise pay (docs/benchmarks.md, Load)."""
    return re.compile(_TOKEN_PATTERN, re.VERBOSE | re.DOTALL)


_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def _decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes (spec 19.2), which act before tokenising."""

    def repl(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)

    return _UNICODE_ESCAPE.sub(repl, text)


def tokenize(text: str) -> list[Token]:
    """(kind, text, offset) of the significant SPARQL tokens (whitespace and comments dropped).

    Kinds: ``iri``, ``string``, ``var``, ``bnode``, ``pname``, ``word`` (keywords and other
    bare words) and ``other`` (punctuation, numbers' characters).
    """
    out: list[Token] = []
    for m in _token_regex().finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


def _keywords(text: str) -> Iterator[tuple[int, str]]:
    """``(position, token)`` for braces and bare words (upper-cased), in order."""
    for kind, value, pos in tokenize(text):
        if kind == "word":
            yield pos, value.upper()
        elif kind == "other" and value in "{}":
            yield pos, value


# -- the SERVICE/LOAD policy's lexical half -------------------------------------------------


def decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes (spec 19.2), which act before tokenising."""
    return _decode_escapes(text)


def service_targets(text: str) -> list[str | None]:
    """Targets of SERVICE/LOAD found by the lexer; None for one we cannot resolve.

    >>> service_targets("PREFIX e: <http://evil/> SELECT * { SERVICE e:x { ?s ?p ?o } }")
    ['http://evil/x']
    """
    toks = [(t.kind, t.text) for t in tokenize(text)]
    prefixes: dict[str, str] = {}
    base = ""
    found: list[str | None] = []
    for i, (kind, value) in enumerate(toks):
        if kind != "word":
            continue
        word = value.upper()
        nxt = toks[i + 1 : i + 4]
        if word == "PREFIX" and len(nxt) >= 2 and nxt[0][0] == "pname" and nxt[1][0] == "iri":
            prefixes[nxt[0][1].rstrip(":")] = urljoin(base, nxt[1][1][1:-1])
        elif word == "BASE" and nxt and nxt[0][0] == "iri":
            base = urljoin(base, nxt[0][1][1:-1])
        elif word in ("SERVICE", "LOAD"):
            rest = list(nxt)
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            if not rest:
                found.append(None)
                continue
            tkind, tval = rest[0]
            if tkind == "iri":
                found.append(urljoin(base, tval[1:-1]))
            elif tkind == "pname":
                prefix, _, local = tval.partition(":")
                ns = prefixes.get(prefix)
                found.append(None if ns is None else ns + _LOCAL_ESCAPE.sub(r"\1", local))
            else:
                found.append(None)
    return found


# -- the protocol's dataset for updates ----------------------------------------------------


def apply_using_graphs(update: str, using: list[str], using_named: list[str]) -> str:
    """``update`` with protocol-specified USING clauses applied (unchanged when none given).

    The SPARQL Protocol defines ``using-graph-uri`` / ``using-named-graph-uri`` as equivalent to
    ``USING`` / ``USING NAMED`` on every DELETE/INSERT operation, and pyoxigraph's ``update()``
    takes no dataset arguments: so the clauses go before each top-level ``WHERE`` of such an
    operation. An update with its own ``USING`` or ``WITH`` plus these parameters is an error.

    >>> apply_using_graphs("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://g"], [])
    'DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }'
    """
    if not using and not using_named:
        return update
    for iri in using + using_named:
        if any(c in iri for c in '<>"{}|^`\\ \n\t'):
            raise InputError(f"using-graph-uri: {iri!r} is not a valid IRI")
    tokens = tokenize(update)
    words = [(v.upper(), pos) for kind, v, pos in tokens if kind == "word"]
    if any(w in ("USING", "WITH") for w, _ in words):
        raise InputError(
            "the update has USING or WITH clauses and using-graph-uri/using-named-graph-uri "
            "parameters: send only one of the two"
        )
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    inserts: list[int] = []
    depth = 0
    modify = False
    previous = ""
    for kind, value, pos in tokens:
        word = value.upper() if kind == "word" else ""
        if kind == "other" and value == "{":
            depth += 1
        elif kind == "other" and value == "}":
            depth -= 1
        elif depth == 0 and word:
            if word in ("INSERT", "DELETE") and previous not in ("INSERT", "DELETE"):
                modify = True
            elif word == "DATA":
                modify = False
            elif word == "WHERE":
                # ``DELETE WHERE`` (the short form) takes no USING clause.
                if modify and previous != "DELETE":
                    inserts.append(pos)
                modify = False
            elif word in ("LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"):
                modify = False
        elif depth == 0 and value == ";":
            modify = False
        previous = word
    out = update
    for pos in reversed(inserts):
        out = f"{out[:pos]}{clause} {out[pos:]}"
    return out


# -- a query's form, constants and bindings (the remote backend) ----------------------------


def query_form(text: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``: the first keyword after the prologue.

    Why the *first* keyword, not any: Virtuoso executes SPARQL Update (and its own ``DEFINE``
    pragmas) sent as ``query=``, so ``INSERT {...} WHERE { { SELECT ... } }`` would write through
    a read-only govkg server. Only BASE/PREFIX declarations may come before the query form;
    anything else is a :class:`QuerySyntaxError` with its position, and nothing is sent.
    """
    for pos, tok in _keywords(text):
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


def graph_constants(text: str) -> list[str]:
    """Absolute IRIs named by ``GRAPH <iri>`` / ``GRAPH pfx:name`` patterns of a query.

    Why: Virtuoso answers ``COUNT(*)`` = 1 and ``ASK`` = true for ``GRAPH <g> {...}`` when
    ``g`` is not among the request's ``named-graph-uri`` (it should be 0 and false). Adding a
    graph the server does not hold to the dataset changes no answer and avoids that, so
    :meth:`govkg.graph.store.remote.RemoteStore.query` adds these. Prefixed names are resolved
    with the query's own PREFIX declarations, relative IRIs against its BASE.
    """
    prefixes: dict[str, str] = {}
    base: str | None = None
    out: list[str] = []
    previous: list[str] = ["", ""]
    for kind, value, _pos in tokenize(text):
        iri = value if kind == "iri" else None
        pname = value if kind == "pname" else None
        word = value.upper() if kind == "word" else ""
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
    for pos, tok in _keywords(text):
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
        if not _VARIABLE_NAME.fullmatch(name):
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
    for pos, tok in _keywords(text):
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
