"""Helpers shared by the benchmark scripts: data files, timing, machine info, the results file.

Why one module: every benchmark must measure its contenders the same way (alternating, medians
of several runs, because these shared machines are noisy), describe the machine the same way
and rewrite only its own section of ``docs/benchmarks.md``, leaving the others' sections alone.
"""

from __future__ import annotations

import gc
import importlib.metadata
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "bench")) if p not in sys.path]

from generate import write as write_synthetic  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
DATA_DIR = ROOT / "var" / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
GOVKG = VENV_BIN / "govkg"
PYTHON = VENV_BIN / "python"


def parse_sizes(text: str) -> list[int]:
    """``"10k,100k,1M"`` (or plain integers) as triple counts."""
    factors = {"k": 1_000, "m": 1_000_000}
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        factor = factors.get(part[-1], 1)
        number = part[:-1] if part[-1] in factors else part
        sizes.append(int(float(number) * factor))
    return sizes


def size_label(size: int) -> str:
    """10000 → ``10k``, 1000000 → ``1M``: compact labels for tables."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def dataset(size: int, seed: int = 1, suffix: str = "nq") -> Path:
    """The synthetic graph of ``size`` triples as ``var/bench/synthetic-<size>-s<seed>.<suffix>``.

    Generated once and reused: the generator is deterministic, so the cached file is exactly
    what a fresh run would produce.
    """
    path = DATA_DIR / f"synthetic-{size_label(size)}-s{seed}.{suffix}"
    if not path.exists():
        write_synthetic(size, seed, path)
    return path


def median(values: list[float]) -> float:
    """The median (``nan`` for no values, so a missing figure is visible, not zero)."""
    return statistics.median(values) if values else float("nan")


def timed(step: Callable[[], object]) -> float:
    """Wall-clock seconds of one call (garbage collected before, so runs start alike)."""
    gc.collect()
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def alternate(
    contenders: dict[str, Callable[[], object]], runs: int, *, cap: float | None = None
) -> dict[str, list[float]]:
    """Run each contender ``runs`` times, interleaved (A B C A B C ...); seconds per run.

    Interleaving spreads the machine's noise over every contender instead of penalising
    whichever ran while something else was busy. With ``cap``, a contender whose run took
    longer than ``cap`` seconds is not run again (its list then ends with that run).
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    capped: set[str] = set()
    for _ in range(runs):
        for name, step in contenders.items():
            if name in capped:
                continue
            seconds = timed(step)
            times[name].append(seconds)
            if cap is not None and seconds > cap:
                capped.add(name)
    return times


def ms(seconds: float) -> str:
    """Milliseconds for tables: ``12.3 ms`` below 100 ms, whole numbers above."""
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def machine_line(packages: tuple[str, ...] = ("pyoxigraph", "rdflib")) -> str:
    """One sentence naming the machine and versions, for the top of a results section."""
    versions = ", ".join(f"{p} {_version(p)}" for p in packages)
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} × {_cpu_model()}, "
        f"{_ram_gib():.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"CPython {platform.python_version()}, {versions}; load average "
        f"{os.getloadavg()[0]:.1f} at the end (above {os.cpu_count()} means other work competed)."
    )


def write_section(heading: str, body: str, doc: Path = DOC) -> None:
    """Replace the ``## <heading>`` section of ``doc`` (or append it), keeping all others.

    ``body`` is the section's text without its heading line. A section runs from its heading to
    the next line starting with ``## ``.
    """
    title = f"## {heading}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    section = [title, "", *body.strip("\n").splitlines(), ""]
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == title)
    except StopIteration:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", *section]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = section
    doc.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (from ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants (the govkg server runs query workers)."""
    total = 0.0
    for child in [pid, *descendants(pid)]:
        try:
            total += rss_mb(child)
        except OSError:
            continue
    return total


def descendants(pid: int) -> list[int]:
    """Process ids of all descendants of ``pid`` (via ``/proc/*/stat`` parent links)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 120.0) -> None:
    """Block until ``url`` answers 200 (a server finished starting) or raise after ``timeout``."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


@contextmanager
def running(
    argv: list[str], health_url: str, *, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """Start a server process, wait until ``health_url`` answers, stop it (and its children)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log = open(DATA_DIR / f"server-{os.getpid()}.log", "ab")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=log
    )
    try:
        wait_http(health_url)
        yield proc
    finally:
        kids = descendants(proc.pid)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for kid in kids:
            with suppress(ProcessLookupError):
                os.kill(kid, 9)
        log.close()
