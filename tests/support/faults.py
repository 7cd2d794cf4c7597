"""Helpers for the fault tests: run ``govkg`` as users do, kill it, and fingerprint stores.

Why fingerprints of whole stores: "the store reopens with exactly its previous content" is only
checked if every quad of every graph is compared, not a count that a half-written graph of the
same size could also give.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from support import cli

ROOT = Path(__file__).resolve().parents[2]
GOVKG = cli.GOVKG
PYTHON = ROOT / ".venv" / "bin" / "python"


def govkg(*args: str | Path, timeout: float = 120, env: dict | None = None):
    """The installed ``govkg`` script in a subprocess; wide columns keep messages on one line."""
    return cli.govkg(*args, env={"COLUMNS": "200", **(env or {})}, timeout=timeout)


def kill_after(argv: list[str], delay: float) -> tuple[bool, int | None]:
    """Start ``argv``, SIGKILL it after ``delay`` seconds unless it ended first.

    Returns ``(killed, returncode)``: ``killed`` is false when the process had already exited
    (with ``returncode``) before the delay ran out.
    """
    proc = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        code = proc.wait(timeout=delay)
        return False, code
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True, None


def fingerprint(path: Path) -> Counter[tuple[str, str]]:
    """Every quad of the store at ``path`` as a multiset of ``(graph, triple)`` strings.

    Blank node labels are replaced by ``_:b`` because two builds of the same data name them
    differently. The store is opened read-only and closed before returning, so a following
    writer is not blocked.
    """
    store = ox.Store.read_only(str(path))
    try:
        found: Counter[tuple[str, str]] = Counter()
        for q in store:
            parts = [_term(q.subject), _term(q.predicate), _term(q.object)]
            found[(_term(q.graph_name), " ".join(parts))] += 1
        return found
    finally:
        del store
        gc.collect()


def _term(term: object) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


def per_graph(print_: Counter[tuple[str, str]]) -> Counter[str]:
    """Quads per graph of a fingerprint."""
    counts: Counter[str] = Counter()
    for (graph, _), n in print_.items():
        counts[graph] += n
    return counts


def without_graph(print_: Counter[tuple[str, str]], graph: str) -> Counter[tuple[str, str]]:
    """The fingerprint without one graph's quads."""
    return Counter({k: n for k, n in print_.items() if k[0] != graph})


def wait_for(predicate, timeout: float, what: str) -> None:
    """Poll ``predicate`` until true; fail the test naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def rss_mb(pid: int) -> float:
    """RSS of a process plus its descendants (the server's query workers), in MB."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(parents.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total
