"""Grade one answer to one catalog exercise: verdict, feedback that helps, and how we know.

This module does the work without a time limit; :func:`derive.homework.check.grade` runs it in a
worker process that is killed on time-out (:mod:`derive.homework.sandbox`). Verdicts:

* ``correct``   equal to the reference on the domain, under the exercise's definitions;
* ``incorrect`` not equal (the feedback names a known mistake, a sign error, a missing or
  extra factor, an integral for a derivative … or a point where the two differ);
* ``invalid``   the answer could not be read (the feedback says where and why);
* ``undecided`` the time limit ran out, or no point of the domain could decide.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

import sympy as sp

from ..engine import notation as nt
from .conditions import check_condition, shown_condition, split_condition
from .confusions import confusion_feedback
from .derivatives import in_variable, resolve_derivatives
from .equivalence import (
    Comparison,
    Definition,
    Domain,
    NonLinearSampleSum,
    UnsupportedSum,
    canonical,
    compare,
    family,
    undefined_point,
)
from .exercises import Exercise, active_catalog, exercise, nearest_ids
from .general import Side, big_power, judge
from .parse import (
    CONSTANT,
    ParseError,
    parse_answer,
    read_with_conditions,
    real_conditions,
    to_latex,
)
from .readable import echo_text
from .resemblance import resembles

__all__ = [
    "VERDICTS",
    "GradeResult",
    "compare_adhoc",
    "grade_expression",
    "grade_now",
    "phrase",
]

VERDICTS = ("correct", "incorrect", "invalid", "undecided")

_PHRASES: Mapping[str, Mapping[str, str]] = {
    "correct": {"en": "Correct.", "cs": "Správně."},
    "incorrect": {
        "en": "Not equal to the expected answer",
        "cs": "Neodpovídá očekávané odpovědi",
    },
    "differ_at": {"en": "they differ at {point}", "cs": "liší se v bodě {point}"},
    "undefined_at": {
        "en": "your answer is not a real number on part of the domain (e.g. at {point})",
        "cs": "vaše odpověď není na části definičního oboru reálná (např. v bodě {point})",
    },
    "domain_differs": {
        "en": "the two are not defined at the same points (e.g. at {point}, one is and the "
        "other is not)",
        "cs": "obě strany nejsou definovány ve stejných bodech (např. v bodě {point} je "
        "definována jen jedna)",
    },
    "invalid": {"en": "Could not read the answer: {msg}", "cs": "Odpověď nelze přečíst: {msg}"},
    "unknown_exercise": {
        "en": "Unknown exercise {id!r}; `python -m derive.check --list` shows the catalog.",
        "cs": "Neznámá úloha {id!r}; katalog ukáže `python -m derive.check --list`.",
    },
    "did_you_mean": {"en": " Did you mean {ids}?", "cs": " Mysleli jste {ids}?"},
    "undecided": {
        "en": "Could not decide within the time limit ({seconds:g} s); a teacher will look.",
        "cs": "V časovém limitu ({seconds:g} s) nelze rozhodnout; odpověď posoudí vyučující.",
    },
    "undecided_domain": {
        "en": "Could not decide: no point of the domain where both sides are defined.",
        "cs": "Nelze rozhodnout: v definičním oboru není bod, kde jsou definovány obě strany.",
    },
    "sign": {
        "en": "Sign error: your answer is the negative of the expected one (e.g. y − a for a − y).",
        "cs": "Chyba ve znaménku: vaše odpověď je opačná k očekávané (např. y − a místo a − y).",
    },
    "factor_number": {
        "en": "Off by a constant factor: your answer is {factor} times the expected one.",
        "cs": "Liší se konstantním násobkem: vaše odpověď je {factor}násobkem očekávané.",
    },
    "factor_extra": {
        "en": "An extra factor {factor}: without it the answer would be right.",
        "cs": "Navíc činitel {factor}: bez něj by odpověď byla správně.",
    },
    "factor_missing": {
        "en": "A factor {factor} is missing: with it the answer would be right.",
        "cs": "Chybí činitel {factor}: s ním by odpověď byla správně.",
    },
    "antiderivative": {
        "en": "That is an antiderivative (the integral) of what is asked; the exercise asks "
        "for its derivative with respect to {var}.",
        "cs": "To je primitivní funkce (integrál) hledaného výrazu; úloha se ptá na jeho "
        "derivaci podle {var}.",
    },
    "derivative": {
        "en": "That is the derivative with respect to {var} of what is asked; one "
        "differentiation too many (or integrate instead).",
        "cs": "To je derivace hledaného výrazu podle {var}; o jedno derivování víc "
        "(nebo naopak integrujte).",
    },
    "integral_left": {
        "en": "The integral is not evaluated: write the antiderivative itself.",
        "cs": "Integrál není spočten: napište samotnou primitivní funkci.",
    },
    "sigma_prime_used": {
        "en": "That restates the question: write σ'(z) without σ', in terms of σ(z).",
        "cs": "To jen opakuje zadání: vyjádřete σ'(z) bez σ', pomocí σ(z).",
    },
    "sample_sum_nonlinear": {
        "en": "The sum over the training samples Σ_x is used non-linearly ({why}): the mean of a "
        "product is not the product of the means. Give the answer for one sample, or as "
        "1/n Σ_x (…) with every per-sample quantity inside the sum.",
        "cs": "Součet přes trénovací vzorky Σ_x je použit nelineárně ({why}): průměr součinu "
        "není součin průměrů. Uveďte odpověď pro jeden vzorek, nebo jako 1/n Σ_x (…) se všemi "
        "veličinami jednoho vzorku uvnitř součtu.",
    },
    "sum_unsupported": {
        "en": "This sum cannot be checked: {why}.",
        "cs": "Tento součet nelze zkontrolovat: {why}.",
    },
    "note_average": {
        "en": "You gave the average over the training set, 1/n Σ_x(…); its summand is the "
        "per-sample answer, which is right.",
        "cs": "Uvedli jste průměr přes trénovací množinu, 1/n Σ_x(…); jeho sčítanec je "
        "odpověď pro jeden vzorek a ta je správně.",
    },
    "condition_unread": {
        "en": "Could not read the condition after the answer ({cond}): {why}.",
        "cs": "Podmínku za odpovědí ({cond}) nelze přečíst: {why}.",
    },
    "condition_narrow": {
        "en": "The answer is claimed only under the condition {cond}, which is narrower than "
        "the exercise ({why}); the exercise asks for its whole domain.",
        "cs": "Odpověď je tvrzena jen za podmínky {cond}, která je užší než zadání ({why}); "
        "úloha se ptá na celý definiční obor.",
    },
    "note_condition": {
        "en": "The condition {cond} is implied by the exercise.",
        "cs": "Podmínka {cond} plyne ze zadání.",
    },
    "note_constant_kept": {
        "en": "The constant of integration is kept: fine for an antiderivative.",
        "cs": "Integrační konstanta je ponechána: u primitivní funkce v pořádku.",
    },
    "note_constant_differs": {
        "en": "Your answer differs from the reference by a constant: fine for an "
        "antiderivative (the lecture drops the constant).",
        "cs": "Vaše odpověď se od vzoru liší o konstantu: u primitivní funkce v pořádku "
        "(přednáška konstantu vynechává).",
    },
}


def phrase(key: str, lang: str = "en", **fields: object) -> str:
    """A feedback phrase in ``lang`` (``en`` or ``cs``; English when unknown)."""
    table = _PHRASES[key]
    return table.get(lang, table["en"]).format(**fields)


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one answer; ``read_as`` is the answer as read, in LaTeX, and
    ``read_as_text`` in readable text (with what written derivatives became); for
    ``--reference`` also the reference as read."""

    exercise: str
    answer: str
    verdict: str
    feedback: str
    method: str
    read_as: str = ""
    read_as_text: str = ""
    reference_read_as: str = ""
    reference_read_as_text: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def _ratio_feedback(ans: sp.Expr, ref: sp.Expr, lang: str) -> str | None:
    """Sign error, constant factor, one extra or missing factor."""
    if ref == 0:
        return None
    ratio = sp.cancel(sp.together(ans / ref))
    if ratio == -1:
        return phrase("sign", lang)
    if ratio.is_Number and ratio != 0:
        return phrase("factor_number", lang, factor=to_latex(ratio))
    if ratio.has(sp.Add) or sp.count_ops(ratio) > 6 or ratio.free_symbols == set():
        return None
    num, den = sp.fraction(ratio)
    if den == 1:
        return phrase("factor_extra", lang, factor=to_latex(num))
    if num == 1:
        return phrase("factor_missing", lang, factor=to_latex(den))
    return None


