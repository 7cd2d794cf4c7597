"""The parent's side of one worker: its process, its socket, and the wire format.

Why asyncio and no helper threads: each worker's socket stays registered with the event loop
(``loop.add_reader``), so an answer wakes the loop directly and is read in non-blocking chunks
as it arrives (a large answer never blocks the loop), and no request pays a thread hop. The
two ``run_in_executor`` hops per request this replaced, with their event-loop wake-ups and GIL
hand-overs, were most of the ~260 µs of server CPU per small query saved by the change (666 to
400 µs; docs/benchmarks.md, "HTTP"). The worker side (:mod:`govkg.api.runtime.child`) stays
simple and blocking.

Messages are length-prefixed pickles (:func:`write_frame`) between two processes of the same
govkg installation; at most one message is awaited per worker at a time, so an answer can only
belong to the request that sent the job. What the messages hold is not this module's business
(:mod:`govkg.api.runtime.child` describes the protocol).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import socket
import struct
import subprocess
import sys
from collections.abc import Callable
from typing import Any

# -- the wire format (both sides) ------------------------------------------------------------

#: Every message is an 8-byte big-endian length, then that many bytes of pickle.
HEADER = struct.Struct("!Q")
#: Bytes asked of the socket per read while a frame's header is not yet known.
CHUNK = 256 * 1024
#: Above this size a frame's header and payload are sent separately (no concatenation copy).
INLINE_LIMIT = 64 * 1024


def write_frame(sock: socket.socket, message: object) -> None:
    """Send one message on a blocking socket (the worker side)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) <= INLINE_LIMIT:
        sock.sendall(HEADER.pack(len(data)) + data)
    else:
        sock.sendall(HEADER.pack(len(data)))
        sock.sendall(data)


def _recv_exactly(sock: socket.socket, size: int) -> bytearray:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("the other end closed the connection")
        got += n
    return buf


def read_frame(sock: socket.socket) -> Any:
    """Receive one message on a blocking socket (the worker side); EOFError when closed."""
    (size,) = HEADER.unpack(_recv_exactly(sock, HEADER.size))
    return pickle.loads(_recv_exactly(sock, size))


class DeadlinePassed(Exception):
    """Set on a request's future by the loop timer at its deadline."""


