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

import itertools
import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from ..engine.modular import identity_test
from .equivalence import Domain, Interval
from .parse import terms_bound
from .realvalue import NotReal, constant_magnitude, differ, value_at

__all__ = [
    "DIGITS",
    "Judgement",
    "Side",
    "big_power",
    "declared_intervals",
    "judge",
    "with_domain_signs",
    "working_digits",
]

DIGITS = 40
#: the working precision grows with the constants (twice their digits: cos(10^{-30}) − 1 is
#: 5·10^{-61}) up to this; beyond it numeric agreement is no evidence ("undecided")
MAX_DIGITS = 3000
#: random points that must agree (where both are defined)
POINTS = 16
#: special points tried (small whole and half-integer coordinates)
SPECIAL_POINTS = 24
SPECIAL_VALUES = tuple(sp.Rational(v) for v in ("-2", "-1", "-1/2", "0", "1/2", "1", "2", "3"))
#: points where exactly one side is defined before the domains count as different
DOMAIN_MISMATCH = 3
#: a proof step is tried only below this size (count_ops) / this degree bound
PROOF_MAX_OPS = 160
#: … and below this many terms once multiplied out
PROOF_MAX_TERMS = 2000
MINPOLY_MAX_OPS = 40


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
    return {k: v for k, v in dict(domain.intervals).items() if k}


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
        if interval.low > 0 or (interval.low == 0 and interval.low_open):
            mapping[sym] = sp.Symbol(sym.name, positive=True)
        elif interval.low == 0:
            mapping[sym] = sp.Symbol(sym.name, nonnegative=True)
        elif interval.high < 0 or (interval.high == 0 and interval.high_open):
            mapping[sym] = sp.Symbol(sym.name, negative=True)
        elif interval.high == 0:
            mapping[sym] = sp.Symbol(sym.name, nonpositive=True)
    return expr.xreplace(mapping) if mapping else expr


def _draw(interval: Interval | None, rng: random.Random) -> mpmath.mpf:
    """A random point: mostly spread out, sometimes close to an end of the interval (or to 0
    for an undeclared variable), where √((50a − 1)²) and 50a − 1 part on a ∈ (0, 1)."""
    near = rng.random()
    tiny = 10 ** -rng.uniform(1, 4)
    if interval is None:  # an undeclared variable: all the reals, mostly near 0
        if near < 0.15:
            return mpmath.mpf(rng.choice((-1, 1)) * tiny)
        width = 3.0 if near < 0.75 else 15.0
        return mpmath.mpf(rng.uniform(-width, width))
    low, high = interval.low, interval.high
    if low > float("-inf") and high < float("inf"):
        width = high - low
        if near < 0.15:
            return mpmath.mpf(low + width * tiny)
        if near < 0.3:
            return mpmath.mpf(high - width * tiny)
        return mpmath.mpf(rng.uniform(low + width * 1e-3, high - width * 1e-3))
    step = tiny if near < 0.2 else rng.uniform(1e-3, 3.0 if near < 0.8 else 30.0)
    return mpmath.mpf(low + step if low > float("-inf") else high - step)


def _inside(value: sp.Rational, interval: Interval | None) -> bool:
    if interval is None:
        return True
    return interval.contains(float(value))


@dataclass(frozen=True)
class Side:
    """One side as read: the expression and, as written, what must be real and what must not
    be 0 (:func:`derive.homework.parse.read_with_conditions`)."""

    expr: sp.Expr
    real: tuple[sp.Expr, ...] = ()
    nonzero: tuple[sp.Expr, ...] = ()

    def signed(self, intervals: Mapping[str, Interval]) -> Side:
        return Side(
            with_domain_signs(self.expr, intervals),
            tuple(with_domain_signs(p, intervals) for p in self.real),
            tuple(with_domain_signs(p, intervals) for p in self.nonzero),
        )

    @property
    def symbols(self) -> set[sp.Symbol]:
        return set().union(*(e.free_symbols for e in (self.expr, *self.real, *self.nonzero)))

    def at(self, env: Mapping) -> mpmath.mpf | None:
        """The value at ``env``, or None where this side is not defined."""
        try:
            for part in self.real:
                value_at(part, env)
            for part in self.nonzero:
                if abs(value_at(part, env)) < mpmath.mpf(10) ** (10 - mpmath.mp.dps):
                    return None
            return value_at(self.expr, env)
        except NotReal:
            return None


