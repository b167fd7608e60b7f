"""Reviewer's defects A–C: Σ_x may be used only linearly (an average of per-sample answers);
Σ_k is compared with its limits as written, at several K; a logarithm or root that is not real
on the domain is refused in every exercise, even where SymPy simplified it away."""

from __future__ import annotations

import pytest

from derive.homework.check import parse_domain
from derive.homework.equivalence import (
    NonLinearSampleSum,
    UnsupportedSum,
    canonical,
    compare,
    sum_widths,
)
from derive.homework.exercises import exercise
from derive.homework.grading import compare_adhoc, grade_now
from derive.homework.parse import parse_answer, real_conditions

BP2_BODY = r"w^{l+1}_{kj}\delta^{l+1}_k\sigma'(z^l_j)"


# --------------------------------------------------------------------- A: Σ_x used non-linearly


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        # the reviewer's case: the product of the means is not the mean of the product
        ("ce-dw", r"\left(\frac{1}{n}\sum_x x_j\right)(a-y)"),
        ("ce-dw", r"(a-y)\frac{1}{n}\sum_x x_j"),
        ("ce-dw", r"\frac{1}{n}\sum_x x_j \cdot \frac{1}{n}\sum_x (a-y)"),
        ("ce-dw", r"\frac{1}{n^2}\sum_x x_j\sum_x(\sigma(z)-y)"),
        ("ce-dw", r"\ln\left(\frac{1}{n}\sum_x e^{x_j(a-y)}\right)"),
        ("ce-dw", r"\frac{n}{\sum_x \frac{1}{x_j(a-y)}}"),
        ("ce-db", r"\left(\frac{1}{n}\sum_x (a-y)\right)^2 \frac{1}{a-y}"),
        ("ce-db", r"\sigma(z) - \frac{1}{n}\sum_x y"),
        ("mse-dw", r"\frac{1}{n}\sum_x (a-y)\sigma'(z) \cdot \frac{1}{n}\sum_x x"),
    ],
)
def test_nonlinear_sample_sum_is_never_graded_correct(exercise_id: str, answer: str) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == "incorrect", result
    assert "non-linearly" in result.feedback and result.method.startswith("rule"), result


def test_nonlinear_sample_sum_feedback_in_czech() -> None:
    result = grade_now("ce-dw", r"\left(\frac{1}{n}\sum_x x_j\right)(a-y)", lang="cs")
    assert result.verdict == "incorrect" and "nelineárně" in result.feedback


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        ("ce-dw", r"\frac{1}{n}\sum_x x_j(\sigma(z)-y)"),
        ("ce-dw", r"\frac{1}{n}\sum_x x_j(a-y)"),
        ("ce-dw", r"\frac{1}{n}\sum_x x_j a - \frac{1}{n}\sum_x x_j y"),
        ("ce-dw", r"\frac{1}{2n}\sum_x 2x_j(a-y)"),
        ("ce-db", r"\frac{1}{n}\sum_x(\sigma(z)-y)"),
        ("mse-dw", r"\frac{1}{n}\sum_x (a-y)\sigma'(z)x"),
        ("ce-cost", r"-\frac{1}{n}\sum_x (y\ln a + (1-y)\ln(1-a))"),
        # a constant of integration is the same for every sample: it may stand outside the sum
        ("ce-cost", r"-\frac{1}{n}\sum_x (y\ln a + (1-y)\ln(1-a)) + C"),
        ("ce-dw", r"\sum_x \frac{x_j(a-y)}{n}"),
    ],
)
def test_linear_sample_sum_average_stays_correct_with_its_note(
    exercise_id: str, answer: str
) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == "correct", result
    assert "average over the training set" in result.feedback


def test_linear_sample_sum_of_the_wrong_summand_is_incorrect() -> None:
    """A sum alone (not the mean) is n times the per-sample answer, not the answer."""
    assert grade_now("ce-dw", r"\sum_x x_j(\sigma(z)-y)").verdict == "incorrect"
    assert grade_now("ce-dw", r"\frac{1}{n}\sum_x x_j(y-a)").verdict == "incorrect"


