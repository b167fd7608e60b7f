"""Check every step of a derivation, now, with the cheapest method that can prove it.

Per relation (see :class:`derive.engine.steps.Relation`):

* ``=``: ``cancel`` of the difference, then domain reparametrisation, then ``simplify``
  (:mod:`derive.engine.identity`); a term containing an indefinite integral is compared by
  differentiation (equal up to a constant, :mod:`derive.engine.calculus`);
* ``= up to a constant``: the difference has derivative zero (connected domain);
* a substitution ``t = g(v), dt = g'(v) dv``: the claimed ``g'`` against ``diff(g, v)``;
* ``⇔``: the two statements ``l₁ = r₁`` and ``l₂ = r₂`` have ``(l₁ − r₁)/(l₂ − r₂)`` of one
  strict sign on the domain (:mod:`derive.engine.sign`), so each holds exactly when the other does;
* ``⇒``: the new statement checked under the previous one (solved for one variable);
* facts: identities, signs (case by case), limits (``Limit.doit``), undefined values;
* arguments in words are reported as such; only their ``core`` is checked.

Every check is followed by a seeded random-point evaluation at 30 digits
(:mod:`derive.engine.points`), reported as a second opinion. A step that no exact method proves
but that agrees numerically is reported as ``numeric``; one with a point of disagreement is
``refuted`` with that point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp

from . import points
from .calculus import CONST, UnsupportedIntegral, derivative, has_indefinite_integral
from .indexing import family_derivatives, free_components
from .judge import Verdict, judge_zero
from .notation import SampleSum, SigmaPrime, expand_sigma_prime
from .sign import prove_sign
from .steps import Derivation, Relation, Step, Undefined

__all__ = ["DerivationReport", "StepResult", "Verdict", "verify", "verify_all"]


@dataclass(frozen=True)
class StepResult:
    """The outcome of checking one step (``index`` counts from 1)."""

    index: int
    claims: tuple[str, ...]
    relation: Relation
    verdict: Verdict
    method: str
    detail: str
    evidence: points.Evidence | None = None

    @property
    def ok(self) -> bool:
        return self.verdict not in (Verdict.REFUTED, Verdict.UNVERIFIED)

    @property
    def second_opinion(self) -> str:
        e = self.evidence
        if e is None:
            return "—"
        if e.counterexample is not None:
            return "differs at " + ", ".join(points.point_parts(e.counterexample, eq="="))
        return f"agrees at {e.points} points" + (f" ({e.note})" if e.note else "")


@dataclass(frozen=True)
class DerivationReport:
    derivation: Derivation
    results: tuple[StepResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failures(self) -> tuple[StepResult, ...]:
        return tuple(r for r in self.results if not r.ok)


@dataclass
class _State:
    """What the steps before the current one established."""

    derivation: Derivation
    term: sp.Expr | None = None
    statement: sp.Basic | None = None
    substitutions: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    #: parts of ``term`` as written that must be real (see :attr:`Step.conditions`)
    term_conditions: tuple[sp.Expr, ...] = ()
    #: every symbol of the derivation, for naming ``a^{L}_{j}`` back after ∂/∂a^L_j of a Σ_k
    known: set[sp.Basic] = field(default_factory=set)

    def __post_init__(self) -> None:
        for st in self.derivation.steps:
            for e in (st.expr, st.lhs, st.lhs_value):
                if isinstance(e, sp.Basic):
                    self.known |= e.free_symbols
        for _sym, value in self.derivation.definitions:
            self.known |= value.free_symbols

    #: results of the pure functions below for this derivation: a step's term is the next
    #: step's previous term, so each is defined, evaluated and differentiated once, not twice
    memo: dict[tuple, sp.Basic] = field(default_factory=dict, repr=False)

    def _once(self, key: tuple, compute: Callable[[], sp.Basic]) -> sp.Basic:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def define(self, expr: sp.Basic) -> sp.Basic:
        """Apply the derivation's definitions (a = σ(z), z = w x + b …) and evaluate."""

        def compute() -> sp.Basic:
            out = expr
            for sym, value in self.derivation.definitions:
                out = out.subs(sym, value)
            return expand_sigma_prime(out)

        return self._once(("define", expr), compute)

    def done(self, expr: sp.Basic, substituted: bool = False) -> sp.Basic:
        """``expr`` evaluated (:meth:`doit`); with ``substituted``, after the substitutions
        made so far."""
        subs = tuple(self.substitutions.items()) if substituted else ()
        return self._once(
            ("doit", expr, subs),
            lambda: self._evaluate(expr.subs(self.substitutions) if subs else expr),
        )

    def derivative(self, expr: sp.Basic, var: sp.Symbol) -> sp.Expr:
        """d/d``var`` of ``_doit(expr)`` under the substitutions made so far."""
        key = ("derivative", expr, var, tuple(self.substitutions.items()))
        return self._once(key, lambda: derivative(self.done(expr), var, self.substitutions))

    def _evaluate(self, expr: sp.Basic) -> sp.Basic:
        """Derivatives, limits and sums evaluated, with ∂/∂a^L_j of a Σ_k over the family
        a^L taken by the Kronecker delta and a free a^L[j] named a^L_j (one family)."""
        return free_components(_doit(family_derivatives(expr, self.known)), self.known)

    def doit(self, expr: sp.Basic) -> sp.Basic:
        return self.done(expr)


