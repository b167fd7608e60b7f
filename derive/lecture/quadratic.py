"""The quadratic cost slows a sigmoid neuron down (claims L1–L4).

``python -m derive.quadratic [--lang en|cs] [--format latex|markdown|text] [--standalone]
[-o FILE] [--check]`` prints these derivations; ``--check`` verifies every step now.

One neuron, z = wx + b, a = σ(z), cost C_x = 1/2(y − a)² (Nielsen's form):

* ∂C/∂w = (a − y)σ'(z)x and ∂C/∂b = (a − y)σ'(z) (L3), and a σ'(z) for x = 1, y = 0;
* σ' has its maximum 1/4 at z = 0 and tends to 0 for z → ±∞, so the gradients vanish when
  the neuron saturates (L4);
* with x = 1, y = 0, ∂C/∂b = a²(1 − a) shrinks as a grows past 2/3 ("the worse the neuron
  is wrong, the slower it learns", L2, L4: true only in that range);
* at the lecture's starts the cross-entropy's gradient is 1/σ'(z) times the quadratic's:
  computed here from the closed forms (about 56× at w = b = 2).

Where the lecture's statement differs from what is proved, :data:`DIFFERENCES` says how.
"""

from __future__ import annotations

import math

import sympy as sp

from ..engine.domain import DEFAULT, UNIT_OPEN
from ..engine.indexing import LAYER_WIDTH
from ..engine.notation import SigmaPrime, a, b, mean_over_samples, sigma, w, x, y, z
from ..engine.steps import Derivation, Relation, Step, Text
from .closedforms import (
    CE_COST,
    CE_DB,
    MSE_COST,
    MSE_DB,
    MSE_DW,
    SIGMA_PRIME,
    SIGMA_PRIME_OF_A,
    ordered,
    product,
    relabel,
)
from .commands import QUADRATIC

__all__ = [
    "DERIVATIONS",
    "DIFFERENCES",
    "RATIOS",
    "TITLE",
    "main",
    "slowdown_ratio",
]

R = Relation
NEURON = ((a, sigma(z)), (z, w * x + b))
#: the lecture's one-neuron example: input 1, target 0
EXAMPLE = ((x, sp.S.One), (y, sp.S.Zero))
#: the lecture's two starting points (w, b)
STARTS: tuple[tuple[sp.Rational, sp.Rational], ...] = (
    (sp.Rational(3, 5), sp.Rational(9, 10)),
    (sp.Integer(2), sp.Integer(2)),
)


def _d(f: sp.Expr, *v: sp.Symbol) -> sp.Expr:
    """∂f/∂v, unevaluated, for display and for checking."""
    return sp.Derivative(f, *v)


def _label(latex: str) -> sp.Symbol:
    """A display-only left-hand side such as ∂C_x/∂w (its value is given separately)."""
    return sp.Symbol(latex)


#: the cost with a = σ(wx + b) written out, which is what is differentiated
MSE_OF_Z = relabel(MSE_COST, {a: sigma(z)})
MSE_OF_W = relabel(MSE_COST, {a: sigma(ordered(w * x, b))})
CE_OF_W = relabel(CE_COST, {a: sigma(ordered(w * x, b))})
#: the slides' cost, without the 1/2
SLIDE_COST = ordered(y, -a) ** 2


def slowdown_ratio(w0: sp.Expr, b0: sp.Expr) -> sp.Expr:
    """(∂C_CE/∂b)/(∂C_Q/∂b) for x = 1, y = 0 at (w, b) = (w0, b0), from the closed forms.

    The same ratio holds for ∂/∂w (both gradients carry the factor x = 1); it is 1/σ'(z₀).
    """
    at = {x: 1, y: 0, w: w0, b: b0}
    ratio = CE_DB.subs(a, sigma(z)) / MSE_DB.subs(a, sigma(z))
    exact = ratio.subs(z, (w * x + b).subs(at)).subs(at).doit()
    return exact.rewrite(sp.exp)


