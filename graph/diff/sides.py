"""The two sides of a diff: a store, a data directory, a dump or a git revision, as N-Quads lines.

Why a set of canonical N-Quads lines per side rather than a store or Python quad objects:
loading a million quads into an Oxigraph store, or creating a million Python ``Quad``
objects, costs seconds each, while splitting N-Quads bytes into a set of lines and taking set
differences runs at C speed. Only the lines that differ, and the few lines a comparison needs
around them (statements, sources, labels), are parsed (:mod:`govkg.graph.diff.compare`).

A side is named by the user as

- a **store directory** (``.govkg/store``), opened read-only: a running server may share it;
- a **curated data directory** (one with ``entities/`` or ``sources/``), compiled;
- a **dump file** in N-Quads, TriG, N-Triples or Turtle, optionally gzipped (``.nq.gz``):
  checked first for being empty, binary or not UTF-8, and refused above
  :data:`MAX_DUMP_BYTES` (``GOVKG_DIFF_MAX_BYTES``, on the file and on its gzip content);
- a **git revision** of the curated data (``git:v0.1``, or ``--rev v0.1`` on the command line):
  ``graph/data`` and ``ontology/govkg.ttl`` as they were at that commit, compiled with today's
  compiler.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from govkg.graph.errors import InputError, NotFoundError, ParseError, UnsupportedFormatError

#: Largest dump a diff reads (bytes on disk, and uncompressed). A side is held in memory as its
#: N-Quads lines (about twice their size), so the default, 2 GiB of N-Quads or some 12M quads,
#: already needs several GB of RAM.
MAX_DUMP_BYTES = int(os.environ.get("GOVKG_DIFF_MAX_BYTES", str(2 * 1024**3)))
#: How much of a dump is read to recognise an empty, binary or non-UTF-8 file before parsing.
SNIFF_BYTES = 64 * 1024
GIT_PREFIX = "git:"

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@dataclass
class Side:
    """One side of a diff: what the user named, what kind it is, and its quads as N-Quads lines.

    ``lines`` holds one line per quad, without the newline, in Oxigraph's canonical N-Quads
    (``<s> <p> <o> <g> .``, single spaces), so equal quads are equal byte strings and two sides
    are compared with C-speed set operations. Dumps already in that shape are read as they
    are; lines written differently (other escapes, say) are parsed when they differ from the
    other side, so they never show as false changes.
    """

    label: str
    kind: str  # "store" | "dump" | "git" | "curated"
    lines: set[bytes]

    @property
    def quad_count(self) -> int:
        """Quads on this side (all graphs)."""
        return len(self.lines)

    @classmethod
    def from_nquads(cls, label: str, kind: str, data: bytes) -> Side:
        """A side from N-Quads bytes (one quad a line; empty lines are dropped)."""
        lines = set(data.split(b"\n"))
        lines.discard(b"")
        return cls(label, kind, lines)

    @classmethod
    def from_quads(cls, label: str, kind: str, quads: Iterable[ox.Quad]) -> Side:
        """A side from pyoxigraph quads (serialised once, natively)."""
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        return cls.from_nquads(label, kind, data)


def canonical_line(quad: ox.Quad) -> bytes:
    """The N-Quads line of a quad as :attr:`Side.lines` holds it.

    >>> import pyoxigraph as ox
    >>> n = ox.NamedNode("https://example.org/x")
    >>> canonical_line(ox.Quad(n, n, ox.Literal("a"), n))
    b'<https://example.org/x> <https://example.org/x> "a" <https://example.org/x> .'
    """
    return (str(quad) + " .").encode("utf-8")


def load_side(spec: str | Path, *, repo: Path | None = None) -> Side:
    """Read one side named by ``spec``: ``git:REV``, a store directory or a dump file.

    Raises :class:`~govkg.graph.errors.InputError` (or a subclass) naming the input when it
    does not exist, is empty, binary, too large, not UTF-8 or not valid RDF.
    """
    text = str(spec)
    if text.startswith(GIT_PREFIX):
        return load_revision(text[len(GIT_PREFIX) :], repo=repo)
    path = Path(text)
    if path.is_dir():
        if (path / "sources").is_dir() or (path / "entities").is_dir():
            return load_curated(path)
        return load_store(path)
    if not path.exists():
        raise NotFoundError(f"{path}: no such store, dump file or directory")
    return load_dump(path)


def load_store(path: Path) -> Side:
    """A built store, exported natively as N-Quads through the storage layer."""
    from govkg.graph.store.backend import open_backend

    backend = open_backend(path, read_only=True, create=False)
    buffer = io.BytesIO()
    backend.export(buffer, ox.RdfFormat.N_QUADS)
    del backend
    return Side.from_nquads(str(path), "store", buffer.getvalue())


def load_curated(path: Path, label: str | None = None) -> Side:
    """A curated data directory (``entities/`` and ``sources/``), compiled (no ontology)."""
    quads = _relocated(compile_quads(Path(path)), Path(path))
    return Side.from_quads(label or str(path), "curated", quads)


def compile_quads(data_dir: Path) -> Iterator[ox.Quad]:
    """The curated data compiled with every check of the compiler but the SHACL shapes.

    Why not :func:`govkg.graph.curated.compile_data`: its SHACL validation takes most of the
    time of a compile (seconds for the bundled data) and a diff reports what the data says,
    valid or not; ``govkg validate`` and ``govkg build`` are where the shapes are enforced.
    Unknown ids, bad dates and YAML errors still fail, naming file and line.
    """
    from govkg.graph.curated.compiler import iter_ox_quads, run
    from govkg.graph.errors import DataValidationError

    comp = run(data_dir, shacl=False)
    if comp.problems:
        n = len(comp.problems)
        raise DataValidationError(
            f"the curated data in {data_dir} has {n} problem{'s' if n != 1 else ''}",
            problems=comp.problems,
        )
    return iter_ox_quads(comp.out.quads)


def dump_format(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format of a dump from its name (``x.nq``, ``x.trig.gz``) and whether it is gzipped.

    >>> dump_format(Path("govkg-1.0.nq.gz"))
    (<RdfFormat N-Quads>, True)
    """
    from govkg.graph.store.formats import format_for_path

    gzipped = path.suffix.lower() == ".gz"
    name = path.with_suffix("") if gzipped else path
    return format_for_path(name), gzipped


