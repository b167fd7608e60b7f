"""Seeded random-point evaluation at high precision: the second opinion, labelled as such.

An expression is evaluated with mpmath at ``DIGITS`` significant digits at seeded points
drawn inside the domain (:meth:`derive.domain.Domain.sample`). Points where it is undefined
are redrawn (up to a bound). Agreement at N points is evidence, never a proof; one point
where the two sides differ is a counterexample, i.e. a refutation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp

from .domain import Domain
from .notation import expand_sigma_prime

__all__ = ["DIGITS", "Evidence", "evaluate_sign", "evaluate_zero"]

DIGITS = 30
#: |value| below this (relative to the size of the terms) counts as zero
TOLERANCE = mpmath.mpf(10) ** (-(DIGITS - 8))
DEFAULT_POINTS = 12
DEFAULT_SEED = 20261127


@dataclass(frozen=True)
class Evidence:
    """Outcome of a numeric check.

    ``points`` is how many points were evaluated; ``counterexample`` a point (as strings) and
    the value found there, when the check failed; ``worst`` the largest |value| seen.
    """

    points: int
    worst: float
    counterexample: tuple[tuple[str, str], ...] | None = None
    note: str = ""

    @property
    def agrees(self) -> bool:
        return self.points > 0 and self.counterexample is None


def _mp_sigma(v: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-v))


_MODULES = [{"sigma": _mp_sigma, "log": mpmath.log}, "mpmath"]


def _compile(expr: sp.Expr, symbols: list[sp.Symbol]) -> Callable[..., object] | None:
    expr = expand_sigma_prime(expr)
    if expr.has(sp.Integral, sp.Derivative, sp.Subs, sp.Limit) or expr.atoms(
        sp.core.function.AppliedUndef
    ):
        return None
    if any(q.function.has(sp.Indexed) for q in expr.atoms(sp.Sum)):
        return None  # a sum of indexed values over a symbolic range has no value at a point
    return sp.lambdify(symbols, expr, modules=_MODULES)


def _finite(v: object) -> bool:
    """A real, finite value (a complex one means the point is outside the real domain)."""
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return False
        v = v.real
    try:
        return bool(mpmath.isfinite(v))
    except (TypeError, ValueError):
        return False


def _values(
    expr: sp.Expr, domain: Domain, count: int, seed: int
) -> tuple[list[tuple[dict, object]], str] | None:
    symbols = sorted(expr.free_symbols, key=lambda s_: s_.name)
    fn = _compile(expr, symbols)
    if fn is None:
        return None
    out: list[tuple[dict, object]] = []
    skipped = 0
    with mpmath.workdps(DIGITS):
        for point in domain.sample(symbols, count * 3, seed):
            if len(out) == count:
                break
            args = [mpmath.mpf(point[s_]) for s_ in symbols]
            try:
                v = fn(*args)
            except (ZeroDivisionError, ValueError, OverflowError):
                skipped += 1
                continue
            if not all(_finite(q) for q in v):
                skipped += 1
                continue
            out.append((point, v))
    note = f"{skipped} undefined points redrawn" if skipped else ""
    return out, note


def _fmt_point(point: dict) -> tuple[tuple[str, str], ...]:
    return tuple((sp.sstr(k), f"{float(v):.6g}") for k, v in point.items())


def evaluate_zero(
    expr: sp.Expr,
    domain: Domain,
    *,
    count: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
    scale: tuple[sp.Expr, ...] = (),
) -> Evidence | None:
    """Is ``expr`` zero at ``count`` seeded points of ``domain``? ``None``: cannot evaluate.

    With ``scale`` (e.g. the two sides), the tolerance is relative to the sum of their
    absolute values at each point.
    """
    got = _values(sp.Tuple(expr, *scale), domain, count, seed)
    if got is None:
        return None
    values, note = got
    worst = mpmath.mpf(0)
    for point, (v, *parts) in values:
        bound = TOLERANCE * (1 + sum(abs(q) for q in parts))
        if abs(v) > bound:
            return Evidence(
                len(values),
                float(abs(v)),
                (*_fmt_point(point), ("value", mpmath.nstr(v, 8))),
                note,
            )
        worst = max(worst, abs(v))
    return Evidence(len(values), float(worst), None, note)


def evaluate_sign(
    expr: sp.Expr,
    domain: Domain,
    *,
    positive: bool = True,
    count: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
) -> Evidence | None:
    """Is ``expr`` > 0 (or < 0) at ``count`` seeded points? ``worst`` is the smallest margin."""
    got = _values(sp.Tuple(expr), domain, count, seed)
    if got is None:
        return None
    values, note = got
    values = [(point, v[0]) for point, v in values]
    margin = math.inf
    for point, v in values:
        v = v.real if isinstance(v, mpmath.mpc) else v
        m = v if positive else -v
        if m <= 0:
            return Evidence(
                len(values), float(m), (*_fmt_point(point), ("value", mpmath.nstr(v, 8))), note
            )
        margin = min(margin, float(m))
    return Evidence(len(values), margin, None, note)
