"""Sums in answers: over the training samples (Σ_x, compared only where used linearly) and over
neurons (Σ_k, written out at several K with its limits as written).

A sum over the samples ``(1/n) Σ_x f`` equals ``(1/n) Σ_x g`` for every training set iff
``f = g`` as functions of one sample (:func:`collapse_sample_sums`); a sum over ``k`` to ``K``
is compared written out at each K of :func:`sum_widths`, after its limits are checked to be
equal as expressions in K (:func:`same_limits`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from ..engine import notation as nt
from ..engine.domain import family
from ..engine.indexing import LAYER_WIDTH

__all__ = [
    "FEEDBACK_WIDTH",
    "LIMIT_SEARCH",
    "MAX_SUM_TERMS",
    "SAMPLE_FREE_FAMILIES",
    "SUM_WIDTHS",
    "NonLinearSampleSum",
    "UnsupportedSum",
    "collapse_sample_sums",
    "constant_limits",
    "same_limits",
    "sum_widths",
    "width_outside_limits",
    "write_out",
]

#: Σ_k and K are written out, and the two sides compared, at each of these K (plus two K
#: beyond any integer written in a limit, see :func:`sum_widths`)
SUM_WIDTHS = (2, 3, 5)
#: K used by :func:`evaluate` when it is called without one (feedback only, never a verdict)
FEEDBACK_WIDTH = 3
#: limits of Σ_k that differ symbolically are searched for a counterexample at K = 1 … this
LIMIT_SEARCH = 12
#: a sum with more terms than this is refused rather than written out
MAX_SUM_TERMS = 40
#: families of symbols that do not vary over the training samples (may multiply Σ_x or be
#: added to it): n, weights, biases, K, learning rate and regularisation, and the constants of
#: integration (``const``, ``C``, ``c``: only ce-cost has plain symbols C, c, as constants)
SAMPLE_FREE_FAMILIES = frozenset({"n", "w", "b", "K", "eta", "lambda", "const", "C", "c"})


class UnsupportedSum(ValueError):
    """A sum the checker cannot compare soundly; the message says why, for the student."""


class NonLinearSampleSum(UnsupportedSum):
    """Σ_x used non-linearly (inside a function, a power, a product with per-sample symbols …)."""


def _is_per_sample(atom: sp.Basic) -> bool:
    """Does this symbol (or indexed object) vary from one training sample to the next?"""
    return family(atom) not in SAMPLE_FREE_FAMILIES


def collapse_sample_sums(expr: sp.Expr) -> sp.Expr:
    """Σ_x f → n·f, sound only where Σ_x is used linearly; otherwise :class:`NonLinearSampleSum`.

    Each ``Σ_x f_i`` is replaced by a fresh marker ``M_i``. The answer must be a polynomial of
    degree at most 1 in the markers, ``E = Σ_i c_i M_i + r``, with at least one marker, whose
    coefficients ``c_i`` and remainder ``r`` do not vary over the samples (only the families in
    :data:`SAMPLE_FREE_FAMILIES`: ``n``, weights, biases, constants). Then
    ``E = (1/n) Σ_x g`` with ``g = n Σ_i c_i f_i + r``, and ``(1/n) Σ_x g = (1/n) Σ_x ref`` for
    every training set iff ``g = ref`` as a function of one sample's symbols: so ``g`` is what is
    compared. ``((1/n) Σ_x x_j)(a − y)`` is refused (its coefficient ``(a − y)/n`` is per-sample:
    the mean of a product is not the product of the means).
    """
    sums = sorted({e for e in sp.preorder_traversal(expr) if isinstance(e, nt.SampleSum)}, key=str)
    if not sums:
        return expr
    if any(s.function.has(nt.SampleSum) for s in sums):
        raise NonLinearSampleSum("a sum over the samples inside another one")
    markers = {s: sp.Dummy("M") for s in sums}
    marked = expr.xreplace(markers)
    gens = list(markers.values())
    try:
        poly = sp.Poly(marked, *gens)
    except sp.PolynomialError:
        raise NonLinearSampleSum(
            "a sum over the samples inside a function or a denominator"
        ) from None
    if poly.total_degree() != 1:
        raise NonLinearSampleSum("a product or power of sums over the samples")
    for coeff in poly.coeffs():
        per_sample = sorted(
            str(a) for a in coeff.free_symbols | coeff.atoms(sp.Indexed) if _is_per_sample(a)
        )
        if per_sample:
            names = ", ".join(per_sample)
            raise NonLinearSampleSum(
                f"{names} outside the sum over the samples (a per-sample quantity times a sum)"
            )
    return marked.xreplace({m: nt.n * s.function for s, m in markers.items()})


def _finite_sums(expr: sp.Expr) -> list[sp.Sum]:
    return [e for e in expr.atoms(sp.Sum) if not isinstance(e, nt.SampleSum)]


def sum_widths(*exprs: sp.Expr) -> tuple[int, ...]:
    """The K at which Σ_k (and K) are written out: () when no expression has a sum over k.

    Always :data:`SUM_WIDTHS`; when a limit mentions an integer m beyond them (``Σ_{k=6}^{K}``),
    also m + 1 and m + 2, so that a sum that is empty at the small K is seen non-empty.
    """
    if not any(_finite_sums(e) for e in exprs):
        return ()
    largest = 0
    for e in exprs:
        for s in _finite_sums(e):
            for _k, *bounds in s.limits:
                for b in bounds:
                    for i in sp.sympify(b).atoms(sp.Integer):
                        largest = max(largest, abs(int(i)))
    extra = {largest + 1, largest + 2} if largest + 2 > max(SUM_WIDTHS) else set()
    return tuple(sorted({*SUM_WIDTHS, *extra}))


def _limit_pairs(*exprs: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """The (lower, upper) limits of every Σ_k, with any K as the one layer width."""
    out = []
    for e in exprs:
        for q in _finite_sums(e):
            for _k, *bounds in q.limits:
                if len(bounds) == 2:
                    lo, hi = (
                        sp.sympify(b).xreplace(
                            {v: LAYER_WIDTH for v in sp.sympify(b).free_symbols if str(v) == "K"}
                        )
                        for b in bounds
                    )
                    out.append((lo, hi))
    return out


def same_limits(lhs: sp.Expr, rhs: sp.Expr, extra: Sequence[sp.Expr] = ()) -> bool:
    """Does every Σ_k of each side run over limits that the other side (or a definition)
    also uses, equal as expressions in K (not merely at sampled K)?"""

    def among(p: tuple[sp.Expr, sp.Expr], pool: list[tuple[sp.Expr, sp.Expr]]) -> bool:
        return any(sp.expand(p[0] - q[0]) == 0 and sp.expand(p[1] - q[1]) == 0 for q in pool)

    left, right, more = _limit_pairs(lhs), _limit_pairs(rhs), _limit_pairs(*extra)
    return all(among(p, right + more) for p in left) and all(among(p, left + more) for p in right)


def width_outside_limits(expr: sp.Expr) -> bool:
    """Does K occur other than in the limits of a sum over k (``(K − 2)(K − 3)(K − 5) w``)?"""
    bodies = expr.replace(
        lambda e: isinstance(e, sp.Sum) and not isinstance(e, nt.SampleSum), lambda e: e.function
    )
    return any(getattr(s, "name", None) == "K" for s in bodies.free_symbols)


def write_out(expr: sp.Expr, width: int) -> sp.Expr:
    """``K`` (any symbol so named) → ``width``; every Σ_k written out, limits as written.

    An empty range (upper < lower) is the empty sum, 0. Limits that are not whole numbers at
    this K, or more than :data:`MAX_SUM_TERMS` terms, raise :class:`UnsupportedSum`.
    """
    value = sp.Integer(width)

    def widths_of(e: sp.Expr) -> dict[sp.Symbol, sp.Integer]:
        # K as the parser makes it in a bare limit (LAYER_WIDTH) or from a vocabulary entry
        found = {s for s in sp.sympify(e).free_symbols if getattr(s, "name", None) == "K"}
        return {s: value for s in found | {LAYER_WIDTH}}

    def expand(e: sp.Sum) -> sp.Expr:
        body = e.function
        for k, low, high in reversed(e.limits):
            lo, hi = (sp.sympify(b).xreplace(widths_of(b)) for b in (low, high))
            if not (lo.is_Integer and hi.is_Integer):
                raise UnsupportedSum(
                    f"the limits of the sum over {k} ({low} to {high}) must be whole numbers or "
                    "expressions in K"
                )
            if hi - lo + 1 > MAX_SUM_TERMS:
                raise UnsupportedSum(
                    f"the sum over {k} from {low} to {high} has more than {MAX_SUM_TERMS} terms"
                )
            body = sp.Add(*[body.xreplace({k: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)])
        return body

    expr = expr.replace(lambda e: isinstance(e, sp.Sum) and not isinstance(e, nt.SampleSum), expand)
    return expr.xreplace(widths_of(expr))


def constant_limits(q: sp.Basic) -> bool:
    """A sum over k whose limits are numbers (not K), of at most :data:`MAX_SUM_TERMS` terms."""
    if type(q) is not sp.Sum or len(q.limits) != 1:
        return False
    _k, low, high = q.limits[0]
    if any(getattr(v, "name", "") == "K" for v in q.free_symbols):
        return False  # K in the summand: left to the rule for K (only as a limit)
    return low.is_Integer and high.is_Integer and int(high) - int(low) + 1 <= MAX_SUM_TERMS