def _doit(expr: sp.Basic) -> sp.Basic:
    """Evaluate derivatives, limits and sums over samples, but keep indefinite integrals.

    Repeated until nothing changes (at most 3 rounds): the derivative of a sum over an
    index is a sum with a ``KroneckerDelta`` that only a second ``doit`` collapses.
    """
    for _ in range(3):
        if not expr.has(sp.Derivative, sp.Sum, sp.Limit, sp.Integral, sp.Subs, SigmaPrime):
            break  # nothing to evaluate (also the common case: saves a full tree rebuild)
        done = expr.doit(integrals=False) if has_indefinite_integral(expr) else expr.doit()
        if done == expr:
            break
        expr = done
    return expr


def _linear_in_sums(d: sp.Expr) -> sp.Expr:
    """Σ_x f₁ − Σ_x f₂ → f₁ − f₂ (sums over the same samples compared term by term).

    Sound only when every sum enters linearly, multiplied by factors that are the same for
    every sample (n, numbers): a per-sample symbol outside a sum (``x Σ_x (a − y)``) or a
    product of sums leaves ``d`` as it is, and no method will prove it.
    """
    if not d.has(SampleSum):
        return d
    sums = d.atoms(SampleSum)
    per_sample = set().union(*(q.function.free_symbols for q in sums))
    for term in sp.Add.make_args(sp.expand(d)):
        inside = [q for q in sp.Mul.make_args(term) if q.has(SampleSum)]
        outside = sp.Mul(*[q for q in sp.Mul.make_args(term) if not q.has(SampleSum)])
        if len(inside) > 1 or (inside and not isinstance(inside[0], SampleSum)):
            return d  # a product or a power of sums
        if inside and outside.free_symbols & per_sample:
            return d  # a per-sample quantity outside the sum
    marker = sp.Dummy("M")
    e = sp.expand(d.replace(lambda q: isinstance(q, SampleSum), lambda q: q.function * marker))
    poly = sp.Poly(e, marker)
    if poly.is_zero:
        return sp.S.Zero  # the summands cancel term by term
    if poly.degree() == 1 and poly.coeff_monomial(1) == 0:
        return poly.coeff_monomial(marker)
    return d


def _result(
    step: Step,
    index: int,
    verdict: Verdict,
    method: str,
    detail: str,
    evidence: points.Evidence | None = None,
) -> StepResult:
    return StepResult(index, step.claims, step.relation, verdict, method, detail, evidence)


def _summands(expr: sp.Expr) -> sp.Expr:
    """Σ_x f → f: a term's size at a point, for a relative tolerance (never for a verdict)."""
    return expr.replace(lambda q: isinstance(q, SampleSum), lambda q: q.function)


def _judge_zero(
    d: sp.Expr,
    state: _State,
    method_prefix: str = "",
    scale: tuple[sp.Expr, ...] = (),
    real: tuple[sp.Expr, ...] = (),
    conditions: tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]] | tuple = (),
) -> tuple[Verdict, str, str, points.Evidence | None]:
    """``d ≡ 0`` on the derivation's domain, by the one judge (:func:`judge.judge_zero`).

    ``scale`` holds the two sides: the tolerance is relative to them, and a point where one
    side is real and the other is not refutes the step. ``conditions``: per side, the parts
    as written that must be real (:attr:`Step.conditions`); a proof counts only when each is
    proved real on the domain, otherwise the step is at most numeric evidence.
    """
    d = _linear_in_sums(_doit(d))
    scale = tuple(expand_sigma_prime(_summands(q)) for q in scale)
    conds = tuple(tuple(expand_sigma_prime(q) for q in side) for side in conditions)
    got = judge_zero(
        d,
        state.derivation.domain,
        sides=scale,
        real=real,
        conditions=conds or ((), ()),
        prefix=method_prefix,
    )
    return got.verdict, got.method, got.detail, got.evidence


