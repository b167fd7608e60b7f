"""Index notation inside sums: ``Σ_k w^{l+1}_{kj} δ^{l+1}_k``.

Outside a sum, ``w^{l+1}_{kj}`` is one atomic symbol (:func:`derive.engine.notation.layer_symbol`).
Inside ``Σ_k`` the summand must depend on ``k``, so every symbol whose subscript mentions
``k`` becomes ``IndexedBase('w^{l+1}')[k, j]``; the other indices stay symbols. The sum runs
over ``k = 1 … K`` with ``K`` = :data:`LAYER_WIDTH` unless limits are written.
"""

from __future__ import annotations

import re

import sympy as sp

__all__ = [
    "LAYER_FAMILIES",
    "LAYER_WIDTH",
    "component_symbol",
    "index_symbol",
    "indexed_form",
    "split_name",
]

#: families whose superscript is a layer index (``a^L_j``), not a power
LAYER_FAMILIES = frozenset({"a", "z", "w", "b", "delta"})
#: number of neurons summed over by ``Σ_k`` when no upper limit is written
LAYER_WIDTH = sp.Symbol("K", integer=True, positive=True)

_NAME = re.compile(
    r"^(?P<base>[A-Za-z]+(?:\^\{[^{}]*\})?)_(?:\{(?P<braced>[^{}]*)\}|(?P<plain>\w+))$"
)


def component_symbol(family: sp.Symbol, index: str) -> sp.Symbol:
    """``x_j`` from ``x`` and ``'j'``: the component carries the family's assumptions."""
    name = f"{family.name}_{index}" if index.isalnum() else f"{family.name}_{{{index}}}"
    return sp.Symbol(name, **family.assumptions0)


def index_symbol(letter: str) -> sp.Symbol:
    """The summation index ``k`` (an integer symbol)."""
    return sp.Symbol(letter, integer=True)


def split_name(name: str) -> tuple[str, tuple[str, ...]] | None:
    """``'w^{l+1}_{kj}'`` → ``('w^{l+1}', ('k', 'j'))``; ``'x_j'`` → ``('x', ('j',))``."""
    m = _NAME.match(name)
    if m is None:
        return None
    raw = m.group("braced") if m.group("braced") is not None else m.group("plain")
    parts = tuple(p for p in re.split(r",", raw) if p) if "," in raw else tuple(raw)
    return m.group("base"), parts


def indexed_form(expr: sp.Expr, letter: str) -> sp.Expr:
    """``expr`` with every symbol indexed by ``letter`` replaced by an ``Indexed`` object."""
    mapping: dict[sp.Symbol, sp.Expr] = {}
    for sym in expr.free_symbols:
        if not isinstance(sym, sp.Symbol):
            continue
        split = split_name(sym.name)
        if split is None or letter not in split[1]:
            continue
        base, indices = split
        mapping[sym] = sp.IndexedBase(base)[tuple(index_symbol(i) for i in indices)]
    return expr.xreplace(mapping) if mapping else expr
