"""The lecture's commands: their titles, and their flags read before SymPy is imported.

A title is the heading of the command's document and the description of its ``--help``.
:func:`read_flags` (``derive.crossentropy``, ``.quadratic``, ``.backprop``, with the parser of
:mod:`derive.engine.flags`) and :func:`read_errata_flags` (``derive.errata``) read a command's
flags; :func:`derive.engine.console.entry` calls them before it imports the command, and the
command reads its flags again with the same function. No SymPy here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..engine.console import output_path
from ..engine.flags import build_parser, parse
from ..engine.text import Text
from .claims import CLAIMS

__all__ = ["BACKPROP", "CROSSENTROPY", "QUADRATIC", "read_errata_flags", "read_flags"]

CROSSENTROPY = Text(
    "Why the cross-entropy: a verified derivation", "Proč křížová entropie: ověřené odvození"
)
QUADRATIC = Text(
    "Why the quadratic cost learns slowly: a verified derivation",
    "Proč se s kvadratickou účelovou funkcí učí pomalu: ověřené odvození",
)
BACKPROP = Text(
    "Backpropagation and the output error: a verified derivation",
    "Zpětné šíření a chyba výstupu: ověřené odvození",
)

_TITLES = {
    "crossentropy": CROSSENTROPY,
    "quadratic": QUADRATIC,
    "backprop": BACKPROP,
}


def read_flags(prog: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """``argv`` read as ``prog`` (``python -m derive.crossentropy``, ``….quadratic``,
    ``….backprop``) reads it, with the same parser and checks as
    :func:`derive.engine.cli.run`: usage and exit 2 for a bad flag, the help and exit 0."""
    return parse(build_parser(prog, _TITLES[prog.rsplit(".", 1)[-1]].en), argv)


def read_errata_flags(prog: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """The flags of ``python -m derive.errata``: usage and exit 2 for a bad one (flags that do
    not go together, an ``--only`` claim that does not exist), the help and exit 0."""
    ap = argparse.ArgumentParser(
        prog=prog,
        description="The lecture's errata: every claim L0-L26, with its status checked now.",
    )
    ap.add_argument("--lang", choices=("en", "cs"), default="en")
    ap.add_argument(
        "--format",
        choices=("latex", "markdown", "text"),
        default=None,
        help="output format (default: text; latex with --standalone)",
    )
    ap.add_argument(
        "--standalone", action="store_true", help="a complete LaTeX document (implies latex)"
    )
    ap.add_argument("--json", action="store_true", help='{"claims": [{"id", "status", "detail"}]}')
    ap.add_argument("--only", metavar="ID[,ID]", help="only these claims (e.g. --only L8,L13)")
    ap.add_argument("-o", "--output", type=output_path, help="write to this file instead of stdout")
    args = ap.parse_args(argv)
    if args.json and (args.format is not None or args.standalone):
        ap.error("--json prints JSON: --format and --standalone do not apply")
    if args.standalone and args.format not in (None, "latex"):
        ap.error(f"--standalone makes a LaTeX document: it does not go with --format {args.format}")
    wanted = [w.strip() for w in (args.only or "").split(",") if w.strip()]
    known = {c.id for c in CLAIMS}
    if args.only is not None and (not wanted or set(wanted) - known):
        unknown = ", ".join(sorted(set(wanted) - known)) or "(none given)"
        ap.error(f"--only: no claim {unknown} (claims are L0–L26)")
    args.wanted = wanted
    return args
