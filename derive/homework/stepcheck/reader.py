"""Reading one line of a step file: expressions, relations, substitutions, ∂ kept unevaluated.

The text is read by :func:`derive.homework.parse.parse_answer` (never ``eval``); what SymPy's
automatic simplification hides (``ln(a − 2)`` in ``e^{ln(a − 2)}``) is kept as the line's
*conditions*: parts as written that must be real wherever the line is compared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import sympy as sp

from ...engine.notation import sigma, z
from ...engine.steps import Substitution
from ..conditions import split_condition
from ..parse import (
    ParseError,
    normalise,
    parse_answer,
    parse_relation,
    real_conditions,
    split_relation,
)
from ..stepinput import NEW_CHAIN
from .data import Line

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
            if e is None:
                return e
            if partials:
                e = e.xreplace({sp.Symbol(k, real=True): v for k, v in partials.items()})
            return kronecker(e)

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


_KRONECKER = re.compile(r"^delta_\{?([A-Za-z])([A-Za-z])\}?$")


def kronecker(expr: sp.Basic) -> sp.Basic:
    """``δ_{jk}`` (δ with two neuron indices and no layer) is the Kronecker delta: 1 if
    j = k, else 0 (``δ^L_j``, with a layer, is the error of neuron j). Inside ``Σ_k`` the
    parser made it ``δ[j, k]``; outside, the symbol ``delta_{jk}``."""
    if "delta" not in str(expr):
        return expr
    found: dict[sp.Basic, sp.Basic] = {}
    for q in expr.atoms(sp.Symbol):
        m = _KRONECKER.match(q.name)
        if m:
            found[q] = sp.KroneckerDelta(*(sp.Symbol(c, integer=True) for c in m.groups()))
    for q in expr.atoms(sp.Indexed):
        if str(q.base.label) == "delta" and len(q.indices) == 2:
            found[q] = sp.KroneckerDelta(
                *(sp.Symbol(str(i), integer=True) if i.is_Symbol else i for i in q.indices)
            )
    return expr.xreplace(found) if found else expr


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


def _read_line(number: int, body: str, first: bool, reader: _Reader) -> Line:
    line = _read_line_plain(number, body, first, reader)
    if line.error is not None or isinstance(line.expr, Substitution):
        return line
    lhs_c, rhs_c = reader.last_conditions
    return replace(line, conditions=rhs_c, lhs_conditions=lhs_c if line.lhs is not None else ())


def _read_line_plain(number: int, body: str, first: bool, reader: _Reader) -> Line:
    body = _TRAILING.sub("", body) if not body.endswith("]") else body
    original = body
    try:
        # a condition after the line (\quad (0<a<1), \text{ for } …) is a remark here: every
        # step is checked on the whole domain of the file, which is never weaker
        body = split_condition(body)[0] or body
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
                    return Line(number, original, "start", None, reader.expression(rest))
                if rel in ("<=>", "=>"):
                    lhs, rhs = reader.relation(rest)
                    if lhs is None:
                        raise ParseError(f"after {rel} write an equation (with '=')")
                    return Line(number, original, rel, lhs, rhs)
                return Line(number, original, rel, None, reader.expression(rest))
        if first:
            lhs, rhs = _first_relation(body, reader)
            return Line(number, original, "start", lhs, rhs)
        lhs_text, _rhs = split_relation(normalise(body))
        if lhs_text is not None and lhs_text.strip():
            raise ParseError(NEW_CHAIN["en"].format(lhs=lhs_text.strip()))
        return Line(number, original, "=", None, reader.expression(body))
    except ParseError as exc:
        return Line(number, original, "?", error=str(exc))


def _first_relation(body: str, reader: _Reader) -> tuple[sp.Expr | None, sp.Expr]:
    """A chain's first line ``X = …``: ``X`` names what the chain computes (δ^L_j, ∂C/∂a), so
    when the vocabulary refuses it, it is read with the default rules (the rest is not)."""
    try:
        return reader.relation(body)
    except ParseError:
        lhs_text, rhs_text = split_relation(normalise(body))
        if lhs_text is None:
            raise
        try:
            lhs = _Reader(None).expression(lhs_text)
        except ParseError:
            raise ParseError(f"could not read the left-hand side {lhs_text.strip()!r}") from None
        return lhs, reader.expression(rhs_text)
