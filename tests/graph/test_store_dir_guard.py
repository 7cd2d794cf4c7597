"""``--store`` pointing at a folder that is not a store is refused, and the folder kept.

Found by an audit: ``govkg --store notastore build`` replaced an ordinary folder (and deleted
the files in it) because the build's swap renames whatever is at the path and removes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.graph.build import build_store
from govkg.graph.errors import StoreError
from govkg.graph.store.directory import check_replaceable
from govkg.graph.store.embedded import Store
from support.cli import invoke


def _folder_with_a_thesis(tmp_path: Path) -> Path:
    folder = tmp_path / "notastore"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious", encoding="utf-8")
    return folder


def test_build_refuses_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    folder = _folder_with_a_thesis(tmp_path)
    with pytest.raises(StoreError) as info:
        build_store(folder)
    assert "not a govkg store" in info.value.message and "thesis.txt" in info.value.message
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notastore"]  # no leftovers


def test_write_open_refuses_it_too_and_stores_and_empty_dirs_pass(tmp_path: Path) -> None:
    folder = _folder_with_a_thesis(tmp_path)
    with pytest.raises(StoreError):
        Store.open(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]  # no RocksDB files added
    empty = tmp_path / "empty"
    empty.mkdir()
    Store.open(empty).flush()
    check_replaceable(empty)  # now a store: replaceable
    check_replaceable(tmp_path / "absent")
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="is a file"):
        check_replaceable(a_file)


@pytest.mark.parametrize("command", [["build"], ["load", "ok.nt"]])
def test_cli_exits_1_and_keeps_the_folder(tmp_path: Path, command: list[str]) -> None:
    folder = _folder_with_a_thesis(tmp_path)
    (tmp_path / "ok.nt").write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    proc = invoke(
        "--store", folder, *(str(tmp_path / a) if a.endswith(".nt") else a for a in command)
    )
    assert proc.returncode == 1, proc.stderr
    assert "not a govkg store" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]
