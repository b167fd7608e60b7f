"""The lecture's derivations for the web page, each verified now, with its "checked just now"
line: the data of ``python -m derive.crossentropy --standalone`` (and its siblings) as plain
dictionaries, so that a worker process can build them and hand them to the server."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from ..engine.phrases import VERDICT_NAMES, phrase
from ..engine.render import derivation_latex
from ..engine.verify import DerivationReport, verify_all

__all__ = ["CHAPTERS", "build_lecture", "summary"]

#: the lecture modules shown, in order (the ``python -m derive.X`` commands)
CHAPTERS = ("crossentropy", "quadratic", "backprop")


def summary(report: DerivationReport, lang: str) -> str:
    """ "Checked just now: proved: 5, numeric evidence only: 1" (counts of step verdicts)."""
    counts: dict[str, int] = {}
    for r in report.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    parts = ", ".join(f"{VERDICT_NAMES[lang][k]}: {v}" for k, v in counts.items())
    return f"{phrase('checked_now', lang)}: {parts}"


def _parts(latex: str) -> list[tuple[str, str]]:
    """``derivation_latex(display=True)``: ``$$…$$`` blocks and ``*words*`` paragraphs."""
    out = []
    for block in latex.split("\n\n"):
        block = block.strip()
        if block.startswith("$$") and block.endswith("$$"):
            out.append(("math", block[2:-2].strip()))
        elif block:
            out.append(("words", block.strip("*")))
    return out


def build_lecture(
    chapters: Sequence[str] = CHAPTERS, *, only: int | None = None
) -> dict[str, list[dict[str, object]]]:
    """Every chapter in English and Czech: its derivations (title, claims, intro, the steps
    as LaTeX and words) and, for each, how its steps were checked just now (``only``: the
    first few derivations of each chapter)."""
    out: dict[str, list[dict[str, object]]] = {"en": [], "cs": []}
    for name in chapters:
        module = importlib.import_module(f"derive.lecture.{name}")
        reports = verify_all(module.DERIVATIONS[:only])
        for lang in ("en", "cs"):
            derivations = []
            for report in reports:
                d = report.derivation
                derivations.append(
                    {
                        "id": d.id,
                        "title": d.title(lang),
                        "claims": ", ".join(d.claims),
                        "intro": d.intro(lang) if d.intro is not None else "",
                        "parts": _parts(derivation_latex(d, lang=lang, display=True)),
                        "summary": summary(report, lang),
                        "ok": report.ok,
                    }
                )
            out[lang].append(
                {
                    "command": f"python -m derive.{name}",
                    "title": module.TITLE(lang),
                    "derivations": derivations,
                }
            )
    return out
