"""``govkg viz`` and ``govkg import`` (in-process, see support.cli) on real stores and files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from govkg.graph.store.embedded import Store
from support.cli import invoke

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
EPOCH_CSV = SHARED_DATA / "epoch" / "all-ml-systems.csv"
ECOSYSTEM_DIR = SHARED_DATA / "ecosystem-graphs"
IMPORT_EPOCH = "https://w3id.org/govkg/graph/import-epoch"
IMPORT_ECO = "https://w3id.org/govkg/graph/import-ecosystem-graphs"


@pytest.fixture(scope="module")
def built(bundled_store: Path) -> Path:
    """The session's bundled store (``govkg viz`` only reads it)."""
    return bundled_store


@pytest.fixture
def store(bundled_store_copy: Path) -> Path:
    """A private copy of the bundled store, for tests that write."""
    return bundled_store_copy


def page_data(html: str) -> dict:
    found = re.search(r'id="gk-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries its graph data"
    return json.loads(found[1])


def assert_offline(html: str) -> None:
    """Nothing the browser would fetch: no element src=, no <link href>, no @import, no url(//).

    (The inlined vis-network code mentions ``src=`` in strings; elements are what load.)
    """
    assert not re.search(r"<(script|img|iframe|audio|video|embed)[^>]*\ssrc=", html, re.I)
    assert not re.search(r"<link[^>]*href=", html, re.I)
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "default-src 'none'" in html, "the page's own CSP forbids every fetch"


def test_viz_focus_writes_a_self_contained_page(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "meta.html"
    r = invoke("viz", "-o", str(out), "--focus", "meta", "--depth", "1", store=built)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert_offline(html)
    data = page_data(html)
    ids = {n["id"] for n in data["nodes"]}
    assert "https://w3id.org/govkg/id/meta" in ids
    assert f"({len(data['nodes'])} nodes" in r.stdout
    covs = {n.get("cov") for n in data["nodes"]}
    assert "uncovered" in covs, "Meta's models are coloured as uncovered"


def test_viz_coverage_gap_and_scenario_pages(built: Path, tmp_path: Path) -> None:
    gap = tmp_path / "gap.html"
    r = invoke("viz", "-o", str(gap), "--coverage-gap", "--as-of", "2026-11-28", store=built)
    assert r.returncode == 0, r.stderr
    nodes = page_data(gap.read_text(encoding="utf-8"))["nodes"]
    assert any(n.get("cov") == "uncovered" for n in nodes)
    what_if = tmp_path / "what-if.html"
    r = invoke("viz", "-o", str(what_if), "--scenario", "meta-agrees", store=built)
    assert r.returncode == 0, r.stderr
    assert page_data(what_if.read_text(encoding="utf-8"))["mode"] == "scenario"


def test_viz_refuses_too_many_nodes_and_writes_nothing(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "big.html"
    r = invoke("viz", "-o", str(out), "--max-nodes", "10", store=built)
    assert r.returncode == 1
    assert "more than the visualisation limit of 10" in r.stderr
    assert not out.exists()
    r = invoke("viz", "-o", str(out), "--focus", "meta", "--coverage-gap", store=built)
    assert r.returncode == 1 and "only one of" in r.stderr


def test_viz_question_result(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.html"
    r = invoke(
        "viz",
        "-o",
        str(out),
        "--question",
        "models-by-developer",
        "--param",
        "developer=meta",
        store=built,
    )
    assert r.returncode == 0, r.stderr
    labels = {n["label"] for n in page_data(out.read_text(encoding="utf-8"))["nodes"]}
    assert "Llama 3.1 405B" in labels


def graph_size(store: Path, graph: str) -> int:
    return Store.open(store, read_only=True).quad_count(graph)


def test_import_epoch_real_file(store: Path) -> None:
    if not EPOCH_CSV.is_file():
        pytest.skip(f"real Epoch AI data not found at {EPOCH_CSV} (see docs/importers.md)")
    r = invoke("import", "epoch", str(EPOCH_CSV), store=store)
    assert r.returncode == 0, r.stderr
    assert "Epoch AI: read" in r.stdout and "imported" in r.stdout
    quads = int(re.search(r"\((\d+) triples\)", r.stdout)[1])
    assert quads > 0 and graph_size(store, IMPORT_EPOCH) == quads


def test_import_ecosystem_graphs_real_folder(store: Path) -> None:
    if not (ECOSYSTEM_DIR / "assets").is_dir():
        pytest.skip(f"real Ecosystem Graphs data not found at {ECOSYSTEM_DIR} (docs/importers.md)")
    r = invoke("import", "ecosystem-graphs", str(ECOSYSTEM_DIR), store=store)
    assert r.returncode == 0, r.stderr
    quads = int(re.search(r"\((\d+) triples\)", r.stdout)[1])
    assert quads > 0 and graph_size(store, IMPORT_ECO) == quads


MESSY_CSV = (
    "System,Organization,Publication date,Model accessibility,Parameters\n"
    "Good-1,Acme AI,2024-01-02,,7000000000\n"
    "Bad-2,Acme AI,March 2024,,\n"
)


def test_import_messy_file_strict_and_lenient(store: Path, tmp_path: Path) -> None:
    messy = tmp_path / "messy.csv"
    messy.write_text(MESSY_CSV, encoding="utf-8")
    strict = invoke("import", "epoch", str(messy), "--strict", store=store)
    assert strict.returncode == 1
    assert f"{messy}:3" in strict.stderr and "Bad-2" in strict.stderr
    assert "Publication date" in strict.stderr and "Traceback" not in strict.stderr
    assert graph_size(store, IMPORT_EPOCH) == 0, "strict failure writes nothing"
    lenient = invoke("import", "epoch", str(messy), store=store)
    assert lenient.returncode == 0, lenient.stderr
    assert "skipped 1 records" in lenient.stdout and "Bad-2" in lenient.stdout
    assert graph_size(store, IMPORT_EPOCH) > 0


def test_import_messy_ecosystem_folder_strict(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "eg"
    (folder / "assets").mkdir(parents=True)
    (folder / "schemas.yaml").write_text(
        "model:\n  - name: name\n  - name: organization\n  - name: created_date\n",
        encoding="utf-8",
    )
    (folder / "assets" / "acme.yaml").write_text(
        "- type: model\n  name: Acme-7B\n  organization: Acme AI\n  created_date: 2022\n",
        encoding="utf-8",
    )
    r = invoke("import", "ecosystem-graphs", str(folder), "--strict", store=store)
    assert r.returncode == 1
    assert "acme.yaml:" in r.stderr and "Acme-7B" in r.stderr and "created_date" in r.stderr
    assert graph_size(store, IMPORT_ECO) == 0
