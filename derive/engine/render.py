"""Derivations as LaTeX, Markdown, plain text or Beamer slides, in English or Czech.

Rendering is separate from the mathematics: it reads :class:`derive.engine.steps.Derivation` data
and, for the verification table, :class:`derive.engine.verify.DerivationReport` s. Formulas go
through the project's printers (:mod:`derive.engine.printers`: textbook LaTeX, Unicode text),
justifications through :mod:`derive.engine.prose` (text with inline math, everything escaped).
A justification stands right of its formula when the widest row fits the line (an estimate
from the LaTeX source, :func:`_width`), otherwise under it; the compiled documents are tested
for overfull lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import sympy as sp

from . import prose
from .phrases import VERDICT_NAMES, phrase
from .printers import LatexTextbook, UnicodeText
from .steps import Derivation, Relation, Step, Text, Undefined
from .table import FORMATS, report_table
from .verify import DerivationReport

__all__ = [
    "FORMATS",
    "derivation_latex",
    "document",
    "latex_text",
    "report_table",
    "standalone",
    "tex",
    "text",
]


_LATEX = LatexTextbook()
_TEXT = UnicodeText()


def tex(expr: sp.Basic) -> str:
    """LaTeX of a term or statement, as a textbook writes it (see :mod:`.printers`)."""
    if isinstance(expr, Undefined):
        at = ", ".join(f"{tex(k)} = {tex(v)}" for k, v in expr.at)
        return rf"{tex(expr.expr)}\ \text{{undefined at }} {at}"
    return _LATEX.doprint(expr)


def text(expr: sp.Basic) -> str:
    """One line of Unicode math for a term or statement (``½(y − a)²``, never ``**``)."""
    if isinstance(expr, Undefined):
        at = ", ".join(f"{text(k)} = {text(v)}" for k, v in expr.at)
        return f"{text(expr.expr)}  undefined at {at}"
    return _TEXT.doprint(expr)


def latex_text(words: str, lang: str = "en") -> str:
    """Prose as LaTeX text: words escaped, formulas as inline math (see :mod:`.prose`)."""
    return prose.in_text(words, lang)


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


#: widths in ems of 11pt type, estimated from the LaTeX source (see :func:`_width`)
_LINE_EMS = {"article": 44.0, "beamer": 26.0}
_CMD_EMS = {r"\sum": 1.6, r"\int": 1.0, r"\partial": 0.6}


def _width(latex: str) -> float:
    """A rough upper estimate of the printed width of a display formula, in ems.

    Fractions count their wider part, scripts two thirds, ``\\text`` its characters.
    It only decides where a justification goes; the compiled documents are tested.
    """
    latex = re.sub(r"\\(left|right|big|Big)[.(|)\[\]]?|\\[,;!]|\\quad|\\qquad", " ", latex)
    total, i = 0.0, 0
    while i < len(latex):
        if latex.startswith(r"\frac", i):
            num, j = _group(latex, i + 5)
            den, j = _group(latex, j)
            total += max(_width(num), _width(den)) + 0.4
            i = j
            continue
        if latex.startswith(r"\text", i):
            body, i = _group(latex, i + 5)
            total += 0.48 * len(re.sub(r"\\[a-z]+|[{}$]", "", body))
            continue
        ch = latex[i]
        if ch in "^_":
            body, i = _group(latex, i + 1)
            total += 0.7 * _width(body)
            continue
        if ch == "\\":
            m = re.match(r"\\[A-Za-z]+(\{[a-z]+\})?", latex[i:])
            word = m.group(0) if m else latex[i : i + 2]
            total += _CMD_EMS.get(word, 0.6)
            i += len(word)
            continue
        total += {" ": 0.0, "=": 1.3, "+": 1.2, "-": 1.2, ",": 0.45, "(": 0.4, ")": 0.4}.get(
            ch, 0.55 if ch not in "{}&" else 0.0
        )
        i += 1
    return total


def _group(latex: str, i: int) -> tuple[str, int]:
    """The braced group (or single token) at ``i`` and the index after it."""
    while i < len(latex) and latex[i] == " ":
        i += 1
    if i >= len(latex):
        return "", i
    if latex[i] != "{":
        if latex[i] == "\\":
            m = re.match(r"\\[A-Za-z]+", latex[i:])
            n_ = len(m.group(0)) if m else 2
            return latex[i : i + n_], i + n_
        return latex[i], i + 1
    depth = 0
    for j in range(i, len(latex)):
        depth += {"{": 1, "}": -1}.get(latex[j], 0)
        if depth == 0:
            return latex[i + 1 : j], j + 1
    return latex[i + 1 :], len(latex)


def _formula_cells(step: Step) -> tuple[str, str]:
    """The left (label) and right (relation and term) cells of a formula row."""
    expr = tex(step.expr)
    rel = _REL_TEX.get(step.relation)
    if step.lhs is not None:
        return tex(step.lhs), f"{rel or '='} {expr}"
    if rel is not None:
        return "", f"{rel} {expr}"
    return "", expr


def _why_cell(step: Step, lang: str, style: str) -> str:
    """A justification and its claim IDs, for a cell of an ``align``/``aligned``.

    ``style`` 'mathjax' (Markdown, Jupyter) uses no size commands and no nested ``$``;
    'article' and 'beamer' are compiled by LaTeX.
    """
    claims = _claims_tag(step)
    if style == "mathjax":
        tag = rf"\quad\text{{({claims})}}" if claims else ""
        return prose.in_math(step.why(lang), lang) + tag
    words = prose.in_text(step.why(lang), lang)
    return rf"\text{{\small {words}}}\quad\text{{\scriptsize {claims}}}"


def _why_below(step: Step, lang: str, width: str) -> str:
    claims = _claims_tag(step)
    words = prose.in_text(step.why(lang), lang)
    return (
        rf"&\qquad\parbox[t]{{{width}}}{{\raggedright\small {words}"
        rf"\quad{{\scriptsize {claims}}}\strut}}"
    )


def _latex_rows(steps: Sequence[Step], lang: str, style: str = "article") -> str:
    """The rows of one ``align*`` (``aligned``): justifications right of the formulas when
    the widest row fits the line, otherwise each one under its formula (always on slides)."""
    cells = [_formula_cells(step) for step in steps]
    whys = [_why_cell(step, lang, style) for step in steps]
    formula_w = max(_width(left) + _width(right) for left, right in cells)
    why_w = max(_width(w) for w in whys)
    below = style == "beamer" or (
        style == "article" and formula_w + why_w + 2.0 > _LINE_EMS["article"]
    )
    rows = []
    for step, (left, right), why in zip(steps, cells, whys, strict=True):
        if below:
            width = r"0.78\linewidth" if style == "article" else r"0.62\linewidth"
            rows.append(f"  {left} &{right} \\\\\n  {_why_below(step, lang, width)}")
        else:
            rows.append(f"  {left} &{right} && {why}")
    return " \\\\\n".join(rows)


def _argument_words(step: Step, lang: str) -> str:
    key = "argument" if step.core is None else "argument_core"
    tag = f" ({_claims_tag(step)})" if step.claims else ""
    return f"{phrase(key, lang)}: {step.why(lang)}{tag}"


def _argument_latex(step: Step, lang: str) -> str:
    key = "argument" if step.core is None else "argument_core"
    words = prose.in_text(step.why(lang), lang)
    tag = f" ({_claims_tag(step)})" if step.claims else ""
    return rf"\emph{{{prose.escape_text(phrase(key, lang))}:}} {words}{tag}"


def derivation_latex(
    derivation: Derivation, *, lang: str = "en", display: bool = False, style: str | None = None
) -> str:
    """A derivation as LaTeX: ``align*`` blocks, or with ``display`` (Markdown, Jupyter)
    ``aligned`` in ``$$`` with MathJax/KaTeX-safe justifications; ``style='beamer'`` for
    slides (justifications under the formulas, scaled down to the frame if too wide:
    ``\\fitwidth`` of :func:`derive.engine.slides.deck`)."""
    style = style or ("mathjax" if display else "article")
    parts = []
    for is_formula, steps in _segments(derivation.steps):
        if is_formula:
            rows = _latex_rows(steps, lang, style)
            if style == "mathjax":
                parts.append(f"$$\\begin{{aligned}}\n{rows}\n\\end{{aligned}}$$")
            elif style == "beamer":
                parts.append(
                    f"\\fitwidth{{$\\displaystyle\n\\begin{{aligned}}\n{rows}\n\\end{{aligned}}$}}"
                )
            else:
                parts.append(f"\\begin{{align*}}\n{rows}\n\\end{{align*}}")
        elif style == "mathjax":
            key = "argument" if steps[0].core is None else "argument_core"
            words = prose.in_markdown(steps[0].why(lang), lang)
            parts.append(f"*{phrase(key, lang)}:* {words} ({_claims_tag(steps[0])})")
        else:
            parts.append(_argument_latex(steps[0], lang))
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
    if fmt == "beamer":
        from .slides import deck

        return deck(derivations, title, lang=lang, reports=reports)
    by_id = {r.derivation.id: r for r in reports or ()}
    out: list[str] = []
    for d in derivations:
        report = by_id.get(d.id)
        summary = _summary(report, lang) if report is not None else None
        intro = d.intro(lang) if d.intro is not None else None
        if fmt == "latex":
            out.append(rf"\subsection*{{{latex_text(_title(d, lang), lang)}}}")
            if intro:
                out.append(latex_text(intro, lang))
            out.append(derivation_latex(d, lang=lang))
            if summary:
                out.append(r"\noindent{\small " + latex_text(summary, lang) + "}")
        elif fmt == "markdown":
            out.append(f"### {prose.in_markdown(_title(d, lang), lang)}")
            if intro:
                out.append(prose.in_markdown(intro, lang))
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
        return f"## {prose.in_markdown(title(lang), lang)}\n\n{body}"
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
            r"\emergencystretch=3em",  # a loose line rather than one into the margin
            r"\tolerance=1000",
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
    return standalone(latex_text(words, lang) + "\n\n" + body, latex_text(title, lang))
