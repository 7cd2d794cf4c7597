"""The compiler's output buffer: quads plus where in the YAML each node came from.

Keeping a node → (file, line) map while compiling is what lets SHACL violations, which only
know RDF nodes, be reported at the YAML item that produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

Quad = tuple[Node, Node, Node, URIRef]


def date_lit(d: date) -> Literal:
    """An ``xsd:date`` literal."""
    return Literal(d.isoformat(), datatype=XSD.date)


def text_lit(text: str) -> Literal:
    """A plain string literal (``xsd:string``)."""
    return Literal(text)


def en_lit(text: str) -> Literal:
    """An English language-tagged literal (labels, scenario texts)."""
    return Literal(text, lang="en")


def decimal_lit(n: int) -> Literal:
    """An ``xsd:decimal`` literal (the range of gk:parameterCount)."""
    return Literal(Decimal(n), datatype=XSD.decimal)


@dataclass
class Output:
    """Quads in the order they were produced, and the YAML origin of each subject node."""

    quads: list[Quad] = field(default_factory=list)
    positions: dict[URIRef, tuple[str, int | None]] = field(default_factory=dict)

    def add(self, graph: URIRef, s: Node, p: Node, o: Node) -> None:
        """Append one quad."""
        self.quads.append((s, p, o, graph))

    def place(self, node: URIRef, file: str, line: int | None) -> None:
        """Remember the first YAML position that produced ``node``."""
        self.positions.setdefault(node, (file, line))
