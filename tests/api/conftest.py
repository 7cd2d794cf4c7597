"""The HTTP API tests run once on the embedded store, and those marked ``also_on_virtuoso`` again
with the same body against ``govkg serve --endpoint <Virtuoso>``.

Why here and not by importing test functions into tests/remote: a test module never imports
another. A test marked ``@pytest.mark.also_on_virtuoso`` gets a ``backend`` parameter
(``embedded``, ``virtuoso``); ``live_server`` and ``writable_server`` then resolve to the
in-process app over the embedded store (tests/conftest.py) or to a uvicorn server in front of a
Virtuoso of its own (marked ``slow`` and ``virtuoso``; select them with ``-m virtuoso``).
Tests left unmarked depend on the embedded store itself: ``test_health`` expects ``/health``'s
``store`` to be the store's path (here: the URL); ``test_network_exports_match_the_projection``
opens the embedded store at ``settings.store`` for its expectation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support.servers import LiveServer

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

BACKENDS = ["embedded", pytest.param("virtuoso", marks=[pytest.mark.slow, pytest.mark.virtuoso])]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("also_on_virtuoso"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``embedded`` (the default) or ``virtuoso`` for tests marked ``also_on_virtuoso``."""
    return getattr(request, "param", "embedded")


@pytest.fixture
def live_server(
    live_server: LiveServer, backend: str, request: pytest.FixtureRequest
) -> LiveServer:
    """The read-only server over the sample data, on the test's backend."""
    if backend == "embedded":
        return live_server
    return request.getfixturevalue("virtuoso_live_server")


@pytest.fixture
def writable_server(
    writable_server: LiveServer, backend: str, request: pytest.FixtureRequest
) -> LiveServer:
    """The server with token ``secret-token`` over the sample data, on the test's backend."""
    if backend == "embedded":
        return writable_server
    return request.getfixturevalue("virtuoso_writable_server")


@pytest.fixture(scope="session")
def bundled_client(bundled_store: Path) -> Iterator[TestClient]:
    """The app in-process (Starlette's TestClient, lifespan run) over the bundled store."""
    from fastapi.testclient import TestClient
    from govkg.api.http.app import create_app
    from govkg.api.settings import Settings

    with TestClient(create_app(Settings(store=bundled_store, workers=1))) as c:
        yield c
