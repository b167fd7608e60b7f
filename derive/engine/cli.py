"""The command line shared by ``python -m derive.crossentropy`` and its siblings.

``[--lang en|cs] [--format latex|markdown|text|beamer] [--standalone] [--only ID[,ID]]
[-o FILE] [--check]``: print the derivations, or with ``--check`` the verification table
(exit 1 if a step fails).

Flags agree or are refused: ``--standalone`` makes a LaTeX document (it implies
``--format latex``; with ``markdown`` or ``text`` it is refused), ``--check`` prints the
table and takes no ``--format`` or ``--standalone``, ``--only`` names derivation IDs or
claim IDs (``--only L8``) and refuses an unknown one. Bad flags: a usage message and exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .flags import build_parser, parse
from .forked import default_jobs
from .steps import Derivation, Text
from .table import report_table
from .verify import verify_all

__all__ = ["build_parser", "run", "select"]


def select(derivations: Sequence[Derivation], only: str) -> list[Derivation]:
    """The derivations named in ``only`` (comma-separated derivation or claim IDs), in order.

    Raises ``ValueError`` naming an ID that matches nothing.
    """
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    if not wanted:
        raise ValueError("--only needs at least one derivation or claim ID")
    known = {d.id for d in derivations} | {c for d in derivations for c in d.claims}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        ids = ", ".join(d.id for d in derivations)
        raise ValueError(f"--only: no derivation or claim {', '.join(unknown)} here (IDs: {ids})")
    return [d for d in derivations if d.id in wanted or set(d.claims) & set(wanted)]


def run(
    derivations: Sequence[Derivation],
    title: Text,
    argv: Sequence[str] | None = None,
    *,
    prog: str,
    notation: Text | None = None,
) -> int:
    """Parse ``argv``, print or check ``derivations``; return the exit code."""
    parser = build_parser(prog, title.en)
    args = parse(parser, argv)
    fmt = args.format or "latex"
    if args.only is not None:
        try:
            derivations = select(derivations, args.only)
        except ValueError as exc:
            parser.error(str(exc))
    if args.check:
        reports = verify_all(derivations, jobs=default_jobs())
        out = report_table(reports, lang=args.lang)
        code = 0 if all(r.ok for r in reports) else 1
    else:
        from .render import document  # printers and prose: not needed for --check

        with_reports = args.standalone or fmt == "beamer"
        reports = verify_all(derivations, jobs=default_jobs()) if with_reports else None
        out = document(
            derivations,
            title,
            lang=args.lang,
            fmt=fmt,
            standalone=args.standalone,
            reports=reports,
            notation=notation,
        )
        code = 0
    if args.output is not None:
        try:
            Path(args.output).write_text(
                out if out.endswith("\n") else out + "\n", encoding="utf-8"
            )
        except OSError as exc:
            print(f"{prog}: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return code
