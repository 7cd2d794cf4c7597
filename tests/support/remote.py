"""Start and stop real SPARQL servers (Virtuoso, Oxigraph server) for the remote-backend tests.

The servers are started by ``scripts/sparql-servers.sh`` (which installs Virtuoso with apt-get
and the Oxigraph server with pip when they are absent and we are root) on free loopback ports, in
tmp dirs. When they cannot be installed or started, :func:`start` skips (or fails, under
``make test``) with the script's own error message as the reason.
"""

from __future__ import annotations

import gc
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from govkg.graph.store.embedded import Store
from govkg.graph.store.remote import RemoteConfig, RemoteStore
from support.servers import make_store
from support.system import unavailable

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "sparql-servers.sh"


@dataclass
class Servers:
    """URLs of one started set of servers (a key is missing when that server is not started)."""

    urls: dict[str, str]
    directory: Path

    def remote(self, name: str, **kwargs) -> RemoteStore:
        """A RemoteStore on the server ``virtuoso`` or ``oxigraph``.

        Its timeout is 300 s unless given: on 2 cores shared by 4 test workers a named question
        over Virtuoso has taken over 30 s (the default), and these tests check answers, not time.
        """
        kwargs.setdefault("timeout", 300.0)
        if name == "virtuoso":
            config = RemoteConfig(self.urls["VIRTUOSO_ENDPOINT"], **kwargs)
        else:
            config = RemoteConfig(self.urls["OXIGRAPH_ENDPOINT"], **kwargs)
        return RemoteStore(config)


def start(directory: Path, servers: str) -> Servers:
    """Start ``servers`` (``"virtuoso oxigraph"``, or one of them), their state in ``directory``."""
    proc = subprocess.run(
        [str(SCRIPT), "start", str(directory)],
        env={**os.environ, "SERVERS": servers},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        subprocess.run([str(SCRIPT), "stop", str(directory)], capture_output=True, timeout=60)
        reason = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        unavailable(f"cannot install or start the SPARQL servers ({servers}): {reason}")
    urls = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return Servers(urls=urls, directory=directory)


def stop(directory: Path) -> None:
    """Stop the servers started with state in ``directory``."""
    subprocess.run([str(SCRIPT), "stop", str(directory)], capture_output=True, timeout=60)


def start_virtuoso_with(directory: Path, trig: str) -> Servers:
    """A further Virtuoso of its own (stopped by the caller) holding ``trig``, pushed by govkg."""
    from govkg.graph.push import push

    started = start(directory, "virtuoso")
    local_path = make_store(directory / "local-store", trig)
    local = Store.open(local_path, read_only=True)
    report = push(local, started.remote("virtuoso"))
    assert report.ok
    del local
    gc.collect()
    return started


def stop_servers(started: Servers) -> None:
    """Stop servers started by :func:`start_virtuoso_with`."""
    stop(started.directory)
