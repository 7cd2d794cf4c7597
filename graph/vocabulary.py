"""What the interfaces need of the ontology, reached through the graph layer.

Why a module for so little: imports go one way (``api``/``viz`` → ``graph`` → ``ontology``) and
the import contracts hold ``api`` and ``viz`` to it, so the ontology's prefixes, IRI minting and
reference document are handed up from here rather than imported past ``graph``.

    >>> entity_iri("meta")
    rdflib.term.URIRef('https://w3id.org/govkg/id/meta')
    >>> PREFIXES["gk"]
    'https://w3id.org/govkg/ontology#'
"""

from __future__ import annotations

from typing import Literal

from govkg.ontology import ONTOLOGY_FILE, PREFIXES, entity_iri, reference
from govkg.ontology.sparql_files import read_sparql

__all__ = [
    "ONTOLOGY_FILE",
    "PREFIXES",
    "entity_iri",
    "ontology_reference",
    "ontology_turtle",
    "read_sparql",
]


def ontology_turtle() -> bytes:
    """The ontology's Turtle source, as shipped."""
    return ONTOLOGY_FILE.read_bytes()


def ontology_reference(fmt: Literal["md", "html"] = "html") -> str:
    """The ontology reference (classes, properties, concepts) as Markdown or HTML."""
    return reference.render_markdown() if fmt == "md" else reference.render_html()
