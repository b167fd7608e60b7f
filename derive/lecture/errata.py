"""The lecture's errata: every claim L0–L26 with a status computed from checks run just now.

``python -m derive.errata [--lang en|cs] [--format latex|markdown|text] [--standalone]
[--json] [-o FILE]``

Evidence for a claim is everything tagged with its ID:

* every step of the toolkit's derivations (:data:`SOURCES`: ``derive.lecture.crossentropy``,
  ``derive.lecture.quadratic``, ``derive.lecture.backprop``), verified now by
  :func:`derive.engine.verify.verify`;
* every line of the lecture's chains as written (``derive/data/lecture/*.steps``), checked now
  by :mod:`derive.homework.stepcheck`;
* for the experiment claims L2 and L15, the one-neuron gradient descent run now in plain
  float64 Python with the closed forms of :mod:`derive.lecture.closedforms` (no JAX in ``derive``).

Status (the weakest evidence decides): ``refuted`` if a check fails (with the line, the
counterexample and the corrected statement), else ``unverified`` if a check neither proved
nor refuted, else ``argument`` if a step is reasoning in words, else ``numeric`` if a step is
only supported at random points or by a training run, else ``proved``. A claim without any
check is ``not-mathematical`` when :mod:`derive.lecture.claims` says it is a plan or a name, and
``unchecked`` (a gap in the toolkit; exit 1) otherwise. Exit 0 when every claim was checked.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import sympy as sp

from ..engine.notation import a, b, expand_sigma_prime, sigma, w, x, y, z
from ..engine.prose import in_markdown
from ..engine.render import latex_text, standalone
from ..engine.steps import Derivation, Text
from ..engine.verify import verify
from ..homework.stepcheck import LineResult, check_text
from . import closedforms as cf
from .claims import CLAIMS, Claim
from .commands import read_errata_flags
from .experiment import (
    EPOCHS,
    ETA_CE,
    ETA_MSE,
    LECTURE_PLATEAU,
    LECTURE_TOLERANCE,
    PLATEAU_FRACTION,
    STARTS,
    X,
    Y,
)

__all__ = [
    "SOURCES",
    "STATUSES",
    "ClaimStatus",
    "Evidence",
    "Experiment",
    "collect",
    "errata",
    "experiment",
    "main",
    "render",
]

#: modules whose ``DERIVATIONS`` (tagged with claim IDs) are the toolkit's proofs
SOURCES = ("derive.crossentropy", "derive.quadratic", "derive.backprop")
#: where the lecture's chains, transcribed as written, live (inside the package)
LECTURE_DIR = "data/lecture"
#: evidence that informs but decides nothing (whether a lecture chain's end follows its start)
NOTE = "note"
#: every status, weakest first; the weakest piece of evidence decides a claim's status
STATUSES = ("refuted", "unverified", "argument", "numeric", "proved")
OTHER_STATUSES = ("not-mathematical", "unchecked")

_WORDS = {
    "title": {
        "en": "Errata of the lecture, checked just now",
        "cs": "Errata přednášky, ověřená právě teď",
    },
    "intro": {
        "en": "Every claim of the lecture (L0–L26) with its status "
        "from the checks run for this report: the toolkit's derivations, the lecture's own "
        "chains as written, and the one-neuron experiment.",
        "cs": "Každé tvrzení přednášky (L0–L26) se stavem "
        "z kontrol spuštěných pro tuto zprávu: odvození nástroje, řetězce z přednášky tak, "
        "jak jsou napsány, a pokus s jedním neuronem.",
    },
    "proved": {"en": "proved symbolically", "cs": "dokázáno symbolicky"},
    "numeric": {"en": "supported numerically", "cs": "podpořeno numericky"},
    "refuted": {"en": "REFUTED", "cs": "VYVRÁCENO"},
    "argument": {"en": "argument, not machine-checked", "cs": "úvaha, strojově neověřená"},
    "unverified": {"en": "unverified", "cs": "neověřeno"},
    "not-mathematical": {"en": "not mathematical", "cs": "není matematické"},
    "unchecked": {"en": "NOT CHECKED (a gap)", "cs": "NEOVĚŘENO (mezera)"},
    "steps": {
        "en": "{n} checks: {parts}",
        "cs": "{n} kontrol: {parts}",
    },
    "kinds": {
        "en": {
            "proved": "{n} proved",
            "numeric": "{n} numeric only (random points or a training run)",
            "argument": "{n} in words",
            "given": "{n} given",
            "unverified": "{n} unverified",
            "refuted": "{n} refuted",
        },
        "cs": {
            "proved": "{n} dokázáno",
            "numeric": "{n} jen numericky (náhodné body nebo trénink)",
            "argument": "{n} slovy",
            "given": "{n} zadáno",
            "unverified": "{n} neověřeno",
            "refuted": "{n} vyvráceno",
        },
    },
    "line": {"en": "line {line}", "cs": "řádek {line}"},
    "step": {"en": "step {step}", "cs": "krok {step}"},
    "corrected": {"en": "Corrected", "cs": "Oprava"},
    "difference": {"en": "Note", "cs": "Poznámka"},
    "where": {"en": "Derived in", "cs": "Odvozeno v"},
    "related": {"en": "Related", "cs": "Související"},
    "status": {"en": "Status", "cs": "Stav"},
    "chain": {"en": "the lecture's chain", "cs": "řetězec z přednášky"},
    "lecture_ok": {"en": "every line follows", "cs": "všechny řádky platí"},
    "summary": {
        "en": "{n} claims: {parts}.",
        "cs": "{n} tvrzení: {parts}.",
    },
}


def _w(key: str, lang: str) -> str:
    return _WORDS[key][lang]


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """One checked item for one claim: where it comes from and what the check said.

    ``verdict`` is the engine's (proved, numeric, refuted, argument, given, unverified);
    ``detail`` is shown when the item refutes (or fails to verify) the claim.
    """

    claim: str
    source: str
    item: Text
    verdict: str
    detail: Text
    #: the checked line itself (a step file's LaTeX), shown as mathematics
    text: str = ""

    def describe(self, lang: str = "en", fmt: str = "text") -> str:
        """``source item: text — detail``; in LaTeX the line is typeset as mathematics."""
        head, detail = f"{self.source} {self.item(lang)}:", self.detail(lang)
        if fmt == "latex":
            line = f" ${self.text}$ —" if self.text else ""
            return f"{_path(self.source)} {_tex(self.item(lang), lang)}:{line} {_tex(detail, lang)}"
        line = f" {self.text} —" if self.text else ""
        if fmt == "markdown" and self.text:
            line = f" `{self.text}` —"
        return f"{head}{line} {detail}"


@dataclass(frozen=True)
class ClaimStatus:
    """A claim, its computed status, the evidence behind it and where it is derived."""

    claim: Claim
    status: str
    evidence: tuple[Evidence, ...]
    where: tuple[str, ...]
    extra: Text | None = None  # numbers of an experiment
    difference: Text | None = None  # the toolkit's note on how the lecture's wording differs

    def detail(self, lang: str, fmt: str = "text") -> str:
        """What the checks found, in words (computed from the evidence), for ``fmt``."""
        return "; ".join(self.details(lang, fmt))

    def details(self, lang: str, fmt: str = "text") -> list[str]:
        """The findings one by one (each refuting line, the counts, the numbers)."""
        words = (lambda q: _tex(q, lang)) if fmt == "latex" else (lambda q: q)
        parts: list[str] = []
        if self.status == "not-mathematical" and self.claim.reason is not None:
            parts.append(words(self.claim.reason(lang)))
            if self.evidence and self.claim.kind == "not-mathematical":
                parts.append(words(f"{_w('related', lang)}: {self._counts(lang)}".lower()))
        else:
            bad = [e for e in self.evidence if e.verdict in ("refuted", "unverified")]
            if bad:
                parts.extend(e.describe(lang, fmt) for e in bad)
                parts.extend(e.describe(lang, fmt) for e in self.evidence if e.verdict == NOTE)
            elif self.evidence:
                parts.append(words(self._counts(lang)))
                lecture = sorted({e.source for e in self.evidence if e.source.endswith(".steps")})
                for src in lecture:
                    parts.append(words(f"{_w('chain', lang)} {src}: {_w('lecture_ok', lang)}"))
        if self.extra is not None:
            parts.append(words(self.extra(lang)))
        return parts

    def _counts(self, lang: str) -> str:
        counts: dict[str, int] = {}
        for e in self.evidence:
            if e.verdict == NOTE:
                continue
            counts[e.verdict] = counts.get(e.verdict, 0) + 1
        kinds = _WORDS["kinds"][lang]
        listed = ", ".join(kinds[k].format(n=v) for k, v in counts.items() if k in kinds)
        return _WORDS["steps"][lang].format(n=sum(counts.values()), parts=listed)

    def where_label(self, lang: str) -> str:
        """ "Derived in", or "related" for a plan or a name that derivations illustrate."""
        return _w("related" if self.claim.kind == "not-mathematical" else "where", lang)

    def correction(self, lang: str) -> str | None:
        if self.status != "refuted":
            return None
        texts = [t(lang) for t in (self.claim.correction, self.difference) if t is not None]
        return " ".join(texts) if texts else None

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "id": self.claim.id,
            "status": self.status,
            "detail": self.detail(lang),
            "statement": self.claim.statement(lang),
            "correction": self.correction(lang),
            "note": self.difference(lang) if self.difference is not None else None,
            "where": list(self.where),
        }


def _derivation_evidence(module: str, derivations: Iterable[Derivation]) -> list[Evidence]:
    out = []
    for d in derivations:
        for r in verify(d).results:
            for c in r.claims or d.claims:
                detail = r.detail + (f"; {r.second_opinion}" if r.evidence else "")
                out.append(
                    Evidence(
                        c,
                        f"{module}:{d.id}",
                        Text(f"step {r.index}", f"krok {r.index}"),
                        r.verdict.value,
                        Text(detail, detail),  # the engine reports in English
                    )
                )
    return out


def _lecture_files() -> list[tuple[str, str]]:
    folder = resources.files("derive").joinpath(LECTURE_DIR)
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".steps")), key=lambda p: p.name)
    return [(f"derive/{LECTURE_DIR}/{p.name}", p.read_text(encoding="utf-8")) for p in files]


def _line_evidence(source: str, results: Sequence[LineResult]) -> list[Evidence]:
    out = []
    for r in results:
        verdict = {"wrong": "refuted", "unreadable": "unverified"}.get(r.verdict, r.strength)
        for c in r.claims:
            out.append(
                Evidence(
                    c,
                    source,
                    Text(f"line {r.line}", f"řádek {r.line}"),
                    verdict or "unverified",
                    r.details or Text(r.detail, r.detail),
                    r.text,
                )
            )
    return out


# --------------------------------------------------------------------------- experiment


@dataclass(frozen=True)
class Run:
    """One gradient-descent run of the one-neuron example (x = 1, y = 0)."""

    cost: str
    w0: float
    b0: float
    eta: float
    epochs: int
    costs: tuple[float, ...]
    outputs: tuple[float, ...]
    grad0: float

    @property
    def plateau(self) -> int | None:
        """The first epoch with C < 0.9 C₀ ("practically not learning" before it)."""
        c0 = self.costs[0]
        return next((k for k, c in enumerate(self.costs) if c < PLATEAU_FRACTION * c0), None)


def _math_sigma(v: float) -> float:
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def _softplus(v: float) -> float:
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def _stable(expr: sp.Expr) -> sp.Expr:
    """ln σ(u) → −softplus(−u), ln(1 − σ(u)) → −softplus(u): finite for saturated neurons."""
    softplus = sp.Function("softplus")
    u = sp.Wild("u")
    expr = expr.replace(sp.log(sigma(u)), -softplus(-u))
    return expr.replace(sp.log(1 - sigma(u)), -softplus(u))


def _neuron(expr: sp.Expr) -> Callable[[float, float], float]:
    """A closed form in a, z (a = σ(z), z = w x + b) at the experiment's x, y, as a float."""
    e = expand_sigma_prime(sp.sympify(expr).subs(a, sigma(z)).subs(z, w * x + b))
    e = _stable(e.subs({x: X, y: Y}))
    fn = sp.lambdify(
        (w, b), e, modules=[{"sigma": _math_sigma, "softplus": _softplus, "log": math.log}, "math"]
    )
    return lambda w_, b_: float(fn(w_, b_))


