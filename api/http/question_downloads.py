"""A named question's whole answer over HTTP: ``/questions/{name}?limit=all``, streamed.

Why a spool file: a page is computed, cached and sent from memory, which is right for 1,000
rows and wrong for 500,000. For the whole answer a query worker writes the rows to a file in
the server's spool directory as the engine yields them (:mod:`govkg.graph.answer_stream`); the
server opens the file, removes its name at once (the open handle keeps the bytes until it is
closed), and sends it in pieces. So neither process holds the answer in memory, the worker is
free again as soon as the answer is written (a slow client does not hold it), the response has
a ``Content-Length``, and nothing is left on disk, whether the client reads to the end, goes
away, or the job fails. The job has the request's time limit (at the limit the worker is
killed, 503, and its partial file removed) and a size limit, ``max_answer_mb`` (413).

The first byte leaves when the whole answer has been written: every named question ends in an
``ORDER BY``, so the engine yields its first row only once it has evaluated and sorted them all.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from fastapi import Request
from govkg.api.http.question_pages import PageAsk
from govkg.api.http.state import state_of
from starlette.responses import Response, StreamingResponse

#: Bytes read from the spool file per piece of the response.
PIECE = 256 * 1024


async def whole_answer(request: Request, ask: PageAsk, media: str) -> Response:
    """Run ``ask`` (an ``answer`` job) into a spool file and stream the file back."""
    state = state_of(request)
    path = state.spool_dir() / f"{uuid.uuid4().hex}.{'csv' if media == 'text/csv' else 'json'}"
    job = replace(ask.job, accept=media, spool=str(path))
    try:
        outcome = await state.pool.run(job, ask.timeout)
        handle = open(path, "rb")  # noqa: SIM115 - closed by the response's last piece
    finally:
        path.unlink(missing_ok=True)
    headers = {
        "Vary": "Accept",
        "Content-Length": str(os.fstat(handle.fileno()).st_size),
        "X-Govkg-Rows": str(outcome.document["rows"]),
    }
    return StreamingResponse(_pieces(handle), media_type=media, headers=headers)


def _pieces(handle: BinaryIO) -> Iterator[bytes]:
    """The file in pieces (Starlette reads a plain iterator in its thread pool), then closed."""
    try:
        while piece := handle.read(PIECE):
            yield piece
    finally:
        handle.close()
