"""Index notation inside sums: ``Σ_k w^{l+1}_{kj} δ^{l+1}_k``.

Outside a sum, ``w^{l+1}_{kj}`` is one atomic symbol (:func:`derive.engine.notation.layer_symbol`).
Inside ``Σ_k`` the summand must depend on ``k``, so every symbol whose subscript mentions
``k`` becomes ``IndexedBase('w^{l+1}')[k, j]``; the other indices stay symbols. The sum runs
over ``k = 1 … K`` with ``K`` = :data:`LAYER_WIDTH` unless limits are written.
"""

from __future__ import annotations

import hashlib
import re

import sympy as sp

__all__ = [
    "LAYER_FAMILIES",
    "LAYER_WIDTH",
    "canonical_indices",
    "component_symbol",
    "family_derivatives",
    "free_components",
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


# --------------------------------------------------------------------------- one family


def _family_bases(expr: sp.Basic) -> dict[str, sp.IndexedBase]:
    return {str(ix.base.label): ix.base for ix in expr.atoms(sp.Indexed)}


def _free_members(
    symbols: set[sp.Basic], bases: dict[str, sp.IndexedBase]
) -> dict[sp.Symbol, sp.Indexed]:
    """Free symbols that are one component of a family summed over: ``a^{L}_{j}`` → a^L[j]."""
    out: dict[sp.Symbol, sp.Indexed] = {}
    for sym in symbols:
        if not isinstance(sym, sp.Symbol):
            continue
        split = split_name(sym.name)
        if split is None or split[0] not in bases or len(split[1]) != 1:
            continue
        out[sym] = bases[split[0]][index_symbol(split[1][0])]
    return out


def _inside_range(pw: sp.Piecewise, free: set[sp.Symbol]) -> sp.Expr:
    """``Piecewise((f, (1 ≤ j) ∧ (j ≤ K)), (0, True))`` → ``f`` for a free neuron index j.

    A free index of the course's notation names a neuron of its layer, 1 ≤ j ≤ K (K =
    :data:`LAYER_WIDTH`); only those two facts are used, so a sum over another range
    (``Σ_{k=2}^{K}``) keeps its case split.
    """
    facts: dict[sp.Basic, sp.Basic] = {}
    for j in free:
        for rel in (sp.Ge(j, 1), sp.Le(1, j), sp.Le(j, LAYER_WIDTH), sp.Ge(LAYER_WIDTH, j)):
            facts[rel] = sp.true
    for value, cond in pw.args:
        decided = cond.xreplace(facts) if isinstance(cond, sp.Basic) else cond
        if decided is sp.true:
            return value
        if decided is not sp.false:
            return pw
    return pw


def family_derivatives(expr: sp.Basic, known: set[sp.Basic] = frozenset()) -> sp.Basic:
    """Evaluate ∂/∂a^L_j of expressions with sums over the family a^L (Kronecker delta).

    Outside a sum ``a^{L}_{j}`` is an atom; inside ``Σ_k`` the summand has ``a^L[k]``. They
    are one family: for a derivative whose variable is a component ``a^{L}_{j}`` of a family
    that the differentiated expression sums over, every free component (``a^{L}_{j}``,
    ``y_j``) becomes ``Indexed`` at ``j``, the derivative is taken (``Σ_k f_k δ_jk = f_j``
    for 1 ≤ j ≤ K), and the components are turned back into the symbols of ``known`` (the
    chain's symbols) or new real symbols of the same name.
    """
    if not expr.has(sp.Derivative) or not expr.has(sp.Indexed):
        return expr

    def rewrite(d: sp.Derivative) -> sp.Basic:
        bases = _family_bases(d.expr)
        if not bases:
            return d
        to_idx = _free_members(d.expr.free_symbols | set(d.variables), bases)
        if not any(v in to_idx for v in d.variables):
            return d
        free_idx = {ix.indices[0] for ix in to_idx.values()}
        new = sp.Derivative(
            d.expr.xreplace(to_idx), *[(to_idx.get(v, v), c) for v, c in d.variable_count]
        ).doit()
        new = new.doit()  # Σ_k f_k δ_jk → Piecewise
        new = new.replace(
            lambda q: isinstance(q, sp.Piecewise), lambda q: _inside_range(q, free_idx)
        )
        names = {getattr(s_, "name", None): s_ for s_ in (*known, *to_idx)}
        back: dict[sp.Basic, sp.Basic] = {ix: sym for sym, ix in to_idx.items()}
        for ix in new.atoms(sp.Indexed):
            if ix in back or len(ix.indices) != 1 or ix.indices[0] not in free_idx:
                continue
            base, idx = str(ix.base.label), str(ix.indices[0])
            for name in (f"{base}_{{{idx}}}", f"{base}_{idx}"):
                if name in names:
                    back[ix] = names[name]
                    break
            else:
                name = f"{base}_{idx}" if "^" not in base else f"{base}_{{{idx}}}"
                back[ix] = sp.Symbol(name, real=True)
        return new.xreplace(back)

    return expr.replace(lambda q: isinstance(q, sp.Derivative), rewrite)


def free_components(expr: sp.Basic, known: set[sp.Basic] = frozenset()) -> sp.Basic:
    """``a^L[j]`` with a free index j (what ``Σ_k f_k δ_jk`` leaves) → the symbol ``a^{L}_{j}``
    of ``known`` (or a new real one); ``Piecewise((f, 1 ≤ j ≤ K), (0, True))`` → ``f`` for a
    free neuron index j (:func:`_inside_range`)."""
    if not expr.has(sp.Indexed) and not expr.has(sp.Piecewise):
        return expr
    names = {getattr(s_, "name", None): s_ for s_ in known}

    def name_of(ix: sp.Indexed) -> sp.Basic:
        base, idx = str(ix.base.label), str(ix.indices[0])
        for name in (f"{base}_{{{idx}}}", f"{base}_{idx}"):
            if name in names:
                return names[name]
        name = f"{base}_{idx}" if "^" not in base else f"{base}_{{{idx}}}"
        return sp.Symbol(name, real=True)

    def walk(e: sp.Basic, bound: frozenset) -> sp.Basic:
        if not e.args:
            return e
        if isinstance(e, sp.Indexed):
            idx = e.indices
            if len(idx) == 1 and idx[0].is_Symbol and idx[0] not in bound:
                return name_of(e)
            return e
        if isinstance(e, sp.Sum):  # its own index is bound inside it, a free j stays free
            inner = bound | {lim[0] for lim in e.limits}
            return e.func(walk(e.function, inner), *e.limits)
        new = e.func(*[walk(q, bound) for q in e.args])
        if isinstance(new, sp.Piecewise):
            free = {q for q in new.free_symbols if q.is_integer and q != LAYER_WIDTH}
            return _inside_range(new, free)
        return new

    return walk(expr, frozenset())


def canonical_indices(expr: sp.Basic) -> sp.Basic:
    """Bound indices renamed by what they sum (``Σ_k``, ``Σ_j`` and ``Σ_i`` of the same
    summand over the same range are the same expression): innermost sums first, the variable
    of each becomes ``iota_<digest of the summand and limits with the variable blanked>``."""
    if not expr.has(sp.Sum):
        return expr
    blank = sp.Dummy("blank")

    def rename(e: sp.Sum) -> sp.Basic:
        if type(e) is not sp.Sum or len(e.limits) != 1:
            return e
        k, *bounds = e.limits[0]
        shape = sp.srepr(sp.Tuple(e.function.xreplace({k: blank}), *bounds)).replace(
            sp.srepr(blank), "_"
        )
        new = sp.Symbol("iota_" + hashlib.sha1(shape.encode()).hexdigest()[:8], integer=True)
        return sp.Sum(e.function.xreplace({k: new}), (new, *bounds))

    return expr.replace(lambda q: type(q) is sp.Sum, rename)