class WorkerHandle:
    """A handle on one worker process and the parent end of its socket.

    Why ``subprocess`` and not ``multiprocessing.Process``: a spawned multiprocessing child
    re-imports the parent's ``__main__`` (the CLI, a test runner, a user's script), which may not
    be import-safe; a fresh interpreter running :func:`govkg.api.runtime.child.main` depends on
    nothing but govkg. The first frame, sent here while the socket still blocks, tells it what
    to run: ``(entry, config)``.

    The constructor (fork/exec) runs in a helper thread; everything else on the event loop.
    At most one message is awaited at a time (``_waiter``): a worker runs one job at a time, so
    an answer can only belong to the request that sent the job.
    """

    def __init__(self, entry: str, config: object) -> None:
        parent_sock, child_sock = socket.socketpair()
        child_fd = child_sock.detach()
        code = f"from govkg.api.runtime.child import main; main({child_fd})"
        try:
            self.process = subprocess.Popen(
                # -P: the working directory is not put on sys.path, so a folder there named
                # like a standard module (e.g. api/http) cannot shadow it.
                [sys.executable, "-P", "-c", code],
                pass_fds=(child_fd,),
            )
        except BaseException:
            parent_sock.close()
            raise
        finally:
            os.close(child_fd)
        # A child that died at once has closed its end: the first read reports it.
        with contextlib.suppress(OSError):
            write_frame(parent_sock, (entry, config))
        self._init_channel(parent_sock)

    def _init_channel(self, sock: socket.socket) -> None:
        """Set up the reading state for the parent end ``sock`` (non-blocking from now on)."""
        sock.setblocking(False)
        self.sock = sock
        self.dead = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiter: asyncio.Future[Any] | None = None
        self._on_death: Callable[[WorkerHandle], None] | None = None
        self._scratch = bytearray(CHUNK)
        self._scratch_view = memoryview(self._scratch)
        self._frame: bytearray | None = None  # a large frame being filled in place
        self._got = 0
        self._pending = bytearray()  # bytes of a frame whose header is not complete yet

    def attach(
        self, loop: asyncio.AbstractEventLoop, on_death: Callable[[WorkerHandle], None]
    ) -> None:
        """Start watching the socket; ``on_death(worker)`` runs when it closes unexpectedly."""
        self._loop = loop
        self._on_death = on_death
        loop.add_reader(self.sock.fileno(), self._on_readable)

    def expect(self) -> asyncio.Future[Any]:
        """A future for the next message from the worker."""
        assert self._loop is not None and self._waiter is None
        self._waiter = self._loop.create_future()
        if self.dead:
            self._waiter.set_exception(EOFError("the query worker is gone"))
        return self._waiter

    def done_waiting(self) -> None:
        """Forget the current future (answered, failed or abandoned)."""
        self._waiter = None

    async def send(self, message: object) -> None:
        """Send one message without blocking the loop (large queries go out in pieces)."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        assert self._loop is not None
        await self._loop.sock_sendall(self.sock, HEADER.pack(len(data)) + data)

    # -- reading, called by the loop whenever the socket is readable --

    def _on_readable(self) -> None:
        try:
            if self._frame is not None:
                view = memoryview(self._frame)
                n = self.sock.recv_into(view[self._got :])
            else:
                n = self.sock.recv_into(self._scratch_view)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._fail(exc)
            return
        if n == 0:
            self._fail(EOFError("the query worker closed its end"))
            return
        if self._frame is not None:
            self._got += n
            if self._got == len(self._frame):
                frame, self._frame = self._frame, None
                self._deliver(frame)
            return
        self._pending += self._scratch_view[:n]
        self._drain_pending()

    def _drain_pending(self) -> None:
        """Deliver complete frames from ``_pending``; start in-place filling for a big one."""
        while len(self._pending) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._pending)
            have = len(self._pending) - HEADER.size
            if have >= size:
                frame = self._pending[HEADER.size : HEADER.size + size]
                del self._pending[: HEADER.size + size]
                self._deliver(frame)
                continue
            # Not all there: give the rest of the frame its own buffer and fill it in place.
            self._frame = bytearray(size)
            self._frame[:have] = self._pending[HEADER.size :]
            self._got = have
            self._pending.clear()
            return

    def _deliver(self, frame: bytearray) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            # A message nobody asked for: the worker is out of step; never guess an owner.
            self._fail(EOFError("the query worker sent an unexpected message"))
            return
        try:
            waiter.set_result(pickle.loads(frame))
        except Exception as exc:  # noqa: BLE001 - a garbled frame fails this request only
            waiter.set_exception(EOFError(f"unreadable answer from the query worker: {exc}"))

    def _fail(self, exc: BaseException) -> None:
        first = not self.dead
        self.dead = True
        self.detach()
        if self._waiter is not None:
            # A request is waiting (or just stopped waiting): it fails and replaces the worker.
            if not self._waiter.done():
                self._waiter.set_exception(exc)
        elif first and self._on_death is not None:
            self._on_death(self)

    # -- stopping --

    def detach(self) -> None:
        """Stop watching and close the socket (on the loop)."""
        if self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self.sock.fileno())
        with contextlib.suppress(Exception):
            self.sock.close()

    def _fail_waiter(self, exc: BaseException) -> None:
        """Fail the pending waiter, from the loop's thread or from another one."""
        waiter, loop = self._waiter, self._loop
        if waiter is None or waiter.done() or loop is None:
            return
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            waiter.set_exception(exc)
            return
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            loop.call_soon_threadsafe(_fail_future, waiter, exc)

    def signal_kill(self) -> None:
        """SIGKILL the process now (instant): the work it was doing stops with it."""
        self.dead = True
        with contextlib.suppress(Exception):
            self.process.kill()

    def reap(self) -> None:
        """Wait for the killed process to be gone (blocking: run in a helper thread)."""
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)

    def kill(self) -> None:
        """Detach, kill and reap (server shutdown).

        A request still waiting for this worker's answer fails now: with the socket closed the
        answer could never come, and the request would wait out its whole deadline.
        """
        self._fail_waiter(EOFError("the worker was stopped: the server is shutting down"))
        self.detach()
        self.signal_kill()
        self.reap()


def _fail_future(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