#: the ratio at each start, computed from the closed forms (a float for the text)
RATIOS: dict[tuple[sp.Expr, sp.Expr], float] = {
    (w0, b0): float(slowdown_ratio(w0, b0).evalf(30)) for w0, b0 in STARTS
}


def _output_at(w0: sp.Expr, b0: sp.Expr) -> float:
    return float(sigma(w0 + b0).rewrite(sp.exp).evalf(30))


_A_STARTS = ", ".join(f"{_output_at(w0, b0):.3f}" for w0, b0 in STARTS)

#: what the lecture states and what is proved instead, by claim (for the errata report)
DIFFERENCES: tuple[tuple[str, Text], ...] = (
    (
        "L3",
        Text(
            "The slides write C = (y − a)² and then ∂C/∂w = (a − y)σ'(z)x, ∂C/∂b = (a − y)σ'(z). "
            "Those are the gradients of C = 1/2(y − a)² (Nielsen's form, proved here); for the "
            "slides' C = (y − a)² each gradient is twice as large (proved, step 5 of "
            "quadratic-gradients), e.g. 2aσ'(z) for x = 1, y = 0.",
            "Slajdy píší C = (y − a)² a pak ∂C/∂w = (a − y)σ'(z)x, ∂C/∂b = (a − y)σ'(z). "
            "To jsou gradienty C = 1/2(y − a)² (Nielsenův tvar, dokázaný zde); pro C = (y − a)² "
            "ze slajdů je každý gradient dvakrát větší (dokázáno, krok 5 odvození "
            "quadratic-gradients), např. 2aσ'(z) pro x = 1, y = 0.",
        ),
    ),
    (
        "L2",
        Text(
            "'The worse the neuron is wrong, the slower it learns' holds for x = 1, y = 0 only "
            "for outputs a > 2/3: ∂C/∂b = a²(1 − a) grows on 0 < a < 2/3 and shrinks on "
            f"2/3 < a < 1 (proved). Both of the lecture's starts (a = {_A_STARTS}) lie in the "
            "shrinking range, so the example is right; 'this holds in general' is not.",
            "„Čím víc se neuron mýlí, tím pomaleji se učí“ platí pro x = 1, y = 0 jen pro "
            "výstupy a > 2/3: ∂C/∂b = a²(1 − a) roste na 0 < a < 2/3 a klesá na 2/3 < a < 1 "
            f"(dokázáno). Obě počáteční hodnoty z přednášky (a = {_A_STARTS}) leží v klesající "
            "části, takže příklad platí; „platí to obecně“ ne.",
        ),
    ),
)
_DIFF = dict(DIFFERENCES)

_OUT = sp.IndexedBase("a^{L}", real=True)
_TARGET = sp.IndexedBase("y", real=True)
_J = sp.Symbol("j", integer=True, positive=True)

QUADRATIC_COST = Derivation(
    id="quadratic-cost",
    title=Text("The quadratic cost", "Kvadratická účelová funkce"),
    claims=("L1", "L3"),
    intro=Text(
        "C = 1/(2n) Σ_x ||y(x) − a||², the mean over the n samples of 1/2 the squared distance "
        "between target and output. For one output neuron, C_x = 1/2(y − a)².",
        "C = 1/(2n) Σ_x ||y(x) − a||², průměr přes n vzorků z poloviny druhé mocniny "
        "vzdálenosti cíle a výstupu. Pro jeden výstupní neuron C_x = 1/2(y − a)².",
    ),
    definitions=NEURON,
    steps=(
        Step(
            mean_over_samples(
                sp.Sum(relabel(MSE_COST, {a: _OUT[_J], y: _TARGET[_J]}), (_J, 1, LAYER_WIDTH))
            ),
            R.GIVEN,
            Text(
                "mean squared error; ||y − a||² = Σ_j (y_j − a^L_j)² over the K outputs",
                "střední kvadratická chyba; ||y − a||² = Σ_j (y_j − a^L_j)² přes K výstupů",
            ),
            ("L1",),
            lhs=sp.Symbol("C"),
        ),
        Step(
            MSE_COST,
            R.GIVEN,
            Text(
                "one sample, one output neuron (K = 1); the slides drop the 1/2",
                "jeden vzorek, jeden výstupní neuron (K = 1); slajdy 1/2 vynechávají",
            ),
            ("L1", "L3"),
            lhs=sp.Symbol("C_x"),
        ),
        Step(MSE_OF_Z, R.EQUAL, Text("a = σ(z)", "a = σ(z)"), ("L3",)),
        Step(MSE_OF_W, R.EQUAL, Text("z = wx + b", "z = wx + b"), ("L3",)),
    ),
)

