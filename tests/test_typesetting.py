"""Printed output reads like a textbook: LaTeX, Unicode text, prose with inline math, slides.

Every standalone document and every deck (en and cs, every command) compiles with pdflatex
without an overfull line (the ``compile_latex`` fixture fails on one wider than 1 pt).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import sympy as sp

from derive.engine import prose
from derive.engine.notation import SigmaPrime, a, layer_symbol, sigma, y, z
from derive.engine.render import document, tex, text
from derive.engine.verify import DerivationReport, verify_all
from derive.lecture import backprop as bp
from derive.lecture import crossentropy, errata, quadratic
from derive.lecture.closedforms import CE_COST

MODULES = {"crossentropy": crossentropy, "quadratic": quadratic, "backprop": bp}
COMMANDS = tuple(MODULES)


def _cli(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", f"derive.{module}", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reports() -> dict[str, list[DerivationReport]]:
    """Every derivation of every command, verified once for this module's documents."""
    return {name: verify_all(m.DERIVATIONS) for name, m in MODULES.items()}


@pytest.fixture(scope="module")
def statuses() -> list[errata.ClaimStatus]:
    return errata.errata(errata.SOURCES)


def _doc(name: str, reports, lang: str, fmt: str, standalone: bool = False) -> str:
    m = MODULES[name]
    return document(
        m.DERIVATIONS, m.TITLE, lang=lang, fmt=fmt, standalone=standalone, reports=reports[name]
    )


# ---------------------------------------------------------------- the LaTeX printer


def test_cross_entropy_prints_in_the_textbook_order_with_brackets_sized_and_squared() -> None:
    out = tex(CE_COST)
    assert out == r"-\left[y \ln a + \left(1 - y\right) \ln\left(1 - a\right)\right]"


def test_terms_added_first_then_subtracted() -> None:
    assert tex(sigma(z) - y) == r"\sigma(z) - y"
    assert tex(y - 1) == "y - 1"
    assert tex(1 - a) == "1 - a"


def test_ln_of_a_symbol_has_no_brackets_of_a_sum_has_sized_ones() -> None:
    assert tex(sp.log(a)) == r"\ln a"
    assert tex(sp.log(1 - a)) == r"\ln\left(1 - a\right)"


def test_layer_indices_form_one_group() -> None:
    w = bp.W_lp1[bp.k, bp.j]
    assert tex(w) == "w^{l+1}_{kj}"
    assert tex(bp.D_lp1[bp.k]) == r"\delta^{l+1}_{k}"
    assert tex(layer_symbol("a", "L", "j")) == "a^{L}_{j}"
    assert "{}_" not in tex(bp.BP2_PROOF.steps[0].expr)


def test_sigma_prime_has_a_real_prime() -> None:
    assert tex(SigmaPrime(z)) == r"\sigma'(z)"


# ---------------------------------------------------------------- the Unicode text printer


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ((y - a) ** 2 / 2, "½(y − a)²"),
        (SigmaPrime(z), "σ'(z)"),
        (sp.Derivative(sp.Function("C")(a), a), "∂C/∂a"),
        (-2 * a**2 * (a - 1), "−2a²(a − 1)"),
        (CE_COST, "−(y ln a + (1 − y) ln(1 − a))"),
        (sp.KroneckerDelta(bp.j, bp.k), "δ_jk"),
    ],
)
def test_text_is_unicode_math(expr: sp.Expr, expected: str) -> None:
    assert text(expr) == expected


def test_text_format_never_shows_sympy_syntax(reports) -> None:
    for module in COMMANDS:
        out = _doc(module, reports, "en", "text")
        for syntax in ("**", "*", "Sum(", "Subs(", "KroneckerDelta", "sigma(", "Derivative("):
            assert syntax not in out, (module, syntax)
        assert "Σ_" in out or module == "quadratic"


def test_errata_details_are_unicode_math_in_every_format(statuses) -> None:
    for fmt in ("text", "markdown"):
        out = errata.render(statuses, fmt=fmt)
        assert "**2" not in out and "*a" not in out and "-2*" not in out
        assert "actually equals −2a²(a − 1)" in out


# ---------------------------------------------------------------- prose with inline math


def test_justification_math_becomes_inline_math_and_words_stay_text() -> None:
    assert prose.in_text("chain rule, a = σ(z), z = wx + b") == (
        r"chain rule, $a = \sigma(z)$, $z = wx + b$"
    )
    assert prose.in_text("divide by a(1 − a) > 0") == r"divide by $a(1 - a) > 0$"
    assert prose.in_text("C'' > 0 makes C' increasing") == "$C'' > 0$ makes $C'$ increasing"
    assert prose.in_text("vydělíme a(1 − a) > 0", "cs") == r"vydělíme $a(1 - a) > 0$"
    assert prose.in_text("ln a a ln(1 − a)", "cs") == r"$\ln a$ a $\ln(1 - a)$"


def test_math_in_math_mode_uses_text_without_size_commands_or_nested_dollars() -> None:
    out = prose.in_math("chain rule, a = σ(z)")
    assert out == r"\text{chain rule, }a = \sigma(z)"
    assert "$" not in out and r"\small" not in out


