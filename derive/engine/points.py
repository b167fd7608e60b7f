"""Seeded random-point evaluation at high precision: the second opinion, labelled as such.

An expression is evaluated with mpmath at ``DIGITS`` significant digits at seeded points
drawn inside the domain (:meth:`derive.engine.domain.Domain.sample`). Points where it is undefined
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
from .notation import SampleSum, expand_sigma_prime

__all__ = ["DIGITS", "Evidence", "evaluate_sign", "evaluate_zero"]

DIGITS = 30
#: |lhs − rhs| below TOLERANCE · (|lhs| + |rhs|) counts as zero
TOLERANCE = mpmath.mpf(10) ** (-(DIGITS - 8))
#: ... and below this in absolute terms (both sides tiny): well under float64's resolution
ABSOLUTE_FLOOR = mpmath.mpf(10) ** (-(DIGITS + 10))
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
    if expr.has(SampleSum):
        return None  # the summand varies by sample: a sum over samples has no value at a point
    if any(q.function.has(sp.Indexed) for q in expr.atoms(sp.Sum)):
        return None  # a sum of indexed values over a symbolic range has no value at a point
    return sp.lambdify(symbols, expr, modules=_MODULES, docstring_limit=0)


def _real(v: object) -> mpmath.mpf | None:
    """The value as a real, finite number, or None (complex or infinite: not real there)."""
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    try:
        return v if mpmath.isfinite(v) else None
    except (TypeError, ValueError):
        return None


def _evaluations(
    exprs: sp.Tuple, domain: Domain, count: int, seed: int
) -> tuple[list[tuple[dict, tuple | None]], int] | None:
    """Values of ``exprs`` at up to ``count`` random domain points where the first of them is
    real, plus every point at the closed ends of the domain (e.g. y = 0 and y = 1).

    Each entry is (point, values) with values None where evaluation raised (a pole). Also
    returns how many random points were redrawn. None: the expressions cannot be evaluated.
    """
    symbols = sorted(exprs.free_symbols, key=lambda s_: s_.name)
    fn = _compile(exprs, symbols)
    if fn is None:
        return None
    out: list[tuple[dict, tuple | None]] = []
    redrawn = kept = 0
    with mpmath.workdps(DIGITS):

        def at(point: dict) -> tuple | None:
            try:
                return tuple(fn(*[mpmath.mpf(point[s_]) for s_ in symbols]))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return None

        for point in domain.sample(symbols, count * 3, seed):
            if kept == count:
                break
            values = at(point)
            if values is None or _real(values[0]) is None:
                redrawn += 1
                out.append((point, values))
                continue
            kept += 1
            out.append((point, values))
        out += [(point, at(point)) for point in domain.edge_points(symbols, seed)]
    return out, redrawn


def _fmt_point(point: dict) -> tuple[tuple[str, str], ...]:
    return tuple((sp.sstr(k), f"{float(v):.6g}") for k, v in point.items())


def _counterexample(point: dict, label: str, value: object) -> tuple[tuple[str, str], ...]:
    text = mpmath.nstr(value, 8) if not isinstance(value, str) else value
    return (*_fmt_point(point), (label, text))


def _note(redrawn: int, compared: int) -> str:
    if compared == 0:
        return "not real at any sampled point of the domain"
    return f"{redrawn} undefined points redrawn" if redrawn else ""


def evaluate_zero(
    expr: sp.Expr,
    domain: Domain,
    *,
    count: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
    scale: tuple[sp.Expr, ...] = (),
    real: tuple[sp.Expr, ...] = (),
) -> Evidence | None:
    """Is ``expr`` zero at ``count`` seeded points of ``domain``? ``None``: cannot evaluate.

    Each of ``real`` (e.g. an antiderivative) must be real at every point: a point where one
    is not is a counterexample.

    ``scale`` holds the two sides whose difference ``expr`` is: the tolerance is relative to
    ``|lhs| + |rhs|`` at each point, and a point where one side is real and the other is not
    (``ln(x²)`` against ``2 ln x`` at x < 0) is a counterexample. Points where no side is
    real are outside the domain of the statement and are redrawn. ``points == 0`` in the
    result means nothing could be compared: it is no evidence.
    """
    got = _evaluations(sp.Tuple(expr, *scale, *real), domain, count, seed)
    if got is None:
        return None
    values, redrawn = got
    worst = mpmath.mpf(0)
    compared = 0
    for point, vals in values:
        if vals is None:
            continue
        reals = [_real(q) for q in vals]
        if real and any(q is None for q in reals[len(reals) - len(real) :]):
            return Evidence(compared, math.inf, _counterexample(point, "a term is", "not real"), "")
        v, *parts = reals[: len(reals) - len(real)]
        if scale and any(q is None for q in parts) and any(q is not None for q in parts):
            return Evidence(
                compared, math.inf, _counterexample(point, "one side is not real", "there"), ""
            )
        if v is None or (scale and all(q is None for q in parts)):
            continue
        compared += 1
        bound = TOLERANCE * (sum(abs(q) for q in parts) if scale else 1)
        if abs(v) > max(bound, ABSOLUTE_FLOOR):
            return Evidence(compared, float(abs(v)), _counterexample(point, "value", v), "")
        worst = max(worst, abs(v))
    return Evidence(compared, float(worst), None, _note(redrawn, compared))


def evaluate_sign(
    expr: sp.Expr,
    domain: Domain,
    *,
    positive: bool = True,
    count: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
) -> Evidence | None:
    """Is ``expr`` > 0 (or < 0) at seeded points, closed ends of the domain included?
    ``worst`` is the smallest margin; ``points == 0``: nothing real to compare."""
    got = _evaluations(sp.Tuple(expr), domain, count, seed)
    if got is None:
        return None
    values, redrawn = got
    margin = math.inf
    compared = 0
    for point, vals in values:
        v = None if vals is None else _real(vals[0])
        if v is None:
            continue
        compared += 1
        m = v if positive else -v
        if m <= 0:
            return Evidence(compared, float(m), _counterexample(point, "value", v), "")
        margin = min(margin, float(m))
    return Evidence(compared, margin, None, _note(redrawn, compared))
