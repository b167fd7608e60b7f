"""Step files: each line judged against the line before (issue 7).

Named after what they check: the lecture's chains as written (L3, L8, L13, L18, L23, L24),
correct chains that pass entirely, planted errors flagged at exactly their line, wrong
substitutions, unreadable lines, and the CLI's JSON and exit codes.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.homework import stepcheck
from derive.homework.stepcheck import check_text

LECTURE = resources.files("derive").joinpath("data/lecture")
EXAMPLES = resources.files("derive").joinpath("data/examples")


def _read(folder, name: str) -> str:
    return folder.joinpath(name).read_text(encoding="utf-8")


def _verdicts(report) -> dict[int, str]:
    return {r.line: r.verdict for r in report.results}


def _line_of(text: str, needle: str) -> int:
    return next(i for i, q in enumerate(text.splitlines(), 1) if needle in q)


@pytest.fixture(scope="module")
def l8():
    text = _read(LECTURE, "L8.steps")
    return text, check_text(text)


def test_L8_as_written_wrong_exactly_at_the_substitution_and_the_two_slips(l8):
    text, report = l8
    wrong = {r.line for r in report.results if r.verdict == "wrong"}
    subst = _line_of(text, "[t =")
    assert wrong == {
        subst,
        _line_of(text, r"\int \frac{1}{t} dt"),
        _line_of(text, r"y(\ln(1 - a) + y \ln(a))"),
        _line_of(text, r"= -(y \ln(a) + (1 - y)"),
    }
    assert report.first_wrong == subst
    assert all(r.verdict in ("ok", "wrong") for r in report.results)


def test_L8_wrong_substitution_reports_its_true_derivative(l8):
    text, report = l8
    line = next(r for r in report.results if r.line == _line_of(text, "[t ="))
    assert "dt/da = −1/a², not 1/a²" in line.detail


def test_L8_errors_do_not_cascade_and_the_report_says_so(l8):
    text, report = l8
    after = next(r for r in report.results if r.line == _line_of(text, r"- y \ln(t)"))
    integral = _line_of(text, r"\int \frac{1}{t} dt")
    # y ln t is right *relative to* the wrong line before it: judged against it, and said so
    assert after.verdict == "ok" and after.against == integral
    assert f"line {integral}, which is itself wrong" in after.detail


def test_L8_wrong_lines_come_with_a_counterexample_point(l8):
    _, report = l8
    for r in report.results:
        if r.verdict == "wrong" and r.method != "substitution":
            keys = dict(r.counterexample)
            assert {"a", "y", "value"} <= set(keys)
            assert 0 < float(keys["a"]) < 1


def test_L8_two_mistakes_cancel_the_chain_ends_right(l8):
    _, report = l8
    (concl,) = report.conclusions
    assert concl.holds is True


def test_L3_as_written_misses_the_factor_two_of_its_own_cost():
    text = _read(LECTURE, "L3.steps")
    report = check_text(text)
    wrong = {r.line for r in report.results if r.verdict == "wrong"}
    assert wrong == {
        _line_of(text, r"\frac{\partial C}{\partial w}"),
        _line_of(text, r"\frac{\partial C}{\partial b}"),
    }
    for r in report.results:
        if r.verdict == "wrong":
            assert "actually equals −2a²(a − 1)" in r.detail  # 2aσ'(z) at x = 1, y = 0


def test_L24_as_written_bias_index_mismatch_is_the_only_wrong_line():
    text = _read(LECTURE, "L24.steps")
    report = check_text(text)
    (bad,) = [r for r in report.results if r.verdict == "wrong"]
    assert bad.line == _line_of(text, r"\partial b_k^L")
    assert "actually equals (1/n) Σ_x (a^L_k − y_k)" in bad.detail
    assert sum(r.verdict == "ok" for r in report.results) == 5


@pytest.mark.parametrize("name", ["L13.steps", "L18.steps", "L23.steps"])
def test_lecture_chains_L13_L18_L23_hold_line_by_line(name):
    report = check_text(_read(LECTURE, name))
    assert report.exit_code == 0
    assert all(r.verdict == "ok" for r in report.results)
    proved = [r for r in report.results if r.strength == "proved"]
    assert len(proved) >= 4


@pytest.mark.parametrize("name", ["cross-entropy-integral.steps", "mse-gradient.steps"])
def test_correct_example_chains_pass_entirely(name):
    report = check_text(_read(EXAMPLES, name))
    assert report.exit_code == 0 and report.first_wrong is None
    assert all(r.verdict == "ok" for r in report.results)
    assert all(c.holds for c in report.conclusions)


def _plant(text: str, line: int, new: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("needle", "planted"),
    [
        (
            r"= \int \frac{a}{a(1 - a)}",
            r"= \int \frac{a}{a(1 - a)} \, da + y \int \frac{1}{a(1 - a)} \, da",
        ),
        ("[t =", r"[t = \frac{1}{a} - 1,\ dt = \frac{1}{a^2}\,da]"),
        (r"+ y \ln(t) + C", r"= -\ln(1 - a) + y \ln(t^2) + C"),
        (r"= -(y \ln(a)", r"= -(y \ln(a) + (1 + y) \ln(1 - a)) + C"),
    ],
)
def test_planted_error_is_flagged_at_exactly_its_line(needle, planted):
    text = _read(EXAMPLES, "cross-entropy-integral.steps")
    line = _line_of(text, needle)
    report = check_text(_plant(text, line, planted))
    assert report.first_wrong == line
    assert _verdicts(report)[line] == "wrong"
    assert all(v == "ok" for k, v in _verdicts(report).items() if k < line)


def test_a_planted_error_in_a_plain_text_chain_is_flagged():
    text = "\n".join(
        [
            "%! define: C = (y - a)^2/2; a = sigma(z); z = w*x + b",
            r"\frac{\partial C}{\partial w} = (a - y)*sigma'(z)*x",
            "= (a - y)*a*(1 - a)*x",
            "= (a - y)*a*(1 + a)*x",
        ]
    )
    report = check_text(text)
    assert _verdicts(report) == {2: "ok", 3: "ok", 4: "wrong"}
    assert report.results[0].strength == "proved"  # the left side ∂C/∂w was computed
    assert "line 3 actually equals" not in report.results[2].detail  # no derivative on line 3


def test_an_undefined_left_side_makes_the_first_line_given():
    report = check_text(r"\frac{\partial C}{\partial w} = (a - y)*x" + "\n= a*x - y*x\n")
    assert [r.strength for r in report.results] == ["given", "proved"]
    assert "not defined here" in report.results[0].detail


def test_substitution_with_the_right_differential_is_ok():
    text = "\n".join(
        [
            r"C = \int \frac{1}{a^2 (\frac{1}{a} - 1)} \, da",
            r"[t = \frac{1}{a} - 1,\ dt = -\frac{1}{a^2}\,da]",
            r"= -\int \frac{1}{t} \, dt",
            r"= -\ln(t) + const",
        ]
    )
    report = check_text(text)
    assert [r.verdict for r in report.results] == ["ok"] * 4
    assert "as declared" in report.results[1].detail


def test_equivalence_chain_with_a_planted_slip():
    text = "\n".join(
        [
            r"-\frac{y}{a}+\frac{1-y}{1-a}=0",
            r"\iff \frac{y}{a}=\frac{1-y}{1-a}",
            r"\iff y-ay=a+ay",
            r"\iff a=y",
        ]
    )
    report = check_text(text)
    assert report.first_wrong == 3


def test_unreadable_line_is_reported_and_the_next_is_judged_against_the_last_readable():
    text = "\n".join(["C = (y - a)^2", r"= (y - a)(y - a", "= y^2 - 2ay + a^2"])
    report = check_text(text)
    assert _verdicts(report) == {1: "ok", 2: "unreadable", 3: "ok"}
    assert report.exit_code == 2
    assert "line 2 is unreadable" in report.results[2].detail
    assert report.results[1].detail  # where and why


def test_czech_report_words():
    report = check_text(_read(LECTURE, "L8.steps"), lang="cs")
    text = stepcheck.format_report(report, "cs")
    assert "chyba" in text and "první chybný řádek" in text


def test_cli_json_shape_and_exit_codes(tmp_path, capsys):
    code = stepcheck.main([str(LECTURE.joinpath("L8.steps")), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["first_wrong"] == _line_of(_read(LECTURE, "L8.steps"), "[t =")
    assert all({"line", "text", "verdict", "detail"} <= set(s) for s in out["steps"])
    good = tmp_path / "good.steps"
    good.write_text(_read(EXAMPLES, "mse-gradient.steps"), encoding="utf-8")
    assert stepcheck.main(["--steps", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["first_wrong"] is None
    bad = tmp_path / "bad.steps"
    bad.write_text("C = (y - a\n", encoding="utf-8")
    assert stepcheck.main([str(bad)]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["/nonexistent/file.steps"],
        ["{good}", "--exercise", "no-such-exercise"],
        ["{good}", "--domain", "y in 0,1"],
        ["{good}", "--timeout", "0"],
        [],
    ],
)
def test_cli_bad_input_exits_2_with_a_message(argv, tmp_path, capsys):
    good = tmp_path / "good.steps"
    good.write_text("C = (y - a)^2\n", encoding="utf-8")
    argv = [q.replace("{good}", str(good)) for q in argv]
    try:
        code = stepcheck.main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_exercise_vocabulary_refuses_unknown_symbols():
    report = stepcheck.check_text(r"C = \int \frac{a - q}{a} \, da", exercise="ce-cost")
    (r,) = report.results
    assert r.verdict == "unreadable" and "unknown symbol q" in r.detail


def test_exercise_definitions_and_vocabulary_check_a_student_chain():
    text = _read(EXAMPLES, "cross-entropy-integral.steps")
    assert stepcheck.check_text(text, exercise="ce-cost").exit_code == 0


def test_L23_to_L24_a_first_line_defines_delta_for_later_chains():
    """δ^L_j defined by BP1 with C_x's derivative; a later chain uses δ and a slip is caught."""
    text = "\n".join(
        [
            r"%! define: C_x = -(y_j \ln(a_j^L) + (1 - y_j)\ln(1 - a_j^L)); a_j^L = \sigma(z_j^L)",
            r"\delta_j^L = \frac{\partial C_x}{\partial a_j^L} \sigma'(z_j^L)",
            "",
            r"a_k^{L-1}\delta_j^L",
            r"= a_k^{L-1}(a_j^L - y_j)",
            r"= a_k^{L-1}(a_j^L + y_j)",
        ]
    )
    report = check_text(text)
    assert _verdicts(report) == {2: "ok", 4: "ok", 5: "ok", 6: "wrong"}
    assert report.results[2].strength == "proved"