QUADRATIC_GRADIENTS = Derivation(
    id="quadratic-gradients",
    title=Text("Its gradients carry σ'(z)", "Její gradienty obsahují σ'(z)"),
    claims=("L3",),
    intro=_DIFF["L3"],
    definitions=NEURON,
    steps=(
        Step(
            product(ordered(sigma(z), -y), _d(sigma(z), w)),
            R.EQUAL,
            Text("chain rule on 1/2(y − σ(z))²", "řetízkové pravidlo pro 1/2(y − σ(z))²"),
            ("L3",),
            lhs=_label(r"\frac{\partial C_x}{\partial w}"),
            lhs_value=_d(MSE_OF_W, w),
        ),
        Step(
            product(ordered(sigma(z), -y), SigmaPrime(z), x),
            R.EQUAL,
            Text("∂z/∂w = x", "∂z/∂w = x"),
            ("L3",),
        ),
        Step(MSE_DW, R.EQUAL, Text("a = σ(z)", "a = σ(z)"), ("L3",)),
        Step(
            MSE_DB,
            R.EQUAL,
            Text("the same with ∂z/∂b = 1", "totéž s ∂z/∂b = 1"),
            ("L3",),
            lhs=_label(r"\frac{\partial C_x}{\partial b}"),
            lhs_value=_d(MSE_OF_W, b),
        ),
        Step(
            sp.Eq(_d(SLIDE_COST, w), product(2, MSE_DW), evaluate=False),
            R.FACT,
            Text(
                "the slides' C = (y − a)², without 1/2, has twice this gradient",
                "C = (y − a)² ze slajdů, bez 1/2, má dvojnásobný gradient",
            ),
            ("L3",),
        ),
    ),
)

QUADRATIC_EXAMPLE = Derivation(
    id="quadratic-example",
    title=Text("Input 1, target 0", "Vstup 1, cíl 0"),
    claims=("L3",),
    intro=Text(
        "The lecture's neuron learns to map x = 1 to y = 0.",
        "Neuron z přednášky se učí zobrazit x = 1 na y = 0.",
    ),
    definitions=(*NEURON, *EXAMPLE),
    steps=(
        Step(
            MSE_DW,
            R.EQUAL,
            Text("quadratic-gradients", "quadratic-gradients"),
            ("L3",),
            lhs=_label(r"\frac{\partial C_x}{\partial w}"),
            lhs_value=_d(MSE_OF_W, w),
        ),
        Step(product(a, SigmaPrime(z)), R.EQUAL, Text("x = 1, y = 0", "x = 1, y = 0"), ("L3",)),
        Step(
            MSE_DB,
            R.EQUAL,
            Text("quadratic-gradients", "quadratic-gradients"),
            ("L3",),
            lhs=_label(r"\frac{\partial C_x}{\partial b}"),
            lhs_value=_d(MSE_OF_W, b),
        ),
        Step(product(a, SigmaPrime(z)), R.EQUAL, Text("y = 0", "y = 0"), ("L3",)),
    ),
)

