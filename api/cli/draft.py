"""``govkg draft FILE``: a draft source file from a new article or document.

Why a command of its own: the analyst's week starts with new articles; the drafter turns one
into the curated data format with every link and statement marked for checking
(docs/draft.md). Nothing reaches the store: the curator finishes the file, then runs
``govkg validate`` and ``govkg build``. The store (or ``--endpoint``) is only read, to note the
statements the graph already holds from other sources; without a store the notes are skipped.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

import typer
from govkg.api.cli.common import err_console, handled, open_store, remote_config, store_path

DRAFT_FORMATS = ("yaml", "json")


def register(app: typer.Typer) -> None:
    """Add ``govkg draft`` to ``app``."""

    @app.command("draft")
    def draft_command(
        file: Path = typer.Argument(..., help="The article or document: .txt, .html or .pdf."),
        output: Path | None = typer.Option(
            None, "--output", "-o", help="Write the draft here (atomically) instead of stdout."
        ),
        fmt: str = typer.Option("yaml", "--format", "-f", help="yaml (for curators) or json."),
        text: bool = typer.Option(
            False, "--text", help="Print the extracted text (what offsets count) and stop."
        ),
        no_store: bool = typer.Option(
            False, "--no-store", help="Do not look up the statements in the store."
        ),
        store: Path | None = typer.Option(None, "--store", help="Store to look statements up in."),
    ) -> None:
        """Draft a curated source file from a text, HTML or PDF document.

        Links every entity mention to the registry (or proposes a new entity), proposes
        statements with verbatim quotes, offsets and confidences, and notes the ones the graph
        already holds. Files over 20 MB, empty, binary or undecodable files are refused.

        Examples:

          govkg draft article.html -o graph/data/sources/new-source.yaml

          govkg draft report.pdf --format json | jq '.statements[].kind'
        """
        from govkg.graph.draft import draft_document
        from govkg.graph.draft.output import to_json, to_yaml
        from govkg.graph.draft.reading import read_document

        name = fmt.lower()
        if name not in DRAFT_FORMATS:
            raise typer.BadParameter(f"{fmt!r} is not one of yaml, json", param_hint="--format")
        with handled():
            document = read_document(file)
            if text:
                _emit(
                    document.text if document.text.endswith("\n") else document.text + "\n", output
                )
                return
            draft = draft_document(document)
            backend = None if no_store else _backend(store)
            if backend is not None:
                _mark_known(draft, backend)
            rendered = to_json(draft) if name == "json" else to_yaml(draft)
            _emit(rendered, output)
            n = len(draft.statements)
            new = len({m.proposed_id for m in draft.mentions if m.id is None})
            err_console.print(
                f"{len(draft.mentions)} mentions ({new} new names), {n} candidate statement"
                f"{'s' if n != 1 else ''}" + (f" -> {output}" if output else ""),
                style="dim",
            )


def _backend(explicit: Path | None):
    """The backend to look statements up in, or None (with a note) when there is none."""
    from govkg.graph.errors import GovkgError

    if explicit is None and remote_config() is None and not store_path().exists():
        err_console.print(
            f"no store at {store_path()}: statements get no 'already in the graph' notes",
            style="dim",
        )
        return None
    try:
        return open_store(explicit)
    except GovkgError as exc:
        err_console.print(f"store not read ({exc.message}): no 'already in the graph' notes")
        return None


def _mark_known(draft, backend) -> None:
    """Add the "already in the graph" notes; a store that fails to answer only loses them."""
    from govkg.graph.draft.known import mark_known
    from govkg.graph.errors import GovkgError

    try:
        mark_known(draft.statements, backend)
    except GovkgError as exc:
        for cand in draft.statements:
            cand.known_in = []
        err_console.print(f"store not read ({exc.message}): no 'already in the graph' notes")
        return
    draft.store_checked = True


def _emit(content: str, output: Path | None) -> None:
    """Write to stdout, or to ``output`` through a temporary file renamed into place."""
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    from govkg.graph.errors import InputError

    target = output.resolve()
    if target.is_dir():
        raise InputError(f"{output}: is a directory; give a file name")
    if not target.parent.is_dir():
        raise InputError(f"{output}: the folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
