"""The labelled answer set graded by ``derive.homework.check`` and by HuggingFace ``math-verify``.

Both grade the same rows (every labelled batch, ``tests/data/answers*.csv``) against the same
reference (the catalog's closed form, printed as LaTeX), in the same run. Printed: accuracy
(correct vs not correct, the only question math-verify answers; ours also 3-way), answers per
second, median and p95 latency per answer (warm), and the throughput ratio (target ≥ 5×,
median ≤ 10 ms).

The three judges alternate row by row. Ours is timed twice: in-process (``grade_now``) and through
:func:`derive.homework.check.grade`, i.e. with the worker process and its time limit.
math-verify needs the ``bench`` extra:
``pip install -e '.[bench]'``. Usage: ``python bench/bench_check.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from derive.homework.check import grade, restart_workers
from derive.homework.equivalence import forget
from derive.homework.exercises import catalog
from derive.homework.grading import grade_now
from derive.homework.parse import to_latex

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def load() -> list[dict[str, str]]:
    """Every labelled batch: ``answers.csv`` (batches 1–4), ``answers-batch5.csv`` (issue 11) …"""
    rows: list[dict[str, str]] = []
    for path in sorted(DATA.glob("answers*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def grade_all(
    rows: list[dict[str, str]], judges: dict[str, Callable[[str, str], str]], repeat: int
) -> dict[str, dict[str, float]]:
    """Time every ``judge(exercise, answer) -> verdict`` over every row, ``repeat`` passes (warm).

    The judges alternate row by row (the first judge changes from row to row), so that load
    on the machine falls on all of them alike. Each pass starts with nothing remembered from
    the one before (:func:`derive.homework.equivalence.forget`): every answer is read, put in
    canonical form and evaluated anew, as the first time it is seen. Returns each judge's
    accuracy and latency stats.
    """
    names = list(judges)
    for row in rows[:20]:  # warm caches
        for name in names:
            judges[name](row["exercise"], row["answer"])
    latencies: dict[str, list[float]] = {name: [] for name in names}
    verdicts: dict[str, list[str]] = {name: [] for name in names}
    for _ in range(repeat):
        forget()  # nothing remembered from a previous pass (readings, forms, evaluators) …
        restart_workers()  # … in this process or in the worker
        verdicts = {name: [] for name in names}
        for i, row in enumerate(rows):
            for k in range(len(names)):
                name = names[(i + k) % len(names)]
                start = time.perf_counter()
                verdicts[name].append(judges[name](row["exercise"], row["answer"]))
                latencies[name].append(time.perf_counter() - start)
    return {name: _stats(rows, verdicts[name], latencies[name]) for name in names}


def _stats(rows: list[dict[str, str]], verdicts: list[str], latencies: list[float]) -> dict:
    pairs = list(zip(verdicts, rows, strict=True))
    latencies = sorted(latencies)
    return {
        "binary": sum((v == "correct") == (r["expected"] == "correct") for v, r in pairs)
        / len(rows),
        "exact": sum(v == r["expected"] for v, r in pairs) / len(rows),
        "per_second": len(latencies) / sum(latencies),
        "median_ms": 1e3 * statistics.median(latencies),
        "p95_ms": 1e3 * latencies[int(0.95 * (len(latencies) - 1))],
        "rejected": [r for v, r in pairs if r["expected"] == "correct" and v != "correct"],
        "accepted": [r for v, r in pairs if r["expected"] != "correct" and v == "correct"],
    }


def report(name: str, stats: dict) -> None:
    """Two lines: accuracy and speed, then what the judge got wrong."""
    print(
        f"{name:<34} accuracy {100 * stats['binary']:6.2f} %  "
        f"{stats['per_second']:8.1f} answers/s  median {stats['median_ms']:7.2f} ms  "
        f"p95 {stats['p95_ms']:8.2f} ms"
    )
    accepted = stats["accepted"]
    print(
        f"{'':<34} {len(stats['rejected'])} correct answers rejected, {len(accepted)} wrong or "
        f"unreadable answers accepted"
        + (
            ": " + "; ".join(f"{r['exercise']} {r['answer']!r}" for r in accepted[:6])
            if accepted
            else ""
        )
    )


def ours_in_process(exercise_id: str, answer: str) -> str:
    return grade_now(exercise_id, answer).verdict


def ours_with_worker(exercise_id: str, answer: str) -> str:
    return grade(exercise_id, answer).verdict


def math_verify_judge() -> Callable[[str, str], str]:
    from math_verify import parse, verify

    gold = {ex.id: parse(f"${to_latex(ex.reference)}$") for ex in catalog().values()}

    def judge(exercise_id: str, answer: str) -> str:
        if exercise_id not in gold:
            return "invalid"
        try:
            target = parse(f"${answer}$")
            return "correct" if target and verify(gold[exercise_id], target) else "incorrect"
        except Exception:
            return "invalid"

    return judge


def alone() -> dict:
    """Ours in process over every labelled row with nothing else running in the process: the
    issue's "grading in process" figure (the alternating run shares SymPy's cache with
    math-verify, which evicts what ours would reuse). Nothing remembered from before."""
    rows = load()
    catalog()
    for row in rows[:20]:  # the catalog's references, as in the alternating run
        ours_in_process(row["exercise"], row["answer"])
    forget()
    return {"rows": len(rows), **grade_all(rows, {"alone": ours_in_process}, 1)}


def compare(repeat: int) -> dict[str, dict]:
    """Ours (in process and with the worker) and math-verify on every labelled row, alternating.

    ``ImportError`` if math-verify is not installed.
    """
    rows = load()
    catalog()
    judges = {
        "derive.check (in process)": ours_in_process,
        "derive.homework.check.grade (worker, 5 s)": ours_with_worker,
        "math-verify": math_verify_judge(),
    }
    return {"rows": len(rows), **grade_all(rows, judges, repeat)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=3, help="passes over the set (default 3)")
    repeat = p.parse_args().repeat
    try:
        result = compare(repeat)
    except ImportError:
        print("math-verify is not installed: pip install -e '.[bench]'", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"{result.pop('rows')} labelled answers, {repeat} passes each, the three judges "
          "alternating row by row; accuracy = correct vs not correct")  # fmt: skip
    for name, stats in result.items():
        report(name, stats)
    ours, worker, peer = result.values()
    print(f"ours, 3-way (correct/incorrect/invalid) accuracy: {100 * ours['exact']:.2f} %")
    print(
        f"throughput ratio (ours / math-verify): in process "
        f"{ours['per_second'] / peer['per_second']:.1f}x, with worker "
        f"{worker['per_second'] / peer['per_second']:.1f}x  (target >= 5x)"
    )


if __name__ == "__main__":
    main()