#: σ'(z) with σ written out: e^{-z}/(1 + e^{-z})²
SIGMA_PRIME_EXP = sp.exp(-z) / ordered(1, sp.exp(-z)) ** 2
SIGMA_PRIME_SHAPE = Derivation(
    id="sigma-prime",
    title=Text(
        "σ' is at most 1/4 and vanishes at both ends", "σ' je nejvýš 1/4 a na obou koncích mizí"
    ),
    claims=("L4",),
    steps=(
        Step(
            sp.Eq(_d(SigmaPrime(z), z), product(SIGMA_PRIME, ordered(1, -2 * sigma(z)))),
            R.FACT,
            Text("differentiate σ(z)(1 − σ(z))", "derivujeme σ(z)(1 − σ(z))"),
            ("L4",),
        ),
        Step(
            sp.Eq(sp.Subs(_d(SigmaPrime(z), z), z, 0), 0, evaluate=False),
            R.FACT,
            Text(
                "z = 0 is a critical point, as σ(0) = 1/2",
                "z = 0 je stacionární bod, neboť σ(0) = 1/2",
            ),
            ("L4",),
        ),
        Step(
            sp.StrictLessThan(sp.Subs(_d(SigmaPrime(z), (z, 2)), z, 0), 0),
            R.FACT,
            Text("second derivative negative: a maximum", "druhá derivace záporná: maximum"),
            ("L4",),
        ),
        Step(
            sp.Eq(SigmaPrime(0), sp.Rational(1, 4), evaluate=False),
            R.FACT,
            Text("its value", "jeho hodnota"),
            ("L4",),
        ),
        Step(
            sp.StrictGreaterThan(SigmaPrime(z), 0, evaluate=False),
            R.FACT,
            Text("σ' > 0: σ is strictly increasing", "σ' > 0: σ je rostoucí"),
            ("L4",),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "σ'(z) = 1/4 − (σ(z) − 1/2)² (checked) and a square is ≥ 0, so σ'(z) ≤ 1/4 "
                "for every z, with equality only where σ(z) = 1/2, i.e. only at z = 0 since σ "
                "is strictly increasing: the maximum 1/4 is global",
                "σ'(z) = 1/4 − (σ(z) − 1/2)² (ověřeno) a druhá mocnina je ≥ 0, takže "
                "σ'(z) ≤ 1/4 pro každé z, s rovností jen pro σ(z) = 1/2, tj. jen v z = 0, "
                "protože σ je rostoucí: maximum 1/4 je globální",
            ),
            ("L4",),
            core=sp.Eq(
                SigmaPrime(z),
                ordered(sp.Rational(1, 4), -(ordered(sigma(z), -sp.S.Half) ** 2)),
                evaluate=False,
            ),
        ),
        Step(
            sp.Eq(SigmaPrime(z), SIGMA_PRIME_EXP, evaluate=False),
            R.FACT,
            Text("σ(z) = 1/(1 + e^{-z})", "σ(z) = 1/(1 + e^{-z})"),
            ("L4",),
        ),
        Step(
            sp.Eq(sp.Limit(SIGMA_PRIME_EXP, z, sp.oo), 0, evaluate=False),
            R.FACT,
            Text("flat for large z", "plochá pro velká z"),
            ("L4",),
        ),
        Step(
            sp.Eq(sp.Limit(SIGMA_PRIME_EXP, z, -sp.oo), 0, evaluate=False),
            R.FACT,
            Text("and for very negative z", "i pro velmi záporná z"),
            ("L4",),
        ),
    ),
)

SATURATION = Derivation(
    id="saturation",
    title=Text("A saturated neuron learns slowly", "Saturovaný neuron se učí pomalu"),
    claims=("L4",),
    intro=Text(
        "With σ'(z) = a(1 − a), both gradients of the quadratic cost tend to 0 as the output a "
        "approaches 1 or 0, whatever the target y ∈ [0, 1] and the input x.",
        "Se σ'(z) = a(1 − a) jdou oba gradienty kvadratické účelové funkce k 0, když se "
        "výstup a blíží 1 nebo 0, ať je cíl y ∈ [0, 1] a vstup x jakýkoli.",
    ),
    steps=tuple(
        Step(
            sp.Eq(sp.Limit(relabel(grad, {SigmaPrime(z): SIGMA_PRIME_OF_A}), a, end, side), 0),
            R.FACT,
            Text(f"output → {end}", f"výstup → {end}"),
            ("L4",),
        )
        for grad in (MSE_DW, MSE_DB)
        for end, side in ((1, "-"), (0, "+"))
    ),
)

