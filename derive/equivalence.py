"""Are two expressions equal on the exercise's domain, under its definitions? And how do we know?

Order of methods (the first that decides is reported):

1. **symbolic**: both sides are put in canonical form (σ' → σ(1 − σ); definitions such as
   ``z = w x + b`` substituted, then ``σ(z)`` → ``a`` and ``e^{-z}`` → ``(1 − a)/a``; sums over
   training samples reduced to their summand; sums over ``k`` written out for ``K = 4``);
   then ``cancel(together(lhs − rhs)) == 0``.
2. **numeric**: seeded random points inside the domain (``a ∈ (0, 1)`` away from the edges,
   ``y ∈ [0, 1]`` …; a defined symbol takes its defined value, ``a = σ(z)`` at the drawn z),
   evaluated with mpmath at :data:`DIGITS` digits. One point where the two
   sides differ refutes the equality (and ends the check).
3. **slower exact methods**, only when the points agree: when logarithms occur, every
   variable of ``(0, 1)`` is reparametrised as ``1/(1 + u)`` with ``u > 0`` so that
   ``expand_log(force=False)`` may split only logarithms of positive factors
   (``log(ab) = log a + log b`` is never assumed off its domain); then a size-bounded
   ``simplify``. If neither proves it, the agreement at every point is reported as numeric
   evidence (not a proof).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from . import notation as nt

__all__ = [
    "DIGITS",
    "POINTS",
    "Comparison",
    "Definition",
    "Domain",
    "Interval",
    "canonical",
    "compare",
    "evaluate",
]

DIGITS = 40
POINTS = 12
#: relative tolerance at DIGITS digits
TOLERANCE = mpmath.mpf(10) ** (-(DIGITS - 12))
#: sums over k are written out with this many terms
SUM_TERMS = 4
#: simplify is tried only below this size (count_ops), to keep its cost bounded
SIMPLIFY_MAX_OPS = 40


@dataclass(frozen=True)
class Interval:
    """A sampling interval for one family of symbols: ``(low, high)`` with a margin."""

    low: float
    high: float
    margin: float = 0.0

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low + self.margin, self.high - self.margin)


#: default domains by symbol family: a ∈ (0, 1), y ∈ [0, 1], n, t > 0, others real
DEFAULT_DOMAIN: Mapping[str, Interval] = {
    "a": Interval(0.0, 1.0, 0.03),
    "y": Interval(0.0, 1.0, 0.0),
    "n": Interval(1.0, 20.0),
    "t": Interval(0.05, 5.0),
    "u": Interval(0.05, 5.0),
    "K": Interval(1.0, 8.0),
    "": Interval(-2.0, 2.0),
}


@dataclass(frozen=True)
class Domain:
    """Sampling intervals by family name (``'a'`` covers ``a``, ``a_j``, ``a^{L}_{j}``)."""

    intervals: Mapping[str, Interval] = field(default_factory=lambda: dict(DEFAULT_DOMAIN))

    def interval(self, family: str) -> Interval:
        return self.intervals.get(family) or self.intervals.get("") or DEFAULT_DOMAIN[""]

    def with_intervals(self, extra: Mapping[str, Interval]) -> Domain:
        return Domain({**self.intervals, **extra})


@dataclass(frozen=True)
class Definition:
    """``lhs = rhs``: ``a = σ(z)`` rewrites σ(z) (and e^{∓z}) into ``a``; otherwise the
    definition rewrites ``lhs`` into ``rhs`` (``z = w x + b``, ``a^L_j = z^L_j``)."""

    lhs: sp.Symbol
    rhs: sp.Expr


@dataclass(frozen=True)
class Comparison:
    """Outcome: ``equal`` True/False, or None when undecided; ``method`` says which decided."""

    equal: bool | None
    method: str
    points: int = 0
    counterexample: str = ""


def family(atom: sp.Basic) -> str:
    """The family of a symbol: ``a^{L}_{j}`` → ``a``; ``x_j`` → ``x``; Indexed → its base."""
    if isinstance(atom, sp.Indexed):
        name = atom.base.name
    elif isinstance(atom, sp.Symbol):
        name = atom.name
    else:
        return ""
    for sep in ("^", "_"):
        name = name.split(sep, 1)[0]
    return name


# --------------------------------------------------------------------------- canonical form


def _sigma_arg_matches(u: sp.Expr, target: sp.Expr) -> bool:
    return u == target or sp.expand(u - target) == 0


def _rewrite_sigma(expr: sp.Expr, name: sp.Symbol, arg: sp.Expr) -> sp.Expr:
    """σ(arg) → name, σ(−arg) → 1 − name; e^{−arg} → (1 − name)/name; e^{arg} → name/(1 − name)."""
    expr = expr.replace(
        lambda e: isinstance(e, nt.sigma) and _sigma_arg_matches(e.args[0], arg),
        lambda e: name,
    )
    expr = expr.replace(
        lambda e: isinstance(e, nt.sigma) and _sigma_arg_matches(e.args[0], -arg),
        lambda e: 1 - name,
    )

    def exp_match(e: sp.Basic) -> bool:
        if not isinstance(e, sp.exp):
            return False
        return _sigma_arg_matches(e.args[0], -arg) or _sigma_arg_matches(e.args[0], arg)

    def exp_value(e: sp.exp) -> sp.Expr:
        if _sigma_arg_matches(e.args[0], -arg):
            return (1 - name) / name
        return name / (1 - name)

    return expr.replace(exp_match, exp_value)


def _expand_sums(expr: sp.Expr) -> sp.Expr:
    """Σ_x f → n·f (the summand of one generic sample); Σ_k f → f(1) + … + f(4)."""

    def sample(e: sp.Basic) -> bool:
        return isinstance(e, nt.SampleSum)

    expr = expr.replace(sample, lambda e: nt.n * e.function)

    def finite(e: sp.Basic) -> bool:
        return isinstance(e, sp.Sum)

    def write_out(e: sp.Sum) -> sp.Expr:
        body = e.function
        for k, low, high in reversed(e.limits):
            lo = low if low.is_Integer else sp.S.One
            hi = high if high.is_Integer and high - lo < 12 else lo + SUM_TERMS - 1
            body = sp.Add(*[body.xreplace({k: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)])
        return body

    return expr.replace(finite, write_out)


def canonical(expr: sp.Expr, definitions: Sequence[Definition] = ()) -> sp.Expr:
    """The form in which two answers are compared (see the module docstring)."""
    expr = nt.expand_sigma_prime(expr)
    plain = [d for d in definitions if not isinstance(d.rhs, nt.sigma)]
    sigmoid = [d for d in definitions if isinstance(d.rhs, nt.sigma)]
    for d in plain:
        expr = expr.xreplace({d.lhs: d.rhs})
    expr = _expand_sums(expr)
    for d in sigmoid:
        arg = d.rhs.args[0]
        for p in plain:
            arg = arg.xreplace({p.lhs: p.rhs})
        expr = _rewrite_sigma(expr, d.lhs, _expand_sums(arg))
    return expr


def _in_base_variables(expr: sp.Expr, definitions: Sequence[Definition]) -> sp.Expr:
    """Every defined symbol replaced by its definition (a → σ(z), z → w x + b …).

    The numeric check evaluates this form, so that a point is consistent with the
    definitions (a is σ(z) at the drawn z, not an independent number).
    """
    for _ in range(len(definitions)):
        before = expr
        expr = expr.xreplace({d.lhs: d.rhs for d in definitions})
        if expr == before:
            break
    return expr


def _reparametrised(expr: sp.Expr) -> sp.Expr:
    """Every symbol of the family ``a`` (domain (0, 1)) → 1/(1 + u), u > 0 (a bijection)."""
    mapping = {}
    for s in expr.free_symbols:
        if family(s) == "a" and isinstance(s, sp.Symbol):
            mapping[s] = 1 / (1 + sp.Dummy(f"u_{s.name}", positive=True))
    return expr.xreplace(mapping)


def _is_zero_symbolic(diff: sp.Expr) -> str | None:
    """``'symbolic'`` if ``cancel(together(diff)) == 0``, else None (not proved, not refuted)."""
    if diff == 0 or sp.cancel(sp.together(diff)) == 0:
        return "symbolic"
    return None


def _is_zero_harder(diff: sp.Expr) -> str | None:
    """Slower exact methods: logarithms split on the domain, then a size-bounded simplify."""
    if diff.has(sp.log):
        r = sp.expand_log(_reparametrised(diff), force=False)
        if sp.cancel(sp.together(r)) == 0:
            return "symbolic (logarithms split on the domain)"
    if sp.count_ops(diff) <= SIMPLIFY_MAX_OPS and sp.simplify(diff) == 0:
        return "symbolic (simplify)"
    return None


# --------------------------------------------------------------------------- numeric


class _Undefined(Exception):
    """The expression is not a real number at this point."""


def _mp(expr: sp.Basic, env: Mapping[sp.Basic, mpmath.mpf]) -> mpmath.mpf:
    """Evaluate a SymPy tree with mpmath (no code generation, no eval)."""
    if expr in env:
        return env[expr]
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
    args = [_mp(arg, env) for arg in expr.args]
    if isinstance(expr, sp.Add):
        return mpmath.fsum(args)
    if isinstance(expr, sp.Mul):
        return mpmath.fprod(args)
    if isinstance(expr, sp.Pow):
        base, ex = args
        if base == 0 and ex <= 0:
            raise _Undefined
        if base < 0 and not expr.exp.is_integer:
            raise _Undefined
        return mpmath.power(base, ex)
    if isinstance(expr, sp.log):
        if args[0] <= 0:
            raise _Undefined
        return mpmath.log(args[0])
    if isinstance(expr, sp.exp):
        return mpmath.exp(args[0])
    if isinstance(expr, nt.sigma):
        return 1 / (1 + mpmath.exp(-args[0]))
    if isinstance(expr, nt.SigmaPrime):
        s = 1 / (1 + mpmath.exp(-args[0]))
        return s * (1 - s)
    if isinstance(expr, sp.Abs):
        return abs(args[0])
    raise _Undefined


def _opaque_atoms(*exprs: sp.Expr) -> dict[sp.Basic, sp.Symbol]:
    """Derivatives, undefined functions, integrals, indexed objects: one stand-in each."""
    mapping: dict[sp.Basic, sp.Symbol] = {}
    for expr in exprs:
        for atom in expr.atoms(sp.Derivative, AppliedUndef, sp.Integral, sp.Indexed):
            if atom not in mapping:
                fam = family(atom) if isinstance(atom, sp.Indexed) else ""
                mapping[atom] = sp.Dummy(f"{fam}_opaque", real=True)
    return mapping


def evaluate(
    lhs: sp.Expr,
    rhs: sp.Expr,
    domain: Domain,
    *,
    seed: int,
    points: int = POINTS,
    definitions: Sequence[Definition] = (),
) -> Comparison:
    """Compare at seeded random points of the domain, at DIGITS digits (defined symbols take
    their defined values)."""
    opaque = _opaque_atoms(lhs, rhs)
    lhs = _expand_sums(_in_base_variables(lhs.xreplace(opaque), definitions))
    rhs = _expand_sums(_in_base_variables(rhs.xreplace(opaque), definitions))
    introduced = _opaque_atoms(lhs, rhs)  # indexed symbols a definition brought in (Σ_j w_j x_j)
    lhs, rhs = lhs.xreplace(introduced), rhs.xreplace(introduced)
    opaque.update(introduced)
    families = {}
    for atom, stand_in in opaque.items():
        families[stand_in] = family(atom)
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    rng = random.Random(seed)
    agreed = 0
    answer_undefined = 0
    with mpmath.workdps(DIGITS):
        for _attempt in range(points * 4):
            if agreed >= points:
                break
            env = {
                s: mpmath.mpf(domain.interval(families.get(s, family(s))).draw(rng))
                for s in symbols
            }
            try:
                want = _mp(rhs, env)
            except (_Undefined, ZeroDivisionError, ValueError, OverflowError):
                continue
            try:
                got = _mp(lhs, env)
            except (_Undefined, ZeroDivisionError, ValueError, OverflowError):
                answer_undefined += 1
                if answer_undefined >= 3:
                    where = ", ".join(f"{s}={mpmath.nstr(env[s], 3)}" for s in symbols[:4])
                    return Comparison(False, "numeric (undefined on the domain)", agreed, where)
                continue
            scale = max(mpmath.mpf(1), abs(want), abs(got))
            if abs(got - want) > TOLERANCE * scale:
                where = ", ".join(
                    f"{s}={mpmath.nstr(env[s], 3)}" for s in symbols[:5] if not s.is_Dummy
                )
                return Comparison(False, "numeric (counterexample)", agreed, where)
            agreed += 1
    if agreed == 0:
        return Comparison(None, "numeric (no point where both are defined)", 0)
    return Comparison(True, f"numeric ({agreed} points, {DIGITS} digits)", agreed)


def compare(
    answer: sp.Expr,
    reference: sp.Expr,
    *,
    definitions: Sequence[Definition] = (),
    domain: Domain | None = None,
    seed: int | str = 0,
    canonicalised: bool = False,
) -> Comparison:
    """Is ``answer`` equal to ``reference`` on the domain, under the definitions?"""
    domain = domain or Domain()
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode())
    lhs = answer if canonicalised else canonical(answer, definitions)
    rhs = reference if canonicalised else canonical(reference, definitions)
    method = _is_zero_symbolic(lhs - rhs)
    if method:
        return Comparison(True, method)
    numeric = evaluate(lhs, rhs, domain, seed=seed, definitions=definitions)
    if numeric.equal is False:  # a counterexample refutes: no slower exact method can help
        return numeric
    method = _is_zero_harder(lhs - rhs)
    if method:
        return Comparison(True, method, numeric.points)
    return numeric
