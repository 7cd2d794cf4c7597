"""``using-graph-uri`` / ``using-named-graph-uri`` for SPARQL Update over the protocol.

Why a rewrite: pyoxigraph's ``update()`` takes no dataset arguments, and the protocol defines
these parameters as equivalent to ``USING`` / ``USING NAMED`` clauses on every DELETE/INSERT
operation. So the clauses are inserted before each top-level ``WHERE`` of such an operation,
located with the same SPARQL lexer the security checks use (never inside strings, IRIs or
comments). An update that already has ``USING`` or ``WITH`` plus these parameters is an error,
as the protocol requires.
"""

from __future__ import annotations

from govkg.api.http.security import tokenize
from govkg.graph.errors import InputError


def apply_using_graphs(update: str, using: list[str], using_named: list[str]) -> str:
    """``update`` with protocol-specified USING clauses applied (unchanged when none given)."""
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
