"""Query-text handling for remote servers: query form, engine-bound VALUES, prefixes (no server)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from govkg.graph.errors import InputError, QuerySyntaxError
from govkg.graph.sparql_text import (
    bind_values,
    graph_constants,
    query_form,
    with_base,
    with_prefixes,
)
from govkg.graph.store.remote_sparql import server_syntax_error

XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX a: <http://a/> SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("# SELECT in a comment\nASK { ?s ?p 'SELECT' }", "ASK"),
        ("BASE <http://x/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("describe <http://x>", "DESCRIBE"),
    ],
)
def test_query_form(text: str, form: str) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "1:1"),
        # Virtuoso would run these as updates: a SELECT inside is not the query form.
        ("INSERT { ?s ?p 1 } WHERE { { SELECT * { ?s ?p ?o } } }", "1:1"),
        ("PREFIX e: <http://e/>\n  DELETE { ?s ?p ?o } WHERE { { SELECT * {} } }", "2:3"),
        ("DEFINE sql:log-enable 3 SELECT * {}", "1:1"),  # Virtuoso pragma, not SPARQL
        ("SELEC * {}", "1:1"),
    ],
)
def test_not_a_query(text: str, where: str) -> None:
    with pytest.raises(QuerySyntaxError, match=f"at {where}:"):
        query_form(text)


def test_graph_constants_resolved_like_the_engine() -> None:
    text = with_base(
        "PREFIX g: <http://g/>\n"
        "SELECT * { GRAPH g:one { ?s ?p ?o } GRAPH <rel> {} graph <http://abs/x> {} "
        "GRAPH ?v {} GRAPH u:undeclared {} # GRAPH <http://comment/>\n"
        "FILTER (?o != 'GRAPH <http://string/>') }",
        "http://base/dir/",
    )
    assert graph_constants(text) == ["http://g/one", "http://base/dir/rel", "http://abs/x"]


def test_server_syntax_error_in_the_users_lines() -> None:
    virtuoso = (
        "Virtuoso 37000 Error SP030: SPARQL compiler, line 4: syntax error at '}' before '}'\n\n"
        "SPARQL query:\ndefine input:default-graph-uri <http://g> BASE <http://b>\n..."
    )
    text = server_syntax_error(virtuoso, "http://v/sparql", 1)
    assert "SP030" in text and "line 3:" in text and "define input" not in text
    oxigraph = server_syntax_error("error at 3:7: expected one of ...", "http://o/query", 2)
    assert "error at 1:7" in oxigraph


def test_values_bound_like_substitution_on_a_real_engine() -> None:
    """The rewritten query gives what pyoxigraph's own substitution gives, MINUS included."""
    store = ox.Store()
    store.load(
        b'<http://e/a> <http://e/d> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        b'<http://e/b> <http://e/d> "2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        b"<http://e/b> <http://e/x> <http://e/y> .\n",
        format=ox.RdfFormat.N_TRIPLES,
    )
    text = (
        "SELECT ?s ?as_of WHERE { ?s <http://e/d> ?d FILTER (?d <= ?as_of) "
        "MINUS { ?s <http://e/x> ?y "
        'FILTER (?as_of > "2000-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) } }'
    )
    for day in ("2019-01-01", "2021-01-01", "2025-01-01"):
        term = ox.Literal(day, datatype=XSD_DATE)
        native = {
            r["s"].value for r in store.query(text, substitutions={ox.Variable("as_of"): term})
        }
        rewritten = {r["s"].value for r in store.query(bind_values(text, {"as_of": term}))}
        assert rewritten == native


def test_hostile_string_stays_one_literal() -> None:
    """Quotes, braces and newlines in a value cannot escape the literal."""
    evil = 'x" } } ; DROP ALL ; SELECT * { "\n'
    text = bind_values("SELECT ?v WHERE { }", {"v": ox.Literal(evil)})
    rows = list(ox.Store().query(text))
    assert [r["v"].value for r in rows] == [evil]


def test_construct_template_skipped() -> None:
    text = bind_values(
        'CONSTRUCT { ?s <http://p> "}" } WHERE { ?s ?p ?o }', {"s": ox.NamedNode("http://s")}
    )
    assert text.index("VALUES") > text.index("WHERE")


def test_bad_variable_name_refused() -> None:
    with pytest.raises(InputError):
        bind_values("SELECT * WHERE { }", {"a b": ox.Literal("1")})


def test_prefixes_added_only_when_missing() -> None:
    text = with_prefixes(
        "PREFIX gk: <http://mine/> SELECT * {}", {"gk": "http://g/", "x": "http://x/"}
    )
    assert "PREFIX x: <http://x/>" in text
    assert "http://g/" not in text
