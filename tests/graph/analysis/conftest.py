"""Small hand-built graphs in the projection schema, with answers worked out on paper.

The "world" graph (dates chosen so each rule is exercised once):

- agency ``aisi``; developers ``acme`` (agreement 2024-08-29 .. 2025-06-02), ``bolt``
  (negotiating a testing agreement), ``tuner`` (fine-tunes others' models, no agreement);
- ``acme-1`` (released 2024-05-13): agreement came later → ``agreement-after-release``;
- ``acme-2`` (released 2024-10-01): agreement in force at release → ``agreement-at-release``;
- ``acme-3`` (released 2025-07-01, after the agreement ended) → ``uncovered`` on 2025-12-31;
- ``bolt-base`` (reviewed pre-deployment 2024-03-01) → ``reviewed``;
  ``bolt-post`` (evaluated after release, stage not recorded) → ``reviewed-post-deployment``;
- lineage chain ``tuned-1`` → ``tuned-2`` → ``tuned-3`` (each the base of the next, ``tuned-1``'s
  base is ``bolt-base``) → all ``inherited``;
- ``tuned-acme`` (base ``acme-2``, which is only agreement-covered) → ``uncovered``;
- ``bolt-open`` (open weights, nothing) → ``uncovered``.
"""

from __future__ import annotations

import networkx as nx
import pytest
from govkg.graph.analysis.build import (
    add_entity,
    add_evaluation,
    add_model,
    add_participation,
    iri,
)

AS_OF = "2025-12-31"


def build_world() -> nx.MultiDiGraph:
    """The world graph described in the module docstring."""
    g = nx.MultiDiGraph()
    add_entity(g, "aisi", "Agency", "AISI")
    add_entity(g, "acme", "AIDeveloper", "Acme")
    add_entity(g, "bolt", "AIDeveloper", "Bolt")
    add_entity(g, "tuner", "AIDeveloper", "Tuner")
    add_entity(
        g,
        "acme-pact",
        "TestingAgreement",
        "Acme pact",
        valid_from="2024-08-29",
        valid_until="2025-06-02",
    )
    add_entity(g, "bolt-pact", "TestingAgreement", "Bolt pact")
    add_participation(g, "p-acme", "acme", "acme-pact", "signed", date="2024-08-29")
    add_participation(g, "p-bolt", "bolt", "bolt-pact", "negotiating", date="2025-01-10")
    add_model(
        g,
        "acme-1",
        "Acme 1",
        developer="acme",
        release_date="2024-05-13",
        weights_access="api-access",
    )
    add_model(
        g,
        "acme-2",
        "Acme 2",
        developer="acme",
        release_date="2024-10-01",
        weights_access="api-access",
    )
    add_model(
        g,
        "acme-3",
        "Acme 3",
        developer="acme",
        release_date="2025-07-01",
        weights_access="api-access",
    )
    add_model(
        g,
        "bolt-base",
        "Bolt Base",
        developer="bolt",
        release_date="2024-04-01",
        weights_access="open-weights-restricted",
    )
    add_evaluation(g, "ev-base", "bolt-base", ["aisi"], date="2024-03-01")
    add_model(
        g,
        "bolt-post",
        "Bolt Post",
        developer="bolt",
        release_date="2024-04-01",
        weights_access="api-access",
    )
    add_evaluation(g, "ev-post", "bolt-post", ["aisi"], stage=None, date="2024-06-01")
    add_model(
        g,
        "bolt-open",
        "Bolt Open",
        developer="bolt",
        release_date="2024-04-01",
        weights_access="open-weights-unrestricted",
    )
    add_model(
        g,
        "tuned-1",
        "Tuned 1",
        developer="tuner",
        base_model="bolt-base",
        release_date="2024-05-01",
        weights_access="open-weights-unrestricted",
    )
    add_model(
        g,
        "tuned-2",
        "Tuned 2",
        developer="tuner",
        base_model="tuned-1",
        release_date="2024-06-01",
        weights_access="open-weights-unrestricted",
    )
    add_model(
        g,
        "tuned-3",
        "Tuned 3",
        developer="tuner",
        base_model="tuned-2",
        release_date="2024-07-01",
        weights_access="open-weights-unrestricted",
    )
    add_model(
        g,
        "tuned-acme",
        "Tuned Acme",
        developer="tuner",
        base_model="acme-2",
        release_date="2024-11-01",
        weights_access="open-weights-unrestricted",
    )
    return g


@pytest.fixture
def world() -> nx.MultiDiGraph:
    """A fresh copy of the world graph for each test."""
    return build_world()


@pytest.fixture
def m():
    """Model IRI from a short id."""
    return iri
