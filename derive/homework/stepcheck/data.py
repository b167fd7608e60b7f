"""What a step file is once read, and what checking it reports: lines, chains, verdicts."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ...engine.domain import Interval
from ...engine.steps import Derivation, Substitution, Text

__all__ = ["Chain", "ChainConclusion", "Line", "LineResult", "StepFile", "StepReport"]


@dataclass(frozen=True)
class Line:
    """One non-blank, non-comment line of a step file, as read.

    ``relation``: ``start`` (first line of a chain), ``=``, ``<=>``, ``=>``, ``>``, ``<`` or
    ``subst``; ``lhs``/``expr`` the parsed sides (``expr`` is a :class:`Substitution` for a
    substitution line); ``error`` says why the line is unreadable.
    """

    number: int
    text: str
    relation: str
    lhs: sp.Expr | None = None
    expr: sp.Expr | Substitution | None = None
    error: str | None = None
    #: parts of ``expr`` (``lhs``) as written that must be real, hidden by SymPy's automatic
    #: simplification (``ln(a − 2)`` of ``e^{ln(a − 2)}``), see
    #: :attr:`derive.engine.steps.Step.conditions`
    conditions: tuple[sp.Expr, ...] = ()
    lhs_conditions: tuple[sp.Expr, ...] = ()


@dataclass(frozen=True)
class Chain:
    """Consecutive lines, with the definitions, domain, variable and claims in force."""

    lines: tuple[Line, ...]
    definitions: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    domain_spec: tuple[tuple[str, Interval], ...] = ()
    variable: sp.Symbol | None = None
    claims: tuple[str, ...] = ()
    #: variables read as other symbols than the course's: (symbol, ``substitution``/``domain``)
    rebuilt: tuple[tuple[sp.Symbol, str], ...] = ()


@dataclass(frozen=True)
class StepFile:
    """A parsed step file: its chains and the lines that could not be read outside them."""

    chains: tuple[Chain, ...]
    errors: tuple[Line, ...] = ()
    title: str = ""

    @property
    def claims(self) -> tuple[str, ...]:
        out: list[str] = []
        for c in self.chains:
            out.extend(q for q in c.claims if q not in out)
        return tuple(out)


@dataclass(frozen=True)
class LineResult:
    """The verdict on one line: ``ok``, ``wrong``, ``unverified`` or ``unreadable``."""

    line: int
    text: str
    verdict: str
    detail: str
    method: str = ""
    counterexample: tuple[tuple[str, str], ...] | None = None
    against: int | None = None
    claims: tuple[str, ...] = ()
    #: the engine's verdict behind ``verdict``: proved, numeric, given, refuted, unverified …
    strength: str = ""
    #: ``detail`` in both languages (unreadable lines: the parser's message, in English)
    details: Text | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "text": self.text,
            "verdict": self.verdict,
            "detail": self.detail,
            "method": self.method,
            "against": self.against,
            "counterexample": dict(self.counterexample) if self.counterexample else None,
            "claims": list(self.claims),
            "strength": self.strength,
        }


@dataclass(frozen=True)
class ChainConclusion:
    """Does the chain's last line follow from its first (whatever happened in between)?"""

    first: int
    last: int
    holds: bool | None
    detail: str
    details: Text | None = None


@dataclass(frozen=True)
class StepReport:
    """Per-line verdicts of a step file, and per chain whether its end follows its start."""

    results: tuple[LineResult, ...]
    conclusions: tuple[ChainConclusion, ...] = ()
    source: str = ""
    stepfile: StepFile | None = None
    #: with ``--exercise``: does the last line equal the exercise's reference answer?
    answer: ChainConclusion | None = None

    @property
    def first_wrong(self) -> int | None:
        return next((r.line for r in self.results if r.verdict == "wrong"), None)

    @property
    def exit_code(self) -> int:
        verdicts = {r.verdict for r in self.results}
        if "unreadable" in verdicts:
            return 2
        if verdicts & {"wrong", "unverified"}:
            return 1
        if any(c.holds is False for c in self.conclusions):
            return 1  # every line was accepted, yet the end does not follow from the start
        if self.answer is not None and self.answer.holds is not True:
            return 1  # every step follows, but not to the exercise's answer
        return 0

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.source,
            "steps": [r.as_dict() for r in self.results],
            "first_wrong": self.first_wrong,
            "chains": [
                {"first": c.first, "last": c.last, "holds": c.holds, "detail": c.detail}
                for c in self.conclusions
            ],
            "answer": None
            if self.answer is None
            else {
                "line": self.answer.last,
                "matches": self.answer.holds,
                "detail": self.answer.detail,
            },
        }


@dataclass
class _Built:
    derivation: Derivation
    lines: list[Line]  # the line each step comes from
    notes: dict[int, str]  # step index (1-based) → remark
