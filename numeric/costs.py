"""The four costs in JAX, lambdified from :data:`derive.lecture.closedforms.OUTPUT_COST`, stably.

For a cost name, ``c(a, y)`` is the per-output-neuron cost of ``derive`` (e.g. cross-entropy
−(y ln a + (1 − y) ln(1 − a))); one sample costs C_x = Σ_j c(a^L_j, y_j) and a batch costs
C = (1/n) Σ_x C_x. The formula is not re-typed here: before lambdifying, every ``ln a`` and
``ln(1 − a)`` in c is replaced by a placeholder that is filled, at run time, by the output
activation's stable logarithm (:mod:`numeric.activations`): ln σ(z) = log_sigmoid(z),
ln(1 − σ(z)) = log_sigmoid(−z), ln softmax(z)_j = z_j − logsumexp(z). So the cross-entropy
becomes −(y log_sigmoid(z) + (1 − y) log_sigmoid(−z)), finite with finite gradients for
every finite z (|z| ≈ 1e3 included), where the naive ln σ(z) is −∞.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import sympy as sp

from derive.engine.notation import a, y
from derive.lecture.closedforms import COSTS, OUTPUT_ACTIVATION, OUTPUT_COST

from .activations import ACTIVATIONS, Activation
from .lambdify import to_jax

__all__ = ["StableCost", "batch_cost", "sample_costs", "split_logs", "stable_cost"]

#: placeholders for ln a and ln(1 − a)
LOG_A = sp.Symbol("log_a", real=True)
LOG_1MA = sp.Symbol("log_1ma", real=True)


def split_logs(expr: sp.Expr) -> sp.Expr:
    """``expr`` with ln a → ``log_a`` and ln(1 − a) → ``log_1ma``.

    ``ValueError`` if a logarithm of anything else depending on ``a`` remains (it could not
    be evaluated stably).
    """

    def is_log_of(target: sp.Expr) -> Callable[[sp.Basic], bool]:
        return lambda e: isinstance(e, sp.log) and sp.expand(e.args[0] - target) == 0

    out = expr.replace(is_log_of(1 - a), lambda e: LOG_1MA)
    out = out.replace(is_log_of(a), lambda e: LOG_A)
    left = [e for e in out.atoms(sp.log) if a in e.free_symbols]
    if left:
        raise ValueError(f"cannot evaluate {left} stably: only ln a and ln(1 - a) are supported")
    return out


@dataclass(frozen=True)
class StableCost:
    """c(a, y) of one cost as ``fn(a, log_a, log_1ma, y)`` plus the output activation."""

    name: str
    expr: sp.Expr
    activation: Activation
    fn: Callable[..., jax.Array]
    uses_log_a: bool
    uses_log_1ma: bool


@functools.cache
def stable_cost(cost: str) -> StableCost:
    """The stable JAX form of ``OUTPUT_COST[cost]`` (``ValueError`` for an unknown name)."""
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}; known: {', '.join(COSTS)}")
    expr = split_logs(OUTPUT_COST[cost])
    activation = ACTIVATIONS[OUTPUT_ACTIVATION[cost]]
    uses = expr.free_symbols
    for placeholder, log in ((LOG_A, activation.log_fn), (LOG_1MA, activation.log1m_fn)):
        if placeholder in uses and log is None:
            raise ValueError(
                f"{cost}: the {activation.name} activation has no stable {placeholder}"
            )
    fn = to_jax(expr, [a, LOG_A, LOG_1MA, y])
    return StableCost(cost, expr, activation, fn, LOG_A in uses, LOG_1MA in uses)


def sample_costs(cost: str, z_out: jax.Array, targets: jax.Array) -> jax.Array:
    """C_x = Σ_j c(a^L_j, y_j) for each column of ``z_out`` (shape ``(n_L, batch)``)."""
    sc = stable_cost(cost)
    act = sc.activation
    log_a = act.log_fn(z_out) if sc.uses_log_a else 0.0
    log_1ma = act.log1m_fn(z_out) if sc.uses_log_1ma else 0.0
    per_neuron = sc.fn(act.fn(z_out), log_a, log_1ma, targets)
    return jnp.sum(jnp.broadcast_to(per_neuron, jnp.shape(z_out)), axis=0)


def batch_cost(cost: str, z_out: jax.Array, targets: jax.Array) -> jax.Array:
    """C = (1/n) Σ_x C_x, the mean over the batch's columns."""
    return jnp.mean(sample_costs(cost, z_out, targets))
