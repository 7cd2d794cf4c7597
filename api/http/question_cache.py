"""Named questions' pages kept per data generation, and recomputed after a change.

Why: every named question ends in a ``GROUP BY`` or ``ORDER BY`` over its whole answer, so even
its first page costs the whole evaluation (seconds at a million triples; docs/benchmarks.md,
"Named questions: first page"). The page people open most, a question's first page with its
default parameters, is the same for everyone until the data changes: it is kept in an
:class:`~govkg.api.http.answer_cache.AnswerCache` on the query pool (keyed by the question, its
parameters, the page and the day, per data generation, bounded by ``question_cache_mb``). At
start (``govkg serve`` warms) and, once questions are being asked, after each change, the first
page of every question that needs no parameter is computed again in the background, at the
lowest priority, so the next reader gets a lookup. JSON, CSV and the
HTML page of ``/questions/{name}`` all read the same cached page; a page asked for without its
``total`` is served from the same page cached with one.
"""

from __future__ import annotations

import json
from dataclasses import replace

from govkg.api.http.answer_cache import AnswerCache, Cached, Policy
from govkg.api.http.query_jobs import Job, Outcome
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.errors import QueryTimeoutError
from govkg.graph.questions import list_questions

#: Rows in a page of a named question when the request gives no ``limit``.
DEFAULT_PAGE_SIZE = 1000


class QuestionRunner(AnswerCache):
    """Pages of named questions through the query pool, cached per data generation."""

    def __init__(self, pool: WorkerPool, settings: Settings) -> None:
        self.settings = settings
        policy = Policy(
            max_bytes=settings.question_cache_mb << 20,
            size=_size,
            defaults=self.first_pages,
            background_timeout=settings.analysis_background_timeout,
            timeout_error=_timeout,
            # After a change, only once questions are being asked: a server nobody asks
            # (a bulk writer's) does not spend its workers on pages after every write. At
            # start, ``analysis_warm`` (govkg serve) computes them once (AppState.start).
            warm=False,
        )
        super().__init__(pool, policy)

    def page_size(self) -> int:
        """Rows in a page when the request gives no ``limit``."""
        return min(DEFAULT_PAGE_SIZE, self.settings.max_page_size)

    def first_pages(self) -> list[Job]:
        """The first page, with its total, of every question that needs no parameter."""
        return [
            Job(kind="question", name=q.name, limit=self.page_size(), total=True)
            for q in list_questions()
            if not any(p.required for p in q.params)
        ]

    async def page(self, job: Job, timeout: float) -> Cached:
        """The page ``job`` asks for: cached, or computed under ``timeout`` and kept.

        A page asked for without its total is read from the same page with one (what the
        warm-up computes) when that is cached, or waited for when it is being computed: a reader
        who comes during the warm-up does not compute the page a second time beside it, which
        would slow both (at 5M triples a first page can take longer than a request's limit;
        docs/benchmarks.md, "Named questions: first page").
        """
        if not job.total:
            fuller = replace(job, total=True)
            key = (fuller.key(), self.pool.generation)
            cached = self.lookup(key)
            if cached is None and self.computing(key):
                cached = await self.answer(fuller, timeout)
            if cached is not None:
                return replace(cached, answer=_without_total(cached.answer))
        return await self.answer(job, timeout)


def _without_total(outcome: Outcome) -> Outcome:
    document = {k: v for k, v in outcome.document.items() if k != "total"}
    return replace(outcome, document=document)


def _size(outcome: Outcome) -> int:
    """Bytes a page takes, about: its JSON document and its rows (CSV cells, labels)."""
    return len(json.dumps(outcome.document)) + len(json.dumps(outcome.rows))


def _timeout(timeout: float, detail: str) -> QueryTimeoutError:
    return QueryTimeoutError(detail or f"the question did not finish within {timeout:g} s")
