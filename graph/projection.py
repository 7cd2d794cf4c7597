"""Project the RDF store onto a NetworkX multigraph for network analysis and visualisation.

Why a hand-written projection rather than rdflib's ``rdflib_to_networkx_multidigraph``: the
analyses want entities and their relations, not literals or ``rdf:type`` edges, and they want
each node's label, kind, dates and sources as attributes. One direct pass over pyoxigraph quads
collects all of that. The engine filters the quads first
(``graph/queries/internal/projection-quads.rq``: edges, types and the few literals used), so
Python only touches what it keeps.

Schema of the returned :class:`networkx.MultiDiGraph`
-----------------------------------------------------
Node key: the IRI string (blank nodes as ``_:id``). Node attributes:

``label``         ``rdfs:label`` (else ``skos:prefLabel`` or ``dcterms:title``); a statement
                  without one is labelled from its class and the entities it links, e.g.
                  ``"Model release: 01.AI, Yi-34B (2023-11-01)"``; else the IRI's local name
``local_id``      the IRI's local name (a statement's or source's readable id)
``kind``          local name of the most specific ``gk:`` class, e.g. ``"AIDeveloper"``,
                  ``"Agency"``, ``"AIModel"``, ``"Participation"``; ``""`` when untyped
``types``         list of class IRIs (sorted)
``release_date``, ``date``, ``valid_from``, ``valid_until``   ISO date strings, when present
``weights_access`` the weights-access concept's local id (``"open-weights-restricted"``)
``open_weights``  bool, the concept's ``gk:openWeights`` (present with ``weights_access``)
``source``        for statement nodes: the source IRI of ``dcterms:source``
``sources``       set of named-graph IRIs the node's own facts (triples with it as subject)
                  came from
``url``           the page of a source (``gk:url``) or entity (``gk:homepage``), when present

When sources disagree on a date, the earliest ``release_date`` / ``date`` / ``valid_from`` and
the latest ``valid_until`` are kept (the projection never drops a node over a conflict; the
``conflicting-claims`` question lists them).

Edge key: ``"<predicate IRI>|<graph IRI>"``. Edge attributes: ``predicate`` (IRI), ``label``
(the property's ``rdfs:label`` in the ontology, else its local name) and ``graph``
(the named graph IRI).
One edge per (subject, predicate, object, graph): a fact asserted by two sources gives two
parallel edges, one per graph, so source counts survive the projection.

What is left out, on purpose:

- literals and ``rdf:type`` (they become attributes), and every triple of the ontology graph
  (the class hierarchy is not part of the governance network);
- edges into SKOS concepts (weights access, statuses, stances, ...): they would join every
  node that shares a status into one hub and distort centrality; the concepts stay available
  as attributes (``weights_access``) and can be kept with ``include_concepts=True``;
- ``gk:SourceGraph`` nodes (the graph is already each edge's ``graph`` and each node's
  ``sources``) and web pages (kept as ``url``).

Filters: ``classes`` keeps nodes that are instances of the given classes or their subclasses;
``predicates`` keeps only those edges; ``graphs`` keeps only facts from those named graphs;
``include_statements=False`` drops statement nodes (participations, evaluations, ...);
``as_of`` drops models released after that date, statement nodes dated after it and states
(``gk:validFrom`` / ``gk:validUntil``, both inclusive) not in force on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from graph.store import Store
from ontology import GK, ONTOLOGY_FILE, ONTOLOGY_GRAPH

_PROJECTION_QUERY = Path(__file__).resolve().parent / "queries" / "internal" / "projection-quads.rq"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"
SKOS_SCHEME = "http://www.w3.org/2004/02/skos/core#ConceptScheme"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
DCT_SOURCE = "http://purl.org/dc/terms/source"
DCT_TITLE = "http://purl.org/dc/terms/title"
GK_NS = str(GK)
GK_STATEMENT = GK_NS + "Statement"
GK_MODEL = GK_NS + "AIModel"
GK_OPEN_WEIGHTS = GK_NS + "openWeights"
GK_WEIGHTS_ACCESS = GK_NS + "weightsAccess"
GK_SOURCE_GRAPH = GK_NS + "SourceGraph"
#: Links to web pages: kept as the ``url`` attribute, not as edges to page nodes.
LINK_PREDICATES = {GK_NS + "url", GK_NS + "homepage", "http://xmlns.com/foaf/0.1/page"}
#: When a node has several values (two sources disagree), keep the earliest start / latest end.
_PICK = {"release_date": min, "date": min, "valid_from": min, "valid_until": max}

#: Literal-valued predicates copied onto nodes as ISO strings, by attribute name.
DATE_ATTRS = {
    GK_NS + "releaseDate": "release_date",
    GK_NS + "date": "date",
    GK_NS + "validFrom": "valid_from",
    GK_NS + "validUntil": "valid_until",
}


@dataclass
class OntologyInfo:
    """What the projection needs from the ontology: class hierarchy, property labels, concepts."""

    superclasses: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    open_weights: dict[str, bool] = field(default_factory=dict)
    concepts: set[str] = field(default_factory=set)

    def ancestors(self, cls: str) -> set[str]:
        """All superclasses of ``cls`` (transitively), ``cls`` included."""
        seen = {cls}
        todo = [cls]
        while todo:
            for parent in self.superclasses.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def add_quad(self, s: str, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        """Record one ontology triple if it is one the projection uses."""
        if p == RDFS_SUBCLASS and isinstance(o, ox.NamedNode):
            self.superclasses.setdefault(s, set()).add(o.value)
        elif p == RDFS_LABEL and isinstance(o, ox.Literal):
            if s not in self.labels or o.language == "en":
                self.labels[s] = o.value
        elif p == GK_OPEN_WEIGHTS and isinstance(o, ox.Literal):
            self.open_weights[s] = o.value in ("true", "1")
        elif (p == RDF_TYPE and o.value == SKOS_CONCEPT) or p == SKOS_IN_SCHEME:
            self.concepts.add(s)


@lru_cache(maxsize=1)
def _file_ontology() -> OntologyInfo:
    """The ontology as shipped, so projections work on stores loaded without it."""
    info = OntologyInfo()
    for quad in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
        if isinstance(quad.subject, ox.NamedNode):
            info.add_quad(quad.subject.value, quad.predicate.value, quad.object)
    return info


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :] if cut >= 0 else iri


def _key(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _most_specific_gk(types: set[str], onto: OntologyInfo) -> str:
    """Local name of the gk: class among ``types`` that no other gk: type specialises."""
    gk_types = sorted(t for t in types if t.startswith(GK_NS))
    if not gk_types:
        return local_name(sorted(types)[0]) if types else ""
    best = [t for t in gk_types if not any(t != u and t in onto.ancestors(u) for u in gk_types)]
    return local_name(best[0])


def _in_force(attrs: dict, day: str) -> bool:
    """Whether a node's dates put it in the world of ``day`` (ISO strings compare as dates)."""
    if "release_date" in attrs and attrs["release_date"] > day:
        return False
    if "date" in attrs and attrs["date"] > day:
        return False
    if "valid_from" in attrs and attrs["valid_from"] > day:
        return False
    return not ("valid_until" in attrs and attrs["valid_until"] < day)


