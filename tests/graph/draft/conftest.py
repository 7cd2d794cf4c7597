"""Shared helpers of the drafter's tests: the annotated set and its scoring.

The annotated set is ``tests/fixtures/draft/*.yaml``: one annotation per document, written by
hand before the drafter was tuned (docs/draft.md, "Measured"). The founding article is read
from ``../shared/seed/`` (never copied into the repository); without it that document is
skipped and the figures are computed over the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "draft"
SEED_DIR = REPO.parent / "shared" / "seed"
#: Key fields compared per statement kind (docs/draft.md): the other fields are for the curator.
KEY_FIELDS = {
    "participation": ("party", "instrument", "status"),
    "evaluation": ("model", "evaluators", "stage"),
    "release": ("model", "developer"),
    "action": ("actor", "type", "targets"),
    "stance": ("holder", "stance"),
    "claim": ("claimant",),
}


@dataclass
class Annotated:
    """One annotated document: where it is, what a curator expects from it."""

    name: str
    path: Path | None
    entities: dict[str, str]
    statements: list[dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)


def load_annotations(folder: Path = FIXTURES) -> list[Annotated]:
    """Every annotation of the set, the seed's with ``path=None`` when ../shared is absent."""
    yaml = YAML(typ="safe")
    out = []
    for file in sorted(folder.glob("*.yaml")):
        data = yaml.load(file.read_text(encoding="utf-8"))
        if "seed" in data:
            path = SEED_DIR / data["seed"]
            path = path if path.exists() else None
        else:
            path = folder / data["document"]
        out.append(
            Annotated(
                file.stem,
                path,
                {str(k): str(v) for k, v in data["entities"].items()},
                list(data["statements"]),
                dict(data.get("metadata") or {}),
            )
        )
    return out


def mention_key(text: str) -> str:
    """A mention as compared: case-folded, no leading "the", no possessive, spaces collapsed."""
    text = re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"'s$", "", text)


def predicted_links(draft) -> set[tuple[str, str]]:
    """(mention, registry id or NEW) pairs of a draft, one per distinct mention text."""
    return {(mention_key(m.text), m.id or "NEW") for m in draft.mentions}


def gold_links(doc: Annotated) -> set[tuple[str, str]]:
    return {(mention_key(k), v) for k, v in doc.entities.items()}


def statement_matches(gold: dict[str, Any], cand) -> bool:
    """Whether a candidate has the gold statement's kind and every key field it gives."""
    if gold["kind"] != cand.kind:
        return False
    for name in KEY_FIELDS[gold["kind"]]:
        if name not in gold:
            continue
        want, got = gold[name], cand.fields.get(name)
        if isinstance(want, list):
            have = got if isinstance(got, list) else [got]
            if not set(want) <= set(have):
                return False
        elif want != got:
            return False
    return True


def match_statements(gold: list[dict[str, Any]], cands: list) -> int:
    """How many gold statements are found, each by a different candidate (greedy, in order)."""
    used: set[int] = set()
    found = 0
    for g in gold:
        for i, cand in enumerate(cands):
            if i not in used and statement_matches(g, cand):
                used.add(i)
                found += 1
                break
    return found


def statement_precision(gold: list[dict[str, Any]], cands: list) -> int:
    """How many candidates match some gold statement (a correct candidate, even if repeated)."""
    return sum(1 for c in cands if any(statement_matches(g, c) for g in gold))


class Scoring:
    """The scoring functions, handed to tests by the ``scoring`` fixture."""

    predicted_links = staticmethod(predicted_links)
    gold_links = staticmethod(gold_links)
    match_statements = staticmethod(match_statements)
    statement_precision = staticmethod(statement_precision)
    mention_key = staticmethod(mention_key)


@pytest.fixture(scope="session")
def annotated() -> list[Annotated]:
    """The annotated set."""
    return load_annotations()


@pytest.fixture(scope="session")
def held_out() -> list[Annotated]:
    """Documents kept out of the set the drafter was tuned on (``heldout/``)."""
    return load_annotations(FIXTURES / "heldout")


@pytest.fixture(scope="session")
def scoring() -> type[Scoring]:
    """The scoring functions (a test module never imports another test module)."""
    return Scoring
