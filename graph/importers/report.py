"""What an import did: rows read, entities created and merged, records skipped and why.

Why one object for both modes: the lenient mode (the default) records every problem and carries
on, skipping only the record concerned; the strict mode raises on the first problem. Both go
through :meth:`ImportReport.skip` / :meth:`ImportReport.warn`, so the rules of what counts as a
problem live in the importers and the mode is decided here, once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from govkg.graph.errors import DataValidationError, Problem


@dataclass(frozen=True)
class Ambiguity:
    """A name that matched several existing entities; the importer kept its own node instead."""

    name: str
    kind: str
    candidates: tuple[str, ...]
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        text = f"{self.kind} {self.name!r} matches {len(self.candidates)} entities: " + ", ".join(
            f"<{c}>" for c in self.candidates
        )
        return f"{where}: {text}" if where else text


@dataclass
class ImportReport:
    """The outcome of one import, for the CLI's summary and for tests.

    ``created`` and ``merged`` count distinct entities (models, organisations, jurisdictions,
    data sets, applications): *merged* ones were resolved to a node that already existed (a
    curated entity or a node of the other import), *created* ones were minted by this import.
    ``skipped`` holds one :class:`Problem` per record left out; ``warnings`` hold values dropped
    from records that were kept (a dependency naming no asset, an unusable link).
    """

    dataset: str
    graph: str
    path: str
    strict: bool = False
    rows_read: int = 0
    imported: Counter[str] = field(default_factory=Counter)
    created: int = 0
    merged: int = 0
    merged_names: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    quads: int = 0
    seconds: float = 0.0

    def skip(self, problem: Problem) -> None:
        """Record a problem that leaves a record out (strict mode: raise it instead)."""
        self._raise_if_strict(problem)
        self.skipped.append(problem)

    def warn(self, problem: Problem) -> None:
        """Record a value dropped from a kept record (strict mode: raise it instead)."""
        self._raise_if_strict(problem)
        self.warnings.append(problem)

    def _raise_if_strict(self, problem: Problem) -> None:
        if self.strict:
            raise DataValidationError(
                f"{self.dataset} import stopped at the first problem (strict mode); "
                "nothing was written",
                problems=[problem],
            )

    def summary(self) -> str:
        """A few lines for a person: counts first, then every skipped record and ambiguity."""
        kinds = ", ".join(f"{n} {kind}s" for kind, n in sorted(self.imported.items())) or "nothing"
        lines = [
            f"{self.dataset}: read {self.rows_read} records from {self.path} in "
            f"{self.seconds:.2f} s",
            f"  imported {kinds} into <{self.graph}> ({self.quads} triples)",
            f"  entities: {self.created} created, {self.merged} merged with existing entities",
            f"  skipped {len(self.skipped)} records, dropped {len(self.warnings)} values, "
            f"{len(self.ambiguous)} ambiguous names",
        ]
        if self.skipped:
            lines.append("skipped records:")
            lines.extend(f"  {p}" for p in self.skipped)
        if self.ambiguous:
            lines.append("ambiguous names (not merged):")
            lines.extend(f"  {a}" for a in self.ambiguous)
        if self.warnings:
            lines.append("dropped values:")
            lines.extend(f"  {p}" for p in self.warnings)
        return "\n".join(lines)
