"""Seeded random-point evaluation at high precision: the second opinion, labelled as such.

An expression is evaluated with mpmath at ``DIGITS`` significant digits at seeded points
drawn inside the domain (:meth:`derive.engine.domain.Domain.sample`). Points where it is undefined
are redrawn (up to a bound). Agreement at N points is evidence, never a proof; one point
where the two sides differ is a counterexample, i.e. a refutation.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import mpmath
import sympy as sp

from .domain import Domain
from .indexing import LAYER_WIDTH, split_name
from .mpeval import NotReal, Pole, Unsupported, mp_eval
from .notation import SampleSum, expand_sigma_prime

__all__ = ["DIGITS", "Evidence", "evaluate_sign", "evaluate_zero"]

DIGITS = 30
#: |lhs − rhs| below TOLERANCE · (|lhs| + |rhs|) counts as zero: the comparison is relative
TOLERANCE = mpmath.mpf(10) ** (-(DIGITS - 8))
#: a point where both sides are below this (|lhs| + |rhs|) is no evidence either way: it is
#: skipped, never counted as agreement (a^4608 and 2a^4608 are both tiny at a = 0.3)
ABSOLUTE_FLOOR = mpmath.mpf(10) ** (-(DIGITS - 8))
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


#: a sum over neurons Σ_k with symbolic K is evaluated written out at this K (with a free
#: neuron index j = 1): a disagreement there refutes a statement meant for every K and j
CONCRETE_WIDTH = 3


@functools.lru_cache(maxsize=512)
def _variants(exprs: sp.Tuple) -> list[sp.Tuple]:
    """Σ_k f(a^L[k]) with symbolic K → its terms at K = :data:`CONCRETE_WIDTH`, ``a^L[i]`` →
    a symbol ``a^{L}_{i}``, and every free component ``a^{L}_{j}`` of a summed family at a
    neuron j: one variant for each way of putting the free indices (j, k …) at 1 or 2, so
    that both j = k and j ≠ k are evaluated (δ_jk, ∂a_j/∂z_k)."""
    if not any(type(q) is sp.Sum and q.function.has(sp.Indexed) for q in exprs.atoms(sp.Sum)):
        return [exprs]
    bases = {str(ix.base.label): ix.base for ix in exprs.atoms(sp.Indexed)}
    members: dict[sp.Basic, tuple[str, str]] = {}
    for sym in exprs.free_symbols:
        split = split_name(getattr(sym, "name", ""))
        if split is not None and split[0] in bases and len(split[1]) == 1:
            members[sym] = (split[0], split[1][0])
    letters = sorted({q for _, q in members.values() if not q.isdigit()})[:3]
    out = []
    for values in itertools.product((1, 2), repeat=len(letters)):
        at = dict(zip(letters, values, strict=True))
        free: dict[sp.Basic, sp.Basic] = {LAYER_WIDTH: sp.Integer(CONCRETE_WIDTH)}
        for sym, (base, letter) in members.items():
            # a_1 is the neuron 1 of the family (the same as a^L[1] in the sum); a_j is at j
            index = int(letter) if letter.isdigit() else at.get(letter, 1)
            free[sym] = bases[base][index]
        for sym in exprs.free_symbols:  # the free neuron indices themselves (in δ_jk)
            if sym.is_integer and getattr(sym, "name", "") in at:
                free[sym] = sp.Integer(at[sym.name])
        done = exprs.xreplace(free).doit()
        if any(type(q) is sp.Sum for q in done.atoms(sp.Sum)):
            return [exprs]  # limits that are not numbers at this K: no value (not compiled)
        names = {
            ix: sp.Symbol(f"{ix.base.label}_{{{','.join(map(str, ix.indices))}}}", real=True)
            for ix in done.atoms(sp.Indexed)
            if all(i.is_Integer for i in ix.indices)
        }
        out.append(done.xreplace(names))
    return out


def _compile(expr: sp.Expr, symbols: list[sp.Symbol]) -> Callable[..., object] | None:
    """:func:`_compiled`, remembered for the last few hundred expressions (the check of a
    disagreement at twice the digits evaluates the same tuple again)."""
    return _compiled(expr, tuple(symbols))


@functools.lru_cache(maxsize=512)
def _compiled(expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> Callable[..., object] | None:
    """A function of the point's coordinates returning the values of ``expr`` (a Tuple).

    The tree is walked with :func:`derive.engine.mpeval.mp_eval` (no code is generated: a
    few dozen points do not repay ``lambdify``); an element with no real value there is
    ``None``, a division by zero anywhere raises ZeroDivisionError (the point is skipped).
    A node the walker does not know makes the whole tuple fall back to ``lambdify``.
    """
    expr = expand_sigma_prime(expr)
    if expr.has(sp.Integral, sp.Derivative, sp.Subs, sp.Limit) or expr.atoms(
        sp.core.function.AppliedUndef
    ):
        return None
    if expr.has(SampleSum):
        return None  # the summand varies by sample: a sum over samples has no value at a point
    if any(q.function.has(sp.Indexed) for q in expr.atoms(sp.Sum)):
        return None  # a sum of indexed values over a symbolic range has no value at a point
    lambdified: list[Callable[..., object]] = []

    def fallback(*values: object) -> object:
        if not lambdified:
            lambdified.append(sp.lambdify(symbols, expr, modules=_MODULES, docstring_limit=0))
        return lambdified[0](*values)

    def walk(*values: object) -> object:
        env = dict(zip(symbols, values, strict=True))
        out: list[object] = []
        for part in expr.args:
            try:
                out.append(mp_eval(part, env, memo=True))
            except Pole as exc:
                raise ZeroDivisionError(str(exc)) from None
            except Unsupported:
                return fallback(*values)
            except NotReal:
                out.append(None)
        return tuple(out)

    return walk


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


#: one evaluated point: (point, values or None where a pole made it raise, redrawn: a random
#: point where the first value is not real, which does not count towards ``count``)
Evaluated = tuple[dict, tuple | None, bool]


def _evaluations(
    exprs: sp.Tuple, domain: Domain, count: int, seed: int, ends: bool = True
) -> Iterator[Evaluated] | None:
    """Values of ``exprs`` at up to ``count`` random domain points where the first of them is
    real, then near the open ends and at the closed ends of the domain (e.g. y = 0 and
    y = 1), one point at a time (a caller that has found a counterexample stops there).

    None: the expressions cannot be evaluated.
    """
    variants = _variants(exprs)
    compiled = []
    for variant in variants:
        symbols = sorted(variant.free_symbols, key=lambda s_: s_.name)
        fn = _compile(variant, symbols)
        if fn is None:
            return None
        compiled.append((fn, symbols))
    return itertools.chain.from_iterable(
        _points(fn, symbols, domain, count, seed, ends) for fn, symbols in compiled
    )


def _points(
    fn: Callable[..., object],
    symbols: list[sp.Symbol],
    domain: Domain,
    count: int,
    seed: int,
    ends: bool = True,
) -> Iterator[Evaluated]:
    """The points of :func:`_evaluations` for one compiled variant."""

    def at(point: dict) -> tuple | None:
        with mpmath.workdps(DIGITS):
            try:
                return tuple(fn(*[mpmath.mpf(point[s_]) for s_ in symbols]))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return None

    kept = 0
    for point in itertools.islice(domain.iter_sample(symbols, seed), count * 3):
        if kept == count:
            break
        values = at(point)
        redrawn = values is None or _real(values[0]) is None
        kept += not redrawn
        yield point, values, redrawn
    if not ends:
        return
    # near the open ends (log-spaced), then at the closed ends: where uniform draws
    # rarely go, and where statements false only near an edge fail
    for point in domain.near_end_points(symbols, seed):
        yield point, at(point), False
    for point in domain.edge_points(symbols, seed):
        yield point, at(point), False


def _fmt_point(point: dict) -> tuple[tuple[str, str], ...]:
    return tuple((sp.sstr(k), f"{float(v):.6g}") for k, v in point.items())


def point_parts(counterexample: tuple[tuple[str, str], ...], eq: str = " = ") -> list[str]:
    """A counterexample as text, part by part: a coordinate reads ``a = 0.05``, a remark whose
    label is a phrase (``one side is not real``, ``there``) reads as the phrase itself."""
    return [f"{k} {v}" if " " in k else f"{k}{eq}{v}" for k, v in counterexample]


def _counterexample(point: dict, label: str, value: object) -> tuple[tuple[str, str], ...]:
    text = mpmath.nstr(value, 8) if not isinstance(value, str) else value
    return (*_fmt_point(point), (label, text))


def _span(points: list[dict]) -> str:
    """Which points were used: the range of each variable, e.g. ``a from 0.0003 to 0.9996``."""
    spans = []
    for sym in sorted({s_ for p in points for s_ in p}, key=lambda q: sp.sstr(q))[:4]:
        vals = [float(p[sym]) for p in points if sym in p]
        spans.append(f"{sp.sstr(sym)} from {min(vals):.4g} to {max(vals):.4g}")
    return "; ".join(spans)


def _note(redrawn: int, compared: int, used: list[dict] | None = None) -> str:
    if compared == 0:
        return "not real at any sampled point of the domain"
    parts = [f"{redrawn} undefined points redrawn"] if redrawn else []
    if used:
        parts.append(_span(used))
    return ", ".join(p for p in parts if p)


def evaluate_zero(
    expr: sp.Expr,
    domain: Domain,
    *,
    count: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
    confirm: bool = True,
    ends: bool = True,
    scale: tuple[sp.Expr, ...] = (),
    real: tuple[sp.Expr, ...] = (),
    conditions: tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]] = ((), ()),
) -> Evidence | None:
    """Is ``expr`` zero at ``count`` seeded points of ``domain``? ``None``: cannot evaluate.

    Each of ``real`` (e.g. an antiderivative) must be real at every point: a point where one
    is not is a counterexample.

    ``scale`` holds the two sides whose difference ``expr`` is: the comparison is relative to
    ``|lhs| + |rhs|`` at each point (a point where both are below :data:`ABSOLUTE_FLOOR` is
    skipped: no evidence), and a point where one side is real and the other is not
    (``ln(x²)`` against ``2 ln x`` at x < 0) is a counterexample. ``conditions`` are, per
    side, the parts as written that must be real for the side to be (``ln(a − 2)`` in
    ``e^{ln(a − 2)}``, which SymPy reads as ``a − 2``). Points where no side is real are
    outside the domain of the statement and are skipped. A disagreement is confirmed at twice
    the precision before it is reported (rounding is never a counterexample), unless
    ``confirm=False`` (for a caller that only asks "does this resemble that?", never for a
    verdict); ``ends=False`` leaves out the points near and at the ends of the domain (idem).
    ``points == 0`` in the result means nothing could be compared: no evidence.
    """
    lhs_conds, rhs_conds = conditions
    values = _evaluations(
        sp.Tuple(expr, *scale, *real, *lhs_conds, *rhs_conds), domain, count, seed, ends
    )
    if values is None:
        return None
    redrawn = 0
    n_real = len(real)
    n_scale = len(scale)
    worst = mpmath.mpf(0)
    compared = 0
    used: list[dict] = []

    def sides_real(reals: list) -> list[bool]:
        parts = reals[1 : 1 + n_scale]
        conds = reals[1 + n_scale + n_real :]
        lc, rc = conds[: len(lhs_conds)], conds[len(lhs_conds) :]
        out = [q is not None for q in parts]
        if len(out) == 2:
            out[0] = out[0] and all(q is not None for q in lc)
            out[1] = out[1] and all(q is not None for q in rc)
        return out

    for point, vals, again in values:
        redrawn += again
        if vals is None:
            continue
        reals = [_real(q) for q in vals]
        if real and any(q is None for q in reals[1 + n_scale : 1 + n_scale + n_real]):
            return Evidence(compared, math.inf, _counterexample(point, "a term is", "not real"), "")
        v, parts = reals[0], reals[1 : 1 + n_scale]
        if scale:
            ok = sides_real(reals)
            if any(ok) and not all(ok):
                which = "one side is not real" if len(ok) == 2 else "a side is not real"
                return Evidence(compared, math.inf, _counterexample(point, which, "there"), "")
            if not all(ok):
                continue
        if v is None:
            continue
        size = sum(abs(q) for q in parts) if scale else mpmath.mpf(1)
        if scale and size < ABSOLUTE_FLOOR:
            continue  # both sides below the floor: no evidence either way
        if abs(v) > TOLERANCE * size and (
            not confirm or _confirmed(sp.Tuple(expr, *scale), point, scale != ())
        ):
            return Evidence(compared, float(abs(v)), _counterexample(point, "value", v), "")
        compared += 1
        used.append(point)
        worst = max(worst, abs(v) / size)
    return Evidence(compared, float(worst), None, _note(redrawn, compared, used))


def _confirmed(exprs: sp.Tuple, point: dict, relative: bool) -> bool:
    """Is the disagreement still there at twice the digits (not a rounding artefact)?"""
    for variant in _variants(exprs):
        symbols = sorted(variant.free_symbols, key=lambda s_: s_.name)
        if not set(symbols) <= set(point):
            continue  # the point was drawn for another variant
        fn = _compile(variant, symbols)
        if fn is None:
            return True
        if _differs_at(fn, symbols, point, relative):
            return True
    return False


def _differs_at(fn: Callable[..., object], symbols: list, point: dict, relative: bool) -> bool:
    """At ``2 · DIGITS`` digits, is the first value still not zero relative to the rest?"""
    with mpmath.workdps(2 * DIGITS):
        try:
            vals = [_real(q) for q in fn(*[mpmath.mpf(point[s_]) for s_ in symbols])]
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return True
        if any(q is None for q in vals):
            return True
        size = sum(abs(q) for q in vals[1:]) if relative else mpmath.mpf(1)
        return abs(vals[0]) > mpmath.mpf(10) ** (-(2 * DIGITS - 8)) * size


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
    values = _evaluations(sp.Tuple(expr), domain, count, seed)
    if values is None:
        return None
    redrawn = 0
    margin = math.inf
    compared = 0
    for point, vals, again in values:
        redrawn += again
        v = None if vals is None else _real(vals[0])
        if v is None:
            continue
        compared += 1
        m = v if positive else -v
        if m <= 0:
            return Evidence(compared, float(m), _counterexample(point, "value", v), "")
        margin = min(margin, float(m))
    return Evidence(compared, margin, None, _note(redrawn, compared))
