"""Run the HTTP API with uvicorn: ``serve(settings)`` (used by ``govkg serve``).

Why one uvicorn process: query isolation and parallelism come from the worker pools inside the
app (see :mod:`govkg.api.runtime.pool`), and a single process keeps the one writer handle on the
store.

Why shutdown is bounded here and not left to uvicorn alone: on ``SIGTERM``/``SIGINT`` uvicorn
stops accepting and by default waits for in-flight requests for ever. So ``grace`` (settings,
``--grace``) bounds that wait (uvicorn's ``timeout_graceful_shutdown``); then the app's lifespan
shutdown kills every worker process of both pools and waits for them. What may still run is a
write in its thread (SHACL rehearsal, or the update itself), and ``asyncio.run`` would join such
threads on the way out, for as long as they take. So the loop is run here, and once it has
finished the process ends with ``os._exit`` without joining threads. That abandons a write only
in a consistent state: pyoxigraph applies each update as one RocksDB transaction, committed to
the write-ahead log entirely or not at all, and the next open recovers exactly that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys

import uvicorn
from govkg.api.http.app import create_app
from govkg.api.settings import Settings

log = logging.getLogger("govkg.api")


def serve(settings: Settings, *, log_level: str = "info") -> None:
    """Serve until interrupted, then end this process (see the module); never returns.

    Binds ``settings.host`` (127.0.0.1 unless told otherwise).
    """
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        workers=1,
        proxy_headers=False,
        server_header=False,
        # An access line per request costs ~10% of throughput (docs/benchmarks.md, HTTP);
        # problems are still logged. GOVKG_ACCESS_LOG=1 turns it on.
        access_log=settings.access_log,
        # uvicorn takes whole seconds here: a fractional grace is rounded up, never cut.
        timeout_graceful_shutdown=math.ceil(settings.grace),
    )
    server = uvicorn.Server(config)
    status = 0
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve())
        if not server.started:
            status = 3  # the lifespan failed (uvicorn logged why), as uvicorn.run exits
    except KeyboardInterrupt:
        pass  # SIGINT, re-raised by uvicorn once it has shut down in order
    finally:
        # A second signal skips the lifespan shutdown; no worker may outlive the server.
        state = app.state.govkg
        state.pool.terminate()
        state.analysis_pool.terminate()
        with contextlib.suppress(Exception):
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)
