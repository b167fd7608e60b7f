"""Evaluate a SymPy tree at a point with mpmath, in the reals, without generating code: the one
evaluator of every random-point check (the engine's, the grader's, the general judge's).

:func:`mp_eval` walks the expression: sums, products, powers, ``ln``, ``exp``, ``σ``, ``σ'``,
``|·|``, sign, n!, binomials, the trigonometric and hyperbolic functions and their inverses.
A value that is not a real number there (ln of a non-positive number, a negative base to a
power that is not a whole number *at this point* — (−1)^a is real at a = 2 —, asin 2, a
value that is not finite) raises :class:`NotReal`; a division by zero raises :class:`Pole`
and a node it does not know :class:`Unsupported` (both subclasses, so callers that only need
"no real value here" catch :class:`NotReal`). Walking a tree of a few dozen nodes at a few
dozen points costs less than generating code with ``lambdify`` (measured: 0.2 ms for a pair
of sides at one point against 4.7 ms to lambdify them once).
"""

from __future__ import annotations

from collections.abc import Mapping

import mpmath
import sympy as sp

from .notation import SigmaPrime, sigma

__all__ = ["NotReal", "Pole", "Unsupported", "mp_eval"]


class NotReal(Exception):
    """The expression has no real value at this point."""


class Pole(NotReal):
    """A division by zero at this point (a pole, or a removable singularity)."""


class Unsupported(NotReal):
    """The expression contains something this evaluator does not know."""


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
    """A real, finite value (an imaginary part below the working precision is rounding)."""
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-(mpmath.mp.dps - 5)) * max(1, abs(value.real)):
            raise NotReal("not real")
        return mpmath.mpf(value.real)
    if not mpmath.isfinite(value):
        raise NotReal("not finite")
    return value


def _gamma(v: mpmath.mpf) -> mpmath.mpf:
    if v <= 0 and mpmath.isint(v):
        raise Pole("a pole of the gamma function")
    return _real(mpmath.gamma(v))


def mp_eval(
    expr: sp.Basic, env: Mapping[sp.Basic, mpmath.mpf], *, memo: bool = False
) -> mpmath.mpf:
    """The real value of ``expr`` with the symbols (or other atoms) of ``env`` bound.

    ``memo=True`` (``env`` a dict): every sub-expression's value is also stored in ``env``, so
    that expressions evaluated one after the other at the same point share their common
    sub-trees (``lhs − rhs``, then ``lhs``, then ``rhs``).
    """
    if expr in env:
        return env[expr]
    value = _value(expr, env, memo)
    if memo and expr.args:
        env[expr] = value  # type: ignore[index]
    return value


def _value(expr: sp.Basic, env: Mapping[sp.Basic, mpmath.mpf], memo: bool) -> mpmath.mpf:
    if expr.is_Integer:
        return mpmath.mpf(int(expr))
    if expr.is_Rational:
        return mpmath.mpf(int(expr.p)) / int(expr.q)
    if expr.is_Float:
        return mpmath.mpf(str(expr))
    if expr is sp.E:
        return mpmath.e
    if expr is sp.pi:
        return mpmath.pi
    if not expr.args:
        raise Unsupported(f"no value for {expr}")
    args = [mp_eval(arg, env, memo=memo) for arg in expr.args]
    try:
        return _apply(expr, args)
    except ZeroDivisionError as exc:
        raise Pole(str(exc)) from None
    except (ValueError, OverflowError) as exc:
        raise NotReal(str(exc)) from None


def _apply(expr: sp.Basic, args: list[mpmath.mpf]) -> mpmath.mpf:
    if isinstance(expr, sp.Add):
        return mpmath.fsum(args)
    if isinstance(expr, sp.Mul):
        return _real(mpmath.fprod(args))
    if isinstance(expr, sp.Pow):
        base, ex = args
        if base == 0 and ex <= 0:
            raise Pole("division by zero")
        if base < 0 and not mpmath.isint(ex):
            raise NotReal("a negative base to a fractional power")
        return _real(mpmath.power(base, int(ex) if mpmath.isint(ex) else ex))
    if isinstance(expr, sp.log):
        if args[0] <= 0:
            raise NotReal("ln of a number ≤ 0")
        return mpmath.log(args[0])
    if isinstance(expr, sigma):
        return 1 / (1 + mpmath.exp(-args[0]))
    if isinstance(expr, SigmaPrime):
        s = 1 / (1 + mpmath.exp(-args[0]))
        return s * (1 - s)
    if isinstance(expr, sp.factorial):
        return _gamma(args[0] + 1)
    if isinstance(expr, sp.binomial):
        n, k = args
        return _gamma(n + 1) / (_gamma(k + 1) * _gamma(n - k + 1))
    for kind, fn in _UNARY.items():
        if isinstance(expr, kind):
            return _real(fn(args[0]))
    raise Unsupported(f"no numeric rule for {type(expr).__name__}")