def _train(cost: str, w0: float, b0: float, eta: float, epochs: int, scale: float = 1.0) -> Run:
    """Gradient descent from (w0, b0); ``scale`` multiplies the cost (2 = the slides' (y − a)²)."""
    forms = {
        "quadratic": (cf.MSE_COST, cf.MSE_DW, cf.MSE_DB),
        "cross-entropy": (cf.CE_COST, cf.CE_DW, cf.CE_DB),
    }[cost]
    c_fn, dw_fn, db_fn = (_neuron(f) for f in forms)
    out_fn = _neuron(a)
    w_, b_ = w0, b0
    costs, outputs = [scale * c_fn(w_, b_)], [out_fn(w_, b_)]
    grad0 = scale * math.hypot(dw_fn(w_, b_), db_fn(w_, b_))
    for _ in range(epochs):
        w_, b_ = w_ - eta * scale * dw_fn(w_, b_), b_ - eta * scale * db_fn(w_, b_)
        costs.append(scale * c_fn(w_, b_))
        outputs.append(out_fn(w_, b_))
    return Run(cost, w0, b0, eta, epochs, tuple(costs), tuple(outputs), grad0)


@dataclass(frozen=True)
class Experiment:
    """The runs behind L2 and L15, their verdicts and the numbers in words."""

    runs: tuple[Run, ...]
    slide_run: Run
    l2: bool
    l15: bool

    def run(self, cost: str, start: tuple[float, float], eta: float) -> Run:
        return next(r for r in self.runs if (r.cost, (r.w0, r.b0), r.eta) == (cost, start, eta))

    def text_l2(self, lang: str) -> str:
        far, near = (
            self.run("quadratic", STARTS[1], ETA_MSE),
            self.run("quadratic", STARTS[0], ETA_MSE),
        )
        en = (
            f"quadratic cost ½(y − a)², η = {ETA_MSE}, {EPOCHS} epochs (run now, float64): "
            f"the cost stays ≥ {PLATEAU_FRACTION:.0%} of its start for {_ep(far.plateau)} "
            f"epochs from (2, 2) (a = {far.outputs[0]:.3f} → {far.outputs[150]:.3f} at epoch "
            f"150) and "
            f"{_ep(near.plateau)} from (0.6, 0.9); criterion {LECTURE_PLATEAU} ± "
            f"{LECTURE_TOLERANCE} epochs and slower from the worse start: "
            f"{'met' if self.l2 else 'NOT met'}; with the slides' (y − a)² (twice the gradient) "
            f"the plateau from (2, 2) is {_ep(self.slide_run.plateau)} epochs"
        )
        cs = (
            f"kvadratická účelová funkce ½(y − a)², η = {ETA_MSE}, {EPOCHS} epoch "
            f"(spuštěno teď, float64): účelová funkce zůstává ≥ {PLATEAU_FRACTION:.0%} počáteční "
            f"{_ep(far.plateau)} epoch z (2, 2) "
            f"(a = {far.outputs[0]:.3f} → {far.outputs[150]:.3f} v epoše 150) a "
            f"{_ep(near.plateau)} z (0.6, 0.9); kritérium {LECTURE_PLATEAU} ± "
            f"{LECTURE_TOLERANCE} epoch a pomaleji z horšího začátku: "
            f"{'splněno' if self.l2 else 'NESPLNĚNO'}; s (y − a)² ze slajdů (dvojnásobný "
            f"gradient) trvá plató z (2, 2) {_ep(self.slide_run.plateau)} epoch"
        )
        return cs if lang == "cs" else en

    def text_l15(self, lang: str) -> str:
        q = self.run("quadratic", STARTS[1], ETA_MSE)
        ce = [self.run("cross-entropy", STARTS[1], eta) for eta in ETA_CE]
        g_near = self.run("cross-entropy", STARTS[0], ETA_CE[0]).grad0
        plateaus = " and ".join(f"{_ep(r.plateau)} epochs at η = {r.eta}" for r in ce)
        plateaus_cs = " a ".join(f"{_ep(r.plateau)} epochách při η = {r.eta}" for r in ce)
        en = (
            f"from (2, 2) the cross-entropy's cost falls below {PLATEAU_FRACTION:.0%} after "
            f"{plateaus}, the quadratic's after {_ep(q.plateau)} at η = {ETA_MSE}; its "
            f"initial |∇C| is {ce[0].grad0:.3f} at (2, 2) vs {g_near:.3f} at (0.6, 0.9) (the worse "
            f"start learns faster): {'met' if self.l15 else 'NOT met'}"
        )
        cs = (
            f"z (2, 2) klesne křížová entropie pod {PLATEAU_FRACTION:.0%} po {plateaus_cs}, "
            f"kvadratická po {_ep(q.plateau)} při η = {ETA_MSE}; počáteční |∇C| je "
            f"{ce[0].grad0:.3f} v (2, 2) oproti {g_near:.3f} v (0.6, 0.9) (horší začátek se učí "
            f"rychleji): {'splněno' if self.l15 else 'NESPLNĚNO'}"
        )
        return cs if lang == "cs" else en


