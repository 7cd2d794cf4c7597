"""Project the RDF store onto a NetworkX multigraph for network analysis and visualisation.

Why a hand-written projection rather than rdflib's ``rdflib_to_networkx_multidigraph``: the
analyses want entities and their relations, not literals or ``rdf:type`` edges, and they want
each node's label, kind, dates and sources as attributes. One direct pass over pyoxigraph's
``quads_for_pattern`` collects all of that.

Why it is written the way it is (1M synthetic triples, docs/benchmarks.md "Analyses"): the time
goes to Python bookkeeping per quad and per node, not to the store. So the pass drops unused
literals by their type and predicate before reading their text; keeps one string per IRI
(edges, adjacency and attributes share it); decides each predicate's role once; works out what
a node's set of classes implies once per distinct set; labels statements from the collected
edges rather than graph views; and pauses the cyclic garbage collector while it allocates (its
objects hold no cycles; re-walking them cost about a third of the time). A SPARQL query that
filtered the literals in the engine cost more than the plain scan, in memory and on disk, even
on a store with long descriptions on a quarter of its quads.

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

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

import networkx as nx
import pyoxigraph as ox
from govkg.graph.projection_ontology import (
    DCT_SOURCE,
    DCT_TITLE,
    GK_NS,
    GK_OPEN_WEIGHTS,
    GK_SOURCE_GRAPH,
    GK_STATEMENT,
    GK_WEIGHTS_ACCESS,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_CONCEPT,
    SKOS_IN_SCHEME,
    SKOS_PREF,
    SKOS_SCHEME,
    OntologyInfo,
    _most_specific_gk,
    _store_ontology,
    local_name,
)
from govkg.graph.store.backend import Backend
from govkg.ontology import ONTOLOGY_GRAPH

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

# What a quad's predicate makes of it, decided once per predicate (see ``_collect``).
_EDGE, _TYPE, _DATE, _LABEL, _PREF, _LINK, _WEIGHTS, _SOURCE, _OPEN, _SCHEME = range(10)
#: The roles whose literal objects the projection reads.
_LITERAL_ROLES = frozenset((_DATE, _LABEL, _PREF, _OPEN))
_ROLES = {
    RDF_TYPE: _TYPE,
    RDFS_LABEL: _LABEL,
    SKOS_PREF: _PREF,
    DCT_TITLE: _PREF,
    GK_WEIGHTS_ACCESS: _WEIGHTS,
    DCT_SOURCE: _SOURCE,
    GK_OPEN_WEIGHTS: _OPEN,
    SKOS_IN_SCHEME: _SCHEME,
    **dict.fromkeys(DATE_ATTRS, _DATE),
    **dict.fromkeys(LINK_PREDICATES, _LINK),
}


def _in_force(attrs: dict, day: str) -> bool:
    """Whether a node's dates put it in the world of ``day`` (ISO strings compare as dates)."""
    if "release_date" in attrs and attrs["release_date"] > day:
        return False
    if "date" in attrs and attrs["date"] > day:
        return False
    if "valid_from" in attrs and attrs["valid_from"] > day:
        return False
    return not ("valid_until" in attrs and attrs["valid_until"] < day)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory).

    Why: a projection allocates millions of small dicts, sets and tuples that live on; each
    young-generation collection re-walks them for cycles they do not have. On the way out the
    survivors go straight to the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``, both
    constant-time), where the collector would move them anyway after walking them twice more;
    skipped when someone froze objects on purpose (before a fork), so as not to thaw theirs.
    Restores the previous state, so nested or concurrent callers leave the collector as they
    found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


@dataclass
class _Facts:
    """What one pass over the store's quads collects, keyed by canonical node strings."""

    types: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    attrs: defaultdict[str, dict] = field(default_factory=lambda: defaultdict(dict))
    sources: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: (subject, object, predicate, graph) in store order, after the predicate filter.
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)


