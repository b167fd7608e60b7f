"""Checking a step file: each chain becomes a :class:`~derive.engine.steps.Derivation` judged by
:func:`derive.engine.verify.verify`, the engine under the toolkit's own derivations and the
grader; every line against the line before, the chain's end against its start, and (with an
exercise) the last line against the exercise's reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

from ...engine.calculus import CONST, has_indefinite_integral
from ...engine.domain import Interval
from ...engine.notation import expand_sigma_prime
from ...engine.steps import Derivation, Relation, Step, Substitution, Text
from ...engine.verify import Verdict, verify
from ..parse import ParseError
from ..stepinput import in_language
from .data import Chain, ChainConclusion, Line, LineResult, StepFile, StepReport, _Built
from .explain import (
    _describe,
    _point,
    _previous_value,
    _rebuilt_notes,
    _show,
    _substitution_note,
    _true_value,
)
from .phrases import LANGS, _p
from .reading import _check_assumptions, _domain, parse_domain, read_steps

__all__ = ["check_file", "check_steps", "check_text"]

R = Relation


def _ordered_definitions(
    defs: Sequence[tuple[sp.Symbol, sp.Expr]],
) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """Order definitions so that substituting them in turn resolves every defined symbol
    (C before a, a before z); later definitions of a symbol replace earlier ones."""
    table: dict[sp.Symbol, sp.Expr] = {}
    for sym, value in defs:
        if _mentions(value, sym):
            raise ParseError(f"the definition of {sym} is circular: {sym} = {sp.sstr(value)}")
        table[sym] = value
    order: list[sp.Symbol] = []
    state: dict[sp.Symbol, int] = {}

    def visit(sym: sp.Symbol) -> None:
        if state.get(sym) == 2:
            return
        if state.get(sym) == 1:
            raise ParseError(f"the definitions of {sym} are circular")
        state[sym] = 1
        for other in table:
            if other != sym and _mentions(table[other], sym):
                visit(other)
        state[sym] = 2
        order.append(sym)

    for sym in table:
        visit(sym)
    return tuple((sym, table[sym]) for sym in order)


def _mentions(expr: sp.Expr, sym: sp.Symbol) -> bool:
    if sym in expr.free_symbols:
        return True
    return any(f.func.__name__ == sym.name for f in expr.atoms(AppliedUndef))


def _resolve_functions(expr: sp.Basic, defined: Mapping[sp.Symbol, sp.Expr]) -> sp.Basic:
    """``C(w)`` (the parser's reading of ∂C/∂w) → the symbol ``C`` when ``C`` is defined."""
    names = {s_.name: s_ for s_ in defined}
    return expr.replace(
        lambda q: isinstance(q, AppliedUndef) and q.func.__name__ in names,
        lambda q: names[q.func.__name__],
    )


def _constants(expr: sp.Expr, antiderivative: bool) -> sp.Expr:
    """``+ C`` in an antiderivative is the integration constant."""
    if not antiderivative or not isinstance(expr, sp.Add):
        return expr
    return expr.func(*[CONST if _is_bare_c(t) else t for t in expr.args])


def _is_bare_c(term: sp.Basic) -> bool:
    """A lone ``C`` (however the parser's assumptions made it): the integration constant."""
    return isinstance(term, sp.Symbol) and term.name == "C"


def _computable(lhs: sp.Expr, defined: Mapping[sp.Symbol, sp.Expr]) -> bool:
    """Can the left side be evaluated: a defined symbol, or a derivative of defined things?

    ``lhs`` has been through :func:`_resolve_functions`: an unknown function left in it
    (``C(w)`` with ``C`` undefined) means it cannot. Any other expression (``\\sqrt{t^2}``,
    ``e^{\\ln(a - 2)}``) is a claim about known things, and is checked, never given.
    """
    if isinstance(lhs, sp.Symbol):
        return lhs in defined
    return not lhs.atoms(AppliedUndef)


def _build(chain: Chain) -> _Built:
    """Turn a chain's readable lines into a :class:`Derivation` for :func:`verify`."""
    defs = _ordered_definitions(chain.definitions)
    defined = dict(defs)
    # a definition may use another defined function: δ = ∂C_x/∂a · σ'(z) with C_x defined
    defs = tuple((sym, _resolve_functions(value, defined)) for sym, value in defs)
    defs = _ordered_definitions(defs)
    defined = dict(defs)
    readable = [ln for ln in chain.lines if ln.error is None]
    statement_chain = len(readable) > 1 and readable[1].relation in ("<=>", "=>")
    steps: list[Step] = []
    lines: list[Line] = []
    notes: dict[int, str] = {}
    variable = chain.variable
    antiderivative = False
    prev_term: sp.Expr | None = None
    sub_vars: set[sp.Symbol] = set()
    for ln in readable:
        expr = ln.expr
        lhs = ln.lhs
        why = Text(ln.text, ln.text)
        if isinstance(expr, Substitution):
            sub_vars.add(expr.variable)
            if prev_term is None:
                steps.append(Step(None, R.ARGUMENT, why, chain.claims))
                notes[len(steps)] = "no_previous"
            else:
                steps.append(Step(prev_term, R.EQUAL, why, chain.claims, substitution=expr))
            lines.append(ln)
            continue
        expr = _resolve_functions(expr, defined)
        lhs = _resolve_functions(lhs, defined) if lhs is not None else None
        for integral in sp.sympify(expr).atoms(sp.Integral):
            antiderivative = True
            v = integral.limits[0][0]
            if variable is None and v not in sub_vars:
                variable = v
        if expr.has(CONST) or (antiderivative and any(map(_is_bare_c, expr.free_symbols))):
            antiderivative = True
        expr = _constants(expr, antiderivative)
        if ln.relation == "start" and statement_chain:
            if lhs is None:
                steps.append(Step(None, R.ARGUMENT, why, chain.claims))
                notes[len(steps)] = "no_equation"
            else:
                steps.append(Step(sp.Eq(lhs, expr, evaluate=False), R.GIVEN, why, chain.claims))
                notes[len(steps)] = "premise"
        elif ln.relation == "start":
            if lhs is not None and _computable(lhs, defined):
                steps.append(
                    Step(
                        expr,
                        _term_relation(_loose(lhs, expr)),
                        why,
                        chain.claims,
                        lhs=ln.lhs,
                        lhs_value=lhs,
                        conditions=ln.conditions,
                        lhs_conditions=ln.lhs_conditions,
                    )
                )
            else:
                steps.append(
                    Step(expr, R.GIVEN, why, chain.claims, lhs=ln.lhs, conditions=ln.conditions)
                )
                if lhs is None:
                    notes[len(steps)] = "given"
                elif isinstance(ln.lhs, sp.Symbol) and ln.lhs not in defined:
                    notes[len(steps)] = "defines"
                else:
                    notes[len(steps)] = "given_lhs"
            prev_term = expr
        elif ln.relation in ("<=>", "=>"):
            rel = R.EQUIVALENT if ln.relation == "<=>" else R.IMPLIES
            steps.append(Step(sp.Eq(lhs, expr, evaluate=False), rel, why, chain.claims))
        elif ln.relation in (">", "<"):
            if prev_term is None:
                steps.append(Step(None, R.ARGUMENT, why, chain.claims))
                notes[len(steps)] = "no_previous"
            else:
                cls = sp.StrictGreaterThan if ln.relation == ">" else sp.StrictLessThan
                steps.append(Step(cls(prev_term, expr, evaluate=False), R.FACT, why, chain.claims))
        else:
            rel = _term_relation(_loose(prev_term, expr))
            steps.append(Step(expr, rel, why, chain.claims, conditions=ln.conditions))
            prev_term = expr
        lines.append(ln)
    exprs: list[sp.Basic] = []
    for st in steps:
        for e in (st.expr, st.lhs_value):
            if isinstance(e, sp.Basic):
                exprs.append(e)
    exprs.extend(value for _, value in defs)
    _check_assumptions(chain, exprs)
    if antiderivative and variable is not None:
        # an antiderivative in a: a definition a = σ(z) would rename the integration variable
        defs = tuple((sym, value) for sym, value in defs if sym != variable)
    wrts = {st.substitution.wrt for st in steps if st.substitution is not None}
    if wrts:
        # t = g(a), dt = g'(a) da makes a the variable: a = σ(z) would apply on the lines but
        # not inside g (the engine puts g in after the definitions)
        defs = tuple((sym, value) for sym, value in defs if sym not in wrts)
    derivation = Derivation(
        id="steps",
        title=Text("step file", "soubor kroků"),
        steps=tuple(steps),
        claims=chain.claims,
        variable=variable,
        definitions=defs,
        domain=_domain(chain, [expand_sigma_prime(e) for e in exprs]),
    )
    return _Built(derivation, lines, notes)


def _term_relation(antiderivative: bool) -> Relation:
    return R.UP_TO_CONSTANT if antiderivative else R.EQUAL


def _loose(*terms: sp.Basic | None) -> bool:
    """Up to a constant only across an integral or an integration constant: between two
    terms of which one has ``∫ … da`` or ``+ const``; never by contagion from earlier lines."""
    return any(
        isinstance(t, sp.Basic) and (has_indefinite_integral(t) or t.has(CONST)) for t in terms
    )


def _check_chain(chain: Chain, lang: str) -> tuple[list[LineResult], ChainConclusion | None]:
    out: list[LineResult] = []
    unreadable = {ln.number: ln for ln in chain.lines if ln.error is not None}
    try:
        built = _build(chain)
    except ParseError as exc:
        return [
            LineResult(ln.number, ln.text, "unreadable", str(exc), claims=chain.claims)
            for ln in chain.lines
        ], None
    report = verify(built.derivation)
    defs = built.derivation.definitions
    verdict_of: dict[int, str] = {}
    prev_line: Line | None = None  # the last term or statement line
    subs_since: list[Line] = []  # substitution lines since prev_line
    rebuilt_notes = _rebuilt_notes(chain, built)
    results_by_line: dict[int, LineResult] = {}
    for r, ln, step in zip(report.results, built.lines, built.derivation.steps, strict=True):
        note = built.notes.get(r.index)
        is_sub = isinstance(ln.expr, Substitution)
        against = prev_line.number if prev_line is not None and ln.relation != "start" else None
        verdict = _describe(r, ln, step, note, "en")[0]
        true_lhs = true_prev = None
        if verdict == "wrong" and against is not None and not is_sub:
            true_prev = _true_value(_previous_value(built, prev_line), defs)
        elif verdict == "wrong" and step.lhs_value is not None:
            true_lhs = _true_value(step.lhs_value, defs)
        skipped = [n for n in unreadable if against is not None and against < n < ln.number]
        details = {}
        for lg in LANGS:
            detail = _describe(r, ln, step, note, lg)[1]
            if true_prev is not None:
                detail += "; " + _p("true_value", lg, line=against, value=_show(true_prev))
            if true_lhs is not None:
                detail += "; " + _p("lhs_value", lg, lhs=_show(ln.lhs), value=_show(true_lhs))
            if against is not None and not is_sub:
                if skipped:
                    detail += "; " + _p("after_unreadable", lg, line=against, skipped=skipped[-1])
                elif verdict_of.get(against) == "wrong":
                    detail += "; " + _p("after_wrong", lg, line=against)
                note_sub = _substitution_note(
                    r, step, _previous_value(built, prev_line), subs_since
                )
                if note_sub is not None:
                    detail += "; " + _p(note_sub[0], lg, **note_sub[1])
            rebuilt_note = rebuilt_notes.get(ln.number)
            if rebuilt_note is not None:
                kind = _p(f"kind_{rebuilt_note[1]['kind']}", lg)
                detail += "; " + _p(rebuilt_note[0], lg, **{**rebuilt_note[1], "kind": kind})
            details[lg] = detail
        ev = r.evidence
        results_by_line[ln.number] = LineResult(
            ln.number,
            ln.text,
            verdict,
            details[lang],
            r.method,
            ev.counterexample if ev is not None and verdict == "wrong" else None,
            against,
            chain.claims,
            r.verdict.value,
            Text(details["en"], details["cs"]),
        )
        verdict_of[ln.number] = verdict
        if is_sub:
            subs_since.append(ln)
        else:
            prev_line, subs_since = ln, []
    for ln in unreadable.values():
        results_by_line[ln.number] = LineResult(
            ln.number, ln.text, "unreadable", in_language(ln.error or "", lang), claims=chain.claims
        )
    out = [results_by_line[k] for k in sorted(results_by_line)]
    return out, _conclusion(built, lang)


def _conclusion(built: _Built, lang: str) -> ChainConclusion | None:
    """Check the chain's last term (or statement) against its first, skipping the middle."""
    steps, lines = built.derivation.steps, built.lines
    if len(steps) < 3:
        return None
    first, last = steps[0], steps[-1]
    if last.relation in (R.FACT, R.ARGUMENT) or last.substitution is not None:
        return None
    if first.relation not in (R.GIVEN, R.EQUAL, R.UP_TO_CONSTANT):
        return None
    start = first
    if first.relation is not R.GIVEN and first.lhs_value is not None:
        start = Step(first.lhs_value, R.GIVEN, first.why)
    if start.relation is R.GIVEN and isinstance(start.expr, sp.Expr):
        # up to a constant only when one of the two ends has an integral or a constant
        rel = _term_relation(_loose(start.expr, last.expr))
        end = Step(last.expr, rel, last.why, conditions=last.conditions)
    else:
        end = last
    # the chain's substitutions, declared again between the two (each against the start, as
    # the engine registers a substitution on the step that declares it): t = g(a) then holds
    # for both ends, and ∫ … dt is differentiated with the true dt/da
    declared = _declared_again(built, start.expr, end.relation)
    d = replace(built.derivation, steps=(start, *declared, end))
    r = verify(d).results[-1]
    a_, b_ = lines[0].number, lines[-1].number
    if r.verdict in (Verdict.PROVED, Verdict.NUMERIC):
        holds, key = True, "conclusion_holds"
    elif r.verdict is Verdict.REFUTED:
        holds, key = False, "conclusion_fails"
    else:
        holds, key = None, "conclusion_unknown"
    details = {}
    for lg in LANGS:
        detail = _p("conclusion", lg, first=a_, last=b_, verdict=_p(key, lg))
        if r.verdict is Verdict.PROVED:
            detail += f" ({_p('proved', lg, m=r.method)})"
        elif r.verdict is Verdict.NUMERIC:
            detail += f" ({_p('numeric', lg, n=r.evidence.points if r.evidence else 0)})"
        elif r.verdict is Verdict.REFUTED and r.evidence is not None and r.evidence.counterexample:
            detail += f" ({_p('differs', lg, pt=_point(r.evidence.counterexample, lg))})"
        details[lg] = detail
    return ChainConclusion(a_, b_, holds, details[lang], Text(details["en"], details["cs"]))


def check_steps(stepfile: StepFile, *, lang: str = "en", source: str = "") -> StepReport:
    """Check every chain of a parsed step file, now."""
    results: list[LineResult] = [
        LineResult(e.number, e.text, "unreadable", e.error or "") for e in stepfile.errors
    ]
    conclusions: list[ChainConclusion] = []
    for chain in stepfile.chains:
        lines, concl = _check_chain(chain, lang)
        results.extend(lines)
        if concl is not None:
            conclusions.append(concl)
    results.sort(key=lambda r: r.line)
    return StepReport(tuple(results), tuple(conclusions), source, stepfile)


def check_text(
    text: str,
    *,
    exercise: str | None = None,
    domain: Sequence[str] = (),
    lang: str = "en",
    source: str = "",
) -> StepReport:
    """Read and check a step file's text; ``exercise`` brings the catalog's vocabulary,
    definitions and domain; ``domain`` adds specs such as ``"y in (0, 1)"``."""
    symbols, definitions, domain_spec, variable = None, [], [], None
    if exercise is not None:
        symbols, definitions, domain_spec, variable = _from_exercise(exercise)
    domain_spec = [*domain_spec, *(parse_domain(d) for d in domain)]
    stepfile = read_steps(
        text,
        symbols=symbols,
        definitions=definitions,
        domain_spec=domain_spec,
        variable=variable,
    )
    report = check_steps(stepfile, lang=lang, source=source)
    if exercise is not None:
        report = replace(report, answer=_answer(stepfile, exercise, lang))
    return report


def _answer(stepfile: StepFile, exercise_id: str, lang: str) -> ChainConclusion | None:
    """Does the last line of the file equal the exercise's reference answer (checked now)?"""
    from ..exercises import exercise as lookup

    ex = lookup(exercise_id)
    for chain in reversed(stepfile.chains):
        try:
            built = _build(chain)
        except ParseError:  # the chain is reported unreadable already
            return None
        terms = [
            (st, ln)
            for st, ln in zip(built.derivation.steps, built.lines, strict=True)
            if isinstance(st.expr, sp.Expr)
            and st.substitution is None
            and st.relation in (R.GIVEN, R.EQUAL, R.UP_TO_CONSTANT)
        ]
        if not terms:
            continue
        last, line = terms[-1]
        # the final answer is exact unless the exercise asks for an antiderivative
        rel = R.UP_TO_CONSTANT if ex.up_to_constant else R.EQUAL
        reference = Step(ex.reference, R.GIVEN, last.why)
        declared = _declared_again(built, reference.expr, rel)
        d = replace(
            built.derivation,
            steps=(
                reference,
                *declared,
                Step(last.expr, rel, last.why, conditions=last.conditions),
            ),
            variable=built.derivation.variable or ex.variable,
        )
        r = verify(d).results[-1]
        holds = {Verdict.PROVED: True, Verdict.NUMERIC: True, Verdict.REFUTED: False}.get(r.verdict)
        key = {True: "answer_ok", False: "answer_wrong", None: "answer_unknown"}[holds]
        details = {
            lg: _p(key, lg, line=line.number, ex=ex.id, ref=_show(ex.reference)) for lg in LANGS
        }
        return ChainConclusion(
            line.number, line.number, holds, details[lang], Text(details["en"], details["cs"])
        )
    return None


def _declared_again(built: _Built, term: sp.Basic, relation: Relation) -> tuple[Step, ...]:
    """The chain's substitution steps, each restated against ``term``: placed between two
    terms compared directly, they make ``t = g(a)`` (and the true ``dt/da``) hold there."""
    return tuple(
        replace(st, expr=term, relation=relation, lhs=None, lhs_value=None)
        for st in built.derivation.steps
        if st.substitution is not None
    )


def _from_exercise(
    exercise_id: str,
) -> tuple[
    dict[str, sp.Symbol],
    list[tuple[sp.Symbol, sp.Expr]],
    list[tuple[str, Interval]],
    sp.Symbol | None,
]:
    """Vocabulary, definitions, domain and variable of a catalog exercise."""
    from ...engine import notation as nt
    from ..exercises import exercise as lookup

    ex = lookup(exercise_id)
    symbols = dict(ex.vocabulary)
    for extra in (CONST, sp.Symbol("C"), nt.t, nt.u):  # step-file words: +const, C, t = g(a)
        symbols.setdefault(extra.name, extra)
    definitions = [(d.lhs, d.rhs) for d in ex.definitions]
    domain_spec = []
    for fam, iv in ex.domain.intervals:
        if fam:
            domain_spec.append((fam, iv))
    return symbols, definitions, domain_spec, ex.variable


def check_file(path: str | Path, **kwargs: object) -> StepReport:
    """Read ``path`` (UTF-8) and check it."""
    p = Path(path)
    return check_text(p.read_text(encoding="utf-8"), source=str(p), **kwargs)
