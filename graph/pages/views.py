"""One resource's page as plain data, in the order a policy analyst reads it.

:func:`entity_view` reads the resource's own facts, the statements that mention it and the
labels and sources it needs, decides what kind of page it is (model, developer, agency,
instrument, source, statement, concept, other) and assembles that kind's sections
(:mod:`govkg.graph.pages.sections`). The result is JSON-ready: ``api/http/pages.py`` renders it.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pyoxigraph as ox
from govkg.graph.errors import NotFoundError
from govkg.graph.pages import sections
from govkg.graph.pages.lookup import GK, RDF_TYPE, Lookup, run
from govkg.graph.pages.statements import collect, page_data

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_SOURCE = "http://purl.org/dc/terms/source"

MODEL = {"AIModel"}
DEVELOPER = {"AIDeveloper", "Company"}
AGENCY = {"Agency", "GovernmentBody", "ExecutiveOffice", "Legislature", "IntergovernmentalBody"}
INSTRUMENT = {
    "GovernanceInstrument", "VoluntaryCommitment", "CodeOfPractice", "Agreement",
    "TestingAgreement", "Declaration", "Framework", "Law", "Bill", "ExecutiveOrder",
    "PolicyDocument",
}  # fmt: skip
#: Properties shown in the page heading, not among the facts.
_HEADING = {RDF_TYPE, RDFS_LABEL, GK + "alias", SKOS + "prefLabel"}


def page_class(types: set[str], is_statement: bool) -> str:
    """Which page layout fits a resource with these govkg class names.

    >>> page_class({"AIModel"}, False), page_class({"Company", "AIDeveloper"}, False)
    ('model', 'developer')
    >>> page_class({"Participation"}, True)
    'statement'
    """
    if is_statement:
        return "statement"
    for name, group in (
        ("model", MODEL),
        ("developer", DEVELOPER),
        ("agency", AGENCY),
        ("instrument", INSTRUMENT),
        ("source", {"Source"}),
        ("graph", {"SourceGraph"}),
        ("family", {"ModelFamily"}),
    ):
        if types & group:
            return name
    if "Concept" in types or "ConceptScheme" in types:
        return "concept"
    return "other"


def direct_facts(
    rows: list[dict[str, Any]],
    lk: Lookup,
    statements: set[str],
    precision: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The resource's own triples grouped by property, each value with the sources stating it.

    ``out`` facts have the resource as subject; ``in`` facts name it as object, leaving out the
    statement nodes (their page sections show them in full).
    """
    out: dict[str, dict[str, Any]] = {}
    inbound: dict[str, dict[str, Any]] = {}
    for row in rows:
        p, o, g = row["p"].value, row["o"], row["g"]
        direction = row["direction"].value
        if direction == "in" and (o.value in statements or not isinstance(o, ox.NamedNode)):
            continue
        if direction == "out" and p in _HEADING:
            continue
        table = out if direction == "out" else inbound
        entry = table.setdefault(p, {"property": lk.label(p), "property_iri": p, "values": {}})
        key = o.value if isinstance(o, ox.NamedNode | ox.Literal) else str(o)
        day = (precision or {}).get(g.value if g is not None else "", "day")
        value = entry["values"].setdefault(key, {**lk.value(o, day), "sources": []})
        src = lk.source_of_graph(g.value if g is not None else None)
        if src and src["iri"] not in {s["iri"] for s in value["sources"]}:
            value["sources"].append(src)
    for table in (out, inbound):
        for entry in table.values():
            entry["values"] = sorted(entry["values"].values(), key=lambda v: v.get("label", ""))
    return {
        "out": sorted(out.values(), key=lambda e: e["property"]),
        "in": sorted(inbound.values(), key=lambda e: e["property"]),
    }


def entity_view(
    store: Any,
    iri: str,
    *,
    graph: nx.MultiDiGraph | None = None,
    as_of: str | None = None,
    lookup: Lookup | None = None,
) -> dict[str, Any]:
    """Everything the page of ``iri`` shows, as plain data.

    ``graph`` is the analysis projection (:func:`govkg.graph.projection.project` with concepts):
    with it a model's page carries its review verdict and the explanation on ``as_of``.
    ``lookup`` is the store's labels and sources (:meth:`Lookup.read`), when the caller keeps
    them for the data's generation; read here otherwise.
    Raises :class:`~govkg.graph.errors.NotFoundError` when no graph mentions ``iri``.
    """
    rows = run(store, "entity-facts", entity=iri)
    if not rows:
        raise NotFoundError(f"nothing in the store is about <{iri}>")
    lk = lookup if lookup is not None else Lookup.read(store)
    types = {
        r["o"].value for r in rows if r["direction"].value == "out" and r["p"].value == RDF_TYPE
    }
    type_names = {t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in types}
    is_statement = any(
        r["direction"].value == "out" and r["p"].value == DCTERMS_SOURCE for r in rows
    )
    kind = page_class(type_names, is_statement)
    mention_rows = run(store, "statements", entity=iri)
    mentions = collect(mention_rows)
    via: dict[str, set[str]] = {}
    for r in mention_rows:
        via.setdefault(r["st"].value, set()).add(r["via"].value)
    # a date stated in a graph whose statement about the entity is month-precise is month-precise
    precision = {st.graph: st.precision for st in mentions.values() if st.graph}
    facts = direct_facts(rows, lk, set(mentions), precision)
    aliases = sorted(
        {
            r["o"].value
            for r in rows
            if r["direction"].value == "out" and r["p"].value == GK + "alias"
        }
    )
    view: dict[str, Any] = {
        "iri": iri,
        "label": lk.label(iri),
        "page_class": kind,
        "types": sorted((lk.ref(t) for t in types), key=lambda r: r["label"]),
        "aliases": aliases,
        "facts": facts,
        "sections": [],
    }
    items = {st_iri: {**page_data(st, lk), "via": sorted(via.get(st_iri, ()))}
             for st_iri, st in mentions.items()}  # fmt: skip
    if kind == "statement":
        own = collect(
            [{**r, "st": ox.NamedNode(iri)} for r in rows if r["direction"].value == "out"]
        )
        view["statement"] = page_data(own[iri], lk)
        view["facts"]["out"] = []  # the statement card lists every property
        view["label"] = "".join(
            p.get("label") or p.get("text", "") for p in view["statement"]["summary"]
        )
    elif kind == "graph":
        src = lk.source_of_graph(iri)
        view["label"] = (
            f"Named graph of “{src['label']}”" if src else f"Named graph {lk.label(iri)}"
        )
    ctx = sections.Context(store=store, iri=iri, lk=lk, view=view, items=items, graph=graph)
    sections.build(kind, ctx, as_of)
    return view
