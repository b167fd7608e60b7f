"""``--delta`` through the project's safe parser (derive.homework.parse): a student's notation."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.engine.notation import a, expand_sigma_prime, sigma, z
from derive.homework.parse import ParseError, parse_answer
from derive.lecture.closedforms import OUTPUT_DELTA
from numeric import userdelta
from numeric.gradcheck import main

SMALL = ["--nets", "12", "--sizes", "3,4,2", "--batch", "4"]


def test_the_project_parser_is_the_one_used() -> None:
    assert userdelta._project_parser() is parse_answer


@pytest.mark.parametrize(
    ("text", "cost"),
    [
        (r"(a - y)\sigma'(z)", "quadratic"),
        ("(a - y) sigma(z)(1 - sigma(z))", "quadratic"),
        (r"\sigma(z) - y", "cross-entropy"),
    ],
)
def test_a_students_notation_reads_as_the_closed_form(text: str, cost: str) -> None:
    """Equal to derive's δ^L once a = σ(z) (an output neuron's activation)."""
    on_output = {a: sigma(z)}
    ours = expand_sigma_prime(userdelta.parse_delta(text)).subs(on_output)
    theirs = expand_sigma_prime(OUTPUT_DELTA[cost]).subs(on_output)
    assert sp.simplify(ours - theirs) == 0


def test_L23_sigma_z_minus_y_passes_for_the_cross_entropy(capsys) -> None:
    assert main([*SMALL, "--cost", "cross-entropy", "--delta", r"\sigma(z) - y"]) == 0
    assert "ok" in capsys.readouterr().out


def test_L19_sigma_prime_in_the_cross_entropy_delta_fails(capsys) -> None:
    assert main([*SMALL, "--cost", "cross-entropy", "--delta", r"(a - y)\sigma'(z)"]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_unreadable_text_is_a_parse_error_and_exit_2(capsys) -> None:
    with pytest.raises(ParseError):
        userdelta.parse_delta("__import__('os')")
    with pytest.raises(SystemExit) as exc:
        main([*SMALL, "--delta", "a +* y"])
    assert exc.value.code == 2 and "--delta" in capsys.readouterr().err
