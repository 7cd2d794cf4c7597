"""``govkg query``, ``govkg ask`` and ``govkg stats``: reading the store from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from govkg.api.cli.common import (
    check_output_format,
    err_console,
    handled,
    open_store,
    out_console,
    print_table,
)
from govkg.graph.errors import ParameterError, UnsupportedFormatError

QUERY_HELP = """Run a SPARQL 1.1 query (text or --file) against the store.

SELECT answers print as a table (or --format json|csv|tsv); ASK prints true/false;
CONSTRUCT/DESCRIBE print N-Triples (or --rdf-format turtle, trig, ...).
The govkg prefixes (gk:, gkc:, gkid:, rdfs:, ...) are predeclared.

Examples:

  govkg query 'SELECT ?m WHERE { ?m a gk:AIModel } LIMIT 5'

  govkg query --file my.rq --format json

  govkg query 'SELECT * WHERE { ?s ?p ?o }' --default-graph separate
"""

ASK_HELP = """Ask a named question (see --list) with --param name=value.

Examples:

  govkg ask --list

  govkg ask open-weights-without-review --param as_of=2025-01-01 --format json

  govkg ask models-by-developer --param developer=meta

  govkg ask sources-for --param entity=llama-3.1-405b --format csv

  govkg ask timeline --limit 50 --offset 100 --total

--limit N --offset M: one page, cut by the engine; pages concatenate to the full answer.

--total: also count the full answer's rows.

--format json: the same document as GET /questions/NAME (see docs/questions.md).

--limit all --format json|csv: the whole answer, streamed as GET /questions/NAME?limit=all.
"""


def _parse_params(values: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param {item!r} must look like name=value")
        params[name.strip()] = value
    return params


def query(
    text: str | None = typer.Argument(None, help="The SPARQL query text."),
    file: Path | None = typer.Option(None, "--file", "-f", help="Read the query from a file."),
    fmt: str = typer.Option("table", "--format", help="table, json, csv or tsv."),
    rdf_format: str = typer.Option(
        "ntriples", "--rdf-format", help="Format of CONSTRUCT/DESCRIBE results."
    ),
    default_graph: str = typer.Option(
        "union",
        "--default-graph",
        help="union: the default graph is all named graphs; separate: standard SPARQL.",
    ),
    graph: list[str] = typer.Option(
        [], "--graph", help="Use only this named graph as the default graph (repeatable)."
    ),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Run a SPARQL query."""
    fmt = check_output_format(fmt)
    if (text is None) == (file is None):
        raise typer.BadParameter("give the query text or --file, not both and not neither")
    if default_graph not in ("union", "separate"):
        raise typer.BadParameter("must be union or separate", param_hint="--default-graph")
    with handled():
        import pyoxigraph as ox
        from govkg.graph.results import ResultTable
        from govkg.graph.store.formats import format_for_name
        from govkg.graph.vocabulary import PREFIXES

        if file is not None:
            if not file.is_file():
                raise UnsupportedFormatError(f"{file}: no such query file")
            text = file.read_text(encoding="utf-8")
        s = open_store(store)
        result = s.query(
            text or "",
            default_graph=default_graph,  # type: ignore[arg-type]
            default_graph_uris=graph or None,
            prefixes=PREFIXES,
        )
        if isinstance(result, ox.QueryBoolean):
            value = bool(result)
            if fmt == "json":
                sys.stdout.write(json.dumps({"boolean": value}) + "\n")
            else:
                sys.stdout.write(("true" if value else "false") + "\n")
        elif isinstance(result, ox.QueryTriples):
            out = sys.stdout.buffer
            ox.serialize(result, out, format_for_name(rdf_format), prefixes=PREFIXES)
            out.flush()
        else:
            print_table(ResultTable.from_solutions(result), fmt)


