"""``govkg analyze ...``: the network analyses (coverage, centrality, paths, scenarios) in a shell.

Why here and not in ``graph/analysis``: the analyses are pure functions over a projection; this
module opens the store like every other command, projects it with concepts
(:func:`govkg.graph.analysis.service.load_graph`), and prints the plain results as a rich table or
as
json/csv/tsv for scripts. Errors (unknown model, bad date, bad scenario file) are
:class:`~govkg.graph.errors.GovkgError` and exit 1 with the message; usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from govkg.api.cli.common import check_output_format, err_console, handled, open_store, out_console
from govkg.graph.results import delimited

analyze_app = typer.Typer(
    name="analyze",
    help=(
        "Network analyses over the projected graph: oversight coverage, centrality, "
        "communities, explanatory paths and what-if scenarios.\n\n"
        "Examples:\n\n"
        "  govkg analyze coverage --developer meta\n\n"
        "  govkg analyze explain llama-3.1-405b\n\n"
        "  govkg analyze scenario meta-agrees --format json"
    ),
    no_args_is_help=True,
)

FORMAT_HELP = "table, json, csv or tsv."
STORE_HELP = "Store directory."


def _graph(store: Path | None):  # type: ignore[no-untyped-def]
    """Open the store and project it the way the analyses need (with concepts)."""
    from govkg.graph.analysis.service import load_graph

    return load_graph(open_store(store))


def emit(
    fmt: str,
    data: Any,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    note: str | None = None,
) -> None:
    """Print ``data`` as JSON, or ``rows`` as a table / csv / tsv (one shape for every command).

    ``note`` is a sentence printed above the table (on stderr for csv/tsv, so pipes get only
    rows).
    """
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    if fmt in ("csv", "tsv"):
        cells = (["" if v is None else str(v) for v in row] for row in rows)
        sys.stdout.write(delimited(columns, cells, delimiter="," if fmt == "csv" else "\t"))
        if note:
            err_console.print(note, style="dim", soft_wrap=True)
        return
    from rich.table import Table

    if note:
        out_console.print(note, soft_wrap=True, markup=False)
    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    out_console.print(table)
    err_console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")


def coverage_cmd(
    as_of: str | None = typer.Option(None, "--as-of", help="Day to judge on (default today)."),
    developer: str | None = typer.Option(
        None, "--developer", help="Only this developer's models (id, IRI or label)."
    ),
    verdict: list[str] = typer.Option(
        [], "--verdict", help="Only models with this verdict (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Oversight coverage of every model: reviewed, agreement, inherited or uncovered.

    Examples:

      govkg analyze coverage --as-of 2025-01-01

      govkg analyze coverage --developer meta --verdict uncovered --format csv
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.analysis import VERDICTS
        from govkg.graph.analysis.service import coverage_dict
        from govkg.graph.errors import InputError

        unknown = [v for v in verdict if v not in VERDICTS]
        if unknown:
            raise InputError(f"--verdict: unknown {unknown}; known: {', '.join(VERDICTS)}")
        data = coverage_dict(_graph(store), as_of, developer)
        if verdict:
            data["models"] = [m for m in data["models"] if m["verdict"] in verdict]
        rows = [
            (
                m["label"],
                m["verdict"],
                ", ".join(m["developers"]),
                m["weights_access"],
                m["release_date"],
                m["model"],
            )
            for m in data["models"]
        ]
        totals = ", ".join(f"{k} {n}" for k, n in data["totals"].items())
        emit(
            fmt,
            data,
            ["model", "verdict", "developers", "weights access", "released", "iri"],
            rows,
            title=f"Oversight coverage on {data['as_of']}",
            note=f"totals: {totals}" if totals else "no models",
        )


def explain_cmd(
    model: str = typer.Argument(..., help="The model: id, IRI or label."),
    as_of: str | None = typer.Option(None, "--as-of", help="Day to judge on (default today)."),
    fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Why a model has its coverage verdict: the deciding facts, or the missing links.

    Examples:

      govkg analyze explain llama-3.1-405b

      govkg analyze explain gpt-4o --as-of 2025-01-01 --format json
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.analysis import explain
        from govkg.graph.analysis.service import today

        result = explain(_graph(store), model, as_of or today())
        rows = [
            (f.subject_label, f.predicate_label, f.object_label, " ".join(f.sources))
            for f in result.path
        ]
        rows += [("(missing)", m, "", "") for m in result.missing]
        emit(
            fmt,
            result.as_dict(),
            ["subject", "predicate", "object", "sources"],
            rows,
            title=f"{result.label}: {result.verdict}",
            note=result.text,
        )


def centrality_cmd(
    k: int = typer.Option(100, "--k", help="Betweenness sample size (0 = exact)."),
    kind: list[str] = typer.Option(
        [], "--kind", help="Only report this kind, e.g. AIDeveloper (repeatable)."
    ),
    top: int = typer.Option(10, "--top", help="Best N per kind by PageRank."),
    fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """PageRank, betweenness and degree, ranked within each kind.

    Examples:

      govkg analyze centrality --kind AIDeveloper --kind Agency --top 5
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.analysis.service import centrality_dict

        data = centrality_dict(_graph(store), k=k or None, kinds=kind, top=top)
        rows = [
            (
                r["kind"],
                r["pagerank_rank"],
                r["label"],
                f"{r['pagerank']:.5f}",
                f"{r['betweenness']:.5f}",
                r["degree"],
                r["node"],
            )
            for rows_ in data.values()
            for r in rows_
        ]
        emit(
            fmt,
            data,
            ["kind", "rank", "label", "pagerank", "betweenness", "degree", "iri"],
            rows,
            title="Centrality (ranked within kind)",
        )


