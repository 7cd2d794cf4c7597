"""Labels, sources and dates: what turns IRIs and literals into something a reader can use.

Why one object per page: every fact on a page names resources (a developer, a status concept, a
source) that must be shown by label and linked, and cites a source that must be shown with its
publisher, date and link. :class:`Lookup` reads those tables once (three small queries) and
answers from memory while the page is assembled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from typing import Any

import pyoxigraph as ox

GK = "https://w3id.org/govkg/ontology#"
GKC = "https://w3id.org/govkg/concept/"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def query_text(name: str) -> str:
    """The SPARQL of ``queries/<name>.rq`` (a package resource)."""
    return (files("govkg.graph.pages") / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def run(store: Any, name: str, **bind: str) -> list[dict[str, Any]]:
    """Rows of a page query, IRIs bound by substitution; each row maps variable → term or None."""
    subs = {k: ox.NamedNode(v) for k, v in bind.items()}
    solutions = store.query(query_text(name), substitutions=subs or None)
    names = [v.value for v in solutions.variables]
    rows = [{n: row[n] for n in names} for row in solutions]
    del solutions  # pyoxigraph's iterator must not outlive this thread
    return rows


def format_date(value: str, precision: str = "day") -> str:
    """A date as people write it, no more precise than the source.

    >>> format_date("2024-07-23")
    '23 July 2024'
    >>> format_date("2026-11-01", "month")
    'November 2026'
    >>> format_date("2025-01-01", "year")
    '2025'
    >>> format_date("not a date")
    'not a date'
    """
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def format_number(value: str) -> str:
    """A count as people say it: billions and millions spelled, thousands separated.

    >>> format_number("405000000000.0"), format_number("8000000"), format_number("1234")
    ('405 billion', '8 million', '1,234')
    """
    try:
        n = float(value)
    except ValueError:
        return value
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(n) >= size:
            return f"{n / size:,.3g} {word}"
    return f"{n:,.0f}" if n == int(n) else f"{n:,}"


def local_name(iri: str) -> str:
    """The readable tail of an IRI (after the last ``#`` or ``/``), hyphens as spaces.

    >>> local_name("https://w3id.org/govkg/concept/open-weights-restricted")
    'open weights restricted'
    >>> local_name("https://w3id.org/govkg/ontology#adoptedOn")
    'adopted on'
    """
    tail = iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tail)  # camelCase terms: "adoptedOn"
    return spaced.replace("-", " ") if spaced == tail else spaced.lower()


@dataclass
class Lookup:
    """Labels of resources and the metadata of sources, read once per page."""

    labels: dict[str, str] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    graph_source: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Any) -> Lookup:
        """Read the labels, the sources and which graph holds which source from ``store``."""
        labels: dict[str, str] = {}
        for row in run(store, "labels"):
            s, lab = row["s"], row["label"]
            if not isinstance(s, ox.NamedNode) or lab is None:
                continue
            lang = getattr(lab, "language", None)
            if s.value not in labels or lang in (None, "en"):
                labels[s.value] = lab.value
        raw: dict[str, dict[str, Any]] = {}
        for row in run(store, "sources"):
            entry = raw.setdefault(row["source"].value, {})
            entry[row["p"].value] = row["o"].value
        graph_source = {
            r["g"].value: r["source"].value
            for r in run(store, "graph-sources")
            if isinstance(r["g"], ox.NamedNode) and isinstance(r["source"], ox.NamedNode)
        }
        lookup = cls(labels=labels, graph_source=graph_source)
        lookup.sources = {iri: lookup._source(iri, e) for iri, e in raw.items()}
        return lookup

    def label(self, iri: str) -> str:
        """The label of ``iri``, else a readable form of its last segment."""
        return self.labels.get(iri) or local_name(iri)

    def ref(self, iri: str) -> dict[str, str]:
        """A link to a resource: its IRI and label (pages rewrite the IRI to a local path)."""
        return {"iri": iri, "label": self.label(iri)}

    def value(self, term: Any, precision: str = "day") -> dict[str, Any]:
        """A term as page data: a link for an IRI, a formatted date, or text."""
        if isinstance(term, ox.NamedNode):
            return self.ref(term.value)
        if isinstance(term, ox.Literal):
            if term.datatype.value == XSD_DATE:
                return {
                    "date": term.value,
                    "precision": precision,
                    "text": format_date(term.value, precision),
                }
            if term.datatype.value.endswith(("#decimal", "#integer")):
                return {"text": format_number(term.value), "number": term.value}
            return {"text": term.value}
        return {"text": str(term)}

    def _source(self, iri: str, e: dict[str, Any]) -> dict[str, Any]:
        precision = local_name(e.get(GK + "datePrecision", "day"))
        published = e.get(GK + "publishedOn")
        publisher = e.get(DCTERMS + "publisher")
        out: dict[str, Any] = {
            "iri": iri,
            "label": e.get(DCTERMS + "title") or local_name(iri),
            "publisher": self.ref(publisher) if publisher and "://" in publisher else None,
            "published": format_date(published, precision) if published else None,
            "published_iso": published,
            "url": e.get(GK + "url"),
            "kind": local_name(e[GK + "sourceKind"]) if GK + "sourceKind" in e else None,
        }
        if publisher and "://" not in publisher:
            out["publisher"] = {"label": publisher}
        return out

    def source(self, iri: str | None) -> dict[str, Any] | None:
        """What a page shows about one source (title, publisher, date, link), or None."""
        if not iri:
            return None
        return self.sources.get(iri) or {"iri": iri, "label": self.label(iri)}

    def source_of_graph(self, graph: str | None) -> dict[str, Any] | None:
        """The source a named graph holds (None for the entity registry or the ontology)."""
        return self.source(self.graph_source.get(graph or ""))
