"""Homework checker: ``python -m derive.check EXERCISE ANSWER`` and :func:`grade`.

Usage::

    python -m derive.check ce-dw 'x_j(\\sigma(z) - y)' [--json] [--lang cs]
    python -m derive.check --list
    python -m derive.check --reference '(a-y)/(a(1-a))' '-y/a + (1-y)/(1-a)' --domain 'a:(0,1)'
    python -m derive.check --batch answers.csv -o graded.csv [--jobs 2] [--timeout 5]
        [--summary gradebook.csv] [--report class.html] [--encoding cp1250]
    python -m derive.check --catalog course.toml [--catalog more/] --validate   (or any mode)
    python -m derive.check --reference '1' 'sin(x)^2 + cos(x)^2' --notation general
    python -m derive.check --batch pairs.csv -o graded.csv --notation general  # reference,answer

Exit status: 0 correct, 1 incorrect, 2 invalid / undecided / usage error (a batch exits 0
once every row is graded). Every answer is graded in a worker process with a wall-time limit
(default 5 s), so the limit works from any thread and one hostile answer cannot stall or kill
a batch.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import json
import os
import re
import sys
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from tqdm import tqdm

from ..engine.console import MAX_TIMEOUT, replaced_path, timeout_seconds
from .catalog import (
    CatalogError,
    active_paths,
    load_catalogs,
    use_catalogs,
    validate,
    worker_init,
)
from .equivalence import Domain, Interval
from .exercises import active_catalog
from .gradebook import grade_csv, grade_table
from .grading import VERDICTS, GradeResult, compare_adhoc, grade_now, phrase
from .parse import MAX_LENGTH, ParseError, normalise, to_latex
from .sandbox import Crashed, TimedOut, WorkerPool

__all__ = [
    "DEFAULT_TIMEOUT",
    "GradeResult",
    "compare",
    "compare_many",
    "grade",
    "grade_csv",
    "grade_many",
    "grade_table",
    "main",
    "parse_domain",
    "restart_workers",
]

#: per-answer wall-time limit, seconds
DEFAULT_TIMEOUT = 5.0
#: the most worker processes a batch may start
MAX_JOBS = 64
EXIT = {"correct": 0, "incorrect": 1, "invalid": 2, "undecided": 2}


def _task(kind: str, *args: object) -> GradeResult:
    """What a worker runs: grade against the catalog, or an ad-hoc comparison."""
    if kind == "grade":
        exercise_id, answer, lang = args
        return grade_now(str(exercise_id), answer, lang=str(lang))  # type: ignore[arg-type]
    reference, answer, domain, lang, notation = args
    return compare_adhoc(
        str(reference),
        str(answer),
        domain=domain,  # type: ignore[arg-type]
        lang=str(lang),
        notation=str(notation),
    )


def _outcome(
    outcome: object, exercise_id: str, answer: str, lang: str, timeout: float
) -> GradeResult:
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
    reason = outcome.reason if isinstance(outcome, Crashed) else repr(outcome)
    return GradeResult(
        exercise_id, answer, "undecided", phrase("undecided_domain", lang), f"error: {reason}"
    )


_POOL: WorkerPool | None = None
_POOL_PID = 0  # the process that owns _POOL (a forked child must start its own workers)
_POOL_CATALOG: object = None  # the catalog its workers know
_POOL_LOCK = threading.Lock()


def _new_pool(size: int) -> WorkerPool:
    """Workers that know the active catalog (forked after it is loaded, or loading it)."""
    active_catalog()  # loaded before the fork: every worker starts warm
    return WorkerPool(_task, size=size, initializer=partial(worker_init, active_paths()))


def _shared_pool() -> WorkerPool:
    global _POOL, _POOL_PID, _POOL_CATALOG
    stale = _POOL is not None and _POOL_PID == os.getpid() and _POOL_CATALOG is not active_catalog()
    if stale:
        _POOL.close()  # type: ignore[union-attr]
    if _POOL is None or _POOL_PID != os.getpid() or stale:
        _POOL = _new_pool(1)
        _POOL_PID = os.getpid()
        _POOL_CATALOG = active_catalog()
        atexit.register(_POOL.close)
    return _POOL


def restart_workers() -> None:
    """Stop the shared worker process; the next answer starts a fresh one, which remembers
    nothing of the answers before (for benchmarks that grade the same answers again)."""
    global _POOL
    if _POOL is not None and _POOL_PID == os.getpid():
        _POOL.close()
    _POOL = None


def grade(
    exercise_id: str, answer: str, *, lang: str = "en", timeout: float = DEFAULT_TIMEOUT
) -> GradeResult:
    """Grade one answer in a persistent worker process, within ``timeout`` seconds, against
    the active catalog (:func:`derive.homework.catalog.use_catalogs`).

    Never raises for any answer text: unreadable answers are ``invalid``, answers that run
    out of time ``undecided``. Safe to call from any thread.
    """
    with _POOL_LOCK:
        outcome = _shared_pool().run(("grade", exercise_id, answer, lang), timeout)
    return _outcome(outcome, exercise_id, answer, lang, timeout)


def compare(
    reference: str,
    answer: str,
    *,
    domain: Domain | None = None,
    lang: str = "en",
    timeout: float = DEFAULT_TIMEOUT,
    notation: str = "course",
) -> GradeResult:
    """Teachers' ad-hoc check: is ``answer`` equal to ``reference`` (both typed as text)?

    ``notation="general"``: every letter a real variable, elementary functions, exact numbers;
    ``domain`` from ``parse_domain(specs, notation="general")`` (see ``docs/notation.md``)."""
    with _POOL_LOCK:
        outcome = _shared_pool().run(("adhoc", reference, answer, domain, lang, notation), timeout)
    return _outcome(outcome, "--reference", answer, lang, timeout)


def _same_reading(exercise_id: str, answer: str) -> tuple[str, str, bool]:
    """Answers with one key are read alike: the parser reads ``normalise(answer)`` (Unicode,
    spacing commands and ``$…$`` rewritten), and only the too-long test sees the raw text."""
    try:
        text = normalise(answer)
    except ParseError:
        text = answer
    return exercise_id.strip(), text, len(answer) > 4 * MAX_LENGTH


def grade_many(
    items: Sequence[tuple[str, str]],
    *,
    lang: str = "en",
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 2,
    progress: bool = False,
) -> list[GradeResult]:
    """Grade ``(exercise_id, answer)`` pairs against the active catalog with ``jobs`` reused
    workers; pairs whose answers read alike (same exercise, same normalised answer) are graded
    once. The result list has one entry per item, in order, each with its own answer text."""
    reading: dict[tuple[str, str], tuple[str, str, bool]] = {}  # normalise each text once
    keys = []
    for e, a in items:
        pair = (str(e), str(a))
        key = reading.get(pair)
        if key is None:
            key = reading[pair] = _same_reading(*pair)
        keys.append(key)
    first: dict[tuple[str, str, bool], tuple[str, str]] = {}
    for key, (_e, a) in zip(keys, items, strict=True):
        first.setdefault(key, (key[0], str(a)))
    unique = list(first.items())
    results: dict[tuple[str, str, bool], GradeResult] = {}
    with _new_pool(max(1, jobs)) as pool:
        outcomes = pool.map([("grade", e, a, lang) for _, (e, a) in unique], timeout)
        bar = tqdm(
            zip(unique, outcomes, strict=True),
            total=len(unique),
            disable=not progress,
            unit="answer",
            file=sys.stderr,
        )
        for (key, (e, a)), outcome in bar:
            results[key] = _outcome(outcome, e, a, lang, timeout)
    out = []
    for key, (_e, a) in zip(keys, items, strict=True):
        result = results[key]
        out.append(result if result.answer == a else dataclasses.replace(result, answer=str(a)))
    return out


def compare_many(
    items: Sequence[tuple[str, str, Domain | None]],
    *,
    lang: str = "en",
    notation: str = "course",
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 2,
    progress: bool = False,
) -> list[GradeResult]:
    """Compare ``(reference, answer, domain)`` triples with ``jobs`` reused workers, each
    within ``timeout`` seconds; one result per item, in order."""
    tasks = [("adhoc", r, a, d, lang, notation) for r, a, d in items]
    with _new_pool(max(1, jobs)) as pool:
        outcomes = pool.map(tasks, timeout)
        bar = tqdm(outcomes, total=len(tasks), disable=not progress, unit="pair", file=sys.stderr)
        return [
            _outcome(o, "--reference", a, lang, timeout)
            for o, (_r, a, _d) in zip(bar, items, strict=True)
        ]


def _grade_pairs(
    rows: list[dict[str, str]],
    domain: Sequence[str],
    lang: str,
    notation: str,
    timeout: float,
    jobs: int,
    progress: bool,
) -> list[GradeResult]:
    """The rows of a sheet of pairs; a row whose domain cannot be read is ``invalid``."""
    default = parse_domain(domain, notation=notation)
    items: list[tuple[str, str, Domain | None]] = []
    bad: dict[int, str] = {}
    for i, row in enumerate(rows):
        spec = row.get("domain", "").strip()
        try:
            items.append(
                (
                    row["reference"],
                    row["answer"],
                    parse_domain([spec], notation=notation) if spec else default,
                )
            )
        except ValueError as exc:
            bad[i] = str(exc)
            items.append(("0", "0", default))
    graded = compare_many(
        items, lang=lang, notation=notation, timeout=timeout, jobs=jobs, progress=progress
    )
    for i, msg in bad.items():
        graded[i] = GradeResult("--reference", rows[i]["answer"], "invalid", msg, "domain")
    return graded


_BOUND = r"[+-]?(?:\d+(?:\.\d*)?|inf|oo|∞)"
_DOMAIN = re.compile(
    rf"^\s*(?P<name>[A-Za-z]+)\s*:\s*(?P<lo_b>[(\[])\s*(?P<lo>{_BOUND})\s*,"
    rf"\s*(?P<hi>{_BOUND})\s*(?P<hi_b>[)\]])\s*$"
)


def _bound(text: str) -> float:
    return float(text.replace("∞", "inf").replace("oo", "inf"))


def parse_domain(specs: Sequence[str], *, notation: str = "course") -> Domain:
    """``['a:(0,1)', 'y:[0,1]']`` → a :class:`Domain` (open or closed ends as written; a spec
    may hold several intervals separated by ``;``, and an end may be ``inf``).

    In the course's notation the declared intervals are added to the course's defaults
    (a ∈ (0, 1), y ∈ [0, 1] …); in the general notation they are the only ones (every other
    letter ranges over all the reals)."""
    intervals = {}
    specs = [part for spec in specs for part in spec.split(";") if part.strip()]
    for spec in specs:
        m = _DOMAIN.match(spec)
        if m is None:
            raise ValueError(
                f"bad --domain {spec!r}: write it as NAME:(LOW,HIGH) or NAME:[LOW,HIGH]"
            )
        if m["name"] in intervals:
            raise ValueError(
                f"bad --domain {spec!r}: {m['name']} is declared twice (a union of intervals "
                "is not supported: declare one interval per letter)"
            )
        lo, hi = _bound(m["lo"]), _bound(m["hi"])
        if not lo < hi or lo == float("inf") or hi == float("-inf"):
            raise ValueError(f"bad --domain {spec!r}: the interval is empty")
        intervals[m["name"]] = Interval(lo, hi, m["lo_b"] == "(", m["hi_b"] == ")")
    if notation == "general":
        return Domain.of(intervals)
    return Domain().with_intervals(intervals)


#: the labels of the plain-text output, per language (the verdict word too)
_LABELS = {
    "en": {
        "correct": "correct",
        "incorrect": "incorrect",
        "invalid": "invalid",
        "undecided": "undecided",
        "read_as": "read as",
        "reference": "reference read as",
        "method": "method",
    },
    "cs": {
        "correct": "správně",
        "incorrect": "nesprávně",
        "invalid": "nečitelné",
        "undecided": "nerozhodnuto",
        "read_as": "přečteno jako",
        "reference": "vzor přečten jako",
        "method": "metoda",
    },
}


def _print_result(result: GradeResult, as_json: bool, lang: str = "en") -> None:
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return
    label = _LABELS.get(lang, _LABELS["en"])
    print(f"{label[result.verdict]}: {result.feedback}")
    if result.read_as:
        print(f"{label['read_as']}: {result.read_as}")
        if result.read_as_text:
            print(f"{' ' * len(label['read_as'])}  {result.read_as_text}")
    if result.reference_read_as:
        print(f"{label['reference']}: {result.reference_read_as}")
        if result.reference_read_as_text:
            print(f"{' ' * len(label['reference'])}  {result.reference_read_as_text}")
    print(f"{label['method']}: {result.method}")


def _source(exercise_id: str) -> str:
    cat = active_catalog()
    return cat.source(exercise_id) if hasattr(cat, "source") else "built-in"


def _list(lang: str, as_json: bool) -> None:
    entries = [
        {
            "id": ex.id,
            "asks": ex.asks,
            "statement": ex.statement.get(lang, ex.statement["en"]),
            "reference": to_latex(ex.reference),
            "points": ex.points,
            "source": _source(ex.id),
        }
        for ex in active_catalog().values()
    ]
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=1))
        return
    width = max(len(e["id"]) for e in entries)
    for e in entries:
        where = "" if e["source"] == "built-in" else f"  [{e['source']}]"
        print(f"{e['id']:<{width}}  {e['statement']}{where}")


def _output(text: str) -> Path:
    """A file the command writes (``-o``, ``--summary``, ``--report``), refused before any
    answer is graded when it cannot be: it is written to a new file in its folder, then
    renamed (:func:`derive.engine.console.replaced_path`)."""
    return Path(replaced_path(text))


def _jobs(text: str) -> int:
    """An argparse type: 1 ≤ jobs ≤ :data:`MAX_JOBS` worker processes."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of workers, got {text!r}") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"expected 1 ≤ jobs ≤ {MAX_JOBS}, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m derive.check",
        description="Grade homework answers in the course's notation (LaTeX or plain text).",
        epilog="A whole derivation, line by line: python -m derive.check --steps FILE "
        "[--exercise ID] [--json] [--lang en|cs] (see python -m derive.check --steps x --help).",
    )
    p.add_argument("args", nargs="*", metavar="EXERCISE ANSWER", help="exercise ID and answer")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=("en", "cs"), default="en", help="feedback language")
    p.add_argument("--list", action="store_true", help="show the exercise catalog")
    p.add_argument("--reference", metavar="EXPR", help="compare ANSWER with EXPR (no catalog)")
    p.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="NAME:(LO,HI)",
        help="with --reference or a batch of pairs (an end may be inf; several: 'x:(0,inf); "
        "y:(0,inf)')",
    )
    p.add_argument(
        "--notation",
        choices=("course", "general"),
        default="course",
        help="course (default: the lecture's symbols) or general (every letter a real "
        "variable); with --reference or a batch of pairs",
    )
    p.add_argument("--batch", type=Path, metavar="IN.csv", help="grade a CSV of answers")
    p.add_argument("-o", "--output", type=_output, metavar="OUT.csv", help="with --batch")
    p.add_argument("--jobs", type=_jobs, default=2, help="worker processes for --batch")
    p.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds per answer (default 5, at most {MAX_TIMEOUT:g})",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar for --batch")
    p.add_argument(
        "--summary", type=_output, metavar="FILE.csv", help="with --batch: gradebook CSV"
    )
    p.add_argument(
        "--report",
        type=_output,
        metavar="FILE.html",
        help="with --batch: class report (.html, .md)",
    )
    p.add_argument("--encoding", metavar="NAME", help="with --batch: the input's encoding")
    p.add_argument(
        "--catalog",
        action="append",
        default=[],
        type=Path,
        metavar="FILE.toml",
        help="an instructor's exercises (repeatable; a directory: every *.toml in it)",
    )
    p.add_argument(
        "--validate", action="store_true", help="check the catalog(s) and exit; nothing graded"
    )
    return p


