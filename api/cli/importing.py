"""``govkg import epoch FILE.csv`` and ``govkg import ecosystem-graphs DIR``.

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
        "  govkg import ecosystem-graphs ../shared/data/ecosystem-graphs --strict"
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


def register(app: typer.Typer) -> None:
    """Add ``govkg import`` and its subcommands to the ``govkg`` app."""
    import_app.command("epoch")(epoch)
    import_app.command("ecosystem-graphs")(ecosystem_graphs)
    app.add_typer(import_app)
