"""The cross-entropy, rebuilt from the derivatives we want it to have (claims L5–L18).

``python -m derive.crossentropy [--lang en|cs] [--format latex|markdown|text]
[--standalone] [-o FILE] [--check]`` prints these derivations; ``--check`` prints the
verification table instead and exits 1 if any step fails.

Everything here is data (:class:`derive.engine.steps.Derivation`); the final expressions are the
closed forms of :mod:`derive.lecture.closedforms`, so verifying these chains proves those forms.
"""

from __future__ import annotations

import sympy as sp

from ..engine.calculus import CONST
from ..engine.domain import DEFAULT, UNIT_OPEN
from ..engine.notation import (
    C,
    SigmaPrime,
    a,
    b,
    layer_symbol,
    mean_over_samples,
    r_j,
    sigma,
    t,
    w,
    w_j,
    x,
    x_j,
    y,
    z,
)
from ..engine.steps import Derivation, Relation, Step, Substitution, Text, Undefined
from .closedforms import (
    CE_COST,
    CE_D2C_DA2,
    CE_DB,
    CE_DC_DA,
    CE_DCDA_EXPANDED,
    CE_DW,
    MSE_COST,
    MSE_DB,
    SIGMA_PRIME_OF_A,
    negated,
    ordered,
    product,
    relabel,
)
from .commands import CROSSENTROPY

__all__ = ["DERIVATIONS", "main"]

R = Relation
NEURON = ((a, sigma(z)), (z, w * x + b))
NEURON_J = ((a, sigma(z)), (z, w_j * x_j + r_j))
dC = sp.Symbol(r"\partial C")  # display-only labels
C_x = sp.Symbol("C_x")


def _d(f: sp.Expr, v: sp.Symbol) -> sp.Expr:
    """∂f/∂v, unevaluated, for display and for checking."""
    return sp.Derivative(f, v)


CE_SIGMA = relabel(CE_COST, {a: sigma(z)})  # the cost with a = σ(z) written out
CE_DW_J = relabel(CE_DW, {x: x_j})
WANTED = Derivation(
    id="wanted",
    title=Text("What we want from a cost", "Co chceme od účelové funkce"),
    claims=("L5",),
    intro=Text(
        "The quadratic cost gives gradients with a factor σ'(z), which is tiny for a "
        "saturated neuron. We look for a cost whose gradients are the bare output error.",
        "Kvadratická účelová funkce dává gradienty s faktorem σ'(z), který je u saturovaného "
        "neuronu velmi malý. Hledáme účelovou funkci, jejíž gradienty jsou samotná chyba výstupu.",
    ),
    definitions=NEURON,
    steps=(
        Step(
            sp.Eq(_d(MSE_COST, b), MSE_DB, evaluate=False),
            R.FACT,
            Text(
                "quadratic cost: the factor σ'(z) appears",
                "kvadratická účelová funkce: objeví se faktor σ'(z)",
            ),
            ("L5",),
        ),
        Step(
            sp.Eq(_d(C(a), w), product(ordered(a, -y), x), evaluate=False),
            R.GIVEN,
            Text("wanted: no σ'(z)", "požadujeme: žádné σ'(z)"),
            ("L5",),
        ),
        Step(
            sp.Eq(_d(C(a), b), ordered(a, -y), evaluate=False),
            R.GIVEN,
            Text(
                "wanted: the larger the error, the faster the learning",
                "požadujeme: čím větší chyba, tím rychlejší učení",
            ),
            ("L5",),
        ),
    ),
)

