"""Instructors' own exercises: catalog files (TOML) loaded beside the built-in catalog.

A file has the schema of ``derive/data/exercises.toml`` except that the reference answer is
written in the course's notation under ``solution`` and read by the safe parser
(:mod:`derive.homework.parse`: never ``eval``, ``sympify`` or ``parse_expr``). See
``docs/catalog.md`` for the schema and a full example.

Public API (the CLI and the web server use the same)::

    load_catalogs(paths) -> Catalog        # built-in + files; CatalogError lists every problem
    validate(paths) -> list[Problem]        # load + the slower checks of --validate
    use_catalogs(paths) -> Catalog          # make it the catalog that grading looks in

Loading refuses what would make grading wrong or hang (unreadable keys, undeclared symbols,
circular definitions, empty domains, IDs used twice or taking a built-in ID without
``replaces = true``); :func:`validate` also grades each exercise's own solution and mistakes.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import sympy as sp

from .equivalence import Definition, Domain, Interval, family
from .exercises import Exercise, Mistake, catalog, set_active_catalog
from .parse import ParseError, parse_answer, parse_relation

__all__ = [
    "BUILTIN",
    "Catalog",
    "CatalogError",
    "Problem",
    "active_paths",
    "catalog_files",
    "load_catalogs",
    "use_catalogs",
    "validate",
    "worker_init",
]

#: the source name of the package's own exercises
BUILTIN = "built-in"
#: the longest the grading checks of one exercise may take (``--validate``, main thread)
VALIDATE_SECONDS = 60.0
#: keys an exercise of a catalog file may have
KEYS = frozenset(
    {
        "id",
        "solution",
        "asks",
        "statement",
        "variable",
        "vocabulary",
        "definitions",
        "domain",
        "real",
        "up_to_constant",
        "forbid_sigma_prime",
        "points",
        "replaces",
        "mistake",
        "assumes",
    }
)
MISTAKE_KEYS = frozenset({"answer", "en", "cs"})
#: an ID is safe in a CSV column name, an HTML anchor and a file name
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Problem:
    """One fault of a catalog: where (file, exercise, key) and why."""

    file: str
    exercise: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: exercise {self.exercise!r}: {self.key}: {self.reason}"


class CatalogError(ValueError):
    """A catalog that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Catalog(Mapping[str, Exercise]):
    """Exercises by ID, in order (built-in first, then each file's), and where each came from."""

    def __init__(
        self, exercises: Mapping[str, Exercise], sources: Mapping[str, str], paths: Sequence[str]
    ) -> None:
        self._exercises = MappingProxyType(dict(exercises))
        self._sources = MappingProxyType(dict(sources))
        self.paths: tuple[str, ...] = tuple(paths)

    def __getitem__(self, key: str) -> Exercise:
        return self._exercises[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._exercises)

    def __len__(self) -> int:
        return len(self._exercises)

    def source(self, exercise_id: str) -> str:
        """The file an exercise was read from, or ``'built-in'``."""
        return self._sources[exercise_id]


