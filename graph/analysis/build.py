"""Adding nodes and edges in the projection schema by hand.

Why: what-if scenarios add hypothetical statements to a copy of a projected graph, and tests and
docstring examples need small graphs whose answers can be worked out on paper. Both must produce
exactly what :func:`govkg.graph.projection.project` produces (IRI keys, ``kind``/``types``/``label``
attributes, edges keyed ``"<predicate>|<graph>"`` with ``predicate``/``label``/``graph``), or
the analyses would be tested on a different shape from the one they meet in production.

Ids are govkg ids (``meta``) or full IRIs; concept values are concept ids (``signed``).

    >>> import networkx as nx
    >>> from govkg.graph.analysis.build import add_entity, add_model
    >>> g = nx.MultiDiGraph()
    >>> _ = add_entity(g, "meta", "AIDeveloper", "Meta")
    >>> iri = add_model(g, "llama-3-70b", "Llama 3 70B", developer="meta",
    ...                 release_date="2024-04-18", weights_access="open-weights-restricted")
    >>> g.nodes[iri]["kind"], g.nodes[iri]["open_weights"]
    ('AIModel', True)
    >>> [d["label"] for _, _, d in g.out_edges(iri, data=True)]
    ['developed by']
"""

from __future__ import annotations

import networkx as nx
from govkg.graph.analysis.schema import (
    BASE_MODEL,
    DEPLOYMENT_STAGE,
    DEVELOPED_BY,
    EVALUATED_MODEL,
    EVALUATOR,
    GK,
    GKC,
    HOLDER,
    ID,
    INSTRUMENT,
    ISSUED_BY,
    PARTICIPANT,
    PARTICIPATION_STATUS,
    STANCE,
    local_name,
)

#: Graph IRI used for facts added by hand when the caller names none.
HAND_GRAPH = "https://w3id.org/govkg/graph/hand-built"

#: Weights-access concepts whose ``gk:openWeights`` is true in the ontology.
OPEN_WEIGHTS_CONCEPTS = frozenset(
    {
        "open-weights",
        "open-weights-unrestricted",
        "open-weights-restricted",
        "open-weights-noncommercial",
    }
)

#: Labels of the predicates, as the ontology gives them (the projection copies these).
PREDICATE_LABELS = {
    DEVELOPED_BY: "developed by",
    BASE_MODEL: "base model",
    EVALUATED_MODEL: "evaluated model",
    EVALUATOR: "evaluator",
    DEPLOYMENT_STAGE: "deployment stage",
    PARTICIPANT: "participant",
    INSTRUMENT: "instrument",
    PARTICIPATION_STATUS: "participation status",
    ISSUED_BY: "issued by",
    HOLDER: "holder",
    STANCE: "stance",
}


def iri(ref: str) -> str:
    """A full IRI for a govkg id; full IRIs pass through."""
    return ref if ":" in ref else ID + ref


def add_entity(
    graph: nx.MultiDiGraph,
    ref: str,
    kind: str,
    label: str | None = None,
    *,
    source_graph: str = HAND_GRAPH,
    **attrs: object,
) -> str:
    """Add (or update) a node of gk: class ``kind``; returns its IRI."""
    node = iri(ref)
    data = graph.nodes[node] if node in graph else {}
    types = set(data.get("types", ())) | {GK + kind}
    sources = set(data.get("sources", set())) | {source_graph}
    graph.add_node(
        node,
        label=label or data.get("label") or local_name(node),
        kind=kind,
        types=sorted(types),
        sources=sources,
        **attrs,
    )
    return node


def add_edge(
    graph: nx.MultiDiGraph,
    subject: str,
    predicate: str,
    obj: str,
    *,
    source_graph: str = HAND_GRAPH,
) -> None:
    """Add one fact as the projection would: keyed by predicate and graph, labelled."""
    graph.add_edge(
        iri(subject),
        iri(obj),
        key=f"{predicate}|{source_graph}",
        predicate=predicate,
        label=PREDICATE_LABELS.get(predicate, local_name(predicate)),
        graph=source_graph,
    )


