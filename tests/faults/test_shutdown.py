"""``SIGTERM`` to a busy ``govkg serve``: it ends within its grace period, and the store holds.

The server is a real subprocess (as users start it) over a private copy of the bundled store,
busy with heavy analyses (exact betweenness) and a heavy write (an update whose WHERE clause is
a cross product of the store with itself: a minute of work in one transaction). After
``SIGTERM`` it must be gone within ``--grace`` plus a margin, with every worker process, and
the store must open and hold the write entirely or not at all.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
from govkg.graph.store.embedded import Store
from support.faults import GOVKG, ROOT, wait_for
from support.servers import free_port, http

TOKEN = "shutdown-secret"
GRACE = 2.0
#: Time beyond the grace period the server may take to kill its workers and exit (the machine
#: running the suite may be loaded; the bug this guards against took more than ten minutes).
MARGIN = 10.0
BIG = "urn:test:big"
HEAVY_WRITE = (
    f"INSERT {{ GRAPH <{BIG}> {{ ?s <urn:test:n> ?n }} }} WHERE {{ "
    "SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } GRAPH ?h { ?a ?b ?c } } "
    "GROUP BY ?s }"
)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.update(int(p) for p in text.split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_sigterm_with_heavy_work_in_flight_ends_within_the_grace(
    tmp_path: Path, bundled_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(bundled_store, store)
    port = free_port()
    proc = subprocess.Popen(
        [str(GOVKG), "--store", str(store), "serve", "--port", str(port), "--token", TOKEN,
         "--grace", str(GRACE), "--no-warm"],
        cwd=ROOT,
        env={**os.environ, "GOVKG_ANALYSIS_NICE": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    outcomes: list[str] = []

    def up() -> bool:
        assert proc.poll() is None, "the server exited during start-up"
        try:
            return http.get(f"{url}/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def call(method: str, path: str, **kwargs: object) -> None:
        try:
            r = http.request(method, url + path, timeout=600, **kwargs)  # type: ignore[arg-type]
            outcomes.append(str(r.status_code))
        except httpx.HTTPError as exc:
            outcomes.append(type(exc).__name__)

    try:
        wait_for(up, 90, "the server to start")
        threads = [
            threading.Thread(
                target=call,
                args=("GET", "/analysis/centrality"),
                kwargs={"params": {"k": 100_000, "top": top}},
            )
            for top in (3, 4, 5)
        ]
        threads.append(
            threading.Thread(
                target=call,
                args=("POST", "/sparql"),
                kwargs={
                    "data": {"update": HEAVY_WRITE},
                    "headers": {"Authorization": f"Bearer {TOKEN}"},
                },
            )
        )
        for t in threads:
            t.start()
        # Busy: the analysis workers are up (and computing), the write is running.
        wait_for(lambda: len(_children(proc.pid)) >= 2, 60, "workers to start")
        time.sleep(1.5)
        workers = _children(proc.pid)
        assert all(t.is_alive() for t in threads), f"work ended too soon to test: {outcomes}"
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=GRACE + MARGIN + 30)
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert took <= GRACE + MARGIN, f"the server took {took:.1f} s to exit after SIGTERM"
    wait_for(lambda: not any(_alive(w) for w in workers), 5, "every worker process to be gone")
    for t in threads:
        t.join(timeout=30)
    # The store opens, answers, and holds the heavy write entirely or not at all.
    opened = Store.open(store)
    subjects = opened.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    written = opened.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BIG}> {{ ?s ?p ?o }} }}")
    total = int(next(iter(subjects))["n"].value)  # type: ignore[index]
    big = int(next(iter(written))["n"].value)  # type: ignore[index]
    assert total > 0
    assert big in (0, total), f"a partial write: {big} of {total} subjects"
