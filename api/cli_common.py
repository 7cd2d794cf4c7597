"""Shared pieces of the ``govkg`` CLI: the store option, error handling, output and progress.

Why a separate module: every command opens the store the same way, reports a
:class:`~graph.errors.GovkgError` the same way (message and located problems on stderr, exit
code 1, no traceback) and prints tables or machine formats the same way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from api.settings import DEFAULT_STORE
from graph.errors import GovkgError

OUTPUT_FORMATS = ("table", "json", "csv", "tsv")

# Piped tables get a generous width instead of rich's 80 columns, so rows stay on one line.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, highlight=False)


class State:
    """Options given before the command name (``govkg --store X query ...``)."""

    store: Path | None = None


state = State()


def store_path(explicit: Path | None = None) -> Path:
    """``--store`` (on the command or globally), else ``GOVKG_STORE``, else ``.govkg/store``."""
    if explicit is not None:
        return explicit
    if state.store is not None:
        return state.store
    env = os.environ.get("GOVKG_STORE")
    return Path(env) if env else DEFAULT_STORE


def open_store(explicit: Path | None = None, *, write: bool = False):
    """Open the store for reading (a snapshot that tolerates a running server) or writing."""
    from graph.store import Store

    path = store_path(explicit)
    if write:
        return Store.open(path)
    return Store.open(path, read_only=True)


@contextmanager
def handled() -> Iterator[None]:
    """Turn govkg errors into a message on stderr and exit code 1 (``exit_code`` of the error)."""
    try:
        yield
    except GovkgError as exc:
        from rich.text import Text

        err_console.print(Text.assemble(("error: ", "bold red"), exc.message), soft_wrap=True)
        for problem in exc.problems:
            err_console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def check_output_format(fmt: str) -> str:
    """Validate ``--format`` for tabular output (a usage error, exit 2, otherwise)."""
    name = fmt.lower()
    if name not in OUTPUT_FORMATS:
        raise typer.BadParameter(
            f"{fmt!r} is not one of {', '.join(OUTPUT_FORMATS)}", param_hint="--format"
        )
    return name


def print_table(result, fmt: str, title: str | None = None) -> None:
    """Print a :class:`graph.results.ResultTable` as a rich table or json/csv/tsv text."""
    if fmt == "table":
        out_console.print(result.to_rich(title))
        n = len(result.terms)
        err_console.print(f"{n} row{'s' if n != 1 else ''}", style="dim")
    else:
        sys.stdout.write(result.render(fmt))
        if fmt == "json":
            sys.stdout.write("\n")
        sys.stdout.flush()


@contextmanager
def progress_bar(description: str, unit: str) -> Iterator[Callable[[int], None]]:
    """A rich progress line on stderr when it is a terminal; silent otherwise.

    Yields a callback taking the running count (quads, bytes).
    """
    if not sys.stderr.isatty():
        yield lambda _n: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} " + unit),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda n: bar.update(task, completed=n)
