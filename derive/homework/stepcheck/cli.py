"""``python -m derive.stepcheck`` (and ``python -m derive.check --steps``): the report as text or
JSON, exit codes, and the worker process with its time limit."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from ...engine.console import MAX_TIMEOUT, TooLarge, timeout_seconds
from ..sandbox import Crashed, TimedOut, WorkerPool
from ..stepinput import MAX_BYTES, NOTHING_TO_CHECK, line_count, nothing_to_check, read_step_file
from .checking import _from_exercise, check_text
from .data import StepReport
from .phrases import _p
from .reader import DEFAULT_TIMEOUT, MAX_LINES
from .reading import parse_domain

__all__ = ["build_parser", "format_report", "load_step_file", "main", "worker_pool"]


def load_step_file(path: str, *, exercise: str | None, domains: Sequence[str], lang: str) -> str:
    """The text of a step file, once every way it can be refused before any work is ruled
    out: unreadable, larger than :data:`MAX_BYTES` (also a device or a pipe), nothing to
    check, more than :data:`MAX_LINES` lines, an unknown exercise, a bad ``--domain``.
    ``ValueError`` with the message for the user otherwise."""
    try:
        text = read_step_file(path)  # at most MAX_BYTES; BOM, U+2028/U+2029
    except TooLarge:
        raise ValueError(
            f"{path} is larger than a step file may be ({MAX_BYTES:,} bytes)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if nothing_to_check(text):
        raise ValueError(f"{path}: {NOTHING_TO_CHECK[lang]}")
    if line_count(text) > MAX_LINES:
        raise ValueError(f"a step file has at most {MAX_LINES} lines")
    try:
        if exercise is not None:
            _from_exercise(exercise)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    for spec in domains:
        parse_domain(spec)
    return text


def worker_pool(task: Callable[..., object]) -> WorkerPool:
    """A time-limited worker for ``task`` that knows the instructor's catalog files too (a fork
    server's workers do not inherit them)."""
    from ..catalog import active_paths, worker_init

    return WorkerPool(task, initializer=partial(worker_init, active_paths()))


#: characters of a line's text shown in the report; a longer line ends in " …"
REPORT_WIDTH = 70


def _shorten(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters, cut with a visible mark."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 2].rstrip() + " …"


def format_report(report: StepReport, lang: str = "en") -> str:
    """The per-line report as plain text."""
    out = []
    if report.source:
        out.append(report.source)
    for r in report.results:
        word = _p(r.verdict, lang)
        out.append(f"{r.line:>4}  {word:<11} {_shorten(r.text, REPORT_WIDTH)}")
        out.append(f"{'':>17}{r.detail}")
    for c in report.conclusions:
        out.append(c.detail)
    if report.answer is not None:
        out.append(report.answer.detail)
    first = report.first_wrong
    if first is not None:
        out.append(_p("first_wrong", lang, line=first))
    elif any(c.holds is False for c in report.conclusions):
        c = next(c for c in report.conclusions if c.holds is False)
        out.append(_p("chain_fails", lang, first=c.first, last=c.last))
    elif report.exit_code == 0:
        out.append(_p("all_ok", lang))
    for verdict in ("unverified", "unreadable"):
        lines = [str(r.line) for r in report.results if r.verdict == verdict]
        if lines:
            out.append(f"{_p(verdict, lang)}: {', '.join(lines)}")
    return "\n".join(out).rstrip() + "\n"


def build_parser(prog: str = "python -m derive.stepcheck") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog,
        description="Check a derivation line by line: each line against the line before it.",
    )
    ap.add_argument("file", nargs="?", help="the step file (or use --steps)")
    ap.add_argument("--steps", dest="steps", help="the step file")
    ap.add_argument("--exercise", help="a catalog exercise: its vocabulary, definitions, domain")
    ap.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="SPEC",
        help="a variable family's interval, e.g. 'y in (0, 1)' (repeatable)",
    )
    ap.add_argument("--json", action="store_true", help="JSON output")
    ap.add_argument("--lang", choices=("en", "cs"), default="en")
    ap.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds for the whole file (default {DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g})",
    )
    return ap


def _task(text: str, exercise: str | None, domain: list[str], lang: str, source: str):
    """Run in a worker process (killed on time-out); the report without SymPy objects."""
    report = check_text(text, exercise=exercise, domain=domain, lang=lang, source=source)
    return replace(report, stepfile=None)


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m derive.stepcheck") -> int:
    """Exit 0: every line ok; 1: a line wrong (or unverified); 2: unreadable or bad input."""
    ap = build_parser(prog)
    args = ap.parse_args(argv)
    path = args.steps or args.file
    if path is None or (args.steps and args.file):
        ap.error("give exactly one step file (FILE or --steps FILE)")
    try:  # bad options and oversized files are refused before any work
        text = load_step_file(path, exercise=args.exercise, domains=args.domain, lang=args.lang)
    except ValueError as exc:
        print(f"{ap.prog}: {exc}", file=sys.stderr)
        return 2
    with worker_pool(_task) as pool:
        report = pool.run((text, args.exercise, args.domain, args.lang, path), args.timeout)
    if isinstance(report, TimedOut):
        print(f"{ap.prog}: checking {path} took longer than {report.seconds:g} s", file=sys.stderr)
        return 2
    if isinstance(report, Crashed):
        print(f"{ap.prog}: could not check {path}: {report.reason}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_report(report, args.lang))
    return report.exit_code
