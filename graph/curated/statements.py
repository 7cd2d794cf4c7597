"""Emitting one checked statement as RDF: its node and, for some kinds, facts on entities.

Called only with values the checker has already converted (ids resolved, dates parsed, concepts
checked), so this module is a plain mapping from YAML fields to ontology properties; see
``docs/data-format.md`` for the table it implements.
"""

from __future__ import annotations

from typing import Any

from govkg.graph.curated.checks import DateValue
from govkg.graph.curated.evidence import emit_evidence
from govkg.graph.curated.output import Output, date_lit, decimal_lit, en_lit, text_lit
from govkg.graph.curated.schema import STATEMENT_CLASS
from govkg.ontology import GK, GKC, ORG, concept_iri, entity_iri
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS


def _ref(value: str) -> URIRef:
    return entity_iri(value)


def _entity_or_concept(value: str, concepts: set[str]) -> URIRef:
    """``about``/``topic`` values: a concept when the id names one, else an entity."""
    return concept_iri(value) if value in concepts else entity_iri(value)


def emit_statement(
    out: Output,
    g: URIRef,
    node: URIRef,
    kind: str,
    v: dict[str, Any],
    source: URIRef,
    concepts: set[str],
) -> None:
    """Write the statement node (common fields + the kind's fields) into graph ``g``."""
    out.add(g, node, RDF.type, STATEMENT_CLASS[kind])
    if kind == "change":
        out.add(g, node, RDF.type, GK.Statement)
    out.add(g, node, DCTERMS.source, source)
    if "quote" in v:
        out.add(g, node, GK.quote, text_lit(v["quote"]))
    emit_evidence(out, g, node, v)
    if v.get("scheduled"):
        out.add(g, node, GK.scheduled, Literal(True))
    if "reported_by" in v:
        out.add(g, node, GK.reportedBy, _ref(v["reported_by"]))
    precisions = {x.precision for x in v.values() if isinstance(x, DateValue)} - {"day"}
    for precision in sorted(precisions):
        out.add(g, node, GK.datePrecision, GKC[precision])
    _KIND_EMITTERS[kind](out, g, node, v, concepts)
    _time_fields(out, g, node, kind, v)
    if "epistemic" in v:
        out.add(g, node, GK.statedEpistemicStatus, concept_iri(v["epistemic"]))


# -- time model (issue 14): intervals, weights availability, testing periods, terms ------------

#: The companion property holding the last day of a month- or year-precision date: a date
#: ``2024-07`` is the interval 2024-07-01..2024-07-31, stored as P = first day, P-Latest = last.
LATEST = {
    GK.date: GK.dateLatest,
    GK.releaseDate: GK.releaseDateLatest,
    GK.validFrom: GK.validFromLatest,
    GK.validUntil: GK.validUntilLatest,
    GK.weightsAvailableFrom: GK.weightsAvailableFromLatest,
    GK.testedFrom: GK.testedFromLatest,
    GK.testedUntil: GK.testedUntilLatest,
    GK.termStart: GK.termStartLatest,
    GK.termEnd: GK.termEndLatest,
    GK.adoptedOn: GK.adoptedOnLatest,
}


def _weights_from(v: dict[str, Any]) -> DateValue | None:
    """When a release's weights were first downloadable: ``weights_available``, else the
    release ``date`` when the statement gives an open weights access (released with weights)."""
    if "weights_available" in v:
        return v["weights_available"]
    if "weights" in v and v["weights"].startswith("open-weights") and "date" in v:
        return v["date"]
    return None


def _time_fields(out: Output, g: URIRef, node: URIRef, kind: str, v: dict[str, Any]) -> None:
    """The time-model fields, kept apart from the kind emitters so the two evolve separately."""
    if kind == "release":
        when = _weights_from(v)
        if when is not None:
            model = _ref(v["model"])
            _put(out, g, model, GK.weightsAvailableFrom, when)
            _put(out, g, node, GK.weightsAvailableFrom, when)
    elif kind == "evaluation":
        start = v.get("tested_from", v.get("tested"))
        end = v.get("tested_to", v.get("tested"))
        if start is not None:
            _put(out, g, node, GK.testedFrom, start)
        if end is not None:
            _put(out, g, node, GK.testedUntil, end)
    elif kind == "organisation" and "head" in v:
        out.add(g, node, GK.officeHolder, _ref(v["head"]))
        if "role" in v:
            out.add(g, node, GK.role, text_lit(v["role"]))
        if "head_from" in v:
            _put(out, g, node, GK.termStart, v["head_from"])
        if "head_until" in v:
            _put(out, g, node, GK.termEnd, v["head_until"])
    elif kind == "stance" and "valid_until" in v:
        _put(out, g, node, GK.validUntil, v["valid_until"])


