"""derive.check: every catalog exercise grades its reference and equivalent forms as correct,
its listed mistakes as incorrect with their feedback; CLI, JSON and batch (issue 6)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from derive.homework.check import grade, main
from derive.homework.exercises import catalog
from derive.homework.grading import VERDICTS, grade_now
from derive.homework.parse import to_latex

#: hand-written equivalent forms per exercise (different notations, rearranged, definitions used)
EQUIVALENT: dict[str, list[str]] = {
    "sigmoid-derivative": [r"a(1-a)", r"\frac{e^{-z}}{(1+e^{-z})^2}", r"\sigma(z)-\sigma(z)^2"],
    "mse-dw": [r"x(a-y)a(1-a)", r"(\sigma(wx+b)-y)\sigma'(wx+b)x", "(a-y)*sigma'(z)*x"],
    "mse-db": [r"(a-y)a(1-a)", r"-(y-a)\sigma^\prime(z)"],
    "ce-dc-da": [r"-\frac{y}{a}+\frac{1-y}{1-a}", r"\frac{a-y}{\sigma'(z)}", "(y-a)/(a(a-1))"],
    "ce-cost": [r"-\ln(1-a) + y\ln\frac{1-a}{a}", r"C = -\ln(a^y(1-a)^{1-y})"],
    "ce-dw": [
        r"x_j(a-y)",
        r"x_j\left(\frac{1}{1+e^{-z}}-y\right)",
        "x_j a - x_j y",
        r"x_j(\sigma(\sum_j w_j x_j + b) - y)",
    ],
    "ce-db": ["a-y", r"\frac{1}{1+e^{-z}} - y"],
    "ce-first-derivative": [r"\frac{a-y}{a(1-a)}", "(1-y)/(1-a) - y/a"],
    "ce-second-derivative": [
        r"\frac{y(1-a)^2 + (1-y)a^2}{a^2(1-a)^2}",
        "y a^{-2} + (1-y)(1-a)^{-2}",
    ],
    "ce-minimizer": ["a = y", "y"],
    "bp1": [
        r"\sigma'(z^L_j)\frac{\partial C}{\partial a^L_j}",
        r"\frac{\partial C}{\partial a^L_j} a^L_j(1-a^L_j)",
    ],
    "bp2": [
        r"\sigma'(z^l_j)\sum_k w^{l+1}_{kj}\delta^{l+1}_k",
        r"\sum_{k=1}^{K} w_{kj}^{l+1}\delta_k^{l+1} a^l_j(1-a^l_j)",
    ],
    "bp3": [r"\delta_j^l", "δ^l_j"],
    "bp4": [r"\delta^l_j a^{l-1}_k", r"a_k^{l-1} \cdot \delta_j^l"],
    "ce-delta-output": [r"\sigma(z^L_j) - y_j", r"\frac{1}{1+e^{-z^L_j}} - y_j"],
    "ce-dw-output": [r"a_k^{L-1}(\sigma(z_j^L)-y_j)", "a^{L-1}_k a^L_j - a^{L-1}_k y_j"],
    "ce-db-output": [r"\sigma(z^L_j)-y_j", "-y_j + a^L_j"],
    "mse-delta-output": [r"(a^L_j - y_j)a^L_j(1-a^L_j)", r"\sigma'(z^L_j)(a^L_j-y_j)"],
    "mse-dw-output": [r"(a^L_j-y_j)\sigma'(z^L_j)a^{L-1}_k", "a^{L-1}_k(a^L_j-y_j)a^L_j(1-a^L_j)"],
    "linear-delta-output": ["z^L_j - y_j", "-(y_j-a^L_j)"],
    "softmax-delta-output": [
        "a_j^L - y_j",
        "-(y_j - a^L_j)",
        r"\frac{e^{z^L_j}}{\sum_k e^{z^L_k}} - y_j",
    ],
}


def test_catalog_has_the_issue_s_exercises_with_statements_in_both_languages() -> None:
    assert list(catalog()) == list(EQUIVALENT)
    for ex in catalog().values():
        assert ex.statement["en"] and ex.statement["cs"] and ex.mistakes


@pytest.mark.parametrize("exercise_id", list(EQUIVALENT))
def test_exercise_grades_reference_equivalents_and_mistakes(exercise_id: str) -> None:
    ex = catalog()[exercise_id]
    reference = grade_now(exercise_id, to_latex(ex.reference))
    assert reference.verdict == "correct", reference
    for answer in EQUIVALENT[exercise_id]:
        result = grade_now(exercise_id, answer)
        assert result.verdict == "correct", result
    for mistake in ex.mistakes:
        for lang in ("en", "cs"):
            result = grade_now(exercise_id, mistake.answer, lang=lang)
            assert result.verdict == "incorrect", result
            assert result.feedback == mistake.feedback[lang], result


@pytest.mark.parametrize(
    ("exercise_id", "answer", "feedback"),
    [
        ("ce-dw", "x_j(y-a)", "Sign error"),
        ("ce-db", r"y - \sigma(z)", "Sign error"),
        ("ce-dw", "2x_j(a-y)", "constant factor"),
        ("ce-dc-da", "(a-y)/(a^2(1-a))", "A factor a is missing"),
        ("ce-dw", r"\sum_x x_j(\sigma(z)-y)", "extra factor n"),
        ("ce-dc-da", r"-(y\ln a + (1-y)\ln(1-a))", "antiderivative"),
        ("ce-cost", "(a-y)/(a(1-a))", "derivative with respect to a"),
        ("ce-cost", r"\int\frac{a-y}{a(1-a)}\,da", "integral is not evaluated"),
        ("sigmoid-derivative", r"\sigma'(z)", "restates the question"),
        ("ce-db", r"\sigma(z)", "they differ at"),
    ],
)
def test_generic_mistakes_get_specific_feedback(
    exercise_id: str, answer: str, feedback: str
) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == "incorrect" and feedback in result.feedback, result


@pytest.mark.parametrize(
    ("exercise_id", "answer", "note"),
    [
        ("ce-dw", r"\frac{1}{n}\sum_x x_j(\sigma(z)-y)", "average over the training set"),
        ("ce-cost", r"-y\ln a - (1-y)\ln(1-a) + C", "constant of integration is kept"),
        (
            "ce-cost",
            r"-\frac{1}{n}\sum_x (y\ln a + (1-y)\ln(1-a))",
            "average over the training set",
        ),
        ("ce-cost", r"-\ln(1-a) + y\ln(1/a - 1) + 5", "differs from the reference by a constant"),
    ],
)
def test_accepted_variants_carry_a_note(exercise_id: str, answer: str, note: str) -> None:
    result = grade_now(exercise_id, answer)
    assert result.verdict == "correct" and note in result.feedback, result


@pytest.mark.parametrize(
    ("exercise_id", "answer", "verdict"),
    [
        ("ce-delta-output", r"\delta^L_j = a^L_j - y_j", "correct"),
        (
            "ce-dw-output",
            r"\frac{\partial C_x}{\partial w^L_{jk}} = a^{L-1}_k(a^L_j-y_j)",
            "correct",
        ),
        ("ce-cost", r"C(a) = -y\ln a - (1-y)\ln(1-a)", "correct"),
        ("ce-minimizer", "a^* = y", "correct"),
        ("mse-delta-output", r"\delta^L_j = a^L_j-y_j", "incorrect"),
        ("ce-minimizer", "a = ", "invalid"),
    ],
)
def test_only_the_right_hand_side_is_graded(exercise_id: str, answer: str, verdict: str) -> None:
    assert grade_now(exercise_id, answer).verdict == verdict


def test_log_rules_are_not_used_off_their_domain() -> None:
    """ln(a(1−a)) = ln a + ln(1 − a) on (0, 1); ln((a−1)(−1)) is not ln(a−1) + ln(−1) there."""
    ok = grade_now("ce-cost", r"-y\ln a - (1-y)\ln(1-a)")
    assert ok.verdict == "correct" and ok.method == "symbolic"
    # sympy.integrate's real-looking form: ln(a − 1) is not real for a ∈ (0, 1)
    wrong = grade_now("ce-cost", r"-y\ln a - (1-y)\ln(a-1)")
    assert wrong.verdict == "incorrect" and "not a real number" in wrong.feedback


def test_result_carries_the_json_fields_and_the_reading() -> None:
    result = grade_now("ce-db", "sigma(z) - y")
    data = result.to_json()
    assert {"exercise", "answer", "verdict", "feedback", "method"} <= set(data)
    assert data["read_as"] == r"\sigma(z) - y"  # the textbook order, not SymPy's
    assert result.verdict in VERDICTS


def test_czech_feedback() -> None:
    assert grade_now("ce-dw", "x_j(y-a)", lang="cs").feedback.startswith("Chyba ve znaménku")
    assert grade_now("ce-dw", "x_j(a-y)", lang="cs").feedback == "Správně."


def test_grade_runs_in_a_worker_and_agrees_with_in_process_grading() -> None:
    for answer in ("x_j(a-y)", "x_j(y-a)", "x_j(a-", "(a+y+z)"):
        assert grade("ce-dw", answer) == grade_now("ce-dw", answer)


@pytest.mark.parametrize(
    ("argv", "code", "expect"),
    [
        (["ce-dw", "x_j(a-y)"], 0, "correct: Correct."),
        (["ce-dw", "x_j(y-a)"], 1, "incorrect: Sign error"),
        (["ce-dw", "x_j(y-"], 2, "invalid: Could not read"),
        (["no-such-exercise", "a"], 2, "invalid: Unknown exercise"),
        (
            ["--reference", "(a-y)/(a(1-a))", "-y/a + (1-y)/(1-a)", "--domain", "a:(0,1)"],
            0,
            "correct",
        ),
        (["--reference", "ln(q)", "ln(q^2)/2", "--domain", "q:[1,2]"], 0, "method: numeric ("),
        (["--list"], 0, "ce-dw-output"),
    ],
)
def test_cli_exit_codes_and_output(
    argv: list[str], code: int, expect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == code
    assert expect in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["ce-dw"],
        ["--reference", "a"],
        ["--reference", "a", "a", "--domain", "a:[1"],
        ["--batch", "x.csv"],
    ],
)
def test_cli_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_cli_json_as_a_module_without_warnings() -> None:
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-m", "derive.check", "ce-db", "a - y", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["verdict"] == "correct" and data["exercise"] == "ce-db"


def test_batch_keeps_every_row_and_extra_columns(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = [
        {"student": "ana", "exercise": "ce-db", "answer": "a - y", "group": "A"},
        {"student": "bo", "exercise": "ce-db", "answer": "y - a", "group": "B"},
        {"student": "cy", "exercise": "nope", "answer": "a", "group": "A"},
        {"student": "di", "exercise": "ce-db", "answer": "__import__('os')", "group": "B"},
    ]
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    target = tmp_path / "out.csv"
    assert main(["--batch", str(source), "-o", str(target), "--no-progress"]) == 0
    with target.open(encoding="utf-8", newline="") as handle:
        out = list(csv.DictReader(handle))
    assert [r["student"] for r in out] == ["ana", "bo", "cy", "di"]
    assert [r["group"] for r in out] == ["A", "B", "A", "B"]
    assert [r["verdict"] for r in out] == ["correct", "incorrect", "invalid", "invalid"]
    assert all(r["feedback"] for r in out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temp left


def test_batch_keeps_a_row_with_a_huge_answer(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"student,exercise,answer\nana,ce-db,{'a' * 300_000}\nbo,ce-db,a-y\n")
    target = tmp_path / "out.csv"
    assert main(["--batch", str(source), "-o", str(target), "--no-progress"]) == 0
    previous = csv.field_size_limit(2**28)  # the output keeps the huge answer too
    try:
        with target.open(encoding="utf-8", newline="") as handle:
            out = list(csv.DictReader(handle))
    finally:
        csv.field_size_limit(previous)
    assert [r["verdict"] for r in out] == ["invalid", "correct"]
    assert "too long" in out[0]["feedback"]


def test_batch_into_a_missing_directory_exits_2_before_grading(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.csv"
    source.write_text("student,exercise,answer\nana,ce-db,a-y\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["--batch", str(source), "-o", str(tmp_path / "no" / "out.csv")])
    assert exit_.value.code == 2
    assert "is not a directory" in capsys.readouterr().err


def test_batch_without_required_columns_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,answer\nana,a\n", encoding="utf-8")
    assert main(["--batch", str(source), "-o", str(tmp_path / "out.csv"), "--no-progress"]) == 2
    assert not (tmp_path / "out.csv").exists()