def test_readme_shows_the_real_output_for_the_lecture_L8_chain():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "docs" / "errata.md").read_text("utf-8")
    cmd = "$ python -m derive.stepcheck derive/data/lecture/L8.steps\n"
    shown = readme.split(cmd, 1)[1].split("```", 1)[0]
    report = check_text(_read(LECTURE, "L8.steps"), source="derive/data/lecture/L8.steps")
    assert shown == stepcheck.format_report(report, "en")


_GARBAGE = st.lists(
    st.sampled_from([*"ay=+-*/^_{}()[],% \\0123\n", "\\int", "da", "\\frac", "\\iff", "> "]),
    max_size=40,
).map("".join)


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(_GARBAGE)
def test_garbage_step_files_never_crash(text):
    """Any text: every non-comment line gets a verdict, nothing raises."""
    report = check_text(text)
    assert {r.verdict for r in report.results} <= {"ok", "wrong", "unverified", "unreadable"}
    assert report.exit_code in (0, 1, 2)


def test_exercise_answer_is_compared_with_the_catalog_reference():
    text = _read(EXAMPLES, "cross-entropy-integral.steps")
    right = check_text(text, exercise="ce-cost")
    assert right.answer is not None and right.answer.holds is True
    wrong = check_text(text, exercise="ce-dc-da")  # every step follows, to another result
    assert all(r.verdict == "ok" for r in wrong.results)
    assert wrong.answer.holds is False and wrong.exit_code == 1
