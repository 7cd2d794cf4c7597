"""``GET /viz?question=NAME`` asks the question in a query worker, under the server's limits.

A real uvicorn on 127.0.0.1 over a store built from the bundled data, a real httpx client. The
page for a question must be the one ``govkg viz --question`` draws (same nodes and edges, same
title); a question past the time limit is a 503 problem (and the worker was stopped, so the
server goes on answering); an answer over ``max_results`` rows is a 413 problem.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from govkg.graph.analysis.service import Snapshot, VizRequest
from govkg.graph.store.embedded import Store
from govkg.viz.render import render_page
from support.servers import LiveServer, http, in_process_server

QUESTION = {"question": "models-by-developer", "developer": "meta"}


@pytest.fixture(scope="module")
def store(bundled_store: Path) -> Path:
    """The session's bundled store (tests/conftest.py); the servers here only read it."""
    return bundled_store


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[LiveServer]:
    with in_process_server(store, data=None) as live:
        yield live


def problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status
    return body


def test_a_question_page_is_the_one_the_cli_draws(server: LiveServer, store: Path) -> None:
    r = http.get(f"{server.url}/viz", params=QUESTION, timeout=120)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<title>Question: models-by-developer</title>" in r.text

    local = Store.open(store, read_only=True)
    try:
        req = VizRequest(question="models-by-developer", params={"developer": "meta"})
        expected = render_page(local, Snapshot.of(local), req)  # runs the question in-process
    finally:
        del local
        gc.collect()
    assert int(r.headers["x-govkg-nodes"]) == expected.nodes > 1
    assert int(r.headers["x-govkg-edges"]) == expected.edges


def test_a_question_past_the_time_limit_is_a_503_and_the_server_goes_on(
    server: LiveServer,
) -> None:
    # A question no other test here asks: neither its answer nor its page is cached yet (a
    # cached page may be served whatever time limit a later request sets).
    cold = {**QUESTION, "developer": "google"}
    r = http.get(f"{server.url}/viz", params={**cold, "timeout": "0.0001"}, timeout=120)
    body = problem(r, 503)
    assert "did not finish" in body["detail"] or "no query worker" in body["detail"]
    again = http.get(f"{server.url}/viz", params=cold, timeout=120)
    assert again.status_code == 200, again.text[:500]


def test_the_server_time_limit_applies_without_a_timeout_parameter(store: Path) -> None:
    with in_process_server(store, data=None, query_timeout=0.0001) as live:
        problem(http.get(f"{live.url}/viz", params=QUESTION, timeout=120), 503)
        # pages that ask no question are not affected by the query time limit
        page = http.get(f"{live.url}/viz", params={"focus": "meta", "depth": 1}, timeout=120)
        assert page.status_code == 200, page.text[:500]


def test_an_answer_over_the_row_cap_is_a_413(store: Path) -> None:
    with in_process_server(store, data=None, max_results=2) as live:
        body = problem(http.get(f"{live.url}/viz", params=QUESTION, timeout=120), 413)
        assert "more than 2 rows" in body["detail"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"question": "no-such-question"}, 404),
        ({"question": "models-by-developer", "nonsense": "1"}, 400),
        ({**QUESTION, "timeout": "soon"}, 400),
        ({**QUESTION, "focus": "meta"}, 400),
    ],
)
def test_bad_question_requests_are_problems(server: LiveServer, params: dict, status: int) -> None:
    problem(http.get(f"{server.url}/viz", params=params, timeout=120), status)
