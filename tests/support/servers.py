"""govkg's HTTP app over a real store, two ways: in-process (ASGI) or a real uvicorn socket.

Why two: most HTTP behaviour (routes, negotiation, problems, writes) does not depend on a socket,
and an in-process app answers without a server thread, a port or a TCP round trip per request.
The app is the same either way: its lifespan runs, so its pool of query-worker processes starts
and stops as under uvicorn. Where the socket is the point (third-party clients, browsers,
concurrency, timeouts, kills, shutdown) tests use :func:`start_server`.

Both yield a :class:`LiveServer` whose ``client`` has httpx's API (``get``, ``post``, ``put``,
``delete``, ``head``, ``request``) and answers ``httpx.Response`` objects. :data:`http` has the
same API for any URL: it sends a request for an in-process app's URL (each app has its own host,
``http://app-N.test``) to that app, and any other URL over the network with httpx. So one test
body runs against an in-process app, a uvicorn server or one in front of Virtuoso.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import anyio.from_thread
import httpx
import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI
from govkg.api.http.app import create_app
from govkg.api.settings import Settings
from govkg.graph.store.embedded import Store

#: A small govkg-shaped dataset (TriG) used by the API tests.
SAMPLE_TRIG = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkid: <https://w3id.org/govkg/id/> .
@prefix gkg: <https://w3id.org/govkg/graph/> .
@prefix gksrc: <https://w3id.org/govkg/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

gkg:entities {
  gkid:meta a gk:Developer ; rdfs:label "Meta" .
  gkid:llama-2 a gk:AIModel ; rdfs:label "Llama 2" .
  gkid:nist a gk:Agency ; rdfs:label "NIST" .
}
gkg:src-one {
  gkg:src-one a gk:SourceGraph ; gk:graphOf gksrc:src-one .
  gksrc:src-one dcterms:title "An example source" .
  gkid:llama-2 gk:developedBy gkid:meta .
}
"""

#: Base URLs of in-process apps: a host of their own each, so :data:`http` can route by URL.
_hosts = itertools.count(1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_store(path: Path, data: str = SAMPLE_TRIG, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> Path:
    """Create a store at ``path`` holding ``data``; the handle is closed before returning."""
    store = Store.open(path)
    if data:
        store.load(data.encode(), format=fmt)
    store.flush()
    del store
    gc.collect()
    return path


class HttpClient(Protocol):
    """What tests call on ``LiveServer.client``: the part of httpx's API they use."""

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response: ...
    def get(self, url: str, **kwargs: Any) -> httpx.Response: ...
    def post(self, url: str, **kwargs: Any) -> httpx.Response: ...
    def put(self, url: str, **kwargs: Any) -> httpx.Response: ...
    def delete(self, url: str, **kwargs: Any) -> httpx.Response: ...


@dataclass
class LiveServer:
    """A running app: its base URL, settings, app (for white-box checks) and an HTTP client."""

    url: str
    settings: Settings
    app: FastAPI
    client: HttpClient

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint URL."""
        return f"{self.url}/sparql"


class InProcessClient:
    """httpx's sync API over ``httpx.AsyncClient(transport=ASGITransport(app))``.

    Why a wrapper: the tests are synchronous, the ASGI transport is async. Calls run on the
    event loop of an anyio blocking portal (one thread), where the app's lifespan also runs, so
    the app sees one loop as under uvicorn. App exceptions become 500 responses, as over a
    socket, instead of being raised into the test.
    """

    def __init__(self, portal: anyio.from_thread.BlockingPortal, client: httpx.AsyncClient):
        self._portal = portal
        self._client = client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request and read the whole response."""
        return self._portal.call(partial(self._client.request, method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)


#: The TLS context of every request :class:`Router` sends over the network. httpx otherwise
#: builds one per module-level call, loading the CA bundle (about 20 ms of CPU each, hundreds of
#: calls in a run); the suite's servers are plain http on loopback, so it is built, never used.
LOOPBACK_TLS = ssl.create_default_context()


class Router:
    """httpx's module functions (``http.get(url, ...)``), routed by the URL's host.

    A URL of a running in-process app goes to that app (without a socket); any other URL (a
    uvicorn server, Virtuoso) goes over the network with ``httpx.request``.
    """

    def __init__(self) -> None:
        self.apps: dict[str, InProcessClient] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request to the app serving ``url``, else over the network."""
        app = self.apps.get(httpx.URL(url).netloc.decode("ascii"))
        if app is None:
            # httpx's default (5 s) is a test-machine deadline, not the server's: on 2 busy
            # cores a first page over Virtuoso can take longer. Tests about limits pass theirs.
            kwargs.setdefault("timeout", 60)
            kwargs.setdefault("verify", LOOPBACK_TLS)
            return httpx.request(method, url, **kwargs)
        return app.request(method, url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)


#: Use as ``from support.servers import http`` and call it as the ``httpx`` module.
http = Router()


def _settings(store_path: Path, data: str | None, port: int, overrides: dict) -> Settings:
    if data is not None:
        make_store(store_path, data)
    base = Settings(store=store_path, host="127.0.0.1", port=port, workers=2)
    return replace(base, **overrides)


@contextlib.contextmanager
def in_process_server(
    store_path: Path, *, data: str | None = SAMPLE_TRIG, **overrides: Any
) -> Iterator[LiveServer]:
    """The app in this process, its lifespan running (worker pool started) until the block ends.

    ``data`` (TriG) is loaded into a new store at ``store_path`` first; ``None`` serves the store
    already there. ``overrides`` are :class:`Settings` fields (``token``, ``query_timeout``...).
    """
    settings = _settings(store_path, data, 8000, overrides)
    app = create_app(settings)
    host = f"app-{next(_hosts)}.test"
    url = f"http://{host}"
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
    ):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        client = httpx.AsyncClient(transport=transport, base_url=url)
        in_process = InProcessClient(portal, client)
        http.apps[host] = in_process
        try:
            yield LiveServer(url=url, settings=settings, app=app, client=in_process)
        finally:
            del http.apps[host]
            portal.call(client.aclose)


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # pragma: no cover - no signals in a thread
        pass


@contextlib.contextmanager
def start_server(
    store_path: Path, *, data: str | None = SAMPLE_TRIG, **overrides: Any
) -> Iterator[LiveServer]:
    """Run uvicorn in a thread on a free loopback port until the block ends (a real socket).

    Arguments as for :func:`in_process_server`; ``client`` is a plain ``httpx.Client``.
    """
    port = free_port()
    settings = _settings(store_path, data, port, overrides)
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = _ThreadedServer(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if server.started:
            break
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        with httpx.Client() as client:
            client.get(f"{url}/health", timeout=10).raise_for_status()
            yield LiveServer(url=url, settings=settings, app=app, client=client)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