def load_dump(path: Path) -> Side:
    """A dump file, sniffed then streamed into memory; nothing is kept when it does not parse."""
    fmt, gzipped = dump_format(path)
    if fmt in (ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML):
        raise UnsupportedFormatError(
            f"{path}: a diff reads N-Quads, TriG, N-Triples or Turtle dumps, not {fmt.name}"
        )
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty; expected an RDF dump ({fmt.name})")
    if size > MAX_DUMP_BYTES:
        raise InputError(
            f"{path}: {size:,} bytes is above the diff's limit of {MAX_DUMP_BYTES:,} bytes "
            "(GOVKG_DIFF_MAX_BYTES); diff the stores instead"
        )
    with _open_dump(path, gzipped) as stream:
        try:
            check_text(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES], str(path))
            data = stream.read(MAX_DUMP_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
            what = "a damaged gzip file" if gzipped else "could not be read"
            raise ParseError(f"{path}: {what} ({exc}); nothing was compared") from exc
    if len(data) > MAX_DUMP_BYTES:
        raise InputError(
            f"{path}: decompresses to more than the diff's limit of {MAX_DUMP_BYTES:,} bytes "
            "(GOVKG_DIFF_MAX_BYTES)"
        )
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES) and _looks_canonical(data):
        side = Side.from_nquads(str(path), "dump", data)
    else:
        try:
            text = ox.serialize(ox.parse(data, format=fmt), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise _parse_error(exc, str(path), fmt) from exc
        side = Side.from_nquads(str(path), "dump", text or b"")
    del data
    if not side.lines:
        raise InputError(f"{path}: holds no triples; expected an RDF dump ({fmt.name})")
    return side


def _parse_error(exc: SyntaxError, name: str, fmt: ox.RdfFormat) -> ParseError:
    """A :class:`ParseError` with the file, line and column of pyoxigraph's syntax error."""
    from govkg.graph.errors import Problem

    text = getattr(exc, "msg", None) or str(exc)
    found = re.search(r"line (\d+) column (\d+)", text)
    line = exc.lineno or (int(found.group(1)) if found else None)
    column = exc.offset or (int(found.group(2)) if found else None)
    problem = Problem(text, file=name, line=line, column=column)
    return ParseError(f"{name} is not valid {fmt.name}; nothing was compared", problems=[problem])


def _looks_canonical(data: bytes) -> bool:
    """Whether N-Quads bytes are one quad a line, single-spaced, no comments (C-speed checks).

    Such lines are compared as they are; anything else is parsed and re-serialised first.
    """
    # Every line ending in " ." (the counts below) already rules out empty lines and CR LF.
    if data.startswith((b"#", b" ")) or b"\t" in data or b"  " in data:
        return False
    if b"\n#" in data or b"\n " in data:
        return False
    body = data if data.endswith(b"\n") else data + b"\n"
    return body.count(b"\n") == body.count(b" .\n")


def _open_dump(path: Path, gzipped: bool) -> io.BufferedReader:
    raw: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the BufferedReader
    if gzipped:
        head = raw.read(2)
        raw.seek(0)
        if head != b"\x1f\x8b":
            raw.close()
            raise InputError(f"{path}: named .gz but not gzip-compressed")
        raw = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    return io.BufferedReader(raw, buffer_size=SNIFF_BYTES)  # type: ignore[arg-type]


def check_text(head: bytes, name: str) -> None:
    """Refuse a dump that is empty, binary or not UTF-8 by its first bytes, naming ``name``.

    >>> check_text(b"<a> <b> <c> .", "x.nt")
    >>> check_text(b"\\xff\\xfe<\\x00", "x.nt")
    Traceback (most recent call last):
    ...
    govkg.graph.errors.InputError: x.nt: the text is UTF-16; RDF dumps must be UTF-8
    """
    if not head.strip():
        raise InputError(f"{name}: the file is empty (or only whitespace); expected RDF")
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            raise InputError(f"{name}: the text is {encoding}; RDF dumps must be UTF-8")
    if b"\x00" in head:
        raise InputError(f"{name}: a binary file (NUL bytes at the start), not an RDF dump")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the sniff boundary
            raise InputError(
                f"{name}: not UTF-8 (byte 0x{head[exc.start]:02x} at offset {exc.start}); "
                "RDF dumps must be UTF-8"
            ) from exc


def git_root(repo: Path | None = None) -> Path:
    """The git work tree holding the curated data (``repo``, else the bundled data's)."""
    from govkg.graph.curated import DATA_DIR

    where = Path(repo) if repo is not None else DATA_DIR
    done = _git(where, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise InputError(f"{where} is not inside a git repository: {done.stderr.strip()}")
    return Path(done.stdout.strip())


def load_revision(rev: str, *, repo: Path | None = None) -> Side:
    """The curated data (and ontology) at git revision ``rev``, compiled with today's compiler."""
    from govkg.graph.errors import DataValidationError
    from govkg.ontology import ONTOLOGY_GRAPH

    root = git_root(repo)
    if not rev or rev.startswith("-"):
        raise InputError(f"{rev!r} is not a git revision")
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit.returncode != 0:
        raise NotFoundError(f"git revision {rev!r} does not exist in {root}")
    sha = commit.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="govkg-diff-") as tmp:
        _extract(root, sha, rev, Path(tmp))
        data_dir = Path(tmp) / "graph" / "data"
        if not data_dir.is_dir():
            raise NotFoundError(f"git revision {rev!r} has no graph/data in {root}")
        try:
            compiled = list(compile_quads(data_dir))
        except DataValidationError as exc:
            raise DataValidationError(
                f"the curated data at {rev!r} does not compile with this govkg: {exc.message}",
                problems=exc.problems,
            ) from exc
        quads = list(_relocated(compiled, data_dir))
        ontology = Path(tmp) / "ontology" / "govkg.ttl"
        if ontology.is_file():
            graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
            for t in ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE):
                quads.append(ox.Quad(t.subject, t.predicate, t.object, graph))
    return Side.from_quads(f"git:{rev} ({sha[:10]})", "git", quads)


