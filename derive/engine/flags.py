"""The flags of ``python -m derive.crossentropy`` and its siblings, read before SymPy is imported.

``[--lang en|cs] [--format latex|markdown|text|beamer] [--standalone] [--only ID[,ID]]
[-o FILE] [--check]``. Nothing here imports SymPy: :func:`derive.engine.console.entry` reads
the flags with :func:`parse` first, so ``--help``, an unknown flag, a bad value or an output
that cannot be written answers at once (~0.1 s, not the ~0.6 s of importing SymPy and building
the derivations); :func:`derive.engine.cli.run` reads them again with the same parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .console import output_path

__all__ = ["FORMATS", "build_parser", "parse"]

#: what :func:`derive.engine.render.document` writes
FORMATS = ("latex", "markdown", "text", "beamer")


def build_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The parser of a derivation command; ``description`` is its title."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--lang", choices=("en", "cs"), default="en", help="language (default: en)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: latex); beamer: a slide deck, one derivation per frame",
    )
    p.add_argument(
        "--standalone",
        action="store_true",
        help="a complete LaTeX document (compiles with pdflatex), with a line per derivation "
        "saying how its steps were checked just now; implies --format latex",
    )
    p.add_argument(
        "--only",
        metavar="ID[,ID]",
        help="only these derivations, by derivation ID or lecture claim ID (e.g. --only L8)",
    )
    p.add_argument(
        "-o", "--output", type=output_path, metavar="FILE", help="write to FILE instead of stdout"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="verify every step now and print the table; exit 1 if any step fails",
    )
    return p


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """``argv`` read by ``parser``, and flags that do not go together refused (usage, exit 2):
    ``--check`` with ``--format`` or ``--standalone``; ``--standalone`` with a format that is
    not LaTeX. ``--only``'s IDs are checked once the derivations are built."""
    args = parser.parse_args(argv)
    if args.check and (args.format is not None or args.standalone):
        parser.error(
            "--check prints the verification table: --format and --standalone do not apply"
        )
    if args.standalone and args.format not in (None, "latex", "beamer"):
        parser.error(
            f"--standalone makes a LaTeX document: it does not go with --format {args.format}"
        )
    return args
