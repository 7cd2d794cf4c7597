"""Run the HTTP API with uvicorn: ``serve(settings)`` (used by ``govkg serve``).

Why one uvicorn process: query isolation and parallelism come from the worker pool inside the
app (see :mod:`govkg.api.runtime.pool`), and a single process keeps the one writer handle on the
store.
"""

from __future__ import annotations

import logging

import uvicorn
from govkg.api.http.app import create_app
from govkg.api.settings import Settings


def serve(settings: Settings, *, log_level: str = "info") -> None:
    """Serve until interrupted; binds ``settings.host`` (127.0.0.1 unless told otherwise)."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        workers=1,
        proxy_headers=False,
        server_header=False,
        # An access line per request costs ~10% of throughput (docs/benchmarks.md, HTTP);
        # problems are still logged. GOVKG_ACCESS_LOG=1 turns it on.
        access_log=settings.access_log,
    )
    uvicorn.Server(config).run()
