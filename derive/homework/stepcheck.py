"""Step files: a chain of expressions, one per line, checked line against line.

A step file is plain text in LaTeX or plain notation (read by
:func:`derive.homework.parse.parse_answer`, never by ``eval``)::

    % a comment (also after an expression)
    %! define: a = \\sigma(z)          directives: define, domain, variable, claims
    C = \\int \\frac{a - y}{a(1 - a)} \\, da
    = \\int \\frac{a}{a(1 - a)} da - y \\int \\frac{1}{a(1 - a)} da
    [t = \\frac{1}{a} - 1,\\ dt = -\\frac{1}{a^2}\\,da]
    = ...

* The first line of a chain is ``LHS = expr`` or ``expr``; each further line ``= expr`` (or
  just ``expr``), ``\\iff …`` / ``\\implies …`` between equations, or ``> 0`` / ``< 0`` (a
  fact about the line before). A blank line starts a new chain.
* ``[t = g(a), dt = g'(a) da]`` declares a substitution; the declared ``g'`` is checked
  against ``d g/d a``, and later integrals ``∫ … dt`` are differentiated with the true one.
  In its chain ``t`` carries only what is proved about ``g`` on the domain (positive,
  negative, or just real), not the course's ``t > 0``; a ``%! domain:`` interval that
  contradicts a letter's assumptions (``a in (-1, 1)``) rebuilds the letter with what the
  interval says, or is refused (exit 2) where that is impossible (layer symbols, ``n``).
* Integrals are indefinite: once a chain contains an integral or ``+ const`` / ``+ C``,
  each step is judged up to an additive constant, by differentiating the difference.
* ``LHS`` is checked when it can be computed (``∂C/∂w`` once ``C`` is defined, by a
  directive, the exercise or an earlier chain ``C = …``); otherwise the first line is given.
  A first line ``X = expr`` with ``X`` undefined defines ``X`` for the chains after it.

Every line is judged against the line before it, right or wrong (an error does not
cascade; the report says when the line before was itself wrong), by
:func:`derive.engine.verify.verify`: the same engine, methods and random-point evidence as the
toolkit's own derivations. Verdicts per line: ``ok`` (proved, or supported numerically, or
given), ``wrong`` (a point where the two sides differ, or the derivative the substitution
really has), ``unverified`` (SymPy could neither prove nor refute it) and ``unreadable``
(where and why).

CLI: ``python -m derive.stepcheck FILE [--exercise ID] [--domain 'y:(0,1)'] [--json]
[--lang en|cs] [--timeout S]`` (also ``--steps FILE``, the form ``python -m derive.check``
passes on). The file is checked in a worker process killed after ``S`` seconds. With
``--exercise``, the last line is also compared with the exercise's reference answer. Exit 0
if every line is ok (and the last is the answer), 1 if a line is wrong or unverified (or the
last line is not the answer, or a chain's last line, compared directly with its first under
the chain's substitutions, is refuted: then the line verdicts cannot all be right), 2 if a
line is unreadable or the input is bad (an unreadable line wins over a wrong one).

Two readings are the step file's, not the parser's: ``∂σ/∂w_j``, ``∂a/∂w`` (σ or a symbol
over ∂) become an unevaluated derivative, so that the definitions (``z = w_j x_j + …``) apply
before differentiating (the parser differentiates at once, which gives 0 or an error); and an
additive ``C`` in an antiderivative is the integration constant.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

from ..engine import render
from ..engine.calculus import CONST, has_indefinite_integral
from ..engine.indexing import family_derivatives
from ..engine.domain import DEFAULT, UNIT_CLOSED, UNIT_OPEN, Domain, Interval
from ..engine.notation import SampleSum, expand_sigma_prime, sigma, z
from ..engine.sign import prove_sign
from ..engine.steps import Derivation, Relation, Step, Substitution, Text
from ..engine.verify import StepResult, Verdict, verify
from .parse import (
    ParseError,
    normalise,
    parse_answer,
    parse_relation,
    real_conditions,
    split_relation,
)

__all__ = [
    "LANGS",
    "MAX_LINES",
    "Chain",
    "ChainConclusion",
    "Line",
    "LineResult",
    "StepFile",
    "StepReport",
    "check_file",
    "check_steps",
    "check_text",
    "format_report",
    "main",
    "parse_domain",
    "read_steps",
]

R = Relation
#: the report languages; every detail is written in each
LANGS = ("en", "cs")

# --------------------------------------------------------------------------- phrases

_PHRASES: dict[str, dict[str, str]] = {
    "ok": {"en": "ok", "cs": "v pořádku"},
    "wrong": {"en": "wrong", "cs": "chyba"},
    "unverified": {"en": "unverified", "cs": "neověřeno"},
    "unreadable": {"en": "unreadable", "cs": "nečitelné"},
    "proved": {"en": "proved symbolically ({m})", "cs": "dokázáno symbolicky ({m})"},
    "numeric": {
        "en": "agrees at {n} random points (evidence, not a proof)",
        "cs": "shoda v {n} náhodných bodech (doklad, ne důkaz)",
    },
    "given": {"en": "given", "cs": "zadáno"},
    "given_lhs": {
        "en": "given ({lhs} is not defined here, so this line is taken as given)",
        "cs": "zadáno ({lhs} zde není definováno, řádek se bere jako zadání)",
    },
    "defines": {"en": "given: defines {lhs}", "cs": "zadáno: definuje {lhs}"},
    "premise": {"en": "given: the premise", "cs": "zadáno: předpoklad"},
    "differs": {"en": "the two sides differ at {pt}", "cs": "obě strany se liší v bodě {pt}"},
    "differs_plain": {"en": "the two sides differ", "cs": "obě strany se liší"},
    "differs_derivative": {
        "en": "not equal up to a constant: the derivatives d/d{v} of the two sides differ at {pt}",
        "cs": "nerovnají se ani až na konstantu: derivace d/d{v} obou stran se liší v bodě {pt}",
    },
    "with_substitution": {
        "en": "with the substitution of line {line}, differentiated with its true derivative",
        "cs": "se substitucí z řádku {line}, derivovanou její skutečnou derivací",
    },
    "substituted": {
        "en": "with {v} = {g} from line {line}",
        "cs": "s {v} = {g} z řádku {line}",
    },
    "rebuilt_substitution": {
        "en": "{v} is taken as a {kind} variable here (what is proved about {g} on the "
        "domain), not as the course's {v}",
        "cs": "{v} se zde bere jako {kind} proměnná (co je o {g} na oboru dokázáno), "
        "ne jako {v} z notace kurzu",
    },
    "rebuilt_domain": {
        "en": "{v} is taken as a {kind} variable, as its declared domain says, "
        "not as the course's {v}",
        "cs": "{v} se bere jako {kind} proměnná, jak říká její zadaný obor, "
        "ne jako {v} z notace kurzu",
    },
    "kind_positive": {"en": "positive", "cs": "kladná"},
    "kind_negative": {"en": "negative", "cs": "záporná"},
    "kind_real": {"en": "real", "cs": "reálná"},
    "chain_fails": {
        "en": "not verified: the last line of chain {first}–{last} does not follow from its first",
        "cs": "neověřeno: poslední řádek řetězce {first}–{last} neodpovídá prvnímu",
    },
    "no_equation": {"en": "a premise must be an equation", "cs": "předpoklad musí být rovnice"},
    "by": {"en": "difference", "cs": "rozdíl"},
    "true_value": {
        "en": "line {line} actually equals {value}",
        "cs": "řádek {line} se ve skutečnosti rovná {value}",
    },
    "lhs_value": {
        "en": "{lhs} actually equals {value}",
        "cs": "{lhs} se ve skutečnosti rovná {value}",
    },
    "substitution_ok": {
        "en": "d{v}/d{w} = {d}, as declared",
        "cs": "d{v}/d{w} = {d}, jak je uvedeno",
    },
    "substitution_wrong": {
        "en": "d{v}/d{w} = {d}, not {claimed}",
        "cs": "d{v}/d{w} = {d}, ne {claimed}",
    },
    "after_wrong": {
        "en": "judged against line {line}, which is itself wrong",
        "cs": "posouzeno vůči řádku {line}, který je sám chybný",
    },
    "after_unreadable": {
        "en": "judged against line {line} (line {skipped} is unreadable)",
        "cs": "posouzeno vůči řádku {line} (řádek {skipped} je nečitelný)",
    },
    "up_to_constant": {"en": "up to a constant", "cs": "až na konstantu"},
    "constant_depends": {
        "en": "up to a constant (independent of {v}; it may depend on {deps})",
        "cs": "až na konstantu (nezávislou na {v}; může záviset na {deps})",
    },
    "rebuilt_definition": {
        "en": "{v} is taken as a {kind} variable here (what is proved about its definition "
        "{g} on the domain), not as the course's {v}",
        "cs": "{v} se zde bere jako {kind} proměnná (co je o její definici {g} na oboru "
        "dokázáno), ne jako {v} z notace kurzu",
    },
    "first_wrong": {
        "en": "first line that does not follow: {line}",
        "cs": "první chybný řádek: {line}",
    },
    "all_ok": {"en": "every line follows", "cs": "všechny řádky platí"},
    "conclusion": {
        "en": "chain {first}–{last}: the last line {verdict} the first",
        "cs": "řetězec {first}–{last}: poslední řádek {verdict} prvnímu",
    },
    "conclusion_holds": {"en": "follows from", "cs": "odpovídá"},
    "conclusion_fails": {"en": "does not follow from", "cs": "neodpovídá"},
    "conclusion_unknown": {"en": "was not compared with", "cs": "nebyl porovnán s"},
    "answer_ok": {
        "en": "line {line} is the answer of exercise {ex}: {ref}",
        "cs": "řádek {line} je výsledkem úlohy {ex}: {ref}",
    },
    "answer_wrong": {
        "en": "line {line} is not the answer of exercise {ex}",
        "cs": "řádek {line} není výsledkem úlohy {ex}",
    },
    "answer_unknown": {
        "en": "line {line} was not compared with the answer of exercise {ex}",
        "cs": "řádek {line} nebyl porovnán s výsledkem úlohy {ex}",
    },
    "no_previous": {"en": "no previous line to compare with", "cs": "chybí předchozí řádek"},
}


def _p(key: str, lang: str, **kw: object) -> str:
    return _PHRASES[key][lang].format(**kw)


# --------------------------------------------------------------------------- data


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
    #: simplification (``ln(a − 2)`` of ``e^{ln(a − 2)}``): :attr:`derive.engine.steps.Step.conditions`
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


# --------------------------------------------------------------------------- reading

_LEADING = (
    (re.compile(r"^(?:\\Longleftrightarrow|\\Leftrightarrow|\\iff|<=>|⇔)(?![A-Za-z])"), "<=>"),
    (re.compile(r"^(?:\\Longrightarrow|\\Rightarrow|\\implies|=>|⇒)(?![A-Za-z])"), "=>"),
    (re.compile(r"^(?:&\s*)?="), "="),
    (re.compile(r"^>"), ">"),
    (re.compile(r"^<"), "<"),
)
_TRAILING = re.compile(r"(?:\s|\\\\|&|=|\\quad|\\qquad|[.,;])+$")
_DIFFERENTIAL = r"(?<![A-Za-z\\])(?:\\mathrm\{d\}|d)\s*{v}(?![A-Za-z])"
#: ∂f/∂v whose numerator the parser would differentiate at once (to 0): σ, σ(·), a symbol
_PARTIAL = re.compile(
    r"\\frac\s*\{\s*\\partial\s*(?P<f>\\sigma(?:\s*\((?P<arg>[^(){}]*)\))?"
    r"|[a-z](?:_\{?[A-Za-z0-9]+\}?)?(?:\^\{?[A-Za-z0-9+\-]+\}?)?(?:_\{?[A-Za-z0-9]+\}?)?)\s*\}"
    r"\s*\{\s*\\partial\s*(?P<v>[^{}]+?)\s*\}"
)
_PLACEHOLDER = "theta"
#: longest step file accepted, in lines
MAX_LINES = 300
#: default wall-time limit of the CLI for one file, in seconds
DEFAULT_TIMEOUT = 60.0


def _strip_comment(raw: str) -> str:
    m = re.search(r"(?<!\\)%", raw)
    return raw if m is None else raw[: m.start()]


def _family(sym: sp.Basic) -> str:
    name = getattr(sym, "name", "")
    return re.split(r"[\^_]", name, maxsplit=1)[0]


#: words the parser reads whole (functions, Greek letters, ``const``): never renamed
_WORDS = frozenset(
    "const sqrt sigmoid sigma ln log exp delta eta lambda epsilon alpha beta gamma theta mu pi"
    " mathrm operatorname text".split()
)
#: only lines with a logarithm, a root or a power can hide a part that is not real
_MAY_HIDE = re.compile(r"ln|log|sqrt|\^|\*\*|√")
#: stand-in letters for a renamed variable, tried in turn (none is special to the parser:
#: not e, d, C, l/L (a layer index), nor a letter of the course's notation)
_STAND_INS = "kvjhqgmpfoirc"


class _Reader:
    """Reads expressions with the file's vocabulary and definitions in force.

    ``rename`` maps a letter to the symbol it must stand for on these lines (a substitution
    variable, or a variable whose domain is overridden), instead of the course's symbol with
    its assumptions (``t > 0``): the parser would otherwise simplify with them at once
    (``\\sqrt{t^2}`` → ``t``). Without a vocabulary the letter is replaced in the text by an
    unused letter (a plain real symbol to the parser) and mapped back after reading.
    """

    def __init__(
        self,
        symbols: Mapping[str, sp.Symbol] | None,
        rename: Mapping[str, sp.Symbol] | None = None,
    ) -> None:
        self.rename = dict(rename or {})
        self.symbols = None if symbols is None else {**symbols, **self.rename}
        #: the conditions of the last expression read (see :meth:`_parse_plain`)
        self.last_conditions: tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]] = ((), ())

    def renamed(self, rename: Mapping[str, sp.Symbol]) -> _Reader:
        """The same reader with ``rename`` in force (the base vocabulary kept)."""
        base = None
        if self.symbols is not None:
            base = {k: v for k, v in self.symbols.items() if k not in self.rename}
        return _Reader(base, rename)

    def _parse(self, text: str, relation: bool) -> tuple[sp.Expr | None, sp.Expr]:
        lhs, rhs, self.last_conditions = self._parse_read(text, relation)
        return lhs, rhs

    def _parse_read(self, text: str, relation: bool) -> tuple[sp.Expr | None, sp.Expr, tuple]:
        if self.rename and self.symbols is None:
            return self._parse_renamed(text, relation)
        return self._parse_plain(text, relation)

    def _parse_plain(self, text: str, relation: bool) -> tuple[sp.Expr | None, sp.Expr, tuple]:
        """(lhs, rhs, (lhs conditions, rhs conditions)): the conditions are the logarithms,
        roots and fractional powers as written that SymPy's reading no longer shows."""
        text, partials = self._protect_partials(text)
        symbols = self.symbols
        if symbols is not None and partials:
            symbols = {**symbols, **{k: sp.Symbol(k, real=True) for k in partials}}
        if relation:
            lhs, rhs = parse_relation(text, symbols=symbols)
        else:
            lhs, rhs = None, parse_answer(text, symbols=symbols)
        lhs_text, rhs_text = split_relation(text) if relation and lhs is not None else (None, text)

        def restore(e: sp.Expr | None) -> sp.Expr | None:
            if e is None or not partials:
                return e
            return e.xreplace({sp.Symbol(k, real=True): v for k, v in partials.items()})

        def hidden(side: str | None, read: sp.Expr | None) -> tuple[sp.Expr, ...]:
            if side is None or read is None or not _MAY_HIDE.search(side):
                return ()
            try:
                found = real_conditions(side, symbols=symbols)
            except ParseError:
                return ()
            return tuple(restore(q) for q in found if not read.has(q))

        conds = (hidden(lhs_text, lhs), hidden(rhs_text, rhs))
        return restore(lhs), restore(rhs), conds

    def _parse_renamed(self, text: str, relation: bool) -> tuple[sp.Expr | None, sp.Expr]:
        """Read ``text`` with each renamed letter standing for its new symbol.

        Checked: the line read with the course's symbols must be what this reading gives once
        the new symbols are put back to the course's ones (so no other letter was touched),
        and no course symbol of a renamed letter may be left in it.
        """
        plain = _Reader(None)
        original = plain._parse_plain(text, relation)[:2]
        norm = normalise(text)
        used = set(re.findall(r"[A-Za-z]", norm))
        free = [ch for ch in _STAND_INS if ch not in used]
        if len(free) < len(self.rename):
            raise ParseError("this line uses too many letters to re-read its variables")
        stand = dict(zip(self.rename, free, strict=False))
        pieces, touched = [], set()
        for m in re.finditer(r"\\[A-Za-z]+|[A-Za-z]+|.", norm, flags=re.S):
            tok = m.group(0)
            if tok.startswith("\\") or not tok[0].isalpha() or tok in _WORDS:
                pieces.append(tok)
                continue
            subscripted = re.match(r"\s*_", norm[m.end() :]) is not None
            chars = [stand.get(ch, ch) for ch in tok]
            if subscripted:  # t_j is its own symbol (the family's), not the variable t
                chars[-1] = tok[-1]
            touched |= {ch for ch, new in zip(tok, chars, strict=True) if ch != new}
            pieces.append("".join(chars))
        if not touched:
            return plain._parse_plain(text, relation)
        stand = {k: v for k, v in stand.items() if k in touched}
        *read, conds = plain._parse_plain("".join(pieces), relation)
        letters = {sp.Symbol(v, real=True): k for k, v in stand.items()}
        course = {_course_symbol(k) for k in stand}
        for new, old in zip(read, original, strict=True):
            if new is None:
                continue
            as_course = new.xreplace({q: _course_symbol(k) for q, k in letters.items()})
            try:
                same = as_course == old or sp.expand(as_course - old) == 0
            except Exception:  # not comparable: treated as different
                same = False
            if new.atoms(sp.Symbol) & course or not same:
                raise ParseError(f"could not re-read {', '.join(stand)} as its own variable here")
        back = {q: self.rename[k] for q, k in letters.items()}
        lhs, rhs = (None if e is None else e.xreplace(back) for e in read)
        conds = tuple(tuple(q.xreplace(back) for q in side) for side in conds)
        return lhs, rhs, conds

    def _protect_partials(self, text: str) -> tuple[str, dict[str, sp.Expr]]:
        """∂σ/∂w_j, ∂a/∂w … → an unevaluated Derivative (the parser would give 0 at once)."""
        if _PLACEHOLDER in text:
            return text, {}
        found: dict[str, sp.Expr] = {}

        def sub(m: re.Match[str]) -> str:
            f_text = m.group("f")
            if f_text.startswith("\\sigma") and m.group("arg") is None:
                f = sigma(z)  # the lecture's shorthand: σ stands for σ(z)
            else:
                f = parse_answer(f_text, symbols=self.symbols)
            v = parse_answer(m.group("v"), symbols=self.symbols)
            if not isinstance(v, sp.Symbol):
                raise ParseError(f"∂/∂{m.group('v')}: not a variable")
            key = f"{_PLACEHOLDER}_{{{len(found) + 1}}}"
            found[f"{_PLACEHOLDER}_{len(found) + 1}"] = sp.Derivative(f, v)
            return f" {key} "

        new = _PARTIAL.sub(sub, text)
        return new, found

    def expression(self, text: str) -> sp.Expr:
        return self._parse(text, relation=False)[1]

    def relation(self, text: str) -> tuple[sp.Expr | None, sp.Expr]:
        return self._parse(text, relation=True)

    def substitution(self, text: str) -> Substitution:
        """``t = g(a), dt = g'(a) da`` (brackets removed)."""
        text = re.sub(r"\\[,;:! ]", " ", text)  # LaTeX spacing (\, contains a comma)
        parts = _split_top(text, ",")
        if len(parts) != 2:
            raise ParseError("a substitution is [t = g(a), dt = g'(a) da]: two parts, a comma")
        lhs, g = self.relation(parts[0])
        if not isinstance(lhs, sp.Symbol):
            raise ParseError(f"{parts[0].strip()!r}: the new variable must be a single symbol")
        m = re.match(r"^\s*(?:\\mathrm\{d\}|d)\s*([A-Za-z])\s*=(.*)$", parts[1].strip())
        if m is None or m.group(1) != lhs.name:
            raise ParseError(f"the second part must be d{lhs.name} = … d<variable>")
        body = m.group(2)
        candidates = sorted(
            (s_ for s_ in g.free_symbols if isinstance(s_, sp.Symbol)), key=lambda q: q.name
        )
        for wrt in candidates:
            pattern = re.compile(_DIFFERENTIAL.replace("{v}", re.escape(wrt.name)))
            if pattern.search(body):
                marked = pattern.sub(f" {_PLACEHOLDER} ", body, count=1)
                if _PLACEHOLDER in body or len(pattern.findall(body)) > 1:
                    raise ParseError(f"d{wrt.name} must appear once")
                symbols = self.symbols
                if symbols is not None:
                    symbols = {**symbols, _PLACEHOLDER: sp.Symbol(_PLACEHOLDER, real=True)}
                e = parse_answer(marked, symbols=symbols)
                mark = sp.Symbol(_PLACEHOLDER, real=True)
                coeff = sp.diff(e, mark)
                if coeff.has(mark) or sp.expand(e - coeff * mark) != 0:
                    raise ParseError(f"d{lhs.name} must be a multiple of d{wrt.name}")
                return Substitution(lhs, g, coeff, wrt)
        raise ParseError(f"no d<variable> of {sp.sstr(g)} found in {body.strip()!r}")


