"""Gradients of the batch-mean cost: closed-form backpropagation (BP1–BP4) and ``jax.grad``.

Forward pass, one column per sample (``x`` of shape ``(n_1, batch)``):

    z^l = w^l a^{l-1} + b^l,   a^l = σ(z^l) for hidden layers,   a^L = f(z^L), a^1 = x,

with f the cost's output activation (:data:`derive.lecture.closedforms.OUTPUT_ACTIVATION`).
Backward pass, vectorised over the batch (⊙ is the elementwise product):

    BP1  δ^L = δ^L(a^L, y, z^L)                    (from derive.lecture.closedforms.OUTPUT_DELTA)
    BP2  δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)       (σ' from derive.lecture.closedforms.SIGMA_PRIME)
    BP3  ∂C/∂b^l = (1/n) Σ_x δ^l_x
    BP4  ∂C/∂w^l = (1/n) Σ_x δ^l_x (a^{l-1}_x)ᵀ = (1/n) δ^l (a^{l-1})ᵀ

for the batch-mean cost C = (1/n) Σ_x C_x of :mod:`numeric.costs`. The autodiff method
differentiates that same cost with ``jax.grad``; nothing is shared with the closed form but the
forward pass.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.notation import a, sigma, y, z
from derive.lecture.closedforms import COSTS, OUTPUT_ACTIVATION, OUTPUT_DELTA, SIGMA_PRIME

from .activations import ACTIVATIONS
from .costs import batch_cost
from .lambdify import to_jax
from .precision import in_float64

__all__ = [
    "METHODS",
    "autodiff_gradients",
    "closed_form_gradients",
    "delta_function",
    "forward",
    "gradients",
]

Params = tuple[tuple[jax.Array, ...], tuple[jax.Array, ...]]
DeltaFn = Callable[[jax.Array, jax.Array, jax.Array], jax.Array]

METHODS: tuple[str, ...] = ("closed-form", "autodiff")

_sigmoid = to_jax(sigma(z), [z])
_sigma_prime = to_jax(SIGMA_PRIME, [z])


def _check_cost(cost: str) -> None:
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}; known: {', '.join(COSTS)}")


def delta_function(expr: sp.Expr) -> DeltaFn:
    """δ^L = ``expr`` (in ``a``, ``y``, ``z``, elementwise per output neuron) as a JAX function.

    ``ValueError`` if ``expr`` has symbols other than ``a``, ``y``, ``z``, or parts that have
    no numeric value (an unevaluated derivative or integral, an unknown function such as C(a)).
    """
    extra = sorted(str(s) for s in expr.free_symbols - {a, y, z})
    if extra:
        raise ValueError(f"δ^L may use only a, y, z (and σ); found {', '.join(extra)}")
    unevaluated = expr.atoms(sp.Derivative, sp.Integral, sp.Limit, AppliedUndef)
    if unevaluated:
        shown = ", ".join(sorted(sp.sstr(u) for u in unevaluated))
        raise ValueError(f"δ^L must be a formula in a, y, z and σ; cannot evaluate {shown}")
    try:
        fn = to_jax(expr, [a, y, z])
    except (NotImplementedError, TypeError, ValueError) as exc:
        raise ValueError(f"δ^L cannot be evaluated numerically: {sp.sstr(expr)}") from exc

    def delta(a_out: jax.Array, targets: jax.Array, z_out: jax.Array) -> jax.Array:
        return jnp.broadcast_to(fn(a_out, targets, z_out), jnp.shape(z_out))

    return delta


@functools.cache
def _closed_form_delta(cost: str) -> DeltaFn:
    return delta_function(OUTPUT_DELTA[cost])


def forward(
    weights: Sequence[jax.Array], biases: Sequence[jax.Array], x: jax.Array
) -> list[jax.Array]:
    """The weighted inputs ``[z^2, …, z^L]`` (hidden layers sigmoid; biases of shape ``(n,)``)."""
    zs = []
    act = x
    for i, (w_l, b_l) in enumerate(zip(weights, biases, strict=True)):
        z_l = w_l @ act + b_l[:, None]
        zs.append(z_l)
        if i < len(weights) - 1:
            act = _sigmoid(z_l)
    return zs


def closed_form_gradients(
    weights: Sequence[jax.Array],
    biases: Sequence[jax.Array],
    x: jax.Array,
    targets: jax.Array,
    *,
    cost: str,
    delta: DeltaFn | None = None,
) -> Params:
    """(∂C/∂w^l, ∂C/∂b^l) for l = 2 … L by BP1–BP4; ``delta`` overrides the closed-form δ^L."""
    _check_cost(cost)
    delta = delta or _closed_form_delta(cost)
    zs = forward(weights, biases, x)
    acts = [x, *(_sigmoid(z_l) for z_l in zs[:-1])]
    a_out = ACTIVATIONS[OUTPUT_ACTIVATION[cost]].fn(zs[-1])
    n = x.shape[1]
    d = delta(a_out, targets, zs[-1])  # BP1
    grad_w: list[jax.Array] = []
    grad_b: list[jax.Array] = []
    for layer in range(len(weights) - 1, -1, -1):
        grad_w.append(d @ acts[layer].T / n)  # BP4
        grad_b.append(jnp.sum(d, axis=1) / n)  # BP3
        if layer > 0:
            d = (weights[layer].T @ d) * _sigma_prime(zs[layer - 1])  # BP2
    return tuple(reversed(grad_w)), tuple(reversed(grad_b))


def autodiff_gradients(
    weights: Sequence[jax.Array],
    biases: Sequence[jax.Array],
    x: jax.Array,
    targets: jax.Array,
    *,
    cost: str,
) -> Params:
    """(∂C/∂w^l, ∂C/∂b^l) by ``jax.grad`` of the stable batch-mean cost."""
    _check_cost(cost)

    def cost_of(params: Params) -> jax.Array:
        ws, bs = params
        return batch_cost(cost, forward(ws, bs, x)[-1], targets)

    grad_w, grad_b = jax.grad(cost_of)((tuple(weights), tuple(biases)))
    return tuple(grad_w), tuple(grad_b)


@functools.cache
def _jitted(cost: str, method: str) -> Callable[..., Params]:
    if method == "closed-form":
        return jax.jit(functools.partial(closed_form_gradients, cost=cost))
    return jax.jit(functools.partial(autodiff_gradients, cost=cost))


@in_float64
def gradients(
    weights: Sequence[np.ndarray | jax.Array],
    biases: Sequence[np.ndarray | jax.Array],
    x: np.ndarray | jax.Array,
    y: np.ndarray | jax.Array,
    *,
    cost: str,
    method: str = "closed-form",
) -> tuple[list[jax.Array], list[jax.Array]]:
    """Gradient of the batch-mean cost C = (1/n) Σ_x C_x w.r.t. every weight and bias, in float64.

    ``weights[i]`` has shape ``(n_out, n_in)``, ``biases[i]`` ``(n_out,)`` or ``(n_out, 1)``,
    ``x`` ``(n_1, batch)``, ``y`` ``(n_L, batch)``. Returns ``(grad_weights, grad_biases)``,
    lists shaped like ``weights`` and ``biases``. ``method`` is ``"closed-form"`` (BP1–BP4 with
    δ^L from derive) or ``"autodiff"`` (``jax.grad``). Runs under :func:`numeric.precision.float64`.
    """
    _check_cost(cost)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    ws = tuple(jnp.asarray(w, dtype=jnp.float64) for w in weights)
    bias_shapes = [np.shape(b) for b in biases]
    bs = tuple(jnp.asarray(b, dtype=jnp.float64).reshape(-1) for b in biases)
    xs = jnp.asarray(x, dtype=jnp.float64)
    ys = jnp.asarray(y, dtype=jnp.float64)
    _check_shapes(ws, bs, bias_shapes, xs, ys)
    grad_w, grad_b = _jitted(cost, method)(ws, bs, xs, ys)
    return list(grad_w), [g.reshape(s) for g, s in zip(grad_b, bias_shapes, strict=True)]


def _check_shapes(
    ws: Sequence[jax.Array],
    bs: Sequence[jax.Array],
    bias_shapes: Sequence[tuple[int, ...]],
    x: jax.Array,
    y: jax.Array,
) -> None:
    if not ws or len(ws) != len(bs):
        raise ValueError(
            f"need one bias per weight matrix, got {len(ws)} weights, {len(bs)} biases"
        )
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"x must be (n_in, batch) and y (n_out, batch); got {x.shape}, {y.shape}")
    n_in = x.shape[0]
    for i, (w, b, b_shape) in enumerate(zip(ws, bs, bias_shapes, strict=True)):
        if w.ndim != 2 or w.shape[1] != n_in or b.shape[0] != w.shape[0]:
            raise ValueError(
                f"layer {i + 2}: weights {w.shape} / biases {b_shape} do not fit {n_in} inputs"
            )
        if b_shape not in ((w.shape[0],), (w.shape[0], 1)):
            raise ValueError(f"layer {i + 2}: biases must be (n_out,) or (n_out, 1), got {b_shape}")
        n_in = w.shape[0]
    if y.shape[0] != n_in:
        raise ValueError(f"y has {y.shape[0]} rows but the output layer has {n_in} neurons")
