"""Backpropagation, and why the cross-entropy removes the slowdown in any network (L19–L26).

``python -m derive.backprop [--lang en|cs] [--format latex|markdown|text] [--standalone]
[-o FILE] [--check]`` prints these derivations (and the softmax ones of
:mod:`derive.lecture.softmax`); ``--check`` verifies every step now.

**Arbitrary sizes.** Layers are written with SymPy ``Indexed`` objects (``a^L_j`` is
``IndexedBase('a^{L}')[j]``: the superscript names the layer, it is never a power) and sums
``Σ_k`` over a symbolic number of neurons ``K``. Differentiating such a sum gives
``KroneckerDelta`` terms, and SymPy collapses ``Σ_k δ_jk f(k)`` to ``f(j)`` once it knows
``1 ≤ j ≤ K``. Each derivation therefore substitutes ``K = j − 1 + m`` with an integer
``m ≥ 1`` (its ``definitions``), which covers exactly every width ``K ≥ j``: the proofs hold
for **every** number of neurons, not for sample sizes. Two things are premises, not proved:
the multivariable chain rule (the first line of BP1–BP4, marked *given*), and, in BP1, that
``∂C/∂a^L_k`` are just numbers (any cost). The chain-rule premise of BP1 is itself checked,
with ``C`` an arbitrary function of all outputs, for K = 1 … 4 outputs
(:data:`BP1_FIXED_SIZES`), the only fixed-size check here.
"""

from __future__ import annotations

import sympy as sp

from ..engine.domain import DEFAULT, UNIT_OPEN
from ..engine.indexing import LAYER_WIDTH, index_symbol
from ..engine.notation import (
    C,
    SigmaPrime,
    a,
    b,
    layer_symbol,
    mean_over_samples,
    r_j,
    sigma,
    w_j,
    x_j,
    y,
    z,
)
from ..engine.steps import Derivation, Relation, Step, Text
from .closedforms import (
    A_LJ,
    A_PREV_K,
    BP1,
    BP2,
    BP3,
    BP4,
    CE_COST,
    MSE_COST,
    MSE_DC_DA,
    OUTPUT_DB_J,
    OUTPUT_DELTA_J,
    OUTPUT_DW_JK,
    Y_J,
    Z_LJ,
    negated,
    ordered,
    product,
    relabel,
)
from .commands import BACKPROP
from .softmax import DERIVATIONS as SOFTMAX_DERIVATIONS

__all__ = [
    "BP1_FIXED_SIZES",
    "BP1_PREMISE",
    "DERIVATIONS",
    "DIFFERENCES",
    "FIXED_SIZES",
    "TITLE",
    "NeuronSum",
    "main",
]

R = Relation


class NeuronSum(sp.Sum):
    """Σ over the neurons of a layer, kept as a sum except where a Kronecker δ collapses it.

    ``doit`` evaluates the summand, then ``Σ_k δ_jk f(k) = f(j)`` (SymPy's delta summation);
    the terms without a δ stay an unevaluated sum. (SymPy's general ``Sum.doit`` would look
    for a closed form of Σ_i (y_i − a_i)² by hypergeometric summation: slow and pointless for
    a sum over neurons.) Prints exactly like ``Sum``.
    """

    def doit(self, **hints: object) -> sp.Expr:
        f = self.function
        if hints.get("deep", True):
            for _ in range(3):  # inner sums first (a derivative of a sum is a sum to collapse)
                done = f.doit(**hints)
                if done == f:
                    break
                f = done
        index = self.limits[0][0]

        def collapses(term: sp.Expr) -> bool:
            return any(index in d.free_symbols for d in term.atoms(sp.KroneckerDelta))

        terms = sp.Add.make_args(f)
        kept = [q for q in terms if not collapses(q)]
        collapsed = [q for q in terms if collapses(q)]
        out = sp.Sum(sp.Add(*collapsed), *self.limits).doit(**hints) if collapsed else sp.S.Zero
        return out + self.func(sp.Add(*kept), *self.limits) if kept else out


def _idx(name: str) -> sp.Symbol:
    """A neuron index: a positive integer."""
    return sp.Symbol(name, integer=True, positive=True)


def _extra(name: str) -> sp.Symbol:
    """m ≥ 1 in a width K = j − 1 + m: every K ≥ j exactly once."""
    return sp.Symbol(name, integer=True, positive=True)


