"""What a write changes, found without copying the store.

Why: the old gate rehearsed every update on an in-memory copy of the whole store to learn its
effect (at 1M triples: seconds of copying and gigabytes of memory per write, even for writes
that could never touch a curated graph). A Graph Store request says its effect outright, and so
does an update made only of ``INSERT DATA``/``DELETE DATA``; for other updates the templates and
graph operations say which graphs they *can* write, which is enough to wave through writes
that cannot reach a curated graph. Only an update that can write a curated graph through a
``WHERE`` pattern is left for the caller to rehearse (:data:`UNKNOWN`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from govkg.graph.curated.compiler import to_ox
from govkg.ontology import GRAPH
from rdflib import BNode, Variable
from rdflib.term import Node

CURATED_PREFIX = str(GRAPH)


@dataclass
class Delta:
    """Quads a write adds and removes (either may include no-ops: quads already there/absent)."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)

    def insert(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads after what was recorded so far (a later insert undoes a delete)."""
        for q in quads:
            self.added.add(q)
            self.removed.discard(q)

    def delete(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads after what was recorded so far."""
        for q in quads:
            self.removed.add(q)
            self.added.discard(q)

    def touches_curated(self) -> bool:
        """Whether any changed quad is in a graph under ``https://w3id.org/govkg/graph/``."""
        return any(curated(q.graph_name) for q in self.added | self.removed)


#: :func:`update_delta`'s answer when no curated graph can change.
NO_CURATED_CHANGE = "no-curated-change"
#: :func:`update_delta`'s answer when the effect can only be learnt by running the update.
UNKNOWN = "unknown"


def curated(graph: object) -> bool:
    """Whether a graph name (a pyoxigraph term, an rdflib term or a string) is curated."""
    value = graph.value if isinstance(graph, ox.NamedNode) else graph
    return isinstance(value, str) and value.startswith(CURATED_PREFIX)


def in_graph(graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> list[ox.Quad]:
    """Triples placed in the named graph ``graph``."""
    g = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]


def _ox(term: Node, bnodes: dict[str, ox.BlankNode]) -> Any:
    if isinstance(term, BNode):
        # INSERT DATA blank nodes are fresh nodes; one label is one node within the request.
        return bnodes.setdefault(str(term), ox.BlankNode())
    return to_ox(term)  # the compiler's one rdflib -> pyoxigraph term mapping


def _f(op: Any, key: str) -> Any:
    """A field of an rdflib algebra node, or ``None`` (its own ``get`` returns the key name)."""
    return dict(op).get(key)


def _data_quads(op: Any, bnodes: dict[str, ox.BlankNode]) -> list[ox.Quad]:
    """Quads of an ``INSERT DATA``/``DELETE DATA`` (default-graph triples count as such)."""
    quads = [
        ox.Quad(_ox(s, bnodes), _ox(p, bnodes), _ox(o, bnodes), ox.DefaultGraph())
        for s, p, o in _f(op, "triples") or []
    ]
    for g, triples in (_f(op, "quads") or {}).items():
        name = _ox(g, bnodes)
        quads.extend(
            ox.Quad(_ox(s, bnodes), _ox(p, bnodes), _ox(o, bnodes), name) for s, p, o in triples
        )
    return quads


def _template_may_write_curated(clause: Any, default: Node | None) -> bool:
    if clause is None:
        return False
    if _f(clause, "triples") and curated(str(default) if default is not None else None):
        return True
    return any(isinstance(g, Variable) or curated(str(g)) for g in _f(clause, "quads") or {})


def _graph_ref_may_be_curated(ref: Any) -> bool:
    if ref in ("ALL", "NAMED"):
        return True
    if ref == "DEFAULT" or ref is None:
        return False
    return curated(str(ref))


def _may_write_curated(op: Any) -> bool:
    name = op.name
    if name == "Modify":
        with_graph = _f(op, "withClause")
        return _template_may_write_curated(
            _f(op, "delete"), with_graph
        ) or _template_may_write_curated(_f(op, "insert"), with_graph)
    if name == "DeleteWhere":
        return _template_may_write_curated(op, None)
    if name in ("Clear", "Drop"):
        return _graph_ref_may_be_curated(_f(op, "graphiri"))
    if name == "Create":
        return False  # an empty graph changes no triple
    if name == "Load":
        return _graph_ref_may_be_curated(_f(op, "graphiri"))
    if name in ("Add", "Copy", "Move"):
        graphs = _f(op, "graph") or []
        targets = graphs if name == "Move" else graphs[1:]
        return any(_graph_ref_may_be_curated(g) for g in targets)
    return True  # an operation this reading does not know: assume the worst


def update_delta(text: str, base: str | None) -> Delta | str:
    """The effect of a SPARQL Update on the store, judged from its text alone.

    A :class:`Delta` when the update is only ``INSERT DATA``/``DELETE DATA``;
    :data:`NO_CURATED_CHANGE` when no operation can write a curated graph; :data:`UNKNOWN` when
    it cannot be told without running it (or rdflib cannot read it: Oxigraph then judges it).

    >>> g = "https://w3id.org/govkg/graph/x"
    >>> d = update_delta(f"INSERT DATA {{ GRAPH <{g}> {{ <a:b> <a:c> 1 }} }}", None)
    >>> d.touches_curated()
    True
    >>> update_delta("INSERT { GRAPH <urn:scratch> { ?s ?p ?o } } WHERE { ?s ?p ?o }", None)
    'no-curated-change'
    """
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        ops = translateUpdate(parseUpdate(text), base=base).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser fails in many ways; Oxigraph judges
        return UNKNOWN
    if all(op.name in ("InsertData", "DeleteData") for op in ops):
        delta = Delta()
        bnodes: dict[str, ox.BlankNode] = {}
        for op in ops:
            quads = _data_quads(op, bnodes)
            (delta.insert if op.name == "InsertData" else delta.delete)(quads)
        return delta
    if any(op.name in ("InsertData", "DeleteData") and _data_quads(op, {}) for op in ops):
        # Mixed: data operations next to pattern ones interact; only a curated-free mix passes.
        if not any(
            any(curated(q.graph_name) for q in _data_quads(op, {}))
            for op in ops
            if op.name in ("InsertData", "DeleteData")
        ) and not any(
            _may_write_curated(op) for op in ops if op.name not in ("InsertData", "DeleteData")
        ):
            return NO_CURATED_CHANGE
        return UNKNOWN
    if any(_may_write_curated(op) for op in ops):
        return UNKNOWN
    return NO_CURATED_CHANGE