LOGISTIC = 1 / ordered(1, sp.exp(-z))  # σ(z) written out
CHAIN_RULE = Derivation(
    id="chain-rule",
    title=Text("Chain rule and σ'", "Řetízkové pravidlo a σ'"),
    claims=("L6",),
    definitions=NEURON,
    steps=(
        Step(
            sp.Eq(_d(C(a), b), product(_d(C(a), a), SigmaPrime(z)), evaluate=False),
            R.FACT,
            Text("chain rule, a = σ(z), z = wx + b", "řetízkové pravidlo, a = σ(z), z = wx + b"),
            ("L6",),
        ),
        Step(
            sp.Eq(
                _d(LOGISTIC, z),
                product(LOGISTIC, ordered(1, -LOGISTIC)),
                evaluate=False,
            ),
            R.FACT,
            Text(
                "differentiate σ(z) = 1/(1 + e^{−z}): this is σ(z)(1 − σ(z))",
                "zderivujeme σ(z) = 1/(1 + e^{−z}): vyjde σ(z)(1 − σ(z))",
            ),
            ("L6",),
        ),
        Step(
            sp.Eq(SigmaPrime(z), SIGMA_PRIME_OF_A, evaluate=False),
            R.GIVEN,
            Text(
                "the line above, written with a = σ(z)", "předchozí řádek zapsaný pomocí a = σ(z)"
            ),
            ("L6",),
        ),
    ),
)

DC_DA = Derivation(
    id="dc-da",
    title=Text("The derivative with respect to the output", "Derivace podle výstupu"),
    claims=("L7",),
    definitions=NEURON,
    steps=(
        Step(
            sp.Eq(_d(C(a), b), ordered(a, -y), evaluate=False),
            R.GIVEN,
            Text("wanted", "požadavek"),
            ("L5",),
        ),
        Step(
            sp.Eq(product(_d(C(a), a), SIGMA_PRIME_OF_A), ordered(a, -y), evaluate=False),
            R.EQUIVALENT,
            Text("chain rule and σ' = a(1 − a)", "řetízkové pravidlo a σ' = a(1 − a)"),
            ("L6", "L7"),
        ),
        Step(
            sp.Eq(_d(C(a), a), CE_DC_DA, evaluate=False),
            R.EQUIVALENT,
            Text("divide by a(1 − a) > 0", "vydělíme a(1 − a) > 0"),
            ("L7",),
        ),
    ),
)

INTEGRAL = Derivation(
    id="integral-partial-fractions",
    title=Text("Integrating: partial fractions", "Integrace: parciální zlomky"),
    claims=("L8",),
    variable=a,
    steps=(
        Step(
            sp.Integral(CE_DC_DA, a),
            R.GIVEN,
            Text("integrate ∂C/∂a", "integrujeme ∂C/∂a"),
            ("L8",),
            lhs=C(a),
        ),
        Step(
            sp.Integral(ordered(ordered(1, -y) / ordered(1, -a), -y / a), a),
            R.EQUAL,
            Text("partial fractions", "rozklad na parciální zlomky"),
            ("L8",),
        ),
        Step(
            ordered(
                ordered(1, -y) * sp.Integral(1 / ordered(1, -a), a),
                -y * sp.Integral(1 / a, a),
            ),
            R.EQUAL,
            Text("linearity of the integral", "linearita integrálu"),
            ("L8",),
        ),
        Step(
            ordered(
                negated(product(ordered(1, -y), sp.log(ordered(1, -a)))), -y * sp.log(a), CONST
            ),
            R.EQUAL,
            Text(
                "∫ da/a = ln a, ∫ da/(1 − a) = −ln(1 − a) for 0 < a < 1",
                "∫ da/a = ln a, ∫ da/(1 − a) = −ln(1 − a) pro 0 < a < 1",
            ),
            ("L8",),
        ),
        Step(
            ordered(CE_COST, CONST),
            R.EQUAL,
            Text("collect terms", "sečteme členy"),
            ("L8",),
        ),
    ),
)