i, j, k, q = (_idx(s_) for s_ in "ijkq")
#: widths: K neurons in layer L (or l + 1), M in layer l, N in layer L − 1 (or l − 1)
K = LAYER_WIDTH
M = sp.Symbol("M", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
M_J, M_K = _extra("m_j"), _extra("m_k")

# output layer L and the layer before it
A = sp.IndexedBase("a^{L}", real=True)
Z = sp.IndexedBase("z^{L}", real=True)
Y = sp.IndexedBase("y", real=True)
A_PREV = sp.IndexedBase("a^{L-1}", real=True)
W = sp.IndexedBase("w^{L}", real=True)
B = sp.IndexedBase("b^{L}", real=True)
# a hidden layer l, the layers l − 1 and l + 1
Z_l = sp.IndexedBase("z^{l}", real=True)
D_l = sp.IndexedBase(r"\delta^{l}", real=True)
W_l = sp.IndexedBase("w^{l}", real=True)
B_l = sp.IndexedBase("b^{l}", real=True)
A_lm1 = sp.IndexedBase("a^{l-1}", real=True)
D_lp1 = sp.IndexedBase(r"\delta^{l+1}", real=True)
W_lp1 = sp.IndexedBase("w^{l+1}", real=True)
B_lp1 = sp.IndexedBase("b^{l+1}", real=True)

#: the closed forms' layer-indexed symbols, as Indexed objects of this module
OUTPUT_INDEXED = {A_LJ: A[j], Z_LJ: Z[j], Y_J: Y[j], A_PREV_K: A_PREV[k]}


def _indexed(expr: sp.Expr) -> sp.Expr:
    """A closed form of :mod:`derive.lecture.closedforms` in this module's Indexed notation."""
    return relabel(expr, OUTPUT_INDEXED)


def _neuron_sums(expr: sp.Expr) -> sp.Expr:
    """A closed form's Σ_k over neurons as a :class:`NeuronSum` (the same sum)."""
    return expr.replace(lambda e: type(e) is sp.Sum, lambda e: NeuronSum(*e.args))


def _d(f: sp.Expr, *v: sp.Expr) -> sp.Expr:
    return sp.Derivative(f, *v)


def _label(latex: str) -> sp.Symbol:
    return sp.Symbol(latex)


def delta_label(layer: str, index: str) -> sp.Symbol:
    """δ^layer_index as a display label (printed as LaTeX ``\\delta^{layer}_{index}``)."""
    return sp.Symbol(rf"\delta^{{{layer}}}_{{{index}}}")


def weighted_input(
    weights: sp.IndexedBase,
    inputs: sp.Expr,
    biases: sp.IndexedBase,
    row: sp.Symbol,
    col: sp.Symbol,
    width: sp.Symbol,
) -> sp.Expr:
    """z_row = Σ_col w_{row, col} inputs(col) + b_row (``inputs`` is written in ``col``)."""
    return ordered(NeuronSum(weights[row, col] * inputs, (col, 1, width)), biases[row])


def _per_output_cost(cost: sp.Expr, out: sp.Expr, idx: sp.Symbol) -> sp.Expr:
    """C_x = Σ_idx c(a_idx, y_idx) for a per-output-neuron cost c of closedforms."""
    return NeuronSum(relabel(cost, {a: out, y: Y[idx]}), (idx, 1, K))


_J_RANGE = ((K, j - 1 + M_J),)  # 1 ≤ j ≤ K for every K
_K_RANGE = ((N, k - 1 + M_K),)  # 1 ≤ k ≤ N for every N
_DELTA_KRONECKER = Text(
    "δ_jk (Kronecker: 1 if j = k, else 0)", "δ_jk (Kroneckerovo: 1 pro j = k, jinak 0)"
)

BP1_PROOF = Derivation(
    id="bp1",
    title=Text("BP1 from the chain rule", "BP1 z řetízkového pravidla"),
    claims=("L20", "L21"),
    intro=Text(
        "Any cost C of the K outputs a^L_k = σ(z^L_k); ∂C/∂a^L_k are arbitrary numbers. "
        "δ^L_j = ∂C/∂z^L_j. Proved for every number of outputs K ≥ j.",
        "Libovolná účelová funkce C z K výstupů a^L_k = σ(z^L_k); ∂C/∂a^L_k jsou libovolná čísla. "
        "δ^L_j = ∂C/∂z^L_j. Dokázáno pro každý počet výstupů K ≥ j.",
    ),
    definitions=_J_RANGE,
    steps=(
        Step(
            NeuronSum(product(_d(C(A[k]), A[k]), _d(sigma(Z[k]), Z[j])), (k, 1, K)),
            R.GIVEN,
            Text(
                "chain rule through a^L_1, …, a^L_K",
                "řetízkové pravidlo přes a^L_1, …, a^L_K",
            ),
            ("L21",),
            lhs=delta_label("L", "j"),
        ),
        Step(
            NeuronSum(_d(C(A[k]), A[k]) * sp.KroneckerDelta(j, k) * SigmaPrime(Z[k]), (k, 1, K)),
            R.EQUAL,
            Text(
                "a^L_k depends only on z^L_k: ∂a^L_k/∂z^L_j = δ_jk σ'(z^L_k)",
                "a^L_k závisí jen na z^L_k: ∂a^L_k/∂z^L_j = δ_jk σ'(z^L_k)",
            ),
            ("L21",),
        ),
        Step(
            _indexed(BP1),
            R.EQUAL,
            Text(
                "only k = j is left; the form of C was never used",
                "zbude jen k = j; tvar C se nikde nepoužil",
            ),
            ("L20", "L21"),
        ),
    ),
)

_Z_NEXT = weighted_input(W_lp1, sigma(Z_l[i]), B_lp1, k, i, M)
BP2_PROOF = Derivation(
    id="bp2",
    title=Text("BP2: from layer l + 1 back to layer l", "BP2: z vrstvy l + 1 zpět do vrstvy l"),
    claims=("L20",),
    intro=Text(
        "z^{l+1}_k = Σ_i w^{l+1}_ki σ(z^l_i) + b^{l+1}_k; C depends on z^l_j only through "
        "z^{l+1}_1, …, z^{l+1}_K. Proved for every width K of layer l + 1 and M ≥ j of layer l.",
        "z^{l+1}_k = Σ_i w^{l+1}_ki σ(z^l_i) + b^{l+1}_k; C závisí na z^l_j jen přes "
        "z^{l+1}_1, …, z^{l+1}_K. Dokázáno pro každou šířku K vrstvy l + 1 a M ≥ j vrstvy l.",
    ),
    definitions=((M, j - 1 + M_J),),
    steps=(
        Step(
            NeuronSum(product(D_lp1[k], _d(_Z_NEXT, Z_l[j])), (k, 1, K)),
            R.GIVEN,
            Text(
                "chain rule, δ^{l+1}_k = ∂C/∂z^{l+1}_k",
                "řetízkové pravidlo, δ^{l+1}_k = ∂C/∂z^{l+1}_k",
            ),
            ("L20",),
            lhs=delta_label("l", "j"),
        ),
        Step(
            NeuronSum(D_lp1[k] * W_lp1[k, j] * SigmaPrime(Z_l[j]), (k, 1, K)),
            R.EQUAL,
            Text(
                "only σ(z^l_j) depends on z^l_j",
                "na z^l_j závisí jen σ(z^l_j)",
            ),
            ("L20",),
        ),
        Step(
            _neuron_sums(
                relabel(
                    BP2,
                    {
                        index_symbol("k"): k,
                        index_symbol("j"): j,
                        sp.IndexedBase("w^{l+1}"): W_lp1,
                        sp.IndexedBase("delta^{l+1}"): D_lp1,
                        layer_symbol("z", "l", "j"): Z_l[j],
                    },
                )
            ),
            R.EQUAL,
            Text(
                "σ'(z^l_j) does not depend on k; as vectors δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)",
                "σ'(z^l_j) nezávisí na k; vektorově δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)",
            ),
            ("L20",),
        ),
    ),
)

_Z_L = weighted_input(W_l, A_lm1[q], B_l, i, q, N)
BP3_PROOF = Derivation(
    id="bp3",
    title=Text("BP3: the bias gradient", "BP3: gradient podle biasu"),
    claims=("L20",),
    intro=Text(
        "z^l_i = Σ_q w^l_iq a^{l-1}_q + b^l_i, δ^l_i = ∂C/∂z^l_i. Every width M ≥ j.",
        "z^l_i = Σ_q w^l_iq a^{l-1}_q + b^l_i, δ^l_i = ∂C/∂z^l_i. Každá šířka M ≥ j.",
    ),
    definitions=((M, j - 1 + M_J),),
    steps=(
        Step(
            NeuronSum(product(D_l[i], _d(_Z_L, B_l[j])), (i, 1, M)),
            R.GIVEN,
            Text("chain rule through z^l_1, …, z^l_M", "řetízkové pravidlo přes z^l_1, …, z^l_M"),
            ("L20",),
            lhs=_label(r"\frac{\partial C}{\partial b^{l}_{j}}"),
        ),
        Step(
            NeuronSum(D_l[i] * sp.KroneckerDelta(i, j), (i, 1, M)),
            R.EQUAL,
            Text("∂z^l_i/∂b^l_j = δ_ij", "∂z^l_i/∂b^l_j = δ_ij"),
            ("L20",),
        ),
        Step(
            relabel(BP3, {BP3: D_l[j]}),
            R.EQUAL,
            Text("only i = j is left", "zbude jen i = j"),
            ("L20",),
        ),
    ),
)

BP4_PROOF = Derivation(
    id="bp4",
    title=Text("BP4: the weight gradient", "BP4: gradient podle váhy"),
    claims=("L20",),
    intro=Text(
        "As for BP3; every width M ≥ j of layer l and N ≥ k of layer l − 1.",
        "Jako u BP3; každá šířka M ≥ j vrstvy l a N ≥ k vrstvy l − 1.",
    ),
    definitions=((M, j - 1 + M_J), (N, k - 1 + M_K)),
    steps=(
        Step(
            NeuronSum(product(D_l[i], _d(_Z_L, W_l[j, k])), (i, 1, M)),
            R.GIVEN,
            Text("chain rule through z^l_1, …, z^l_M", "řetízkové pravidlo přes z^l_1, …, z^l_M"),
            ("L20",),
            lhs=_label(r"\frac{\partial C}{\partial w^{l}_{jk}}"),
        ),
        Step(
            NeuronSum(D_l[i] * sp.KroneckerDelta(i, j) * A_lm1[k], (i, 1, M)),
            R.EQUAL,
            Text("∂z^l_i/∂w^l_jk = δ_ij a^{l-1}_k", "∂z^l_i/∂w^l_jk = δ_ij a^{l-1}_k"),
            ("L20",),
        ),
        Step(
            relabel(BP4, {layer_symbol("a", "l-1", "k"): A_lm1[k], BP3: D_l[j]}),
            R.EQUAL,
            Text("only i = j is left", "zbude jen i = j"),
            ("L20",),
        ),
    ),
)

# --- the output layer, per cost ------------------------------------------------------------
_Z_OUT = {r: weighted_input(W, A_PREV[q], B, r, q, N) for r in (i, j)}
_A_OF_Z = ((A[j], sigma(Z[j])),)
_Z_OF_W = ((Z[j], _Z_OUT[j]),)
_OUT_DOMAIN = DEFAULT.with_(A[j], UNIT_OPEN).with_(Y[j], DEFAULT.interval(y))
_LABELS = {
    "dCda": _label(r"\frac{\partial C_x}{\partial a^{L}_{j}}"),
    "delta": delta_label("L", "j"),
    "dCxdw": _label(r"\frac{\partial C_x}{\partial w^{L}_{jk}}"),
    "dCxdb": _label(r"\frac{\partial C_x}{\partial b^{L}_{j}}"),
    "dCdw": _label(r"\frac{\partial C}{\partial w^{L}_{jk}}"),
    "dCdb": _label(r"\frac{\partial C}{\partial b^{L}_{j}}"),
}


def _gradient_steps(
    cost: sp.Expr,
    activation: sp.Expr,
    gradients: tuple[sp.Expr, sp.Expr],
    claims: tuple[str, ...],
    why_delta: Text,
) -> tuple[Step, ...]:
    """∂C_x/∂w^L_jk = a^{L-1}_k δ^L_j and ∂C_x/∂b^L_j = δ^L_j, per sample and averaged.

    ``cost`` is the per-output cost of closedforms, ``activation`` a_i as a function of z_i
    (written in ``_Z_OUT[i]``), ``gradients`` the claimed (∂C_x/∂w^L_jk, ∂C_x/∂b^L_j). The
    left-hand sides are the derivatives of the cost written out in the weights, so these
    steps prove BP3/BP4 at the output layer for this cost directly.
    """
    c_x = NeuronSum(relabel(cost, {a: activation, y: Y[i]}), (i, 1, K))
    dw, db = gradients
    why_mean = Text("average over the n samples", "průměr přes n vzorků")
    return (
        Step(
            dw,
            R.EQUAL,
            why_delta,
            claims,
            lhs=_LABELS["dCxdw"],
            lhs_value=_d(c_x, W[j, k]),
        ),
        Step(
            mean_over_samples(dw),
            R.EQUAL,
            why_mean,
            claims,
            lhs=_LABELS["dCdw"],
            lhs_value=_d(mean_over_samples(c_x), W[j, k]),
        ),
        Step(
            db,
            R.EQUAL,
            Text("BP3: ∂C_x/∂b^L_j = δ^L_j", "BP3: ∂C_x/∂b^L_j = δ^L_j"),
            claims,
            lhs=_LABELS["dCxdb"],
            lhs_value=_d(c_x, B[j]),
        ),
        Step(
            mean_over_samples(db),
            R.EQUAL,
            why_mean,
            claims,
            lhs=_LABELS["dCdb"],
            lhs_value=_d(mean_over_samples(c_x), B[j]),
        ),
    )


_MSE_OF_A = _per_output_cost(MSE_COST, A[i], i)
_MSE_OF_Z = _per_output_cost(MSE_COST, sigma(Z[i]), i)
_MSE_DELTA = product(_indexed(MSE_DC_DA.xreplace({a: A_LJ, y: Y_J})), SigmaPrime(Z[j]))
MSE_DCDA = Derivation(
    id="mse-output-dcda",
    title=Text(
        "Quadratic cost: the output derivative",
        "Kvadratická účelová funkce: derivace podle výstupu",
    ),
    claims=("L22",),
    intro=Text(
        "C_x = 1/2 Σ_i (y_i − a^L_i)² over the K outputs (with L1's 1/2); every K ≥ j.",
        "C_x = 1/2 Σ_i (y_i − a^L_i)² přes K výstupů (s 1/2 z L1); každé K ≥ j.",
    ),
    definitions=_J_RANGE,
    domain=_OUT_DOMAIN,
    steps=(
        Step(
            _indexed(MSE_DC_DA.xreplace({a: A_LJ, y: Y_J})),
            R.EQUAL,
            Text("only the i = j term depends on a^L_j", "na a^L_j závisí jen člen i = j"),
            ("L22",),
            lhs=_LABELS["dCda"],
            lhs_value=_d(_MSE_OF_A, A[j]),
        ),
    ),
)
MSE_OUTPUT = Derivation(
    id="mse-output-delta",
    title=Text("Quadratic cost: δ^L keeps σ'", "Kvadratická účelová funkce: δ^L si σ' ponechá"),
    claims=("L19", "L22"),
    intro=Text(
        "The same cost with a^L_i = σ(z^L_i); δ^L_j = ∂C_x/∂z^L_j; every K ≥ j.",
        "Tatáž účelová funkce s a^L_i = σ(z^L_i); δ^L_j = ∂C_x/∂z^L_j; každé K ≥ j.",
    ),
    definitions=(*_A_OF_Z, *_J_RANGE),
    domain=_OUT_DOMAIN,
    steps=(
        Step(
            _MSE_DELTA,
            R.EQUAL,
            Text("BP1", "BP1"),
            ("L19", "L22"),
            lhs=_LABELS["delta"],
            lhs_value=_d(_MSE_OF_Z, Z[j]),
        ),
        Step(
            _indexed(OUTPUT_DELTA_J["quadratic"]),
            R.EQUAL,
            Text("σ'(z) = σ(z)(1 − σ(z))", "σ'(z) = σ(z)(1 − σ(z))"),
            ("L22",),
        ),
    ),
)
MSE_GRADIENTS = Derivation(
    id="mse-output-gradients",
    title=Text(
        "Quadratic cost: the output-layer gradients",
        "Kvadratická účelová funkce: gradienty výstupní vrstvy",
    ),
    claims=("L19", "L22"),
    intro=Text(
        "The cost written out in the weights: z^L_i = Σ_q w^L_iq a^{L-1}_q + b^L_i; "
        "every K ≥ j outputs and N ≥ k inputs.",
        "Účelová funkce rozepsaná ve vahách: z^L_i = Σ_q w^L_iq a^{L-1}_q + b^L_i; "
        "každé K ≥ j výstupů a N ≥ k vstupů.",
    ),
    definitions=(*_A_OF_Z, *_Z_OF_W, *_J_RANGE, *_K_RANGE),
    domain=_OUT_DOMAIN,
    steps=_gradient_steps(
        MSE_COST,
        sigma(_Z_OUT[i]),
        (product(A_PREV[k], _MSE_DELTA), _MSE_DELTA),
        ("L19", "L22"),
        Text("BP4 with δ^L_j of mse-output-delta", "BP4 s δ^L_j z mse-output-delta"),
    ),
)

_CE_OF_A = _per_output_cost(CE_COST, A[i], i)
_CE_OF_Z = _per_output_cost(CE_COST, sigma(Z[i]), i)
_S = sigma(Z[j])
_CE_DCDA = negated(ordered(Y[j] / A[j], negated(ordered(1, -Y[j]) / ordered(1, -A[j]))))
CE_DCDA = Derivation(
    id="ce-output-dcda",
    title=Text("Cross-entropy: the output derivative", "Křížová entropie: derivace podle výstupu"),
    claims=("L23",),
    intro=Text(
        "C_x = −Σ_i (y_i ln a^L_i + (1 − y_i) ln(1 − a^L_i)) over the K outputs; every K ≥ j.",
        "C_x = −Σ_i (y_i ln a^L_i + (1 − y_i) ln(1 − a^L_i)) přes K výstupů; každé K ≥ j.",
    ),
    definitions=_J_RANGE,
    domain=_OUT_DOMAIN,
    steps=(
        Step(
            _CE_DCDA,
            R.EQUAL,
            Text("only the i = j term depends on a^L_j", "na a^L_j závisí jen člen i = j"),
            ("L23",),
            lhs=_LABELS["dCda"],
            lhs_value=_d(_CE_OF_A, A[j]),
        ),
    ),
)
CE_OUTPUT = Derivation(
    id="ce-output-delta",
    title=Text("Cross-entropy: δ^L = a^L − y", "Křížová entropie: δ^L = a^L − y"),
    claims=("L19", "L23"),
    intro=Text(
        "The same cost with a^L_i = σ(z^L_i); δ^L_j = ∂C_x/∂z^L_j; every K ≥ j.",
        "Tatáž účelová funkce s a^L_i = σ(z^L_i); δ^L_j = ∂C_x/∂z^L_j; každé K ≥ j.",
    ),
    definitions=(*_A_OF_Z, *_J_RANGE),
    domain=_OUT_DOMAIN,
    steps=(
        Step(
            product(
                negated(ordered(Y[j] / _S, negated(ordered(1, -Y[j]) / ordered(1, -_S)))),
                _S,
                ordered(1, -_S),
            ),
            R.EQUAL,
            Text("BP1 with σ'(z) = σ(z)(1 − σ(z))", "BP1 se σ'(z) = σ(z)(1 − σ(z))"),
            ("L23",),
            lhs=_LABELS["delta"],
            lhs_value=_d(_CE_OF_Z, Z[j]),
        ),
        Step(
            ordered(product(ordered(1, -Y[j]), _S), -product(ordered(1, -_S), Y[j])),
            R.EQUAL,
            Text("multiply out", "roznásobíme"),
            ("L23",),
        ),
        Step(
            ordered(_S, -Y[j]),
            R.EQUAL,
            Text("y_j σ(z^L_j) cancels", "y_j σ(z^L_j) se odečte"),
            ("L23",),
        ),
        Step(
            _indexed(OUTPUT_DELTA_J["cross-entropy"]),
            R.EQUAL,
            Text("a^L_j = σ(z^L_j): no σ' left", "a^L_j = σ(z^L_j): žádné σ' nezbylo"),
            ("L19", "L23"),
        ),
    ),
)
CE_GRADIENTS = Derivation(
    id="ce-output-gradients",
    title=Text(
        "Cross-entropy: the output-layer gradients", "Křížová entropie: gradienty výstupní vrstvy"
    ),
    claims=("L19", "L24"),
    intro=Text(
        "As for the quadratic cost; the lecture's ∂C/∂b^L_k (as printed) is ∂C/∂b^L_j.",
        "Jako u kvadratické účelové funkce; ∂C/∂b^L_k z přednášky (jak je vytištěno) je ∂C/∂b^L_j.",
    ),
    definitions=(*_A_OF_Z, *_Z_OF_W, *_J_RANGE, *_K_RANGE),
    domain=_OUT_DOMAIN,
    steps=_gradient_steps(
        CE_COST,
        sigma(_Z_OUT[i]),
        (_indexed(OUTPUT_DW_JK["cross-entropy"]), _indexed(OUTPUT_DB_J["cross-entropy"])),
        ("L19", "L24"),
        Text("BP4 with δ^L_j = a^L_j − y_j", "BP4 s δ^L_j = a^L_j − y_j"),
    ),
)

_LIN_OF_Z = _per_output_cost(MSE_COST, Z[i], i)
LINEAR_OUTPUT = Derivation(
    id="linear-output-delta",
    title=Text(
        "Linear outputs with the quadratic cost",
        "Lineární výstupy s kvadratickou účelovou funkcí",
    ),
    claims=("L25",),
    intro=Text(
        "No sigmoid on the last layer: a^L_i = z^L_i, C_x = 1/2 Σ_i (a^L_i − y_i)²; every K ≥ j.",
        "Poslední vrstva bez sigmoidu: a^L_i = z^L_i, C_x = 1/2 Σ_i (a^L_i − y_i)²; každé K ≥ j.",
    ),
    definitions=((A[j], Z[j]), *_J_RANGE),
    steps=(
        Step(
            product(ordered(A[j], -Y[j]), 1),
            R.EQUAL,
            Text(
                "BP1 with the identity instead of σ: its derivative is 1",
                "BP1 s identitou místo σ: její derivace je 1",
            ),
            ("L25",),
            lhs=_LABELS["delta"],
            lhs_value=_d(_LIN_OF_Z, Z[j]),
        ),
        Step(
            _indexed(OUTPUT_DELTA_J["quadratic-linear"]),
            R.EQUAL,
            Text("δ^L = a^L − y", "δ^L = a^L − y"),
            ("L25",),
        ),
    ),
)
LINEAR_GRADIENTS = Derivation(
    id="linear-output-gradients",
    title=Text("Linear outputs: the gradients", "Lineární výstupy: gradienty"),
    claims=("L25",),
    intro=Text(
        "a^L_i = z^L_i = Σ_q w^L_iq a^{L-1}_q + b^L_i; every K ≥ j and N ≥ k.",
        "a^L_i = z^L_i = Σ_q w^L_iq a^{L-1}_q + b^L_i; každé K ≥ j a N ≥ k.",
    ),
    definitions=((A[j], Z[j]), *_Z_OF_W, *_J_RANGE, *_K_RANGE),
    steps=(
        *_gradient_steps(
            MSE_COST,
            _Z_OUT[i],
            (
                _indexed(OUTPUT_DW_JK["quadratic-linear"]),
                _indexed(OUTPUT_DB_J["quadratic-linear"]),
            ),
            ("L25",),
            Text("BP4 with δ^L_j = a^L_j − y_j", "BP4 s δ^L_j = a^L_j − y_j"),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "no σ' factor, so no slowdown: the same gradients as the cross-entropy with "
                "sigmoid outputs; the slowdown comes from the quadratic cost combined with a "
                "sigmoid output, not from the quadratic cost alone",
                "žádný faktor σ', tedy žádné zpomalení: stejné gradienty jako křížová entropie "
                "se sigmoidními výstupy; zpomalení způsobuje kvadratická účelová funkce "
                "spolu se sigmoidem na výstupu, ne kvadratická účelová funkce sama",
            ),
            ("L25",),
        ),
    ),
)

