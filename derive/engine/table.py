"""The verification table of ``--check``, and the output formats of the derivation commands.

Kept apart from :mod:`derive.engine.render` (LaTeX, Markdown, text, slides) so that ``--check``
loads no printers: the table is plain text, one row per step.
"""

from __future__ import annotations

from collections.abc import Sequence

from .flags import FORMATS
from .phrases import PHRASES, VERDICT_NAMES, phrase, second_opinion, table_word
from .verify import DerivationReport

__all__ = ["FORMATS", "report_table"]


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
                    table_word(r.relation.value, lang),
                    table_word(r.method, lang),
                    VERDICT_NAMES[lang][r.verdict.value],
                    second_opinion(r.second_opinion, lang),
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
            + (f"; {second_opinion(r.second_opinion, lang)}" if r.evidence else "")
        )
    lines.append(phrase("table_total", lang).format(total=total, failed=len(failures)))
    return "\n".join(lines)
