"""L16 and the stable costs: the JAX costs are derive's closed forms, and stay finite saturated."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from derive.engine.notation import a, y
from derive.lecture.closedforms import COSTS, OUTPUT_ACTIVATION, OUTPUT_COST
from numeric.costs import batch_cost, split_logs, stable_cost
from numeric.lambdify import to_jax
from numeric.precision import float64


def _naive_batch_cost(cost: str, z_out: jax.Array, targets: jax.Array) -> jax.Array:
    """derive's c(a, y) lambdified as is, with a = f(z) computed first (no stable logs)."""
    act = {
        "sigmoid": jax.nn.sigmoid,
        "identity": lambda v: v,
        "softmax": lambda v: jax.nn.softmax(v, axis=0),
    }[OUTPUT_ACTIVATION[cost]]
    per_neuron = to_jax(OUTPUT_COST[cost], [a, y])(act(z_out), targets)
    return jnp.mean(jnp.sum(jnp.broadcast_to(per_neuron, z_out.shape), axis=0))


def _targets(cost: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    if cost == "softmax-log-likelihood":
        return np.eye(shape[0])[rng.integers(0, shape[0], shape[1])].T
    if cost == "quadratic-linear":
        return rng.standard_normal(shape)
    return rng.uniform(0, 1, shape)


@pytest.mark.parametrize("cost", COSTS)
def test_L16_stable_cost_equals_derive_closed_form_where_both_are_finite(cost: str) -> None:
    rng = np.random.default_rng(0)
    z_out, targets = rng.normal(0, 3, (4, 200)), _targets(cost, rng, (4, 200))
    with float64():
        ours = batch_cost(cost, jnp.asarray(z_out), jnp.asarray(targets))
        naive = _naive_batch_cost(cost, jnp.asarray(z_out), jnp.asarray(targets))
    assert ours.dtype == jnp.float64
    assert float(ours) == pytest.approx(float(naive), rel=1e-13)


@pytest.mark.parametrize("cost", COSTS)
def test_saturated_outputs_give_finite_costs_and_gradients(cost: str) -> None:
    rng = np.random.default_rng(1)
    z_out = rng.choice([-1e3, 1e3], size=(3, 50)) * rng.uniform(0.5, 1, (3, 50))
    targets = jnp.asarray(_targets(cost, rng, (3, 50)))
    with float64():
        value, grad = jax.value_and_grad(batch_cost, argnums=1)(cost, jnp.asarray(z_out), targets)
        naive = _naive_batch_cost(cost, jnp.asarray(z_out), targets)
    assert np.isfinite(float(value)) and np.all(np.isfinite(grad))
    if cost in ("cross-entropy", "softmax-log-likelihood"):
        assert not np.isfinite(float(naive))  # the naive ln σ(z) really breaks here


def test_cross_entropy_logs_are_replaced_by_stable_placeholders() -> None:
    sc = stable_cost("cross-entropy")
    assert sc.uses_log_a and sc.uses_log_1ma
    assert not sc.expr.atoms(sp.log)  # no logarithm of a left to evaluate naively


def test_a_log_that_cannot_be_made_stable_is_refused() -> None:
    with pytest.raises(ValueError, match="stably"):
        split_logs(sp.log(a + y))