def _same(ex: Exercise, lhs: sp.Expr, rhs: sp.Expr) -> Comparison:
    """Compare two sides already in canonical form, on the exercise's domain."""
    return compare(
        lhs,
        rhs,
        definitions=ex.definitions,
        domain=ex.domain,
        seed=ex.id,
        canonicalised=True,
    )


def _resembles(ex: Exercise, lhs: sp.Expr, rhs: sp.Expr) -> bool:
    """For feedback only (the verdict is already decided): agreement at the feedback points
    (:func:`derive.homework.equivalence.resembles`)."""
    seed = zlib.crc32(ex.id.encode())
    return resembles(lhs, rhs, ex.domain, seed=seed, definitions=ex.definitions)


def _incorrect_feedback(
    ex: Exercise,
    ans: sp.Expr,
    ref: sp.Expr,
    result: Comparison,
    lang: str,
    written: sp.Expr | None = None,
) -> str:
    """The most specific feedback for an answer ``ans`` that is not equal to ``ref``."""
    for mistake in ex.mistakes:
        if _resembles(ex, ans, canonical(mistake.expr, ex.definitions)):
            return mistake.feedback.get(lang, mistake.feedback["en"])
    if written is not None:  # σ for σ', ∂z/∂a for ∂a/∂z, a missing ∂a/∂z, the result in z
        named = confusion_feedback(ex, written, ref, lang, lambda x, r: _resembles(ex, x, r))
        if named:
            return named
    if _resembles(ex, ans, -ref):
        return phrase("sign", lang)
    var = ex.variable
    if var is not None and var in ref.free_symbols:
        name = to_latex(var)
        if _resembles(ex, sp.diff(ans, var), ref):
            return phrase("antiderivative", lang, var=name)
        if _resembles(ex, ans, sp.diff(ref, var)):
            return phrase("derivative", lang, var=name)
    ratio = _ratio_feedback(ans, ref, lang)
    if ratio:
        return ratio
    head = phrase("incorrect", lang)
    if result.method.startswith("numeric (undefined") and result.counterexample:
        return f"{head}: {phrase('undefined_at', lang, point=result.counterexample)}."
    if result.counterexample:
        return f"{head}: {phrase('differ_at', lang, point=result.counterexample)}."
    return f"{head}."


