"""The one judge: is ``lhs = rhs`` on the domain, and how strongly do we know it?

Every checker asks this question here: the derivation engine for each ``=`` step
(:mod:`derive.engine.verify`), the step checker through the engine, and the homework grader for
``answer = reference`` (:mod:`derive.homework.equivalence`). With ``d = lhs − rhs``:

1. **exact, cheap**: ``cancel(together(d)) == 0`` (:func:`derive.engine.identity.prove_zero`),
   for callers that accept it first the Schwartz–Zippel test of a rational ``d`` modulo a
   61-bit prime (:mod:`derive.engine.modular`: error probability stated, below 10⁻³⁰);
2. **random points**: ``d`` at seeded points of the domain, near its open ends and at its closed
   ends, relative to ``|lhs| + |rhs|``, at 30 digits (:func:`derive.engine.points.evaluate_zero`).
   A point where the two differ, or where one side (or a part of it that must be real, such as
   ``ln(a − 2)`` in ``e^{ln(a − 2)}``) is real and the other is not, **refutes**, whatever a
   proof says: SymPy's algebra holds only where both sides are defined;
3. **exact, slower**, only when the points agree: σ, trigonometric and hyperbolic functions
   as exponentials, logarithms split only for factors proved positive, the same two on the
   evaluated form when the caller gives one (defined symbols at their values), ``simplify``
   (bounded in size when the caller asks).

Verdicts: ``proved`` (an exact method, and every part as written proved real on the domain),
``numeric`` (evidence at N points, not a proof), ``refuted`` (a counterexample), ``unverified``
(neither). A caller that needs no second opinion (``second_opinion=False``: the grader) skips
the points after a cheap proof when every function in ``lhs`` and ``rhs`` is real wherever its
arguments are (no logarithm, root, fractional power or inverse function): then the proof alone
holds on the whole domain, up to isolated poles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

import sympy as sp

from . import points
from .domain import Domain
from .identity import prove_zero
from .notation import sigma
from .sign import prove_sign

__all__ = [
    "CHEAP_METHODS",
    "Judgement",
    "PointForm",
    "Verdict",
    "judge_zero",
    "total",
    "unproved_real",
]


class Verdict(Enum):
    PROVED = "proved"  #: an exact symbolic method proved the step
    NUMERIC = "numeric"  #: not proved; agrees at N random points (evidence only)
    REFUTED = "refuted"  #: a counterexample or a wrong claimed derivative was found
    ARGUMENT = "argument"  #: reasoning in words, not machine-checked (its core may be)
    GIVEN = "given"  #: a definition or premise
    UNVERIFIED = "unverified"  #: neither proved nor refuted


@dataclass(frozen=True)
class PointForm:
    """What the random points evaluate when it differs from what is proved: the difference,
    the two sides and the parts that must be real, with defined symbols at their values
    (``a = σ(z)`` at the drawn ``z``), and the domain to draw from."""

    d: sp.Expr
    sides: tuple[sp.Expr, ...]
    domain: Domain
    conditions: tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]] = ((), ())


@dataclass(frozen=True)
class Judgement:
    """A verdict, the method that reached it, a sentence of detail and the points' evidence."""

    verdict: Verdict
    method: str
    detail: str
    evidence: points.Evidence | None = None


#: the exact methods a caller may ask for first (:func:`judge_zero`'s ``cheap``)
CHEAP_METHODS = ("modular", "cancel")

#: functions real for every real argument: a proof about expressions built only from these
#: (and +, −, ·, whole powers) holds at every point of the domain where no denominator vanishes
_TOTAL = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.Abs, sp.atan, sigma)


def total(expr: sp.Basic) -> bool:
    """Is every function in ``expr`` real for every real argument (no ``ln``, root, fractional
    power, ``tan``, inverse sine …), and ``expr`` free of unevaluated objects?"""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            if not node.exp.is_Integer:
                return False
        elif isinstance(node, sp.Function) and not isinstance(node, _TOTAL):
            return False
        elif isinstance(node, (sp.Derivative, sp.Integral, sp.Sum, sp.Limit)):
            return False
    return True