def _course_symbol(name: str) -> sp.Basic:
    """The symbol the parser gives a lone letter (the course's ``t`` is positive)."""
    return parse_answer(name)


def _split_top(text: str, sep: str) -> list[str]:
    depth, out, cur = 0, [], []
    for ch in text:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _interval(spec: str) -> Interval:
    m = re.fullmatch(
        r"\s*([(\[])\s*([-+0-9.eE]+|-?inf)\s*,\s*([-+0-9.eE]+|-?inf)\s*([)\]])\s*", spec
    )
    if m is None:
        raise ValueError(f"{spec!r} is not an interval such as (0, 1) or [0, 1]")
    lo, hi = float(m.group(2)), float(m.group(3))
    if not lo < hi:
        raise ValueError(f"{spec!r}: the lower end must be below the upper end")
    return Interval(lo, hi, m.group(1) == "(", m.group(4) == ")")


def parse_domain(spec: str) -> tuple[str, Interval]:
    """``y in (0,1)``, ``y:(0,1)`` → (family ``'y'``, interval); the family covers ``y_j`` …"""
    m = re.fullmatch(r"\s*([A-Za-z]+)\s*(?:\\in|in|=|∈|:)\s*(.+)", spec)
    if m is None:
        raise ValueError(f"{spec!r} is not a domain such as 'y in (0, 1)' or 'y:(0,1)'")
    return m.group(1), _interval(m.group(2))


