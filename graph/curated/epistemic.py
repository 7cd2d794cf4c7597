"""Epistemic status of every statement: corroborated, single-source, reported, claimed, disputed.

Why at build time: whether a fact is corroborated depends on every source file, not on the one
being compiled, and an answer must show it without a second query. A fact is *corroborated*
when sources by at least two different publishers state it (two pages of one publisher are one
voice); the count of independent publishers goes on the statement as gk:independentSources.
A curator may state the status instead (``epistemic: claimed | reported | disputed``); a stated
status wins over the computed one, since "two outlets repeat a party's claim" is still a claim.
A statement that names ``reported_by`` and no status is *reported*. Everything else is
*single-source*.

What counts as "the same fact" is decided per kind by :data:`FACT_FIELDS`: the fields that make
the fact, not the wording (``quote``, ``description``, ``outcome``) nor the details one source
adds and another leaves out (a model card's parameter count).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from govkg.graph.curated.output import Output
from govkg.ontology import GK, concept_iri
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

#: The fields that identify a fact, per statement kind (kinds not listed are never corroborated).
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "release": ("model", "developer"),
    "family": ("family",),
    "participation": ("party", "instrument", "status"),
    "evaluation": ("model", "evaluators", "stage"),
    "action": ("actor", "type", "targets"),
    "instrument": ("instrument",),
    "organisation": ("organisation", "head"),
    "change": ("from", "to"),
    "stance": ("holder", "stance", "topic"),
    "claim": ("claimant", "text"),
}


@dataclass(frozen=True)
class StatementFact:
    """One emitted statement: where it is, what fact it states and who published its source."""

    node: URIRef
    graph: URIRef
    key: tuple | None
    publisher: str
    stated: str | None


def fact_key(kind: str, values: dict[str, Any]) -> tuple | None:
    """The hashable identity of a statement's fact, or None when the kind is never compared.

    >>> fact_key("participation", {"party": ["meta"], "instrument": "x", "status": "signed"})
    ('participation', ('party', ('meta',)), ('instrument', 'x'), ('status', 'signed'))
    """
    fields = FACT_FIELDS.get(kind)
    if fields is None:
        return None

    def norm(value: Any) -> Any:
        return tuple(sorted(map(str, value))) if isinstance(value, list) else value

    return (kind, *((f, norm(values.get(f))) for f in fields))


def status_of(stated: str | None, independent: int) -> str:
    """The status to publish: a stated one wins; else corroborated from two publishers.

    >>> status_of(None, 2), status_of(None, 1), status_of("claimed", 3)
    ('corroborated', 'single-source', 'claimed')
    """
    if stated is not None:
        return stated
    return "corroborated" if independent >= 2 else "single-source"


def emit_epistemic(facts: list[StatementFact], out: Output) -> None:
    """Add gk:epistemicStatus and gk:independentSources to every statement, in its graph."""
    publishers: dict[tuple, set[str]] = defaultdict(set)
    for fact in facts:
        if fact.key is not None:
            publishers[fact.key].add(fact.publisher)
    for fact in facts:
        independent = len(publishers[fact.key]) if fact.key is not None else 1
        status = status_of(fact.stated, independent)
        out.add(fact.graph, fact.node, GK.epistemicStatus, concept_iri(status))
        out.add(
            fact.graph,
            fact.node,
            GK.independentSources,
            Literal(str(independent), datatype=XSD.integer),
        )
