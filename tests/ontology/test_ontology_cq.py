"""Each competency question gives its expected answer on the CQ dataset, in a real Oxigraph store.

The store is set up as govkg's store is: the ontology in its own named graph, each source in its
named graph, and queries over the union default graph. Answers are compared as multisets of rows,
IRIs shortened to prefixed names, literals to their lexical form; unbound variables are absent.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH, PREFIXES
from govkg.ontology.cq import DATASET_FILE, CompetencyQuestion, competency_questions

QUESTIONS = competency_questions()
REQUIRED = {
    "open-weights-without-pre-deployment-review",
    "commitment-signatories",
    "agency-actions-on-developers",
    "developer-stances",
    "models-derived-from",
}

Row = frozenset[tuple[str, str]]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(
        path=str(ONTOLOGY_FILE),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
    )
    store.load(path=str(DATASET_FILE), format=ox.RdfFormat.TRIG)
    return store


def compact(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        matches = [(len(ns), p, ns) for p, ns in PREFIXES.items() if term.value.startswith(ns)]
        if matches:
            _, prefix, namespace = max(matches)
            return f"{prefix}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    return term.value


def expand(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def run(store: ox.Store, cq: CompetencyQuestion, parameters: dict[str, str]) -> Counter[Row]:
    solutions = store.query(
        cq.query,
        use_default_graph_as_union=True,
        substitutions={ox.Variable(k): expand(v) for k, v in parameters.items()},
    )
    names = [v.value for v in solutions.variables]
    rows: Counter[Row] = Counter()
    for solution in solutions:
        rows[frozenset((n, compact(solution[n])) for n in names if solution[n] is not None)] += 1
    return rows


def test_the_required_questions_exist() -> None:
    assert {cq.name for cq in QUESTIONS} >= REQUIRED


@pytest.mark.parametrize("cq", QUESTIONS, ids=[cq.name for cq in QUESTIONS])
def test_header_states_question_and_parameters(cq: CompetencyQuestion) -> None:
    for key in ("title", "question", "parameters", "returns"):
        assert cq.header.get(key), f"{cq.path.name}: header lacks '# {key}:'"
    assert cq.expected_file.is_file(), f"{cq.path.name}: no {cq.expected_file.name}"


@pytest.mark.parametrize("cq", QUESTIONS, ids=[cq.name for cq in QUESTIONS])
def test_answer_matches_expected(store: ox.Store, cq: CompetencyQuestion) -> None:
    expected = json.loads(cq.expected_file.read_text(encoding="utf-8"))
    assert Path(expected["dataset"]).name == DATASET_FILE.name
    assert expected["cases"], f"{cq.expected_file.name} has no cases"
    for case in expected["cases"]:
        want = Counter(frozenset(row.items()) for row in case["results"])
        got = run(store, cq, case["parameters"])
        assert got == want, (
            f"{cq.name} / {case['name']}:\n missing {sorted(map(sorted, (want - got).elements()))}"
            f"\n unexpected {sorted(map(sorted, (got - want).elements()))}"
        )


def test_no_review_query_uses_minus_not_filter_not_exists() -> None:
    """The MINUS form stays fast on Oxigraph; FILTER NOT EXISTS with a path does not."""
    for cq in QUESTIONS:
        if cq.name.startswith("open-weights-without"):
            body = cq.query.split("SELECT", 1)[1].upper()
            assert "MINUS" in body and "NOT EXISTS" not in body, cq.name


def test_questions_need_the_ontology_graph(store: ox.Store) -> None:
    """Without the ontology (gk:openWeights flags, subclass axioms) the answers go empty: the
    tests above therefore really exercise the union of ontology and data graphs."""
    bare = ox.Store()
    bare.load(path=str(DATASET_FILE), format=ox.RdfFormat.TRIG)
    cq = next(q for q in QUESTIONS if q.name == "open-weights-without-pre-deployment-review")
    assert run(bare, cq, {}) == Counter()
    assert run(store, cq, {}) != Counter()
