"""Softmax with the log-likelihood cost (beyond the lecture, the chapter's next step after L0's
"another cost function"): proved for any number of outputs."""

from __future__ import annotations

import math

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.verify import Verdict, verify
from derive.lecture import closedforms as cf
from derive.lecture import softmax as sm

REPORTS = {d.id: verify(d) for d in sm.DERIVATIONS}


def _verdicts(rid: str) -> list[Verdict]:
    return [r.verdict for r in REPORTS[rid].results]


def test_softmax_derivations_verify_and_are_tagged_beyond_the_lecture() -> None:
    assert all(rep.ok for rep in REPORTS.values())
    assert all(d.claims == ("L0",) for d in sm.DERIVATIONS)


def test_softmax_outputs_are_positive_and_sum_to_one_for_any_K() -> None:
    rep = REPORTS["softmax-outputs"]
    assert [r.verdict for r in rep.results] == [Verdict.PROVED] * 2
    assert rep.results[0].method == "sign"
    assert sm.K in sm.OUTPUTS.steps[1].expr.lhs.free_symbols  # a symbolic number of outputs
    # summing to 2 is refuted
    wrong = sp.Eq(sm.OUTPUTS.steps[1].expr.lhs, 2, evaluate=False)
    assert not verify(sm.OUTPUTS.with_step(1, expr=wrong)).ok


def test_softmax_derivative_is_a_j_times_kronecker_minus_a_k() -> None:
    assert _verdicts("softmax-derivative") == [Verdict.PROVED] * 2
    last = sm.DERIVATIVE.steps[-1].expr
    assert last.has(sp.KroneckerDelta) and last.free_symbols >= {sm.A[sm.j], sm.A[sm.k]}
    wrong = cf.product(sm.A[sm.j], cf.ordered(sp.KroneckerDelta(sm.j, sm.k), sm.A[sm.k]))
    rep = verify(sm.DERIVATIVE.with_step(1, expr=wrong))
    assert not rep.ok


def test_log_likelihood_delta_is_a_minus_y_for_a_one_hot_target() -> None:
    assert _verdicts("softmax-log-likelihood") == [Verdict.GIVEN] * 2 + [Verdict.PROVED]
    assert _verdicts("softmax-delta") == [Verdict.PROVED] * 3
    expected = sp.Add(sm.A[sm.k], -sm.Y[sm.k])
    assert sp.expand(sm.DELTA.steps[-1].expr.doit() - expected) == 0
    assert cf.OUTPUT_ACTIVATION["softmax-log-likelihood"] == "softmax"
    # δ^L_k = a^L_k + y_k is refuted (y_k = δ_ck, evaluated at points with k = c or not)
    wrong = sp.Add(sm.A[sm.k], sm.Y[sm.k])
    assert not verify(sm.DELTA.with_step(2, expr=wrong)).ok


@settings(max_examples=100, deadline=None)
@given(
    zs=st.lists(st.floats(-20, 20), min_size=1, max_size=6),
    data=st.data(),
)
def test_softmax_properties_at_random_points(zs: list[float], data) -> None:
    """Numerically, with a stable softmax: positive, sums to 1, Jacobian and δ as proved."""
    top = max(zs)
    e = [math.exp(v - top) for v in zs]
    s_ = sum(e)
    out = [v / s_ for v in e]
    assert all(v > 0 for v in out) and math.isclose(sum(out), 1.0, rel_tol=1e-12)
    j = data.draw(st.integers(0, len(zs) - 1))
    k = data.draw(st.integers(0, len(zs) - 1))
    h = 1e-6
    bumped = [v + (h if i == k else 0.0) for i, v in enumerate(zs)]
    e2 = [math.exp(v - top) for v in bumped]
    fd = (e2[j] / sum(e2) - out[j]) / h
    assert math.isclose(fd, out[j] * ((j == k) - out[k]), abs_tol=1e-5)
