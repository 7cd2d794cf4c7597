"""Shared fixtures: a real uvicorn server on a free loopback port over a real store in a tmp dir.

Other test folders use them too: ``live_server`` (read-only, union default graph, sample data)
is session-wide; ``start_server(path, data=..., **settings)`` is a context manager for tests
that need their own settings (a token, a short timeout, ``separate`` mode).
"""

from __future__ import annotations

import contextlib
import gc
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_store(path: Path, data: str = SAMPLE_TRIG, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> Path:
    """Create a store at ``path`` holding ``data``; the handle is closed before returning."""
    store = Store.open(path)
    if data:
        store.oxigraph.load(data.encode(), format=fmt)
    store.flush()
    del store
    gc.collect()
    return path


@dataclass
class LiveServer:
    """A running server: its base URL, settings and app (for white-box checks)."""

    url: str
    settings: Settings
    app: FastAPI

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint URL."""
        return f"{self.url}/sparql"


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # pragma: no cover - no signals in a thread
        pass


@contextlib.contextmanager
def start_server(
    store_path: Path, *, data: str | None = SAMPLE_TRIG, **overrides
) -> Iterator[LiveServer]:
    """Run uvicorn in a thread over a store at ``store_path`` until the block ends."""
    if data is not None:
        make_store(store_path, data)
    port = free_port()
    base = Settings(store=store_path, host="127.0.0.1", port=port, workers=2)
    settings = replace(base, **overrides)
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
        httpx.get(f"{url}/health", timeout=10).raise_for_status()
        yield LiveServer(url=url, settings=settings, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read-only server (no token), union default graph, over the sample data."""
    path = tmp_path_factory.mktemp("live") / "store"
    with start_server(path) as server:
        yield server


@pytest.fixture(scope="session")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with token ``secret-token`` (writes allowed with it)."""
    path = tmp_path_factory.mktemp("writable") / "store"
    with start_server(path, token="secret-token") as server:
        yield server