def _check_equal(step: Step, state: _State, up_to_constant: bool) -> tuple:
    prev, cur = state.define(state.term), state.define(step.expr)
    var = state.derivation.variable
    # an integral left once derivatives are evaluated (∂/∂a ∫ f da = f leaves none)
    loose = has_indefinite_integral(state.doit(prev)) or has_indefinite_integral(state.doit(cur))
    if up_to_constant or loose:
        if var is None:
            return (
                Verdict.UNVERIFIED,
                "none",
                "a step up to a constant needs the derivation's variable",
                None,
            )
        try:
            dprev = state.derivative(prev, var)
            dcur = state.derivative(cur, var)
        except UnsupportedIntegral as exc:
            return Verdict.UNVERIFIED, "none", str(exc), None
        # an antiderivative must also be real on the domain (ln(a − 1) + C is not)
        terms = tuple(
            expand_sigma_prime(q.subs(state.substitutions).subs(CONST, 0))
            for q in (prev, cur)
            if not has_indefinite_integral(q) and not q.has(SampleSum)
        )
        verdict, method, detail, ev = _judge_zero(
            dprev - dcur, state, "differentiation + ", scale=(dprev, dcur), real=terms
        )
        bound = {lim[0] for q in (prev, cur) for i in q.atoms(sp.Integral) for lim in i.limits}
        others = sorted(
            {sp.sstr(q) for q in (prev.free_symbols | cur.free_symbols)}
            - {sp.sstr(q) for q in (var, CONST, *bound, *state.substitutions)}
        )
        deps = f"; the constant may depend on {', '.join(others)}" if others else ""
        return verdict, method, f"d/d{var} of the difference: {detail}{deps}", ev
    prev, cur = state.done(prev, substituted=True), state.done(cur, substituted=True)
    conds = tuple(
        tuple(state.define(q).subs(state.substitutions) for q in side)
        for side in (state.term_conditions, step.conditions)
    )
    return _judge_zero(prev - cur, state, scale=(prev, cur), conditions=conds)


def _check_fact(statement: sp.Basic, state: _State) -> tuple:
    domain = state.derivation.domain
    if isinstance(statement, Undefined):
        value = statement.expr.subs(dict(statement.at))
        at = ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in statement.at)
        if (
            value.has(sp.zoo, sp.nan, sp.oo, -sp.oo)
            or value.is_finite is False
            or value.is_real is False
        ):
            return (
                Verdict.PROVED,
                "evaluation",
                f"SymPy evaluates it at {at} to {sp.sstr(value)}",
                None,
            )
        return Verdict.REFUTED, "evaluation", f"at {at} it evaluates to {sp.sstr(value)}", None
    statement = state.define(statement)
    if statement is sp.true or statement is sp.false:
        verdict = Verdict.PROVED if statement is sp.true else Verdict.REFUTED
        return verdict, "evaluation", f"SymPy evaluates the statement to {statement}", None
    if isinstance(statement, sp.Equality):
        lhs, rhs = statement.lhs, statement.rhs
        if lhs.has(sp.Limit) or rhs.has(sp.Limit):
            lv, rv = lhs.doit(), rhs.doit()
            if lv == rv or (lv.is_finite and rv.is_finite and sp.simplify(lv - rv) == 0):
                return Verdict.PROVED, "limit", f"Limit.doit() gives {sp.sstr(lv)}", None
            return Verdict.REFUTED, "limit", f"the limit is {sp.sstr(lv)}, not {sp.sstr(rv)}", None
        lhs, rhs = state.doit(lhs), state.doit(rhs)
        return _judge_zero(lhs - rhs, state, scale=(lhs, rhs))
    if isinstance(statement, (sp.StrictGreaterThan, sp.StrictLessThan)):
        expr = _doit(statement.lhs - statement.rhs)
        positive = isinstance(statement, sp.StrictGreaterThan)
        proof = prove_sign(expr, domain, positive=positive)
        evidence = points.evaluate_sign(expr, domain, positive=positive)
        if evidence is not None and evidence.counterexample is not None:
            return Verdict.REFUTED, "random points", "the inequality fails", evidence
        if proof is not None:
            return Verdict.PROVED, "sign", proof.detail, evidence
        if evidence is not None and evidence.points > 0:
            return Verdict.NUMERIC, "random points", "the sign was not proved", evidence
        note = f", and it is {evidence.note}" if evidence is not None and evidence.note else ""
        return Verdict.UNVERIFIED, "none", "the sign was not proved" + note, evidence
    return (
        Verdict.UNVERIFIED,
        "none",
        f"no method for a statement of type {type(statement).__name__}",
        None,
    )