#: ∂C/∂b for x = 1, y = 0 as a function of the output: a σ'(z) = a²(1 − a)
EXAMPLE_DB_OF_A = product(a**2, ordered(1, -a))
EXAMPLE_DB_SLOPE = product(a, ordered(2, -3 * a))
WORSE_IS_SLOWER = Derivation(
    id="worse-is-slower",
    title=Text("The worse the output, the slower?", "Čím horší výstup, tím pomalejší učení?"),
    claims=("L2", "L4"),
    intro=_DIFF["L2"],
    steps=(
        Step(
            EXAMPLE_DB_OF_A,
            R.EQUAL,
            Text("σ'(z) = a(1 − a)", "σ'(z) = a(1 − a)"),
            ("L2", "L4"),
            lhs=_label(r"\frac{\partial C_x}{\partial b}"),
            lhs_value=relabel(MSE_DB, {SigmaPrime(z): SIGMA_PRIME_OF_A}).subs(y, 0),
        ),
        Step(
            sp.Eq(_d(EXAMPLE_DB_OF_A, a), EXAMPLE_DB_SLOPE, evaluate=False),
            R.FACT,
            Text("its slope in a", "jeho směrnice v a"),
            ("L2", "L4"),
        ),
    ),
)

_V = sp.Symbol("v", positive=True)  # a = (2 + v)/3 or a = 2v/3 with 0 < v < 1
_V_DOMAIN = DEFAULT.with_(_V, UNIT_OPEN)
WORSE_IS_SLOWER_FAR = Derivation(
    id="worse-is-slower-far",
    title=Text("… for 2/3 < a < 1: yes", "… pro 2/3 < a < 1: ano"),
    claims=("L2", "L4"),
    intro=Text(
        "Checked with a = (2 + v)/3, 0 < v < 1, which covers 2/3 < a < 1 exactly.",
        "Ověřeno s a = (2 + v)/3, 0 < v < 1, což pokrývá přesně 2/3 < a < 1.",
    ),
    definitions=((a, (2 + _V) / 3),),
    domain=_V_DOMAIN,
    steps=(
        Step(
            sp.StrictLessThan(EXAMPLE_DB_SLOPE, 0),
            R.FACT,
            Text("the gradient shrinks as a → 1", "gradient klesá pro a → 1"),
            ("L2", "L4"),
        ),
    ),
)
WORSE_IS_SLOWER_NEAR = Derivation(
    id="worse-is-slower-near",
    title=Text("… for 0 < a < 2/3: no", "… pro 0 < a < 2/3: ne"),
    claims=("L2",),
    intro=Text(
        "Checked with a = 2v/3, 0 < v < 1, which covers 0 < a < 2/3 exactly.",
        "Ověřeno s a = 2v/3, 0 < v < 1, což pokrývá přesně 0 < a < 2/3.",
    ),
    definitions=((a, 2 * _V / 3),),
    domain=_V_DOMAIN,
    steps=(
        Step(
            sp.StrictGreaterThan(EXAMPLE_DB_SLOPE, 0),
            R.FACT,
            Text(
                "here a worse output (larger a) gets a larger gradient",
                "zde horší výstup (větší a) dostane větší gradient",
            ),
            ("L2",),
        ),
    ),
)


