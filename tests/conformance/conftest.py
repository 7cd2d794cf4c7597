"""One govkg server for the whole conformance run: ``separate`` default graph, writable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.servers import LiveServer, start_server
from support.sparql_suite import SUITE, TOKEN


@pytest.fixture(scope="session")
def conformance_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server for the W3C suites (skips when ../shared is absent)."""
    if not SUITE.exists():
        pytest.skip(f"the W3C test suites are not at {SUITE} (../shared is absent)")
    path = tmp_path_factory.mktemp("conformance") / "store"
    with start_server(
        path, data="", token=TOKEN, default_graph="separate", query_timeout=30, workers=2
    ) as server:
        yield server
