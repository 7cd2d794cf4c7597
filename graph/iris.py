"""Checking IRIs that users type (``--graph``, ``default-graph-uri``, ``?graph=``) before use.

Why a function of its own: pyoxigraph's ``NamedNode`` raises a bare ``ValueError`` for a string
that is not an IRI ("Invalid IRI code point ' '"), and accepts relative strings such as
``mygraph``, which then name a graph nobody can address again. Every layer that takes a graph
name from a user checks it here, so the error is always an :class:`~govkg.graph.errors.InputError`
naming the field and the value (a 400 over HTTP, exit code 1 on the command line).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from govkg.graph.errors import InputError

#: RFC 3987's scheme: a letter, then letters, digits, "+", "-" or ".", then ":".
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def named_node(value: str, field: str = "graph") -> ox.NamedNode:
    """``value`` as a pyoxigraph ``NamedNode``, or :class:`InputError` naming ``field``.

    >>> named_node("https://example.org/g").value
    'https://example.org/g'
    >>> named_node("my graph")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govkg.graph.errors.InputError: graph: 'my graph' is not an absolute IRI ...
    """
    if not isinstance(value, str) or not _SCHEME.match(value):
        raise InputError(
            f"{field}: {value!r} is not an absolute IRI "
            "(write it in full, e.g. https://example.org/graph/mine)"
        )
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise InputError(f"{field}: {value!r} is not a valid IRI ({exc})") from None
