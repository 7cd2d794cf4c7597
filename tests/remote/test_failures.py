"""A remote server that is down or slow: clear errors naming the URL, the timeout applies."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from govkg.graph.errors import BackendError, QueryTimeoutError, ResultTooLargeError
from govkg.graph.store.remote import RemoteConfig, RemoteStore
from support.cli import invoke


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Sleepy(http.server.BaseHTTPRequestHandler):
    """Answers every request after 30 s (far longer than any timeout used here)."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        time.sleep(30)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[]}}')

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sleepy)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_down_server_names_url() -> None:
    url = f"http://127.0.0.1:{_free_port()}/sparql"
    with pytest.raises(BackendError) as info:
        RemoteStore(RemoteConfig(url)).query("SELECT * WHERE { ?s ?p ?o }")
    assert url in info.value.message


@pytest.mark.parametrize("command", [["stats"], ["ask", "timeline"], ["query", "ASK {}"]])
def test_down_server_cli_exit_1_no_traceback(command: list[str]) -> None:
    url = f"http://127.0.0.1:{_free_port()}/sparql"
    proc = invoke("--endpoint", url, *command)
    assert proc.returncode == 1
    assert url in proc.stderr
    assert "Traceback" not in proc.stderr


def test_slow_server_timeout_applies(slow_server: str) -> None:
    remote = RemoteStore(RemoteConfig(slow_server, timeout=0.5))
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as info:
        remote.query("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - started < 10  # the 0.5 s limit, not the 30 s sleep
    assert slow_server in info.value.message


def test_slow_server_cli_timeout(slow_server: str) -> None:
    started = time.monotonic()
    proc = invoke("--endpoint", slow_server, "--remote-timeout", "1", "query", "ASK {}")
    assert proc.returncode == 1
    assert "within 1 s" in proc.stderr and slow_server in proc.stderr
    assert "Traceback" not in proc.stderr
    assert time.monotonic() - started < 15  # the 1 s limit, not the server's 30 s sleep


class _Capped(http.server.BaseHTTPRequestHandler):
    """Answers as Virtuoso does at its ``ResultSetMaxRows`` (measured on 7.2 with a limit of
    5): a 200 with the first 5 rows and ``X-SPARQL-MaxRows: 5``. The graph listing govkg asks
    first (a ``GROUP BY ?g``) is answered in full."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        text = self.rfile.read(length).decode()
        listing = "GROUP+BY+%3Fg" in text
        rows = [] if listing else [{"s": {"type": "uri", "value": f"urn:x:{i}"}} for i in range(5)]
        body = json.dumps(
            {"head": {"vars": ["g" if listing else "s"]}, "results": {"bindings": rows}}
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if not listing:
            self.send_header("X-SPARQL-MaxRows", "5")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:
        pass


def test_an_answer_cut_at_the_servers_row_limit_is_refused() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Capped)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        with pytest.raises(ResultTooLargeError) as info:
            RemoteStore(RemoteConfig(url)).query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 20")
    finally:
        server.shutdown()
        server.server_close()
    assert url in info.value.message and "limit of 5 rows" in info.value.message
    assert info.value.http_status == 413
