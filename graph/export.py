"""Export the store: every RDF format, GraphML and GEXF (Gephi, Cytoscape), CSV nodes/edges.

Why these: RDF formats keep everything (quad formats keep the named graphs, hence the sources);
GraphML/GEXF and CSV carry the network projection (:mod:`govkg.graph.projection`) to tools that do
not read RDF.

- RDF (``turtle``, ``ntriples``, ``nquads``, ``trig``, ``jsonld``, ``rdfxml``): streamed by
  Oxigraph. Quad formats write every named graph; triple formats write the union of the graphs
  (or the one ``graph`` asked for).
- ``graphml`` / ``gexf``: the projection, with attribute values made GraphML-safe: sets and
  lists become space-separated strings (sorted), ``None`` values are left out.
- ``csv``: a zip archive holding ``nodes.csv`` (``id`` plus every node attribute) and
  ``edges.csv`` (``source``, ``target``, ``predicate``, ``label``, ``graph``). One archive
  rather than two files so it can be written to standard output and downloaded over HTTP as
  one response.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from typing import BinaryIO, cast

import networkx as nx
from govkg.graph.errors import UnsupportedFormatError
from govkg.graph.projection import project
from govkg.graph.store.backend import Backend
from govkg.graph.store.formats import format_for_name, format_names
from govkg.ontology import PREFIXES

NETWORK_FORMATS = ("graphml", "gexf", "csv")
NETWORK_MEDIA_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "application/zip",
}


def export_format_names() -> list[str]:
    """Every name ``export`` accepts (RDF formats first)."""
    return [*format_names(), *NETWORK_FORMATS]


class _CountingWriter(io.RawIOBase):
    """Passes bytes through to ``out`` and reports the running total (for progress bars)."""

    def __init__(self, out: BinaryIO, progress: Callable[[int], None] | None) -> None:
        self._out = out
        self._progress = progress
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        n = self._out.write(data)
        n = len(data) if n is None else n
        self.written += n
        if self._progress:
            self._progress(self.written)
        return n


def export(
    store: Backend,
    out: BinaryIO,
    fmt: str,
    *,
    graph: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the store (or one named graph) to the binary stream ``out`` in ``fmt``.

    ``progress`` is called with the number of bytes written so far.
    """
    name = fmt.strip().lower()
    if name in NETWORK_FORMATS:
        graphs = [graph] if graph else None
        projected = project_for_export(store, graphs)
        # A raw byte stream that counts; typed as the binary file the writers take.
        writer = cast(BinaryIO, _CountingWriter(out, progress))
        if name == "graphml":
            nx.write_graphml(projected, writer)
        elif name == "gexf":
            nx.write_gexf(projected, writer)
        else:
            write_csv_zip(projected, writer)
        return
    try:
        rdf_format = format_for_name(name)
    except UnsupportedFormatError:
        raise UnsupportedFormatError(
            f"cannot export as {fmt!r}; expected one of: {', '.join(export_format_names())}"
        ) from None
    store.export(
        cast(BinaryIO, _CountingWriter(out, progress)), rdf_format, graph, prefixes=PREFIXES
    )


def safe_value(value: object) -> str | int | float | bool | None:
    """A GraphML/GEXF-safe attribute value: scalars kept, collections joined, ``None`` kept out."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, set | frozenset | list | tuple):
        return " ".join(sorted(str(v) for v in value))
    return str(value)


def project_for_export(store: Backend, graphs: list[str] | None = None) -> nx.MultiDiGraph:
    """The projection with every attribute made safe for GraphML/GEXF writers."""
    g = project(store, graphs=graphs)
    out = nx.MultiDiGraph()
    for node, data in g.nodes(data=True):
        clean = {k: safe_value(v) for k, v in data.items()}
        out.add_node(node, **{k: v for k, v in clean.items() if v is not None})
    for s, o, key, data in g.edges(keys=True, data=True):
        clean = {k: safe_value(v) for k, v in data.items()}
        out.add_edge(s, o, key=key, **{k: v for k, v in clean.items() if v is not None})
    return out


def write_csv_zip(g: nx.MultiDiGraph, out: BinaryIO) -> None:
    """``nodes.csv`` and ``edges.csv`` of a (safe) projection, zipped into ``out``."""
    node_cols: list[str] = []
    for _, data in g.nodes(data=True):
        for k in data:
            if k not in node_cols:
                node_cols.append(k)
    nodes = io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(["id", *node_cols])
    for node, data in g.nodes(data=True):
        w.writerow([node, *[_cell(data.get(c)) for c in node_cols]])
    edges = io.StringIO()
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(["source", "target", "predicate", "label", "graph"])
    for s, o, data in g.edges(data=True):
        w.writerow([s, o, data.get("predicate", ""), data.get("label", ""), data.get("graph", "")])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("nodes.csv", nodes.getvalue())
        z.writestr("edges.csv", edges.getvalue())
    out.write(buf.getvalue())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
