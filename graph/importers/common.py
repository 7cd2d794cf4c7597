"""What both importers share: the ontology's value mappings, provenance, and the atomic write.

Why the write is one SPARQL Update: an import replaces its named graph, and a reader must see
either the old graph or the new one, never an empty or half-filled one. Oxigraph runs one
``update`` call, however many operations it holds, as one transaction (``DROP SILENT GRAPH`` and
``INSERT DATA`` together), and the importers build every triple in memory before calling it, so a
problem found at record 1,000 leaves the store exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.errors import StoreError
from govkg.graph.store.backend import Backend, memory_backend, solutions
from govkg.ontology import GK, GKC, ONTOLOGY_FILE, PREFIXES, PROV, graph_iri, source_iri
from govkg.ontology.sparql_files import read_sparql

#: ``progress(done, total)`` is called as records are processed (the CLI draws a bar with it).
Progress = Callable[[int, int], None]
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def _ns(prefix: str) -> Callable[[str], ox.NamedNode]:
    base = PREFIXES[prefix]
    return lambda local: ox.NamedNode(base + local)


RDF = _ns("rdf")
RDFS = _ns("rdfs")
XSD = _ns("xsd")
DCTERMS = _ns("dcterms")
FOAF = _ns("foaf")


def gk(local: str) -> ox.NamedNode:
    """A term of the govkg ontology as a pyoxigraph node."""
    return ox.NamedNode(str(GK[local]))


def gkc(local: str) -> ox.NamedNode:
    """A govkg concept as a pyoxigraph node."""
    return ox.NamedNode(str(GKC[local]))


def prov(local: str) -> ox.NamedNode:
    """A PROV-O term as a pyoxigraph node."""
    return ox.NamedNode(str(PROV[local]))


def node(iri: str) -> ox.NamedNode:
    """A named node for an IRI the importer built itself (always valid)."""
    return ox.NamedNode(iri)


def en(text: str) -> ox.Literal:
    """An English label, as the curated data writes labels."""
    return ox.Literal(text, language="en")


def text(value: str) -> ox.Literal:
    """A plain ``xsd:string`` literal."""
    return ox.Literal(value)


def date_literal(value: date) -> ox.Literal:
    """An ``xsd:date`` literal."""
    return ox.Literal(value.isoformat(), datatype=XSD("date"))


def web_iri(value: str) -> ox.NamedNode | None:
    """The first http(s) address in ``value`` as an IRI, or None when there is none usable.

    Upstream link fields sometimes hold two links separated by a comma, semicolon or newline;
    the first is the primary one.
    """
    for token in re.split(r"[\s,;]+", value.strip()):
        if re.match(r"https?://[^\s<>\"{}|\\^`]+$", token):
            try:
                return ox.NamedNode(token)
            except ValueError:
                return None
    return None


def load_query(name: str) -> str:
    """The text of one of the importers' ``.rq`` files."""
    return read_sparql("govkg.graph.importers", "queries", name)


# -- the ontology --------------------------------------------------------------------------


@cache
def _ontology_store() -> Backend:
    store = memory_backend()
    store.load(ONTOLOGY_FILE, ox.RdfFormat.TURTLE)
    return store


@cache
def value_mapping(annotation: str, scheme: str = "weights-access") -> dict[str, ox.NamedNode]:
    """``{data-set value: concept}`` from the annotations in govkg.ttl (e.g. ``epochValue``).

    Read from the ontology, so adding a value there is all it takes to import it.
    """
    rows = solutions(
        _ontology_store().query(
            load_query("ontology-value-mapping.rq"),
            substitutions={"annotation": gk(annotation), "scheme": gkc(scheme)},
        )
    )
    return {row["value"].value: row["concept"] for row in rows}


@cache
def subclasses(root: str) -> frozenset[str]:
    """IRIs of the ontology class ``gk:<root>`` and all its subclasses."""
    query = load_query("subclasses.rq")
    rows = solutions(_ontology_store().query(query, substitutions={"root": gk(root)}))
    return frozenset(row["class"].value for row in rows)


