"""A running server sees what ``govkg build`` / ``govkg load`` do to its store, without a restart.

Real stores built by the real ``govkg`` script (subprocesses) from a copy of the bundled data,
a real uvicorn server on 127.0.0.1 over the same directory, real httpx clients. The changed data
is one extra curated source (and the model it releases), so every route can be asked whether it
sees the new model: ``/sparql``, ``/questions``, ``/entities``, ``/rdf-graphs``, the analyses
and ``/viz``. A writable server (with a token) holds the store itself: then the CLI refuses to
replace it, naming the server, and nothing written through the server is lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.servers import LiveServer, start_server

# Rebuilds under concurrent requests, but no duration asserted (a busy machine slows the
# rebuilds, never the verdicts): the parallel phase, this module's tests on one xdist worker
# since they share a module-scoped fixture, the two data folders (tests/support/workers.py).


ROOT = Path(__file__).resolve().parents[2]
GOVKG = Path(sys.executable).parent / "govkg"
ID = "https://w3id.org/govkg/id/"
PROBE = "probe-model-9b"
PROBE_IRI = f"{ID}{PROBE}"
PROBE_GRAPH = "https://w3id.org/govkg/graph/zz-probe-release"
EXTRA_GRAPH = "https://example.org/graph/extra"
ASK_PROBE = f"ASK {{ <{PROBE_IRI}> ?p ?o }}"

PROBE_ENTITY = f"""models:
  - id: {PROBE}
    label: "Probe Model 9B"
"""
PROBE_SOURCE = f"""source:
  id: zz-probe-release
  title: "Probe Model 9B release note"
  publisher: meta
  url: "https://example.org/probe-model-9b"
  published: 2025-03-01
  kind: company-announcement

statements:
  - kind: release
    model: {PROBE}
    developer: meta
    date: 2025-03-01
    weights: open-weights-unrestricted
