"""What a diff finds: statement changes, plain triple changes and renamed sources.

Why statements first: a govkg fact is a ``gk:Statement`` node (its date, status, licence,
quote, ``dcterms:source``) in its source's named graph. A reader wants "the release date of
Llama 3.1 405B changed from X to Y, per source Z", not two unrelated triples; everything else
(entity registry, imports, source metadata) is compared as plain quads. Terms are kept in
N-Triples syntax (``<iri>``, ``"2024-07-23"^^<…#date>``) so the JSON form is exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

#: Which aspect of a statement a property records; a change is labelled with it.
ASPECTS = {
    "https://w3id.org/govkg/ontology#date": "date",
    "https://w3id.org/govkg/ontology#validFrom": "date",
    "https://w3id.org/govkg/ontology#validUntil": "date",
    "https://w3id.org/govkg/ontology#releaseDate": "date",
    "https://w3id.org/govkg/ontology#adoptedOn": "date",
    "https://w3id.org/govkg/ontology#datePrecision": "date",
    "https://w3id.org/govkg/ontology#weightsAvailableFrom": "date",
    "https://w3id.org/govkg/ontology#weightsAvailableFromLatest": "date",
    "https://w3id.org/govkg/ontology#releaseDateLatest": "date",
    "https://w3id.org/govkg/ontology#termStart": "date",
    "https://w3id.org/govkg/ontology#termEnd": "date",
    "https://w3id.org/govkg/ontology#testedFrom": "date",
    "https://w3id.org/govkg/ontology#testedTo": "date",
    "https://w3id.org/govkg/ontology#locator": "quote",
    "https://w3id.org/govkg/ontology#epistemicStatus": "status",
    "https://w3id.org/govkg/ontology#participationStatus": "status",
    "https://w3id.org/govkg/ontology#actionStatus": "status",
    "https://w3id.org/govkg/ontology#stance": "status",
    "https://w3id.org/govkg/ontology#weightsAccess": "status",
    "https://w3id.org/govkg/ontology#licenceName": "licence",
    "http://purl.org/dc/terms/license": "licence",
    "https://w3id.org/govkg/ontology#quote": "quote",
    "http://purl.org/dc/terms/source": "source",
}


def aspect_of(predicate: str) -> str:
    """The aspect (date, status, licence, quote, source or other) of a property IRI.

    >>> aspect_of("https://w3id.org/govkg/ontology#licenceName")
    'licence'
    """
    return ASPECTS.get(predicate, "other")


@dataclass
class SideInfo:
    """One input as the user named it, with its size."""

    label: str
    kind: str
    quads: int
    statements: int
    sources: int


@dataclass
class PropertyChange:
    """One property of a statement whose values differ between the sides."""

    property: str
    aspect: str
    old: list[str]
    new: list[str]


@dataclass
class StatementChange:
    """A statement added, removed or changed (same IRI, different property values)."""

    change: str  # "added" | "removed" | "changed"
    iri: str
    source: str | None
    graph: str | None
    types: list[str]
    entities: list[str]
    properties: list[PropertyChange] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)
    renamed_from: str | None = None

    @property
    def aspects(self) -> list[str]:
        """The aspects a changed statement changed in (``["date", "quote"]``)."""
        return sorted({p.aspect for p in self.properties})


@dataclass
class TripleChange:
    """A quad added or removed outside the statement nodes (entities, metadata, imports)."""

    change: str  # "added" | "removed"
    graph: str | None
    subject: str
    predicate: str
    object: str


@dataclass
class SourceRename:
    """A source whose statements reappear, unchanged in content, under a new source IRI."""

    old: str
    new: str
    statements: int
    old_graph: str | None = None
    new_graph: str | None = None


@dataclass
class ChangeSet:
    """The result of :func:`govkg.graph.diff.compare`."""

    old: SideInfo
    new: SideInfo
    renamed: list[SourceRename]
    statements: list[StatementChange]
    triples: list[TripleChange]
    #: Labels (rdfs:label, dcterms:title) of the IRIs the changes mention, from either side.
    labels: dict[str, str] = field(default_factory=dict)
    #: Named graph → the source it holds (gk:graphOf), for grouping plain triples by source.
    graph_sources: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def empty(self) -> bool:
        """Whether the two sides hold the same data (a rename alone is a change)."""
        return not (self.renamed or self.statements or self.triples)

    def counts(self) -> dict[str, int]:
        """Statements added/removed/changed, triples added/removed, sources renamed."""
        out = {f"statements_{c}": 0 for c in ("added", "removed", "changed")}
        for s in self.statements:
            out[f"statements_{s.change}"] += 1
        out["triples_added"] = sum(1 for t in self.triples if t.change == "added")
        out["triples_removed"] = sum(1 for t in self.triples if t.change == "removed")
        out["sources_renamed"] = len(self.renamed)
        return out

    def source_of(self, change: StatementChange | TripleChange) -> str | None:
        """The source a change belongs to: the statement's, else its graph's."""
        if isinstance(change, StatementChange) and change.source:
            return change.source
        return self.graph_sources.get(change.graph or "", change.graph)

    def by_source(self) -> dict[str | None, list[StatementChange | TripleChange]]:
        """Every change grouped by its source (sorted by source IRI; ``None`` last)."""
        groups: dict[str | None, list[StatementChange | TripleChange]] = defaultdict(list)
        everything: list[StatementChange | TripleChange] = [*self.statements, *self.triples]
        for change in everything:
            groups[self.source_of(change)].append(change)
        return dict(sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))

    def by_entity(self) -> dict[str, list[StatementChange | TripleChange]]:
        """Changes grouped by each registry entity (``…/id/…``) they mention."""
        groups: dict[str, list[StatementChange | TripleChange]] = defaultdict(list)
        for s in self.statements:
            for entity in s.entities:
                groups[entity].append(s)
        for t in self.triples:
            for term in (t.subject, t.object):
                iri = term[1:-1] if term.startswith("<") else ""
                if iri.startswith(ENTITY_BASE):
                    groups[iri].append(t)
        return dict(sorted(groups.items()))

    def to_dict(self) -> dict:
        """A JSON-ready dictionary (the ``--format json`` document)."""
        return {
            "old": asdict(self.old),
            "new": asdict(self.new),
            "counts": self.counts(),
            "renamed_sources": [asdict(r) for r in self.renamed],
            "statements": [{**asdict(s), "aspects": s.aspects} for s in self.statements],
            "triples": [asdict(t) for t in self.triples],
            "by_source": {str(k): [_ref(c) for c in v] for k, v in self.by_source().items() if k},
            "by_entity": {k: [_ref(c) for c in v] for k, v in self.by_entity().items()},
            "labels": self.labels,
            "seconds": self.seconds,
        }


ENTITY_BASE = "https://w3id.org/govkg/id/"


def _ref(change: StatementChange | TripleChange) -> str:
    """A statement IRI, or ``+ s p o`` / ``- s p o`` for a plain triple (in groupings)."""
    if isinstance(change, StatementChange):
        return change.iri
    sign = "+" if change.change == "added" else "-"
    return f"{sign} {change.subject} {change.predicate} {change.object}"
