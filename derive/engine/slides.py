"""Derivations as a Beamer deck: one derivation per frame, split when long.

Each frame ends with the line saying how *its* steps were checked just now (from the
reports the caller ran in this invocation). Justifications stand under their formulas,
and a formula block wider than the frame is scaled down to it (``\\fitwidth``, with graphicx
only), so no line runs off a slide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import prose
from .phrases import VERDICT_NAMES, phrase
from .steps import Derivation, Step, Text
from .verify import DerivationReport, StepResult

__all__ = ["deck", "frames_of"]

#: a frame's budget in "lines" of 11pt text on a 16:9 slide
_FRAME_LINES = 13.0


def _cost(step: Step, lang: str) -> float:
    """Lines a step takes on a slide: a formula and its justification, or a paragraph."""
    if step.expr is None:
        return 1.5 + len(step.why(lang)) / 75
    tall = any(k in str(step.expr) for k in ("Derivative", "Integral", "Sum", "/", "**-"))
    return 2.0 + (0.8 if tall else 0.0) + len(step.why(lang)) / 110


def frames_of(derivation: Derivation, lang: str) -> list[list[int]]:
    """The derivation's step indices (from 0), cut into frames that fit a slide, as evenly
    as the steps allow (no frame with one orphaned line)."""
    intro = 1.0 + len(derivation.intro(lang)) / 70 if derivation.intro is not None else 0.0
    costs = [_cost(step, lang) for step in derivation.steps]
    count = max(1, math.ceil((intro + sum(costs)) / _FRAME_LINES))
    budget = min(_FRAME_LINES, 1.1 * (intro + sum(costs)) / count)
    frames: list[list[int]] = [[]]
    used = intro
    for i, c in enumerate(costs):
        if frames[-1] and used + c > budget:
            frames.append([])
            used = 0.0
        frames[-1].append(i)
        used += c
    return frames


def _summary(results: Sequence[StepResult], lang: str) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    parts = ", ".join(f"{VERDICT_NAMES[lang][k]}: {v}" for k, v in counts.items())
    return f"{phrase('checked_now', lang)}: {parts}"


def deck(
    derivations: Sequence[Derivation],
    title: Text,
    *,
    lang: str = "en",
    reports: Sequence[DerivationReport] | None = None,
) -> str:
    """A complete Beamer document (16:9) with the derivations."""
    from .render import derivation_latex  # the one LaTeX printer and layout

    by_id = {r.derivation.id: r for r in reports or ()}
    body: list[str] = [
        r"\begin{frame}{" + prose.escape_text(phrase("notation_title", lang)) + "}",
        prose.in_text(phrase("notation", lang), lang),
        r"\end{frame}",
    ]
    for d in derivations:
        heading = f"{d.title(lang)} ({', '.join(d.claims)})"
        chunks = frames_of(d, lang)
        report = by_id.get(d.id)
        for k, idx in enumerate(chunks):
            part = Derivation(
                id=d.id,
                title=d.title,
                steps=tuple(d.steps[i] for i in idx),
                claims=d.claims,
            )
            frame_title = prose.in_text(heading, lang)
            if len(chunks) > 1:
                frame_title += f" ({k + 1}/{len(chunks)})"
            body.append(r"\begin{frame}{" + frame_title + "}")
            if k == 0 and d.intro is not None:
                body.append(r"{\small " + prose.in_text(d.intro(lang), lang) + r"\par}")
            body.append(derivation_latex(part, lang=lang, style="beamer"))
            if report is not None:
                mine = [r for r in report.results if r.index - 1 in idx]
                body.append(
                    r"\vfill{\footnotesize " + prose.in_text(_summary(mine, lang), lang) + "}"
                )
            body.append(r"\end{frame}")
    return "\n".join(
        [
            r"\documentclass[11pt,aspectratio=169]{beamer}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage[utf8]{inputenc}",
            r"\usepackage{lmodern}",
            r"\usepackage{amsmath,amssymb}",
            r"\usepackage{graphicx}",
            r"\newsavebox\derivebox",
            r"\newcommand\fitwidth[1]{\sbox\derivebox{#1}\ifdim\wd\derivebox>\linewidth"
            r"\resizebox{\linewidth}{!}{\usebox\derivebox}\else\usebox\derivebox\fi}",
            r"\setbeamertemplate{navigation symbols}{}",
            rf"\title{{{prose.in_text(title(lang), lang)}}}",
            r"\date{}",
            r"\begin{document}",
            r"\begin{frame}\titlepage\end{frame}",
            *body,
            r"\end{document}",
            "",
        ]
    )
