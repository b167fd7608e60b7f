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

from ..stepinput import MAX_BYTES
from .checking import check_file, check_steps, check_text
from .cli import build_parser, format_report, main
from .data import Chain, ChainConclusion, Line, LineResult, StepFile, StepReport
from .phrases import LANGS
from .reader import DEFAULT_TIMEOUT, MAX_LINES
from .reading import parse_domain, read_steps

__all__ = [
    "DEFAULT_TIMEOUT",
    "LANGS",
    "MAX_BYTES",
    "MAX_LINES",
    "Chain",
    "ChainConclusion",
    "Line",
    "LineResult",
    "StepFile",
    "StepReport",
    "build_parser",
    "check_file",
    "check_steps",
    "check_text",
    "format_report",
    "main",
    "parse_domain",
    "read_steps",
]

if __name__ == "__main__":
    from ..engine.console import entry

    entry(main, prog="python -m derive.stepcheck")
