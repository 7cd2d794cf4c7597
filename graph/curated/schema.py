"""What the curated YAML may contain: entity kinds, statement kinds and their fields.

The schema is data, not code, so that the checker, the compiler and the documentation agree on
one list. Concept-valued fields name a SKOS concept *scheme* (read from the ontology), never a
list of concepts: adding a concept to ``govkg.ttl`` is enough for the data to use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govkg.ontology import GK
from rdflib import URIRef

#: Ids: lower case letters, digits, ``.`` and ``-``, starting with a letter or digit.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")

#: Entity categories a reference field can accept.
ORGANISATION = "organisation"
PERSON = "person"
JURISDICTION = "jurisdiction"
MODEL = "model"
FAMILY = "family"
INSTRUMENT = "instrument"
ANY_ENTITY = (ORGANISATION, PERSON, JURISDICTION, MODEL, FAMILY, INSTRUMENT)

#: Words used in messages for each category.
CATEGORY_NOUN = {
    ORGANISATION: "an organisation",
    PERSON: "a person",
    JURISDICTION: "a jurisdiction",
    MODEL: "a model",
    FAMILY: "a model family",
    INSTRUMENT: "an instrument",
}


@dataclass(frozen=True)
class Field:
    """One allowed key of a YAML mapping.

    ``type`` is one of ``text``, ``date``, ``bool``, ``int``, ``url``, ``id``, ``entity``,
    ``concept``, ``entity-or-concept``, ``text-list``, ``statement-ref``. ``many`` fields
    accept one value or a list. ``entities`` lists the accepted entity categories and
    ``schemes`` the accepted concept schemes (``"*"``: any scheme).
    """

    name: str
    type: str
    required: bool = False
    many: bool = False
    entities: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()


def _ref(name: str, *cats: str, required: bool = False, many: bool = False) -> Field:
    return Field(name, "entity", required=required, many=many, entities=cats)


def _concept(name: str, scheme: str, *, required: bool = False, many: bool = False) -> Field:
    return Field(name, "concept", required=required, many=many, schemes=(scheme,))


# -- entities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityKind:
    """A top-level key of an entity file: the category it declares and its ``type`` values."""

    key: str
    category: str | None
    types: dict[str, URIRef]
    default_type: str | None
    fields: tuple[Field, ...]


_COMMON_ENTITY = (
    Field("id", "id", required=True),
    Field("label", "text", required=True),
    Field("aliases", "text-list"),
    Field("description", "text"),
    Field("homepage", "url"),
)

ORGANISATION_TYPES = {
    "developer": GK.AIDeveloper,
    "company": GK.Company,
    "agency": GK.Agency,
    "executive-office": GK.ExecutiveOffice,
    "legislature": GK.Legislature,
    "intergovernmental": GK.IntergovernmentalBody,
    "industry-body": GK.IndustryBody,
    "publisher": GK.Publisher,
}
MODEL_TYPES = {"model": GK.AIModel, "family": GK.ModelFamily}
INSTRUMENT_TYPES = {
    "voluntary-commitment": GK.VoluntaryCommitment,
    "code-of-practice": GK.CodeOfPractice,
    "agreement": GK.Agreement,
    "testing-agreement": GK.TestingAgreement,
    "declaration": GK.Declaration,
    "framework": GK.Framework,
    "law": GK.Law,
    "bill": GK.Bill,
    "executive-order": GK.ExecutiveOrder,
    "policy": GK.PolicyDocument,
}

ENTITY_KINDS: dict[str, EntityKind] = {
    "organisations": EntityKind(
        "organisations",
        ORGANISATION,
        ORGANISATION_TYPES,
        None,
        (*_COMMON_ENTITY, Field("type", "choice", required=True)),
    ),
    "people": EntityKind("people", PERSON, {"person": GK.Person}, "person", _COMMON_ENTITY),
    "jurisdictions": EntityKind(
        "jurisdictions",
        JURISDICTION,
        {"jurisdiction": GK.Jurisdiction},
        "jurisdiction",
        (*_COMMON_ENTITY, _ref("within", JURISDICTION)),
    ),
    # models carry their category per item: ``type: family`` declares a model family.
    "models": EntityKind(
        "models", None, MODEL_TYPES, "model", (*_COMMON_ENTITY, Field("type", "choice"))
    ),
    "instruments": EntityKind(
        "instruments",
        INSTRUMENT,
        INSTRUMENT_TYPES,
        None,
        (*_COMMON_ENTITY, Field("type", "choice", required=True), Field("identifier", "text")),
    ),
}

#: ``entities/registry.yaml``: the registry's own source metadata (a fixed publication date).
REGISTRY_KEY = "registry"
REGISTRY_FIELDS = (Field("published", "date", required=True), Field("title", "text"))

# -- sources ------------------------------------------------------------------------------------

SOURCE_FIELDS = (
    Field("id", "id", required=True),
    Field("title", "text", required=True),
    Field("publisher", "publisher"),
    Field("url", "url"),
    Field("url_note", "text"),
    Field("document", "text"),
    Field("published", "date", required=True),
    _concept("kind", "source-kind", required=True),
    Field("note", "text"),
)

COMMON_STATEMENT_FIELDS = (
    Field("kind", "kind", required=True),
    Field("id", "id"),
    Field("quote", "text"),
    Field("scheduled", "bool"),
    # evidence (docs/data-format.md, "Evidence"): where the quote stands, or why none can be read
    Field("locator", "text"),
    Field("evidence", "choice"),
    Field("evidence_note", "text"),
    _ref("reported_by", ORGANISATION),
    # time model / epistemic status (issue 14)
    _concept("epistemic", "epistemic-status"),
)

#: Fields that record the evidence for a statement rather than its facts: they are left out of
#: derived statement ids, so adding or correcting a quote or locator keeps the statement's IRI.
EVIDENCE_FIELDS = ("quote", "locator", "evidence", "evidence_note")

#: The values of ``evidence:`` and the concept each becomes.
EVIDENCE_VALUES = {"unavailable": "evidence-unavailable"}

_ORG_OR_PERSON = (ORGANISATION, PERSON)

STATEMENT_KINDS: dict[str, tuple[Field, ...]] = {
    "release": (
        _ref("model", MODEL, required=True),
        _ref("developer", ORGANISATION, required=True, many=True),
        Field("date", "date"),
        _concept("weights", "weights-access"),
        Field("licence", "text"),
        _ref("family", FAMILY),
        _ref("base_model", MODEL),
        Field("parameters", "int"),
        Field("weights_available", "date"),  # time model: first downloadable
    ),
    "family": (
        _ref("family", FAMILY, required=True),
        _ref("developer", ORGANISATION, many=True),
        _ref("part_of", FAMILY),
    ),
    "participation": (
        _ref("party", ORGANISATION, required=True, many=True),
        _ref("instrument", INSTRUMENT, required=True),
        _concept("status", "participation-status", required=True),
        Field("date", "date"),
        Field("valid_from", "date"),
        Field("valid_until", "date"),
        Field("scope", "text"),
    ),
    "evaluation": (
        _ref("model", MODEL, required=True),
        _ref("evaluators", ORGANISATION, required=True, many=True),
        _concept("stage", "deployment-stage", required=True),
        Field("date", "date", required=True),
        _ref("agreement", INSTRUMENT),
        Field("outcome", "text"),
        # time model: the testing period (``date`` is the report's publication)
        Field("tested", "date"),
        Field("tested_from", "date"),
        Field("tested_to", "date"),
    ),
    "action": (
        _ref("actor", *_ORG_OR_PERSON, required=True, many=True),
        _concept("type", "action-type", required=True),
        _ref("targets", ORGANISATION, MODEL, FAMILY, INSTRUMENT, PERSON, many=True),
        Field("date", "date"),
        _concept("status", "action-status"),
        _ref("instrument", INSTRUMENT),
        _ref("resulted_in", INSTRUMENT, ORGANISATION, many=True),
        _ref("revokes", INSTRUMENT),
        _concept("risks", "risk", many=True),
        _concept("governance_model", "governance-model"),
        Field("description", "text", required=True),
    ),
    "instrument": (
        _ref("instrument", INSTRUMENT, required=True),
        _ref("issued_by", *_ORG_OR_PERSON, many=True),
        Field("adopted", "date"),
        Field("in_force_from", "date"),
        Field("in_force_until", "date"),
        _ref("jurisdiction", JURISDICTION),
        _ref("parties", ORGANISATION, many=True),
        _concept("risks", "risk", many=True),
        _concept("governance_model", "governance-model"),
    ),
    "organisation": (
        _ref("organisation", ORGANISATION, required=True),
        _ref("parent", ORGANISATION),
        _ref("jurisdiction", JURISDICTION),
        _ref("based_in", JURISDICTION),
        Field("valid_from", "date"),
        Field("valid_until", "date"),
        _ref("head", PERSON),
        Field("role", "text"),
        # time model: the head's term of office
        Field("head_from", "date"),
        Field("head_until", "date"),
    ),
    "change": (
        _ref("from", ORGANISATION, required=True),
        _ref("to", ORGANISATION, required=True),
        Field("date", "date", required=True),
        Field("description", "text"),
    ),
    "stance": (
        _ref("holder", *_ORG_OR_PERSON, required=True),
        _concept("stance", "stance", required=True),
        Field("as_of", "date", required=True),
        Field("topic", "entity-or-concept", entities=ANY_ENTITY, schemes=("governance-model",)),
        Field("valid_until", "date"),  # time model: when the stance stopped holding
    ),
    "claim": (
        _ref("claimant", *_ORG_OR_PERSON, required=True, many=True),
        Field("text", "text", required=True),
        Field("about", "entity-or-concept", many=True, entities=ANY_ENTITY, schemes=("*",)),
        _concept("risks", "risk", many=True),
        Field("date", "date"),
    ),
    "scenario": (
        Field("text", "text", required=True),
        Field("condition", "text"),
        Field("consequence", "text"),
        Field("about", "entity-or-concept", many=True, entities=ANY_ENTITY, schemes=("*",)),
        _concept("governance_model", "governance-model", many=True),
    ),
    # time model (issue 14): a licence over a period; a licence change is two terms
    "licence": (
        _ref("model", MODEL, required=True),
        Field("licence", "text", required=True),
        Field("valid_from", "date"),
        Field("valid_until", "date"),
    ),
    "tension": (
        Field("between", "statement-ref", required=True, many=True),
        Field("note", "text"),
    ),
}

#: The gk class of each statement kind's node (``change`` is also typed gk:Statement).
STATEMENT_CLASS: dict[str, URIRef] = {
    "release": GK.ModelRelease,
    "family": GK.Statement,
    "participation": GK.Participation,
    "evaluation": GK.ModelEvaluation,
    "action": GK.RegulatoryAction,
    "instrument": GK.Statement,
    "organisation": GK.Statement,
    "change": GK.OrganisationChange,
    "stance": GK.StanceAttribution,
    "claim": GK.Claim,
    "scenario": GK.Scenario,
    "licence": GK.LicenceTerm,
    "tension": GK.Statement,
}

#: The field whose value names a statement in its derived id (``release-llama-3.1-405b``).
KEY_FIELD: dict[str, str] = {
    "release": "model",
    "family": "family",
    "participation": "party",
    "evaluation": "model",
    "action": "type",
    "instrument": "instrument",
    "organisation": "organisation",
    "change": "from",
    "stance": "holder",
    "claim": "claimant",
    "scenario": "text",
    "licence": "model",
    "tension": "between",
}
