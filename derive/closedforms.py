"""Every closed form of the toolkit, written once.

The derivations in :mod:`derive` end in these expressions (and their verification proves
them); :mod:`numeric` lambdifies them; the homework checker grades against them. Nothing
else in the project types these formulas again.

Symbols: ``a`` output activation, ``y`` target, ``z`` weighted input, ``x`` input,
``w`` weight, ``b`` bias (single neuron: z = w x + b, a = σ(z)). For a network the same
per-output-neuron formulas hold with a → a^L_j, y → y_j, z → z^L_j.
"""

from __future__ import annotations

from types import MappingProxyType

import sympy as sp

from .notation import SigmaPrime, a, b, sigma, w, x, y, z

__all__ = [
    "CE_COST",
    "CE_D2C_DA2",
    "CE_DB",
    "CE_DCDA_EXPANDED",
    "CE_DC_DA",
    "CE_DW",
    "COSTS",
    "MSE_COST",
    "MSE_DB",
    "MSE_DC_DA",
    "MSE_DW",
    "NEURON_Z",
    "OUTPUT_ACTIVATION",
    "OUTPUT_DELTA",
    "SIGMA_PRIME",
    "SIGMA_PRIME_OF_A",
    "negated",
    "ordered",
    "product",
    "relabel",
]


def ordered(*terms: sp.Expr) -> sp.Expr:
    """A sum kept in the order given (``σ(z) − y``, not ``−y + σ(z)``) for printing."""
    return sp.Add(*terms, evaluate=False)


def product(*factors: sp.Expr) -> sp.Expr:
    """A product kept in the order given (``(a − y) σ'(z) x``) for printing."""
    return sp.Mul(*factors, evaluate=False)


def relabel(expr: sp.Expr, mapping: dict[sp.Basic, sp.Basic]) -> sp.Expr:
    """Replace subexpressions without re-ordering the printed terms (``x → x_j``)."""
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    args = [relabel(arg, mapping) for arg in expr.args]
    if isinstance(expr, (sp.Add, sp.Mul, sp.Pow)):
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


def negated(expr: sp.Expr) -> sp.Expr:
    """−(expr) without distributing the sign over an unevaluated sum."""
    return sp.Mul(sp.S.NegativeOne, expr, evaluate=False)


#: weighted input of one neuron with one input
NEURON_Z = ordered(w * x, b)

#: σ'(z) = σ(z)(1 − σ(z))
SIGMA_PRIME = product(sigma(z), ordered(1, -sigma(z)))
#: σ'(z) in terms of a = σ(z): a(1 − a)
SIGMA_PRIME_OF_A = product(a, ordered(1, -a))

#: cross-entropy of one sample: C = −(y ln a + (1 − y) ln(1 − a))
CE_COST = negated(ordered(y * sp.log(a), ordered(1, -y) * sp.log(ordered(1, -a))))
#: the ∂C/∂a that cancels σ': (a − y)/(a(1 − a))
CE_DC_DA = ordered(a, -y) / (a * ordered(1, -a))
#: C'(a) as differentiating C term by term gives it: −y/a + (1 − y)/(1 − a)
CE_DCDA_EXPANDED = ordered(-y / a, ordered(1, -y) / ordered(1, -a))
#: C''(a) = y/a² + (1 − y)/(1 − a)²
CE_D2C_DA2 = ordered(y / a**2, ordered(1, -y) / ordered(1, -a) ** 2)
#: one neuron, cross-entropy: ∂C/∂w = x (σ(z) − y), ∂C/∂b = σ(z) − y
CE_DW = product(x, ordered(sigma(z), -y))
CE_DB = ordered(sigma(z), -y)

#: quadratic cost of one sample: C = ½ (y − a)²
MSE_COST = ordered(y, -a) ** 2 / 2
#: ∂C/∂a = a − y
MSE_DC_DA = ordered(a, -y)
#: one neuron, quadratic cost: ∂C/∂w = (a − y) σ'(z) x, ∂C/∂b = (a − y) σ'(z)
MSE_DW = product(ordered(a, -y), SigmaPrime(z), x)
MSE_DB = product(ordered(a, -y), SigmaPrime(z))

#: the cost/output pairs the toolkit knows, by their CLI names
COSTS: tuple[str, ...] = (
    "cross-entropy",
    "quadratic",
    "quadratic-linear",
    "softmax-log-likelihood",
)

#: output activation of each pair: a = f(z) (softmax is over the whole layer)
OUTPUT_ACTIVATION = MappingProxyType(
    {
        "cross-entropy": "sigmoid",
        "quadratic": "sigmoid",
        "quadratic-linear": "identity",
        "softmax-log-likelihood": "softmax",
    }
)

#: δ^L_j = ∂C_x/∂z^L_j of each pair, per output neuron, in terms of a = a^L_j, y = y_j,
#: z = z^L_j (σ' written as σ(z)(1 − σ(z)) so that it lambdifies)
OUTPUT_DELTA = MappingProxyType(
    {
        "cross-entropy": ordered(a, -y),
        "quadratic": product(ordered(a, -y), SIGMA_PRIME),
        "quadratic-linear": ordered(a, -y),
        "softmax-log-likelihood": ordered(a, -y),
    }
)

#: log-likelihood cost of one sample, per output neuron: C_x = −Σ_j y_j ln a^L_j
#: (= −ln a^L_y for a one-hot y; softmax outputs)
LL_COST = negated(y * sp.log(a))

#: per-output-neuron cost c(a, y) of each pair; the cost of one sample is C_x = Σ_j c(a^L_j, y_j)
#: and the cost of a batch is the mean of C_x (quadratic: C_x = ½‖a − y‖²)
OUTPUT_COST = MappingProxyType(
    {
        "cross-entropy": CE_COST,
        "quadratic": MSE_COST,
        "quadratic-linear": MSE_COST,
        "softmax-log-likelihood": LL_COST,
    }
)

__all__ += ["LL_COST", "OUTPUT_COST"]
