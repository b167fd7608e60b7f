"""Which answer does an incorrect one resemble? For feedback only, never for a verdict.

Every expression (an answer, a catalog mistake, a rewriting of the answer that names a
confusion) is evaluated once at :data:`FEEDBACK_POINTS` points, drawn symbol by symbol from a
generator seeded with the symbol's name, so that every expression sees the same value of the
same symbol; two expressions resemble each other when their values agree (relative to their
size, both real or both not, at least one point where both are real and not tiny). A pair
stops at its first difference; the values of a reference and its mistakes are remembered.
"""

from __future__ import annotations

import functools
import random
import zlib
from collections.abc import Mapping, Sequence

import mpmath
import sympy as sp

from ..engine.domain import Domain, family
from ..engine.mpeval import NotReal, mp_eval
from ..engine.points import ABSOLUTE_FLOOR as _FLOOR
from ..engine.points import DIGITS
from ..engine.points import TOLERANCE as _TOLERANCE
from .equivalence import Definition, _in_point_form
from .sums import FEEDBACK_WIDTH

__all__ = ["FEEDBACK_POINTS", "resembles"]

#: points at which :func:`resembles` compares (feedback only, never a verdict)
FEEDBACK_POINTS = 10


def _feedback_point(
    sym: sp.Symbol, families: Mapping[sp.Symbol, str], domain: Domain, seed: int, i: int
) -> mpmath.mpf:
    """The i-th feedback value of one symbol: drawn from its family's interval by a generator
    seeded with the symbol's name, so that every expression sees the same value of it."""
    interval = domain.for_family(families.get(sym, family(sym)))
    rng = random.Random(zlib.crc32(f"{seed}|{sym.name}|{i}".encode()))
    return mpmath.mpf(interval.draw(rng))


class _FeedbackValues:
    """An expression (in point form) at the feedback points, computed as far as asked."""

    def __init__(
        self, expr: sp.Expr, definitions: tuple[Definition, ...], domain: Domain, seed: int
    ):
        (self.form,), self.families = _in_point_form([expr], definitions, FEEDBACK_WIDTH)
        self.symbols = sorted(self.form.free_symbols, key=lambda q: q.name)
        self.domain, self.seed = domain, seed
        self.values: list[mpmath.mpf | None] = []

    def at(self, i: int) -> mpmath.mpf | None:
        """The value at the i-th point; None where it has no real value."""
        while len(self.values) <= i:
            k = len(self.values)
            env = {
                q: _feedback_point(q, self.families, self.domain, self.seed, k)
                for q in self.symbols
            }
            with mpmath.workdps(DIGITS):
                try:
                    self.values.append(mp_eval(self.form, env))
                except NotReal:
                    self.values.append(None)
        return self.values[i]


@functools.lru_cache(maxsize=2048)
def _feedback_values(
    expr: sp.Expr, definitions: tuple[Definition, ...], domain: Domain, seed: int
) -> _FeedbackValues:
    """Remembered: a reference and its typical mistakes recur with every answer."""
    return _FeedbackValues(expr, definitions, domain, seed)


def resembles(
    lhs: sp.Expr,
    rhs: sp.Expr,
    domain: Domain,
    *,
    seed: int,
    definitions: Sequence[Definition] = (),
) -> bool:
    """Do ``lhs`` and ``rhs`` agree at the feedback points (relative to their size, both real
    or both not, at least one point where both are real and not tiny)? For feedback only —
    which mistake an incorrect answer resembles —, never for a verdict."""
    if lhs == rhs:
        return True
    defs = tuple(definitions)
    left = _feedback_values(lhs, defs, domain, seed)
    right = _feedback_values(rhs, defs, domain, seed)
    agreed = 0
    for i in range(FEEDBACK_POINTS):  # stops at the first point where they differ
        x, y = left.at(i), right.at(i)
        if x is None or y is None:
            if (x is None) != (y is None):
                return False
            continue
        scale = abs(x) + abs(y)
        if scale < _FLOOR:
            continue
        if abs(x - y) > _TOLERANCE * scale:
            return False
        agreed += 1
    return agreed > 0
