"""The store directory's life cycle on disk: swaps, their recovery, writers and changes.

Why a module of its own: the build and ``govkg load`` (which swap a new store in with two
renames), every command that opens a store (which must not create an empty store where a killed
build left the previous one under ``<store>.old-<pid>``) and a running server (which must notice
that another process changed the store, and must not be swapped out while it writes) need the
same rules about the directory, and none of them should import the others.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Hashable, Iterator
from pathlib import Path

from govkg.graph.errors import StoreError


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


#: Files every Oxigraph (RocksDB) store directory holds.
STORE_MARKERS = ("CURRENT", "IDENTITY")


def check_replaceable(store_path: Path) -> None:
    """Refuse to put a store where a directory or file that is not a store already is.

    Why: a build or load swaps a new store in and deletes whatever was at the path, and a
    write opens (and fills with RocksDB files) whatever directory it is given. ``--store .``
    or ``--store ~/thesis`` must be an error, not the loss of that folder. Absent paths and
    empty directories are fine; so is an existing store.
    """
    path = Path(store_path)
    try:
        if not path.exists() and not path.is_symlink():
            return
        if not path.is_dir():
            raise StoreError(f"{path} is a file, not a store directory; choose another --store")
        entries = sorted(p.name for p in path.iterdir())
    except OSError as exc:
        raise StoreError(f"cannot inspect the store directory {path}: {exc}") from exc
    if not entries or any(marker in entries for marker in STORE_MARKERS):
        return
    shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
    raise StoreError(
        f"{path} is not a govkg store (it holds {shown}); refusing to write a store there. "
        "Choose an empty or new directory for --store / GOVKG_STORE"
    )


def swap_in(new: Path, store_path: Path) -> None:
    """Replace ``store_path`` by ``new`` with two renames; on failure keep the old store.

    Between the renames ``store_path`` is missing for microseconds; :func:`recover_store`
    repairs a kill in that window. While another process holds the store for writing (a
    writable ``govkg serve``) the swap is refused with a :class:`StoreError` naming it, and
    ``new`` is removed: that process would go on writing into the new directory by path.
    """
    old = store_path.with_name(f"{store_path.name}.old-{os.getpid()}")
    try:
        check_replaceable(store_path)
    except StoreError:
        shutil.rmtree(new, ignore_errors=True)
        raise
    had_old = store_path.exists()
    try:
        with _locked_for_swap(store_path):
            if had_old:
                os.rename(store_path, old)
            os.rename(new, store_path)
    except StoreError:
        shutil.rmtree(new, ignore_errors=True)
        raise
    except OSError as exc:
        if had_old and not store_path.exists() and old.exists():
            os.rename(old, store_path)
        shutil.rmtree(new, ignore_errors=True)
        raise StoreError(f"cannot swap the new store into {store_path}: {exc}") from exc
    fsync_dir(store_path.parent)
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


# -- who holds the store for writing ---------------------------------------------------------

#: RocksDB's lock file inside the store directory: a writer holds a POSIX (fcntl) lock on it;
#: read-only opens take no lock.
LOCK_FILE = "LOCK"
#: What a writable ``govkg serve`` leaves inside the store directory so other commands can say
#: where to send writes instead (trusted only while its pid still holds the lock).
SERVER_MARKER = "govkg-server.json"


def writer_pid(store_path: Path) -> int | None:
    """The process holding the store's write lock, read from ``/proc/locks``; else ``None``.

    Why ``/proc/locks`` and not ``fcntl(F_GETLK)``: opening and closing the lock file in a
    process that holds the store would silently drop that process's lock (POSIX lock semantics),
    and F_GETLK cannot see the caller's own locks. Returns ``None`` where ``/proc`` is missing.
    """
    try:
        st = os.stat(Path(store_path) / LOCK_FILE)
        with open("/proc/locks", encoding="ascii") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or parts[1] != "POSIX":
            continue  # blocked waiters (``->``), flock and OFD locks are not RocksDB's lock
        *dev, ino = parts[5].split(":")
        try:
            if (
                int(ino) == st.st_ino
                and int(dev[0], 16) == os.major(st.st_dev)
                and int(dev[1], 16) == os.minor(st.st_dev)
            ):
                return int(parts[4])
        except (ValueError, IndexError):
            continue
    return None


def write_server_marker(store_path: Path, url: str) -> None:
    """Record that this process serves ``store_path`` for writing at ``url`` (atomically)."""
    marker = Path(store_path) / SERVER_MARKER
    tmp = marker.with_name(f"{SERVER_MARKER}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
    os.replace(tmp, marker)


def remove_server_marker(store_path: Path) -> None:
    """Remove this process's marker (a marker another live server wrote is left alone)."""
    marker = Path(store_path) / SERVER_MARKER
    with contextlib.suppress(OSError, ValueError):
        if json.loads(marker.read_text(encoding="utf-8")).get("pid") == os.getpid():
            marker.unlink()


