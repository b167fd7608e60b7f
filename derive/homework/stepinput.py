"""The text of a step file before it is read: BOM, line breaks, emptiness, and the two
messages a student needs when a chain's shape is not what they meant.

* a byte-order mark at the start is not part of the first line;
* every line break Python knows (``\\n``, ``\\r\\n``, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH
  SEPARATOR, …) ends a line, and counts towards the line limit;
* a file with no line to check (empty, or only comments and directives) is an error, never
  "every line follows".
"""

from __future__ import annotations

import os

from ..engine.console import read_bounded

__all__ = [
    "MAX_BYTES",
    "NEW_CHAIN",
    "NOTHING_TO_CHECK",
    "in_language",
    "line_count",
    "nothing_to_check",
    "prepare",
    "read_step_file",
]

#: largest step file accepted, in bytes (300 lines of the reader's 600 characters, and comments)
MAX_BYTES = 256 * 1024


def read_step_file(path: str | os.PathLike[str]) -> str:
    """The prepared text of a step file; :class:`~derive.engine.console.TooLarge` (a
    ``ValueError``) beyond :data:`MAX_BYTES`, ``OSError`` or ``UnicodeDecodeError`` otherwise.
    At most ``MAX_BYTES + 1`` bytes are read, also from a device or a pipe."""
    return prepare(read_bounded(path, MAX_BYTES).decode("utf-8"))


NOTHING_TO_CHECK = {
    "en": "nothing to check: the file is empty or has only comments",
    "cs": "není co kontrolovat: soubor je prázdný nebo obsahuje jen komentáře",
}
NEW_CHAIN = {
    "en": "this line is a new equation ({lhs} = …) right after a chain: a blank line starts a "
    "new chain; a line that continues the chain starts with = (or ≤, ⇒ …)",
    "cs": "tento řádek je nová rovnice ({lhs} = …) hned za řetězcem: nový řetězec začíná po "
    "prázdném řádku; řádek, který řetězec pokračuje, začíná = (nebo ≤, ⇒ …)",
}


def prepare(text: str) -> str:
    """``text`` without a leading BOM and with every line break as ``\\n``."""
    text = text.replace("\ufeff", "")  # a BOM (or a stray zero-width no-break space)
    return "\n".join(text.splitlines())


def line_count(text: str) -> int:
    """Lines as the reader sees them (U+2028 and U+2029 are line breaks too)."""
    return len(prepare(text).split("\n")) if text else 0


def nothing_to_check(text: str) -> bool:
    """True when no line is anything but blank, a ``%`` comment or a ``%!`` directive."""
    return all(
        not line.strip() or line.strip().startswith("%") for line in prepare(text).split("\n")
    )


def in_language(error: str, lang: str) -> str:
    """The new-chain message in ``lang`` (it is made in English while the file is read)."""
    head, _, tail = NEW_CHAIN["en"].partition("{lhs}")
    if lang == "en" or not (error.startswith(head) and "= …) right after" in error):
        return error
    lhs = error[len(head) : error.index(tail[: tail.index("…")])]
    return NEW_CHAIN.get(lang, NEW_CHAIN["en"]).format(lhs=lhs)