def communities_cmd(
    fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Louvain communities, their kinds, best-connected members and recorded stances.

    Examples:

      govkg analyze communities --format json
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.analysis import communities

        report = communities(_graph(store))
        rows = [
            (
                c.index,
                c.size,
                ", ".join(f"{k} {n}" for k, n in c.kinds.items()),
                ", ".join(c.labels[:5]),
                "; ".join(f"{s}: {', '.join(h)}" for s, h in c.stances.items()),
            )
            for c in report.communities
        ]
        emit(
            fmt,
            report.as_dict(),
            ["community", "size", "kinds", "top members", "stances"],
            rows,
            title="Communities",
            note=f"modularity {report.modularity:.3f}",
        )


def path_cmd(
    a: str = typer.Argument(..., help="One end: id, IRI or label."),
    b: str = typer.Argument(..., help="The other end."),
    fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """The most direct explanatory path between two entities (hubs cost more), with sources.

    Examples:

      govkg analyze path meta ostp
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.analysis import explain_path

        result = explain_path(_graph(store), a, b)
        rows = [
            (i, f.subject_label, f.predicate_label, f.object_label, " ".join(f.sources))
            for i, step in enumerate(result.steps, start=1)
            for f in step
        ]
        emit(
            fmt,
            result.as_dict(),
            ["step", "subject", "predicate", "object", "sources"],
            rows,
            title=" → ".join(result.labels),
            note=f"{result.length} steps: {result.text}",
        )


def scenario_cmd(
    name: str | None = typer.Argument(None, help="A bundled scenario name or a YAML file."),
    list_: bool = typer.Option(False, "--list", help="List the bundled scenarios."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Day to judge on (default: the file's)."
    ),
    fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
    store: Path | None = typer.Option(None, "--store", help=STORE_HELP),
) -> None:
    """Run a what-if scenario on a copy of the graph: which models move, and the two tiers.

    The store is never changed.

    Examples:

      govkg analyze scenario --list

      govkg analyze scenario meta-agrees

      govkg analyze scenario my-scenario.yaml --as-of 2027-06-01 --format json
    """
    fmt = check_output_format(fmt)
    with handled():
        from govkg.graph.analysis import load_scenario, run_scenario
        from govkg.graph.analysis.service import bundled_scenarios

        if list_:
            items = bundled_scenarios()
            emit(
                fmt,
                items,
                ["name", "title", "as_of"],
                [(s["name"], s["title"], s["as_of"]) for s in items],
                title="Bundled scenarios (govkg analyze scenario NAME)",
            )
            return
        if name is None:
            raise typer.BadParameter("give a scenario name or file, or --list")
        scenario = load_scenario(name)  # a bad file fails before the store is read
        report = run_scenario(_graph(store), scenario, as_of=as_of)
        rows = [(m.label, m.before, m.after, m.model) for m in report.moves]
        tb, ta = report.tiers_before, report.tiers_after
        note = (
            f"{report.title} (on {report.as_of}): {len(report.moves)} models move. "
            f"Regulated tier {tb.regulated.count} → {ta.regulated.count}, unregulated "
            f"{tb.unregulated.count} → {ta.unregulated.count}; alignment "
            f"{tb.alignment:.2f} → {ta.alignment:.2f}."
        )
        emit(
            fmt,
            report.as_dict(),
            ["model", "before", "after", "iri"],
            rows,
            title=f"Scenario {report.scenario}",
            note=note,
        )


def register(app: typer.Typer) -> None:
    """Add ``govkg analyze`` and its subcommands to the ``govkg`` app."""
    analyze_app.command("coverage")(coverage_cmd)
    analyze_app.command("explain")(explain_cmd)
    analyze_app.command("centrality")(centrality_cmd)
    analyze_app.command("communities")(communities_cmd)
    analyze_app.command("path")(path_cmd)
    analyze_app.command("scenario")(scenario_cmd)
    app.add_typer(analyze_app)