def _split_catalogs(argv: list[str]) -> tuple[list[str], list[str]]:
    """``--catalog X`` / ``--catalog=X`` out of ``argv`` (for the --steps mode)."""
    rest: list[str] = []
    paths: list[str] = []
    k = 0
    while k < len(argv):
        arg = argv[k]
        if arg == "--catalog" and k + 1 < len(argv):
            paths.append(argv[k + 1])
            k += 2
            continue
        if arg.startswith("--catalog="):
            paths.append(arg.split("=", 1)[1])
        else:
            rest.append(arg)
        k += 1
    return rest, paths


def _use(paths: Sequence[str | Path]) -> bool:
    """Make the catalog(s) active; False (after saying why on stderr) when they cannot be."""
    try:
        use_catalogs(paths)
    except CatalogError as exc:
        print("error: the catalog cannot be used:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return False
    return True


def _validate(paths: Sequence[Path]) -> int:
    problems = validate(paths)
    if problems:
        for problem in problems:
            print(f"{problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s); nothing was graded", file=sys.stderr)
        return 2
    files = [str(p) for p in paths] or ["the built-in catalog"]
    cat = load_catalogs(paths)
    own = sum(1 for e in cat if cat.source(e) != "built-in") if paths else len(cat)
    print(f"ok: {own} exercise(s) in {', '.join(files)} passed validation")
    return 0


def _answer_after_dashdash(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``EXERCISE -(y - a) --json``: an answer that starts with ``-`` is an answer, not an
    option. Options (with their values) are kept in front, positionals go after ``--``."""
    actions = parser._option_string_actions
    options: list[str] = []
    positionals: list[str] = []
    k = 0
    while k < len(argv):
        arg = argv[k]
        if arg == "--":
            positionals += argv[k + 1 :]
            break
        name = arg.split("=")[0]
        if name in actions:
            if "=" not in arg and actions[name].nargs is None and k + 1 < len(argv):
                options.append(f"{arg}={argv[k + 1]}")  # a value may start with '-'
                k += 1
            else:
                options.append(arg)
        elif arg.startswith("--"):
            options.append(arg)  # an unknown option: argparse will say so
        else:
            positionals.append(arg)
        k += 1
    return [*options, "--", *positionals]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(arg == "--steps" or arg.startswith("--steps=") for arg in argv):
        if any(arg in ("--format", "--standalone") or arg.startswith("--format=") for arg in argv):
            from .stepdoc import main as steps_document  # the checked file as a document

            return steps_document(argv, prog="python -m derive.check")
        from .stepcheck import main as check_steps  # a proof, line by line

        argv, paths = _split_catalogs(argv)
        if not _use(paths):
            return 2
        return check_steps(argv, prog="python -m derive.check")
    parser = _parser()
    ns = parser.parse_args(_answer_after_dashdash(argv, parser))
    if ns.validate:
        return _validate(ns.catalog)
    if not _use(ns.catalog):
        return 2
    if ns.list:
        _list(ns.lang, ns.json)
        return 0
    if ns.batch is not None:
        if ns.output is None or ns.args:
            parser.error("--batch IN.csv needs -o OUT.csv and no positional arguments")
        notes: list[str] = []
        try:
            counts = grade_csv(
                ns.batch,
                ns.output,
                lang=ns.lang,
                timeout=ns.timeout,
                jobs=ns.jobs,
                progress=not ns.no_progress,
                summary=ns.summary,
                report=ns.report,
                encoding=ns.encoding,
                notes=notes,
                notation=ns.notation,
                domain=ns.domain,
            )
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
        print(f"graded {sum(counts.values())} rows → {ns.output} ({summary})", file=sys.stderr)
        return 0
    if ns.summary is not None or ns.report is not None or ns.encoding is not None:
        parser.error("--summary, --report and --encoding go with --batch")
    if ns.reference is not None:
        if len(ns.args) != 1:
            parser.error("--reference EXPR needs exactly one ANSWER")
        try:
            domain = parse_domain(ns.domain, notation=ns.notation)
        except ValueError as exc:
            parser.error(str(exc))
        result = compare(
            ns.reference,
            ns.args[0],
            domain=domain,
            lang=ns.lang,
            timeout=ns.timeout,
            notation=ns.notation,
        )
    else:
        if len(ns.args) != 2:
            parser.error("give EXERCISE and ANSWER (or --list, --reference, --batch)")
        if ns.notation != "course":
            parser.error("--notation goes with --reference or a batch of pairs")
        result = grade(ns.args[0], ns.args[1], lang=ns.lang, timeout=ns.timeout)
    _print_result(result, ns.json, ns.lang)
    return EXIT[result.verdict]


if __name__ == "__main__":
    from ..engine.console import entry

    entry(main, prog="python -m derive.check")
