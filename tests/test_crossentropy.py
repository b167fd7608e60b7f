"""The cross-entropy derivations, claim by claim (L5–L18 of the lecture)."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.notation import a, b, sigma, w, x, y, z
from derive.engine.verify import Verdict, verify
from derive.lecture import closedforms as cf
from derive.lecture.crossentropy import DERIVATIONS

REPORTS = {d.id: verify(d) for d in DERIVATIONS}


def _claim_results(claim: str):
    return [r for rep in REPORTS.values() for r in rep.results if claim in r.claims]


def _assert_claim_checked(claim: str) -> None:
    results = _claim_results(claim)
    assert results, f"no step supports {claim}"
    assert all(r.ok for r in results), [r.detail for r in results if not r.ok]
    assert any(r.verdict is Verdict.PROVED for r in results), f"{claim}: nothing proved"


@pytest.mark.parametrize("claim", ["L5", "L6", "L7", "L8", "L9", "L12", "L13", "L14", "L16", "L17"])
def test_claim_is_proved_symbolically(claim: str) -> None:
    _assert_claim_checked(claim)


def test_every_derivation_verifies() -> None:
    bad = {i: [r.detail for r in rep.failures] for i, rep in REPORTS.items() if not rep.ok}
    assert not bad


def test_L7_dc_da_removes_sigma_prime() -> None:
    # (a − y)/(a(1 − a)) · σ'(z) with σ' = a(1 − a) is the bare error a − y
    assert sp.cancel(cf.CE_DC_DA * cf.SIGMA_PRIME_OF_A - (a - y)) == 0
    assert REPORTS["dc-da"].results[-1].method.startswith("ratio")


def test_L8_partial_fractions_and_substitution_routes_end_in_the_cross_entropy() -> None:
    for rid in ("integral-partial-fractions", "integral-substitution"):
        rep = REPORTS[rid]
        last = rep.derivation.steps[-1].expr
        assert sp.cancel((last - cf.CE_COST).doit()).free_symbols <= {sp.Symbol("const", real=True)}
        assert all(r.verdict in (Verdict.PROVED, Verdict.GIVEN) for r in rep.results)


def test_L8_substitution_step_checks_the_differential() -> None:
    rep = REPORTS["integral-substitution"]
    sub_steps = [i for i, s in enumerate(rep.derivation.steps) if s.substitution is not None]
    assert sub_steps and rep.results[sub_steps[0]].verdict is Verdict.PROVED


def test_L10_uniqueness_is_labelled_an_argument() -> None:
    verdicts = [r.verdict for r in REPORTS["uniqueness"].results]
    assert Verdict.ARGUMENT in verdicts and Verdict.PROVED in verdicts


def test_L12_cost_is_positive_in_every_case_of_y() -> None:
    r = REPORTS["properties"].results[0]
    assert r.verdict is Verdict.PROVED and r.method == "sign"
    assert "y = 0" in r.detail and "y = 1" in r.detail and "0 < y < 1" in r.detail


def test_L12_limits_for_y_in_0_1() -> None:
    methods = [r.method for r in REPORTS["properties"].results[1:]]
    assert methods == ["limit", "limit"]


def test_L13_L14_gradients_are_x_times_error_and_error() -> None:
    c = cf.CE_COST.subs(a, sigma(w * x + b))
    assert sp.cancel(sp.diff(c, w) - cf.CE_DW.subs(z, w * x + b).doit()) == 0
    assert sp.cancel(sp.diff(c, b) - cf.CE_DB.subs(z, w * x + b).doit()) == 0


def test_L17_swapped_form_is_undefined_at_y_0_and_1() -> None:
    rs = REPORTS["exercise-1"].results
    assert [r.method for r in rs[1:3]] == ["evaluation", "evaluation"]
    assert all(r.verdict is Verdict.PROVED for r in rs[1:])


def test_L18_minimum_at_a_equals_y_with_positive_second_derivative() -> None:
    rep = REPORTS["exercise-2"]
    verdicts = [r.verdict for r in rep.results]
    assert verdicts.count(Verdict.REFUTED) == 0
    assert verdicts[-1] is Verdict.ARGUMENT  # global minimum: words, with a checked core
    assert rep.results[6].method == "sign"  # C'' > 0
    assert sp.solve(sp.Eq(cf.CE_DCDA_EXPANDED.doit(), 0), a) == [y]


unit = st.floats(0.001, 0.999)


@settings(max_examples=200, deadline=None)
@given(a_=unit, y_=st.floats(0, 1))
def test_L7_L8_derivative_of_the_cost_is_the_wanted_dc_da_at_random_points(a_, y_) -> None:
    f = sp.lambdify((a, y), sp.diff(cf.CE_COST.doit(), a))
    g = sp.lambdify((a, y), cf.CE_DC_DA.doit())
    assert math.isclose(f(a_, y_), g(a_, y_), rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(a_=unit, y_=st.floats(0, 1))
def test_L12_cost_is_positive_at_random_points(a_, y_) -> None:
    assert sp.lambdify((a, y), cf.CE_COST.doit())(a_, y_) > 0


@settings(max_examples=200, deadline=None)
@given(a_=unit, y_=st.floats(0.001, 0.999))
def test_L18_cost_at_a_is_not_below_cost_at_y(a_, y_) -> None:
    c = sp.lambdify((a, y), cf.CE_COST.doit())
    assert c(a_, y_) >= c(y_, y_) - 1e-12
