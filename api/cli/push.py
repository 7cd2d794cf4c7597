"""``govkg push``: publish the locally built graph to a remote SPARQL server.

Why a command of its own: building needs the curated files and the embedded store; serving
many users needs a shared server. ``push`` is the bridge — each named graph of the local store
(every source graph, the ontology, the entities) replaces the same graph on the server, so a
re-push after a rebuild leaves the server exactly as the local store, and a count per graph
proves it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from govkg.api.cli.common import (
    check_output_format,
    err_console,
    handled,
    out_console,
    remote_config,
    store_path,
)
from govkg.graph.store.backend import open_backend

PUSH_HELP = """Publish the built graph to the SPARQL server given by --endpoint.

Each named graph of the local store (--store) replaces the graph of the same name on the
server: by Graph Store Protocol PUT, or by SPARQL Update (DROP + INSERT DATA batches of at
most 1,000 triples) when the server has no Graph Store endpoint (--gsp-endpoint '').
Re-pushing is safe: it replaces, never duplicates. At the end the triples of every graph are
counted on the server and compared with the local store (exit 1 on any mismatch).

Examples:

  govkg --endpoint http://127.0.0.1:8890/sparql push

  govkg --endpoint http://127.0.0.1:7878/query push --graph https://w3id.org/govkg/graph/ontology

  govkg --endpoint https://kg.example.org/sparql-auth --user dba --password ... --auth digest push
"""


def push(
    graph: list[str] = typer.Option([], "--graph", help="Push only this graph (repeatable)."),
    fmt: str = typer.Option("table", "--format", help="Report as table, json, csv or tsv."),
    store: Path | None = typer.Option(None, "--store", help="Local store directory."),
) -> None:
    """Publish the built graph to a remote SPARQL server."""
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.errors import InputError
        from govkg.graph.push import push as run_push
        from govkg.graph.store.backend import RemoteStore

        config = remote_config()
        if config is None:
            raise InputError(
                "push needs a server: give --endpoint URL (before the command) or set "
                "GOVKG_ENDPOINT"
            )
        # The local store, whatever endpoint is configured: that is where the data comes from.
        local = open_backend(store_path(store), read_only=True)
        remote = RemoteStore(config)
        report = _run_with_progress(run_push, local, remote, graph or None)
        _print_report(report, fmt)
        if not report.ok:
            bad = [g.graph for g in report.graphs if not g.ok]
            raise InputError(
                f"verification failed for {len(bad)} graph(s) on {remote.url}: "
                f"{', '.join(bad[:5])}; push again"
            )


def _run_with_progress(run_push, local, remote, graphs):  # noqa: ANN001, ANN202
    """Run the push with a progress bar on a terminal, silently otherwise."""
    if not sys.stderr.isatty():
        return run_push(local, remote, graphs=graphs)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("pushing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def tick(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name.rsplit("/", 1)[-1])

        return run_push(local, remote, graphs=graphs, progress=tick)


def _print_report(report, fmt: str) -> None:  # noqa: ANN001
    rows = [(g.graph, g.local, g.remote, g.ok) for g in report.graphs]
    if fmt == "json":
        data = {
            "endpoint": report.endpoint,
            "ok": report.ok,
            "graphs": [
                {"graph": g, "local": lo, "remote": re_, "ok": ok} for g, lo, re_, ok in rows
            ],
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        sys.stdout.write(sep.join(["graph", "local", "remote", "ok"]) + "\n")
        for g, lo, re_, ok in rows:
            sys.stdout.write(sep.join([g, str(lo), str(re_), "true" if ok else "false"]) + "\n")
        return
    from govkg.graph.results import shorten
    from rich.table import Table

    bad = [r for r in rows if not r[3]]
    table = Table(title=f"pushed {len(rows)} graphs to {report.endpoint}")
    table.add_column("graph")
    table.add_column("local", justify="right")
    table.add_column("remote", justify="right")
    for g, lo, re_, ok in bad or rows[:10]:
        table.add_row(shorten(g), f"{lo:,}", f"{re_:,}" + ("" if ok else " ✗"))
    if not bad and len(rows) > 10:
        table.caption = f"... and {len(rows) - 10} more graphs, all verified"
    out_console.print(table)
    status = "verified" if report.ok else f"{len(bad)} graph(s) differ"
    err_console.print(f"{report.triples:,} triples in {len(rows)} graphs: {status}", style="dim")


def register(app: typer.Typer) -> None:
    """Add ``push`` to the ``govkg`` app."""
    app.command("push", help=PUSH_HELP)(push)
