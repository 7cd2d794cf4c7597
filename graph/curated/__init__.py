"""Curated data: the YAML under ``graph/data/`` compiled into validated, sourced RDF.

Public API (see ``docs/data-format.md`` for the format)::

    from govkg.graph.curated import DATA_DIR, compile_data, validate

    problems = validate()                 # [] when the bundled data is clean
    data = compile_data()                 # raises DataValidationError listing every problem
    data.to_nquads()                      # deterministic bytes: same input, same output

Every problem is a :class:`govkg.graph.errors.Problem` with file (relative to the repository when
inside it), line, column, field (``statements[3].model``), message and a did-you-mean hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from govkg.graph.curated.compiler import iter_ox_quads, run, to_dataset
from govkg.graph.curated.output import Output
from govkg.graph.errors import DataValidationError, Problem
from rdflib import Dataset

#: The bundled curated data: ``graph/data`` next to this package.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

__all__ = ["DATA_DIR", "CompiledData", "compile_data", "validate"]


@dataclass
class CompiledData:
    """The compiled, validated data: quads by named graph, plus counts for build reports."""

    output: Output
    statement_count: int
    source_count: int

    @property
    def dataset(self) -> Dataset:
        """An rdflib Dataset of all quads (built on demand; use ``iter_quads`` to load stores)."""
        return to_dataset(self.output.quads)

    @property
    def graph_names(self) -> list[str]:
        """IRIs of the named graphs, sorted: the entities graph and one per source."""
        return sorted({str(q[3]) for q in self.output.quads})

    def iter_quads(self) -> Iterator[ox.Quad]:
        """pyoxigraph quads, deduplicated: the fast path for ``Store.bulk_extend``."""
        return iter_ox_quads(self.output.quads)

    def to_nquads(self) -> bytes:
        """Sorted N-Quads: byte-identical for identical input, so builds can be diffed."""
        text = ox.serialize(self.iter_quads(), format=ox.RdfFormat.N_QUADS) or b""
        lines = sorted(set(text.decode("utf-8").splitlines()))
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def compile_data(data_dir: Path = DATA_DIR) -> CompiledData:
    """Compile and validate all curated data; raise one error listing every problem."""
    comp = run(Path(data_dir))
    if comp.problems:
        raise DataValidationError(_summary(comp.problems), problems=comp.problems)
    return CompiledData(
        output=comp.out,
        statement_count=sum(s.statements for s in comp.sources),
        source_count=len(comp.sources),
    )


def validate(data_dir: Path = DATA_DIR, files: list[Path] | None = None) -> list[Problem]:
    """All problems of the data (or of only ``files``, resolved against the entity files)."""
    return run(Path(data_dir), files).problems


def _summary(problems: list[Problem]) -> str:
    files = sorted({p.file for p in problems if p.file})
    n = len(problems)
    where = f" in {len(files)} file{'s' if len(files) != 1 else ''}" if files else ""
    return f"the curated data has {n} problem{'s' if n != 1 else ''}{where}"