def _ep(k: int | None) -> str:
    return f">{EPOCHS}" if k is None else str(k)


def experiment() -> Experiment:
    """Run the one-neuron experiment now (a few thousand float operations)."""
    runs = []
    for start in STARTS:
        runs.append(_train("quadratic", *start, ETA_MSE, EPOCHS))
        runs.extend(_train("cross-entropy", *start, eta, EPOCHS) for eta in ETA_CE)
    slide = _train("quadratic", *STARTS[1], ETA_MSE, EPOCHS, scale=2.0)
    exp = Experiment(tuple(runs), slide, False, False)
    far, near = exp.run("quadratic", STARTS[1], ETA_MSE), exp.run("quadratic", STARTS[0], ETA_MSE)
    l2 = (
        far.plateau is not None
        and abs(far.plateau - LECTURE_PLATEAU) <= LECTURE_TOLERANCE
        and near.plateau is not None
        and near.plateau < far.plateau
    )
    ce_far = [exp.run("cross-entropy", STARTS[1], eta) for eta in ETA_CE]
    ce_near = exp.run("cross-entropy", STARTS[0], ETA_CE[0])
    l15 = (
        all(r.plateau is not None and r.plateau < (far.plateau or EPOCHS + 1) for r in ce_far)
        and ce_far[0].grad0 > ce_near.grad0
    )
    return Experiment(tuple(runs), slide, l2, l15)