def test_sample_sum_may_be_scaled_by_parameters_but_not_by_per_sample_symbols() -> None:
    """w (a weight) is the same for every sample, a is not: w Σ_x f = Σ_x w f, a Σ_x f is not."""
    w_outside = parse_answer(r"\frac{w}{n}\sum_x (a-y)")
    assert compare(w_outside, parse_answer("w(a-y)")).equal is True
    with pytest.raises(NonLinearSampleSum, match="outside the sum"):
        canonical(parse_answer(r"\frac{a}{n}\sum_x (a-y)"))


def test_adhoc_comparison_refuses_a_nonlinear_sample_sum() -> None:
    result = compare_adhoc("x(a-y)", r"\left(\frac{1}{n}\sum_x x\right)(a-y)")
    assert result.verdict == "incorrect" and "non-linearly" in result.feedback


# --------------------------------------------------------------------- B: limits of Σ_k honoured


@pytest.mark.parametrize(
    "limits",
    [
        r"_{k=1}^{K-1}",
        r"_{k=1}^{K+1}",
        r"_{k=1}^{2K}",
        r"_{k=1}^{4}",
        r"_{k=0}^{K-1}",
        r"_{k=2}^{K}",
    ],
)
def test_sum_over_k_upper_limit_is_honoured(limits: str) -> None:
    result = grade_now("bp2", rf"\sum{limits} {BP2_BODY}")
    assert result.verdict == "incorrect", result
    assert "written out for K = " in result.method


@pytest.mark.parametrize("limits", ["", "_k", "_{k=1}^{K}", "_{k=1}^K", "^{K}_{k=1}"])
def test_sum_over_k_to_K_is_correct_and_says_for_which_K(limits: str) -> None:
    result = grade_now("bp2", rf"\sum{limits} {BP2_BODY}" if limits else rf"\sum_k {BP2_BODY}")
    assert result.verdict == "correct", result
    assert result.method.startswith("symbolic")  # a proof for each K, not numeric evidence
    assert result.method.endswith("(Σ_k written out for K ∈ {2, 3, 5})")


def test_sum_over_k_empty_at_small_K_is_still_compared() -> None:
    """Σ_{k=6}^{K} is empty for K ≤ 5: K = 7 and 8 are added, where it is not."""
    extra = r" + \sum_{k=6}^{K} w^{l+1}_{kj}\delta^{l+1}_k"
    result = grade_now("bp2", rf"\sum_k {BP2_BODY}{extra}")
    assert result.verdict == "incorrect" and "K = 7" in result.method, result
    assert sum_widths(parse_answer(r"\sum_{k=6}^{K} w_k", symbols=None)) == (2, 3, 5, 7, 8)


def test_K_outside_a_limit_cannot_pass_by_vanishing_at_the_compared_K() -> None:
    """(K − 2)(K − 3)(K − 5) is 0 at every compared K, so K outside a limit is refused; in a
    limit, its constants (30 once expanded) add K beyond them, and the sum is then too long."""
    vanishing = rf"\sum_k {BP2_BODY} + (K-2)(K-3)(K-5)w^{{l+1}}_{{1j}}"
    result = grade_now("bp2", vanishing)
    assert result.verdict == "invalid" and "only as a limit" in result.feedback, result
    in_limit = grade_now("bp2", rf"\sum_{{k=1}}^{{K+(K-2)(K-3)(K-5)}} {BP2_BODY}")
    assert in_limit.verdict != "correct", in_limit


def test_sum_widths_only_when_a_sum_over_k_occurs() -> None:
    assert sum_widths(parse_answer("a-y"), parse_answer(r"\frac{1}{n}\sum_x (a-y)")) == ()
    assert sum_widths(parse_answer(r"\sum_k w_k")) == (2, 3, 5)


def test_softmax_with_a_fixed_number_of_terms_is_not_the_general_answer() -> None:
    """a^L_j = e^{z_j}/Σ_k e^{z_k}: three terms in the denominator is right only at K = 3."""
    fixed = grade_now("softmax-delta-output", r"\frac{e^{z^L_j}}{\sum_{k=1}^{3} e^{z^L_k}} - y_j")
    assert fixed.verdict == "incorrect", fixed
    general = grade_now("softmax-delta-output", r"\frac{e^{z^L_j}}{\sum_k e^{z^L_k}} - y_j")
    assert general.verdict == "correct" and "K ∈ {2, 3, 5}" in general.method


