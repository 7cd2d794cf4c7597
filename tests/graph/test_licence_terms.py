"""Licences over time (issue 14: "licences may change"): dated licence terms and ``licences-as-of``.

A licence change is two ``kind: licence`` statements with their periods; the question answers
which licence held on a day, with the time model's certainty, and falls back to the release
statements' licence for models without terms. The bundled data's one change is Falcon-40B's,
from the TII Falcon LLM License to Apache 2.0 on 2023-05-31 (its weights repository's history).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from govkg.graph.curated import DATA_DIR, validate
from govkg.graph.questions import run_question
from govkg.graph.store.embedded import Store

ID = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="module")
def store(bundled_store: Path) -> Store:
    return Store.open(bundled_store, read_only=True)


def licences(store: Store, **params: str) -> dict[str, dict]:
    rows = run_question(store, "licences-as-of", params).to_json_obj()["rows"]
    return {r["licence"]: r for r in rows}


def test_falcon_40b_licence_changes_on_2023_05_31(store: Store) -> None:
    # weights in May 2023 (month precision): the first licence is certain only from May's end
    assert licences(store, model="falcon-40b", as_of="2023-05-15") == {}
    early = licences(store, model="falcon-40b", as_of="2023-05-15", certainty="possible")
    assert set(early) == {"TII Falcon LLM License"}
    assert early["TII Falcon LLM License"]["asOfCertainty"] == "possible"
    # the day of the change: both, as the sources date it to the day, not the hour
    both = licences(store, model="falcon-40b", as_of="2023-05-31")
    assert set(both) == {"TII Falcon LLM License", "Apache 2.0"}
    assert {r["basis"] for r in both.values()} == {"licence term"}
    after = licences(store, model="falcon-40b", as_of="2023-06-01")
    assert set(after) == {"Apache 2.0"}
    assert after["Apache 2.0"]["validFrom"] == "2023-05-31"
    assert after["Apache 2.0"]["validUntil"] is None


def test_known_as_of_before_the_source_hides_the_terms(store: Store) -> None:
    # the history (published 2023-05, a month) is known for certain from 2023-05-31; the
    # Hugging Face blog naming the licence came on 2023-06-05: before both, nothing is known
    assert licences(store, model="falcon-40b", as_of="2023-06-01", known_as_of="2023-05-30") == {}
    known = licences(store, model="falcon-40b", as_of="2023-06-01", known_as_of="2023-05-31")
    assert set(known) == {"Apache 2.0"}
    assert known["Apache 2.0"]["basis"] == "licence term"


def test_models_without_terms_fall_back_to_their_release_licence(store: Store) -> None:
    rows = run_question(store, "licences-as-of", {"as_of": "2025-01-01"}).to_json_obj()["rows"]
    by_model = {r["model"].removeprefix(ID): r for r in rows}
    assert by_model["llama-3.1-405b"]["basis"] == "release statement"
    assert by_model["llama-3.1-405b"]["licence"] == "Llama 3.1 Community License"
    # a model whose weights came later than the day asked has no licence yet
    assert "grok-2" not in by_model
    assert len(rows) == len({(r["model"], r["licence"]) for r in rows}), "duplicate rows"


def test_a_licence_term_needs_a_period(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR / "entities", root / "entities")
    (root / "sources").mkdir()
    (root / "sources" / "t.yaml").write_text(
        "source:\n  id: t\n  title: T\n  url: https://example.org/t\n  published: 2024-01-02\n"
        "  kind: official-page\n\nstatements:\n"
        "  - kind: licence\n    model: falcon-40b\n    licence: Apache 2.0\n",
        encoding="utf-8",
    )
    problems = validate(root)
    assert len(problems) == 1
    assert problems[0].file.endswith("t.yaml") and problems[0].line == 9
    assert "needs 'valid_from' or 'valid_until'" in problems[0].message
