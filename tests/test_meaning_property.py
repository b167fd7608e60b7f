"""Property: the judge is sound on random expressions built from the course's atoms.

* it never says *proved* (the engine) or *correct* (the grader) for two sides that differ at a
  point of the domain (a ∈ (0, 1), y ∈ [0, 1], z real), drawn here independently of the
  judge's own seeded points;
* it always accepts an expression compared with its own rewriting (``expand``, ``factor``,
  ``together``).
"""

from __future__ import annotations

import mpmath
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.engine.domain import DEFAULT
from derive.engine.notation import a, sigma, y, z
from derive.engine.steps import Derivation, Relation, Step, Text
from derive.engine.verify import Verdict, verify
from derive.homework.equivalence import compare

WHY = Text("", "")
DOMAIN = DEFAULT.with_(z, DEFAULT.interval(a).__class__(-3.0, 3.0, False, False))

#: atoms of the course: nonzero ones may divide
NONZERO = [a, 1 - a, sp.log(a), sp.log(1 - a), sigma(z), 1 + y, sp.Integer(2)]
ANY = [*NONZERO, y, z, 1 - y, a - y, sp.sqrt(a), sp.exp(-z)]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> sp.Expr:
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(ANY))
    op = draw(st.sampled_from(["+", "-", "*", "/", "^"]))
    left = draw(expressions(depth - 1))
    if op == "/":
        return left / draw(st.sampled_from(NONZERO))
    if op == "^":
        return left ** draw(st.integers(2, 3))
    right = draw(expressions(depth - 1))
    return {"+": left + right, "-": left - right, "*": left * right}[op]


points = st.tuples(st.floats(1e-4, 1 - 1e-4), st.floats(0.0, 1.0), st.floats(-3.0, 3.0))


def _value(expr: sp.Expr, pt: tuple[float, float, float]) -> mpmath.mpf | None:
    f = sp.lambdify((a, y, z), expr.rewrite(sp.exp), modules="mpmath")
    with mpmath.workdps(30):
        try:
            v = f(*(mpmath.mpf(q) for q in pt))
        except (ZeroDivisionError, ValueError, OverflowError):
            return None
        if isinstance(v, mpmath.mpc):
            if v.imag != 0:
                return None
            v = v.real
        return v if mpmath.isfinite(v) else None


def _differ(e1: sp.Expr, e2: sp.Expr, pt: tuple[float, float, float]) -> bool:
    v1, v2 = _value(e1, pt), _value(e2, pt)
    if v1 is None or v2 is None:
        return (v1 is None) != (v2 is None)
    return abs(v1 - v2) > mpmath.mpf(10) ** -12 * (abs(v1) + abs(v2) + 1)


def _engine(e1: sp.Expr, e2: sp.Expr) -> Verdict:
    d = Derivation(
        "p",
        WHY,
        (Step(e1, Relation.GIVEN, WHY), Step(e2, Relation.EQUAL, WHY)),
        (),
        domain=DOMAIN,
    )
    return verify(d).results[1].verdict


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(expressions(), expressions(), st.lists(points, min_size=3, max_size=3))
def test_never_proved_or_correct_for_sides_that_differ(e1, e2, pts):
    if not any(_differ(e1, e2, pt) for pt in pts):
        return  # nothing to say: no point here tells them apart
    assert _engine(e1, e2) is not Verdict.PROVED
    assert compare(e1, e2).equal is not True


@PROPERTY
@given(expressions(), st.sampled_from([sp.expand, sp.factor, sp.together]))
def test_an_expression_is_accepted_against_its_own_rewriting(e, rewrite):
    other = rewrite(e)
    assert _engine(e, other) in (Verdict.PROVED, Verdict.NUMERIC)
    assert compare(other, e).equal is True
