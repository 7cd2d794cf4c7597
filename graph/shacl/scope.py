"""What data a node's SHACL verdict depends on, read from the shapes themselves.

Why: validating only the nodes a write touches gives the full run's verdict only if each
node's result can be computed from a small, known neighbourhood. For a SHACL Core shapes graph
whose paths are single predicates, whose targets are ``sh:targetClass``/``sh:targetSubjectsOf``
and whose value checks (``sh:class``, ``sh:node``) look one step further, that neighbourhood is:
the node's own outgoing triples, and for each of its values the triples with the
*value predicates* (``rdf:type`` for ``sh:class``; the paths of shapes used by ``sh:node``),
plus the ``rdfs:subClassOf`` hierarchy. :func:`shape_scope` derives the value predicates and
says "unsupported" for anything that reaches further (inverse or sequence paths,
``sh:targetObjectsOf``, ``sh:targetNode``, SPARQL constraints, qualified shapes, value checks two
steps deep): then the gate falls back to the full run rather than guess.

    >>> scope = shape_scope()
    >>> scope.supported, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in scope.value_predicates
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from govkg.ontology.validation import SH, load_shapes
from rdflib import RDF, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

#: Features whose data reach the analysis below does not model.
UNSUPPORTED = (
    SH.targetNode,
    SH.targetObjectsOf,
    SH.sparql,
    SH.qualifiedValueShape,
    SH.target,
    SH.closed,
)
#: Lists of shapes applied to the same node as the shape that holds them.
LOGICAL = (SH["or"], SH["and"], SH.xone)


@dataclass(frozen=True)
class ShapeScope:
    """The result of :func:`shape_scope`: ``value_predicates`` as IRI strings."""

    supported: bool
    value_predicates: frozenset[str]
    reason: str = ""


class _Unsupported(Exception):
    pass


def _members(shapes: Graph, shape: Node) -> list[Node]:
    found: list[Node] = []
    for prop in LOGICAL:
        for head in shapes.objects(shape, prop):
            found.extend(Collection(shapes, head))  # type: ignore[arg-type]
    found.extend(shapes.objects(shape, SH["not"]))
    found.extend(shapes.objects(shape, SH.node))
    return found


def _walk(shapes: Graph, shape: Node, level: int, preds: set[str], seen: set) -> None:
    """Record what a shape applied to a node ``level`` steps from the focus node reads."""
    key = (shape, level)
    if key in seen:
        return
    seen.add(key)
    for feature in UNSUPPORTED:
        if (shape, feature, None) in shapes:
            raise _Unsupported(f"{feature} in {shape}")
    if (shape, SH["class"], None) in shapes and (shape, SH.path, None) not in shapes:
        # The node's rdf:type (and the class hierarchy, which the gate always includes).
        if level >= 2:
            raise _Unsupported(f"sh:class two steps from the focus node in {shape}")
        if level == 1:
            preds.add(str(RDF.type))
    if (shape, SH.path, None) not in shapes:
        for member in _members(shapes, shape):  # node-level: the same node
            _walk(shapes, member, level, preds, seen)
    for prop_shape in shapes.objects(shape, SH.property):
        _walk(shapes, prop_shape, level, preds, seen)
    for path in shapes.objects(shape, SH.path):
        if not isinstance(path, URIRef):
            raise _Unsupported(f"a path that is not one predicate in {shape}")
        if level >= 1:
            if level >= 2:
                raise _Unsupported(f"a path two steps from the focus node in {shape}")
            preds.add(str(path))
        # The values of this property: its value checks apply one step further.
        if (shape, SH["class"], None) in shapes:
            if level >= 1:
                raise _Unsupported(f"sh:class two steps from the focus node in {shape}")
            preds.add(str(RDF.type))
        for member in _members(shapes, shape):
            _walk(shapes, member, level + 1, preds, seen)


def analyse(shapes: Graph) -> ShapeScope:
    """The :class:`ShapeScope` of a shapes graph (tests pass modified shapes here)."""
    preds: set[str] = set()
    seen: set = set()
    roots = set(shapes.subjects(SH.targetClass, None)) | set(
        shapes.subjects(SH.targetSubjectsOf, None)
    )
    try:
        for feature in UNSUPPORTED:
            if (None, feature, None) in shapes:
                raise _Unsupported(str(feature))
        for root in roots:
            _walk(shapes, root, 0, preds, seen)
    except _Unsupported as exc:
        return ShapeScope(False, frozenset(), f"unsupported for incremental checks: {exc}")
    return ShapeScope(True, frozenset(preds))


@lru_cache(maxsize=1)
def shape_scope() -> ShapeScope:
    """The scope of ``ontology/shapes.ttl``, computed once per process."""
    return analyse(load_shapes())