def add_concept_link(
    graph: nx.MultiDiGraph, node: str, predicate: str, concept: str, *, source_graph: str
) -> None:
    """Link a statement to a concept node (kind ``Concept``), as ``include_concepts=True`` does."""
    target = GKC + concept
    if target not in graph:
        graph.add_node(target, label=concept, kind="Concept", types=[], sources=set())
    add_edge(graph, node, predicate, target, source_graph=source_graph)


def add_model(
    graph: nx.MultiDiGraph,
    ref: str,
    label: str,
    *,
    developer: str | None = None,
    base_model: str | None = None,
    release_date: str | None = None,
    weights_access: str | None = None,
    source_graph: str = HAND_GRAPH,
    **attrs: object,
) -> str:
    """Add an AIModel with its developer, base model, release date and weights access."""
    extra: dict[str, object] = dict(attrs)
    if release_date:
        extra["release_date"] = release_date
    if weights_access:
        extra["weights_access"] = weights_access
        extra["open_weights"] = weights_access in OPEN_WEIGHTS_CONCEPTS
    node = add_entity(graph, ref, "AIModel", label, source_graph=source_graph, **extra)
    if developer:
        if iri(developer) not in graph:
            add_entity(graph, developer, "AIDeveloper", source_graph=source_graph)
        add_edge(graph, node, DEVELOPED_BY, developer, source_graph=source_graph)
    if base_model:
        add_edge(graph, node, BASE_MODEL, base_model, source_graph=source_graph)
    return node


def _statement(
    graph: nx.MultiDiGraph, ref: str, kind: str, source_graph: str, attrs: dict[str, object]
) -> str:
    clean = {k: v for k, v in attrs.items() if v is not None}
    label = clean.pop("label", None)
    node = add_entity(
        graph,
        ref,
        kind,
        str(label) if label is not None else None,
        source_graph=source_graph,
        **clean,
    )
    graph.nodes[node]["source"] = source_graph.replace("/graph/", "/source/")
    return node


def add_evaluation(
    graph: nx.MultiDiGraph,
    ref: str,
    model: str,
    evaluators: list[str],
    *,
    stage: str | None = "pre-deployment",
    date: str | None = None,
    source_graph: str = HAND_GRAPH,
) -> str:
    """Add a ModelEvaluation statement node: evaluatedModel, evaluator(s) and stage."""
    node = _statement(graph, ref, "ModelEvaluation", source_graph, {"date": date})
    add_edge(graph, node, EVALUATED_MODEL, model, source_graph=source_graph)
    for evaluator in evaluators:
        add_edge(graph, node, EVALUATOR, evaluator, source_graph=source_graph)
    if stage:
        add_concept_link(graph, node, DEPLOYMENT_STAGE, stage, source_graph=source_graph)
    return node


def add_participation(
    graph: nx.MultiDiGraph,
    ref: str,
    party: str,
    instrument: str,
    status: str,
    *,
    date: str | None = None,
    valid_from: str | None = None,
    valid_until: str | None = None,
    source_graph: str = HAND_GRAPH,
) -> str:
    """Add a Participation statement node: participant, instrument and status."""
    node = _statement(
        graph,
        ref,
        "Participation",
        source_graph,
        {"date": date, "valid_from": valid_from, "valid_until": valid_until},
    )
    add_edge(graph, node, PARTICIPANT, party, source_graph=source_graph)
    add_edge(graph, node, INSTRUMENT, instrument, source_graph=source_graph)
    add_concept_link(graph, node, PARTICIPATION_STATUS, status, source_graph=source_graph)
    return node


def add_stance(
    graph: nx.MultiDiGraph,
    ref: str,
    holder: str,
    stance: str,
    *,
    valid_from: str | None = None,
    source_graph: str = HAND_GRAPH,
) -> str:
    """Add a StanceAttribution statement node: holder and stance concept."""
    node = _statement(graph, ref, "StanceAttribution", source_graph, {"valid_from": valid_from})
    add_edge(graph, node, HOLDER, holder, source_graph=source_graph)
    add_concept_link(graph, node, STANCE, stance, source_graph=source_graph)
    return node
