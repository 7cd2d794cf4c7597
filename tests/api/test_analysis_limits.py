"""Analyses in their own killable pool: time limits, the answer cache, queries beside them.

The limit and the light-query tests use a real uvicorn server (the socket and the worker
processes are the point); the cache tests the app in-process. Each server is a test's own, over
the session's bundled store (read-only) or a small store of its own (writes).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from support.faults import wait_for
from support.servers import LiveServer, http, in_process_server, start_server

AS_OF = "2026-11-28"
#: Exact betweenness over the whole bundled graph: seconds of work, far over a 0.3 s limit.
HEAVY = {"k": 100_000, "top": 3}
TOKEN = "analysis-secret"


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _analysis_pids(live: LiveServer) -> list[int]:
    return live.app.state.govkg.analysis_pool.pids()


def test_an_analysis_over_its_limit_is_a_503_and_its_worker_is_killed(
    bundled_store: Path,
) -> None:
    with start_server(bundled_store, data=None, analysis_nice=0, analysis_workers=1) as live:
        warm = live.client.get(
            f"{live.url}/analysis/coverage", params={"as_of": AS_OF}, timeout=120
        )
        assert warm.status_code == 200, warm.text
        (pid,) = _analysis_pids(live)
        r = live.client.get(
            f"{live.url}/analysis/centrality", params={**HEAVY, "timeout": 0.3}, timeout=120
        )
        assert r.status_code == 503, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["type"].endswith("/analysis-timeout"), problem
        assert problem["title"] == "Analysis timed out", problem
        detail = problem["detail"]
        assert "was stopped" in detail and "the `timeout` asked for (0.3 s)" in detail, detail
        wait_for(lambda: not _alive(pid), 10, f"the analysis worker {pid} to be gone")
        # A fresh worker took its place, and analyses answer again.
        after = live.client.get(
            f"{live.url}/analysis/coverage", params={"as_of": AS_OF}, timeout=120
        )
        assert after.status_code == 200
        assert pid not in _analysis_pids(live)


def test_the_server_limit_names_itself(bundled_store: Path) -> None:
    with start_server(
        bundled_store, data=None, analysis_nice=0, analysis_timeout=0.3, analysis_workers=1
    ) as live:
        r = live.client.get(f"{live.url}/analysis/centrality", params=HEAVY, timeout=120)
        assert r.status_code == 503, r.text
        assert "the server's analysis limit (0.3 s)" in r.json()["detail"]
        # A request cannot raise the server's limit.
        r = live.client.get(
            f"{live.url}/analysis/centrality", params={**HEAVY, "timeout": 600}, timeout=120
        )
        assert r.status_code == 503, r.text


def test_a_light_query_answers_while_heavy_analyses_run(bundled_store: Path) -> None:
    with start_server(bundled_store, data=None, analysis_nice=0, analysis_workers=1) as live:
        done: list[int] = []

        def heavy(top: int) -> None:
            r = http.get(
                f"{live.url}/analysis/centrality", params={"k": 100_000, "top": top}, timeout=300
            )
            done.append(r.status_code)

        threads = [threading.Thread(target=heavy, args=(top,)) for top in (4, 5, 6, 7)]
        for t in threads:
            t.start()
        pool = live.app.state.govkg.analysis_pool
        wait_for(lambda: pool.busy() >= 1, 60, "a heavy analysis to be running")
        light = live.client.get(
            f"{live.url}/sparql",
            params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        running = pool.busy()
        finished = len(done)
        for t in threads:
            t.join()
    assert light.status_code == 200 and len(light.json()["results"]["bindings"]) == 3
    assert running >= 1 and finished < len(threads), "the light query waited for the heavy ones"
    # Each heavy one answered, or (on a loaded machine, queued behind the others) hit its limit.
    assert len(done) == len(threads) and set(done) <= {200, 503}, done


@pytest.fixture
def writable(tmp_path: Path):  # type: ignore[no-untyped-def]
    with in_process_server(tmp_path / "store", token=TOKEN, analysis_nice=0) as live:
        yield live


def test_a_repeated_analysis_is_served_from_the_cache(writable: LiveServer) -> None:
    url = f"{writable.url}/analysis/centrality"
    first = writable.client.get(url, params={"top": 2})
    assert first.status_code == 200, first.text
    assert first.headers["x-govkg-cache"] == "miss"
    again = writable.client.get(url, params={"top": 2})
    assert again.headers["x-govkg-cache"] == "hit"
    assert again.content == first.content
    assert again.headers["x-govkg-generation"] == first.headers["x-govkg-generation"]
    assert int(again.headers["age"]) >= 0
    other = writable.client.get(url, params={"top": 3})
    assert other.headers["x-govkg-cache"] == "miss", "other parameters are another answer"


def test_a_write_moves_the_generation_and_the_answer_follows(writable: LiveServer) -> None:
    url = f"{writable.url}/analysis/explain"
    params = {"model": "llama-2", "as_of": AS_OF}
    before = writable.client.get(url, params=params)
    assert before.status_code == 200, before.text
    assert writable.client.get(url, params=params).headers["x-govkg-cache"] == "hit"
    missing = writable.client.get(url, params={"model": "llama-3", "as_of": AS_OF})
    assert missing.status_code == 404
    update = (
        "PREFIX gk: <https://w3id.org/govkg/ontology#> PREFIX gkid: <https://w3id.org/govkg/id/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "INSERT DATA { GRAPH <https://example.org/graph/extra> "
        '{ gkid:llama-3 a gk:AIModel ; rdfs:label "Llama 3" ; gk:developedBy gkid:meta } }'
    )
    w = writable.client.post(
        f"{writable.url}/sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert w.status_code in (200, 204), w.text
    after = writable.client.get(url, params=params)
    assert after.status_code == 200
    assert after.headers["x-govkg-cache"] == "miss"
    assert int(after.headers["x-govkg-generation"]) > int(before.headers["x-govkg-generation"])
    # The new data is there for analyses: the new model now has an explanation.
    new = writable.client.get(url, params={"model": "llama-3", "as_of": AS_OF})
    assert new.status_code == 200, new.text


def test_a_bad_timeout_is_a_400(writable: LiveServer) -> None:
    r = writable.client.get(f"{writable.url}/analysis/communities", params={"timeout": 0})
    assert r.status_code == 400
    assert "timeout" in r.json()["detail"]


def test_identical_concurrent_requests_share_one_computation(bundled_store: Path) -> None:
    with start_server(bundled_store, data=None, analysis_nice=0, analysis_workers=1) as live:
        live.client.get(f"{live.url}/analysis/coverage", params={"as_of": AS_OF}, timeout=120)
        outcomes: list[str] = []

        def ask() -> None:
            r = http.get(
                f"{live.url}/analysis/centrality", params={"k": 100_000, "top": 9}, timeout=300
            )
            assert r.status_code == 200
            outcomes.append(r.headers["x-govkg-cache"])

        first = threading.Thread(target=ask)
        first.start()
        pool = live.app.state.govkg.analysis_pool
        wait_for(lambda: pool.busy() >= 1, 60, "the first request to be computing")
        time.sleep(0.2)
        rest = [threading.Thread(target=ask) for _ in range(3)]
        for t in rest:
            t.start()
        for t in [first, *rest]:
            t.join()
    assert sorted(outcomes) == ["miss", "shared", "shared", "shared"], outcomes


def test_after_a_write_the_default_analyses_are_recomputed_in_the_background(
    writable: LiveServer,
) -> None:
    from govkg.api.http.analysis_cache import default_jobs
    from support.faults import wait_for

    runner = writable.app.state.govkg.analyses
    first = writable.client.get(f"{writable.url}/analysis/coverage")
    assert first.status_code == 200 and first.headers["x-govkg-cache"] == "miss"
    update = (
        "INSERT DATA { GRAPH <https://example.org/graph/extra> "
        "{ <https://example.org/a> <https://example.org/p> 1 } }"
    )
    w = writable.client.post(
        f"{writable.url}/sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert w.status_code in (200, 204), w.text
    coverage_today = default_jobs()[0]
    wait_for(lambda: runner.holds(coverage_today), 120, "the background recomputation")
    after = writable.client.get(f"{writable.url}/analysis/coverage")
    assert after.headers["x-govkg-cache"] == "hit", "computed in the background, not for us"
    assert int(after.headers["x-govkg-generation"]) > int(first.headers["x-govkg-generation"])
