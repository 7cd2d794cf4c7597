"""Every named question gives the same answer on embedded, Virtuoso and Oxigraph-server backends.

Answers are compared as multisets of rows (row order is the engine's business) with exactly two
normalisations, both for things SPARQL leaves open rather than real differences:
- the order of the values inside a ``GROUP_CONCAT`` is unspecified, so a concatenated literal is
  compared as the sorted list of its parts;
- ``GROUP_CONCAT`` over no values is ``""`` by the spec (Virtuoso) and unbound in Oxigraph.
Anything else that differs fails the test.
"""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox
import pytest
from govkg.graph.questions import list_questions, run_question

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: One parameterised case per question that has parameters (ids present in the bundled data).
PARAM_CASES: dict[str, dict[str, str]] = {
    "actions-by-agency": {"agency": "european-union"},
    "commitment-signatories": {"instrument": "wh-voluntary-commitments-2023", "status": "signed"},
    "developers-by-stance": {"stance": "cooperative", "as_of": "2024-06-30"},
    "licences-as-of": {"model": "falcon-40b", "as_of": "2023-05-31"},
    "models-by-developer": {"developer": "meta"},
    "office-holders": {"organisation": "us-department-of-commerce", "as_of": "2024-06-30"},
    "open-weights-without-review": {"as_of": "2024-06-30", "include_derivatives": "false"},
    "regulatory-gap": {"as_of": "2024-06-30"},
    "review-coverage": {"as_of": "2024-06-30"},
    "sources-for": {"entity": "openai"},
    "timeline": {"from": "2023-01-01", "to": "2024-12-31", "entity": "meta"},
}
#: Questions with a required parameter: their "default" case uses this value.
REQUIRED = {"sources-for": {"entity": "meta"}}


def _cell(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.value == "" and term.datatype.value == XSD_STRING:
            return None
        parts = tuple(sorted(p for p in re.split(r"[;\s]+", term.value) if p))
        return ("literal", parts, term.datatype.value, term.language)
    return str(term)


def _multiset(result) -> Counter:
    return Counter(tuple(_cell(t) for t in row) for row in result.terms)


def _cases():
    for q in list_questions():
        names = {p.name for p in q.params}
        cases = [("default", REQUIRED.get(q.name, {}))]
        if q.name in PARAM_CASES:
            assert set(PARAM_CASES[q.name]) <= names, q.name
            cases.append(("param", PARAM_CASES[q.name]))
        for label, params in cases:
            for backend in ("virtuoso", "oxigraph"):
                yield pytest.param(q.name, params, backend, id=f"{q.name}-{label}-{backend}")


def test_every_question_has_a_case() -> None:
    """A new question with parameters must get a parameterised case here."""
    with_params = {q.name for q in list_questions() if q.params}
    assert with_params <= set(PARAM_CASES)


@pytest.mark.parametrize(("name", "params", "backend"), list(_cases()))
def test_same_answer(name: str, params: dict[str, str], backend: str, local_store, pushed) -> None:
    expected = run_question(local_store, name, dict(params))
    got = run_question(pushed[backend], name, dict(params))
    assert got.columns == expected.columns
    assert got.params == expected.params
    want, have = _multiset(expected), _multiset(got)
    missing = list((want - have).items())[:3]
    extra = list((have - want).items())[:3]
    assert want == have, f"{backend} differs: missing {missing}, extra {extra}"
