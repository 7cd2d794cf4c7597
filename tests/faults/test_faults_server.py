"""The real ``govkg serve`` under a bounded mixed load, and with queries past the time limit.

The server is a subprocess started as users start it, over a store holding the curated build
plus 50k synthetic triples; clients are httpx threads on loopback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from support.faults import GOVKG, ROOT, govkg, rss_mb, wait_for
from support.servers import free_port, http

# Mixed load, memory and deadlines: one at a time on one xdist worker
# (tests/support/workers.py).
pytestmark = pytest.mark.serial


LOAD_SECONDS = 6
CLIENTS = 16
LIGHT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"
GROUP = (
    "SELECT ?d (COUNT(?m) AS ?n) WHERE { ?m <https://w3id.org/govkg/ontology#developedBy> ?d } "
    "GROUP BY ?d"
)
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
MIXED = [
    ("GET", "/sparql", {"query": LIGHT}),
    ("GET", "/sparql", {"query": GROUP}),
    ("GET", "/questions/models-by-developer", {}),
    ("GET", "/questions/open-weights-without-review", {"as_of": "2025-01-01"}),
    ("GET", "/health", {}),
    ("GET", "/sparql", {"query": "SELECT * WHERE { ?s a ?t } LIMIT 200"}),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Path:
    """A copy of the bundled store plus 50,000 synthetic triples loaded by ``govkg load``."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write

    base = tmp_path_factory.mktemp("served")
    path = base / "store"
    shutil.copytree(bundled_store, path)
    nq = write(50_000, 3, base / "synthetic.nq")
    assert govkg("--store", path, "load", nq).returncode == 0
    return path


@contextmanager
def serve(store: Path, *extra: str, env: dict | None = None) -> Iterator[tuple[str, int]]:
    """``govkg serve`` on a free port until the block ends; yields (base URL, pid)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(GOVKG), "--store", str(store), "serve", "--port", str(port), *extra],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, "the server exited during start-up"
        try:
            return http.get(f"{url}/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(up, 90, "the server to start")
        yield url, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _hammer(url: str, seconds: float, statuses: Counter, errors: list[str], seed: int) -> None:
    deadline = time.monotonic() + seconds
    i = seed
    with httpx.Client(base_url=url, timeout=60) as client:
        while time.monotonic() < deadline:
            method, path, params = MIXED[i % len(MIXED)]
            i += 1
            try:
                r = client.request(method, path, params=params, headers={"Accept": "*/*"})
                statuses[r.status_code] += 1
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")


def test_mixed_load_gives_no_5xx_and_flat_memory(store: Path) -> None:
    with serve(store) as (url, pid):
        statuses: Counter = Counter()
        errors: list[str] = []
        _hammer(url, 3, statuses, errors, 0)  # warm-up: workers loaded, caches filled
        before = rss_mb(pid)
        threads = [
            threading.Thread(target=_hammer, args=(url, LOAD_SECONDS, statuses, errors, n))
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = rss_mb(pid)
    served = sum(statuses.values())
    assert errors == [], errors[:3]
    assert not [s for s in statuses if s >= 500], f"5xx answers: {dict(statuses)}"
    assert set(statuses) == {200}, f"unexpected statuses: {dict(statuses)}"
    assert served >= CLIENTS * 5, f"only {served} requests answered in {LOAD_SECONDS} s"
    assert after <= before * 1.25 + 50, f"server RSS grew from {before:.0f} MB to {after:.0f} MB"


def test_heavy_queries_time_out_while_light_ones_keep_answering(store: Path) -> None:
    with serve(store, "--workers", "4", env={"GOVKG_QUERY_TIMEOUT": "4"}) as (url, _):
        heavy: list[tuple[int, float]] = []

        def run_heavy() -> None:
            start = time.monotonic()
            r = http.get(f"{url}/sparql", params={"query": HEAVY}, timeout=60)
            heavy.append((r.status_code, time.monotonic() - start))

        threads = [threading.Thread(target=run_heavy) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        light = []
        with httpx.Client(base_url=url, timeout=10) as client:
            while any(t.is_alive() for t in threads):
                start = time.monotonic()
                r = client.get("/sparql", params={"query": LIGHT})
                light.append((r.status_code, time.monotonic() - start))
        for t in threads:
            t.join()
        after = http.get(f"{url}/sparql", params={"query": LIGHT}, timeout=10)
    assert [code for code, _ in heavy] == [503, 503], heavy
    assert all(3.5 <= seconds <= 25 for _, seconds in heavy), heavy
    assert len(light) >= 5 and all(code == 200 for code, _ in light), light[:5]
    # A light query that waited for a heavy one would take the 4 s limit; half of it is the bound.
    assert max(seconds for _, seconds in light) < 2.0, "a light query waited for the heavy ones"
    assert after.status_code == 200
