"""The RDF formats govkg reads and writes: one table for the CLI and HTTP content negotiation.

Why one table: ``govkg load x.owl``, ``govkg export --format nq`` and an HTTP request with
``Accept: application/trig`` must agree on what a name, an extension and a media type mean, and
an unsupported one must fail the same way everywhere (:class:`UnsupportedFormatError`).

Safety: pyoxigraph's JSON-LD parser does not load remote ``@context`` documents (a context given
by URL is an error, not a fetch) and its RDF/XML parser does not resolve external entities or
DTDs; ``tests/graph/test_formats.py`` checks both with local files and a listening socket.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.errors import UnsupportedFormatError


@dataclass(frozen=True)
class FormatInfo:
    """One RDF serialisation: its names, extensions and media types (first = preferred).

    The preferred media type and extension are pyoxigraph's own (``RdfFormat.media_type``,
    ``RdfFormat.file_extension``); the others are aliases clients and files use.
    """

    name: str
    rdf_format: ox.RdfFormat
    names: tuple[str, ...]
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]

    @property
    def is_quad_format(self) -> bool:
        """Whether the format can carry named graphs (N-Quads, TriG, JSON-LD)."""
        return bool(self.rdf_format.supports_datasets)


def _row(
    name: str,
    fmt: ox.RdfFormat,
    names: tuple[str, ...],
    extensions: tuple[str, ...] = (),
    media_types: tuple[str, ...] = (),
) -> FormatInfo:
    return FormatInfo(
        name,
        fmt,
        names,
        (f".{fmt.file_extension}", *extensions),
        (fmt.media_type, *media_types),
    )


#: The one table of RDF formats: CLI names, file extensions, HTTP media types.
FORMATS: tuple[FormatInfo, ...] = (
    _row("turtle", ox.RdfFormat.TURTLE, ("turtle", "ttl"), (), ("application/x-turtle",)),
    _row("ntriples", ox.RdfFormat.N_TRIPLES, ("ntriples", "n-triples", "nt"), (), ("text/plain",)),
    _row("nquads", ox.RdfFormat.N_QUADS, ("nquads", "n-quads", "nq"), (), ("text/x-nquads",)),
    _row("trig", ox.RdfFormat.TRIG, ("trig",), (), ("application/x-trig",)),
    _row("jsonld", ox.RdfFormat.JSON_LD, ("jsonld", "json-ld"), (".json",)),
    _row(
        "rdfxml",
        ox.RdfFormat.RDF_XML,
        ("rdfxml", "rdf/xml", "xml", "rdf", "owl"),
        (".owl", ".xml"),
        ("application/xml", "text/xml"),
    ),
    _row("n3", ox.RdfFormat.N3, ("n3",)),
)

_BY_NAME = {n: f for f in FORMATS for n in f.names}
_BY_EXT = {e: f for f in FORMATS for e in f.extensions}
_BY_MEDIA = {m: f for f in FORMATS for m in f.media_types}


def format_names() -> list[str]:
    """Canonical names of every supported RDF format, for help texts and errors."""
    return [f.name for f in FORMATS]


def info_for(fmt: ox.RdfFormat) -> FormatInfo:
    """The table row of a pyoxigraph format."""
    for f in FORMATS:
        if f.rdf_format == fmt:
            return f
    raise UnsupportedFormatError(f"RDF format {fmt} is not supported by govkg")


def format_for_name(name: str) -> ox.RdfFormat:
    """The format called ``name`` (``ttl``, ``turtle``, ``nq``, ``rdfxml``, ...; any case)."""
    found = _BY_NAME.get(name.strip().lower().lstrip("."))
    if found is None:
        raise UnsupportedFormatError(
            f"unknown RDF format {name!r}; expected one of: {', '.join(format_names())}"
        )
    return found.rdf_format


def format_for_path(path: str | Path) -> ox.RdfFormat:
    """The format of a file, from its extension (``.gz`` is not supported: decompress first)."""
    suffix = Path(path).suffix.lower()
    found = _BY_EXT.get(suffix)
    if found is None:
        known = ", ".join(e for f in FORMATS for e in f.extensions)
        raise UnsupportedFormatError(
            f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'!r}; "
            f"use one of {known} or give --format"
        )
    return found.rdf_format


def format_for_media_type(media_type: str) -> ox.RdfFormat:
    """The format of a media type; parameters (``; charset=utf-8``) are ignored."""
    bare = media_type.split(";", 1)[0].strip().lower()
    found = _BY_MEDIA.get(bare)
    if found is None:
        known = ", ".join(f.media_types[0] for f in FORMATS)
        raise UnsupportedFormatError(
            f"unsupported RDF media type {media_type!r}; expected one of: {known}"
        )
    return found.rdf_format


def media_type(fmt: ox.RdfFormat) -> str:
    """The preferred media type of a format (what a response's Content-Type says)."""
    return info_for(fmt).media_types[0]


def extension(fmt: ox.RdfFormat) -> str:
    """The preferred file extension of a format, with its dot."""
    return info_for(fmt).extensions[0]


def is_quad_format(fmt: ox.RdfFormat) -> bool:
    """Whether the format keeps named graphs (N-Quads, TriG and JSON-LD with ``@graph``)."""
    return info_for(fmt).is_quad_format
