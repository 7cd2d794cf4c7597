"""Server settings: one object, built once at start-up and passed to ``create_app(settings)``.

Nothing reads the environment at import time; :meth:`Settings.from_env` is called by the CLI
(``govkg serve``) and merged with command-line options there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

DEFAULT_STORE = Path(".govkg/store")


@dataclass(frozen=True)
class Settings:
    """Everything the HTTP server needs to know, with safe defaults.

    - ``token``: when set, SPARQL Update and Graph Store writes need ``Authorization: Bearer``
      with this token; when unset the server is read-only.
    - ``default_graph``: ``"union"`` (queries see all named graphs as the default graph) or
      ``"separate"`` (standard SPARQL dataset semantics; used by the W3C test suites).
    - ``query_timeout``: seconds after which a query is stopped (the worker running it is killed).
    - ``max_results``: rows (or triples) after which a result is cut with a clear error.
    - ``max_body_bytes``: largest accepted request body.
    - ``workers``: query worker processes (each heavy query occupies one until its deadline).
    - ``cors_origins``: origins allowed by CORS; empty means CORS is off.
    - ``service_allowlist``: endpoint URLs that SPARQL ``SERVICE`` may call; empty refuses all.
    - ``endpoint`` (and ``update_endpoint``, ``gsp_endpoint``, ``remote_*`` credentials): when
      set, queries and writes go to this remote SPARQL 1.1 server instead of ``store``
      (graph/remote.py); ``remote_config()`` builds its connection settings.
    - ``access_log``: one log line per request (off by default: it costs ~10% of throughput).
    - ``viz_max_nodes``: the most nodes ``GET /viz`` draws (a request's ``max_nodes`` can only
      lower it); bigger drawings get a 400 problem suggesting a filter.
    """

    store: Path = DEFAULT_STORE
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    default_graph: Literal["union", "separate"] = "union"
    query_timeout: float = 30.0
    max_results: int = 100_000
    max_body_bytes: int = 10 * 1024 * 1024
    workers: int = 2
    cors_origins: tuple[str, ...] = ()
    service_allowlist: tuple[str, ...] = ()
    endpoint: str | None = None
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    remote_user: str | None = None
    remote_password: str | None = None
    remote_auth: Literal["basic", "digest"] = "basic"
    remote_bearer: str | None = None
    viz_max_nodes: int = 5000
    access_log: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from ``GOVKG_*`` environment variables, defaults for the rest."""
        env = dict(os.environ if environ is None else environ)
        s = cls()
        if "GOVKG_STORE" in env:
            s = replace(s, store=Path(env["GOVKG_STORE"]))
        if env.get("GOVKG_TOKEN"):
            s = replace(s, token=env["GOVKG_TOKEN"])
        if env.get("GOVKG_DEFAULT_GRAPH") in ("union", "separate"):
            s = replace(s, default_graph=env["GOVKG_DEFAULT_GRAPH"])  # type: ignore[arg-type]
        if env.get("GOVKG_QUERY_TIMEOUT"):
            s = replace(s, query_timeout=float(env["GOVKG_QUERY_TIMEOUT"]))
        if env.get("GOVKG_CORS_ORIGINS"):
            origins = tuple(o.strip() for o in env["GOVKG_CORS_ORIGINS"].split(",") if o.strip())
            s = replace(s, cors_origins=origins)
        if env.get("GOVKG_ENDPOINT"):
            from graph.backend import remote_config_from_env

            remote = remote_config_from_env(env)
            assert remote is not None
            s = replace(
                s,
                endpoint=remote.endpoint,
                update_endpoint=remote.update_endpoint,
                gsp_endpoint=remote.gsp_endpoint,
                remote_user=remote.user,
                remote_password=remote.password,
                remote_auth=remote.auth,
                remote_bearer=remote.bearer,
            )
        if env.get("GOVKG_ACCESS_LOG", "").lower() in ("1", "true", "yes"):
            s = replace(s, access_log=True)
        if env.get("GOVKG_VIZ_MAX_NODES"):
            s = replace(s, viz_max_nodes=_positive_int("GOVKG_VIZ_MAX_NODES", env))
        return s

    def remote_config(self):  # -> graph.remote.RemoteConfig | None
        """The remote backend's connection settings, or ``None`` for the embedded store.

        The HTTP timeout is the query time limit, so a remote query stops with it.
        """
        if not self.endpoint:
            return None
        from graph.remote import RemoteConfig

        return RemoteConfig(
            endpoint=self.endpoint,
            update_endpoint=self.update_endpoint,
            gsp_endpoint=self.gsp_endpoint,
            user=self.remote_user,
            password=self.remote_password,
            auth=self.remote_auth,
            bearer=self.remote_bearer,
            timeout=self.query_timeout,
        )


def _positive_int(name: str, env: dict[str, str]) -> int:
    """A positive whole number from the environment, or an error naming the variable."""
    from graph.errors import InputError

    text = env[name].strip()
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{name}: expected a whole number of at least 1, got {env[name]!r}")
    return int(text)
