"""``govkg diff`` and ``govkg release``: what changed, and versioned citable releases.

Why together: a release's change log is a diff against the previous release, and both record
into the same build history that the server's ``/changes`` feed reads.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from govkg.api.cli.common import err_console, handled, open_store, out_console, store_path

DIFF_FORMATS = ("md", "json", "trig")

DIFF_HELP = """List the statements added, removed and changed between two versions of the graph.

OLD and NEW are each a store directory, a curated data directory (entities/ + sources/), an
RDF dump (N-Quads, TriG, N-Triples or Turtle, gzipped or not) or git:REV (the curated data
and ontology at a git revision, compiled). --rev REV stands for OLD = git:REV; a missing NEW is
the store (--store, $GOVKG_STORE or .govkg/store). A changed statement keeps its IRI and
differs in a date, status, licence, quote or other value; a source renamed with the same
statements is reported as renamed. --format md (default, for people), json (for tools) or trig
(the change set as RDF with PROV). Exit 0 either way; --exit-code exits 3 when there are changes.

Examples:

  govkg diff --rev v0.1

  govkg diff releases/1.0/govkg-1.0.nq.gz .govkg/store --format json

  govkg diff git:HEAD~5 git:HEAD --format trig -o changes.trig
"""

RELEASE_HELP = """Write a versioned release of the store to a directory.

DIR receives TriG and N-Quads dumps (gzip), the ontology (Turtle), void.ttl (VoID/DCAT with
counts, files, byte sizes, licences, SPARQL endpoint, issue date, version), CITATION.cff,
CHANGES.md and changes.json (since --previous DIR or --previous-rev REV) and SHA256SUMS
(check with `sha256sum -c SHA256SUMS` inside DIR). Everything is written to a temporary
directory and renamed into place; a non-empty DIR is refused unless --force. The release is
also recorded in the store's change history (the server's /changes feed).

Examples:

  govkg release --version 1.0 -o releases/1.0

  govkg release --version 1.1 -o releases/1.1 --previous releases/1.0
"""


def diff(
    old: str | None = typer.Argument(None, help="Old side: store, data dir, dump or git:REV."),
    new: str | None = typer.Argument(None, help="New side (default: the store)."),
    rev: str | None = typer.Option(None, "--rev", help="Old side = curated data at this git rev."),
    fmt: str = typer.Option("md", "--format", help="md, json or trig."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file."),
    repo: Path | None = typer.Option(None, "--repo", help="Git repository for git:REV."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 3 when there are changes."),
    store: Path | None = typer.Option(None, "--store", help="Store directory (default NEW)."),
) -> None:
    """Compare two versions of the graph."""
    name = fmt.lower()
    if name not in DIFF_FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of md, json, trig", param_hint="--format")
    sides = [f"git:{rev}"] if rev else []
    sides += [s for s in (old, new) if s]
    if len(sides) > 2:
        raise typer.BadParameter("give at most two sides (--rev counts as OLD)")
    if not sides:
        raise typer.BadParameter("give OLD (a store, dump, data dir or git:REV) or --rev")
    with handled():
        from govkg.graph.diff import compare, load_side, to_json, to_markdown, to_trig

        if len(sides) == 1:
            sides.append(str(store_path(store)))
        left = load_side(sides[0], repo=repo)
        right = load_side(sides[1], repo=repo)
        changes = compare(left, right)
        if name == "json":
            data = to_json(changes).encode("utf-8")
        elif name == "trig":
            data = to_trig(changes)
        else:
            data = to_markdown(changes).encode("utf-8")
        _write(data, output)
        c = changes.counts()
        err_console.print(
            f"{c['statements_added']} added, {c['statements_removed']} removed, "
            f"{c['statements_changed']} changed statements; {c['triples_added']} + / "
            f"{c['triples_removed']} − other triples ({changes.seconds:.2f} s)",
            style="dim",
        )
    if exit_code and not changes.empty:
        raise typer.Exit(3)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from govkg.graph.errors import InputError

    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from exc


def release(
    version: str = typer.Option(..., "--version", help="Version of this release (e.g. 1.0)."),
    out: Path = typer.Option(..., "-o", "--output", help="Directory to write."),
    previous: Path | None = typer.Option(None, "--previous", help="Previous release directory."),
    previous_rev: str | None = typer.Option(
        None, "--previous-rev", help="Change log since the curated data at this git revision."
    ),
    force: bool = typer.Option(False, "--force", help="Replace a non-empty DIR."),
    issued: str | None = typer.Option(None, "--date", help="Release date (default: today)."),
    base_url: str | None = typer.Option(None, "--base-url", help="Where the files are published."),
    endpoint: str = typer.Option(
        "http://127.0.0.1:8000/sparql", "--sparql-endpoint", help="SPARQL endpoint to announce."
    ),
    repo: Path | None = typer.Option(None, "--repo", help="Git repository for --previous-rev."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Write a versioned, checksummed release of the store."""
    if previous is not None and previous_rev is not None:
        raise typer.BadParameter("give --previous or --previous-rev, not both")
    with handled():
        from govkg.graph.diff import compare, load_side
        from govkg.graph.diff.history import append_record, make_record, plain_record
        from govkg.graph.diff.sides import load_store
        from govkg.graph.errors import InputError
        from govkg.graph.release import (
            check_target,
            check_version,
            make_release,
            read_release_version,
            release_dump,
        )

        check_version(version)
        check_target(out, force)
        when = _parse_date(issued) if issued else None
        path = store_path(store)
        changes, prev_version = None, None
        if previous is not None or previous_rev is not None:
            if previous is not None:
                old = load_side(release_dump(previous))
                prev_version = read_release_version(previous)
            else:
                old = load_side(f"git:{previous_rev}", repo=repo)
            current = load_store(path)
            current.label = f"govkg {version}"
            if prev_version:
                old.label = f"govkg {prev_version}"
            changes = compare(old, current)
        backend = open_store(store)
        report = make_release(
            backend,
            out,
            version=version,
            issued=when,
            changes=changes,
            previous_version=prev_version,
            base_url=base_url,
            sparql_endpoint=endpoint,
            force=force,
        )
        record = (
            make_record(changes, kind="release", version=version)
            if changes is not None
            else plain_record(kind="release", version=version, note="first release")
        )
        try:
            append_record(path, record)
        except OSError as exc:
            raise InputError(f"release written, but the history was not: {exc}") from exc
        out_console.print(
            f"released {version} to {report.directory}: {len(report.files) + 3} files, "
            f"{report.counts['triples']:,} triples",
            soft_wrap=True,
        )


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a YYYY-MM-DD date", param_hint="--date"
        ) from None


def register(app: typer.Typer) -> None:
    """Add ``diff`` and ``release`` to the ``govkg`` app."""
    app.command("diff", help=DIFF_HELP)(diff)
    app.command("release", help=RELEASE_HELP)(release)
