"""L20–L25: closed-form backpropagation (BP1–BP4, δ^L from derive) equals jax.grad.

The closed form and autodiff share only the forward pass; δ^L comes from
``derive.lecture.closedforms.OUTPUT_DELTA`` and σ' from ``SIGMA_PRIME``. Strength: numeric evidence
in float64 at the hypothesis-drawn and seeded networks below, not a proof (the proofs are
derive's).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings

from derive.lecture.closedforms import COSTS, OUTPUT_DELTA
from numeric import gradients
from numeric.backprop import autodiff_gradients, closed_form_gradients
from numeric.check import check_cost, check_stack
from numeric.compare import DEFAULT_THRESHOLD, array_errors
from numeric.networks import random_batch, random_network, random_stack
from numeric.precision import float64
from numeric.strategies import cases


@functools.cache
def _errors_fn(cost: str):
    """jit-compiled (once per cost and shape) errors of every array, closed form vs autodiff."""

    def errors(ws, bs, x, y):
        cf = closed_form_gradients(ws, bs, x, y, cost=cost)
        ad = autodiff_gradients(ws, bs, x, y, cost=cost)
        pairs = [*zip(cf[0], ad[0], strict=True), *zip(cf[1], ad[1], strict=True)]
        assert all(g.dtype == jnp.float64 for g, _ in pairs)
        return jnp.stack([array_errors(g, r) for g, r in pairs])

    return jax.jit(errors)


def _worst_error(cost, net, batch) -> float:
    with float64():
        args = (tuple(net.weights), tuple(net.biases), batch.x, batch.y)
        return float(np.max(_errors_fn(cost)(*args)))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(cases(max_layers=3, max_width=3, max_batch=3))
def test_L20_bp1_to_bp4_with_derive_delta_equal_autodiff(case) -> None:
    cost, net, batch = case
    assert _worst_error(cost, net, batch) <= DEFAULT_THRESHOLD


@pytest.mark.parametrize("cost", COSTS)
def test_L20_thousand_seeded_networks_of_mixed_shapes_agree(cost: str) -> None:
    result = check_cost(cost, nets=1000, shapes=[(5, 7, 3), (2, 3, 3, 2)], batch=8, seed=0)
    assert result.ok, result.report()
    assert result.worst_rel_error <= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("cost", "wrong_from"),
    [
        ("cross-entropy", "quadratic"),  # L19/L23: σ' does not belong in the CE δ^L
        ("quadratic", "cross-entropy"),  # L22: the quadratic δ^L needs σ'
    ],
)
def test_L22_L23_a_wrong_delta_is_caught_in_every_array(cost: str, wrong_from: str) -> None:
    stack = random_stack((4, 5, 3), 50, batch=8, cost=cost, seed=2)
    errors = check_stack(stack, cost=cost, delta=OUTPUT_DELTA[wrong_from]).max(axis=2)
    assert np.all(errors > 1e-3)  # every array of every network, by far


def test_a_delta_off_by_one_part_in_a_billion_is_caught() -> None:
    slightly_wrong = sp.Mul(OUTPUT_DELTA["cross-entropy"], 1 + sp.Rational(1, 10**9))
    result = check_cost(
        "cross-entropy", nets=50, shapes=[(4, 5, 3)], batch=8, seed=3, delta=slightly_wrong
    )
    assert not result.ok
    assert 1e-10 < result.worst_rel_error < 1e-8  # the check resolves a 1e-9 relative change
    assert "layer 3 biases" in result.mismatched_arrays


@pytest.mark.parametrize("cost", COSTS)
def test_saturated_networks_give_finite_agreeing_gradients(cost: str) -> None:
    stack = random_stack((6, 8, 3), 100, batch=8, cost=cost, seed=4, scale=100.0)
    with float64():
        net, batch = stack.network(0), stack.batch(0)
        z_max = np.abs(net.weights[0] @ batch.x + net.biases[0][:, None]).max()
    assert z_max > 300  # weights ×100: |z| of order 1e2–1e3
    errors = check_stack(stack, cost=cost)  # inf if any gradient is not finite
    assert np.all(np.isfinite(errors))
    assert errors.max() <= DEFAULT_THRESHOLD


def test_gradients_api_keeps_shapes_and_does_not_flip_global_x64() -> None:
    before = jax.config.jax_enable_x64
    net = random_network([3, 4, 2], seed=0)
    batch = random_batch([3, 4, 2], 5, cost="quadratic", seed=1)
    column_biases = [b[:, None] for b in net.biases]
    narrow = [w.astype(np.float32) for w in net.weights]
    gw, gb = gradients(
        narrow,
        column_biases,
        batch.x,
        batch.y,
        cost="quadratic",
        method="closed-form",
    )
    aw, ab = gradients(narrow, net.biases, batch.x, batch.y, cost="quadratic", method="autodiff")
    assert jax.config.jax_enable_x64 == before
    assert [g.shape for g in gw] == [(4, 3), (2, 4)] and [g.shape for g in gb] == [(4, 1), (2, 1)]
    assert [g.shape for g in ab] == [(4,), (2,)]
    assert all(g.dtype == np.float64 for g in [*gw, *gb, *aw, *ab])
    # float32 weights are widened to float64 (exactly); both methods then agree to rounding
    for g, r in zip([*gw, *gb], [*aw, *ab], strict=True):
        assert np.allclose(np.ravel(g), np.ravel(r), rtol=1e-13, atol=0)


def test_gradients_api_rejects_mismatched_shapes_and_names() -> None:
    net = random_network([3, 4, 2], seed=0)
    batch = random_batch([3, 4, 2], 5, cost="quadratic", seed=1)
    with pytest.raises(ValueError, match="rows"):
        gradients(net.weights, net.biases, batch.x, batch.y[:1], cost="quadratic")
    with pytest.raises(ValueError, match="unknown cost"):
        gradients(net.weights, net.biases, batch.x, batch.y, cost="mse")
    with pytest.raises(ValueError, match="unknown method"):
        gradients(net.weights, net.biases, batch.x, batch.y, cost="quadratic", method="fd")


def test_importing_numeric_leaves_jax_in_its_default_precision() -> None:
    code = (
        "import jax, numeric, numeric.gradcheck, numeric.strategies; "
        "print(jax.config.jax_enable_x64, jax.numpy.ones(1).dtype)"
    )
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "float32"]
