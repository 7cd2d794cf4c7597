"""Shared pieces of the ``govkg`` CLI: the store option, error handling, output and progress.

Why a separate module: every command opens the store the same way, reports a
:class:`~govkg.graph.errors.GovkgError` the same way (message and located problems on stderr, exit
code 1, no traceback) and prints tables or machine formats the same way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from govkg.api.settings import DEFAULT_STORE
from govkg.graph.errors import GovkgError
from rich.console import Console

OUTPUT_FORMATS = ("table", "json", "csv", "tsv")

# Piped tables get a generous width instead of rich's 80 columns, so rows stay on one line.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, highlight=False)


class State:
    """Options given before the command name (``govkg --store X query ...``).

    ``remote`` is set by ``--endpoint`` (or ``GOVKG_ENDPOINT``): then every command talks to
    that SPARQL server instead of the embedded store.
    """

    store: Path | None = None
    remote = None  # govkg.graph.store.remote.RemoteConfig | None


state = State()


def store_path(explicit: Path | None = None) -> Path:
    """``--store`` (on the command or globally), else ``GOVKG_STORE``, else ``.govkg/store``."""
    if explicit is not None:
        return explicit
    if state.store is not None:
        return state.store
    env = os.environ.get("GOVKG_STORE")
    return Path(env) if env else DEFAULT_STORE


def set_remote_options(
    *,
    endpoint: str | None,
    update_endpoint: str | None = None,
    gsp_endpoint: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str = "basic",
    bearer: str | None = None,
    timeout: float | None = None,
) -> None:
    """Record the global ``--endpoint`` options (each falls back to its ``GOVKG_*`` variable).

    They are also written to this process's environment, so ``govkg serve`` (which builds its
    settings with ``Settings.from_env``) and its worker processes use the same server.
    """
    if auth.lower() not in ("basic", "digest"):
        raise typer.BadParameter("must be basic or digest", param_hint="--auth")
    given = {
        "GOVKG_ENDPOINT": endpoint,
        "GOVKG_UPDATE_ENDPOINT": update_endpoint,
        "GOVKG_GSP_ENDPOINT": gsp_endpoint,
        "GOVKG_USER": user,
        "GOVKG_PASSWORD": password,
        "GOVKG_BEARER": bearer,
        "GOVKG_REMOTE_TIMEOUT": None if timeout is None else str(timeout),
    }
    if auth.lower() != "basic":
        given["GOVKG_AUTH"] = auth.lower()
    for key, value in given.items():
        if value is not None:
            os.environ[key] = value
    from govkg.graph.store.backend import remote_config_from_env

    state.remote = remote_config_from_env()


def remote_config():  # -> govkg.graph.store.remote.RemoteConfig | None
    """The remote server from ``--endpoint`` (global options), else ``GOVKG_ENDPOINT``, or None."""
    if state.remote is not None:
        return state.remote
    from govkg.graph.store.backend import remote_config_from_env

    return remote_config_from_env()


def open_store(explicit: Path | None = None, *, write: bool = False):
    """Open the backend: the remote server when one is configured, else the embedded store.

    The embedded store opens for reading as a snapshot that tolerates a running server, or for
    writing. An explicit ``--store`` on the command wins over a configured endpoint. Either
    way the result has the :class:`govkg.graph.store.backend.Backend` API.
    """
    from govkg.graph.store.backend import open_backend

    remote = None if explicit is not None else remote_config()
    if remote is not None:
        return open_backend(remote=remote, read_only=not write)
    return open_backend(store_path(explicit), read_only=not write)


def open_local_store(explicit: Path | None = None):
    """The embedded store, read-only, whatever endpoint is configured (``govkg push`` reads it)."""
    from govkg.graph.store.embedded import Store

    return Store.open(store_path(explicit), read_only=True)


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
