"""Fixtures for the importer tests: real data paths, on-disk stores, small curated registries.

The real data sets live outside the repository (``../shared/data``, see the importers' docs);
tests that need them skip with the path they looked at when it is absent.
"""

from __future__ import annotations

import csv
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.store.embedded import Store
from govkg.ontology import ENTITIES_GRAPH

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
EPOCH_CSV = SHARED / "data" / "epoch" / "all-ml-systems.csv"
ECOSYSTEM_DIR = SHARED / "data" / "ecosystem-graphs"

#: A minimal curated entity registry, as the curated compiler would write it.
ENTITIES_TTL = """\
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkid: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

gkid:meta a gk:AIDeveloper ; rdfs:label "Meta"@en ;
    gk:alias "Meta AI", "Facebook AI Research", "Meta Platforms" .
gkid:google-deepmind a gk:AIDeveloper ; rdfs:label "Google DeepMind"@en ; gk:alias "DeepMind" .
gkid:us a gk:Jurisdiction ; rdfs:label "United States"@en ; gk:alias "United States of America" .
gkid:llama-3.1-405b a gk:AIModel ; rdfs:label "Llama 3.1 405B"@en ;
    gk:alias "Llama 3.1-405B", "Meta-Llama-3.1-405B" .
gkid:llama-3.1-70b a gk:AIModel ; rdfs:label "Llama 3.1 70B"@en .
gkid:llama-one a gk:ModelFamily, gk:AIModel ; rdfs:label "Llama One"@en ; gk:alias "Llama X" .
gkid:llama-two a gk:AIModel ; rdfs:label "Llama Two"@en ; gk:alias "Llama X" .
"""


@pytest.fixture(scope="session")
def epoch_csv() -> Path:
    """The real Epoch AI CSV, or a skip naming where it was looked for."""
    if not EPOCH_CSV.is_file():
        pytest.skip(f"real Epoch AI data not found at {EPOCH_CSV} (see docs/importers.md)")
    return EPOCH_CSV


@pytest.fixture(scope="session")
def ecosystem_dir() -> Path:
    """The real Ecosystem Graphs extract, or a skip naming where it was looked for."""
    if not (ECOSYSTEM_DIR / "assets").is_dir():
        pytest.skip(f"real Ecosystem Graphs data not found at {ECOSYSTEM_DIR} (docs/importers.md)")
    return ECOSYSTEM_DIR


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A real on-disk Oxigraph store in a temporary folder."""
    return Store.open(tmp_path / "store")


@pytest.fixture
def curated_store(store: Store) -> Store:
    """The on-disk store with :data:`ENTITIES_TTL` loaded into the entities graph."""
    store.oxigraph.load(
        ENTITIES_TTL.encode("utf-8"),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ENTITIES_GRAPH)),
    )
    return store


EPOCH_HEADER = [
    "System",
    "Organization",
    "Publication date",
    "Model accessibility",
    "Parameters",
    "Training compute (FLOP)",
    "Country (from Organization)",
    "Frontier model",
    "Base model",
    "Link",
]


@pytest.fixture
def write_epoch(tmp_path: Path) -> Callable[..., Path]:
    """Write a small Epoch-style CSV (dict rows; missing columns are empty) and return it."""

    def write(rows: list[dict[str, str]], name: str = "epoch.csv", readme: str | None = None):
        folder = tmp_path / f"epoch-{name.removesuffix('.csv')}"
        folder.mkdir(exist_ok=True)
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=EPOCH_HEADER)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in EPOCH_HEADER})
        if readme is not None:
            (folder / "README.md").write_text(readme, encoding="utf-8")
        return path

    return write


#: A cut-down upstream schemas.yaml: enough fields for the fixtures' records.
SCHEMAS_YAML = """\
model:
  - name: name
  - name: organization
  - name: description
  - name: created_date
  - name: url
  - name: size
  - name: dependencies
  - name: access
  - name: license
  - name: nationality
dataset:
  - name: name
  - name: organization
  - name: created_date
  - name: url
  - name: dependencies
  - name: access
  - name: license
application:
  - name: name
  - name: organization
  - name: created_date
  - name: url
  - name: dependencies
  - name: access
  - name: license
  - name: terms_of_service
"""


@pytest.fixture
def write_ecosystem(tmp_path: Path) -> Callable[..., Path]:
    """Write an Ecosystem Graphs folder (``assets/<file>.yaml`` + ``schemas.yaml``)."""

    def write(files: dict[str, str], name: str = "eg", readme: str | None = None) -> Path:
        folder = tmp_path / name
        (folder / "assets").mkdir(parents=True, exist_ok=True)
        (folder / "schemas.yaml").write_text(SCHEMAS_YAML, encoding="utf-8")
        for file_name, content in files.items():
            (folder / "assets" / file_name).write_text(textwrap.dedent(content), encoding="utf-8")
        if readme is not None:
            (folder / "README.md").write_text(readme, encoding="utf-8")
        return folder

    return write


def graph_count(store: Store, graph: str, where: str) -> int:
    """``COUNT(DISTINCT ?m)`` of a WHERE body evaluated inside one named graph."""
    query = f"""
        PREFIX gk: <https://w3id.org/govkg/ontology#>
        PREFIX gkc: <https://w3id.org/govkg/concept/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ GRAPH <{graph}> {{ {where} }} }}"""
    return int(next(iter(store.query(query)))["n"].value)


@pytest.fixture(scope="session")
def count() -> Callable[[Store, str, str], int]:
    """:func:`graph_count`, as a fixture so test modules need not import this conftest."""
    return graph_count
