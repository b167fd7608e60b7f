"""Wall-time limits that work from any thread: persistent worker processes, killed on time-out.

``signal.alarm`` works only on the main thread, and SymPy cannot be interrupted from another
thread; so each task runs in a worker process. Workers are forked after SymPy and the catalog
are loaded (cheap: a few ms), are reused task after task, and a worker that overruns its limit
(or dies) is killed and replaced, so one hostile answer costs at most its time limit and never
the batch. On Linux a worker may also grow by at most :data:`MEMORY_HEADROOM` bytes.
Results come back in input order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["Crashed", "TimedOut", "WorkerPool"]


@dataclass(frozen=True)
class TimedOut:
    """The task ran past its limit; its worker was killed."""

    seconds: float


@dataclass(frozen=True)
class Crashed:
    """The task raised, or its worker died; ``reason`` says how."""

    reason: str


#: memory a worker may add to what it has at start-up (address space, Linux: 512 MiB; the
#: 602 labelled answers and the lecture chains together add 8 MiB, measured); beyond it an
#: allocation fails with MemoryError, which becomes a verdict
MEMORY_HEADROOM = 512 * 2**20


def _limit_memory(headroom: int) -> None:
    try:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
        resource.setrlimit(resource.RLIMIT_AS, (size + headroom, resource.RLIM_INFINITY))
    except (ImportError, OSError, StopIteration, ValueError):
        pass  # not Linux: the time limit still bounds the damage


def _worker_main(
    conn: Connection, task: Callable[..., Any], initializer: Callable[[], object] | None
) -> None:
    if initializer is not None:
        initializer()
    _limit_memory(MEMORY_HEADROOM)
    conn.send(_READY)  # time limits count from here: start-up is not the task's time
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, args = message
        try:
            outcome: Any = task(*args)
        except BaseException as exc:
            outcome = Crashed(f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send((job, outcome))
        except Exception as exc:
            conn.send((job, Crashed(f"result could not be sent: {type(exc).__name__}")))


_READY = "ready"
#: longest wait for a new worker to start (a fork server may be importing SymPy)
STARTUP_SECONDS = 120.0


class _Worker:
    def __init__(
        self, ctx: Any, task: Callable[..., Any], initializer: Callable[[], object] | None
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, task, initializer), daemon=True
        )
        self.process.start()
        child.close()
        try:  # a worker that never gets ready is detected when it is first used
            if self.conn.poll(STARTUP_SECONDS):
                self.conn.recv()
        except (EOFError, OSError):
            pass

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _context() -> Any:
    """``fork`` when it is safe (one thread, no JAX: cheap and warm), else ``forkserver``.

    Forking a multi-threaded process (JAX starts threads) can deadlock the child; the fork
    server is a fresh single-threaded process that preloads the checker and forks from there.
    ``DERIVE_CHECK_START_METHOD`` overrides the choice.
    """
    methods = mp.get_all_start_methods()
    wanted = os.environ.get("DERIVE_CHECK_START_METHOD", "")
    if not wanted:
        single = threading.active_count() == 1 and "jax" not in sys.modules
        wanted = "fork" if single and "fork" in methods else "forkserver"
    if wanted not in methods:
        wanted = "spawn"
    ctx = mp.get_context(wanted)
    if wanted == "forkserver":
        ctx.set_forkserver_preload(["derive.grading"])
    return ctx


class WorkerPool:
    """``size`` persistent workers running ``task(*args)`` with a time limit per call.

    ``task`` and ``initializer`` (run once per worker, e.g. to load a catalog) must be
    module-level functions, so that a fork server can import them.
    """

    def __init__(
        self,
        task: Callable[..., Any],
        size: int = 1,
        *,
        initializer: Callable[[], object] | None = None,
    ) -> None:
        self._owner = os.getpid()  # a forked copy of this pool must not stop these workers
        self._ctx = _context()
        self._task = task
        self._initializer = initializer
        self._workers = [self._spawn() for _ in range(max(1, size))]

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self._task, self._initializer)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if os.getpid() != self._owner:
            return
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = self._spawn()
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    def run(self, args: Sequence[Any], timeout: float) -> Any:
        """One task: its result, or :class:`TimedOut` / :class:`Crashed`."""
        return next(iter(self.map([args], timeout)))

    def map(self, jobs: Iterable[Sequence[Any]], timeout: float) -> Iterator[Any]:
        """Results of ``task(*args)`` for each job, in order, each within ``timeout`` s."""
        queue = deque(enumerate(jobs))
        done: dict[int, Any] = {}
        next_out = 0
        idle = list(self._workers)
        busy: dict[Connection, tuple[_Worker, int, float]] = {}
        try:
            while queue or busy or next_out in done:
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                if not (queue or busy):
                    break
                while queue and idle:
                    worker = idle.pop()
                    job, args = queue.popleft()
                    try:
                        worker.conn.send((job, tuple(args)))
                    except (OSError, ValueError):
                        worker = self._replace(worker)
                        worker.conn.send((job, tuple(args)))
                    busy[worker.conn] = (worker, job, time.monotonic() + timeout)
                now = time.monotonic()
                soonest = min(deadline for _, _, deadline in busy.values())
                ready = wait(list(busy), timeout=max(0.0, soonest - now))
                for conn in ready:
                    worker, job, _ = busy.pop(conn)
                    try:
                        got_job, outcome = conn.recv()
                        done[job] = outcome if got_job == job else Crashed("out of order")
                        idle.append(worker)
                    except (EOFError, OSError):
                        done[job] = Crashed("the worker process died")
                        idle.append(self._replace(worker))
                now = time.monotonic()
                for conn, (worker, job, deadline) in list(busy.items()):
                    if now >= deadline:
                        del busy[conn]
                        done[job] = TimedOut(timeout)
                        idle.append(self._replace(worker))
        finally:
            for worker, _, _ in busy.values():  # abandoned mid-way: no stale results later
                self._replace(worker)
