"""Shortcuts of ``--check`` decide what the exact method decides, only sooner.

``points.surely_nonzero`` lets the ⇔ check skip ``cancel`` for a difference that is clearly
not 0 at a point: it may only ever answer True where ``cancel`` gives a nonzero result.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive.engine import points
from derive.engine.domain import DEFAULT
from derive.engine.notation import a, sigma, y, z
from derive.engine.steps import Derivation, Relation, Step, Text
from derive.engine.verify import Verdict, verify

WHY = Text("test", "test")
b = sp.Symbol("b", positive=True)

ZERO_AFTER_CANCEL = [
    (a**2 - 1) / (a - 1) - a - 1,
    sp.log(a) * (1 - a) / (1 - a) - sp.log(a),
    sigma(z) * (1 - sigma(z)) - sigma(z) + sigma(z) ** 2,
]
NOT_ZERO = [a - y, sp.log(a) - a, sigma(z) - 1 / 2, (a - 1) ** 2 / 10**3]
#: 0 as numbers, not as rational functions of ln(ab), ln a, ln b: cancel leaves them
ZERO_ONLY_AS_NUMBERS = [sp.log(a * b) - sp.log(a) - sp.log(b)]


@pytest.mark.parametrize("d", ZERO_AFTER_CANCEL + ZERO_ONLY_AS_NUMBERS, ids=str)
def test_never_surely_nonzero_where_the_value_is_zero(d):
    assert not points.surely_nonzero(d, DEFAULT)


@pytest.mark.parametrize("d", NOT_ZERO, ids=str)
def test_surely_nonzero_only_where_cancel_agrees(d):
    assert points.surely_nonzero(d, DEFAULT)
    assert sp.cancel(d) != 0


def test_an_identically_true_statement_is_still_not_compared():
    steps = (
        Step(sp.Eq(a * (a + 1), a**2 + a), Relation.GIVEN, WHY),
        Step(sp.Eq(a, y), Relation.EQUIVALENT, WHY),
    )
    (r,) = verify(Derivation("t", WHY, steps, ())).results[1:]
    assert r.verdict is Verdict.UNVERIFIED
    assert "identically true" in r.detail


def test_equivalent_equations_are_still_proved():
    steps = (
        Step(sp.Eq(2 * a, 2 * y), Relation.GIVEN, WHY),
        Step(sp.Eq(a, y), Relation.EQUIVALENT, WHY),
    )
    (r,) = verify(Derivation("t", WHY, steps, ())).results[1:]
    assert r.verdict is Verdict.PROVED
