"""Session fixtures for the remote-backend suite: real Virtuoso and Oxigraph servers.

The servers are started once per session by ``scripts/sparql-servers.sh`` (which installs
Virtuoso with apt-get and the Oxigraph server with pip when they are absent and we are root) on
free loopback ports, in tmp dirs, and stopped at the end. When they cannot be installed or
started the tests that need them skip with the script's own error message as the reason.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from govkg.graph.store.embedded import Store
from govkg.graph.store.remote import RemoteConfig, RemoteStore

from tests.system import unavailable

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "sparql-servers.sh"


@dataclass
class Servers:
    """URLs of one started set of servers (a key is missing when that server is not started)."""

    urls: dict[str, str]
    directory: Path

    def remote(self, name: str, **kwargs) -> RemoteStore:
        """A RemoteStore on the server ``virtuoso`` or ``oxigraph``."""
        if name == "virtuoso":
            config = RemoteConfig(self.urls["VIRTUOSO_ENDPOINT"], **kwargs)
        else:
            config = RemoteConfig(self.urls["OXIGRAPH_ENDPOINT"], **kwargs)
        return RemoteStore(config)


def _start(directory: Path, servers: str) -> Servers:
    proc = subprocess.run(
        [str(SCRIPT), "start", str(directory)],
        env={**_env(), "SERVERS": servers},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        subprocess.run([str(SCRIPT), "stop", str(directory)], capture_output=True, timeout=60)
        reason = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        unavailable(f"cannot install or start the SPARQL servers ({servers}): {reason}")
    urls = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return Servers(urls=urls, directory=directory)


def _stop(directory: Path) -> None:
    subprocess.run([str(SCRIPT), "stop", str(directory)], capture_output=True, timeout=60)


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """One Virtuoso and one Oxigraph server for the whole session."""
    directory = tmp_path_factory.mktemp("sparql-servers")
    started = _start(directory, "virtuoso oxigraph")
    try:
        yield started
    finally:
        _stop(directory)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled curated data built into an embedded store (closed again)."""
    import gc

    from govkg.graph.build import build_store

    path = tmp_path_factory.mktemp("built") / "store"
    build_store(path)
    gc.collect()
    return path


@pytest.fixture(scope="session")
def local_store(built_store: Path) -> Store:
    """The built store, open read-only."""
    return Store.open(built_store, read_only=True)


@pytest.fixture(scope="session")
def pushed(servers: Servers, local_store: Store) -> dict[str, RemoteStore]:
    """The built graph pushed to both servers; the report of each push must verify."""
    from govkg.graph.push import push

    remotes = {name: servers.remote(name) for name in ("virtuoso", "oxigraph")}
    for name, remote in remotes.items():
        report = push(local_store, remote)
        assert report.ok, f"push to {name} did not verify"
    return remotes


def start_virtuoso_with(directory: Path, trig: str) -> Servers:
    """A further Virtuoso of its own (stopped by the caller) holding ``trig``, pushed by govkg."""
    import gc

    from govkg.graph.push import push

    from tests.conftest import make_store

    started = _start(directory, "virtuoso")
    local_path = make_store(directory / "local-store", trig)
    local = Store.open(local_path, read_only=True)
    report = push(local, started.remote("virtuoso"))
    assert report.ok
    del local
    gc.collect()
    return started


def stop_servers(started: Servers) -> None:
    """Stop servers started by :func:`start_virtuoso_with`."""
    _stop(started.directory)
