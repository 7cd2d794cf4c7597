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
import re
from collections.abc import Iterable
from urllib.parse import urljoin

from govkg.graph.errors import AuthenticationError, ForbiddenOperationError

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

_PN_CHARS = r"\w\-\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_FIRST = rf"[\w:\u00C0-\uFFFF]|{_PLX}"
_LOCAL_MID = rf"[{_PN_CHARS}.:\u00C0-\uFFFF]|{_PLX}"
_LOCAL_LAST = rf"[{_PN_CHARS}:\u00C0-\uFFFF]|{_PLX}"
_PREFIX = r"[A-Za-z\u00C0-\uFFFF](?:[\w\-.\u00B7\u00C0-\uFFFF]*[\w\-\u00B7\u00C0-\uFFFF])?"

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
  | (?P<bnode>_:[\w\-.\u00B7\u00C0-\uFFFF]*)
  | (?P<pname>(?:{_PREFIX})?:(?:(?:{_LOCAL_FIRST})(?:(?:{_LOCAL_MID})*(?:{_LOCAL_LAST}))?)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def _decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes (spec 19.2), which act before tokenising."""

    def repl(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)

    return _UNICODE_ESCAPE.sub(repl, text)


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of the significant SPARQL tokens (whitespace and comments dropped).

    Kinds: ``iri``, ``string``, ``var``, ``bnode``, ``pname``, ``word`` (keywords and other
    bare words) and ``other`` (punctuation, numbers' characters).
    """
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, m.group(), m.start()))
    return out


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v, _ in tokenize(text)]


def _lexical_targets(text: str) -> list[str | None]:
    """Targets of SERVICE/LOAD found by the lexer; None for one we cannot resolve."""
    toks = _tokens(text)
    prefixes: dict[str, str] = {}
    base = ""
    found: list[str | None] = []
    for i, (kind, value) in enumerate(toks):
        if kind != "word":
            continue
        word = value.upper()
        nxt = toks[i + 1 : i + 4]
        if word == "PREFIX" and len(nxt) >= 2 and nxt[0][0] == "pname" and nxt[1][0] == "iri":
            prefixes[nxt[0][1].rstrip(":")] = urljoin(base, nxt[1][1][1:-1])
        elif word == "BASE" and nxt and nxt[0][0] == "iri":
            base = urljoin(base, nxt[0][1][1:-1])
        elif word in ("SERVICE", "LOAD"):
            rest = list(nxt)
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            if not rest:
                found.append(None)
                continue
            tkind, tval = rest[0]
            if tkind == "iri":
                found.append(urljoin(base, tval[1:-1]))
            elif tkind == "pname":
                prefix, _, local = tval.partition(":")
                ns = prefixes.get(prefix)
                found.append(None if ns is None else ns + _LOCAL_ESCAPE.sub(r"\1", local))
            else:
                found.append(None)
    return found


def _rdflib_targets(text: str, is_update: bool) -> list[str | None]:
    """Targets found by rdflib's SPARQL grammar (empty when rdflib cannot parse the text)."""
    try:
        from rdflib.plugins.sparql import algebra, parser
        from rdflib.plugins.sparql.parserutils import CompValue
        from rdflib.term import URIRef

        # The algebra (not the raw parse tree) has prefixed names and BASE resolved.
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
            for value in node:
                walk(value, depth + 1)

    walk(tree)
    return found


def remote_targets(text: str, *, is_update: bool = False) -> list[str | None]:
    """Every IRI a SERVICE clause or LOAD operation in ``text`` would fetch.

    ``None`` stands for a target that cannot be known before evaluation (a variable) or that
    the lexer could not resolve; callers must refuse it.
    """
    decoded = _decode_escapes(text)
    lowered = decoded.lower()
    if "service" not in lowered and "load" not in lowered:
        return []
    found = _lexical_targets(text)
    if decoded != text:
        found += _lexical_targets(decoded)
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
