"""Writes on real servers: the incremental SHACL gate over HTTP, the update time limit (503,
nothing written), readers answering while a long write runs, and a writer killed mid-update.

Each test serves its own copy of the bundled store (``bundled_store_copy``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
from govkg.graph.store.embedded import Store
from support.faults import GOVKG, ROOT, wait_for
from support.servers import free_port, http, in_process_server, start_server

TOKEN = "secret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ENTITIES = "https://w3id.org/govkg/graph/entities"
UPDATE = {**AUTH, "Content-Type": "application/sparql-update"}
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _count(sparql: str, client: httpx.Client | object, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    resp = client.get(sparql, params={"query": q})  # type: ignore[attr-defined]
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


def test_curated_update_past_the_time_limit_is_a_503_and_writes_nothing(
    bundled_store_copy: Path,
) -> None:
    with in_process_server(bundled_store_copy, data=None, token=TOKEN) as server:
        client = server.client
        before = _count(server.sparql, client, ENTITIES)
        # A model without a developer would be refused; a label is valid: both stop at the limit.
        text = f'INSERT DATA {{ GRAPH <{ENTITIES}> {{ <urn:x-test:a> <{LABEL}> "a"@en }} }}'
        late = client.post(f"{server.sparql}?timeout=0.000001", content=text, headers=UPDATE)
        assert late.status_code == 503, late.text
        assert "nothing was written" in late.json()["detail"]
        assert _count(server.sparql, client, ENTITIES) == before
        # Within the limit the same update is written.
        ok = client.post(server.sparql, content=text, headers=UPDATE)
        assert ok.status_code == 204, ok.text
        assert _count(server.sparql, client, ENTITIES) == before + 1


def test_graph_store_write_past_the_time_limit_writes_nothing(bundled_store_copy: Path) -> None:
    before = Store.open(bundled_store_copy, read_only=True).quad_count(ENTITIES)
    with in_process_server(
        bundled_store_copy, data=None, token=TOKEN, query_timeout=0.000001
    ) as server:
        resp = server.client.post(
            f"{server.url}/rdf-graphs",
            params={"graph": ENTITIES},
            content=f'<urn:x-test:b> <{LABEL}> "b"@en .',
            headers={**AUTH, "Content-Type": "text/turtle"},
        )
        assert resp.status_code == 503, resp.text
    assert Store.open(bundled_store_copy, read_only=True).quad_count(ENTITIES) == before


def test_incremental_gate_refuses_and_accepts_over_http(bundled_store_copy: Path) -> None:
    with in_process_server(bundled_store_copy, data=None, token=TOKEN) as server:
        client = server.client
        gk = "https://w3id.org/govkg/ontology#"
        bad = (
            f"INSERT DATA {{ GRAPH <{ENTITIES}> {{ <urn:x-test:m> a <{gk}AIModel> ; "
            f"<{gk}developedBy> <urn:x-test:nobody> }} }}"
        )
        refused = client.post(server.sparql, content=bad, headers=UPDATE)
        assert refused.status_code == 400, refused.text
        assert any("urn:x-test:m" in p for p in refused.json()["problems"])
        # A general update that cannot write a curated graph skips the gate.
        scratch = "INSERT { GRAPH <urn:x-test:g> { ?s <urn:x-test:seen> 1 } } WHERE "
        scratch += f"{{ GRAPH <{ENTITIES}> {{ ?s a <{gk}AIModel> }} }}"
        assert client.post(server.sparql, content=scratch, headers=UPDATE).status_code == 204
        assert _count(server.sparql, client, "urn:x-test:g") > 0


def test_readers_answer_while_a_long_write_runs(bundled_store_copy: Path) -> None:
    # An update that can write a curated graph through WHERE is rehearsed and every typed node
    # is judged: seconds of work in the write thread. Readers must not queue behind it.
    gk = "https://w3id.org/govkg/ontology#"
    slow = (
        f"INSERT {{ GRAPH <{ENTITIES}> {{ ?s <{gk}url> 'x' }} }} WHERE {{ GRAPH ?g {{ ?s a ?t }} }}"
    )
    with start_server(bundled_store_copy, data=None, token=TOKEN) as server:
        done: dict[str, float] = {}

        def write() -> None:
            with httpx.Client(timeout=300) as c:
                done["start"] = time.monotonic()
                done["status"] = c.post(server.sparql, content=slow, headers=UPDATE).status_code
                done["end"] = time.monotonic()

        writer = threading.Thread(target=write)
        answered: list[tuple[float, float]] = []
        with httpx.Client(timeout=300) as c:
            writer.start()
            while writer.is_alive():
                start = time.monotonic()
                assert c.get(server.sparql, params={"query": "ASK {}"}).status_code == 200
                answered.append((start, time.monotonic()))
            writer.join()
        assert done["status"] in (204, 400)
        during = [(a, b) for a, b in answered if a > done["start"] and b < done["end"]]
        assert len(during) >= 3, (done, len(answered))


def test_writer_killed_mid_update_leaves_the_store_readable_and_consistent(
    bundled_store_copy: Path,
) -> None:
    graph = "urn:x-test:big"
    n = 60_000
    body = "\n".join(f"<urn:x-test:s{i}> <urn:x-test:p> {i} ." for i in range(n))
    text = f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}"
    port = free_port()
    proc = subprocess.Popen(
        [str(GOVKG), "--store", str(bundled_store_copy), "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "GOVKG_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert proc.poll() is None, "the server exited during start-up"
            try:
                return http.get(f"{url}/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, 90, "the server to start")
        before = Store.open(bundled_store_copy, read_only=True).quad_count()

        def send() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it
                http.post(f"{url}/sparql", content=text, headers=UPDATE, timeout=120)

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(0.5)  # the body is sent and the update is being applied
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        sender.join()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # Readable (read-only and for writing: no lock left behind) and all-or-nothing.
    reader = Store.open(bundled_store_copy, read_only=True)
    added = reader.quad_count(graph) if reader.has_graph(graph) else 0
    assert added in (0, n)
    assert reader.quad_count() == before + added
    writer = Store.open(bundled_store_copy)
    assert sum(1 for _ in writer.quads(ENTITIES)) > 0
