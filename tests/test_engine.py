"""The engine can fail: broken steps are reported as failed, named, with a counterexample."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.calculus import CONST
from derive.engine.domain import DEFAULT
from derive.engine.notation import a, t, y
from derive.engine.steps import Derivation, Relation, Step, Substitution, Text, Undefined
from derive.engine.verify import Verdict, verify
from derive.lecture.closedforms import CE_COST, CE_DC_DA
from derive.lecture.crossentropy import DERIVATIONS, INTEGRAL, SUBSTITUTION

WHY = Text("test", "test")


def _chain(*exprs, relation=Relation.EQUAL, variable=None) -> Derivation:
    steps = [Step(exprs[0], Relation.GIVEN, WHY)]
    steps += [Step(e, relation, WHY) for e in exprs[1:]]
    return Derivation("t", WHY, tuple(steps), (), variable=variable)


def test_a_wrong_sign_in_the_final_cost_is_refuted_with_a_counterexample() -> None:
    broken = INTEGRAL.with_step(4, expr=-CE_COST + CONST)
    rep = verify(broken)
    assert not rep.ok
    (fail,) = rep.failures
    assert fail.index == 5 and fail.verdict is Verdict.REFUTED
    assert fail.evidence is not None and fail.evidence.counterexample


def test_the_lectures_substitution_differential_is_refuted() -> None:
    i = next(i for i, s in enumerate(SUBSTITUTION.steps) if s.substitution is not None)
    sub = SUBSTITUTION.steps[i].substitution
    broken = SUBSTITUTION.with_step(i, substitution=dataclasses.replace(sub, differential=1 / a**2))
    rep = verify(broken)
    fail = rep.results[i]
    assert fail.verdict is Verdict.REFUTED and fail.method == "substitution"
    assert "-1/a**2" in fail.detail.replace(" ", "")


def test_the_lectures_sign_after_substitution_is_refuted() -> None:
    # the lecture: −y ∫ 1/(a²(1/a − 1)) da = −y ∫ dt/t (sign lost with dt = da/a²)
    d = _chain(
        -y * sp.Integral(1 / (a**2 * (1 / a - 1)), a),
        -y * sp.Integral(1 / t, t),
        variable=a,
    )
    d = d.with_step(1, substitution=Substitution(t, 1 / a - 1, -1 / a**2, a))
    assert verify(d).results[1].verdict is Verdict.REFUTED


def test_log_of_a_product_is_not_split_off_its_domain() -> None:
    # ln(ab) = ln a + ln b is false for negative a, b: with a, b real it must not be proved
    p, q = sp.symbols("p q", real=True)
    rep = verify(_chain(sp.log(p * q), sp.log(p) + sp.log(q)))
    assert rep.results[1].verdict is not Verdict.PROVED


def test_log_of_a_product_is_split_on_the_unit_interval_only_by_the_domain_method() -> None:
    # ln((1 − a)(2 − a)) = ln(1 − a) + ln(2 − a) holds for 0 < a < 1, fails for a > 2
    rep = verify(_chain(sp.log((1 - a) * (2 - a)), sp.log(1 - a) + sp.log(2 - a)))
    assert rep.results[1].verdict is Verdict.PROVED and rep.results[1].method == "domain"


def test_a_false_inequality_is_refuted() -> None:
    d = Derivation("t", WHY, (Step(sp.StrictGreaterThan(CE_COST - 1, 0), Relation.FACT, WHY),), ())
    assert verify(d).results[0].verdict is Verdict.REFUTED


def test_an_unprovable_true_step_is_not_reported_proved_without_a_method() -> None:
    rep = verify(_chain(sp.sin(a) ** 2 + sp.cos(a) ** 2, sp.Integer(1)))
    r = rep.results[1]
    # sin² + cos² = 1 is proved with the functions as exponentials, then cancel
    assert r.verdict is Verdict.PROVED and r.method == "exponentials"


def test_equivalence_by_a_factor_that_can_vanish_is_not_proved() -> None:
    # multiplying by (a − y) is not an equivalence: it vanishes at a = y
    d = Derivation(
        "t",
        WHY,
        (
            Step(sp.Eq(a, 1 - a, evaluate=False), Relation.GIVEN, WHY),
            Step(sp.Eq(a * (a - y), (1 - a) * (a - y), evaluate=False), Relation.EQUIVALENT, WHY),
        ),
        (),
    )
    assert not verify(d).results[1].ok


def test_undefined_claim_about_a_defined_value_is_refuted() -> None:
    d = Derivation("t", WHY, (Step(Undefined(CE_COST, ((y, 0),)), Relation.FACT, WHY),), ())
    assert verify(d).results[0].verdict is Verdict.REFUTED


def test_up_to_constant_step_fails_when_the_difference_depends_on_the_variable() -> None:
    d = _chain(CE_COST, CE_COST + a, relation=Relation.UP_TO_CONSTANT, variable=a)
    assert verify(d).results[1].verdict is Verdict.REFUTED


@pytest.mark.parametrize("d", DERIVATIONS, ids=lambda d: d.id)
def test_every_step_of_the_chapter_names_its_claims(d: Derivation) -> None:
    assert all(s.claims for s in d.steps)
    assert set(d.claims) <= {c for s in d.steps for c in s.claims}


def test_numeric_second_opinion_is_labelled_and_seeded() -> None:
    r1 = verify(_chain(CE_DC_DA, (a - y) / (a - a**2)))
    r2 = verify(_chain(CE_DC_DA, (a - y) / (a - a**2)))
    assert r1.results[1].second_opinion == r2.results[1].second_opinion
    # 12 random points, 6 near the open ends of a ∈ (0, 1) (10⁻², 10⁻³, 10⁻⁴ from 0 and
    # from 1), plus the closed ends y = 0 and y = 1; the note says which points were used
    opinion = r1.results[1].second_opinion
    assert opinion.startswith("agrees at 20 points"), opinion
    assert "a from 0.0001 to 0.9999" in opinion
    assert DEFAULT.sample([a, y], 3, 1) == DEFAULT.sample([a, y], 3, 1)


def test_a_step_sympy_cannot_handle_is_unverified_not_a_crash() -> None:
    d = Derivation(
        "t",
        WHY,
        (
            Step(sp.StrictGreaterThan(a, 0), Relation.GIVEN, WHY),
            Step(sp.Eq(a, a * y, evaluate=False), Relation.EQUIVALENT, WHY),
            Step(sp.Eq(a, a, evaluate=False), Relation.EQUIVALENT, WHY),
        ),
        (),
    )
    rep = verify(d)
    assert rep.results[1].verdict is Verdict.UNVERIFIED and "TypeError" in rep.results[1].detail
    assert len(rep.results) == 3 and not rep.ok


coeffs = st.lists(st.integers(-5, 5), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None)
@given(p=coeffs, q=coeffs, r=coeffs, k=st.integers(1, 9))
def test_random_rational_identities_are_proved_and_perturbations_refuted(p, q, r, k) -> None:
    poly = lambda cs: sum(c * a**i for i, c in enumerate(cs)) + 1  # noqa: E731
    num, den, fac = poly(p), poly(q) + a**4 + 2, poly(r) ** 2 + 1  # fac > 0 everywhere
    same = verify(_chain(num / den, sp.expand(num * fac) / sp.expand(den * fac)))
    assert same.results[1].verdict is Verdict.PROVED
    off = verify(_chain(num / den, num / den + sp.Rational(k, 1000) * y))
    assert off.results[1].verdict is Verdict.REFUTED
    assert off.results[1].evidence.counterexample


def test_a_statement_real_nowhere_on_the_domain_is_not_numeric_evidence() -> None:
    rep = verify(_chain(sp.log(a - 1), sp.Integer(42)))
    assert rep.results[1].verdict is Verdict.REFUTED  # one side real, the other not
    fact = Derivation(
        "t",
        WHY,
        (Step(sp.StrictLessThan(sp.log(a - 1), 0, evaluate=False), Relation.FACT, WHY),),
        (),
    )
    r = verify(fact).results[0]
    assert r.verdict is Verdict.UNVERIFIED and "not real" in r.detail


def test_log_of_a_square_is_not_twice_the_log_for_real_x() -> None:
    p = sp.Symbol("p", real=True)
    assert verify(_chain(sp.log(p**2), 2 * sp.log(p))).results[1].verdict is Verdict.REFUTED


def test_a_mean_of_products_is_not_a_product_with_the_mean() -> None:
    from derive.engine.notation import mean_over_samples, x

    rep = verify(_chain(mean_over_samples(x * (a - y)), x * mean_over_samples(a - y)))
    assert rep.results[1].verdict is not Verdict.PROVED
    rep = verify(
        _chain(mean_over_samples(x * (a - y)), mean_over_samples(x) * mean_over_samples(a - y))
    )
    assert rep.results[1].verdict is not Verdict.PROVED


def test_an_inequality_false_at_a_closed_end_of_y_is_refuted() -> None:
    d = Derivation("t", WHY, (Step(sp.StrictLessThan(y * sp.log(a), 0), Relation.FACT, WHY),), ())
    r = verify(d).results[0]
    assert r.verdict is Verdict.REFUTED and ("y", "0") in r.evidence.counterexample


def test_implication_from_a_factored_premise_is_not_proved() -> None:
    from derive.engine.notation import x

    d = Derivation(
        "t",
        WHY,
        (
            Step(sp.Eq((a - y) * x, 0), Relation.GIVEN, WHY),
            Step(sp.Eq(a, y, evaluate=False), Relation.IMPLIES, WHY),
        ),
        (),
    )
    r = verify(d).results[1]
    assert r.verdict is Verdict.UNVERIFIED and "x = 0" in r.detail


def test_equivalence_with_different_solutions_is_refuted_and_a_sign_change_is_not() -> None:
    def equiv(s1, s2):
        steps = (Step(s1, Relation.GIVEN, WHY), Step(s2, Relation.EQUIVALENT, WHY))
        return verify(Derivation("t", WHY, steps, ())).results[1].verdict

    assert equiv(sp.Eq(a, y), sp.Eq(a, y / 2)) is Verdict.REFUTED
    assert equiv(sp.Eq((a - y) ** 2 / 2, 0), sp.Eq(a, y)) is Verdict.UNVERIFIED


def test_an_antiderivative_that_is_not_real_on_the_domain_is_refuted() -> None:
    d = _chain(sp.Integral(1 / (a - 1), a), sp.log(a - 1) + CONST, variable=a)
    assert verify(d).results[1].verdict is Verdict.REFUTED


def test_infinite_limits_compare_equal() -> None:
    stmt = sp.Eq(sp.Limit(1 / a, a, 0, "+"), sp.oo, evaluate=False)
    d = Derivation("t", WHY, (Step(stmt, Relation.FACT, WHY),), ())
    assert verify(d).results[0].verdict is Verdict.PROVED
