"""``/analysis/*``: oversight coverage, explanations, centrality, paths and what-if scenarios.

Why a thread and a cache: each answer needs the store projected onto a NetworkX graph and then
CPU-bound analysis. Both run in Starlette's thread pool, never on the event loop, so other
requests keep flowing. The projection is cached per app and per data generation (the worker
pool's counter, bumped on every write and whenever the server reopens a store that another
process changed), so a change is seen by the next request and reads do not re-project.
Scenarios run on a copy of the projection: the store is never written.
Problems are :class:`~govkg.graph.errors.GovkgError` subclasses, rendered by
``govkg.api.http.problems``.
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from typing import Any

from fastapi import APIRouter, Query, Request
from govkg.api.http.state import AppState, state_of
from govkg.graph.analysis import (
    SCENARIO_DIR,
    communities,
    explain,
    explain_path,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from govkg.graph.analysis.service import (
    Snapshot,
    bundled_scenarios,
    centrality_dict,
    coverage_dict,
    today,
)
from govkg.graph.errors import InputError, NotFoundError, UnsupportedFormatError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

router = APIRouter(prefix="/analysis", tags=["Analyses"])

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
SCENARIO_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,100}$")

_cache: weakref.WeakKeyDictionary[AppState, tuple[int, Snapshot]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


async def snapshot(request: Request) -> Snapshot:
    """The projection of the app's store as it is now; projected in a thread when stale.

    The key is the worker pool's generation, bumped by every write through the API and by
    every reopen after another process changed the store (``AppState.refresh``). It is read
    before projecting, so a change during the projection makes the next request project again.
    """
    state = state_of(request)
    key = state.pool.generation
    with _cache_lock:
        hit = _cache.get(state)
    if hit is not None and hit[0] == key:
        return hit[1]
    snap = await state.read(Snapshot.of)
    with _cache_lock:
        _cache[state] = (key, snap)
    return snap


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data)


MODEL_EXAMPLE = {
    "model": "https://w3id.org/govkg/id/llama-3.1-405b",
    "label": "Llama 3.1 405B",
    "verdict": "uncovered",
    "developers": ["Meta"],
    "weights_access": "open-weights-restricted",
    "open_weights": True,
    "release_date": "2024-07-23",
    "decided_by": [],
}


@router.get(
    "/coverage",
    summary="Oversight coverage of every model",
    description="Each model released by `as_of` gets one verdict (`reviewed`, "
    "`reviewed-post-deployment`, `agreement-at-release`, `agreement-after-release`, "
    "`inherited`, `uncovered`), with totals per verdict, developer and weights access. "
    "`developer` (id, IRI or label) narrows the models and totals to one developer. "
    "A bad date is a 400 problem, an unknown developer a 404.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "as_of": "2026-11-28",
                        "totals": {"agreement-after-release": 28, "uncovered": 85},
                        "by_developer": {"Meta": {"uncovered": 23}},
                        "by_weights_access": {"open-weights-restricted": {"uncovered": 30}},
                        "models": [MODEL_EXAMPLE],
                    }
                }
            }
        }
    },
)
async def analysis_coverage(
    request: Request,
    as_of: str | None = Query(
        None, description="Day to judge on, YYYY-MM-DD (default today).", examples=["2025-01-01"]
    ),
    developer: str | None = Query(
        None, description="Only this developer's models.", examples=["meta"]
    ),
) -> JSONResponse:
    snap = await snapshot(request)
    return _json(await run_in_threadpool(coverage_dict, snap.graph, as_of, developer))


@router.get(
    "/explain",
    summary="Why a model has its coverage verdict",
    description="The deciding facts (evaluation, developer ← participation → agreement, base-model "
    "chain) with the named graphs asserting each, or the missing links for an uncovered model. "
    "An unknown model is a 404 problem with the closest names.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "model": "https://w3id.org/govkg/id/llama-3.1-405b",
                        "label": "Llama 3.1 405B",
                        "verdict": "uncovered",
                        "as_of": "2026-11-28",
                        "text": "Llama 3.1 405B is uncovered on 2026-11-28: no evaluation of "
                        "Llama 3.1 405B recorded; Meta is party to no testing agreement ...",
                        "path": [],
                        "missing": ["no evaluation of Llama 3.1 405B recorded"],
                    }
                }
            }
        }
    },
)
async def analysis_explain(
    request: Request,
    model: str = Query(
        ..., description="The model: id, IRI or label.", examples=["llama-3.1-405b"]
    ),
    as_of: str | None = Query(None, description="Day to judge on (default today)."),
) -> JSONResponse:
    snap = await snapshot(request)
    result = await run_in_threadpool(explain, snap.graph, model, as_of or today())
    return _json(result.as_dict())


@router.get(
    "/centrality",
    summary="PageRank, betweenness and degree, ranked within each kind",
    description="Betweenness is estimated from `k` sampled sources (seeded, so repeatable). "
    "`kind` (repeatable) restricts the report to those kinds; `top` keeps the best N per kind.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "Agency": [
                            {
                                "node": "https://w3id.org/govkg/id/nist",
                                "label": "National Institute of Standards and Technology",
                                "kind": "Agency",
                                "pagerank": 0.0054,
                                "betweenness": 0.015,
                                "degree": 8,
                                "pagerank_rank": 1,
                                "betweenness_rank": 2,
                                "degree_rank": 3,
                            }
                        ]
                    }
                }
            }
        }
    },
)
async def analysis_centrality(
    request: Request,
    k: int = Query(100, ge=1, le=100_000, description="Betweenness sample size."),
    kind: list[str] = Query(
        [], description="Only these kinds, e.g. AIDeveloper, Agency.", examples=[["AIDeveloper"]]
    ),
    top: int = Query(10, ge=1, le=10_000, description="Best N per kind by PageRank."),
) -> JSONResponse:
    snap = await snapshot(request)
    data = await run_in_threadpool(
        lambda: centrality_dict(snap.graph, k=k, kinds=kind or None, top=top)
    )
    return _json(data)


@router.get(
    "/communities",
    summary="Louvain communities and where the recorded stances fall",
    description="Communities on the undirected view without concept and source nodes, largest "
    "first, each with its kinds, best-connected members and stances; plus the modularity.",
)
async def analysis_communities(request: Request) -> JSONResponse:
    snap = await snapshot(request)
    report = await run_in_threadpool(communities, snap.graph)
    return _json(report.as_dict())


@router.get(
    "/path",
    summary="The most direct explanatory path between two entities (hubs cost more)",
    description="Each step carries the facts that make the link and the named graphs (sources) "
    "asserting them. Unknown ends or no path: a 404 problem.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "source": "https://w3id.org/govkg/id/meta",
                        "target": "https://w3id.org/govkg/id/us-aisi",
                        "length": 2,
                        "nodes": ["..."],
                        "labels": ["Meta", "...", "U.S. AI Safety Institute"],
                        "text": "...",
                        "steps": [],
                    }
                }
            }
        }
    },
)
async def analysis_path(
    request: Request,
    a: str = Query(..., description="One end: id, IRI or label.", examples=["meta"]),
    b: str = Query(..., description="The other end.", examples=["ostp"]),
) -> JSONResponse:
    snap = await snapshot(request)
    result = await run_in_threadpool(explain_path, snap.graph, a, b)
    return _json(result.as_dict())


@router.get(
    "/scenarios",
    summary="The bundled what-if scenarios",
    description="Name, title, description and default day of each scenario in graph/scenarios/; "
    "run one with `POST /analysis/scenario`.",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": [
                        {
                            "name": "meta-agrees",
                            "title": "Meta signs a pre-deployment testing agreement with CAISI",
                            "description": "...",
                            "as_of": "2027-01-01",
                        }
                    ]
                }
            }
        }
    },
)
async def analysis_scenarios() -> JSONResponse:
    return _json(await run_in_threadpool(bundled_scenarios))


def bundled_scenario(name: object):  # type: ignore[no-untyped-def]
    """A bundled scenario by name; never a path (a client must not make the server read files)."""
    if not isinstance(name, str) or not SCENARIO_NAME.match(name):
        raise InputError(f"name: expected a bundled scenario name, got {name!r}")
    if not (SCENARIO_DIR / f"{name}.yaml").is_file():
        known = ", ".join(s["name"] for s in bundled_scenarios())
        raise NotFoundError(f"no bundled scenario {name!r} (bundled: {known})")
    return load_scenario(SCENARIO_DIR / f"{name}.yaml")


@router.post(
    "/scenario",
    summary="Run a what-if scenario (never writes the store)",
    description='Body: JSON `{"name": "meta-agrees", "as_of": "2027-01-01"}` for a '
    "bundled scenario, or a scenario file itself with `Content-Type: application/yaml` (format in "
    "docs/analyses.md; `as_of` as a query parameter). Returns the models that move verdict, totals "
    "before/after and the two-tier report. A bad scenario is a 400 problem listing every "
    "problem as `<request body>:line: field: message`.",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"example": {"name": "meta-agrees"}},
                "application/yaml": {
                    "example": "scenario:\n  id: demo\n  title: Demo\n  as_of: 2027-01-01\n"
                    "changes:\n  - add: participation\n    party: meta\n"
                    "    instrument: us-aisi-agreements\n    status: signed\n"
                },
            }
        }
    },
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "scenario": "meta-agrees",
                        "title": "Meta signs a pre-deployment testing agreement with CAISI",
                        "as_of": "2027-01-01",
                        "moves": [
                            {
                                "model": "https://w3id.org/govkg/id/llama-3.1-405b",
                                "label": "Llama 3.1 405B",
                                "before": "uncovered",
                                "after": "agreement-after-release",
                            }
                        ],
                        "totals_before": {"uncovered": 85},
                        "totals_after": {"uncovered": 62},
                        "tiers_before": {},
                        "tiers_after": {},
                        "notes": [],
                    }
                }
            }
        }
    },
)
async def analysis_scenario(
    request: Request,
    as_of: str | None = Query(None, description="Day to judge on (default: the scenario's)."),
) -> JSONResponse:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media in YAML_TYPES:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("the scenario body is not UTF-8 text") from None
        scenario = await run_in_threadpool(parse_scenario, text, file="<request body>")
    elif media in ("application/json", ""):
        try:
            data = json.loads(body or b"null")
        except ValueError as exc:
            raise InputError(f"the body is not JSON: {exc}") from None
        if not isinstance(data, dict) or "name" not in data:
            raise InputError('expected a JSON object {"name": "<bundled scenario>"}')
        unknown = sorted(set(data) - {"name", "as_of"})
        if unknown:
            raise InputError(f"unknown members {unknown}; expected name and as_of")
        as_of = data.get("as_of") or as_of
        scenario = await run_in_threadpool(bundled_scenario, data["name"])
    else:
        raise UnsupportedFormatError(
            f"Content-Type {media!r}: send application/json or application/yaml"
        )
    snap = await snapshot(request)
    report = await run_in_threadpool(lambda: run_scenario(snap.graph, scenario, as_of=as_of))
    return _json(report.as_dict())