def project(
    store: Store,
    *,
    classes: Iterable[str] | None = None,
    predicates: Iterable[str] | None = None,
    graphs: Iterable[str] | None = None,
    as_of: date | None = None,
    include_statements: bool = True,
    include_concepts: bool = False,
) -> nx.MultiDiGraph:
    """The store's entities and relations as a :class:`networkx.MultiDiGraph` (schema above)."""
    onto = OntologyInfo()
    base = _file_ontology()
    onto.superclasses = {k: set(v) for k, v in base.superclasses.items()}
    onto.labels = dict(base.labels)
    onto.open_weights = dict(base.open_weights)
    onto.concepts = set(base.concepts)
    ontology_graph = str(ONTOLOGY_GRAPH)
    graph_filter = {str(g) for g in graphs} if graphs is not None else None
    pred_filter = {str(p) for p in predicates} if predicates is not None else None

    types: dict[str, set[str]] = defaultdict(set)
    attrs: dict[str, dict] = defaultdict(dict)
    sources: dict[str, set[str]] = defaultdict(set)
    edges: list[tuple[str, str, str, str]] = []

    onto_graph = ox.NamedNode(ontology_graph)
    for quad in store.oxigraph.quads_for_pattern(None, None, None, onto_graph):
        if isinstance(quad.subject, ox.NamedNode):
            onto.add_quad(quad.subject.value, quad.predicate.value, quad.object)

    rows = store.query(_PROJECTION_QUERY.read_text(encoding="utf-8"), default_graph="separate")
    for row in rows:
        s, p, o, g = row[0], row[1].value, row[2], row[3]
        g_iri = g.value if g is not None else ""
        if not isinstance(s, ox.NamedNode | ox.BlankNode):
            continue  # RDF-star quoted triples are not part of the network
        skey = _key(s)
        # Concept definitions outside the ontology graph still inform attributes.
        if p in (GK_OPEN_WEIGHTS, SKOS_IN_SCHEME):
            onto.add_quad(skey, p, o)
        if graph_filter is not None and g_iri not in graph_filter:
            continue
        if g_iri:
            sources[skey].add(g_iri)
        if p == RDF_TYPE:
            types[skey].add(o.value)
            if o.value in (SKOS_CONCEPT, SKOS_SCHEME):
                onto.concepts.add(skey)
            continue
        if isinstance(o, ox.Literal):
            node = attrs[skey]
            if p in DATE_ATTRS:
                name = DATE_ATTRS[p]
                node[name] = _PICK[name](node[name], o.value) if name in node else o.value
            elif p == RDFS_LABEL and ("label" not in node or o.language == "en"):
                node["label"] = o.value
            elif p in (SKOS_PREF, DCT_TITLE) and "pref_label" not in node:
                node["pref_label"] = o.value  # sources have a title rather than a label
            continue
        okey = _key(o)
        if p in LINK_PREDICATES:
            attrs[skey].setdefault("url", okey)
            continue
        if p == GK_WEIGHTS_ACCESS:
            attrs[skey]["weights_access"] = okey
        elif p == DCT_SOURCE:
            attrs[skey]["source"] = okey
        if pred_filter is None or p in pred_filter:
            edges.append((skey, p, okey, g_iri))

    keep_classes: set[str] | None = None
    if classes is not None:
        keep_classes = {str(c) for c in classes}
    day = as_of.isoformat() if as_of else None
    statement_types = {t for t in onto.superclasses if GK_STATEMENT in onto.ancestors(t)}
    statement_types.add(GK_STATEMENT)

    def wanted(node: str) -> bool:
        node_types = types.get(node, set())
        if not include_concepts and node in onto.concepts:
            return False
        if GK_SOURCE_GRAPH in node_types:
            return False
        if not include_statements and node_types & statement_types:
            return False
        if keep_classes is not None and not any(
            onto.ancestors(t) & keep_classes for t in node_types
        ):
            return False
        return not (day and not _in_force(attrs.get(node, {}), day))

    out = nx.MultiDiGraph()
    nodes = set(types) | {s for s, _, _, _ in edges} | {o for _, _, o, _ in edges}
    nodes = {n for n in nodes if wanted(n)}
    unlabelled_statements = []
    for node in sorted(nodes):
        data = dict(attrs.get(node, {}))
        pref = data.pop("pref_label", None)
        node_types = types.get(node, set())
        data["local_id"] = local_name(node)
        if "label" not in data and not pref and node_types & statement_types:
            unlabelled_statements.append(node)
        data.setdefault("label", pref or local_name(node))
        data["kind"] = _most_specific_gk(node_types, onto)
        data["types"] = sorted(node_types)
        if "weights_access" in data:
            concept = data["weights_access"]
            data["weights_access"] = local_name(concept)
            data["open_weights"] = onto.open_weights.get(concept, False)
        data["sources"] = set(sources.get(node, ()))
        out.add_node(node, **data)
    for s, p, o, g in edges:
        if s in nodes and o in nodes:
            label = onto.labels.get(p) or local_name(p)
            out.add_edge(s, o, key=f"{p}|{g}", predicate=p, label=label, graph=g)
    for node in unlabelled_statements:
        if node in out:
            out.nodes[node]["label"] = statement_label(out, node, onto)
    return out


