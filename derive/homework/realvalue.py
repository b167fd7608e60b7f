"""Real values of SymPy trees at a point, for the general judge: the one evaluator of the engine
(:func:`derive.engine.mpeval.mp_eval`, which knows every elementary function of the general
notation and its **real** domain: (−1)^a is real at a = 2, asin 2 is not), plus what only the
general judge needs: how many digits its constants need (:func:`constant_magnitude`) and a
comparison at the working precision (:func:`differ`).
"""

from __future__ import annotations

import mpmath
import sympy as sp

from ..engine.mpeval import NotReal, mp_eval

__all__ = ["NotReal", "constant_magnitude", "differ", "value_at"]


#: the one evaluator (:mod:`derive.engine.mpeval`): the general judge's values are the engine's
value_at = mp_eval


def differ(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    """Do two values differ beyond the working precision (relative, 12 digits of slack)?"""
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return abs(a - b) > mpmath.mpf(10) ** (-(mpmath.mp.dps - 12)) * scale


#: a constant whose exponent of 10 is beyond this is not evaluated (e^{e^{e^{10}}})
HUGE_EXPONENT = 10**5


def constant_magnitude(*exprs: sp.Basic) -> int | None:
    """The largest number of decimal digits that a numeric constant in ``exprs`` needs to be
    seen: ``|log10 |c||`` of the value of every subexpression c without free symbols
    (e^{-1000} → 434, 10^{-45} → 45) and the length of numerator and denominator of every
    rational (a 51-digit decimal → 51). None when a constant is too large to evaluate."""
    worst = 0
    with mpmath.workdps(15):
        for expr in exprs:
            for node in sp.preorder_traversal(expr):
                if node.free_symbols or not isinstance(node, sp.Expr):
                    continue
                if node.is_Rational:
                    worst = max(worst, len(str(abs(node.p))), len(str(node.q)))
                    continue
                size = _magnitude(node)
                if size is None:
                    return None
                worst = max(worst, size)
    return worst


def _magnitude(node: sp.Expr) -> int | None:
    """|log10 |value|| of a constant (0 where it has no real value); None when too large."""
    for sub in sp.postorder_traversal(node):
        if isinstance(sub, (sp.exp, sp.Pow, sp.factorial, sp.sinh, sp.cosh, sp.gamma)):
            try:
                arg = value_at(sub.args[-1], {})
            except NotReal:
                continue
            if abs(arg) > HUGE_EXPONENT:
                return None
    try:
        value = value_at(node, {})
    except NotReal:
        return 0
    if value == 0:
        return 0
    return int(abs(mpmath.log10(abs(value)))) + 1
