"""The project's two printers: textbook LaTeX and one-line Unicode text.

Both print the course's expressions the way the lecture (and Nielsen) writes them:

* terms in a natural order: positive terms first, then the subtracted ones, a constant of
  integration last (``σ(z) − y``, ``y − 1``, ``1 − a``), keeping the data's order otherwise;
* ``ln a`` without brackets when the argument is one symbol, ``ln(1 − a)`` otherwise;
* brackets sized to their content (``\\left(…\\right)``), square brackets around a sum that
  already contains round ones: ``−[y ln a + (1 − y) ln(1 − a)]``;
* layer-indexed names with one group of indices: ``w^{l+1}_{kj}``, ``δ^{l+1}_k``;
* ``σ'(z)`` with a real prime, ``∂C/∂w`` for derivatives of an unknown cost.

The Unicode printer never shows SymPy's syntax (``**``, ``*``, ``Sum(…)``, ``Subs(…)``).
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from .calculus import CONST
from .notation import SampleSum, SigmaPrime, n, sigma

__all__ = ["LatexTextbook", "UnicodeText", "natural_terms"]


def natural_terms(expr: sp.Add) -> list[sp.Expr]:
    """The terms of ``expr`` as a textbook writes them: added, then subtracted, constant last.

    The order within each group is SymPy's (for unevaluated sums: the data's).
    """
    terms = list(expr.args)

    def key(term: sp.Expr) -> tuple[int, int]:
        if term.has(CONST):
            return (2, 0)
        return (1 if term.could_extract_minus_sign() else 0, 0)

    return sorted(terms, key=key)


def _is_atom_like(expr: sp.Basic) -> bool:
    """A symbol or an indexed name: ``ln a`` needs no brackets around it."""
    return isinstance(expr, (sp.Symbol, sp.Indexed))


def _name_latex(name: str) -> str:
    """``delta^{l+1}`` → ``\\delta^{l+1}``; plain names unchanged."""
    m = re.fullmatch(r"\\?([A-Za-z]+)(.*)", name, re.S)
    if not m:
        return name
    head, rest = m.groups()
    greek = {"delta": r"\delta", "sigma": r"\sigma", "rho": r"\rho", "eta": r"\eta"}
    return greek.get(head, ("\\" + head) if name.startswith("\\") else head) + rest


def _indices(parts: list[str]) -> str:
    """``k, j`` → ``kj`` when every index is one character, else ``k,j``."""
    return ("" if all(len(p) == 1 for p in parts) else ",").join(parts)


class LatexTextbook(LatexPrinter):
    """SymPy's LaTeX printer with the course's textbook conventions (see the module)."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__({"order": "none", "ln_notation": True, **(settings or {})})

    def _add_parens(self, s: str) -> str:
        if r"\left(" in s and r"\left[" not in s:
            return rf"\left[{s}\right]"
        return rf"\left({s}\right)"

    def _as_ordered_terms(self, expr: sp.Basic, order: str | None = None) -> list[sp.Expr]:
        if isinstance(expr, sp.Add):
            return natural_terms(expr)
        return super()._as_ordered_terms(expr, order=order)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        if expr.name.startswith("\\"):
            return expr.name
        if expr == CONST:
            return r"\text{const}"
        return super()._print_Symbol(expr, style=style)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return _name_latex(str(expr.label))

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base)
        return f"{base}_{{{_indices([self._print(i) for i in expr.indices])}}}"

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        out = rf"\delta_{{{_indices([self._print(i) for i in expr.args])}}}"
        return out if exp is None else rf"\left({out}\right)^{{{exp}}}"

    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        arg = expr.args[0]
        head = r"\ln" if exp is None else rf"\ln^{{{exp}}}"
        if _is_atom_like(arg):
            return f"{head} {self._print(arg)}"
        return rf"{head}\left({self._print(arg)}\right)"

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef):
            args = ", ".join(self._print(q) for q in expr.args)
            return f"{expr.func.__name__}({args})"
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = expr.expr
        if isinstance(inner, AppliedUndef) and len(expr.variables) == 1:
            var = self._print(expr.variables[0])
            return rf"\frac{{\partial {inner.func.__name__}}}{{\partial {var}}}"
        return super()._print_Derivative(expr)

    def _print_Subs(self, subs: sp.Subs) -> str:
        expr, old, new = subs.args
        pairs = zip(old, new, strict=True)
        at = r",\ ".join(f"{self._print(o)} = {self._print(v)}" for o, v in pairs)
        return rf"\left. {self._print(expr)} \right|_{{{at}}}"

    def _print_Mul(self, expr: sp.Mul) -> str:
        if not isinstance(expr, sp.Mul):  # SymPy prints x**-1 through _print_Mul
            return super()._print_Mul(expr)
        args = _flat_factors(expr)
        sums = [q for q in args if isinstance(q, SampleSum)]
        if 1 / n in args and len(sums) == 1:
            rest = [q for q in args if q != 1 / n and q is not sums[0]]
            prefix = (
                "-" if rest == [sp.S.NegativeOne] else (self._print(sp.Mul(*rest)) if rest else "")
            )
            return rf"{prefix}\frac{{1}}{{n}} {self._print(sums[0])}"
        if len(args) == 2 and sp.S.NegativeOne in args:
            other = args[1] if args[0] == sp.S.NegativeOne else args[0]
            if isinstance(other, sp.Add):
                return "-" + self._add_parens(self._print(other))
        return super()._print_Mul(expr)