@dataclass
class _FileState:
    reader: _Reader
    definitions: list[tuple[sp.Symbol, sp.Expr]] = field(default_factory=list)
    domain_spec: list[tuple[str, Interval]] = field(default_factory=list)
    variable: sp.Symbol | None = None
    claims: tuple[str, ...] = ()
    title: str = ""


def _directive(body: str, state: _FileState) -> None:
    key, _, value = body.partition(":")
    key, value = key.strip().lower(), value.strip()
    if key == "define":
        for part in _split_top(value, ";"):
            lhs, rhs = state.reader.relation(part)
            if not isinstance(lhs, sp.Symbol):
                raise ParseError(f"define: {part.strip()!r} needs a symbol on the left")
            state.definitions.append((lhs, rhs))
    elif key == "domain":
        for part in _split_top(value, ";"):
            state.domain_spec.append(parse_domain(part))
    elif key == "variable":
        v = state.reader.expression(value)
        if not isinstance(v, sp.Symbol):
            raise ParseError(f"variable: {value!r} is not a symbol")
        state.variable = v
    elif key == "claims":
        state.claims = tuple(q.strip() for q in value.split(",") if q.strip())
    elif key == "title":
        state.title = value
    else:
        raise ParseError(f"unknown directive {key!r} (define, domain, variable, claims, title)")


def read_steps(
    text: str,
    *,
    symbols: Mapping[str, sp.Symbol] | None = None,
    definitions: Sequence[tuple[sp.Symbol, sp.Expr]] = (),
    domain_spec: Sequence[tuple[str, Interval]] = (),
    variable: sp.Symbol | None = None,
) -> StepFile:
    """Parse a step file into chains (no checking). Unreadable lines are kept with the error.

    Read twice when needed: a substitution variable (``[t = g(a), …]``) must carry only what
    is proved about ``g`` on the domain, and a variable whose domain is overridden only what
    its interval says, yet the parser gives the course's symbols with their assumptions
    (``t > 0``, ``a > 0``) and simplifies with them at once. The first reading finds the
    declarations; the chains that have such a variable are read again with it rebuilt
    (:func:`_rebuilt_symbols`).
    """
    if text.count("\n") >= MAX_LINES:
        raise ValueError(f"a step file has at most {MAX_LINES} lines")
    args = (text, symbols, definitions, domain_spec, variable)
    first = _read_all(*args, {})
    rebuilt = [_rebuilt_symbols(chain, symbols) for chain in first.chains]
    if not any(rebuilt):
        return first
    by_line: dict[int, dict[str, sp.Symbol]] = {}
    for chain, table in zip(first.chains, rebuilt, strict=True):
        if table:
            rename = {name: sym for name, (sym, _) in table.items()}
            for number in range(chain.lines[0].number, chain.lines[-1].number + 1):
                by_line[number] = rename
    second = _read_all(*args, by_line)
    if len(second.chains) != len(first.chains):  # the same lines, so the same chains
        raise AssertionError("a step file read twice gave different chains")
    chains = tuple(
        replace(
            c,
            rebuilt=tuple((sym, why) for sym, why in table.values()),
            definitions=_renamed_definitions(c.definitions, table, symbols),
        )
        for c, table in zip(second.chains, rebuilt, strict=True)
    )
    return replace(second, chains=chains)