@pytest.mark.parametrize(
    ("limits", "reason"),
    [(r"_{k=1}^{m}", "whole numbers or expressions in K"), (r"_{k=1}^{1000}", "more than 40")],
)
def test_sum_over_k_that_cannot_be_written_out_is_invalid_with_a_reason(
    limits: str, reason: str
) -> None:
    result = grade_now("bp2", rf"\sum{limits} {BP2_BODY}")
    assert result.verdict == "invalid" and reason in result.feedback, result
    with pytest.raises(UnsupportedSum):
        compare(parse_answer(rf"\sum{limits} w_k"), parse_answer(r"\sum_k w_k"))


def test_bp2_reference_is_compared_with_its_own_limits() -> None:
    ex = exercise("bp2")
    same = compare(ex.reference, ex.reference, definitions=ex.definitions, seed=ex.id)
    assert same.equal is True and "K ∈ {2, 3, 5}" in same.method


# --------------------------------------------------------------------- C: not real on the domain


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        # SymPy reads each of these as the reference itself; a part is not real for a ∈ (0, 1)
        ("ce-db", r"e^{\ln(a-2)} + 2 - y"),
        ("ce-db", r"\sqrt{a-2}^2 + 2 - y"),
        ("ce-db", r"(a-2)^{1/2}(a-2)^{1/2} + 2 - y"),
        ("ce-db", r"a - y + \ln(a-1) - \ln(a-1)"),
        ("ce-dw", r"x_j(a-y) + \ln(a-1) - \ln(a-1)"),
        ("ce-cost", r"-y\ln a - (1-y)\ln(a-1)"),
    ],
)
def test_answer_not_real_on_the_domain_is_refused_in_every_exercise(
    exercise_id: str, answer: str
) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == "incorrect" and "not a real number" in result.feedback, result


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        ("ce-db", r"e^{\ln a} - y"),
        ("ce-db", r"\sqrt{a}^2 - y"),
        ("ce-cost", r"-\ln(1-a) + y\ln(1/a - 1)"),
    ],
)
def test_logarithms_and_roots_real_on_the_domain_stay_correct(
    exercise_id: str, answer: str
) -> None:
    assert grade_now(exercise_id, answer).verdict == "correct"


def test_real_conditions_keep_what_simplification_hides() -> None:
    assert str(parse_answer(r"e^{\ln(a-2)}")) == "a - 2"
    assert [str(c) for c in real_conditions(r"e^{\ln(a-2)} + \sqrt{y}")] == [
        "log(a - 2)",
        "sqrt(y)",
    ]
    assert real_conditions("x^2 + e^{a}") == ()


def test_linear_output_target_is_only_real_so_its_square_root_is_not_itself() -> None:
    """y ≥ 0 is baked into y_j at parse time; a linear output's target may be negative, so the
    exercise makes y_j only real: √(y_j²) = |y_j| is then not y_j."""
    ex = exercise("linear-delta-output")
    assert ex.vocabulary["y_j"].is_nonnegative is None
    assert ex.vocabulary["y_j"] in ex.reference.free_symbols
    wrong = grade_now("linear-delta-output", r"z^L_j - \sqrt{y_j^2}")
    assert wrong.verdict == "incorrect", wrong
    assert grade_now("linear-delta-output", "a^L_j - y_j").verdict == "correct"


@pytest.mark.parametrize(("symbol", "sign"), [("t", "> 0"), ("y", "≥ 0"), ("a", "> 0")])
def test_adhoc_domain_below_a_sign_assumed_at_parse_time_is_refused(symbol: str, sign: str) -> None:
    """√(t²) is read as t (t > 0 by convention): on t ∈ (−1, 1) that would be graded correct."""
    result = compare_adhoc(
        symbol, rf"\sqrt{{{symbol}^2}}", domain=parse_domain([f"{symbol}:(-1,1)"])
    )
    assert result.verdict == "invalid" and f"{symbol} {sign}" in result.feedback, result
    inside = compare_adhoc(
        symbol, rf"\sqrt{{{symbol}^2}}", domain=parse_domain([f"{symbol}:(0,1)"])
    )
    assert inside.verdict == "correct"
    unsigned = compare_adhoc("s", r"\sqrt{s^2}", domain=parse_domain(["s:(-1,1)"]))
    assert unsigned.verdict == "incorrect"
