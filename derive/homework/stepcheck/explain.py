"""Explaining a verdict: the point where two sides differ, what a line really equals, notes."""

from __future__ import annotations

import re
from collections.abc import Sequence

import sympy as sp

from ...engine import render
from ...engine.indexing import family_derivatives
from ...engine.notation import SampleSum, expand_sigma_prime
from ...engine.points import point_parts
from ...engine.steps import Step, Substitution
from ...engine.verify import StepResult, Verdict
from .data import Chain, Line, _Built
from .phrases import _p


def _point(ce: tuple[tuple[str, str], ...], lang: str) -> str:
    coords = point_parts(tuple((k, v) for k, v in ce if k != "value"))
    value = dict(ce).get("value")
    out = ", ".join(coords)
    if value is not None:
        out += f" ({_p('by', lang)} {value})"
    return out


def _show(expr: sp.Basic) -> str:
    """Plain text of an expression, with ^ for powers and ``1/a^2`` rather than ``a^(-2)``."""
    if isinstance(expr, (sp.Mul, sp.Pow)):
        num, den = sp.fraction(expr)
        if den != 1 and num.is_number:
            den_text = _show(den)
            if isinstance(den, (sp.Add, sp.Mul)):
                den_text = f"({den_text})"
            return f"{_show(num)}/{den_text}"
    return render.text(expr).replace("**", "^")


def _previous_value(built: _Built, prev_line: Line | None) -> sp.Basic | None:
    """The term a line was judged against: the previous line's expression (as the engine)."""
    if prev_line is None:
        return None
    return built.derivation.steps[built.lines.index(prev_line)].expr


def _true_value(expr: sp.Basic | None, defs: Sequence[tuple[sp.Symbol, sp.Expr]]) -> sp.Expr | None:
    """What a line with a derivative in it really equals, written back in the chain's symbols
    (a display aid: ``None`` when there is no derivative or SymPy cannot say)."""
    if not isinstance(expr, sp.Expr) or not expr.has(sp.Derivative):
        return None
    try:
        e = expr
        for sym, value in defs:
            e = e.subs(sym, value)
        e = expand_sigma_prime(e)
        e = family_derivatives(e, e.free_symbols | {q for _, v in defs for q in v.free_symbols})
        e = e.doit()
        for sym, value in reversed(defs):  # innermost first: z = w x + b, then a = σ(z)
            if sym.name[:1].isupper() or value.is_number:
                continue  # costs stay expanded; numbers (x = 1) cannot be recognised
            resolved = value
            for sym2, value2 in defs:
                if value2.is_number:
                    resolved = resolved.subs(sym2, value2)
            e = e.subs(resolved, sym).subs(value, sym)
        return _merge_sample_sums(sp.factor(_merge_sample_sums(e)))
    except Exception:  # never let a display aid hide the verdict
        return None


def _merge_sample_sums(expr: sp.Basic) -> sp.Basic:
    """Σ_x f + Σ_x g (+ c·Σ_x h) → Σ_x (f + g + c h), for display: one sum over the samples."""

    def summand(term: sp.Basic) -> tuple[sp.Basic, tuple] | None:
        coeff, rest = term.as_coeff_Mul() if isinstance(term, sp.Mul) else (sp.S.One, term)
        if isinstance(rest, SampleSum):
            return coeff * rest.function, rest.limits
        return None

    def merge(add: sp.Add) -> sp.Basic:
        sums, others = [], []
        for term in add.args:
            got = summand(term)
            (sums if got is not None else others).append(got or term)
        limits = {lim for _, lim in sums}
        if len(sums) < 2 or len(limits) != 1:
            return add
        return sp.Add(*others, SampleSum(sp.Add(*(f for f, _ in sums)), *limits.pop()))

    return expr.replace(lambda q: isinstance(q, sp.Add), merge)