# -- provenance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetInfo:
    """Provenance of one imported data set, as written on its gk:Source node."""

    source_id: str
    graph_id: str
    title: str
    publisher: str
    url: str
    identifier: str
    published: date
    commit: str | None = None
    repository: str | None = None

    @property
    def graph(self) -> ox.NamedNode:
        """The import's named graph."""
        return node(str(graph_iri(self.graph_id)))

    @property
    def source(self) -> ox.NamedNode:
        """The data set's gk:Source node."""
        return node(str(source_iri(self.source_id)))


@dataclass(frozen=True)
class ReadmeFacts:
    """What a data folder's README says about where the snapshot came from."""

    repository: str | None = None
    commit: str | None = None
    committed: date | None = None


def read_readme(readme: Path) -> ReadmeFacts:
    """Parse ``Source repo: URL`` and ``Commit: SHA (YYYY-MM-DD ...)`` lines, if present.

    The READMEs in ``shared/data`` are written by people, so everything here is optional: a
    missing README or line gives None, never an error.
    """
    try:
        content = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ReadmeFacts()
    repo = re.search(r"^Source repo:\s*(https?://\S+)", content, re.MULTILINE)
    commit = re.search(
        r"^Commit:\s*([0-9a-f]{7,40})\b(?:\s*\((\d{4}-\d{2}-\d{2}))?", content, re.MULTILINE
    )
    committed = None
    if commit and commit.group(2):
        try:
            committed = date.fromisoformat(commit.group(2))
        except ValueError:
            committed = None
    return ReadmeFacts(
        repository=repo.group(1).rstrip("/") if repo else None,
        commit=commit.group(1) if commit else None,
        committed=committed,
    )


def file_date(path: Path) -> date:
    """The modification date of a file: the publication date when upstream gives none."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


def provenance_triples(info: DatasetInfo, imported_at: datetime) -> list[Triple]:
    """``<graph> a gk:SourceGraph ; gk:graphOf <source>`` and the gk:Source description."""
    g, src = info.graph, info.source
    stamp = ox.Literal(imported_at.isoformat(), datatype=XSD("dateTime"))
    triples: list[Triple] = [
        (g, RDF("type"), gk("SourceGraph")),
        (g, gk("graphOf"), src),
        (g, prov("generatedAtTime"), stamp),
        (src, RDF("type"), gk("Source")),
        (src, gk("sourceKind"), gkc("dataset")),
        (src, DCTERMS("title"), en(info.title)),
        (src, gk("publisherName"), text(info.publisher)),
        (src, gk("url"), node(info.url)),
        (src, gk("publishedOn"), date_literal(info.published)),
        (src, DCTERMS("identifier"), text(info.identifier)),
        (src, prov("generatedAtTime"), stamp),
    ]
    if info.commit:
        if info.repository and info.repository.startswith("https://github.com/"):
            version: ox.NamedNode | ox.Literal = node(f"{info.repository}/commit/{info.commit}")
        else:
            version = text(info.commit)
        triples.append((src, DCTERMS("hasVersion"), version))
    return triples


# -- writing -------------------------------------------------------------------------------


def replace_graph(store: Backend, graph: ox.NamedNode, triples: Iterable[Triple]) -> int:
    """Replace the named graph ``graph`` by ``triples`` in one transaction; return their count.

    The triples are materialised (and de-duplicated) before the store is touched, so an error
    while producing them leaves the old graph in place; the drop and the insert are one SPARQL
    Update, which Oxigraph applies all or nothing.
    """
    if store.read_only:
        raise StoreError("the store is open read-only: cannot import into it")
    unique = list(dict.fromkeys(triples))
    return store.replace_graph(graph.value, (ox.Triple(s, p, o) for s, p, o in unique))