G = 1 / a - 1  # the lecture's substitution t = 1/a − 1
SUBSTITUTION = Derivation(
    id="integral-substitution",
    title=Text(
        "Integrating: the lecture's substitution, corrected",
        "Integrace: substituce z přednášky, opravená",
    ),
    claims=("L8",),
    intro=Text(
        "The lecture's route with t = 1/a − 1. Its differential is dt = −da/a², not da/a²; "
        "with the correct sign the route ends in the same cost.",
        "Postup z přednášky se substitucí t = 1/a − 1. Její diferenciál je dt = −da/a², "
        "ne da/a²; se správným znaménkem vede ke stejné účelové funkci.",
    ),
    variable=a,
    steps=(
        Step(
            sp.Integral(CE_DC_DA, a),
            R.GIVEN,
            Text("integrate ∂C/∂a", "integrujeme ∂C/∂a"),
            ("L8",),
            lhs=C(a),
        ),
        Step(
            ordered(
                sp.Integral(a / (a * ordered(1, -a)), a),
                -y * sp.Integral(1 / (a * ordered(1, -a)), a),
            ),
            R.EQUAL,
            Text("split the numerator", "rozdělíme čitatel"),
            ("L8",),
        ),
        Step(
            ordered(
                -sp.log(ordered(1, -a)), -y * sp.Integral(1 / (a**2 * ordered(1 / a, -1)), a), CONST
            ),
            R.EQUAL,
            Text(
                "∫ da/(1 − a) = −ln(1 − a); a(1 − a) = a²(1/a − 1)",
                "∫ da/(1 − a) = −ln(1 − a); a(1 − a) = a²(1/a − 1)",
            ),
            ("L8",),
        ),
        Step(
            ordered(-sp.log(ordered(1, -a)), y * sp.Integral(1 / t, t), CONST),
            R.EQUAL,
            Text("t = 1/a − 1, dt = −da/a²", "t = 1/a − 1, dt = −da/a²"),
            ("L8",),
            substitution=Substitution(t, G, -1 / a**2, a),
        ),
        Step(
            ordered(-sp.log(ordered(1, -a)), y * sp.log(t), CONST),
            R.EQUAL,
            Text(
                "∫ dt/t = ln t, since t > 0 for 0 < a < 1",
                "∫ dt/t = ln t, neboť t > 0 pro 0 < a < 1",
            ),
            ("L8",),
        ),
        Step(
            ordered(-sp.log(ordered(1, -a)), y * sp.log(ordered(1 / a, -1)), CONST),
            R.EQUAL,
            Text("back-substitute t", "zpětná substituce"),
            ("L8",),
        ),
        Step(
            ordered(-sp.log(ordered(1, -a)), y * sp.log(ordered(1, -a) / a), CONST),
            R.EQUAL,
            Text("common denominator", "společný jmenovatel"),
            ("L8",),
        ),
        Step(
            ordered(
                -sp.log(ordered(1, -a)), y * ordered(sp.log(ordered(1, -a)), -sp.log(a)), CONST
            ),
            R.EQUAL,
            Text("ln(p/q) = ln p − ln q for p, q > 0", "ln(p/q) = ln p − ln q pro p, q > 0"),
            ("L8",),
        ),
        Step(ordered(CE_COST, CONST), R.EQUAL, Text("collect terms", "sečteme členy"), ("L8",)),
    ),
)

C_CONST = sp.Symbol("c_x", real=True)  # the integration constant of one sample
AVERAGE = Derivation(
    id="average",
    title=Text("Averaging over the training samples", "Průměr přes trénovací vzorky"),
    claims=("L9",),
    variable=a,
    steps=(
        Step(
            mean_over_samples(ordered(CE_COST, C_CONST)),
            R.GIVEN,
            Text("mean of the per-sample costs", "průměr účelových funkcí jednotlivých vzorků"),
            ("L9",),
            lhs=C,
        ),
        Step(
            ordered(
                negated(
                    mean_over_samples(
                        ordered(y * sp.log(a), ordered(1, -y) * sp.log(ordered(1, -a)))
                    )
                ),
                mean_over_samples(C_CONST),
            ),
            R.EQUAL,
            Text("linearity of the sum", "linearita součtu"),
            ("L9",),
        ),
        Step(
            negated(
                mean_over_samples(ordered(y * sp.log(a), ordered(1, -y) * sp.log(ordered(1, -a))))
            ),
            R.UP_TO_CONSTANT,
            Text(
                "the mean of the constants does not depend on a: dropped",
                "průměr konstant nezávisí na a: vynecháme",
            ),
            ("L9",),
        ),
    ),
)

