"""Derivations checked in forked processes give the reports of one process, in order.

``python -m derive.crossentropy --check`` (and its siblings) check independent derivations in
two processes when two cores are free (:mod:`derive.engine.forked`); what they print must not
depend on that: the same verdicts, methods, details and second opinions, in the same order,
each computed in this run. A child that dies costs time, never a report.
"""

from __future__ import annotations

import os

import pytest

from derive.engine import forked
from derive.engine.verify import verify_all
from derive.lecture import backprop, crossentropy, quadratic


def _rows(reports):
    return [
        (rep.derivation.id, r.index, r.verdict, r.method, r.detail, r.evidence)
        for rep in reports
        for r in rep.results
    ]


@pytest.mark.parametrize("module", [crossentropy, quadratic, backprop], ids=lambda m: m.__name__)
def test_two_processes_report_exactly_what_one_process_reports(module):
    one = verify_all(module.DERIVATIONS)
    two = verify_all(module.DERIVATIONS, jobs=2)
    assert [rep.derivation for rep in two] == list(module.DERIVATIONS)
    assert _rows(two) == _rows(one)


def test_results_come_back_in_order_whoever_computed_them():
    parent = os.getpid()
    got = forked.verify_forked(list(range(40)), lambda i: (i * i, os.getpid() == parent), 3)
    assert [v for v, _ in got] == [i * i for i in range(40)]


def test_what_a_dead_child_took_is_computed_again_in_the_parent():
    parent = os.getpid()

    def check(i: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # the child dies on the first item it takes
        return -i

    assert forked.verify_forked(list(range(12)), check, 2) == [-i for i in range(12)]


def test_one_core_means_one_process(monkeypatch):
    monkeypatch.delenv("DERIVE_JOBS", raising=False)
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert forked.default_jobs() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert forked.default_jobs() == forked.MAX_DEFAULT_JOBS
    monkeypatch.setenv("DERIVE_JOBS", "1")
    assert forked.default_jobs() == 1


def test_a_process_with_other_threads_does_not_fork(monkeypatch):
    monkeypatch.delenv("DERIVE_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    assert forked.default_jobs() == 1
