"""Conditions written after an answer: ``a = y \\quad (0<y<1)``, ``a - y, \\text{ for } 0 < a < 1``.

The condition is split off the answer, read, and checked against the exercise: an answer is
graded only when its condition is implied by (or equal to) what the exercise already assumes.

* an inequality chain or a membership on one symbol (``0 < y < 1``, ``0 \\le y_j \\le 1``,
  ``a \\in (0,1)``, ``x \\in \\mathbb{R}``, ``y_j \\in \\{0, 1\\}``): the set must contain the
  exercise's domain of that symbol (end points aside: ``0 < y < 1`` for y ∈ [0, 1] is the
  same claim up to two points), or be one of the exercise's stated assumptions;
* an equation (``a = \\sigma(z)``, ``a^L_j = z^L_j``, ``\\partial z^l_j/\\partial b^l_j = 1``):
  it must hold under the exercise's definitions; ``y = \\frac12`` narrows the exercise;
* a quantifier (``for every j``, ``for all j, k``, ``k = 1, \\dots, K``, ``for any cost C``):
  the answer is claimed for all values, which is what the exercise asks.

A condition narrower than the exercise makes the answer incorrect (the answer is claimed only
on part of the domain); a condition that cannot be read makes it invalid. Nothing is evaluated
from the text: the pieces are read by :mod:`derive.homework.parse`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp

from .parse import ParseError, normalise, parse_answer

__all__ = ["ConditionVerdict", "check_condition", "shown_condition", "split_condition"]

_WORDS = (
    r"for\s+all|for\s+every|for\s+each|for\s+any|for|if|where|when|whenever|with|since|because"
    r"|provided|given|assuming|as|on|pro|kde|když|pokud|protože"
)
_TEXT = re.compile(r"\\(?:text|textrm|mbox|textit)\s*\{")
#: words that introduce a condition and carry no meaning of their own
_LEAD = re.compile(
    r"(?i)^\s*(?:for|if|where|when|whenever|with|since|because|provided|given|assuming|as|on"
    r"|pro|kde|když|pokud|protože)(?![A-Za-z])(?!\s+(?:all|every|each|any)(?![A-Za-z]))\s*"
)
_REL = re.compile(
    r"<|>|\\le(?:q)?(?![A-Za-z])|\\ge(?:q)?(?![A-Za-z])|\\in(?![A-Za-z])|=|≤|≥|∈|\\neq"
)


def _depth_zero_positions(text: str) -> list[int]:
    out, depth = [], 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        out.append(depth)
    return out


def _closing(text: str, start: int) -> int | None:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def split_condition(text: str) -> tuple[str, str | None]:
    """``(answer, condition)``; condition None when the answer has none.

    Recognised: a ``\\text{for …}``-like phrase (for, if, where, since, …) at the top level,
    or a trailing ``\\quad (…)`` / ``, …`` / ``(…)`` after a space that contains a relation
    (``<``, ``\\le``, ``\\in``, ``=``)."""
    depth = _depth_zero_positions(text)
    for m in _TEXT.finditer(text):
        if depth[m.start()] != 0:
            continue
        end = _closing(text, m.end() - 1)
        if end is None:
            return text, None
        inner = text[m.end() : end].strip()
        if not inner or re.match(rf"(?i)^(?:{_WORDS})(?![A-Za-z])", inner) is None:
            continue
        head = text[: m.start()]
        cond = (inner + " " + text[end + 1 :]).strip()
        return _trim(head), cond
    # \quad (cond)  /  , cond  /  (cond) at the end
    m = re.search(r"(?:\\q?quad|\\[,;:]|,|;)\s*\((?P<c>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", text)
    if m and depth[m.start()] == 0 and _REL.search(m.group("c")):
        return _trim(text[: m.start()]), m.group("c").strip()
    m = re.search(r"\\q?quad\s*(?P<c>.+)$", text)
    if m and depth[m.start()] == 0 and _REL.search(m.group("c")):
        return _trim(text[: m.start()]), m.group("c").strip()
    # a top-level comma followed by an inequality or membership (not an equation: "a, b = …")
    for i, ch in enumerate(text):
        if ch in ",;" and depth[i] == 0 and not text[:i].endswith("\\"):
            rest = text[i + 1 :]
            if re.search(r"<|>|\\leq?(?![A-Za-z])|\\geq?(?![A-Za-z])|\\in(?![A-Za-z])|≤|≥|∈", rest):
                return _trim(text[:i]), rest.strip()
            break
    return text, None


def _trim(text: str) -> str:
    text = re.sub(r"(?:\\q?quad|\\[,;: !]|[,;\s])+$", "", text)
    return text.strip()


@dataclass(frozen=True)
class ConditionVerdict:
    """``ok`` True (implied by the exercise), False (narrower or false: incorrect), None
    (unreadable: invalid); ``reason`` explains, in English (the caller translates the frame)."""

    ok: bool | None
    reason: str = ""


_QUANTIFIER = re.compile(
    r"(?i)^(?:for\s+)?(?:all|every|each|any)\b(?:\s+(?:cost|neuron|neurons|layer|layers|"
    r"index|indices|sample|samples))?\s*(?P<what>.*)$"
)
_INDEX_LETTERS = set("jklLmi")


def _unwrap_text(cond: str) -> str:
    """``\\text{ for } 0 < y`` → `` for  0 < y`` (the words kept, the command dropped)."""
    while (m := _TEXT.search(cond)) is not None:
        end = _closing(cond, m.end() - 1)
        if end is None:
            break
        cond = cond[: m.start()] + " " + cond[m.end() : end] + " " + cond[end + 1 :]
    return cond.strip()


def _clauses(cond: str) -> list[str]:
    """Top-level pieces separated by commas, semicolons, ``and``."""
    depth = _depth_zero_positions(cond)
    parts, start = [], 0
    for i, ch in enumerate(cond):
        if ch in ",;" and depth[i] == 0 and not cond[:i].endswith("\\"):
            parts.append(cond[start:i])
            start = i + 1
    parts.append(cond[start:])
    out = []
    for p in parts:
        out += re.split(r"(?i)\s+and\s+|\\land|\\wedge", p)
    return [p.strip() for p in out if p.strip()]


def _closing_paren(text: str) -> int | None:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def _as_symbol(text: str, ex) -> sp.Symbol | None:
    try:
        expr = parse_answer(text, symbols=ex.vocabulary)
    except ParseError:
        return None
    return expr if isinstance(expr, sp.Symbol) else None


def _number(text: str) -> float | None:
    text = text.strip()
    if re.fullmatch(r"[+-]?\\infty|[+-]?∞", text):
        return -math.inf if text.startswith("-") else math.inf
    try:
        value = parse_answer(text)
    except ParseError:
        return None
    if value.free_symbols or not value.is_real:
        return None
    return float(value)


def _true_domain(ex, sym: sp.Symbol) -> tuple[float, float]:
    """The exercise's domain of ``sym``: its sampling interval, where [−2, 2] stands for ℝ."""
    from .equivalence import family

    iv = ex.domain.for_family(family(sym))
    if (iv.low, iv.high) == (-2.0, 2.0):
        return -math.inf, math.inf
    return iv.low, iv.high


