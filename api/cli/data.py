"""``govkg build``, ``validate``, ``load``, ``export``, ``ontology`` and ``serve``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from govkg.api.cli.common import (
    err_console,
    handled,
    open_store,
    out_console,
    progress_bar,
    remote_config,
    store_path,
)
from govkg.graph.errors import InputError

#: Formats `govkg load` bulk-loads into a checkpoint; JSON-LD and RDF/XML (small, and parsed
#: with remote contexts and external entities checked) go through the transactional load.
BUILD_HELP = """Compile the curated YAML (graph/data/) and build the store from scratch.

The new store is written next to the old one and swapped in only when complete, so a failed
build leaves the previous store as it was. A read-only `govkg serve` on the same store answers
from the new store from its next request on; while a writable server (one with a token) runs,
the build is refused: send changes through its HTTP API instead, or stop it first.

Examples:

  govkg build

  govkg --store /tmp/govkg build --data my-data/
"""

LOAD_HELP = """Load an RDF file into the store, atomically (all or nothing).

The format comes from the extension (.ttl .nt .nq .trig .jsonld .rdf .owl .xml) or --format.
Triples go to --graph (the default graph when not given); in N-Quads/TriG/JSON-LD the default
graph part goes to --graph and named graphs are kept. A syntax error reports file, line and
column and loads nothing. A read-only `govkg serve` on the same store sees the data from its
next request on; while a writable server runs the load is refused (POST the file to its
/rdf-graphs instead).

Examples:

  govkg load extra.ttl --graph https://example.org/graph/extra

  govkg load dump.nq
"""

EXPORT_HELP = """Export the store, or one named graph, to a file or standard output.

Formats: turtle, ntriples, nquads, trig, jsonld, rdfxml (RDF; quad formats keep the named
graphs), graphml and gexf (the network projection, for Gephi and Cytoscape) and csv (a zip
holding nodes.csv and edges.csv). Without --format the extension of -o decides.

Examples:

  govkg export --format nquads -o govkg.nq

  govkg export --graph https://w3id.org/govkg/graph/entities -o entities.ttl

  govkg export -o network.graphml
"""


def build(
    data: Path | None = typer.Option(None, "--data", help="Curated data directory."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Build the store from the curated data."""
    with handled():
        from govkg.graph.build import build_store
        from govkg.graph.curated import DATA_DIR
        from govkg.graph.store.directory import check_no_writer

        path = store_path(store)
        # Refused before compiling, not only at the swap: a writable server holds the store.
        check_no_writer(path, "rebuild the store")
        from govkg.graph.diff.history import recording_build

        with recording_build(path):  # appends what changed to <store>.changes.jsonl
            report = build_store(
                path,
                data if data is not None else DATA_DIR,
                progress=lambda msg: err_console.print(f"  {msg}", style="dim"),
            )
        out_console.print(
            f"built {path}: {report.sources} sources, {report.statements} statements, "
            f"{report.triples:,} triples in {report.graphs} graphs ({report.seconds:.1f} s)",
            soft_wrap=True,
        )


