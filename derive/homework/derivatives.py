"""Derivatives written as derivatives (∂a/∂z, dσ(z)/dz, ∂/∂w ½(y − a)²), evaluated once the
exercise's definitions apply.

The parser keeps ``\\frac{\\partial a}{\\partial z}`` as an unevaluated ``Derivative(a, z)``:
read on its own, ``a`` is a plain symbol and its derivative would be 0. Here each such
derivative ``∂f/∂v`` is computed as the student meant it:

1. every defined symbol in ``f`` other than ``v`` is replaced by its definition, repeatedly
   (``a → σ(z)``, then ``z → w x + b`` when ``v`` is ``w``; ``z`` stays when ``v`` is ``z``);
2. a sum over neurons that contains the component ``v`` is split as that one term plus the
   rest, ``Σ_k e^{z_k} = e^{z_j} + R`` (so ∂a^L_j/∂z^L_j of a softmax is a_j(1 − a_j));
3. the inverse-function rule when ``v`` is itself defined, ``v = g(u)`` and ``f`` depends on
   ``u`` only: ``∂z/∂a = 1/σ'(z)`` for ``a = σ(z)``;
4. the course's network, for layer-indexed symbols the exercise leaves undefined:
   ``z^l_j = Σ_k w^l_{jk} a^{l−1}_k + b^l_j`` and ``a^l_j = σ(z^l_j)``, so
   ``∂z^l_j/∂b^l_j = 1``, ``∂z^l_j/∂w^l_{jk} = a^{l−1}_k``, ``∂z^{l+1}_k/∂a^l_j = w^{l+1}_{kj}``,
   ``∂a^l_j/∂z^l_j = σ'(z^l_j)`` (a total derivative: ∂f/∂v + Σ_s ∂f/∂s · ∂s/∂v).

A derivative of the cost as an unknown function (``∂C/∂a^L_j``, ``C'(a)``) is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import sympy as sp
from sympy.core.function import AppliedUndef

from ..engine import notation as nt
from ..engine.indexing import indexed_form, split_name
from .equivalence import Definition

__all__ = ["resolve_derivatives"]

_LAYERED = re.compile(r"^(?P<fam>[A-Za-z]+)\^\{(?P<layer>[^{}]+)\}_\{(?P<idx>[^{}]+)\}$")
_LAYER = re.compile(r"^(?P<letter>[lL])(?P<off>[+-]\d+)?$")


def _layered(sym: sp.Basic) -> tuple[str, tuple[str, int], str] | None:
    """``z^{l+1}_{k}`` → ``('z', ('l', 1), 'k')``; None for anything else."""
    if not isinstance(sym, sp.Symbol):
        return None
    m = _LAYERED.match(sym.name)
    if m is None:
        return None
    layer = _LAYER.match(m.group("layer").replace(" ", ""))
    if layer is None:
        return None
    return m.group("fam"), (layer.group("letter"), int(layer.group("off") or 0)), m.group("idx")


def _layer_text(layer: tuple[str, int]) -> str:
    letter, off = layer
    return letter if off == 0 else f"{letter}{off:+d}"


@cache
def _symbol(text: str) -> sp.Expr:
    """The very symbol the parser makes for ``text`` (same name, same assumptions)."""
    from .parse import parse_answer  # the parser imports nothing from here

    return parse_answer(text)


def _layer_symbol(fam: str, layer: tuple[str, int], idx: str) -> sp.Expr:
    head = r"\delta" if fam == "delta" else fam
    return _symbol(f"{head}^{{{_layer_text(layer)}}}_{{{idx}}}")


def _network_dependence(s: sp.Symbol, v: sp.Symbol, depth: int = 0) -> sp.Expr:
    """∂s/∂v in the course's network (s ≠ v, both layer-indexed); 0 when s does not depend
    on v there."""
    ps, pv = _layered(s), _layered(v)
    if ps is None or pv is None or depth > 3:
        return sp.S.Zero
    fs, ls, js = ps
    fv, lv, iv = pv
    if fs == "z":
        if fv == "b" and lv == ls and iv == js:
            return sp.S.One
        if fv == "w" and lv == ls and len(iv) == 2 and iv[0] == js:
            return _layer_symbol("a", (ls[0], ls[1] - 1), iv[1])
        if fv == "a" and lv == (ls[0], ls[1] - 1):
            return _layer_symbol("w", ls, js + iv)
        return sp.S.Zero
    if fs == "a":
        z = _layer_symbol("z", ls, js)
        inner = sp.S.One if z == v else _network_dependence(z, v, depth + 1)
        return nt.SigmaPrime(z) * inner if inner != 0 else sp.S.Zero
    return sp.S.Zero


def _component(base: str, idx: str) -> sp.Expr:
    if base.startswith("delta"):
        base = "\\" + base
    return _symbol(f"{base}_{{{idx}}}")


def _split_sums(f: sp.Expr, v: sp.Symbol) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """Each Σ_k g(·_k) that has a term in the component ``v`` → that term + a fresh R; returns
    the new expression and R → (Σ − term), to put back after differentiating."""
    split = split_name(v.name)
    if split is None or len(split[1]) != 1:
        return f, {}
    vbase, (vidx,) = split
    back: dict[sp.Symbol, sp.Expr] = {}

    def one(s: sp.Sum) -> sp.Expr:
        if isinstance(s, nt.SampleSum) or len(s.limits) != 1:
            return s
        k = s.limits[0][0]
        hits = [
            i for i in s.function.atoms(sp.Indexed) if i.base.name == vbase and i.indices == (k,)
        ]
        if not hits:
            return s
        mapping = {
            i: _component(i.base.name, vidx)
            for i in s.function.atoms(sp.Indexed)
            if i.indices == (k,)
        }
        term = s.function.xreplace(mapping)
        rest = sp.Dummy("R", real=True)
        back[rest] = s - term
        return term + rest

    return f.replace(lambda e: isinstance(e, sp.Sum), one), back


def _derivative(f: sp.Expr, v: sp.Symbol, definitions: Sequence[Definition]) -> sp.Expr:
    """∂f/∂v with the definitions and the course's network (see the module docstring)."""
    others = {d.lhs: d.rhs for d in definitions if d.lhs != v}
    for _ in range(len(others) + 1):
        before = f
        f = f.xreplace(others)
        if f == before:
            break
    own = [d for d in definitions if d.lhs == v]
    if own and not f.has(v):
        g = own[0].rhs
        free = [s for s in g.free_symbols if isinstance(s, sp.Symbol)]
        if len(free) == 1 and f.has(free[0]):
            u = free[0]
            return sp.diff(f, u) / sp.diff(g, u)
    f, back = _split_sums(f, v)
    result = sp.diff(f, v)
    for s in sorted(f.free_symbols - {v}, key=str):
        dep = _network_dependence(s, v) if isinstance(s, sp.Symbol) else sp.S.Zero
        if dep != 0:
            result += sp.diff(f, s) * dep
    return result.xreplace(back) if back else result


