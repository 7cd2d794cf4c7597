"""The server's side of analyses: run them in the analysis pool, cache the answers, refresh.

The cache is :class:`govkg.api.http.answer_cache.AnswerCache` (per data generation, bounded by
``analysis_cache_mb``, identical concurrent requests sharing one computation). What is
particular to analyses: their pool is started on first use (most apps in tests never run an
analysis), their limit is ``analysis_timeout``, and after a change the default analyses
(coverage today, centrality with the default parameters) are recomputed in the background at
the lowest priority the pool has (and the workers themselves run niced), once analyses are in
use or ``analysis_warm`` is set.
"""

from __future__ import annotations

import asyncio
from typing import Any

from govkg.api.http.analysis_jobs import AnalysisJob, Answer
from govkg.api.http.answer_cache import AnswerCache, Cached, Policy
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.analysis.service import today
from govkg.graph.errors import AnalysisTimeoutError, QueryTimeoutError

__all__ = ["AnalysisRunner", "Cached", "default_jobs"]


def default_jobs() -> list[AnalysisJob]:
    """The expensive analyses with the parameters most requests use (refreshed after a change)."""
    return [
        AnalysisJob("coverage", {"as_of": today(), "developer": None}),
        AnalysisJob("centrality", {"k": 100, "kinds": [], "top": 10}),
    ]


class AnalysisRunner(AnswerCache):
    """Runs analysis jobs in ``pool`` with a time limit, through a bounded answer cache."""

    def __init__(self, pool: WorkerPool, settings: Settings) -> None:
        self.settings = settings
        policy = Policy(
            max_bytes=settings.analysis_cache_mb << 20,
            size=_size,
            defaults=default_jobs,
            background_timeout=settings.analysis_background_timeout,
            timeout_error=self._timeout,
            warm=settings.analysis_warm,
        )
        super().__init__(pool, policy)
        self._started = False
        self._start_lock = asyncio.Lock()

    # -- the pool is started on first use (most apps in tests never run an analysis) --

    async def start(self) -> None:
        """Start the analysis workers (once; later calls wait for the first)."""
        async with self._start_lock:
            if not self._started and not self._closed:
                await self.pool.start()
                self._started = True
                self._used = True  # from now on a change recomputes the defaults

    async def close(self) -> None:
        """Stop background work and every analysis worker (server shutdown)."""
        await super().close()
        await self.pool.close()

    def limit(self, requested: float | None) -> float:
        """The time limit of a request: the server's, lowered by a valid ``timeout``."""
        if requested is None:
            return self.settings.analysis_timeout
        return min(requested, self.settings.analysis_timeout)

    async def run_plain(self, job: AnalysisJob, timeout: float) -> Any:
        """Run ``job`` in the pool under ``timeout``, uncached; what the worker returned."""
        await self.start()
        try:
            return await self.pool.run(job, timeout)
        except QueryTimeoutError as exc:
            raise self._timeout(timeout, str(exc)) from None

    def _timeout(self, timeout: float, detail: str = "") -> QueryTimeoutError:
        which = (
            f"the server's analysis limit ({self.settings.analysis_timeout:g} s)"
            if timeout >= self.settings.analysis_timeout
            else f"the `timeout` asked for ({timeout:g} s)"
        )
        lead = detail or f"the analysis did not finish within {timeout:g} s"
        return AnalysisTimeoutError(f"{lead} (limit: {which})")


def _size(answer: Answer) -> int:
    return len(answer.body)
