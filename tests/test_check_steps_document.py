"""``python -m derive.check --steps FILE --format latex|markdown|beamer [--standalone]``.

A step file printed the way the lecture's derivations are: each line typeset from what was
parsed, its verdict and method beside it, the first wrong line boxed. Text from the file
(title, unreadable lines, parser messages) reaches LaTeX only escaped: ``\\input``,
``\\write18``, ``\\include`` and catcode tricks print as their literal text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derive.homework.check import main

LECTURE = Path(__file__).resolve().parents[1] / "derive" / "data" / "lecture"

HOSTILE = r"""%! title: \input{/etc/passwd} \write18{touch /tmp/x} ^^5cinput{/etc/passwd} $x$ &
%! claims: L8
C = \int \frac{a - y}{a(1 - a)} da
= \int \frac{a}{a(1 - a)} da - y \int \frac{1}{a(1 - a)} da
= x_{\input{/etc/passwd}}
= \include{secret} \catcode`\^^5c=12
= \immediate\write18{id} }}} \end{document}
"""


def _render(tmp_path: Path, capsys, body: str, *args: str) -> tuple[int, str]:
    steps = tmp_path / "x.steps"
    steps.write_text(body, encoding="utf-8")
    code = main(["--steps", str(steps), *args])
    return code, capsys.readouterr().out


def test_the_lecture_chain_as_a_document_marks_its_first_wrong_line(tmp_path, capsys) -> None:
    code, out = _render(
        tmp_path, capsys, (LECTURE / "L8.steps").read_text(encoding="utf-8"), "--format", "latex"
    )
    assert code == 1  # as the text report: a line is wrong
    assert "FIRST WRONG LINE" in out and out.count("FIRST WRONG LINE") == 1
    assert "line 9:" in out and "follows (proved" in out
    assert r"\begin{align*}" in out and r"\documentclass" not in out


def test_markdown_and_czech(tmp_path, capsys) -> None:
    body = (LECTURE / "L3.steps").read_text(encoding="utf-8")
    code, out = _render(tmp_path, capsys, body, "--format", "markdown", "--lang", "cs")
    assert code == 1 and "$$\\begin{aligned}" in out and "PRVNÍ CHYBNÝ ŘÁDEK" in out
    assert r"\boxed{" in out


@pytest.mark.parametrize("fmt", ["latex", "markdown", "beamer"])
def test_text_from_the_file_reaches_latex_only_escaped(tmp_path, capsys, fmt: str) -> None:
    code, out = _render(tmp_path, capsys, HOSTILE, "--format", fmt)
    assert code == 2  # unreadable lines, as the text report says
    # (Markdown shows a backslash as \\; its math, like all LaTeX, has none of them)
    assert not re.search(r"(?<!\\)\\(input|write|include|catcode|immediate)(?![a-z])", out)
    math = re.findall(r"\$\$.*?\$\$|(?<!\\)\$[^$]*(?<!\\)\$", out, re.S)
    assert "^^" not in (out if fmt != "markdown" else "".join(math))
    assert "input" in out and "etc" in out and "passwd" in out  # shown, as text


@pytest.mark.pdflatex
@pytest.mark.parametrize("fmt", ["latex", "beamer"])
def test_hostile_file_compiles_to_a_document_without_reading_anything(
    tmp_path, capsys, compile_latex, fmt: str
) -> None:
    code, out = _render(tmp_path, capsys, HOSTILE, "--format", fmt, "--standalone")
    assert code == 2
    pdf = compile_latex(out, f"hostile-{fmt}")
    log = pdf.with_suffix(".log").read_text(encoding="latin-1")
    assert "/etc/passwd" not in log and "secret.tex" not in log


@pytest.mark.pdflatex
def test_lecture_chain_document_compiles(tmp_path, capsys, compile_latex) -> None:
    body = (LECTURE / "L24.steps").read_text(encoding="utf-8")
    code, out = _render(tmp_path, capsys, body, "--format", "latex", "--standalone")
    assert code == 1
    compile_latex(out, "l24")


def test_standalone_markdown_is_refused(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        _render(tmp_path, capsys, HOSTILE, "--format", "markdown", "--standalone")
    assert exc.value.code == 2