def resolve_derivatives(expr: sp.Expr, definitions: Sequence[Definition] = ()) -> sp.Expr:
    """Every written derivative ∂f/∂v in ``expr`` computed under ``definitions`` (and the
    course's network); derivatives of the cost as an unknown function are kept."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Derivative):
        return expr

    def compute(d: sp.Derivative) -> sp.Expr:
        if d.expr.atoms(AppliedUndef):
            return d
        f = d.expr
        indexed = {
            i: _component(i.base.name, "".join(str(x) for x in i.indices))
            for i in f.atoms(sp.Indexed)
        }
        if indexed:  # ∂z^{l+1}_k/∂a^l_j inside Σ_k: computed on symbols, then indexed again
            letters = {str(x) for i in indexed for x in i.indices}
            f = f.xreplace(indexed)
            result = compute(sp.Derivative(f, *d.variable_count))
            for letter in sorted(letters):
                result = indexed_form(result, letter)
            return result
        for v, count in d.variable_count:
            if not isinstance(v, sp.Symbol):
                return d
            for _ in range(int(count)):
                f = _derivative(f, v, definitions)
        for u in {s.args[0] for s in f.atoms(nt.sigma)}:  # σ(u)(1 − σ(u)) shown as σ'(u)
            f = f.subs(nt.sigma(u) * (1 - nt.sigma(u)), nt.SigmaPrime(u))
        return f

    return expr.replace(lambda e: isinstance(e, sp.Derivative), compute)


def in_variable(expr: sp.Expr, var: sp.Symbol, definitions: Sequence[Definition]) -> sp.Expr:
    """``expr`` written in ``var`` where a definition connects them: with ``a = σ(z)``, every
    remaining ``z`` becomes ``ln(a/(1 − a))`` (σ's inverse, exact for a ∈ (0, 1)), so a cost
    answered in z, ``ln(1 + e^z) − y z``, can be differentiated with respect to a."""
    for d in definitions:
        if d.lhs != var or not isinstance(d.rhs, nt.sigma):
            continue
        u = d.rhs.args[0]
        if isinstance(u, sp.Symbol) and expr.has(u):
            expr = expr.xreplace({u: sp.log(var / (1 - var))})
    return expr