def _describe(r: StepResult, ln: Line, step: Step, note: str | None, lang: str) -> tuple[str, str]:
    """(verdict, detail) of one checked line, in the user's language."""
    if note is not None and r.verdict in (Verdict.GIVEN, Verdict.ARGUMENT):
        if note in ("no_previous", "no_equation"):
            return "unreadable", _p(note, lang)
        lhs = _show(ln.lhs) if ln.lhs is not None else ""
        return "ok", _p(note, lang, lhs=lhs)
    if isinstance(ln.expr, Substitution):
        s_ = ln.expr
        true_d = _show(sp.factor(sp.diff(s_.expr, s_.wrt)))
        if r.verdict is Verdict.REFUTED:
            claimed = _show(s_.differential)
            return "wrong", _p(
                "substitution_wrong", lang, v=s_.variable, w=s_.wrt, d=true_d, claimed=claimed
            )
        if r.ok:
            return "ok", _p("substitution_ok", lang, v=s_.variable, w=s_.wrt, d=true_d)
    by_derivative = r.method.startswith("differentiation")
    loose = ""
    if by_derivative:
        deps = re.search(r"the constant may depend on (.+)$", r.detail)
        loose = ", " + (
            _p("constant_depends", lang, v=_step_variable(r), deps=deps.group(1))
            if deps
            else _p("up_to_constant", lang)
        )
    if r.verdict is Verdict.PROVED:
        return "ok", _p("proved", lang, m=r.method) + loose
    if r.verdict is Verdict.NUMERIC:
        detail = _p("numeric", lang, n=r.evidence.points if r.evidence else 0)
        if r.evidence is not None and r.evidence.note:
            detail += f" ({r.evidence.note})"
        return "ok", detail + loose
    if r.verdict in (Verdict.GIVEN, Verdict.ARGUMENT):
        return "ok", _p("given", lang)
    if r.verdict is Verdict.REFUTED:
        ev = r.evidence
        key = "differs_derivative" if by_derivative else "differs"
        if ev is not None and ev.counterexample is not None:
            return "wrong", _p(key, lang, pt=_point(ev.counterexample, lang), v=_step_variable(r))
        return "wrong", f"{_p('differs_plain', lang)} ({r.method}: {r.detail})"
    return "unverified", f"{r.method}: {r.detail}"


def _step_variable(r: StepResult) -> str:
    """The variable named in the engine's detail "d/dX of the difference: …"."""
    m = re.match(r"d/d(\S+) of the difference", r.detail)
    return m.group(1) if m else "?"


def _substitution_note(
    r: StepResult, step: Step, prev: sp.Basic | None, subs: Sequence[Line]
) -> tuple[str, dict[str, object]] | None:
    """What the substitutions declared since the line before did to this line's check.

    ``with_substitution`` only where an integral ``∫ … dt`` over a substitution variable was
    differentiated (with the true ``dt/da``); ``substituted`` where ``t = g(a)`` was put into
    a side that has ``t``; nothing where neither side has the variable.
    """
    sides = [e for e in (prev, step.expr) if isinstance(e, sp.Basic)]
    found: tuple[str, dict[str, object]] | None = None
    for ln in subs:
        s_ = ln.expr
        if not isinstance(s_, Substitution):
            continue
        v = s_.variable
        integral = any(
            v in (lim[0] for lim in i.limits) for e in sides for i in e.atoms(sp.Integral)
        )
        if integral and r.method.startswith("differentiation"):
            return "with_substitution", {"line": ln.number}
        if found is None and any(v in e.free_symbols for e in sides):
            found = ("substituted", {"line": ln.number, "v": v, "g": _show(s_.expr)})
    return found


def _rebuilt_notes(chain: Chain, built: _Built) -> dict[int, tuple[str, dict[str, object]]]:
    """Line → why a variable is read as another symbol than the course's (said once)."""
    out: dict[int, tuple[str, dict[str, object]]] = {}
    present: set[sp.Basic] = set()
    for st in built.derivation.steps:
        for e in (st.expr, st.lhs_value):
            if isinstance(e, sp.Basic):
                present |= e.free_symbols
        if st.substitution is not None:
            present.add(st.substitution.variable)
    for sym, why in chain.rebuilt:
        if sym not in present:
            continue
        kind = next((f for f in ("positive", "negative") if getattr(sym, f"is_{f}")), "real")
        if why == "substitution":
            line = next(
                (
                    ln.number
                    for ln in built.lines
                    if isinstance(ln.expr, Substitution) and ln.expr.variable == sym
                ),
                None,
            )
            key = "rebuilt_substitution"
            g = next(ln.expr.expr for ln in built.lines if ln.number == line) if line else None
        elif why == "definition":
            line = built.lines[0].number if built.lines else None
            key = "rebuilt_definition"
            g = dict(built.derivation.definitions).get(sym)
        else:
            line = built.lines[0].number if built.lines else None
            key, g = "rebuilt_domain", None
        if line is not None and line not in out:
            out[line] = (key, {"v": sym, "kind": kind, "g": "" if g is None else _show(g)})
    return out
