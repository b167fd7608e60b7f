"""The command line shared by ``python -m derive.crossentropy`` and its siblings.

``[--lang en|cs] [--format latex|markdown|text] [--standalone] [-o FILE] [--check]``:
print the derivations, or with ``--check`` the verification table (exit 1 if a step fails).
Bad flags: argparse's usage message and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .render import FORMATS, document, report_table
from .steps import Derivation, Text
from .verify import verify_all

__all__ = ["build_parser", "run"]


def build_parser(prog: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--lang", choices=("en", "cs"), default="en", help="language (default: en)")
    p.add_argument(
        "--format", choices=FORMATS, default="latex", help="output format (default: latex)"
    )
    p.add_argument(
        "--standalone",
        action="store_true",
        help="a complete LaTeX document (compiles with pdflatex), with a line per derivation "
        "saying how its steps were checked just now",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--check",
        action="store_true",
        help="verify every step now and print the table; exit 1 if any step fails",
    )
    return p


def run(
    derivations: Sequence[Derivation],
    title: Text,
    argv: Sequence[str] | None = None,
    *,
    prog: str,
    notation: Text | None = None,
) -> int:
    """Parse ``argv``, print or check ``derivations``; return the exit code."""
    args = build_parser(prog, title.en).parse_args(argv)
    if args.standalone and args.format != "latex":
        build_parser(prog, title.en).error("--standalone goes with --format latex")
    if args.check:
        reports = verify_all(derivations)
        out = report_table(reports, lang=args.lang)
        code = 0 if all(r.ok for r in reports) else 1
    else:
        reports = verify_all(derivations) if args.standalone else None
        out = document(
            derivations,
            title,
            lang=args.lang,
            fmt=args.format,
            standalone=args.standalone,
            reports=reports,
            notation=notation,
        )
        code = 0
    if args.output:
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
