"""Feedback that names the confusion behind a wrong answer (the verdict is already decided).

Each test rewrites the answer *as written* in one way and asks whether the rewritten answer
would be right (agreement at seeded points, via ``same``); the first that would be names the
confusion:

* σ(u) written where σ'(u) is meant (``(a-y)\\sigma(z)x`` for ∂C/∂w);
* a written derivative upside down (∂z/∂a where ∂a/∂z is meant: its inverse);
* a written derivative with respect to the wrong variable (∂z/∂x_j where ∂z/∂w_j is meant);
* a missing or an extra factor ∂a/∂z = σ'(z) of the chain rule;
* the right result in the wrong variable: ∂C/∂z (= ∂C/∂a · σ'(z)) where ∂C/∂a is asked.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..engine import notation as nt
from .derivatives import resolve_derivatives
from .equivalence import canonical
from .readable import to_text as to_latex  # feedback is read as text

__all__ = ["confusion_feedback"]

_PHRASES = {
    "sigma_for_prime": {
        "en": "σ written where σ' is meant: with {prime} in place of {sigma} the answer would be "
        "right (the chain rule brings the derivative ∂a/∂z = σ'(z), not σ(z)).",
        "cs": "Napsáno σ tam, kde má být σ': s {prime} místo {sigma} by odpověď byla správně "
        "(řetízkové pravidlo dává derivaci ∂a/∂z = σ'(z), ne σ(z)).",
    },
    "inverted": {
        "en": "{wrote} is upside down: the chain rule needs {meant} (its inverse); with it the "
        "answer would be right.",
        "cs": "{wrote} je obráceně: řetízkové pravidlo potřebuje {meant} (převrácenou hodnotu); "
        "s ní by odpověď byla správně.",
    },
    "wrong_variable": {
        "en": "{wrote} is taken with respect to {u}; the exercise differentiates with respect to "
        "{v}: with {meant} the answer would be right.",
        "cs": "{wrote} je derivace podle {u}; úloha derivuje podle {v}: s {meant} by odpověď "
        "byla správně.",
    },
    "missing_sigma_prime": {
        "en": "The factor ∂a/∂z = {prime} of the chain rule is missing: with it the answer would "
        "be right.",
        "cs": "Chybí činitel ∂a/∂z = {prime} z řetízkového pravidla: s ním by odpověď byla "
        "správně.",
    },
    "extra_sigma_prime": {
        "en": "An extra factor ∂a/∂z = {prime}: without it the answer would be right.",
        "cs": "Navíc činitel ∂a/∂z = {prime}: bez něj by odpověď byla správně.",
    },
    "in_z": {
        "en": "That is the derivative with respect to {u} (the right result in the wrong "
        "variable); the exercise asks with respect to {v}: divide by ∂{v}/∂{u} = {prime}.",
        "cs": "To je derivace podle {u} (správný výsledek v jiné proměnné); úloha se ptá na "
        "derivaci podle {v}: vydělte ∂{v}/∂{u} = {prime}.",
    },
}


def _p(key: str, lang: str, **kw: object) -> str:
    table = _PHRASES[key]
    return table.get(lang, table["en"]).format(**kw)


def _sigmoid_args(ex, expr: sp.Expr) -> list[sp.Expr]:
    """The arguments u of σ(u) in the exercise's definitions (a = σ(z): z)."""
    out = [d.rhs.args[0] for d in ex.definitions if isinstance(d.rhs, nt.sigma)]
    out += [s.args[0] for s in expr.atoms(nt.sigma, nt.SigmaPrime)]
    return list(dict.fromkeys(out))


def confusion_feedback(
    ex, written: sp.Expr, ref: sp.Expr, lang: str, same: Callable[[sp.Expr, sp.Expr], bool]
) -> str | None:
    """The named confusion behind an answer, ``written`` as read (derivatives not yet
    computed), or None (see the module docstring).

    ``ref`` is the reference in canonical form; ``same(x, ref)`` says whether the canonical
    form ``x`` agrees with it."""

    def right(candidate: sp.Expr) -> bool:
        try:
            value = canonical(resolve_derivatives(candidate, ex.definitions), ex.definitions)
            return same(value, ref)
        except Exception:  # a rewriting SymPy cannot handle: no feedback from it
            return False

    for s in sorted(written.atoms(nt.sigma), key=str):
        if right(written.xreplace({s: nt.SigmaPrime(s.args[0])})):
            prime = to_latex(nt.SigmaPrime(s.args[0]))
            return _p("sigma_for_prime", lang, prime=prime, sigma=to_latex(s))
    for d in sorted(written.atoms(sp.Derivative), key=str):
        if d.expr.atoms(sp.core.function.AppliedUndef) or len(d.variables) != 1:
            continue
        (u,) = d.variables
        wrote = to_latex(d)
        if isinstance(d.expr, sp.Symbol):
            inverse = sp.Derivative(u, d.expr)
            if right(written.xreplace({d: inverse})):
                return _p("inverted", lang, wrote=wrote, meant=to_latex(inverse))
        v = ex.variable
        if v is not None and v != u:
            moved = sp.Derivative(d.expr, v)
            if right(written.xreplace({d: moved})):
                return _p(
                    "wrong_variable",
                    lang,
                    wrote=wrote,
                    u=to_latex(u),
                    v=to_latex(v),
                    meant=to_latex(moved),
                )
    resolved = resolve_derivatives(written, ex.definitions)
    for arg in _sigmoid_args(ex, resolved):
        prime = nt.SigmaPrime(arg)
        shown = to_latex(prime)
        defined = [d.lhs for d in ex.definitions if d.rhs == nt.sigma(arg)]
        if ex.variable is not None and ex.variable in defined and right(resolved / prime):
            return _p("in_z", lang, u=to_latex(arg), v=to_latex(ex.variable), prime=shown)
        if right(resolved * prime):
            return _p("missing_sigma_prime", lang, prime=shown)
        if right(resolved / prime):
            return _p("extra_sigma_prime", lang, prime=shown)
    return None