def _collect(
    store: Backend,
    onto: OntologyInfo,
    graph_filter: set[str] | None,
    pred_filter: set[str] | None,
) -> _Facts:
    """One pass over the store's quads: types, attributes, sources and edges.

    ``onto`` gains the concept definitions found outside the ontology graph.
    """
    facts = _Facts()
    types, attrs, sources, edges = facts.types, facts.attrs, facts.sources, facts.edges
    canon: dict[str, str] = {}  # one string object per IRI, shared by every quad naming it
    intern = canon.setdefault
    roles: dict[str, tuple[str, int]] = {}
    named, blank, literal, default_graph = ox.NamedNode, ox.BlankNode, ox.Literal, ox.DefaultGraph
    ontology_graph = str(ONTOLOGY_GRAPH)
    last_s = last_g = src_s = src_g = ""
    for s, p, o, g in store.quads():
        if isinstance(s, named):
            skey = s.value
        elif isinstance(s, blank):
            skey = "_:" + s.value
        else:
            continue  # RDF-star quoted triples are not part of the network
        # Quads come grouped by graph and subject: compare with the previous quad before
        # looking a string up.
        if skey == last_s:
            skey = last_s
        else:
            skey = last_s = intern(skey, skey)
        gv = "" if isinstance(g, default_graph) else g.value
        if gv == last_g:
            gv = last_g
        else:
            if gv == ontology_graph:
                continue  # the class hierarchy is not part of the network
            gv = last_g = intern(gv, gv)
        pv = p.value
        known = roles.get(pv)
        if known is None:
            known = roles[pv] = (pv, _ROLES.get(pv, _EDGE))
        pv, role = known
        if isinstance(o, literal) and role not in _LITERAL_ROLES:
            continue  # other literals (descriptions, notes, ...) are not used
        if role >= _OPEN:  # concept definitions outside the ontology graph inform attributes
            onto.add_quad(skey, pv, o)
        if graph_filter is not None and gv not in graph_filter:
            continue
        if gv and (skey is not src_s or gv is not src_g):
            sources[skey].add(gv)
            src_s, src_g = skey, gv
        if role == _TYPE:
            tv = o.value
            types[skey].add(intern(tv, tv))
            if tv in (SKOS_CONCEPT, SKOS_SCHEME):
                onto.concepts.add(skey)
            continue
        if isinstance(o, literal):  # a date, label, title or gk:openWeights
            node = attrs[skey]
            if role == _DATE:
                name = DATE_ATTRS[pv]
                node[name] = _PICK[name](node[name], o.value) if name in node else o.value
            elif role == _LABEL and ("label" not in node or o.language == "en"):
                node["label"] = o.value
            elif role == _PREF and "pref_label" not in node:
                node["pref_label"] = o.value  # sources have a title rather than a label
            continue
        if isinstance(o, named):
            okey = o.value
        elif isinstance(o, blank):
            okey = "_:" + o.value
        else:
            continue  # a quoted triple as object: not a node either
        okey = intern(okey, okey)
        if role == _LINK:
            attrs[skey].setdefault("url", okey)
            continue
        if role == _WEIGHTS:
            attrs[skey]["weights_access"] = okey
        elif role == _SOURCE:
            attrs[skey]["source"] = okey
        if pred_filter is None or pv in pred_filter:
            edges.append((skey, okey, pv, gv))
    return facts


@dataclass(frozen=True)
class _TypeInfo:
    """What a node's set of classes implies, computed once per distinct set."""

    kind: str
    source_graph: bool
    statement: bool
    in_classes: bool


#: A kept node's sorted classes and what they imply.
_Kept = dict[str, tuple[tuple[str, ...], _TypeInfo]]


def project(
    store: Backend,
    *,
    classes: Iterable[str] | None = None,
    predicates: Iterable[str] | None = None,
    graphs: Iterable[str] | None = None,
    as_of: date | None = None,
    include_statements: bool = True,
    include_concepts: bool = False,
) -> nx.MultiDiGraph:
    """The store's entities and relations as a :class:`networkx.MultiDiGraph` (schema above)."""
    graph_filter = {str(g) for g in graphs} if graphs is not None else None
    pred_filter = {str(p) for p in predicates} if predicates is not None else None
    keep_classes = {str(c) for c in classes} if classes is not None else None
    day = as_of.isoformat() if as_of else None
    with _gc_paused():
        onto = _store_ontology(store)
        facts = _collect(store, onto, graph_filter, pred_filter)
        kept = _select(facts, onto, keep_classes, day, include_statements, include_concepts)
        out = nx.MultiDiGraph()
        nodes, unlabelled = _add_nodes(out, kept, facts, onto)
        linked = _add_edges(out, kept, facts.edges, onto, unlabelled)
        del facts, kept  # so the collector, once resumed, has fewer objects to walk
        for node in unlabelled:
            data = nodes[node]
            data["label"] = statement_label(data, linked[node], nodes, onto)
    return out


def _select(
    facts: _Facts,
    onto: OntologyInfo,
    keep_classes: set[str] | None,
    day: str | None,
    include_statements: bool,
    include_concepts: bool,
) -> _Kept:
    """The nodes the filters keep: typed subjects and edge ends, minus what is left out."""
    statement_types = {t for t in onto.superclasses if GK_STATEMENT in onto.ancestors(t)}
    statement_types.add(GK_STATEMENT)
    type_infos: dict[tuple[str, ...], _TypeInfo] = {}
    types, attrs = facts.types, facts.attrs
    candidates = set(types)
    candidates.update(map(itemgetter(0), facts.edges))
    candidates.update(map(itemgetter(1), facts.edges))
    no_types: set[str] = set()
    kept: _Kept = {}
    for node in candidates:
        sorted_types = tuple(sorted(types.get(node, no_types)))
        info = type_infos.get(sorted_types)
        if info is None:
            info = type_infos[sorted_types] = _TypeInfo(
                kind=_most_specific_gk(sorted_types, onto),
                source_graph=GK_SOURCE_GRAPH in sorted_types,
                statement=not statement_types.isdisjoint(sorted_types),
                in_classes=keep_classes is None
                or any(onto.ancestors(t) & keep_classes for t in sorted_types),
            )
        if (
            (not include_concepts and node in onto.concepts)
            or info.source_graph
            or (not include_statements and info.statement)
            or not info.in_classes
            or (day and node in attrs and not _in_force(attrs[node], day))
        ):
            continue
        kept[node] = (sorted_types, info)
    return kept


