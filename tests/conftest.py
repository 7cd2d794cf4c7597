"""Fixtures every test folder shares: the bundled store, and the HTTP app over the sample data.

Helpers that are not fixtures (server context managers, the CLI runners, browser and fault
helpers) live in the plain package ``tests/support`` (imported as ``support.x``; pytest puts
``tests/`` on ``sys.path``, see ``pythonpath`` in pyproject.toml). tests/README.md says which
fixture or helper to reach for.

Why session scope: the bundled curated data compiles and loads in seconds, and the app starts a
pool of worker processes; doing either once per run instead of once per module is most of what
keeps the suite fast. Session fixtures are read-only: a test that writes takes a copy
(``bundled_store_copy``) or its own server.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.servers import SAMPLE_TRIG, LiveServer, in_process_server, start_server
from support.workers import build_once, xdist_group_of


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that must share one xdist worker (``support.workers``; before xdist reads
    the marks, hence ``tryfirst``). In a serial run the marks change nothing; without xdist
    (``-p no:xdist``) its mark is unknown, so none is added."""
    _check_serial_modules(items)
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            group = xdist_group_of(item)
            if group is not None:
                item.add_marker(pytest.mark.xdist_group(group))


def _check_serial_modules(items: list[pytest.Item]) -> None:
    """Stop a run with a ``serial`` test in a module whose text never says ``mark.serial``.

    ``scripts/run-tests.sh`` collects its serial phase from the modules that do (found with
    grep): a test marked another way would run in neither phase, and nobody would notice.
    """
    texts: dict[Path, bool] = {}
    for item in items:
        if item.get_closest_marker("serial") is None:
            continue
        path = Path(item.path)
        if path not in texts:
            texts[path] = "mark.serial" in path.read_text(encoding="utf-8")
        if not texts[path]:
            raise pytest.UsageError(
                f"{item.nodeid} is marked serial, but {path.name} never says `mark.serial`, so "
                "scripts/run-tests.sh would not run it: mark it in its own module"
            )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a parallel run whose groups pytest-xdist would silently ignore.

    xdist's ``--dist loadgroup`` sends a group to one worker by appending ``@group`` to each
    test's node id; with pytest 9.2 that rename no longer takes effect (pytest-dev/pytest-xdist
    #1386), and every worker then starts its own Virtuoso servers, browsers and stores: a run
    twice as slow, and tests meant to run one at a time running side by side.
    """
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid
    ]
    if lost:
        raise pytest.UsageError(
            f"pytest-xdist ignores the xdist_group of {len(lost)} tests (e.g. {lost[0]}) with "
            f"pytest {pytest.__version__}; install the pytest pyproject.toml asks for"
        )


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """pytest-xdist's worker name (``gw0``, ...), ``master`` when the run is serial.

    xdist provides this fixture itself; this one stands in when xdist is off (``-p no:xdist``).
    """
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"


def _build_bundled(directory: Path) -> None:
    from govkg.graph.build import build_store

    directory.mkdir()
    build_store(directory / "store")
    gc.collect()


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The bundled curated data built once per run by ``build_store`` (handle closed).

    Built once for all xdist workers (``support.workers.build_once``); each worker gets its own
    copy of the directory, so no two processes ever open the same store. Read-only for every
    test: open it with ``Store.open(path, read_only=True)``, serve it with ``data=None``, or take
    ``bundled_store_copy`` to write.
    """
    built = build_once(tmp_path_factory, worker_id, "bundled-build", _build_bundled)
    if worker_id == "master":
        return built / "store"
    mine = tmp_path_factory.mktemp("bundled") / "built"
    shutil.copytree(built, mine)
    return mine / "store"


@pytest.fixture
def bundled_store_copy(bundled_store: Path, tmp_path: Path) -> Path:
    """A private copy of :func:`bundled_store` for a test that writes."""
    copy = tmp_path / "bundled-store"
    shutil.copytree(bundled_store, copy)
    return copy


@pytest.fixture(scope="session")
def compiled_data(tmp_path_factory: pytest.TempPathFactory, worker_id: str):  # type: ignore[no-untyped-def]
    """The bundled curated data (``graph/data``) compiled once per run; tests only read it.

    Compiled by the first xdist worker that asks (``support.workers.build_once``: the SHACL
    check makes it 1.5 s of CPU) and handed to the others pickled.
    """
    built = build_once(tmp_path_factory, worker_id, "compiled-data", _compile_bundled)
    return pickle.loads((built / "compiled.pickle").read_bytes())


def _compile_bundled(directory: Path) -> None:
    from govkg.graph.curated import compile_data

    directory.mkdir(parents=True)
    (directory / "compiled.pickle").write_bytes(pickle.dumps(compile_data()))


@pytest.fixture(scope="session")
def bundled_memory_store(compiled_data) -> ox.Store:  # type: ignore[no-untyped-def]
    """The bundled curated data compiled once per run into an in-memory pyoxigraph store.

    The ontology goes into its own graph, as ``govkg build`` puts it, so class and concept
    hierarchies (``rdfs:subClassOf``, ``skos:broader``) can be followed. Tests only read it.
    """
    from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH

    st = ox.Store()
    st.extend(compiled_data.iter_quads())
    st.load(
        path=str(ONTOLOGY_FILE),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
    )
    return st


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app in-process (no token), union default graph, over the sample data."""
    path = tmp_path_factory.mktemp("live") / "store"
    with in_process_server(path) as server:
        yield server


@pytest.fixture(scope="session")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app in-process with token ``secret-token`` (writes allowed with it)."""
    path = tmp_path_factory.mktemp("writable") / "store"
    with in_process_server(path, token="secret-token") as server:
        yield server


@pytest.fixture(scope="session")
def socket_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn server on a loopback port over the sample data (read-only, no token).

    For the tests whose point is the socket: third-party SPARQL clients and the browser.
    """
    path = tmp_path_factory.mktemp("socket") / "store"
    with start_server(path) as server:
        yield server


@pytest.fixture(scope="session")
def socket_writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn server over the sample data with token ``secret-token``."""
    path = tmp_path_factory.mktemp("socket-writable") / "store"
    with start_server(path, token="secret-token") as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``govkg serve --endpoint`` (uvicorn) in front of a Virtuoso of its own, sample data.

    ``.virtuoso`` is Virtuoso's own endpoint, to check what reached it without govkg.
    """
    with _virtuoso_server(tmp_path_factory.mktemp("virtuoso-read")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """As :func:`virtuoso_live_server` with token ``secret-token``, over another Virtuoso.

    Another one so that writes cannot disturb the read tests' counts.
    """
    with _virtuoso_server(tmp_path_factory.mktemp("virtuoso-write"), token="secret-token") as s:
        yield s


@contextlib.contextmanager
def _virtuoso_server(directory: Path, **overrides: str) -> Iterator[LiveServer]:
    from govkg.graph.store.backend import RemoteConfig
    from support.remote import start_virtuoso_with, stop_servers

    servers = start_virtuoso_with(directory, SAMPLE_TRIG)
    try:
        url = servers.urls["VIRTUOSO_ENDPOINT"]
        remote = RemoteConfig(url, timeout=300.0)  # answers, not time, are checked here
        with start_server(directory / "unused", data=None, remote=remote, **overrides) as server:
            server.virtuoso = url  # type: ignore[attr-defined]
            yield server
    finally:
        stop_servers(servers)
