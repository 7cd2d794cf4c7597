"""SHACL gate for HTTP writes that change govkg's curated graphs.

Why a rehearsal on a copy: an update's effect is only known after it ran, and pyoxigraph cannot
roll a committed update back. So the write is first applied to an in-memory copy of the store;
if it changed any graph under ``https://w3id.org/govkg/graph/`` (the curated and source graphs),
the union of all graphs is validated with ``ontology/shapes.ttl`` before and after, and the write
is refused (400, nothing written) when it *adds* violations. Pre-existing violations do not block
unrelated fixes. Writes that touch only other graphs (scratch data, the W3C suites) skip all this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, Problem
from govkg.graph.store.backend import Backend, memory_backend
from govkg.ontology import GRAPH
from govkg.ontology.validation import validate_data
from rdflib import BNode, Dataset, Literal, URIRef

CURATED_PREFIX = str(GRAPH)


def _curated(quads: object) -> dict[str, set]:
    by_graph: dict[str, set] = {}
    for q in quads:  # type: ignore[attr-defined]
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and g.value.startswith(CURATED_PREFIX):
            by_graph.setdefault(g.value, set()).add(q)
    return by_graph


def _rdflib_term(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def _dataset(quads: Iterable[ox.Quad]) -> Dataset:
    ds = Dataset()
    for q in quads:
        if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple):
            continue
        ds.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
    return ds


def check_curated_write(store: Backend, rehearse: Callable[[Backend], object]) -> None:
    """Rehearse a write on a copy; raise :class:`DataValidationError` if it adds violations.

    ``rehearse`` applies the write to the backend it is given; it must be deterministic (the
    caller runs it again on the real store afterwards).
    """
    # One read of the store serves as "before" and as the copy's content: on a remote backend
    # that is one request (not three) and one consistent state of the server.
    current = list(store.quads())
    copy = memory_backend(current)
    rehearse(copy)
    changed = list(copy.quads())
    if _curated(current) == _curated(changed):
        return
    old = {str(v) for v in validate_data(_dataset(current))}
    new = [v for v in validate_data(_dataset(changed)) if str(v) not in old]
    if new:
        raise DataValidationError(
            f"the write changes curated graphs and breaks {len(new)} SHACL constraint(s) of "
            "ontology/shapes.ttl; nothing was written",
            problems=[Problem(message=str(v), field=v.path) for v in new[:50]],
        )
