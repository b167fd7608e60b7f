"""Exact proofs that an expression is identically zero on a domain, cheapest method first.

1. ``cancel(together(d)) == 0``: rational-function arithmetic with every function value
   (``ln a``, ``σ(z)``) as an independent generator. Valid everywhere both sides are defined.
2. ``σ``, trigonometric and hyperbolic functions rewritten as exponentials (exact:
   ``cosh x = (eˣ + e⁻ˣ)/2``, ``σ(z) = 1/(1 + e⁻ᶻ)``), then ``cancel``.
3. Domain reparametrisation (:func:`derive.engine.domain.reparametrise`), logarithm arguments put
   over a common denominator and ``expand_log(force=False)``: SymPy splits ``ln(pq)`` only
   where it knows ``p, q > 0``, so ``ln(ab) = ln a + ln b`` is never used off its domain.
4. ``simplify`` as the last resort (after ``σ`` is rewritten with ``exp``), optionally only
   below a size (``count_ops``) so that its cost stays bounded.

A result of ``False`` means *not proved*, never *unequal*: refutation is the job of
:mod:`derive.engine.points`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from .domain import Domain, reparametrise, unit_interval_substitution
from .indexing import canonical_indices
from .modular import (
    exponentials_in_generators,
    identity_test,
    in_generators,
    is_rational_function,
)
from .notation import SampleSum, expand_sigma_prime, sigma

__all__ = ["MAX_EXACT_DEGREE", "METHODS", "Proof", "prove_zero", "too_high_a_power"]


@dataclass(frozen=True)
class Proof:
    """How an identity was proved: ``method`` is a short key, ``detail`` says more."""

    method: str
    detail: str


def _is_zero(expr: sp.Expr) -> bool:
    """``cancel(together(expr)) == 0``; with sums, once more after their bound indices are
    renamed canonically (cancelling can pull a factor out of a sum and change its shape)."""
    done = sp.cancel(sp.together(expr))
    if done == 0:
        return True
    if done.has(sp.Sum):
        return sp.cancel(sp.together(canonical_indices(done))) == 0
    return False


#: an integer power above this makes polynomial arithmetic too slow to try (SymPy expands
#: ``a^4607 · (…)`` for minutes): such a statement is left to the random points
MAX_EXACT_DEGREE = 256


def too_high_a_power(expr: sp.Basic) -> bool:
    """Does ``expr`` have an integer power beyond :data:`MAX_EXACT_DEGREE`?"""
    return any(p.exp.is_Integer and abs(int(p.exp)) > MAX_EXACT_DEGREE for p in expr.atoms(sp.Pow))


#: functions that :func:`prove_zero` rewrites as exponentials
_EXPONENTIAL = (
    sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch,
    sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc,
)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _prepared(d: sp.Expr) -> sp.Expr | None:
    """``d`` as every method sees it (σ' written out, evaluated, bound indices renamed); None
    for a power too high to try or a sum over the samples (SymPy would treat the summand as
    the same for every sample). Remembered: one judgement asks up to three times."""
    if too_high_a_power(d):
        return None
    d = canonical_indices(expand_sigma_prime(d).doit())
    return None if d.has(SampleSum) else d


#: the methods of :func:`prove_zero`, cheapest first
METHODS = ("cancel", "exponentials", "domain", "simplify")


def prove_zero(
    d: sp.Expr,
    domain: Domain,
    *,
    simplify_max_ops: int | None = None,
    methods: tuple[str, ...] = METHODS,
    seed: int = 0,
) -> Proof | None:
    """Prove ``d ≡ 0`` on ``domain``; return how, or ``None`` if no method succeeded (also
    for powers beyond :data:`MAX_EXACT_DEGREE`: not proved, never refuted, here).

    ``methods``: which of :data:`METHODS` to try, in their order, plus ``"modular"`` (first,
    when asked for: the Schwartz–Zippel test of :mod:`derive.engine.modular` with ``seed``, for
    a rational function only; a proof up to a stated error probability, and a difference that
    is not zero as a rational function ends the search); ``simplify_max_ops``: ``simplify``
    only when ``count_ops(d)`` is at most this and ``d`` has no trigonometric or hyperbolic
    function (those were tried as exponentials).
    """
    d = sp.sympify(d)
    if d == 0 and "cancel" in methods:
        return Proof("cancel", "cancel(together(lhs − rhs)) = 0")
    d = _prepared(d)
    if d is None:
        return None
    if "modular" in methods:
        rational, generators = in_generators(d)
        got = identity_test(rational, sp.S.Zero, seed)
        if got is not None and got.equal:
            parts = f"; {generators} non-rational parts as independent variables" * (generators > 0)
            return Proof("modular", got.detail + parts)
        if got is not None and not generators:
            return None  # a non-zero rational function: no other method can prove it zero
        if got is not None:
            # not zero with its parts as independent variables: cancel (which treats them so
            # too) cannot do better; the slower methods relate the parts (e^{z}, σ(z), ln)
            methods = tuple(m for m in methods if m != "cancel")
    if "cancel" in methods and _is_zero(d):
        return Proof("cancel", "cancel(together(lhs − rhs)) = 0")
    try:
        return _slower(d, domain, methods, simplify_max_ops, seed)
    except (ValueError, TypeError, NotImplementedError, sp.PolynomialError, RecursionError):
        return None  # a proof that cannot be carried out (∂/∂(1/(1+u)) …) is no proof


def _logs_split(d: sp.Expr, domain: Domain) -> sp.Expr | None:
    """``d`` with every ``|f|`` of a sign proved on the domain written as ``±f``, and every
    ``ln u`` of a rational ``u`` as ``ln c + Σ e_i ln f_i`` over the irreducible factors
    ``f_i`` of ``u``, each proved positive (exact there). Signs are SymPy's after the
    unit-interval reparametrisation (``a = 1/(1 + t)``, ``t > 0``). None when a factor's sign
    is not proved."""
    subs = unit_interval_substitution(
        [s for s, iv in domain.intervals if (iv.low, iv.high) == (0.0, 1.0) and s in d.free_symbols]
    )

    def sign(f: sp.Expr) -> int:
        g = sp.cancel(f.xreplace(subs))
        return 1 if g.is_positive else -1 if g.is_negative else 0

    mapping: dict[sp.Basic, sp.Expr] = {}
    for q in d.atoms(sp.Abs):
        if not is_rational_function(q.args[0]) or not sign(q.args[0]):
            return None
        mapping[q] = sign(q.args[0]) * q.args[0]
    for q in d.atoms(sp.log):
        num, den = sp.fraction(sp.together(q.args[0].xreplace(mapping)))
        terms: list[sp.Expr] = []
        for part, outer in ((num, 1), (den, -1)):
            if not is_rational_function(part):
                return None
            c, factors = sp.factor_list(part)
            for f, e in factors:
                s_f = sign(f)
                if s_f == 0:
                    return None
                if s_f < 0:  # f < 0: write |f|^e = (−f)^e and move the sign into c
                    f, c = -f, c * (-1) ** e
                terms.append(outer * e * sp.log(f))
            if c <= 0:
                return None
            terms.append(outer * sp.log(c))
        mapping[q] = sp.Add(*terms)
    return d.xreplace(mapping)


def _sign_matters(d: sp.Expr) -> bool:
    """Does ``d`` have a part whose value depends on signs (``ln``, ``|·|``, a root)? Only
    then can the domain's reparametrisation prove what ``cancel`` could not."""
    return bool(d.atoms(sp.log, sp.Abs, sp.sign)) or any(
        not q.exp.is_Integer for q in d.atoms(sp.Pow)
    )


def _slower(
    d: sp.Expr,
    domain: Domain,
    methods: tuple[str, ...],
    simplify_max_ops: int | None,
    seed: int = 0,
) -> Proof | None:
    """The methods after ``cancel`` (see :func:`prove_zero`)."""
    if "exponentials" in methods and d.has(*_EXPONENTIAL, sigma):
        as_exp = d.rewrite(sp.exp)
        if "modular" in methods:  # exact arithmetic modulo p instead of cancel, when it applies
            in_gens, complete = exponentials_in_generators(as_exp)
            rational, others = in_generators(in_gens)
            got = identity_test(rational, sp.S.Zero, seed)
            if got is not None and got.equal:
                return Proof("exponentials", f"as exponentials, e^(c·m) = g_m^k; {got.detail}")
            if got is not None and complete and not others:
                as_exp = None  # not zero as a rational function of the e^(m/L): cancel agrees
        if as_exp is not None and _is_zero(as_exp):
            return Proof(
                "exponentials",
                "σ, trigonometric and hyperbolic functions as exponentials; cancel = 0",
            )
    if "domain" in methods and "modular" in methods and d.has(sp.log, sp.Abs):
        split = _logs_split(d, domain)
        if split is not None:
            rational, _parts = in_generators(split)
            got = identity_test(rational, sp.S.Zero, seed)
            if got is not None and got.equal:
                detail = "|f| and ln of products resolved over factors of proved sign; "
                return Proof("domain", detail + got.detail)
    if "domain" in methods and ("modular" not in methods or _sign_matters(d)):
        r, subs = reparametrise(d, domain)
        if (subs or r.has(sp.log)) and _is_zero(sp.expand_log(r, force=False)):
            names = ", ".join(sp.sstr(k) for k in subs)
            return Proof(
                "domain",
                f"reparametrised {names} = 1/(1+u), u > 0; logs expanded only for positive "
                "factors; cancel = 0",
            )
    # bounded: small expressions only, and none that the exponential form already had
    small = simplify_max_ops is None or (
        sp.count_ops(d) <= simplify_max_ops and not d.has(*_EXPONENTIAL)
    )
    if "simplify" in methods and small:
        e = d.replace(lambda f: isinstance(f, sigma), lambda f: f.rewrite(sp.exp))
        if sp.simplify(e) == 0:
            return Proof("simplify", "simplify(lhs − rhs) = 0 (fallback)")
    return None
