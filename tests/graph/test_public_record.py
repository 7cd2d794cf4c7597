"""Every row of the public-record checklist is in the graph, from a source that says it.

The checklist (``../shared/seed/public-record-facts.csv``, rows F01–F36) lists well-known
events with dates and actors. For each row, ``ROW_CHECKS`` holds a SPARQL ASK (a group graph
pattern) that is true only if the compiled curated data records the row's fact, with its date,
inside some source's named graph. The bundled data is compiled with the real compiler and
loaded into a real in-memory pyoxigraph store once per module.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.ontology import PREFIXES

#: ../shared beside the repository (CI lays it there); tests that need it skip without it.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CHECKLIST = SHARED / "seed" / "public-record-facts.csv"
_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _d(day: str) -> str:
    return f'"{day}"^^xsd:date'


def _all_parties(parties: list[str], instrument: str, status: str, date: str) -> str:
    """True when every party has a ``status`` participation in ``instrument`` dated ``date``."""
    values = " ".join(f"gkid:{p}" for p in parties)
    return f"""FILTER NOT EXISTS {{
        VALUES ?party {{ {values} }}
        FILTER NOT EXISTS {{ GRAPH ?g {{
            ?s a gk:Participation ; gk:participant ?party ; gk:instrument gkid:{instrument} ;
               gk:participationStatus gkc:{status} ; gk:date {_d(date)} ;
               dcterms:source ?src }}
            ?g gk:graphOf ?src }}
    }}"""


def _action(
    actor: str, action_type: str, date: str, extra: str = "", scheduled: bool = False
) -> str:
    """A regulatory action of ``action_type`` by ``actor`` on ``date`` in some source graph."""
    flag = "; gk:scheduled true" if scheduled else ""
    return f"""GRAPH ?g {{ ?a a gk:RegulatoryAction ; gk:actor gkid:{actor} ;
        gk:actionType gkc:{action_type} ; gk:date {_d(date)} {flag} . {extra} }}
        ?g gk:graphOf ?src ."""


def _release(model: str, date: str, weights: str, licence: str | None = None) -> str:
    """Meta's release of ``model`` on ``date`` with ``weights`` (and licence), one source graph."""
    lic = f'; gk:licenceName "{licence}"' if licence else ""
    return f"""GRAPH ?g {{ gkid:{model} gk:developedBy gkid:meta ; gk:releaseDate {_d(date)} ;
        gk:weightsAccess gkc:{weights} {lic} }}
        ?g gk:graphOf ?src . ?src gk:url ?url ."""


_F01_PARTIES = ["amazon", "anthropic", "google", "inflection", "meta", "microsoft", "openai"]
_F02_PARTIES = [
    "adobe", "cohere", "ibm", "nvidia", "palantir", "salesforce", "scale-ai", "stability-ai",
]  # fmt: skip
_F13_PARTIES = [
    "amazon", "anthropic", "cohere", "google", "g42", "ibm", "inflection", "meta", "microsoft",
    "mistral-ai", "naver", "openai", "samsung-electronics", "tii", "xai", "zhipu-ai",
]  # fmt: skip
_F27_PARTIES = [
    "amazon", "anthropic", "google", "ibm", "microsoft", "mistral-ai", "openai", "aleph-alpha",
    "cohere",
]  # fmt: skip