def ask(
    name: str | None = typer.Argument(None, help="The question's name (see --list)."),
    param: list[str] = typer.Option([], "--param", "-p", help="name=value (repeatable)."),
    list_: bool = typer.Option(False, "--list", help="List the named questions."),
    fmt: str = typer.Option("table", "--format", help="table, json, csv or tsv."),
    limit: str | None = typer.Option(
        None, "--limit", help="At most this many rows (a page); all: the whole answer, streamed."
    ),
    offset: str | None = typer.Option(None, "--offset", help="Skip this many rows first."),
    total: bool = typer.Option(False, "--total", help="Also count the full answer's rows."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Ask a named question."""
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.questions import get_question, list_questions, page_bounds, run_question

        if list_:
            _print_questions(list_questions(), fmt)
            return
        if name is None:
            raise typer.BadParameter("give a question name, or --list")
        params = _parse_params(param)
        if limit == "all":
            _write_whole(name, params, fmt, offset, total, store)
            return
        pages = page_bounds(limit, offset)  # text, so a bad value names --limit/--offset's field
        get_question(name)  # a clear "no such question" before opening the store
        result = run_question(
            open_store(store), name, params, limit=pages[0], offset=pages[1], total=total
        )
        if fmt == "json":
            sys.stdout.write(json.dumps(result.to_json_obj(), indent=2, ensure_ascii=False))
            sys.stdout.write("\n")
            return
        print_table(result, fmt, title=name)
        _page_note(result)


def _write_whole(
    name: str, params: dict[str, str], fmt: str, offset: str | None, total: bool, store: Path | None
) -> None:
    """``--limit all``: the bytes ``GET /questions/NAME?limit=all`` sends, written to standard
    output as the engine yields the rows (graph/answer_stream.py), never held in memory."""
    from govkg.graph.answer_stream import write_answer
    from govkg.graph.questions import get_question, page_bounds

    if fmt not in ("json", "csv"):
        raise typer.BadParameter("--limit all writes json or csv", param_hint="--format")
    start = page_bounds(None, offset)[1]
    get_question(name)
    backend = open_store(store)
    media = "application/json" if fmt == "json" else "text/csv"
    sys.stdout.flush()
    out = sys.stdout.buffer
    write_answer(backend, name, params, out, media, offset=start, total=total)
    if fmt == "json":
        out.write(b"\n")
    out.flush()


def _page_note(result) -> None:  # result: QuestionResult
    """Where this page sits in the answer, on stderr (stdout keeps only the rows)."""
    if result.limit is None and not result.offset and result.total is None:
        return
    first, last = result.offset + 1, result.offset + len(result.terms)
    of = f" of {result.total}" if result.total is not None else ""
    shown = f"rows {first}-{last}{of}" if result.terms else f"no rows at offset {result.offset}{of}"
    more = f"; next page: --offset {result.next_offset}" if result.next_offset is not None else ""
    err_console.print(shown + more, style="dim")


def _print_questions(questions, fmt: str) -> None:
    if fmt == "json":
        data = [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "required": p.required,
                        "help": p.help,
                    }
                    for p in q.params
                ],
            }
            for q in questions
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        sys.stdout.write(sep.join(["name", "title", "params"]) + "\n")
        for q in questions:
            params = " ".join(p.describe() for p in q.params)
            sys.stdout.write(sep.join([q.name, q.title.replace(sep, " "), params]) + "\n")
        return
    from rich.table import Table

    table = Table(title="Named questions (govkg ask NAME --param k=v)")
    table.add_column("name", no_wrap=True)
    table.add_column("title")
    table.add_column("parameters")
    for q in questions:
        table.add_row(q.name, q.title, "\n".join(p.describe() for p in q.params) or "-")
    out_console.print(table)


def stats(
    fmt: str = typer.Option("table", "--format", help="table, json, csv or tsv."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Triples per named graph, the total and instances per class.

    csv/tsv print one line per named graph (graph, triples); json has everything.

    Examples:

      govkg stats

      govkg stats --format json
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.results import shorten

        info = open_store(store).stats()
        if fmt == "json":
            sys.stdout.write(json.dumps(info, indent=2) + "\n")
            return
        if fmt in ("csv", "tsv"):
            sep = "," if fmt == "csv" else "\t"
            sys.stdout.write(f"graph{sep}triples\n")
            for g, n in info["graphs"].items():
                sys.stdout.write(f"{g}{sep}{n}\n")
            return
        from rich.table import Table

        graphs = Table(title=f"{info['total']:,} quads in {len(info['graphs'])} named graphs")
        graphs.add_column("graph")
        graphs.add_column("triples", justify="right")
        for g, n in info["graphs"].items():
            graphs.add_row(shorten(g), f"{n:,}")
        if info["default_graph"]:
            graphs.add_row("(default graph)", f"{info['default_graph']:,}")
        classes = Table(title="Instances per class")
        classes.add_column("class")
        classes.add_column("instances", justify="right")
        for c, n in info["classes"].items():
            classes.add_row(shorten(c), f"{n:,}")
        out_console.print(graphs)
        out_console.print(classes)
        err_console.print(f"{info['subjects']:,} distinct subjects", style="dim")


def register(app: typer.Typer) -> None:
    """Add the reading commands to the ``govkg`` app."""
    app.command("query", help=QUERY_HELP)(query)
    app.command("ask", help=ASK_HELP)(ask)
    app.command("stats")(stats)
