"""The competency questions: SPARQL files whose comment headers say what they answer.

Why a loader: the CQ tests, the docs and (later) ``govkg ontology`` all need each question's
title, wording and parameters, and those live only in the ``.rq`` header, so they are parsed in
one place. Header lines are ``# key: value``; an indented ``#   ...`` line continues the value.

    >>> names = [cq.name for cq in competency_questions()]
    >>> "models-derived-from" in names
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govkg.ontology.sparql_files import header

CQ_DIR = Path(__file__).resolve().parent
DATASET_FILE = CQ_DIR / "cq-dataset.trig"


@dataclass(frozen=True)
class CompetencyQuestion:
    """One ``.rq`` file: its name (file stem), header fields and full query text."""

    name: str
    path: Path
    query: str
    header: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def question(self) -> str:
        return self.header.get("question", "")

    @property
    def parameters(self) -> str:
        """The header's free-text parameter list ("none" when the query takes none)."""
        return self.header.get("parameters", "")

    @property
    def expected_file(self) -> Path:
        """Where the expected answers on the test dataset live."""
        return self.path.with_suffix(".expected.json")


def load_question(path: Path) -> CompetencyQuestion:
    """Read one competency question file."""
    text = path.read_text(encoding="utf-8")
    return CompetencyQuestion(name=path.stem, path=path, query=text, header=header(text))


def competency_questions(directory: Path = CQ_DIR) -> list[CompetencyQuestion]:
    """All competency questions, sorted by name."""
    return [load_question(p) for p in sorted(directory.glob("*.rq"))]
