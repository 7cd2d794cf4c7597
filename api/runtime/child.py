"""The worker side of the runtime: a fresh interpreter that answers jobs until its socket closes.

Why generic: the pool (:mod:`govkg.api.runtime.pool`) only knows that a job goes in and an
answer or an exception comes out within a deadline. What a job *means* is the business of the
``entry`` the pool was given: a dotted ``module:function`` that the child imports and calls once
with the pool's ``config``, and which returns the handler for every job. So the same runtime runs
SPARQL queries (:mod:`govkg.api.http.query_jobs`) and could run any other killable work.

The wire protocol, after the parent's first frame ``(entry, config)``:

- the child answers ``("ready", None)``, or ``("error", exc)`` when the entry's setup failed;
- then, for each ``(generation, job)`` frame, ``("ok", answer)``, ``("error", exc)`` for an
  exception that pickles (govkg's errors do), or ``("crash", text)`` for anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from govkg.api.runtime.channel import read_frame, write_frame

#: prctl(2) option: the signal this process gets when its parent (thread) dies.
PR_SET_PDEATHSIG = 1

#: What a worker entry returns: called with each job and the pool's generation.
Handler = Callable[[Any, int], Any]


def load_entry(entry: str) -> Callable[[Any], Handler]:
    """The setup function named ``module:function``."""
    module, _, name = entry.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _failure(exc: BaseException) -> tuple[str, Any]:
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - an exception that cannot travel is reported as text
        return ("crash", f"{type(exc).__name__}: {exc}")
    return ("error", exc)


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the server that started it dies.

    Why: a server killed with SIGKILL (or crashing) never runs its shutdown, and a worker busy
    on a long job would only notice its closed socket when the job ends, minutes later at full
    CPU. ``PR_SET_PDEATHSIG`` ends it at once. (It fires when the *thread* that started the
    worker ends; the pool starts workers from its own helper threads, which live as long as the
    pool.) Elsewhere, or if the call fails, the socket check remains.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the call: nobody will ask for work
        os._exit(1)


def main(fd: int) -> None:
    """Entry point of a worker process (``python -P -c``, started by ``WorkerHandle``)."""
    die_with_parent()
    sock = socket.socket(fileno=fd)
    sock.setblocking(True)
    try:
        entry, config = read_frame(sock)
        handler = load_entry(entry)(config)
    except (EOFError, OSError, KeyboardInterrupt):
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which refuses to start
        write_frame(sock, _failure(exc))
        return
    write_frame(sock, ("ready", None))
    while True:
        try:
            generation, job = read_frame(sock)
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply: tuple[str, Any] = ("ok", handler(job, generation))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent
            reply = _failure(exc)
        try:
            write_frame(sock, reply)
        except OSError:
            return
