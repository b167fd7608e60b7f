"""Judge two expressions in the general notation: equal as real functions on the domain?

Every letter is a real variable; a declared interval (``--domain x:(0,inf)``) restricts it and
lets SymPy use its sign (x > 0: √(x²) = x, ln(xy) = ln x + ln y). Two expressions are
**equal** when they are defined on the same part of the domain (up to isolated points:
(x² − 1)/(x − 1) and x + 1 are equal) and agree wherever both are defined. Order of methods:

1. **exact, rational** — both sides built from numbers and variables with +, −, ·, / and whole
   powers only: evaluated exactly, modulo the prime p = 2⁶¹ − 1, at 4 random points
   (Schwartz–Zippel: a non-zero rational function of degree ≤ D vanishes at a random point
   with probability ≤ D/p, so a false "equal" has probability ≤ (D/p)⁴ < 10⁻⁶⁰ for D ≤ 10⁶);
   one point where they differ proves them different. Nothing is expanded: (x + y)^{64}
   costs a handful of modular multiplications.
2. **numeric** — seeded random points (undeclared variables from [−3, 3] and [−15, 15],
   declared ones inside their interval) at :data:`DIGITS` digits, plus "special" points with
   small whole and half-integer coordinates (−2, −1, −½, 0, ½, 1, 2, 3), which catch rules that
   fail only there ((x^a)^b ≠ x^{ab} at x = −1, a = 2, b = ½). A point where both are defined
   and differ (confirmed at twice the digits) refutes; three random points where one side is
   defined and the other not refute too (√((x−3)(x−5)) is defined for x < 3, √(x−3)√(x−5) is
   not). Logarithms, roots and inverse functions *as written* must be defined: e^{ln x} is read
   as x by SymPy but is not defined for x ≤ 0.
3. **proof**, once the points agree, each step bounded in size: cancel; the difference
   rewritten in exponentials (trigonometric and hyperbolic identities: sin² + cos² = 1 becomes a
   rational identity in e^{ix}); powers of positive bases as exp(e · ln b) with logarithms split
   only on positive factors (x^{ln y} = y^{ln x} for x, y > 0); for a constant, its minimal
   polynomial (√(11 + 6√2) − 3 − √2 has minimal polynomial t). Without a proof the agreement at
   every point is reported as numeric evidence (method ``numeric (… not a proof)``).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from ..engine import notation as nt
from .equivalence import Domain, Interval

__all__ = ["DIGITS", "Judgement", "declared_intervals", "judge", "with_domain_signs"]

DIGITS = 40
#: random points that must agree (where both are defined)
POINTS = 16
#: special points tried (small whole and half-integer coordinates)
SPECIAL_POINTS = 24
SPECIAL_VALUES = tuple(sp.Rational(v) for v in ("-2", "-1", "-1/2", "0", "1/2", "1", "2", "3"))
#: points where exactly one side is defined before the domains count as different
DOMAIN_MISMATCH = 3
#: the modular identity test: its prime, its number of points and the largest degree bound
PRIME = 2**61 - 1
MODULAR_POINTS = 4
MAX_DEGREE = 10**6
#: a proof step is tried only below this size (count_ops) / this degree bound
PROOF_MAX_OPS = 160
MINPOLY_MAX_OPS = 40


class _NotReal(Exception):
    """No real value at this point."""


@dataclass(frozen=True)
class Judgement:
    """``equal`` True/False, or None (undecided); ``method`` says how; ``point`` a witness."""

    equal: bool | None
    method: str
    point: str = ""


# --------------------------------------------------------------------------- the domain


def declared_intervals(domain: Domain | None) -> dict[str, Interval]:
    """The intervals a general-notation domain declares (the catch-all ``""`` is ignored:
    an undeclared letter ranges over all the reals)."""
    if domain is None:
        return {}
    return {k: v for k, v in domain.intervals.items() if k}


def with_domain_signs(expr: sp.Expr, intervals: Mapping[str, Interval]) -> sp.Expr:
    """Every real symbol whose declared interval lies in [0, ∞) or (−∞, 0] replaced by a symbol
    of the same name that SymPy knows the sign of (x > 0 for x ∈ (0, ∞))."""
    mapping: dict[sp.Symbol, sp.Symbol] = {}
    for sym in expr.free_symbols:
        if not isinstance(sym, sp.Symbol):
            continue
        interval = intervals.get(sym.name)
        if interval is None:
            continue
        if interval.low > 0 or (interval.low == 0 and interval.margin > 0):
            mapping[sym] = sp.Symbol(sym.name, positive=True)
        elif interval.low == 0:
            mapping[sym] = sp.Symbol(sym.name, nonnegative=True)
        elif interval.high < 0 or (interval.high == 0 and interval.margin > 0):
            mapping[sym] = sp.Symbol(sym.name, negative=True)
        elif interval.high == 0:
            mapping[sym] = sp.Symbol(sym.name, nonpositive=True)
    return expr.xreplace(mapping) if mapping else expr


def _draw(interval: Interval | None, rng: random.Random) -> mpmath.mpf:
    if interval is None:  # an undeclared variable: all the reals, mostly near 0
        width = 3.0 if rng.random() < 0.7 else 15.0
        return mpmath.mpf(rng.uniform(-width, width))
    low, high = interval.low, interval.high
    margin = interval.margin if interval.margin < float("inf") else 0.0
    if low > float("-inf") and high < float("inf"):
        edge = min(margin, (high - low) / 4) or (high - low) * 1e-3
        return mpmath.mpf(rng.uniform(low + edge, high - edge))
    spread = 3.0 if rng.random() < 0.7 else 30.0
    step = rng.uniform(max(margin, 1e-3), spread)
    return mpmath.mpf(low + step if low > float("-inf") else high - step)


def _inside(value: sp.Rational, interval: Interval | None) -> bool:
    if interval is None:
        return True
    return interval.low < value < interval.high or (
        interval.margin == 0 and interval.low <= value <= interval.high
    )


# --------------------------------------------------------------------------- evaluation

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
            raise _NotReal("not real")
        return mpmath.mpf(value.real)
    if not mpmath.isfinite(value):
        raise _NotReal("not finite")
    return value


def value_at(expr: sp.Basic, env: Mapping[sp.Basic, mpmath.mpf]) -> mpmath.mpf:
    """The real value of ``expr`` at the point ``env``; :class:`_NotReal` where there is none."""
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
        raise _NotReal(f"no value for {expr}")
    args = [value_at(arg, env) for arg in expr.args]
    try:
        if isinstance(expr, sp.Add):
            return mpmath.fsum(args)
        if isinstance(expr, sp.Mul):
            return _real(mpmath.fprod(args))
        if isinstance(expr, sp.Pow):
            base, ex = args
            if base == 0 and ex <= 0:
                raise _NotReal("division by zero")
            if base < 0 and not mpmath.isint(ex):
                raise _NotReal("a negative base to a fractional power")
            return _real(mpmath.power(base, int(ex) if mpmath.isint(ex) else ex))
        if isinstance(expr, sp.log):
            if args[0] <= 0:
                raise _NotReal("ln of a number ≤ 0")
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
        raise _NotReal(str(exc)) from None
    raise _NotReal(f"no numeric rule for {type(expr).__name__}")


def _gamma(v: mpmath.mpf) -> mpmath.mpf:
    if v <= 0 and mpmath.isint(v):
        raise _NotReal("a pole of the gamma function")
    return _real(mpmath.gamma(v))


def _defined(expr: sp.Expr, parts: Sequence[sp.Expr], env: Mapping) -> mpmath.mpf | None:
    """The value, or None where the expression (or a part of it as written) is not real."""
    try:
        for part in parts:
            value_at(part, env)
        return value_at(expr, env)
    except _NotReal:
        return None


def _differ(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return abs(a - b) > mpmath.mpf(10) ** (-(mpmath.mp.dps - 12)) * scale


# --------------------------------------------------------------------------- modular test


def _is_rational_function(expr: sp.Expr) -> bool:
    for node in sp.preorder_traversal(expr):
        if node.is_Symbol or node.is_Rational:
            continue
        if isinstance(node, (sp.Add, sp.Mul)):
            continue
        if isinstance(node, sp.Pow) and node.exp.is_Integer:
            continue
        return False
    return True


def _degree_bound(expr: sp.Expr) -> int:
    """An upper bound of the total degree of numerator and denominator (no expansion)."""
    if expr.is_Symbol:
        return 1
    if expr.is_Rational:
        return 0
    if isinstance(expr, sp.Pow):
        return abs(int(expr.exp)) * _degree_bound(expr.base)
    parts = [_degree_bound(a) for a in expr.args]
    if isinstance(expr, sp.Add):  # a sum of fractions: the common denominator adds up
        return sum(parts)
    return sum(parts)


def _mod_value(expr: sp.Expr, env: Mapping[sp.Basic, int]) -> int:
    """``expr`` at the point ``env`` modulo :data:`PRIME` (ZeroDivisionError on a pole)."""
    if expr.is_Symbol:
        return env[expr]
    if expr.is_Integer:
        return int(expr) % PRIME
    if expr.is_Rational:
        return int(expr.p) * pow(int(expr.q), -1, PRIME) % PRIME
    args = [_mod_value(a, env) for a in expr.args]
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


def _modular(lhs: sp.Expr, rhs: sp.Expr, seed: int) -> Judgement | None:
    """Schwartz–Zippel identity test for two rational functions (None: not applicable)."""
    if not (_is_rational_function(lhs) and _is_rational_function(rhs)):
        return None
    degree = _degree_bound(lhs) + _degree_bound(rhs)
    if degree > MAX_DEGREE:
        return None
    rng = random.Random(seed)
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=str)
    agreed = 0
    for _attempt in range(4 * MODULAR_POINTS):
        env = {s: rng.randrange(PRIME) for s in symbols}
        try:
            a, b = _mod_value(lhs, env), _mod_value(rhs, env)
        except ZeroDivisionError:
            continue
        if a != b:
            return Judgement(False, "exact (differ at a random point, modulo 2^61 − 1)")
        agreed += 1
        if agreed == MODULAR_POINTS or not symbols:
            return Judgement(
                True,
                f"exact (Schwartz–Zippel: {agreed} random points modulo 2^61 − 1, "
                f"degree ≤ {degree}; error probability < 10^-{_error_exponent(degree, agreed)})",
            )
    return None


def _error_exponent(degree: int, points: int) -> int:
    return int(points * (61 * 0.30103 - len(str(max(degree, 1)))))


# --------------------------------------------------------------------------- proofs


def _positive_powers_as_exp(expr: sp.Expr) -> sp.Expr:
    """b^e → exp(e · ln b) for a base SymPy knows is positive (exact there)."""
    return expr.replace(
        lambda p: isinstance(p, sp.Pow)
        and not p.exp.is_Integer
        and p.base.is_positive
        and bool(p.free_symbols),
        lambda p: sp.exp(p.exp * sp.log(p.base)),
    )


def _prove_zero(diff: sp.Expr) -> str | None:
    """A symbolic proof that ``diff`` is 0 where it is defined, or None."""
    if diff == 0:
        return "symbolic"
    if sp.count_ops(diff) > PROOF_MAX_OPS:
        return None
    if sp.cancel(sp.together(diff)) == 0:
        return "symbolic"
    if diff.free_symbols:
        if diff.has(sp.exp, sp.Pow, sp.log):
            split = sp.expand_log(_positive_powers_as_exp(diff), force=False)
            if sp.cancel(sp.together(sp.expand(split))) == 0:
                return "symbolic (powers and logarithms of positive quantities)"
        if diff.has(sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot) or diff.has(
            sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch, sp.exp
        ):
            rewritten = sp.expand(diff.rewrite(sp.exp))
            if sp.cancel(sp.together(rewritten)) == 0:
                return "symbolic (rewritten in exponentials)"
        return None
    if sp.count_ops(diff) <= MINPOLY_MAX_OPS and not diff.has(
        sp.log, sp.exp, sp.pi, sp.E, sp.Function
    ):
        t = sp.Dummy("t")
        if sp.minimal_polynomial(diff, t) == t:
            return "symbolic (minimal polynomial)"
    if sp.count_ops(diff) <= MINPOLY_MAX_OPS and sp.simplify(diff) == 0:
        return "symbolic (simplify)"
    return None


# --------------------------------------------------------------------------- the judge


def _show(env: Mapping[sp.Basic, object], symbols: Sequence[sp.Symbol]) -> str:
    return ", ".join(f"{s}={mpmath.nstr(env[s], 4)}" for s in symbols[:5])


def judge(
    answer: sp.Expr,
    reference: sp.Expr,
    *,
    answer_parts: Sequence[sp.Expr] = (),
    reference_parts: Sequence[sp.Expr] = (),
    domain: Domain | None = None,
    seed: int | str = 0,
) -> Judgement:
    """Are ``answer`` and ``reference`` (read in the general notation) equal on the domain?

    ``*_parts``: the logarithms, roots and inverse functions of each side as written
    (:func:`derive.homework.parse.real_conditions`); where one is not real, that side is not
    defined. See the module docstring for the methods and what each proves.
    """
    intervals = declared_intervals(domain)
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode())
    lhs, rhs = (with_domain_signs(e, intervals) for e in (answer, reference))
    lparts = [with_domain_signs(p, intervals) for p in answer_parts]
    rparts = [with_domain_signs(p, intervals) for p in reference_parts]
    if lhs == rhs and not lparts and not rparts:
        return Judgement(True, "symbolic")
    if not lparts and not rparts:
        modular = _modular(lhs, rhs, seed)
        if modular is not None:
            return modular
    numeric = _numeric(lhs, rhs, lparts, rparts, intervals, seed)
    if numeric.equal is not True:
        return numeric
    try:
        proof = _prove_zero(lhs - rhs)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        proof = None
    if proof is not None:
        return Judgement(True, proof)
    return numeric


def _numeric(
    lhs: sp.Expr,
    rhs: sp.Expr,
    lparts: Sequence[sp.Expr],
    rparts: Sequence[sp.Expr],
    intervals: Mapping[str, Interval],
    seed: int,
) -> Judgement:
    symbols = sorted(
        set().union(*(e.free_symbols for e in (lhs, rhs, *lparts, *rparts))), key=str
    )
    rng = random.Random(seed)
    agreed = only_answer = only_reference = 0
    with mpmath.workdps(DIGITS):
        for _attempt in range(POINTS * 12):
            if agreed >= POINTS or (not symbols and _attempt > 0):
                break
            env = {s: _draw(intervals.get(s.name), rng) for s in symbols}
            got, want = _defined(lhs, lparts, env), _defined(rhs, rparts, env)
            if got is None and want is None:
                continue
            if got is None or want is None:
                if got is None:
                    only_reference += 1
                else:
                    only_answer += 1
                if max(only_answer, only_reference) >= DOMAIN_MISMATCH:
                    side = "your answer" if got is None else "the reference"
                    return Judgement(
                        False,
                        f"numeric (defined on a different domain: {side} is not real there)",
                        _show(env, symbols),
                    )
                continue
            if _differ(got, want) and _confirmed(lhs, rhs, lparts, rparts, env):
                return Judgement(False, "numeric (counterexample)", _show(env, symbols))
            agreed += 1
        special = _special(lhs, rhs, lparts, rparts, intervals, symbols, rng)
        if special is not None:
            return special
    if agreed == 0:
        return Judgement(None, "numeric (no point where both are defined)")
    return Judgement(True, f"numeric ({agreed} points, {DIGITS} digits; not a proof)")


def _confirmed(lhs, rhs, lparts, rparts, env) -> bool:
    """The difference is still there at twice the digits (not a rounding artefact)."""
    with mpmath.workdps(2 * DIGITS):
        got, want = _defined(lhs, lparts, env), _defined(rhs, rparts, env)
        return got is not None and want is not None and _differ(got, want)


def _special(lhs, rhs, lparts, rparts, intervals, symbols, rng) -> Judgement | None:
    """Small whole and half-integer points where both sides are defined and differ."""
    if not symbols:
        return None
    choices = {
        s: [v for v in SPECIAL_VALUES if _inside(v, intervals.get(s.name))] for s in symbols
    }
    if any(not c for c in choices.values()):
        return None
    for _ in range(SPECIAL_POINTS):
        point = {s: rng.choice(choices[s]) for s in symbols}
        env = {s: mpmath.mpf(int(v.p)) / int(v.q) for s, v in point.items()}
        got, want = _defined(lhs, lparts, env), _defined(rhs, rparts, env)
        if got is None or want is None or not _differ(got, want):
            continue
        if _confirmed(lhs, rhs, lparts, rparts, env):
            return Judgement(False, "numeric (counterexample)", _show(env, symbols))
    return None
