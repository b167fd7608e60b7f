"""The quadratic-cost derivations, claim by claim (L1–L4 of the lecture)."""

from __future__ import annotations

import dataclasses
import math

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.notation import SigmaPrime, a, b, expand_sigma_prime, sigma, w, x, y, z
from derive.engine.steps import Relation
from derive.engine.verify import Verdict, verify
from derive.lecture import closedforms as cf
from derive.lecture import quadratic as q

REPORTS = {d.id: verify(d) for d in q.DERIVATIONS}


def _claim_results(claim: str):
    return [r for rep in REPORTS.values() for r in rep.results if claim in r.claims]


def _verdicts(rid: str) -> list[Verdict]:
    return [r.verdict for r in REPORTS[rid].results]


def test_every_quadratic_derivation_verifies() -> None:
    bad = {i: [r.detail for r in rep.failures] for i, rep in REPORTS.items() if not rep.ok}
    assert not bad
    for claim in ("L1", "L2", "L3", "L4"):
        assert _claim_results(claim), f"no step supports {claim}"
        assert any(r.verdict is Verdict.PROVED for r in _claim_results(claim)) or claim == "L1"


def test_L1_mean_squared_error_has_the_half_that_makes_dC_da_the_error() -> None:
    # C_x = ½ Σ_j (y_j − a_j)² for 3 outputs: ∂C_x/∂a_2 = a_2 − y_2 (no factor 2)
    a_s, y_s = sp.symbols("a1:4"), sp.symbols("y1:4")
    c_x = sum(cf.MSE_COST.doit().subs({a: ai, y: yi}) for ai, yi in zip(a_s, y_s, strict=True))
    assert sp.expand(sp.diff(c_x, a_s[1]) - (a_s[1] - y_s[1])) == 0
    assert [r.verdict for r in REPORTS["quadratic-cost"].results[:2]] == [Verdict.GIVEN] * 2


def test_L3_gradients_are_proved_from_the_cost() -> None:
    assert _verdicts("quadratic-gradients") == [Verdict.PROVED] * 5
    # the closed forms, independently: differentiate ½(y − σ(wx + b))²
    cost = cf.MSE_COST.doit().subs(a, sigma(w * x + b))
    at = {a: sigma(z), z: w * x + b}
    assert sp.cancel(sp.diff(cost, w) - expand_sigma_prime(cf.MSE_DW.doit()).subs(at)) == 0
    assert sp.cancel(sp.diff(cost, b) - expand_sigma_prime(cf.MSE_DB.doit()).subs(at)) == 0


def test_L3_the_slides_cost_without_half_is_refuted_with_their_gradient() -> None:
    """The slides' literal pair C = (y − a)², ∂C/∂w = (a − y)σ'(z)x fails; twice it holds."""
    fact = q.QUADRATIC_GRADIENTS.steps[4]
    assert fact.relation is Relation.FACT and REPORTS["quadratic-gradients"].results[4].ok
    slide = sp.Eq(sp.Derivative(q.SLIDE_COST, w), cf.MSE_DW, evaluate=False)
    rep = verify(q.QUADRATIC_GRADIENTS.with_step(4, expr=slide))
    assert rep.results[4].verdict is Verdict.REFUTED
    assert rep.results[4].evidence is not None and rep.results[4].evidence.counterexample
    assert "L3" in dict(q.DIFFERENCES) and "twice" in dict(q.DIFFERENCES)["L3"].en


def test_L3_input_one_target_zero_gives_a_sigma_prime() -> None:
    assert _verdicts("quadratic-example") == [Verdict.PROVED] * 4
    cost = cf.MSE_COST.doit().subs({y: 0, a: sigma(w + b)})
    expected = expand_sigma_prime((a * SigmaPrime(z)).subs({a: sigma(z)}).doit()).subs(z, w + b)
    assert sp.cancel(sp.diff(cost, w) - expected) == 0


def test_L3_a_wrong_gradient_step_is_reported_failed() -> None:
    wrong = cf.product(cf.ordered(y, -a), SigmaPrime(z), x)  # sign flipped
    rep = verify(q.QUADRATIC_GRADIENTS.with_step(2, expr=wrong))
    assert not rep.ok and rep.failures[0].index == 3
    assert rep.failures[0].verdict is Verdict.REFUTED


