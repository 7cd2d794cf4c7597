"""``govkg import epoch FILE.csv``, ``govkg import ecosystem-graphs DIR`` and
``govkg import huggingface PATH``.

Why a command: the importers (``graph/importers``, see ``docs/importers.md``) are what brings the
whole field of models into the graph; people run them from a shell against a snapshot of the
public data sets. Progress shows on a terminal only (pipes and CI logs stay clean); the report
summary (counts, skipped records, ambiguous names) always prints. With ``--strict`` the first
problem stops the import, nothing is written, and the command exits 1 naming file, line and
record.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from govkg.api.cli.common import err_console, handled, open_store, out_console

import_app = typer.Typer(
    name="import",
    help=(
        "Import public data sets into their own named graphs (re-importing replaces them).\n\n"
        "Examples:\n\n"
        "  govkg import epoch ../shared/data/epoch/all-ml-systems.csv\n\n"
        "  govkg import ecosystem-graphs ../shared/data/ecosystem-graphs --strict\n\n"
        "  govkg import huggingface models.parquet --snapshot 2026-12-01"
    ),
    no_args_is_help=True,
)


@contextmanager
def import_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr when it is a terminal; a silent callback otherwise."""
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total or None)


def _report(report) -> None:  # type: ignore[no-untyped-def]
    """Print the import report's summary for people."""
    out_console.print(report.summary(), markup=False, highlight=False, soft_wrap=True)


def epoch(
    file: Path = typer.Argument(..., help="Epoch AI's all-ml-systems.csv."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first problem."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Import Epoch AI's table of ML systems into graph/import-epoch."""
    with handled():
        from govkg.graph.importers import import_epoch

        s = open_store(store, write=True)
        with import_progress("importing Epoch AI") as progress:
            report = import_epoch(s, file, strict=strict, progress=progress)
        s.flush()
        _report(report)


def ecosystem_graphs(
    directory: Path = typer.Argument(..., help="An Ecosystem Graphs checkout (assets/*.yaml)."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first problem."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Import Stanford CRFM's Ecosystem Graphs into graph/import-ecosystem-graphs."""
    with handled():
        from govkg.graph.importers import import_ecosystem_graphs

        s = open_store(store, write=True)
        with import_progress("importing Ecosystem Graphs") as progress:
            report = import_ecosystem_graphs(s, directory, strict=strict, progress=progress)
        s.flush()
        _report(report)


def huggingface(
    path: Path = typer.Argument(
        ..., help="A Hub metadata snapshot: a parquet file, a folder of shards, or JSON Lines."
    ),
    snapshot: str | None = typer.Option(
        None,
        "--snapshot",
        help="The snapshot's date, YYYY-MM-DD (names the graph; default: the file's date).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first problem."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Import a Hugging Face Hub model snapshot into graph/import-huggingface-<date>.

    Streams the rows into the embedded store's bulk loader and swaps the result in: the
    snapshot's graph is replaced all at once, and an interrupted import changes nothing.
    """
    with handled():
        from datetime import date

        from govkg.api.cli.common import remote_config, store_path
        from govkg.graph.errors import InputError
        from govkg.graph.importers.huggingface import import_huggingface

        if store is None and remote_config() is not None:
            raise InputError(
                "govkg import huggingface bulk-loads the embedded store: pass --store "
                "(a remote endpoint is configured)"
            )
        day = None
        if snapshot is not None:
            try:
                day = date.fromisoformat(snapshot)
            except ValueError:
                raise InputError(f"--snapshot {snapshot!r} is not a date YYYY-MM-DD") from None
        with import_progress("importing Hugging Face rows") as progress:
            report = import_huggingface(
                store_path(store), path, snapshot=day, strict=strict, progress=progress
            )
        _report(report)


def lineage(
    view: str = typer.Argument(
        "families",
        help="families, derivatives, review-share, licence-drift or open-weights-without-review.",
    ),
    limit: int = typer.Option(50, "--limit", help="Rows per page (1-10000)."),
    offset: int = typer.Option(0, "--offset", help="Rows to skip (the page start)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Count reviews dated on or before this day (default: today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the page as JSON."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Lineage at Hub scale: base families, review coverage through lineage, licence drift.

    Projects only the lineage links (numpy/scipy), so it answers over millions of imported
    models; pages with --limit/--offset. Views: families (by downstream models), derivatives
    (per family and relation), review-share (share covered by a pre-deployment review of the
    model or an ancestor), licence-drift (a derivative more permissive than its base),
    open-weights-without-review (the question of that name for imported models: unreviewed
    or modified after review through lineage). On an embedded store the projection the
    importer saved beside it is read instead of querying the imported graphs.
    """
    with handled():
        import json
        from datetime import date

        from govkg.graph.analysis.lineage import Lineage
        from govkg.graph.analysis.lineage_views import lineage_page
        from govkg.graph.errors import InputError

        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise InputError(f"--as-of {as_of!r} is not a date YYYY-MM-DD") from None
        from govkg.api.cli.common import remote_config, store_path

        s = open_store(store)
        # the projection saved by the importer sits beside an embedded store only
        local = store_path(store) if store is not None or remote_config() is None else None
        lineage = Lineage.from_store(s, day, store_path=local)
        page = lineage_page(lineage, view, limit=limit, offset=offset, store=s)
        if as_json:
            body = {"view": page.view, "total": page.total, "limit": page.limit}
            body.update(offset=page.offset, columns=page.columns, rows=page.rows)
            out_console.print_json(json.dumps(body))
            return
        from rich.table import Table

        table = Table(
            title=f"{page.view}: rows {page.offset + 1}-"
            f"{page.offset + len(page.rows)} of {page.total}"
        )
        for column in page.columns:
            table.add_column(column)
        for row in page.rows:
            table.add_row(*(str(row[c]) for c in page.columns))
        out_console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``govkg import`` and its subcommands to the ``govkg`` app."""
    import_app.command("epoch")(epoch)
    import_app.command("ecosystem-graphs")(ecosystem_graphs)
    import_app.command("huggingface")(huggingface)
    app.add_typer(import_app)
    # `govkg analyze lineage` lives here, next to the importer whose scale it is for; the
    # analyze group is created (and added to the app) by govkg.api.cli.analysis
    from govkg.api.cli.analysis import analyze_app

    analyze_app.command("lineage")(lineage)
