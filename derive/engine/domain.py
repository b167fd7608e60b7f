"""Domains of the variables, and the two ways the toolkit uses them.

* **Exact proofs.** SymPy cannot state ``a < 1``. :func:`reparametrise` replaces every
  variable that lives in ``(0, 1)`` (``a``, each ``σ(·)`` and ``y`` on ``0 < y < 1``) by
  ``1/(1 + u)`` with a fresh ``u > 0``: a bijection onto the interval, after which SymPy's
  assumptions are exactly the domain, and logarithms may be expanded only where their
  factors are positive (``expand_log(force=False)``).
* **Numeric second opinions.** :meth:`Domain.sample` draws seeded points inside the domain,
  away from open edges, for evaluation at high precision.

The cases of the target ``y ∈ [0, 1]`` that the lecture distinguishes (``y ∈ {0, 1}`` and
``0 < y < 1``) are :data:`Y_CASES`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from .notation import a, sigma, y

__all__ = [
    "DEFAULT",
    "Y_CASES",
    "Domain",
    "Interval",
    "reparametrise",
    "unit_interval_substitution",
]


@dataclass(frozen=True)
class Interval:
    """A real interval; ``low_open``/``high_open`` say whether the ends are excluded."""

    low: float
    high: float
    low_open: bool = True
    high_open: bool = True

    def latex(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{_num(self.low)}, {_num(self.high)}{right}"

    def draw(self, rng: random.Random) -> float:
        """A point inside, kept 2 % of the width away from an open end; an infinite end is
        sampled over a window of width 6 next to the finite one ((−3, 3) if both are infinite)."""
        lo, hi = self.low, self.high
        if math.isinf(lo) and math.isinf(hi):
            lo, hi = -3.0, 3.0
        elif math.isinf(lo):
            lo = hi - 6.0
        elif math.isinf(hi):
            hi = lo + 6.0
        margin = 0.02 * (hi - lo)
        if self.low_open:
            lo += margin
        if self.high_open:
            hi -= margin
        return rng.uniform(lo, hi)


def _num(v: float) -> str:
    if v == float("inf"):
        return r"\infty"
    if v == float("-inf"):
        return r"-\infty"
    return str(int(v)) if float(v).is_integer() else str(v)


UNIT_OPEN = Interval(0.0, 1.0, True, True)
UNIT_CLOSED = Interval(0.0, 1.0, False, False)
#: where real symbols without a declared interval are sampled
REAL_SAMPLE = Interval(-3.0, 3.0, False, False)
POSITIVE_SAMPLE = Interval(0.0, 3.0, True, False)


@dataclass(frozen=True)
class Domain:
    """Intervals of the variables (``a ∈ (0,1)``, ``y ∈ [0,1]`` …), by symbol."""

    intervals: tuple[tuple[sp.Symbol, Interval], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, mapping: Mapping[sp.Symbol, Interval]) -> Domain:
        return cls(tuple(mapping.items()))

    def interval(self, symbol: sp.Symbol) -> Interval | None:
        return dict(self.intervals).get(symbol)

    def with_(self, symbol: sp.Symbol, interval: Interval) -> Domain:
        d = dict(self.intervals)
        d[symbol] = interval
        return Domain.of(d)

    def latex(self) -> str:
        return ",\\ ".join(f"{sp.latex(s)} \\in {i.latex()}" for s, i in self.intervals)

    def sample(self, symbols: Iterable[sp.Symbol], count: int, seed: int) -> list[dict]:
        """``count`` seeded points for ``symbols``, each inside its interval."""
        rng = random.Random(seed)
        ordered = sorted(symbols, key=lambda s_: s_.name)
        points = []
        for _ in range(count):
            point = {}
            for sym in ordered:
                interval = self.interval(sym)
                if interval is None:
                    if sym.is_integer and sym.is_positive:
                        point[sym] = rng.randint(1, 9)
                        continue
                    interval = POSITIVE_SAMPLE if sym.is_positive else REAL_SAMPLE
                point[sym] = interval.draw(rng)
            points.append(point)
        return points

    def edge_points(self, symbols: Iterable[sp.Symbol], seed: int) -> list[dict]:
        """Points with every closed-interval symbol at its lower end, then at its upper end
        (``y = 0``, ``y = 1``); the other symbols drawn as in :meth:`sample`."""
        ordered = sorted(symbols, key=lambda s_: s_.name)
        closed = {
            s_: iv
            for s_ in ordered
            if (iv := self.interval(s_)) is not None and not (iv.low_open and iv.high_open)
        }
        if not closed:
            return []
        points = self.sample(ordered, 2, seed + 1)
        for point, end in zip(points, ("low", "high"), strict=True):
            for s_, iv in closed.items():
                if end == "low" and not iv.low_open:
                    point[s_] = iv.low
                elif end == "high" and not iv.high_open:
                    point[s_] = iv.high
        return points


#: a ∈ (0, 1), y ∈ [0, 1]
DEFAULT = Domain.of({a: UNIT_OPEN, y: UNIT_CLOSED})

#: the cases of y the lecture distinguishes: y = 0, y = 1 and 0 < y < 1
Y_CASES: tuple[tuple[str, sp.Expr | None], ...] = (
    ("y = 0", sp.S.Zero),
    ("y = 1", sp.S.One),
    ("0 < y < 1", None),
)


def unit_interval_substitution(symbols: Iterable[sp.Basic]) -> dict[sp.Basic, sp.Expr]:
    """``v → 1/(1 + u)`` with a fresh ``u > 0`` for each ``v``: a bijection of ``u > 0`` onto
    ``0 < v < 1``, after which SymPy's assumptions say exactly that ``v`` is in (0, 1)."""
    return {
        v: 1 / (1 + sp.Dummy(f"u_{v.name if isinstance(v, sp.Symbol) else 'sigma'}", positive=True))
        for v in symbols
    }


def reparametrise(expr: sp.Expr, domain: Domain) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """Rewrite ``expr`` so that SymPy's assumptions encode the unit-interval variables.

    Every symbol with an interval ``(0, 1)`` (or ``[0, 1]``: an identity that holds on the
    open interval holds on the closed one by continuity only where both sides are defined, so
    callers use this for the open interior) and every ``σ(·)`` becomes ``1/(1 + u)`` with a
    fresh ``u > 0`` (:func:`unit_interval_substitution`); logarithm arguments are put over a
    common denominator. Returns the new expression and the substitution used.
    """
    units = [
        sym
        for sym, interval in domain.intervals
        if (interval.low, interval.high) == (0.0, 1.0) and sym in expr.free_symbols
    ]
    units += [sig for sig in expr.atoms(sigma) if sig.args[0].is_extended_real]
    subs = unit_interval_substitution(units)
    out = expr.xreplace(subs)
    out = out.replace(
        lambda e: isinstance(e, sp.log), lambda e: sp.log(sp.factor(sp.cancel(e.args[0])))
    )
    return out, subs