def _renamed_definitions(
    defs: Sequence[tuple[sp.Symbol, sp.Expr]],
    table: Mapping[str, tuple[sp.Symbol, str]],
    symbols: Mapping[str, sp.Symbol] | None,
) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """The definitions in the chain's rebuilt letters (``t = a − 1`` for the real ``t``)."""
    mapping = {
        old: new
        for name, (new, why) in table.items()
        if why == "definition" and (old := _symbol_of(name, symbols)) is not None
    }
    if not mapping:
        return tuple(defs)
    return tuple((lhs.xreplace(mapping), rhs.xreplace(mapping)) for lhs, rhs in defs)


def _read_all(
    text: str,
    symbols: Mapping[str, sp.Symbol] | None,
    definitions: Sequence[tuple[sp.Symbol, sp.Expr]],
    domain_spec: Sequence[tuple[str, Interval]],
    variable: sp.Symbol | None,
    renames: Mapping[int, Mapping[str, sp.Symbol]],
) -> StepFile:
    """One reading of a step file; ``renames``: line number → letters read as other symbols."""
    state = _FileState(_Reader(symbols), list(definitions), list(domain_spec), variable=variable)
    readers: dict[int, _Reader] = {}
    chains: list[Chain] = []
    errors: list[Line] = []
    current: list[Line] = []
    snapshot: Chain | None = None

    def close() -> None:
        nonlocal current, snapshot
        if current and snapshot is not None:
            chains.append(replace(snapshot, lines=tuple(current)))
            first = current[0]
            premise = len(current) > 1 and current[1].relation in ("<=>", "=>")
            if first.error is None and first.lhs is not None and not premise:
                # X = expr defines X for the chains after this one; a premise (a = y ⇔ …)
                # holds only inside its own chain
                _maybe_define(first, state, snapshot)
        current, snapshot = [], None

    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("%!"):
            try:
                _directive(stripped[2:], state)
            except (ParseError, ValueError) as exc:
                errors.append(Line(number, stripped, "directive", error=str(exc)))
            continue
        body = _strip_comment(raw).strip()
        if not body:
            if not stripped:  # a blank line (not a comment line) ends the chain
                close()
            continue
        if snapshot is None:
            snapshot = Chain(
                (),
                tuple(state.definitions),
                tuple(state.domain_spec),
                state.variable,
                state.claims,
            )
        rename = renames.get(number)
        reader = state.reader
        if rename:
            reader = readers.setdefault(id(rename), state.reader.renamed(rename))
        current.append(_read_line(number, body, not current, reader))
    close()
    return StepFile(tuple(chains), tuple(errors), state.title)


#: what an interval can contradict (an interval says nothing against ``integer``)
_SIGN_FACTS = ("positive", "nonnegative", "negative", "nonpositive", "nonzero")


def _interval_assumptions(iv: Interval) -> dict[str, bool]:
    """What a real variable on ``iv`` is: positive, nonnegative, negative, nonpositive or real."""
    if iv.low > 0 or (iv.low == 0 and iv.low_open):
        return {"positive": True}
    if iv.low >= 0:
        return {"nonnegative": True}
    if iv.high < 0 or (iv.high == 0 and iv.high_open):
        return {"negative": True}
    if iv.high <= 0:
        return {"nonpositive": True}
    return {"real": True}


def _unproved_facts(
    sym: sp.Basic, allowed: sp.Symbol, facts: Sequence[str] = _SIGN_FACTS
) -> list[str]:
    """The ``facts`` ``sym`` carries that ``allowed`` (what is known) does not."""
    return [
        f
        for f in facts
        if getattr(sym, f"is_{f}") is True and getattr(allowed, f"is_{f}") is not True
    ]


def _symbol_of(name: str, symbols: Mapping[str, sp.Symbol] | None) -> sp.Basic | None:
    """The symbol a lone ``name`` is read as (the vocabulary's, else the course's)."""
    if symbols is not None:
        return symbols.get(name)
    try:
        sym = parse_answer(name)
    except ParseError:
        return None
    return sym if isinstance(sym, sp.Symbol) else None


def _rebuilt_symbols(
    chain: Chain, symbols: Mapping[str, sp.Symbol] | None
) -> dict[str, tuple[sp.Symbol, str]]:
    """Letters of ``chain`` to read as new symbols: name → (symbol, why).

    * a ``%! domain:`` interval that contradicts the symbol's assumptions (``a in (-1, 1)``
      with the course's ``a > 0``): a symbol with exactly what the interval says;
    * a substitution variable ``[t = g, …]`` whose assumptions (the course's ``t > 0``) are
      not proved for ``g`` on the chain's domain (:func:`derive.engine.sign.prove_sign`):
      positive if ``g > 0`` is proved, negative if ``g < 0`` is, else only real.

    Integer symbols, families that are not a single letter and an exercise's vocabulary (its
    definitions use its own symbols) are not rebuilt for a domain; a domain that contradicts
    them is refused by :func:`_check_assumptions`.
    """
    out: dict[str, tuple[sp.Symbol, str]] = {}
    for fam, iv in dict(chain.domain_spec).items():
        sym = _symbol_of(fam, symbols)
        if sym is None or symbols is not None or len(fam) != 1 or sym.is_integer:
            continue  # an exercise's definitions use its own symbols: refused, not rebuilt
        target = sp.Symbol(fam, **_interval_assumptions(iv))
        if _unproved_facts(sym, target):
            out[fam] = (target, "domain")
    by_domain = {_symbol_of(k, symbols): v for k, (v, _) in out.items()}
    values: dict[sp.Symbol, list[sp.Expr]] = {}
    for ln in chain.lines:
        if isinstance(ln.expr, Substitution):
            values.setdefault(ln.expr.variable, []).append(ln.expr.expr.xreplace(by_domain))
    for var, gs in values.items():
        domain = _domain(chain, gs)
        positive = all(_proved_sign(g, domain, True) for g in gs)
        negative = not positive and all(_proved_sign(g, domain, False) for g in gs)
        facts = {"positive": True} if positive else {"negative": True} if negative else {}
        target = sp.Symbol(var.name, real=True, **facts)
        unproved = _unproved_facts(var, target, (*_SIGN_FACTS, "integer"))
        if unproved and (symbols is not None or len(var.name) == 1):
            out[var.name] = (target, "substitution")
    for sym, value in chain.definitions:
        # a letter a definition gives a value carries only what is proved about the value:
        # with t = a − 1 the course's t > 0 would read √(t²) as t
        if not isinstance(sym, sp.Symbol) or sym.name in out:
            continue
        if not any(getattr(sym, f"is_{f}") is True for f in _SIGN_FACTS):
            continue
        if symbols is None and len(sym.name) != 1:
            continue
        value = value.xreplace(by_domain)
        domain = _domain(chain, [value])
        positive = _proved_sign(value, domain, True)
        negative = not positive and _proved_sign(value, domain, False)
        facts = {"positive": True} if positive else {"negative": True} if negative else {}
        target = sp.Symbol(sym.name, real=True, **facts)
        if _unproved_facts(sym, target):
            out[sym.name] = (target, "definition")
    return out


def _proved_sign(expr: sp.Expr, domain: Domain, positive: bool) -> bool:
    try:
        return prove_sign(expr, domain, positive=positive) is not None
    except Exception:  # a proof that cannot be carried out is no proof
        return False


def _check_assumptions(chain: Chain, exprs: Sequence[sp.Basic]) -> None:
    """Refuse a ``%! domain:`` interval that contradicts a symbol's assumptions (a layer
    symbol ``a^L_j > 0`` with ``a in (-1, 1)``, an integer ``n``): the checks would use them."""
    overrides = _families(chain)
    seen: set[sp.Symbol] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            seen |= {q for q in e.free_symbols if isinstance(q, sp.Symbol)}
    for sym in sorted(seen, key=lambda q: q.name):
        iv = overrides.get(_family(sym))
        if iv is None:
            continue
        facts = _unproved_facts(sym, sp.Symbol("_", **_interval_assumptions(iv)))
        if facts:
            raise ParseError(
                f"the domain {_family(sym)} in {_show_interval(iv)} contradicts what "
                f"{sym} is in the course's notation ({', '.join(facts)}); "
                "use another letter for this variable"
            )


