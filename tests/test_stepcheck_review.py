"""Step files: the defects a review found, each pinned by a test named after it.

* the chain conclusion ("the last line follows from the first") dropped the declared
  substitutions, and a refuted conclusion still exited 0;
* substitution variables and ``%! domain:`` overrides kept the course's assumptions
  (``t > 0``, ``a > 0``), which the parser uses at once (``\\sqrt{t^2}`` → ``t``);
* the note "differentiated with its true derivative" appeared on lines with no integral.
"""

from __future__ import annotations

import sympy as sp

from derive.homework import stepcheck
from derive.homework.stepcheck import (
    ChainConclusion,
    LineResult,
    StepReport,
    check_text,
    read_steps,
)


def _text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _verdicts(report: StepReport) -> dict[int, str]:
    return {r.line: r.verdict for r in report.results}


# --------------------------------------------------------------------------- 1. conclusion

T4 = _text(r"\ln(t^2)", r"[t = a - 1,\ dt = da]", r"= 2\ln(1 - a)")


def test_chain_conclusion_applies_the_declared_substitutions():
    """ln(t²) with t = a − 1 is 2 ln(1 − a) on 0 < a < 1: the end follows from the start."""
    report = check_text(T4)
    assert _verdicts(report) == {1: "ok", 2: "ok", 3: "ok"}
    (concl,) = report.conclusions
    assert concl.holds is True and "follows from" in concl.detail
    assert report.exit_code == 0


def test_chain_conclusion_with_the_substitution_variable_on_the_last_line_is_checked():
    """A last line still in t (y ln t) is compared with the first under t = 1/a − 1;
    before, such a chain got no conclusion at all."""
    text = _text(
        r"C = \int \frac{1}{a^2 (\frac{1}{a} - 1)} \, da",
        r"[t = \frac{1}{a} - 1,\ dt = -\frac{1}{a^2}\,da]",
        r"= -\int \frac{1}{t} \, dt",
        r"= -\ln(t) + C",
    )
    report = check_text(text)
    assert all(v == "ok" for v in _verdicts(report).values())
    (concl,) = report.conclusions
    assert concl.holds is True
    wrong_end = check_text(text.replace(r"= -\ln(t) + C", r"= \ln(t) + C"))
    assert wrong_end.conclusions[0].holds is False


def test_a_refuted_chain_conclusion_cannot_exit_0():
    """Every line accepted but the end refuted against the start: the line verdicts cannot
    all be right, so the file is not verified (exit 1) and the summary says why."""
    ok = LineResult(1, "x", "ok", "given")
    ok2 = LineResult(2, "= x", "ok", "proved")
    failed = ChainConclusion(1, 2, False, "chain 1–2: the last line does not follow")
    report = StepReport((ok, ok2), (failed,))
    assert report.first_wrong is None
    assert report.exit_code == 1
    text = stepcheck.format_report(report, "en")
    assert "not verified: the last line of chain 1–2 does not follow" in text
    assert "every line follows" not in text
    assert "neověřeno" in stepcheck.format_report(report, "cs")
    unknown = StepReport((ok, ok2), (ChainConclusion(1, 2, None, "not compared"),))
    assert unknown.exit_code == 0  # not compared is no refutation: the lines stand


# --------------------------------------------------------------------------- 2. assumptions


def test_substitution_variable_not_proved_positive_is_not_the_courses_positive_t():
    """√(t²) with t = a − 1 < 0 is 1 − a, not a − 1 (the review's t2.steps: was 'proved')."""
    report = check_text(_text(r"\sqrt{t^2}", r"[t = a - 1,\ dt = da]", "= a - 1"))
    assert _verdicts(report) == {1: "ok", 2: "ok", 3: "wrong"}
    assert "t is taken as a negative variable" in report.results[1].detail
    assert report.exit_code == 1
    right = check_text(_text(r"\sqrt{t^2}", r"[t = a - 1,\ dt = da]", "= 1 - a"))
    assert _verdicts(right) == {1: "ok", 2: "ok", 3: "ok"} and right.exit_code == 0


def test_substitution_variable_u_of_unknown_sign_is_only_real():
    """u = 1 − 1/a < 0 on (0, 1): 1 − √(u²) is 1 + u, not 1 − u (the review's d4.steps)."""
    text = _text(
        r"\frac{1}{a}",
        r"[u = 1 - \frac{1}{a},\ du = \frac{1}{a^2} da]",
        "= 1 - u",
        r"= 1 - \sqrt{u^2}",
    )
    assert _verdicts(check_text(text))[4] == "wrong"
    # a − y has no proved sign on the domain: t is only real, and √(t²) stays |a − y|
    mixed = check_text(_text(r"\sqrt{t^2}", r"[t = a - y,\ dt = da]", r"= \sqrt{(a - y)^2}"))
    assert _verdicts(mixed) == {1: "ok", 2: "ok", 3: "ok"}
    assert "t is taken as a real variable" in mixed.results[1].detail
    assert (
        _verdicts(check_text(_text(r"\sqrt{t^2}", r"[t = a - y,\ dt = da]", "= a - y")))[3]
        == "wrong"
    )


