"""derive.parse: the course's notation read without eval, bounded (issue 6, deliverable 1)."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest
import sympy as sp

from derive.engine import notation as nt
from derive.homework.exercises import catalog
from derive.homework.parse import (
    CONSTANT,
    ParseError,
    parse_answer,
    parse_relation,
    split_relation,
    to_latex,
)
from derive.lecture.closedforms import BP2, CE_DW_J, X_J, Y_J

A_LJ = nt.layer_symbol("a", "L", "j")
Z_LJ = nt.layer_symbol("z", "L", "j")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\sigma(z)", nt.sigma(nt.z)),
        ("sigma(z) - y", nt.sigma(nt.z) - nt.y),
        ("σ(z) − y", nt.sigma(nt.z) - nt.y),
        (r"\sigma'(z)", nt.SigmaPrime(nt.z)),
        (r"\sigma^\prime(z)", nt.SigmaPrime(nt.z)),
        (r"\sigma^{\prime}(z^L_j)", nt.SigmaPrime(Z_LJ)),
        ("sigma'(z)", nt.SigmaPrime(nt.z)),
        ("sigmoid(z) - y", nt.sigma(nt.z) - nt.y),
        (r"\operatorname{sigmoid}(z)", nt.sigma(nt.z)),
        ("a_j^L - y_j", A_LJ - Y_J),
        ("a^L_j - y_j", A_LJ - Y_J),
        ("a^{L}_{j}-y_{j}", A_LJ - Y_J),
        ("x_j*(sigma(z)-y)", X_J * (nt.sigma(nt.z) - nt.y)),
        ("(a-y)**2/2", (nt.a - nt.y) ** 2 / 2),
        ("(a-y)^2/2", (nt.a - nt.y) ** 2 / 2),
        (r"\frac{a-y}{a(1-a)}", (nt.a - nt.y) / (nt.a * (1 - nt.a))),
        (r"\frac12 (y-a)^2", (nt.y - nt.a) ** 2 / 2),
        (r"\left(1-a\right)^2", (1 - nt.a) ** 2),
        (r"\ln a", sp.log(nt.a)),
        (r"\log(a)", sp.log(nt.a)),
        ("ln(1-a)", sp.log(1 - nt.a)),
        (r"\ln\sigma(z)", sp.log(nt.sigma(nt.z))),
        (r"e^{-z}", sp.exp(-nt.z)),
        ("exp(-z)", sp.exp(-nt.z)),
        ("1/(1+e^(-z))", 1 / (1 + sp.exp(-nt.z))),
        (r"a \cdot y", nt.a * nt.y),
        (r"a \times y", nt.a * nt.y),
        ("2a(1-a)", 2 * nt.a * (1 - nt.a)),
        ("ay", nt.a * nt.y),
        ("yx_j", nt.y * X_J),
        (r"\ln\left[1-a\right]", sp.log(1 - nt.a)),
        (r"\log_{10} a", sp.log(nt.a) / sp.log(10)),
        ("x_j^2", X_J**2),
        ("a^2", nt.a**2),
        ("a^y", nt.a**nt.y),
        (r"\sigma(z)^2", nt.sigma(nt.z) ** 2),
        ("$a - y$", nt.a - nt.y),
        (r"- y\ln a + const", -nt.y * sp.log(nt.a) + CONSTANT),
    ],
)
def test_notation_reads_as_the_course_means(text: str, expected: sp.Expr) -> None:
    assert parse_answer(text) == expected


def test_parsed_symbols_are_notations_objects_with_their_assumptions() -> None:
    expr = parse_answer("a + y + z")
    assert expr.free_symbols == {nt.a, nt.y, nt.z}
    assert parse_answer("a").is_positive and parse_answer("y").is_nonnegative


def test_layer_superscripts_are_indices_but_powers_elsewhere() -> None:
    assert parse_answer("a^{l-1}_k") == nt.layer_symbol("a", "l-1", "k")
    assert parse_answer("w^{l+1}_{kj}") == nt.layer_symbol("w", "l+1", "kj")
    assert parse_answer(r"\delta^L_j") == nt.layer_symbol("delta", "L", "j")
    # a parenthesised expression, or a non-layer family: a power
    assert parse_answer("(a^L_j)^2") == A_LJ**2
    assert parse_answer("y_j^2") == Y_J**2
    # single-neuron vocabulary: no layer families, so a^2 is a power even with an index-like
    # superscript
    vocab = catalog()["ce-second-derivative"].vocabulary
    assert parse_answer("y/a^2", symbols=vocab) == nt.y / nt.a**2


def test_sums_integrals_and_derivatives() -> None:
    assert parse_answer(r"\sum_k w^{l+1}_{kj}\delta^{l+1}_k \sigma'(z^l_j)").has(sp.Sum)
    assert sp.expand(parse_answer(r"\sigma'(z^l_j) \sum_k w^{l+1}_{kj}\delta^{l+1}_k") - BP2) == 0
    mean = parse_answer(r"\frac{1}{n}\sum_x x_j(\sigma(z)-y)")
    (sample,) = mean.atoms(nt.SampleSum)
    assert mean == sample / nt.n
    assert sp.expand(sample.function - CE_DW_J) == 0
    integral = parse_answer(r"\int \frac{a-y}{a(1-a)} \, da")
    assert isinstance(integral, sp.Integral) and list(integral.variables) == [nt.a]
    assert parse_answer(r"\int \frac{1}{t}\,dt + const") == sp.Integral(1 / nt.t, nt.t) + CONSTANT
    bp1 = parse_answer(r"\frac{\partial C}{\partial a^L_j}")
    assert bp1 == sp.Derivative(nt.C(A_LJ), A_LJ)
    assert parse_answer("C'(a)") == sp.Derivative(nt.C(nt.a), nt.a)


def test_relation_gives_both_sides() -> None:
    lhs, rhs = parse_relation("a = y")
    assert (lhs, rhs) == (nt.a, nt.y)
    with pytest.raises(ParseError, match="only the expression"):
        parse_answer("a = y")


def test_split_relation_cuts_at_the_one_top_level_equals_sign() -> None:
    assert split_relation(r"\delta^L_j = a - y") == (r"\delta^L_j ", " a - y")
    assert split_relation(r"\sum_{k=1}^{K} w_k") == (None, r"\sum_{k=1}^{K} w_k")
    assert split_relation("a = b = c") == (None, "a = b = c")


def test_unknown_symbols_are_named_with_what_the_exercise_expects() -> None:
    vocab = catalog()["ce-db"].vocabulary
    with pytest.raises(ParseError, match=r"unknown symbol q .*this exercise uses: a, y"):
        parse_answer("q + y", symbols=vocab)
    with pytest.raises(ParseError, match="case-sensitive: did you mean a"):
        parse_answer("A - y", symbols=vocab)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9^{9^{9^9}}", "too large"),
        ("2^{1000}", "too large"),
        ("(2^{60})^{60}", "digits"),
        ("a" * 700, "too long"),
        ("(" * 20 + "a" + ")" * 20, "nested too deeply"),
        ("1" * 40, "digits"),
        ("a +", "ends too early"),
        ("a)", "unmatched"),
        ("((a", "never closed"),
        (r"\input{x}", "unknown LaTeX command"),
        (r"\nabla_a C \odot \sigma'(z^L)", "vector/matrix"),
        ("(w^{l+1})^T", "transpose"),
        ("1/0", "division by zero"),
        ("", "empty"),
        ("1e999", "scientific notation"),
        (r"\sum a_k", "needs an index"),
        ("a'", "prime"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_answer(text)


INJECTIONS = [
    "__import__('os').system('touch {sentinel}')",
    "exec(\"open('{sentinel}', 'w')\")",
    "eval('1+1')",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: open('{sentinel}', 'w')",
    "sigma(z) - y; import os",
    "a if True else b",
    "$(touch {sentinel})",
    r"\immediate\write18{touch {sentinel}}",
    "{{7*7}}",
]


def test_code_injection_executes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = tmp_path / "pwned"

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec was called while reading an answer")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for template in INJECTIONS:
        text = template.replace("{sentinel}", str(sentinel))
        try:
            parse_answer(text)
        except ParseError:
            pass
    assert not sentinel.exists()


def test_echo_reads_back_as_the_same_expression() -> None:
    """STACK-style validation: the LaTeX we show is read back as what was graded."""
    for ex in catalog().values():
        text = to_latex(ex.reference)
        again = parse_answer(text, symbols=ex.vocabulary)
        assert sp.expand(again.doit() - ex.reference.doit()) == 0, (ex.id, text)