def _show_interval(iv: Interval) -> str:
    left, right = "(" if iv.low_open else "[", ")" if iv.high_open else "]"
    return f"{left}{iv.low:g}, {iv.high:g}{right}"


def _maybe_define(first: Line, state: _FileState, chain: Chain) -> None:
    """A first line ``X = expr`` with ``X`` an undefined symbol defines ``X`` from now on."""
    lhs = first.lhs
    if isinstance(lhs, sp.Symbol) and lhs not in dict(chain.definitions):
        state.definitions.append((lhs, first.expr))


def _read_line(number: int, body: str, first: bool, reader: _Reader) -> Line:
    line = _read_line_plain(number, body, first, reader)
    if line.error is not None or isinstance(line.expr, Substitution):
        return line
    lhs_c, rhs_c = reader.last_conditions
    return replace(line, conditions=rhs_c, lhs_conditions=lhs_c if line.lhs is not None else ())


def _read_line_plain(number: int, body: str, first: bool, reader: _Reader) -> Line:
    body = _TRAILING.sub("", body) if not body.endswith("]") else body
    try:
        if body.startswith("[") and body.endswith("]"):
            sub = reader.substitution(body[1:-1])
            return Line(number, body, "subst", expr=sub)
        for pattern, rel in _LEADING:
            m = pattern.match(body)
            if m:
                rest = body[m.end() :].strip()
                if first and rel != "=":
                    raise ParseError(f"a chain cannot start with {rel}: no line is before it")
                if first:  # "= expr" opening a chain (a slide continued): its start
                    return Line(number, body, "start", None, reader.expression(rest))
                if rel in ("<=>", "=>"):
                    lhs, rhs = reader.relation(rest)
                    if lhs is None:
                        raise ParseError(f"after {rel} write an equation (with '=')")
                    return Line(number, body, rel, lhs, rhs)
                return Line(number, body, rel, None, reader.expression(rest))
        if first:
            lhs, rhs = reader.relation(body)
            return Line(number, body, "start", lhs, rhs)
        return Line(number, body, "=", None, reader.expression(body))
    except ParseError as exc:
        return Line(number, body, "?", error=str(exc))


# --------------------------------------------------------------------------- checking


def _ordered_definitions(
    defs: Sequence[tuple[sp.Symbol, sp.Expr]],
) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """Order definitions so that substituting them in turn resolves every defined symbol
    (C before a, a before z); later definitions of a symbol replace earlier ones."""
    table: dict[sp.Symbol, sp.Expr] = {}
    for sym, value in defs:
        table[sym] = value
    order: list[sp.Symbol] = []
    state: dict[sp.Symbol, int] = {}

    def visit(sym: sp.Symbol) -> None:
        if state.get(sym) == 2:
            return
        if state.get(sym) == 1:
            raise ParseError(f"the definitions of {sym} are circular")
        state[sym] = 1
        for other in table:
            if other != sym and _mentions(table[other], sym):
                visit(other)
        state[sym] = 2
        order.append(sym)

    for sym in table:
        visit(sym)
    return tuple((sym, table[sym]) for sym in order)


def _mentions(expr: sp.Expr, sym: sp.Symbol) -> bool:
    if sym in expr.free_symbols:
        return True
    return any(f.func.__name__ == sym.name for f in expr.atoms(AppliedUndef))


def _resolve_functions(expr: sp.Basic, defined: Mapping[sp.Symbol, sp.Expr]) -> sp.Basic:
    """``C(w)`` (the parser's reading of ∂C/∂w) → the symbol ``C`` when ``C`` is defined."""
    names = {s_.name: s_ for s_ in defined}
    return expr.replace(
        lambda q: isinstance(q, AppliedUndef) and q.func.__name__ in names,
        lambda q: names[q.func.__name__],
    )


def _constants(expr: sp.Expr, antiderivative: bool) -> sp.Expr:
    """``+ C`` in an antiderivative is the integration constant."""
    if not antiderivative or not isinstance(expr, sp.Add):
        return expr
    bare = sp.Symbol("C")
    return expr.func(*[CONST if t == bare else t for t in expr.args])


def _computable(lhs: sp.Expr, defined: Mapping[sp.Symbol, sp.Expr]) -> bool:
    """Can the left side be evaluated: a defined symbol, or a derivative of defined things?

    ``lhs`` has been through :func:`_resolve_functions`: an unknown function left in it
    (``C(w)`` with ``C`` undefined) means it cannot. Any other expression (``\\sqrt{t^2}``,
    ``e^{\\ln(a - 2)}``) is a claim about known things, and is checked, never given.
    """
    if isinstance(lhs, sp.Symbol):
        return lhs in defined
    return not lhs.atoms(AppliedUndef)


#: where a rebuilt substitution variable of a proved sign is sampled (as the course's t > 0)
_SIGN_SAMPLE = {
    "positive": Interval(0.0, 3.0, True, False),
    "negative": Interval(-3.0, 0.0, False, True),
}


def _families(chain: Chain) -> dict[str, Interval]:
    """Interval by family: a (0, 1), y [0, 1], then the overrides; a rebuilt substitution
    variable ``t = g`` is sampled by the sign proved for ``g`` (only real: no interval),
    whatever interval its letter had (an exercise's ``t ∈ [0.05, 5]`` is for its own t)."""
    families: dict[str, Interval] = {"a": UNIT_OPEN, "y": UNIT_CLOSED}
    families.update(dict(chain.domain_spec))
    for sym, why in chain.rebuilt:
        if why == "substitution":
            families.pop(sym.name, None)
            sign = next((f for f in _SIGN_SAMPLE if getattr(sym, f"is_{f}")), None)
            if sign is not None:
                families[sym.name] = _SIGN_SAMPLE[sign]
    return families


def _domain(chain: Chain, exprs: Sequence[sp.Basic]) -> Domain:
    """Intervals for the chain's symbols, by family (:func:`_families`)."""
    families = _families(chain)
    domain = DEFAULT
    symbols: set[sp.Symbol] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):  # atoms: also the variables of ∂/∂a^L_j (not free in it)
            symbols |= {q for q in e.atoms(sp.Symbol) if not q.is_integer}
    for sym in sorted(symbols, key=lambda q: q.name):
        fam = _family(sym)
        if fam in families:
            domain = domain.with_(sym, families[fam])
    # by family too: a component made while differentiating (y_j from Σ_k y_k) is in it
    return domain.with_intervals(families)


@dataclass
class _Built:
    derivation: Derivation
    lines: list[Line]  # the line each step comes from
    notes: dict[int, str]  # step index (1-based) → remark


