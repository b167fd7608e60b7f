"""`python -m derive.crossentropy`: formats, languages, documents that compile, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from derive.engine.calculus import CONST
from derive.engine.cli import run
from derive.engine.render import document, latex_text
from derive.lecture.closedforms import CE_COST
from derive.lecture.crossentropy import DERIVATIONS, INTEGRAL, TITLE

CMD = [sys.executable, "-m", "derive.crossentropy"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=120)


def test_default_run_prints_latex_and_nothing_on_stderr() -> None:
    proc = _run()
    assert proc.returncode == 0
    assert proc.stderr == ""  # in particular no RuntimeWarning from -m
    assert r"\begin{align*}" in proc.stdout and r"\sigma(z) - y" in proc.stdout


def test_check_verifies_every_step_and_exits_0() -> None:
    proc = _run("--check")
    assert proc.returncode == 0, proc.stdout
    assert "0 failed" in proc.stdout and "proved" in proc.stdout


def test_check_exits_1_and_names_a_broken_step(capsys: pytest.CaptureFixture[str]) -> None:
    broken = INTEGRAL.with_step(-1, expr=-CE_COST + CONST)
    assert run([broken], TITLE, ["--check"], prog="x") == 1
    out = capsys.readouterr().out
    assert "FAILED: integral-partial-fractions #5" in out and "differs at" in out


@pytest.mark.parametrize("bad", [["--lang", "de"], ["--format", "html"], ["--nope"]])
def test_bad_flags_give_usage_and_exit_2(bad: list[str]) -> None:
    proc = _run(*bad)
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_standalone_refuses_a_format_that_is_not_latex() -> None:
    proc = _run("--standalone", "--format", "text")
    assert proc.returncode == 2 and "--standalone" in proc.stderr


def test_derive_never_imports_jax() -> None:
    # every derivation CLI, run in one process: none of them may pull JAX in
    code = (
        "import sys, derive, derive.crossentropy, derive.quadratic, derive.backprop, "
        "derive.lecture.softmax, derive.engine.verify, derive.engine.render, derive.engine.cli;"
        "from derive.lecture.crossentropy import main; main(['--check', '-o', '/dev/null']);"
        "from derive.lecture.backprop import main; main(['--check', '-o', '/dev/null']);"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib')]"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_czech_output_has_real_czech() -> None:
    out = document(DERIVATIONS, TITLE, lang="cs", fmt="text")
    for phrase in ("Proč křížová entropie", "parciální zlomky", "řetízkové pravidlo"):
        assert phrase in out


def test_markdown_uses_display_math_blocks() -> None:
    md = _run("--format", "markdown").stdout
    assert md.count("$$\\begin{aligned}") >= len(DERIVATIONS)
    assert md.startswith("## ")


def test_text_format_reads_in_the_textbook_order() -> None:
    out = document(DERIVATIONS, TITLE, fmt="text")
    assert "x_j(σ(z) − y)" in out and "−(y ln a + (1 − y) ln(1 − a)) + const" in out


def test_derivation_renders_itself_in_jupyter() -> None:
    html = INTEGRAL._repr_latex_()
    assert html.startswith("$$") and r"\int" in html


def test_output_file_and_unwritable_path(tmp_path, capsys) -> None:
    """A file in a directory that does not exist is refused with status 2 as the arguments
    are read, before anything is derived or checked."""
    target = tmp_path / "out.md"
    assert run(DERIVATIONS[:1], TITLE, ["--format", "markdown", "-o", str(target)], prog="x") == 0
    assert target.read_text(encoding="utf-8").startswith("## ")
    with pytest.raises(SystemExit) as exit_:
        run(DERIVATIONS[:1], TITLE, ["-o", str(tmp_path / "no" / "such" / "f")], prog="x")
    assert exit_.value.code == 2
    assert "is not a directory" in capsys.readouterr().err


def test_justification_words_become_text_with_inline_math() -> None:
    assert latex_text("σ'(z) = a(1 − a) for a^L_j, 50% & C_CE") == (
        r"$\sigma'(z) = a(1 - a)$ for $a^{L}_{j}$, 50\% \& $C_{\mathrm{CE}}$"
    )
