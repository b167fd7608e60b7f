"""The labelled answer set graded by ``derive.homework.check`` and by HuggingFace ``math-verify``.

Both grade the same rows (every labelled batch, ``tests/data/answers*.csv``) against the same
reference (the catalog's closed form, printed as LaTeX), in the same run. Printed: accuracy
(correct vs not correct, the only question math-verify answers; ours also 3-way), answers per
second, median and p95 latency per answer (warm), and the throughput ratio (target ≥ 5×,
median ≤ 10 ms).

Ours is timed twice: in-process (``grade_now``) and through
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

from derive.homework.check import grade
from derive.homework.exercises import catalog
from derive.homework.grading import grade_now
from derive.homework.parse import to_latex

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def load(batch: str | None = None) -> list[dict[str, str]]:
    """Every labelled batch (``answers.csv`` holds batches 1–4, ``answers-batch5.csv`` …), or
    the files whose name contains ``batch``."""
    rows: list[dict[str, str]] = []
    for path in sorted(DATA.glob("answers*.csv")):
        if batch is None or batch in path.name:
            with path.open(encoding="utf-8", newline="") as handle:
                rows += list(csv.DictReader(handle))
    return rows


def run(
    name: str, rows: list[dict[str, str]], judge: Callable[[str, str], str], repeat: int
) -> dict[str, float]:
    """Time ``judge(exercise, answer) -> verdict`` over every row, ``repeat`` times (warm)."""
    for row in rows[:20]:  # warm caches
        judge(row["exercise"], row["answer"])
    latencies: list[float] = []
    verdicts: list[str] = []
    for _ in range(repeat):
        verdicts = []
        for row in rows:
            start = time.perf_counter()
            verdicts.append(judge(row["exercise"], row["answer"]))
            latencies.append(time.perf_counter() - start)
    binary = sum(
        (v == "correct") == (r["expected"] == "correct")
        for v, r in zip(verdicts, rows, strict=True)
    )
    exact = sum(v == r["expected"] for v, r in zip(verdicts, rows, strict=True))
    pairs = list(zip(verdicts, rows, strict=True))
    rejected = [r for v, r in pairs if r["expected"] == "correct" and v != "correct"]
    accepted = [r for v, r in pairs if r["expected"] != "correct" and v == "correct"]
    latencies.sort()
    stats = {
        "binary": binary / len(rows),
        "exact": exact / len(rows),
        "per_second": len(latencies) / sum(latencies),
        "median_ms": 1e3 * statistics.median(latencies),
        "p95_ms": 1e3 * latencies[int(0.95 * (len(latencies) - 1))],
    }
    print(
        f"{name:<34} accuracy {100 * stats['binary']:6.2f} %  "
        f"{stats['per_second']:8.1f} answers/s  median {stats['median_ms']:7.2f} ms  "
        f"p95 {stats['p95_ms']:8.2f} ms"
    )
    print(
        f"{'':<34} {len(rejected)} correct answers rejected, {len(accepted)} wrong or "
        f"unreadable answers accepted"
        + (
            ": " + "; ".join(f"{r['exercise']} {r['answer']!r}" for r in accepted[:6])
            if accepted
            else ""
        )
    )
    return stats


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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=3, help="passes over the set (default 3)")
    p.add_argument("--batch", help="only the files whose name contains this (e.g. batch5)")
    ns = p.parse_args()
    repeat = ns.repeat
    rows = load(ns.batch)
    print(f"{len(rows)} labelled answers, {repeat} passes each; accuracy = correct vs not correct")
    catalog()
    ours = run("derive.check (in process)", rows, ours_in_process, repeat)
    worker = run("derive.homework.check.grade (worker, 5 s)", rows, ours_with_worker, repeat)
    try:
        peer_judge = math_verify_judge()
    except ImportError:
        print("math-verify is not installed: pip install -e '.[bench]'", file=sys.stderr)
        raise SystemExit(2) from None
    peer = run("math-verify", rows, peer_judge, repeat)
    print(f"ours, 3-way (correct/incorrect/invalid) accuracy: {100 * ours['exact']:.2f} %")
    print(
        f"throughput ratio (ours / math-verify): in process "
        f"{ours['per_second'] / peer['per_second']:.1f}x, with worker "
        f"{worker['per_second'] / peer['per_second']:.1f}x  (target >= 5x)"
    )


if __name__ == "__main__":
    main()
