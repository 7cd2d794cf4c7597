"""The embedded store: Oxigraph on disk behind a small, typed API.

Why a wrapper at all: the rest of govkg must not care whether the store is on disk, in memory or
(later) a remote SPARQL server, and every store error must become a
:class:`~govkg.graph.errors.StoreError` or :class:`~govkg.graph.errors.QuerySyntaxError` with a
message a
user can act on. Loads are single transactions, so a bad file never leaves a half-loaded
store.

    >>> store = Store.in_memory()
    >>> store.update('INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> '
    ...              '<http://example.org/p> "1" } }')
    >>> [str(row["s"].value) for row in store.query("SELECT ?s WHERE { ?s ?p ?o }")]
    ['http://example.org/a']
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Literal

import pyoxigraph as ox
from govkg.graph.errors import (
    InputError,
    NotFoundError,
    ParseError,
    Problem,
    QuerySyntaxError,
    StoreError,
    UnsupportedFormatError,
)
from govkg.graph.iris import named_node
from govkg.graph.store.directory import check_replaceable, recover_store
from govkg.graph.store.formats import format_for_path
from govkg.ontology.sparql_files import read_sparql

DefaultGraphMode = Literal["union", "separate"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
#: Called with the number of quads handled so far (parsing, then writing).
Progress = Callable[[int], None]

_POSITION = re.compile(r"line (\d+) column (\d+)")
#: A read-only open that races a writer's MANIFEST or log rotation succeeds when tried again.
READ_ONLY_OPEN_ATTEMPTS = 5


def _reason(exc: OSError) -> str:
    """Why an open failed, in words a user can act on."""
    text = str(exc)
    if "lock" in text.lower():
        return "it is locked by another govkg process (a running server or build?)"
    if "permission" in text.lower() or "read-only" in text.lower():
        return "govkg has no permission to read or write there"
    return f"it could not be opened ({text})"


class Store:
    """An Oxigraph store (on disk or in memory) holding govkg's named graphs.

    By default queries see the union of all named graphs as their default graph
    (``default_graph="union"``); ``"separate"`` gives standard SPARQL dataset semantics.
    """

    def __init__(self, inner: ox.Store, *, path: Path | None, read_only: bool) -> None:
        self._store = inner
        self.path = path
        self.read_only = read_only

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def in_memory(cls) -> Store:
        """A fresh store that lives only in this process (tests, scenario copies)."""
        return cls(ox.Store(), path=None, read_only=False)

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, create: bool = True) -> Store:
        """Open (or create) the store at ``path``.

        ``read_only=True`` opens a snapshot that other processes may share while one writer
        holds the store. Raises :class:`StoreError` when the directory is missing (and
        ``create`` is false or the store is read-only), locked by another writer, or corrupt.
        """
        path = Path(path)
        try:
            exists = path.exists()
            if not exists:
                # A build killed between its two renames leaves the previous store as
                # <store>.old-<pid>: put it back rather than create an empty store in its place.
                recover_store(path)
                exists = path.exists()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {_reason(exc)}") from exc
        if (read_only or not create) and not exists:
            raise StoreError(
                f"no store at {path}: run `govkg build --store {path}` first "
                "(or set GOVKG_STORE to an existing store)"
            )
        attempts = READ_ONLY_OPEN_ATTEMPTS if read_only else 1
        for attempt in range(1, attempts + 1):
            try:
                if read_only:
                    inner = ox.Store.read_only(str(path))
                else:
                    check_replaceable(path)  # never fill a user's folder with RocksDB files
                    path.parent.mkdir(parents=True, exist_ok=True)
                    inner = ox.Store(str(path))
                break
            except OSError as exc:
                # A read-only open lists the writer's files, then opens them: one deleted in
                # between (a rotated write-ahead log) is a race, not a missing store.
                if attempt < attempts and path.exists() and "No such file" in str(exc):
                    time.sleep(0.05 * attempt)
                    continue
                raise StoreError(f"cannot open the store at {path}: {_reason(exc)}") from exc
            except RuntimeError as exc:
                # RocksDB reports corruption as RuntimeError. A read-only open can also race a
                # writer that is rotating its MANIFEST: that passes on a retry, real damage not.
                if attempt < attempts:
                    time.sleep(0.05 * attempt)
                    continue
                raise StoreError(
                    f"cannot open the store at {path}: it looks corrupt ({exc}); rebuild it "
                    f"with `govkg build --store {path}` or restore a backup"
                ) from exc
        return cls(inner, path=path, read_only=read_only)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for bulk operations inside ``graph/``."""
        return self._store

    # -- queries ---------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph: DefaultGraphMode = "union",
        default_graph_uris: Iterable[str] | None = None,
        named_graph_uris: Iterable[str] | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; results are lazy pyoxigraph objects.

        ``default_graph_uris`` / ``named_graph_uris`` follow the SPARQL Protocol's
        ``default-graph-uri`` / ``named-graph-uri``: when given they define the dataset and
        override ``default_graph``. ``substitutions`` binds variables by the engine
        (SEP-0007), never by string formatting.
        """
        kwargs: dict = {}
        dg = [named_node(u, "default-graph-uri") for u in default_graph_uris or ()]
        ng = [named_node(u, "named-graph-uri") for u in named_graph_uris or ()]
        if dg:
            kwargs["default_graph"] = dg
        elif default_graph == "union":
            kwargs["use_default_graph_as_union"] = True
        if ng:
            kwargs["named_graphs"] = ng
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if prefixes:
            kwargs["prefixes"] = dict(prefixes)
        if base_iri:
            kwargs["base_iri"] = base_iri
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc
        except ValueError as exc:
            raise InputError(f"invalid dataset or parameter: {exc}") from exc

    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Run a SPARQL 1.1 Update in one transaction: all of it applies, or none."""
        self._check_writable()
        kwargs: dict = {}
        if prefixes:
            kwargs["prefixes"] = dict(prefixes)
        if base_iri:
            kwargs["base_iri"] = base_iri
        try:
            self._store.update(sparql, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL Update syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the update could not be applied: {exc}") from exc
        except (ValueError, RuntimeError) as exc:
            raise InputError(f"the update failed and changed nothing: {exc}") from exc

    # -- graphs ----------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs in the store, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def flush(self) -> None:
        """Make sure everything written so far is on disk."""
        if self.path is not None and not self.read_only:
            self._store.flush()

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only")

    # -- loading and writing ---------------------------------------------------------------

    def load(
        self,
        source: Path | str | bytes | BinaryIO,
        format: ox.RdfFormat | None = None,
        graph: str | None = None,
        *,
        base_iri: str | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Load an RDF file (or bytes, or a binary stream) atomically; return the quads added.

        Oxigraph's ``load`` parses and writes in one transaction, so a syntax error leaves the
        store exactly as it was (:class:`ParseError` with file, line and column). Triples go to
        ``graph`` (the default graph when ``None``); in quad formats the default-graph part goes
        to ``graph`` and named graphs are kept. The format is taken from a path's extension
        when not given. The count excludes quads that were already in the store.

        Why not parse into Python first: materialising 600k quads as Python objects and
        ``extend``-ing them took 51 s on disk; the native transactional load is ~10x faster.
        """
        self._check_writable()
        name, kwargs = input_kwargs(source, format)
        if graph is not None:
            kwargs["to_graph"] = named_node(graph)
        if progress:
            progress(0)
        before = len(self._store)
        try:
            self._store.load(base_iri=base_iri, **kwargs)
        except SyntaxError as exc:
            raise parse_error(exc, name, kwargs["format"]) from exc
        except ValueError as exc:
            raise UnsupportedFormatError(f"{name}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not load {name} into the store at {self.path}: {exc}") from exc
        added = len(self._store) - before
        if progress:
            progress(added)
        return added

    def replace_graph(self, graph: str | None, quads: Iterable[ox.Quad | ox.Triple]) -> int:
        """Replace the content of one named graph (``None``: the default graph); return its size.

        Whatever graph the given quads name, they are written to ``graph``. One SPARQL Update
        (``DROP`` + ``INSERT DATA``), which Oxigraph applies atomically.
        """
        self._check_writable()
        target = _graph_clause(graph)
        lines = [f"{q.subject} {q.predicate} {q.object} ." for q in quads]
        body = "\n".join(lines)
        try:
            self._store.update(f"DROP SILENT {target} ;\nINSERT DATA {{ {_wrap(graph, body)} }}")
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"could not write the graph {graph} to the store: {exc}") from exc
        self.flush()
        return len(set(lines))

    def add_to_graph(self, graph: str | None, triples: Iterable[ox.Quad | ox.Triple]) -> int:
        """Merge triples into one named graph (``None``: the default graph) in one transaction."""
        self._check_writable()
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        if body:
            self.update(f"INSERT DATA {{ {_wrap(graph, body)} }}")
        return body.count("\n") + 1 if body else 0

    def read_graph(self, graph: str | None) -> list[ox.Triple] | None:
        """The triples of one named graph (``None``: the default graph), or ``None`` if absent.

        A named graph exists when it was created or holds a triple (the Graph Store
        Protocol's view); the default graph always exists.
        """
        target: ox.NamedNode | ox.DefaultGraph = (
            ox.DefaultGraph() if graph is None else named_node(graph)
        )
        quads = self._store.quads_for_pattern(None, None, None, target)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        named = isinstance(target, ox.NamedNode)
        if named and not triples and not self._store.contains_named_graph(target):
            return None
        return triples

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph and its triples (``None``: empty the default graph); return
        whether there was anything to remove."""
        self._check_writable()
        if graph is None:
            if next(iter(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
                self._store.clear_graph(ox.DefaultGraph())
                return True
            return False
        g = named_node(graph)
        if not self._store.contains_named_graph(g) and self.read_graph(graph) is None:
            return False
        self._store.remove_graph(g)
        return True

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists in the store."""
        return self._store.contains_named_graph(named_node(graph))

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> Store:
        """A fresh in-memory store holding ``quads`` (a scratch copy to rehearse writes on)."""
        inner = ox.Store()
        inner.extend(quads)
        return cls(inner, path=None, read_only=False)

    def close(self) -> None:
        """Nothing to release beyond what garbage collection does (RocksDB closes with it)."""

    # -- reading ---------------------------------------------------------------------------

    def export(
        self,
        out: BinaryIO | str | Path,
        format: ox.RdfFormat,
        graph: str | None = None,
        *,
        prefixes: Mapping[str, str] | None = None,
        union: bool = False,
    ) -> None:
        """Stream the store (or one named graph) to ``out`` in ``format``.

        Quad formats (N-Quads, TriG, JSON-LD) write every graph when ``graph`` is ``None``;
        triple formats (and any format with ``union=True``) then write the union of all graphs
        as triples (duplicates across graphs removed by
        Oxigraph's serialiser only within one graph: use a quad format to keep provenance).
        """
        kwargs: dict = {}
        if prefixes and format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
            kwargs["prefixes"] = dict(prefixes)
        target = str(out) if isinstance(out, str | Path) else out
        if graph is not None:
            g = named_node(graph)
            if not self._store.contains_named_graph(g):
                raise_not_found_graph(graph, self.named_graphs())
            self._store.dump(target, format, from_graph=g, **kwargs)
        elif format.supports_datasets and not union:
            self._store.dump(target, format, **kwargs)
        else:
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self._store.quads_for_pattern(None, None, None, None)
            )
            ox.serialize(_dedupe(triples), target, format, **kwargs)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of every named graph when ``graph`` is ``None``.

        A native index scan; the default graph, which govkg does not use, is left out so that
        both backends give the same answer.
        """
        if graph is not None:
            return self._store.quads_for_pattern(None, None, None, named_node(graph))
        return (
            q
            for q in self._store.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )

    def quad_count(self, graph: str | None = None) -> int:
        """Number of quads in the store, or in one named graph.

        The whole store is counted natively (``len`` of the pyoxigraph store, not of an
        oxrdflib graph, which would run a COUNT DISTINCT); one graph by iterating its quads.
        """
        if graph is None:
            return len(self._store)
        g = named_node(graph)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, g))

    def stats(self) -> dict:
        """Triples per named graph, the total and instances per class (union of graphs).

        Returns ``{"total": int, "graphs": {iri: int}, "default_graph": int,
        "classes": {iri: int}, "subjects": int}``. Counted by the engine
        (``graph/store/queries/internal/stats*.rq``): iterating quads in Python took 18 s at 624k
        quads on disk.
        """
        graphs = {
            row[0].value: int(row[1].value)
            for row in solutions(self.query(_internal_query("stats"), default_graph="separate"))
            if isinstance(row[0], ox.NamedNode | ox.BlankNode)
        }
        classes = {
            row[0].value: int(row[1].value)
            for row in solutions(self.query(_internal_query("stats-classes")))
            if isinstance(row[0], ox.NamedNode)
        }
        subjects = next(solutions(self.query(_internal_query("stats-subjects"))))
        total = len(self._store)
        return {
            "total": total,
            "default_graph": total - sum(graphs.values()),
            "graphs": dict(sorted(graphs.items())),
            "classes": dict(sorted(classes.items(), key=_by_count)),
            "subjects": int(subjects[0].value),
        }


def solutions(result: QueryResult) -> ox.QuerySolutions:
    """The rows of a SELECT's result; a :class:`StoreError` if the query was not a SELECT."""
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError(f"expected the rows of a SELECT query, got {type(result).__name__}")
    return result


def _graph_clause(graph: str | None) -> str:
    return "DEFAULT" if graph is None else f"GRAPH {named_node(graph)}"


def _wrap(graph: str | None, body: str) -> str:
    """``body`` (N-Triples lines) inside the graph block of an ``INSERT DATA``."""
    return f"\n{body}\n" if graph is None else f"GRAPH {named_node(graph)} {{\n{body}\n}}"


def _internal_query(name: str) -> str:
    """The text of ``graph/store/queries/internal/<name>.rq`` (queries govkg itself runs)."""
    return read_sparql("govkg.graph.store", "queries", "internal", f"{name}.rq")


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _dedupe(triples: Iterable[ox.Triple]) -> Iterable[ox.Triple]:
    """Drop triples repeated across named graphs when writing their union as plain triples."""
    seen: set[ox.Triple] = set()
    for t in triples:
        if t not in seen:
            seen.add(t)
            yield t


def raise_not_found_graph(graph: str, known: list[str]) -> None:
    """Raise :class:`NotFoundError` for a missing graph, naming the closest existing ones."""
    close = difflib.get_close_matches(graph, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFoundError(f"no named graph {graph} in the store{hint}")


def input_kwargs(
    source: Path | str | bytes | BinaryIO, format: ox.RdfFormat | None
) -> tuple[str, dict]:
    """The display name and pyoxigraph ``input``/``path``/``format`` arguments of a source."""
    name = str(source) if isinstance(source, str | Path) else "<input>"
    if format is None:
        if not isinstance(source, str | Path):
            raise UnsupportedFormatError("the RDF format must be given for data without a path")
        format = format_for_path(source)
    kwargs: dict = {"format": format}
    if isinstance(source, str | Path):
        try:
            is_file = Path(source).is_file()
        except OSError as exc:
            raise StoreError(f"cannot read {source}: {exc.strerror or exc}") from exc
        if not is_file:
            raise NotFoundError(f"{source}: no such file")
        kwargs["path"] = str(source)
    else:
        kwargs["input"] = source
    return name, kwargs


def parse_error(exc: SyntaxError, name: str, format: ox.RdfFormat) -> ParseError:
    """A :class:`ParseError` locating pyoxigraph's syntax error in file, line and column."""
    text = getattr(exc, "msg", None) or str(exc)
    match = _POSITION.search(text)
    line = exc.lineno if exc.lineno else (int(match.group(1)) if match else None)
    column = exc.offset if exc.offset else (int(match.group(2)) if match else None)
    problem = Problem(text, file=name, line=line, column=column)
    return ParseError(f"{name} is not valid {format.name}; nothing was loaded", problems=[problem])


def parse_quads(
    source: Path | str | bytes | BinaryIO,
    format: ox.RdfFormat | None,
    graph: str | None = None,
    *,
    base_iri: str | None = None,
) -> list[ox.Quad]:
    """Parse a whole RDF input into a list of quads, or raise :class:`ParseError`.

    For callers that need the quads in Python (e.g. to pass to :meth:`Store.replace_graph`).
    Triples (and the default graph of quad formats) are put in ``graph`` when given.
    """
    name, kwargs = input_kwargs(source, format)
    target = named_node(graph) if graph is not None else None
    quads: list[ox.Quad] = []
    try:
        for q in ox.parse(base_iri=base_iri, **kwargs):
            if target is not None and isinstance(q.graph_name, ox.DefaultGraph):
                q = ox.Quad(q.subject, q.predicate, q.object, target)
            quads.append(q)
    except SyntaxError as exc:
        raise parse_error(exc, name, kwargs["format"]) from exc
    except ValueError as exc:
        raise UnsupportedFormatError(f"{name}: {exc}") from exc
    except OSError as exc:
        raise ParseError(f"{name}: could not be read ({exc})") from exc
    return quads
