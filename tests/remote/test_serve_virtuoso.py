"""``govkg serve --endpoint <virtuoso>`` passes the HTTP API tests written for the embedded store.

The tests are imported from tests/api unchanged; only the ``live_server`` / ``writable_server``
fixtures differ: here they serve the same sample data from a Virtuoso of their own (one for
reads, one for token-protected writes, so writes cannot disturb the read tests' counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_protocol import (  # noqa: F401 - collected here against Virtuoso
    test_ask,
    test_construct_negotiation,
    test_csv_is_parseable,
    test_dataset_parameters_honoured,
    test_extra_parameters_ignored,
    test_get_post_form_and_direct_agree,
    test_select_negotiation,
    test_union_default_graph,
)
from tests.api.test_rest import test_question_run_json_and_csv, test_questions_list  # noqa: F401
from tests.api.test_writes import test_writes_refused  # noqa: F401
from tests.conftest import SAMPLE_TRIG, LiveServer, start_server
from tests.remote.conftest import start_virtuoso_with, stop_servers

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

TOKEN = {"Authorization": "Bearer secret-token"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read-only govkg server in front of a Virtuoso holding the sample data."""
    directory = tmp_path_factory.mktemp("virtuoso-read")
    servers = start_virtuoso_with(directory, SAMPLE_TRIG)
    try:
        url = servers.urls["VIRTUOSO_ENDPOINT"]
        with start_server(Path(directory / "unused"), data=None, endpoint=url) as server:
            yield server
    finally:
        stop_servers(servers)


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A govkg server with token ``secret-token`` in front of another Virtuoso."""
    directory = tmp_path_factory.mktemp("virtuoso-write")
    servers = start_virtuoso_with(directory, SAMPLE_TRIG)
    try:
        url = servers.urls["VIRTUOSO_ENDPOINT"]
        with start_server(
            Path(directory / "unused"), data=None, endpoint=url, token="secret-token"
        ) as server:
            server.virtuoso = url  # type: ignore[attr-defined]
            yield server
    finally:
        stop_servers(servers)


def test_update_with_token_lands_in_virtuoso(writable_server: LiveServer) -> None:
    graph = "http://example.org/landed"
    update = (
        f'INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/a> <http://example.org/p> "v" }} }}'
    )
    refused = httpx.post(writable_server.sparql, data={"update": update})
    assert refused.status_code in (401, 403)
    resp = httpx.post(
        writable_server.sparql,
        content=update,
        headers={**TOKEN, "Content-Type": "application/sparql-update"},
    )
    assert resp.status_code in (200, 204), resp.text
    # Asked of Virtuoso itself, not through govkg:
    direct = httpx.get(
        writable_server.virtuoso,  # type: ignore[attr-defined]
        params={"query": f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    values = [b["o"]["value"] for b in direct.json()["results"]["bindings"]]
    assert values == ["v"]
    # And visible through govkg's query workers:
    seen = httpx.get(
        writable_server.sparql,
        params={"query": f'ASK {{ GRAPH <{graph}> {{ ?s ?p "v" }} }}'},
    )
    assert seen.json()["boolean"] is True
