"""Check independent derivations in forked processes: the second core, same reports.

Each derivation is checked on its own (:func:`derive.engine.verify.verify` starts from an
empty memo), so several can be checked at once. :func:`verify_forked` forks ``jobs − 1``
children of the current process (SymPy already imported, nothing to load again); the parent
and the children take derivations one at a time from a shared queue (a pipe holding one
4-byte index per derivation: a read of 4 bytes from a pipe takes exactly one index, so no
derivation is taken twice), and each child sends back the results it computed, pickled, when
the queue is empty. The reports come back in the order of the derivations whoever checked
them: the output does not depend on how the work was shared. A derivation whose result did
not come back (a child killed, out of memory) is checked in the parent, so a failed child
costs time, never a report. Every step is still checked in this run: nothing is cached
across runs.

:func:`default_jobs` is 1 on a single core (no fork at all) and when other processes keep
the other cores busy (a second process would only compete for the same core: measured
slower), else 2; the environment variable ``DERIVE_JOBS`` overrides it (``DERIVE_JOBS=1``:
one process). A process that runs other threads (a server, JAX loaded) does not fork by
default.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

__all__ = ["default_jobs", "verify_forked"]

T = TypeVar("T")
R = TypeVar("R")

#: most processes used by default (the derivation CLIs check 2–13 derivations)
MAX_DEFAULT_JOBS = 2
#: a queue of more indices than fit in a pipe at once would block the parent: checked serially
MAX_QUEUED = 4096
_INDEX = struct.Struct("<I")


def default_jobs() -> int:
    """Processes for checking derivations: ``DERIVE_JOBS`` if set to a positive integer, else
    the cores this process may run on that other processes leave idle (:func:`_other_work`),
    at least 1, at most :data:`MAX_DEFAULT_JOBS`; 1 in a process that
    runs other threads (a fork copies only the calling thread, and any lock another thread
    holds stays locked in the child: JAX warns of deadlocks)."""
    env = os.environ.get("DERIVE_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    if not _single_threaded():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    idle = cores - _other_work()  # a second process helps only on a core nobody else uses
    return max(1, min(MAX_DEFAULT_JOBS, cores, int(idle + 0.5)))


def _other_work() -> float:
    """About how many cores other processes keep busy: the larger of the 1-minute load
    average less this command's own share (a run just before this one counts as ours) and
    the processes running right now besides this one (``/proc/loadavg``)."""
    try:
        fields = Path("/proc/loadavg").read_text().split()
        load, running = float(fields[0]), int(fields[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        try:
            load, running = os.getloadavg()[0], 1
        except (AttributeError, OSError):
            return 0.0
    return max(load - 1.0, running - 1.0, 0.0)


def _single_threaded() -> bool:
    """Does this process run one thread? Counted by the kernel where it can be (JAX and BLAS
    start threads that Python does not list), else Python's threads."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def _take(fd: int) -> int | None:
    """The next index from the queue, or None when it is empty (every write end closed)."""
    got = os.read(fd, _INDEX.size)
    return _INDEX.unpack(got)[0] if len(got) == _INDEX.size else None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _child(items: Sequence[T], check: Callable[[T], R], queue: int, out: int) -> None:
    """Check items from the queue, send ``{index: result}`` pickled, and exit (never return:
    ``os._exit`` skips the parent's atexit handlers and its copy of unflushed output)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it
        done = {}
        while (i := _take(queue)) is not None:
            done[i] = check(items[i])
        _write_all(out, pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    finally:
        os._exit(code)


def verify_forked(
    items: Sequence[T],
    check: Callable[[T], R],
    jobs: int,
    weights: Sequence[float] | None = None,
) -> list[R]:
    """``[check(item) for item in items]``, computed by this process and ``jobs − 1`` forked
    children; the same list, in the same order, as the serial comprehension. ``weights``
    (estimated costs) only change which items are taken first: the heaviest, so that the
    processes finish together."""
    n = len(items)
    if jobs < 2 or n < 2 or n > MAX_QUEUED or not hasattr(os, "fork"):
        return [check(item) for item in items]
    order = sorted(range(n), key=lambda i: -weights[i]) if weights is not None else range(n)
    queue_r, queue_w = os.pipe()
    try:
        _write_all(queue_w, b"".join(_INDEX.pack(i) for i in order))
    finally:
        os.close(queue_w)  # all indices queued: a read past the last one sees the end
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
    reaped: set[int] = set()
    results: dict[int, R] = {}
    try:
        for _ in range(min(jobs, n) - 1):
            out_r, out_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(out_r)
                for _, fd in children:
                    os.close(fd)
                _child(items, check, queue_r, out_w)
            os.close(out_w)
            children.append((pid, out_r))
        while (i := _take(queue_r)) is not None:
            results[i] = check(items[i])
        for pid, fd in children:
            data = _read_all(fd)
            _, status = os.waitpid(pid, 0)
            reaped.add(pid)
            if os.waitstatus_to_exitcode(status) == 0 and data:
                results.update(pickle.loads(data))
    finally:
        os.close(queue_r)
        for pid, fd in children:
            os.close(fd)
            if pid not in reaped:  # the parent failed (Ctrl-C …): its children stop too
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
    return [results[i] if i in results else check(items[i]) for i in range(n)]
