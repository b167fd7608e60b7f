"""The Schwartz–Zippel identity test for rational functions, in exact modular arithmetic.

Two rational functions ``f``, ``g`` over ℚ, built from numbers and variables with +, −, ·, /
and whole powers, are evaluated **exactly** modulo the prime ``p = 2⁶¹ − 1`` at random points
(nothing is expanded: ``(x + y)^{64}`` costs a handful of modular multiplications). If
``f − g = N/D`` is not identically zero, ``N`` has total degree at most ``D_f + D_g`` (the bound
of :func:`degree_bound`), so a random point is a root of ``N`` with probability at most
``(D_f + D_g)/p`` (Schwartz–Zippel). Agreement at k independent points therefore proves the
identity up to an error probability below ``((D_f + D_g)/p)^k``, which the result states; one
point where they differ proves them different as rational functions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

__all__ = ["MAX_DEGREE", "POINTS", "PRIME", "Identity", "identity_test", "is_rational_function"]

PRIME = 2**61 - 1
#: points that must agree
POINTS = 4
#: degree bounds above this are not tried (the error bound would grow; and such inputs are
#: refused by the readers long before)
MAX_DEGREE = 10**6


@dataclass(frozen=True)
class Identity:
    """``equal``: True (agree at every point: an identity, up to ``error_exponent``), False
    (differ at a point: different rational functions); ``detail`` says which and how."""

    equal: bool
    detail: str


def is_rational_function(expr: sp.Basic) -> bool:
    """Numbers and symbols with +, −, ·, / and whole powers only?"""
    for node in sp.preorder_traversal(expr):
        if node.is_Symbol or node.is_Rational:
            continue
        if isinstance(node, (sp.Add, sp.Mul)):
            continue
        if isinstance(node, sp.Pow) and node.exp.is_Integer:
            continue
        return False
    return True


def degree_bound(expr: sp.Expr) -> int:
    """An upper bound of the total degree of numerator and denominator (no expansion)."""
    if expr.is_Symbol:
        return 1
    if expr.is_Rational:
        return 0
    if isinstance(expr, sp.Pow):
        return abs(int(expr.exp)) * degree_bound(expr.base)
    return sum(degree_bound(a) for a in expr.args)  # + and ·: the common denominator adds up


def mod_value(expr: sp.Expr, env: Mapping[sp.Basic, int]) -> int:
    """``expr`` at the point ``env`` modulo :data:`PRIME` (ZeroDivisionError on a pole)."""
    if expr.is_Symbol:
        return env[expr]
    if expr.is_Integer:
        return int(expr) % PRIME
    if expr.is_Rational:
        return int(expr.p) * pow(int(expr.q), -1, PRIME) % PRIME
    args = [mod_value(a, env) for a in expr.args]
    if isinstance(expr, sp.Add):
        return sum(args) % PRIME
    if isinstance(expr, sp.Mul):
        out = 1
        for v in args:
            out = out * v % PRIME
        return out
    base, exponent = args[0], int(expr.exp)
    if exponent < 0:
        if base == 0:
            raise ZeroDivisionError
        base, exponent = pow(base, -1, PRIME), -exponent
    return pow(base, exponent, PRIME)


def error_exponent(degree: int, points: int) -> int:
    """k with ((degree)/p)^points < 10^-k."""
    return int(points * (61 * 0.30103 - len(str(max(degree, 1)))))


def identity_test(lhs: sp.Expr, rhs: sp.Expr, seed: int, points: int = POINTS) -> Identity | None:
    """``lhs ≡ rhs`` as rational functions? None: not two rational functions, a degree bound
    above :data:`MAX_DEGREE`, or too many random points at a pole."""
    if not (is_rational_function(lhs) and is_rational_function(rhs)):
        return None
    degree = degree_bound(lhs) + degree_bound(rhs)
    if degree > MAX_DEGREE:
        return None
    rng = random.Random(seed)
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    agreed = 0
    for _attempt in range(4 * points):
        env = {s: rng.randrange(PRIME) for s in symbols}
        try:
            a, b = mod_value(lhs, env), mod_value(rhs, env)
        except ZeroDivisionError:
            continue
        if a != b:
            return Identity(False, "exact (differ at a random point, modulo 2^61 − 1)")
        agreed += 1
        if agreed == points or not symbols:
            return Identity(
                True,
                f"exact (Schwartz–Zippel: {agreed} random points modulo 2^61 − 1, "
                f"degree ≤ {degree}; error probability < 10^-{error_exponent(degree, agreed)})",
            )
    return None
