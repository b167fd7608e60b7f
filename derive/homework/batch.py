"""Batch files as spreadsheets write them: reading, and writing what a gradebook accepts.

Reading (:func:`read_table`): UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's
"Unicode text"), and files that are not UTF-8 at all (Windows-1250 / Windows-1252, detected
and named in a note; ``encoding=`` overrides); delimiter ``,`` ``;`` or tab (sniffed, checked
against the required columns). A row that cannot be read (a byte that is not in the file's
encoding, a NUL byte, a quote that never closes, a missing ``answer`` cell) keeps its cells and
gets a ``problem``: it is reported ``invalid``, never graded, and never costs the other rows.
A duplicated column name is refused (:class:`BatchError`), as is a file without the columns
``student``, ``exercise``, ``answer``.

Writing (:func:`write_csv`): atomically (temporary file, then rename), with the permissions a
new file gets under the umask, in the input's delimiter; every cell that a spreadsheet would run
as a formula (first character ``= + - @``, tab or CR, OWASP) gets a leading ``'``, and so does
every cell that already starts with ``'``: a program recovers the exact text by removing one
leading ``'`` from every cell that starts with one (:func:`unescape_cell`).
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.console import TooLarge, read_bounded

__all__ = [
    "ADDED_COLUMNS",
    "PAIR_COLUMNS",
    "REQUIRED_COLUMNS",
    "BatchError",
    "Row",
    "Table",
    "escape_cell",
    "parse_table",
    "read_table",
    "unescape_cell",
    "write_csv",
]

REQUIRED_COLUMNS = ("student", "exercise", "answer")
#: a sheet of pairs: each answer compared with its own reference (optional: student, domain)
PAIR_COLUMNS = ("reference", "answer")
#: the columns the grader reads, when present
_KNOWN = ("student", "exercise", "answer", "reference", "domain")
#: the columns grading adds to every row
ADDED_COLUMNS = ("verdict", "feedback", "read_as", "method", "points")
#: first characters that make a spreadsheet cell a formula (OWASP CSV injection), and ``'``
#: itself so that removing one leading ``'`` is always exact
_ESCAPE_FIRST = frozenset("=+-@\t\r'")
#: the largest cell read (a huge answer must reach the grader, which refuses it)
FIELD_LIMIT = 2**28
#: largest batch file read, in bytes (about a million rows of 60 bytes); a device or a pipe
#: (``/dev/zero``) is read only this far
MAX_FILE_BYTES = 64 * 2**20


class BatchError(ValueError):
    """A batch file that cannot be graded at all (nothing is written)."""


@dataclass
class Row:
    """One record: ``number`` is its row in a spreadsheet (the header is row 1)."""

    number: int
    cells: list[str]
    problem: str = ""


@dataclass
class Table:
    """A batch file as read: header, rows, and how it was written (to write it back alike)."""

    header: list[str]
    rows: list[Row]
    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False
    notes: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)

    def cell(self, row: Row, name: str) -> str:
        """The cell of a known column (``''`` when the row is too short or has no such
        column)."""
        k = self.columns.get(name, len(row.cells))
        return row.cells[k] if k < len(row.cells) else ""

    @property
    def pairs(self) -> bool:
        """A sheet of pairs (a ``reference`` column, no ``exercise``)."""
        return "reference" in self.columns and "exercise" not in self.columns

    @property
    def extra_width(self) -> int:
        """The most cells any row has beyond the header."""
        return max((len(r.cells) - len(self.header) for r in self.rows), default=0)


def escape_cell(text: str) -> str:
    """The cell as written: a leading ``'`` when it starts with ``= + - @``, tab, CR or ``'``."""
    return "'" + text if text and text[0] in _ESCAPE_FIRST else text


def unescape_cell(text: str) -> str:
    """The exact text of a written cell: one leading ``'`` removed (see :func:`escape_cell`)."""
    return text[1:] if text.startswith("'") else text