def catalog_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, a directory standing for every ``*.toml`` in it (sorted by name)."""
    files: list[Path] = []
    problems = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.toml") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "-", "file", "no such file or directory"))
    if problems:
        raise CatalogError(problems)
    return files


class _Entry:
    """Reads one ``[[exercise]]`` table, collecting every problem instead of stopping."""

    def __init__(self, entry: Mapping[str, object], file: str, number: int) -> None:
        self.entry, self.file = entry, file
        raw_id = entry.get("id")
        self.id = raw_id if isinstance(raw_id, str) else f"#{number}"
        self.problems: list[Problem] = []

    def bad(self, key: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.id, key, reason))

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.entry.get(key)
        if value is None:
            if required:
                self.bad(key, "missing (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            self.bad(key, "must be a non-empty string")
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.entry.get(key, False)
        if not isinstance(value, bool):
            self.bad(key, "must be true or false")
            return False
        return value

    def names(self, key: str, *, required: bool = False) -> list[str]:
        value = self.entry.get(key, None)
        if value is None:
            if required:
                self.bad(key, "missing (required)")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(key, "must be a list of strings")
            return []
        return value

    def parse(self, key: str, text: str, vocab: Mapping[str, sp.Symbol]) -> sp.Expr | None:
        try:
            return parse_answer(text, symbols=vocab)
        except ParseError as exc:
            self.bad(key, f"{text!r} cannot be read: {exc}")
            return None

    def build(self) -> Exercise | None:
        """The exercise, or None when a problem was found (all of them are in ``problems``)."""
        for key in self.entry:
            if key == "reference":
                self.bad(
                    key,
                    "a catalog file writes the answer in the course's notation under "
                    "'solution' ('reference' names a closed form inside the package)",
                )
            elif key not in KEYS:
                close = difflib.get_close_matches(key, KEYS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.bad(key, f"unknown key{hint}; known: {', '.join(sorted(KEYS))}")
        if self.text("id", required=True) is not None and not ID_PATTERN.fullmatch(self.id):
            self.bad(
                "id", "1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
            )
        solution = self.text("solution", required=True)
        asks = self.text("asks") or ""
        statement = self._statement()
        vocab = self._vocabulary()
        definitions = self._definitions(vocab)
        domain = self._domain(vocab)
        variable = None
        if (name := self.text("variable")) is not None:
            variable = self.parse("variable", name, vocab)
            if variable is not None and not isinstance(variable, sp.Symbol):
                self.bad("variable", f"{name!r} is not a symbol")
        up_to_constant = self.flag("up_to_constant")
        if up_to_constant and variable is None:
            self.bad("up_to_constant", "needs 'variable' (the constant is one in that variable)")
        points = self._points()
        mistakes = self._mistakes(vocab)
        reference = self.parse("solution", solution, vocab) if solution is not None else None
        forbid_sigma_prime = self.flag("forbid_sigma_prime")
        assumes = tuple(self.names("assumes"))
        self.flag("replaces")  # its meaning is checked against the built-in IDs by the caller
        if self.problems or reference is None or statement is None:
            return None
        return Exercise(
            id=self.id,
            asks=asks,
            statement=statement,
            reference_name="",
            reference=reference,
            vocabulary=vocab,
            definitions=tuple(definitions),
            domain=domain,
            mistakes=tuple(mistakes),
            variable=variable,
            up_to_constant=up_to_constant,
            forbid_sigma_prime=forbid_sigma_prime,
            assumes=assumes,
            points=points,
            solution=solution or "",
        )

    def _statement(self) -> Mapping[str, str] | None:
        value = self.entry.get("statement")
        if value is None:
            self.bad("statement", "missing (required): statement.en = '…' (statement.cs too)")
            return None
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        if not ok or "en" not in value:
            self.bad("statement", "must be a table of strings with at least 'en'")
            return None
        return MappingProxyType(dict(value))

    def _vocabulary(self) -> Mapping[str, sp.Symbol]:
        vocab: dict[str, sp.Symbol] = {}
        for name in self.names("vocabulary", required=True):
            try:
                sym = parse_answer(name)
            except ParseError as exc:
                self.bad("vocabulary", f"{name!r} cannot be read: {exc}")
                continue
            if not isinstance(sym, sp.Symbol):
                self.bad("vocabulary", f"{name!r} is not a symbol")
                continue
            vocab[sym.name] = sym
        for name in self.names("real"):
            sym = self.parse("real", name, vocab)
            if isinstance(sym, sp.Symbol):
                vocab[sym.name] = sp.Symbol(sym.name, real=True)
        return MappingProxyType(vocab)

    def _definitions(self, vocab: Mapping[str, sp.Symbol]) -> list[Definition]:
        definitions = []
        for text in self.names("definitions"):
            try:
                lhs, rhs = parse_relation(text, symbols=vocab)
            except ParseError as exc:
                self.bad("definitions", f"{text!r} cannot be read: {exc}")
                continue
            if not isinstance(lhs, sp.Symbol):
                self.bad("definitions", f"{text!r} needs a symbol on the left")
                continue
            definitions.append(Definition(lhs, rhs))
        cycle = _cycle(definitions)
        if cycle:
            self.bad(
                "definitions",
                f"circular: {' → '.join(cycle)} (a symbol is defined "
                "through itself, so it can never be written out)",
            )
        return definitions

    def _domain(self, vocab: Mapping[str, sp.Symbol]) -> Domain:
        value = self.entry.get("domain", {})
        if not isinstance(value, dict):
            self.bad("domain", "must be a table: domain = { x = [LOW, HIGH] }")
            return Domain()
        families = {family(s) for s in vocab.values()}
        intervals = {}
        for fam, bounds in value.items():
            numbers = isinstance(bounds, list) and all(
                isinstance(b, int | float) and not isinstance(b, bool) for b in bounds
            )
            if not numbers or len(bounds) not in (2, 3):
                self.bad("domain", f"{fam}: write [LOW, HIGH] or [LOW, HIGH, MARGIN]")
                continue
            low, high, margin = (*map(float, bounds), 0.0)[:3]
            if not all(map(math.isfinite, (low, high, margin))) or margin < 0:
                self.bad("domain", f"{fam}: bounds must be finite and the margin ≥ 0")
            elif not low + margin < high - margin:
                self.bad(
                    "domain",
                    f"{fam}: the interval [{low:g}, {high:g}] (margin {margin:g}) is empty",
                )
            elif fam not in families:
                self.bad("domain", f"{fam!r} is not the family of a vocabulary symbol")
            else:
                intervals[fam] = Interval(low, high, margin)
        return Domain().with_intervals(intervals)

    def _points(self) -> float:
        value = self.entry.get("points", 1)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value <= 0:
            self.bad("points", "must be a number > 0")
            return 1.0
        return float(value)

    def _mistakes(self, vocab: Mapping[str, sp.Symbol]) -> list[Mistake]:
        value = self.entry.get("mistake", [])
        if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
            self.bad("mistake", "write each as a [[exercise.mistake]] table")
            return []
        mistakes = []
        for k, m in enumerate(value, 1):
            key = f"mistake[{k}]"
            for extra in set(m) - MISTAKE_KEYS:
                self.bad(f"{key}.{extra}", "unknown key; known: answer, en, cs")
            texts = {f: m.get(f) for f in ("answer", "en", "cs") if f in m}
            if not all(isinstance(t, str) and t.strip() for t in texts.values()):
                self.bad(key, "answer, en and cs must be non-empty strings")
                continue
            if "answer" not in texts or "en" not in texts:
                self.bad(key, "needs 'answer' and 'en' (feedback; 'cs' too)")
                continue
            expr = self.parse(key, texts["answer"], vocab)
            if expr is not None:
                feedback = {lang: texts[lang] for lang in ("en", "cs") if lang in texts}
                mistakes.append(Mistake(texts["answer"], expr, MappingProxyType(feedback)))
        return mistakes


def _cycle(definitions: Sequence[Definition]) -> list[str]:
    """A cycle among the definitions (``x = x + 1``; ``a = b, b = a``) as names, or []."""
    edges = {d.lhs.name: {s.name for s in d.rhs.free_symbols} for d in definitions}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> list[str]:
        state[name] = 1
        for nxt in sorted(edges.get(name, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [name, nxt]
            if nxt in edges and nxt not in state:
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[name] = 2
        return []

    for start in edges:
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return []


def _read_file(path: Path, builtin_ids: set[str]) -> tuple[list[tuple[Exercise, bool]], list]:
    file = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        reason = f"is not UTF-8 (byte 0x{byte:02X} at offset {exc.start}); save it as UTF-8"
        return [], [Problem(file, "-", "file", reason)]
    except OSError as exc:
        return [], [Problem(file, "-", "file", f"cannot be read: {exc.strerror or exc}")]
    except tomllib.TOMLDecodeError as exc:
        return [], [Problem(file, "-", "toml", str(exc))]
    problems = [
        Problem(file, "-", key, "unknown top-level key (write exercises as [[exercise]] tables)")
        for key in data
        if key != "exercise"
    ]
    entries = data.get("exercise", [])
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(file, "-", "exercise", "no [[exercise]] table in the file"))
        return [], problems
    built: list[tuple[Exercise, bool]] = []
    ids: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            problems.append(Problem(file, f"#{number}", "exercise", "must be a table"))
            continue
        reader = _Entry(entry, file, number)
        ex = reader.build()
        replaces = entry.get("replaces") is True
        if reader.id in ids:
            reader.bad("id", "defined twice in this file")
        ids.add(reader.id)
        if reader.id in builtin_ids and not replaces:
            reader.bad("id", "is a built-in exercise; add replaces = true to replace it")
        elif replaces and reader.id not in builtin_ids:
            reader.bad("replaces", "no built-in exercise has this ID")
        problems += reader.problems
        if ex is not None and not reader.problems:
            built.append((ex, replaces))
    return built, problems


def _load(paths: Iterable[str | Path], builtin: bool) -> tuple[Catalog, list[Problem]]:
    base = catalog() if builtin else {}
    exercises: dict[str, Exercise] = dict(base)
    sources = dict.fromkeys(base, BUILTIN)
    problems: list[Problem] = []
    files = catalog_files(paths)
    seen: dict[str, str] = {}  # ID → the file that defined it first
    for path in files:
        built, found = _read_file(path, set(base))
        problems += found
        for ex, _replaces in built:
            if ex.id in seen:
                problems.append(
                    Problem(str(path), ex.id, "id", f"defined twice (also in {seen[ex.id]})")
                )
                continue
            seen[ex.id] = str(path)
            exercises[ex.id] = ex
            sources[ex.id] = str(path)
    return Catalog(exercises, sources, [str(p) for p in files]), problems


def load_catalogs(paths: Iterable[str | Path], *, builtin: bool = True) -> Catalog:
    """The built-in catalog (unless ``builtin=False``) plus every exercise of ``paths`` (files,
    or directories of ``*.toml``). Raises :class:`CatalogError` listing every problem found."""
    cat, problems = _load(paths, builtin)
    if problems:
        raise CatalogError(problems)
    return cat


def validate(paths: Iterable[str | Path], *, builtin: bool | None = None) -> list[Problem]:
    """Every problem of the catalog files: what :func:`load_catalogs` refuses, plus the
    slower checks of :mod:`derive.homework.validation` (the solution is real on the domain and
    graded correct against itself; each mistake is graded incorrect, with its own feedback)
    for each exercise read from them. The built-in exercises get the same checks when
    ``builtin`` is true (default: when no paths are given)."""
    from .validation import check_exercise  # it needs the grader, which needs this module

    paths = list(paths)
    try:
        cat, problems = _load(paths, True)
    except CatalogError as exc:
        return list(exc.problems)
    check_builtin = not paths if builtin is None else builtin
    for ex_id in cat:
        source = cat.source(ex_id)
        if source != BUILTIN or check_builtin:
            problems += check_exercise(cat[ex_id], source, seconds=VALIDATE_SECONDS)
    return problems


_ACTIVE_PATHS: tuple[str, ...] = ()
_CACHE: dict[tuple, Catalog] = {}


def _stamp(paths: Sequence[str]) -> tuple:
    stamp = []
    for p in paths:
        path = Path(p)
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        for f in files:
            try:
                st = f.stat()
                stamp.append((str(f.resolve()), st.st_mtime_ns, st.st_size))
            except OSError:
                stamp.append((str(f), None, None))
    return tuple(stamp)


def use_catalogs(paths: Iterable[str | Path]) -> Catalog:
    """Load ``paths`` (see :func:`load_catalogs`) and make the result the catalog that
    :func:`derive.homework.exercises.exercise` (so grading) looks in, in this process and in
    worker processes started afterwards. No paths: the built-in catalog alone."""
    global _ACTIVE_PATHS
    names = tuple(str(p) for p in paths)
    key = (names, _stamp(names))
    cat = _CACHE.get(key)
    if cat is None:
        cat = load_catalogs(names)
        _CACHE.clear()
        _CACHE[key] = cat
    set_active_catalog(cat if names else None)
    _ACTIVE_PATHS = names
    return cat


def active_paths() -> tuple[str, ...]:
    """The catalog files made active by :func:`use_catalogs` (``()``: built-in only)."""
    return _ACTIVE_PATHS


def worker_init(paths: tuple[str, ...] = ()) -> None:
    """Initializer of a grading worker: the catalog of ``paths``, loaded before any answer."""
    catalog()
    if paths or _ACTIVE_PATHS:
        use_catalogs(paths)