#: Roles named first in a statement's label: who did it, then what it was about.
_AGENT_ROLES = {
    GK_NS + name
    for name in ("participant", "holder", "claimant", "evaluator", "actor", "developedBy")
} | {"http://www.w3.org/ns/org#originalOrganization"}
_MAX_NAMES = 3


def statement_label(g: nx.MultiDiGraph, node: str, onto: OntologyInfo) -> str:
    """A readable label for a statement node that has none: class, linked entities, date.

    Why: statements (participations, releases, evaluations, actions) carry ids like
    ``release-yi-34b``, which mean little on a page or in a Gephi export; the entities they
    link say what they are. Sources are left out (every statement has one).
    """
    data = g.nodes[node]
    kind_iri = GK_NS + data.get("kind", "") if data.get("kind") else ""
    kind = onto.labels.get(kind_iri) or data.get("kind") or "Statement"
    named: dict[str, tuple[int, str]] = {}
    for _, target, edge in g.out_edges(node, data=True):
        if edge["predicate"] == DCT_SOURCE or target in named:
            continue
        rank = 0 if edge["predicate"] in _AGENT_ROLES else 1
        named[target] = (rank, g.nodes[target].get("label", local_name(target)))
    names = [label for _, label in sorted(named.values())]
    text = kind[:1].upper() + kind[1:]
    if names:
        shown = names[:_MAX_NAMES] + (["…"] if len(names) > _MAX_NAMES else [])
        text += ": " + ", ".join(shown)
    day = data.get("date") or data.get("valid_from")
    return f"{text} ({day})" if day else text