def _written_back(cell: str) -> str:
    """A cell as :func:`escape_cell` wrote it, read back (``'-y + a`` → ``-y + a``): only a
    ``'`` before a character that the writer escapes is removed, so a graded file can be
    graded again and written back unchanged."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in _ESCAPE_FIRST else cell


# ----------------------------------------------------------------------------- decoding

_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
#: bytes of Czech/Slovak letters in Windows-1250 (č ě ř ů ť ď ň š ž and capitals)
_CENTRAL = frozenset(b"\xe8\xec\xf8\xf9\xc8\xcc\xd8\xd9\x9d\x8d\xef\xcf\xf2\xd2\x9e\x8e\x9a\x8a")
#: bytes of Western letters in Windows-1252 that Central European text rarely has
_WESTERN = frozenset(b"\xe0\xe2\xe3\xe5\xe6\xe7\xea\xeb\xee\xf1\xf5\xfb\xc0\xc3\xc5\xc6\xd1\xd5")
_NAMES = {
    "cp1250": "Windows-1250, Central European",
    "cp1252": "Windows-1252, Western European (latin-1)",
}


def decode(raw: bytes, path: str, encoding: str | None = None) -> tuple[str, str, bool, list[str]]:
    """``(text, encoding, had_bom, notes)``. Bytes that are not in the encoding become lone
    surrogates (``surrogateescape``): the rows holding them are reported, not lost."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BatchError(f"unknown encoding {encoding!r}") from None
        text = raw.decode(encoding, errors="surrogateescape")
        bom = text.startswith("\ufeff")  # a BOM the forced encoding kept as a character
        return text.removeprefix("\ufeff"), encoding, bom, []
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="surrogateescape"), "utf-8", True, []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        note = f"{path}: read as UTF-16 (it starts with a UTF-16 byte-order mark)"
        return raw.decode("utf-16", errors="replace"), "utf-16", True, [note]
    try:
        return raw.decode("utf-8"), "utf-8", False, []
    except UnicodeDecodeError:
        pass
    valid = len(_UTF8_SEQUENCE.findall(raw))
    high = sum(1 for b in raw if b >= 0x80)
    if valid and valid * 2 >= high - sum(len(m) for m in _UTF8_SEQUENCE.findall(raw)):
        # mostly UTF-8 with a few stray bytes: the rows holding them are reported
        return raw.decode("utf-8", errors="surrogateescape"), "utf-8", False, []
    central = sum(1 for b in raw if b in _CENTRAL)
    western = sum(1 for b in raw if b in _WESTERN)
    chosen = "cp1250" if central >= western else "cp1252"
    other = "cp1252" if chosen == "cp1250" else "cp1250"
    note = (
        f"{path}: not UTF-8; read as {chosen} ({_NAMES[chosen]}), as spreadsheets save CSV on "
        f"Windows. If names look wrong, give --encoding {other} (or save the file as UTF-8)."
    )
    return raw.decode(chosen, errors="surrogateescape"), chosen, False, [note]


# ----------------------------------------------------------------------------- records