def _difference(statement: sp.Basic) -> sp.Expr:
    if not isinstance(statement, sp.Equality):
        raise TypeError("equivalence is checked between equations")
    return statement.lhs - statement.rhs


def _check_equivalent(step: Step, state: _State) -> tuple:
    domain = state.derivation.domain
    d1 = state.done(state.define(_difference(state.statement)))
    d2 = state.done(state.define(_difference(step.expr)))
    if sp.cancel(d1) == 0 or sp.cancel(d2) == 0:
        return Verdict.UNVERIFIED, "ratio", "an identically true statement is not compared", None
    ratio = sp.cancel(sp.together(expand_sigma_prime(d1) / expand_sigma_prime(d2)))
    if ratio.is_number and ratio != 0 and ratio.is_finite:
        return (
            Verdict.PROVED,
            "ratio",
            f"(l₁−r₁)/(l₂−r₂) = {sp.sstr(ratio)}, a nonzero constant",
            None,
        )
    for positive in (True, False):
        proof = prove_sign(ratio, domain, positive=positive)
        if proof is not None:
            sign = "> 0" if positive else "< 0"
            evidence = points.evaluate_sign(ratio, domain, positive=positive)
            if evidence is not None and evidence.counterexample is not None:
                break
            return (
                Verdict.PROVED,
                "ratio + sign",
                f"(l₁−r₁)/(l₂−r₂) = {sp.sstr(ratio)} {sign} on the domain ({proof.detail})",
                evidence,
            )
    refutation = _different_solutions(d1, d2, domain)
    if refutation is not None:
        return (Verdict.REFUTED, "solutions", *refutation)
    return (
        Verdict.UNVERIFIED,
        "ratio",
        f"(l₁−r₁)/(l₂−r₂) = {sp.sstr(ratio)}: no strict sign proved on the domain",
        None,
    )


def _different_solutions(
    d1: sp.Expr, d2: sp.Expr, domain: object
) -> tuple[str, points.Evidence] | None:
    """A variable for which ``d1 = 0`` and ``d2 = 0`` have one solution each, different at a
    point of the domain: there the first statement holds and the second does not."""
    for sym in sorted(d1.free_symbols & d2.free_symbols, key=lambda q: q.name):
        s1, s2 = sp.solve(d1, sym), sp.solve(d2, sym)
        if len(s1) == 1 and len(s2) == 1 and sp.cancel(s1[0] - s2[0]) != 0:
            ev = points.evaluate_zero(s1[0] - s2[0], domain, scale=(s1[0], s2[0]))
            if ev is not None and ev.counterexample is not None:
                return (
                    f"{sym} = {sp.sstr(s1[0])} makes the first statement true and the second "
                    f"false (it needs {sym} = {sp.sstr(s2[0])})",
                    ev,
                )
    return None


def _check_implies(step: Step, state: _State) -> tuple:
    premise = state.define(state.statement)
    if not isinstance(premise, sp.Equality):
        return Verdict.UNVERIFIED, "none", "implication from a non-equation is not checked", None
    d = _doit(premise.lhs - premise.rhs)
    target = state.define(step.expr)
    for sym in sorted(d.free_symbols, key=lambda q: q.name):
        solutions = sp.solve(d, sym, dict=True)
        if len(solutions) == 1:
            sub = solutions[0]
            factor = sp.cancel(sp.together(d / (sym - sub[sym])))
            if not (factor.is_number and factor != 0) and not any(
                prove_sign(factor, state.derivation.domain, positive=p) for p in (True, False)
            ):
                return (
                    Verdict.UNVERIFIED,
                    "substitution",
                    f"the premise is ({sp.sstr(sym - sub[sym])})·({sp.sstr(factor)}) = 0: it "
                    f"also holds where {sp.sstr(factor)} = 0, which is not excluded",
                    None,
                )
            conclusion = target.subs(sub) if isinstance(target, sp.Basic) else target
            if conclusion is sp.true:
                return (
                    Verdict.PROVED,
                    "substitution",
                    f"with {sp.sstr(sub)} the statement is true",
                    None,
                )
            if conclusion is sp.false:
                return (
                    Verdict.REFUTED,
                    "substitution",
                    f"with {sp.sstr(sub)} the statement is false",
                    None,
                )
            verdict, method, detail, ev = _check_fact(conclusion, state)
            return verdict, "substitution + " + method, f"with {sp.sstr(sub)}: {detail}", ev
    return Verdict.UNVERIFIED, "none", "could not solve the premise for one variable", None


