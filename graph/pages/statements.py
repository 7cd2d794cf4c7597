"""Statement nodes as page data: who did what, when, according to whom, and how sure.

Why a sentence per kind: an analyst reads "Meta — negotiating — federal voluntary security
evaluations (November 2026)", not a list of properties. Each statement keeps its properties too
(``fields``) so nothing the graph says is hidden, plus the evidence: the source (publisher, date,
link), the verbatim quote and its epistemic status (stated, claimed by, reported by, scheduled).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from govkg.graph.pages.lookup import DCTERMS, GK, RDF_TYPE, Lookup, local_name

#: Properties shown in the evidence block or used for sorting, not repeated among the fields.
_EVIDENCE = {
    RDF_TYPE,
    DCTERMS + "source",
    GK + "quote",
    GK + "datePrecision",
    GK + "reportedBy",
    GK + "scheduled",
    GK + "inTensionWith",
    GK + "locator",
    GK + "evidenceStatus",
    GK + "evidenceNote",
}
#: Date properties in the order that dates a statement on a timeline.
_DATES = ("date", "validFrom", "adoptedOn", "releaseDate", "validUntil")


class Statement:
    """One statement node: its properties (IRI → terms), the graph holding it, the page data."""

    def __init__(self, iri: str, graph: str | None) -> None:
        self.iri = iri
        self.graph = graph
        self.props: dict[str, list[Any]] = defaultdict(list)

    def get(self, name: str) -> list[Any]:
        """Values of ``gk:<name>`` (or a full IRI)."""
        return self.props.get(name if "://" in name else GK + name, [])

    def first(self, name: str) -> Any | None:
        values = self.get(name)
        return values[0] if values else None

    @property
    def kind(self) -> str:
        """The statement's most specific govkg class (local name), e.g. ``Participation``."""
        kinds = [t.value for t in self.props.get(RDF_TYPE, []) if t.value.startswith(GK)]
        specific = [k for k in kinds if k != GK + "Statement"]
        return (specific or kinds or [GK + "Statement"])[0].rsplit("#", 1)[-1]

    @property
    def precision(self) -> str:
        p = self.first("datePrecision")
        return local_name(p.value) if p is not None else "day"

    def sort_date(self) -> str:
        for name in _DATES:
            d = self.first(name)
            if isinstance(d, ox.Literal):
                return d.value
        return ""


def collect(rows: list[dict[str, Any]]) -> dict[str, Statement]:
    """Group ``(st, p, o, g)`` rows into statements keyed by IRI."""
    out: dict[str, Statement] = {}
    for row in rows:
        st = row["st"]
        if not isinstance(st, ox.NamedNode):
            continue
        g = row.get("g")
        node = out.setdefault(st.value, Statement(st.value, g.value if g is not None else None))
        if row["o"] not in node.props[row["p"].value]:
            node.props[row["p"].value].append(row["o"])
    return out


def _refs(lk: Lookup, terms: list[Any]) -> list[dict[str, Any]]:
    return [lk.value(t) for t in terms]


def _text(s: str) -> dict[str, str]:
    return {"text": s}


def _join(lk: Lookup, terms: list[Any]) -> list[dict[str, Any]]:
    """Terms as parts separated by ", "."""
    parts: list[dict[str, Any]] = []
    for i, t in enumerate(terms):
        if i:
            parts.append(_text(", "))
        parts.append(lk.value(t))
    return parts


