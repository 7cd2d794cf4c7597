"""The extended public record: developer frameworks, evaluations, summits, laws and lineage.

These checks run SPARQL over the bundled curated data, compiled with the real compiler into a
real in-memory pyoxigraph store. Each check names the facts a curator added (who issued which
framework, which body evaluated which model at which stage, which model a derivative was built
on) and would fail if a fact were dropped, mis-dated, attributed to the wrong party or left
without a source graph - so they guard the data, not just the compiler.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from govkg.ontology import PREFIXES

_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
_ID = PREFIXES["gkid"]

#: Developer safety framework -> (issuing developer, adoption date as written by its source).
FRAMEWORKS: dict[str, tuple[str, str]] = {
    "openai-preparedness-framework-beta": ("openai", "2023-12-18"),
    "openai-preparedness-framework-v2": ("openai", "2025-04-15"),
    "anthropic-rsp": ("anthropic", "2023-09-19"),
    "anthropic-rsp-v2": ("anthropic", "2024-10-15"),
    "gdm-frontier-safety-framework": ("google", "2024-05-17"),
    "gdm-frontier-safety-framework-v2": ("google", "2025-02-04"),
    "meta-frontier-ai-framework": ("meta", "2025-02-03"),
    "microsoft-frontier-governance-framework": ("microsoft", "2025-02-01"),
    "amazon-frontier-model-safety-framework": ("amazon", "2025-02-01"),
    "xai-risk-management-framework": ("xai", "2025-02-01"),
}

#: (model, evaluator, stage, date) of the government evaluations added beyond the joint
#: US/UK pre-deployment tests.
EVALUATIONS: list[tuple[str, str, str, str]] = [
    ("deepseek-r1", "caisi", "post-deployment", "2025-09-30"),
    ("deepseek-r1-0528", "caisi", "post-deployment", "2025-09-30"),
    ("deepseek-v3.1", "caisi", "post-deployment", "2025-09-30"),
    ("gpt-5", "caisi", "post-deployment", "2025-09-30"),
    ("claude-opus-4", "caisi", "post-deployment", "2025-09-30"),
]

#: Derivative model -> its lineage, nearest base first, ending at a model with no base.
LINEAGE: dict[str, list[str]] = {
    "r1-1776": ["deepseek-r1", "deepseek-v3"],
    "mai-ds-r1": ["deepseek-r1", "deepseek-v3"],
    "deepseek-r1-distill-qwen-7b": ["qwen2.5-math-7b", "qwen2.5-7b"],
    "deepseek-r1-distill-qwen-14b": ["qwen2.5-14b"],
    "deepseek-r1-distill-llama-8b": ["llama-3.1-8b"],
    "deepseek-v3.1": ["deepseek-v3"],
    "phi-4-reasoning": ["phi-4"],
    "qwq-32b": ["qwen2.5-32b"],
    "zephyr-7b-beta": ["mistral-7b"],
    "mathstral-7b": ["mistral-7b"],
    "nous-hermes-2-mixtral-8x7b-dpo": ["mixtral-8x7b"],
    "tulu-3-8b": ["llama-3.1-8b"],
    "llama-guard-3-8b": ["llama-3.1-8b"],
    "hermes-3-llama-3.1-405b": ["llama-3.1-405b"],
    "llama-3.1-nemotron-51b": ["llama-3.1-70b"],
    "llama-3.1-nemotron-ultra-253b": ["llama-3.1-405b"],
    "codegemma-7b": ["gemma-7b"],
}


@pytest.fixture(scope="module")
def store(bundled_memory_store: ox.Store) -> ox.Store:
    """The bundled curated data and the ontology (tests/graph/conftest.py)."""
    return bundled_memory_store


def ask(store: ox.Store, pattern: str) -> bool:
    """ASK ``pattern`` over the union of all graphs."""
    return bool(
        store.query(_PROLOGUE + "ASK {\n" + pattern + "\n}", use_default_graph_as_union=True)
    )


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of all graphs, each variable bound to its lexical value."""
    results = store.query(_PROLOGUE + query, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def _d(day: str) -> str:
    return f'"{day}"^^xsd:date'


def _framework_pattern(framework: str, issuer: str, adopted: str) -> str:
    """The framework, issued by ``issuer`` (a developer) on ``adopted``, in a cited source graph."""
    return f"""gkid:{framework} a gk:Framework .
        gkid:{issuer} a gk:AIDeveloper .
        GRAPH ?g {{ gkid:{framework} gk:issuedBy gkid:{issuer} ; gk:adoptedOn {_d(adopted)} .
                   ?src a gk:Source ; gk:url ?url ; gk:publishedOn ?pub . }}
        ?g gk:graphOf ?src ."""


def _evaluation_pattern(model: str, evaluator: str, stage: str, day: str) -> str:
    """A model evaluation with every field, its source being the graph's own source."""
    return f"""GRAPH ?g {{ ?e a gk:ModelEvaluation ; gk:evaluatedModel gkid:{model} ;
                   gk:evaluator gkid:{evaluator} ; gk:deploymentStage gkc:{stage} ;
                   gk:date {_d(day)} ; dcterms:source ?src . ?src a gk:Source ; gk:url ?url }}
        ?g gk:graphOf ?src .
        gkid:{evaluator} a/rdfs:subClassOf* gk:Organisation ."""


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_developer_framework_has_issuer_and_date(store: ox.Store, framework: str) -> None:
    issuer, adopted = FRAMEWORKS[framework]
    assert ask(store, _framework_pattern(framework, issuer, adopted)), framework


def test_every_framework_issued_by_a_developer_has_one_dated_source(store: ox.Store) -> None:
    """No developer framework in the data lacks an adoption date or a source graph."""
    rows = select(
        store,
        """SELECT DISTINCT ?f WHERE {
             ?f a gk:Framework ; gk:issuedBy ?dev . ?dev a gk:AIDeveloper .
             FILTER NOT EXISTS { GRAPH ?g { ?f gk:adoptedOn ?d } ?g gk:graphOf ?src }
           }""",
    )
    assert rows == []
    developer_frameworks = select(
        store,
        """SELECT DISTINCT ?f WHERE { ?f a gk:Framework ; gk:issuedBy ?dev .
             ?dev a gk:AIDeveloper }""",
    )
    assert {r["f"].removeprefix(_ID) for r in developer_frameworks} >= set(FRAMEWORKS)


@pytest.mark.parametrize("evaluation", EVALUATIONS, ids=[f"{e[0]}-{e[1]}" for e in EVALUATIONS])
def test_government_evaluation_is_complete(
    store: ox.Store, evaluation: tuple[str, str, str, str]
) -> None:
    assert ask(store, _evaluation_pattern(*evaluation)), evaluation


def test_no_evaluation_lacks_a_field(store: ox.Store) -> None:
    """Every evaluation in the data has a model, an evaluator, a stage, a date and a source."""
    rows = select(
        store,
        """SELECT ?e WHERE { ?e a gk:ModelEvaluation .
             FILTER (NOT EXISTS { ?e gk:evaluatedModel ?m } || NOT EXISTS { ?e gk:evaluator ?o }
                  || NOT EXISTS { ?e gk:deploymentStage ?s } || NOT EXISTS { ?e gk:date ?d }
                  || NOT EXISTS { ?e dcterms:source ?src }) }""",
    )
    assert rows == []
    stages = select(
        store,
        """SELECT DISTINCT ?stage WHERE { ?e a gk:ModelEvaluation ; gk:deploymentStage ?stage }""",
    )
    assert {r["stage"].removeprefix(PREFIXES["gkc"]) for r in stages} == {
        "pre-deployment",
        "post-deployment",
    }


@pytest.mark.parametrize("derivative", sorted(LINEAGE))
def test_lineage_chain_reaches_its_base(store: ox.Store, derivative: str) -> None:
    """Following gk:baseModel from the derivative visits exactly the expected chain."""
    chain = LINEAGE[derivative]
    rows = select(
        store,
        f"""SELECT ?base WHERE {{ gkid:{derivative} gk:baseModel+ ?base }}""",
    )
    assert sorted(r["base"].removeprefix(_ID) for r in rows) == sorted(chain)
    root = chain[-1]
    # The chain ends: the root has no base of its own, but has a developer of its own.
    assert ask(
        store,
        f"gkid:{root} gk:developedBy ?dev . FILTER NOT EXISTS {{ gkid:{root} gk:baseModel ?x }}",
    )
    # Each link is stated in a source graph.
    links = [derivative, *chain]
    for child, parent in zip(links, links[1:], strict=False):
        assert ask(
            store, f"GRAPH ?g {{ gkid:{child} gk:baseModel gkid:{parent} }} ?g gk:graphOf ?src ."
        ), f"{child} -> {parent}"


def test_lineage_has_no_cycles(store: ox.Store) -> None:
    assert not ask(store, "?m gk:baseModel+ ?m .")


def test_summit_participations(store: ox.Store) -> None:
    """Paris: the US and the UK declined, China signed; Seoul: ten countries and the EU signed."""
    for party in ("us-federal-government", "uk-government"):
        assert ask(
            store,
            f"""GRAPH ?g {{ ?p gk:participant gkid:{party} ;
                  gk:instrument gkid:paris-summit-statement ;
                  gk:participationStatus gkc:declined ; gk:date {_d("2025-02-11")} }}""",
        ), party
    assert not ask(
        store,
        """?p gk:participant gkid:us-federal-government ;
              gk:instrument gkid:paris-summit-statement ; gk:participationStatus gkc:signed .""",
    )
    rows = select(
        store,
        """SELECT DISTINCT ?party WHERE { ?p gk:instrument gkid:seoul-declaration ;
             gk:participationStatus gkc:signed ; gk:participant ?party }""",
    )
    assert len(rows) == 11
    members = select(
        store,
        """SELECT DISTINCT ?party WHERE { ?p gk:instrument gkid:inaisi-mission-statement ;
             gk:participationStatus gkc:joined ; gk:date "2024-11-20"^^xsd:date ;
             gk:participant ?party }""",
    )
    assert {r["party"].removeprefix(_ID) for r in members} >= {
        "us-federal-government",
        "uk-government",
        "japan-government",
        "kenya-government",
        "european-union",
    }


def test_laws_have_issuer_dates_and_jurisdiction(store: ox.Store) -> None:
    assert ask(
        store,
        f"""GRAPH ?g {{ gkid:china-genai-interim-measures gk:issuedBy gkid:cac ;
                 gk:adoptedOn {_d("2023-07-10")} ; gk:validFrom {_d("2023-08-15")} ;
                 gk:jurisdiction gkid:china }}""",
    )
    assert ask(
        store,
        f"""GRAPH ?g {{ gkid:colorado-ai-act gk:adoptedOn {_d("2024-05-17")} ;
                 gk:jurisdiction gkid:colorado }}
            gkid:colorado gk:withinJurisdiction gkid:us .""",
    )


def test_colorado_delay_is_a_tension_between_two_sources(store: ox.Store) -> None:
    """Both application dates are kept, each in its own source, and linked both ways."""
    assert ask(
        store,
        f"""GRAPH ?g1 {{ ?a gk:instrument gkid:colorado-ai-act ; gk:date {_d("2026-02-01")} }}
            GRAPH ?g2 {{ ?b gk:instrument gkid:colorado-ai-act ; gk:date {_d("2026-06-30")} }}
            ?a gk:inTensionWith ?b . ?b gk:inTensionWith ?a .
            FILTER (?g1 != ?g2)""",
    )


def test_claude_3_5_haiku_dates_in_tension(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT DISTINCT ?date WHERE {
             GRAPH ?g { gkid:claude-3.5-haiku gk:releaseDate ?date } }""",
    )
    assert sorted(r["date"] for r in rows) == ["2024-10-22", "2024-11-04"]
    assert ask(
        store,
        """?a a gk:ModelRelease ; gk:model gkid:claude-3.5-haiku ; gk:inTensionWith ?b .
           ?b a gk:ModelRelease ; gk:model gkid:claude-3.5-haiku .""",
    )


def test_checks_discriminate(store: ox.Store) -> None:
    """The same patterns with a wrong issuer, date, stage or base are false."""
    assert not ask(store, _framework_pattern("anthropic-rsp", "openai", "2023-09-19"))
    assert not ask(store, _framework_pattern("anthropic-rsp", "anthropic", "2023-09-20"))
    assert not ask(
        store, _evaluation_pattern("deepseek-r1", "caisi", "pre-deployment", "2025-09-30")
    )
    assert not ask(
        store, _evaluation_pattern("deepseek-r1", "uk-aisi", "post-deployment", "2025-09-30")
    )
    assert not ask(store, "gkid:r1-1776 gk:baseModel+ gkid:qwen2.5-7b .")
