"""The SHACL shapes accept valid data and reject each kind of broken record with its own message.

Each broken record is the valid CQ dataset with one deliberate defect; the test asserts that the
defect yields exactly one violation, on the right node, with the message written for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from govkg.ontology import GK, GKC, ID, SOURCE, STATEMENT, graph_iri
from govkg.ontology.validation import ShapeViolation, validate_data
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
ORG_ORIGINAL = URIRef("http://www.w3.org/ns/org#originalOrganization")
ORG_RESULTING = URIRef("http://www.w3.org/ns/org#resultingOrganization")

ARTICLE = SOURCE["article-meta-federal-ai-review"]
WH_SOURCE = SOURCE["wh-voluntary-commitments-2023-07"]
STANCE_META = STATEMENT["article-meta-federal-ai-review/stance-meta"]
SIGN_META = STATEMENT["wh-voluntary-commitments-2023-07/meta"]
EVAL = STATEMENT["us-uk-aisi-claude-eval-2024-11/eval"]
PRESSURE = STATEMENT["article-meta-federal-ai-review/pressure-meta"]
CLAIM = STATEMENT["article-meta-federal-ai-review/zuckerberg-claim"]
SCENARIO = STATEMENT["article-meta-federal-ai-review/two-tier"]
RELEASE_GPT = STATEMENT["model-releases/gpt-4o"]
CHANGE = STATEMENT["article-meta-federal-ai-review/aisi-renamed"]


def date(text: str) -> Literal:
    return Literal(text, datatype=URIRef(XSD_NS + "date"))


@dataclass
class Broken:
    """A deliberate defect: triples to remove (None = wildcard) and to add."""

    name: str
    focus: URIRef
    message: str
    remove: list[tuple] = field(default_factory=list)
    add: list[tuple] = field(default_factory=list)


CASES = [
    Broken(
        "statement without source",
        STANCE_META,
        "Every statement must cite the source that supports it (dcterms:source).",
        remove=[(STANCE_META, DCTERMS.source, None)],
    ),
    Broken(
        "statement with two sources",
        SIGN_META,
        "A statement must cite exactly one source (dcterms:source); record the same fact "
        "from another source as a separate statement.",
        add=[(SIGN_META, DCTERMS.source, ARTICLE)],
    ),
    Broken(
        "source that is not a source",
        STANCE_META,
        "A statement's source (dcterms:source) must be a source document recorded in the "
        "graph (gk:Source).",
        remove=[(STANCE_META, DCTERMS.source, None)],
        add=[(STANCE_META, DCTERMS.source, ID.meta)],
    ),
    Broken(
        "event date as plain text",
        SIGN_META,
        "A date (gk:date) must be a calendar date written YYYY-MM-DD (xsd:date).",
        remove=[(SIGN_META, GK.date, None)],
        add=[(SIGN_META, GK.date, Literal("2023-07-21"))],
    ),
    Broken(
        "release date as date-time",
        ID["gpt-4o"],
        "A model's release date (gk:releaseDate) must be a calendar date written YYYY-MM-DD "
        "(xsd:date).",
        remove=[(ID["gpt-4o"], GK.releaseDate, None)],
        add=[
            (
                ID["gpt-4o"],
                GK.releaseDate,
                Literal("2024-05-13T00:00:00", datatype=URIRef(XSD_NS + "dateTime")),
            )
        ],
    ),
    Broken(
        "unknown weights-access concept",
        ID["gpt-4o"],
        "A model's weights access (gk:weightsAccess) must be a concept of the weights-access "
        "scheme (e.g. open-weights-restricted, api-access, unreleased).",
        remove=[(ID["gpt-4o"], GK.weightsAccess, None)],
        add=[(ID["gpt-4o"], GK.weightsAccess, GKC["open-ish"])],
    ),
    Broken(
        "weights access from another scheme",
        ID["gpt-4o"],
        "A model's weights access (gk:weightsAccess) must be a concept of the weights-access "
        "scheme (e.g. open-weights-restricted, api-access, unreleased).",
        remove=[(ID["gpt-4o"], GK.weightsAccess, None)],
        add=[(ID["gpt-4o"], GK.weightsAccess, GKC.signed)],
    ),
    Broken(
        "model without developer",
        ID["gpt-4o"],
        "A model must name its developer (gk:developedBy).",
        remove=[(ID["gpt-4o"], GK.developedBy, None)],
    ),
    Broken(
        "developer that is a jurisdiction",
        ID["gpt-4o"],
        "A model's developer (gk:developedBy) must be an organisation recorded in the graph.",
        remove=[(ID["gpt-4o"], GK.developedBy, None)],
        add=[(ID["gpt-4o"], GK.developedBy, ID.us)],
    ),
    Broken(
        "model without name",
        ID["gpt-4o"],
        "A model must have a name (rdfs:label).",
        remove=[(ID["gpt-4o"], RDFS.label, None)],
    ),
    Broken(
        "participation without status",
        SIGN_META,
        "A participation must say whether the organisation signed, joined, declined, ... "
        "(exactly one gk:participationStatus).",
        remove=[(SIGN_META, GK.participationStatus, None)],
    ),
    Broken(
        "participation status from the stance scheme",
        SIGN_META,
        "A participation status (gk:participationStatus) must be a concept of the "
        "participation-status scheme (e.g. signed, declined, negotiating).",
        remove=[(SIGN_META, GK.participationStatus, None)],
        add=[(SIGN_META, GK.participationStatus, GKC.resistant)],
    ),
    Broken(
        "undated participation",
        SIGN_META,
        "A participation must be dated: give the date of the event (gk:date) or the date "
        "from which it holds (gk:validFrom).",
        remove=[(SIGN_META, GK.date, None)],
    ),
    Broken(
        "participation in something that is not an instrument",
        SIGN_META,
        "What an organisation signs, joins or declines (gk:instrument) must be an instrument "
        "recorded in the graph.",
        remove=[(SIGN_META, GK.instrument, None)],
        add=[(SIGN_META, GK.instrument, ID.openai)],
    ),
    Broken(
        "source without publication date",
        WH_SOURCE,
        "A source must have exactly one publication date (gk:publishedOn).",
        remove=[(WH_SOURCE, GK.publishedOn, None)],
    ),
    Broken(
        "source published on a month",
        WH_SOURCE,
        "A source's publication date (gk:publishedOn) must be a calendar date written "
        "YYYY-MM-DD (xsd:date).",
        remove=[(WH_SOURCE, GK.publishedOn, None)],
        add=[
            (WH_SOURCE, GK.publishedOn, Literal("2023-07", datatype=URIRef(XSD_NS + "gYearMonth")))
        ],
    ),
    Broken(
        "source without URL or identifier",
        WH_SOURCE,
        "A source must say where it can be read: a URL (gk:url) or a document identifier "
        "(dcterms:identifier).",
        remove=[(WH_SOURCE, GK.url, None)],
    ),
    Broken(
        "source without kind",
        WH_SOURCE,
        "A source must say what kind of document it is (exactly one gk:sourceKind).",
        remove=[(WH_SOURCE, GK.sourceKind, None)],
    ),
    Broken(
        "source kind unknown",
        WH_SOURCE,
        "A source kind (gk:sourceKind) must be a concept of the source-kind scheme (e.g. "
        "news-article, press-release, legal-text, dataset).",
        remove=[(WH_SOURCE, GK.sourceKind, None)],
        add=[(WH_SOURCE, GK.sourceKind, GKC.tweet)],
    ),
    Broken(
        "source without title",
        WH_SOURCE,
        "A source must have a title (dcterms:title).",
        remove=[(WH_SOURCE, DCTERMS.title, None)],
    ),
    Broken(
        "evaluation without stage",
        EVAL,
        "An evaluation must say whether it was pre- or post-deployment (exactly one "
        "gk:deploymentStage).",
        remove=[(EVAL, GK.deploymentStage, None)],
    ),
    Broken(
        "evaluation without date",
        EVAL,
        "An evaluation must have exactly one date (gk:date).",
        remove=[(EVAL, GK.date, None)],
    ),
    Broken(
        "evaluation of no model",
        EVAL,
        "An evaluation must name the model that was tested (gk:evaluatedModel).",
        remove=[(EVAL, GK.evaluatedModel, None)],
    ),
    Broken(
        "action without description",
        PRESSURE,
        "A regulatory action must say in plain words what happened (dcterms:description).",
        remove=[(PRESSURE, DCTERMS.description, None)],
    ),
    Broken(
        "action of an unknown type",
        PRESSURE,
        "An action type (gk:actionType) must be a concept of the action-type scheme (e.g. "
        "request, pressure, pause-order, executive-order).",
        remove=[(PRESSURE, GK.actionType, None)],
        add=[(PRESSURE, GK.actionType, GKC.nudge)],
    ),
    Broken(
        "action status from another scheme",
        PRESSURE,
        "An action status (gk:actionStatus) must be a concept of the action-status scheme "
        "(e.g. ongoing, in-effect, lifted, possible).",
        remove=[(PRESSURE, GK.actionStatus, None)],
        add=[(PRESSURE, GK.actionStatus, GKC.signed)],
    ),
    Broken(
        "action without actor",
        PRESSURE,
        "A regulatory action must name who took it (gk:actor).",
        remove=[(PRESSURE, GK.actor, None)],
    ),
    Broken(
        "stance outside the stance scheme",
        STANCE_META,
        "A stance (gk:stance) must be a concept of the stance scheme (cooperative, compliant "
        "or resistant).",
        remove=[(STANCE_META, GK.stance, None)],
        add=[(STANCE_META, GK.stance, GKC.declined)],
    ),
    Broken(
        "stance without as-of date",
        STANCE_META,
        "A stance must say as of when it holds (gk:validFrom).",
        remove=[(STANCE_META, GK.validFrom, None)],
    ),
    Broken(
        "claim without text",
        CLAIM,
        "A claim must state what is claimed, once (gk:claimText).",
        remove=[(CLAIM, GK.claimText, None)],
    ),
    Broken(
        "scenario without words",
        SCENARIO,
        "A scenario must say in words what could happen (rdfs:label).",
        remove=[(SCENARIO, RDFS.label, None)],
    ),
    Broken(
        "release record of no model",
        RELEASE_GPT,
        "A release record must name exactly one model (gk:model).",
        remove=[(RELEASE_GPT, GK.model, None)],
    ),
    Broken(
        "validity ending before it starts",
        STATEMENT["article-meta-federal-ai-review/meta-negotiating"],
        "A fact cannot stop holding before it starts: 'valid from' (gk:validFrom) must not "
        "be later than 'valid until' (gk:validUntil).",
        add=[
            (
                STATEMENT["article-meta-federal-ai-review/meta-negotiating"],
                GK.validUntil,
                date("2026-10-01"),
            )
        ],
    ),
    Broken(
        "organisation without name",
        ID.nvidia,
        "An organisation must have a name (rdfs:label).",
        remove=[(ID.nvidia, RDFS.label, None)],
    ),
    Broken(
        "jurisdiction within a company",
        ID.italy,
        "A jurisdiction can only lie within another jurisdiction (gk:withinJurisdiction).",
        add=[(ID.italy, GK.withinJurisdiction, ID.meta)],
    ),
    Broken(
        "source graph of nothing",
        graph_iri("garante-chatgpt-2023-03"),
        "A source graph must name exactly one source whose statements it holds (gk:graphOf).",
        remove=[(graph_iri("garante-chatgpt-2023-03"), GK.graphOf, None)],
    ),
    Broken(
        "organisational change without successor",
        CHANGE,
        "An organisational change must name the body after the change (org:resultingOrganization).",
        add=[
            (CHANGE, RDF.type, GK.OrganisationChange),
            (CHANGE, ORG_ORIGINAL, ID["us-aisi"]),
            (CHANGE, GK.date, date("2025-06-03")),
            (CHANGE, DCTERMS.source, ARTICLE),
        ],
    ),
]


def break_graph(valid: Graph, case: Broken) -> Graph:
    broken = Graph()
    for triple in valid:
        broken.add(triple)
    for pattern in case.remove:
        before = len(broken)
        broken.remove(pattern)
        assert len(broken) < before, f"{case.name}: {pattern} removed nothing (fixture drifted)"
    for triple in case.add:
        broken.add(triple)
    return broken


def test_valid_dataset_conforms(cq_dataset: Dataset) -> None:
    violations = validate_data(cq_dataset)
    assert violations == [], "\n".join(map(str, violations))


def test_validation_does_not_modify_the_callers_graph(cq_triples: Graph) -> None:
    before = len(cq_triples)
    validate_data(cq_triples)
    assert len(cq_triples) == before


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_record_fails_with_its_own_message(cq_triples: Graph, case: Broken) -> None:
    violations = validate_data(break_graph(cq_triples, case))
    assert [(v.focus_node, v.message) for v in violations] == [(str(case.focus), case.message)]
    assert violations[0].severity == "Violation"


def test_messages_are_distinct_per_defect() -> None:
    """Different defects read differently (the two weights-access cases share one on purpose)."""
    messages = [c.message for c in CASES]
    assert len(set(messages)) == len(messages) - 1


def test_violation_reports_path_and_value(cq_triples: Graph) -> None:
    case = next(c for c in CASES if c.name == "unknown weights-access concept")
    [violation] = validate_data(break_graph(cq_triples, case))
    assert violation == ShapeViolation(
        focus_node=str(ID["gpt-4o"]),
        path="gk:weightsAccess",
        message=case.message,
        severity="Violation",
        value="gkc:open-ish",
    )
    assert "gk:weightsAccess" in str(violation) and "gkc:open-ish" in str(violation)


def test_subclass_targeting_reaches_subclasses(cq_triples: Graph) -> None:
    """An agency (gk:Agency ⊑ gk:GovernmentBody ⊑ gk:Organisation) is checked as an organisation."""
    broken = break_graph(
        cq_triples, Broken("x", ID.garante, "", remove=[(ID.garante, RDFS.label, None)])
    )
    assert [v.focus_node for v in validate_data(broken)] == [str(ID.garante)]


@pytest.mark.serial  # a time limit: alone on its xdist worker (tests/support/workers.py)
def test_validation_is_fast_on_a_few_thousand_triples(cq_triples: Graph) -> None:
    """Ten renamed copies of the dataset (~3k triples) validate well within the build budget."""
    big = Graph()
    for copy in range(10):
        for triple in cq_triples:
            big.add(tuple(_rename(t, copy) for t in triple))
    assert len(big) > 2500
    started = time.perf_counter()
    assert validate_data(big) == []
    assert time.perf_counter() - started < 10.0


def _rename(term, copy: int):
    """Give govkg data IRIs (not ontology or concept IRIs) a per-copy suffix."""
    text = str(term)
    data_prefixes = (str(ID), str(SOURCE), str(STATEMENT), "https://w3id.org/govkg/graph/")
    if isinstance(term, URIRef) and text.startswith(data_prefixes):
        return URIRef(f"{text}-copy{copy}")
    return term