# --------------------------------------------------------------------------- the report


_END = {
    True: Text(
        "the last line follows from the first (checked directly)",
        "poslední řádek plyne z prvního (ověřeno přímo)",
    ),
    False: Text(
        "the last line does not follow from the first either (checked directly)",
        "ani poslední řádek neplyne z prvního (ověřeno přímo)",
    ),
}


def collect(
    modules: Sequence[str] = SOURCES,
    lecture: Sequence[tuple[str, str]] | None = None,
    *,
    run_experiment: bool = True,
) -> tuple[list[Evidence], dict[str, Text], Experiment | None]:
    """Run every check now: the modules' derivations, the lecture's chains, the experiment.

    Returns the evidence, the modules' notes on how the lecture's wording differs
    (``DIFFERENCES``, by claim) and the experiment.
    """
    evidence: list[Evidence] = []
    differences: dict[str, Text] = {}
    for name in modules:
        module = importlib.import_module(name)
        evidence.extend(_derivation_evidence(name, module.DERIVATIONS))
        for cid, text in getattr(module, "DIFFERENCES", ()):
            differences[cid] = text
    for source, text in _lecture_files() if lecture is None else lecture:
        report = check_text(text, source=source)
        evidence.extend(_line_evidence(source, report.results))
        claims = report.stepfile.claims if report.stepfile is not None else ()
        for concl in report.conclusions:  # does the chain end where it should?
            if concl.holds is None:
                continue
            for c in claims:
                item = Text(
                    f"lines {concl.first}–{concl.last}", f"řádky {concl.first}–{concl.last}"
                )
                evidence.append(Evidence(c, source, item, NOTE, _END[concl.holds]))
    exp = experiment() if run_experiment else None
    if exp is not None:
        where = "derive.errata:experiment"
        evidence.append(
            Evidence(
                "L2",
                where,
                Text("runs", "běhy"),
                "numeric" if exp.l2 else "refuted",
                Text(exp.text_l2("en"), exp.text_l2("cs")),
            )
        )
        evidence.append(
            Evidence(
                "L15",
                where,
                Text("runs", "běhy"),
                "numeric" if exp.l15 else "refuted",
                Text(exp.text_l15("en"), exp.text_l15("cs")),
            )
        )
    return evidence, differences, exp