def _relocated(quads: Iterable[ox.Quad], data_dir: Path) -> Iterator[ox.Quad]:
    """Quads with the data directory's file names written as inside the repository.

    The compiler records each source's file (``gk:sourceFile``, the registry's
    ``dcterms:identifier``) relative to the repository when the data lies inside it, and as an
    absolute path otherwise (a temporary checkout of a git revision, a copy elsewhere). Both are
    written here as ``graph/data/...``, so the location of the data never shows as a change.
    """
    prefixes = tuple(f"{p}/" for p in {str(data_dir), str(data_dir.resolve())})
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.value.startswith(prefixes):
            text = o.value
            for prefix in prefixes:
                text = text.removeprefix(prefix)
            text = f"graph/data/{text}"
            q = ox.Quad(q.subject, q.predicate, ox.Literal(text, datatype=o.datatype), q.graph_name)
        yield q


def _extract(root: Path, sha: str, rev: str, target: Path) -> None:
    """``git archive`` the curated data and the ontology of one commit into ``target``."""
    paths = [p for p in ("graph/data", "ontology/govkg.ttl") if _exists_at(root, sha, p)]
    if not paths:
        raise NotFoundError(f"git revision {rev!r} has no graph/data in {root}")
    done = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", sha, "--", *paths],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise InputError(f"git archive of {rev!r} failed: {done.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(target, filter="data")


def _exists_at(root: Path, sha: str, path: str) -> bool:
    return _git(root, "cat-file", "-e", f"{sha}:{path}").returncode == 0


def _git(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise InputError("git is not installed: a git revision cannot be read") from exc