ATTACKS = [
    r"x_{\input{/etc/passwd}}",
    r"\input{/etc/passwd}",
    r"\write18{touch /tmp/pwned}",
    r"\immediate\write18{id}",
    r"\include{secret}",
    r"\catcode`\^^5c=12 ^^5cinput{/etc/passwd}",
    "a^^5cinput{/etc/passwd}",
    r"\def\x{\x}\x",
    r"\csname input\endcsname{/etc/passwd}",
    "}}}$$\\end{document}",
    "%$#&~_^{}",
    "\x00\x1b\x7f control",
    "日本語 σ = 1",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_special_characters_reach_latex_only_escaped(attack: str) -> None:
    for out in (prose.in_text(attack), prose.in_math(attack)):
        assert not re.search(r"\\(input|write|include|catcode|csname|def|immediate)", out)
        assert "^^" not in out
        # braces balance, so nothing can close the surrounding group
        depth = 0
        for m in re.finditer(r"\\.|[{}]", out):
            depth += {"{": 1, "}": -1}.get(m.group(0), 0)
            assert depth >= 0
        assert depth == 0


@pytest.mark.pdflatex
def test_escaped_attacks_compile_to_their_literal_text(compile_latex) -> None:
    body = "\n\n".join(
        prose.in_text(q) + r"\par $\displaystyle " + prose.in_math(q) + "$" for q in ATTACKS
    )
    source = "\n".join(
        [
            r"\documentclass{article}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage{lmodern,amsmath}",
            r"\begin{document}",
            body,
            r"\end{document}",
        ]
    )
    compile_latex(source, "attacks")


# ---------------------------------------------------------------- documents and decks


@pytest.mark.pdflatex
@pytest.mark.parametrize("lang", ["en", "cs"])
@pytest.mark.parametrize("module", [*COMMANDS, "errata"])
def test_standalone_documents_compile_without_overfull_lines(
    module: str, lang: str, reports, statuses, compile_latex
) -> None:
    if module == "errata":
        source = errata.render(statuses, lang=lang, fmt="latex", standalone=True)
    else:
        source = _doc(module, reports, lang, "latex", standalone=True)
    assert source.startswith(r"\documentclass") and "../" not in source
    if module != "errata":  # one "checked just now" line per derivation
        marker = "Právě ověřeno" if lang == "cs" else "Checked just now"
        assert source.count(marker) == len(MODULES[module].DERIVATIONS)
    compile_latex(source, f"{module}-{lang}")


@pytest.mark.pdflatex
@pytest.mark.parametrize("lang", ["en", "cs"])
@pytest.mark.parametrize("module", COMMANDS)
def test_beamer_decks_compile_with_a_checked_line_per_frame(
    module: str, lang: str, reports, compile_latex
) -> None:
    source = _doc(module, reports, lang, "beamer")
    frames = source.count(r"\begin{frame}{") - 1  # less the notation frame
    marker = "Právě ověřeno" if lang == "cs" else "Checked just now"
    assert frames >= len(MODULES[module].DERIVATIONS) and source.count(marker) == frames
    compile_latex(source, f"{module}-{lang}-deck")


def test_beamer_is_a_format_of_every_derivation_command(tmp_path) -> None:
    out = tmp_path / "deck.tex"
    proc = _cli("quadratic", "--format", "beamer", "--only", "L1", "-o", str(out))
    assert proc.returncode == 0 and proc.stderr == ""
    assert out.read_text(encoding="utf-8").startswith(
        r"\documentclass[11pt,aspectratio=169]{beamer}"
    )


def test_only_selects_derivations_by_id_or_claim() -> None:
    from derive.engine.cli import select

    ids = [d.id for d in select(crossentropy.DERIVATIONS, "L8")]
    assert ids == ["integral-partial-fractions", "integral-substitution"]
    ids = [d.id for d in select(crossentropy.DERIVATIONS, "average,exercise-1")]
    assert ids == ["average", "exercise-1"]
    with pytest.raises(ValueError, match="L99"):
        select(crossentropy.DERIVATIONS, "L99")


@pytest.mark.parametrize(
    "args",
    [
        ("crossentropy", "--check", "--format", "markdown"),
        ("crossentropy", "--check", "--standalone"),
        ("crossentropy", "--standalone", "--format", "text"),
        ("crossentropy", "--only", "L99"),
        ("errata", "--json", "--format", "latex"),
        ("errata", "--json", "--standalone"),
        ("errata", "--standalone", "--format", "markdown"),
        ("errata", "--only", "X1"),
    ],
)
def test_flags_that_do_not_apply_are_refused(args: tuple[str, ...], capsys) -> None:
    main = errata.main if args[0] == "errata" else MODULES[args[0]].main
    with pytest.raises(SystemExit) as exc:
        main(list(args[1:]))
    err = capsys.readouterr()
    assert exc.value.code == 2 and "error:" in err.err and err.out == ""


def test_errata_standalone_alone_is_latex(statuses, monkeypatch, capsys) -> None:
    monkeypatch.setattr(errata, "errata", lambda sources: statuses)  # computed once above
    assert errata.main(["--standalone", "--only", "L8"]) in (0, 1)
    out = capsys.readouterr().out
    assert out.startswith(r"\documentclass") and "../" not in out and r"\item[L8]" in out


def test_czech_uses_one_term_for_cost_and_czech_quotes(reports, statuses) -> None:
    outs = [_doc(m, reports, "cs", "text") for m in COMMANDS]
    outs.append(errata.render(statuses, lang="cs"))
    words = " ".join(w for w in "\n".join(outs).split() if "/" not in w and "." not in w)
    assert "účelov" in words
    for other in ("cena", "ceny", "ztráta", "ztráty", "prahu", "cross-entropy"):
        assert other not in words.split(), other
    assert "„" in words and "'Čím" not in words
