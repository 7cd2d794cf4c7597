"""Result serialisers (pure functions): round trips through rdflib's parsers."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from govkg.api.http import serializers
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result

VARS = ["s", "o"]
ROWS = [
    [ox.NamedNode("http://e/a"), ox.Literal('x, "y"\n', language="en")],
    [
        ox.BlankNode("b1"),
        ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ],
    [ox.NamedNode("http://e/c"), None],
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_select_round_trip(fmt: str) -> None:
    writer = serializers.select_json if fmt == "json" else serializers.select_xml
    result = Result.parse(io.BytesIO(writer(VARS, ROWS)), format=fmt)
    rows = [(b.get(Variable("s")), b.get(Variable("o"))) for b in result.bindings]
    assert rows[0] == (URIRef("http://e/a"), Literal('x, "y"\n', lang="en"))
    assert isinstance(rows[1][0], BNode)
    assert rows[1][1] == Literal("1.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))
    assert rows[2] == (URIRef("http://e/c"), None)


def test_csv_quoting_and_crlf() -> None:
    text = serializers.select_csv(VARS, ROWS).decode()
    assert text.startswith("s,o\r\n")
    assert '"x, ""y""\n"' in text
    assert "_:b1,1.5\r\n" in text


@pytest.mark.parametrize(
    ("lexical", "canonical"),
    [
        ("1000000", "1.0E6"),
        ("1.25", "1.25E0"),
        ("0", "0.0E0"),
        ("-0.001", "-1.0E-3"),
        ("NaN", "NaN"),
    ],
)
def test_canonical_double(lexical: str, canonical: str) -> None:
    assert serializers.canonical_double(lexical) == canonical


@pytest.mark.parametrize("media", list(serializers.SELECT_WRITERS))
def test_ask_every_format(media: str) -> None:
    assert b"true" in serializers.ask(True, media)
    assert b"false" in serializers.ask(False, media)
