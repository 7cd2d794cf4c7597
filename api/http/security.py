"""Safety checks of the HTTP API: write authorisation, SERVICE/LOAD policy, body size cap.

Why each exists:

- pyoxigraph follows ``SERVICE <url>`` and ``LOAD <url>`` by itself (checked: it connects to
  any listener), so a public endpoint would be an SSRF proxy. :func:`remote_targets` finds every
  such target *before* the engine sees the text, with a real SPARQL lexer (comments, strings,
  IRIs, prefixed names, ``\\u`` escapes and ``SILENT`` are handled), cross-checked by rdflib's
  SPARQL grammar when it can parse the text. A target we cannot resolve (``SERVICE ?var``) is
  refused.
- Writes need ``Authorization: Bearer <token>``; the comparison runs in constant time.
- Request bodies are capped before they are buffered (:class:`BodyLimitMiddleware`).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from typing import cast

from govkg.graph.errors import AuthenticationError, ForbiddenOperationError
from govkg.graph.sparql_text import decode_escapes, service_targets

# -- write authorisation ---------------------------------------------------------------------


def check_write_auth(authorization: str | None, token: str | None) -> None:
    """Allow a write only with the configured bearer token.

    403 when the server has no token (it is read-only: no credential can help), 401 when the
    credential is missing or wrong.
    """
    if not token:
        raise ForbiddenOperationError(
            "this server is read-only: writes (SPARQL Update, Graph Store PUT/POST/DELETE) are "
            "disabled; start it with a token (GOVKG_TOKEN or `govkg serve --token`) to allow them"
        )
    if not authorization:
        raise AuthenticationError(
            "writes need an `Authorization: Bearer <token>` header; none was sent"
        )
    scheme, _, given = authorization.strip().partition(" ")
    ok = hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode("utf-8"))
    if scheme.lower() != "bearer" or not ok:
        raise AuthenticationError("the bearer token sent in the Authorization header is not valid")


# -- SERVICE / LOAD detection ----------------------------------------------------------------


def _rdflib_targets(text: str, is_update: bool) -> list[str | None]:
    """Targets found by rdflib's SPARQL grammar (empty when rdflib cannot parse the text)."""
    try:
        from rdflib.plugins.sparql import algebra, parser
        from rdflib.plugins.sparql.parserutils import CompValue
        from rdflib.term import URIRef

        # The algebra (not the raw parse tree) has prefixed names and BASE resolved.
        tree: object
        if is_update:
            tree = algebra.translateUpdate(parser.parseUpdate(text)).algebra
        else:
            tree = algebra.translateQuery(parser.parseQuery(text)).algebra
    except Exception:  # noqa: BLE001 - rdflib's grammar is stricter; the lexer result stands
        return []
    found: list[str | None] = []

    def walk(node: object, depth: int = 0) -> None:
        if depth > 200:
            return
        if isinstance(node, CompValue):
            if node.name in ("ServiceGraphPattern", "Load"):
                term = node.get("term") if node.name == "ServiceGraphPattern" else node.get("iri")
                found.append(str(term) if isinstance(term, URIRef) else None)
            for value in node.values():
                walk(value, depth + 1)
        elif (
            isinstance(node, list | tuple) or hasattr(node, "asList") and not isinstance(node, str)
        ):
            for value in cast(Iterable[object], node):
                walk(value, depth + 1)

    walk(tree)
    return found


def remote_targets(text: str, *, is_update: bool = False) -> list[str | None]:
    """Every IRI a SERVICE clause or LOAD operation in ``text`` would fetch.

    ``None`` stands for a target that cannot be known before evaluation (a variable) or that
    the lexer could not resolve; callers must refuse it.
    """
    decoded = decode_escapes(text)
    lowered = decoded.lower()
    if "service" not in lowered and "load" not in lowered:
        return []
    found = service_targets(text)
    if decoded != text:
        found += service_targets(decoded)
    found += _rdflib_targets(text, is_update)
    unique: list[str | None] = []
    for t in found:
        if t not in unique:
            unique.append(t)
    return unique


def check_remote_access(text: str, allowlist: Iterable[str], *, is_update: bool = False) -> None:
    """Raise :class:`ForbiddenOperationError` (403) for any SERVICE/LOAD target not allowed."""
    allowed = set(allowlist)
    for target in remote_targets(text, is_update=is_update):
        if target is None:
            raise ForbiddenOperationError(
                "SERVICE or LOAD with a target that is not a fixed IRI is refused: this server "
                "only contacts endpoints in its allow-list"
            )
        if target not in allowed:
            raise ForbiddenOperationError(
                f"SERVICE or LOAD of <{target}> is refused: this server only contacts endpoints "
                "in its allow-list (settings.service_allowlist), and this one is not in it"
            )


# -- request body cap ------------------------------------------------------------------------


class BodyLimitMiddleware:
    """Pure ASGI middleware refusing bodies over ``max_bytes`` with a 413 problem.

    It checks ``Content-Length`` up front and counts streamed chunks, so a chunked upload cannot
    slip past the limit.
    """

    def __init__(self, app, max_bytes: int) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
        if length is not None and (length < 0 or length > self.max_bytes):
            await self._refuse(send, length)
            return
        seen = 0
        started = False

        async def limited_receive():  # type: ignore[no-untyped-def]
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message):  # type: ignore[no-untyped-def]
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(send, seen)

    async def _refuse(self, send, length: int) -> None:  # type: ignore[no-untyped-def]
        if length < 0:
            status, title = 400, "Bad input"
            detail = "the Content-Length header is not a valid number"
        else:
            status, title = 413, "Request body too large"
            detail = f"the request body is larger than this server accepts ({self.max_bytes} bytes)"
        body = json.dumps(
            {
                "type": "https://w3id.org/govkg/problems/body-too-large",
                "title": title,
                "status": status,
                "detail": detail,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    """Internal signal from the limited receive channel."""
