"""Validate only what a write can change, with the verdict of a full pyshacl run.

The rule (unchanged from the full gate): a write that changes a curated graph is refused when
the union of all named graphs, validated with ``ontology/shapes.ttl``, has violations after
the write that it did not have before. Why the small run gives the same verdict, given the
:class:`~govkg.graph.shacl.scope.ShapeScope` of the shapes (single-predicate paths, value
checks one step deep):

* A node's result depends only on its outgoing triples, the *value predicates* of its values
  and the class hierarchy. So a node that is not the subject of a changed triple, and has no
  value whose value-predicate triples changed, has the same result before and after: it cannot
  add a violation. The *affected* nodes are therefore the subjects of changed triples, plus the
  nodes pointing at a subject whose ``rdf:type``/``skos:inScheme``/... changed.
* For an affected node, the extracted graph holds everything its result depends on, taken from
  every named graph (so a triple removed from one graph but kept in another stays, as in the
  union): its outgoing quads, its values' value-predicate quads, all ``rdfs:subClassOf``
  quads, and (added by :func:`~govkg.ontology.validation.validate_data`) the ontology.
* Results for other nodes in the small graph are partial and are ignored.

A change to ``rdfs:subClassOf`` itself, or shapes outside the supported scope, take the full run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import pyoxigraph as ox
from govkg.graph.errors import DataValidationError, InputError, Problem, QueryTimeoutError
from govkg.graph.shacl.delta import Delta
from govkg.graph.shacl.scope import ShapeScope, shape_scope
from govkg.graph.store.backend import Backend
from govkg.ontology.validation import ShapeViolation, validate_data
from rdflib import BNode, Graph, Literal, URIRef

SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

Node = ox.NamedNode | ox.BlankNode


def _rdflib(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_graph(triples: Iterable[tuple[object, object, object]]) -> Graph:
    """An rdflib graph of pyoxigraph triples (RDF-star triples are left out, as before)."""
    graph = Graph()
    for s, p, o in triples:
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            continue
        graph.add((_rdflib(s), _rdflib(p), _rdflib(o)))  # type: ignore[arg-type]
    return graph


def _node(term: object) -> bool:
    return isinstance(term, ox.NamedNode | ox.BlankNode)


def _key(term: Node) -> str:
    """How :class:`ShapeViolation` names a focus node (``str`` of the rdflib term)."""
    return term.value


def _quads(store: Backend, where: str, nodes: Iterable[Node], var: str = "s") -> set[ox.Quad]:
    """Quads of ``where`` (a pattern over ?s ?p ?o ?g) for each node bound to ``?var``.

    One query per node with the node bound by the engine (``substitutions``): each is an index
    lookup. A ``VALUES`` block joined with the pattern was planned as a scan of every quad
    (21 s for a 1,000-triple write at 1M triples).
    """
    found: set[ox.Quad] = set()
    query = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ {where} }} }}"
    for node in nodes:
        result = store.query(query, substitutions={var: node})
        found.update(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in result)  # type: ignore[union-attr]
    return found


def affected_nodes(store: Backend, delta: Delta, scope: ShapeScope) -> set[Node]:
    """Nodes whose SHACL result the change can alter (see the module docstring)."""
    changed = [q for q in delta.added | delta.removed if isinstance(q.graph_name, ox.NamedNode)]
    affected: set[Node] = {s for q in changed if isinstance(s := q.subject, Node)}
    as_values = {
        s
        for q in changed
        if q.predicate.value in scope.value_predicates and isinstance(s := q.subject, Node)
    }
    if as_values:
        pointing = _quads(store, "?s ?p ?o", as_values, var="o")
        affected.update(s for q in pointing if isinstance(s := q.subject, Node))
        affected.update(
            s for q in delta.added if q.object in as_values and isinstance(s := q.subject, Node)
        )
    return affected


def neighbourhood(
    store: Backend, nodes: set[Node], delta: Delta, scope: ShapeScope
) -> set[ox.Quad]:
    """The quads (all named graphs, before the write) the affected nodes' results rest on."""
    own = _quads(store, "?s ?p ?o", nodes)
    values = {q.object for q in own | delta.added if q.subject in nodes and _node(q.object)}
    preds = " ".join(f"<{p}>" for p in sorted(scope.value_predicates))
    found = own | _quads(store, f"VALUES ?p {{ {preds} }} ?s ?p ?o", values)  # type: ignore[arg-type]
    hierarchy = store.query(f"SELECT ?s ?o ?g WHERE {{ GRAPH ?g {{ ?s <{SUBCLASS}> ?o }} }}")
    sub = ox.NamedNode(SUBCLASS)
    found.update(ox.Quad(r["s"], sub, r["o"], r["g"]) for r in hierarchy)  # type: ignore[union-attr]
    return found


def _triples(quads: Iterable[ox.Quad]) -> set[tuple[object, object, object]]:
    return {(q.subject, q.predicate, q.object) for q in quads}


def _named(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if isinstance(q.graph_name, ox.NamedNode)}


def new_violations_incremental(
    store: Backend, delta: Delta, check: Callable[[], None] = lambda: None
) -> list[ShapeViolation] | None:
    """Violations the write adds, from a small run; ``None`` when only a full run can tell.

    ``check`` is called between the steps (the caller's time limit raises from it).
    """
    scope = shape_scope()
    added, removed = _named(delta.added), _named(delta.removed)
    if not scope.supported or any(q.predicate.value == SUBCLASS for q in added | removed):
        return None
    named = Delta(added, removed)
    try:
        nodes = affected_nodes(store, named, scope)
        check()
        before = neighbourhood(store, nodes, named, scope)
    except InputError:
        # A remote backend cannot bind a blank node (its ids are the server's own): full run.
        return None
    after = (before - removed) | added
    check()
    keys = {_key(n) for n in nodes}
    old: set[str] = set()
    if any(q.subject in nodes for q in before):
        # Skipped when every affected node is new: a node without triples is no SHACL focus
        # node (no type, no property), so it had no violations before.
        old = {str(v) for v in validate_data(to_graph(_triples(before))) if v.focus_node in keys}
    check()
    fresh = validate_data(to_graph(_triples(after)))
    return [v for v in fresh if v.focus_node in keys and str(v) not in old]


def new_violations_full(store: Backend, delta: Delta) -> list[ShapeViolation]:
    """The reference: validate the whole store before and after (slow; tests compare with it)."""
    current = set(store.quads())
    changed = (current - _named(delta.removed)) | _named(delta.added)
    old = {str(v) for v in validate_data(to_graph(_triples(current)))}
    return [v for v in validate_data(to_graph(_triples(changed))) if str(v) not in old]


def refuse(new: list[ShapeViolation]) -> None:
    """Raise the 400 the gate answers with when a write adds violations."""
    if new:
        raise DataValidationError(
            f"the write changes curated graphs and breaks {len(new)} SHACL constraint(s) of "
            "ontology/shapes.ttl; nothing was written",
            problems=[Problem(message=str(v), field=v.path) for v in new[:50]],
        )


def deadline_check(deadline: float | None, limit: float | None) -> Callable[[], None]:
    """A callable that raises a 503 once ``time.monotonic()`` passes ``deadline``."""

    def check() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeoutError(
                f"the update ran past its time limit of {limit:g} s and was stopped; "
                "nothing was written"
            )

    return check