def _status(claim: Claim, items: Sequence[Evidence]) -> str:
    if claim.kind == "not-mathematical":
        return "not-mathematical"  # a plan or a name: derivations tagged with it are related
    checked = [e for e in items if e.verdict not in ("given", NOTE)]
    if not checked:
        if claim.kind == "definition" and items:
            return "not-mathematical"  # a definition, stated as given by a derivation
        return "unchecked"
    verdicts = {e.verdict for e in checked}
    return next(s for s in STATUSES if s in verdicts)


def errata(
    modules: Sequence[str] = SOURCES,
    lecture: Sequence[tuple[str, str]] | None = None,
    *,
    run_experiment: bool = True,
) -> tuple[ClaimStatus, ...]:
    """Every claim L0–L26 with its status, computed now."""
    evidence, differences, exp = collect(modules, lecture, run_experiment=run_experiment)
    out = []
    for c in CLAIMS:
        items = tuple(e for e in evidence if e.claim == c.id)
        where = tuple(dict.fromkeys(e.source for e in items))
        extra = None
        if exp is not None and c.id in ("L2", "L15"):
            fn = exp.text_l2 if c.id == "L2" else exp.text_l15
            extra = Text(fn("en"), fn("cs"))
        out.append(ClaimStatus(c, _status(c, items), items, where, extra, differences.get(c.id)))
    return tuple(out)


