"""An offline API reference at ``/docs``, rendered on the server from the OpenAPI document.

Why not FastAPI's Swagger UI: it loads its JavaScript and CSS from a CDN, so it is blank on a
machine without internet access, and govkg's pages must work offline. This page shows the same
facts (routes, parameters, descriptions, examples) as plain HTML; ``/openapi.json`` stays the
machine-readable source.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi import FastAPI
from starlette.responses import HTMLResponse

METHODS = ("get", "head", "post", "put", "delete")


def _example_block(responses: dict[str, Any]) -> str:
    out = []
    for status, resp in responses.items():
        for media, content in (resp.get("content") or {}).items():
            if "example" in content:
                example = content["example"]
                text = example if isinstance(example, str) else json.dumps(example, indent=2)
                out.append(
                    f"<p><b>{html.escape(status)}</b> <code>{html.escape(media)}</code></p>"
                    f"<pre>{html.escape(text)}</pre>"
                )
    return "".join(out)


def render(spec: dict[str, Any]) -> str:
    """The reference page for an OpenAPI document."""
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(spec['info']['title'])} API</title>",
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="static/query.css">',
        "</head><body><main>",
        f"<h1>{html.escape(spec['info']['title'])} API {html.escape(spec['info']['version'])}</h1>",
        f"<pre>{html.escape(spec['info'].get('description', '').strip())}</pre>",
        '<p>Machine-readable: <a href="openapi.json">openapi.json</a></p>',
    ]
    for path, ops in spec.get("paths", {}).items():
        for method in METHODS:
            op = ops.get(method)
            if not op:
                continue
            parts.append(
                f"<h2><code>{method.upper()} {html.escape(path)}</code> — "
                f"{html.escape(op.get('summary', ''))}</h2>"
                f"<p>{html.escape(op.get('description', ''))}</p>"
            )
            params = op.get("parameters") or []
            if params:
                rows = "".join(
                    f"<tr><td><code>{html.escape(p['name'])}</code></td>"
                    f"<td>{html.escape(p.get('in', ''))}</td>"
                    f"<td>{html.escape(p.get('description', '') or '')}</td></tr>"
                    for p in params
                )
                parts.append(
                    "<table><thead><tr><th>parameter</th><th>in</th><th>description</th></tr>"
                    f"</thead><tbody>{rows}</tbody></table>"
                )
            body = (op.get("requestBody") or {}).get("content") or {}
            for media, content in body.items():
                if "example" in content:
                    example = content["example"]
                    text = example if isinstance(example, str) else json.dumps(example, indent=2)
                    parts.append(
                        f"<p>Request body <code>{html.escape(media)}</code></p>"
                        f"<pre>{html.escape(text)}</pre>"
                    )
            parts.append(_example_block(op.get("responses") or {}))
    parts.append("</main></body></html>")
    return "".join(parts)


def install(app: FastAPI) -> None:
    """Serve the reference at ``/docs`` (the app must be created with ``docs_url=None``)."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(render(app.openapi()))
