"""Elementary functions as written in answers (LaTeX or plain text), and absolute-value bars.

The table :data:`FUNCTIONS` maps every name the parser accepts as a function (``\\sin``,
``sin``, ``arcsin``, ``asin``, ``\\operatorname{arsinh}`` …) to its SymPy function and arity.
Any other name of two or more letters written right before ``(`` is refused by name
(:func:`refuse_unknown_calls`): ``relu(x)`` is never read as ``r·e·l·u·x``.

Bars: :func:`mark_bars` turns ``|…|``, ``\\left|…\\right|``, ``\\lvert…\\rvert`` and
``\\vert`` into explicit opening and closing tokens (``\\lvert``, ``\\rvert``) so that an
LALR grammar can read nested bars: a bare ``|`` opens when it follows an operator, an opening
bracket or the start, and closes when a bar is open and it follows an operand.

Pure string work and SymPy constructors: nothing here evaluates user text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

import sympy as sp

__all__ = [
    "FUNCTIONS",
    "INVERSE",
    "Function",
    "mark_bars",
    "refuse_unknown_calls",
]


@dataclass(frozen=True)
class Function:
    """A function name as typed: the SymPy function it means and how many arguments it takes."""

    make: Callable[..., sp.Expr]
    arity: tuple[int, ...] = (1,)
    #: an inverse trigonometric or hyperbolic function exists: ``\\sin^{-1} x`` = arcsin x
    inverse: str = ""


def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(x) if base is None else sp.log(x) / sp.log(base)


def _root(x: sp.Expr, n: sp.Expr | None = None) -> sp.Expr:
    return sp.sqrt(x) if n is None else sp.root(x, n)


_TABLE: dict[str, Function] = {
    "exp": Function(sp.exp),
    "ln": Function(sp.log),
    "log": Function(_log, (1, 2)),
    "sqrt": Function(_root, (1,)),
    "root": Function(_root, (1, 2)),
    "sin": Function(sp.sin, inverse="asin"),
    "cos": Function(sp.cos, inverse="acos"),
    "tan": Function(sp.tan, inverse="atan"),
    "sec": Function(sp.sec, inverse="asec"),
    "csc": Function(sp.csc, inverse="acsc"),
    "cot": Function(sp.cot, inverse="acot"),
    "asin": Function(sp.asin),
    "acos": Function(sp.acos),
    "atan": Function(sp.atan),
    "asec": Function(sp.asec),
    "acsc": Function(sp.acsc),
    "acot": Function(sp.acot),
    "sinh": Function(sp.sinh, inverse="asinh"),
    "cosh": Function(sp.cosh, inverse="acosh"),
    "tanh": Function(sp.tanh, inverse="atanh"),
    "coth": Function(sp.coth, inverse="acoth"),
    "sech": Function(sp.sech, inverse="asech"),
    "csch": Function(sp.csch, inverse="acsch"),
    "asinh": Function(sp.asinh),
    "acosh": Function(sp.acosh),
    "atanh": Function(sp.atanh),
    "acoth": Function(sp.acoth),
    "asech": Function(sp.asech),
    "acsch": Function(sp.acsch),
    "abs": Function(sp.Abs),
    "sign": Function(sp.sign),
    "binomial": Function(sp.binomial, (2,)),
}
_ALIASES = {
    "cosec": "csc",
    "tg": "tan",
    "cotg": "cot",
    "ctg": "cot",
    "sgn": "sign",
    "binom": "binomial",
    "arcsinh": "asinh",
    "arccosh": "acosh",
    "arctanh": "atanh",
    "arccoth": "acoth",
    "arsinh": "asinh",
    "arcosh": "acosh",
    "artanh": "atanh",
    "arcoth": "acoth",
    "arsech": "asech",
    "arcsch": "acsch",
}
for _trig in ("sin", "cos", "tan", "sec", "csc", "cot"):
    _ALIASES[f"arc{_trig}"] = f"a{_trig}"

#: every accepted function name (without backslash) → its meaning
FUNCTIONS: dict[str, Function] = {**_TABLE, **{k: _TABLE[v] for k, v in _ALIASES.items()}}
#: name → the canonical name of its inverse (``sin`` → ``asin``), for ``\\sin^{-1}``
INVERSE: dict[str, str] = {name: fn.inverse for name, fn in FUNCTIONS.items() if fn.inverse}
#: the names the grammar's FUNC terminal knows (the course's, also read before this module)
COURSE_FUNCTIONS = frozenset({"sigmoid", "sigma", "ln", "log", "exp"})

_CALL = re.compile(r"(?<![A-Za-z\\_^{])([A-Za-z]{2,})\s*\(")


def refuse_unknown_calls(
    text: str, *, allowed: Collection[str], products: Callable[[str], bool]
) -> tuple[str, int] | None:
    """The first name of two or more letters written right before ``(`` that is neither a
    function of :data:`FUNCTIONS`, nor in ``allowed`` (Greek words, ``pi`` …), nor a product
    of letters by ``products(name)`` (the course's ``ay(1 - a)``); with its column. ``dx(``
    (a differential) is left to the grammar."""
    for m in _CALL.finditer(text):
        name = m.group(1)
        if name in FUNCTIONS or name in COURSE_FUNCTIONS or name in allowed:
            continue
        if re.fullmatch(r"d[A-Za-z]", name) or products(name):
            continue
        return name, m.start(1) + 1
    return None


_BAR_COMMANDS = (
    (re.compile(r"\\left\s*\\[lr]?vert(?![A-Za-z])|\\left\s*\|"), "\x01"),
    (re.compile(r"\\right\s*\\[lr]?vert(?![A-Za-z])|\\right\s*\|"), "\x02"),
    (re.compile(r"\\lvert(?![A-Za-z])"), "\x01"),
    (re.compile(r"\\rvert(?![A-Za-z])"), "\x02"),
    (re.compile(r"\\vert(?![A-Za-z])|\\mid(?![A-Za-z])"), "|"),
)
#: after these characters a bare bar opens (an operand cannot end there)
_OPENS_AFTER = set("+-*/^_([{,=\x01") | {""}


def mark_bars(text: str) -> str:
    """``|x| + \\left|y\\right|`` → ``\\lvert x\\rvert + \\lvert y\\rvert`` (see the module
    docstring); unbalanced bars are left for the parser to report."""
    if "|" not in text and "vert" not in text:
        return text
    for pattern, mark in _BAR_COMMANDS:
        text = pattern.sub(mark, text)
    out: list[str] = []
    depth = 0
    previous = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "|":
            before = previous
            if depth > 0 and before not in _OPENS_AFTER and not _ends_with_operator(out):
                ch = "\x02"
            else:
                ch = "\x01"
        if ch == "\x01":
            depth += 1
            out.append(r"\lvert ")
        elif ch == "\x02":
            depth -= 1
            out.append(r"\rvert ")
        else:
            out.append(ch)
        if not ch.isspace():
            previous = ch
        i += 1
    return "".join(out)


def _ends_with_operator(out: list[str]) -> bool:
    """Does the text so far end with an operator command (``\\cdot``, ``\\times``)?"""
    tail = "".join(out[-8:]).rstrip()
    return bool(re.search(r"\\(?:cdot|times)$", tail))
