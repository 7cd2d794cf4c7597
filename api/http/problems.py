"""The one error model of the HTTP API: RFC 9457 ``application/problem+json``.

Every failure reaches the client through :func:`install` (registered once by ``create_app``):
:class:`~govkg.graph.errors.GovkgError` subclasses carry their own ``http_status`` and ``title``;
FastAPI's validation errors and Starlette's HTTP errors are rendered the same way; anything
unexpected is logged with its traceback and answered with a generic 500 that echoes no internal
detail (a public endpoint must not leak paths or stack traces).
"""

from __future__ import annotations

import json
import logging
import re
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from govkg.graph.errors import GovkgError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("govkg.api")

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "https://w3id.org/govkg/problems/"


#: ``type`` slugs of problems that do not come from a GovkgError subclass.
INTERNAL = "internal-error"
BY_STATUS = {400: "input", 404: "not-found", 405: "method-not-allowed", 413: "result-too-large"}


def kind_of(exc: GovkgError) -> str:
    """The ``type`` slug of a govkg error: its class name in kebab case, without ``Error``.

    ``NotFoundError`` → ``not-found``, ``QueryTimeoutError`` → ``query-timeout``; the base
    class (an unexpected failure inside the engine) → ``internal-error``, like any other 500.

    >>> from govkg.graph.errors import NotFoundError
    >>> kind_of(NotFoundError("x"))
    'not-found'
    """
    name = type(exc).__name__.removesuffix("Error")
    if type(exc) is GovkgError or not name:
        return INTERNAL
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def problem_body(
    status: int, title: str, detail: str, *, kind: str | None = None, **extra: object
) -> dict:
    """The JSON members of one problem; ``kind`` names the ``type`` IRI's last segment.

    Without ``kind`` the slug follows the status (``BY_STATUS``), so a 404 from routing and a
    404 from a missing entity share one ``type``.
    """
    slug = kind or BY_STATUS.get(status) or (INTERNAL if status >= 500 else "http-error")
    body: dict[str, object] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: object,
) -> Response:
    """A ``Response`` carrying one problem document."""
    body = problem_body(status, title, detail, kind=kind, **extra)
    return Response(
        content=json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type=PROBLEM_TYPE,
        headers=headers,
    )


def error_response(exc: GovkgError, instance: str | None = None) -> Response:
    """Render a :class:`GovkgError` (used by the handler and by streaming code paths)."""
    headers: dict[str, str] = {}
    if exc.http_status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="govkg"'
    problems = [str(p) for p in exc.problems] or None
    return problem_response(
        exc.http_status,
        exc.title,
        exc.message,
        kind=kind_of(exc),
        headers=headers or None,
        instance=instance,
        problems=problems,
    )


def install(app: FastAPI) -> None:
    """Register the exception handlers on ``app`` (call once)."""

    @app.exception_handler(GovkgError)
    async def _govkg(request: Request, exc: GovkgError) -> Response:
        if exc.http_status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc.message)
        return error_response(exc, instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return problem_response(
            400,
            "Bad input",
            "; ".join(parts) or "invalid request",
            kind="input",
            instance=request.url.path,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}"
        return problem_response(
            exc.status_code,
            title,
            detail,
            headers=dict(exc.headers or {}) or None,
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        ref = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        return problem_response(
            500,
            "Internal error",
            f"the server failed to handle this request; it has been logged as {ref}",
            kind=INTERNAL,
            instance=request.url.path,
        )
