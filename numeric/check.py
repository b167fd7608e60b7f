"""Closed-form gradients against ``jax.grad`` on many random networks at once.

Networks of one shape are stacked and checked by one function, ``jit(vmap(…))``: it is
compiled once per (cost, δ^L, shape) and then checks every network of that shape in one call.
With :mod:`numeric.programs` on (the command line), the compiled function is kept across runs
and a later run loads it instead of tracing it again.
For each network and each parameter array it returns the errors of :mod:`numeric.compare`;
:func:`check_cost` keeps the worst one and names it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derive.lecture.closedforms import COSTS, OUTPUT_DELTA

from .backprop import autodiff_gradients, closed_form_gradients, delta_function
from .compare import DEFAULT_FLOOR, DEFAULT_THRESHOLD, ArrayError, array_errors, parameter_names
from .networks import NetworkStack, check_memory, random_stack, validate_sizes
from .precision import in_float64
from .programs import run

__all__ = ["CostResult", "check_cost", "check_networks", "check_stack", "random_shapes"]


@functools.cache
def _batched_checker(cost: str, delta_expr: sp.Expr, floor: float) -> Callable[..., jax.Array]:
    delta = delta_function(delta_expr)

    def one(ws: tuple, bs: tuple, x: jax.Array, y: jax.Array) -> jax.Array:
        cf_w, cf_b = closed_form_gradients(ws, bs, x, y, cost=cost, delta=delta)
        ad_w, ad_b = autodiff_gradients(ws, bs, x, y, cost=cost)
        rows = []
        for gw, rw, gb, rb in zip(cf_w, ad_w, cf_b, ad_b, strict=True):
            rows += [array_errors(gw, rw, floor), array_errors(gb, rb, floor)]
        return jnp.stack(rows)

    return jax.jit(jax.vmap(one))


@in_float64
def check_stack(
    stack: NetworkStack,
    *,
    cost: str,
    delta: sp.Expr | None = None,
    floor: float = DEFAULT_FLOOR,
) -> np.ndarray:
    """Errors of shape ``(count, 2 (L − 1), 2)``: network, parameter array, [normwise, elementwise].

    ``delta`` (in ``a``, ``y``, ``z``) replaces the closed-form δ^L of ``cost``.
    """
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}; known: {', '.join(COSTS)}")
    expr = OUTPUT_DELTA[cost] if delta is None else delta
    floor = float(floor)
    as64 = functools.partial(jnp.asarray, dtype=jnp.float64)
    args = (
        tuple(map(as64, stack.weights)),
        tuple(map(as64, stack.biases)),
        as64(stack.x),
        as64(stack.y),
    )
    static = (cost, _srepr(expr), floor)
    errors = run("check_stack", static, lambda: _batched_checker(cost, expr, floor), args)
    return np.asarray(errors)


@functools.cache
def _srepr(expr: sp.Expr) -> str:
    return sp.srepr(expr)


def random_shapes(
    count: int, *, seed: int, max_layers: int = 4, max_width: int = 12
) -> list[tuple[int, ...]]:
    """``count`` distinct seeded layer sizes: 2 … ``max_layers`` layers of 1 … ``max_width``."""
    rng = np.random.default_rng(seed)
    shapes: list[tuple[int, ...]] = []
    while len(shapes) < count:
        n_layers = int(rng.integers(2, max_layers + 1))
        shape = tuple(int(n) for n in rng.integers(1, max_width + 1, size=n_layers))
        if shape not in shapes:
            shapes.append(shape)
    return shapes


@dataclass(frozen=True)
class CostResult:
    """The outcome of one cost over all its networks; ``worst`` names the worst array."""

    cost: str
    nets: int
    shapes: tuple[tuple[int, ...], ...]
    worst_rel_error: float
    worst: ArrayError
    worst_network: int
    worst_sizes: tuple[int, ...]
    mismatched_nets: int
    mismatched_arrays: tuple[str, ...]
    array_worst: tuple[tuple[str, float], ...]
    threshold: float

    @property
    def ok(self) -> bool:
        return self.mismatched_nets == 0

    def report(self) -> str:
        """Where and by how much the closed form disagrees with autodiff (or that it does not)."""
        sizes = ",".join(map(str, self.worst_sizes))
        where = f"[network {self.worst_network}, sizes {sizes}]"
        head = f"{self.cost}: worst {self.worst.verdict(self.threshold)} {where}"
        if self.ok:
            return head
        return (
            f"{head}\n  {self.mismatched_nets} of {self.nets} networks disagree with autodiff; "
            f"arrays that disagree: {', '.join(self.mismatched_arrays)}\n  worst error per array: "
            + ", ".join(f"{name} {err:.1e}" for name, err in self.array_worst)
        )


def check_cost(
    cost: str,
    *,
    nets: int,
    shapes: Sequence[Sequence[int]],
    batch: int,
    seed: int,
    scale: float = 1.0,
    delta: sp.Expr | str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    floor: float = DEFAULT_FLOOR,
    progress: Callable[[int], object] | None = None,
) -> CostResult:
    """Check ``nets`` seeded random networks whose shapes are drawn from ``shapes``.

    Networks are spread over ``shapes`` (seeded), each shape's networks checked in one batched
    call; ``progress(k)`` is called after each group of ``k`` networks. ``delta`` replaces the
    closed-form δ^L: a SymPy expression in a, y, z, or text read as ``--delta`` reads it
    (:func:`numeric.userdelta.parse_delta`, never eval'd; ``ValueError`` if unreadable).
    """
    if isinstance(delta, str):
        from .userdelta import parse_delta

        delta = parse_delta(delta)
    cost_index = COSTS.index(cost) if cost in COSTS else -1
    return check_networks(
        cost,
        lambda stack: check_stack(stack, cost=cost, delta=delta, floor=floor),
        nets=nets,
        shapes=shapes,
        batch=batch,
        seed=[seed, cost_index + 1],
        scale=scale,
        threshold=threshold,
        progress=progress,
        stack_cost=cost,
    )


def check_networks(
    label: str,
    errors_of: Callable[[NetworkStack], np.ndarray],
    *,
    nets: int,
    shapes: Sequence[Sequence[int]],
    batch: int,
    seed: int | Sequence[int],
    scale: float = 1.0,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int], object] | None = None,
    stack_cost: str = COSTS[0],
    retarget: Callable[[NetworkStack, np.random.SeedSequence], NetworkStack] | None = None,
) -> CostResult:
    """The loop of :func:`check_cost` for any ``errors_of(stack)`` (shape as
    :func:`check_stack` returns); ``retarget`` may replace a stack's targets (seeded)."""
    shapes = tuple(validate_sizes(s) for s in shapes)
    if nets < 1 or not shapes:
        raise ValueError("need at least one network and one shape")
    root = np.random.SeedSequence(seed)
    assign_seed, *group_seeds = root.spawn(len(shapes) + 1)
    counts = np.bincount(
        np.random.default_rng(assign_seed).integers(0, len(shapes), nets), minlength=len(shapes)
    )
    worst: tuple[float, ArrayError, int, tuple[int, ...]] | None = None
    mismatched_nets = 0
    mismatched_arrays: set[str] = set()
    array_worst: dict[str, float] = {}
    offset = 0
    for sizes, count, group_seed in zip(shapes, counts, group_seeds, strict=True):
        if count == 0:
            continue
        check_memory(sizes, int(count), batch=batch)
        stack = random_stack(
            sizes, int(count), batch=batch, cost=stack_cost, seed=group_seed, scale=scale
        )
        if retarget is not None:
            stack = retarget(stack, group_seed.spawn(1)[0])
        errors = errors_of(stack)
        names = parameter_names(len(sizes) - 1)
        per_array = errors.max(axis=2)  # (count, arrays)
        bad = per_array > threshold  # inf > threshold too; NaN cannot occur (see array_errors)
        mismatched_nets += int(bad.any(axis=1).sum())
        mismatched_arrays.update(names[j] for j in np.flatnonzero(bad.any(axis=0)))
        for name, err in zip(names, per_array.max(axis=0), strict=True):
            array_worst[name] = max(array_worst.get(name, 0.0), float(err))
        i, j = np.unravel_index(int(np.argmax(per_array)), per_array.shape)
        if worst is None or per_array[i, j] > worst[0]:
            err = ArrayError(names[j], float(errors[i, j, 0]), float(errors[i, j, 1]))
            worst = (float(per_array[i, j]), err, offset + int(i), sizes)
        offset += int(count)
        if progress is not None:
            progress(int(count))
    assert worst is not None
    order = {name: k for k, name in enumerate(parameter_names(max(len(s) for s in shapes) - 1))}
    return CostResult(
        cost=label,
        nets=nets,
        shapes=tuple(s for s, c in zip(shapes, counts, strict=True) if c),
        worst_rel_error=worst[0],
        worst=worst[1],
        worst_network=worst[2],
        worst_sizes=worst[3],
        mismatched_nets=mismatched_nets,
        mismatched_arrays=tuple(sorted(mismatched_arrays, key=order.__getitem__)),
        array_worst=tuple(sorted(array_worst.items(), key=lambda kv: order[kv[0]])),
        threshold=threshold,
    )
