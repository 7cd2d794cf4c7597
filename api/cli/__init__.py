"""The ``govkg`` command line: one Typer app (:mod:`govkg.api.cli.main`), a module per group."""
