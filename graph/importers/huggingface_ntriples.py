"""Writing the snapshot as N-Triples for Oxigraph's bulk loader, one model at a time.

Why text and not pyoxigraph terms: at two million models (~22M triples) building a Python object
per term costs more than the load itself. Every value written here was checked by
:mod:`govkg.graph.importers.huggingface_rows` to hold only safe characters (repo ids, licence ids,
tags, dates, integers), so it can be formatted straight into a line; anything else (messages,
titles) goes through :func:`literal`, which lets pyoxigraph escape it.

The mapping (see ``docs/importers.md``): a model is a gk:AIModel labelled with its repo id
(a curated model gets the repo id as gk:alias instead), gk:developedBy its author, created on
(dcterms:created, day precision), gk:licenceName, gk:weightsAccess (by licence, see
:mod:`~govkg.graph.importers.huggingface_licences`), gk:pipelineTag, gk:softwareLibrary,
gk:downloadCount, and per base gk:baseModel plus the relation's sub-property
(gk:fineTuneOf, gk:adapterOf, gk:quantizationOf, gk:mergeOf).
"""

from __future__ import annotations

from typing import TextIO

import pyoxigraph as ox
from govkg.graph.importers.huggingface_licences import weights_access
from govkg.graph.importers.huggingface_rows import HubModel
from govkg.ontology import GK, GKC, ID

_GK = str(GK)
_XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
CREATED = "<http://purl.org/dc/terms/created>"
ALIAS = f"<{_GK}alias>"
DEVELOPED_BY = f"<{_GK}developedBy>"
LICENCE = f"<{_GK}licenceName>"
ACCESS = f"<{_GK}weightsAccess>"
PIPELINE = f"<{_GK}pipelineTag>"
LIBRARY = f"<{_GK}softwareLibrary>"
DOWNLOADS = f"<{_GK}downloadCount>"
BASE_MODEL = f"<{_GK}baseModel>"
AI_MODEL = f"<{_GK}AIModel>"
ORGANISATION = f"<{_GK}Organisation>"
#: Hub relation → the gk:baseModel sub-property that names it.
RELATION_PROPERTIES = {
    "finetune": f"<{_GK}fineTuneOf>",
    "adapter": f"<{_GK}adapterOf>",
    "quantized": f"<{_GK}quantizationOf>",
    "merge": f"<{_GK}mergeOf>",
}
MODEL_BASE = f"{ID}hf/model/"
AUTHOR_BASE = f"{ID}hf/author/"


def model_iri(repo: str) -> str:
    """The IRI minted for a Hub repo id (stable across snapshots)."""
    return MODEL_BASE + repo


def author_iri(author: str) -> str:
    """The IRI minted for a Hub user or organisation."""
    return AUTHOR_BASE + author


def literal(value: str) -> str:
    """A plain literal for any text, escaped by pyoxigraph."""
    return str(ox.Literal(value))


class TripleWriter:
    """Writes models and their authors to an N-Triples stream; counts the lines."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self._authors: set[str] = set()

    def line(self, subject: str, predicate: str, obj: str) -> None:
        """One triple, subject and object already in N-Triples form."""
        self.out.write(f"{subject} {predicate} {obj} .\n")
        self.count += 1

    def author(self, name: str, curated: str | None) -> str:
        """The author's IRI in N-Triples form, described once (label, or alias on curated)."""
        iri = f"<{curated}>" if curated else f"<{author_iri(name)}>"
        if name not in self._authors:
            self._authors.add(name)
            if curated:
                self.line(iri, ALIAS, f'"{name}"')
            else:
                self.line(iri, TYPE, ORGANISATION)
                self.line(iri, LABEL, f'"{name}"@en')
        return iri

    def model(
        self,
        model: HubModel,
        iri: str,
        curated: bool,
        author: str | None,
        bases: list[tuple[str, str | None]],
    ) -> None:
        """The triples of one model; ``bases`` are (base IRI, relation) already resolved."""
        m = f"<{iri}>"
        w = self.line
        if curated:
            w(m, ALIAS, f'"{model.id}"')
        else:
            w(m, TYPE, AI_MODEL)
            w(m, LABEL, f'"{model.id}"@en')
        if author is not None:
            w(m, DEVELOPED_BY, author)
        if model.created is not None:
            w(m, CREATED, f'"{model.created.isoformat()}"^^<{_XSD}date>')
        if model.licence is not None:
            w(m, LICENCE, f'"{model.licence}"')
        w(m, ACCESS, f"<{GKC}{weights_access(model.licence)}>")
        if model.pipeline is not None:
            w(m, PIPELINE, f'"{model.pipeline}"')
        if model.library is not None:
            w(m, LIBRARY, f'"{model.library}"')
        if model.downloads is not None:
            w(m, DOWNLOADS, f'"{model.downloads}"^^<{_XSD}integer>')
        for base, relation in bases:
            b = f"<{base}>"
            w(m, BASE_MODEL, b)
            if relation is not None:
                w(m, RELATION_PROPERTIES[relation], b)
