"""The FastAPI application: ``create_app(settings)`` wires routes, errors, limits and workers.

Why a factory: tests (and the CLI) build apps with their own settings and stores; nothing is
read from the environment here, and each app owns its worker pool (started and stopped with the
app's lifespan). Every request first passes :class:`FreshStoreMiddleware`, so a read-only server
answers from the store as another process (``govkg build``/``load``/``import``) left it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from govkg.api.http import (
    analysis,
    changes,
    dataset,
    docs_page,
    gsp,
    pages,
    problems,
    rest,
    sparql,
    viz,
)
from govkg.api.http.security import BodyLimitMiddleware
from govkg.api.http.state import AppState
from govkg.api.settings import Settings
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = """
govkg is a knowledge graph of AI-governance facts (developers, models, weights access, agencies,
commitments, reviews, regulatory actions), each traced to its source.

* **SPARQL 1.1 Protocol** at `/sparql` (query; update with a bearer token).
* **Graph Store Protocol** at `/rdf-graphs`.
* **REST**: named questions, entities, the ontology, exports and health.
* **Analyses** at `/analysis/*` (coverage, explain, centrality, paths, what-if scenarios) and
  the interactive graph page at `/viz`.

Errors are RFC 9457 `application/problem+json` documents. Queries have a time limit (503 when
exceeded, and the work is stopped) and a result-size limit (413). Analyses run in worker
processes of their own with a time limit too (503, `timeout` lowers it); their answers are
cached per data generation (`Age`, `X-Govkg-Cache`, `X-Govkg-Generation` headers).
"""


def create_app(settings: Settings) -> FastAPI:
    """Build the HTTP application for ``settings`` (the store must already exist)."""
    state = AppState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    app = FastAPI(
        title="govkg",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # Swagger UI needs a CDN; api/http/docs_page.py serves a reference
        redoc_url=None,
    )
    app.state.govkg = state
    problems.install(app)
    docs_page.install(app)
    app.include_router(sparql.router)
    app.include_router(gsp.router)
    app.include_router(pages.router)  # before rest: its /ontology negotiates every format
    app.include_router(rest.router)
    app.include_router(dataset.router)
    app.include_router(analysis.router)
    app.include_router(viz.router)
    app.include_router(changes.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/sparql", status_code=303)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
        )
    app.add_middleware(FreshStoreMiddleware, state=state)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


class FreshStoreMiddleware:
    """Pure ASGI middleware: before each request, reopen the store if it changed on disk.

    Why here and not in each route: every route that reads (SPARQL, Graph Store, REST,
    analyses, /viz) must answer from the store as it is now, and a middleware cannot be
    forgotten by a new route. The check is :meth:`AppState.refresh` (a stat or two).
    """

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("path", "").startswith("/static/"):
            await self.state.refresh()
        await self.app(scope, receive, send)
