"""A user's own output error δ^L (text) → SymPy, without ``eval``.

``parse_delta(text)`` accepts

* the name of a cost (``cross-entropy``, ``quadratic`` …): that cost's closed-form δ^L from
  :data:`derive.lecture.closedforms.OUTPUT_DELTA` (handy to try one cost's δ^L on another cost);
* otherwise, when the project's safe parser :func:`derive.homework.parse.parse_answer` exists, any
  expression it reads in ``a``, ``y``, ``z`` and σ (e.g. ``(a - y) sigma(z)(1 - sigma(z))``);
* without that parser, only the closed forms as written (:func:`fallback_forms`): SymPy's own
  printing of each δ^L, and every order of the factors of a product, such as
  ``(a - y)*sigma(z)*(1 - sigma(z))``; whitespace is ignored. The text is only looked up in
  that table, never evaluated.

SymPy's ``sympify``/``parse_expr`` run ``eval`` on their input, so they are never used here.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping

import sympy as sp

from derive.engine.notation import a, sigma, y, z
from derive.lecture.closedforms import OUTPUT_DELTA

__all__ = ["SYMBOLS", "fallback_forms", "parse_delta", "parse_delta_fallback", "parse_delta_with"]

#: the symbols a δ^L may use, by name
SYMBOLS: Mapping[str, sp.Symbol] = {"a": a, "y": y, "z": z}

Parser = Callable[..., sp.Expr]


def _normal(text: str) -> str:
    return "".join(text.split())


def _written_forms(expr: sp.Expr) -> set[str]:
    """SymPy's printings of ``expr``, plus every factor order if it is a product."""
    evaluated = expr.doit()
    forms = {sp.sstr(expr), sp.sstr(evaluated)}
    if isinstance(evaluated, sp.Mul):
        factors = [
            f"({sp.sstr(f)})" if isinstance(f, sp.Add) else sp.sstr(f) for f in evaluated.args
        ]
        forms.update("*".join(p) for p in itertools.permutations(factors))
    return forms


@functools.cache
def fallback_forms() -> dict[str, sp.Expr]:
    """Every text the fallback accepts (whitespace removed) → its δ^L from derive."""
    table: dict[str, sp.Expr] = {}
    for name, expr in OUTPUT_DELTA.items():
        table[name] = expr
        for form in _written_forms(expr):
            table.setdefault(_normal(form), expr)
    return table


def parse_delta_fallback(text: str) -> sp.Expr:
    """δ^L for one of :func:`fallback_forms`; ``ValueError`` for anything else."""
    expr = fallback_forms().get(_normal(text))
    if expr is None:
        known = sorted({*OUTPUT_DELTA, *(sp.sstr(e) for e in OUTPUT_DELTA.values())})
        raise ValueError(
            f"cannot read δ^L {text!r}: without the project's parser (derive.homework.parse) "
            f"only the closed forms are accepted, e.g. {'; '.join(known)}"
        )
    return expr


def _adopt(expr: sp.Expr) -> sp.Expr:
    """Use derive's a, y, z and σ for same-named symbols/functions the parser made."""
    by_name = {s: SYMBOLS[s.name] for s in expr.free_symbols if s.name in SYMBOLS}
    out = expr.xreplace(by_name)
    return out.replace(
        lambda e: (
            isinstance(e, sp.core.function.AppliedUndef) and e.func.__name__ in {"sigma", "σ"}
        ),
        lambda e: sigma(*e.args),
    )


def parse_delta_with(parser: Parser, text: str) -> sp.Expr:
    """δ^L from ``text``: a cost's name, else ``parser(text, symbols=SYMBOLS)``."""
    named = OUTPUT_DELTA.get(text.strip())
    if named is not None:
        return named
    return _adopt(parser(text, symbols=dict(SYMBOLS)))


def _project_parser() -> Parser | None:
    try:
        from derive.homework.parse import parse_answer
    except ModuleNotFoundError as exc:
        if exc.name in ("derive.homework", "derive.homework.parse"):
            return None
        raise
    return parse_answer


def parse_delta(text: str) -> sp.Expr:
    """δ^L from ``text`` with the project's parser if present, else the fallback table.

    Raises ``ValueError`` (``derive.homework.parse.ParseError`` is one) on text it cannot read.
    """
    parser = _project_parser()
    if parser is None:
        return parse_delta_fallback(text)
    return parse_delta_with(parser, text)
