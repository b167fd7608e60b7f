"""Domains of the variables, and the two ways the toolkit uses them.

* **Exact proofs.** SymPy cannot state ``a < 1``. :func:`reparametrise` replaces every
  variable that lives in ``(0, 1)`` (``a``, each ``σ(·)`` and ``y`` on ``0 < y < 1``) by
  ``1/(1 + u)`` with a fresh ``u > 0``: a bijection onto the interval, after which SymPy's
  assumptions are exactly the domain, and logarithms may be expanded only where their
  factors are positive (``expand_log(force=False)``).
* **Numeric evidence.** :meth:`Domain.sample` draws seeded points inside the domain, for
  evaluation at high precision: most uniformly, some log-spaced towards each open end (down
  to 10⁻⁴ of the width from it), so that a statement false only near an edge
  (``√((50a − 1)²) = 50a − 1`` for ``a < 1/50``) is caught.

This is the one :class:`Domain` and the one :class:`Interval` of the toolkit: the engine keys
intervals by symbol, the homework grader by family name (``'a'`` covers ``a``, ``a_j``,
``a^{L}_{j}``); :meth:`Domain.for_symbol` looks up both, symbol first.

The cases of the target ``y ∈ [0, 1]`` that the lecture distinguishes (``y ∈ {0, 1}`` and
``0 < y < 1``) are :data:`Y_CASES`.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp

from .notation import a, sigma, y

__all__ = [
    "DEFAULT",
    "FAMILY_DEFAULTS",
    "Y_CASES",
    "Domain",
    "Interval",
    "family",
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

    @classmethod
    def from_bounds(cls, low: float, high: float, margin: float = 0.0) -> Interval:
        """``[low, high, margin]`` as the catalog writes it: a margin > 0 means open ends."""
        return cls(float(low), float(high), margin > 0, margin > 0)

    def latex(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{_num(self.low)}, {_num(self.high)}{right}"

    def contains(self, v: float) -> bool:
        above = v > self.low if self.low_open else v >= self.low
        below = v < self.high if self.high_open else v <= self.high
        return above and below

    def draw(self, rng: random.Random) -> float:
        """A point inside, kept 2 % of the width away from an open end; an infinite end is
        sampled over a window of width 6 next to the finite one ((−3, 3) if both are
        infinite). See :meth:`near_ends` for the points close to the ends."""
        lo, hi = self._finite()
        margin = 0.02 * (hi - lo)
        if self.low_open:
            lo += margin
        if self.high_open:
            hi -= margin
        return rng.uniform(lo, hi)

    def near_ends(self) -> list[float]:
        """Points log-spaced towards each open end: 10⁻², 10⁻³ and 10⁻⁴ of the width from it
        (where :meth:`draw` never goes), alternating low and high end."""
        lo, hi = self._finite()
        out = []
        for exponent in NEAR_END_EXPONENTS:
            gap = (hi - lo) * 10.0**exponent
            if self.low_open and not math.isinf(self.low):
                out.append(lo + gap)
            if self.high_open and not math.isinf(self.high):
                out.append(hi - gap)
        return out

    def _finite(self) -> tuple[float, float]:
        """The ends, an unbounded one replaced by a point 6 away from the other (or ±3)."""
        lo, hi = self.low, self.high
        if math.isinf(lo) or math.isinf(hi):
            lo = lo if not math.isinf(lo) else (hi - 6.0 if not math.isinf(hi) else -3.0)
            hi = hi if not math.isinf(hi) else lo + 6.0
        return lo, hi


#: how close to an open end :meth:`Interval.near_ends` goes, as powers of ten of the width
NEAR_END_EXPONENTS = (-2, -3, -4)


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


#: a symbol (engine) or a family name (grader: ``'a'`` for ``a``, ``a_j``, ``a^{L}_{j}``;
#: ``''`` for every other real symbol)
Key = sp.Symbol | str


def family(atom: sp.Basic) -> str:
    """The family of a symbol: ``a^{L}_{j}`` → ``a``; ``x_j`` → ``x``; Indexed → its base."""
    if isinstance(atom, sp.Indexed):
        name = atom.base.name
    elif isinstance(atom, sp.Symbol):
        name = atom.name
    else:
        return ""
    for sep in ("^", "_"):
        name = name.split(sep, 1)[0]
    return name


@dataclass(frozen=True)
class Domain:
    """Intervals of the variables (``a ∈ (0,1)``, ``y ∈ [0,1]`` …), by symbol or by family."""

    intervals: tuple[tuple[Key, Interval], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, mapping: Mapping[Key, Interval]) -> Domain:
        return cls(tuple(mapping.items()))

    def interval(self, key: Key) -> Interval | None:
        """The interval given for exactly this symbol or family name, if any."""
        return dict(self.intervals).get(key)

    def for_symbol(self, sym: sp.Basic) -> Interval | None:
        """The interval of ``sym``: its own, else its family's, else None."""
        table = dict(self.intervals)
        got = table.get(sym)
        return got if got is not None else table.get(family(sym))

    def for_family(self, fam: str) -> Interval:
        """The grader's lookup: the family's interval, else its default
        (:data:`FAMILY_DEFAULTS`), else the interval of ``''`` (every other real)."""
        table = dict(self.intervals)
        for got in (table.get(fam), FAMILY_DEFAULTS.get(fam), table.get("")):
            if got is not None:
                return got
        return FAMILY_DEFAULTS[""]

    def with_(self, key: Key, interval: Interval) -> Domain:
        d = dict(self.intervals)
        d[key] = interval
        return Domain.of(d)

    def with_intervals(self, extra: Mapping[Key, Interval]) -> Domain:
        return Domain.of({**dict(self.intervals), **extra})

    def latex(self) -> str:
        return ",\\ ".join(f"{sp.latex(s)} \\in {i.latex()}" for s, i in self.intervals)

    def sample(self, symbols: Iterable[sp.Symbol], count: int, seed: int) -> list[dict]:
        """``count`` seeded points for ``symbols``, each inside its interval."""
        return list(itertools.islice(self.iter_sample(symbols, seed), count))

    def iter_sample(self, symbols: Iterable[sp.Symbol], seed: int) -> Iterator[dict]:
        """The points of :meth:`sample`, one at a time, without end (the same seed gives the
        same sequence: ``sample(s, n, seed)`` is its first n)."""
        rng = random.Random(seed)
        ordered = sorted(symbols, key=lambda s_: s_.name)
        table = dict(self.intervals)
        draws = []
        for sym in ordered:
            interval = table.get(sym)
            interval = interval if interval is not None else table.get(family(sym))
            if interval is None and sym.is_integer and sym.is_positive:
                draws.append((sym, None))
                continue
            if interval is None:
                interval = POSITIVE_SAMPLE if sym.is_positive else REAL_SAMPLE
            draws.append((sym, interval))
        while True:
            yield {
                sym: rng.randint(1, 9) if interval is None else interval.draw(rng)
                for sym, interval in draws
            }

    def near_end_points(self, symbols: Iterable[sp.Symbol], seed: int) -> list[dict]:
        """Points with every open-interval symbol close to an end of its interval (each
        :meth:`Interval.near_ends` value in turn, all such symbols together); the other
        symbols drawn as in :meth:`sample`."""
        ordered = sorted(symbols, key=lambda s_: s_.name)
        table = {s_: iv for s_ in ordered if (iv := self.for_symbol(s_)) is not None}
        ends = {s_: iv.near_ends() for s_, iv in table.items() if iv.near_ends()}
        if not ends:
            return []
        count = max(len(v) for v in ends.values())
        points = self.sample(ordered, count, seed + 2)
        for i, point in enumerate(points):
            for s_, values in ends.items():
                point[s_] = values[i % len(values)]
        return points

    def edge_points(self, symbols: Iterable[sp.Symbol], seed: int) -> list[dict]:
        """Points with every closed-interval symbol at its lower end, then at its upper end
        (``y = 0``, ``y = 1``); the other symbols drawn as in :meth:`sample`."""
        ordered = sorted(symbols, key=lambda s_: s_.name)
        closed = {
            s_: iv
            for s_ in ordered
            if (iv := self.for_symbol(s_)) is not None and not (iv.low_open and iv.high_open)
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

#: the grader's intervals by family when an exercise gives none: a ∈ (0, 1), y ∈ [0, 1],
#: n ∈ [1, 20], t, u ∈ [0.05, 5], K ∈ [1, 8], every other real in [−2, 2]
FAMILY_DEFAULTS: Mapping[str, Interval] = {
    "a": UNIT_OPEN,
    "y": UNIT_CLOSED,
    "n": Interval(1.0, 20.0, False, False),
    "t": Interval(0.05, 5.0, False, False),
    "u": Interval(0.05, 5.0, False, False),
    "K": Interval(1.0, 8.0, False, False),
    "": Interval(-2.0, 2.0, False, False),
}

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
