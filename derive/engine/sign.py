"""Sign of an expression under the domain assumptions, proved case by case.

``ask(Q.positive(...))`` cannot use ``a < 1``. The argument used here is sound and
checkable: on ``0 < a < 1`` the quantities ``a``, ``1 − a``, ``−ln a`` and ``−ln(1 − a)`` are
all positive, so they are replaced by independent positive symbols (forgetting that
``a + (1 − a) = 1`` only weakens what is assumed). The target ``y ∈ [0, 1]`` is split into
the cases ``y = 0``, ``y = 1`` and ``0 < y < 1`` (there ``y`` and ``1 − y`` become positive
symbols too); ``σ(·)`` of a real argument is treated like ``a``. In each case SymPy must
decide the sign from its assumptions (trying ``together``, ``cancel`` and ``factor`` forms).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import sympy as sp

from .domain import Y_CASES, Domain
from .notation import expand_sigma_prime, sigma

__all__ = ["SignProof", "prove_sign"]


@dataclass(frozen=True)
class SignProof:
    """The cases in which the sign was decided, e.g. ``('y = 0', 'y = 1', '0 < y < 1')``."""

    cases: tuple[str, ...]
    detail: str


def _unit_atoms(expr: sp.Expr, domain: Domain) -> list[sp.Expr]:
    """Symbols with interval (0, 1) in ``domain``, and σ(real) atoms, found in ``expr``."""
    atoms: list[sp.Expr] = [
        sym
        for sym, iv in domain.intervals
        if (iv.low, iv.high, iv.low_open, iv.high_open) == (0.0, 1.0, True, True)
        and sym in expr.free_symbols
    ]
    atoms += [s_ for s_ in expr.atoms(sigma) if s_.args[0].is_extended_real]
    return atoms


def _positive_replacement(expr: sp.Expr, v: sp.Expr) -> sp.Expr:
    """Replace −ln v, −ln(1 − v), 1 − v and v by independent positive symbols."""
    p, q = sp.Dummy("p", positive=True), sp.Dummy("q", positive=True)
    lp, lq = sp.Dummy("l", positive=True), sp.Dummy("m", positive=True)
    expr = expr.xreplace({sp.log(v): -lp, sp.log(1 - v): -lq})
    expr = expr.subs(1 - v, q)
    return expr.xreplace({v: p}) if v.is_Symbol else expr.subs(v, p)


def _forms(expr: sp.Expr) -> Iterator[sp.Expr]:
    """The expression as given, factored, and over a common denominator (each computed only
    when the ones before did not decide)."""
    yield expr
    yield sp.factor(expr)
    yield sp.together(expr)


def _replace_units(expr: sp.Expr, domain: Domain) -> sp.Expr:
    for v in _unit_atoms(expr, domain):
        expr = _positive_replacement(expr, v)
    return expr


def _decide(expr: sp.Expr, positive: bool) -> bool:
    rewrites = (sp.together, sp.cancel, sp.factor)  # tried in turn, until one decides
    for form in itertools.chain((expr,), (f(expr) for f in rewrites)):
        verdict = form.is_positive if positive else form.is_negative
        if verdict:
            return True
    return False


def prove_sign(expr: sp.Expr, domain: Domain, *, positive: bool = True) -> SignProof | None:
    """Prove ``expr > 0`` (or ``< 0``) on ``domain``; ``None`` when not proved."""
    expr = expand_sigma_prime(sp.sympify(expr)).doit()
    y_sym = next(
        (s_ for s_, iv in domain.intervals if (iv.low, iv.high) == (0.0, 1.0) and not iv.low_open),
        None,
    )
    cases: list[tuple[str, sp.Expr]] = []
    if y_sym is not None and y_sym in expr.free_symbols:
        for label, value in Y_CASES:
            if value is None:
                yp, yq = sp.Dummy("Y", positive=True), sp.Dummy("Z", positive=True)
                e = expr.xreplace({sp.log(y_sym): sp.log(yp), sp.log(1 - y_sym): sp.log(yq)})
                e = e.subs(1 - y_sym, yq).xreplace({y_sym: yp})
                cases.append((label.replace("y", sp.sstr(y_sym)), e))
            else:
                cases.append((f"{sp.sstr(y_sym)} = {value}", expr.subs(y_sym, value)))
    else:
        cases.append(("", expr))
    decided = []
    for label, e in cases:
        if not any(_decide(_replace_units(form, domain), positive) for form in _forms(e)):
            return None
        decided.append(label)
    detail = (
        "a, 1−a, −ln a, −ln(1−a) > 0 on 0 < a < 1 replaced by positive symbols"
        + (f"; cases {', '.join(decided)}" if any(decided) else "")
        + "; SymPy decides the sign in each"
    )
    return SignProof(tuple(d for d in decided if d), detail)
