"""Shared pieces of the ``govkg`` CLI: the store option, error handling, output and progress.

Why a separate module: every command opens the store the same way, reports a
:class:`~govkg.graph.errors.GovkgError` the same way (message and located problems on stderr, exit
code 1, no traceback) and prints tables or machine formats the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from govkg.api.settings import Settings, env_seconds
from govkg.graph.errors import GovkgError
from govkg.graph.store.backend import Backend, RemoteConfig, open_backend
from rich.console import Console

OUTPUT_FORMATS = ("table", "json", "csv", "tsv")

# Piped tables get a generous width instead of rich's 80 columns, so rows stay on one line.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, highlight=False)


class State:
    """The one :class:`~govkg.api.settings.Settings` of this command line run.

    Built once by the global options (:func:`configure`): ``GOVKG_*`` from the environment,
    then ``--store`` and the ``--endpoint`` family on top. Commands read it from here and pass
    it on explicitly; nothing is written back to the environment.
    """

    settings: Settings = Settings()


state = State()


def configure(
    environ: Mapping[str, str],
    *,
    store: Path | None = None,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    gsp_endpoint: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str | None = None,
    bearer: str | None = None,
    timeout: float | None = None,
) -> Settings:
    """The run's settings: the environment's, with the global command-line options on top.

    An option wins over its ``GOVKG_*`` variable; the remote options without ``--endpoint``
    (nor ``GOVKG_ENDPOINT``) have nothing to apply to and are ignored.
    """
    if auth is not None and auth.lower() not in ("basic", "digest"):
        raise typer.BadParameter("must be basic or digest", param_hint="--auth")
    settings = Settings.from_env(environ)
    remote = settings.remote
    if endpoint:
        default = env_seconds(environ, "GOVKG_REMOTE_TIMEOUT", 30.0)
        remote = RemoteConfig(endpoint=endpoint, timeout=remote.timeout if remote else default)
    if remote is not None:
        given: dict[str, Any] = {
            "update_endpoint": update_endpoint,
            "gsp_endpoint": gsp_endpoint,
            "user": user,
            "password": password,
            "auth": None if auth is None else auth.lower(),
            "bearer": bearer,
            "timeout": timeout,
        }
        remote = replace(remote, **{k: v for k, v in given.items() if v is not None})
    settings = replace(settings, store=store or settings.store, remote=remote)
    state.settings = settings
    return settings


def store_path(explicit: Path | None = None) -> Path:
    """``--store`` on the command, else the run's store (global ``--store``, ``GOVKG_STORE``,
    ``.govkg/store``)."""
    return explicit if explicit is not None else state.settings.store


def remote_config() -> RemoteConfig | None:
    """The remote server of this run (``--endpoint`` or ``GOVKG_ENDPOINT``), or None."""
    return state.settings.remote


def open_store(explicit: Path | None = None, *, write: bool = False) -> Backend:
    """Open the backend: the remote server when one is configured, else the embedded store.

    The embedded store opens for reading as a snapshot that tolerates a running server, or for
    writing. An explicit ``--store`` on the command wins over a configured endpoint.
    """
    remote = None if explicit is not None else remote_config()
    if remote is not None:
        return open_backend(remote=remote, read_only=not write)
    return open_backend(store_path(explicit), read_only=not write)


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
    """Print a :class:`govkg.graph.results.ResultTable` as a rich table or json/csv/tsv text."""
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
