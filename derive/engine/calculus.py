"""Differentiating terms that contain indefinite integrals and substituted variables.

To check ``F = ∫ f da`` up to a constant it suffices that ``dF/da = f`` on the (connected)
domain. :func:`derivative` computes ``d/d var`` of a term in which

* ``∫ f d var`` contributes ``f``;
* ``∫ h(t) dt``, with ``t = g(var)`` declared by a substitution, contributes
  ``h(g(var)) · g'(var)`` (the chain rule, with the true ``g'``, not the claimed one);
* a free ``t`` stands for ``g(var)``;
* the symbol ``const`` (an integration constant) is a constant.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

__all__ = ["CONST", "UnsupportedIntegral", "derivative", "has_indefinite_integral"]

#: the additive integration constant, printed ``\text{const}``
CONST = sp.Symbol("const", real=True)


class UnsupportedIntegral(ValueError):
    """An integral over a variable that is neither ``var`` nor a declared substitution."""


def has_indefinite_integral(expr: sp.Basic) -> bool:
    return any(
        not any(len(lim) > 1 for lim in i.limits) for i in sp.sympify(expr).atoms(sp.Integral)
    )


def derivative(
    expr: sp.Expr, var: sp.Symbol, substitutions: Mapping[sp.Symbol, sp.Expr] | None = None
) -> sp.Expr:
    """``d expr / d var`` with indefinite integrals and substituted variables resolved."""
    subs = dict(substitutions or {})
    known: dict[sp.Expr, sp.Expr] = {}

    def placeholder(integral: sp.Integral) -> sp.Expr:
        if len(integral.limits) != 1 or len(integral.limits[0]) != 1:
            raise UnsupportedIntegral(f"only single indefinite integrals: {integral}")
        v = integral.limits[0][0]
        f = integral.function
        if v == var:
            df = f
        elif v in subs:
            g = subs[v]
            df = f.subs(v, g) * sp.diff(g, var)
        else:
            raise UnsupportedIntegral(f"integration variable {v} is neither {var} nor substituted")
        df = df.subs(subs)
        F = sp.Function(f"F_{len(known)}")(var)
        known[F] = df
        return F

    e = sp.sympify(expr).replace(lambda q: isinstance(q, sp.Integral), placeholder)
    e = e.subs(subs)
    de = sp.diff(e, var)
    return de.replace(
        lambda q: isinstance(q, sp.Derivative) and q.expr in known,
        lambda q: known[q.expr],
    )