#: Checklist row id -> the graph pattern of an ASK that proves the row is represented.
ROW_CHECKS: dict[str, str] = {
    "F01": _all_parties(_F01_PARTIES, "wh-voluntary-commitments-2023", "signed", "2023-07-21")
    + f"""gkid:wh-voluntary-commitments-2023 gk:issuedBy gkid:eop ;
            gk:adoptedOn {_d("2023-07-21")} .""",
    "F02": _all_parties(_F02_PARTIES, "wh-voluntary-commitments-2023", "signed", "2023-09-12")
    + """GRAPH ?g { ?src gk:locatorNote ?note }
         ?g gk:graphOf ?src . ?src gk:publishedOn "2023-09-12"^^xsd:date .""",
    "F03": _action(
        "openai", "establishment", "2023-07-26", "?a gk:resultedIn gkid:frontier-model-forum ."
    )
    + "?a gk:actor gkid:anthropic, gkid:google, gkid:microsoft .",
    "F04": f"""GRAPH ?g {{ gkid:eo-14110 gk:adoptedOn {_d("2023-10-30")} ; gk:issuedBy gkid:eop ;
                 gk:jurisdiction gkid:us }}
               ?g gk:graphOf ?src . ?src gk:publishedOn {_d("2023-11-01")} .""",
    "F05": f"GRAPH ?g {{ gkid:hiroshima-code-of-conduct gk:issuedBy gkid:g7 ; "
    f"gk:adoptedOn {_d('2023-10-30')} }}",
    "F06": f"GRAPH ?g {{ gkid:bletchley-declaration gk:adoptedOn {_d('2023-11-01')} }}"
    + _all_parties(
        ["uk-government", "us-federal-government", "china-government", "european-union"],
        "bletchley-declaration",
        "signed",
        "2023-11-01",
    ),
    "F07": _action("us-department-of-commerce", "establishment", "2023-11-01",
                   "?a gk:resultedIn gkid:us-aisi .")
    + f"""GRAPH ?h {{ gkid:us-aisi org:subOrganizationOf gkid:nist ;
                   gk:validFrom {_d("2023-11-01")} }}
          GRAPH ?k {{ gkid:nist org:subOrganizationOf gkid:us-department-of-commerce }}""",
    "F08": f"""GRAPH ?g {{ gkid:uk-aisi org:subOrganizationOf gkid:uk-dsit ;
                   gk:validFrom {_d("2023-11-02")} .
                 ?c a gk:OrganisationChange ; org:originalOrganization gkid:frontier-ai-taskforce ;
                   org:resultingOrganization gkid:uk-aisi ; gk:date {_d("2023-11-02")} }}""",
    "F09": _action("european-commission", "establishment", "2024-01-24",
                   "?a gk:resultedIn gkid:eu-ai-office .")
    + """GRAPH ?h { gkid:eu-ai-office org:subOrganizationOf gkid:european-commission }
         gkid:commission-decision-ai-office gk:officialIdentifier "C(2024) 390" .""",
    "F10": _action("ftc", "order", "2024-01-25",
                   "?a gk:target gkid:alphabet, gkid:amazon, gkid:anthropic, gkid:microsoft, "
                   "gkid:openai ."),
    "F11": _action("nist", "establishment", "2024-02-08", "?a gk:resultedIn gkid:aisic ."),
    "F12": _all_parties(
        ["us-department-of-commerce", "uk-dsit"], "us-uk-ai-safety-mou", "signed", "2024-04-01"
    ),
    "F13": _all_parties(
        _F13_PARTIES, "seoul-frontier-ai-safety-commitments", "signed", "2024-05-21"
    ),
    "F14": _action("irish-dpc", "request", "2024-06-14", "?a gk:target gkid:meta .")
    + "GRAPH ?h { gkid:irish-dpc gk:jurisdiction gkid:ireland }",
    "F15": f"""GRAPH ?g {{ gkid:eu-ai-act gk:validFrom {_d("2024-08-01")} }}
               ?g gk:graphOf ?src . ?src gk:publishedOn {_d("2024-07-12")} ."""
    + _action("european-union", "enactment", "2024-08-01", scheduled=True),
    "F16": _action("european-union", "application", "2025-02-02",
                   "?a gk:instrument gkid:eu-ai-act .", scheduled=True),
    "F17": _action("european-union", "application", "2025-08-02",
                   "?a gk:instrument gkid:eu-ai-act .", scheduled=True),
    "F18": f"""GRAPH ?g {{
                 gkid:us-aisi-openai-agreement gk:adoptedOn {_d("2024-08-29")} .
                 gkid:us-aisi-anthropic-agreement gk:adoptedOn {_d("2024-08-29")} }}
               gkid:us-aisi-openai-agreement a gk:TestingAgreement .
               gkid:us-aisi-anthropic-agreement a gk:TestingAgreement ."""
    + _all_parties(["openai", "us-aisi"], "us-aisi-openai-agreement", "signed", "2024-08-29")
    + _all_parties(
        ["anthropic", "us-aisi"], "us-aisi-anthropic-agreement", "signed", "2024-08-29"
    ),
    "F19": f"""GRAPH ?g {{ ?e a gk:ModelEvaluation ;
                 gk:evaluatedModel gkid:claude-3.5-sonnet-2024-10 ;
                 gk:evaluator gkid:us-aisi, gkid:uk-aisi ; gk:deploymentStage gkc:pre-deployment ;
                 gk:date {_d("2024-11-19")} }}
               GRAPH ?h {{ ?e2 a gk:ModelEvaluation ; gk:evaluatedModel gkid:o1 ;
                 gk:evaluator gkid:us-aisi, gkid:uk-aisi ; gk:deploymentStage gkc:pre-deployment ;
                 gk:date {_d("2024-12-18")} }}""",
    "F20": _action("california-governor", "veto", "2024-09-29", "?a gk:target gkid:ca-sb-1047 ."),
    "F21": _action("donald-trump", "revocation", "2025-01-20",
                   "?a gk:revokes gkid:eo-14110 ; gk:instrument gkid:eo-14148 .")
    + f"GRAPH ?h {{ gkid:eo-14110 gk:validUntil {_d('2025-01-20')} }}",
    "F22": f"GRAPH ?g {{ gkid:eo-14179 gk:adoptedOn {_d('2025-01-23')} ; gk:issuedBy gkid:eop }}",
    "F23": f"""GRAPH ?g {{ ?c a gk:OrganisationChange ; org:originalOrganization gkid:uk-aisi ;
                 org:resultingOrganization gkid:uk-ai-security-institute ;
                 gk:date {_d("2025-02-14")} }}""",
    "F24": f"""GRAPH ?g {{ ?c a gk:OrganisationChange ; org:originalOrganization gkid:us-aisi ;
                 org:resultingOrganization gkid:caisi ; gk:date {_d("2025-06-03")} .
                 gkid:caisi org:subOrganizationOf gkid:nist }}""",
    "F25": _action("european-commission", "publication", "2025-07-10",
                   "?a gk:instrument gkid:gpai-code-of-practice ."),
    "F26": _all_parties(["meta"], "gpai-code-of-practice", "declined", "2025-07-18"),
    "F27": _all_parties(_F27_PARTIES, "gpai-code-of-practice", "signed", "2025-08-01")
    + """GRAPH ?g { ?x gk:participant gkid:xai ; gk:instrument gkid:gpai-code-of-practice ;
           gk:participationStatus gkc:partially-signed ; gk:scopeNote ?scope .
           FILTER(CONTAINS(?scope, "Safety and Security")) }""",
    # the plan's date and OSTP's publication may come from different sources (graphs)
    "F28": f"GRAPH ?p {{ gkid:america-ai-action-plan gk:adoptedOn {_d('2025-07-23')} }}"
    + _action("ostp", "publication", "2025-07-23"),
    "F29": _action("italian-garante", "pause-order", "2023-03-30", "?a gk:target gkid:openai .")
    + """GRAPH ?h { ?l gk:actor gkid:italian-garante ; gk:target gkid:openai ;
           gk:actionStatus gkc:lifted }""",
    "F30": _action("italian-garante", "order", "2025-01-30", "?a gk:target gkid:deepseek ."),
    "F31": _release("llama-1-65b", "2023-02-24", "open-weights-noncommercial"),
    "F32": _release("llama-2-70b", "2023-07-18", "open-weights-restricted",
                    "Llama 2 Community License"),
    "F33": _release("llama-3-70b", "2024-04-18", "open-weights-restricted",
                    "Meta Llama 3 Community License"),
    "F34": _release("llama-3.1-405b", "2024-07-23", "open-weights-restricted",
                    "Llama 3.1 Community License"),
    "F35": _release("llama-4-scout", "2025-04-05", "open-weights-restricted",
                    "Llama 4 Community License")
    + _release("llama-4-maverick", "2025-04-05", "open-weights-restricted",
               "Llama 4 Community License").replace("?g", "?g2").replace("?src", "?src2"),
    "F36": f"""GRAPH ?g {{ gkid:nist-ai-rmf gk:adoptedOn {_d("2023-01-26")} ;
                 gk:issuedBy gkid:nist }}
               gkid:nist-ai-rmf a gk:Framework .""",
}  # fmt: skip


