"""The worker round trip seen from HTTP: a real server, real workers, concurrent httpx clients.

Complements tests/api/test_worker_pool.py (the pool on its own loop) with what clients see:
every concurrent request gets its own answer, a 50k-row result arrives whole in every format,
and a worker killed while it works costs its request a clean 503 problem, nothing more.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from support.servers import LiveServer, http, make_store, start_server

# Concurrency and kill -9 of a worker: one at a time on one xdist worker
# (tests/support/workers.py).
pytestmark = pytest.mark.serial


EX = "http://example.org/"
KEYS = 40
BIG = 50_000
VALUES = " ".join(str(i) for i in range(60))
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {VALUES} }}" for i in range(6))
    + " }"
)


def _data() -> str:
    lines = [f'<{EX}k{i}> <{EX}value> "v{i}" .' for i in range(KEYS)]
    lines += [f'<{EX}b{n}> <{EX}big> "row {n}, with \\"quotes\\"" .' for n in range(BIG)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("worker-http") / "store"
    make_store(path, _data(), ox.RdfFormat.N_TRIPLES)
    with start_server(path, data=None, workers=2, query_timeout=30.0) as live:
        yield live


def _value(server: LiveServer, client: httpx.Client, i: int) -> tuple[int, str]:
    query = f"SELECT ?v WHERE {{ <{EX}k{i}> <{EX}value> ?v }}"
    resp = client.get(server.sparql, params={"query": query})
    resp.raise_for_status()
    (row,) = resp.json()["results"]["bindings"]
    return i, row["v"]["value"]


def test_concurrent_requests_each_get_their_own_answer(server: LiveServer) -> None:
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(max_workers=12) as ex:
        answers = list(ex.map(lambda i: _value(server, client, i % KEYS), range(KEYS * 5)))
    assert len(answers) == KEYS * 5
    assert all(value == f"v{i}" for i, value in answers), [a for a in answers if a[1][1:] != a[0]]


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_a_50k_row_result_arrives_whole(server: LiveServer, accept: str) -> None:
    query = f"SELECT ?s ?o WHERE {{ ?s <{EX}big> ?o }}"
    resp = http.get(server.sparql, params={"query": query}, headers={"Accept": accept}, timeout=120)
    assert resp.status_code == 200, resp.text[:300]
    expected = {f'row {n}, with "quotes"' for n in range(BIG)}
    if accept.endswith("json"):
        values = {b["o"]["value"] for b in resp.json()["results"]["bindings"]}
    elif accept.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(resp.content)
        values = {
            b.find(f"{ns}literal").text for b in root.iter(f"{ns}binding") if b.get("name") == "o"
        }
    elif accept == "text/csv":
        rows = list(csv.reader(io.StringIO(resp.text)))
        assert rows[0] == ["s", "o"]
        values = {r[1] for r in rows[1:]}
        assert len(rows) == BIG + 1
    else:
        lines = resp.text.splitlines()
        assert len(lines) == BIG + 1
        values = {json.loads(line.split("\t")[1]) for line in lines[1:]}
    assert values == expected


def test_a_worker_killed_while_working_gives_a_clean_503_and_is_replaced(
    server: LiveServer,
) -> None:
    pool = server.app.state.govkg.pool
    with ThreadPoolExecutor(max_workers=1) as ex:
        heavy = ex.submit(httpx.get, server.sparql, params={"query": CARTESIAN}, timeout=60)
        # Find the busy worker: the one whose CPU time grows while the heavy query runs.
        time.sleep(0.5)
        busy = _busiest(pool.pids())
        os.kill(busy, signal.SIGKILL)
        resp = heavy.result()
    assert resp.status_code == 503, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    problem = resp.json()
    assert problem["status"] == 503 and "retry" in problem["detail"]
    assert "Traceback" not in resp.text
    deadline = time.monotonic() + 60
    while (pool.alive() < 2 or busy in pool.pids()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.alive() == 2 and busy not in pool.pids()
    with httpx.Client(timeout=30) as client:
        assert _value(server, client, 7) == (7, "v7")


def _cpu(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def _busiest(pids: list[int]) -> int:
    first = {pid: _cpu(pid) for pid in pids}
    time.sleep(0.5)
    return max(pids, key=lambda pid: _cpu(pid) - first[pid])
