"""Grading for the web: the checker's tasks run in time-limited worker processes, behind a
bounded queue.

The tasks are the CLI's own functions (:func:`derive.homework.grading.grade_now`,
:func:`derive.homework.stepcheck.check_text`) run in :class:`derive.homework.sandbox.WorkerPool`
processes that are killed past their time limit, so an answer gets the verdict and feedback
``python -m derive.check`` gives it. ``workers`` pools of one process each serve the requests;
at most ``queue`` requests wait for one, each at most ``queue_wait`` seconds, and the rest are
refused at once with :class:`Busy` (the server answers 503 with ``Retry-After``): a full server
refuses, it never hangs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import anyio.to_thread

from ..homework.exercises import Exercise, catalog, exercise
from ..homework.grading import GradeResult, grade_now, phrase
from ..homework.parse import ParseError, to_latex
from ..homework.sandbox import Crashed, TimedOut, WorkerPool

__all__ = ["Busy", "Service", "current_catalog", "graded", "read_now", "steps_now", "task"]


def current_catalog() -> Mapping[str, Exercise]:
    """The exercises being served: the built-in catalog, or the one ``--catalog`` made active
    (:func:`derive.homework.catalog.use_catalogs`, where that exists)."""
    from ..homework import exercises as module

    active = getattr(module, "active_catalog", None)
    return active() if active is not None else module.catalog()


class Busy(Exception):
    """Every worker is busy and the queue is full (or the wait ran out)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy; retry after {retry_after} s")
        self.retry_after = retry_after


def read_now(exercise_id: str, answer: str, lang: str) -> dict[str, str]:
    """How ``answer`` is read for ``exercise_id``: ``read_as`` (LaTeX of the graded side, as
    in the CLI's ``read as:``) or ``error`` (the parser's message: where and why)."""
    try:
        ex = exercise(exercise_id)
    except KeyError:
        return {"read_as": "", "error": phrase("unknown_exercise", lang, id=exercise_id)}
    if not answer.strip():
        return {"read_as": "", "error": ""}
    try:
        _lhs, expr = ex.parse(answer)
        return {"read_as": to_latex(expr), "error": ""}
    except ParseError as exc:
        return {"read_as": "", "error": phrase("invalid", lang, msg=str(exc))}


def steps_now(text: str, exercise_id: str | None, lang: str) -> dict[str, object]:
    """``python -m derive.check --steps FILE --json`` for ``text``: the same object, plus
    ``exit_code`` (0 every line ok, 1 a line wrong or unverified, 2 a line unreadable)."""
    from ..homework.stepcheck import check_text

    report = check_text(text, exercise=exercise_id, lang=lang, source="")
    return {**report.as_dict(), "exit_code": report.exit_code}


def _lecture_now() -> object:
    from .lecture import build_lecture

    return build_lecture()


def task(kind: str, *args: Any) -> object:
    """What a worker process runs (module level, so that a fork server can import it)."""
    if kind == "grade":
        exercise_id, answer, lang = args
        return grade_now(exercise_id, answer, lang=lang)
    if kind == "read":
        return read_now(*args)
    if kind == "steps":
        return steps_now(*args)
    if kind == "lecture":
        return _lecture_now()
    raise ValueError(f"unknown task {kind!r}")


def graded(
    outcome: object, exercise_id: str, answer: str, lang: str, timeout: float
) -> GradeResult:
    """A worker's outcome as the CLI reports it: a time-out is ``undecided`` with the time
    limit named, a crash ``undecided`` (the reason stays in ``method``, as in the CLI)."""
    if isinstance(outcome, GradeResult):
        return outcome
    if isinstance(outcome, TimedOut):
        return GradeResult(
            exercise_id,
            answer,
            "undecided",
            phrase("undecided", lang, seconds=timeout),
            f"time limit ({timeout:g} s)",
        )
    reason = outcome.reason if isinstance(outcome, Crashed) else type(outcome).__name__
    return GradeResult(
        exercise_id, answer, "undecided", phrase("undecided_domain", lang), f"error: {reason}"
    )


def _worker_init() -> Callable[[], object]:
    """What a worker runs first: load the catalog being served (the instructor's files made
    active by ``--catalog`` too, also in a worker started by a fork server)."""
    try:
        from ..homework.catalog import active_paths, worker_init
    except ImportError:  # no instructors' catalogs in this version
        return catalog
    return partial(worker_init, active_paths())


class Service:
    """``workers`` worker processes (started now: call from the main thread before serving)
    shared by every request, and one more for the lecture page, started on first use."""

    def __init__(
        self, workers: int, *, queue: int, queue_wait: float, pools: Sequence[Any] | None = None
    ) -> None:
        """``pools``: objects with ``run(args, timeout)`` and ``close()`` to use instead of
        starting ``workers`` worker processes (tests of the queue use slow stand-ins)."""
        if pools is None:
            catalog()  # loaded before the fork: every worker starts warm
            init = _worker_init()
            pools = [WorkerPool(task, size=1, initializer=init) for _ in range(workers)]
            self._lecture_pool: Any = WorkerPool(task, size=1)
        else:
            self._lecture_pool = pools[0]
            workers = len(pools)
        self._pools = list(pools)
        self._free = list(self._pools)
        self._queue = queue
        self._queue_wait = queue_wait
        self._pending = 0
        self._semaphore: asyncio.Semaphore | None = None
        self.workers = workers

    @property
    def pending(self) -> int:
        """Requests being graded or waiting for a worker."""
        return self._pending

    async def run(self, args: Sequence[Any], timeout: float) -> object:
        """``task(*args)`` in a free worker within ``timeout`` seconds (its outcome, or
        :class:`TimedOut` / :class:`Crashed`); raises :class:`Busy` when the queue is full."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.workers)
        if self._pending >= self.workers + self._queue:
            raise Busy(self._retry_after())
        self._pending += 1
        try:
            try:
                await asyncio.wait_for(self._semaphore.acquire(), self._queue_wait)
            except TimeoutError:
                raise Busy(self._retry_after()) from None
            pool = self._free.pop()
            try:
                return await anyio.to_thread.run_sync(pool.run, tuple(args), timeout)
            finally:
                self._free.append(pool)
                self._semaphore.release()
        finally:
            self._pending -= 1

    def _retry_after(self) -> int:
        return max(1, min(30, round(self._pending / self.workers)))

    async def lecture(self, timeout: float) -> object:
        """The lecture's derivations, verified now (in their own worker; minutes at most)."""
        return await anyio.to_thread.run_sync(self._lecture_pool.run, ("lecture",), timeout)

    def close(self) -> None:
        for pool in {id(p): p for p in [*self._pools, self._lecture_pool]}.values():
            pool.close()