def _put(out: Output, g: URIRef, s: URIRef, p: URIRef, value: DateValue) -> None:
    """A date and, for a month or a year, its last day on the companion property."""
    out.add(g, s, p, date_lit(value.value))
    if value.precision != "day":
        out.add(g, s, LATEST[p], date_lit(value.last_day))


def _date(out: Output, g: URIRef, s: URIRef, p: URIRef, v: dict[str, Any], key: str) -> None:
    if key in v:
        _put(out, g, s, p, v[key])


def _many(out: Output, g: URIRef, s: URIRef, p: URIRef, values: list[URIRef]) -> None:
    for o in values:
        out.add(g, s, p, o)


def _release(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    model = _ref(v["model"])
    out.add(g, node, GK.model, model)
    for dev in v["developer"]:
        out.add(g, node, GK.developedBy, _ref(dev))
        out.add(g, model, GK.developedBy, _ref(dev))
    _date(out, g, node, GK.date, v, "date")
    _date(out, g, model, GK.releaseDate, v, "date")
    if "licence" in v:
        out.add(g, node, GK.licenceName, text_lit(v["licence"]))
        out.add(g, model, GK.licenceName, text_lit(v["licence"]))
    if "weights" in v:
        out.add(g, model, GK.weightsAccess, concept_iri(v["weights"]))
    if "family" in v:
        out.add(g, model, GK.partOfFamily, _ref(v["family"]))
    if "base_model" in v:
        out.add(g, model, GK.baseModel, _ref(v["base_model"]))
    if "parameters" in v:
        out.add(g, model, GK.parameterCount, decimal_lit(v["parameters"]))


def _family(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    family = _ref(v["family"])
    out.add(g, node, GK.about, family)
    _many(out, g, family, GK.developedBy, [_ref(d) for d in v.get("developer", [])])
    if "part_of" in v:
        out.add(g, family, GK.partOfFamily, _ref(v["part_of"]))


def _participation(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    # one node per party: the compiler passes a single-party ``v`` here
    out.add(g, node, GK.participant, _ref(v["party"][0]))
    out.add(g, node, GK.instrument, _ref(v["instrument"]))
    out.add(g, node, GK.participationStatus, concept_iri(v["status"]))
    _date(out, g, node, GK.date, v, "date")
    _date(out, g, node, GK.validFrom, v, "valid_from")
    _date(out, g, node, GK.validUntil, v, "valid_until")
    if "scope" in v:
        out.add(g, node, GK.scopeNote, text_lit(v["scope"]))


def _evaluation(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    out.add(g, node, GK.evaluatedModel, _ref(v["model"]))
    _many(out, g, node, GK.evaluator, [_ref(e) for e in v["evaluators"]])
    if "stage" in v:
        out.add(g, node, GK.deploymentStage, concept_iri(v["stage"]))
    _date(out, g, node, GK.date, v, "date")
    if "agreement" in v:
        out.add(g, node, GK.instrument, _ref(v["agreement"]))
    if "outcome" in v:
        out.add(g, node, GK.outcome, text_lit(v["outcome"]))


def _action(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    _many(out, g, node, GK.actor, [_ref(a) for a in v["actor"]])
    out.add(g, node, GK.actionType, concept_iri(v["type"]))
    _many(out, g, node, GK.target, [_ref(t) for t in v.get("targets", [])])
    _date(out, g, node, GK.date, v, "date")
    if "status" in v:
        out.add(g, node, GK.actionStatus, concept_iri(v["status"]))
    if "instrument" in v:
        out.add(g, node, GK.instrument, _ref(v["instrument"]))
    _many(out, g, node, GK.resultedIn, [_ref(r) for r in v.get("resulted_in", [])])
    if "revokes" in v:
        out.add(g, node, GK.revokes, _ref(v["revokes"]))
    _many(out, g, node, GK.concernsRisk, [concept_iri(r) for r in v.get("risks", [])])
    if "governance_model" in v:
        out.add(g, node, GK.governanceModel, concept_iri(v["governance_model"]))
    out.add(g, node, DCTERMS.description, text_lit(v["description"]))


def _instrument(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    inst = _ref(v["instrument"])
    out.add(g, node, GK.about, inst)
    _many(out, g, inst, GK.issuedBy, [_ref(i) for i in v.get("issued_by", [])])
    _date(out, g, inst, GK.adoptedOn, v, "adopted")
    _date(out, g, inst, GK.validFrom, v, "in_force_from")
    _date(out, g, inst, GK.validUntil, v, "in_force_until")
    if "jurisdiction" in v:
        out.add(g, inst, GK.jurisdiction, _ref(v["jurisdiction"]))
    _many(out, g, inst, GK.concernsRisk, [concept_iri(r) for r in v.get("risks", [])])
    if "governance_model" in v:
        out.add(g, inst, GK.governanceModel, concept_iri(v["governance_model"]))
    # ``parties`` become separate Participation nodes; the compiler emits them.


def _organisation(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    org = _ref(v["organisation"])
    out.add(g, node, GK.about, org)
    if "parent" in v:
        out.add(g, org, ORG.subOrganizationOf, _ref(v["parent"]))
    if "jurisdiction" in v:
        out.add(g, org, GK.jurisdiction, _ref(v["jurisdiction"]))
    if "based_in" in v:
        out.add(g, org, GK.basedIn, _ref(v["based_in"]))
    _date(out, g, org, GK.validFrom, v, "valid_from")
    _date(out, g, org, GK.validUntil, v, "valid_until")
    if "head" in v:
        person = _ref(v["head"])
        out.add(g, person, GK.headOf, org)
        if "role" in v:
            out.add(g, person, GK.role, text_lit(v["role"]))


def _change(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    out.add(g, node, ORG.originalOrganization, _ref(v["from"]))
    out.add(g, node, ORG.resultingOrganization, _ref(v["to"]))
    _date(out, g, node, GK.date, v, "date")
    if "description" in v:
        out.add(g, node, DCTERMS.description, text_lit(v["description"]))


def _stance(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    out.add(g, node, GK.holder, _ref(v["holder"]))
    out.add(g, node, GK.stance, concept_iri(v["stance"]))
    _date(out, g, node, GK.validFrom, v, "as_of")
    if "topic" in v:
        out.add(g, node, GK.topic, _entity_or_concept(v["topic"], concepts))


def _claim(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    _many(out, g, node, GK.claimant, [_ref(c) for c in v["claimant"]])
    out.add(g, node, GK.claimText, text_lit(v["text"]))
    _many(out, g, node, GK.about, [_entity_or_concept(a, concepts) for a in v.get("about", [])])
    _many(out, g, node, GK.concernsRisk, [concept_iri(r) for r in v.get("risks", [])])
    _date(out, g, node, GK.date, v, "date")


def _scenario(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    out.add(g, node, RDFS.label, en_lit(v["text"]))
    if "condition" in v:
        out.add(g, node, GK.condition, text_lit(v["condition"]))
    if "consequence" in v:
        out.add(g, node, GK.consequence, text_lit(v["consequence"]))
    _many(out, g, node, GK.about, [_entity_or_concept(a, concepts) for a in v.get("about", [])])
    gms = v.get("governance_model", [])
    _many(out, g, node, GK.governanceModel, [concept_iri(m) for m in gms])


def _tension(out: Output, g: URIRef, node: URIRef, v: dict, concepts: set[str]) -> None:
    # ``between`` is resolved to statement IRIs by the compiler (see ``emit_tension``)
    if "note" in v:
        out.add(g, node, GK.tensionNote, text_lit(v["note"]))


def emit_tension(out: Output, g: URIRef, node: URIRef, a: URIRef, b: URIRef) -> None:
    """Both directions of gk:inTensionWith, and the tension node about both statements."""
    out.add(g, node, GK.about, a)
    out.add(g, node, GK.about, b)
    out.add(g, a, GK.inTensionWith, b)
    out.add(g, b, GK.inTensionWith, a)


def _licence(out: Output, g: URIRef, node: URIRef, v: dict[str, Any], _: set[str]) -> None:
    """A licence over a period: on the term node only, so a change leaves the model's own
    ``gk:licenceName`` (from its release statements) as the sources gave it."""
    out.add(g, node, GK.licensedModel, _ref(v["model"]))
    out.add(g, node, GK.licenceName, text_lit(v["licence"]))
    _date(out, g, node, GK.validFrom, v, "valid_from")
    _date(out, g, node, GK.validUntil, v, "valid_until")


_KIND_EMITTERS = {
    "release": _release,
    "family": _family,
    "participation": _participation,
    "evaluation": _evaluation,
    "action": _action,
    "instrument": _instrument,
    "organisation": _organisation,
    "licence": _licence,
    "change": _change,
    "stance": _stance,
    "claim": _claim,
    "scenario": _scenario,
    "tension": _tension,
}