"""


def govkg(*args: str) -> subprocess.CompletedProcess:
    """Run the installed ``govkg`` script (what users run) with no store from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOVKG_STORE", "GOVKG_ENDPOINT")}
    return subprocess.run(
        [str(GOVKG), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled curated data, and a copy of it with the probe model's release added."""
    base = tmp_path_factory.mktemp("data")
    plain = base / "plain"
    shutil.copytree(ROOT / "graph" / "data", plain)
    extended = base / "extended"
    shutil.copytree(plain, extended)
    (extended / "entities" / "zz-probe.yaml").write_text(PROBE_ENTITY, encoding="utf-8")
    (extended / "sources" / "zz-probe-release.yaml").write_text(PROBE_SOURCE, encoding="utf-8")
    return plain, extended


@pytest.fixture
def store(tmp_path: Path, bundled_store: Path) -> Path:
    """A store of the plain (bundled) data: a copy of the session's build of it."""
    path = tmp_path / "store"
    shutil.copytree(bundled_store, path)
    return path


@pytest.fixture
def server(store: Path) -> Iterator[LiveServer]:
    """A read-only server (no token) over ``store``."""
    with start_server(store, data=None) as live:
        yield live


def ask(client: httpx.Client, query: str) -> bool:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    return r.json()["boolean"]


def views_of_probe(client: httpx.Client) -> dict[str, bool]:
    """Whether each route shows the probe model (every one must agree)."""
    question = client.get("/questions/models-by-developer", params={"developer": "meta"})
    assert question.status_code == 200, question.text
    coverage = client.get("/analysis/coverage", params={"developer": "meta"})
    assert coverage.status_code == 200, coverage.text
    entity = client.get(f"/entities/{PROBE}")
    assert entity.status_code in (200, 404), entity.text
    graph = client.get("/rdf-graphs", params={"graph": PROBE_GRAPH})
    assert graph.status_code in (200, 404), graph.text
    page = client.get("/viz", params={"focus": PROBE, "depth": 1})
    assert page.status_code in (200, 404), page.text
    return {
        "sparql": ask(client, ASK_PROBE),
        "question": any(r["model"] == PROBE_IRI for r in question.json()["rows"]),
        "entity": entity.status_code == 200,
        "graph store": graph.status_code == 200,
        "coverage": any(m["model"] == PROBE_IRI for m in coverage.json()["models"]),
        "viz": page.status_code == 200,
    }


def test_a_rebuild_is_seen_by_every_route_without_a_restart(
    server: LiveServer, store: Path, data: tuple[Path, Path]
) -> None:
    state = server.app.state.govkg
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert views_of_probe(client) == dict.fromkeys(views_of_probe(client), False)
        triples = client.get("/health").json()["triples"]
        generation = state.pool.generation

        rebuilt = govkg("--store", str(store), "build", "--data", str(data[1]))
        assert rebuilt.returncode == 0, rebuilt.stderr

        # Many requests notice the change at once: the store is reopened once, not per request.
        with httpx.Client(base_url=server.url, timeout=60) as other:
            results: list[bool] = []
            threads = [
                threading.Thread(target=lambda: results.append(ask(other, ASK_PROBE)))
                for _ in range(8)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert results == [True] * 8
        seen = views_of_probe(client)
        assert seen == dict.fromkeys(seen, True), seen
        assert client.get("/health").json()["triples"] > triples
        assert state.pool.generation == generation + 1

        # ... and back: a rebuild without the source removes it everywhere.
        again = govkg("--store", str(store), "build", "--data", str(data[0]))
        assert again.returncode == 0, again.stderr
        assert views_of_probe(client) == dict.fromkeys(seen, False)
        assert client.get("/health").json()["triples"] == triples


def test_a_load_into_a_named_graph_is_seen_by_the_running_server(
    server: LiveServer, store: Path, tmp_path: Path
) -> None:
    nt = tmp_path / "extra.nt"
    nt.write_text(f'<{PROBE_IRI}> <http://www.w3.org/2000/01/rdf-schema#label> "Loaded" .\n')
    jsonld = tmp_path / "extra.jsonld"
    jsonld.write_text(
        '{"@id": "https://example.org/thing", "http://www.w3.org/2000/01/rdf-schema#label": "J"}'
    )
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EXTRA_GRAPH}> {{ ?s ?p ?o }} }}"
    with httpx.Client(base_url=server.url, timeout=60) as client:

        def in_extra() -> int:
            r = client.get("/sparql", params={"query": count})
            assert r.status_code == 200, r.text
            return int(r.json()["results"]["bindings"][0]["n"]["value"])

        assert in_extra() == 0
        assert client.get("/rdf-graphs", params={"graph": EXTRA_GRAPH}).status_code == 404

        # N-Triples: checkpoint, bulk load and swap (a new directory)
        loaded = govkg("--store", str(store), "load", str(nt), "--graph", EXTRA_GRAPH)
        assert loaded.returncode == 0, loaded.stderr
        assert in_extra() == 1
        assert ask(client, ASK_PROBE)
        graph = client.get(
            "/rdf-graphs", params={"graph": EXTRA_GRAPH}, headers={"Accept": "text/turtle"}
        )
        assert graph.status_code == 200 and "Loaded" in graph.text

        # JSON-LD: a transaction in place (only the write-ahead log grows)
        loaded = govkg("--store", str(store), "load", str(jsonld), "--graph", EXTRA_GRAPH)
        assert loaded.returncode == 0, loaded.stderr
        assert in_extra() == 2
        entity = client.get(f"/entities/{PROBE}")
        assert entity.status_code == 200
        assert any(f["graph"] == EXTRA_GRAPH for f in entity.json()["facts"])


