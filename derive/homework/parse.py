"""Untrusted answers in the course's notation (LaTeX or plain text) → SymPy, without ``eval``.

The text is read by an LALR grammar (``data/grammar.lark``, lark) and the tree is turned into SymPy
objects by hand: no ``eval``, ``sympify`` or ``parse_expr`` ever sees user text. Reading rules:

* ``\\sigma(z)``, ``sigma(z)`` is :class:`derive.engine.notation.sigma`; ``\\sigma'(z)``,
  ``\\sigma^\\prime(z)`` is :class:`derive.engine.notation.SigmaPrime` (a derivative, not σ);
* ``\\ln`` and ``\\log`` are both the natural logarithm (the ML convention); ``e^{u}``,
  ``\\exp(u)`` is the exponential;
* superscripts of the layer-indexed families (``a z w b delta``) are layer indices
  (``a^L_j``, ``w^{l+1}_{kj}``), built with :func:`derive.engine.notation.layer_symbol`; on anything
  else, or on a parenthesised expression, a superscript is a power (``x_j^2``, ``(1-a)^2``);
* ``a y z w b x n t s u`` are the very symbols of :mod:`derive.engine.notation` (with their
  assumptions); a subscripted symbol (``x_j``, ``y_j``) carries its family's assumptions;
* ``\\sum_x f`` is :class:`derive.engine.notation.SampleSum` (over the training samples);
  ``\\sum_k f`` is a SymPy ``Sum`` whose summand's symbols indexed by ``k`` become
  ``Indexed`` objects (:mod:`derive.engine.indexing`); ``\\int f \\, da`` is ``Integral(f, a)``;
  ``\\frac{\\partial C}{\\partial a^L_j}`` is ``Derivative(C(a^L_j), a^L_j)``;
* symbols are case-sensitive; implicit products (``2a``, ``x(1-a)``, ``ay`` = ``a y``) and
  ``*``, ``\\cdot``, ``\\times``, ``**`` or ``^``, ``\\frac``, ``\\left( \\right)`` all work.

Bounds (refused with a :class:`ParseError`, never computed): length, bracket nesting, numeric
exponents, the size of numeric powers, the number of digits in a literal.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources

import sympy as sp
from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from ..engine import notation as nt
from ..engine.indexing import (
    LAYER_FAMILIES,
    LAYER_WIDTH,
    component_symbol,
    index_symbol,
    indexed_form,
)
from ..engine.printers import LatexTextbook
from .functions import COURSE_FUNCTIONS, FUNCTIONS, INVERSE, mark_bars, refuse_unknown_calls
from .written import rewrite_derivatives, rewrite_plain_sums

__all__ = [
    "CONSTANT",
    "LAYER_FAMILIES",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "NOTATIONS",
    "ParseError",
    "normalise",
    "parse_answer",
    "parse_relation",
    "read_with_conditions",
    "real_conditions",
    "split_relation",
    "to_latex",
]

#: longest answer accepted, in characters (after normalisation)
MAX_LENGTH = 600
#: deepest bracket nesting accepted: ( [ { and \left
MAX_DEPTH = 12
#: largest |exponent| accepted when the exponent is a number
MAX_EXPONENT = 64
#: largest number of decimal digits of a numeric power (base^exponent with both numbers)
MAX_POWER_DIGITS = 60
#: longest numeric literal, in digits
MAX_DIGITS = 30
#: largest degree an answer may have once its powers are multiplied out (a power tower such as
#: ((a+1)^{64})^{64} is refused: expanding it would take gigabytes)
MAX_DEGREE = 256
#: most terms an answer may have once multiplied out ((a + b + c + d)^{64} has 47,905)
MAX_TERMS = 100_000

#: largest n of a numeric n! or binomial(n, k), and largest index of a numeric root
MAX_FACTORIAL = 40
MAX_BINOMIAL = 100


@dataclass(frozen=True)
class Limits:
    """Sizes refused before anything is computed (the general notation allows more: its
    huge polynomial identities are judged without expanding, see derive.homework.general)."""

    exponent: int = MAX_EXPONENT
    power_digits: int = MAX_POWER_DIGITS
    digits: int = MAX_DIGITS
    factorial: int = MAX_FACTORIAL
    binomial: int = MAX_BINOMIAL


COURSE_LIMITS = Limits()
GENERAL_LIMITS = Limits(
    exponent=10_000, power_digits=1000, digits=100, factorial=300, binomial=1000
)

#: the notations an answer may be read in: the course's (a is an activation, a^L_j a layer
#: index …) or the general one (every letter a real variable, superscripts are powers)
NOTATIONS = ("course", "general")

#: the additive constant of an antiderivative, typed as ``const`` (``+ const``)
CONSTANT = sp.Symbol("const", real=True)


class ParseError(ValueError):
    """The answer could not be read, or was refused; the message says where and why."""


# --------------------------------------------------------------------------- normalisation

_UNICODE = {
    "σ": r"\sigma ",
    "δ": r"\delta ",
    "η": r"\eta ",
    "π": r"\pi ",
    "∂": r"\partial ",
    "Σ": r"\sum ",
    "∑": r"\sum ",
    "∫": r"\int ",
    "·": "*",
    "⋅": "*",
    "×": "*",
    "−": "-",
    "–": "-",
    "′": "'",
    "’": "'",
    "²": "^2",
    "³": "^3",
    "⁻¹": "^{-1}",
    "⊙": r"\odot ",
    "∇": r"\nabla ",
    "√": r"\sqrt ",
    "÷": "/",
}
_SPACING = re.compile(
    r"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|displaystyle)(?![A-Za-z])"
    r"|\\(?:quad|qquad)(?![A-Za-z])|\\[,;:! ]|~"
)
_RENAME = (
    (re.compile(r"\\[dt]frac(?![A-Za-z])"), r"\\frac"),
    (re.compile(r"\\frac\s*(\d)\s*(\d)"), r"\\frac{\1}{\2}"),
    (re.compile(r"\\mathrm\{e\}|\\operatorname\{e\}"), "e"),
    (
        re.compile(
            r"\\(?:operatorname|mathrm)\{\s*("
            + "|".join(sorted(FUNCTIONS, key=len, reverse=True))
            + r"|ln|log|exp)\s*\}"
        ),
        r"\\\1 ",
    ),
    (re.compile(r"\\[dt]binom(?![A-Za-z])"), r"\\binom"),
    # plain-text log10(x), log2(x): the base glued to the name (never ln(10)·x)
    (re.compile(r"(?<![A-Za-z\\])(\\?log)(\d+)\s*\("), r"\1_{\2}("),
    (re.compile(r"\\(?:operatorname|mathrm|text)\{sigmoid\}"), r"\\sigma"),
    (re.compile(r"\\mathrm\{(ln|log|exp)\}"), r"\\\1"),
    (re.compile(r"\\varepsilon(?![A-Za-z])"), r"\\epsilon"),
    (re.compile(r"\\(?:operatorname|mathrm)\{const\}|\\text\{\s*const\s*\}"), "const"),
    # any other \operatorname{name}: a plain name (refused by name when it is called)
    (re.compile(r"\\operatorname\{\s*([A-Za-z]+)\s*\}"), r" \1"),
    (re.compile(r"\\(?:text|mathrm|mbox)\{\s*\}"), " "),
)
_KNOWN_COMMANDS = frozenset(
    "lim to rightarrow infty "
    "sigma ln log exp frac sqrt sum int partial prime cdot times mathrm delta eta lambda "
    "epsilon alpha beta gamma theta mu pi binom lvert rvert".split()
) | frozenset(FUNCTIONS)
_VECTOR_COMMANDS = frozenset({"odot", "nabla", "top", "intercal", "circ", "otimes"})


def normalise(text: str) -> str:
    """The answer with Unicode math, spacing commands and ``$`` delimiters replaced.

    Pure string rewriting (no evaluation): ``σ`` → ``\\sigma``, ``−`` → ``-``, ``\\left(`` →
    ``(``, ``\\dfrac`` → ``\\frac``, ``$…$`` → ``…``.
    """
    if len(text) > 4 * MAX_LENGTH:  # refuse before doing any work on a huge input
        raise ParseError(
            f"the answer is too long ({len(text)} characters; at most {MAX_LENGTH} are read)"
        )
    text = unicodedata.normalize("NFC", text)
    for src, dst in _UNICODE.items():
        text = text.replace(src, dst)
    text = text.strip()
    for delim in ("$$", "$", r"\(", r"\["):
        closing = {"$$": "$$", "$": "$", r"\(": r"\)", r"\[": r"\]"}[delim]
        if text.startswith(delim) and text.endswith(closing) and len(text) >= 2 * len(delim):
            text = text[len(delim) : len(text) - len(closing)].strip()
            break
    text = mark_bars(text)  # before \left/\right are dropped: \left| opens, \right| closes
    text = _SPACING.sub(" ", text)
    # a decorated left-hand side, "a^* = y": the decoration names the optimum; drop it
    text = re.sub(
        r"^(\s*[A-Za-z]+)\s*\^\s*(?:\*|\{\s*\*\s*\}|\\ast|\{\\ast\})(?=\s*=)", r"\1", text
    )
    for pattern, repl in _RENAME:
        text = pattern.sub(repl, text)
    text = rewrite_plain_sums(rewrite_derivatives(text))
    return text.strip()


def _check_bounds(text: str, general: bool = False) -> None:
    if len(text) > MAX_LENGTH:
        raise ParseError(
            f"the answer is too long ({len(text)} characters; at most {MAX_LENGTH} are read)"
        )
    if not text:
        raise ParseError("the answer is empty")
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(
                    f"brackets nested too deeply at column {i + 1} (at most {MAX_DEPTH} levels)"
                )
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise ParseError(f"unmatched closing '{ch}' at column {i + 1}\n{_caret(text, i)}")
    if depth > 0:
        raise ParseError("a bracket is opened but never closed")
    most = (GENERAL_LIMITS if general else COURSE_LIMITS).digits
    for m in re.finditer(r"\d+", text):
        if len(m.group()) > most:
            raise ParseError(f"a number with more than {most} digits at column {m.start() + 1}")
    m = re.search(r"\d[eE][+-]?\d", text)
    if m and not general:
        raise ParseError(
            f"scientific notation at column {m.start() + 1} is not read (is it e = 2.718…?): "
            "write 10^{…}, or put a space or * around e"
        )
    for m in re.finditer(r"\\([A-Za-z]+)", text):
        cmd = m.group(1)
        if cmd in _VECTOR_COMMANDS:
            raise ParseError(
                f"\\{cmd} is vector/matrix notation, which is not graded: write one component "
                "(e.g. δ^L_j) instead"
            )
        if cmd not in _KNOWN_COMMANDS:
            raise ParseError(f"unknown LaTeX command \\{cmd} at column {m.start() + 1}")
    if "^T" in text or "^{T}" in text:
        raise ParseError(
            "a transpose ^T is matrix notation, which is not graded: write one component "
            "(e.g. Σ_k w^{l+1}_{kj} δ^{l+1}_k …) instead"
        )


def _caret(text: str, i: int) -> str:
    return f"  {text}\n  {' ' * i}^"


# --------------------------------------------------------------------------- symbols

_NOTATION_SYMBOLS: dict[str, sp.Symbol] = {
    s.name: s for s in (nt.a, nt.y, nt.z, nt.w, nt.b, nt.x, nt.n, nt.t, nt.s, nt.u)
}
_GREEK_NAMES = frozenset(
    {"delta", "eta", "lambda", "epsilon", "alpha", "beta", "gamma", "theta", "mu"}
)
#: multi-letter names read as one symbol (never split into letters)
_WORDS = frozenset({"const"}) | _GREEK_NAMES


@dataclass
class _Script:
    kind: str  # "sub", "sup", "prime"
    raw: str = ""
    value: object = None
    primes: int = 0


@dataclass
class _Name:
    """A name with its scripts, not yet a symbol (``a^L`` waits for a possible ``_j``)."""

    name: str
    column: int
    scripts: list[_Script] = field(default_factory=list)


@dataclass
class _Group:
    """A parenthesised expression: ``C(a)`` / ``C'(a)`` apply C to it."""

    expr: sp.Expr


@dataclass
class _Partial:
    """``∂X`` (times ``coefficient``): meaningful only as the numerator or denominator of a
    fraction, as in ``\\frac{\\partial C}{\\partial a}`` or ``σ'(z) ∂C/∂a``."""

    of: object
    coefficient: sp.Expr = sp.S.One


@dataclass
class _DiffOp:
    """``\\frac{\\partial}{\\partial v}`` (or ``\\frac{d}{dv}``): an operator applied to the rest
    of the product that follows it, times ``coefficient`` (what stood before it)."""

    var: sp.Symbol
    column: int
    coefficient: sp.Expr = sp.S.One
    body: sp.Expr | None = None

    def times(self, factor: sp.Expr) -> _DiffOp:
        body = factor if self.body is None else sp.Mul(self.body, factor)
        return _DiffOp(self.var, self.column, self.coefficient, body)


@dataclass
class _Juxt:
    """``y_ja``: LaTeX's rule, an unbraced subscript is one token, so this is y_j · a; later
    scripts (``y_ja^L_j``) belong to the second name."""

    left: object
    right: _Name


@dataclass
class _Context:
    symbols: Mapping[str, sp.Symbol] | None
    layer_families: frozenset[str] | None
    text: str
    #: the general notation: every letter a real variable, superscripts powers, no C(a)
    general: bool = False
    unknown: dict[sp.Symbol, int] = field(default_factory=dict)
    #: logarithms, roots and non-integer powers as read, before SymPy's automatic
    #: simplification can hide them (e^{ln(a-2)} → a − 2): see :func:`real_conditions`
    must_be_real: list[sp.Expr] = field(default_factory=list)
    #: denominators as written (x/x is read as 1 but is not defined at x = 0), the cosines
    #: under tan and sec, the sines under cot and csc …: each must not be 0
    must_be_nonzero: list[sp.Expr] = field(default_factory=list)

    def record(self, expr: sp.Expr) -> sp.Expr:
        """Note a sub-expression that must be a real number; return it unchanged."""
        if expr.free_symbols:
            self.must_be_real.append(expr)
        return expr

    def nonzero(self, expr: sp.Expr) -> None:
        """Note a sub-expression that must not be 0."""
        if expr.free_symbols:
            self.must_be_nonzero.append(expr)

    @property
    def limits(self) -> Limits:
        return GENERAL_LIMITS if self.general else COURSE_LIMITS


def _clean_index(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("{") and raw.endswith("}"):
        raw = raw[1:-1]
    raw = re.sub(r"\s+", "", raw)
    if raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    return raw


def _is_layer(ctx: _Context, family: str, layer_raw: str, has_sub: bool) -> bool:
    if ctx.general or family not in LAYER_FAMILIES:
        return False
    if ctx.layer_families is not None:
        return family in ctx.layer_families
    return has_sub or re.fullmatch(r"[lL]([+-]\d+)?", layer_raw) is not None


def _lookup(ctx: _Context, sym: sp.Symbol, column: int) -> sp.Expr:
    if ctx.symbols is None:
        return sym
    if sym.name in ctx.symbols:
        return ctx.symbols[sym.name]
    family = _family(sym.name)
    width = _index_width(sym.name)
    if family != sym.name and any(
        _family(k) == family and k != family and _index_width(k) == width for k in ctx.symbols
    ):
        return sym  # another index or layer of a declared family: graded, not refused
    ctx.unknown.setdefault(sym, column)  # refused later, if it is still in the answer
    return sym


def _index_width(name: str) -> int:
    """How many index letters follow the last ``_``: ``x_j`` 1, ``w^{l}_{jk}`` 2, ``x_{ja}`` 2
    (a declared x_j does not make x_{ja} a symbol of the exercise)."""
    if "_" not in name:
        return 0
    return len(re.sub(r"[{},\s]", "", name.rsplit("_", 1)[1]))


def _refuse_unknown(ctx: _Context, expr: sp.Expr) -> None:
    """Unknown symbols that made it into the answer (not those read as layer indices)."""
    if ctx.symbols is None or not ctx.unknown:
        return
    present = expr.free_symbols
    found = sorted(
        ((col, sym) for sym, col in ctx.unknown.items() if sym in present), key=lambda t: t[0]
    )
    if not found:
        return
    column, sym = found[0]
    shown = _latex_name(sym.name)
    hint = ""
    for known in ctx.symbols:
        if known.lower() == sym.name.lower() and known != sym.name:
            hint = f" (symbols are case-sensitive: did you mean {_latex_name(known)}?)"
            break
    expected = ", ".join(_latex_name(k) for k in ctx.symbols)
    raise ParseError(
        f"unknown symbol {shown} at column {column}{hint}; this exercise uses: {expected}"
    )


def _family(name: str) -> str:
    """``'a^{L}_{j}'`` → ``'a'``, ``'x_j'`` → ``'x'``."""
    return re.split(r"[\^_]", name, maxsplit=1)[0]


def _latex_name(name: str) -> str:
    return to_latex(sp.Symbol(name))


def _base_symbol(ctx: _Context, name: str, column: int) -> sp.Expr:
    if name == "const":
        if ctx.symbols is not None and "const" not in ctx.symbols:
            _lookup(ctx, CONSTANT, column)
        return CONSTANT
    if ctx.symbols is not None and name in ctx.symbols:
        return ctx.symbols[name]
    if name == "e":
        return sp.E
    if name == "pi":
        return sp.pi
    if (name == "C" and ctx.symbols is None) or ctx.general:
        return _lookup(ctx, sp.Symbol(name, real=True), column)
    sym = _NOTATION_SYMBOLS.get(name) or sp.Symbol(name, real=True)
    return _lookup(ctx, sym, column)


def _symbol_with_index(ctx: _Context, family: str, index: str, column: int) -> sp.Expr:
    base = None if ctx.general else _NOTATION_SYMBOLS.get(family)
    base = base or sp.Symbol(family, real=True)
    return _lookup(ctx, component_symbol(base, index), column)


def _power(base: sp.Expr, exponent: sp.Expr, column: int, ctx: _Context | None = None) -> sp.Expr:
    limits = ctx.limits if ctx is not None else COURSE_LIMITS
    if exponent.is_Number:
        if abs(exponent) > limits.exponent:
            raise ParseError(
                f"exponent {exponent} at column {column} is too large (at most {limits.exponent})"
            )
        if base.is_Number and base != 0 and abs(base) != 1:
            digits = float(abs(exponent)) * abs(float(sp.log(abs(base), 10).evalf(5)))
            if digits > limits.power_digits:
                raise ParseError(
                    f"the power at column {column} would have about {digits:.0f} digits "
                    f"(at most {limits.power_digits}): refused"
                )
        if exponent.is_negative and ctx is not None:
            ctx.nonzero(base)
    elif (
        base.is_Number
        and exponent.has(sp.Pow)
        and any(p.exp.is_Number and abs(p.exp) > 8 for p in exponent.atoms(sp.Pow))
    ):
        raise ParseError(f"a tower of powers at column {column} is refused")
    if base == sp.E:
        return sp.exp(exponent)
    if ctx is not None and exponent.is_integer is not True:
        return ctx.record(sp.Pow(base, exponent))
    return sp.Pow(base, exponent)


def _nth_root(x: sp.Expr, index: sp.Expr, column: int) -> sp.Expr:
    """``\\sqrt[n]{x}``, ``root(x, n)``: for an even n the principal root x^{1/n} (real for
    x ≥ 0), for an odd n the real root sign(x)·|x|^{1/n}; a whole n from 2 to
    :data:`MAX_EXPONENT`. (A power ``x^{1/3}`` stays principal: not real for x < 0.)"""
    if not (index.is_Integer and 2 <= index <= MAX_EXPONENT):
        raise ParseError(
            f"the root at column {column} needs a whole index from 2 to {MAX_EXPONENT}"
        )
    if index % 2 == 1:  # an odd root is the real one: ∛(−8) = −2
        return sp.sign(x) * sp.Abs(x) ** sp.Rational(1, int(index))
    return sp.root(x, index)


def _binomial(n: sp.Expr, k: sp.Expr, column: int, most: int = MAX_BINOMIAL) -> sp.Expr:
    if n.is_Number and not (n.is_Integer and 0 <= n <= most):
        raise ParseError(f"binomial at column {column}: n must be a whole number from 0 to {most}")
    if k.is_Number and not k.is_Integer:
        raise ParseError(f"binomial at column {column}: k must be a whole number")
    return sp.binomial(n, k)


#: functions that are real on part of the reals only (beyond isolated poles): what they
#: enclose must stay in range even when SymPy simplifies them away (sin(asin x) → x)
_PARTIAL = frozenset("asin acos asec acsc acosh atanh acoth asech acsch".split())


#: where a function has poles: tan x and sec x need cos x ≠ 0, cot x and csc x sin x ≠ 0 …
_POLES = {
    "tan": sp.cos,
    "sec": sp.cos,
    "cot": sp.sin,
    "csc": sp.sin,
    "coth": sp.sinh,
    "csch": sp.sinh,
    "acot": lambda u: u,
    "acsc": lambda u: u,
    "asec": lambda u: u,
    "acoth": lambda u: u,
    "acsch": lambda u: u,
    "asech": lambda u: u,
}


def _apply(ctx: _Context, word: str, args: list[sp.Expr], column: int) -> sp.Expr:
    """The function named ``word`` (as typed) applied to its arguments."""
    where = f"at column {column}"
    fn = FUNCTIONS.get(word)
    if fn is None:
        raise ParseError(f"unknown function {word} {where}")
    if len(args) not in fn.arity:
        wanted = " or ".join(str(n) for n in fn.arity)
        raise ParseError(f"{word} {where} takes {wanted} argument(s), not {len(args)}")
    if word in ("root", "sqrt"):
        if len(args) == 1:
            return ctx.record(sp.sqrt(args[0]))
        return ctx.record(_nth_root(args[0], args[1], column))
    if word in ("binomial", "binom"):
        return _binomial(args[0], args[1], column, ctx.limits.binomial)
    if word in ("ln", "log"):
        if len(args) == 2:
            base = args[1]
            if base.is_Number and (base <= 0 or base == 1):
                raise ParseError(f"\\log_{{{base}}} {where} has no meaning")
            # an explicit base: log_b x = ln x / ln b
            ctx.nonzero(sp.log(base))
            return ctx.record(sp.log(args[0])) / ctx.record(sp.log(base))
        return ctx.record(sp.log(args[0]))
    value = fn.make(*args)
    pole = _POLES.get(fn.make.__name__)
    if pole is not None:
        ctx.nonzero(pole(args[0]))
    if fn.make.__name__ in _PARTIAL:
        ctx.record(value)
    return value


def _finish(ctx: _Context, v: object) -> sp.Expr:
    """Turn an intermediate value into a SymPy expression (or refuse it)."""
    if isinstance(v, _Name):
        return _finish_name(ctx, v)
    if isinstance(v, _Group):
        return v.expr
    if isinstance(v, _Partial):
        raise ParseError("∂ must appear in a fraction, as in \\frac{\\partial C}{\\partial a}")
    if isinstance(v, _DiffOp):
        if v.body is None:
            raise ParseError(
                f"the derivative operator at column {v.column} is applied to nothing: write "
                f"what it differentiates after it"
            )
        return v.coefficient * sp.Derivative(v.body, v.var)
    if isinstance(v, _Juxt):
        return sp.Mul(_finish(ctx, v.left), _finish(ctx, v.right))
    if isinstance(v, sp.Basic):
        return v
    raise ParseError(f"could not read a part of the answer ({type(v).__name__})")


def _finish_name(ctx: _Context, v: _Name, *, allow_primes: bool = False) -> sp.Expr:
    family = v.name
    words = (*_WORDS, *(ctx.symbols or {}))
    if len(family) > 1 and v.scripts and family not in words:
        # "yx_j" is y·x_j, "ya^L_j" is y·a^L_j: the scripts belong to the last letter
        head = _split_letters(ctx, family[:-1], v.column)
        last = _Name(family[-1], v.column + len(family) - 1, v.scripts)
        return head * _finish_name(ctx, last, allow_primes=allow_primes)
    subs = [s for s in v.scripts if s.kind == "sub"]
    sups = [s for s in v.scripts if s.kind == "sup"]
    primes = [s for s in v.scripts if s.kind == "prime"]
    if primes and not allow_primes:
        raise ParseError(
            f"{family}' at column {v.column}: a prime means a derivative and needs an "
            f"argument, as in {family}'(z)"
        )
    if len(subs) > 1:
        raise ParseError(f"two subscripts on {family} at column {v.column}")
    index = _clean_index(subs[0].raw) if subs else ""
    if subs and not index:
        raise ParseError(f"empty subscript on {family} at column {v.column}")
    powers = list(sups)
    if sups and _is_layer(ctx, family, _clean_index(sups[0].raw), bool(subs)):
        layer = _clean_index(powers.pop(0).raw)
        sym = nt.layer_symbol(family, layer, index)
        expr: sp.Expr = _lookup(ctx, sym, v.column)
    elif index:
        if family in ("e", "pi"):
            raise ParseError(f"a subscript on {family} at column {v.column} is not understood")
        expr = _symbol_with_index(ctx, family, index, v.column)
    elif len(family) > 1 and family not in _WORDS and family not in (ctx.symbols or {}):
        expr = _split_letters(ctx, family, v.column)
    else:
        expr = _base_symbol(ctx, family, v.column)
    for p in powers:
        expr = _power(expr, _finish(ctx, p.value), v.column, ctx)
    return expr


def _split_letters(ctx: _Context, name: str, column: int) -> sp.Expr:
    """``ay`` → a·y when every letter is a known symbol; otherwise an unknown-symbol error."""
    if ctx.symbols is not None and not all(ch in ctx.symbols or ch == "e" for ch in name):
        return _lookup(ctx, sp.Symbol(name, real=True), column)
    return sp.Mul(*[_base_symbol(ctx, ch, column + i) for i, ch in enumerate(name)])


_GRAMMAR = resources.files("derive").joinpath("data/grammar.lark").read_text(encoding="utf-8")


@cache
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


@v_args(meta=True)
class _Build(Transformer_NonRecursive):
    """Parse tree → SymPy, bottom-up without recursion (deep trees cannot overflow)."""

    def __init__(self, ctx: _Context) -> None:
        super().__init__()
        self.ctx = ctx

    def f(self, v: object) -> sp.Expr:
        return _finish(self.ctx, v)

    # atoms -------------------------------------------------------------------------------
    def name(self, meta, children):
        tok: Token = children[0]
        return _Name(str(tok), tok.column or 0)

    def greek(self, meta, children):
        tok: Token = children[0]
        word = str(tok).lstrip("\\")
        if word == "pi":
            return sp.pi
        return _Name(word, tok.column or 0)

    def number(self, meta, children):
        text = str(children[0])
        m = re.search(r"[eE]([+-]?\d+)$", text)
        if m and abs(int(m.group(1))) > MAX_POWER_DIGITS:
            raise ParseError(
                f"the exponent of {text} is too large (at most {MAX_POWER_DIGITS}): refused"
            )
        frac = Fraction(text)  # exact: 0.1 is 1/10, 1.5e-3 is 3/2000
        return sp.Rational(frac.numerator, frac.denominator)

    def group(self, meta, children):
        return _Group(self.f(children[0]))

    def sqrt(self, meta, children):
        return self.ctx.record(sp.sqrt(self.f(children[1].value)))

    def nroot(self, meta, children):
        index = self.f(children[1])
        return self.ctx.record(_nth_root(self.f(children[2].value), index, meta.column))

    def abs(self, meta, children):
        return sp.Abs(self.f(children[1]))

    def binom(self, meta, children):
        n, k = (self.f(c.value) for c in children[1:3])
        return _binomial(n, k, meta.column, self.ctx.limits.binomial)

    def factorial(self, meta, children):
        n = self.f(children[0])
        if n.is_Number:
            most = self.ctx.limits.factorial
            if not (n.is_Integer and 0 <= n <= most):
                raise ParseError(
                    f"{n}! at column {meta.column}: a factorial of a whole number from 0 to "
                    f"{most} is read"
                )
        return sp.factorial(n)

    def frac(self, meta, children):
        num, den = children[1].value, children[2].value
        return self._divide(num, den, meta.column)

    # scripts -----------------------------------------------------------------------------
    def sarg(self, meta, children):
        raw = self.ctx.text[meta.start_pos : meta.end_pos]
        if children and isinstance(children[0], Token) and children[0].type == "PRIMECMD":
            return _Script("prime", raw, primes=len(children))
        if len(children) > 1:
            return _Script("arg", raw, value=None)
        child = children[0]
        if isinstance(child, Token):
            if child.type == "NAME":
                child = _Name(str(child), child.column or 0)
            elif child.type == "GREEK":
                child = self.greek(meta, [child])
            else:
                child = self.number(meta, [child])
        return _Script("arg", raw, value=child)

    def sarg_neg(self, meta, children):
        raw = self.ctx.text[meta.start_pos : meta.end_pos]
        inner: _Script = children[0]
        if inner.kind == "prime" or inner.value is None:
            raise ParseError(f"could not read the script at column {meta.column}")
        return _Script("arg", raw, value=-self.f(inner.value))

    def sarg_partial(self, meta, children):
        return _Script("arg", "\\partial", value=_Partial(None))

    def sub(self, meta, children):
        arg: _Script = children[0]
        raw = arg.raw.strip()
        if re.fullmatch(r"[A-Za-z]{2,}", raw) and isinstance(arg.value, _Name):
            # LaTeX's rule: an unbraced subscript is one token (y_ja is y_j · a)
            rest = _Name(raw[1:], arg.value.column + 1)
            return _Script("sub", raw[0], value=_Name(raw[0], arg.value.column)), rest
        return _Script("sub", arg.raw, value=arg.value)

    def sup(self, meta, children):
        arg: _Script = children[1]
        if arg.kind == "prime":
            return _Script("prime", arg.raw, primes=arg.primes)
        if arg.value is None:
            raise ParseError(f"a superscript with commas at column {meta.column}")
        return _Script("sup", arg.raw, value=arg.value)

    def prime(self, meta, children):
        return _Script("prime", str(children[0]), primes=len(str(children[0])))

    def scripted(self, meta, children):
        base, script = children
        if isinstance(base, _Juxt):
            return _Juxt(base.left, self.scripted(meta, [base.right, script]))
        if isinstance(script, tuple):  # y_ja: the subscript j, then the name a
            script, rest = script
            return _Juxt(self.scripted(meta, [base, script]), rest)
        if isinstance(base, _Name) and not any(s.kind == "prime" for s in base.scripts):
            base.scripts.append(script)
            return base
        if isinstance(base, _Name) and script.kind != "prime":
            raise ParseError(f"{base.name}' at column {base.column} needs an argument")
        if isinstance(base, _Name):
            base.scripts.append(script)
            return base
        expr = self.f(base)
        if script.kind == "sup":
            return _power(expr, self.f(script.value), meta.column, self.ctx)
        if script.kind == "sub":
            raise ParseError(f"a subscript on an expression at column {meta.column}")
        raise ParseError(f"a prime at column {meta.column}: only σ'(z) and C'(a) are understood")

    # functions ---------------------------------------------------------------------------
    def fprime(self, meta, children):
        count = 0
        for tok in children:
            if tok.type == "PRIME":
                count += len(str(tok))
            elif tok.type == "PRIMECMD":
                count += 1
        return count

    def fsup(self, meta, children):
        arg: _Script = children[1]
        if arg.kind == "prime":
            return arg.primes
        if arg.value is None:
            raise ParseError(f"a superscript with commas at column {meta.column}")
        return _Script("fpow", arg.raw, value=arg.value)

    def fbase(self, meta, children):
        arg: _Script = children[0]
        if arg.value is None:
            raise ParseError(f"could not read the base of the logarithm at column {meta.column}")
        return _Script("base", arg.raw, value=arg.value)

    def func_scaled(self, meta, children):
        """``\\sin 2x``: the number belongs to the argument, sin(2x)."""
        *head, number, arg = children
        scaled = sp.Mul(self.number(meta, [number]), self.f(arg))
        return self.func(meta, [*head, scaled])

    def func(self, meta, children):
        head: Token = children[0]
        mods = [c for c in children[1:] if isinstance(c, (int, _Script))]
        args = [self.f(c) for c in children[1 + len(mods) :]]
        primes = sum(c for c in mods if isinstance(c, int))
        scripts = [c for c in mods if isinstance(c, _Script)]
        bases = [c for c in scripts if c.kind == "base"]
        powers = [c for c in scripts if c.kind == "fpow"]
        word = str(head).lstrip("\\")
        where = f"at column {head.column}"
        if len(powers) > 1 or (powers and primes):
            raise ParseError(f"two superscripts on \\{word} {where}")
        if bases:
            if word != "log" or primes or len(bases) > 1 or len(args) > 1:
                raise ParseError(f"a subscript on \\{word} {where}")
            args.append(self.f(bases[0].value))
        if word in ("sigma", "sigmoid"):
            if len(args) != 1 or powers:
                raise ParseError(f"σ {where} takes one argument")
            if primes == 0:
                return nt.sigma(args[0])
            if primes == 1:
                return nt.SigmaPrime(args[0])
            raise ParseError(f"σ with {primes} primes {where} is not supported")
        if primes:
            raise ParseError(f"a prime on \\{word} {where} is not understood")
        power = self.f(powers[0].value) if powers else None
        if power == -1 and word in INVERSE:  # \sin^{-1} x is arcsin x
            word, power = INVERSE[word], None
        value = _apply(self.ctx, word, args, head.column or 0)
        if power is None:
            return value
        return _power(value, power, head.column or 0, self.ctx)

    def _call(self, callee: _Name, arg: sp.Expr) -> sp.Expr:
        """``C(a)``, ``C'(a)``, ``C''(a)``: the cost as a function and its derivatives."""
        primes = sum(s.primes for s in callee.scripts if s.kind == "prime")
        cost = nt.C(arg)
        if primes == 0:
            return cost
        if not isinstance(arg, sp.Symbol):
            raise ParseError("C'(…) needs a single variable as its argument")
        return sp.Derivative(cost, (arg, primes))

    # operators ---------------------------------------------------------------------------
    def add(self, meta, children):
        return sp.Add(self.f(children[0]), self.f(children[1]))

    def subtract(self, meta, children):
        return sp.Add(self.f(children[0]), -self.f(children[1]))

    def neg(self, meta, children):
        v = children[0]
        if isinstance(v, _DiffOp):
            return _DiffOp(v.var, v.column, -v.coefficient, v.body)
        return -self.f(v)

    def mul(self, meta, children):
        left, right = children[0], children[-1]
        if (
            not self.ctx.general
            and isinstance(left, _Name)
            and left.name == "C"
            and isinstance(right, _Group)
            and all(s.kind == "prime" for s in left.scripts)
            and (left.scripts or self.ctx.symbols is None or "C" not in self.ctx.symbols)
        ):
            return self._call(left, right.expr)
        if isinstance(left, _DiffOp):
            return left.times(self.f(right))
        if isinstance(right, _DiffOp):
            return _DiffOp(right.var, right.column, self.f(left) * right.coefficient, right.body)
        if isinstance(right, _Partial) and not isinstance(left, _Partial):
            return _Partial(right.of, right.coefficient * self.f(left))
        return sp.Mul(self.f(left), self.f(right))

    def div(self, meta, children):
        if isinstance(children[0], _DiffOp) and children[0].body is not None:
            d = self.f(children[1])
            if d == 0:
                raise ParseError(f"division by zero at column {meta.column}")
            return children[0].times(sp.Pow(d, -1))
        return self._divide(children[0], children[1], meta.column)

    def _divide(self, num: object, den: object, column: int) -> sp.Expr:
        if isinstance(num, _Partial) or isinstance(den, _Partial):
            return self._derivative(num, den, column)
        d = self.f(den)
        if d == 0:
            raise ParseError(f"division by zero at column {column}")
        self.ctx.nonzero(d)
        return sp.Mul(self.f(num), sp.Pow(d, -1))

    def _derivative(self, num: object, den: object, column: int) -> sp.Expr:
        if not (isinstance(num, _Partial) and isinstance(den, _Partial)):
            raise ParseError(f"a ∂ fraction at column {column} needs ∂ above and below")
        if den.of is None:
            raise ParseError(f"∂ below the fraction bar at column {column} needs a variable")
        var = self.f(den.of)
        if not isinstance(var, sp.Symbol):
            raise ParseError(f"∂ below the fraction bar at column {column} needs one variable")
        top = num.of
        if top is None:  # ∂/∂v alone: an operator on what follows
            return _DiffOp(var, column, num.coefficient)
        if isinstance(top, _Name) and top.name == "C":
            index = [s for s in top.scripts if s.kind == "sub"]
            if index:
                cost = sp.Function(f"C_{_clean_index(index[0].raw)}")(var)
            else:
                cost = nt.C(var)
            return num.coefficient * sp.Derivative(cost, var)
        # kept unevaluated: ∂a/∂z is σ'(z) only once the exercise's a = σ(z) applies
        # (derive.homework.derivatives), not 0 as the derivative of a plain symbol
        return num.coefficient * sp.Derivative(self.f(top), var)

    def partial(self, meta, children):
        return _Partial(children[1])

    # sums and integrals ------------------------------------------------------------------
    def sumindex(self, meta, children):
        letter = str(children[0])
        low = self.f(children[1]) if len(children) > 1 else sp.S.One
        return letter, low

    def _upper(self, arg: _Script) -> sp.Expr:
        if isinstance(arg.value, _Name) and not arg.value.scripts:
            return sp.Symbol(arg.value.name, integer=True, positive=True)
        return self.f(arg.value)

    def sumlimits(self, meta, children):
        children = [c for c in children if not isinstance(c, Token)]
        letter, low = children[0]
        high = self._upper(children[1]) if len(children) > 1 else None
        return letter, low, high

    def sumlimits_swapped(self, meta, children):
        children = [c for c in children if not isinstance(c, Token)]
        letter, low = children[1]
        return letter, low, self._upper(children[0])

    def summation(self, meta, children):
        if len(children) == 2:
            raise ParseError(
                f"\\sum at column {meta.column} needs an index: \\sum_x (samples) or \\sum_k"
            )
        letter, low, high = children[1]
        body = self.f(children[2])
        if letter == "x":
            return nt.SampleSum(body, (nt.SAMPLE_INDEX, 1, nt.n))
        k = index_symbol(letter)
        body = indexed_form(body, letter)
        # the letter itself as a value in the summand (a^k, \binom{12}{k}, k a) is the index
        body = body.xreplace({q: k for q in body.free_symbols if getattr(q, "name", "") == letter})
        return sp.Sum(body, (k, low, LAYER_WIDTH if high is None else high))

    def integral(self, meta, children):
        body = self.f(children[1])
        diff = str(children[2])
        var_name = re.sub(r"^(\\mathrm\{d\}|d)\s*", "", diff).lstrip("\\")
        var = self.f(_Name(var_name, children[2].column or 0))
        if not isinstance(var, sp.Symbol):
            raise ParseError(f"the integration variable d{var_name} is not a symbol")
        return sp.Integral(body, var)

    def limit(self, meta, children):
        """``\\lim_{a \\to 0^+} f``: a SymPy ``Limit`` (one-sided with ^+ / ^-)."""
        head, body = str(children[0]), self.f(children[1])
        inner = head[head.index("{") + 1 : -1]
        m = re.fullmatch(
            r"\s*([A-Za-z])\s*(?:\\to|\\rightarrow|->)\s*(-?\s*(?:\\infty|\d+(?:\.\d+)?))"
            r"\s*(?:\^\s*\{?\s*([+-])\s*\}?)?\s*",
            inner,
        )
        if m is None:
            raise ParseError(
                f"could not read the limit at column {meta.column}: write \\lim_{{a \\to 0^+}}"
            )
        var = self.f(_Name(m.group(1), meta.column))
        if not isinstance(var, sp.Symbol):
            raise ParseError(f"the limit variable at column {meta.column} is not a symbol")
        point_text = m.group(2).replace(" ", "")
        if "infty" in point_text:
            point = -sp.oo if point_text.startswith("-") else sp.oo
        else:
            frac = Fraction(point_text)
            point = sp.Rational(frac.numerator, frac.denominator)
        side = m.group(3) or ("-" if point == sp.oo else "+" if point == -sp.oo else "+-")
        return sp.Limit(body, var, point, side)

    def relation(self, meta, children):
        return ("relation", self.f(children[0]), self.f(children[1]))


def _parse_tree(
    text: str,
    symbols: Mapping[str, sp.Symbol] | None,
    layer_families,
    must_be_real: list[sp.Expr] | None = None,
    notation: str = "course",
    must_be_nonzero: list[sp.Expr] | None = None,
):
    """The tree of ``text`` as read, with the parts that must be real and nonzero appended to
    the lists given; remembered for the last few hundred texts (an answer is read for its
    value and again for its conditions; a catalog's mistakes recur with every answer)."""
    vocabulary = None if symbols is None else tuple(symbols.items())
    families = None if layer_families is None else tuple(sorted(layer_families))
    result, real, nonzero = _read(text, vocabulary, families, notation)
    if must_be_real is not None:
        must_be_real.extend(real)
    if must_be_nonzero is not None:
        must_be_nonzero.extend(nonzero)
    return result


@functools.lru_cache(maxsize=256)
def _read(
    text: str,
    vocabulary: tuple[tuple[str, sp.Symbol], ...] | None,
    layer_families: tuple[str, ...] | None,
    notation: str,
) -> tuple[object, tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
    real: list[sp.Expr] = []
    nonzero: list[sp.Expr] = []
    symbols = None if vocabulary is None else dict(vocabulary)
    result = _parse_tree_now(text, symbols, layer_families, real, notation, nonzero)
    return result, tuple(real), tuple(nonzero)


def _parse_tree_now(
    text: str,
    symbols: Mapping[str, sp.Symbol] | None,
    layer_families,
    must_be_real: list[sp.Expr] | None = None,
    notation: str = "course",
    must_be_nonzero: list[sp.Expr] | None = None,
):
    if notation not in NOTATIONS:
        raise ValueError(f"unknown notation {notation!r}: one of {', '.join(NOTATIONS)}")
    general = notation == "general"
    text = normalise(text)
    _check_bounds(text, general)
    _refuse_unknown_functions(text, symbols, general)
    if layer_families is None and symbols is not None:
        layer_families = frozenset(
            m.group(1)
            for name in symbols
            if (m := re.match(r"^([A-Za-z]+)\^\{", name)) and m.group(1) in LAYER_FAMILIES
        )
    ctx = _Context(
        symbols=symbols,
        layer_families=None if layer_families is None else frozenset(layer_families),
        text=text,
        general=general,
    )
    if must_be_real is not None:
        ctx.must_be_real = must_be_real
    if must_be_nonzero is not None:
        ctx.must_be_nonzero = must_be_nonzero
    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        raise ParseError(
            f"unexpected character {text[exc.pos_in_stream]!r} at column {exc.column}\n"
            f"{_caret(text, exc.pos_in_stream)}"
        ) from None
    except UnexpectedEOF:
        raise ParseError("the answer ends too early (something is missing at the end)") from None
    except UnexpectedInput as exc:
        pos = getattr(exc, "pos_in_stream", None) or 0
        tok = getattr(exc, "token", None)
        what = "the end" if tok is None or tok.type == "$END" else repr(str(tok))
        if tok is not None and tok.type == "$END":
            raise ParseError(
                "the answer ends too early (something is missing at the end)"
            ) from None
        raise ParseError(f"unexpected {what} at column {exc.column}\n{_caret(text, pos)}") from None
    try:
        result = _Build(ctx).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ParseError):
            raise exc.orig_exc from None
        if isinstance(exc.orig_exc, (RecursionError, MemoryError)):
            raise ParseError("the answer is too complicated to read") from None
        raise ParseError(f"could not read the answer: {exc.orig_exc}") from None
    if isinstance(result, tuple):
        for part in result[1:]:
            _refuse_unknown(ctx, part)
        return result
    expr = _finish(ctx, result)
    _refuse_unknown(ctx, expr)
    return expr


#: function names, longest first: ``sinx`` is refused in the general notation (sin x?)
_FUNCTION_WORDS = tuple(
    sorted({*FUNCTIONS, *COURSE_FUNCTIONS, "sqrt"} - {"sigma"}, key=len, reverse=True)
)
#: the letters of the course's notation, and e: ``ay(1 - a)`` is a product there
_COURSE_LETTERS = frozenset("ayzwbxntsue")


def _refuse_unknown_functions(
    text: str, symbols: Mapping[str, sp.Symbol] | None, general: bool
) -> None:
    """``relu(x)``, ``foo(x + 1)``: a name before ``(`` that is no known function is refused
    by name. In the course's notation a run of the exercise's one-letter symbols (or of the
    notation's letters) stays a product: ``ay(1 - a)`` is a·y·(1 − a)."""
    if symbols is not None:
        letters = frozenset(k for k in symbols if len(k) == 1) | {"e"}
    else:
        letters = _COURSE_LETTERS

    def products(name: str) -> bool:
        return not general and all(ch in letters for ch in name)

    allowed = {*_WORDS, "pi", *(symbols or {})}
    if general:
        for m in re.finditer(r"(?<![A-Za-z\\])[A-Za-z]{3,}", text):
            word = m.group()
            if word in FUNCTIONS or word in COURSE_FUNCTIONS or word in allowed:
                continue
            head = next((f for f in _FUNCTION_WORDS if word.startswith(f)), None)
            if head is not None:
                raise ParseError(
                    f"{word} at column {m.start() + 1}: write {head}({word[len(head) :]}) or "
                    f"\\{head} {word[len(head) :]} (a function needs its argument apart)"
                )
    found = refuse_unknown_calls(text, allowed=allowed, products=products)
    if found is not None:
        name, column = found
        raise ParseError(
            f"unknown function {name} at column {column}: the functions read are sqrt, root, "
            "exp, ln, log, sin, cos, tan, sec, csc, cot, their inverses (arcsin …), sinh, "
            "cosh, tanh and inverses, abs, sign, binomial (for a product, write * between "
            "the letters)"
        )


def _checked(expr: sp.Expr, notation: str = "course") -> sp.Expr:
    # a limit's point may be ∞ (\lim_{t \to \infty}); anywhere else ∞ is refused
    bodies = expr.replace(lambda e: isinstance(e, sp.Limit), lambda e: e.args[0])
    if bodies.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ParseError("the answer contains a division by zero or an infinity")
    # the general judge never multiplies out (its polynomial identities are tested modulo a
    # prime): it allows degrees up to its largest exponent
    most = GENERAL_LIMITS.exponent if notation == "general" else MAX_DEGREE
    degree = degree_bound(expr)
    if degree > most:
        raise ParseError(
            f"too large to check: multiplied out, this has degree about {degree} (at most {most})"
        )
    terms = terms_bound(expr)
    if terms > MAX_TERMS:
        raise ParseError(
            f"too large to check: multiplied out, this has about {terms:.3g} terms "
            f"(at most {MAX_TERMS:,})"
        )
    return expr


def terms_bound(expr: sp.Basic, cap: int = 10 * MAX_TERMS) -> int:
    """An upper bound on the number of terms of ``expr`` multiplied out (capped at ``cap``).

    terms(atom) = 1, terms(p + q) = terms p + terms q, terms(p·q) = terms p · terms q,
    terms(p^n) = C(terms p + n − 1, n) for a natural n (the monomials of degree n in
    terms p variables); a function or a symbolic power counts as one term.
    """
    if expr.is_Add:
        return min(cap, sum(terms_bound(arg, cap) for arg in expr.args))
    if expr.is_Mul:
        total = 1
        for arg in expr.args:
            total = min(cap, total * terms_bound(arg, cap))
        return total
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 1:
        base = terms_bound(expr.base, cap)
        return min(cap, math.comb(base + int(expr.exp) - 1, int(expr.exp))) if base > 1 else 1
    return 1


def degree_bound(expr: sp.Basic) -> int:
    """An upper bound on the total degree of ``expr`` with every power multiplied out.

    deg(symbol) = 1, deg(number) = 0, deg(p + q) = max, deg(p·q) = deg p + deg q,
    deg(p^n) = |n|·deg p for a numeric n (a rational n counts its numerator), and a function
    or a symbolic power counts the degree of its arguments. Computed without expanding.
    """
    if expr.is_Atom:
        return 0 if expr.is_number else 1
    if expr.is_Pow and expr.exp.is_Rational:
        return abs(int(expr.exp.p)) * degree_bound(expr.base)
    parts = [degree_bound(arg) for arg in expr.args]
    if not parts:
        return 0
    return sum(parts) if expr.is_Mul else max(parts)


def split_relation(text: str) -> tuple[str | None, str]:
    """``'lhs = rhs'`` → ``('lhs', 'rhs')`` at the one ``=`` outside brackets; else
    ``(None, text)`` (``\\sum_{k=1}`` keeps its ``=``)."""
    depth, cuts = 0, []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            cuts.append(i)
    if len(cuts) != 1:
        return None, text
    return text[: cuts[0]], text[cuts[0] + 1 :]


def parse_answer(
    text: str,
    *,
    symbols: Mapping[str, sp.Symbol] | None = None,
    layer_families: Collection[str] | None = None,
    notation: str = "course",
) -> sp.Expr:
    """Read one expression in the course's notation; raise :class:`ParseError` if impossible.

    ``symbols`` is the exercise's vocabulary (SymPy name → symbol); with it, any other symbol
    is refused with a message naming it and the expected ones, and the superscripts of a
    layer family (``a z w b delta``) are layer indices exactly when the vocabulary has
    layer-indexed symbols of that family. Without it, a superscript of a layer family is a
    layer index when a subscript is present (``a^2_j``) or when it is ``l``/``L`` (± an
    integer): ``a^L``, ``a^{l-1}``; otherwise a power (``a^2``, ``a^y``).
    ``layer_families`` overrides that choice.

    ``notation="general"``: every letter is a real variable with no course meaning (``a`` is
    not an activation, ``a^b`` is a power, ``C(x)`` is a product), and scientific notation
    ``1.5e-3`` is read as written; see ``docs/notation.md``.
    """
    result = _parse_tree(text, symbols, layer_families, notation=notation)
    if isinstance(result, tuple):
        raise ParseError("write only the expression (this answer contains '=')")
    return _checked(result, notation)


def real_conditions(
    text: str,
    *,
    symbols: Mapping[str, sp.Symbol] | None = None,
    layer_families: Collection[str] | None = None,
    notation: str = "course",
) -> tuple[sp.Expr, ...]:
    """The sub-expressions of an answer that must be real numbers, as they were read.

    Every logarithm ``ln u``, root ``√u`` and non-integer power ``u^p`` of the answer, taken
    before SymPy's automatic simplification of what encloses it: ``e^{\\ln(a-2)}`` is read
    as ``a − 2`` but is not a real number for ``a ∈ (0, 1)``; its condition ``ln(a − 2)``
    keeps the evidence. Raises :class:`ParseError` like :func:`parse_answer`.
    """
    found: list[sp.Expr] = []
    _parse_tree(text, symbols, layer_families, must_be_real=found, notation=notation)
    return tuple(dict.fromkeys(found))


def read_with_conditions(
    text: str, *, notation: str = "general"
) -> tuple[sp.Expr, tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
    """One expression and what its definedness needs, as written: ``(expr, must_be_real,
    must_be_nonzero)``. ``x/x`` is read as 1, with the condition x ≠ 0; ``e^{ln x}`` as x,
    with ``ln x`` that must be real (see :func:`real_conditions`)."""
    real: list[sp.Expr] = []
    nonzero: list[sp.Expr] = []
    result = _parse_tree(
        text, None, None, must_be_real=real, notation=notation, must_be_nonzero=nonzero
    )
    if isinstance(result, tuple):
        raise ParseError("write only the expression (this answer contains '=')")
    real_parts, nonzero_parts = tuple(dict.fromkeys(real)), tuple(dict.fromkeys(nonzero))
    return _checked(result, notation), real_parts, nonzero_parts


def parse_relation(
    text: str,
    *,
    symbols: Mapping[str, sp.Symbol] | None = None,
    layer_families: Collection[str] | None = None,
    notation: str = "course",
) -> tuple[sp.Expr | None, sp.Expr]:
    """Read ``lhs = rhs`` (or a bare expression, returned as ``(None, expr)``)."""
    result = _parse_tree(text, symbols, layer_families, notation=notation)
    if isinstance(result, tuple):
        return _checked(result[1], notation), _checked(result[2], notation)
    return None, _checked(result, notation)


# --------------------------------------------------------------------------- echo

_GREEK_SYMBOL = re.compile(r"^(delta|eta|lambda|epsilon|alpha|beta|gamma|theta|mu)(?=[\^_]|$)")


class _Printer(LatexTextbook):
    """The project's textbook printer, with the reader's own symbol names."""

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        name = expr.name
        if "^{" in name or "_{" in name:
            return _GREEK_SYMBOL.sub(r"\\\1", name)
        return super()._print_Symbol(expr, style=style)

    def _print_Pow(self, expr: sp.Pow, **kwargs: object) -> str:
        if isinstance(expr.base, sp.Function) and expr.exp.is_positive:
            base = self._print(expr.base)
            return rf"\left({base}\right)^{{{self._print(expr.exp)}}}"
        return super()._print_Pow(expr, **kwargs)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        inner = expr.expr
        if isinstance(inner, sp.Symbol) and len(expr.variables) == 1:
            top, var = self._print(inner), self._print(expr.variables[0])
            if expr.derivative_count == 1:
                return rf"\frac{{\partial {top}}}{{\partial {var}}}"
        if isinstance(inner, sp.core.function.AppliedUndef) and len(expr.variables) == 1:
            var = self._print(expr.variables[0])
            order = expr.derivative_count
            name = inner.func.__name__
            if order == 1:
                return rf"\frac{{\partial {name}}}{{\partial {var}}}"
            return rf"\frac{{\partial^{{{order}}} {name}}}{{\partial {var}^{{{order}}}}}"
        return super()._print_Derivative(expr)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return _GREEK_SYMBOL.sub(r"\\\1", expr.name)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base)
        idx = "".join(self._print(i) for i in expr.indices)
        return f"{base}_{{{idx}}}"


_PRINTER = _Printer()


def to_latex(expr: sp.Basic) -> str:
    """LaTeX of an answer as read: ``\\ln`` for log, ``\\delta^{L}_{j}`` for layer symbols."""
    return _PRINTER.doprint(expr)
