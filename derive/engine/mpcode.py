"""Compile a SymPy expression to a Python function of mpmath numbers, without ``lambdify``.

The second opinion (:mod:`derive.engine.points`) evaluates each expression at a few dozen
points. :func:`sympy.lambdify` spends far longer writing the code (its printers, about 2 ms
an expression) than the points take to evaluate; :func:`compile_mp` writes the same code —
the same mpmath operations on the same operands — from one walk of the tree:

* a rational ``p/q`` is ``mpf(p)/mpf(q)`` and a float ``mpf((sign, man, exp, bc))``, both
  made at call time, i.e. at the working precision of the call (30 or 60 digits);
* ``b^(1/2)`` is ``sqrt(b)``, ``b^(−1/2)`` is ``1/sqrt(b)``, ``b^(−1)`` is ``1/b``, other
  powers ``b**e``: a negative base to a fractional power gives an mpmath complex, as with
  ``lambdify``, which the caller reads as "not real here";
* ``ln``, ``exp``, ``|·|``, ``sign``, the trigonometric and hyperbolic functions and their
  inverses are mpmath's; ``σ`` and any other named function come from ``functions``.

A node it does not know (a piecewise function, a constant such as ``π``, an unevaluated sum)
makes :func:`compile_mp` return ``None``: the caller then uses ``lambdify``, so nothing that
``lambdify`` evaluates is lost. Each value is computed as ``lambdify`` computes it up to the
order of the terms of a sum or the factors of a product (a difference in the last digit at
most, far below the tolerance of :mod:`derive.engine.points`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import mpmath
import sympy as sp

__all__ = ["compile_mp"]

#: SymPy function → the mpmath function of the same name (as ``lambdify``'s mpmath printer)
_FUNCTIONS: dict[type, str] = {
    sp.exp: "exp",
    sp.log: "log",
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.asin: "asin",
    sp.acos: "acos",
    sp.atan: "atan",
    sp.asinh: "asinh",
    sp.acosh: "acosh",
    sp.atanh: "atanh",
    sp.sign: "sign",
}

_NAMESPACE: dict[str, object] = {name: getattr(mpmath, name) for name in _FUNCTIONS.values()}
_NAMESPACE.update(mpf=mpmath.mpf, sqrt=mpmath.sqrt, abs=abs)


class _Unknown(Exception):
    """A node this compiler does not write: the caller falls back to ``lambdify``."""


class _Writer:
    def __init__(self, args: Mapping[sp.Basic, str], functions: Mapping[str, object]) -> None:
        self.args = args
        self.functions = functions

    def code(self, e: sp.Basic) -> str:
        """Python source for ``e`` (parenthesised wherever it is not an atom)."""
        if e in self.args:
            return self.args[e]
        if e.is_Integer:
            return f"({int(e)})"
        if e.is_Rational:
            return f"(mpf({int(e.p)})/mpf({int(e.q)}))"
        if e.is_Float:
            return f"mpf({tuple(map(int, e._mpf_))!r})"
        if e.is_Add:
            return "(" + " + ".join(self.code(q) for q in e.args) + ")"
        if e.is_Mul:
            return "(" + "*".join(self.code(q) for q in e.args) + ")"
        if e.is_Pow:
            return self.power(e)
        func = type(e)
        if func is sp.Abs:
            return f"abs({self.code(e.args[0])})"
        name = _FUNCTIONS.get(func) or getattr(func, "__name__", "")
        if (func in _FUNCTIONS or name in self.functions) and len(e.args) == 1:
            return f"{name}({self.code(e.args[0])})"
        raise _Unknown(type(e).__name__)

    def power(self, e: sp.Pow) -> str:
        base, ex = e.args
        if ex is sp.S.Half:
            return f"sqrt({self.code(base)})"
        if ex == -sp.S.Half:
            return f"(1/sqrt({self.code(base)}))"
        if ex is sp.S.NegativeOne:
            return f"(1/{self.code(base)})"
        return f"({self.code(base)}**{self.code(ex)})"


def compile_mp(
    exprs: sp.Tuple | Sequence[sp.Basic],
    symbols: Sequence[sp.Symbol],
    functions: Mapping[str, object] | None = None,
) -> Callable[..., tuple] | None:
    """``f(*values)`` → the tuple of ``exprs`` at ``symbols = values`` (mpmath numbers), or
    ``None`` if an expression has a node this compiler does not write."""
    functions = dict(functions or {})
    args = {sym: f"_{i}" for i, sym in enumerate(symbols)}
    writer = _Writer(args, functions)
    try:
        body = ", ".join(writer.code(e) for e in exprs)
        source = f"def _f({', '.join(args.values())}):\n    return ({body},)\n"
        namespace = {**_NAMESPACE, **functions}
        exec(compile(source, "<derive.engine.mpcode>", "exec"), namespace)
    except (_Unknown, RecursionError, SyntaxError, MemoryError):
        return None  # unknown node, or too deep for the Python compiler: use lambdify
    return namespace["_f"]  # type: ignore[return-value]
