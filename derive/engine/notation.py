"""The course's notation as SymPy objects.

* ``sigma`` is the logistic function σ(z) = 1/(1 + e^{-z}); its derivative is σ(z)(1 − σ(z)).
* ``SigmaPrime`` is σ'(z) kept unevaluated, so that it prints as ``\\sigma'(z)``;
  :func:`expand_sigma_prime` replaces it by σ(z)(1 − σ(z)).
* Single neuron: ``z = w x + b`` (or ``z = Σ_j w_j x_j + b``), ``a = σ(z)``, target ``y``.
* Network: layer-indexed symbols (``a^L_j``, ``z^L_j``, ``w^L_{jk}``, ``b^L_j``, ``δ^L_j``)
  whose superscript is a layer index, never a power; see :func:`layer_symbol`.

Assumptions carried by the symbols are only the ones SymPy can state (``a`` positive, ``y``
non-negative, ``z`` real); the upper bounds ``a < 1`` and ``y ≤ 1`` live in
:mod:`derive.engine.domain`, which knows how to make SymPy use them.
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "SAMPLE_INDEX",
    "C",
    "LayerSymbol",
    "SampleSum",
    "SigmaPrime",
    "a",
    "b",
    "expand_sigma_prime",
    "layer_symbol",
    "mean_over_samples",
    "n",
    "r_j",
    "s",
    "sigma",
    "t",
    "u",
    "w",
    "w_j",
    "x",
    "x_j",
    "y",
    "z",
]


class sigma(sp.Function):
    """The logistic function σ(z) = 1/(1 + e^{-z}), with σ'(z) = σ(z)(1 − σ(z))."""

    nargs = 1

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.S.Half
        if arg is sp.oo:
            return sp.S.One
        if arg is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        s_ = sigma(self.args[0])
        return s_ * (1 - s_)

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        out = rf"\sigma({printer._print(self.args[0])})"
        return out if exp is None else f"{out}^{{{exp}}}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return f"sigma({printer._print(self.args[0])})"


class SigmaPrime(sp.Function):
    """σ'(z), unevaluated so that it prints as ``σ'(z)``; ``doit()`` gives σ(z)(1 − σ(z))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        s_ = sigma(self.args[0])
        return s_ * (1 - s_) * (1 - 2 * s_)

    def doit(self, deep: bool = True, **hints: object) -> sp.Expr:
        arg = self.args[0].doit(deep=deep, **hints) if deep else self.args[0]
        s_ = sigma(arg)
        return s_ * (1 - s_)

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        e = sp.exp(-arg)
        return e / (1 + e) ** 2

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _latex(self, printer: sp.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        out = rf"\sigma'({printer._print(self.args[0])})"
        return out if exp is None else f"{out}^{{{exp}}}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return f"sigma'({printer._print(self.args[0])})"


class SampleSum(sp.Sum):
    """Σ_x over the n training samples; the summand's a, y, x_j are those of sample x.

    The summand is written, as in the lecture, without a sample index: the symbols stand
    for the values of one generic sample. Proving two summands equal as functions of those
    symbols proves the sums equal for every training set.
    """

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        body = printer._print(self.function)
        if isinstance(self.function, sp.Add):
            body = rf"\left({body}\right)"
        return rf"\sum_{{x}} {body}"

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return f"Sum_x({printer._print(self.function)})"

    def doit(self, **hints: object) -> sp.Expr:
        """Evaluate the summand only: Σ_x f is never collapsed to n·f (f varies by sample)."""
        f = self.function.doit(**hints) if hints.get("deep", True) else self.function
        return self.func(f, *self.limits)


#: index of the sum over samples (never printed)
SAMPLE_INDEX = sp.Symbol("xi", integer=True, positive=True)


def mean_over_samples(summand: sp.Expr) -> sp.Expr:
    """(1/n) Σ_x summand, kept unevaluated for printing."""
    return sp.Mul(1 / n, SampleSum(summand, (SAMPLE_INDEX, 1, n)), evaluate=False)


def expand_sigma_prime(expr: sp.Basic) -> sp.Basic:
    """Replace every σ'(u) in ``expr`` by σ(u)(1 − σ(u))."""
    if not expr.has(SigmaPrime):
        return expr
    return expr.replace(lambda e: isinstance(e, SigmaPrime), lambda e: e.doit())


class LayerSymbol(sp.Symbol):
    """An atomic symbol named ``family^{layer}_{index}``; a Greek family prints as Greek."""

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        family, rest = self.name.split("^", 1)
        return printer._print(sp.Symbol(family)) + "^" + rest


# SymPy orders the terms of a sum by class *name* (Basic.compare): under its own name a layer
# symbol would sort apart from plain symbols and `a^L_k - y_k` would print as `-y_k + a^L_k`.
# Named "Symbol", it sorts and prints exactly as the plain symbol of the same name did.
LayerSymbol.__name__ = "Symbol"


def layer_symbol(
    family: str, layer: str | int, index: str | int = "", **assumptions: bool
) -> sp.Symbol:
    """A layer-indexed symbol such as ``a^L_j`` (``family='a', layer='L', index='j'``).

    The superscript is a layer index, not a power: the symbol is atomic, and prints as
    ``a^{L}_{j}`` in LaTeX. ``family`` may be a Greek name (``'delta'``).
    """
    name = f"{family}^{{{layer}}}"
    if index != "":
        name += f"_{{{index}}}"
    return LayerSymbol(name, **(assumptions or {"real": True}))


#: output activation a = σ(z); a ∈ (0, 1) (upper bound: see derive.engine.domain)
a = sp.Symbol("a", positive=True)
#: target y ∈ [0, 1]
y = sp.Symbol("y", nonnegative=True)
#: weighted input, weight, bias, input of a single neuron: real
z, w, b, x = sp.symbols("z w b x", real=True)
#: one weight and its input of a neuron with several inputs, and the rest of its weighted
#: input: z = Σ_k w_k x_k + b = w_j x_j + r_j, where r_j does not depend on w_j
w_j, x_j = sp.symbols("w_j x_j", real=True)
r_j = sp.Symbol("r_j", real=True)
#: number of training samples
n = sp.Symbol("n", positive=True, integer=True)
#: substitution variable (t = 1/a − 1 > 0 on the domain)
t = sp.Symbol("t", positive=True)
#: reparametrisation variables: a = σ(s) with s real; u > 0
s = sp.Symbol("s", real=True)
u = sp.Symbol("u", positive=True)
#: the cost, as an unknown function of a
C = sp.Function("C")
