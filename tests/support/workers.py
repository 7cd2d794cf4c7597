"""How the suite shares the machine when pytest-xdist runs it on several workers (``make test``).

Two things, both no-ops in a serial run (``-n 0`` or ``-p no:xdist``):

* :func:`xdist_group_of` says which tests must run on the same worker, one after another:
  tests marked ``serial`` (timing and concurrency assertions, heavy servers), tests marked
  ``kill9`` (kill -9 of real commands: one at a time, beside other tests),
  tests marked ``together`` (a module whose tests share a file in the repository, one at a
  time), tests on Virtuoso (one set of Virtuoso servers per run, not one per worker), the W3C suites
  (one conformance server), and the tests of a module that uses a module-scoped fixture (a
  browser, a server, a store built per module: built once, not once per worker that happens to
  run one of the module's tests). ``tests/conftest.py`` turns the answer into an
  ``xdist_group`` mark, which ``--dist loadgroup`` honours.
* :func:`build_once` builds an expensive read-only artefact once per run, whichever worker asks
  first, and hands the others the same directory (the file-lock pattern of pytest-xdist's docs:
  the workers' base temporary directories share one parent).
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

#: The group of tests that must not share the machine with each other.
SERIAL = "serial"
#: The group of the kill -9 tests: one at a time (each kills commands it starts and checks the
#: store after), beside other tests, since none of them asserts a duration.
KILL9 = "kill9"
#: The group of every test that starts or uses a Virtuoso.
VIRTUOSO = "virtuoso"
#: Fixtures that start Virtuoso (tests/conftest.py, tests/remote/conftest.py).
VIRTUOSO_FIXTURES = frozenset(
    {"servers", "pushed", "virtuoso_live_server", "virtuoso_writable_server"}
)
#: Fixtures whose server serves the W3C suites (tests/conformance/conftest.py).
CONFORMANCE_FIXTURES = frozenset({"conformance_server"})
_SHARED_SCOPES = frozenset({"module", "class", "package"})


def xdist_group_of(item: pytest.Item) -> str | None:
    """The xdist group ``item`` must run in, or None when any worker may take it alone."""
    if item.get_closest_marker("serial"):
        return SERIAL
    if item.get_closest_marker("kill9"):
        return KILL9
    module = item.nodeid.split("::", 1)[0]
    if item.get_closest_marker("together"):
        return module
    names = set(getattr(item, "fixturenames", ()))
    if item.get_closest_marker("virtuoso") or names & VIRTUOSO_FIXTURES:
        return VIRTUOSO
    if names & CONFORMANCE_FIXTURES:
        return "conformance"
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        for defs in info.name2fixturedefs.values():
            if any(d.scope in _SHARED_SCOPES for d in defs):
                return module
    return None


def run_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The directory every worker of this run shares (the base temp dir when serial)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def build_once(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    build: Callable[[Path], object],
) -> Path:
    """``root/name`` built by ``build(path)`` once per run, under a lock the workers share.

    A half-built directory is never handed out: ``build`` writes to ``name.partial``, which is
    renamed when it returns; a build that raised is removed, so the next worker tries again and
    sees the same error.
    """
    root = run_root(tmp_path_factory, worker_id)
    done = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                partial = root / f"{name}.partial"
                shutil.rmtree(partial, ignore_errors=True)
                try:
                    build(partial)
                except BaseException:
                    shutil.rmtree(partial, ignore_errors=True)
                    raise
                partial.rename(done)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return done