def test_substitution_proved_positive_keeps_the_courses_t():
    """t = 1/a − 1 > 0 on (0, 1) is proved: the lecture's substitution reads as before."""
    text = _text(
        r"C = \int \frac{1}{a^2 (\frac{1}{a} - 1)} \, da",
        r"[t = \frac{1}{a} - 1,\ dt = -\frac{1}{a^2}\,da]",
        r"= -\int \frac{1}{t} \, dt",
    )
    (chain,) = read_steps(text).chains
    assert chain.rebuilt == ()
    t = chain.lines[1].expr.variable
    assert t.is_positive is True


def test_renamed_variable_is_read_everywhere_on_the_line_and_nowhere_else():
    """t as a factor (at), under a root, as the integration variable (dt); t_j stays the
    family's own symbol and \\theta, \\sqrt, \\int are untouched."""
    text = _text(
        r"\sqrt{t^2} + at + t_j + \int \frac{1}{t} dt",
        r"[t = a - 1,\ dt = da]",
        r"= \theta",
    )
    (chain,) = read_steps(text).chains
    t_neg = sp.Symbol("t", negative=True)
    first = chain.lines[0].expr
    assert t_neg in first.free_symbols | {i.limits[0][0] for i in first.atoms(sp.Integral)}
    assert sp.Symbol("t", positive=True) not in first.atoms(sp.Symbol)
    assert -t_neg in first.args and sp.Symbol("a", positive=True) * t_neg in first.args
    assert any(q.name == "t_j" for q in first.free_symbols)
    assert chain.lines[2].expr.free_symbols == {sp.Symbol("theta", real=True)}


def test_domain_override_rebuilds_the_letter_with_what_the_interval_says():
    """d1/d3 of the review: √(t²) = t on t ∈ (−2, −1) and √(a²) = a on a ∈ (−1, 1) are
    wrong (they were 'proved' with the course's t > 0, a > 0)."""
    d1 = check_text(_text("%! domain: t in (-2, -1)", r"\sqrt{t^2}", "= t"))
    assert _verdicts(d1) == {2: "ok", 3: "wrong"}
    assert "t is taken as a negative variable" in d1.results[0].detail
    assert (
        _verdicts(check_text(_text("%! domain: t in (-2, -1)", r"\sqrt{t^2}", "= -t")))[3] == "ok"
    )
    d3 = check_text(_text("%! domain: a in (-1, 1)", r"\sqrt{a^2}", "= a"))
    assert _verdicts(d3) == {2: "ok", 3: "wrong"}
    # an interval inside the assumptions changes nothing (the lecture's L18: y in (0, 1))
    (chain,) = read_steps(_text("%! domain: y in (0, 1)", r"\ln(y)")).chains
    assert chain.rebuilt == ()


def test_domain_override_that_cannot_be_rebuilt_is_refused_with_exit_2(tmp_path, capsys):
    """n is a positive integer and a_j (a component of a) is positive: an interval that
    contradicts them is refused, with the reason, rather than checked with wrong facts."""
    for domain, line in (("n in (-3, 3)", r"\frac{1}{n}"), ("a in (-1, 1)", r"\sqrt{(a_j)^2}")):
        report = check_text(_text(f"%! domain: {domain}", line, "= 1"))
        assert report.exit_code == 2
        assert all(r.verdict == "unreadable" for r in report.results)
        assert "contradicts" in report.results[0].detail
    f = tmp_path / "n.steps"
    f.write_text(_text("%! domain: n in (-3, 3)", r"\frac{1}{n}", "= 1"), encoding="utf-8")
    assert stepcheck.main([str(f)]) == 2
    out = capsys.readouterr()
    assert "contradicts" in out.out and "Traceback" not in out.err


# --------------------------------------------------------------------------- 3. the note


def test_true_derivative_note_only_where_an_integral_was_differentiated():
    """A line with no ∫ … dt was not 'differentiated with the true derivative': it says
    which substitution was put in instead; an integral line keeps the note."""
    report = check_text(T4)
    line3 = report.results[2].detail
    assert "true derivative" not in line3
    assert "with t = a − 1 from line 2" in line3
    text = _text(
        r"C = \int \frac{1}{a^2 (\frac{1}{a} - 1)} \, da",
        r"[t = \frac{1}{a} - 1,\ dt = -\frac{1}{a^2}\,da]",
        r"= -\int \frac{1}{t} \, dt",
    )
    integral = check_text(text).results[2].detail
    assert "with the substitution of line 2, differentiated with its true derivative" in integral


def test_substitution_with_an_exercise_vocabulary_is_judged_in_the_substitution_variable():
    """With --exercise (a = σ(z), t ∈ [0.05, 5] in the catalog): t = a − 1 is still rebuilt
    (not refused for leaving the catalog's interval of its own t), and a stays the variable
    of t = g(a) rather than being replaced by σ(z) on the lines only."""
    report = check_text(T4, exercise="ce-cost")
    assert _verdicts(report) == {1: "ok", 2: "ok", 3: "ok"}
    assert report.conclusions[0].holds is True
    assert report.answer is not None and report.answer.holds is False  # not ce-cost's answer
    assert report.exit_code == 1


def test_an_exercise_domain_for_its_integer_n_is_not_a_contradiction():
    """n ∈ [1, 20] in the catalog is consistent with n a positive integer (an interval says
    nothing against integer): a chain in n under --exercise is checked, not refused."""
    text = _text(r"\frac{1}{n}\sum_x (a - y)", r"= \frac{1}{n}\sum_x a - \frac{1}{n}\sum_x y")
    report = check_text(text, exercise="ce-db")
    assert _verdicts(report) == {1: "ok", 2: "ok"}
    assert report.results[1].strength == "proved"
