"""Softmax outputs with the log-likelihood cost (beyond the lecture; the chapter's next step).

The lecture's plan (L0) lists "another cost function" as the first way to learn faster; the
same chapter of Nielsen's book continues with softmax and the log-likelihood, which gives the
same output error as the cross-entropy with sigmoids:

* a^L_j = e^{z^L_j} / Σ_i e^{z^L_i} is positive and Σ_j a^L_j = 1;
* ∂a^L_j/∂z^L_k = a^L_j(δ_jk − a^L_k) (δ_jk: Kronecker);
* with C_x = −ln a^L_c for a target of class c (one-hot y_k = δ_ck): δ^L_k = a^L_k − y_k.

Every statement is proved for any number K of outputs (``Indexed``, ``Sum``,
``KroneckerDelta``; ``K = k − 1 + m`` with ``m ≥ 1`` covers every ``K ≥ k``). These
derivations are printed by ``python -m derive.backprop``.
"""

from __future__ import annotations

import sympy as sp

from ..engine.indexing import LAYER_WIDTH
from ..engine.notation import a, y
from ..engine.steps import Derivation, Relation, Step, Text
from .closedforms import A_LJ, LL_COST, OUTPUT_DELTA_J, Y_J, negated, ordered, product, relabel

__all__ = ["DERIVATIONS", "softmax"]

R = Relation
i, j, k, c = (sp.Symbol(s_, integer=True, positive=True) for s_ in "ijkc")
K = LAYER_WIDTH
_M = sp.Symbol("m_k", integer=True, positive=True)
A = sp.IndexedBase("a^{L}", real=True)
Z = sp.IndexedBase("z^{L}", real=True)
Y = sp.IndexedBase("y", real=True)
#: Σ_i e^{z^L_i}, the softmax denominator
DENOMINATOR = sp.Sum(sp.exp(Z[i]), (i, 1, K))


def softmax(index: sp.Expr) -> sp.Expr:
    """a^L_index = e^{z^L_index} / Σ_i e^{z^L_i}."""
    return sp.exp(Z[index]) / DENOMINATOR


#: the claim this goes beyond: L0's "another cost function"
CLAIMS = ("L0",)
_BEYOND = Text("beyond the lecture", "nad rámec přednášky")

OUTPUTS = Derivation(
    id="softmax-outputs",
    title=Text("Softmax outputs form a distribution", "Výstupy softmaxu tvoří rozdělení"),
    claims=CLAIMS,
    intro=Text(
        "a^L_j = e^{z^L_j} / Σ_i e^{z^L_i} over K outputs, z^L real; any K.",
        "a^L_j = e^{z^L_j} / Σ_i e^{z^L_i} přes K výstupů, z^L reálné; libovolné K.",
    ),
    steps=(
        Step(
            sp.StrictGreaterThan(softmax(j), 0, evaluate=False),
            R.FACT,
            Text(
                "e^{z} > 0, and a sum of positive terms is positive",
                "e^{z} > 0 a součet kladných členů je kladný",
            ),
            CLAIMS,
        ),
        Step(
            sp.Eq(sp.Sum(softmax(i), (i, 1, K)), 1, evaluate=False),
            R.FACT,
            Text(
                "the denominator does not depend on the summation index",
                "jmenovatel nezávisí na sčítacím indexu",
            ),
            CLAIMS,
        ),
    ),
)