UNIQUENESS = Derivation(
    id="uniqueness",
    title=Text("Unique up to a constant", "Jednoznačnost až na konstantu"),
    claims=("L10",),
    steps=(
        Step(
            sp.Eq(_d(C(a), a), CE_DC_DA, evaluate=False),
            R.GIVEN,
            Text("the required derivative", "požadovaná derivace"),
            ("L10",),
        ),
        Step(
            sp.Eq(_d(CE_COST, a), CE_DC_DA, evaluate=False),
            R.FACT,
            Text("the cross-entropy has it", "křížová entropie ji má"),
            ("L10",),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "any C with this derivative has (C − C_CE)' = 0 on the interval (0, 1), which is "
                "connected, so by the mean value theorem C − C_CE is a constant",
                "každá C s touto derivací má (C − C_CE)' = 0 na intervalu (0, 1), který je "
                "souvislý, takže podle věty o střední hodnotě je C − C_CE konstanta",
            ),
            ("L10",),
        ),
    ),
)

PROPERTIES = Derivation(
    id="properties",
    title=Text("A sensible cost", "Rozumná účelová funkce"),
    claims=("L12",),
    steps=(
        Step(
            sp.StrictGreaterThan(CE_COST, 0),
            R.FACT,
            Text(
                "both terms ≥ 0 since ln < 0 on (0, 1), and y, 1 − y are not both 0",
                "oba členy jsou ≥ 0, protože ln < 0 na (0, 1), a y, 1 − y nejsou obě 0",
            ),
            ("L12",),
        ),
        Step(
            sp.Eq(sp.Limit(CE_COST.subs(y, 0), a, 0, "+"), 0, evaluate=False),
            R.FACT,
            Text("y = 0: only −ln(1 − a) is left", "y = 0: zbude jen −ln(1 − a)"),
            ("L12",),
        ),
        Step(
            sp.Eq(sp.Limit(CE_COST.subs(y, 1), a, 1, "-"), 0, evaluate=False),
            R.FACT,
            Text("y = 1: only −ln a is left", "y = 1: zbude jen −ln a"),
            ("L12",),
        ),
    ),
)

WEIGHT = Derivation(
    id="weight-gradient",
    title=Text("The weight gradient: σ' cancels", "Gradient podle váhy: σ' se vykrátí"),
    claims=("L13",),
    intro=Text(
        "One sample, z = Σ_k w_k x_k + b = w_j x_j + r_j, where r_j does not depend on w_j.",
        "Jeden vzorek, z = Σ_k w_k x_k + b = w_j x_j + r_j, kde r_j nezávisí na w_j.",
    ),
    definitions=NEURON_J,
    steps=(
        Step(
            product(
                negated(ordered(y / sigma(z), -ordered(1, -y) / ordered(1, -sigma(z)))),
                _d(sigma(z), w_j),
            ),
            R.EQUAL,
            Text("differentiate C_x", "derivujeme C_x"),
            ("L13",),
            lhs=sp.Symbol(r"\frac{\partial C_x}{\partial w_j}"),
            lhs_value=_d(CE_SIGMA, w_j),
        ),
        Step(
            product(
                negated(ordered(y / sigma(z), -ordered(1, -y) / ordered(1, -sigma(z)))),
                SigmaPrime(z),
                x_j,
            ),
            R.EQUAL,
            Text("∂z/∂w_j = x_j", "∂z/∂w_j = x_j"),
            ("L13",),
        ),
        Step(
            product(
                negated(
                    ordered(y, -y * sigma(z), -sigma(z), y * sigma(z))
                    / (sigma(z) * ordered(1, -sigma(z)))
                ),
                SigmaPrime(z),
                x_j,
            ),
            R.EQUAL,
            Text("common denominator", "společný jmenovatel"),
            ("L13",),
        ),
        Step(
            product(
                SigmaPrime(z) * x_j / (sigma(z) * ordered(1, -sigma(z))), ordered(sigma(z), -y)
            ),
            R.EQUAL,
            Text("the numerator is y − σ(z)", "čitatel je y − σ(z)"),
            ("L13",),
        ),
        Step(CE_DW_J, R.EQUAL, Text("σ'(z) = σ(z)(1 − σ(z))", "σ'(z) = σ(z)(1 − σ(z))"), ("L13",)),
        Step(
            mean_over_samples(CE_DW_J),
            R.EQUAL,
            Text("average over the samples", "průměr přes vzorky"),
            ("L13",),
            lhs=sp.Symbol(r"\frac{\partial C}{\partial w_j}"),
            lhs_value=_d(mean_over_samples(CE_SIGMA), w_j),
        ),
    ),
)

