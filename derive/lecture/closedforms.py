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

from ..engine.notation import SigmaPrime, a, b, sigma, w, x, y, z

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

# --- per-component and layer-indexed forms (homework checker, issue 6) ----------------------
# Built from the closed forms above and derive.notation's objects; nothing is retyped.
from ..engine.indexing import LAYER_WIDTH, component_symbol, index_symbol, indexed_form  # noqa: E402
from ..engine.notation import C, layer_symbol  # noqa: E402

#: components x_j, w_j, y_j (with the assumptions of x, w, y)
X_J = component_symbol(x, "j")
W_J = component_symbol(w, "j")
Y_J = component_symbol(y, "j")
#: one neuron with inputs x_j, cross-entropy: ∂C/∂w_j = x_j (σ(z) − y)
CE_DW_J = CE_DW.xreplace({x: X_J})
#: one neuron, quadratic cost: ∂C/∂w_j = (a − y) σ'(z) x_j
MSE_DW_J = MSE_DW.xreplace({x: X_J})
#: the a that minimises the cross-entropy C(a) for 0 < y < 1: a = y
CE_MINIMISER = y

#: output layer L: a^L_j, z^L_j, a^{L−1}_k, δ^L_j
A_LJ = layer_symbol("a", "L", "j")
Z_LJ = layer_symbol("z", "L", "j")
A_PREV_K = layer_symbol("a", "L-1", "k")
DELTA_LJ = layer_symbol("delta", "L", "j")
#: BP1: δ^L_j = ∂C/∂a^L_j σ'(z^L_j), for any cost
BP1 = product(sp.Derivative(C(A_LJ), A_LJ), SigmaPrime(Z_LJ))
#: BP2: δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j) (k over the K neurons of layer l + 1)
BP2 = product(
    sp.Sum(
        indexed_form(layer_symbol("w", "l+1", "kj") * layer_symbol("delta", "l+1", "k"), "k"),
        (index_symbol("k"), 1, LAYER_WIDTH),
    ),
    SigmaPrime(layer_symbol("z", "l", "j")),
)
#: BP3: ∂C/∂b^l_j = δ^l_j
BP3 = layer_symbol("delta", "l", "j")
#: BP4: ∂C/∂w^l_{jk} = a^{l−1}_k δ^l_j
BP4 = product(layer_symbol("a", "l-1", "k"), BP3)
#: δ^L_j per cost/output pair, in a^L_j, y_j, z^L_j (OUTPUT_DELTA per component)
OUTPUT_DELTA_J = MappingProxyType(
    {k: v.xreplace({a: A_LJ, y: Y_J, z: Z_LJ}) for k, v in OUTPUT_DELTA.items()}
)
#: ∂C_x/∂w^L_{jk} = a^{L−1}_k δ^L_j per pair (BP4 at l = L)
OUTPUT_DW_JK = MappingProxyType({k: product(A_PREV_K, v) for k, v in OUTPUT_DELTA_J.items()})
#: ∂C_x/∂b^L_j = δ^L_j per pair (BP3 at l = L)
OUTPUT_DB_J = OUTPUT_DELTA_J

__all__ += [
    "A_LJ",
    "A_PREV_K",
    "BP1",
    "BP2",
    "BP3",
    "BP4",
    "CE_DW_J",
    "CE_MINIMISER",
    "DELTA_LJ",
    "MSE_DW_J",
    "OUTPUT_DB_J",
    "OUTPUT_DELTA_J",
    "OUTPUT_DW_JK",
    "W_J",
    "X_J",
    "Y_J",
    "Z_LJ",
]