def _flat_factors(expr: sp.Mul) -> list[sp.Expr]:
    """Factors of a product, with nested unevaluated products flattened."""
    out: list[sp.Expr] = []
    for q in expr.args:
        out.extend(_flat_factors(q) if isinstance(q, sp.Mul) else [q])
    return out


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_FRACTIONS = {(1, 2): "½", (1, 4): "¼", (3, 4): "¾", (1, 3): "⅓", (2, 3): "⅔"}


def _plain_name(name: str) -> str:
    """``a^{L}_{j}`` → ``a^L_j``, ``delta^{l+1}`` → ``δ^{l+1}``: braces only where needed."""
    name = re.sub(r"([_^])\{([^{}])\}", r"\1\2", name)
    for word, char in (("\\delta", "δ"), ("delta", "δ"), ("\\sigma", "σ"), ("sigma", "σ")):
        name = name.replace(word, char)
    m = re.fullmatch(r"\\frac\{\\partial (\S+)\}\{\\partial (\S+)\}", name)
    if m:
        return f"∂{m.group(1)}/∂{m.group(2)}"
    return name.replace("\\tilde{C}", "C̃").replace("\\", "")


class UnicodeText(StrPrinter):
    """One-line Unicode math: ``½(y − a)²``, ``σ'(z)``, ``∂C/∂w``, ``Σ_k δ_jk``."""

    printmethod = "_unicode_text"  # bypass the notation classes' SymPy-syntax _sympystr

    def __init__(self) -> None:
        super().__init__({"order": "none"})

    def _paren(self, expr: sp.Basic, level: int) -> str:
        s = self._print(expr)
        return f"({s})" if precedence(expr) < level else s

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        if expr == CONST:
            return "const"
        return _plain_name(expr.name)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return _plain_name(str(expr.label))

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        parts = [self._print(i) for i in expr.indices]
        idx = _indices(parts)
        return f"{self._print(expr.base)}_{idx}"

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        return "δ_" + _indices([self._print(i) for i in expr.args])

    def _print_sigma(self, expr: sp.Function) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_SigmaPrime(self, expr: sp.Function) -> str:
        return f"σ'({self._print(expr.args[0])})"

    def _print_log(self, expr: sp.log) -> str:
        arg = expr.args[0]
        return f"ln {self._print(arg)}" if _is_atom_like(arg) else f"ln({self._print(arg)})"

    def _print_exp(self, expr: sp.exp) -> str:
        return "e" + self._exponent(expr.args[0])

    def _exponent(self, e: sp.Basic) -> str:
        if e.is_Integer:
            return str(e).translate(_SUPERSCRIPTS)
        s = self._print(e)
        return f"^{s}" if isinstance(e, sp.Symbol) and len(s) == 1 else f"^({s})"

    def _print_Function(self, expr: sp.Function) -> str:
        args = ", ".join(self._print(a) for a in expr.args)
        name = expr.func.__name__
        return f"{name}({args})"

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        out = ""
        for i, term in enumerate(natural_terms(expr)):
            neg = term.could_extract_minus_sign()
            body = self._paren(-term, PRECEDENCE["Mul"]) if neg else self._print(term)
            if i == 0:
                out = ("−" if neg else "") + body
            else:
                out += (" − " if neg else " + ") + body
        return out

    def _print_Mul(self, expr: sp.Mul) -> str:
        factors = _flat_factors(expr)
        if any(isinstance(q, SampleSum) for q in factors) and 1 / n in factors:
            rest = [q for q in factors if q != 1 / n and q != sp.S.NegativeOne]
            sign = "−" if factors.count(sp.S.NegativeOne) % 2 else ""
            return sign + "(1/n) " + self._join(rest)
        coeff = sp.S.One
        num: list[sp.Expr] = []
        den: list[sp.Expr] = []
        for q in factors:
            if q.is_Number:
                coeff *= q
            elif q.is_Pow and q.exp.is_Number and q.exp < 0:
                den.append(q.base if q.exp == -1 else sp.Pow(q.base, -q.exp, evaluate=False))
            else:
                num.append(q)
        sign = "−" if coeff < 0 else ""
        coeff = abs(coeff)
        p, q = (coeff.p, coeff.q) if coeff.is_Rational else (None, None)
        body = self._join(num)
        if p is not None and (p, q) in _FRACTIONS and num:
            lead = _FRACTIONS[(p, q)]
        elif coeff != 1 or not num:
            if p is not None and q != 1 and num:
                lead, den = str(p) if p != 1 else "", [sp.Integer(q), *den]
                if not lead and not den[1:] and not body:
                    lead = "1"
            else:
                lead = self._print(coeff)
        else:
            lead = ""
        if lead and body and not (body[0].isalpha() or body[0] in "(σδ∂Σ"):
            lead += " "
        top = lead + body if (lead or body) else "1"
        if not den:
            return sign + top
        bottom = self._join(den)
        if len(den) > 1:
            bottom = f"({bottom})"
        if " " in top and not (top.startswith("(") and top.endswith(")")) and len(num) > 1:
            top = f"({top})"
        elif isinstance(num[0] if num else None, sp.Add) and len(num) == 1:
            top = f"({top})" if not top.startswith("(") else top
        return f"{sign}{top}/{bottom}"

    def _join(self, factors: list[sp.Expr]) -> str:
        """A product written by juxtaposition: ``a(1 − a)``, ``(∂C/∂a) σ'(z)``."""
        out = ""
        for k, f in enumerate(factors):
            s = self._paren(f, PRECEDENCE["Mul"])
            if isinstance(f, sp.Derivative) and len(factors) > 1:
                s = f"({s})"
            elif isinstance(f, (sp.Sum, sp.Integral)) and k < len(factors) - 1:
                s = f"({s})"  # (Σ_k δ_k w_kj) σ'(z): the sum ends before the next factor
            if not out:
                out = s
            elif s.startswith("(") and not out.endswith(")") and len(out.split()[-1]) <= 3:
                out += s
            else:
                out += " " + s
        return out

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, e = expr.args
        if e == sp.S.Half:
            return f"√{self._paren(base, PRECEDENCE['Pow'] + 1)}"
        if e.is_Number and e < 0:
            inv = sp.Pow(base, -e, evaluate=False) if e != -1 else base
            return f"1/{self._paren(inv, PRECEDENCE['Mul'] + 1)}"
        b = self._paren(base, PRECEDENCE["Pow"] + 1)
        if isinstance(base, (sp.Function, SigmaPrime, sigma)) and not isinstance(base, sp.exp):
            b = f"({b})" if not b.startswith("(") else b
        return b + self._exponent(e)

    def _print_Rational(self, expr: sp.Rational) -> str:
        s = f"{expr.p}/{expr.q}"
        return s.replace("-", "−")

    def _print_Integer(self, expr: sp.Integer) -> str:
        return str(expr.p).replace("-", "−")

    def _print_Float(self, expr: sp.Float) -> str:
        return super()._print_Float(expr).replace("-", "−")

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = expr.expr
        counts = expr.variable_count
        total = sum(int(c) for _, c in counts)
        order = "" if total == 1 else str(total).translate(_SUPERSCRIPTS)
        below = "".join(
            f"∂{self._print(v)}" + ("" if c == 1 else str(c).translate(_SUPERSCRIPTS))
            for v, c in counts
        )
        if isinstance(inner, AppliedUndef):
            return f"∂{order}{inner.func.__name__}/{below}"
        return f"∂{order}/{below} ({self._print(inner)})"

    def _print_Subs(self, expr: sp.Subs) -> str:
        e, old, new = expr.args
        pairs = zip(old, new, strict=True)
        at = ", ".join(f"{self._print(o)} = {self._print(v)}" for o, v in pairs)
        return f"[{self._print(e)}]_({at})"

    def _print_Sum(self, expr: sp.Sum) -> str:
        heads = []
        for var, _lo, _hi in expr.limits:
            heads.append(f"Σ_{self._print(var)}")
        f = self._paren(expr.function, PRECEDENCE["Mul"])
        return " ".join(heads) + " " + f

    def _print_SampleSum(self, expr: SampleSum) -> str:
        return "Σ_x " + self._paren(expr.function, PRECEDENCE["Mul"])

    def _print_Integral(self, expr: sp.Integral) -> str:
        f = self._paren(expr.function, PRECEDENCE["Mul"])
        return f"∫ {f} d{self._print(expr.variables[0])}"

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        ops = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}
        return f"{self._print(expr.lhs)} {ops[expr.rel_op]} {self._print(expr.rhs)}"

    def _print_Limit(self, expr: sp.Limit) -> str:
        e, v, p, d = expr.args
        side = {"+": "⁺", "-": "⁻"}.get(str(d), "")
        return f"lim_{self._print(v)}→{self._print(p)}{side} {self._paren(e, PRECEDENCE['Mul'])}"

    def _print_Infinity(self, expr: sp.Basic) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: sp.Basic) -> str:
        return "−∞"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"

    def _print_Pi(self, expr: sp.Basic) -> str:
        return "π"

    def _print_Tuple(self, expr: sp.Tuple) -> str:
        return "(" + ", ".join(self._print(a) for a in expr.args) + ")"
