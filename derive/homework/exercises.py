"""The homework catalog (``derive/data/exercises.toml``) as validated, frozen data.

Each exercise names its reference answer in :mod:`derive.lecture.closedforms` (never retyped), its
vocabulary, its definitions (``a = σ(z)``, ``z = w x + b``), its domain and its known mistakes
with feedback in English and Czech. Mistakes and definitions are written in the course's
notation and read by :mod:`derive.homework.parse`, like the students' answers.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

import sympy as sp

from ..lecture import closedforms
from .derivatives import resolve_derivatives
from .equivalence import Definition, Domain, Interval
from .parse import (
    ParseError,
    normalise,
    parse_answer,
    parse_relation,
    real_conditions,
    split_relation,
)

__all__ = ["Exercise", "Mistake", "active_catalog", "catalog", "exercise", "set_active_catalog"]


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the feedback it earns."""

    answer: str
    expr: sp.Expr
    feedback: Mapping[str, str]


@dataclass(frozen=True)
class Exercise:
    """One catalog entry; ``reference`` is the closed form the answers are graded against.

    Built-in exercises name it in :mod:`derive.lecture.closedforms` (``reference_name``); an
    instructor's catalog file writes it in the course's notation (``solution``, read by the
    safe parser, see :mod:`derive.homework.catalog`). ``points``: what a correct answer earns.
    """

    id: str
    asks: str
    statement: Mapping[str, str]
    reference_name: str
    reference: sp.Expr
    vocabulary: Mapping[str, sp.Symbol]
    definitions: tuple[Definition, ...]
    domain: Domain
    mistakes: tuple[Mistake, ...]
    variable: sp.Symbol | None = None
    up_to_constant: bool = False
    forbid_sigma_prime: bool = False
    #: conditions the statement makes beyond the domain ("0 < y < 1", "one-hot"): an answer
    #: may repeat them (derive.homework.conditions)
    assumes: tuple[str, ...] = ()
    points: float = 1.0
    solution: str = ""

    def parse(self, text: str) -> tuple[sp.Expr | None, sp.Expr]:
        """:meth:`parse_written` with every written derivative (∂a/∂z, d/dw …) computed under
        this exercise's definitions (:mod:`derive.homework.derivatives`)."""
        lhs, rhs = self.parse_written(text)
        return lhs, resolve_derivatives(rhs, self.definitions)

    def parse_written(self, text: str) -> tuple[sp.Expr | None, sp.Expr]:
        """Read an answer with this exercise's vocabulary; ``lhs = rhs`` is allowed.

        Only the right-hand side is graded, so only it must use the exercise's symbols: the
        left-hand side (``δ^L_j =``, ``∂C_x/∂w^L_{jk} =``) is read with the default rules and
        ignored (None) when it cannot be read.
        """
        lhs_text, rhs_text = split_relation(normalise(text))
        if lhs_text is None:
            return None, parse_answer(text, symbols=self.vocabulary)
        rhs = parse_answer(rhs_text, symbols=self.vocabulary)
        try:
            lhs: sp.Expr | None = parse_answer(lhs_text)
        except ParseError:
            lhs = None
        return lhs, rhs

    def real_conditions(self, text: str) -> tuple[sp.Expr, ...]:
        """The logarithms, roots and non-integer powers of the graded side, as read (they
        must be real on the domain even where SymPy simplified them away)."""
        _lhs_text, rhs_text = split_relation(normalise(text))
        return real_conditions(rhs_text, symbols=self.vocabulary)


def _reference(name: str) -> sp.Expr:
    attr, _, key = name.partition(":")
    value = getattr(closedforms, attr)
    return value[key] if key else value


def _vocabulary(names: list[str]) -> Mapping[str, sp.Symbol]:
    vocab: dict[str, sp.Symbol] = {}
    for name in names:
        sym = parse_answer(name)  # the same reading rules as the answers: same objects
        if not isinstance(sym, sp.Symbol):
            raise ValueError(f"vocabulary entry {name!r} is not a symbol")
        vocab[sym.name] = sym
    return MappingProxyType(vocab)


