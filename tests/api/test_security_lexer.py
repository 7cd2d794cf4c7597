"""SERVICE/LOAD detection on tricky spellings, and the USING rewrite (pure functions)."""

from __future__ import annotations

import pytest
from govkg.api.http.security import check_remote_access, remote_targets
from govkg.graph.errors import ForbiddenOperationError, InputError
from govkg.graph.sparql_text import apply_using_graphs

EVIL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{EVIL}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{EVIL}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{EVIL}> {{ ?s ?p ?o }} }}",
        "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { service silent :sparql { ?s ?p ?o } }",
        "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
        f"SELECT * WHERE {{ \\u0053ERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}",
    ],
)
def test_service_found(query: str) -> None:
    assert EVIL in remote_targets(query)
    with pytest.raises(ForbiddenOperationError):
        check_remote_access(query, [])
    check_remote_access(query, [EVIL])  # allowed when listed


def test_variable_service_refused_even_with_allowlist() -> None:
    with pytest.raises(ForbiddenOperationError):
        check_remote_access("SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", [EVIL])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service ?load WHERE { ?service ?load ?o }",
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/>" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/>",
        "PREFIX service: <http://x/> SELECT * WHERE { ?s service:load ?o }",
        "SELECT * WHERE { <http://example.org/service> ?p ?o }",
    ],
)
def test_no_false_positive(query: str) -> None:
    assert remote_targets(query) == []
    check_remote_access(query, [])


@pytest.mark.parametrize(
    "update",
    [
        f"LOAD <{EVIL}>",
        f"load silent <{EVIL}> into graph <http://g/>",
        "PREFIX e: <http://127.0.0.1:9/> LOAD e:sparql",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
    ],
)
def test_load_found(update: str) -> None:
    with pytest.raises(ForbiddenOperationError):
        check_remote_access(update, [], is_update=True)


def test_using_rewrite() -> None:
    update = "INSERT { GRAPH <http://g/> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    out = apply_using_graphs(update, ["http://d/"], ["http://n/"])
    assert "USING <http://d/> USING NAMED <http://n/> WHERE" in out
    assert apply_using_graphs(update, [], []) == update
    with pytest.raises(InputError):
        apply_using_graphs(
            "WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://d/"], []
        )