# --- L26: x_j cannot be removed ------------------------------------------------------------
_C_AY = C(a, y)
w_1, w_2, x_1, x_2 = sp.symbols("w_1 w_2 x_1 x_2", real=True)
_Z2 = ordered(w_1 * x_1, w_2 * x_2, b)
_X_A = {w_1: 1, w_2: 1, b: 0, x_1: 1, x_2: 0}
_X_B = {w_1: 1, w_2: 1, b: 0, x_1: 0, x_2: 1}
_DC_DW1 = _d(C(sigma(_Z2), y), w_1)


def _at(expr: sp.Expr, point: dict[sp.Symbol, int]) -> sp.Expr:
    return sp.Subs(expr, tuple(point), tuple(point.values()))


X_DEPENDENCE = Derivation(
    id="x-dependence",
    title=Text("Exercise 5: the factor x_j stays", "Cvičení 5: faktor x_j zůstane"),
    claims=("L26",),
    intro=Text(
        "Any cost C(a, y) of the output and the target; z = Σ_k w_k x_k + b = w_j x_j + r_j, "
        "where r_j does not depend on w_j.",
        "Libovolná účelová funkce C(a, y) výstupu a cíle; z = Σ_k w_k x_k + b = w_j x_j + r_j, "
        "kde r_j nezávisí na w_j.",
    ),
    definitions=((a, sigma(z)), (z, w_j * x_j + r_j)),
    steps=(
        Step(
            sp.Eq(
                _d(_C_AY, w_j),
                product(_d(_C_AY, a), SigmaPrime(z), x_j),
                evaluate=False,
            ),
            R.FACT,
            Text(
                "chain rule, for every C: ∂a/∂w_j = σ'(z) x_j",
                "řetízkové pravidlo, pro každou C: ∂a/∂w_j = σ'(z) x_j",
            ),
            ("L26",),
        ),
    ),
)
X_EXAMPLE = Derivation(
    id="x-dependence-example",
    title=Text("Exercise 5: two inputs, one output", "Cvičení 5: dva vstupy, jeden výstup"),
    claims=("L26",),
    intro=Text(
        "Two inputs x = (1, 0) and x' = (0, 1) with w = (1, 1), b = 0; C(a, y) any cost.",
        "Dva vstupy x = (1, 0) a x' = (0, 1) s w = (1, 1), b = 0; C(a, y) libovolná "
        "účelová funkce.",
    ),
    steps=(
        Step(
            sp.Eq(_at(_Z2, _X_A), _at(_Z2, _X_B), evaluate=False),
            R.FACT,
            Text(
                "the two inputs give the same z, hence the same a, C and ∂C/∂a",
                "oba vstupy dají stejné z, tedy stejné a, C i ∂C/∂a",
            ),
            ("L26",),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "yet ∂C/∂w_1 differs between them by ∂C/∂a(σ(1), y) σ'(1) (checked), which is "
                "nonzero unless ∂C/∂a = 0, i.e. unless the neuron does not learn at all. "
                "C sees only a and y, which are the same for both inputs: no choice of C can "
                "make ∂C/∂a = something/x_j and cancel x_j",
                "přesto se ∂C/∂w_1 pro ně liší o ∂C/∂a(σ(1), y) σ'(1) (ověřeno), což je "
                "nenulové, pokud ∂C/∂a ≠ 0, tj. pokud se neuron vůbec učí. C vidí jen a a y, "
                "které jsou pro oba vstupy stejné: žádná volba C nedá ∂C/∂a = něco/x_j "
                "a x_j nevykrátí",
            ),
            ("L26",),
            core=sp.Eq(
                ordered(_at(_DC_DW1, _X_A), -_at(_DC_DW1, _X_B)),
                product(sp.Subs(_d(_C_AY, a), a, sigma(1)), SigmaPrime(1)),
                evaluate=False,
            ),
        ),
    ),
)