def _only_real(vocab: Mapping[str, sp.Symbol], names: list[str]) -> Mapping[str, sp.Symbol]:
    """The vocabulary with the named symbols real and nothing more: their family's assumption
    (y ≥ 0, a > 0) is stronger than this exercise's domain (a linear output's target y_j)."""
    out = dict(vocab)
    for name in names:
        sym = parse_answer(name)
        if sym.name not in out:
            raise ValueError(f"'real' entry {name!r} is not in the vocabulary")
        out[sym.name] = sp.Symbol(sym.name, real=True)
    return MappingProxyType(out)


def _relabelled(expr: sp.Expr, vocab: Mapping[str, sp.Symbol], names: list[str]) -> sp.Expr:
    """``expr`` with the symbols made only real (see :func:`_only_real`) replaced by name."""
    real = {parse_answer(n).name for n in names}
    return expr.xreplace({s: vocab[s.name] for s in expr.free_symbols if s.name in real})


def _build(entry: dict) -> Exercise:
    vocab = _only_real(_vocabulary(entry["vocabulary"]), entry.get("real", []))
    definitions = []
    for text in entry.get("definitions", []):
        lhs, rhs = parse_relation(text, symbols=vocab)
        if not isinstance(lhs, sp.Symbol):
            raise ValueError(f"{entry['id']}: definition {text!r} needs a symbol on the left")
        definitions.append(Definition(lhs, rhs))
    domain = Domain().with_intervals(
        {fam: Interval.from_bounds(*bounds) for fam, bounds in entry.get("domain", {}).items()}
    )
    mistakes = tuple(
        Mistake(
            m["answer"], parse_answer(m["answer"], symbols=vocab), {"en": m["en"], "cs": m["cs"]}
        )
        for m in entry.get("mistake", [])
    )
    variable = None
    if "variable" in entry:
        variable = parse_answer(entry["variable"], symbols=vocab)
    return Exercise(
        id=entry["id"],
        asks=entry.get("asks", ""),
        statement=MappingProxyType(dict(entry["statement"])),
        reference_name=entry["reference"],
        reference=_relabelled(_reference(entry["reference"]), vocab, entry.get("real", [])),
        vocabulary=vocab,
        definitions=tuple(definitions),
        domain=domain,
        mistakes=mistakes,
        variable=variable,
        up_to_constant=bool(entry.get("up_to_constant", False)),
        forbid_sigma_prime=bool(entry.get("forbid_sigma_prime", False)),
        assumes=tuple(entry.get("assumes", ())),
        points=float(entry.get("points", 1)),
    )


@cache
def catalog() -> Mapping[str, Exercise]:
    """Every exercise, by its stable ID, in catalog order."""
    raw = resources.files("derive").joinpath("data/exercises.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(raw)["exercise"]
    return MappingProxyType({e["id"]: _build(e) for e in entries})


_ACTIVE: Mapping[str, Exercise] | None = None


def set_active_catalog(exercises: Mapping[str, Exercise] | None) -> None:
    """Make ``exercises`` the catalog that :func:`exercise` looks in (None: the built-in one).

    Process-wide: worker processes forked afterwards inherit it (see
    :func:`derive.homework.catalog.use_catalogs`, which also loads it in fresh workers).
    """
    global _ACTIVE
    _ACTIVE = exercises


def active_catalog() -> Mapping[str, Exercise]:
    """The catalog in use: the built-in one plus any instructor's files made active."""
    return catalog() if _ACTIVE is None else _ACTIVE


def exercise(exercise_id: str) -> Exercise:
    """One exercise of the active catalog; ``KeyError`` naming the nearest known IDs (or all
    of them) when unknown."""
    known = active_catalog()
    try:
        return known[exercise_id]
    except KeyError:
        raise KeyError(unknown_exercise_message(exercise_id, known)) from None


def nearest_ids(exercise_id: str, known: Iterable[str]) -> list[str]:
    """The known IDs closest to a mistyped one (``ce_db`` → ``ce-db``), best first."""
    wanted, known = exercise_id.replace("_", "-").strip().lower(), list(known)
    if wanted in known:
        return [wanted]
    return difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)


def unknown_exercise_message(exercise_id: str, known: Iterable[str]) -> str:
    """``unknown exercise 'ce_db'; did you mean ce-db?`` (or the list of known IDs)."""
    known = list(known)
    near = nearest_ids(exercise_id, known)
    if near:
        return f"unknown exercise {exercise_id!r}; did you mean {' or '.join(near)}?"
    return f"unknown exercise {exercise_id!r}; known: {', '.join(known)}"