def unproved_real(conditions: Sequence[Sequence[sp.Expr]], domain: Domain) -> list[sp.Expr]:
    """The parts (``ln u``, ``u^p``) whose argument ``u`` is not proved positive on the domain."""
    out = []
    for q in dict.fromkeys(c for side in conditions for c in side):
        arg = q.args[0] if isinstance(q, (sp.log, sp.Pow)) else None
        if arg is None or arg.is_positive:
            continue
        try:
            proved = prove_sign(arg, domain, positive=True) is not None
        except Exception:  # a proof that cannot be carried out is no proof
            proved = False
        if not proved:
            out.append(q)
    return out


def judge_zero(
    d: sp.Expr,
    domain: Domain,
    *,
    sides: tuple[sp.Expr, ...] = (),
    real: tuple[sp.Expr, ...] = (),
    conditions: tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]] = ((), ()),
    at_points: PointForm | Callable[[], PointForm] | None = None,
    seed: int = points.DEFAULT_SEED,
    count: int = points.DEFAULT_POINTS,
    simplify_max_ops: int | None = None,
    second_opinion: bool = True,
    cheap: tuple[str, ...] = ("cancel",),
    prefix: str = "",
) -> Judgement:
    """Judge ``d ≡ 0`` on ``domain`` (see the module docstring for the order of methods).

    ``sides``: the two sides whose difference ``d`` is (the comparison is relative to them,
    and one real side against one that is not refutes). ``real``: terms that must be real at
    every point (an antiderivative). ``conditions``: per side, the parts as written that must
    be real; a proof counts only when each is proved real on the domain. ``at_points``: the
    same difference, sides, conditions and domain in the form to evaluate (the grader's, with
    defined symbols at their values: ``a = σ(z)`` at the drawn ``z``), or a function that
    builds it when the points are needed; by default ``d``, ``sides``, ``conditions`` and
    ``domain``. ``cheap``: the exact methods of the first stage, among :data:`CHEAP_METHODS`
    (``"modular"``: the Schwartz–Zippel test, a proof up to a stated error probability).
    ``second_opinion=False``: after a cheap proof, skip the points when both sides are
    :func:`total` and nothing must be proved real.
    """
    first = tuple(m for m in cheap if m in CHEAP_METHODS)
    proof = prove_zero(d, domain, methods=first, seed=seed)
    if proof is not None and not second_opinion and not any(conditions) and not real:
        if all(total(q) for q in (sides or (d,))):
            return Judgement(Verdict.PROVED, prefix + proof.method, proof.detail)
    if callable(at_points):
        at_points = at_points()
    form = at_points or PointForm(d, sides, domain, conditions)
    evidence = points.evaluate_zero(
        form.d,
        form.domain,
        scale=form.sides,
        real=real,
        conditions=form.conditions,
        seed=seed,
        count=count,
    )
    if evidence is not None and evidence.counterexample is not None:
        return Judgement(
            Verdict.REFUTED, prefix + "random points", "the two sides differ", evidence
        )
    modular = tuple(m for m in first if m == "modular")
    if proof is None:
        proof = prove_zero(d, domain, methods=(*modular, "exponentials", "domain"), seed=seed)
    if proof is None and form.d is not d:
        # the evaluated form, defined symbols at their values (a = σ(z) → 1/(1 + e^{−z})),
        # is the same difference: a proof of it is a proof of d
        proof = prove_zero(
            form.d, form.domain, methods=(*modular, "cancel", "exponentials"), seed=seed
        )
    if proof is None:
        proof = prove_zero(d, domain, methods=("simplify",), simplify_max_ops=simplify_max_ops)
    unproved = unproved_real(form.conditions, form.domain)
    agreed = evidence is not None and evidence.points > 0
    if proof is not None and unproved:
        names = ", ".join(sp.sstr(q) for q in unproved)
        detail = f"{proof.detail}, but {names} as written is not proved real on the domain"
        if agreed:
            return Judgement(Verdict.NUMERIC, prefix + "random points", detail, evidence)
        return Judgement(Verdict.UNVERIFIED, prefix + "none", detail, evidence)
    if proof is not None:
        return Judgement(Verdict.PROVED, prefix + proof.method, proof.detail, evidence)
    if agreed:
        detail = "no exact method proved it"
        return Judgement(Verdict.NUMERIC, prefix + "random points", detail, evidence)
    why = "no exact method proved it"
    if evidence is not None and evidence.note:
        why += f", and it is {evidence.note}"
    return Judgement(Verdict.UNVERIFIED, prefix + "none", why, evidence)
