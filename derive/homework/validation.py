"""The slower checks of ``--validate`` for one exercise (built-in or from a catalog file).

Loading (:mod:`derive.homework.catalog`) already refuses unreadable keys, undeclared symbols,
circular definitions, empty domains and IDs used twice; here each exercise is graded the way
students' answers are: its solution must be a real number on the domain (at seeded points) and
graded correct against itself, and each listed mistake must be graded incorrect and get its own
feedback (a mistake equal to the solution, or shadowed by an earlier one, is an error).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sympy as sp

from .catalog import Problem
from .equivalence import undefined_point
from .exercises import Exercise
from .grading import grade_expression
from .parse import ParseError, real_conditions

__all__ = ["check_exercise"]


class _TooLong(Exception):
    pass


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_TooLong` after ``seconds`` (main thread with SIGALRM only; elsewhere
    no limit)."""
    usable = (
        seconds is not None
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_exercise(ex: Exercise, file: str, *, seconds: float | None = None) -> list[Problem]:
    """The slower checks: the solution is real on the domain and graded correct against
    itself; each mistake is graded incorrect with its own feedback. Within ``seconds`` (when
    called on the main thread): an exercise that takes longer is a problem, not a hang."""
    try:
        with _time_limit(seconds):
            return _checks(ex, file)
    except _TooLong:
        reason = f"checking it took longer than {seconds:g} s; simplify the solution or mistakes"
    except Exception as exc:  # SymPy can raise on odd input: a problem, never a traceback
        reason = f"checking it failed: {type(exc).__name__}: {exc}"[:300]
    return [Problem(file, ex.id, "solution" if ex.solution else "reference", reason)]


def _checks(ex: Exercise, file: str) -> list[Problem]:
    problems: list[Problem] = []

    def bad(key: str, reason: str) -> None:
        problems.append(Problem(file, ex.id, key, reason))

    key = "solution" if ex.solution else "reference"
    parts = [ex.reference]
    if ex.solution:
        parts += list(real_conditions(ex.solution, symbols=ex.vocabulary))
    point = undefined_point(parts, sp.Integer(1), ex.domain, seed=ex.id, definitions=ex.definitions)
    if point is not None:
        bad(key, f"not a real number on the domain (e.g. at {point}); give a 'domain'")
        return problems
    own = grade_expression(ex, ex.reference, answer=ex.solution or ex.reference_name)
    if own.verdict != "correct":
        bad(key, f"graded against itself it is {own.verdict} ({own.method}): {own.feedback}")
    for k, m in enumerate(ex.mistakes, 1):
        try:
            must_be_real = ex.real_conditions(m.answer)
        except ParseError:
            must_be_real = ()
        got = grade_expression(ex, m.expr, answer=m.answer, must_be_real=must_be_real)
        if got.verdict == "correct":
            bad(
                f"mistake[{k}]",
                f"{m.answer!r} is equal to the solution on the domain (it "
                "would be graded correct): a mistake must differ from the solution",
            )
        elif got.verdict != "incorrect":
            bad(f"mistake[{k}]", f"{m.answer!r} is graded {got.verdict}: {got.feedback}")
        elif got.feedback != m.feedback["en"]:
            bad(
                f"mistake[{k}]",
                f"{m.answer!r} gets other feedback ({got.feedback!r}): an "
                "earlier mistake or rule matches it first, so this feedback is never shown",
            )
    return problems