# --------------------------------------------------------------------------- modular test


def _modular(lhs: sp.Expr, rhs: sp.Expr, seed: int) -> Judgement | None:
    """Schwartz–Zippel identity test for two rational functions (None: not applicable;
    :func:`derive.engine.modular.identity_test`)."""
    got = identity_test(lhs, rhs, seed)
    return None if got is None else Judgement(got.equal, got.detail)


# --------------------------------------------------------------------------- proofs


def _positive_powers_as_exp(expr: sp.Expr) -> sp.Expr:
    """b^e → exp(e · ln b) for a base SymPy knows is positive (exact there)."""
    return expr.replace(
        lambda p: (
            isinstance(p, sp.Pow)
            and not p.exp.is_Integer
            and p.base.is_positive
            and bool(p.free_symbols)
        ),
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


def big_power(expr: sp.Expr) -> bool:
    """A whole power above 64: expanding it (cancel, the ratio feedback) could take minutes."""
    return any(p.exp.is_Integer and abs(int(p.exp)) > 64 for p in expr.atoms(sp.Pow)) or any(
        f.args[0].is_Integer and f.args[0] > 64 for f in expr.atoms(sp.factorial)
    )


def judge(
    answer: Side,
    reference: Side,
    *,
    domain: Domain | None = None,
    seed: int | str = 0,
) -> Judgement:
    """Are ``answer`` and ``reference`` (read in the general notation) the same real function
    on the domain: defined at the same points, with the same values there? See the module
    docstring for the methods and what each proves."""
    intervals = declared_intervals(domain)
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode())
    lhs, rhs = answer.signed(intervals), reference.signed(intervals)
    if lhs == rhs:
        return Judgement(True, "symbolic (the same expression)")
    if not (lhs.real or rhs.real or lhs.nonzero or rhs.nonzero):
        modular = _modular(lhs.expr, rhs.expr, seed)
        if modular is not None:
            return modular
    digits = working_digits(lhs, rhs)
    numeric = _numeric(lhs, rhs, intervals, seed, digits or DIGITS)
    if numeric.equal is not True:
        return numeric
    with mpmath.workdps(digits or DIGITS):
        poles = _poles(lhs, rhs, intervals, seed) or _poles(rhs, lhs, intervals, seed, True)
        if poles is None:
            symbols = sorted(lhs.symbols | rhs.symbols, key=str)
            rng = random.Random(seed + 2)
            poles = _special(lhs, rhs, intervals, symbols, rng, definedness=True)
    if poles is not None:
        return poles
    modular = _modular(lhs.expr, rhs.expr, seed)  # the domains agree: now the values
    if modular is not None:
        return modular
    diff = lhs.expr - rhs.expr
    try:
        huge = any(big_power(e) or terms_bound(e) > PROOF_MAX_TERMS for e in (lhs.expr, rhs.expr))
        proof = None if huge else _prove_zero(diff)
    except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
        proof = None
    if proof is not None:
        return Judgement(True, proof)
    if digits is None:
        return Judgement(
            None,
            f"numeric (a constant too small or too large to see at {MAX_DIGITS} digits; no proof)",
        )
    if not (lhs.symbols or rhs.symbols):  # a constant difference as small as 10^{-digits}
        return Judgement(None, f"numeric (the constants agree to {digits} digits; no proof)")
    return numeric


def working_digits(lhs: Side, rhs: Side) -> int | None:
    """Digits that make every numeric constant of both sides visible: :data:`DIGITS` plus twice
    the largest ``|log10|`` of a constant (e^{-1000}: 40 + 2·435) or length of a rational's
    numerator or denominator (a 51-digit decimal); None beyond :data:`MAX_DIGITS`."""
    parts = (*(lhs.expr, *lhs.real, *lhs.nonzero), *(rhs.expr, *rhs.real, *rhs.nonzero))
    magnitude = constant_magnitude(*parts)
    if magnitude is None or DIGITS + 2 * magnitude > MAX_DIGITS:
        return None
    return DIGITS + 2 * magnitude


