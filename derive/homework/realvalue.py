"""Real values of SymPy trees at a point (mpmath), for the general judge.

:func:`value_at` walks the tree like :func:`derive.engine.mpeval.mp_eval` but knows every
elementary function of the general notation (sec, csc, cot, the inverse and hyperbolic
functions, sign, n!, binomial) and its **real** domain: a value that is not a real number (ln
of a number ≤ 0, asin 2, a negative base to a power that is not a whole number *at this
point*: (−1)^a is real at a = 2) raises :class:`NotReal`. No code is generated from the tree.
"""

from __future__ import annotations

from collections.abc import Mapping

import mpmath
import sympy as sp

from ..engine import notation as nt

__all__ = ["NotReal", "constant_magnitude", "differ", "value_at"]


class NotReal(Exception):
    """No real value at this point."""


_UNARY = {
    sp.exp: mpmath.exp,
    sp.sin: mpmath.sin,
    sp.cos: mpmath.cos,
    sp.tan: mpmath.tan,
    sp.sec: mpmath.sec,
    sp.csc: mpmath.csc,
    sp.cot: mpmath.cot,
    sp.asin: mpmath.asin,
    sp.acos: mpmath.acos,
    sp.atan: mpmath.atan,
    sp.asec: mpmath.asec,
    sp.acsc: mpmath.acsc,
    sp.acot: mpmath.acot,
    sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh,
    sp.tanh: mpmath.tanh,
    sp.coth: mpmath.coth,
    sp.sech: mpmath.sech,
    sp.csch: mpmath.csch,
    sp.asinh: mpmath.asinh,
    sp.acosh: mpmath.acosh,
    sp.atanh: mpmath.atanh,
    sp.acoth: mpmath.acoth,
    sp.asech: mpmath.asech,
    sp.acsch: mpmath.acsch,
    sp.Abs: abs,
    sp.sign: mpmath.sign,
}


def _real(value: object) -> mpmath.mpf:
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-(mpmath.mp.dps - 5)) * max(1, abs(value.real)):
            raise NotReal("not real")
        return mpmath.mpf(value.real)
    if not mpmath.isfinite(value):
        raise NotReal("not finite")
    return value


def value_at(expr: sp.Basic, env: Mapping[sp.Basic, mpmath.mpf]) -> mpmath.mpf:
    """The real value of ``expr`` at the point ``env``; :class:`NotReal` where there is none."""
    if expr in env:
        return env[expr]
    if expr.is_Rational:
        return mpmath.mpf(int(expr.p)) / int(expr.q)
    if expr.is_Float:
        return mpmath.mpf(str(expr))
    if expr is sp.E:
        return mpmath.e
    if expr is sp.pi:
        return mpmath.pi
    if not expr.args:
        raise NotReal(f"no value for {expr}")
    args = [value_at(arg, env) for arg in expr.args]
    try:
        if isinstance(expr, sp.Add):
            return mpmath.fsum(args)
        if isinstance(expr, sp.Mul):
            return _real(mpmath.fprod(args))
        if isinstance(expr, sp.Pow):
            base, ex = args
            if base == 0 and ex <= 0:
                raise NotReal("division by zero")
            if base < 0 and not mpmath.isint(ex):
                raise NotReal("a negative base to a fractional power")
            return _real(mpmath.power(base, int(ex) if mpmath.isint(ex) else ex))
        if isinstance(expr, sp.log):
            if args[0] <= 0:
                raise NotReal("ln of a number ≤ 0")
            return mpmath.log(args[0])
        if isinstance(expr, sp.factorial):
            return _gamma(args[0] + 1)
        if isinstance(expr, sp.binomial):
            n, k = args
            return _gamma(n + 1) / (_gamma(k + 1) * _gamma(n - k + 1))
        if isinstance(expr, nt.sigma):
            return 1 / (1 + mpmath.exp(-args[0]))
        if isinstance(expr, nt.SigmaPrime):
            s = 1 / (1 + mpmath.exp(-args[0]))
            return s * (1 - s)
        for kind, fn in _UNARY.items():
            if isinstance(expr, kind):
                return _real(fn(args[0]))
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise NotReal(str(exc)) from None
    raise NotReal(f"no numeric rule for {type(expr).__name__}")


def _gamma(v: mpmath.mpf) -> mpmath.mpf:
    if v <= 0 and mpmath.isint(v):
        raise NotReal("a pole of the gamma function")
    return _real(mpmath.gamma(v))


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
