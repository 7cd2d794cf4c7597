"""The Epoch AI importer on the real CSV: counts match the raw file, re-import replaces."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.importers import import_epoch
from govkg.graph.importers.common import value_mapping
from govkg.graph.importers.names import model_key
from govkg.graph.store.embedded import Store

GRAPH = "https://w3id.org/govkg/graph/import-epoch"


def raw_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def skipped_names(report) -> set[str]:
    """Names of skipped rows, read back from the problems' messages."""
    names = set()
    for problem in report.skipped:
        assert "(" in problem.message, problem
        names.add(problem.message.split("(", 1)[1].split(")", 1)[0].strip("'\""))
    return names


@pytest.fixture(scope="module")
def imported(tmp_path_factory, epoch_csv):
    """One real import into an on-disk store, shared by this module's tests."""
    store = Store.open(tmp_path_factory.mktemp("epoch") / "store")
    return store, import_epoch(store, epoch_csv)


def test_counts_per_accessibility_match_the_raw_file(imported, epoch_csv, count):
    store, report = imported
    rows = raw_rows(epoch_csv)
    assert report.rows_read == len(rows)
    skipped = skipped_names(report)
    assert len(skipped) == len(report.skipped)

    # independently from the raw file: rows per accessibility value, less the rows reported
    kept = [r for r in rows if r["System"].strip() not in skipped]
    expected = Counter(r["Model accessibility"].strip() for r in kept)
    mapping = value_mapping("epochValue")
    assert set(expected) - {""} <= set(mapping), "every raw value has a concept"
    for value, concept in mapping.items():
        got = count(store, GRAPH, f"?m a gk:AIModel ; gk:weightsAccess <{concept.value}>")
        assert got == expected[value], value
    assert count(store, GRAPH, "?m a gk:AIModel") == len(kept) == report.imported["model"]
    frontier = sum(1 for r in kept if r["Frontier model"].strip() == "checked")
    assert count(store, GRAPH, "?m gk:frontierModel true") == frontier
    with_base = sum(1 for r in kept if r["Base model"].strip())
    assert count(store, GRAPH, "?m gk:baseModel ?b") == with_base - len(report.warnings)


def test_every_skipped_row_is_reported_with_file_line_and_field(imported, epoch_csv):
    _, report = imported
    rows = raw_rows(epoch_csv)
    skipped = skipped_names(report)
    no_developer = {r["System"].strip() for r in rows if not r["Organization"].strip()}
    assert no_developer and no_developer <= skipped
    keys = Counter(model_key(r["System"]) for r in rows)
    duplicated = {r["System"].strip() for r in rows if keys[model_key(r["System"])] > 1}
    # of each set of rows sharing a name, all but the first are reported
    assert len(skipped & duplicated) == sum(n - 1 for n in keys.values() if n > 1)
    for problem in report.skipped:
        assert problem.file == str(epoch_csv) and problem.line and problem.field
    assert len(skipped) == len(no_developer) + sum(n - 1 for n in keys.values() if n > 1)


def test_reimport_replaces_the_graph(imported, epoch_csv):
    store, first = imported
    graph = ox.NamedNode(GRAPH)
    size = len(list(store.oxigraph.quads_for_pattern(None, None, None, graph)))
    second = import_epoch(store, epoch_csv)
    again = len(list(store.oxigraph.quads_for_pattern(None, None, None, graph)))
    assert first.quads == second.quads == size == again