def _build(chain: Chain) -> _Built:
    """Turn a chain's readable lines into a :class:`Derivation` for :func:`verify`."""
    defs = _ordered_definitions(chain.definitions)
    defined = dict(defs)
    # a definition may use another defined function: δ = ∂C_x/∂a · σ'(z) with C_x defined
    defs = tuple((sym, _resolve_functions(value, defined)) for sym, value in defs)
    defs = _ordered_definitions(defs)
    defined = dict(defs)
    readable = [ln for ln in chain.lines if ln.error is None]
    statement_chain = len(readable) > 1 and readable[1].relation in ("<=>", "=>")
    steps: list[Step] = []
    lines: list[Line] = []
    notes: dict[int, str] = {}
    variable = chain.variable
    antiderivative = False
    prev_term: sp.Expr | None = None
    sub_vars: set[sp.Symbol] = set()
    for ln in readable:
        expr = ln.expr
        lhs = ln.lhs
        why = Text(ln.text, ln.text)
        if isinstance(expr, Substitution):
            sub_vars.add(expr.variable)
            if prev_term is None:
                steps.append(Step(None, R.ARGUMENT, why, chain.claims))
                notes[len(steps)] = "no_previous"
            else:
                steps.append(Step(prev_term, R.EQUAL, why, chain.claims, substitution=expr))
            lines.append(ln)
            continue
        expr = _resolve_functions(expr, defined)
        lhs = _resolve_functions(lhs, defined) if lhs is not None else None
        for integral in sp.sympify(expr).atoms(sp.Integral):
            antiderivative = True
            v = integral.limits[0][0]
            if variable is None and v not in sub_vars:
                variable = v
        if expr.has(CONST) or (expr.has(sp.Symbol("C")) and antiderivative):
            antiderivative = True
        expr = _constants(expr, antiderivative)
        if ln.relation == "start" and statement_chain:
            if lhs is None:
                steps.append(Step(None, R.ARGUMENT, why, chain.claims))
                notes[len(steps)] = "no_equation"
            else:
                steps.append(Step(sp.Eq(lhs, expr, evaluate=False), R.GIVEN, why, chain.claims))
                notes[len(steps)] = "premise"
        elif ln.relation == "start":
            if lhs is not None and _computable(lhs, defined):
                steps.append(
                    Step(
                        expr,
                        _term_relation(_loose(lhs, expr)),
                        why,
                        chain.claims,
                        lhs=ln.lhs,
                        lhs_value=lhs,
                        conditions=ln.conditions,
                        lhs_conditions=ln.lhs_conditions,
                    )
                )
            else:
                steps.append(
                    Step(expr, R.GIVEN, why, chain.claims, lhs=ln.lhs, conditions=ln.conditions)
                )
                if lhs is None:
                    notes[len(steps)] = "given"
                elif isinstance(ln.lhs, sp.Symbol) and ln.lhs not in defined:
                    notes[len(steps)] = "defines"
                else:
                    notes[len(steps)] = "given_lhs"
            prev_term = expr
        elif ln.relation in ("<=>", "=>"):
            rel = R.EQUIVALENT if ln.relation == "<=>" else R.IMPLIES
            steps.append(Step(sp.Eq(lhs, expr, evaluate=False), rel, why, chain.claims))
        elif ln.relation in (">", "<"):
            if prev_term is None:
                steps.append(Step(None, R.ARGUMENT, why, chain.claims))
                notes[len(steps)] = "no_previous"
            else:
                cls = sp.StrictGreaterThan if ln.relation == ">" else sp.StrictLessThan
                steps.append(Step(cls(prev_term, expr, evaluate=False), R.FACT, why, chain.claims))
        else:
            rel = _term_relation(_loose(prev_term, expr))
            steps.append(Step(expr, rel, why, chain.claims, conditions=ln.conditions))
            prev_term = expr
        lines.append(ln)
    exprs: list[sp.Basic] = []
    for st in steps:
        for e in (st.expr, st.lhs_value):
            if isinstance(e, sp.Basic):
                exprs.append(e)
    exprs.extend(value for _, value in defs)
    _check_assumptions(chain, exprs)
    if antiderivative and variable is not None:
        # an antiderivative in a: a definition a = σ(z) would rename the integration variable
        defs = tuple((sym, value) for sym, value in defs if sym != variable)
    wrts = {st.substitution.wrt for st in steps if st.substitution is not None}
    if wrts:
        # t = g(a), dt = g'(a) da makes a the variable: a = σ(z) would apply on the lines but
        # not inside g (the engine puts g in after the definitions)
        defs = tuple((sym, value) for sym, value in defs if sym not in wrts)
    derivation = Derivation(
        id="steps",
        title=Text("step file", "soubor kroků"),
        steps=tuple(steps),
        claims=chain.claims,
        variable=variable,
        definitions=defs,
        domain=_domain(chain, [expand_sigma_prime(e) for e in exprs]),
    )
    return _Built(derivation, lines, notes)


def _term_relation(antiderivative: bool) -> Relation:
    return R.UP_TO_CONSTANT if antiderivative else R.EQUAL


def _loose(*terms: sp.Basic | None) -> bool:
    """Up to a constant only across an integral or an integration constant: between two
    terms of which one has ``∫ … da`` or ``+ const``; never by contagion from earlier lines."""
    return any(
        isinstance(t, sp.Basic) and (has_indefinite_integral(t) or t.has(CONST)) for t in terms
    )


def _point(ce: tuple[tuple[str, str], ...], lang: str) -> str:
    coords = [f"{k} = {v}" for k, v in ce if k != "value"]
    value = dict(ce).get("value")
    out = ", ".join(coords)
    if value is not None:
        out += f" ({_p('by', lang)} {value})"
    return out


def _show(expr: sp.Basic) -> str:
    """Plain text of an expression, with ^ for powers and ``1/a^2`` rather than ``a^(-2)``."""
    if isinstance(expr, (sp.Mul, sp.Pow)):
        num, den = sp.fraction(expr)
        if den != 1 and num.is_number:
            den_text = _show(den)
            if isinstance(den, (sp.Add, sp.Mul)):
                den_text = f"({den_text})"
            return f"{_show(num)}/{den_text}"
    return render.text(expr).replace("**", "^")


def _previous_value(built: _Built, prev_line: Line | None) -> sp.Basic | None:
    """The term a line was judged against: the previous line's expression (as the engine)."""
    if prev_line is None:
        return None
    return built.derivation.steps[built.lines.index(prev_line)].expr


def _true_value(expr: sp.Basic | None, defs: Sequence[tuple[sp.Symbol, sp.Expr]]) -> sp.Expr | None:
    """What a line with a derivative in it really equals, written back in the chain's symbols
    (a display aid: ``None`` when there is no derivative or SymPy cannot say)."""
    if not isinstance(expr, sp.Expr) or not expr.has(sp.Derivative):
        return None
    try:
        e = expr
        for sym, value in defs:
            e = e.subs(sym, value)
        e = expand_sigma_prime(e)
        e = family_derivatives(e, e.free_symbols | {q for _, v in defs for q in v.free_symbols})
        e = e.doit()
        for sym, value in reversed(defs):  # innermost first: z = w x + b, then a = σ(z)
            if sym.name[:1].isupper() or value.is_number:
                continue  # costs stay expanded; numbers (x = 1) cannot be recognised
            resolved = value
            for sym2, value2 in defs:
                if value2.is_number:
                    resolved = resolved.subs(sym2, value2)
            e = e.subs(resolved, sym).subs(value, sym)
        return _merge_sample_sums(sp.factor(_merge_sample_sums(e)))
    except Exception:  # never let a display aid hide the verdict
        return None


def _merge_sample_sums(expr: sp.Basic) -> sp.Basic:
    """Σ_x f + Σ_x g (+ c·Σ_x h) → Σ_x (f + g + c h), for display: one sum over the samples."""

    def summand(term: sp.Basic) -> tuple[sp.Basic, tuple] | None:
        coeff, rest = term.as_coeff_Mul() if isinstance(term, sp.Mul) else (sp.S.One, term)
        if isinstance(rest, SampleSum):
            return coeff * rest.function, rest.limits
        return None

    def merge(add: sp.Add) -> sp.Basic:
        sums, others = [], []
        for term in add.args:
            got = summand(term)
            (sums if got is not None else others).append(got or term)
        limits = {lim for _, lim in sums}
        if len(sums) < 2 or len(limits) != 1:
            return add
        return sp.Add(*others, SampleSum(sp.Add(*(f for f, _ in sums)), *limits.pop()))

    return expr.replace(lambda q: isinstance(q, sp.Add), merge)


def _describe(r: StepResult, ln: Line, step: Step, note: str | None, lang: str) -> tuple[str, str]:
    """(verdict, detail) of one checked line, in the user's language."""
    if note is not None and r.verdict in (Verdict.GIVEN, Verdict.ARGUMENT):
        if note in ("no_previous", "no_equation"):
            return "unreadable", _p(note, lang)
        lhs = _show(ln.lhs) if ln.lhs is not None else ""
        return "ok", _p(note, lang, lhs=lhs)
    if isinstance(ln.expr, Substitution):
        s_ = ln.expr
        true_d = _show(sp.factor(sp.diff(s_.expr, s_.wrt)))
        if r.verdict is Verdict.REFUTED:
            claimed = _show(s_.differential)
            return "wrong", _p(
                "substitution_wrong", lang, v=s_.variable, w=s_.wrt, d=true_d, claimed=claimed
            )
        if r.ok:
            return "ok", _p("substitution_ok", lang, v=s_.variable, w=s_.wrt, d=true_d)
    by_derivative = r.method.startswith("differentiation")
    loose = ""
    if by_derivative:
        deps = re.search(r"the constant may depend on (.+)$", r.detail)
        loose = ", " + (
            _p("constant_depends", lang, v=_step_variable(r), deps=deps.group(1))
            if deps
            else _p("up_to_constant", lang)
        )
    if r.verdict is Verdict.PROVED:
        return "ok", _p("proved", lang, m=r.method) + loose
    if r.verdict is Verdict.NUMERIC:
        detail = _p("numeric", lang, n=r.evidence.points if r.evidence else 0)
        if r.evidence is not None and r.evidence.note:
            detail += f" ({r.evidence.note})"
        return "ok", detail + loose
    if r.verdict in (Verdict.GIVEN, Verdict.ARGUMENT):
        return "ok", _p("given", lang)
    if r.verdict is Verdict.REFUTED:
        ev = r.evidence
        key = "differs_derivative" if by_derivative else "differs"
        if ev is not None and ev.counterexample is not None:
            return "wrong", _p(key, lang, pt=_point(ev.counterexample, lang), v=_step_variable(r))
        return "wrong", f"{_p('differs_plain', lang)} ({r.method}: {r.detail})"
    return "unverified", f"{r.method}: {r.detail}"


