"""The lecture's claims L0–L26 as data: what each says (English, Czech) and what kind it is.

The kind says how a claim can be checked: ``mathematical`` (derivations and step files
tagged with its ID check it), ``definition`` (nothing to prove: a derivation states it as
given), ``experiment`` (a training run checks it numerically) or ``not-mathematical`` (a plan
or a name: nothing to compute; :attr:`Claim.reason` says why).
No status lives here: :mod:`derive.lecture.errata` computes every status from checks run just now.
A ``correction`` is shown only when those checks refute the lecture's statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.text import Text

__all__ = ["CLAIMS", "KINDS", "Claim", "claim"]

KINDS = ("mathematical", "definition", "experiment", "not-mathematical")


@dataclass(frozen=True)
class Claim:
    """One claim of the lecture (``../shared/lecture/CLAIMS.md``), by its stable ID."""

    id: str
    statement: Text
    kind: str = "mathematical"
    reason: Text | None = None
    correction: Text | None = None


def _c(id_: str, en: str, cs: str, **kw: object) -> Claim:
    return Claim(id_, Text(en, cs), **kw)


CLAIMS: tuple[Claim, ...] = (
    _c(
        "L0",
        "Ways to make learning more efficient: another cost, other activations, "
        "regularisation, better initialisation, hyper-parameter heuristics.",
        "Jak zefektivnit učení: jiná účelová funkce, jiné aktivace, regularizace, lepší "
        "inicializace vah, heuristiky pro hyperparametry.",
        kind="not-mathematical",
        reason=Text("a chapter plan: a list of topics", "plán kapitoly: seznam témat"),
    ),
    _c(
        "L1",
        "MSE: C(w, b) = 1/(2n) Σ_x ‖y(x) − a‖².",
        "MSE: C(w, b) = 1/(2n) Σ_x ‖y(x) − a‖².",
        kind="definition",
        reason=Text(
            "a definition: nothing to prove; the toolkit states it as given",
            "definice: není co dokazovat; nástroj ji uvádí jako zadání",
        ),
    ),
    _c(
        "L2",
        "One neuron, x = 1, y = 0: from w = b = 2 it practically does not learn for about "
        "150 epochs; the worse it is wrong, the slower it learns.",
        "Jeden neuron, x = 1, y = 0: z w = b = 2 se asi 150 epoch prakticky neučí; čím hůř se "
        "chová, tím hůř se učí.",
        kind="experiment",
    ),
    _c(
        "L3",
        "C = (y − a)² = (y − σ(wx + b))²; with x = 1, y = 0: ∂C/∂w = (a − y)σ'(z)x = aσ'(z), "
        "∂C/∂b = (a − y)σ'(z) = aσ'(z).",
        "C = (y − a)² = (y − σ(wx + b))²; pro x = 1, y = 0: ∂C/∂w = (a − y)σ'(z)x = aσ'(z), "
        "∂C/∂b = (a − y)σ'(z) = aσ'(z).",
    ),
    _c(
        "L4",
        "A saturated neuron (output near 0 or 1) has tiny partial derivatives: it learns "
        "slowly; this holds in general.",
        "Saturovaný neuron (výstup u 0 nebo 1) má malé parciální derivace: učí se pomalu; "
        "platí obecně.",
    ),
    _c(
        "L5",
        "Wanted: ∂C/∂w_j = (a − y)x_j and ∂C/∂b = (a − y), without σ'(z).",
        "Chceme: ∂C/∂w_j = (a − y)x_j a ∂C/∂b = (a − y), bez σ'(z).",
    ),
    _c(
        "L6",
        "Chain rule: ∂C/∂b = ∂C/∂a · σ'(z), and σ'(z) = σ(z)(1 − σ(z)) = a(1 − a).",
        "Řetízkové pravidlo: ∂C/∂b = ∂C/∂a · σ'(z) a σ'(z) = σ(z)(1 − σ(z)) = a(1 − a).",
    ),
    _c("L7", "Hence ∂C/∂a = (a − y)/(a(1 − a)).", "Tedy ∂C/∂a = (a − y)/(a(1 − a))."),
    _c(
        "L8",
        "Integrating (substitution t = 1/a − 1): C = −(y ln a + (1 − y) ln(1 − a)) + const.",
        "Integrací (substituce t = 1/a − 1): C = −(y ln a + (1 − y) ln(1 − a)) + const.",
        correction=Text(
            "The substitution t = 1/a − 1 has dt = −da/a², not da/a²; with it the integral "
            "becomes −ln(1 − a) + y ∫ dt/t, and ln((1 − a)/a) = ln(1 − a) − ln a. The slides' "
            "two mistakes (the sign of dt and the line −y(ln(1 − a) + y ln a)) cancel, so the "
            "result C = −(y ln a + (1 − y) ln(1 − a)) + const is right; "
            "derive/data/examples/cross-entropy-integral.steps is the corrected chain.",
            "Substituce t = 1/a − 1 má dt = −da/a², ne da/a²; s ní je integrál "
            "−ln(1 − a) + y ∫ dt/t a ln((1 − a)/a) = ln(1 − a) − ln a. Obě chyby slajdů "
            "(znaménko dt a řádek −y(ln(1 − a) + y ln a)) se vyruší, takže výsledek "
            "C = −(y ln a + (1 − y) ln(1 − a)) + const je správný; opravený řetězec je "
            "derive/data/examples/cross-entropy-integral.steps.",
        ),
    ),
    _c(
        "L9",
        "Averaging over the samples: C = −1/n Σ_x (y ln a + (1 − y) ln(1 − a)) + const; the "
        "constant is dropped.",
        "Průměr přes vzorky: C = −1/n Σ_x (y ln a + (1 − y) ln(1 − a)) + const; konstantu "
        "zahodíme.",
    ),
    _c(
        "L10",
        "This cost is uniquely determined, up to the constant, by the required derivatives.",
        "Tato účelová funkce je požadovanými derivacemi určena jednoznačně až na konstantu.",
    ),
    _c(
        "L11",
        "It is called the cross-entropy (information theory: entropy as surprise).",
        "Říká se jí křížová entropie (v přednášce cross entropie; teorie informace: entropie "
        "jako překvapení).",
        kind="not-mathematical",
        reason=Text("a name and its origin", "název a jeho původ"),
    ),
    _c(
        "L12",
        "C > 0, and a → y ⇒ C → 0 for y ∈ {0, 1}.",
        "C > 0 a a → y ⇒ C → 0 pro y ∈ {0, 1}.",
    ),
    _c(
        "L13",
        "∂C/∂w_j = 1/n Σ_x x_j (σ(z) − y): learning is driven by the error σ(z) − y.",
        "∂C/∂w_j = 1/n Σ_x x_j (σ(z) − y): učení řídí chyba σ(z) − y.",
    ),
    _c("L14", "∂C/∂b = 1/n Σ_x (σ(z) − y).", "∂C/∂b = 1/n Σ_x (σ(z) − y)."),
    _c(
        "L15",
        "The one-neuron experiment with the cross-entropy: the slowdown is gone (at another "
        "learning rate).",
        "Pokus s jedním neuronem s křížovou entropií: zpomalení zmizí (při jiné rychlosti učení).",
        kind="experiment",
    ),
    _c(
        "L16",
        "Any network: C = −1/n Σ_x Σ_j (y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)).",
        "Libovolná síť: C = −1/n Σ_x Σ_j (y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)).",
    ),
    _c(
        "L17",
        "Swapping y and a is undefined: ln 0 for y = 0 or y = 1; σ never reaches 0 or 1.",
        "Prohození y a a není definováno: ln 0 pro y = 0 nebo y = 1; σ nikdy nedosáhne 0 ani 1.",
    ),
    _c(
        "L18",
        "For 0 < y < 1, C_x is minimal at a = y: C'(a) = 0 ⇔ a = y, and C''(a) > 0.",
        "Pro 0 < y < 1 je C_x minimální v a = y: C'(a) = 0 ⇔ a = y a C''(a) > 0.",
    ),
    _c(
        "L19",
        "For the cross-entropy δ^L = a^L − y, so ∂C/∂w^L_jk = 1/n Σ_x a^{L-1}_k (a^L_j − y_j).",
        "Pro křížovou entropii δ^L = a^L − y, tedy ∂C/∂w^L_jk = 1/n Σ_x a^{L-1}_k (a^L_j − y_j).",
    ),
    _c(
        "L20",
        "The four backpropagation equations BP1–BP4 hold for any cost.",
        "Čtyři rovnice zpětného šíření BP1–BP4 platí pro libovolnou účelovou funkci.",
    ),
    _c(
        "L21",
        "Proof of BP1: δ^L_j = Σ_k ∂C/∂a^L_k ∂a^L_k/∂z^L_j = ∂C/∂a^L_j σ'(z^L_j).",
        "Důkaz BP1: δ^L_j = Σ_k ∂C/∂a^L_k ∂a^L_k/∂z^L_j = ∂C/∂a^L_j σ'(z^L_j).",
    ),
    _c(
        "L22",
        "MSE: ∂C/∂w^L_jk = 1/n Σ_x a^{L-1}_k (a^L_j − y_j) σ'(z^L_j).",
        "MSE: ∂C/∂w^L_jk = 1/n Σ_x a^{L-1}_k (a^L_j − y_j) σ'(z^L_j).",
    ),
    _c(
        "L23",
        "Cross-entropy: δ^L_j = ∂C_x/∂a^L_j σ'(z^L_j) = a^L_j − y_j.",
        "Cross-entropy: δ^L_j = ∂C_x/∂a^L_j σ'(z^L_j) = a^L_j − y_j.",
    ),
    _c(
        "L24",
        "∂C/∂w^L_jk = 1/n Σ_x a^{L-1}_k (a^L_j − y_j) and, as printed, "
        "∂C/∂b^L_k = 1/n Σ_x (a^L_j − y_j).",
        "∂C/∂w^L_jk = 1/n Σ_x a^{L-1}_k (a^L_j − y_j) a, jak je vytištěno, "
        "∂C/∂b^L_k = 1/n Σ_x (a^L_j − y_j).",
    ),
    _c(
        "L25",
        "MSE with linear outputs: δ^L = a^L − y, no slowdown.",
        "MSE s lineárními výstupy: δ^L = a^L − y, žádné zpomalení.",
    ),
    _c(
        "L26",
        "No cost can also remove x_j from ∂C/∂w_j: C depends only on a and y.",
        "Žádná účelová funkce nemůže z ∂C/∂w_j odstranit i x_j: C závisí jen na a a y.",
    ),
)

_BY_ID = {c.id: c for c in CLAIMS}


def claim(claim_id: str) -> Claim:
    """The claim with this ID (``KeyError`` if unknown)."""
    return _BY_ID[claim_id]