def _numeric(
    lhs: Side, rhs: Side, intervals: Mapping[str, Interval], seed: int, digits: int = DIGITS
) -> Judgement:
    """Random and special points at ``digits`` digits: a counterexample, a domain mismatch,
    no common point (None) or agreement everywhere tried (True, not a proof)."""
    symbols = sorted(lhs.symbols | rhs.symbols, key=str)
    rng = random.Random(seed)
    agreed = only_answer = only_reference = 0
    with mpmath.workdps(digits):
        for attempt in range(POINTS * 12):
            if agreed >= POINTS or (not symbols and attempt > 0):
                break
            env = {s: _draw(intervals.get(s.name), rng) for s in symbols}
            got, want = lhs.at(env), rhs.at(env)
            if got is None and want is None:
                continue
            if got is None or want is None:
                if got is None:
                    only_reference += 1
                else:
                    only_answer += 1
                if max(only_answer, only_reference) >= DOMAIN_MISMATCH or not symbols:
                    side = "your answer" if got is None else "the reference"
                    return Judgement(
                        False,
                        f"numeric (defined on a different domain: {side} is not real there)",
                        _show(env, symbols),
                    )
                continue
            if _differ_at(lhs, rhs, env, got, want):
                return Judgement(False, "numeric (counterexample)", _show(env, symbols))
            agreed += 1
        special = _special(lhs, rhs, intervals, symbols, rng)
        if special is not None:
            return special
    if agreed == 0:
        return Judgement(None, "numeric (no point where both are defined)")
    return Judgement(True, f"numeric ({agreed} points, {digits} digits; not a proof)")


def _differ_at(lhs: Side, rhs: Side, env: Mapping, got: mpmath.mpf, want: mpmath.mpf) -> bool:
    """Do the two values differ, confirmed at more digits? Huge values (e^{1000}) are compared
    again with enough digits that a difference of 1 still shows."""
    magnitude = max(abs(got), abs(want))
    if not differ(got, want) and magnitude < mpmath.mpf(10) ** 15:
        return False
    extra = int(mpmath.log10(magnitude)) if magnitude > 1 else 0
    with mpmath.workdps(min(2 * mpmath.mp.dps + extra, 2 * MAX_DIGITS)):
        got, want = lhs.at(env), rhs.at(env)
        return got is not None and want is not None and differ(got, want)


def _special(lhs, rhs, intervals, symbols, rng, definedness=False) -> Judgement | None:
    """Small whole and half-integer points where both sides are defined and differ, or (with
    ``definedness``) where exactly one is defined, confirmed at twice the digits (x! and
    x·(x − 1)! at x = 0; 0 and 0^x at x = −1) — all of them when few, else a random sample."""
    if not symbols:
        return None
    choices = [[v for v in SPECIAL_VALUES if _inside(v, intervals.get(s.name))] for s in symbols]
    if any(not c for c in choices):
        return None
    total = 1
    for c in choices:
        total *= len(c)
    if total <= 8 * SPECIAL_POINTS * 4:
        points = itertools.product(*choices)
    else:
        points = (tuple(rng.choice(c) for c in choices) for _ in range(4 * SPECIAL_POINTS))
    for point in points:
        env = {s: mpmath.mpf(int(v.p)) / int(v.q) for s, v in zip(symbols, point, strict=True)}
        got, want = lhs.at(env), rhs.at(env)
        if got is None and want is None:
            continue
        if got is None or want is None:
            if not definedness:
                continue
            with mpmath.workdps(2 * mpmath.mp.dps):
                got, want = lhs.at(env), rhs.at(env)
            if (got is None) != (want is None):
                side = "your answer" if got is None else "the reference"
                return Judgement(
                    False,
                    f"exact domain differs: {side} is not defined at a point where the other is",
                    _show(env, symbols),
                )
            continue
        if not definedness and _differ_at(lhs, rhs, env, got, want):
            return Judgement(False, "numeric (counterexample)", _show(env, symbols))
    return None