def grade_expression(
    ex: Exercise,
    expr: sp.Expr,
    *,
    answer: str,
    lang: str = "en",
    notes: tuple[str, ...] = (),
    must_be_real: Sequence[sp.Expr] = (),
    written: sp.Expr | None = None,
) -> GradeResult:
    """Grade an already parsed answer against the exercise's reference.

    ``written``: the answer as written (derivatives not yet computed), for the echo.

    ``must_be_real``: sub-expressions of the answer as read (:meth:`Exercise.real_conditions`);
    an answer equal to the reference is still incorrect when one of them is not a real number
    on the domain (``e^{ln(a − 2)}`` is read as ``a − 2``).
    """
    shown = expr if written is None else written
    read_as = to_latex(shown)
    read_text = echo_text(shown, expr, lang)

    def result(verdict: str, feedback: str, method: str, extra: Sequence[str] = ()) -> GradeResult:
        text = " ".join([feedback, *notes, *extra]) if verdict == "correct" else feedback
        return GradeResult(ex.id, answer, verdict, text, method, read_as, read_text)

    if ex.forbid_sigma_prime and expr.has(nt.SigmaPrime):
        return result("incorrect", phrase("sigma_prime_used", lang), "rule")
    if expr.has(sp.Integral):
        return result("incorrect", phrase("integral_left", lang), "rule")
    try:
        return _grade_canonical(ex, expr, lang, result, must_be_real, written)
    except NonLinearSampleSum as exc:
        return result(
            "incorrect", phrase("sample_sum_nonlinear", lang, why=str(exc)), "rule (Σ_x non-linear)"
        )
    except UnsupportedSum as exc:
        return result("invalid", phrase("sum_unsupported", lang, why=str(exc)), "rule (Σ_k limits)")