def _step_variable(r: StepResult) -> str:
    """The variable named in the engine's detail "d/dX of the difference: …"."""
    m = re.match(r"d/d(\S+) of the difference", r.detail)
    return m.group(1) if m else "?"


def _check_chain(chain: Chain, lang: str) -> tuple[list[LineResult], ChainConclusion | None]:
    out: list[LineResult] = []
    unreadable = {ln.number: ln for ln in chain.lines if ln.error is not None}
    try:
        built = _build(chain)
    except ParseError as exc:
        return [
            LineResult(ln.number, ln.text, "unreadable", str(exc), claims=chain.claims)
            for ln in chain.lines
        ], None
    report = verify(built.derivation)
    defs = built.derivation.definitions
    verdict_of: dict[int, str] = {}
    prev_line: Line | None = None  # the last term or statement line
    subs_since: list[Line] = []  # substitution lines since prev_line
    rebuilt_notes = _rebuilt_notes(chain, built)
    results_by_line: dict[int, LineResult] = {}
    for r, ln, step in zip(report.results, built.lines, built.derivation.steps, strict=True):
        note = built.notes.get(r.index)
        is_sub = isinstance(ln.expr, Substitution)
        against = prev_line.number if prev_line is not None and ln.relation != "start" else None
        verdict = _describe(r, ln, step, note, "en")[0]
        true_lhs = true_prev = None
        if verdict == "wrong" and against is not None and not is_sub:
            true_prev = _true_value(_previous_value(built, prev_line), defs)
        elif verdict == "wrong" and step.lhs_value is not None:
            true_lhs = _true_value(step.lhs_value, defs)
        skipped = [n for n in unreadable if against is not None and against < n < ln.number]
        details = {}
        for lg in LANGS:
            detail = _describe(r, ln, step, note, lg)[1]
            if true_prev is not None:
                detail += "; " + _p("true_value", lg, line=against, value=_show(true_prev))
            if true_lhs is not None:
                detail += "; " + _p("lhs_value", lg, lhs=_show(ln.lhs), value=_show(true_lhs))
            if against is not None and not is_sub:
                if skipped:
                    detail += "; " + _p("after_unreadable", lg, line=against, skipped=skipped[-1])
                elif verdict_of.get(against) == "wrong":
                    detail += "; " + _p("after_wrong", lg, line=against)
                note_sub = _substitution_note(
                    r, step, _previous_value(built, prev_line), subs_since
                )
                if note_sub is not None:
                    detail += "; " + _p(note_sub[0], lg, **note_sub[1])
            rebuilt_note = rebuilt_notes.get(ln.number)
            if rebuilt_note is not None:
                kind = _p(f"kind_{rebuilt_note[1]['kind']}", lg)
                detail += "; " + _p(rebuilt_note[0], lg, **{**rebuilt_note[1], "kind": kind})
            details[lg] = detail
        ev = r.evidence
        results_by_line[ln.number] = LineResult(
            ln.number,
            ln.text,
            verdict,
            details[lang],
            r.method,
            ev.counterexample if ev is not None and verdict == "wrong" else None,
            against,
            chain.claims,
            r.verdict.value,
            Text(details["en"], details["cs"]),
        )
        verdict_of[ln.number] = verdict
        if is_sub:
            subs_since.append(ln)
        else:
            prev_line, subs_since = ln, []
    for ln in unreadable.values():
        results_by_line[ln.number] = LineResult(
            ln.number, ln.text, "unreadable", ln.error or "", claims=chain.claims
        )
    out = [results_by_line[k] for k in sorted(results_by_line)]
    return out, _conclusion(built, lang)


def _substitution_note(
    r: StepResult, step: Step, prev: sp.Basic | None, subs: Sequence[Line]
) -> tuple[str, dict[str, object]] | None:
    """What the substitutions declared since the line before did to this line's check.

    ``with_substitution`` only where an integral ``∫ … dt`` over a substitution variable was
    differentiated (with the true ``dt/da``); ``substituted`` where ``t = g(a)`` was put into
    a side that has ``t``; nothing where neither side has the variable.
    """
    sides = [e for e in (prev, step.expr) if isinstance(e, sp.Basic)]
    found: tuple[str, dict[str, object]] | None = None
    for ln in subs:
        s_ = ln.expr
        if not isinstance(s_, Substitution):
            continue
        v = s_.variable
        integral = any(
            v in (lim[0] for lim in i.limits) for e in sides for i in e.atoms(sp.Integral)
        )
        if integral and r.method.startswith("differentiation"):
            return "with_substitution", {"line": ln.number}
        if found is None and any(v in e.free_symbols for e in sides):
            found = ("substituted", {"line": ln.number, "v": v, "g": _show(s_.expr)})
    return found


def _rebuilt_notes(chain: Chain, built: _Built) -> dict[int, tuple[str, dict[str, object]]]:
    """Line → why a variable is read as another symbol than the course's (said once)."""
    out: dict[int, tuple[str, dict[str, object]]] = {}
    present: set[sp.Basic] = set()
    for st in built.derivation.steps:
        for e in (st.expr, st.lhs_value):
            if isinstance(e, sp.Basic):
                present |= e.free_symbols
        if st.substitution is not None:
            present.add(st.substitution.variable)
    for sym, why in chain.rebuilt:
        if sym not in present:
            continue
        kind = next((f for f in ("positive", "negative") if getattr(sym, f"is_{f}")), "real")
        if why == "substitution":
            line = next(
                (
                    ln.number
                    for ln in built.lines
                    if isinstance(ln.expr, Substitution) and ln.expr.variable == sym
                ),
                None,
            )
            key = "rebuilt_substitution"
            g = next(ln.expr.expr for ln in built.lines if ln.number == line) if line else None
        elif why == "definition":
            line = built.lines[0].number if built.lines else None
            key = "rebuilt_definition"
            g = dict(built.derivation.definitions).get(sym)
        else:
            line = built.lines[0].number if built.lines else None
            key, g = "rebuilt_domain", None
        if line is not None and line not in out:
            out[line] = (key, {"v": sym, "kind": kind, "g": "" if g is None else _show(g)})
    return out


def _conclusion(built: _Built, lang: str) -> ChainConclusion | None:
    """Check the chain's last term (or statement) against its first, skipping the middle."""
    steps, lines = built.derivation.steps, built.lines
    if len(steps) < 3:
        return None
    first, last = steps[0], steps[-1]
    if last.relation in (R.FACT, R.ARGUMENT) or last.substitution is not None:
        return None
    if first.relation not in (R.GIVEN, R.EQUAL, R.UP_TO_CONSTANT):
        return None
    start = first
    if first.relation is not R.GIVEN and first.lhs_value is not None:
        start = Step(first.lhs_value, R.GIVEN, first.why)
    if start.relation is R.GIVEN and isinstance(start.expr, sp.Expr):
        # up to a constant only when one of the two ends has an integral or a constant
        rel = _term_relation(_loose(start.expr, last.expr))
        end = Step(last.expr, rel, last.why, conditions=last.conditions)
    else:
        end = last
    # the chain's substitutions, declared again between the two (each against the start, as
    # the engine registers a substitution on the step that declares it): t = g(a) then holds
    # for both ends, and ∫ … dt is differentiated with the true dt/da
    declared = _declared_again(built, start.expr, end.relation)
    d = replace(built.derivation, steps=(start, *declared, end))
    r = verify(d).results[-1]
    a_, b_ = lines[0].number, lines[-1].number
    if r.verdict in (Verdict.PROVED, Verdict.NUMERIC):
        holds, key = True, "conclusion_holds"
    elif r.verdict is Verdict.REFUTED:
        holds, key = False, "conclusion_fails"
    else:
        holds, key = None, "conclusion_unknown"
    details = {}
    for lg in LANGS:
        detail = _p("conclusion", lg, first=a_, last=b_, verdict=_p(key, lg))
        if r.verdict is Verdict.PROVED:
            detail += f" ({_p('proved', lg, m=r.method)})"
        elif r.verdict is Verdict.NUMERIC:
            detail += f" ({_p('numeric', lg, n=r.evidence.points if r.evidence else 0)})"
        elif r.verdict is Verdict.REFUTED and r.evidence is not None and r.evidence.counterexample:
            detail += f" ({_p('differs', lg, pt=_point(r.evidence.counterexample, lg))})"
        details[lg] = detail
    return ChainConclusion(a_, b_, holds, details[lang], Text(details["en"], details["cs"]))


