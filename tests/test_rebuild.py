"""derive.rebuild: the cost whose gradient is a − y, rebuilt for any invertible activation.

Specification: for a = f(z) the rebuilt C(a, y) satisfies d C(f(z), y)/dz = f(z) − y exactly,
C = 0 at a = y; sigmoid gives the lecture's cross-entropy, identity the quadratic cost, exp the
Poisson loss, tanh a cross-entropy for y in [−1, 1]; softplus has no elementary antiderivative
and keeps its integral; what cannot work is refused with the reason.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derive.engine.notation import z
from derive.engine.verify import Verdict, verify_all
from derive.homework.parse import parse_answer
from derive.lecture.closedforms import CE_COST
from derive.lecture.rebuild import derivations, main, rebuild, table
from derive.lecture.rebuild_math import Refused

ROOT = Path(__file__).resolve().parents[1]
NAMED = ("sigmoid", "tanh", "identity", "exp", "softplus")
ODD = (r"\frac{z}{1+|z|}", r"\arctan z", "2z + 1")


def built(name: str):
    return rebuild(name)  # cached by derive.rebuild


def _is_zero(e: sp.Expr) -> bool:
    return sp.simplify(sp.expand(e)) == 0


# --- the named activations give the known costs ------------------------------------------


def test_sigmoid_reproduces_the_lecture_cross_entropy_exactly():
    r = built("sigmoid")
    assert r.a.is_positive and r.y.is_nonnegative  # the course's own a and y
    assert sp.expand(r.cost_in_a - CE_COST) == 0  # not just up to a constant
    assert _is_zero(r.cost.subs(r.a, r.y))
    assert (r.y_low_closed, r.y_high_closed, r.a_low, r.a_high) == (True, True, 0, 1)


def test_identity_gives_the_quadratic_cost():
    r = built("identity")
    a, y = r.a, r.y
    assert sp.expand(r.cost - (a - y) ** 2 / 2) == 0
    assert (r.a_low, r.a_high) == (-sp.oo, sp.oo)


def test_exp_gives_the_poisson_loss():
    r = built("exp")
    a, y = r.a, r.y
    assert sp.expand(r.cost_in_a - (a - y * sp.log(a))) == 0
    assert r.y_low_closed and not r.y_high_closed


def test_tanh_gives_a_cross_entropy_for_targets_in_minus_one_one():
    r = built("tanh")
    a, y = r.a, r.y
    ce = -(1 + y) / 2 * sp.log(1 + a) - (1 - y) / 2 * sp.log(1 - a)
    assert sp.expand(r.cost_in_a - ce) == 0
    assert (r.a_low, r.a_high, r.y_low_closed, r.y_high_closed) == (-1, 1, True, True)


def test_softplus_keeps_the_integral_and_says_why():
    r = built("softplus")
    assert not r.elementary
    assert isinstance(r.cost, sp.Integral)
    assert not r.cost.has(sp.polylog)
    assert "Risch" in r.non_elementary_proof and "proves" in r.non_elementary_proof
    assert r.y_low_closed  # (t − 0)/(1 − e^{−t}) → 1 at t → 0: y = 0 is fine


# --- every rebuilt cost differentiates back to a − y -------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity", "exp", "2z + 1", r"\arctan z"])
def test_rebuilt_cost_through_a_equals_f_of_z_gives_exactly_a_minus_y(name):
    r = built(name)
    cost_z = r.cost.subs(r.a, r.f)
    d = sp.diff(cost_z, z) - (r.f - r.y)
    d = d.replace(lambda q: q.func.__name__ == "sigma", lambda q: q.rewrite(sp.exp))
    assert _is_zero(d)


def test_softplus_integral_differentiates_back_to_a_minus_y():
    r = built("softplus")
    d = sp.diff(r.cost.subs(r.a, r.f), z).doit() - (r.f - r.y)
    assert _is_zero(d)


def test_one_kink_is_split_into_two_smooth_pieces():
    r = built(r"\frac{z}{1+|z|}")
    assert len(r.branches) == 2
    a = r.a
    assert [b.h for b in r.branches] == [(a + 1) ** 2, (a - 1) ** 2]  # (1 − |a|)² per piece
    assert (r.a_low, r.a_high, r.y_low_closed, r.y_high_closed) == (-1, 1, False, False)
    # each piece's d C(f(z))/dz = f(z) − y is proved by the engine: test_every_step_verifies


def test_arctan_keeps_y_strictly_inside_because_the_cost_blows_up_at_the_ends():
    r = built(r"\arctan z")
    assert r.elementary
    assert (r.a_low, r.a_high) == (-sp.pi / 2, sp.pi / 2)
    assert not r.y_low_closed and not r.y_high_closed


# --- refusals: what cannot work, with the reason -----------------------------------------


@pytest.mark.parametrize(
    ("activation", "reason"),
    [
        ("relu", "constant on"),
        ("(z+|z|)/2", "constant on"),
        ("z^3", "vanishes at z = 0"),
        ("e^{-z}", "decreasing"),
        ("5", "constant"),
        ("w z", "only z"),
        (r"\frac{z}{", "cannot read"),
        ("|z|", "decreasing"),
        ("sigmoid(z) + a", "only z"),
        ("z^{1/3}", "not a real number at z = -2.5"),
        (r"\ln z", "not a real number"),
        ("1/z", "is not continuous"),
        ("z + sin(z)", "vanishes on"),
    ],
)
def test_refused_with_a_reason(activation, reason):
    with pytest.raises(Refused, match=re.escape(reason)):
        rebuild(activation)


def test_cli_refusal_is_exit_2_with_a_message_and_no_traceback(capsys):
    assert main(["--activation", "z^3"]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "vanishes" in err and "Traceback" not in err


def test_cli_without_activation_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


# --- verification, output formats --------------------------------------------------------


@pytest.mark.parametrize("name", [*NAMED, r"\frac{z}{1+|z|}"])
def test_every_step_verifies(name):
    reports = verify_all(derivations(built(name)))
    failures = [(rep.derivation.id, f.index, f.detail) for rep in reports for f in rep.failures]
    assert failures == []
    checks = [rep.results[0] for rep in reports if rep.derivation.id.startswith("check")]
    assert checks and all(c.verdict is Verdict.PROVED for c in checks)  # d C(f(z))/dz = a − y


def test_a_wrong_cost_is_caught_by_the_final_check():
    r = built("tanh")
    check = derivations(r)[-1]
    wrong = check.with_step(0, expr=sp.Eq(sp.Derivative(r.cost * 2, z), r.a - r.y, evaluate=False))
    (rep,) = verify_all([wrong])
    assert rep.results[0].verdict is Verdict.REFUTED


def test_json_has_the_promised_keys_and_text_the_parser_reads_back(capsys):
    assert main(["--activation", "tanh", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = {"activation", "inverse", "derivative_in_a", "cost", "range_of_y", "steps", "verified"}
    assert keys <= set(out)
    assert out["verified"] is True
    assert out["range_of_y"]["text"] == "[-1, 1]"
    r = built("tanh")
    by_name = {s.name: s for s in (r.a, r.y)}
    for key, expr in (("inverse", r.inverse), ("derivative_in_a", r.h), ("cost", r.cost)):
        back = parse_answer(out[key]["text"])
        back = back.xreplace({s: by_name.get(s.name, s) for s in back.free_symbols})
        assert _is_zero(back - expr), key


@pytest.mark.parametrize("fmt", ["latex", "markdown", "text"])
def test_formats_and_languages(fmt, capsys):
    assert main(["--activation", "exp", "--format", fmt, "--lang", "cs"]) == 0
    assert "Integrace" in capsys.readouterr().out


def test_the_command_runs_without_jax():
    code = (
        "import sys; from derive.rebuild import main; main(['--activation','identity','--check']);"
        "assert 'jax' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


def test_docs_table_is_the_tools_output():
    page = (ROOT / "docs" / "rebuild.md").read_text(encoding="utf-8")
    start = page.index("<!-- table: python -m derive.rebuild --table -->")
    end = page.index("<!-- end table -->")
    assert page[start:end].split("\n", 1)[1].strip() == table().strip()


@pytest.mark.pdflatex
@pytest.mark.parametrize("lang", ["en", "cs"])
def test_standalone_latex_compiles(compile_latex, lang, tmp_path, capsys):
    out = tmp_path / "rebuild.tex"
    argv = ["--activation", r"\frac{z}{1+|z|}", "--standalone", "--lang", lang, "-o", str(out)]
    assert main(argv) == 0
    source = out.read_text(encoding="utf-8")
    assert ("Notation" if lang == "en" else "Značení") in source
    assert "L26" not in source  # its own notation, not the lecture's claims paragraph
    compile_latex(source, f"rebuild-{lang}")


def test_an_abbreviated_flag_is_refused_as_unknown_not_half_read(capsys) -> None:
    """``--activ tanh`` was taken for ``--activation`` by one reading of the flags and refused
    by the next ("unrecognized arguments" after the rebuild): now it is refused at once."""
    from derive.lecture.rebuild import main

    with pytest.raises(SystemExit) as exit_:
        main(["--activ", "tanh", "--check"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --activ tanh" in capsys.readouterr().err
