"""What the NetworkX projection needs from the ontology: classes, labels, concepts, IRIs.

Why apart from :mod:`govkg.graph.projection`: the projection's hot loop and its ontology lookups
change for different reasons, and keeping them apart keeps both modules small. The shipped
ontology is parsed once per process (``_file_ontology``); a store's own ontology graph is
layered on top per projection (``_store_ontology``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from govkg.graph.store.backend import Backend
from govkg.ontology import GK, ONTOLOGY_FILE, ONTOLOGY_GRAPH

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


def _store_ontology(store: Backend) -> OntologyInfo:
    """The shipped ontology plus the store's ontology graph (a private copy to extend)."""
    base = _file_ontology()
    onto = OntologyInfo(
        superclasses={k: set(v) for k, v in base.superclasses.items()},
        labels=dict(base.labels),
        open_weights=dict(base.open_weights),
        concepts=set(base.concepts),
    )
    for quad in store.quads(str(ONTOLOGY_GRAPH)):
        if isinstance(quad.subject, ox.NamedNode) and not isinstance(quad.object, ox.Triple):
            onto.add_quad(quad.subject.value, quad.predicate.value, quad.object)
    return onto


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :] if cut >= 0 else iri


def _most_specific_gk(types: Iterable[str], onto: OntologyInfo) -> str:
    """Local name of the gk: class among ``types`` that no other gk: type specialises."""
    types = set(types)
    gk_types = sorted(t for t in types if t.startswith(GK_NS))
    if not gk_types:
        return local_name(sorted(types)[0]) if types else ""
    best = [t for t in gk_types if not any(t != u and t in onto.ancestors(u) for u in gk_types)]
    return local_name(best[0])
