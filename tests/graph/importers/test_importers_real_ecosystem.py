"""The Ecosystem Graphs importer on the real extract: counts match the raw YAML."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from govkg.graph.importers import import_ecosystem_graphs
from govkg.graph.importers.common import value_mapping
from govkg.graph.importers.names import model_key
from govkg.graph.store.embedded import Store
from ruamel.yaml import YAML

GRAPH = "https://w3id.org/govkg/graph/import-ecosystem-graphs"


def raw_records(directory: Path) -> list[tuple[str, int, dict]]:
    """(file, line, record) of every record, read with a separate YAML loader."""
    yaml = YAML(typ="rt")
    out = []
    for path in sorted((directory / "assets").glob("*.yaml")):
        seq = yaml.load(path.read_text("utf-8")) or []
        out.extend((str(path), seq.lc.item(i)[0] + 1, record) for i, record in enumerate(seq))
    return out


def record_of(records, file: str, line: int) -> tuple[str, int]:
    """The (file, start line) of the record holding ``line``: problems point at the field."""
    starts = [start for f, start, _ in records if f == file and start <= line]
    assert starts, (file, line)
    return file, max(starts)


def skipped_records(report, records) -> dict[tuple[str, int], object]:
    """Skipped problems keyed by the record they belong to (one problem per record)."""
    out = {record_of(records, p.file, p.line): p for p in report.skipped}
    assert len(out) == len(report.skipped), "one problem per skipped record"
    return out


def value(field):
    return field.get("value") if isinstance(field, dict) else field


@pytest.fixture(scope="module")
def imported(tmp_path_factory, ecosystem_dir):
    """One real import into an on-disk store, shared by this module's tests."""
    store = Store.open(tmp_path_factory.mktemp("eg") / "store")
    report = import_ecosystem_graphs(store, ecosystem_dir)
    return store, report, raw_records(ecosystem_dir)


def test_counts_per_type_and_access_match_the_raw_files(imported, count):
    store, report, records = imported
    assert report.rows_read == len(records)
    skipped = skipped_records(report, records)

    by_type, by_access = Counter(), Counter()
    for file, line, record in records:
        if (file, line) in skipped:
            continue
        by_type[record["type"]] += 1
        if record["type"] == "model":
            by_access[str(value(record.get("access"))).strip().lower()] += 1
    assert dict(report.imported) == dict(by_type)
    assert count(store, GRAPH, "?m a gk:AIModel") == by_type["model"]
    for kind, dcmi in (("dataset", "Dataset"), ("application", "Service")):
        got = count(store, GRAPH, f"?m dcterms:type <http://purl.org/dc/dcmitype/{dcmi}>")
        assert got == by_type[kind]
    for upstream, concept in value_mapping("ecosystemGraphsValue").items():
        got = count(store, GRAPH, f"?m a gk:AIModel ; gk:weightsAccess <{concept.value}>")
        assert got == by_access[upstream], upstream
    assert sum(by_access.values()) == by_type["model"]


def test_messy_real_records_are_reported(imported, ecosystem_dir):
    store, report, records = imported
    skipped = skipped_records(report, records)
    # the record with a stray top-level key (anthropic.yaml's 'value')
    schema = YAML(typ="safe").load((ecosystem_dir / "schemas.yaml").read_text("utf-8"))
    fields = {f["name"] for spec in schema.values() for f in spec} | {"type"}
    stray = [(file, line) for file, line, r in records if set(r) - fields]
    assert stray
    for where in stray:
        assert where in skipped and "unexpected top-level key" in skipped[where].message
    # every repeated name is reported at each occurrence after the first
    first: dict[str, tuple[str, int]] = {}
    for file, line, r in records:
        key = model_key(str(value(r["name"])))
        if key in first:
            assert (file, line) in skipped, (file, line)
            assert "duplicate asset name" in skipped[(file, line)].message
        first.setdefault(key, (file, line))
    # models without a developer are skipped, not imported without one
    for file, line, r in records:
        org = str(value(r.get("organization")) or "").strip().lower()
        if r["type"] == "model" and org in ("", "unknown", "none"):
            assert (file, line) in skipped
    text = report.summary()
    assert "skipped records:" in text and "dropped values:" in text


def test_reimport_replaces_the_graph(imported, ecosystem_dir):
    store, first, _ = imported
    second = import_ecosystem_graphs(store, ecosystem_dir)
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert first.quads == second.quads == int(next(iter(rows))["n"].value)
