"""Settings: one object, built once by the CLI and passed explicitly to what needs it.

Nothing reads the environment at import time, and nothing below ``api/`` reads it at all: the
CLI calls :meth:`Settings.from_env` once, merges its command-line options into the result, and
hands the object to ``create_app(settings)``, the worker processes and the commands. The remote
backend's connection settings are one :class:`~govkg.graph.store.remote.RemoteConfig` inside it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from govkg.graph.errors import InputError
from govkg.graph.store.backend import RemoteConfig

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
    - ``max_page_size`` (``GOVKG_MAX_PAGE_SIZE``): the largest ``limit`` a named question's page
      may ask for over HTTP (the default page is 1,000 rows, or this if smaller).
    - ``max_answer_mb`` (``GOVKG_MAX_ANSWER_MB``): the most a named question's whole answer
      (``limit=all``, streamed from a spool file) may take, in MiB.
    - ``max_body_bytes``: largest accepted request body.
    - ``workers``: query worker processes (each heavy query occupies one until its deadline).
    - ``cors_origins``: origins allowed by CORS; empty means CORS is off.
    - ``service_allowlist``: endpoint URLs that SPARQL ``SERVICE`` may call; empty refuses all.

    Environment (``from_env``): ``GOVKG_STORE``, ``GOVKG_TOKEN``, ``GOVKG_DEFAULT_GRAPH``,
    ``GOVKG_QUERY_TIMEOUT``, ``GOVKG_MAX_RESULTS``, ``GOVKG_WORKERS``, ``GOVKG_CORS_ORIGINS`` and
    ``GOVKG_SERVICE_ALLOWLIST`` (comma-separated), ``GOVKG_ACCESS_LOG``, ``GOVKG_VIZ_MAX_NODES``,
    the ``GOVKG_ANALYSIS_*`` family and ``GOVKG_GRACE`` (below), and the remote backend's
    ``GOVKG_ENDPOINT`` family (:func:`remote_from_env`). A value that is not valid is an
    :class:`~govkg.graph.errors.InputError` naming the variable.
    - ``remote``: when set, queries and writes go to this SPARQL 1.1 server instead of ``store``
      (graph/store/remote.py). Its ``timeout`` bounds each request to the server other than a
      query; a query is bounded by ``query_timeout``.
    - ``access_log``: one log line per request (off by default: it costs ~10% of throughput).
    - ``viz_max_nodes``: the most nodes ``GET /viz`` draws (a request's ``max_nodes`` can only
      lower it); bigger drawings get a 400 problem suggesting a filter.
    - ``base_url`` (``GOVKG_BASE_URL``): the IRI prefix this server dereferences (``/id/...``,
      ``/graph/...``) and rewrites to local links on its pages (api/http/pages.py).
    - ``analysis_timeout`` (``GOVKG_ANALYSIS_TIMEOUT``): seconds after which an analysis
      (``/analysis/*``, ``/viz``, the verdict on an entity page) is stopped, its worker killed.
    - ``analysis_workers`` (``GOVKG_ANALYSIS_WORKERS``): analysis worker processes, apart from
      the query workers (as many again may start while heavy analyses hold them all).
    - ``analysis_nice`` (``GOVKG_ANALYSIS_NICE``): the niceness (0-19) analysis workers run
      at, so queries and the event loop win the cores when both want them.
    - ``analysis_cache_mb`` (``GOVKG_ANALYSIS_CACHE_MB``): the most memory the server's cache
      of analysis answers takes (least recently used answers go first).
    - ``question_cache_mb`` (``GOVKG_QUESTION_CACHE_MB``): the most memory the server's cache
      of named questions' pages takes (least recently used pages go first).
    - ``analysis_background_timeout``: the limit of the default analyses, and of the named
      questions' first pages, the server recomputes in the background after a change (nobody
      waits for them).
    - ``analysis_warm`` (``GOVKG_ANALYSIS_WARM``; ``govkg serve`` turns it on): compute the
      default analyses in the background when the server starts and after every change, even
      before anyone asked (otherwise only once they are in use); and the questions' first pages
      at start (after a change only once questions are being asked).
    - ``grace`` (``GOVKG_GRACE``): seconds in-flight requests get to finish on ``SIGTERM``/
      ``SIGINT`` before the server kills the work still running and exits.
    """

    store: Path = DEFAULT_STORE
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    default_graph: Literal["union", "separate"] = "union"
    query_timeout: float = 30.0
    max_results: int = 100_000
    max_page_size: int = 10_000
    max_answer_mb: int = 1024
    max_body_bytes: int = 10 * 1024 * 1024
    workers: int = 2
    cors_origins: tuple[str, ...] = ()
    service_allowlist: tuple[str, ...] = ()
    remote: RemoteConfig | None = None
    viz_max_nodes: int = 5000
    access_log: bool = False
    base_url: str = "https://w3id.org/govkg/"
    analysis_timeout: float = 30.0
    analysis_workers: int = 1
    analysis_nice: int = 10
    analysis_cache_mb: int = 64
    question_cache_mb: int = 64
    analysis_background_timeout: float = 300.0
    analysis_warm: bool = False
    grace: float = 10.0
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Refuse settings the server cannot honour, naming the setting (no traceback later)."""
        problems = []
        if self.default_graph not in ("union", "separate"):
            problems.append(
                f"default_graph: expected union or separate, got {self.default_graph!r}"
            )
        if not 0 <= self.port <= 65535:
            problems.append(f"port: expected 0-65535, got {self.port}")
        for name in ("query_timeout", "analysis_timeout", "analysis_background_timeout"):
            if not getattr(self, name) > 0:
                problems.append(f"{name}: expected seconds above 0, got {getattr(self, name)}")
        if not self.grace >= 0:
            problems.append(f"grace: expected seconds, 0 or more, got {self.grace}")
        if not 0 <= self.analysis_nice <= 19:
            problems.append(f"analysis_nice: expected 0-19, got {self.analysis_nice}")
        for name in (
            "max_results",
            "max_page_size",
            "max_answer_mb",
            "max_body_bytes",
            "workers",
            "viz_max_nodes",
            "analysis_workers",
            "analysis_cache_mb",
            "question_cache_mb",
        ):
            if getattr(self, name) < 1:
                problems.append(f"{name}: expected at least 1, got {getattr(self, name)}")
        if problems:
            raise InputError("invalid server settings: " + "; ".join(problems))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``GOVKG_*`` environment variables, defaults for the rest."""
        env = dict(os.environ if environ is None else environ)
        s = cls()
        if "GOVKG_STORE" in env:
            s = replace(s, store=Path(env["GOVKG_STORE"]))
        if env.get("GOVKG_TOKEN"):
            s = replace(s, token=env["GOVKG_TOKEN"])
        if env.get("GOVKG_DEFAULT_GRAPH"):
            mode = _choice("GOVKG_DEFAULT_GRAPH", env, ("union", "separate"))
            s = replace(s, default_graph="separate" if mode == "separate" else "union")
        if env.get("GOVKG_QUERY_TIMEOUT"):
            s = replace(s, query_timeout=env_seconds(env, "GOVKG_QUERY_TIMEOUT", s.query_timeout))
        if env.get("GOVKG_MAX_RESULTS"):
            s = replace(s, max_results=_positive_int("GOVKG_MAX_RESULTS", env))
        if env.get("GOVKG_MAX_PAGE_SIZE"):
            s = replace(s, max_page_size=_positive_int("GOVKG_MAX_PAGE_SIZE", env))
        if env.get("GOVKG_MAX_ANSWER_MB"):
            s = replace(s, max_answer_mb=_positive_int("GOVKG_MAX_ANSWER_MB", env))
        if env.get("GOVKG_WORKERS"):
            s = replace(s, workers=_positive_int("GOVKG_WORKERS", env))
        if env.get("GOVKG_CORS_ORIGINS"):
            s = replace(s, cors_origins=_url_list(env["GOVKG_CORS_ORIGINS"]))
        if env.get("GOVKG_SERVICE_ALLOWLIST"):
            s = replace(s, service_allowlist=_url_list(env["GOVKG_SERVICE_ALLOWLIST"]))
        if env.get("GOVKG_ENDPOINT"):
            s = replace(s, remote=remote_from_env(env))
        if env.get("GOVKG_ACCESS_LOG", "").lower() in ("1", "true", "yes"):
            s = replace(s, access_log=True)
        if env.get("GOVKG_VIZ_MAX_NODES"):
            s = replace(s, viz_max_nodes=_positive_int("GOVKG_VIZ_MAX_NODES", env))
        if env.get("GOVKG_BASE_URL"):
            s = replace(s, base_url=env["GOVKG_BASE_URL"].strip())
        if env.get("GOVKG_ANALYSIS_TIMEOUT"):
            seconds = env_seconds(env, "GOVKG_ANALYSIS_TIMEOUT", s.analysis_timeout)
            s = replace(s, analysis_timeout=seconds)
        if env.get("GOVKG_ANALYSIS_WORKERS"):
            s = replace(s, analysis_workers=_positive_int("GOVKG_ANALYSIS_WORKERS", env))
        if env.get("GOVKG_ANALYSIS_NICE"):
            text = env["GOVKG_ANALYSIS_NICE"].strip()
            if not text.isdigit() or int(text) > 19:
                raise InputError(f"GOVKG_ANALYSIS_NICE: expected 0-19, got {text!r}")
            s = replace(s, analysis_nice=int(text))
        if env.get("GOVKG_ANALYSIS_CACHE_MB"):
            s = replace(s, analysis_cache_mb=_positive_int("GOVKG_ANALYSIS_CACHE_MB", env))
        if env.get("GOVKG_QUESTION_CACHE_MB"):
            s = replace(s, question_cache_mb=_positive_int("GOVKG_QUESTION_CACHE_MB", env))
        if env.get("GOVKG_ANALYSIS_WARM"):
            warm = _choice("GOVKG_ANALYSIS_WARM", env, ("1", "0", "true", "false", "yes", "no"))
            s = replace(s, analysis_warm=warm in ("1", "true", "yes"))
        if env.get("GOVKG_GRACE"):
            s = replace(s, grace=env_seconds(env, "GOVKG_GRACE", s.grace))
        return s

    @property
    def backend_name(self) -> str:
        """What the server serves, for people: the remote endpoint's URL or the store's path."""
        return self.remote.endpoint if self.remote is not None else str(self.store)