def describe_writer(store_path: Path, pid: int | None) -> str:
    """Who holds the store, in words: the server's URL when its marker matches the pid."""
    if pid is None:
        return "another process"
    with contextlib.suppress(OSError, ValueError, AttributeError):
        marker = json.loads((Path(store_path) / SERVER_MARKER).read_text(encoding="utf-8"))
        if marker.get("pid") == pid and isinstance(marker.get("url"), str):
            return f"a writable govkg server (pid {pid}) at {marker['url']}"
    if pid == os.getpid():
        return "this process"
    return f"process {pid}"


def check_no_writer(store_path: Path, action: str) -> None:
    """Refuse ``action`` with a clear :class:`StoreError` while another handle writes the store.

    Why refuse: ``govkg build`` and ``govkg load`` replace the store directory. A process that
    holds the old directory for writing keeps writing by path name into the new one, which
    corrupts it and loses both sides' writes.
    """
    pid = writer_pid(store_path)
    if pid is not None:
        raise StoreError(_busy_message(store_path, action, describe_writer(store_path, pid)))


def _busy_message(store_path: Path, action: str, who: str) -> str:
    return (
        f"cannot {action}: the store at {store_path} is open for writing by {who}. "
        "While a writable server runs, send changes through its HTTP API (SPARQL Update at "
        "/sparql, Graph Store Protocol at /rdf-graphs); or stop it, then run the command again"
    )


@contextlib.contextmanager
def _locked_for_swap(store_path: Path) -> Iterator[None]:
    """Hold the old store's write lock while it is swapped out, or refuse if a writer has it.

    Holding it closes the race in which a writer opens the old directory just before the
    renames: that open now fails on the lock instead of writing into the replaced store.
    """
    check_no_writer(store_path, "replace the store")
    lock = Path(store_path) / LOCK_FILE
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        yield  # no RocksDB lock file (a new or foreign directory): nobody can hold it
        return
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            who = describe_writer(store_path, writer_pid(store_path))
            raise StoreError(_busy_message(store_path, "replace the store", who)) from None
        yield
    finally:
        os.close(fd)  # releases the lock (the old directory is gone by then)


# -- has the store changed on disk -----------------------------------------------------------

#: A directory modified this recently may change again within the same timestamp tick, so its
#: file list is read again rather than trusted from the cache (the "racy git" problem).
RACY_NS = 1_000_000_000


def generation(store_path: Path) -> Hashable | None:
    """A value that changes whenever another process changes the store on disk.

    Found empirically with pyoxigraph 0.5: a swap (``govkg build``/``load``) replaces the
    directory (new inode); flushes, compactions and bulk loads create or delete files (the
    directory's mtime); a transaction in place (``govkg import``, a JSON-LD load) only appends
    to the write-ahead log ``*.log`` (its size and mtime). A read-only open changes none of
    these, so readers that reopen on a change do not cause changes themselves. ``None`` while
    the directory (or a log file being rotated) is missing: ask again later.
    """
    return StoreWatcher(Path(store_path)).current()


class StoreWatcher:
    """:func:`generation` for one store, at the cost of a stat or two per call.

    Why a cache: while the directory's identity and mtime are unchanged its list of files is
    too, so only the known write-ahead logs need a ``stat``; the directory is listed again only
    when it changed or changed too recently to trust its timestamp.
    """

    def __init__(self, store_path: Path) -> None:
        self.path = Path(store_path)
        self._dir: tuple[int, int, int] | None = None
        self._logs: tuple[str, ...] = ()

    def current(self) -> Hashable | None:
        """The store's generation now (see :func:`generation`), or ``None`` while missing."""
        try:
            st = os.stat(self.path)
            key = (st.st_dev, st.st_ino, st.st_mtime_ns)
            if key != self._dir or time.time_ns() - st.st_mtime_ns < RACY_NS:
                logs = tuple(sorted(e.name for e in os.scandir(self.path) if _is_log(e.name)))
                self._dir, self._logs = key, logs
            sizes = []
            for name in self._logs:
                log = os.stat(self.path / name)
                sizes.append((name, log.st_size, log.st_mtime_ns))
        except OSError:
            self._dir = None  # list again next time
            return None
        return (key, tuple(sizes))


def _is_log(name: str) -> bool:
    """RocksDB write-ahead logs are ``NNNNNN.log`` (its info log ``LOG`` is not one)."""
    return name.endswith(".log") and name[:-4].isdigit()


def stale_snapshot(exc: BaseException, store_path: Path) -> bool:
    """Whether a RocksDB error means a read-only handle's files were replaced, not damage.

    A read-only snapshot can lose files to the writer's compaction or to a swap by ``govkg
    build``/``load``/``import``; reopening gives a fresh, consistent view. Only errors about
    files inside the store count (RocksDB names the file it could not open): a missing file
    elsewhere (a query file, a template) is a real error. The one rule for the server's handle
    and the query workers' snapshots.

    >>> stale_snapshot(OSError(2, "No such file or directory", "/s/000012.sst"), Path("/s"))
    True
    >>> stale_snapshot(OSError(2, "No such file or directory", "/elsewhere/q.rq"), Path("/s"))
    False
    """
    text = str(exc)
    if (
        isinstance(exc, OSError)
        and exc.filename
        and not str(exc.filename).startswith(str(store_path))
    ):
        return False
    return str(store_path) in text and ("No such file or directory" in text or "Corruption" in text)
