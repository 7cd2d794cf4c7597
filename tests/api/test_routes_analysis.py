"""``/analysis/*`` and ``/viz`` over HTTP (the app in-process) over the bundled data.

The store is the session's bundled store (tests/conftest.py, built from ``graph/data`` with
``govkg.graph.build.build_store``), so the answers are checked against what the analyses
compute on the same projection, not against numbers written into the test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from govkg.graph.analysis import coverage, run_scenario
from govkg.graph.projection import project
from govkg.graph.store.embedded import Store
from support.servers import LiveServer, http, in_process_server

ID = "https://w3id.org/govkg/id/"
AS_OF = "2026-11-28"


@pytest.fixture(scope="module")
def server(bundled_store: Path) -> Iterator[LiveServer]:
    with in_process_server(bundled_store, data=None, viz_max_nodes=5000) as live:
        yield live


@pytest.fixture(scope="module")
def expected(bundled_store: Path, server: LiveServer):  # type: ignore[no-untyped-def]
    """The coverage verdicts computed directly (the server holds the store open read-only)."""
    store = Store.open(bundled_store, read_only=True)
    return project(store, include_concepts=True)


def get(server: LiveServer, path: str, **params: object) -> httpx.Response:
    return http.get(server.url + path, params=params, timeout=120)


def test_coverage_matches_the_analysis(server: LiveServer, expected) -> None:  # type: ignore[no-untyped-def]
    r = get(server, "/analysis/coverage", as_of=AS_OF)
    assert r.status_code == 200, r.text
    data = r.json()
    verdicts = {m["model"]: m["verdict"] for m in data["models"]}
    assert verdicts == coverage(expected, AS_OF).verdicts()
    llamas = [v for m, v in verdicts.items() if m.startswith(ID + "llama-")]
    assert llamas and set(llamas) <= {"uncovered", "reviewed-post-deployment", "inherited"}
    assert verdicts[ID + "llama-3.1-70b"] == "uncovered"
    assert verdicts[ID + "gpt-4o"].startswith("agreement")


def test_coverage_for_one_developer(server: LiveServer) -> None:
    data = get(server, "/analysis/coverage", as_of=AS_OF, developer="meta").json()
    assert data["models"], "Meta has models in the bundled data"
    assert all(m["developers"] == ["Meta"] or "Meta" in m["developers"] for m in data["models"])
    assert sum(data["totals"].values()) == len(data["models"])
    assert data["developer"] == ID + "meta"


def test_bad_date_is_a_400_problem(server: LiveServer) -> None:
    r = get(server, "/analysis/coverage", as_of="2025-13-40")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "as_of" in r.json()["detail"]


def test_explain_names_the_missing_link(server: LiveServer) -> None:
    r = get(server, "/analysis/explain", model="llama-3.1-70b", as_of=AS_OF)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["verdict"] == "uncovered"
    assert data["missing"]
    assert "no testing agreement" in data["text"] and "Meta" in data["text"]


def test_unknown_model_is_a_404_problem(server: LiveServer) -> None:
    r = get(server, "/analysis/explain", model="llama-9000")
    assert r.status_code == 404
    body = r.json()
    assert body["status"] == 404 and "llama-9000" in body["detail"]


def test_centrality_by_kind(server: LiveServer) -> None:
    data = get(server, "/analysis/centrality", kind="Agency", top=3).json()
    assert list(data) == ["Agency"]
    ranks = [r["pagerank"] for r in data["Agency"]]
    assert len(ranks) == 3 and ranks == sorted(ranks, reverse=True)
    bad = get(server, "/analysis/centrality", top=0)
    assert bad.status_code == 400


def test_path_and_unknown_end(server: LiveServer) -> None:
    data = get(server, "/analysis/path", a="meta", b="us-aisi").json()
    assert data["nodes"][0] == ID + "meta" and data["nodes"][-1] == ID + "us-aisi"
    assert data["length"] == len(data["steps"]) >= 1
    assert get(server, "/analysis/path", a="meta", b="nobody-at-all").status_code == 404


def test_scenarios_list_and_run_by_name(server: LiveServer, expected) -> None:  # type: ignore[no-untyped-def]
    names = [s["name"] for s in get(server, "/analysis/scenarios").json()]
    assert "meta-agrees" in names
    r = http.post(server.url + "/analysis/scenario", json={"name": "meta-agrees"}, timeout=120)
    assert r.status_code == 200, r.text
    data = r.json()
    report = run_scenario(expected, "meta-agrees")
    assert [m["model"] for m in data["moves"]] == [m.model for m in report.moves]
    assert any(m["model"].startswith(ID + "llama-") for m in data["moves"])
    # never written: coverage on the server is unchanged afterwards
    after = get(server, "/analysis/coverage", as_of=report.as_of).json()
    assert {m["model"]: m["verdict"] for m in after["models"]} == coverage(
        expected, report.as_of
    ).verdicts()


def test_scenario_as_yaml_body_and_its_errors(server: LiveServer) -> None:
    text = (
        "scenario:\n  id: nvidia-reviewed\n  title: CAISI reviews Nemotron\n  as_of: 2027-01-01\n"
        "changes:\n  - add: evaluation\n    model: qwen2-72b\n"
        "    evaluators: [caisi]\n    stage: pre-deployment\n    date: 2026-12-01\n"
    )
    r = http.post(
        server.url + "/analysis/scenario",
        content=text.encode(),
        headers={"Content-Type": "application/yaml"},
        timeout=120,
    )
    assert r.status_code == 200, r.text
    moves = {m["model"]: m["after"] for m in r.json()["moves"]}
    assert moves.get(ID + "qwen2-72b") == "reviewed"
    bad = http.post(
        server.url + "/analysis/scenario",
        content=b"scenario:\n  id: x\n  title: X\nchanges:\n  - add: evaluation\n    modle: a\n",
        headers={"Content-Type": "application/yaml"},
        timeout=60,
    )
    assert bad.status_code == 400
    assert any("<request body>:6" in p for p in bad.json()["problems"])


def test_scenario_name_cannot_be_a_path(server: LiveServer) -> None:
    for name in ("../../etc/passwd", "/etc/hostname", "graph/scenarios/meta-agrees.yaml"):
        r = http.post(server.url + "/analysis/scenario", json={"name": name}, timeout=60)
        assert r.status_code == 400, name
    r = http.post(server.url + "/analysis/scenario", json={"name": "no-such"}, timeout=60)
    assert r.status_code == 404 and "meta-agrees" in r.json()["detail"]


def _page_nodes(html: str) -> int:
    data = re.search(r'id="gk-data" type="application/json">(.*?)</script>', html, re.S)
    assert data, "the page carries its graph data"
    return len(json.loads(data[1])["nodes"])


def test_viz_focus_page(server: LiveServer) -> None:
    r = get(server, "/viz", focus="meta", depth=1)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert int(r.headers["x-govkg-nodes"]) == _page_nodes(r.text) > 1
    assert "unsafe-inline" in r.headers["content-security-policy"]


def test_viz_question_params_and_scenario(server: LiveServer) -> None:
    r = get(server, "/viz", question="models-by-developer", developer="meta")
    assert r.status_code == 200, r.text
    assert int(r.headers["x-govkg-nodes"]) == _page_nodes(r.text)
    assert get(server, "/viz", developer="meta").status_code == 400
    s = get(server, "/viz", scenario="meta-agrees")
    assert s.status_code == 200 and int(s.headers["x-govkg-nodes"]) == _page_nodes(s.text)


def test_viz_above_the_cap_is_a_400_suggesting_a_filter(server: LiveServer) -> None:
    r = get(server, "/viz", max_nodes=10)
    assert r.status_code == 400
    assert "focus" in r.json()["detail"]
    # a larger max_nodes than the server's cap is lowered to the cap, never raised
    with in_process_server(server.settings.store, data=None, viz_max_nodes=20) as small:
        capped = get(small, "/viz", max_nodes=100000)
        assert capped.status_code == 400 and "limit of 20" in capped.json()["detail"]


def test_openapi_describes_the_routes(server: LiveServer) -> None:
    spec = get(server, "/openapi.json").json()
    for path in ("/analysis/coverage", "/analysis/explain", "/analysis/scenario", "/viz"):
        assert path in spec["paths"], path
        op = next(iter(spec["paths"][path].values()))
        assert op.get("description"), path


def test_viz_unknown_question_or_focus_is_a_404(server: LiveServer) -> None:
    assert get(server, "/viz", question="no-such-question").status_code == 404
    r = get(server, "/viz", focus="nobody-at-all")
    assert r.status_code == 404 and "nobody-at-all" in r.json()["detail"]


def test_viz_max_nodes_setting_from_env() -> None:
    from govkg.api.settings import Settings
    from govkg.graph.errors import InputError

    assert Settings.from_env({}).viz_max_nodes == 5000
    assert Settings.from_env({"GOVKG_VIZ_MAX_NODES": "250"}).viz_max_nodes == 250
    with pytest.raises(InputError, match="GOVKG_VIZ_MAX_NODES"):
        Settings.from_env({"GOVKG_VIZ_MAX_NODES": "lots"})


def test_a_write_through_the_api_is_seen_by_the_next_analysis(bundled_store_copy: Path) -> None:
    with in_process_server(bundled_store_copy, data=None, token="secret-token") as live:
        before = get(live, "/analysis/coverage", as_of=AS_OF).json()
        assert ID + "cache-probe-model" not in {m["model"] for m in before["models"]}
        update = (
            "INSERT DATA { GRAPH <https://w3id.org/govkg/graph/cache-probe> { "
            f"<{ID}cache-probe-model> a <https://w3id.org/govkg/ontology#AIModel> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> 'Cache probe' ; "
            f"<https://w3id.org/govkg/ontology#developedBy> <{ID}meta> ; "
            # Dated: undated models are only possibly out on a day, so not in the answer.
            "<https://w3id.org/govkg/ontology#releaseDate> "
            "'2024-01-01'^^<http://www.w3.org/2001/XMLSchema#date> . } }"
        )
        r = http.post(
            live.sparql,
            data={"update": update},
            headers={"Authorization": "Bearer secret-token"},
            timeout=60,
        )
        assert r.status_code in (200, 204), r.text
        after = get(live, "/analysis/coverage", as_of=AS_OF).json()
        verdicts = {m["model"]: m["verdict"] for m in after["models"]}
        assert verdicts.get(ID + "cache-probe-model") == "uncovered"
