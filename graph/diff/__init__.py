"""What changed between two versions of the graph: ``govkg diff`` and release change logs.

Public API::

    from govkg.graph.diff import compare, load_side, to_json, to_markdown, to_trig

    changes = compare(load_side("git:v0.1"), load_side(".govkg/store"))
    changes.counts()   # {"statements_added": 3, "statements_changed": 1, ...}
    print(to_markdown(changes))

A side is a store directory, an RDF dump (N-Quads, TriG, N-Triples, Turtle; ``.gz`` too) or
``git:REV`` (the curated data at a git revision, compiled). See ``docs/changes.md``.
"""

from __future__ import annotations

from govkg.graph.diff.compare import compare
from govkg.graph.diff.model import ChangeSet, PropertyChange, StatementChange, TripleChange
from govkg.graph.diff.render import to_json, to_markdown, to_trig
from govkg.graph.diff.sides import Side, load_side

__all__ = [
    "ChangeSet",
    "PropertyChange",
    "Side",
    "StatementChange",
    "TripleChange",
    "compare",
    "load_side",
    "to_json",
    "to_markdown",
    "to_trig",
]
