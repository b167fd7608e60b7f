"""Check a hand-written gradient against ``jax.grad``, at gradcheck's precision.

``check_gradient(f, grad_f, *args, seed=0)`` evaluates ``grad_f`` and ``jax.grad(f)`` (with
respect to every argument) at seeded random points around ``args`` — each entry moved by a
standard normal times ``spread · (1 + |entry|)`` — and at the same points times each of
``scales`` (large inputs saturate σ, tanh …), in float64. Each argument's gradient array is
compared as in :mod:`numeric.compare`: normwise ‖Δ‖₂/max(‖r‖₂, floor) and elementwise
max |Δ_i|/max(|r_i|, floor), worst of the two against ``threshold`` (1e-12).

``f`` and ``grad_f`` may be written with ``jax.numpy`` or with NumPy: ``grad_f`` is called
with NumPy float64 arrays; ``f`` is differentiated by JAX, and an ``f`` written with NumPy is
traced with its module-level ``numpy`` name bound to ``jax.numpy`` (functions that only call
NumPy functions jax.numpy mirrors work; in-place updates do not, and are reported).
``assert_gradient`` is the same check for pytest: it raises ``AssertionError`` with the report.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from .compare import DEFAULT_FLOOR, DEFAULT_THRESHOLD, ArrayError, array_errors
from .precision import in_float64

__all__ = ["GradientReport", "assert_gradient", "check_gradient"]


@dataclass(frozen=True)
class GradientReport:
    """Per argument, its worst error over all points; ``worst_point`` says where it was."""

    arrays: tuple[ArrayError, ...]
    points: int
    worst_point: str
    threshold: float
    skipped: int = 0  #: points where jax.grad(f) itself is not finite (f overflows there)

    @property
    def ok(self) -> bool:
        return all(e.ok(self.threshold) for e in self.arrays)

    def __bool__(self) -> bool:
        return self.ok

    def report(self) -> str:
        head = f"gradient checked against jax.grad at {self.points} points: " + (
            "ok" if self.ok else "MISMATCH"
        )
        if self.skipped:
            head += f" ({self.skipped} points skipped: jax.grad(f) is not finite there)"
        lines = [head] + [f"  {e.verdict(self.threshold)}" for e in self.arrays]
        if not self.ok:
            lines.append(f"  worst at {self.worst_point}")
        return "\n".join(lines)

    __str__ = report


def _numpy_to_jax(f: Callable) -> Callable | None:
    """A copy of ``f`` whose global names bound to the ``numpy`` module mean ``jax.numpy``."""
    if not isinstance(f, types.FunctionType):
        return None
    names = {k for k, v in f.__globals__.items() if v is np}
    if not names:
        return None
    g = dict(f.__globals__)
    g.update(dict.fromkeys(names, jnp))
    return types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)


def _reference(f: Callable, n: int) -> Callable:
    """``jax.grad`` of ``f`` with respect to all ``n`` arguments (a tuple)."""

    def scalar(*xs: jax.Array) -> jax.Array:
        out = jnp.asarray(f(*xs))
        if out.ndim != 0:
            raise ValueError(f"f must return a scalar (a cost), got shape {out.shape}")
        return out

    return jax.jit(jax.grad(scalar, argnums=tuple(range(n))))  # one compile for all points


def _as_tuple(g: object, n: int) -> tuple[np.ndarray, ...]:
    if n == 1 and not isinstance(g, (tuple, list)):
        g = (g,)
    if not isinstance(g, (tuple, list)) or len(g) != n:
        raise ValueError(f"grad_f must return one gradient per argument ({n}), got {type(g)}")
    return tuple(np.asarray(q, dtype=np.float64) for q in g)


def _points(
    args: Sequence[np.ndarray], trials: int, spread: float, scales: Sequence[float], seed: int
) -> list[tuple[str, tuple[np.ndarray, ...]]]:
    rng = np.random.default_rng(seed)
    base = [("the given arguments", tuple(args))]
    for k in range(trials):
        moved = tuple(x + spread * (1 + np.abs(x)) * rng.standard_normal(np.shape(x)) for x in args)
        base.append((f"random point {k + 1} (seed {seed})", moved))
    out = list(base)
    for s in scales:
        out += [(f"{where} × {s:g}", tuple(s * x for x in xs)) for where, xs in base]
    return out


@in_float64
def check_gradient(
    f: Callable[..., object],
    grad_f: Callable[..., object],
    *args: object,
    seed: int = 0,
    trials: int = 8,
    spread: float = 0.5,
    scales: Sequence[float] = (10.0,),
    threshold: float = DEFAULT_THRESHOLD,
    floor: float = DEFAULT_FLOOR,
) -> GradientReport:
    """Compare ``grad_f(*x)`` with ``jax.grad(f)`` at seeded points x around ``args``."""
    if not args:
        raise ValueError("give at least one argument to differentiate at")
    xs = tuple(np.array(x, dtype=np.float64) for x in args)
    n = len(xs)
    reference = _reference(f, n)
    try:
        reference(*map(jnp.asarray, xs))
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        g = _numpy_to_jax(f)
        if g is None:
            raise ValueError(
                "jax.grad cannot differentiate f: write it with jax.numpy (or NumPy functions "
                "that jax.numpy mirrors, called as np.…)"
            ) from None
        reference = _reference(g, n)
        try:
            reference(*map(jnp.asarray, xs))
        except Exception as exc:
            raise ValueError(
                f"jax.grad cannot differentiate f even with numpy read as jax.numpy: {exc}"
            ) from None
    worst = [ArrayError(f"argument {i + 1} {np.shape(x)}", 0.0, 0.0) for i, x in enumerate(xs)]
    worst_point, worst_value = "", -1.0
    points = _points(xs, trials, spread, scales, seed)
    skipped = 0
    for where, point in points:
        ref = [np.asarray(r) for r in reference(*map(jnp.asarray, point))]
        if not all(np.all(np.isfinite(r)) for r in ref):
            skipped += 1  # f overflows here (e.g. ln σ(z) with σ(z) rounded to 0): no reference
            continue
        with np.errstate(all="ignore"):  # a non-finite gradient is reported, not warned about
            got = _as_tuple(grad_f(*point), n)
        for i, (g_i, r_i) in enumerate(zip(got, ref, strict=True)):
            if g_i.shape != r_i.shape:
                raise ValueError(
                    f"grad_f's gradient {i + 1} has shape {g_i.shape}, argument {i + 1} has "
                    f"{r_i.shape}"
                )
            norm, elem = (float(e) for e in array_errors(jnp.asarray(g_i), r_i, floor))
            if max(norm, elem) > worst[i].worst:
                worst[i] = ArrayError(worst[i].name, norm, elem)
            if max(norm, elem) > worst_value:
                worst_value, worst_point = max(norm, elem), where
    if skipped == len(points):
        raise ValueError("jax.grad(f) is not finite at any point: f overflows around args")
    return GradientReport(tuple(worst), len(points) - skipped, worst_point, threshold, skipped)


def assert_gradient(
    f: Callable[..., object], grad_f: Callable[..., object], *args: object, **options: object
) -> GradientReport:
    """:func:`check_gradient`, raising ``AssertionError`` with the report on a mismatch."""
    report = check_gradient(f, grad_f, *args, **options)
    if not report.ok:
        raise AssertionError(report.report())
    return report
