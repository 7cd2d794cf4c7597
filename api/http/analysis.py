"""``/analysis/*``: oversight coverage, explanations, centrality, paths and what-if scenarios.

Why a worker pool: each answer needs the store projected onto a NetworkX graph and then
CPU-bound analysis that nothing can interrupt from outside. So every analysis runs as a job in
the analysis pool's worker processes (:mod:`govkg.api.http.analysis_jobs`), under a time limit
(``analysis_timeout``, lowered by a request's ``timeout``): at the limit the worker is killed
and the client gets a 503 problem saying which limit. Answers are cached per request and data
generation (:mod:`govkg.api.http.analysis_cache`); the ``Age``, ``X-Govkg-Cache`` and
``X-Govkg-Generation`` headers say how old an answer is, whether it came from the cache, and
which data it was computed on. Scenarios run on a copy of the projection: the store is never
written. Problems are :class:`~govkg.graph.errors.GovkgError` subclasses, rendered by
``govkg.api.http.problems``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from fastapi import APIRouter, Query, Request
from govkg.api.http.analysis_cache import Cached
from govkg.api.http.analysis_jobs import AnalysisJob
from govkg.api.http.analysis_jobs import bundled_scenario as bundled_scenario
from govkg.api.http.state import state_of
from govkg.graph.analysis.service import bundled_scenarios, today
from govkg.graph.errors import InputError, StoreError, UnsupportedFormatError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

router = APIRouter(prefix="/analysis", tags=["Analyses"])

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")

#: The ``timeout`` parameter every analysis route takes.
TIMEOUT_HELP = (
    "Seconds this analysis may take (lowers the server's analysis limit, never raises it); "
    "past it the work is stopped and the answer is a 503 problem."
)
CACHE_HEADERS = {
    "Age": {
        "description": "Seconds since this answer was computed.",
        "schema": {"type": "integer"},
    },
    "X-Govkg-Cache": {
        "description": "hit (from the cache), miss (computed for this request) or shared "
        "(computed for an identical request at the same time).",
        "schema": {"type": "string"},
    },
    "X-Govkg-Generation": {
        "description": "The data generation the answer was computed on (moves on every change).",
        "schema": {"type": "integer"},
    },
}
LIMIT_RESPONSE = {"description": "The analysis ran past its time limit and was stopped."}


def check_timeout(value: float | None) -> float | None:
    """A ``timeout`` parameter: positive seconds, or None for the server's limit."""
    if value is not None and not value > 0:
        raise InputError(f"timeout: must be a positive number of seconds, got {value!r}")
    return value


async def run_analysis(request: Request, job: AnalysisJob, timeout: float | None) -> Cached:
    """Answer ``job`` through the app's analysis runner (cache, pool, time limit)."""
    runner = state_of(request).analyses
    limit = runner.limit(check_timeout(timeout))
    try:
        return await runner.answer(job, limit)
    except asyncio.CancelledError:
        # uvicorn cancels what is still running when the shutdown grace period is over: the
        # client gets a retryable problem instead of a 500 (the worker is killed regardless).
        raise StoreError("the server is shutting down; the analysis was stopped, retry") from None


def respond(entry: Cached) -> Response:
    """The cached or computed answer as sent, with its age, cache outcome and generation."""
    return Response(entry.answer.body, media_type=entry.answer.media_type, headers=entry.headers())


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
    timeout: float | None = Query(None, description=TIMEOUT_HELP),
) -> Response:
    job = AnalysisJob("coverage", {"as_of": as_of or today(), "developer": developer})
    return respond(await run_analysis(request, job, timeout))


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
    timeout: float | None = Query(None, description=TIMEOUT_HELP),
) -> Response:
    job = AnalysisJob("explain", {"model": model, "as_of": as_of or today()})
    return respond(await run_analysis(request, job, timeout))


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
    timeout: float | None = Query(None, description=TIMEOUT_HELP),
) -> Response:
    job = AnalysisJob("centrality", {"k": k, "kinds": list(kind), "top": top})
    return respond(await run_analysis(request, job, timeout))


@router.get(
    "/communities",
    summary="Louvain communities and where the recorded stances fall",
    description="Communities on the undirected view without concept and source nodes, largest "
    "first, each with its kinds, best-connected members and stances; plus the modularity.",
)
async def analysis_communities(
    request: Request, timeout: float | None = Query(None, description=TIMEOUT_HELP)
) -> Response:
    return respond(await run_analysis(request, AnalysisJob("communities"), timeout))


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
    timeout: float | None = Query(None, description=TIMEOUT_HELP),
) -> Response:
    return respond(await run_analysis(request, AnalysisJob("path", {"a": a, "b": b}), timeout))


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
    # Reads a few small files (no analysis): a thread is enough.
    return JSONResponse(await run_in_threadpool(bundled_scenarios))


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
    timeout: float | None = Query(None, description=TIMEOUT_HELP),
) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    params: dict[str, Any]
    if media in YAML_TYPES:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("the scenario body is not UTF-8 text") from None
        # Parsed in the worker, under the limit; the digest names it in the cache.
        digest = hashlib.sha256(body).hexdigest()
        params = {"name": None, "yaml": text, "as_of": as_of}
        key_params: dict[str, Any] = {"sha256": digest, "as_of": as_of}
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
        params = key_params = {"name": data["name"], "yaml": None, "as_of": as_of}
    else:
        raise UnsupportedFormatError(
            f"Content-Type {media!r}: send application/json or application/yaml"
        )
    job = AnalysisJob("scenario", params, key_params)
    return respond(await run_analysis(request, job, timeout))