_DEFINE_A = ((A[j], softmax(j)), (A[k], softmax(k)), (K, k - 1 + _M))
DERIVATIVE = Derivation(
    id="softmax-derivative",
    title=Text("The softmax derivative", "Derivace softmaxu"),
    claims=CLAIMS,
    intro=Text("Every K ≥ k.", "Každé K ≥ k."),
    definitions=_DEFINE_A,
    steps=(
        Step(
            ordered(
                sp.KroneckerDelta(j, k) * sp.exp(Z[j]) / DENOMINATOR,
                -sp.exp(Z[j]) * sp.exp(Z[k]) / DENOMINATOR**2,
            ),
            R.EQUAL,
            Text(
                "quotient rule; ∂(Σ_i e^{z^L_i})/∂z^L_k = e^{z^L_k}",
                "derivace podílu; ∂(Σ_i e^{z^L_i})/∂z^L_k = e^{z^L_k}",
            ),
            CLAIMS,
            lhs=sp.Symbol(r"\frac{\partial a^{L}_{j}}{\partial z^{L}_{k}}"),
            lhs_value=sp.Derivative(softmax(j), Z[k]),
        ),
        Step(
            product(A[j], ordered(sp.KroneckerDelta(j, k), -A[k])),
            R.EQUAL,
            Text("a^L_j = e^{z^L_j} / Σ_i e^{z^L_i}", "a^L_j = e^{z^L_j} / Σ_i e^{z^L_i}"),
            CLAIMS,
        ),
    ),
)

_LL = sp.Sum(relabel(LL_COST, {a: A[j], y: Y[j]}), (j, 1, K))
_ONE_HOT = negated(sp.Sum(sp.KroneckerDelta(c, j) * sp.log(A[j]), (j, 1, K)))
LOG_LIKELIHOOD = Derivation(
    id="softmax-log-likelihood",
    title=Text("The log-likelihood cost", "Účelová funkce log-věrohodnosti"),
    claims=CLAIMS,
    intro=Text(
        "Target of class c: y_j = δ_cj (one-hot). Every K ≥ c.",
        "Cíl třídy c: y_j = δ_cj (one-hot). Každé K ≥ c.",
    ),
    definitions=((K, c - 1 + _M),),
    steps=(
        Step(_LL, R.GIVEN, Text("log-likelihood", "log-věrohodnost"), CLAIMS, lhs=sp.Symbol("C_x")),
        Step(
            _ONE_HOT,
            R.GIVEN,
            Text("one-hot y_j = δ_cj", "one-hot y_j = δ_cj"),
            CLAIMS,
            lhs=sp.Symbol("C_x"),
        ),
        Step(
            negated(sp.log(A[c])),
            R.EQUAL,
            Text("only j = c is left", "zbude jen j = c"),
            CLAIMS,
        ),
    ),
)

DELTA = Derivation(
    id="softmax-delta",
    title=Text(
        "Log-likelihood: δ^L = a^L − y, as for the cross-entropy",
        "Log-věrohodnost: δ^L = a^L − y, jako u křížové entropie",
    ),
    claims=CLAIMS,
    intro=Text(
        "C_x = −ln a^L_c with a^L_c written out in z^L; y_k = δ_ck. Every K ≥ k.",
        "C_x = −ln a^L_c s a^L_c rozepsaným v z^L; y_k = δ_ck. Každé K ≥ k.",
    ),
    definitions=(
        (A[c], softmax(c)),
        (A[k], softmax(k)),
        (Y[k], sp.KroneckerDelta(c, k)),
        (K, k - 1 + _M),
    ),
    steps=(
        Step(
            negated(product(1 / A[c], A[c], ordered(sp.KroneckerDelta(c, k), -A[k]))),
            R.EQUAL,
            Text(
                "chain rule and softmax-derivative",
                "řetízkové pravidlo a softmax-derivative",
            ),
            CLAIMS,
            lhs=sp.Symbol(r"\delta^{L}_{k}"),
            lhs_value=sp.Derivative(negated(sp.log(softmax(c))), Z[k]),
        ),
        Step(ordered(A[k], -sp.KroneckerDelta(c, k)), R.EQUAL, Text("cancel", "krátíme"), CLAIMS),
        Step(
            relabel(OUTPUT_DELTA_J["softmax-log-likelihood"], {A_LJ: A[k], Y_J: Y[k]}),
            R.EQUAL,
            Text("y_k = δ_ck", "y_k = δ_ck"),
            CLAIMS,
        ),
    ),
)

#: in the chapter's order
DERIVATIONS: tuple[Derivation, ...] = (OUTPUTS, DERIVATIVE, LOG_LIKELIHOOD, DELTA)