BIAS = Derivation(
    id="bias-gradient",
    title=Text("The bias gradient", "Gradient podle biasu"),
    claims=("L14",),
    definitions=NEURON,
    steps=(
        Step(
            CE_DB,
            R.EQUAL,
            Text("as for w_j, with ∂z/∂b = 1", "jako pro w_j, s ∂z/∂b = 1"),
            ("L14",),
            lhs=sp.Symbol(r"\frac{\partial C_x}{\partial b}"),
            lhs_value=_d(CE_SIGMA, b),
        ),
        Step(
            mean_over_samples(CE_DB),
            R.EQUAL,
            Text("average over the samples", "průměr přes vzorky"),
            ("L14",),
            lhs=sp.Symbol(r"\frac{\partial C}{\partial b}"),
            lhs_value=_d(mean_over_samples(CE_SIGMA), b),
        ),
    ),
)

_OUT = 3  # output neurons in the fixed-size check of the network form
_A = [layer_symbol("a", "L", j, positive=True) for j in range(1, _OUT + 1)]
_Y = [sp.Symbol(f"y_{j}", nonnegative=True) for j in range(1, _OUT + 1)]
_NET_DOMAIN = DEFAULT
for _s in _A:
    _NET_DOMAIN = _NET_DOMAIN.with_(_s, UNIT_OPEN)
for _s in _Y:
    _NET_DOMAIN = _NET_DOMAIN.with_(_s, DEFAULT.interval(y))
NETWORK = Derivation(
    id="network",
    title=Text("Any network", "Libovolná síť"),
    claims=("L16",),
    intro=Text(
        "C_x = −Σ_j (y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)): one cross-entropy per output neuron.",
        "C_x = −Σ_j (y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)): jedna křížová entropie "
        "na výstupní neuron.",
    ),
    domain=_NET_DOMAIN,
    steps=(
        Step(
            relabel(CE_DC_DA, {a: _A[1], y: _Y[1]}),
            R.EQUAL,
            Text(
                "only the j-th term depends on a^L_j (checked for 3 outputs, j = 2)",
                "na a^L_j závisí jen j-tý člen (ověřeno pro 3 výstupy, j = 2)",
            ),
            ("L16",),
            lhs=sp.Symbol(r"\frac{\partial C_x}{\partial a^{L}_{2}}"),
            lhs_value=_d(
                sp.Add(*[relabel(CE_COST, {a: aj, y: yj}) for aj, yj in zip(_A, _Y, strict=True)]),
                _A[1],
            ),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "so each output neuron gets the one-neuron derivative ∂C/∂a of L7, whatever the "
                "number of outputs; δ^L = a^L − y is proved in derive.backprop",
                "každý výstupní neuron tedy dostane derivaci ∂C/∂a z L7 pro jeden neuron, ať je "
                "výstupů kolik chce; δ^L = a^L − y dokazuje derive.backprop",
            ),
            ("L16",),
        ),
    ),
)

