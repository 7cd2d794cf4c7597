"""Content negotiation rules (pure functions): q-values, specificity, 406."""

from __future__ import annotations

import pytest
from govkg.api.http.negotiation import GRAPH_TYPES, RESULTS_TYPES, choose, negotiate, prefers_html
from govkg.graph.errors import NotAcceptableError


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        (
            "application/sparql-results+json;q=0.5,application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
        ),
        ("text/*;q=0.9, application/*;q=0.1", "text/csv"),
        ("text/csv;q=0.2, text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("garbage, ;;;, text/csv", "text/csv"),
    ],
)
def test_results_choice(accept: str | None, expected: str) -> None:
    assert choose(accept, RESULTS_TYPES) == expected


def test_graph_default_and_explicit() -> None:
    assert choose("*/*", GRAPH_TYPES) == "text/turtle"
    assert choose("application/ld+json, text/turtle;q=0.5", GRAPH_TYPES) == "application/ld+json"


def test_nothing_acceptable_is_406() -> None:
    with pytest.raises(NotAcceptableError) as info:
        negotiate("image/png", RESULTS_TYPES)
    assert info.value.http_status == 406
    assert "image/png" in info.value.message


def test_html_preference() -> None:
    assert prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
    assert not prefers_html("*/*")
    assert not prefers_html("application/sparql-results+json, text/html;q=0.1")
