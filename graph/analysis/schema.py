"""Reading the projection schema: the vocabulary and small accessors every analysis shares.

Why one module: the analyses are pure functions over the :class:`networkx.MultiDiGraph` that
:func:`govkg.graph.projection.project` returns (node key = IRI; attributes ``label``, ``kind``,
``types``, dates, ``weights_access``, ``open_weights``, ``source``, ``sources``; edge attributes
``predicate``, ``label``, ``graph``). Reading that schema in one place keeps each analysis short
and means a schema change is fixed once.

Concept values (a participation's status, an evaluation's stage, a stance) are read from the
edge into the concept when the projection kept concepts (``include_concepts=True``), else from a
node attribute of the same name in snake case (``participation_status``, ``deployment_stage``,
``stance``) -- either holds the concept's local id or IRI.

    >>> from govkg.graph.analysis.schema import local_name, GK
    >>> local_name(GK + "baseModel")
    'baseModel'
    >>> local_name("https://w3id.org/govkg/concept/signed")
    'signed'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
from govkg.graph.errors import InputError, NotFoundError
from govkg.ontology import GK as _GK
from govkg.ontology import GKC as _GKC
from govkg.ontology import ID as _ID

GK = str(_GK)
GKC = str(_GKC)
ID = str(_ID)

# Predicates (full IRIs) the analyses follow.
DEVELOPED_BY = GK + "developedBy"
BASE_MODEL = GK + "baseModel"
EVALUATED_MODEL = GK + "evaluatedModel"
EVALUATOR = GK + "evaluator"
DEPLOYMENT_STAGE = GK + "deploymentStage"
PARTICIPANT = GK + "participant"
INSTRUMENT = GK + "instrument"
PARTICIPATION_STATUS = GK + "participationStatus"
ISSUED_BY = GK + "issuedBy"
HOLDER = GK + "holder"
STANCE = GK + "stance"
WEIGHTS_ACCESS = GK + "weightsAccess"

#: Node attribute that stands in for a concept edge when the projection dropped concepts.
CONCEPT_ATTRS = {
    PARTICIPATION_STATUS: "participation_status",
    DEPLOYMENT_STAGE: "deployment_stage",
    STANCE: "stance",
}

#: Kinds (local names of gk: classes) the analyses treat specially.
MODEL = "AIModel"
EVALUATION = "ModelEvaluation"
PARTICIPATION = "Participation"
TESTING_AGREEMENT = "TestingAgreement"
STANCE_ATTRIBUTION = "StanceAttribution"
CONCEPT = "Concept"
#: Kinds that are not part of the governance network itself: concepts (shared values such as
#: a status) and sources (every statement points at one). Left out of centrality, communities,
#: components and paths by default, because as hubs they would join everything to everything.
NON_NETWORK_KINDS = frozenset({CONCEPT, "Source", "SourceGraph"})


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/`` (a concept's id, a class's name)."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :] if cut >= 0 else iri


def label(graph: nx.MultiDiGraph, node: str) -> str:
    """The node's ``label`` attribute, else its local name (never empty, for messages)."""
    data = graph.nodes[node] if node in graph else {}
    return str(data.get("label") or local_name(node))


def kind(graph: nx.MultiDiGraph, node: str) -> str:
    """The node's ``kind``; ``"Concept"`` for SKOS concepts the projection left untyped.

    Concept nodes carry no gk: type in the data (their ``skos:Concept`` typing lives in the
    ontology graph, which the projection skips), so they are recognised by namespace too.
    """
    data = graph.nodes[node]
    found = data.get("kind") or ""
    if not found and (
        str(node).startswith(GKC) or any(t.endswith("#Concept") for t in data.get("types", ()))
    ):
        return CONCEPT
    return found


def is_kind(graph: nx.MultiDiGraph, node: str, wanted: str) -> bool:
    """Whether the node's kind is ``wanted`` or ``gk:wanted`` is among its types.

    Types matter because a node can be a TestingAgreement by type while its most specific
    kind is something else the ontology adds later.
    """
    data = graph.nodes[node]
    return data.get("kind") == wanted or (GK + wanted) in data.get("types", ())


def nodes_of_kind(graph: nx.MultiDiGraph, wanted: str) -> list[str]:
    """All nodes of one kind, sorted by IRI so every analysis is deterministic."""
    return sorted(n for n in graph.nodes if is_kind(graph, n, wanted))


def out_targets(graph: nx.MultiDiGraph, node: str, predicate: str) -> list[str]:
    """Objects of ``node``'s edges with ``predicate`` (deduplicated across source graphs)."""
    seen: dict[str, None] = {}
    for _, target, data in graph.out_edges(node, data=True):
        if data.get("predicate") == predicate:
            seen.setdefault(target, None)
    return sorted(seen)