def _summary(statuses: Sequence[ClaimStatus], lang: str) -> str:
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.status] = counts.get(s.status, 0) + 1
    parts = ", ".join(f"{_w(k, lang)}: {v}" for k, v in counts.items())
    return _WORDS["summary"][lang].format(n=len(statuses), parts=parts)


def render(
    statuses: Sequence[ClaimStatus],
    *,
    lang: str = "en",
    fmt: str = "text",
    standalone: bool = False,
) -> str:
    """The errata as text, Markdown or LaTeX (``standalone``: a complete document)."""
    if fmt == "text":
        return _render_text(statuses, lang)
    if fmt == "markdown":
        return _render_markdown(statuses, lang)
    body = _render_latex(statuses, lang)
    return _standalone(body, _w("title", lang)) if standalone else body


def _render_text(statuses: Sequence[ClaimStatus], lang: str) -> str:
    out = [_w("title", lang), "=" * len(_w("title", lang)), "", _summary(statuses, lang), ""]
    for s in statuses:
        out.append(f"{s.claim.id:<4} {_w(s.status, lang)}")
        out.append(f"     {s.claim.statement(lang)}")
        out.extend(f"     {part}" for part in s.details(lang))
        corr = s.correction(lang)
        if corr:
            out.append(f"     {_w('corrected', lang)}: {corr}")
        elif s.difference is not None:
            out.append(f"     {_w('difference', lang)}: {s.difference(lang)}")
        if s.where:
            out.append(f"     {s.where_label(lang)}: {', '.join(s.where)}")
        out.append("")
    return "\n".join(out)