def _add_nodes(
    out: nx.MultiDiGraph, kept: _Kept, facts: _Facts, onto: OntologyInfo
) -> tuple[dict[str, dict], list[str]]:
    """Add the kept nodes in IRI order with their attributes (taken out of ``facts``).

    Returns every node's attribute dict (the graph's own) and the statements still without a
    label, in IRI order.
    """
    out.add_nodes_from(sorted(kept))
    nodes: dict[str, dict] = {}
    unlabelled: list[str] = []
    # Fill the graph's own, still empty, attribute dicts: no copy per node.
    for node, data in out.nodes(data=True):
        sorted_types, info = kept[node]
        collected = facts.attrs.pop(node, None)
        pref = collected.pop("pref_label", None) if collected else None
        if collected:
            data.update(collected)
        name = local_name(node)
        data["local_id"] = name
        if "label" not in data and not pref and info.statement:
            unlabelled.append(node)
        data.setdefault("label", pref or name)
        data["kind"] = info.kind
        data["types"] = list(sorted_types)
        if "weights_access" in data:
            concept = data["weights_access"]
            data["weights_access"] = local_name(concept)
            data["open_weights"] = onto.open_weights.get(concept, False)
        data["sources"] = facts.sources.pop(node, None) or set()
        nodes[node] = data
    return nodes, unlabelled


def _add_edges(
    out: nx.MultiDiGraph,
    kept: _Kept,
    edges: list[tuple[str, str, str, str]],
    onto: OntologyInfo,
    unlabelled: list[str],
) -> dict[str, list[tuple[str, str]]]:
    """Add the edges between kept nodes, in store order; the out-links of ``unlabelled``."""
    edge_meta: dict[tuple[str, str], tuple[str, str]] = {}  # (predicate, graph): key, label
    linked: dict[str, list[tuple[str, str]]] = {node: [] for node in unlabelled}
    add_edge = out.add_edge
    for s, o, p, g in edges:
        if s not in kept or o not in kept:
            continue
        meta = edge_meta.get((p, g))
        if meta is None:
            meta = edge_meta[(p, g)] = (f"{p}|{g}", onto.labels.get(p) or local_name(p))
        key, label = meta
        add_edge(s, o, key, predicate=p, label=label, graph=g)
        if s in linked:
            linked[s].append((p, o))
    return linked


#: Roles named first in a statement's label: who did it, then what it was about.
_AGENT_ROLES = {
    GK_NS + name
    for name in ("participant", "holder", "claimant", "evaluator", "actor", "developedBy")
} | {"http://www.w3.org/ns/org#originalOrganization"}
_MAX_NAMES = 3


def statement_label(
    data: dict, links: list[tuple[str, str]], nodes: dict[str, dict], onto: OntologyInfo
) -> str:
    """A readable label for a statement node that has none: class, linked entities, date.

    Why: statements (participations, releases, evaluations, actions) carry ids like
    ``release-yi-34b``, which mean little on a page or in a Gephi export; the entities they
    link say what they are. Sources are left out (every statement has one). ``data`` are the
    statement's attributes, ``links`` its out-edges as (predicate, target) pairs in graph order
    and ``nodes`` every node's attributes; only the first non-source link to a target counts.
    """
    kind_iri = GK_NS + data.get("kind", "") if data.get("kind") else ""
    kind = onto.labels.get(kind_iri) or data.get("kind") or "Statement"
    named: dict[str, tuple[int, str]] = {}
    for predicate, target in links:
        if predicate == DCT_SOURCE or target in named:
            continue
        rank = 0 if predicate in _AGENT_ROLES else 1
        label = nodes[target].get("label")
        named[target] = (rank, local_name(target) if label is None else label)
    names = [label for _, label in sorted(named.values())]
    text = kind[:1].upper() + kind[1:]
    if names:
        shown = names[:_MAX_NAMES] + (["…"] if len(names) > _MAX_NAMES else [])
        text += ": " + ", ".join(shown)
    day = data.get("date") or data.get("valid_from")
    return f"{text} ({day})" if day else text