def _ratio_derivation(w0: sp.Expr, b0: sp.Expr) -> Derivation:
    """The cross-entropy's gradient over the quadratic's at the start (w0, b0), x = 1, y = 0."""
    z0 = w0 + b0
    value = RATIOS[(w0, b0)]
    low = math.floor(value)
    ratio_label = sp.Symbol("r")
    start = f"w = {sp.sstr(w0)}, b = {sp.sstr(b0)}"
    return Derivation(
        id=f"slowdown-ratio-{sp.sstr(w0)}-{sp.sstr(b0)}",
        title=Text(f"How much smaller at {start}", f"O kolik menší při {start}"),
        claims=("L2", "L4"),
        intro=Text(
            f"r = (∂C_CE/∂b)/(∂C_Q/∂b), the cross-entropy's gradient over the quadratic's at "
            f"the start {start}, x = 1, y = 0 (the same for ∂/∂w, as x = 1); computed from the "
            "closed forms, not typed in.",
            f"r = (∂C_CE/∂b)/(∂C_Q/∂b), gradient křížové entropie ku gradientu kvadratické "
            f"účelové funkce na začátku {start}, x = 1, y = 0 (pro ∂/∂w stejný, neboť x = 1); "
            "spočten z uzavřených tvarů, ne opsán.",
        ),
        definitions=((a, sigma(z)), (z, w * x + b), *EXAMPLE, (w, w0), (b, b0)),
        steps=(
            Step(
                CE_DB / MSE_DB,
                R.EQUAL,
                Text(
                    "differentiate both costs (crossentropy, quadratic-gradients)",
                    "derivujeme obě účelové funkce (crossentropy, quadratic-gradients)",
                ),
                ("L2", "L4"),
                lhs=ratio_label,
                lhs_value=_d(CE_OF_W, b) / _d(MSE_OF_W, b),
            ),
            Step(
                1 / SigmaPrime(z),
                R.EQUAL,
                Text("a = σ(z): the error cancels", "a = σ(z): chyba se vykrátí"),
                ("L2", "L4"),
            ),
            Step(
                1 / SigmaPrime(z0),
                R.EQUAL,
                Text(f"z = wx + b = {sp.sstr(z0)}", f"z = wx + b = {sp.sstr(z0)}"),
                ("L2", "L4"),
            ),
            Step(
                ordered(sp.exp(z0), 2, sp.exp(-z0)),
                R.EQUAL,
                Text(
                    "1/σ'(z) = (1 + e^{-z})²/e^{-z} = e^{z} + 2 + e^{-z}",
                    "1/σ'(z) = (1 + e^{-z})²/e^{-z} = e^{z} + 2 + e^{-z}",
                ),
                ("L2", "L4"),
            ),
            Step(
                sp.StrictGreaterThan(ordered(sp.exp(z0), 2, sp.exp(-z0)), low, evaluate=False),
                R.FACT,
                Text(f"the ratio is {value:.2f} …", f"poměr je {value:.2f} …".replace(".", ",")),
                ("L2", "L4"),
            ),
            Step(
                sp.StrictLessThan(ordered(sp.exp(z0), 2, sp.exp(-z0)), low + 1, evaluate=False),
                R.FACT,
                Text(
                    f"… so the quadratic's gradient is {value:.1f}× smaller",
                    f"… takže gradient kvadratické účelové funkce je {value:.1f}× menší".replace(
                        ".", ","
                    ),
                ),
                ("L2", "L4"),
            ),
        ),
    )


SLOWDOWN_RATIOS = tuple(_ratio_derivation(w0, b0) for w0, b0 in STARTS)

#: the chapter, in the lecture's order
DERIVATIONS: tuple[Derivation, ...] = (
    QUADRATIC_COST,
    QUADRATIC_GRADIENTS,
    QUADRATIC_EXAMPLE,
    SIGMA_PRIME_SHAPE,
    SATURATION,
    WORSE_IS_SLOWER,
    WORSE_IS_SLOWER_FAR,
    WORSE_IS_SLOWER_NEAR,
    *SLOWDOWN_RATIOS,
)

TITLE = QUADRATIC


def main(argv: list[str] | None = None) -> int:
    from ..engine.cli import run

    return run(DERIVATIONS, TITLE, argv, prog="python -m derive.quadratic")


if __name__ == "__main__":
    raise SystemExit(main())
