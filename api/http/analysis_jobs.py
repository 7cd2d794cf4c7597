"""Analysis work for its own worker pool: what a job is, and what an analysis worker does.

Runs inside the analysis worker processes only: :func:`setup` is the ``entry`` of the server's
second :class:`~govkg.api.runtime.pool.WorkerPool` (``AppState.analysis_pool``), called once
per worker with the server's :class:`~govkg.api.settings.Settings`. Why a pool of its own and
not job kinds in the query pool (docs/architecture.md, "Analyses"):

- a heavy analysis (betweenness, Louvain) holds its worker for seconds to minutes; in the
  query pool it would take a slot light SPARQL queries need, and the query pool's elastic
  growth would fork query workers for it;
- each analysis worker keeps the store's NetworkX projection in memory between jobs (tens of
  MB at 7k triples, GB at 1M): few analysis workers bound that memory, many query workers
  stay small;
- the analysis workers lower their own CPU priority (``analysis_nice``), so when both want the
  cores, queries and the event loop win.

The projection is made once per data generation: every job carries the pool's generation, and
a worker whose projection is older reopens its read-only snapshot of the store and projects it
again on the next job that needs it. Answers go back already serialised (JSON bytes, HTML), so
the server caches and sends them without touching them (:mod:`govkg.api.http.analysis_cache`).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govkg.api.settings import Settings
from govkg.graph.analysis import (
    SCENARIO_DIR,
    Scenario,
    communities,
    explain,
    explain_path,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from govkg.graph.analysis.service import (
    Snapshot,
    VizRequest,
    bundled_scenarios,
    centrality_dict,
    coverage_dict,
    today,
)
from govkg.graph.errors import InputError, NotFoundError, StoreError
from govkg.graph.pages.lookup import Lookup
from govkg.graph.store.backend import Backend, open_backend
from govkg.graph.store.directory import stale_snapshot

#: The ``entry`` of the server's analysis pool.
ENTRY = "govkg.api.http.analysis_jobs:setup"

SCENARIO_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,100}$")
STALE_RETRIES = 3


@dataclass
class AnalysisJob:
    """One analysis for a worker (picklable): which one, and its parameters.

    ``kind`` is a route's analysis (``coverage``, ``explain``, ``centrality``, ``communities``,
    ``path``, ``scenario``), a drawing (``viz``, ``served``) or ``entity`` (an entity page's
    data with its verdict). ``params`` are plain values; ``key`` is what the answer cache uses.
    """

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    #: What names the answer in the cache when ``params`` are too big for a key (a scenario
    #: file: its digest instead of its text); ``params`` when None.
    key_params: dict[str, Any] | None = None

    def key(self) -> str:
        """A stable text naming this job's answer (kind and parameters, sorted)."""
        named = self.params if self.key_params is None else self.key_params
        return self.kind + "?" + json.dumps(named, sort_keys=True, default=_plain)


@dataclass
class Answer:
    """A serialised answer: the body as sent, its media type and headers of its own."""

    body: bytes
    media_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _plain(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, VizRequest):
        return vars(value)
    raise TypeError(f"not a plain value: {type(value).__name__}")