SWAPPED = negated(ordered(a * sp.log(y), ordered(1, -a) * sp.log(ordered(1, -y))))
EXERCISE_1 = Derivation(
    id="exercise-1",
    title=Text("Exercise 1: why not swap y and a", "Cvičení 1: proč nezaměnit y a a"),
    claims=("L17",),
    steps=(
        Step(
            sp.Eq(sp.Symbol(r"\tilde{C}"), SWAPPED, evaluate=False),
            R.GIVEN,
            Text("y and a swapped", "y a a zaměněny"),
            ("L17",),
        ),
        Step(
            Undefined(SWAPPED, ((y, sp.S.Zero),)),
            R.FACT,
            Text("ln 0 at y = 0", "ln 0 pro y = 0"),
            ("L17",),
        ),
        Step(
            Undefined(SWAPPED, ((y, sp.S.One),)),
            R.FACT,
            Text("ln 0 at y = 1", "ln 0 pro y = 1"),
            ("L17",),
        ),
        Step(
            sp.StrictGreaterThan(sigma(z), 0, evaluate=False),
            R.FACT,
            Text("the sigmoid never reaches 0 …", "sigmoid nikdy nedosáhne 0 …"),
            ("L17",),
        ),
        Step(
            sp.StrictGreaterThan(ordered(1, -sigma(z)), 0),
            R.FACT,
            Text(
                "… nor 1, so ln a and ln(1 − a) are defined",
                "… ani 1, takže ln a a ln(1 − a) jsou definované",
            ),
            ("L17",),
        ),
    ),
)

EXERCISE_2 = Derivation(
    id="exercise-2",
    title=Text("Exercise 2: the minimum is at a = y", "Cvičení 2: minimum je v a = y"),
    claims=("L18",),
    domain=DEFAULT.with_(y, UNIT_OPEN),
    steps=(
        Step(
            CE_DCDA_EXPANDED,
            R.EQUAL,
            Text("differentiate C", "derivujeme C"),
            ("L18",),
            lhs=sp.Symbol("C'(a)"),
            lhs_value=_d(CE_COST, a),
        ),
        Step(
            sp.Eq(CE_DCDA_EXPANDED, 0, evaluate=False),
            R.GIVEN,
            Text("a critical point", "stacionární bod"),
            ("L18",),
        ),
        Step(
            sp.Eq(y / a, ordered(1, -y) / ordered(1, -a), evaluate=False),
            R.EQUIVALENT,
            Text("move a term across", "převedeme člen na druhou stranu"),
            ("L18",),
        ),
        Step(
            sp.Eq(ordered(y, -a * y), ordered(a, -a * y), evaluate=False),
            R.EQUIVALENT,
            Text("multiply by a(1 − a) > 0", "vynásobíme a(1 − a) > 0"),
            ("L18",),
        ),
        Step(sp.Eq(a, y, evaluate=False), R.EQUIVALENT, Text("add ay", "přičteme ay"), ("L18",)),
        Step(
            CE_D2C_DA2,
            R.EQUAL,
            Text("differentiate again", "derivujeme znovu"),
            ("L18",),
            lhs=sp.Symbol("C''(a)"),
            lhs_value=_d(CE_COST, (a, 2)),
        ),
        Step(
            sp.StrictGreaterThan(CE_D2C_DA2, 0),
            R.FACT,
            Text("both terms are positive for 0 < a < 1", "oba členy jsou kladné pro 0 < a < 1"),
            ("L18",),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "C'' > 0 makes C' strictly increasing on (0, 1): C' < 0 left of y and C' > 0 right "
                "of it, so a = y is the global minimum on (0, 1), not just a local one",
                "C'' > 0 znamená, že C' je na (0, 1) rostoucí: vlevo od y je C' < 0 "
                "a vpravo C' > 0, "
                "takže a = y je globální minimum na (0, 1), nejen lokální",
            ),
            ("L18",),
            core=sp.Eq(CE_DCDA_EXPANDED.subs(a, y), 0, evaluate=False),
        ),
    ),
)

#: the chapter, in the lecture's order
DERIVATIONS: tuple[Derivation, ...] = (
    WANTED,
    CHAIN_RULE,
    DC_DA,
    INTEGRAL,
    SUBSTITUTION,
    AVERAGE,
    UNIQUENESS,
    PROPERTIES,
    WEIGHT,
    BIAS,
    NETWORK,
    EXERCISE_1,
    EXERCISE_2,
)

TITLE = CROSSENTROPY


def main(argv: list[str] | None = None) -> int:
    from ..engine.cli import run

    return run(DERIVATIONS, TITLE, argv, prog="python -m derive.crossentropy")


if __name__ == "__main__":
    raise SystemExit(main())
