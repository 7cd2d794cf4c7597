"""govkg release: the files round-trip, the checksums verify, the VoID counts are the store's."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.diff import Side, compare, load_side
from govkg.graph.errors import InputError
from govkg.graph.release import make_release
from govkg.graph.store.embedded import Store

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def release_dir(bundled_memory_store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rel") / "1.0"
    backend = Store(bundled_memory_store, path=None, read_only=True)
    make_release(backend, out, version="1.0")
    return out


def _lines(store: ox.Store) -> set[str]:
    return {str(q) for q in store}


def test_dumps_load_into_a_fresh_store_unchanged(
    release_dir: Path, bundled_memory_store: ox.Store
) -> None:
    expected = _lines(bundled_memory_store)
    for name, fmt in (
        ("govkg-1.0.nq.gz", ox.RdfFormat.N_QUADS),
        ("govkg-1.0.trig.gz", ox.RdfFormat.TRIG),
    ):
        fresh = ox.Store()
        with gzip.open(release_dir / name, "rb") as fh:
            fresh.load(fh.read(), format=fmt)
        assert _lines(fresh) == expected, name  # no blank nodes: equal sets = isomorphic


def test_checksums_verify_with_sha256sum(release_dir: Path, tmp_path: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) is not installed")
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=release_dir, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    names = {
        line.split("  ", 1)[1] for line in (release_dir / "SHA256SUMS").read_text().splitlines()
    }
    assert names == {p.name for p in release_dir.iterdir()} - {"SHA256SUMS"}
    copy = shutil.copytree(release_dir, tmp_path / "copy")
    (copy / "CHANGES.md").write_text("tampered")
    bad = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True)
    assert bad.returncode != 0


def test_void_counts_match_the_loaded_dump(release_dir: Path) -> None:
    fresh = ox.Store()
    with gzip.open(release_dir / "govkg-1.0.nq.gz", "rb") as fh:
        fresh.load(fh.read(), format=ox.RdfFormat.N_QUADS)
    quads = list(fresh)
    expected = {
        "triples": len(quads),
        "distinctSubjects": len({q.subject for q in quads}),
        "properties": len({q.predicate for q in quads}),
        "classes": len({q.object for q in quads if q.predicate.value == RDF_TYPE}),
        "entities": len(
            {q.subject for q in quads if str(q.subject).startswith("<https://w3id.org/govkg/id/")}
        ),
    }
    void = ox.Store()
    void.load(path=str(release_dir / "void.ttl"), format=ox.RdfFormat.TURTLE)
    found = {}
    for key in expected:
        (q,) = list(void.quads_for_pattern(None, ox.NamedNode(VOID + key), None))
        found[key] = int(q.object.value)
    assert found == expected
    sizes = {
        q.subject.value.rsplit("/", 1)[-1]: int(q.object.value)
        for q in void.quads_for_pattern(None, ox.NamedNode(DCAT + "byteSize"), None)
    }
    assert sizes["govkg-1.0.nq.gz"] == (release_dir / "govkg-1.0.nq.gz").stat().st_size
    assert set(sizes) >= {"govkg-1.0.trig.gz", "govkg-ontology-1.0.ttl", "CHANGES.md"}
    for prop in (
        VOID + "sparqlEndpoint",
        "http://purl.org/dc/terms/license",
        "http://purl.org/dc/terms/issued",
    ):
        assert list(void.quads_for_pattern(None, ox.NamedNode(prop), None)), prop


def test_citation_cff_is_valid(release_dir: Path) -> None:
    cffconvert = Path(sys.executable).with_name("cffconvert")
    if not cffconvert.exists():
        pytest.skip("cffconvert (test extra) is not installed")
    done = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(release_dir / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = (release_dir / "CITATION.cff").read_text()
    assert 'version: "1.0"' in text and "license: CC-BY-4.0" in text


def test_a_non_empty_directory_is_refused_without_force(
    release_dir: Path, bundled_memory_store: ox.Store
) -> None:
    backend = Store(bundled_memory_store, path=None, read_only=True)
    before = sorted(p.name for p in release_dir.iterdir())
    with pytest.raises(InputError, match="not empty; give --force"):
        make_release(backend, release_dir, version="1.0")
    assert sorted(p.name for p in release_dir.iterdir()) == before
    with pytest.raises(InputError, match="--version"):
        make_release(backend, release_dir.with_name("bad"), version="../x")
    assert not release_dir.with_name("bad").exists()


def test_change_log_since_the_previous_release(
    release_dir: Path, bundled_memory_store: ox.Store, tmp_path: Path
) -> None:
    changed = ox.Store()
    changed.bulk_extend(bundled_memory_store)
    stmt = next(
        iter(
            changed.quads_for_pattern(
                None, ox.NamedNode("https://w3id.org/govkg/ontology#quote"), None
            )
        )
    )
    changed.remove(stmt)
    changed.add(ox.Quad(stmt.subject, stmt.predicate, ox.Literal("a new quote"), stmt.graph_name))
    old = load_side(release_dir / "govkg-1.0.nq.gz")
    changes = compare(old, Side.from_quads("changed", "store", changed))
    out = tmp_path / "1.1"
    make_release(
        Store(changed, path=None, read_only=True),
        out,
        version="1.1",
        changes=changes,
        previous_version="1.0",
    )
    doc = json.loads((out / "changes.json").read_text())
    assert doc["previous"] == "1.0"
    assert doc["counts"]["statements_changed"] == 1
    assert doc["statements"][0]["iri"] == stmt.subject.value
    assert doc["statements"][0]["aspects"] == ["quote"]
    assert "a new quote" in (out / "CHANGES.md").read_text()
    assert not list(tmp_path.glob(".1.1.tmp-*"))