def _check_step(step: Step, index: int, state: _State) -> StepResult:
    rel = step.relation
    if step.lhs is not None and rel in (Relation.EQUAL, Relation.UP_TO_CONSTANT):
        state.term = step.lhs if step.lhs_value is None else step.lhs_value
        state.term_conditions = step.lhs_conditions
    sub_problem = None
    if step.substitution is not None:
        s_ = step.substitution
        true_d = sp.diff(s_.expr, s_.wrt)
        if sp.cancel(true_d - s_.differential) != 0:
            sub_problem = (
                f"d{s_.variable}/d{s_.wrt} = {sp.sstr(sp.factor(true_d))}, "
                f"not {sp.sstr(s_.differential)}"
            )
        state.substitutions[s_.variable] = s_.expr

    if rel is Relation.GIVEN:
        verdict, method, detail, ev = Verdict.GIVEN, "definition", "stated, not derived", None
    elif rel in (Relation.EQUAL, Relation.UP_TO_CONSTANT):
        if state.term is None:
            verdict, method, detail, ev = Verdict.UNVERIFIED, "none", "no previous term", None
        else:
            verdict, method, detail, ev = _check_equal(step, state, rel is Relation.UP_TO_CONSTANT)
    elif rel is Relation.FACT:
        verdict, method, detail, ev = _check_fact(step.expr, state)
    elif rel is Relation.EQUIVALENT:
        verdict, method, detail, ev = _check_equivalent(step, state)
    elif rel is Relation.IMPLIES:
        verdict, method, detail, ev = _check_implies(step, state)
    else:  # ARGUMENT
        if step.core is None:
            verdict, method, detail, ev = (
                Verdict.ARGUMENT,
                "argument",
                "reasoning in words, not machine-checked",
                None,
            )
        else:
            core_verdict, method, detail, ev = _check_fact(step.core, state)
            if core_verdict in (Verdict.PROVED, Verdict.NUMERIC):
                verdict = Verdict.ARGUMENT
                detail = (
                    f"core checked ({core_verdict.value}, {method}): {detail}; the rest is in words"
                )
                method = "argument + " + method
            else:
                verdict = core_verdict
    if sub_problem is not None:
        verdict, method, detail = Verdict.REFUTED, "substitution", sub_problem
    _advance(step, state)
    return _result(step, index, verdict, method, detail, ev)


def _advance(step: Step, state: _State) -> None:
    """The next step is judged against this one (right or wrong: errors do not cascade)."""
    if isinstance(step.expr, sp.Expr):
        if step.relation in (Relation.GIVEN, Relation.EQUAL, Relation.UP_TO_CONSTANT):
            state.term = step.expr
            state.term_conditions = step.conditions
    elif isinstance(step.expr, sp.Basic):
        state.statement = step.expr


def verify(derivation: Derivation) -> DerivationReport:
    """Check every step of ``derivation`` now and report per step."""
    state = _State(derivation)
    results = []
    for i, step in enumerate(derivation.steps, 1):
        try:
            results.append(_check_step(step, i, state))
        except Exception as exc:  # any SymPy failure is a verdict, not a crash
            # SymPy gave up on this step: say so, keep checking the rest against it
            results.append(
                _result(step, i, Verdict.UNVERIFIED, "error", f"{type(exc).__name__}: {exc}")
            )
            _advance(step, state)
    return DerivationReport(derivation, tuple(results))


def verify_all(derivations: Iterable[Derivation]) -> tuple[DerivationReport, ...]:
    return tuple(verify(d) for d in derivations)
