"""SHACL validation of govkg data and of the ontology's own term documentation.

Why this lives in ``ontology/`` and returns its own :class:`ShapeViolation` rather than
``govkg.graph.errors.Problem``: imports run one way (``graph`` → ``ontology``), so the compiler in
``graph/`` converts violations into located problems (it knows which file and line minted each
node), while this module only knows shapes and triples.

How data is validated (see ``docs/ontology.md``): the data triples and the ontology are put in
one graph and checked against ``shapes.ttl`` *without* inference. SHACL's ``sh:targetClass`` and
``sh:class`` already follow ``rdfs:subClassOf*`` inside the data graph, so mixing the ontology in
gives subclass targeting (a ``gk:AIDeveloper`` is checked as a ``gk:Organisation``) and the concept
schemes' ``skos:inScheme`` triples, at a fraction of the cost of pyshacl's RDFS inference.

    >>> from rdflib import Graph
    >>> validate_data(Graph())
    []
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from govkg.ontology import HERE, ONTOLOGY_FILE, PREFIXES, SHAPES_FILE
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.term import Node

TERM_SHAPES_FILE: Path = HERE / "term-shapes.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShapeViolation:
    """One SHACL result, flattened to strings so callers need no RDF library to report it.

    ``focus_node`` is the IRI (or blank-node id) of the offending node, ``path`` the property as
    a prefixed name (``gk:developedBy``) when the constraint is about one property, ``value`` the
    offending value in Turtle notation when there is one, ``severity`` one of ``Violation``,
    ``Warning`` or ``Info``.
    """

    focus_node: str
    path: str | None
    message: str
    severity: str = "Violation"
    value: str | None = None

    def __str__(self) -> str:
        where = self.focus_node + (f" {self.path}" if self.path else "")
        got = f" (got {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}: {self.message}{got}"


@lru_cache(maxsize=8)
def _parsed(path: Path) -> Graph:
    """Parse a Turtle file once per process; callers get copies, never this graph.

    Room for every file: with one slot, the ontology and the shapes evicted each other and
    every validation parsed both again.
    """
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=8)
def _file_triples(path: Path) -> tuple:
    """A parsed file's triples as a tuple: copying from it is several times faster than
    iterating an rdflib graph (which looks up each triple's contexts)."""
    return tuple(_parsed(path))


def _copy(graph: Graph | tuple) -> Graph:
    copy = Graph()
    for prefix, namespace in PREFIXES.items():
        copy.bind(prefix, namespace)
    copy.addN((s, p, o, copy) for s, p, o in graph)
    return copy


def load_ontology() -> Graph:
    """The govkg ontology (``govkg.ttl``) as a fresh rdflib graph the caller may modify."""
    return _copy(_file_triples(ONTOLOGY_FILE))


def load_shapes() -> Graph:
    """The data shapes (``shapes.ttl``) as a fresh rdflib graph."""
    return _copy(_file_triples(SHAPES_FILE))


def load_term_shapes() -> Graph:
    """The term-metadata shapes (``term-shapes.ttl``) that check the ontology itself."""
    return _copy(_file_triples(TERM_SHAPES_FILE))


def _all_triples(data: Graph) -> Graph:
    """Flatten a graph or dataset into one graph: shapes judge the union of all named graphs."""
    flat = _copy(_file_triples(ONTOLOGY_FILE))
    if isinstance(data, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        for s, p, o, _ in data.quads((None, None, None, None)):
            flat.add((s, p, o))
    else:
        for triple in data:
            flat.add(triple)
    return flat


def _render(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - rdflib raises assorted errors for odd IRIs
            return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3(graph.namespace_manager)
    return node.n3()


def _violations(report: Graph, names: Graph) -> list[ShapeViolation]:
    """Turn a pyshacl results graph into sorted :class:`ShapeViolation` values."""
    found = []
    # Only top-level results: nested sh:detail results repeat what their parent already says.
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        severity = report.value(result, SH.resultSeverity)
        value = report.value(result, SH.value)
        found.append(
            ShapeViolation(
                focus_node=str(focus),
                path=_render(path, names) if isinstance(path, URIRef) else None,
                message=messages[0] if messages else "Constraint violated.",
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=_render(value, names),
            )
        )
    return sorted(set(found), key=lambda v: (v.focus_node, v.path or "", v.message, v.value or ""))


def _run(data: Graph, shapes: Graph) -> list[ShapeViolation]:
    # Imported here: pyshacl takes ~90 ms to import, and most processes that import this
    # module for its types (every analysis worker, most commands) never validate.
    import pyshacl

    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
        inplace=True,
    )
    if not isinstance(report, Graph):  # pragma: no cover - pyshacl returns a Graph here
        raise TypeError("pyshacl did not return a results graph")
    return [] if conforms else _violations(report, data)


def validate_data(data: Graph | Dataset) -> list[ShapeViolation]:
    """Check data (the union of all its graphs) against ``shapes.ttl``; [] means it conforms.

    The caller's graph is not modified: the triples are copied next to the ontology first.
    """
    return _run(_all_triples(data), load_shapes())


def validate_ontology(ontology: Graph | None = None) -> list[ShapeViolation]:
    """Check that every govkg term has a label and a definition (``term-shapes.ttl``).

    ``ontology`` defaults to ``govkg.ttl``; tests pass a modified copy to see the check fail.
    """
    graph = load_ontology() if ontology is None else _copy(ontology)
    return _run(graph, load_term_shapes())
