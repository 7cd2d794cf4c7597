"""Run the ``govkg`` command line two ways: the installed script in a subprocess, or in-process.

Why both: what users run is the script, and only a subprocess shows its exit code, that no
traceback reaches stderr and that stdout and stderr stay apart; a few tests in each folder keep
doing that. Most CLI tests check what a command does (its output, the store it leaves), which
the same typer app shows in-process through typer's ``CliRunner`` in milliseconds instead of a
fresh interpreter per call.

Both return a :class:`Ran` (``returncode``, ``stdout``, ``stderr``), so a test reads the same
whichever way it runs the command.
"""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
#: The installed script of the interpreter running the tests (the project's .venv).
GOVKG = Path(sys.executable).parent / "govkg"


@dataclass(frozen=True)
class Ran:
    """The outcome of one ``govkg`` command: exit code and the two output streams."""

    returncode: int
    stdout: str
    stderr: str


def _env(store: Path | None, env: Mapping[str, str] | None) -> dict[str, str]:
    """This process's environment without ``GOVKG_STORE``, plus ``store`` and ``env``."""
    out = {k: v for k, v in os.environ.items() if k != "GOVKG_STORE"}
    if store is not None:
        out["GOVKG_STORE"] = str(store)
    out.update(env or {})
    return out


def govkg(
    *args: str | Path,
    store: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``govkg`` script; ``GOVKG_STORE`` points at ``store`` when given."""
    return subprocess.run(
        [str(GOVKG), *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(store, env),
        cwd=ROOT,
        timeout=timeout,
    )


def invoke(
    *args: str | Path, store: Path | None = None, env: Mapping[str, str] | None = None
) -> Ran:
    """Run one ``govkg`` command in this process, as :func:`govkg.api.cli.main.main` does.

    The environment is what the script would get (``GOVKG_STORE`` set from ``store`` only) and
    is restored afterwards, including the ``GOVKG_*`` variables the global ``--endpoint``
    options write. An exception that escapes the command is raised here, not turned into exit
    code 1: the script would have printed a traceback, which is a failure.
    """
    from govkg.api.cli.main import app, hoist_remote_options

    argv = hoist_remote_options([str(a) for a in args])
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(_env(store, env))
    try:
        with contextlib.chdir(ROOT):
            result = CliRunner().invoke(app, argv, prog_name="govkg", catch_exceptions=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    ran = Ran(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)
    # A real command's exit releases its store; here a handle caught in a reference cycle (a
    # failed command's traceback) would keep the store locked for the next command until the
    # collector ran: drop the result, then collect.
    del result
    gc.collect()
    return ran
