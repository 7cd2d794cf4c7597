"""Per-application state: settings, the worker pool, the server's own store handle, the page.

Why one object: handlers reach everything through ``request.app.state.govkg``, so two apps
(e.g. two test servers) in one process never share a pool or a store.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request

from api.settings import Settings
from api.workers import WorkerPool
from graph.backend import open_backend
from graph.store import Store

T = TypeVar("T")

TEMPLATES = Path(__file__).resolve().parent / "templates"


class AppState:
    """What the handlers of one app share."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = WorkerPool(
            settings.store,
            size=settings.workers,
            default_graph=settings.default_graph,
            max_results=settings.max_results,
            service_allowlist=tuple(settings.service_allowlist),
            remote=_remote_dict(settings),
        )
        self.store: Store | None = None
        self.write_lock = asyncio.Lock()

    async def start(self) -> None:
        """Open the store (for writing only when a token allows writes), start workers."""
        loop = asyncio.get_running_loop()
        writable = bool(self.settings.token)
        remote = self.settings.remote_config()

        def open_store() -> Store:
            # A remote backend has Store's API (graph.backend); writes pass through to it.
            if remote is not None:
                return open_backend(remote=remote, read_only=not writable)  # type: ignore[return-value]
            return Store.open(self.settings.store, read_only=not writable)

        self.store = await loop.run_in_executor(None, open_store)
        await self.pool.start()

    async def stop(self) -> None:
        """Stop the workers; the store handle closes with the process."""
        await self.pool.close()
        self.store = None

    async def read(self, fn: Callable[[Store], T]) -> T:
        """Run a short read on the server's store in a thread (never on the event loop)."""
        assert self.store is not None
        store = self.store
        return await asyncio.get_running_loop().run_in_executor(None, fn, store)

    async def write(self, fn: Callable[[Store], Any]) -> Any:
        """Run a write in one transaction, serialised with other writes; refresh workers."""
        assert self.store is not None
        store = self.store
        async with self.write_lock:
            loop = asyncio.get_running_loop()

            def apply() -> Any:
                result = fn(store)
                store.flush()
                return result

            try:
                return await loop.run_in_executor(None, apply)
            finally:
                self.pool.invalidate()

    def query_page(self) -> str:
        """The HTML query page with the named questions as examples."""
        template = (TEMPLATES / "query.html").read_text(encoding="utf-8")
        examples = [
            {"name": "All triples (10)", "query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"},
            {
                "name": "Named graphs",
                "query": "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } "
                "GROUP BY ?g ORDER BY DESC(?triples)",
            },
        ]
        for q in list_questions_safe():
            if q.get("sparql"):
                examples.append({"name": q["title"] or q["name"], "query": q["sparql"]})
        payload = json.dumps(examples).replace("</", "<\\/")
        return template.replace("{{EXAMPLES_JSON}}", payload).replace(
            "{{DEFAULT_GRAPH}}", html.escape(self.settings.default_graph)
        )


def _remote_dict(settings: Settings) -> dict | None:
    """The remote backend's settings as a plain dict for the worker processes, or None."""
    from dataclasses import asdict

    remote = settings.remote_config()
    return asdict(remote) if remote is not None else None


def list_questions_safe() -> list[dict[str, Any]]:
    """Named questions as plain dicts; empty when ``graph.questions`` is not available yet.

    Each dict has ``name``, ``title``, ``description``, ``parameters`` (list of dicts with
    ``name``, ``type``, ``description``, ``default``) and ``sparql`` when the question object
    exposes them; unknown attributes are left out rather than guessed.
    """
    try:
        from graph import questions  # type: ignore[attr-defined]
    except ImportError:
        return []
    out = []
    for q in questions.list_questions():
        out.append(_question_dict(q))
    return out


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _question_dict(q: Any) -> dict[str, Any]:
    params = []
    for p in _get(q, "parameters", None) or _get(q, "params", None) or []:
        if isinstance(p, str):
            params.append({"name": p})
            continue
        params.append(
            {
                "name": _get(p, "name"),
                "type": str(_get(p, "type", "") or ""),
                "description": _get(p, "description", "") or _get(p, "help", "") or "",
                "required": bool(_get(p, "required", False)),
                "default": None if _get(p, "default") is None else str(_get(p, "default")),
            }
        )
    sparql = _get(q, "sparql", None) or _get(q, "query", None) or _get(q, "text", None)
    return {
        "name": _get(q, "name"),
        "title": _get(q, "title", "") or "",
        "description": _get(q, "description", "") or "",
        "parameters": params,
        "sparql": sparql if isinstance(sparql, str) else None,
    }


def state_of(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request``."""
    return request.app.state.govkg
