"""The store directory's life cycle on disk: the siblings a build leaves, and their recovery.

Why a module of its own: both the build (which swaps a new store in with two renames) and every
command that opens a store (which must not create an empty store where a killed build left the
previous one under ``<store>.old-<pid>``) need the same rules, and neither should import the other.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from graph.errors import StoreError


def siblings(store_path: Path, marker: str) -> list[Path]:
    """``<store>.<marker>-<pid>`` directories next to the store, oldest first."""
    prefix = f"{store_path.name}.{marker}-"
    if not store_path.parent.is_dir():
        return []
    found = [p for p in store_path.parent.iterdir() if p.name.startswith(prefix)]
    return sorted(found, key=lambda p: p.stat().st_mtime)


def pid_alive(name: str) -> bool:
    """Whether the process whose id ends a sibling's name (``…-<pid>``) still runs."""
    try:
        pid = int(name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename durable: fsync the directory that holds the renamed entries."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover_store(store_path: Path) -> None:
    """Repair what an interrupted build may have left next to ``store_path``.

    - ``<store>`` missing but ``<store>.old-*`` of a process that no longer runs (a build killed
      between its two renames): the newest such old store is renamed back. An old store whose
      build is still running is left alone: that build is about to rename its new store in.
    - ``<store>.old-*`` next to a present store (killed before the old one was deleted), and
      ``<store>.building-*`` of processes that no longer run: removed.
    """
    store_path = Path(store_path)
    dead_olds = [p for p in siblings(store_path, "old") if not pid_alive(p.name)]
    if not store_path.exists() and dead_olds:
        os.rename(dead_olds[-1], store_path)
        fsync_dir(store_path.parent)
        dead_olds = dead_olds[:-1]
    if not store_path.exists():
        return
    for old in dead_olds:
        shutil.rmtree(old, ignore_errors=True)
    for building in siblings(store_path, "building"):
        if not pid_alive(building.name):
            shutil.rmtree(building, ignore_errors=True)


def swap_in(new: Path, store_path: Path) -> None:
    """Replace ``store_path`` by ``new`` with two renames; on failure keep the old store.

    Between the renames ``store_path`` is missing for microseconds; :func:`recover_store`
    repairs a kill in that window.
    """
    old = store_path.with_name(f"{store_path.name}.old-{os.getpid()}")
    had_old = store_path.exists()
    try:
        if had_old:
            os.rename(store_path, old)
        os.rename(new, store_path)
    except OSError as exc:
        if had_old and not store_path.exists() and old.exists():
            os.rename(old, store_path)
        shutil.rmtree(new, ignore_errors=True)
        raise StoreError(f"cannot swap the new store into {store_path}: {exc}") from exc
    fsync_dir(store_path.parent)
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
