"""A remote SPARQL 1.1 server (Virtuoso, Oxigraph server, ...) behind the embedded Store's API.

Why: an institution shares one big store among many users; govkg must run unchanged on it.
:class:`RemoteStore` offers the public API of :class:`~govkg.graph.store.embedded.Store` (``query``,
``update``,
``named_graphs``, ``quad_count``, ``stats``, ``load``, ``replace_graph``, ``drop_graph``,
``has_graph``, ``export``) over the SPARQL 1.1 Protocol and the Graph Store Protocol, and
returns the same pyoxigraph result objects, so nothing above ``graph/`` can tell them apart.

How the real servers' differences are absorbed (see docs/remote.md):

- Dataset: Virtuoso's default graph is the union of *all* graphs, its system graphs included,
  and Oxigraph server's is a separate graph. So every query is sent with an explicit dataset
  (``default-graph-uri`` and ``named-graph-uri`` = the govkg graphs on the server) which gives
  exactly the embedded store's "union" semantics; "separate" uses an empty default graph.
- Queries go as form POSTs (Virtuoso hangs on POSTed ``application/sparql-query``), and only
  text that starts with a query form: Virtuoso would execute an update sent as ``query=``.
- Graphs a query names by ``GRAPH <iri>`` that the server lacks join ``named-graph-uri``:
  Virtuoso otherwise counts 1 (and answers ASK true) over them.
- SELECT/ASK results are read as SPARQL JSON; Virtuoso's legacy ``typed-literal`` term type and
  its ``1``/``0`` booleans are normalised before pyoxigraph parses them.
- Parameters are bound by a ``VALUES`` block of serialised RDF terms
(govkg.graph.store.remote_sparql).
- Graphs are written by GSP PUT (one request per graph); without GSP by ``INSERT DATA`` batches
  of at most 1,000 triples (Virtuoso fails above ~1,500).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Literal
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from govkg.graph.errors import BackendError, InputError, QueryTimeoutError, StoreError
from govkg.graph.iris import named_node
from govkg.graph.sparql_text import (
    bind_values,
    graph_constants,
    query_form,
    with_base,
    with_prefixes,
)
from govkg.graph.store.embedded import (
    Store,
    _by_count,
    _internal_query,
    parse_quads,
    raise_not_found_graph,
    solutions,
)
from govkg.graph.store.remote_config import RemoteConfig
from govkg.graph.store.remote_sparql import check_response, parse_results
from govkg.ontology.sparql_files import read_sparql

Term = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: The default graph of "separate" queries: a graph nobody writes, i.e. an empty default graph.
EMPTY_GRAPH = "urn:x-govkg:empty-default-graph"
#: Graphs a server keeps for itself (Virtuoso): never part of govkg's dataset.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://localhost:8890/",
    EMPTY_GRAPH,
)
#: Largest INSERT DATA request (triples) when the server has no Graph Store endpoint.
INSERT_BATCH = 1000
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
_GRAPH_CACHE_SECONDS = 2.0

# httpx logs every request at INFO; a remote backend sends several per command or request.
if logging.getLogger("httpx").level == logging.NOTSET:
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _internal(name: str) -> str:
    return read_sparql("govkg.graph.store", "queries", "remote", f"{name}.rq")


class RemoteStore:
    """A remote SPARQL 1.1 server with the public API of the embedded store."""

    def __init__(self, config: RemoteConfig, *, read_only: bool = False) -> None:
        self.config = config
        self.url = config.endpoint
        self.path: Path | None = None
        self.read_only = read_only
        auth: httpx.Auth | None = None
        headers = {"User-Agent": "govkg"}
        if config.bearer:
            headers["Authorization"] = f"Bearer {config.bearer}"
        elif config.user is not None:
            password = config.password or ""
            if config.auth == "digest":
                auth = httpx.DigestAuth(config.user, password)
            else:
                auth = httpx.BasicAuth(config.user, password)
        self._client = httpx.Client(auth=auth, headers=headers, timeout=config.timeout)
        #: (when listed, govkg's graphs, every graph the server holds incl. system graphs)
        self._graphs: tuple[float, list[str], frozenset[str]] | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    # -- HTTP ------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        timeout: float | None = None,
        sparql_lines: int | None = None,
        **kwargs,
    ) -> httpx.Response:
        """One request; every failure becomes a govkg error naming ``url``.

        ``sparql_lines`` is set when the request carries a query or update: it is the number
        of lines govkg prepended (BASE/PREFIX), so the server's line numbers in a syntax error
        are turned back into the user's; a 400 then is a :class:`QuerySyntaxError`.
        """
        limit = self.config.timeout if timeout is None else timeout
        try:
            response = self._client.request(method, url, timeout=limit, **kwargs)
        except httpx.TimeoutException:
            raise QueryTimeoutError(
                f"the SPARQL server at {url} did not answer within {limit:g} s "
                "(the configured timeout); narrow the query or raise the timeout"
            ) from None
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise BackendError(
                f"cannot reach the SPARQL server at {url}: {reason} "
                "(is it running? check --endpoint / GOVKG_ENDPOINT)"
            ) from None
        return check_response(response, url, sparql_lines)

    # -- dataset ---------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """IRIs of the govkg graphs on the server (system graphs left out), sorted."""
        return list(self._listing()[1])

    def _listing(self) -> tuple[float, list[str], frozenset[str]]:
        """The server's graphs, listed at most every ``_GRAPH_CACHE_SECONDS``."""
        now = time.monotonic()
        if self._graphs is not None and now - self._graphs[0] < _GRAPH_CACHE_SECONDS:
            return self._graphs
        result = solutions(self._post_query(_internal("graphs"), [], []))
        every = frozenset(row[0].value for row in result if isinstance(row[0], ox.NamedNode))
        graphs = sorted(g for g in every if not g.startswith(SYSTEM_GRAPH_PREFIXES))
        self._graphs = (now, graphs, every)
        return self._graphs

    def _changed(self) -> None:
        self._graphs = None

    # -- queries ---------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph: Literal["union", "separate"] = "union",
        default_graph_uris: Iterable[str] | None = None,
        named_graph_uris: Iterable[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a query with the embedded store's dataset semantics; pyoxigraph results.

        Graphs a ``GRAPH <iri>`` of the query names that the server does not hold are added
        to ``named-graph-uri``: they are empty, so no answer changes, but without them Virtuoso
        counts 1 and answers ``ASK`` true over such a graph (docs/remote.md).
        """
        form = query_form(sparql)  # before anything is prepended: positions are the user's
        bound = bind_values(sparql, substitutions or {})
        text = with_base(with_prefixes(bound, prefixes), base_iri)
        _, graphs, every = self._listing()
        dg = list(default_graph_uris or ())
        ng = list(named_graph_uris or ()) or graphs
        if not dg:
            dg = graphs if default_graph == "union" else []
        absent = [g for g in graph_constants(text) if g not in every and g not in ng]
        ng = ng + absent
        shift = text.count("\n") - bound.count("\n")
        return self._post_query(
            text, dg or [EMPTY_GRAPH], ng or [EMPTY_GRAPH], timeout=timeout, form=form, shift=shift
        )

    def _post_query(
        self,
        text: str,
        dg: list[str],
        ng: list[str],
        *,
        timeout: float | None = None,
        form: str | None = None,
        shift: int = 0,
    ) -> QueryResult:
        form = form or query_form(text)
        accept = _RDF_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else _RESULTS_ACCEPT
        data = [("query", text)]
        data += [("default-graph-uri", g) for g in dg]
        data += [("named-graph-uri", g) for g in ng]
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode(data).encode("ascii")
        response = self._send(
            "POST", self.url, content=body, headers=headers, timeout=timeout, sparql_lines=shift
        )
        return parse_results(response, self.url, ask=form == "ASK")

    # -- updates ---------------------------------------------------------------------------

    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Run a SPARQL Update on the server (``application/sparql-update`` body)."""
        self._check_writable()
        text = with_base(with_prefixes(sparql, prefixes), base_iri)
        url = self.config.update_url()
        try:
            self._send(
                "POST",
                url,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
                sparql_lines=text.count("\n") - sparql.count("\n"),
            )
        finally:
            self._changed()

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the SPARQL server at {self.url} is open read-only here")

    # -- graphs ----------------------------------------------------------------------------

    def has_graph(self, graph: str) -> bool:
        """Whether the server holds a non-empty named graph ``graph``."""
        return graph in self.named_graphs() or bool(self._count(graph))

    def quad_count(self, graph: str | None = None) -> int:
        """Quads in the govkg dataset on the server, or in one named graph."""
        if graph is not None:
            return self._count(graph)
        return sum(self.graph_counts().values())

    def graph_counts(self, graphs: list[str] | None = None) -> dict[str, int]:
        """Triples per named graph (all of govkg's, or ``graphs``), counted by one query."""
        graphs = self.named_graphs() if graphs is None else graphs
        result = solutions(
            self._post_query(_internal("count"), [EMPTY_GRAPH], graphs or [EMPTY_GRAPH])
        )
        return {row[0].value: int(row[1].value) for row in result if row[0] is not None}

    def _count(self, graph: str) -> int:
        return self.graph_counts([graph]).get(graph, 0)

    def stats(self) -> dict:
        """The same statistics as :meth:`~.embedded.Store.stats`, counted by the server."""
        graphs = self.graph_counts()
        classes = {
            row[0].value: int(row[1].value)
            for row in solutions(self.query(_internal_query("stats-classes")))
            if isinstance(row[0], ox.NamedNode)
        }
        subjects = next(solutions(self.query(_internal_query("stats-subjects"))))
        return {
            "total": sum(graphs.values()),
            "default_graph": 0,
            "graphs": dict(sorted(graphs.items())),
            "classes": dict(sorted(classes.items(), key=_by_count)),
            "subjects": int(subjects[0].value),
        }

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of the govkg dataset (or of one graph), read by one query."""
        graphs = [graph] if graph is not None else self.named_graphs()
        result = self._post_query(_internal("quads"), [EMPTY_GRAPH], graphs or [EMPTY_GRAPH])
        for row in solutions(result):
            yield ox.Quad(row[0], row[1], row[2], row[3])

    def replace_graph(self, graph: str | None, quads: Iterable[ox.Quad | ox.Triple]) -> int:
        """Replace one named graph's content; return its size.

        Up to ``INSERT_BATCH`` triples: one SPARQL Update (``DROP`` + ``INSERT DATA``), atomic
        on the server. More: the server's Graph Store ``PUT`` (one request), else ``DROP`` and
        batches of ``INSERT DATA`` (not atomic: Virtuoso's parser cannot take one large
        request). The default graph (``None``) is the union of the named graphs here, so it is
        not writable.
        """
        g = self._writable_graph(graph)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        gsp = self.config.gsp_url()
        try:
            if len(triples) <= INSERT_BATCH:
                body = _ntriples(triples)
                insert = f" ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}" if body else ""
                self.update(f"DROP SILENT GRAPH {g}{insert}")
            elif gsp:
                self._send(
                    "PUT",
                    gsp,
                    params={"graph": g.value},
                    content=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"",
                    headers={"Content-Type": "application/n-triples"},
                    timeout=max(self.config.timeout, 120.0),
                )
            else:
                self.update(f"DROP SILENT GRAPH {g}")
                self._insert_batches(g, triples)
        finally:
            self._changed()
        return len(set(triples))

    def add_to_graph(self, graph: str | None, triples: Iterable[ox.Quad | ox.Triple]) -> int:
        """Merge triples into one named graph: one INSERT DATA when small, else GSP ``POST``
        (or batches of INSERT DATA without a Graph Store endpoint)."""
        g = self._writable_graph(graph)
        plain = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
        gsp = self.config.gsp_url()
        try:
            if gsp and len(plain) > INSERT_BATCH:
                self._send(
                    "POST",
                    gsp,
                    params={"graph": g.value},
                    content=ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES) or b"",
                    headers={"Content-Type": "application/n-triples"},
                    timeout=max(self.config.timeout, 120.0),
                )
            else:
                self._insert_batches(g, plain)
        finally:
            self._changed()
        return len(plain)

    def _insert_batches(self, g: ox.NamedNode, triples: list[ox.Triple]) -> None:
        for start in range(0, len(triples), INSERT_BATCH):
            body = _ntriples(triples[start : start + INSERT_BATCH])
            self.update(f"INSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}")

    def _writable_graph(self, graph: str | None) -> ox.NamedNode:
        self._check_writable()
        if graph is None:
            raise InputError(
                "this server works on a remote SPARQL server, whose default graph is the union "
                "of the named graphs: write to a named graph (`graph=IRI`) instead of `default`"
            )
        return named_node(graph)

    def read_graph(self, graph: str | None) -> list[ox.Triple] | None:
        """The triples of one named graph, or ``None`` when the server has no such graph.

        The default graph (``None``) is empty by govkg's convention on a remote server: its
        default graph is the union of the named graphs, which a Graph Store read of
        ``?default`` should not return.
        """
        if graph is None:
            return []
        if not self.has_graph(graph):
            return None
        return [ox.Triple(q.subject, q.predicate, q.object) for q in self.quads(graph)]

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph; return whether it existed."""
        g = self._writable_graph(graph)
        if not self.has_graph(g.value):
            return False
        # SILENT: the graph exists (checked above), and Virtuoso refuses a plain DROP of a
        # graph that was created implicitly (by inserting into it) rather than by CREATE.
        self.update(f"DROP SILENT GRAPH {g}")
        return True

    def load(
        self,
        source: Path | str | bytes | BinaryIO,
        format: ox.RdfFormat | None = None,
        graph: str | None = None,
        *,
        base_iri: str | None = None,
        progress=None,
    ) -> int:
        """Add an RDF file's quads to the server (parsed locally first: a bad file sends nothing).

        Triples without a graph go to ``graph``; a default-graph triple with no ``graph`` is
        refused, since govkg keeps everything in named graphs on a remote server.
        """
        self._check_writable()
        quads = parse_quads(source, format, graph, base_iri=base_iri)
        by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise InputError(
                    f"{source if isinstance(source, str | Path) else '<input>'}: triples outside "
                    "a named graph; give a target graph to load them into a remote store"
                )
            by_graph[q.graph_name.value].append(ox.Triple(q.subject, q.predicate, q.object))
        before = self.graph_counts(list(by_graph)) if by_graph else {}
        done = 0
        for g, triples in by_graph.items():
            existing = list(self.quads(g)) if before.get(g) else []
            merged = [ox.Triple(q.subject, q.predicate, q.object) for q in existing] + triples
            self.replace_graph(g, merged)
            done += len(triples)
            if progress:
                progress(done)
        after = self.graph_counts(list(by_graph)) if by_graph else {}
        return sum(after.values()) - sum(before.values())

    def flush(self) -> None:
        """Nothing to flush: the server persists each request."""

    # -- reading ---------------------------------------------------------------------------

    def snapshot(self, graph: str | None = None) -> Store:
        """An in-memory embedded store holding a copy of the dataset (or one graph)."""
        return Store.from_quads(self.quads(graph))

    def export(
        self,
        out: BinaryIO | str | Path,
        format: ox.RdfFormat,
        graph: str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
        union: bool = False,
    ) -> None:
        """Write the dataset (or one graph) like :meth:`~.embedded.Store.export` does."""
        if graph is not None and not self.has_graph(graph):
            raise_not_found_graph(graph, self.named_graphs())
        self.snapshot(graph).export(out, format, graph, prefixes=prefixes, union=union)