def _checklist_rows() -> list[dict[str, str]]:
    if not CHECKLIST.exists():
        return []
    with CHECKLIST.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def store(bundled_memory_store: ox.Store) -> ox.Store:
    """The bundled curated data and the ontology (tests/graph/conftest.py)."""
    return bundled_memory_store


def ask(store: ox.Store, pattern: str) -> bool:
    """ASK ``pattern`` over the union of all graphs."""
    query = _PROLOGUE + "ASK {\n" + pattern + "\n}"
    return bool(store.query(query, use_default_graph_as_union=True))


def test_bundled_data_validates(compiled_data) -> None:  # type: ignore[no-untyped-def]
    """The `govkg validate` equivalent: compiling the bundled data raises nothing."""
    compiled = compiled_data
    assert compiled.source_count >= 70
    assert compiled.statement_count >= 250


_ROWS = _checklist_rows()


@pytest.mark.skipif(
    not _ROWS, reason=f"checklist not present: {CHECKLIST} (needs ../shared beside the repository)"
)
def test_every_checklist_row_has_a_check() -> None:
    assert sorted(r["id"] for r in _ROWS) == sorted(ROW_CHECKS)


@pytest.mark.parametrize(
    "row",
    _ROWS
    or [pytest.param(None, marks=pytest.mark.skip(reason=f"checklist not present: {CHECKLIST}"))],
    ids=[r["id"] for r in _ROWS] or ["no-checklist"],
)
def test_checklist_row_is_represented(store: ox.Store, row: dict[str, str]) -> None:
    check = ROW_CHECKS.get(row["id"])
    assert check is not None, f"no check written for checklist row {row['id']}: {row['event']}"
    assert ask(store, check), f"{row['id']} ({row['date']}, {row['event']}) is not in the graph"


