"""How students write derivatives and sums, brought to the one form the grammar reads.

Pure string rewriting, applied by :func:`derive.homework.parse.normalise` (nothing is evaluated):

* a derivative written with a ``d`` (``\\frac{d\\sigma(z)}{dz}``, ``\\frac{da}{dz}``,
  ``\\frac{\\mathrm{d}}{\\mathrm{d}b}``, plain ``da/dz``, ``d/dz``) becomes the ∂ form
  ``\\frac{\\partial …}{\\partial …}``: with one variable the two mean the same;
* a bare ``\\sigma`` over a derivative bar (``\\frac{d\\sigma}{dz}``) is the lecture's shorthand
  for σ of the variable below the bar (σ(z), σ(z^L_j)); σ of z when that is not a z;
* ``sum_k``, ``sum_{k=1}^K`` typed without the backslash is ``\\sum``.

An empty numerator (``\\frac{d}{dz}``, ``\\frac{\\partial}{\\partial w}``) is an *operator*: the
parser applies it to the rest of the product that follows it.
"""

from __future__ import annotations

import re

__all__ = ["rewrite_derivatives", "rewrite_plain_sums"]

_D = r"(?:\\mathrm\{d\}|\\operatorname\{d\}|d|\\partial)"
#: a differentiation variable: one letter (or \delta, \eta) with optional layer and index scripts
_VAR = (
    r"(?:\\(?:delta|eta)|[A-Za-z])"
    r"(?:\s*[\^_]\s*(?:\{[^{}]*\}|[A-Za-z0-9]|\([^()]*\))){0,2}"
)
_DEN = re.compile(rf"^\s*{_D}\s*(?P<v>{_VAR})\s*$")
_NUM = re.compile(rf"^\s*{_D}\s*(?P<f>.*?)\s*$", re.S)


def _group(text: str, start: int) -> int | None:
    """End (exclusive) of the brace group opening at ``text[start]``; None when unbalanced."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _shorthand(f: str, v: str) -> str:
    """``\\sigma`` alone → σ of the variable when it is a z, else σ(z)."""
    if re.fullmatch(r"\\sigma|sigma|\\sigma\s*\(\s*\)", f.strip()):
        arg = v if v.lstrip().startswith("z") else "z"
        return rf"\sigma({arg})"
    return f


def rewrite_derivatives(text: str) -> str:
    """Every ``\\frac{d F}{d v}`` / ``\\frac{\\partial F}{\\partial v}`` in the ∂ form, and the
    plain-text ``dF/dv``, ``d/dv`` (see the module docstring)."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find(r"\frac", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        a = _skip_space(text, j + 5)
        a_end = _group(text, a)
        b = _skip_space(text, a_end) if a_end else None
        b_end = _group(text, b) if b is not None else None
        if a_end is None or b_end is None:
            out.append(r"\frac")
            i = j + 5
            continue
        num, den = text[a + 1 : a_end - 1], text[b + 1 : b_end - 1]
        dm, nm = _DEN.match(den), _NUM.match(num)
        if dm is None or nm is None or not re.match(rf"\s*{_D}", num):
            out.append(r"\frac")
            i = j + 5
            continue
        v = dm.group("v")
        f = _shorthand(rewrite_derivatives(nm.group("f")), v)
        out.append(
            rf"\frac{{\partial {f}}}{{\partial {v}}}"
            if f
            else rf"\frac{{\partial}}{{\partial {v}}}"
        )
        i = b_end
    text = "".join(out)
    # plain text: d/dz, da/dz, dsigma/dz, d\sigma(z)/dz (d must not end a longer word)
    text = re.sub(
        rf"(?<![A-Za-z\\])d\s*/\s*d\s*(?P<v>{_VAR})(?![A-Za-z])",
        lambda m: rf"\frac{{\partial}}{{\partial {m.group('v')}}}",
        text,
    )

    def plain(m: re.Match[str]) -> str:
        f = _shorthand(m.group("f"), m.group("v"))
        return rf"\frac{{\partial {f}}}{{\partial {m.group('v')}}}"

    text = re.sub(
        rf"(?<![A-Za-z\\])d\s*(?P<f>\\sigma\s*\([^()]*\)|\\?sigma|[A-Za-z](?:\^\{{[^{{}}]*\}}"
        rf"|_\{{[^{{}}]*\}}|[\^_][A-Za-z0-9])*)\s*/\s*d\s*(?P<v>{_VAR})(?![A-Za-z])",
        plain,
        text,
    )
    return text


def rewrite_plain_sums(text: str) -> str:
    """``sum_k …``, ``sum_{k=1}^K …``, ``Sum_k`` typed without a backslash → ``\\sum``."""
    return re.sub(r"(?<![A-Za-z\\])[sS]um\s*(?=[_^])", r"\\sum", text)