# --------------------------------------------------------------------------- isolated points


def _zero_factors(expr: sp.Expr) -> list[sp.Expr]:
    """Factors whose zeros are the zeros of ``expr`` (u·v → u, v; u^n, |u|, √u → u)."""
    if isinstance(expr, sp.Mul):
        return [f for a in expr.args for f in _zero_factors(a)]
    if isinstance(expr, sp.Pow) and expr.exp.is_positive:
        return _zero_factors(expr.base)
    if isinstance(expr, sp.Pow):
        return []
    if isinstance(expr, sp.Abs):
        return _zero_factors(expr.args[0])
    return [expr] if expr.free_symbols else []


def _real_roots(f: sp.Expr, v: sp.Symbol, low: float, high: float) -> list[mpmath.mpf]:
    """Real zeros of ``f`` (one variable) in (low, high): exact for polynomials, by sign
    changes on a grid (then bisection) otherwise. At most 12."""
    num = sp.numer(sp.together(f)) if not f.has(sp.Function) else f
    if num.is_polynomial(v):
        poly = sp.Poly(num, v)
        if poly.degree() <= 0:
            return []
        poly = poly.sqf_part()
        if poly.degree() > 60:
            return []
        roots = [mpmath.mpf(str(sp.N(r, DIGITS + 5))) for r in poly.real_roots()]
        return [r for r in roots if low < r < high][:12]
    found: list[mpmath.mpf] = []
    grid = [mpmath.mpf(low) + (mpmath.mpf(high) - low) * k / 800 for k in range(1, 800)]
    previous = None
    for t in grid:
        try:
            value = value_at(f, {v: t})
        except NotReal:
            previous = None
            continue
        if value == 0:
            found.append(t)
        elif previous is not None and (previous[1] < 0) != (value < 0):
            root = _bisect(f, v, previous[0], t)
            if root is not None:
                found.append(root)
        previous = (t, value)
        if len(found) >= 12:
            break
    return found


def _bisect(f: sp.Expr, v: sp.Symbol, a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf | None:
    fa = value_at(f, {v: a})
    for _ in range(4 * DIGITS):
        m = (a + b) / 2
        try:
            fm = value_at(f, {v: m})
        except NotReal:
            return None
        if (fm < 0) == (fa < 0):
            a, fa = m, fm
        else:
            b = m
    root = (a + b) / 2
    try:  # a sign change across a pole (tan x) is no zero
        small = abs(value_at(f, {v: root})) < mpmath.mpf(10) ** (10 - mpmath.mp.dps)
    except NotReal:
        return None
    return root if small else None


def _poles(
    one: Side, other: Side, intervals: Mapping[str, Interval], seed: int, swapped: bool = False
) -> Judgement | None:
    """A point where a written denominator of ``one`` (or the cos x under its tan x …) is 0
    but ``other`` is defined: (x² − 1)/(x − 1) is not defined at x = 1, x + 1 is."""
    rng = random.Random(seed + 1)
    for condition in one.nonzero:
        for factor in _zero_factors(condition):
            if sp.count_ops(factor) > 40 or big_power(factor):
                continue
            for v in sorted(factor.free_symbols, key=str)[:2]:
                others = {
                    s: sp.Rational(round(float(_draw(intervals.get(s.name), rng)), 6))
                    for s in (one.symbols | other.symbols) - {v}
                }
                interval = intervals.get(v.name)
                low = max(interval.low, -20.0) if interval else -20.0
                high = min(interval.high, 20.0) if interval else 20.0
                try:
                    roots = _real_roots(factor.xreplace(others), v, low, high)
                except (sp.PolynomialError, NotImplementedError, NotReal, ValueError):
                    continue
                for root in roots:
                    env = {**{s: mpmath.mpf(int(q.p)) / int(q.q) for s, q in others.items()}}
                    env[v] = root
                    if one.at(env) is None and other.at(env) is not None:
                        side = "your answer" if not swapped else "the reference"
                        return Judgement(
                            False,
                            f"exact domain differs: {side} is not defined at an isolated point "
                            "where the other is",
                            _show(env, sorted(env, key=str)),
                        )
    return None
