"""Fixtures for the ontology tests: the ontology, the CQ dataset, and the shared seed folder.

Why here and not in tests/conftest.py: that file belongs to the project lead; these fixtures
only concern ontology/ (shapes, competency questions, reasoner, reference page).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.ontology.cq import DATASET_FILE
from govkg.ontology.validation import load_ontology
from rdflib import Dataset, Graph

REPO = Path(__file__).resolve().parents[2]
#: ../shared next to the repository (reference ontologies, seed); absent on a fresh clone.
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The parsed govkg.ttl (tests must not modify it; copy first)."""
    return load_ontology()


@pytest.fixture()
def cq_dataset() -> Dataset:
    """The competency-question dataset, freshly parsed so a test may break it."""
    dataset = Dataset()
    dataset.parse(DATASET_FILE, format="trig")
    return dataset


@pytest.fixture()
def cq_triples(cq_dataset: Dataset) -> Graph:
    """The CQ dataset flattened into one graph: what the shapes see."""
    graph = Graph()
    for s, p, o, _ in cq_dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder; skips the test when it is not beside the repository."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (it sits beside the repository on the dev machine)")
    return SHARED