def check_steps(stepfile: StepFile, *, lang: str = "en", source: str = "") -> StepReport:
    """Check every chain of a parsed step file, now."""
    results: list[LineResult] = [
        LineResult(e.number, e.text, "unreadable", e.error or "") for e in stepfile.errors
    ]
    conclusions: list[ChainConclusion] = []
    for chain in stepfile.chains:
        lines, concl = _check_chain(chain, lang)
        results.extend(lines)
        if concl is not None:
            conclusions.append(concl)
    results.sort(key=lambda r: r.line)
    return StepReport(tuple(results), tuple(conclusions), source, stepfile)


def check_text(
    text: str,
    *,
    exercise: str | None = None,
    domain: Sequence[str] = (),
    lang: str = "en",
    source: str = "",
) -> StepReport:
    """Read and check a step file's text; ``exercise`` brings the catalog's vocabulary,
    definitions and domain; ``domain`` adds specs such as ``"y in (0, 1)"``."""
    symbols, definitions, domain_spec, variable = None, [], [], None
    if exercise is not None:
        symbols, definitions, domain_spec, variable = _from_exercise(exercise)
    domain_spec = [*domain_spec, *(parse_domain(d) for d in domain)]
    stepfile = read_steps(
        text,
        symbols=symbols,
        definitions=definitions,
        domain_spec=domain_spec,
        variable=variable,
    )
    report = check_steps(stepfile, lang=lang, source=source)
    if exercise is not None:
        report = replace(report, answer=_answer(stepfile, exercise, lang))
    return report


def _answer(stepfile: StepFile, exercise_id: str, lang: str) -> ChainConclusion | None:
    """Does the last line of the file equal the exercise's reference answer (checked now)?"""
    from .exercises import exercise as lookup

    ex = lookup(exercise_id)
    for chain in reversed(stepfile.chains):
        try:
            built = _build(chain)
        except ParseError:  # the chain is reported unreadable already
            return None
        terms = [
            (st, ln)
            for st, ln in zip(built.derivation.steps, built.lines, strict=True)
            if isinstance(st.expr, sp.Expr)
            and st.substitution is None
            and st.relation in (R.GIVEN, R.EQUAL, R.UP_TO_CONSTANT)
        ]
        if not terms:
            continue
        last, line = terms[-1]
        # the final answer is exact unless the exercise asks for an antiderivative
        rel = R.UP_TO_CONSTANT if ex.up_to_constant else R.EQUAL
        reference = Step(ex.reference, R.GIVEN, last.why)
        declared = _declared_again(built, reference.expr, rel)
        d = replace(
            built.derivation,
            steps=(
                reference,
                *declared,
                Step(last.expr, rel, last.why, conditions=last.conditions),
            ),
            variable=built.derivation.variable or ex.variable,
        )
        r = verify(d).results[-1]
        holds = {Verdict.PROVED: True, Verdict.NUMERIC: True, Verdict.REFUTED: False}.get(r.verdict)
        key = {True: "answer_ok", False: "answer_wrong", None: "answer_unknown"}[holds]
        details = {
            lg: _p(key, lg, line=line.number, ex=ex.id, ref=_show(ex.reference)) for lg in LANGS
        }
        return ChainConclusion(
            line.number, line.number, holds, details[lang], Text(details["en"], details["cs"])
        )
    return None


def _declared_again(built: _Built, term: sp.Basic, relation: Relation) -> tuple[Step, ...]:
    """The chain's substitution steps, each restated against ``term``: placed between two
    terms compared directly, they make ``t = g(a)`` (and the true ``dt/da``) hold there."""
    return tuple(
        replace(st, expr=term, relation=relation, lhs=None, lhs_value=None)
        for st in built.derivation.steps
        if st.substitution is not None
    )


def _from_exercise(
    exercise_id: str,
) -> tuple[
    dict[str, sp.Symbol],
    list[tuple[sp.Symbol, sp.Expr]],
    list[tuple[str, Interval]],
    sp.Symbol | None,
]:
    """Vocabulary, definitions, domain and variable of a catalog exercise."""
    from ..engine import notation as nt
    from .exercises import exercise as lookup

    ex = lookup(exercise_id)
    symbols = dict(ex.vocabulary)
    for extra in (CONST, sp.Symbol("C"), nt.t, nt.u):  # step-file words: +const, C, t = g(a)
        symbols.setdefault(extra.name, extra)
    definitions = [(d.lhs, d.rhs) for d in ex.definitions]
    domain_spec = []
    for fam, iv in ex.domain.intervals:
        if fam:
            domain_spec.append((fam, iv))
    return symbols, definitions, domain_spec, ex.variable


def check_file(path: str | Path, **kwargs: object) -> StepReport:
    """Read ``path`` (UTF-8) and check it."""
    p = Path(path)
    return check_text(p.read_text(encoding="utf-8"), source=str(p), **kwargs)


# --------------------------------------------------------------------------- output


def format_report(report: StepReport, lang: str = "en") -> str:
    """The per-line report as plain text."""
    width = max((len(r.text) for r in report.results), default=0)
    width = min(width, 70)
    out = []
    if report.source:
        out.append(report.source)
    for r in report.results:
        word = _p(r.verdict, lang)
        out.append(f"{r.line:>4}  {word:<11} {r.text[:width]}")
        out.append(f"{'':>17}{r.detail}")
    for c in report.conclusions:
        out.append(c.detail)
    if report.answer is not None:
        out.append(report.answer.detail)
    first = report.first_wrong
    if first is not None:
        out.append(_p("first_wrong", lang, line=first))
    elif any(c.holds is False for c in report.conclusions):
        c = next(c for c in report.conclusions if c.holds is False)
        out.append(_p("chain_fails", lang, first=c.first, last=c.last))
    elif report.exit_code == 0:
        out.append(_p("all_ok", lang))
    for verdict in ("unverified", "unreadable"):
        lines = [str(r.line) for r in report.results if r.verdict == verdict]
        if lines:
            out.append(f"{_p(verdict, lang)}: {', '.join(lines)}")
    return "\n".join(out).rstrip() + "\n"


def build_parser(prog: str = "python -m derive.stepcheck") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog,
        description="Check a derivation line by line: each line against the line before it.",
    )
    ap.add_argument("file", nargs="?", help="the step file (or use --steps)")
    ap.add_argument("--steps", dest="steps", help="the step file")
    ap.add_argument("--exercise", help="a catalog exercise: its vocabulary, definitions, domain")
    ap.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="SPEC",
        help="a variable family's interval, e.g. 'y in (0, 1)' (repeatable)",
    )
    ap.add_argument("--json", action="store_true", help="JSON output")
    ap.add_argument("--lang", choices=("en", "cs"), default="en")
    ap.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds for the whole file (default {DEFAULT_TIMEOUT:g})",
    )
    return ap


def _task(text: str, exercise: str | None, domain: list[str], lang: str, source: str):
    """Run in a worker process (killed on time-out); the report without SymPy objects."""
    report = check_text(text, exercise=exercise, domain=domain, lang=lang, source=source)
    return replace(report, stepfile=None)


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m derive.stepcheck") -> int:
    """Exit 0: every line ok; 1: a line wrong (or unverified); 2: unreadable or bad input."""
    ap = build_parser(prog)
    args = ap.parse_args(argv)
    path = args.steps or args.file
    if path is None or (args.steps and args.file):
        ap.error("give exactly one step file (FILE or --steps FILE)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{ap.prog}: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    if not args.timeout > 0:
        ap.error("--timeout must be > 0")
    try:  # bad options and oversized files are refused before any work
        if args.exercise is not None:
            _from_exercise(args.exercise)
        for spec in args.domain:
            parse_domain(spec)
        if text.count("\n") >= MAX_LINES:
            raise ValueError(f"a step file has at most {MAX_LINES} lines")
    except KeyError as exc:
        print(f"{ap.prog}: {exc.args[0]}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"{ap.prog}: {exc}", file=sys.stderr)
        return 2
    from .sandbox import Crashed, TimedOut, WorkerPool

    with WorkerPool(_task) as pool:
        report = pool.run((text, args.exercise, args.domain, args.lang, path), args.timeout)
    if isinstance(report, TimedOut):
        print(f"{ap.prog}: checking {path} took longer than {report.seconds:g} s", file=sys.stderr)
        return 2
    if isinstance(report, Crashed):
        print(f"{ap.prog}: could not check {path}: {report.reason}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_report(report, args.lang))
    return report.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
