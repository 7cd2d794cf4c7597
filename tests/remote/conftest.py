"""Session fixtures for the remote-backend suite: real Virtuoso and Oxigraph servers.

Started once per session (see ``support.remote``) on free loopback ports, in tmp dirs, and
stopped at the end; the bundled store (``bundled_store``, tests/conftest.py) is pushed to both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from govkg.graph.store.embedded import Store
from govkg.graph.store.remote import RemoteStore
from support.remote import Servers, start, stop


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """One Virtuoso and one Oxigraph server for the whole session."""
    directory = tmp_path_factory.mktemp("sparql-servers")
    started = start(directory, "virtuoso oxigraph")
    try:
        yield started
    finally:
        stop(directory)


@pytest.fixture(scope="session")
def local_store(bundled_store: Path) -> Store:
    """The bundled store, open read-only."""
    return Store.open(bundled_store, read_only=True)


@pytest.fixture(scope="session")
def pushed(servers: Servers, local_store: Store) -> dict[str, RemoteStore]:
    """The built graph pushed to both servers; the report of each push must verify."""
    from govkg.graph.push import push

    remotes = {name: servers.remote(name) for name in ("virtuoso", "oxigraph")}
    for name, remote in remotes.items():
        report = push(local_store, remote)
        assert report.ok, f"push to {name} did not verify"
    return remotes