# --- BP1's chain rule itself, for K = 1 … 4 outputs and an arbitrary C ---------------------
#: the output counts for which BP1's premise is checked with C an arbitrary function
FIXED_SIZES: tuple[int, ...] = (1, 2, 3, 4)


def _bp1_fixed(size: int) -> Derivation:
    """δ^L_j = ∂C/∂a^L_j σ'(z^L_j) for ``size`` outputs, C(a^L_1, …, a^L_size) arbitrary."""
    outs = [layer_symbol("a", "L", r) for r in range(1, size + 1)]
    zs = [layer_symbol("z", "L", r) for r in range(1, size + 1)]
    cost = C(*outs)
    steps = tuple(
        Step(
            sp.Eq(
                _d(cost.subs(dict(zip(outs, map(sigma, zs), strict=True))), zs[r]),
                product(
                    _d(cost, outs[r]).subs(dict(zip(outs, map(sigma, zs), strict=True))),
                    SigmaPrime(zs[r]),
                ),
                evaluate=False,
            ),
            R.FACT,
            Text(f"K = {size}, j = {r + 1}", f"K = {size}, j = {r + 1}"),
            ("L21",),
        )
        for r in range(size)
    )
    return Derivation(
        id=f"bp1-{size}-outputs",
        title=Text(f"BP1's premise, K = {size}", f"Předpoklad BP1, K = {size}"),
        claims=("L21",),
        steps=steps,
    )


