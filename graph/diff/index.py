"""One pass over a side's N-Quads lines: what a comparison needs, without parsing the rest.

Why: a million-quad side parsed into Python objects or an Oxigraph store costs many seconds;
the comparison needs only (a) every quad of the subjects that changed, (b) which subjects are
statements and which sources they cite (``dcterms:source``), (c) the sources typed
``gk:Source``, (d) which graph holds which source (``gk:graphOf``) and (e) labels and titles.
One scan with ``bytes.find`` over canonical lines (``<s> <p> <o> <g> .``) collects those as
byte strings; only (a), the ``gk:graphOf`` lines and the labels actually shown are parsed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

SOURCE_P = b"<http://purl.org/dc/terms/source>"
TITLE_P = b"<http://purl.org/dc/terms/title>"
LABEL_P = b"<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE_P = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
GRAPH_OF_P = b"<https://w3id.org/govkg/ontology#graphOf>"
SOURCE_CLASS = b"<https://w3id.org/govkg/ontology#Source> "
_CONTEXT = frozenset({SOURCE_P, TITLE_P, LABEL_P, TYPE_P, GRAPH_OF_P})


def term_key(term: ox.NamedNode | ox.BlankNode | ox.Triple | str) -> bytes:
    """The bytes a term has at the start of a canonical line (``<iri>`` or ``_:b0``).

    >>> term_key("https://example.org/x")
    b'<https://example.org/x>'
    """
    if isinstance(term, str):
        return f"<{term}>".encode()
    return str(term).encode()


@dataclass
class SideIndex:
    """What :func:`index_side` found on one side."""

    #: Every quad of the wanted subjects.
    detail: ox.Store
    #: (statement subject, cited source) for every ``dcterms:source`` line.
    source_pairs: list[tuple[bytes, bytes]]
    typed_sources: set[bytes]
    labels: dict[bytes, bytes]
    titles: dict[bytes, bytes]
    #: graph IRI → the source IRI it holds.
    graph_of: dict[str, str]
    statements: set[bytes] = field(default_factory=set)
    sources: set[bytes] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.statements = {s for s, _ in self.source_pairs}
        self.sources = {o for _, o in self.source_pairs if o.startswith(b"<")}
        self.sources |= {s for s in self.typed_sources if s.startswith(b"<")}

    def is_statement(self, term: ox.NamedNode | ox.BlankNode) -> bool:
        """Whether ``term`` carries ``dcterms:source`` on this side."""
        return term_key(term) in self.statements

    def statements_by_source(self, sources: set[bytes]) -> dict[bytes, list[bytes]]:
        """The statement subjects citing each of ``sources``."""
        out: dict[bytes, list[bytes]] = defaultdict(list)
        for subject, source in self.source_pairs:
            if source in sources:
                out[source].append(subject)
        return out

    def label(self, iri: str) -> str | None:
        """``rdfs:label`` (else ``dcterms:title``) of an IRI, parsed from its line."""
        key = term_key(iri)
        line = self.labels.get(key) or self.titles.get(key)
        return _object_text(line) if line else None

    def title(self, key: bytes) -> str | None:
        """``dcterms:title`` of a source by its line key."""
        line = self.titles.get(key)
        return _object_text(line) if line else None

    def add_detail(self, lines: Iterable[bytes], wanted: set[bytes]) -> None:
        """Add every quad of ``wanted`` subjects to :attr:`detail` (a second, rare pass)."""
        picked = [line for line in lines if line[: line.find(b" ")] in wanted]
        if picked:
            self.detail.bulk_extend(ox.parse(b"\n".join(picked), format=ox.RdfFormat.N_QUADS))


def _object_text(line: bytes) -> str | None:
    for quad in ox.parse(line, format=ox.RdfFormat.N_QUADS):
        return quad.object.value
    return None


def index_side(lines: Iterable[bytes], wanted: set[bytes]) -> SideIndex:
    """Scan ``lines`` once: the quads of ``wanted`` subjects and the context (module docstring)."""
    picked: list[bytes] = []
    pairs: list[tuple[bytes, bytes]] = []
    typed: set[bytes] = set()
    labels: dict[bytes, bytes] = {}
    titles: dict[bytes, bytes] = {}
    graph_lines: list[bytes] = []
    context = _CONTEXT
    for line in lines:
        sp = line.find(b" ")
        subject = line[:sp]
        if subject in wanted:
            picked.append(line)
        pe = line.find(b" ", sp + 1)
        predicate = line[sp + 1 : pe]
        if predicate not in context:
            continue
        if predicate == SOURCE_P:
            pairs.append((subject, line[pe + 1 : line.find(b" ", pe + 1)]))
        elif predicate == TYPE_P:
            if line.startswith(SOURCE_CLASS, pe + 1):
                typed.add(subject)
        elif predicate == LABEL_P:
            labels.setdefault(subject, line)
        elif predicate == TITLE_P:
            titles.setdefault(subject, line)
        else:
            graph_lines.append(line)
    detail = ox.Store()
    if picked:
        detail.bulk_extend(ox.parse(b"\n".join(picked), format=ox.RdfFormat.N_QUADS))
    graph_of = {}
    if graph_lines:
        for q in ox.parse(b"\n".join(graph_lines), format=ox.RdfFormat.N_QUADS):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                graph_of[q.subject.value] = q.object.value
    return SideIndex(detail, pairs, typed, labels, titles, graph_of)
