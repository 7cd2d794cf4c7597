"""A store directory that is locked, read-only or corrupt gives a clear error, not a traceback.

"Clear" means: exit code 1, a message that names the store's path, and no Python traceback,
both from a CLI command and from ``govkg serve`` at start-up. The tests run as root, for whom
``chmod`` does not make anything read-only: the read-only case runs govkg as the unprivileged
``nobody`` user (``setpriv``) over a store owned by root, and is skipped when that is not
possible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.faults import GOVKG, PYTHON, govkg

EXTRA = "<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n"


def _assert_clear(result: subprocess.CompletedProcess, path: Path, what: str) -> None:
    text = result.stdout + result.stderr
    assert result.returncode == 1, f"{what}: exit {result.returncode}\n{text}"
    assert "Traceback" not in text, f"{what}: printed a traceback\n{text}"
    assert str(path) in " ".join(text.split()), f"{what}: the message does not name {path}\n{text}"


@pytest.fixture(scope="module")
def good_store(bundled_store: Path) -> Path:
    """The session's bundled store (tests/conftest.py); every test here breaks a copy of it."""
    return bundled_store


@pytest.fixture
def extra_nt(tmp_path: Path) -> Path:
    path = tmp_path / "extra.nt"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def _serve(path: Path, *extra: str) -> subprocess.CompletedProcess:
    """``govkg serve`` that is expected to fail at start-up (killed after 60 s otherwise)."""
    return govkg("--store", path, "serve", "--port", "0", *extra, timeout=60)


HOLDER = "import sys, time, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('ok', flush=True); "
HOLDER += "time.sleep(120)"


@pytest.fixture
def locked(good_store: Path, tmp_path: Path):
    """A copy of the store held open for writing by another process."""
    path = tmp_path / "store"
    shutil.copytree(good_store, path)
    holder = subprocess.Popen(
        [str(PYTHON), "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        yield path
    finally:
        holder.kill()
        holder.wait()


def test_locked_store_cli(locked: Path, extra_nt: Path) -> None:
    load = govkg("--store", locked, "load", extra_nt)
    _assert_clear(load, locked, "govkg load on a locked store")
    assert "locked" in load.stderr


def test_locked_store_serve(locked: Path) -> None:
    _assert_clear(_serve(locked, "--token", "t"), locked, "govkg serve (writable), locked store")


def _nobody() -> list[str] | None:
    """A command prefix that runs as ``nobody``, or None when this machine cannot."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        return None
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run([*prefix, str(PYTHON), "-c", "import pyoxigraph"], capture_output=True)
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def as_nobody(good_store: Path, tmp_path: Path, extra_nt: Path):
    """(command prefix, store path, env): a root-owned store copy that ``nobody`` cannot write."""
    prefix = _nobody()
    if prefix is None:
        pytest.skip("cannot run as an unprivileged user here (root ignores read-only modes)")
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "store"
    shutil.copytree(good_store, path)
    extra_nt.chmod(0o644)
    for p in [path, *path.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return prefix, path, {**os.environ, "HOME": str(tmp_path)}


def test_read_only_store_cli(as_nobody, extra_nt: Path, tmp_path: Path) -> None:
    prefix, path, env = as_nobody
    argv = [*prefix, str(GOVKG), "--store", str(path), "load", str(extra_nt)]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    _assert_clear(result, path, "govkg load on a store it may not write")


def test_read_only_store_serve(as_nobody, tmp_path: Path) -> None:
    prefix, path, env = as_nobody
    serve = [*prefix, str(GOVKG), "--store", str(path), "serve", "--port", "0", "--token", "t"]
    result = subprocess.run(
        serve, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    _assert_clear(result, path, "govkg serve (writable) on a store it may not write")


def _corrupt(path: Path, how: str) -> None:
    if how == "CURRENT":
        (path / "CURRENT").write_bytes(b"garbage\n")
    else:
        ssts = sorted(path.glob("*.sst"))
        if not ssts:
            pytest.skip("the store has no SST file yet (everything is in the write-ahead log)")
        for sst in ssts:
            data = bytearray(sst.read_bytes())
            for i in range(0, len(data), 97):
                data[i] ^= 0xFF
            sst.write_bytes(bytes(data))


@pytest.fixture(params=["CURRENT", "sst"])
def corrupt(request: pytest.FixtureRequest, good_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(good_store, path)
    _corrupt(path, request.param)
    return path


def test_corrupt_store_cli(corrupt: Path) -> None:
    _assert_clear(govkg("--store", corrupt, "stats"), corrupt, "govkg stats, corrupt store")
    query = govkg("--store", corrupt, "query", "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    _assert_clear(query, corrupt, "govkg query, corrupt store")


def test_corrupt_store_serve(corrupt: Path) -> None:
    _assert_clear(_serve(corrupt), corrupt, "govkg serve, corrupt store")


def test_missing_store_cli(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "store"
    _assert_clear(govkg("--store", path, "stats"), path, "govkg stats on a missing store")
    assert not path.exists()


def test_missing_store_serve(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "store"
    _assert_clear(_serve(path), path, "govkg serve on a missing store")
    assert not path.exists(), "serving a missing store created one"