BP1_FIXED_SIZES = tuple(_bp1_fixed(size) for size in FIXED_SIZES)

#: the same checks as one section of the chapter: every K in FIXED_SIZES, every j ≤ K
BP1_PREMISE = Derivation(
    id="bp1-premise",
    title=Text("BP1's premise: the chain rule", "Předpoklad BP1: řetízkové pravidlo"),
    intro=Text(
        "C is any function of the K outputs a^L_1, …, a^L_K, each a^L_k = σ(z^L_k). SymPy's "
        f"own chain rule gives ∂C/∂z^L_j = ∂C/∂a^L_j σ'(z^L_j) for K = 1, …, {FIXED_SIZES[-1]} "
        "and every j ≤ K:",
        "C je libovolná funkce K výstupů a^L_1, …, a^L_K, každý a^L_k = σ(z^L_k). Řetízkové "
        f"pravidlo SymPy dává ∂C/∂z^L_j = ∂C/∂a^L_j σ'(z^L_j) pro K = 1, …, {FIXED_SIZES[-1]} "
        "a každé j ≤ K:",
    ),
    claims=("L21",),
    steps=tuple(step for d in BP1_FIXED_SIZES for step in d.steps),
)

#: what the lecture states and what is proved instead, by claim (for the errata report)
DIFFERENCES: tuple[tuple[str, Text], ...] = (
    (
        "L24",
        Text(
            "The slides end with ∂C/∂b^L_k = 1/n Σ_x (a^L_j − y_j): the left-hand index is a "
            "typo; proved is ∂C/∂b^L_j = 1/n Σ_x (a^L_j − y_j) (ce-output-gradients, step 4).",
            "Slajdy končí ∂C/∂b^L_k = 1/n Σ_x (a^L_j − y_j): index vlevo je překlep; "
            "dokázáno je ∂C/∂b^L_j = 1/n Σ_x (a^L_j − y_j) (ce-output-gradients, krok 4).",
        ),
    ),
    (
        "L22",
        Text(
            "∂C_x/∂a^L_j = a^L_j − y_j holds for C_x = 1/2 Σ_j (y_j − a^L_j)² (with the 1/2 of "
            "L1); without the 1/2, as the slides write the one-neuron cost (L3), it is "
            "2(a^L_j − y_j).",
            "∂C_x/∂a^L_j = a^L_j − y_j platí pro C_x = 1/2 Σ_j (y_j − a^L_j)² (s 1/2 z L1); "
            "bez 1/2, jak slajdy píší účelovou funkci jednoho neuronu (L3), je to 2(a^L_j − y_j).",
        ),
    ),
)

#: the chapter, in the lecture's order; then softmax (beyond the lecture)
DERIVATIONS: tuple[Derivation, ...] = (
    BP1_PROOF,
    BP1_PREMISE,
    BP2_PROOF,
    BP3_PROOF,
    BP4_PROOF,
    MSE_DCDA,
    MSE_OUTPUT,
    MSE_GRADIENTS,
    CE_DCDA,
    CE_OUTPUT,
    CE_GRADIENTS,
    LINEAR_OUTPUT,
    LINEAR_GRADIENTS,
    X_DEPENDENCE,
    X_EXAMPLE,
    *SOFTMAX_DERIVATIONS,
)

TITLE = BACKPROP


def main(argv: list[str] | None = None) -> int:
    from ..engine.cli import run

    return run(DERIVATIONS, TITLE, argv, prog="python -m derive.backprop")


if __name__ == "__main__":
    raise SystemExit(main())