def _covers(ex, sym: sp.Symbol, lo: float, hi: float, shown: str) -> ConditionVerdict:
    dlo, dhi = _true_domain(ex, sym)
    if lo <= dlo and hi >= dhi:
        return ConditionVerdict(True)
    if any(_same_claim(shown, a) for a in getattr(ex, "assumes", ())):
        return ConditionVerdict(True)
    return ConditionVerdict(
        False, f"the condition {shown} holds only on part of the exercise's domain"
    )


def _same_claim(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\s+|\\[,;: !]|\\left|\\right", "", normalise(s))  # noqa: E731
    return norm(a) == norm(b)


_OPS = {
    "<": "<",
    ">": ">",
    r"\le": "<=",
    r"\leq": "<=",
    r"\ge": ">=",
    r"\geq": ">=",
    "≤": "<=",
    "≥": ">=",
}


def _inequality(clause: str, ex) -> ConditionVerdict | None:
    pieces = re.split(r"(\\leq?(?![A-Za-z])|\\geq?(?![A-Za-z])|<=|>=|<|>|≤|≥)", clause)
    if len(pieces) < 3:
        return None
    terms, ops = pieces[0::2], [_OPS.get(p, p) for p in pieces[1::2]]
    syms = [(i, s) for i, t in enumerate(terms) if (s := _as_symbol(t, ex)) is not None]
    if len(syms) != 1:
        return ConditionVerdict(None, f"could not read the condition {clause!r}")
    pos, sym = syms[0]
    lo, hi = -math.inf, math.inf
    for i, op in enumerate(ops):
        left, right = terms[i], terms[i + 1]
        if i == pos:  # sym op number
            bound = _number(right)
            if bound is None:
                return ConditionVerdict(None, f"could not read the bound {right.strip()!r}")
            if op.startswith("<"):
                hi = min(hi, bound)
            else:
                lo = max(lo, bound)
        elif i + 1 == pos:  # number op sym
            bound = _number(left)
            if bound is None:
                return ConditionVerdict(None, f"could not read the bound {left.strip()!r}")
            if op.startswith("<"):
                lo = max(lo, bound)
            else:
                hi = min(hi, bound)
        else:
            return ConditionVerdict(None, f"could not read the condition {clause!r}")
    return _covers(ex, sym, lo, hi, clause.strip())


def _membership(clause: str, ex) -> ConditionVerdict | None:
    m = re.match(r"^(?P<s>.+?)\s*(?:\\in(?![A-Za-z])|∈)\s*(?P<set>.+)$", clause)
    if m is None:
        return None
    sym = _as_symbol(m.group("s"), ex)
    if sym is None:
        return ConditionVerdict(None, f"could not read {m.group('s').strip()!r} as a symbol")
    spec = re.sub(r"\\left|\\right", "", m.group("set")).strip()
    if re.fullmatch(r"\\mathbb\s*\{?R\}?|\\R|ℝ|\\mathbb\s*R", spec):
        return _covers(ex, sym, -math.inf, math.inf, clause)
    iv = re.fullmatch(r"[(\[](?P<lo>[^,]+),(?P<hi>[^,]+)[)\]]", spec)
    if iv:
        lo, hi = _number(iv.group("lo")), _number(iv.group("hi"))
        if lo is None or hi is None:
            return ConditionVerdict(None, f"could not read the interval {spec!r}")
        return _covers(ex, sym, lo, hi, clause)
    finite = re.fullmatch(r"\\\{(?P<items>[^{}]*)\\\}", spec)
    if finite:
        if any(_same_claim(clause, a) for a in getattr(ex, "assumes", ())):
            return ConditionVerdict(True)
        return ConditionVerdict(
            False, f"the condition {clause} holds only on part of the exercise's domain"
        )
    return ConditionVerdict(None, f"could not read the set {spec!r}")


def _equation(clause: str, ex) -> ConditionVerdict | None:
    from .derivatives import resolve_derivatives
    from .equivalence import canonical, compare

    if clause.count("=") != 1 or re.search(r"\\dots|\\ldots|\.\.\.", clause):
        return None
    lhs_text, rhs_text = clause.split("=")
    try:
        lhs = resolve_derivatives(parse_answer(lhs_text, symbols=ex.vocabulary), ex.definitions)
        rhs = resolve_derivatives(parse_answer(rhs_text, symbols=ex.vocabulary), ex.definitions)
    except ParseError as exc:
        return ConditionVerdict(None, f"could not read the condition {clause!r}: {exc}")
    if isinstance(lhs, sp.Symbol) and not rhs.free_symbols:
        if not any(d.lhs == lhs for d in ex.definitions):
            return ConditionVerdict(
                False, f"the condition {clause.strip()} fixes {lhs}: the exercise asks for all"
            )
    try:
        outcome = compare(
            canonical(lhs, ex.definitions),
            canonical(rhs, ex.definitions),
            definitions=ex.definitions,
            domain=ex.domain,
            seed=ex.id,
            canonicalised=True,
        )
    except Exception:  # an unsupported form: not read
        return ConditionVerdict(None, f"could not check the condition {clause!r}")
    if outcome.equal:
        return ConditionVerdict(True)
    if outcome.equal is None:
        return ConditionVerdict(None, f"could not check the condition {clause!r}")
    return ConditionVerdict(False, f"the condition {clause.strip()} does not hold here")


def _quantifier(clause: str, ex) -> ConditionVerdict | None:
    text = re.sub(r"\\[,;: !]", " ", clause).strip()
    if re.search(r"\\dots|\\ldots|\.\.\.|\\cdots", text):
        return ConditionVerdict(True)  # k = 1, …, K: the range of an index
    m = _QUANTIFIER.match(text)
    if m is None:
        return None
    what = [w for w in re.split(r"[\s,]+", m.group("what")) if w]
    if not all(w in _INDEX_LETTERS or _as_symbol(w, ex) is not None for w in what):
        rest = m.group("what").strip()  # "for all y \in (0,1)": the condition that follows
        return check_condition(rest, ex) if rest else None
    return ConditionVerdict(True)


def shown_condition(cond: str) -> str:
    """The condition for messages: without ``\\text{…}`` wrappers, lead words and extra spaces."""
    cond = _LEAD.sub("", _unwrap_text(cond))
    return re.sub(r"\s+", " ", cond).strip()


def check_condition(cond: str, ex) -> ConditionVerdict:
    """Is the condition ``cond`` implied by the exercise ``ex`` (its domain, definitions and
    stated assumptions)? See the module docstring."""
    cond = _unwrap_text(cond)
    while cond.startswith("(") and _closing_paren(cond) == len(cond) - 1:
        cond = cond[1:-1].strip()
    cond = _LEAD.sub("", cond)
    if any(_same_claim(cond, a) for a in getattr(ex, "assumes", ())):
        return ConditionVerdict(True)
    words = re.sub(r"[^A-Za-z -]", " ", cond).lower()
    if re.search(r"\bone[- ]hot\b", words):
        ok = any("one-hot" in a for a in getattr(ex, "assumes", ()))
        return ConditionVerdict(ok, "" if ok else "the exercise does not assume a one-hot target")
    outcome = ConditionVerdict(True)
    whole = _quantifier(cond, ex)
    if whole is not None:
        return whole
    for clause in _clauses(cond):
        clause = _LEAD.sub("", clause)
        for reader in (_quantifier, _membership, _inequality, _equation):
            verdict = reader(clause, ex)
            if verdict is not None:
                break
        else:
            return ConditionVerdict(None, f"could not read the condition {clause!r}")
        if verdict.ok is not True:
            return verdict
    return outcome
