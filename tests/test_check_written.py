"""What students actually write (issue 11): derivatives written as derivatives, the same quantity
in another defined variable, conditions after an answer, plain-text sums and LaTeX's one-token
subscripts, limits and the shape of step files, feedback that names the confusion, and the
read-as echo in LaTeX and text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.homework.check import main
from derive.homework.grading import compare_adhoc, grade_now
from derive.homework.parse import ParseError, parse_answer
from derive.homework.stepcheck import check_text

# --------------------------------------------------------------------------- derivatives

DERIVATIVES = [
    # (exercise, answer, verdict)
    ("mse-dw", r"(a-y)\,x\,\frac{\partial a}{\partial z}", "correct"),
    ("mse-dw", r"(a-y)\frac{\partial a}{\partial w}", "correct"),
    ("mse-dw", r"x(a-y)\frac{d\sigma(z)}{dz}", "correct"),
    ("mse-dw", r"x(a-y)\frac{d\sigma}{dz}", "correct"),
    ("mse-dw", r"(a-y)\sigma'(z)\frac{\partial}{\partial w}(wx+b)", "correct"),
    ("mse-dw", r"x\,\sigma'(z)\,\frac{\partial}{\partial a}\frac{1}{2}(y-a)^2", "correct"),
    ("mse-dw", r"(a-y)\frac{\partial a}{\partial z}\frac{\partial z}{\partial w}", "correct"),
    ("mse-dw", r"(a-y)\,x\,\partial a/\partial z", "correct"),
    ("mse-dw", r"(a-y) x da/dz", "correct"),
    ("mse-db", r"(a-y)\frac{d}{dz}\left(\sigma(z)\right)", "correct"),
    ("mse-db", r"\sigma'(z)\,\frac{\partial}{\partial a}\left(\frac12(y-a)^2\right)", "correct"),
    ("mse-db", r"\frac{(a-y)\,\sigma'(z)^2}{\frac{d\sigma}{dz}}", "correct"),
    ("ce-dc-da", r"\frac{a-y}{\frac{\partial a}{\partial z}}", "correct"),
    ("ce-dc-da", r"(a-y)\,\frac{\partial z}{\partial a}", "correct"),  # inverse function
    ("ce-dw", r"\frac{\partial z}{\partial w_j}\,(\sigma(z)-y)", "correct"),  # z = Σ_j w_j x_j + b
    ("ce-dw", r"\frac{a-y}{a(1-a)}\frac{\partial a}{\partial w_j}", "correct"),
    ("ce-db", r"(\sigma(z)-y)\frac{d}{db}\left(wx+b\right)", "correct"),
    ("bp1", r"\frac{\partial C}{\partial a^L_j}\frac{\partial a^L_j}{\partial z^L_j}", "correct"),
    (
        "bp2",
        r"\sum_k \frac{\partial z^{l+1}_k}{\partial a^l_j}\delta^{l+1}_k\sigma'(z^l_j)",
        "correct",
    ),
    ("bp3", r"\delta^l_j\frac{\partial z^l_j}{\partial b^l_j}", "correct"),
    ("bp4", r"\delta^l_j\frac{\partial z^l_j}{\partial w^l_{jk}}", "correct"),
    ("linear-delta-output", r"(a^L_j - y_j)\frac{\partial a^L_j}{\partial z^L_j}", "correct"),
    (
        "linear-delta-output",
        r"\frac{\partial}{\partial a^L_j}\frac{1}{2}(a^L_j - y_j)^2",
        "correct",
    ),
    # softmax: ∂a_j/∂z_j = a_j(1 − a_j), through the sum in the denominator, so this is wrong
    ("softmax-delta-output", r"(a^L_j - y_j)\frac{\partial a^L_j}{\partial z^L_j}", "incorrect"),
    ("mse-dw", r"(a-y)\,x\,\frac{\partial z}{\partial a}", "incorrect"),
    (
        "ce-first-derivative",
        r"-y\frac{d}{da}\left(\ln a\right)+(1-y)\frac{d}{da}\left(\ln(1-a)\right)",
        "incorrect",
    ),
    ("mse-dw", r"(a-y)\frac{\partial}{\partial w}", "invalid"),  # an operator on nothing
    ("mse-db", r"\frac{d}{dz}", "invalid"),
]


@pytest.mark.parametrize(("exercise_id", "answer", "verdict"), DERIVATIVES)
def test_a_written_derivative_is_computed_under_the_exercises_definitions(
    exercise_id: str, answer: str, verdict: str
) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == verdict, result


def test_a_written_derivative_is_kept_unevaluated_by_the_parser() -> None:
    # read alone, a is a plain symbol: ∂a/∂z would be 0, so it waits for the definitions
    expr = parse_answer(r"\frac{\partial a}{\partial z}")
    assert expr != 0
    assert str(expr) == "Derivative(a, z)"


def test_without_definitions_a_derivative_of_an_unrelated_symbol_is_zero() -> None:
    # --reference has no a = σ(z): ∂a/∂z is 0 there, and the echo says how it was read
    result = compare_adhoc("0", r"\frac{\partial a}{\partial z}")
    assert result.verdict == "correct"
    assert r"\frac{\partial a}{\partial z}" in result.read_as
    assert result.reference_read_as == "0"


def test_the_course_network_gives_layer_derivatives_in_reference_mode() -> None:
    result = compare_adhoc(r"\delta^l_j", r"\frac{\partial z^l_j}{\partial b^l_j}\delta^l_j")
    assert result.verdict == "correct"
    assert "∂z^l_j/∂b^l_j" in result.read_as_text


SIGMA_PRIME = {  # σ'(z) written in five ways; each must grade as σ'(z) does
    "prime": r"\sigma'(z)",
    "partial": r"\frac{\partial a}{\partial z}",
    "d-sigma": r"\frac{d\sigma(z)}{dz}",
    "operator": r"\frac{d}{dz}\sigma(z)",
    "plain": r"(da/dz)",
}
IN_Z = {  # a written in three ways (a = σ(z))
    "a": "a",
    "sigma": r"\sigma(z)",
    "logistic": r"\frac{1}{1+e^{-z}}",
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    exercise_id=st.sampled_from(["mse-dw", "mse-db"]),
    coefficient=st.sampled_from(["", "2", "-", r"\frac12"]),
    with_x=st.booleans(),
    flip=st.booleans(),
    notation=st.sampled_from(sorted(SIGMA_PRIME)),
    variable=st.sampled_from(sorted(IN_Z)),
)
def test_sigma_prime_as_a_derivative_or_a_in_z_grades_the_same(
    exercise_id: str, coefficient: str, with_x: bool, flip: bool, notation: str, variable: str
) -> None:
    a = IN_Z[variable]
    diff = f"(y-{a})" if flip else f"({a}-y)"
    x = "x" if with_x else ""
    plain = f"{coefficient}{diff}{x}{SIGMA_PRIME['prime']}"
    rewritten = f"{coefficient}{diff}{x}{SIGMA_PRIME[notation]}"
    assert grade_now(exercise_id, rewritten).verdict == grade_now(exercise_id, plain).verdict


# --------------------------------------------------------------------------- other variable


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (r"\ln(1+e^{z}) - yz", "correct"),
        (r"\ln(1+e^{-z}) + (1-y)z", "correct"),
        (r"-\ln(1-a) - yz", "correct"),
        (r"\ln(1+e^{z}) - yz + \text{const}", "correct"),
        (r"\ln(1+e^{-z}) - yz", "incorrect"),  # differs by z, not by a constant
    ],
)
def test_a_cost_answered_in_z_is_graded_in_a(answer: str, verdict: str) -> None:
    assert grade_now("ce-cost", answer).verdict == verdict


# --------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("exercise_id", "answer", "verdict"),
    [
        ("ce-minimizer", r"a = y \quad (0<y<1)", "correct"),
        ("ce-minimizer", r"a = y, \text{ for } 0 < y < 1", "correct"),
        ("ce-minimizer", r"a^* = y \text{ for all } y \in (0,1)", "correct"),
        ("ce-minimizer", r"a = \frac{1}{2} \quad (y = \frac{1}{2})", "incorrect"),
        ("ce-minimizer", r"a = 1-y \quad (0<y<1)", "incorrect"),
        ("ce-dc-da", r"\frac{a-y}{a(1-a)} \quad (0<a<1)", "correct"),
        ("ce-dw", r"x_j(\sigma(z)-y) \quad (0\le y\le 1)", "correct"),
        ("ce-dw", r"x_j(a-y), \text{ for every } j", "correct"),
        ("mse-dw", r"(a-y)\,x\,a\,(1-a) \quad (x \in \mathbb{R})", "correct"),
        ("mse-dw", r"(a-y)\,x\,a\,(1-a) \quad (x > 0)", "incorrect"),  # narrower than x ∈ ℝ
        ("sigmoid-derivative", r"a(1-a), \text{ where } a = \sigma(z)", "correct"),
        ("sigmoid-derivative", r"a(1-a), \text{ where } a = \sigma(2z)", "incorrect"),
        ("linear-delta-output", r"a^L_j - y_j \quad (a^L_j = z^L_j)", "correct"),
        ("softmax-delta-output", r"a^L_j - y_j \quad (y_j \in \{0, 1\})", "correct"),
        ("ce-db", r"a - y \quad (y \in \{0, 1\})", "incorrect"),  # not assumed there
        ("bp3", r"\delta^l_j \quad (\text{since } \partial z^l_j/\partial b^l_j = 1)", "correct"),
        (
            "bp2",
            r"\sum_k w^{l+1}_{kj}\delta^{l+1}_k a^l_j(1-a^l_j) \quad (k = 1, \dots, K)",
            "correct",
        ),
        ("ce-db", r"a - y \quad (0 < q < 1)", "invalid"),  # q is not a symbol of the exercise
    ],
)
def test_a_condition_is_read_and_must_be_implied_by_the_exercise(
    exercise_id: str, answer: str, verdict: str
) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == verdict, result


def test_an_implied_condition_is_named_in_the_feedback() -> None:
    result = grade_now("ce-minimizer", r"a = y \quad (0<y<1)", lang="cs")
    assert "0<y<1" in result.feedback and "plyne ze zadání" in result.feedback


# --------------------------------------------------------------------------- sums, subscripts


@pytest.mark.parametrize(
    ("exercise_id", "answer", "verdict"),
    [
        ("bp2", "sum_k w^{l+1}_{kj}*delta^{l+1}_k*sigma'(z^l_j)", "correct"),
        ("bp2", "sum_{k=1}^K w^{l+1}_{kj} delta^{l+1}_k sigma'(z^l_j)", "correct"),
        ("bp2", "sigma'(z^l_j) * sum_{k=1}^{K} w^{l+1}_{kj} * delta^{l+1}_k", "correct"),
        ("bp2", "sum_k w^{l+1}_{jk}*delta^{l+1}_k*sigma'(z^l_j)", "incorrect"),
        ("ce-dw", "x_ja-x_jy", "correct"),  # x_j·a − x_j·y
        ("ce-dw", "x_{ja}-x_{jy}", "invalid"),  # a braced subscript is one symbol: unknown
        ("bp4", r"\delta^l_ja^{l-1}_k", "correct"),
        ("ce-dw-output", "a^{L-1}_ka^L_j - a^{L-1}_ky_j", "correct"),
        ("ce-delta-output", "a^L_j - y_ja^L_j", "incorrect"),
    ],
)
def test_plain_sums_and_one_token_subscripts(exercise_id: str, answer: str, verdict: str) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == verdict, result


# --------------------------------------------------------------------------- feedback, echo


@pytest.mark.parametrize(
    ("exercise_id", "answer", "says"),
    [
        ("mse-dw", r"(a-y)\sigma(z)x", "σ written where σ' is meant"),
        ("mse-db", r"(a-y)\frac{\partial z}{\partial a}", "upside down"),
        ("ce-dw", r"(a-y)\frac{\partial z}{\partial x_j}", "with respect to x_j"),
        ("bp4", r"a^{l-1}_k\sigma^\prime(z^l_j)\delta^l_j", "An extra factor ∂a/∂z"),
        ("ce-delta-output", r"\frac{a^L_j-y_j}{\frac{\partial a^L_j}{\partial z^L_j}}", "missing"),
    ],
)
def test_feedback_names_the_confusion(exercise_id: str, answer: str, says: str) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == "incorrect"
    assert says in result.feedback, result.feedback


def test_every_verdict_echoes_the_reading_in_latex_and_text(capsys) -> None:
    assert main(["mse-dw", r"(a-y)x\frac{\partial a}{\partial z}"]) == 0
    out = capsys.readouterr().out
    assert r"read as: x \left(a - y\right) \frac{\partial a}{\partial z}" in out
    assert "x·(a - y)·∂a/∂z" in out


def test_czech_output_uses_czech_labels(capsys) -> None:
    assert main(["mse-dw", r"(a-y)\sigma(z)x", "--lang", "cs"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("nesprávně: ")
    assert "přečteno jako: " in out and "metoda: " in out
    assert "read as" not in out and "method" not in out


def test_reference_mode_echoes_both_readings(capsys) -> None:
    assert main(["--reference", r"\frac{d}{dz}\sigma(z)", r"\sigma(z)(1-\sigma(z))"]) == 0
    out = capsys.readouterr().out
    assert "reference read as: " in out and "∂(σ(z))/∂z" in out


# --------------------------------------------------------------------------- step files


def test_limits_in_step_files_are_read_and_checked() -> None:
    report = check_text("\\lim_{a \\to 0^+} a \\ln a\n= 0\n\n\\lim_{a\\to 1^-} (1-a)\n= 1\n")
    verdicts = [r.verdict for r in report.results]
    assert verdicts == ["ok", "ok", "ok", "wrong"]


def test_a_limit_without_a_readable_subscript_is_refused() -> None:
    with pytest.raises(ParseError, match="limit"):
        parse_answer(r"\lim_{a = 0} a")


def test_a_first_line_names_the_chain_outside_the_vocabulary() -> None:
    text = "\\delta^L_j = (a^L_j - y_j)\\sigma'(z^L_j)\n= (a^L_j-y_j) a^L_j (1-a^L_j)\n"
    report = check_text(text, exercise="mse-delta-output")
    assert [r.verdict for r in report.results] == ["ok", "ok"]
    assert report.exit_code == 0


def test_an_equation_right_after_a_chain_says_a_blank_line_starts_a_new_chain() -> None:
    text = "C = \\frac12 (y-a)^2\n= \\frac12 (a-y)^2\n\\frac{\\partial C}{\\partial a} = a - y\n"
    report = check_text(text)
    last = report.results[-1]
    assert last.verdict == "unreadable" and "a blank line starts a new chain" in last.detail
    czech = check_text(text, lang="cs").results[-1]
    assert "nový řetězec začíná po prázdném řádku" in czech.detail


@pytest.mark.parametrize("content", ["", "\n\n", "% a comment\n\n%! title: nothing\n"])
def test_an_empty_or_comment_only_step_file_is_nothing_to_check(
    tmp_path: Path, content: str, capsys
) -> None:
    path = tmp_path / "empty.steps"
    path.write_text(content, encoding="utf-8")
    assert main(["--steps", str(path)]) == 2
    assert "nothing to check" in capsys.readouterr().err


def test_a_bom_is_ignored_and_unicode_line_separators_break_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom.steps"
    path.write_text(
        "\ufeffC = \\frac12 (y-a)^2\u2028= \\frac12 (a-y)^2\u2029\u2028"
        "\\frac{\\partial C}{\\partial a} = a - y\n",
        encoding="utf-8",
    )
    assert main(["--steps", str(path)]) == 0


def test_unicode_line_separators_count_towards_the_line_limit(tmp_path: Path, capsys) -> None:
    path = tmp_path / "long.steps"
    path.write_text("a\u2028" * 301, encoding="utf-8")
    assert main(["--steps", str(path)]) == 2
    assert "at most 300 lines" in capsys.readouterr().err


def test_a_condition_after_a_step_is_a_remark_and_the_step_is_still_checked() -> None:
    text = (
        "C'(a) = \\frac{a-y}{a(1-a)} \\quad (0<a<1)\n"
        "= -\\frac{y}{a} + \\frac{1-y}{1-a}, \\text{ for } 0 < a < 1\n"
        "= -\\frac{y}{a} - \\frac{1-y}{1-a} \\quad (0<a<1)\n"
    )
    report = check_text(text)
    assert [r.verdict for r in report.results] == ["ok", "ok", "wrong"]
    assert report.results[1].text.endswith("0 < a < 1")  # shown as written


# --------------------------------------------------------------------------- soundness

NEVER_ACCEPTED = [  # written after the code, to hunt false accepts in the new readings
    ("mse-dw", r"(a-y)\frac{\partial a}{\partial b}", "incorrect"),
    ("mse-dw", r"(a-y)\frac{\partial a}{\partial z}", "incorrect"),
    ("mse-db", r"(a-y)\frac{\partial a}{\partial w}", "incorrect"),
    ("ce-dc-da", r"(a-y)\frac{\partial a}{\partial z}", "incorrect"),
    ("ce-cost", r"\ln(1+e^{z})", "incorrect"),
    ("ce-cost", r"-yz", "incorrect"),
    ("ce-cost", r"\ln(1+e^{z}) - yz \quad (y = 0)", "incorrect"),
    ("ce-minimizer", r"a = y \quad (0<y<1/2)", "incorrect"),
    ("ce-minimizer", r"a = y \quad (y > 0)", "correct"),
    ("ce-minimizer", r"a = y, \text{ for } y = 1", "incorrect"),
    ("ce-minimizer", r"a = 1/2 \text{ if } y = 1/2", "incorrect"),
    ("ce-minimizer", r"a = y \text{ whatever } blah", "invalid"),
    ("ce-minimizer", r"a = y \text{ for } blah", "invalid"),
    ("mse-dw", r"(a-y) x \sigma'(z), \text{ where } \sigma'(z) = 1", "incorrect"),
    ("mse-dw", r"(a-y) x \sigma'(z), \text{ where } z = 0", "incorrect"),
    ("mse-dw", r"(a-y) x \sigma'(z) \quad (w > 0)", "incorrect"),
    ("bp3", r"\delta^l_j\frac{\partial z^l_j}{\partial b^l_k}", "incorrect"),
    ("bp4", r"\delta^l_j\frac{\partial z^l_j}{\partial w^l_{kj}}", "incorrect"),
    ("bp4", r"\delta^l_j\frac{\partial z^{l+1}_j}{\partial w^l_{jk}}", "incorrect"),
    (
        "bp2",
        r"\sum_k \frac{\partial z^{l+1}_k}{\partial a^l_k}\delta^{l+1}_k\sigma'(z^l_j)",
        "incorrect",
    ),
    ("ce-dw", r"\frac{\partial z}{\partial w_k}(a-y)", "incorrect"),
    ("ce-dw", r"\frac{\partial z}{\partial x_j}(a-y)", "incorrect"),
    ("sigmoid-derivative", r"\frac{d\sigma}{dz}", "incorrect"),
    ("sigmoid-derivative", r"\frac{\partial a}{\partial z}", "incorrect"),
    ("ce-first-derivative", r"\frac{d}{da}(-y\ln a - (1-y)\ln(1-a))", "correct"),
    ("ce-db", r"y_ja", "invalid"),
    ("ce-db", r"a - y, y \in [0, 2]", "correct"),
    ("ce-db", r"a - y, y \in [0.5, 2]", "incorrect"),
    ("linear-delta-output", r"a^L_j - y_j \quad (0 \le y_j \le 1)", "incorrect"),
    ("mse-dw", r"\lim_{a \to 0} (a-y) x a (1-a)", "incorrect"),
]


@pytest.mark.parametrize(("exercise_id", "answer", "verdict"), NEVER_ACCEPTED)
def test_the_new_readings_accept_nothing_wrong(exercise_id: str, answer: str, verdict: str) -> None:
    assert grade_now(exercise_id, answer).verdict == verdict


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (r"x_j\left(\frac{1+\tanh(z/2)}{2}-y\right)", "correct"),
        (r"x_j(\frac{e^{z/2}}{e^{z/2}+e^{-z/2}}-y)", "correct"),
        (r"x_j(\frac{e^{2z}}{e^{2z}+e^{z}}-y)", "correct"),
        (r"x_j(\frac{e^{2z}}{e^{2z}+2e^{z}}-y)", "incorrect"),
    ],
)
def test_a_quantity_a_definition_brings_back_has_one_value_at_a_point(
    answer: str, verdict: str
) -> None:
    # z = Σ_j w_j x_j + b: e^{2z} keeps w_1, x_1 …, and a = σ(z) brings them back; both must
    # be the same numbers at a point (they were drawn twice, a false "incorrect")
    assert grade_now("ce-dw", answer).verdict == verdict