def validate(
    files: list[Path] = typer.Argument(None, help="Files to check (default: all)."),
    data: Path | None = typer.Option(None, "--data", help="Curated data directory."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on lint warnings too."),
) -> None:
    """Check the curated YAML files without building, then lint them (warnings).

    Also lists the statements that carry no verbatim quote with a locator (file:line and
    why) and prints the share of those that do; these do not change the exit status.

    Examples:

      govkg validate

      govkg validate graph/data/sources/nist-aisi-agreements-2024-08.yaml
    """
    with handled():
        from govkg.graph.curated import DATA_DIR
        from govkg.graph.curated import validate as check
        from govkg.graph.curated.compiler import REPO_ROOT
        from govkg.graph.curated.lint import lint

        problems = check(data or DATA_DIR, list(files) if files else None)
        _print_evidence(data or DATA_DIR, files)
        if problems:
            for p in problems:
                err_console.print(str(p), markup=False, highlight=False)
            err_console.print(f"[red]{len(problems)} problem(s)[/]")
            raise typer.Exit(1)
        warnings = lint(data or DATA_DIR, REPO_ROOT)
        for w in warnings:
            err_console.print(f"warning: {w}", markup=False, highlight=False)
        if warnings:
            err_console.print(f"[yellow]{len(warnings)} lint warning(s)[/]")
            if strict:
                raise typer.Exit(1)
        out_console.print("no problems found")


def _print_evidence(data_dir: Path, files: list[Path] | None) -> None:
    """List the statements without a quote and locator, and the share of those with them.

    Not a problem (the exit status is unchanged): curators fill the evidence in over time, and
    the share says how far they are. With a list of files, only theirs are listed and counted.
    """
    from govkg.graph.curated.compiler import REPO_ROOT
    from govkg.graph.curated.evidence import evidence_report

    report = evidence_report(Path(data_dir) / "sources", REPO_ROOT, files=files or None)
    for m in report.without:
        out_console.print(str(m), markup=False, highlight=False, soft_wrap=True)
    out_console.print(report.summary(), markup=False, highlight=False, soft_wrap=True)


def load(
    file: Path = typer.Argument(..., help="The RDF file to load."),
    graph: str | None = typer.Option(None, "--graph", help="Named graph IRI for the triples."),
    fmt: str | None = typer.Option(None, "--format", help="RDF format (default: extension)."),
    base_iri: str | None = typer.Option(None, "--base", help="Base IRI for relative IRIs."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Load an RDF file."""
    with handled():
        from govkg.graph.store.backend import load_file
        from govkg.graph.store.formats import format_for_name, format_for_path

        rdf_format = format_for_name(fmt) if fmt else format_for_path(file)
        with progress_bar(f"loading {file.name}", "quads") as tick:
            n = load_file(
                file,
                rdf_format,
                graph,
                store=store_path(store),
                remote=None if store is not None else remote_config(),
                base_iri=base_iri,
                progress=tick,
            )
        where = f"graph {graph}" if graph else "the store"
        out_console.print(f"loaded {n:,} quads from {file} into {where}", soft_wrap=True)


def export(
    fmt: str | None = typer.Option(None, "--format", help="Output format (see above)."),
    graph: str | None = typer.Option(None, "--graph", help="Export only this named graph."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File (default: stdout)."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Export the store."""
    with handled():
        from govkg.graph.errors import UnsupportedFormatError
        from govkg.graph.export import export as write
        from govkg.graph.export import export_format_names
        from govkg.graph.store.formats import format_for_path, info_for

        if fmt is None:
            if output is None:
                fmt = "nquads"
            elif output.suffix.lower() in (".graphml", ".gexf"):
                fmt = output.suffix.lower()[1:]
            elif output.suffix.lower() == ".zip":
                fmt = "csv"
            else:
                fmt = info_for(format_for_path(output)).name
        if fmt.lower() not in export_format_names():
            from govkg.graph.store.formats import format_for_name

            try:
                format_for_name(fmt)
            except UnsupportedFormatError:
                raise UnsupportedFormatError(
                    f"cannot export as {fmt!r}; expected one of: {', '.join(export_format_names())}"
                ) from None
        s = open_store(store)
        if output is None:
            write(s, sys.stdout.buffer, fmt, graph=graph)
            sys.stdout.buffer.flush()
            return
        partial = output.with_name(output.name + ".partial")
        try:
            with (
                progress_bar(f"exporting {output.name}", "bytes") as tick,
                open(partial, "wb") as fh,
            ):
                write(s, fh, fmt, graph=graph, progress=tick)
            partial.replace(output)
        except OSError as exc:  # a missing folder, no permission, a full disk
            raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
        finally:
            partial.unlink(missing_ok=True)
        err_console.print(f"wrote {output}", style="dim")


def ontology(
    fmt: str = typer.Option("md", "--format", help="md or html."),
    output: Path | None = typer.Option(None, "-o", "--output", help="File (default: stdout)."),
) -> None:
    """Print the ontology reference (classes, properties, concepts).

    Examples:

      govkg ontology

      govkg ontology --format html -o ontology.html
    """
    if fmt not in ("md", "html"):
        raise typer.BadParameter("must be md or html", param_hint="--format")
    with handled():
        from govkg.graph.vocabulary import ontology_reference

        text = ontology_reference("md" if fmt == "md" else "html")
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            err_console.print(f"wrote {output}", style="dim")


def serve(
    host: str | None = typer.Option(None, "--host", help="Address to bind (127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (8000)."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
    token: str | None = typer.Option(
        None, "--token", help="Bearer token for writes (or $GOVKG_TOKEN); none: read-only."
    ),
    workers: int | None = typer.Option(None, "--workers", help="Query worker processes."),
    default_graph: str | None = typer.Option(
        None, "--default-graph", help="union (default) or separate."
    ),
    base_url: str | None = typer.Option(
        None, "--base-url", help="IRI base served as local pages (https://w3id.org/govkg/)."
    ),
    grace: float | None = typer.Option(
        None,
        "--grace",
        help="Seconds in-flight requests get on SIGTERM/SIGINT before the work still running "
        "is killed and the server exits (10; or $GOVKG_GRACE).",
    ),
    analysis_workers: int | None = typer.Option(
        None,
        "--analysis-workers",
        help="Analysis worker processes (1; or $GOVKG_ANALYSIS_WORKERS).",
    ),
    warm: bool = typer.Option(
        True,
        "--warm/--no-warm",
        help="Compute the default analyses (and the named questions' first pages) in the "
        "background at start and after each change.",
    ),
) -> None:
    """Serve the SPARQL endpoint, REST API and web pages.

    Examples:

      govkg serve

      govkg serve --port 8080 --default-graph separate
    """
    if default_graph is not None and default_graph not in ("union", "separate"):
        raise typer.BadParameter("must be union or separate", param_hint="--default-graph")
    with handled():
        from dataclasses import replace

        from govkg.api.cli.common import state
        from govkg.api.http.server import serve as run

        settings = state.settings
        changes: dict = {"store": store_path(store)}
        for key, value in (
            ("host", host),
            ("port", port),
            ("token", token),
            ("workers", workers),
            ("default_graph", default_graph),
            ("base_url", base_url),
            ("grace", grace),
            ("analysis_workers", analysis_workers),
        ):
            if value is not None:
                changes[key] = value
        if not warm:
            changes["analysis_warm"] = False
        elif "GOVKG_ANALYSIS_WARM" not in os.environ:
            changes["analysis_warm"] = True
        settings = replace(settings, **changes)
        _probe_store(settings)
        what = f"the SPARQL server {settings.backend_name}" if settings.remote else settings.store
        err_console.print(f"serving {what} on http://{settings.host}:{settings.port}/")
        run(settings)


def _probe_store(settings) -> None:
    """Open the store once, as the server will, before uvicorn starts.

    Why: the app opens its store inside the ASGI lifespan, where a locked, unwritable, corrupt
    or missing store would surface as uvicorn's traceback and exit code 3; here it is a
    :class:`~govkg.graph.errors.StoreError` that ``handled()`` turns into one clear line and exit 1.
    """
    import gc

    from govkg.graph.store.backend import open_backend

    if settings.remote is not None:
        return  # a remote endpoint is checked by its first request, with its URL in the error
    probe = open_backend(settings.store, read_only=not settings.token, create=False)
    del probe
    gc.collect()  # release RocksDB's lock before the server opens the store for writing


def register(app: typer.Typer) -> None:
    """Add the data commands to the ``govkg`` app."""
    app.command("build", help=BUILD_HELP)(build)
    app.command("validate")(validate)
    app.command("load", help=LOAD_HELP)(load)
    app.command("export", help=EXPORT_HELP)(export)
    app.command("ontology")(ontology)
    app.command("serve")(serve)
