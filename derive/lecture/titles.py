"""The derivation commands' titles, and their flags read before SymPy is imported.

A title is the heading of the command's document and the description of its ``--help``;
:func:`read_flags` reads a command's flags with the parser of :mod:`derive.engine.flags`, for
:func:`derive.engine.console.entry` to call before it imports the command. No SymPy here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..engine.flags import build_parser, parse
from ..engine.text import Text

__all__ = ["BACKPROP", "CROSSENTROPY", "QUADRATIC", "read_flags"]

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
