"""The random-point second opinion never refutes a true step because of rounding.

Near a = 1, ``(e^{a−1} − a)²`` is about 10⁻¹³ while each term of its expansion is about 1:
at 30 digits the difference of the two sides is a rounding error of about 10⁻³¹, far above
10⁻²² of their size. Such a disagreement is evaluated again at 60 digits, where the same
relative tolerance decides: rounding shrinks by 30 orders of magnitude, a true difference
does not. The order in which a sum is added up must not change a verdict either.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive.engine import points
from derive.engine.domain import DEFAULT
from derive.engine.notation import a
from derive.engine.steps import Derivation, Relation, Step, Text
from derive.engine.verify import Verdict, verify

WHY = Text("test", "test")

#: squares of differences that vanish at a = 1 (to first or second order), and expansions
CANCELLING = [
    (sp.exp(a - 1) - a) ** 2,
    (a * sp.log(a) - a + 1) ** 2,
    (sp.log(a) - a + 1) ** 2,
    (sp.exp(a - 1) - a) ** 3,
    (a - sp.sqrt(a)) ** 2,
    (sp.exp(a - 1) - a) * (sp.log(a) - a + 1),
    (sp.exp(a - 1) - a) ** 2 * (a + 1),
    (sp.exp(a - 1) - a) ** 4,
    (a - sp.sqrt(a)) * (sp.exp(a - 1) - a),
    (sp.log(a) - a + 1) ** 3,
    (sp.exp(a) - sp.E * a) ** 2,
    (sp.exp(a - 1) - a) ** 2 + (sp.log(a) - a + 1) ** 2,
]
#: a quotient of two such differences, against its terms over the common denominator
QUOTIENT = (sp.exp(a - 1) - a) / (a * sp.log(a) - a + 1)


def _step(lhs: sp.Expr, rhs: sp.Expr) -> Verdict:
    d = Derivation("r", WHY, (Step(lhs, Relation.GIVEN, WHY), Step(rhs, Relation.EQUAL, WHY)), ())
    return verify(d).results[1].verdict


@pytest.mark.parametrize("e", CANCELLING, ids=str)
def test_a_square_equals_its_expansion_near_a_equals_one(e):
    assert _step(e, sp.expand(e)) is Verdict.PROVED
    assert _step(sp.expand(e), e) is Verdict.PROVED


@pytest.mark.parametrize("e", CANCELLING, ids=str)
def test_the_points_agree_whatever_the_order_of_the_difference(e):
    for lhs, rhs in ((e, sp.expand(e)), (sp.expand(e), e)):
        ev = points.evaluate_zero(lhs - rhs, DEFAULT, scale=(lhs, rhs))
        assert ev is not None and ev.counterexample is None and ev.points > 0


@pytest.mark.parametrize("e", CANCELLING, ids=str)
def test_a_small_true_difference_near_a_equals_one_is_still_refuted(e):
    # off by (a − 1)⁴/10⁶: tiny near a = 1, yet far above 10⁻²² of the size of the sides
    wrong = sp.expand(e) + (a - 1) ** 4 / 10**6
    assert _step(e, wrong) is Verdict.REFUTED


def test_a_quotient_of_cancelling_differences_equals_its_terms():
    split = sp.expand(QUOTIENT)
    assert _step(QUOTIENT, split) is Verdict.PROVED
    assert _step(split, QUOTIENT) is Verdict.PROVED
