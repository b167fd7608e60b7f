"""The lecture's errata (issue 7): statuses computed from checks run now, never typed in.

The report for L8 names its wrong lines; L3 and L24 are refuted by the lecture's own chains;
the experiment claims L2/L15 are numeric with their numbers; a claim's status changes when
the checks behind it change; the standalone LaTeX compiles in both languages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from derive.lecture import errata
from derive.lecture.claims import CLAIMS

ALLOWED = {*errata.STATUSES, *errata.OTHER_STATUSES}


@pytest.fixture(scope="module")
def statuses():
    return {s.claim.id: s for s in errata.errata()}


def test_every_claim_L0_to_L26_has_a_computed_status(statuses):
    assert list(statuses) == [f"L{i}" for i in range(27)]
    assert {s.status for s in statuses.values()} <= ALLOWED


def test_sources_are_the_three_derivation_modules():
    assert errata.SOURCES == ("derive.crossentropy", "derive.quadratic", "derive.backprop")


def test_L8_is_refuted_and_its_errata_name_the_wrong_lines(statuses):
    l8 = statuses["L8"]
    assert l8.status == "refuted"
    detail = l8.detail("en")
    for line in (9, 10, 14, 15):
        assert f"L8.steps line {line}:" in detail
    assert "dt/da = −1/a², not 1/a²" in detail
    assert "dt = −da/a²" in l8.correction("en")
    assert "derive/data/lecture/L8.steps" in l8.where
    assert "derive.crossentropy:integral-substitution" in l8.where


def test_L3_and_L24_are_refuted_by_the_lecture_chains_as_written(statuses):
    assert statuses["L3"].status == "refuted"
    assert "actually equals −2a²(a − 1)" in statuses["L3"].detail("en")
    assert statuses["L24"].status == "refuted"
    assert "actually equals (1/n) Σ_x (a^L_k − y_k)" in statuses["L24"].detail("en")


def test_L0_and_L11_are_not_mathematical_and_L1_is_a_definition(statuses):
    for cid in ("L0", "L11", "L1"):
        assert statuses[cid].status == "not-mathematical"
    assert "plan" in statuses["L0"].detail("en")


def test_experiment_claims_L2_L15_are_numeric_with_the_numbers(statuses):
    assert statuses["L2"].status == "numeric"
    assert statuses["L15"].status == "numeric"
    assert "152 epochs from (2, 2)" in statuses["L2"].detail("en")
    assert "derive.errata:experiment" in statuses["L15"].where


def test_status_follows_the_checks_not_a_table():
    """L8 tagged on a correct chain only: proved; no checks for a claim: a gap."""
    good = resources.files("derive").joinpath("data/examples/cross-entropy-integral.steps")
    out = {
        s.claim.id: s
        for s in errata.errata(
            modules=(), lecture=[("good.steps", good.read_text())], run_experiment=False
        )
    }
    assert out["L8"].status == "proved"
    assert out["L5"].status == "unchecked"
    assert out["L2"].status == "unchecked"  # the experiment was not run
    assert out["L0"].status == "not-mathematical"


def test_plain_python_experiment_agrees_with_the_jax_run():
    from numeric.slowdown import run_experiment

    ours = errata.experiment()
    theirs = run_experiment()
    for run, numbers in zip(theirs.runs, theirs.numbers, strict=True):
        mine = ours.run(run.cost, (run.w0, run.b0), run.eta)
        assert mine.plateau == numbers.plateau
        assert mine.outputs[-1] == pytest.approx(float(run.a[-1]), rel=1e-9)


def test_derive_errata_never_imports_jax():
    code = (
        "import sys; from derive import errata; errata.experiment(); "
        "errata.errata(modules=(), lecture=[]); "
        "assert not any(m == 'jax' or m.startswith('jax.') for m in sys.modules), 'jax'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_json_cli(statuses, capsys, monkeypatch):
    # the statuses of this module's run (the CLI itself computes them with errata.errata)
    monkeypatch.setattr(errata, "errata", lambda *args, **kw: tuple(statuses.values()))
    code = errata.main(["--json", "--lang", "cs"])
    out = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in out["claims"]] == [c.id for c in CLAIMS]
    assert all({"id", "status", "detail"} <= set(c) for c in out["claims"])
    assert all(c["status"] in ALLOWED for c in out["claims"])
    gaps = [c for c in out["claims"] if c["status"] in ("unchecked", "unverified")]
    assert code == (1 if gaps else 0)


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
def test_every_format_lists_every_claim(statuses, fmt):
    text = errata.render(list(statuses.values()), lang="en", fmt=fmt)
    for cid in statuses:
        assert cid in text


@pytest.mark.pdflatex
@pytest.mark.parametrize("lang", ["en", "cs"])
def test_standalone_latex_compiles(statuses, compile_latex, lang):
    source = errata.render(list(statuses.values()), lang=lang, fmt="latex", standalone=True)
    assert source.startswith(r"\documentclass")
    compile_latex(source, f"errata-{lang}")


def test_cli_refuses_standalone_with_a_format_that_is_not_latex():
    with pytest.raises(SystemExit) as exc:
        errata.main(["--standalone", "--format", "markdown"])
    assert exc.value.code == 2


def test_readme_shows_the_real_errata_for_L8(statuses):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "docs" / "errata.md").read_text("utf-8")
    section = readme.split("<!-- section: errata -->", 1)[1].split("<!-- /section: errata -->")[0]
    text = errata.render(list(statuses.values()), lang="en", fmt="text")
    l8 = text.split("\nL8 ", 1)[1].split("\n\n", 1)[0]
    assert "\nL8 " + l8 + "\n" in section
