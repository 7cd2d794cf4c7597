"""The worker pool's asynchronous round trip, with real worker processes over a real store.

Each test drives ``govkg.api.runtime.pool.WorkerPool`` on its own event loop (``asyncio.run``):
answers
must reach the request that asked (never another), arrive whole however large, and a worker
that dies (mid-answer, while idle, or killed at its deadline) must cost at most the request it
was serving and be replaced.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import random
import signal
import socket
import time
from pathlib import Path

import pytest
from govkg.api.http import query_jobs
from govkg.api.http.query_jobs import Job
from govkg.api.runtime.pool import WorkerPool
from govkg.api.settings import Settings
from govkg.graph.errors import QueryTimeoutError, StoreError
from support.servers import make_store

# Timing and kill -9 of workers: one at a time on one xdist worker
# (tests/support/workers.py).
pytestmark = pytest.mark.serial


EX = "http://example.org/"
#: Keys 0..KEYS-1, each with its own value and a run of ``i % 7`` extra items.
KEYS = 60
#: Rows of the large result (under the default cap of 100,000).
BIG = 50_000

VALUES = " ".join(str(i) for i in range(60))
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {VALUES} }}" for i in range(6))
    + " }"
)


def _data() -> str:
    lines = []
    for i in range(KEYS):
        lines.append(f'<{EX}k{i}> <{EX}value> "v{i}" .')
        lines += [f"<{EX}k{i}> <{EX}item> {i * 1000 + j} ." for j in range(i % 7)]
    lines += [f'<{EX}b{n}> <{EX}big> "row {n}" .' for n in range(BIG)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pyoxigraph as ox

    return make_store(tmp_path_factory.mktemp("pool") / "store", _data(), ox.RdfFormat.TURTLE)


def _pool(
    store: Path, size: int = 2, max_results: int = 100_000, max_extra: int | None = None
) -> WorkerPool:
    """A pool as a server builds it; ``max_extra=0`` pins it to ``size`` (no extra workers)."""
    settings = Settings(store=store, max_results=max_results)
    return WorkerPool(query_jobs.ENTRY, settings, size=size, max_extra=max_extra)


def _json(query: str) -> Job:
    return Job(kind="sparql", query=query, accept="application/sparql-results+json")


def _key_query(i: int) -> str:
    # A different amount of work per key, so answers come back out of order.
    return (
        f"SELECT ?v (COUNT(?x) AS ?n) WHERE {{ <{EX}k{i}> <{EX}value> ?v "
        f"OPTIONAL {{ <{EX}k{i}> <{EX}item> ?x }} }} GROUP BY ?v"
    )


def _bindings(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


async def _until(predicate, seconds: float) -> bool:  # noqa: ANN001 - a zero-argument callable
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def test_concurrent_answers_reach_the_request_that_asked(store: Path) -> None:
    async def main() -> list[tuple[int, bytes]]:
        pool = _pool(store, size=3)
        await pool.start()
        try:
            order = [i for i in range(KEYS) for _ in range(4)]
            random.Random(7).shuffle(order)

            async def ask(i: int) -> tuple[int, bytes]:
                outcome = await pool.run(_json(_key_query(i)), 60)
                return i, outcome.body

            return await asyncio.gather(*(ask(i) for i in order))
        finally:
            await pool.close()

    answers = asyncio.run(main())
    assert len(answers) == KEYS * 4
    for i, body in answers:
        (row,) = _bindings(body)
        assert row["v"]["value"] == f"v{i}", (i, row)
        assert row["n"]["value"] == str(i % 7), (i, row)


def test_a_large_answer_arrives_whole_while_small_ones_keep_flowing(store: Path) -> None:
    big = f"SELECT ?s ?o WHERE {{ ?s <{EX}big> ?o }}"

    async def main() -> tuple[bytes, list[bytes]]:
        pool = _pool(store, size=2)
        await pool.start()
        try:
            large = asyncio.ensure_future(pool.run(_json(big), 60))
            small = []
            while not large.done():
                small.append((await pool.run(_json(_key_query(3)), 60)).body)
            return (await large).body, small
        finally:
            await pool.close()

    body, small = asyncio.run(main())
    rows = _bindings(body)
    assert len(rows) == BIG
    assert {r["o"]["value"] for r in rows} == {f"row {n}" for n in range(BIG)}
    assert small, "no small query was answered while the large one was read"
    assert all(_bindings(b)[0]["v"]["value"] == "v3" for b in small)


def test_a_worker_killed_mid_answer_fails_only_its_request_and_is_replaced(store: Path) -> None:
    big = f"SELECT ?s ?o WHERE {{ ?s <{EX}big> ?o }}"

    async def main() -> None:
        pool = _pool(store, size=2)
        await pool.start()
        try:
            before = set(pool.pids())
            task = asyncio.ensure_future(pool.run(_json(big), 60))
            # White-box: wait until the parent holds part of the answer's frame, then kill.
            # Checked on every loop iteration: the reader takes one chunk per iteration.
            deadline = time.monotonic() + 60
            while not any(w._frame is not None for w in pool._all):
                assert not task.done(), "the answer was never caught mid-transfer"
                assert time.monotonic() < deadline
                await asyncio.sleep(0)
            (busy,) = [w for w in pool._all if w._frame is not None]
            os.kill(busy.process.pid, signal.SIGKILL)
            with pytest.raises(StoreError, match="retry"):
                await task
            assert await _until(lambda: not _alive(busy.process.pid), 5)
            assert await _until(lambda: pool.alive() == 2, 60), pool.pids()
            assert busy.process.pid not in pool.pids()
            assert before - {busy.process.pid} <= set(pool.pids())
            (row,) = _bindings((await pool.run(_json(_key_query(5)), 60)).body)
            assert row["v"]["value"] == "v5"
        finally:
            await pool.close()

    asyncio.run(main())


def test_an_idle_worker_that_dies_is_replaced_before_anyone_notices(store: Path) -> None:
    async def main() -> None:
        pool = _pool(store, size=2)
        await pool.start()
        try:
            victim = pool.pids()[0]
            os.kill(victim, signal.SIGKILL)
            assert await _until(lambda: victim not in pool.pids() and pool.alive() == 2, 60)
            for i in range(6):  # every worker in the queue gets used: none is the dead one
                (row,) = _bindings((await pool.run(_json(_key_query(i)), 60)).body)
                assert row["v"]["value"] == f"v{i}"
        finally:
            await pool.close()

    asyncio.run(main())


def test_the_deadline_kills_the_worker_and_others_keep_answering(store: Path) -> None:
    async def main() -> None:
        pool = _pool(store, size=2)
        await pool.start()
        try:
            before = set(pool.pids())
            started = time.monotonic()
            heavy = asyncio.ensure_future(pool.run(_json(CARTESIAN), 1.0))
            (row,) = _bindings((await pool.run(_json(_key_query(2)), 30)).body)
            assert row["v"]["value"] == "v2"  # answered by the other worker meanwhile
            with pytest.raises(QueryTimeoutError, match="within 1 s"):
                await heavy
            assert time.monotonic() - started < 10  # the 1 s limit, not the query's minutes
            killed = before - set(pool.pids())
            assert len(killed) == 1
            assert await _until(lambda: not any(_alive(p) for p in killed), 5)
            assert await _until(lambda: pool.alive() == 2, 60)
        finally:
            await pool.close()

    asyncio.run(main())


def test_an_answer_the_loop_sees_only_after_the_deadline_is_still_too_late(store: Path) -> None:
    async def stall() -> None:
        time.sleep(1.0)  # blocks the loop, as other threads or a busy machine can

    async def main() -> None:
        pool = _pool(store, size=1, max_extra=0)
        await pool.start()
        try:
            (pid,) = pool.pids()
            loop = asyncio.get_running_loop()
            loop.call_soon(asyncio.ensure_future, stall())  # runs once the job is sent
            # The worker answers during the stall, so the loop sees its reply and the deadline
            # timer in the same turn, the reply first.
            with pytest.raises(QueryTimeoutError, match="within 0.05 s"):
                await pool.run(_json(_key_query(3)), 0.05)
            (row,) = _bindings((await pool.run(_json(_key_query(3)), 30)).body)
            assert row["v"]["value"] == "v3"
            assert pool.pids() == [pid]  # it answered: kept, not killed
        finally:
            await pool.close()

    asyncio.run(main())


def test_waiting_for_a_free_worker_counts_against_the_deadline(store: Path) -> None:
    async def main() -> None:
        pool = _pool(store, size=1, max_extra=0)  # no extra worker may rescue the waiter
        await pool.start()
        try:
            heavy = asyncio.ensure_future(pool.run(_json(CARTESIAN), 3.0))
            await asyncio.sleep(0.2)
            with pytest.raises(QueryTimeoutError, match="no query worker became free"):
                await pool.run(_json(_key_query(1)), 0.5)
            with pytest.raises(QueryTimeoutError):
                await heavy
        finally:
            await pool.close()

    asyncio.run(main())


def test_user_errors_come_back_as_their_own_error_and_the_worker_stays(store: Path) -> None:
    from govkg.graph.errors import QuerySyntaxError

    async def main() -> None:
        pool = _pool(store, size=1)
        await pool.start()
        try:
            (pid,) = pool.pids()
            with pytest.raises(QuerySyntaxError):
                await pool.run(_json("SELECT WHERE {"), 30)
            (row,) = _bindings((await pool.run(_json(_key_query(4)), 30)).body)
            assert row["v"]["value"] == "v4"
            assert pool.pids() == [pid]  # a user error does not cost a worker
        finally:
            await pool.close()

    asyncio.run(main())


def test_a_request_cancelled_while_waiting_loses_no_worker(store: Path) -> None:
    big = f"SELECT ?s ?o WHERE {{ ?s <{EX}big> ?o }}"

    async def main() -> None:
        pool = _pool(store, size=1, max_extra=0)  # the one worker is the one to keep
        await pool.start()
        try:
            busy = asyncio.ensure_future(pool.run(_json(big), 60))
            await asyncio.sleep(0)  # the big query has the only worker
            waiting = [asyncio.ensure_future(pool.run(_json(_key_query(i)), 60)) for i in range(3)]
            await asyncio.sleep(0)
            waiting[0].cancel()
            waiting[1].cancel()
            assert len(_bindings((await busy).body)) == BIG
            (row,) = _bindings((await waiting[2]).body)
            assert row["v"]["value"] == "v2"
            for i in range(3):  # the worker is still there for everyone after them
                (row,) = _bindings((await pool.run(_json(_key_query(i)), 5)).body)
                assert row["v"]["value"] == f"v{i}"
            assert pool.alive() == 1
        finally:
            await pool.close()

    asyncio.run(main())


@pytest.mark.parametrize("piece", [1, 7, 8, 9, 4096, 1 << 20])
def test_frames_arriving_in_pieces_of_any_size_are_reassembled(piece: int) -> None:
    """The parent's reader over a real socket, the other end writing in ``piece``-byte bits."""
    from govkg.api.runtime.channel import HEADER, WorkerHandle

    sizes = (0, 1, 300, 70_000) + ((3_000_000,) if piece >= 4096 else ())
    messages = [("ok", "x" * n) for n in sizes]

    async def main() -> list[object]:
        parent, child = socket.socketpair()
        handle = WorkerHandle.__new__(WorkerHandle)  # the reader alone, without a process
        handle._init_channel(parent)
        handle.attach(asyncio.get_running_loop(), lambda worker: None)
        got = []
        try:
            for message in messages:
                data = pickle.dumps(message)
                frame = HEADER.pack(len(data)) + data
                answer = handle.expect()
                writer = asyncio.get_running_loop().run_in_executor(
                    None, _dribble, child, frame, piece
                )
                got.append(await asyncio.wait_for(answer, 60))
                handle.done_waiting()
                await writer
        finally:
            handle.detach()
            child.close()
        return got

    assert asyncio.run(main()) == messages


def _dribble(sock: socket.socket, data: bytes, piece: int) -> None:
    for start in range(0, len(data), piece):
        sock.sendall(data[start : start + piece])