def _grade_canonical(
    ex: Exercise,
    expr: sp.Expr,
    lang: str,
    result: Callable[..., GradeResult],
    must_be_real: Sequence[sp.Expr] = (),
    written: sp.Expr | None = None,
) -> GradeResult:
    """The comparison proper (may raise :class:`UnsupportedSum`)."""
    extra: list[str] = []
    if expr.has(nt.SampleSum):
        extra.append(phrase("note_average", lang))
    ans = canonical(expr, ex.definitions)
    ref = canonical(ex.reference, ex.definitions)
    if ex.up_to_constant and ex.variable is not None:
        ans = in_variable(ans, ex.variable, ex.definitions)  # a cost answered in z
        outcome = _same(ex, sp.diff(ans, ex.variable), sp.diff(ref, ex.variable))
        if outcome.equal:
            # the same derivative is not enough: ln(a − 1) has the derivative of ln(1 − a) but
            # is not real on (0, 1) (the "constant" iπ); so the answer itself is evaluated too
            direct = _same(ex, ans, ref)
            if direct.method.startswith("numeric (undefined"):
                point = direct.counterexample
                feedback = (
                    f"{phrase('incorrect', lang)}: {phrase('undefined_at', lang, point=point)}."
                )
                return result("incorrect", feedback, direct.method)
            if direct.equal:
                outcome = direct
            else:
                var = to_latex(ex.variable)
                outcome = Comparison(
                    True, f"{outcome.method} (same derivative in {var}: equal up to a constant)"
                )
            if expr.free_symbols & {CONSTANT, *(ex.vocabulary.get(c) for c in ("C", "c", "K"))}:
                extra.append(phrase("note_constant_kept", lang))
            elif not direct.equal:
                extra.append(phrase("note_constant_differs", lang))
    else:
        outcome = _same(ex, ans, ref)
    if outcome.equal and must_be_real:
        point = undefined_point(
            must_be_real, ex.reference, ex.domain, seed=ex.id, definitions=ex.definitions
        )
        if point is not None:
            feedback = f"{phrase('incorrect', lang)}: {phrase('undefined_at', lang, point=point)}."
            return result("incorrect", feedback, "numeric (a part of the answer is undefined)")
    if outcome.equal:
        return result("correct", phrase("correct", lang), outcome.method, extra)
    if outcome.equal is None:
        return result("undecided", phrase("undecided_domain", lang), outcome.method)
    feedback = _incorrect_feedback(ex, ans, ref, outcome, lang, written)
    return result("incorrect", feedback, outcome.method)


def _did_you_mean(exercise_id: object, lang: str) -> str:
    known = active_catalog()
    near = nearest_ids(str(exercise_id), known) if isinstance(exercise_id, str) else []
    return phrase("did_you_mean", lang, ids=" / ".join(near)) if near else ""