def test_requests_during_rebuilds_get_answers_never_a_500(
    server: LiveServer, store: Path, data: tuple[Path, Path]
) -> None:
    routes = [
        ("/sparql", {"query": ASK_PROBE}),
        ("/questions/models-by-developer", {"developer": "meta"}),
        ("/entities/meta", {}),
        ("/rdf-graphs", {"graph": "https://w3id.org/govkg/graph/entities"}),
        ("/analysis/coverage", {"developer": "meta"}),
        ("/health", {}),
    ]
    statuses: Counter[int] = Counter()
    bad: list[str] = []
    stop = threading.Event()

    def hammer(offset: int) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            i = offset
            while not stop.is_set():
                path, params = routes[i % len(routes)]
                i += 1
                r = client.get(path, params=params)
                statuses[r.status_code] += 1
                if r.status_code == 503:
                    problem = r.json()  # a retryable problem document, not a traceback
                    if problem.get("status") != 503:
                        bad.append(f"{path}: {r.text[:200]}")
                elif r.status_code != 200:
                    bad.append(f"{path}: {r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    try:
        for source in (data[1], data[0]):  # the probe added, then removed
            rebuilt = govkg("--store", str(store), "build", "--data", str(source))
            assert rebuilt.returncode == 0, rebuilt.stderr
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert not bad, bad
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[200] > 0
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert not ask(client, ASK_PROBE)  # the last build removed the probe


def test_a_writable_server_makes_the_cli_refuse_to_replace_its_store(
    store: Path, tmp_path: Path, data: tuple[Path, Path]
) -> None:
    nt = tmp_path / "extra.nt"
    nt.write_text('<https://example.org/a> <https://example.org/p> "cli" .\n')
    headers = {"Authorization": "Bearer secret-token", "Content-Type": "application/n-triples"}
    with (
        start_server(store, data=None, token="secret-token") as live,
        httpx.Client(base_url=live.url, timeout=60) as client,
    ):
        put = client.put(
            "/rdf-graphs",
            params={"graph": EXTRA_GRAPH},
            content=b'<https://example.org/a> <https://example.org/p> "server" .\n',
            headers=headers,
        )
        assert put.status_code in (201, 204), put.text

        for args in (
            ("build", "--data", str(data[1])),
            ("load", str(nt), "--graph", EXTRA_GRAPH),
        ):
            refused = govkg("--store", str(store), *args)
            assert refused.returncode == 1, (args, refused.stdout, refused.stderr)
            assert "open for writing by a writable govkg server" in refused.stderr
            assert live.url in refused.stderr  # where to send the change instead
            assert "Traceback" not in refused.stderr
        # store.changes.jsonl is the build history (docs/changes.md), not part of a store.
        left = [
            p.name
            for p in store.parent.iterdir()
            if p.name.startswith("store.") and p.name != "store.changes.jsonl"
        ]
        assert left == [], "a refused command left a half-made store behind"

        # The server still owns an intact store, and its own writes keep working.
        more = client.post(
            "/rdf-graphs",
            params={"graph": EXTRA_GRAPH},
            content=b'<https://example.org/b> <https://example.org/p> "server too" .\n',
            headers=headers,
        )
        assert more.status_code == 204, more.text
        assert not ask(client, ASK_PROBE)
        assert ask(client, f'ASK {{ GRAPH <{EXTRA_GRAPH}> {{ ?s ?p "server too" }} }}')

    # Once the server has stopped, its writes are on disk and the CLI may replace the store.
    query = f"SELECT ?o WHERE {{ GRAPH <{EXTRA_GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?o"
    listed = govkg("--store", str(store), "query", query, "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert [line.strip() for line in listed.stdout.splitlines()] == ["o", "server", "server too"]
    rebuilt = govkg("--store", str(store), "build", "--data", str(data[1]))
    assert rebuilt.returncode == 0, rebuilt.stderr


def test_only_errors_about_the_stores_own_files_count_as_a_swap() -> None:
    from govkg.graph.store.directory import stale_snapshot as stale_handle

    store = Path("/srv/govkg/store")
    rocks = RuntimeError(
        "IO error: No such file or directory: While open a file for random read: "
        "/srv/govkg/store/000054.sst"
    )
    assert stale_handle(rocks, store)
    assert stale_handle(RuntimeError("Corruption: bad block in /srv/govkg/store/MANIFEST-9"), store)
    query_file = FileNotFoundError(2, "No such file or directory", "/app/graph/queries/x.rq")
    assert not stale_handle(query_file, store)
    assert not stale_handle(RuntimeError("No such file or directory: /tmp/other"), store)