def summary(st: Statement, lk: Lookup) -> list[dict[str, Any]]:
    """The statement as one sentence: a list of text and link parts."""
    k, j, t = st.kind, (lambda n: _join(lk, st.get(n))), _text
    if k == "Participation":
        return [*j("participant"), t(" — "), *j("participationStatus"), t(" — "), *j("instrument")]
    if k == "ModelEvaluation":
        parts = [*j("evaluator"), t(" evaluated "), *j("evaluatedModel")]
        if st.get("deploymentStage"):
            parts += [t(" ("), *j("deploymentStage"), t(")")]
        if st.get("outcome"):
            parts += [t(": "), *j("outcome")]
        return parts
    if k == "RegulatoryAction":
        parts = [*j("actor"), t(" — "), *j("actionType")]
        if st.get("target"):
            parts += [t(" — "), *j("target")]
        if st.get(DCTERMS + "description"):
            parts += [t(": "), *j(DCTERMS + "description")]
        return parts
    if k == "StanceAttribution":
        parts = [*j("holder"), t(" is "), *j("stance")]
        return parts + ([t(" on "), *j("topic")] if st.get("topic") else [])
    if k == "Claim":
        return [*j("claimant"), t(" claims: "), *j("claimText")]
    if k == "ModelRelease":
        parts = [*j("model"), t(" released by "), *j("developedBy")]
        if st.get("licenceName"):
            parts += [t(" under "), *j("licenceName")]
        return parts
    if k == "OrganisationChange":
        return [
            *j("http://www.w3.org/ns/org#originalOrganization"),
            t(" became "),
            *j("http://www.w3.org/ns/org#resultingOrganization"),
        ]
    label = st.get("http://www.w3.org/2000/01/rdf-schema#label")
    if label:
        return j("http://www.w3.org/2000/01/rdf-schema#label")
    about = st.get("about")
    return [t(lk.label(GK + k) + " about "), *_join(lk, about)] if about else [t(lk.label(GK + k))]


def status(st: Statement, lk: Lookup) -> str:
    """The epistemic status of a statement, in words a reader can weigh."""
    if st.kind == "Claim":
        return "claim by " + ", ".join(lk.label(c.value) for c in st.get("claimant"))
    if st.first("scheduled") is not None:
        return "scheduled: announced, not yet in effect when the source was published"
    reported = st.get("reportedBy")
    if reported:
        return "reported by the source, citing " + ", ".join(lk.label(r.value) for r in reported)
    if st.kind == "StanceAttribution":
        return "stance attributed by the source"
    return "stated by the source"


def page_data(st: Statement, lk: Lookup) -> dict[str, Any]:
    """Everything a page shows about one statement."""
    fields = []
    for prop, values in st.props.items():
        if prop in _EVIDENCE:
            continue
        fields.append(
            {
                "property": lk.label(prop),
                "property_iri": prop,
                "values": [lk.value(v, st.precision) for v in values],
            }
        )
    fields.sort(key=lambda f: str(f["property"]))
    src = st.first(DCTERMS + "source")
    when = st.sort_date()
    quote = st.first("quote")
    return {
        "iri": st.iri,
        "kind": st.kind,
        "kind_label": lk.label(GK + st.kind),
        "summary": summary(st, lk),
        "date": when or None,
        "date_text": lk.value(
            ox.Literal(when, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
            st.precision,
        )["text"]
        if when
        else None,
        "quote": quote.value if quote is not None else None,
        "locator": _value_of(st.first("locator")),
        # no stored copy of the source to quote from: say so rather than show nothing
        "evidence_note": _value_of(st.first("evidenceNote"))
        or ("evidence unavailable" if st.first("evidenceStatus") is not None else None),
        "status": status(st, lk),
        "source": lk.source(src.value if src is not None else None) or lk.source_of_graph(st.graph),
        "tensions": [lk.ref(x.value) for x in st.get("inTensionWith")],
        "fields": fields,
    }


def _value_of(term: Any | None) -> str | None:
    return term.value if term is not None else None


def sort_by_date(items: list[dict[str, Any]], newest_first: bool = False) -> list[dict[str, Any]]:
    """Statements in date order; undated ones last."""
    dated = sorted(
        (i for i in items if i.get("date")), key=lambda i: i["date"], reverse=newest_first
    )
    return dated + [i for i in items if not i.get("date")]