def grade_now(exercise_id: str, answer: str, *, lang: str = "en") -> GradeResult:
    """Grade ``answer`` to ``exercise_id`` in this process, with no time limit."""
    try:
        ex = exercise(exercise_id)
    except KeyError:
        return GradeResult(
            exercise_id,
            answer,
            "invalid",
            phrase("unknown_exercise", lang, id=exercise_id) + _did_you_mean(exercise_id, lang),
            "catalog",
        )
    if not isinstance(answer, str):
        return GradeResult(
            ex.id, str(answer), "invalid", phrase("invalid", lang, msg="not text"), "parse"
        )
    text, condition = split_condition(answer)  # 'a = y \quad (0<y<1)': graded without it
    try:
        _lhs, written = ex.parse_written(text)  # 'C = …' is graded by its right-hand side
        expr = resolve_derivatives(written, ex.definitions)
        must_be_real = ex.real_conditions(text)
    except ParseError as exc:
        return GradeResult(ex.id, answer, "invalid", phrase("invalid", lang, msg=str(exc)), "parse")
    notes: tuple[str, ...] = ()
    if condition is not None:
        said = check_condition(condition, ex)
        condition = shown_condition(condition)
        if said.ok is None:
            msg = phrase("condition_unread", lang, cond=condition, why=said.reason)
            return GradeResult(
                ex.id,
                answer,
                "invalid",
                msg,
                "parse (condition)",
                to_latex(written),
                echo_text(written, expr, lang),
            )
        if said.ok is False:
            msg = phrase("condition_narrow", lang, cond=condition, why=said.reason)
            return GradeResult(
                ex.id,
                answer,
                "incorrect",
                msg,
                "rule (condition)",
                to_latex(written),
                echo_text(written, expr, lang),
            )
        notes = (phrase("note_condition", lang, cond=condition),)
    try:
        return grade_expression(
            ex,
            expr,
            answer=answer,
            lang=lang,
            must_be_real=must_be_real,
            notes=notes,
            written=written,
        )
    except Exception as exc:  # never a traceback: SymPy can raise on odd input
        reason = f"{type(exc).__name__}: {exc}"[:200]
        return GradeResult(
            ex.id, answer, "undecided", phrase("undecided_domain", lang), f"error: {reason}"
        )


def _sign_clash(answer: sp.Expr, reference: sp.Expr, domain: Domain) -> str:
    """A domain that lets a symbol go below 0 although it was read as positive (t, u, a) or
    nonnegative (y): SymPy has already used the sign (√(t²) was read as t), so the comparison
    would be unsound there. Returns the reason, or ''."""
    for sym in sorted(answer.free_symbols | reference.free_symbols, key=str):
        if not (sym.is_positive or sym.is_nonnegative):
            continue
        interval = domain.for_family(family(sym))
        if interval.low < 0:
            sign = "> 0" if sym.is_positive else "≥ 0"
            return (
                f"the domain lets {sym} go below 0, but {sym} is read with {sym} {sign} (the "
                "course's convention; √(" + f"{sym}²) is already {sym}): use a symbol of another "
                f"family (such as s or x) or an interval within {sym} {sign}"
            )
    return ""


