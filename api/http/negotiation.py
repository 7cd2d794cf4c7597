"""HTTP content negotiation: pick the best media type we offer for an ``Accept`` header.

Why our own: SPARQL clients rely on q-values (Comunica sends
``application/sparql-results+json;q=1.0,application/sparql-results+xml;q=0.7``), and a wrong
pick breaks them silently. The rules follow RFC 9110 section 12.5.1: the most specific range
decides a type's quality, ``q=0`` excludes, and among equal qualities the server's own order
(the first offer is the default) wins. This module is pure Python so query workers can use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from govkg.graph.errors import NotAcceptableError
from govkg.graph.store.formats import FORMATS, media_type

#: Result formats for SELECT and ASK, default first.
RESULTS_TYPES: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)

#: RDF formats for CONSTRUCT and DESCRIBE, default first (media types from the one format table).
_RDF_OFFERS = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_QUADS,
)
GRAPH_TYPES: tuple[str, ...] = tuple(media_type(f) for f in _RDF_OFFERS)

#: Aliases clients send for the result types (mapped to the canonical type we answer with).
_RESULT_ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}

#: Every alias: the result ones, then the format table's other media types of the RDF offers
#: (``application/xml`` and ``text/xml`` stay SPARQL XML results, as clients mean them).
ALIASES: dict[str, str] = {
    **_RESULT_ALIASES,
    **{
        alias: info.media_types[0]
        for info in FORMATS
        if info.rdf_format in _RDF_OFFERS
        for alias in info.media_types[1:]
        if alias not in _RESULT_ALIASES
    },
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    #: The canonical type this range's type is an alias of (``application/json`` stands for
    #: SPARQL JSON results), matched as well as the type itself.
    alias: str | None = None

    @property
    def specificity(self) -> int:
        """2 for ``a/b``, 1 for ``a/*``, 0 for ``*/*``: the most specific match decides."""
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        """Whether this range covers the concrete ``media_type``."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return True
        return (self.type == main and self.subtype in ("*", sub)) or self.alias == media_type


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header leniently; malformed entries are skipped, never an error.

    A missing or empty header means ``*/*``.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges: list[MediaRange] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        main, _, sub = media.partition("/")
        if not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0 or q != q:  # NaN check without math
                    q = 0.0
        ranges.append(MediaRange(main, sub, q, ALIASES.get(f"{main}/{sub}")))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The quality the client gives ``media_type``: from the most specific matching range."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best is not None else 0.0


def choose(header: str | None, offers: tuple[str, ...] | list[str]) -> str | None:
    """The offer with the highest quality (server order breaks ties), or None if none is > 0."""
    ranges = parse_accept(header)
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def negotiate(header: str | None, offers: tuple[str, ...] | list[str]) -> str:
    """Like :func:`choose`, but raise :class:`NotAcceptableError` (406) when nothing fits."""
    chosen = choose(header, offers)
    if chosen is None:
        raise NotAcceptableError(
            f"none of the available formats is acceptable (Accept: {header!r}); "
            f"available: {', '.join(offers)}"
        )
    return chosen


def prefers_html(header: str | None) -> bool:
    """True when a browser asks for HTML explicitly (``*/*`` alone does not count)."""
    ranges = parse_accept(header)
    html_q = max((r.q for r in ranges if r.type == "text" and r.subtype == "html"), default=0.0)
    if html_q <= 0:
        return False
    others = [r.q for r in ranges if r.specificity == 2 and r.subtype != "html"]
    return html_q >= max(others, default=0.0)
