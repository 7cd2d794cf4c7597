"""``govkg viz -o FILE.html``: write one self-contained, offline graph page.

Why a command as well as ``GET /viz``: an analyst can send the file to someone, or open it with
no server at all. The page is built by :func:`govkg.viz.render.render_page`, the same
code the
route uses: nodes sized by PageRank, models coloured by their coverage verdict, source titles
and links in the info panel.
"""

from __future__ import annotations

from pathlib import Path

import typer
from govkg.api.cli.common import handled, open_store, out_console

VIZ_HELP = """Write an interactive graph page (one HTML file that works offline).

Draw the whole graph, or one of: an entity's neighbourhood (--focus, --depth), a named
question's result (--question, --param k=v), the models outside review (--coverage-gap), or a
what-if scenario's before/after (--scenario). Larger drawings than --max-nodes are refused
with a hint to narrow them.

Examples:

  govkg viz -o graph.html --focus meta --depth 1

  govkg viz -o gap.html --coverage-gap --as-of 2025-01-01

  govkg viz -o q.html --question models-by-developer --param developer=meta

  govkg viz -o what-if.html --scenario meta-agrees
"""


def viz(
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write."),
    focus: str | None = typer.Option(None, "--focus", help="Entity id, IRI or label."),
    depth: int | None = typer.Option(
        None, "--depth", help="Hops around --focus (default 2) or a question's result (1)."
    ),
    question: str | None = typer.Option(None, "--question", help="A named question (govkg ask)."),
    param: list[str] = typer.Option([], "--param", "-p", help="Question parameter name=value."),
    coverage_gap: bool = typer.Option(
        False, "--coverage-gap", help="Uncovered models, their developers, the reviewing agencies."
    ),
    scenario: str | None = typer.Option(None, "--scenario", help="Bundled scenario or YAML file."),
    as_of: str | None = typer.Option(None, "--as-of", help="Day for coverage colours."),
    max_nodes: int = typer.Option(5000, "--max-nodes", help="Refuse bigger drawings."),
    store: Path | None = typer.Option(None, "--store", help="Store directory."),
) -> None:
    """Write an interactive graph page."""
    with handled():
        from govkg.api.cli.query import _parse_params
        from govkg.graph.analysis.service import Snapshot, VizRequest
        from govkg.graph.errors import InputError
        from govkg.viz.render import render_page

        if param and not question:
            raise InputError("--param is for --question; give --question NAME too")
        req = VizRequest(
            focus=focus,
            depth=depth,
            question=question,
            params=_parse_params(param),
            coverage_gap=coverage_gap,
            scenario=scenario,
            as_of=as_of,
            max_nodes=max_nodes,
        )
        s = open_store(store)
        page = render_page(s, Snapshot.of(s), req)
        tmp = output.with_name(output.name + ".tmp")
        try:
            tmp.write_text(page.html, encoding="utf-8")
            tmp.replace(output)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(f"{output}: cannot write the page: {exc.strerror}") from None
        out_console.print(
            f"wrote {output} ({page.nodes} nodes, {page.edges} edges): {page.title}",
            markup=False,
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add ``govkg viz`` to the ``govkg`` app."""
    app.command("viz", help=VIZ_HELP)(viz)
