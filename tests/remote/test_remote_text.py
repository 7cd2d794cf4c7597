"""Query-text handling for remote servers: query form, engine-bound VALUES, prefixes (no server)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.errors import InputError
from graph.remote_sparql import bind_values, query_form, with_prefixes

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


def test_not_a_query() -> None:
    with pytest.raises(InputError):
        query_form("INSERT DATA { <http://a> <http://b> <http://c> }")


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