def compare_adhoc(
    reference: str,
    answer: str,
    *,
    domain: Domain | None = None,
    lang: str = "en",
    notation: str = "course",
) -> GradeResult:
    """Teachers' ad-hoc comparison of two expressions (no catalog, default vocabulary).

    Written derivatives are computed with the course's network only (no definitions); the
    result echoes how both the answer and the reference were read.

    ``notation="general"``: both read in the general notation and judged as real functions
    (:func:`compare_general`); ``domain`` then holds only the declared intervals
    (``parse_domain(specs, notation="general")``).
    """
    if notation == "general":
        return compare_general(reference, answer, domain=domain, lang=lang)
    try:
        ref_written = parse_answer(reference)
    except ParseError as exc:
        return GradeResult("--reference", answer, "invalid", f"reference: {exc}", "parse")
    ref = resolve_derivatives(ref_written)
    echo_ref = (to_latex(ref_written), echo_text(ref_written, ref, lang))
    try:
        written = parse_answer(answer)
    except ParseError as exc:
        msg = phrase("invalid", lang, msg=str(exc))
        return GradeResult("--reference", answer, "invalid", msg, "parse", "", "", *echo_ref)
    expr = resolve_derivatives(written)

    def out(verdict: str, feedback: str, method: str) -> GradeResult:
        echo = (to_latex(written), echo_text(written, expr, lang), *echo_ref)
        return GradeResult("--reference", answer, verdict, feedback, method, *echo)

    clash = _sign_clash(expr, ref, domain or Domain())
    if clash:
        return out("invalid", clash, "domain")
    definitions: tuple[Definition, ...] = ()
    try:
        outcome = compare(expr, ref, definitions=definitions, domain=domain, seed=reference)
    except UnsupportedSum as exc:
        key = "sample_sum_nonlinear" if isinstance(exc, NonLinearSampleSum) else "sum_unsupported"
        return out("incorrect", phrase(key, lang, why=str(exc)), "rule")
    if outcome.equal:
        # read what was written: e^{ln(a − 2)} is read as a − 2, but is not real for a < 2
        point = undefined_point(real_conditions(answer), ref, domain or Domain(), seed=reference)
        if point is not None:
            feedback = f"{phrase('incorrect', lang)}: {phrase('undefined_at', lang, point=point)}."
            return GradeResult(
                "--reference",
                answer,
                "incorrect",
                feedback,
                "numeric (a part of the answer is undefined)",
                to_latex(expr),
            )
        verdict, feedback = "correct", phrase("correct", lang)
    elif outcome.equal is None:
        verdict, feedback = "undecided", phrase("undecided_domain", lang)
    else:
        verdict = "incorrect"
        feedback = _ratio_feedback(expr, ref, lang) or phrase("incorrect", lang) + (
            f": {phrase('differ_at', lang, point=outcome.counterexample)}."
            if outcome.counterexample
            else "."
        )
    return out(verdict, feedback, outcome.method)


def _read_general(text: str) -> Side:
    return Side(*read_with_conditions(text, notation="general"))


def compare_general(
    reference: str,
    answer: str,
    *,
    domain: Domain | None = None,
    lang: str = "en",
    label: str = "--reference",
) -> GradeResult:
    """Is ``answer`` equal to ``reference`` as a real function on the declared domain (both in
    the general notation: every letter a real variable)? See :mod:`derive.homework.general`."""
    try:
        ref = _read_general(reference)
    except ParseError as exc:
        return GradeResult(label, answer, "invalid", f"reference: {exc}", "parse")
    try:
        ans = _read_general(answer)
    except ParseError as exc:
        return GradeResult(label, answer, "invalid", phrase("invalid", lang, msg=str(exc)), "parse")
    read_as = to_latex(ans.expr)
    outcome = judge(ans, ref, domain=domain, seed=reference)
    if outcome.equal:
        return GradeResult(
            label, answer, "correct", phrase("correct", lang), outcome.method, read_as
        )
    if outcome.equal is None:
        return GradeResult(
            label, answer, "undecided", phrase("undecided_domain", lang), outcome.method, read_as
        )
    feedback = None
    small = sp.count_ops(ans.expr) + sp.count_ops(ref.expr) <= 60
    if (
        small
        and "domain" not in outcome.method
        and not (big_power(ans.expr) or big_power(ref.expr))
    ):
        feedback = _ratio_feedback(ans.expr, ref.expr, lang)
    if feedback is None:
        key = "domain_differs" if "domain" in outcome.method else "differ_at"
        where = f": {phrase(key, lang, point=outcome.point)}." if outcome.point else "."
        feedback = phrase("incorrect", lang) + where
    return GradeResult(label, answer, "incorrect", feedback, outcome.method, read_as)
