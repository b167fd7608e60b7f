"""Derivations as LaTeX, Markdown or plain text, in English or Czech.

Rendering is separate from the mathematics: it reads :class:`derive.engine.steps.Derivation` data
and, for the verification table, :class:`derive.engine.verify.DerivationReport` s. Terms are printed
in the order the data gives them (``order='none'``), logarithms as ``\\ln``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .calculus import CONST
from .notation import SampleSum, n
from .phrases import PHRASES, VERDICT_NAMES, phrase
from .steps import Derivation, Relation, Step, Text, Undefined
from .verify import DerivationReport

__all__ = [
    "FORMATS",
    "derivation_latex",
    "document",
    "report_table",
    "standalone",
    "tex",
    "text",
]

FORMATS = ("latex", "markdown", "text")


class _Latex(LatexPrinter):
    def __init__(self) -> None:
        super().__init__({"order": "none", "ln_notation": True})

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        if expr.name.startswith("\\"):
            return expr.name
        if expr == CONST:
            return r"\mathrm{const}"
        return super()._print_Symbol(expr, style=style)

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef):
            args = ", ".join(self._print(q) for q in expr.args)
            return f"{expr.func.__name__}({args})"
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = expr.expr
        if isinstance(inner, AppliedUndef) and len(expr.variables) == 1:
            var = self._print(expr.variables[0])
            return rf"\frac{{\partial {inner.func.__name__}}}{{\partial {var}}}"
        return super()._print_Derivative(expr)

    def _print_Mul(self, expr: sp.Mul) -> str:
        args = _flat_factors(expr)
        sums = [q for q in args if isinstance(q, SampleSum)]
        if 1 / n in args and len(sums) == 1:
            rest = [q for q in args if q != 1 / n and q is not sums[0]]
            prefix = (
                "-" if rest == [sp.S.NegativeOne] else (self._print(sp.Mul(*rest)) if rest else "")
            )
            return rf"{prefix}\frac{{1}}{{n}} {self._print(sums[0])}"
        return super()._print_Mul(expr)


def _flat_factors(expr: sp.Mul) -> list[sp.Expr]:
    """Factors of a product, with nested unevaluated products flattened."""
    out: list[sp.Expr] = []
    for q in expr.args:
        out.extend(_flat_factors(q) if isinstance(q, sp.Mul) else [q])
    return out


class _Text(StrPrinter):
    def __init__(self) -> None:
        super().__init__({"order": "none"})

    def _print_log(self, expr: sp.log) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = expr.expr
        var = ", ".join(self._print(v) for v in expr.variables)
        if isinstance(inner, AppliedUndef):
            return f"∂{inner.func.__name__}/∂{var}"
        return f"∂/∂{var}({self._print(inner)})"

    def _print_Integral(self, expr: sp.Integral) -> str:
        f = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            f = f"({f})"
        return f"∫ {f} d{self._print(expr.variables[0])}"

    def _print_Equality(self, expr: sp.Equality) -> str:
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Limit(self, expr: sp.Limit) -> str:
        e, v, p, d = expr.args
        return f"lim_{{{v}→{p}{d}}} {self._print(e)}"


_LATEX = _Latex()
_TEXT = _Text()


def tex(expr: sp.Basic) -> str:
    """LaTeX of a term or statement, in the written order, with ``\\ln``."""
    if isinstance(expr, Undefined):
        at = ", ".join(f"{tex(k)} = {tex(v)}" for k, v in expr.at)
        return rf"{tex(expr.expr)}\ \text{{undefined at }} {at}"
    return _LATEX.doprint(expr)


def text(expr: sp.Basic) -> str:
    """One-line plain text of a term or statement."""
    if isinstance(expr, Undefined):
        at = ", ".join(f"{text(k)} = {text(v)}" for k, v in expr.at)
        return f"{text(expr.expr)}  undefined at {at}"
    if isinstance(expr, sp.Symbol) and expr.name.startswith("\\"):
        return _latex_label_as_text(expr.name)
    return _TEXT.doprint(expr)


def _latex_label_as_text(name: str) -> str:
    m = re.fullmatch(r"\\frac\{\\partial (\S+)\}\{\\partial (\S+)\}", name)
    if m:
        return f"∂{m.group(1)}/∂{m.group(2)}"
    return name.replace("\\tilde{C}", "C̃").replace("\\", "")


_MATH_CHARS = {
    "σ": r"\sigma",
    "δ": r"\delta",
    "∂": r"\partial",
    "∫": r"\int",
    "Σ": r"\Sigma",
    "−": "-",
    "≥": r"\geq",
    "≤": r"\leq",
    "≠": r"\neq",
    "→": r"\to",
    "⇔": r"\Leftrightarrow",
    "⇒": r"\Rightarrow",
    "²": "^2",
    "ᵀ": "^T",
    "⊙": r"\odot",
    "·": r"\cdot",
    "∞": r"\infty",
    "≈": r"\approx",
    "×": r"\times",
    "∈": r"\in",
    "≡": r"\equiv",
    "ρ": r"\rho",
    "η": r"\eta",
    "ξ": r"\xi",
    "‖": r"\|",
    "′": "'",
    "<": "<",
    ">": ">",
}
_MATHY = re.compile(
    r"[A-Za-zσδΣρηξ]+(?:[_^](?:\{[^}]*\}|[A-Za-z0-9]+))+|[" + "".join(_MATH_CHARS) + "]"
)


def _brace(token: str) -> str:
    token = re.sub(r"([_^])([A-Za-z0-9]{2,})", r"\1{\2}", token)
    for char, command in _MATH_CHARS.items():
        token = token.replace(char, command + (" " if command[-1].isalpha() else ""))
    return token


def latex_text(words: str) -> str:
    """Words for ``\\text{…}``: sub/superscripted names and math symbols go to math mode."""
    words = words.replace("⁻¹", "^{-1}")  # f⁻¹(a): an inverse, set as f^{-1}
    out, pos = [], 0
    for m in _MATHY.finditer(words):
        out.append(_escape(words[pos : m.start()]))
        token = m.group(0)
        out.append(f"${_MATH_CHARS.get(token, _brace(token))}$")
        pos = m.end()
    out.append(_escape(words[pos:]))
    return "".join(out)


def _escape(s: str) -> str:
    for k, v in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("…", r"\ldots{}"),
    ):
        s = s.replace(k, v)
    return s


_REL_TEX = {
    Relation.EQUAL: "=",
    Relation.UP_TO_CONSTANT: r"\overset{+c}{=}",
    Relation.EQUIVALENT: r"\Leftrightarrow",
    Relation.IMPLIES: r"\Rightarrow",
}
_REL_TEXT = {
    Relation.EQUAL: "=",
    Relation.UP_TO_CONSTANT: "=(+c)",
    Relation.EQUIVALENT: "⇔",
    Relation.IMPLIES: "⇒",
}


def _segments(steps: Sequence[Step]) -> list[tuple[bool, list[Step]]]:
    """Runs of formula steps and single argument steps, in order."""
    segs: list[tuple[bool, list[Step]]] = []
    for step in steps:
        is_formula = step.expr is not None
        if is_formula and segs and segs[-1][0]:
            segs[-1][1].append(step)
        else:
            segs.append((is_formula, [step]))
    return segs


def _claims_tag(step: Step) -> str:
    return ", ".join(step.claims)


def _latex_rows(steps: Sequence[Step], lang: str) -> str:
    rows = []
    for step in steps:
        why = (
            rf"\text{{\small {latex_text(step.why(lang))}}}"
            rf"\quad\text{{\scriptsize {_claims_tag(step)}}}"
        )
        expr = tex(step.expr)
        rel = _REL_TEX.get(step.relation)
        if step.lhs is not None:
            left, right = tex(step.lhs), f"{rel or '='} {expr}"
        elif rel is not None:
            left, right = "", f"{rel} {expr}"
        else:
            left, right = "", expr
        rows.append(f"  {left} &{right} && {why}")
    return " \\\\\n".join(rows)


def _argument_words(step: Step, lang: str) -> str:
    key = "argument" if step.core is None else "argument_core"
    tag = f" ({_claims_tag(step)})" if step.claims else ""
    return f"{phrase(key, lang)}: {step.why(lang)}{tag}"


def derivation_latex(derivation: Derivation, *, lang: str = "en", display: bool = False) -> str:
    """A derivation as LaTeX: ``align*`` blocks (``aligned`` in ``$$`` when ``display``)."""
    parts = []
    for is_formula, steps in _segments(derivation.steps):
        if is_formula:
            rows = _latex_rows(steps, lang)
            if display:
                parts.append(f"$$\\begin{{aligned}}\n{rows}\n\\end{{aligned}}$$")
            else:
                parts.append(f"\\begin{{align*}}\n{rows}\n\\end{{align*}}")
        else:
            words = latex_text(_argument_words(steps[0], lang))
            parts.append(words if not display else f"*{_argument_words(steps[0], lang)}*")
    return "\n\n".join(parts)


def _text_rows(derivation: Derivation, lang: str) -> list[str]:
    lines = []
    for step in derivation.steps:
        if step.expr is None:
            lines.append(f"  [{_argument_words(step, lang)}]")
            continue
        rel = _REL_TEXT.get(step.relation)
        expr = text(step.expr)
        if step.lhs is not None:
            body = f"{text(step.lhs)} {rel or '='} {expr}"
        elif rel is not None:
            body = f"    {rel} {expr}"
        else:
            body = expr
        tag = f"; {_claims_tag(step)}" if step.claims else ""
        lines.append(f"  {body}    [{step.why(lang)}{tag}]")
    return lines


def _title(derivation: Derivation, lang: str) -> str:
    if not derivation.claims:  # a derivation built for the user's input, not the lecture's
        return derivation.title(lang)
    return f"{derivation.title(lang)} ({', '.join(derivation.claims)})"


def document(
    derivations: Iterable[Derivation],
    title: Text,
    *,
    lang: str = "en",
    fmt: str = "latex",
    standalone: bool = False,
    reports: Sequence[DerivationReport] | None = None,
    notation: Text | None = None,
) -> str:
    """The whole chapter in ``fmt``; ``standalone`` LaTeX is a complete document.

    With ``reports`` (from :func:`derive.engine.verify.verify`, run by the caller just now), each
    derivation ends with a line saying how its steps were checked. ``notation`` replaces the
    lecture's notation paragraph of a standalone document (a derivation built for the user's
    activation has its own a, y and no lecture claims).
    """
    derivations = list(derivations)
    by_id = {r.derivation.id: r for r in reports or ()}
    out: list[str] = []
    for d in derivations:
        report = by_id.get(d.id)
        summary = _summary(report, lang) if report is not None else None
        intro = d.intro(lang) if d.intro is not None else None
        if fmt == "latex":
            out.append(rf"\subsection*{{{latex_text(_title(d, lang))}}}")
            if intro:
                out.append(latex_text(intro))
            out.append(derivation_latex(d, lang=lang))
            if summary:
                out.append(r"\noindent{\small " + latex_text(summary) + "}")
        elif fmt == "markdown":
            out.append(f"### {_title(d, lang)}")
            if intro:
                out.append(intro)
            out.append(derivation_latex(d, lang=lang, display=True))
            if summary:
                out.append(f"_{summary}_")
        else:
            out.append(_title(d, lang))
            out.append("=" * len(_title(d, lang)))
            if intro:
                out.append(intro)
            out.extend(_text_rows(d, lang))
            if summary:
                out.append(f"  ({summary})")
        out.append("")
    body = "\n\n".join(out) if fmt != "text" else "\n".join(out)
    if fmt == "latex" and standalone:
        return _standalone(body, title(lang), lang, notation)
    if fmt == "markdown":
        return f"## {title(lang)}\n\n{body}"
    if fmt == "text":
        return f"{title(lang)}\n\n{body}"
    return body


def _summary(report: DerivationReport, lang: str) -> str:
    counts: dict[str, int] = {}
    for r in report.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    parts = ", ".join(f"{VERDICT_NAMES[lang][k]}: {v}" for k, v in counts.items())
    return f"{phrase('checked_now', lang)}: {parts}"


def standalone(body: str, title_tex: str, *, preamble: Sequence[str] = ()) -> str:
    """A complete LaTeX document (T1/utf8 fonts, amsmath, A4) around ``body``.

    ``title_tex`` is already LaTeX; ``preamble`` adds lines before ``\\begin{document}``.
    """
    return "\n".join(
        [
            r"\documentclass[11pt]{article}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage{lmodern}",
            r"\usepackage{amsmath,amssymb}",
            r"\usepackage[a4paper,margin=1.6cm]{geometry}",
            *preamble,
            rf"\title{{{title_tex}}}",
            r"\date{}",
            r"\begin{document}",
            r"\maketitle",
            body,
            r"\end{document}",
            "",
        ]
    )


def _standalone(body: str, title: str, lang: str, notation: Text | None = None) -> str:
    words = phrase("notation", lang) if notation is None else notation(lang)
    return standalone(latex_text(words) + "\n\n" + body, latex_text(title))


def report_table(reports: Sequence[DerivationReport], *, lang: str = "en") -> str:
    """The verification table: derivation, step, claims, relation, method, verdict, 2nd opinion."""
    head = PHRASES["table_head"][lang]
    rows = [head]
    for rep in reports:
        for r in rep.results:
            rows.append(
                (
                    rep.derivation.id,
                    str(r.index),
                    ",".join(r.claims),
                    r.relation.value,
                    r.method,
                    VERDICT_NAMES[lang][r.verdict.value],
                    r.second_opinion,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failures = [(rep, r) for rep in reports for r in rep.failures]
    total = sum(len(rep.results) for rep in reports)
    lines.append("")
    for rep, r in failures:
        lines.append(
            f"{phrase('failed', lang)}: {rep.derivation.id} #{r.index}: {r.detail}"
            + (f"; {r.second_opinion}" if r.evidence else "")
        )
    lines.append(phrase("table_total", lang).format(total=total, failed=len(failures)))
    return "\n".join(lines)
