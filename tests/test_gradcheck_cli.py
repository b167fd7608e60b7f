"""``python -m numeric.gradcheck`` and ``--delta``: exit codes, JSON, reports, safe parsing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

from derive.engine.notation import sigma, y, z
from derive.lecture.closedforms import OUTPUT_DELTA
from numeric import userdelta
from numeric.gradcheck import main
from numeric.userdelta import fallback_forms, parse_delta_fallback, parse_delta_with

SMALL = ["--nets", "12", "--sizes", "3,4,2", "--batch", "4"]


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main([*SMALL, "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_json_reports_every_cost_with_the_documented_fields(capsys) -> None:
    code, out = _run_json(capsys)
    assert code == 0 and out["ok"] is True
    assert [r["cost"] for r in out["results"]] == list(OUTPUT_DELTA)
    for r in out["results"]:
        assert {"cost", "nets", "worst_rel_error", "ok"} <= set(r)
        assert r["nets"] == 12 and r["ok"] is True and r["worst_rel_error"] <= 1e-12


def test_same_seed_same_output(capsys) -> None:
    assert _run_json(capsys, "--seed", "5") == _run_json(capsys, "--seed", "5")


def test_L19_quadratic_delta_for_the_cross_entropy_fails_loudly(capsys) -> None:
    code = main([*SMALL, "--cost", "cross-entropy", "--delta", "(a - y)*sigma(z)*(1 - sigma(z))"])
    out = capsys.readouterr().out
    assert code == 1
    assert "MISMATCH" in out and "12 of 12 networks disagree" in out
    assert "layer 3 biases" in out  # where: down to the output layer's δ^L itself


def test_L25_a_minus_y_is_right_for_three_costs_and_wrong_for_the_quadratic(capsys) -> None:
    code, out = _run_json(capsys, "--delta", "a - y")
    verdicts = {r["cost"]: r["ok"] for r in out["results"]}
    assert code == 1 and out["ok"] is False
    assert verdicts == {
        "cross-entropy": True,
        "quadratic": False,
        "quadratic-linear": True,
        "softmax-log-likelihood": True,
    }
    quad = next(r for r in out["results"] if r["cost"] == "quadratic")
    assert quad["worst_rel_error"] > 1e-3 and quad["mismatched_nets"] == 12


@pytest.mark.parametrize(
    "args",
    [
        ["--sizes", "3,x"],
        ["--cost", "mse"],
        ["--nets", "0"],
        ["--seed", "-1"],
        ["--scale", "nan"],
        ["--delta", "__import__('os').system('echo pwned')"],
        ["--delta", "a - w"],
    ],
)
def test_bad_input_exits_2_with_a_message_not_a_traceback(capsys, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*SMALL, *args])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "error:" in err and "Traceback" not in err


def test_module_runs_without_warnings_and_exits_1_on_mismatch() -> None:
    cmd = [sys.executable, "-W", "error", "-m", "numeric.gradcheck", *SMALL,
           "--cost", "quadratic", "--delta", "cross-entropy"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "quadratic" in proc.stdout and "MISMATCH" in proc.stdout
    assert "Warning" not in proc.stderr


def test_fallback_accepts_exactly_the_closed_forms_without_eval(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("sympify/parse_expr must not see user text")

    monkeypatch.setattr(sp, "sympify", refuse)
    monkeypatch.setattr(sp.parsing.sympy_parser, "parse_expr", refuse)
    quadratic = OUTPUT_DELTA["quadratic"]
    assert parse_delta_fallback("(a - y)*sigma(z)*(1 - sigma(z))") is quadratic
    assert parse_delta_fallback("  a-y ") is OUTPUT_DELTA["cross-entropy"]
    assert parse_delta_fallback("quadratic-linear") is OUTPUT_DELTA["quadratic-linear"]
    for text, expr in fallback_forms().items():
        assert parse_delta_fallback(text) is expr
    for text in ["sigma(z) - y", "__import__('os')", "a - y + 0", ""]:
        with pytest.raises(ValueError, match="closed forms"):
            parse_delta_fallback(text)


def test_parse_delta_uses_the_fallback_when_there_is_no_project_parser(monkeypatch) -> None:
    monkeypatch.setattr(userdelta, "_project_parser", lambda: None)
    assert userdelta.parse_delta("a - y") is OUTPUT_DELTA["cross-entropy"]
    with pytest.raises(ValueError, match=r"derive\.homework\.parse"):
        userdelta.parse_delta("sigma(z) - y")


def test_a_parser_result_is_adopted_into_derive_notation() -> None:
    """Whatever symbols/σ a parser builds, δ^L is expressed in derive's a, y, z and σ."""

    def fake_parser(text: str, *, symbols: dict) -> sp.Expr:
        assert text == "sigma(z) - y" and set(symbols) == {"a", "y", "z"}
        return sp.Function("sigma")(sp.Symbol("z")) - sp.Symbol("y")

    expr = parse_delta_with(fake_parser, "sigma(z) - y")
    assert expr == sigma(z) - y
    assert parse_delta_with(fake_parser, "quadratic") is OUTPUT_DELTA["quadratic"]
