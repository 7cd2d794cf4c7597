"""``govkg release``: a versioned, citable, verifiable snapshot of the store in one directory.

What a release directory holds (``X`` is the version):

- ``govkg-X.trig.gz`` and ``govkg-X.nq.gz``: every named graph of the store;
- ``govkg-ontology-X.ttl``: the ontology as the store holds it;
- ``void.ttl``: the VoID/DCAT description (counts, files with sizes, media types and checksums,
  licences, SPARQL endpoint, issue date, version);
- ``CITATION.cff``: how to cite this version (Citation File Format 1.2.0);
- ``CHANGES.md`` and ``changes.json``: what changed since the previous release;
- ``SHA256SUMS``: the checksum of every other file, in the format ``sha256sum -c`` reads.

Why a temporary directory and a rename: a release is published by copying the directory; one
interrupted half-way must not look complete. Everything is written to ``.DIR.tmp-<pid>`` next
to the target and renamed into place only when the checksums are written; a non-empty target is
refused unless ``force``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.errors import InputError
from govkg.graph.release_void import FileInfo, dataset_counts, describe
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
DEFAULT_BASE = "https://w3id.org/govkg/releases/"
DEFAULT_ENDPOINT = "http://127.0.0.1:8000/sparql"


@dataclass
class ReleaseReport:
    """What ``make_release`` wrote."""

    directory: Path
    version: str
    files: list[FileInfo]
    counts: dict[str, int]
    changes: dict[str, int] | None


def check_version(version: str) -> str:
    """A version usable in file names and IRIs (``1.0``, ``2026.12.04``, ``1.0-rc1``).

    >>> check_version("1.0.0")
    '1.0.0'
    """
    if not VERSION_RE.match(version or ""):
        raise InputError(
            f"--version {version!r}: use letters, digits, '.', '+', '_' or '-' (at most 64), "
            "starting with a letter or digit"
        )
    return version


def check_target(out: Path, force: bool) -> None:
    """Refuse an existing file, or a non-empty directory without ``force``."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(f"{out} is not empty; give --force to replace it")


def make_release(
    backend,  # noqa: ANN001 - a govkg Backend
    out: Path,
    *,
    version: str,
    issued: date | None = None,
    changes=None,  # noqa: ANN001 - a govkg.graph.diff.ChangeSet or None
    previous_version: str | None = None,
    base_url: str | None = None,
    sparql_endpoint: str = DEFAULT_ENDPOINT,
    force: bool = False,
) -> ReleaseReport:
    """Write a release of ``backend`` to ``out`` (see the module docstring); all or nothing."""
    check_version(version)
    out = Path(out).absolute()
    check_target(out, force)
    issued = issued or datetime.now(UTC).date()
    base = (base_url or f"{DEFAULT_BASE}{version}/").rstrip("/") + "/"
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        files = _write_files(backend, tmp, version, changes, previous_version)
        counts = dataset_counts(backend)
        prev_iri = f"{DEFAULT_BASE}{previous_version}/#dataset" if previous_version else None
        void = describe(
            version=version,
            issued=issued,
            counts=counts,
            files=files,
            base_url=base,
            sparql_endpoint=sparql_endpoint,
            previous=prev_iri,
        )
        (tmp / "void.ttl").write_bytes(void)
        (tmp / "CITATION.cff").write_text(citation(version, issued, base), encoding="utf-8")
        _write_checksums(tmp)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReleaseReport(out, version, files, counts, changes.counts() if changes else None)


def _write_files(backend, tmp: Path, version: str, changes, previous: str | None) -> list[FileInfo]:  # noqa: ANN001
    """The dumps, the ontology and the change log; return their descriptions."""
    dumps = (
        (f"govkg-{version}.trig.gz", ox.RdfFormat.TRIG, "application/trig", "TriG dump (gzip)"),
        (
            f"govkg-{version}.nq.gz",
            ox.RdfFormat.N_QUADS,
            "application/n-quads",
            "N-Quads dump (gzip)",
        ),
    )
    for name, fmt, _media, _title in dumps:
        # mtime=0: the same store gives byte-identical dumps (and checksums).
        with (
            open(tmp / name, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
        ):
            backend.export(gz, fmt)
    onto = f"govkg-ontology-{version}.ttl"
    if backend.has_graph(str(ONTOLOGY_GRAPH)):
        with open(tmp / onto, "wb") as fh:
            backend.export(fh, ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    else:  # a store loaded without the ontology graph: ship the ontology of this govkg
        shutil.copyfile(ONTOLOGY_FILE, tmp / onto)
    infos = [_info(tmp / n, m, t) for n, _f, m, t in dumps]
    infos.append(_info(tmp / onto, "text/turtle", "the govkg ontology (Turtle)"))
    if changes is not None:
        from govkg.graph.diff.render import to_markdown

        (tmp / "CHANGES.md").write_text(to_markdown(changes), encoding="utf-8")
        doc = {"version": version, "previous": previous, **changes.to_dict()}
    else:
        (tmp / "CHANGES.md").write_text(
            f"# govkg {version}\n\nNo previous release was given: this is the first one.\n",
            encoding="utf-8",
        )
        doc = {"version": version, "previous": None, "counts": None}
    (tmp / "changes.json").write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    infos.append(_info(tmp / "CHANGES.md", "text/markdown", "change log (Markdown)"))
    infos.append(_info(tmp / "changes.json", "application/json", "change log (JSON)"))
    return infos


def _info(path: Path, media_type: str, title: str) -> FileInfo:
    return FileInfo(path.name, media_type, path.stat().st_size, sha256_file(path), title)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_checksums(tmp: Path) -> None:
    lines = [
        f"{sha256_file(p)}  {p.name}\n"
        for p in sorted(tmp.iterdir())
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    (tmp / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def citation(version: str, issued: date, url: str) -> str:
    """``CITATION.cff`` (CFF 1.2.0) for this version of the data set."""
    return (
        "# Citation File Format 1.2.0 (https://citation-file-format.github.io/)\n"
        "cff-version: 1.2.0\n"
        'message: "If you use this data set, please cite it as below."\n'
        "type: dataset\n"
        'title: "govkg: the AI-governance knowledge graph"\n'
        f'version: "{version}"\n'
        f"date-released: {issued.isoformat()}\n"
        "authors:\n"
        '  - name: "The govkg project"\n'
        "license: CC-BY-4.0\n"
        f'url: "{url}"\n'
        "abstract: >-\n"
        "  Sourced, dated facts on AI developers, models, weights access, government bodies,\n"
        "  commitments, agreements, evaluations and regulatory actions, with one named graph\n"
        "  per source. The govkg software is licensed Apache-2.0.\n"
        "keywords:\n"
        "  - AI governance\n"
        "  - knowledge graph\n"
        "  - RDF\n"
    )


def _swap(tmp: Path, out: Path) -> None:
    """Put the finished directory in place: rename, keeping an old one until the end."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_release_version(directory: Path) -> str | None:
    """The version of a release directory, from its ``CITATION.cff``."""
    cff = Path(directory) / "CITATION.cff"
    if not cff.is_file():
        return None
    match = re.search(r'^version:\s*"?([^"\n]+)"?\s*$', cff.read_text("utf-8"), re.M)
    return match.group(1) if match else None


def release_dump(directory: Path) -> Path:
    """The N-Quads dump of a release directory (the ``--previous`` side of a change log)."""
    directory = Path(directory)
    found = sorted(directory.glob("govkg-*.nq.gz"))
    if not found:
        raise InputError(f"{directory}: not a govkg release (no govkg-*.nq.gz)")
    return found[0]
