"""Hostile input: time limits from any thread, crashes contained, garbage always gets a verdict,
a 1,000-row batch with hostile rows loses nothing (issue 6, deliverable 4)."""

from __future__ import annotations

import csv
import os
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.homework.check import grade, grade_csv
from derive.homework.grading import VERDICTS
from derive.homework.sandbox import Crashed, TimedOut, WorkerPool

#: an answer whose exact check expands a degree-16 polynomial in six variables (20,349 terms,
#: over a minute of work; within the reader's bounds, so only the time limit stops it)
SLOW = "(a+y+z+x+w+b)^{16}"
#: the same, in the vocabulary of ce-dw
SLOW_CE_DW = "(a+y+z+b+x_j+w_j)^{16}"


def _sleep_then_echo(seconds: float, value: str) -> str:
    time.sleep(seconds)
    return value


def _die(code: int) -> None:
    os._exit(code)


def _allocate(gib: int) -> int:
    return len(bytearray(gib * 2**30))


def _raise() -> None:
    raise RecursionError("maximum recursion depth exceeded")


def test_worker_pool_kills_a_task_past_its_limit_and_keeps_serving() -> None:
    with WorkerPool(_sleep_then_echo, size=1) as pool:
        assert isinstance(pool.run((30.0, "late"), timeout=0.3), TimedOut)
        assert pool.run((0.0, "next"), timeout=5) == "next"


def test_worker_pool_contains_crashes_and_dead_workers() -> None:
    with WorkerPool(_raise, size=1) as pool:
        outcome = pool.run((), timeout=5)
        assert isinstance(outcome, Crashed) and "RecursionError" in outcome.reason
    with WorkerPool(_die, size=1) as pool:
        assert isinstance(pool.run((3,), timeout=5), Crashed)
        assert isinstance(pool.run((3,), timeout=5), Crashed)  # replaced, still answering


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux-only")
def test_worker_memory_is_capped() -> None:
    with WorkerPool(_allocate, size=1) as pool:
        outcome = pool.run((8,), timeout=30)
        assert isinstance(outcome, Crashed) and "MemoryError" in outcome.reason
        assert pool.run((0,), timeout=30) == 0


def test_worker_pool_returns_results_in_order_with_a_timeout_in_the_middle() -> None:
    jobs = [(0.0, "a"), (30.0, "slow"), (0.0, "b"), (0.0, "c")]
    with WorkerPool(_sleep_then_echo, size=2) as pool:
        out = list(pool.map(jobs, timeout=0.5))
    assert out[0] == "a" and isinstance(out[1], TimedOut) and out[2:] == ["b", "c"]


def test_worker_pool_uses_a_fork_server_when_forking_is_unsafe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With JAX loaded (multi-threaded), workers come from a fork server instead of fork()."""
    monkeypatch.setitem(sys.modules, "jax", sys.modules.get("jax") or types.ModuleType("jax"))
    with WorkerPool(_sleep_then_echo, size=1) as pool:
        assert pool._ctx.get_start_method() == "forkserver"
        assert pool.run((0.0, "served"), timeout=30) == "served"
        assert isinstance(pool.run((30.0, "late"), timeout=0.3), TimedOut)


def test_time_limit_works_off_the_main_thread() -> None:
    results = []
    thread = threading.Thread(target=lambda: results.append(grade("mse-dw", SLOW, timeout=0.5)))
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    (result,) = results
    assert result.verdict == "undecided" and result.method == "time limit (0.5 s)"
    assert grade("mse-dw", "(a-y)x", timeout=5).verdict == "incorrect"  # worker replaced


def test_injection_through_the_grader_executes_nothing(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    for answer in (
        f"__import__('os').system('touch {sentinel}')",
        f"open('{sentinel}', 'w')",
        f"exec(\"open('{sentinel}', 'w')\")",
    ):
        assert grade("ce-db", answer).verdict == "invalid"
    assert not sentinel.exists()


TOKENS = [
    *"ayzwbxn0123456789+-*/^_(){}[]' =,.;",
    *[r"\sigma", r"\frac", r"\ln", r"\sum_k", r"\int", r"\partial", r"\delta", "e", "**", "x_j"],
]
MATHY = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(answer=st.one_of(MATHY, st.text(max_size=60)))
def test_garbage_always_gets_a_verdict_within_the_limit(answer: str) -> None:
    result = grade("ce-dw", answer, timeout=3)
    assert result.verdict in VERDICTS
    assert result.feedback
    if result.verdict == "invalid":
        assert result.method == "parse"


def test_thousand_row_batch_with_hostile_rows_grades_every_row(tmp_path: Path) -> None:
    hostile = [
        "__import__('os').system('echo pwned')",
        "9^{9^{9^9}}",
        "(" * 40 + "a" + ")" * 40,
        "a" * 5000,
        "\x00\x01\x02",
        SLOW_CE_DW,
        "(a+y+z+b+x_j+w_j)^{63}",
    ]
    honest = ["x_j(a-y)", "x_j(y-a)", r"x_j(\sigma(z)-y)", r"\sigma(z)-y", "2x_j(a-y)", "x_j(a-"]
    rows = []
    for i in range(1000):
        answer = hostile[i % len(hostile)] if i % 10 == 0 else honest[i % len(honest)]
        if i % 10 == 5:  # distinct answers too: not everything is deduplicated away
            answer = f"x_j(a-y) + {i} - {i}"
        rows.append({"student": f"s{i:04d}", "exercise": "ce-dw", "answer": answer, "row": str(i)})
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    counts = grade_csv(source, target, timeout=1.0, jobs=2, progress=False)
    with target.open(encoding="utf-8", newline="") as handle:
        out = list(csv.DictReader(handle))
    assert [r["row"] for r in out] == [str(i) for i in range(1000)]
    assert all(r["verdict"] in VERDICTS and r["feedback"] for r in out)
    assert sum(counts.values()) == 1000
    by_answer = {r["answer"]: r["verdict"] for r in out}
    assert by_answer[SLOW_CE_DW] == "undecided"
    assert by_answer["9^{9^{9^9}}"] == "invalid"
    assert by_answer["x_j(a-y) + 5 - 5"] == "correct"
