"""The ``govkg`` command line: build, validate, load, query, ask, export, stats, ontology, serve.

Why typer: every command gets ``--help`` with examples for free, and usage errors exit with
code 2. govkg's own errors (:class:`~govkg.graph.errors.GovkgError`) print their message and
located problems and exit with code 1, never a traceback. Modules written by other parts of
govkg (the compiler, the build, the HTTP server, the ontology reference) are imported inside
the command functions, so ``govkg --help`` works while any of them is broken or missing.

Output: a readable table by default; ``--format json|csv|tsv`` for scripts.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from govkg.api.cli.analysis import register as register_analysis
from govkg.api.cli.changes import register as register_changes
from govkg.api.cli.common import configure, handled
from govkg.api.cli.data import register as register_data
from govkg.api.cli.draft import register as register_draft
from govkg.api.cli.importing import register as register_import
from govkg.api.cli.push import register as register_push
from govkg.api.cli.query import register as register_query
from govkg.api.cli.viz import register as register_viz

app = typer.Typer(
    name="govkg",
    help=(
        "govkg: the AI-governance knowledge graph.\n\n"
        "Examples:\n\n"
        "  govkg build\n\n"
        "  govkg ask open-weights-without-review --param as_of=2025-01-01\n\n"
        "  govkg query 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --format csv\n\n"
        "The store is --store, else $GOVKG_STORE, else .govkg/store; with --endpoint URL\n"
        "(or $GOVKG_ENDPOINT) every command uses that SPARQL server instead (docs/remote.md).\n"
        "The --endpoint options may also follow the command: govkg serve --endpoint URL."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global(
    store: Path | None = typer.Option(
        None, "--store", help="Store directory (default: $GOVKG_STORE or .govkg/store)."
    ),
    endpoint: str | None = typer.Option(
        None, "--endpoint", help="Use this SPARQL 1.1 query endpoint instead of the store."
    ),
    update_endpoint: str | None = typer.Option(
        None, "--update-endpoint", help="SPARQL Update endpoint (default: from --endpoint)."
    ),
    gsp_endpoint: str | None = typer.Option(
        None, "--gsp-endpoint", help="Graph Store Protocol endpoint ('' for none)."
    ),
    user: str | None = typer.Option(None, "--user", help="User name for the endpoint."),
    password: str | None = typer.Option(None, "--password", help="Password for the endpoint."),
    auth: str | None = typer.Option(None, "--auth", help="basic or digest (with --user)."),
    bearer: str | None = typer.Option(None, "--bearer", help="Bearer token for the endpoint."),
    remote_timeout: float | None = typer.Option(
        None,
        "--remote-timeout",
        min=0.001,
        help="Seconds to wait for the endpoint (default 30).",
    ),
) -> None:
    """Options that apply to every command."""
    with handled():
        configure(
            os.environ,
            store=store,
            endpoint=endpoint,
            update_endpoint=update_endpoint,
            gsp_endpoint=gsp_endpoint,
            user=user,
            password=password,
            auth=auth,
            bearer=bearer,
            timeout=remote_timeout,
        )


register_query(app)
register_data(app)
register_push(app)
register_analysis(app)
register_viz(app)
register_import(app)
register_draft(app)
register_changes(app)


#: The remote-backend options: global, but accepted after the command too
#: (``govkg serve --endpoint URL`` as well as ``govkg --endpoint URL serve``).
REMOTE_OPTIONS = (
    "--endpoint",
    "--update-endpoint",
    "--gsp-endpoint",
    "--user",
    "--password",
    "--auth",
    "--bearer",
    "--remote-timeout",
)
_GLOBAL_WITH_VALUE = ("--store", *REMOTE_OPTIONS)


def hoist_remote_options(argv: list[str]) -> list[str]:
    """Move remote-backend options given after the command name in front of it.

    Why: click only accepts a group's options before the command, but users (and the docs of
    other SPARQL tools) write ``govkg serve --endpoint URL``. Only the options in
    :data:`REMOTE_OPTIONS` move (no command defines them), each with its value; anything after
    a bare ``--`` stays where it is.

    >>> hoist_remote_options(["serve", "--endpoint", "http://x/sparql", "--port", "9"])
    ['--endpoint', 'http://x/sparql', 'serve', '--port', '9']
    """
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        takes_value = argv[i] in _GLOBAL_WITH_VALUE
        i += 2 if takes_value else 1
    if i >= len(argv):
        return list(argv)
    head, command, rest = argv[:i], argv[i], argv[i + 1 :]
    moved: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(rest):
        token = rest[j]
        if token == "--":
            kept += rest[j:]
            break
        name = token.split("=", 1)[0]
        if name in REMOTE_OPTIONS:
            if "=" in token or j + 1 >= len(rest):
                moved.append(token)
                j += 1
            else:
                moved += [token, rest[j + 1]]
                j += 2
            continue
        kept.append(token)
        j += 1
    return [*head, *moved, command, *kept]


def main() -> None:
    """Entry point of the ``govkg`` script (``govkg.api.cli.main:main`` in pyproject.toml)."""
    import sys

    app(args=hoist_remote_options(sys.argv[1:]), prog_name="govkg")


if __name__ == "__main__":
    main()
