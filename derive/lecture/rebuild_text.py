"""Text forms of a rebuilt cost: plain text the safe parser reads back, and the ``--json`` object.

``plain`` prints an expression as :func:`derive.homework.parse.parse_answer` reads it:
``abs``, ``atan``, ``sigma``, ``**``. A piecewise
expression or a definite integral has no such text; :func:`as_json` then also gives its parts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from sympy.printing.str import StrPrinter

from ..engine.render import tex
from .rebuild_math import Rebuilt

__all__ = ["as_json", "plain", "y_range"]


def y_range(r: Rebuilt) -> tuple[str, str]:
    """The range of y as (LaTeX, plain text), e.g. ``[0, 1]``."""
    lo = "[" if r.y_low_closed else "("
    hi = "]" if r.y_high_closed else ")"
    return (
        f"{lo}{tex(r.a_low)}, {tex(r.a_high)}{hi}",
        f"{lo}{plain(r.a_low)}, {plain(r.a_high)}{hi}",
    )


class _Plain(StrPrinter):
    """Plain text the safe parser reads back (``abs``, ``atan``, ``sigma``, ``**``)."""

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Infinity(self, expr: sp.Basic) -> str:
        return "oo"

    def _print_NegativeInfinity(self, expr: sp.Basic) -> str:
        return "-oo"


def plain(expr: sp.Basic) -> str:
    return _Plain().doprint(expr)


def _forms(expr: sp.Expr) -> dict[str, object]:
    """LaTeX and plain text; a piecewise or a definite integral also by its parts."""
    out: dict[str, object] = {"latex": tex(expr), "text": plain(expr)}
    if expr.has(sp.Piecewise):
        pieces = expr.atoms(sp.Piecewise)
        if len(pieces) == 1 and expr == next(iter(pieces)):
            out["pieces"] = [
                {"when": plain(cond), "latex": tex(e), "text": plain(e)} for e, cond in expr.args
            ]
        out["parseable"] = False
    elif isinstance(expr, sp.Integral):
        (t, lo, hi) = expr.limits[0]
        out["integral"] = {
            "integrand": plain(expr.function),
            "variable": plain(t),
            "from": plain(lo),
            "to": plain(hi),
        }
        out["parseable"] = False
    return out


def as_json(r: Rebuilt, reports: Sequence) -> dict[str, object]:
    """The JSON object of ``--json`` (see the module docstring of :mod:`derive.rebuild`)."""
    range_latex, range_text = y_range(r)
    steps = []
    for rep in reports:
        for step, res in zip(rep.derivation.steps, rep.results, strict=True):
            entry: dict[str, object] = {
                "derivation": rep.derivation.id,
                "index": res.index,
                "relation": res.relation.value,
                "why": step.why.en,
                "verdict": res.verdict.value,
                "method": res.method,
            }
            if isinstance(step.expr, sp.Basic):
                entry["latex"] = tex(step.expr)
            steps.append(entry)
    return {
        "activation": {"name": r.name, **_forms(r.f)},
        "inverse": _forms(r.inverse),
        "derivative_in_a": _forms(r.h),
        "cost": {
            **_forms(r.cost),
            "elementary": r.elementary,
            "up_to_constant": _forms(r.cost_in_a),
            "constant": _forms(r.cost_of_y),
            "non_elementary": r.non_elementary_proof or None,
        },
        "range_of_y": {
            "latex": range_latex,
            "text": range_text,
            "low": plain(r.a_low),
            "high": plain(r.a_high),
            "low_closed": r.y_low_closed,
            "high_closed": r.y_high_closed,
        },
        "steps": steps,
        "verified": all(rep.ok for rep in reports),
    }
