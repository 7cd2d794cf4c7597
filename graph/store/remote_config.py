"""Where a remote SPARQL server is and how to reach it: :class:`RemoteConfig`.

Why a module of its own: the configuration is needed by every CLI start and by ``Settings``,
the HTTP client (httpx, ~60 ms to import) only when a remote store is actually opened
(:mod:`govkg.graph.store.remote`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AuthKind = Literal["basic", "digest"]


@dataclass(frozen=True)
class RemoteConfig:
    """Where the server is and how to talk to it.

    ``update_endpoint`` and ``gsp_endpoint`` default from the query endpoint's shape
    (Oxigraph ``/query`` → ``/update``, ``/store``; Virtuoso ``/sparql`` → same URL,
    ``/sparql-graph-crud``); ``gsp_endpoint=""`` means "no Graph Store: use SPARQL Update".
    """

    endpoint: str
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    user: str | None = None
    password: str | None = None
    auth: AuthKind = "basic"
    bearer: str | None = None
    timeout: float = 30.0

    def update_url(self) -> str:
        """The SPARQL Update endpoint."""
        if self.update_endpoint:
            return self.update_endpoint
        if self.endpoint.rstrip("/").endswith("/query"):
            return self.endpoint.rstrip("/")[: -len("query")] + "update"
        return self.endpoint

    def gsp_url(self) -> str | None:
        """The Graph Store Protocol endpoint, or ``None`` when writes must use SPARQL Update."""
        if self.gsp_endpoint is not None:
            return self.gsp_endpoint or None
        base = self.endpoint.rstrip("/")
        if base.endswith("/query"):
            return base[: -len("query")] + "store"
        if base.endswith("/sparql") or base.endswith("/sparql-auth"):
            suffix = "-auth" if base.endswith("-auth") else ""
            return base.rsplit("/", 1)[0] + "/sparql-graph-crud" + suffix
        return None