def json_bytes(data: Any) -> bytes:
    """JSON exactly as Starlette's ``JSONResponse`` writes it."""
    return json.dumps(
        data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def bundled_scenario(name: object) -> Scenario:
    """A bundled scenario by name; never a path (a client must not make the server read files)."""
    if not isinstance(name, str) or not SCENARIO_NAME.match(name):
        raise InputError(f"name: expected a bundled scenario name, got {name!r}")
    if not (SCENARIO_DIR / f"{name}.yaml").is_file():
        known = ", ".join(s["name"] for s in bundled_scenarios())
        raise NotFoundError(f"no bundled scenario {name!r} (bundled: {known})")
    return load_scenario(SCENARIO_DIR / f"{name}.yaml")


class AnalysisWorker:
    """The state one analysis worker keeps between jobs: its snapshot and its projection."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Backend | None = open_backend(
            settings.store, remote=settings.remote, read_only=True
        )
        self.generation = 0
        self._snapshot: Snapshot | None = None
        self._lookup: Lookup | None = None

    def snapshot(self) -> Snapshot:
        """The projection of this worker's snapshot, made on first use per generation."""
        if self._snapshot is None:
            assert self.store is not None
            self._snapshot = Snapshot.of(self.store)
        return self._snapshot

    def lookup(self) -> Lookup:
        """Labels and source metadata for pages, read on first use per generation.

        Every entity page needs them all (a page names dozens of resources); reading them once
        per data generation instead of once per page halves a page's cost.
        """
        if self._lookup is None:
            assert self.store is not None
            self._lookup = Lookup.read(self.store)
        return self._lookup

    def _reopen(self, generation: int) -> None:
        self.store = self._snapshot = self._lookup = None
        self.store = open_backend(self.settings.store, remote=self.settings.remote, read_only=True)
        self.generation = generation

    def handle(self, job: AnalysisJob, generation: int) -> Any:
        """Answer one job on data as of ``generation`` (reopen and re-project when newer)."""
        for attempt in range(STALE_RETRIES + 1):
            try:
                if generation != self.generation or attempt:
                    self._reopen(generation)
                return HANDLERS[job.kind](self, **job.params)
            except Exception as exc:
                stale = self.settings.remote is None and stale_snapshot(exc, self.settings.store)
                if attempt < STALE_RETRIES and stale:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
        raise StoreError("the store kept changing while it was analysed; please retry")


def setup(settings: Settings) -> Callable[[AnalysisJob, int], Any]:
    """Lower this process's priority, open the store read-only; return the job handler."""
    if settings.analysis_nice:
        os.nice(settings.analysis_nice)
    return AnalysisWorker(settings).handle


# -- the analyses, one function per job kind --------------------------------------------------


def _coverage(w: AnalysisWorker, as_of: str | None, developer: str | None) -> Answer:
    return Answer(json_bytes(coverage_dict(w.snapshot().graph, as_of, developer)))


def _explain(w: AnalysisWorker, model: str, as_of: str | None) -> Answer:
    return Answer(json_bytes(explain(w.snapshot().graph, model, as_of or today()).as_dict()))


def _centrality(w: AnalysisWorker, k: int, kinds: list[str], top: int) -> Answer:
    data = centrality_dict(w.snapshot().graph, k=k, kinds=kinds or None, top=top)
    return Answer(json_bytes(data))


def _communities(w: AnalysisWorker) -> Answer:
    return Answer(json_bytes(communities(w.snapshot().graph).as_dict()))


def _path(w: AnalysisWorker, a: str, b: str) -> Answer:
    return Answer(json_bytes(explain_path(w.snapshot().graph, a, b).as_dict()))


def _scenario(w: AnalysisWorker, name: str | None, yaml: str | None, as_of: str | None) -> Answer:
    if yaml is not None:
        scenario = parse_scenario(yaml, file="<request body>")
    else:
        scenario = bundled_scenario(name)
    report = run_scenario(w.snapshot().graph, scenario, as_of=as_of)
    return Answer(json_bytes(report.as_dict()))


def _viz(w: AnalysisWorker, request: dict[str, Any], answer: list[str] | None) -> Answer:
    from govkg.viz.render import render_page

    assert w.store is not None
    req = VizRequest(**request)
    page = render_page(w.store, w.snapshot(), req, answer=None if answer is None else set(answer))
    return _page(page.html, page.nodes, page.edges)


def _served(w: AnalysisWorker, request: dict[str, Any], view: str | None, page_base: str) -> Answer:
    from govkg.viz.served import render_view

    req = VizRequest(**request)
    page = render_view(
        w.snapshot(), view=view, focus=req.focus, depth=req.depth, as_of=req.as_of,
        max_nodes=req.max_nodes, page_base=page_base, today=today(),
    )  # fmt: skip
    return _page(page.html, page.nodes, page.edges)


def _page(html: str, nodes: int, edges: int) -> Answer:
    headers = {"X-Govkg-Nodes": str(nodes), "X-Govkg-Edges": str(edges)}
    return Answer(html.encode("utf-8"), "text/html; charset=utf-8", headers)


def _entity(w: AnalysisWorker, iri: str, as_of: str | None) -> tuple[dict[str, Any], bool]:
    """An entity page's data with the model's verdict (coverage on the projection)."""
    from govkg.graph.pages.views import entity_view

    graph = w.snapshot().graph
    view = entity_view(w.store, iri, graph=graph, as_of=as_of, lookup=w.lookup())
    return view, iri in graph


HANDLERS: dict[str, Callable[..., Any]] = {
    "coverage": _coverage,
    "explain": _explain,
    "centrality": _centrality,
    "communities": _communities,
    "path": _path,
    "scenario": _scenario,
    "viz": _viz,
    "served": _served,
    "entity": _entity,
}
