"""Named questions on the bundled curated data, built into a real on-disk store.

These check that the questions give sensible, dated answers over the real graph: the answer to
"open-weights models without review" depends on the date it is asked for, every question runs with
its defaults, and every row can name its source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from govkg.graph.questions import list_questions, run_question
from govkg.graph.store.embedded import Store

ID = "https://w3id.org/govkg/id/"
GRAPH = "https://w3id.org/govkg/graph/"


@pytest.fixture(scope="module")
def store(bundled_store: Path) -> Store:
    """The session's bundled store (tests/conftest.py), open read-only."""
    return Store.open(bundled_store, read_only=True)


def _models(store: Store, as_of: str) -> dict[str, dict]:
    result = run_question(store, "open-weights-without-review", {"as_of": as_of})
    return {row["model"]: row for row in result.to_json_obj()["rows"]}


def test_open_weights_without_review_depends_on_the_date(store: Store) -> None:
    then = _models(store, "2024-06-01")
    now = _models(store, date.today().isoformat())
    assert then.keys() != now.keys()
    # Llama 3 (April 2024) was out and unreviewed on both dates.
    assert ID + "llama-3-8b" in then and ID + "llama-3-8b" in now
    # Llama 3.1 405B was released on 2024-07-23: not yet a model on 2024-06-01, unreviewed now.
    assert ID + "llama-3.1-405b" not in then
    assert ID + "llama-3.1-405b" in now
    # Nothing released after the as-of date is listed for it.
    for row in then.values():
        assert row["released"] is None or str(row["released"]) <= "2024-06-01"
    # Closed models never appear, whatever the date.
    assert ID + "gpt-4o" not in now


def test_every_row_names_its_sources(store: Store) -> None:
    rows = _models(store, date.today().isoformat()).values()
    assert rows
    for row in rows:
        assert str(row["sources"]).startswith(GRAPH), row


def test_meta_has_no_reviewed_model_and_is_in_the_regulatory_gap(store: Store) -> None:
    coverage = {
        row["developer"]: row
        for row in run_question(store, "review-coverage", {}).to_json_obj()["rows"]
    }
    assert int(coverage[ID + "meta"]["reviewedModels"]) == 0
    assert int(coverage[ID + "anthropic"]["reviewedModels"]) >= 1
    gap = run_question(store, "regulatory-gap", {}).to_json_obj()["rows"]
    assert ID + "meta" in {row["developer"] for row in gap}


def test_the_holdout_tension_is_listed_with_both_sources(store: Store) -> None:
    rows = run_question(store, "conflicting-claims", {}).to_json_obj()["rows"]
    graphs = {frozenset((row["graphA"], row["graphB"])) for row in rows if row["kind"] == "tension"}
    assert (
        frozenset(
            (GRAPH + "article-meta-federal-ai-review", GRAPH + "wh-voluntary-commitments-2023-07")
        )
        in graphs
    )


@pytest.mark.parametrize("question", [q.name for q in list_questions()])
def test_every_question_answers_on_the_bundled_data(store: Store, question: str) -> None:
    params = {"entity": "meta"} if question == "sources-for" else {}
    result = run_question(store, question, params)
    assert result.to_json_obj()["rows"], f"{question} returned no rows on the bundled data"
