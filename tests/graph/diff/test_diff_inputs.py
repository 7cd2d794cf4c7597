"""The sides of a diff: dumps (plain and gzip), stores, git revisions, and bad input.

Bad input must give a clear error naming the input, and ``govkg diff -o FILE`` must then write
nothing.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.api.cli.main import app
from govkg.graph.diff import compare, load_side
from govkg.graph.errors import InputError, NotFoundError, ParseError
from typer.testing import CliRunner


@pytest.fixture
def bundled_dump(bundled_memory_store: ox.Store, tmp_path: Path) -> Path:
    """The bundled data (session fixture) as a gzipped N-Quads dump."""
    path = tmp_path / "bundled.nq.gz"
    with gzip.open(path, "wb") as fh:
        bundled_memory_store.dump(fh, ox.RdfFormat.N_QUADS)
    return path


def test_dump_gzip_and_trig_sides_agree(
    bundled_memory_store: ox.Store, bundled_dump: Path, tmp_path: Path
) -> None:
    trig = tmp_path / "bundled.trig"
    bundled_memory_store.dump(str(trig), ox.RdfFormat.TRIG)
    old, new = load_side(bundled_dump), load_side(trig)
    assert old.quad_count == len(bundled_memory_store)
    changes = compare(old, new)
    assert changes.empty
    assert changes.old.statements > 100


def test_store_side_against_its_dump(bundled_dump: Path, tmp_path: Path) -> None:
    from govkg.graph.store.embedded import Store

    store = Store.open(tmp_path / "store")
    with gzip.open(bundled_dump, "rb") as fh:
        store.load(fh.read(), ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    assert compare(load_side(bundled_dump), load_side(tmp_path / "store")).empty


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_git_revision_side(curated, tmp_path: Path, replace_in) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(curated.root, repo / "graph" / "data")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    _git(repo, "tag", "v1")
    replace_in(
        repo / "graph" / "data" / "sources" / "wh-2023-07.yaml",
        "status: signed",
        "status: declined",
    )
    changes = compare(load_side("git:v1", repo=repo), load_side(repo / "graph" / "data"))
    assert [(s.change, s.aspects) for s in changes.statements] == [("changed", ["status"])]
    assert changes.triples == []
    with pytest.raises(NotFoundError, match="git revision 'no-such-tag' does not exist"):
        load_side("git:no-such-tag", repo=repo)


BAD_INPUTS = {
    "empty.nq": (b"", "is empty"),
    "binary.nq": (bytes(range(256)) * 64, "binary file"),
    "utf16.nq": ("<a:b> <a:c> <a:d> .\n".encode("utf-16"), "UTF-16"),
    "latin1.nt": ('<a:b> <a:c> "caf\u00e9" .\n'.encode("latin-1"), "not UTF-8"),
    "broken.trig": (b"<a:b> <a:c> .\n", "not valid"),
    "plain.nq.gz": (b"<a:b> <a:c> <a:d> .\n", "not gzip-compressed"),
    "damaged.nq.gz": (b"\x1f\x8b" + bytes(range(256)) * 8, "damaged gzip"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_dump_is_a_clear_error_and_writes_nothing(name: str, tmp_path: Path) -> None:
    data, message = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        load_side(bad)
    assert str(bad) in info.value.message or isinstance(info.value, ParseError)
    out = tmp_path / "changes.md"
    result = CliRunner().invoke(app, ["diff", str(bad), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert name in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_100_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    huge = tmp_path / "huge.nq"
    with huge.open("wb") as fh:  # sparse: 100 MB of zeros without writing them
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(InputError, match="binary file"):
        load_side(huge)


def test_size_limit_is_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govkg.graph.diff import sides

    dump = tmp_path / "small.nq"
    dump.write_bytes(b"<a:b> <a:c> <a:d> .\n" * 10)
    monkeypatch.setattr(sides, "MAX_DUMP_BYTES", 100)
    with pytest.raises(InputError, match="above the diff's limit"):
        load_side(dump)


def test_missing_inputs_are_named(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no-such-file.nq"):
        load_side(tmp_path / "no-such-file.nq")
    result = CliRunner().invoke(app, ["diff", "--rev", "no-such-rev-xyz", str(tmp_path)])
    assert result.exit_code == 1
    assert "no-such-rev-xyz" in result.output


def test_n_quads_written_differently_are_the_same_quads(tmp_path: Path) -> None:
    canonical = tmp_path / "a.nq"
    canonical.write_text('<http://e.org/s> <http://e.org/p> "caf\u00e9" <http://e.org/g> .\n')
    other = tmp_path / "b.nq"  # an escape, tabs and a comment: same quad, other bytes
    other.write_text(
        '# a comment\n<http://e.org/s>\t<http://e.org/p>\t"caf\\u00E9"\t<http://e.org/g>.\n'
    )
    changes = compare(load_side(canonical), load_side(other))
    assert changes.empty


def test_a_syntax_error_in_n_quads_names_the_file(tmp_path: Path) -> None:
    good = tmp_path / "good.nq"
    good.write_text("<http://e.org/s> <http://e.org/p> <http://e.org/o> .\n")
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://e.org/s> <http://e.org/p> "unterminated .\n')
    with pytest.raises(ParseError, match="bad.nq") as info:
        compare(load_side(good), load_side(bad))
    assert "unterminated" in str(info.value)


def test_cli_formats_and_exit_code(tmp_path: Path) -> None:
    old = tmp_path / "old.nq"
    old.write_text("<http://e.org/s> <http://e.org/p> <http://e.org/o> <http://e.org/g> .\n")
    new = tmp_path / "new.nq.gz"
    with gzip.open(new, "wt") as fh:
        fh.write("<http://e.org/s> <http://e.org/p> <http://e.org/o2> <http://e.org/g> .\n")
    runner = CliRunner()
    same = runner.invoke(app, ["diff", str(old), str(old), "--exit-code"])
    assert same.exit_code == 0, same.output
    changed = runner.invoke(app, ["diff", str(old), str(new), "--exit-code", "--format", "json"])
    assert changed.exit_code == 3, changed.output
    assert '"triples_added": 1' in changed.stdout and '"triples_removed": 1' in changed.stdout
    out = tmp_path / "changes.trig"
    trig = runner.invoke(app, ["diff", str(old), str(new), "--format", "trig", "-o", str(out)])
    assert trig.exit_code == 0, trig.output
    store = ox.Store()
    store.load(out.read_bytes(), format=ox.RdfFormat.TRIG)
    assert len(list(store.named_graphs())) == 3  # the description, one added, one removed
    bad = runner.invoke(app, ["diff", str(old), str(new), "--format", "xml"])
    assert bad.exit_code == 2
