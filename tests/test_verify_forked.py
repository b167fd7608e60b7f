"""Derivations checked in forked processes give the reports of one process, in order.

``python -m derive.crossentropy --check`` (and its siblings) check independent derivations in
two processes when two cores are free (:mod:`derive.engine.forked`); what they print must not
depend on that: the same verdicts, methods, details and second opinions, in the same order,
each computed in this run. A child that dies costs time, never a report. What forks runs in a
fresh interpreter here: the test process may have loaded JAX, whose threads a fork must not
copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from derive.engine import forked


def _fresh(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("module", ["crossentropy", "quadratic", "backprop"])
def test_two_processes_print_exactly_what_one_process_prints(module):
    cmd = [sys.executable, "-m", f"derive.{module}", "--check"]
    runs = [
        subprocess.run(
            cmd, capture_output=True, text=True, timeout=300, env={**os.environ, "DERIVE_JOBS": j}
        )
        for j in ("1", "2")
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout
    assert "steps checked just now, 0 failed" in runs[1].stdout


def test_results_come_back_in_order_whoever_computed_them():
    proc = _fresh(
        """
        import os, time
        from derive.engine.forked import verify_forked
        parent = os.getpid()
        def check(i):
            time.sleep(0.05)  # long enough for the children to start and take some
            return i * i, os.getpid() == parent
        got = verify_forked(list(range(16)), check, 3, weights=[i % 5 for i in range(16)])
        assert [v for v, _ in got] == [i * i for i in range(16)], got
        assert not all(mine for _, mine in got)  # the children took some of them
        print("ok")
        """
    )
    assert proc.stdout == "ok\n", proc.stderr


def test_what_a_dead_child_took_is_computed_again_in_the_parent():
    proc = _fresh(
        """
        import os
        from derive.engine.forked import verify_forked
        parent = os.getpid()
        def check(i):
            if os.getpid() != parent:
                os._exit(9)  # the child dies on the first item it takes
            return -i
        assert verify_forked(list(range(12)), check, 2) == [-i for i in range(12)]
        print("ok")
        """
    )
    assert proc.stdout == "ok\n", proc.stderr


def test_one_core_means_one_process(monkeypatch):
    monkeypatch.delenv("DERIVE_JOBS", raising=False)
    monkeypatch.setattr(forked, "_single_threaded", lambda: True)
    monkeypatch.setattr(forked, "_other_work", lambda: 0.0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert forked.default_jobs() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert forked.default_jobs() == forked.MAX_DEFAULT_JOBS
    monkeypatch.setenv("DERIVE_JOBS", "1")
    assert forked.default_jobs() == 1


def test_a_process_with_other_threads_does_not_fork(monkeypatch):
    monkeypatch.delenv("DERIVE_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forked.default_jobs() == 1
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize(("other", "jobs"), [(0.0, 2), (0.3, 2), (0.8, 1), (1.0, 1), (3.5, 1)])
def test_a_second_process_only_where_a_core_is_idle(monkeypatch, other, jobs):
    monkeypatch.delenv("DERIVE_JOBS", raising=False)
    monkeypatch.setattr(forked, "_single_threaded", lambda: True)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(forked, "_other_work", lambda: other)
    assert forked.default_jobs() == jobs


def test_the_work_of_other_processes_is_never_negative():
    assert forked._other_work() >= 0.0