def test_L4_sigma_prime_has_its_maximum_quarter_at_zero_and_vanishes_at_both_ends() -> None:
    rep = REPORTS["sigma-prime"]
    methods = [r.method for r in rep.results]
    assert methods.count("limit") == 2
    assert rep.results[2].method == "sign"  # σ''(0) = −1/8 < 0
    assert rep.results[4].method == "sign"  # σ' > 0
    argument = rep.results[5]
    assert argument.verdict is Verdict.ARGUMENT and argument.method == "argument + cancel"
    assert sp.Subs(sp.Derivative(SigmaPrime(z), (z, 2)), z, 0).doit() == sp.Rational(-1, 8)


@settings(max_examples=200, deadline=None)
@given(z_=st.floats(-30, 30))
def test_L4_sigma_prime_is_at_most_a_quarter_at_random_points(z_: float) -> None:
    s_ = 1 / (1 + math.exp(-z_))
    assert 0 <= s_ * (1 - s_) <= 0.25


def test_L4_gradients_vanish_when_the_output_saturates() -> None:
    rep = REPORTS["saturation"]
    assert [r.method for r in rep.results] == ["limit"] * 4
    assert all(r.verdict is Verdict.PROVED for r in rep.results)
    # a limit that is not 0 is refuted: (a − y) alone does not vanish as a → 1
    bad = dataclasses.replace(
        q.SATURATION,
        steps=(
            dataclasses.replace(
                q.SATURATION.steps[0],
                expr=sp.Eq(sp.Limit(cf.ordered(a, -y), a, 1, "-"), 0),
            ),
        ),
    )
    assert verify(bad).results[0].verdict is Verdict.REFUTED


def test_L2_worse_is_slower_holds_only_above_two_thirds() -> None:
    assert _verdicts("worse-is-slower") == [Verdict.PROVED] * 2
    assert _verdicts("worse-is-slower-far") == [Verdict.PROVED]
    assert _verdicts("worse-is-slower-near") == [Verdict.PROVED]
    assert sp.solve(sp.diff(q.EXAMPLE_DB_OF_A.doit(), a), a) == [sp.Rational(2, 3)]  # a > 0
    # claiming the gradient shrinks on (0, 2/3) too is refuted at a point
    wrong = q.WORSE_IS_SLOWER_NEAR.with_step(0, expr=sp.StrictLessThan(q.EXAMPLE_DB_SLOPE, 0))
    assert verify(wrong).results[0].verdict is Verdict.REFUTED
    assert "2/3" in dict(q.DIFFERENCES)["L2"].en


@settings(max_examples=100, deadline=None)
@given(a_=st.floats(0.67, 0.99), h=st.floats(1e-4, 1e-2))
def test_L2_gradient_shrinks_as_the_output_grows_past_two_thirds(a_: float, h: float) -> None:
    g = sp.lambdify(a, q.EXAMPLE_DB_OF_A.doit())
    if a_ + h < 1:
        assert g(a_ + h) < g(a_)


def test_L2_L4_ratio_at_w_b_2_is_about_56_computed_from_the_closed_forms() -> None:
    ratio = q.RATIOS[(sp.Integer(2), sp.Integer(2))]
    e = math.exp(-4.0)  # 1/σ'(4) = (1 + e^{-4})²/e^{-4}
    assert math.isclose(ratio, (1 + e) ** 2 / e, rel_tol=1e-12)
    assert 56 < ratio < 57
    rid = "slowdown-ratio-2-2"
    assert _verdicts(rid) == [Verdict.PROVED] * 6
    texts = " ".join(s.why.en for s in q.DERIVATIONS[-1].steps)
    assert f"{ratio:.2f}" in texts and "56.6×" in texts
    assert 6 < q.RATIOS[(sp.Rational(3, 5), sp.Rational(9, 10))] < 7


def test_L2_L4_ratio_is_one_over_sigma_prime_of_z() -> None:
    for (w0, b0), value in q.RATIOS.items():
        z0 = float(w0 + b0)
        s_ = 1 / (1 + math.exp(-z0))
        assert math.isclose(value, 1 / (s_ * (1 - s_)), rel_tol=1e-12)
