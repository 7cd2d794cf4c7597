"""``GET /viz``: the interactive graph page, built from the server's store.

The same page ``govkg viz`` writes (:func:`govkg.viz.render.render_page`), drawn in an
analysis worker from its projection (:mod:`govkg.api.http.analysis_jobs`) under the analysis
time limit, and cached like every analysis (:mod:`govkg.api.http.analysis_cache`). A
``question`` is asked in a query worker first, exactly like ``/questions/{name}``: a question
past the time limit is stopped (503) and an answer over ``max_results`` rows refused (413), so
no page request can occupy the server without bound. The page is self-contained and makes no
request at all; its own meta CSP forbids fetches, and the response repeats that as a header
that allows only the inline script and styles the page carries.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from fastapi import APIRouter, Query, Request
from govkg.api.http.analysis import check_timeout
from govkg.api.http.analysis_jobs import AnalysisJob
from govkg.api.http.query_jobs import Job
from govkg.api.http.sparql import effective_timeout
from govkg.api.http.state import state_of
from govkg.graph.analysis.service import VizRequest, answer_iris, check_request
from govkg.graph.errors import InputError
from starlette.responses import HTMLResponse

router = APIRouter(tags=["Visualisation"])

#: Query parameters of /viz itself; any other parameter is a parameter of ``question``.
VIZ_PARAMS = {
    "view",
    "focus",
    "depth",
    "question",
    "coverage_gap",
    "scenario",
    "as_of",
    "max_nodes",
    "timeout",
}
PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


@router.get(
    "/viz",
    summary="Interactive graph page (self-contained HTML)",
    description="Opens on a story: the founding article's actors and their relations "
    "(`view=story`, the default); `view=coverage` draws open-weights models by developer "
    "coloured by verdict, `view=all` the whole graph. Nodes link to their entity pages. Or one "
    "of: an entity's neighbourhood (`focus`, `depth`), "
    "a named question's result (`question`, its parameters as further query parameters, e.g. "
    "`/viz?question=models-by-developer&developer=meta`; it runs in a query worker with the "
    "server's time limit, lowered by `timeout`, and row cap), the models outside review "
    "(`coverage_gap=true`), or a bundled scenario's before/after (`scenario`). Nodes are sized by "
    "PageRank and models coloured by coverage on `as_of`. A drawing with more nodes than "
    "`max_nodes` (at most the server's `viz_max_nodes`) is a 400 problem suggesting a filter. "
    "The `X-Govkg-Nodes` and `X-Govkg-Edges` headers give what the page holds.",
    response_class=HTMLResponse,
    responses={
        200: {
            "content": {"text/html": {"example": "<!DOCTYPE html><html>...</html>"}},
            "headers": {
                "X-Govkg-Nodes": {"description": "nodes on the page", "schema": {"type": "integer"}}
            },
        },
        400: {"description": "Too many nodes, a bad date, a bad parameter or conflicting options."},
        404: {"description": "Unknown focus entity, question or scenario."},
        413: {"description": "The question's answer has more rows than the server returns."},
        503: {
            "description": "The question or the drawing ran past its time limit and was stopped."
        },
    },
)
async def viz_page(
    request: Request,
    view: str | None = Query(None, description="story (default), coverage or all."),
    focus: str | None = Query(None, description="Entity id, IRI or label.", examples=["meta"]),
    depth: int | None = Query(
        None, ge=0, le=10, description="Hops around focus (default 2) or a question's result (1)."
    ),
    question: str | None = Query(None, description="A named question (see /questions)."),
    coverage_gap: bool = Query(False, description="Uncovered models and who could review them."),
    scenario: str | None = Query(None, description="A bundled scenario (see /analysis/scenarios)."),
    as_of: str | None = Query(None, description="Day for coverage colours (default today)."),
    max_nodes: int | None = Query(None, ge=1, description="Refuse bigger drawings."),
    timeout: float | None = Query(
        None, description="Seconds for the question (lowers the server's limit, never raises it)."
    ),
) -> HTMLResponse:
    state = state_of(request)
    cap = state.settings.viz_max_nodes
    pairs = list(request.query_params.multi_items())
    params = {k: v for k, v in pairs if k not in VIZ_PARAMS}
    if params and not question:
        raise InputError(
            f"unknown query parameters {sorted(params)}; question parameters need `question`"
        )
    timeout_param = timeout
    timeout = effective_timeout(state, pairs)
    if scenario is not None:
        from govkg.api.http.analysis_jobs import bundled_scenario
        from govkg.graph.analysis import SCENARIO_DIR

        bundled_scenario(scenario)  # bundled names only: never a path on the server
        scenario = str(SCENARIO_DIR / f"{scenario}.yaml")
    req = VizRequest(
        focus=focus,
        depth=depth,
        question=question,
        params=params,
        coverage_gap=coverage_gap,
        scenario=scenario,
        as_of=as_of,
        max_nodes=min(max_nodes or cap, cap),
    )
    check_request(req)
    answer = None
    if question:
        # In a worker, like /questions/{name}: killed at the time limit (503), capped rows (413).
        outcome = await state.pool.run(Job(kind="question", name=question, params=params), timeout)
        answer = answer_iris(outcome.rows)
    job = drawing_job(request, req, view, answer)
    drawn = await state.analyses.answer(job, state.analyses.limit(check_timeout(timeout_param)))
    return HTMLResponse(
        drawn.answer.body,
        headers={
            **drawn.headers(),
            "Content-Security-Policy": PAGE_CSP,
            "Cache-Control": "no-store",
        },
    )


def drawing_job(
    request: Request, req: VizRequest, view: str | None, answer: set[str] | None
) -> AnalysisJob:
    """The analysis job drawing ``req``: a served view (with links to entity pages) or a page."""
    if not (req.question or req.coverage_gap or req.scenario):  # story, coverage, focus, all
        from govkg.api.http.pages import base_of

        params = {"request": asdict(req), "view": view, "page_base": base_of(request)}
        return AnalysisJob("served", params)
    listed = sorted(answer) if answer is not None else None
    digest = hashlib.sha256("\n".join(listed or []).encode()).hexdigest()
    return AnalysisJob(
        "viz",
        {"request": asdict(req), "answer": listed},
        key_params={"request": asdict(req), "answer": digest if listed is not None else None},
    )
