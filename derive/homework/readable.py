"""An answer as read, in readable plain text (the LaTeX echo's companion): ``σ'(z)``, ``ln``,
``e^(−z)``, ``a^L_j``, ``∂a/∂z``, ``Σ_{k=1}^{K}``, so that a misreading is visible at once."""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.str import StrPrinter

from ..engine import notation as nt

__all__ = ["echo_text", "to_text"]

_GREEK = {
    "delta": "δ",
    "eta": "η",
    "lambda": "λ",
    "epsilon": "ε",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "theta": "θ",
    "mu": "μ",
}


def _name(name: str) -> str:
    """``a^{L}_{j}`` → ``a^L_j``; ``delta^{l+1}_{k}`` → ``δ^(l+1)_k``."""
    for word, letter in _GREEK.items():
        if name == word or re.match(rf"^{word}(?=[\^_])", name):
            name = letter + name[len(word) :]
            break

    def script(m: re.Match[str]) -> str:
        inner = m.group(2)
        return f"{m.group(1)}{inner}" if re.fullmatch(r"\w", inner) else f"{m.group(1)}({inner})"

    return re.sub(r"([\^_])\{([^{}]*)\}", script, name)


class _Text(StrPrinter):
    printmethod = "_readable_text"  # not the objects' own _sympystr (σ' prints as sigma')

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return _name(expr.name)

    def _print_Dummy(self, expr: sp.Dummy) -> str:
        return _name(expr.name)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return _name(str(expr.label))

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        idx = "".join(self._print(i) for i in expr.indices)
        base = self._print(expr.base)
        return f"{base}_{idx}" if len(idx) == 1 else f"{base}_({idx})"

    def _print_Function(self, expr: sp.Function) -> str:
        if isinstance(expr, nt.SigmaPrime):
            return f"σ'({self._print(expr.args[0])})"
        if isinstance(expr, nt.sigma):
            return f"σ({self._print(expr.args[0])})"
        return super()._print_Function(expr)

    def _print_SigmaPrime(self, expr: sp.Basic) -> str:
        return f"σ'({self._print(expr.args[0])})"

    def _print_sigma(self, expr: sp.Basic) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_SampleSum(self, expr: sp.Sum) -> str:
        return f"Σ_x ({self._print(expr.function)})"

    def _print_log(self, expr: sp.log) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_exp(self, expr: sp.exp) -> str:
        return f"e^({self._print(expr.args[0])})"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = expr.expr
        top = self._print(inner)
        if not isinstance(inner, (sp.Symbol, sp.core.function.AppliedUndef)):
            top = f"({top})"
        if isinstance(inner, sp.core.function.AppliedUndef):
            top = inner.func.__name__
        den = "".join(
            f"∂{self._print(v)}" + (f"^{n}" if n != 1 else "") for v, n in expr.variable_count
        )
        order = expr.derivative_count
        return f"∂{'^' + str(order) if order > 1 else ''}{top}/{den}"

    def _print_Sum(self, expr: sp.Sum) -> str:
        parts = []
        for k, lo, hi in expr.limits:
            if isinstance(expr, nt.SampleSum):
                parts.append("Σ_x")
            else:
                parts.append(f"Σ_{{{self._print(k)}={self._print(lo)}}}^{{{self._print(hi)}}}")
        return " ".join(parts) + f" ({self._print(expr.function)})"

    def _print_Integral(self, expr: sp.Integral) -> str:
        var = self._print(expr.limits[0][0])
        return f"∫ ({self._print(expr.function)}) d{var}"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"


def to_text(expr: sp.Basic) -> str:
    """``expr`` as readable text (products with ``·``, powers with ``^``)."""
    text = _Text({"order": None}).doprint(expr)
    return text.replace("**", "^").replace("*", "·")


def echo_text(written: sp.Basic, computed: sp.Basic | None = None, lang: str = "en") -> str:
    """The readable echo: the answer as written, and what its written derivatives became."""
    text = to_text(written)
    if computed is not None and computed != written and written.has(sp.Derivative):
        label = "s definicemi" if lang == "cs" else "with the definitions"
        text += f"  [{label}: {to_text(computed)}]"
    return text