def _lines(text: str) -> list[str]:
    r"""Physical lines with their ends (``\n`` or ``\r\n``; a file with ``\r`` alone, as old
    Mac spreadsheets wrote, is split there)."""
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _records(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """``(first line, cells, problem)`` per record; a record the csv module refuses (a quote
    that never closes swallows the file, in the lenient mode) costs its first line only."""
    pos = 0

    def feed() -> Iterator[str]:
        nonlocal pos
        while pos < len(lines):
            pos += 1
            yield lines[pos - 1]

    start = 0
    while start < len(lines):
        pos = start
        reader = csv.reader(feed(), delimiter=delimiter, strict=True)
        try:
            for cells in reader:
                yield start + 1, cells, ""
                start = pos
            return
        except csv.Error as exc:
            raw = lines[start].rstrip("\r\n")
            if pos - start > 1 or "end of data" in str(exc):
                reason = "a quote opened in this row is never closed"
            else:
                reason = f"the row cannot be read as CSV ({exc})"
            yield start + 1, raw.split(delimiter), reason
            start += 1


def _sniff(lines: list[str]) -> str:
    """The delimiter that makes the header name the required columns (``csv.Sniffer`` first)."""
    head = lines[0] if lines else ""
    candidates = []
    try:
        candidates.append(csv.Sniffer().sniff(head, delimiters=",;\t").delimiter)
    except csv.Error:
        pass
    candidates += [d for d in (",", ";", "\t") if d not in candidates]
    for delimiter in candidates:
        names = {c.strip().lower() for c in next(csv.reader([head], delimiter=delimiter), [])}
        if "answer" in names and ("exercise" in names or "reference" in names):
            return delimiter
    return candidates[0]


def _cell_problem(cell: str, column: str, number: int, encoding: str) -> str:
    for ch in cell:
        if "\udc80" <= ch <= "\udcff":
            byte = ord(ch) - 0xDC00
            return f"byte 0x{byte:02X} in column {column!r} (row {number}) is not {encoding}"
        if ch == "\x00":
            return f"a NUL byte in column {column!r} (row {number})"
    return ""


_BAD_CHARS = re.compile("[\udc80-\udcff\x00]")


def read_table(path: str | Path, *, encoding: str | None = None) -> Table:
    """Read a batch file (see the module's docstring); :class:`BatchError` if it cannot be
    graded at all (unreadable, no header, a required column missing, a name used twice)."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except TooLarge:
        raise BatchError(
            f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB; split the class into several files"
        ) from None
    except OSError as exc:
        raise BatchError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_table(raw, str(path), encoding=encoding)


def parse_table(raw: bytes, name: str = "<upload>", *, encoding: str | None = None) -> Table:
    """:func:`read_table` for bytes already in memory (an upload); ``name`` is used in
    messages."""
    path = name
    text, used, bom, notes = decode(raw, name, encoding)
    lines = _lines(text)
    delimiter = _sniff(lines)
    previous = csv.field_size_limit(FIELD_LIMIT)
    try:
        records = (r for r in _records(lines, delimiter) if "".join(r[1]).strip())
        first = next(records, None)
        if first is None:
            raise BatchError(f"{path}: the file is empty")
        # the header decides whether the file can be graded at all: checked before the rest
        # of the file is read (a wrong file of millions of lines is refused at once)
        header, columns, pairs = _header(first, path, delimiter)
        body = list(records)
    finally:
        csv.field_size_limit(previous)
    rows = []
    for number, (_line, cells, problem) in enumerate(body, start=2):
        bad = any(_BAD_CHARS.search(c) for c in cells)
        if bad and not problem:
            names = header + [f"extra {k}" for k in range(len(cells) - len(header))]
            for cell, name in zip(cells, names, strict=False):
                problem = _cell_problem(cell, name.strip(), number, used)
                if problem:
                    break
        if not problem:
            graded = ("reference" if pairs else "exercise", "answer")
            short = [c for c in graded if columns[c] >= len(cells)]
            if short:
                problem = (
                    f"row {number} has {len(cells)} cells and the header {len(header)}: "
                    f"no {' and no '.join(repr(c) for c in short)} cell"
                )
        if bad:
            cells = [_BAD_CHARS.sub("\ufffd", c) for c in cells]
        if any(c[:1] == "'" for c in cells):
            cells = [_written_back(c) for c in cells]
        rows.append(Row(number, cells, problem))
    return Table(header, rows, delimiter, used, bom, notes, columns)


def _header(
    record: tuple[int, list[str], str], path: str, delimiter: str
) -> tuple[list[str], dict[str, int], bool]:
    """The header's cells, the known columns' positions, and whether the file holds pairs
    (``reference`` without ``exercise``); :class:`BatchError` when it cannot be graded."""
    _line, header, problem = record
    if problem or _BAD_CHARS.search("".join(header)):
        raise BatchError(f"{path}: the header row cannot be read ({problem or 'a bad byte'})")
    columns: dict[str, int] = {}
    seen: dict[str, int] = {}
    for k, name in enumerate(header):
        key = name.strip().lower()
        if not key:
            continue
        if key in seen:
            raise BatchError(
                f"{path}: the column name {name.strip()!r} appears twice (columns {seen[key] + 1}"
                f" and {k + 1}); rename one, nothing was graded"
            )
        seen[key] = k
        if key in _KNOWN:
            columns[key] = k
    pairs = "reference" in columns and "exercise" not in columns
    missing = [c for c in (PAIR_COLUMNS if pairs else REQUIRED_COLUMNS) if c not in columns]
    if missing:
        sep = {"\t": "tab", ",": "comma", ";": "semicolon"}[delimiter]
        raise BatchError(
            f"{path}: missing column(s) {', '.join(missing)} (header read with {sep} as the "
            f"delimiter: {', '.join(repr(h) for h in header[:8])})"
        )
    return header, columns, pairs


# ----------------------------------------------------------------------------- writing


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # not thread-safe: only where /proc is missing
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, write: object, *, newline: str = "") -> None:
    """Write ``path`` through ``write(handle)`` into a temporary file, then rename it; the
    file gets the permissions a new file gets under the umask (``0o666 & ~umask``)."""
    target = Path(path).resolve()
    if not target.parent.is_dir():
        raise BatchError(f"{path}: its directory does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            write(handle)  # type: ignore[operator]
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> None:
    """Write a CSV atomically, every cell escaped against formula injection."""

    def write(handle: object) -> None:
        if bom:
            handle.write("\ufeff")  # type: ignore[attr-defined]
        writer = csv.writer(handle, delimiter=delimiter)  # type: ignore[arg-type]
        writer.writerow([escape_cell(h) for h in header])
        writer.writerows([escape_cell(c) for c in row] for row in rows)

    write_atomically(path, write)