def _render_markdown(statuses: Sequence[ClaimStatus], lang: str) -> str:
    out = [f"## {_w('title', lang)}", "", _w("intro", lang), "", _summary(statuses, lang), ""]
    for s in statuses:
        status = _w(s.status, lang)
        if s.status == "refuted":
            status = f"**{status}**"
        out.append(f"- **{s.claim.id}** ({status}): {in_markdown(s.claim.statement(lang), lang)}")
        out.extend(f"  - {part}" for part in s.details(lang, "markdown"))
        corr = s.correction(lang)
        if corr:
            out.append(f"  - {_w('corrected', lang)}: {in_markdown(corr, lang)}")
        elif s.difference is not None:
            out.append(f"  - {_w('difference', lang)}: {in_markdown(s.difference(lang), lang)}")
        if s.where:
            out.append(f"  - {s.where_label(lang)}: " + ", ".join(f"`{q}`" for q in s.where))
    return "\n".join(out) + "\n"


def _path(name: str) -> str:
    """A module or file name in LaTeX, breakable at / . : - (``\\path`` of the url package)."""
    return rf"\path{{{name}}}"


def _tex(words: str, lang: str = "en") -> str:
    """Words (with the lecture's notation) for LaTeX text mode: formulas as inline math."""
    return latex_text(words, lang)


def _render_latex(statuses: Sequence[ClaimStatus], lang: str) -> str:
    out = [
        _tex(_w("intro", lang), lang),
        "",
        r"\noindent " + _tex(_summary(statuses, lang), lang),
        "",
        r"\begin{description}",
    ]
    for s in statuses:
        status = _tex(_w(s.status, lang), lang)
        if s.status == "refuted":
            status = rf"\textbf{{{status}}}"
        out.append(rf"\item[{s.claim.id}] {status}: {_tex(s.claim.statement(lang), lang)}")
        out.append(r"\\ {\small " + s.detail(lang, "latex") + "}")
        corr = s.correction(lang)
        if corr:
            out.append(r"\\ \emph{" + _tex(_w("corrected", lang), lang) + "}: " + _tex(corr, lang))
        elif s.difference is not None:
            note = _tex(s.difference(lang), lang)
            out.append(r"\\ \emph{" + _tex(_w("difference", lang), lang) + "}: " + note)
        if s.where:
            where = ", ".join(_path(q) for q in s.where)
            out.append(r"\\ {\small " + _tex(s.where_label(lang), lang) + ": " + where + "}")
    out.append(r"\end{description}")
    return "\n".join(out) + "\n"


def _standalone(body: str, title: str) -> str:
    return standalone(
        body,
        _tex(title),
        preamble=(
            r"\usepackage[hyphens]{url}",
            r"\urlstyle{same}",
            r"\sloppy",
            r"\emergencystretch=3em",
            r"\hbadness=10000",  # loose lines are expected in long lists of names
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the errata. Exit 0 if every claim was checked, 1 if one is unchecked/unverified."""
    prog = "python -m derive.errata"
    args = read_errata_flags(prog, argv)
    fmt = args.format or ("latex" if args.standalone else "text")
    wanted = args.wanted
    try:
        statuses = errata(SOURCES)
    except ModuleNotFoundError as exc:  # a source module is missing: no errata without it
        print(
            f"{prog}: cannot import {exc.name}: the errata needs {', '.join(SOURCES)}",
            file=sys.stderr,
        )
        return 2
    if wanted:
        statuses = [s for s in statuses if s.claim.id in wanted]
    if args.json:
        text = (
            json.dumps(
                {"claims": [s.as_dict(args.lang) for s in statuses]}, ensure_ascii=False, indent=2
            )
            + "\n"
        )
    else:
        text = render(statuses, lang=args.lang, fmt=fmt, standalone=args.standalone)
    if args.output is not None:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"{prog}: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    gaps = [s for s in statuses if s.status in ("unchecked", "unverified")]
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main())
