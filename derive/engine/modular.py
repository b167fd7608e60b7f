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

__all__ = [
    "MAX_DEGREE",
    "POINTS",
    "PRIME",
    "Identity",
    "exponentials_in_generators",
    "identity_test",
    "in_generators",
    "is_rational_function",
]

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


def _rational_node(node: sp.Basic) -> bool:
    """A number, a symbol, +, ·, or a whole power: a node of a rational function."""
    return (
        node.is_Symbol
        or node.is_Rational
        or isinstance(node, (sp.Add, sp.Mul))
        or (isinstance(node, sp.Pow) and node.exp.is_Integer)
    )


def is_rational_function(expr: sp.Basic) -> bool:
    """Numbers and symbols with +, −, ·, / and whole powers only?"""
    return all(_rational_node(node) for node in sp.preorder_traversal(expr))


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


def in_generators(expr: sp.Expr) -> tuple[sp.Expr, int]:
    """``expr`` with every outermost part that is not rational (``ln a``, ``σ(z)``, ``√a``,
    ``e^{−z}``, a derivative …) replaced by a fresh variable, and how many were replaced.

    If the result is identically zero as a rational function, so is ``expr`` wherever it is
    defined (any value of the parts is a special case). The converse fails (``e^{2z}`` and
    ``(e^{z})²`` become two variables): a non-zero result proves nothing.
    """
    generators: dict[sp.Basic, sp.Symbol] = {}

    def visit(node: sp.Basic) -> sp.Basic:
        if not _rational_node(node):
            if node not in generators:
                generators[node] = sp.Dummy(f"g{len(generators)}")
            return generators[node]
        if not node.args or node.is_Symbol:
            return node
        return node.func(*[visit(a) for a in node.args], evaluate=False)

    return visit(expr), len(generators)


def exponentials_in_generators(expr: sp.Expr) -> tuple[sp.Expr, bool]:
    """``expr`` with each ``e^{Σ cᵢ mᵢ}`` (rational cᵢ, monomials mᵢ) written as ``Π gᵢ^{cᵢ Lᵢ}``,
    ``gᵢ = e^{mᵢ/Lᵢ}`` a fresh variable per monomial (``Lᵢ`` the common denominator of its
    coefficients): ``e^{z/2}``, ``e^{z}``, ``e^{−z}`` become ``g``, ``g²``, ``g⁻²``. Exact, so a
    zero rational function in the result proves ``expr ≡ 0``. Also returns whether every
    exponential could be written so (False: some argument has a non-rational coefficient,
    such as ``e^{iz}``, and stays a variable of its own)."""
    exps = [q for q in expr.atoms(sp.exp)]
    coefficients: dict[sp.Basic, list[sp.Rational]] = {}
    for q in exps:
        for mono, c in q.args[0].as_coefficients_dict().items():
            coefficients.setdefault(mono, []).append(sp.Rational(c) if c.is_Rational else None)
    complete = all(None not in cs for cs in coefficients.values())
    lcm = {
        mono: sp.ilcm(*[c.q for c in cs]) if len(cs) > 1 else cs[0].q
        for mono, cs in coefficients.items()
        if None not in cs
    }
    gens = {mono: sp.Dummy(f"e{i}") for i, mono in enumerate(sorted(lcm, key=sp.default_sort_key))}
    mapping = {}
    for q in exps:
        terms = q.args[0].as_coefficients_dict()
        if all(mono in gens for mono in terms):
            mapping[q] = sp.Mul(*[gens[m] ** int(c * lcm[m]) for m, c in terms.items()])
    return expr.xreplace(mapping), complete