def test_row_checks_can_fail(store: ox.Store) -> None:
    """The checks discriminate: the same pattern with a wrong date is false."""
    wrong = ROW_CHECKS["F34"].replace("2024-07-23", "2024-07-24")
    assert not ask(store, wrong)
    wrong = ROW_CHECKS["F13"].replace("gkid:xai", "gkid:deepseek")
    assert not ask(store, wrong)


def test_domain_level_urls_are_marked(store: ox.Store) -> None:
    """A source cited by a bare domain or listing page says so in its url_note."""
    query = (
        _PROLOGUE
        + """SELECT ?src ?url WHERE { GRAPH ?g { ?src a gk:Source ; gk:url ?url .
               FILTER NOT EXISTS { ?src gk:locatorNote ?n } } }"""
    )
    unmarked = []
    for row in store.query(query, use_default_graph_as_union=True):
        url = row["url"].value
        path = url.split("://", 1)[1].split("/", 1)[1] if url.count("/") > 2 else ""
        if path.strip("/") == "" or path.rstrip("/").split("/")[-1].isdigit():
            unmarked.append(url)
    assert unmarked == []


def test_model_aliases_match_external_data_sets(store: ox.Store) -> None:
    """Entity resolution: Epoch AI's and Ecosystem Graphs' names resolve to curated models."""
    for name, model in [
        ("Llama 3.1-405B", "llama-3.1-405b"),
        ("LLaMA-65B", "llama-1-65b"),
        ("Llama 2-70B", "llama-2-70b"),
        ("Llama 3-8B", "llama-3-8b"),
    ]:
        assert ask(store, f'gkid:{model} gk:alias "{name}"'), name


def test_lineage_of_derivatives(store: ox.Store) -> None:
    """Fine-tunes and distillations point to their base models, transitively to Meta's."""
    for derived, base in [
        ("deepseek-r1-distill-llama-70b", "llama-3.3-70b"),
        ("llama-3.1-nemotron-70b", "llama-3.1-70b"),
        ("alpaca-7b", "llama-1-7b"),
        ("vicuna-13b", "llama-1-13b"),
    ]:
        assert ask(
            store,
            f"gkid:{derived} gk:baseModel+ gkid:{base} . gkid:{base} gk:developedBy gkid:meta .",
        ), derived


def test_flagship_families_nest(store: ox.Store) -> None:
    """Every Llama model belongs, through its family, to the Llama family developed by Meta."""
    query = (
        _PROLOGUE
        + """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
               ?m a gk:AIModel ; gk:partOfFamily/gk:partOfFamily* gkid:llama ;
                  gk:developedBy gkid:meta ; gk:releaseDate ?d }"""
    )
    n = int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)
    # LLaMA 7/13/33/65B, Llama 2 7/13/70B, 3 8/70B, 3.1 8/70/405B, 3.2 1/3/11/90B, 3.3 70B,
    # Llama 4 Scout/Maverick, Code Llama 7/13/34B: the sizes each of Meta's announcements names
    assert n == 4 + 3 + 2 + 3 + 4 + 1 + 2 + 3