def in_sources(graph: nx.MultiDiGraph, node: str, predicate: str) -> list[str]:
    """Subjects of edges with ``predicate`` that point at ``node`` (deduplicated, sorted)."""
    seen: dict[str, None] = {}
    for source, _, data in graph.in_edges(node, data=True):
        if data.get("predicate") == predicate:
            seen.setdefault(source, None)
    return sorted(seen)


def concept_value(graph: nx.MultiDiGraph, node: str, predicate: str) -> str | None:
    """The local id of the concept ``node`` has for ``predicate`` (edge or attribute), or None."""
    targets = out_targets(graph, node, predicate)
    if targets:
        return local_name(targets[0])
    value = graph.nodes[node].get(CONCEPT_ATTRS.get(predicate, ""))
    return local_name(str(value)) if value else None


def edge_graphs(graph: nx.MultiDiGraph, a: str, b: str, predicate: str | None = None) -> list[str]:
    """The named graphs (sources) that assert an edge from ``a`` to ``b``."""
    found = {
        data.get("graph", "")
        for data in (graph.get_edge_data(a, b) or {}).values()
        if predicate is None or data.get("predicate") == predicate
    }
    return sorted(g for g in found if g)


def parse_day(value: object, *, field: str = "as_of") -> date:
    """A :class:`datetime.date` from a date or an ISO ``YYYY-MM-DD`` string.

    Raises :class:`~govkg.graph.errors.InputError` naming ``field`` when the value is not a date,
    because ``as_of`` often arrives from a command line or a query string.
    """
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{field}: expected a date YYYY-MM-DD, got {value!r}") from None


def day_attr(graph: nx.MultiDiGraph, node: str, name: str) -> date | None:
    """A node's date attribute as a date; None when absent or unreadable (left undated)."""
    value = graph.nodes[node].get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def resolve_node(graph: nx.MultiDiGraph, ref: str) -> str:
    """The node a user means by ``ref``: an IRI, a govkg id (``meta``) or an exact label.

    Raises :class:`~govkg.graph.errors.NotFoundError` with the closest labels when nothing matches,
    so a typo in ``govkg analyze path`` gets a useful answer.
    """
    if ref in graph:
        return ref
    if ID + ref in graph:
        return ID + ref
    folded = ref.casefold()
    matches = sorted(
        n for n, d in graph.nodes(data=True) if str(d.get("label", "")).casefold() == folded
    )
    if matches:
        return matches[0]

    names = {str(d.get("label", "")) for _, d in graph.nodes(data=True) if d.get("label")}
    names |= {n[len(ID) :] for n in graph.nodes if isinstance(n, str) and n.startswith(ID)}
    near = difflib.get_close_matches(ref, sorted(names), n=3)
    hint = f"; did you mean {', '.join(repr(x) for x in near)}?" if near else ""
    raise NotFoundError(f"no node {ref!r} in the graph (give an IRI, an id or a label){hint}")


@dataclass(frozen=True)
class Fact:
    """One edge of the graph, readable: who, what relation, whom, and which sources say so.

    ``forward`` is False when a path walks the edge against its direction (the subject and
    object stay as the RDF has them, so the sentence still reads the right way round).
    """

    subject: str
    predicate: str
    object: str
    subject_label: str
    predicate_label: str
    object_label: str
    sources: tuple[str, ...] = ()
    forward: bool = True

    def __str__(self) -> str:
        return f"{self.subject_label} —{self.predicate_label}→ {self.object_label}"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "subject_label": self.subject_label,
            "predicate_label": self.predicate_label,
            "object_label": self.object_label,
            "sources": list(self.sources),
            "forward": self.forward,
        }


def facts_between(graph: nx.MultiDiGraph, a: str, b: str) -> Iterator[Fact]:
    """Every fact linking ``a`` and ``b`` in either direction, one per predicate."""
    for subject, obj, forward in ((a, b, True), (b, a, False)):
        by_predicate: dict[str, tuple[str, set[str]]] = {}
        for data in (graph.get_edge_data(subject, obj) or {}).values():
            predicate = data.get("predicate", "")
            entry = by_predicate.setdefault(
                predicate, (data.get("label") or local_name(predicate), set())
            )
            if data.get("graph"):
                entry[1].add(data["graph"])
        for predicate in sorted(by_predicate):
            text, graphs = by_predicate[predicate]
            yield Fact(
                subject,
                predicate,
                obj,
                label(graph, subject),
                text,
                label(graph, obj),
                tuple(sorted(graphs)),
                forward,
            )


def fact(graph: nx.MultiDiGraph, subject: str, predicate: str, obj: str) -> Fact:
    """The :class:`Fact` for one known edge (sources gathered over its parallel copies)."""
    text = local_name(predicate)
    for data in (graph.get_edge_data(subject, obj) or {}).values():
        if data.get("predicate") == predicate:
            text = data.get("label") or text
            break
    return Fact(
        subject,
        predicate,
        obj,
        label(graph, subject),
        text,
        label(graph, obj),
        tuple(edge_graphs(graph, subject, obj, predicate)),
    )
