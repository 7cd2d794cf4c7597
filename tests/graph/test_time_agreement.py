"""The named questions and the coverage analysis agree on the same data (issue 14).

``review-coverage`` (per developer: models, reviewed before deployment, evaluated after
deployment only), ``open-weights-without-review`` (per model: its review status) and
:func:`govkg.graph.analysis.coverage.coverage` on a projection of the same store must give the
same answer at every date, under the same time model.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from govkg.graph.analysis.coverage import coverage
from govkg.graph.projection import project
from govkg.graph.questions import run_question
from govkg.graph.store.embedded import Store

DATES = ("2023-03-01", "2024-06-01", "2024-11-01", "2025-01-01", "2025-09-01", "2026-12-04")


@pytest.fixture(scope="module")
def store(bundled_store: Path) -> Store:
    """The session's bundled store (tests/conftest.py: ``govkg build`` of the curated data)."""
    return Store.open(bundled_store, read_only=True)


@pytest.fixture(scope="module")
def graph(store: Store):
    return project(store, include_concepts=True)


@pytest.mark.parametrize("day", DATES)
def test_review_coverage_agrees_with_the_coverage_analysis(store, graph, day: str) -> None:
    report = coverage(graph, day)
    want: dict[str, Counter] = {}
    for entry in report.models:
        for developer in entry.developers:
            c = want.setdefault(developer, Counter())
            c["models"] += 1
            c[entry.review_status] += 1
    rows = run_question(store, "review-coverage", {"as_of": day}).to_json_obj()["rows"]
    got = {
        r["developerLabel"]: (r["models"], r["reviewedModels"], r["evaluatedAfterOnly"])
        for r in rows
    }
    assert got == {
        dev: (
            c["models"],
            c["reviewed before deployment"],
            c["evaluated after deployment only"],
        )
        for dev, c in want.items()
    }


@pytest.mark.parametrize("day", DATES)
def test_open_weights_without_review_agrees_with_the_coverage_analysis(
    store, graph, day: str
) -> None:
    report = coverage(graph, day)
    status = {m.model: m.review_status for m in report.models}
    verdicts = report.verdicts()
    rows = run_question(store, "open-weights-without-review", {"as_of": day})
    for row in rows.to_json_obj()["rows"]:
        assert status.get(row["model"]) == row["review"], (day, row["model"])
        # through lineage: "modified after review" is the analysis's "inherited"
        inherited = verdicts.get(row["model"]) == "inherited"
        assert (row["status"] == "modified after review") == inherited, (day, row["model"])