def remote_from_env(env: Mapping[str, str]) -> RemoteConfig | None:
    """A :class:`RemoteConfig` from ``GOVKG_ENDPOINT`` and friends, or ``None`` if unset.

    Variables: ``GOVKG_ENDPOINT``, ``GOVKG_UPDATE_ENDPOINT``, ``GOVKG_GSP_ENDPOINT``,
    ``GOVKG_USER``, ``GOVKG_PASSWORD``, ``GOVKG_AUTH`` (basic|digest), ``GOVKG_BEARER``,
    ``GOVKG_REMOTE_TIMEOUT`` (seconds).

    >>> remote_from_env({"GOVKG_ENDPOINT": "http://localhost:7878/query"}).update_url()
    'http://localhost:7878/update'
    >>> remote_from_env({}) is None
    True
    """
    endpoint = env.get("GOVKG_ENDPOINT")
    if not endpoint:
        return None
    auth = env.get("GOVKG_AUTH", "basic").lower()
    if auth not in ("basic", "digest"):
        raise InputError(f"GOVKG_AUTH: expected basic or digest, got {env['GOVKG_AUTH']!r}")
    return RemoteConfig(
        endpoint=endpoint,
        update_endpoint=env.get("GOVKG_UPDATE_ENDPOINT") or None,
        gsp_endpoint=env.get("GOVKG_GSP_ENDPOINT"),
        user=env.get("GOVKG_USER") or None,
        password=env.get("GOVKG_PASSWORD") or None,
        auth="digest" if auth == "digest" else "basic",
        bearer=env.get("GOVKG_BEARER") or None,
        timeout=env_seconds(env, "GOVKG_REMOTE_TIMEOUT", 30.0),
    )


def env_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A number of seconds above 0 from the environment (``default`` when unset), or an
    :class:`~govkg.graph.errors.InputError` naming the variable; every ``GOVKG_*`` timeout.

    >>> env_seconds({"T": "2.5"}, "T", 30.0)
    2.5
    """
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise InputError(f"{name}: expected a number of seconds above 0, got {text!r}")
    return value


def _url_list(text: str) -> tuple[str, ...]:
    """A comma-separated list of URLs (or origins), blanks dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _choice(name: str, env: Mapping[str, str], allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` from the environment, or an error naming the variable."""
    value = env[name].strip().lower()
    if value not in allowed:
        raise InputError(f"{name}: expected one of {', '.join(allowed)}, got {env[name]!r}")
    return value


def _positive_int(name: str, env: Mapping[str, str]) -> int:
    """A positive whole number from the environment, or an error naming the variable."""
    text = env[name].strip()
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{name}: expected a whole number of at least 1, got {env[name]!r}")
    return int(text)
