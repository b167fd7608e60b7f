"""The rebuilt costs in JAX, any output activation in gradcheck, and a user's own gradient.

Specification: jax.grad of each rebuilt cost through a = f(z) is a − y at 1e-12; closed-form
backprop with δ^L = a − y agrees with jax.grad on random networks for other activations (and
a wrong cost is caught); check_gradient accepts a hand-written NumPy or JAX gradient, passes a
right one and names the argument of a wrong one.
"""

from __future__ import annotations

import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from numeric import assert_gradient, check_cost, check_gradient, float64
from numeric.anyactivation import OutputSpec, _errors, _functions, output_spec
from numeric.gradcheck import main as gradcheck_main
from numeric.networks import random_stack
from numeric.slowdown import main as slowdown_main
from numeric.slowdown import run_experiment


def test_jax_grad_of_each_rebuilt_cost_through_f_is_a_minus_y():
    rng = np.random.default_rng(0)
    for name in ("tanh", r"\frac{z}{1+|z|}"):
        f, _, _, cost, _ = _functions(output_spec(name, "rebuilt"))
        with float64():
            zs = jnp.asarray(rng.uniform(-3, 3, 64))
            ys = f(jnp.asarray(rng.uniform(-2, 2, 64)))  # targets inside the range of f
            grads = jax.jit(jax.vmap(jax.grad(lambda zz, yy, f=f, c=cost: c(f(zz), yy))))(zs, ys)
            want = np.asarray(f(zs) - ys)
        err = np.max(np.abs(np.asarray(grads) - want) / np.maximum(np.abs(want), 1e-2))
        assert err < 1e-12, (name, err)


def test_gradcheck_any_activation_agrees_with_autodiff(capsys):
    argv = ["--activation", "tanh", "--hidden", "relu", "--cost", "rebuilt,quadratic"]
    code = gradcheck_main([*argv, "--nets", "6", "--sizes", "3,4,2", "--batch", "4", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"]
    assert [r["cost"] for r in out["results"]] == [
        "rebuilt (tanh output, relu hidden)",
        "quadratic (tanh output, relu hidden)",
    ]
    assert all(r["worst_rel_error"] < 1e-12 for r in out["results"])


def test_a_wrong_rebuilt_cost_is_caught():
    right = output_spec("tanh", "rebuilt", "relu")
    wrong = OutputSpec("wrong", right.f, right.hidden, right.cost * 2, right.delta)
    stack = random_stack((3, 4, 2), 6, batch=4, cost="quadratic-linear", seed=3)
    stack = type(stack)(stack.sizes, stack.weights, stack.biases, stack.x, np.tanh(stack.y))
    assert _errors(stack, right, 1e-2).max() < 1e-12
    assert _errors(stack, wrong, 1e-2).max() > 0.1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--activation", "relu", "--cost", "rebuilt"], "not invertible"),
        (["--activation", "softplus", "--cost", "rebuilt"], "nothing to lambdify"),
        (["--activation", "tanh", "--cost", "cross-entropy"], "outputs in (0, 1)"),
        (["--cost", "rebuilt"], "needs --activation"),
        (["--activation", "w z"], "only z"),
    ],
)
def test_gradcheck_refuses_what_cannot_be_checked(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        gradcheck_main([*argv, "--nets", "2"])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_check_cost_accepts_delta_as_text():
    ok = check_cost("cross-entropy", nets=4, shapes=[(2, 3)], batch=4, seed=0, delta="a - y")
    bad = check_cost(
        "cross-entropy", nets=4, shapes=[(2, 3)], batch=4, seed=0, delta="(a - y) sigma'(z)"
    )
    assert ok.ok and not bad.ok
    with pytest.raises(ValueError):
        check_cost("cross-entropy", nets=1, shapes=[(2, 3)], batch=1, seed=0, delta="a -")


# --- a user's own gradient ---------------------------------------------------------------


def _cost_np(w, x, y):  # one sigmoid neuron, cross-entropy, written with NumPy
    a = 1 / (1 + np.exp(-(w @ x)))
    return -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))


def _grad_np(w, x, y):
    a = 1 / (1 + np.exp(-(w @ x)))
    n = x.shape[1]
    return (a - y) @ x.T / n, np.outer(w, a - y) / n, (np.log(1 - a) - np.log(a)) / n


W = np.array([[0.3, -0.2]])
X = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
T = np.array([[0.0, 1.0, 0.3]])


def test_a_right_numpy_gradient_passes_in_three_lines():
    report = check_gradient(_cost_np, _grad_np, W, X, T, seed=0)
    assert report.ok, report.report()
    assert all(e.worst < 1e-12 for e in report.arrays)


def test_a_wrong_gradient_is_named_by_argument():
    def forgot_x(w, x, y):
        gw, _, gy = _grad_np(w, x, y)
        return gw, np.zeros_like(x), gy

    report = check_gradient(_cost_np, forgot_x, W, X, T, seed=0)
    assert not report.ok
    ok = [e.ok(report.threshold) for e in report.arrays]
    assert ok == [True, False, True]
    with pytest.raises(AssertionError, match="argument 2"):
        assert_gradient(_cost_np, forgot_x, W, X, T, seed=0)


def test_a_jax_function_and_a_subtle_error_at_large_inputs():
    def f(v):
        return jnp.sum(jnp.tanh(v) ** 2)

    def right(v):
        return 2 * np.tanh(v) * (1 - np.tanh(v) ** 2)

    def small_only(v):  # tanh(v) ≈ v − v³/3 for small v: right near 0 only
        t = v - v**3 / 3
        return 2 * t * (1 - t**2)

    assert_gradient(f, right, np.full(3, 0.1), seed=2)
    assert not check_gradient(f, small_only, np.full(3, 0.01), seed=2, spread=0.01).ok


def test_check_gradient_refuses_a_non_scalar_cost():
    with pytest.raises(ValueError, match="scalar"):
        check_gradient(lambda v: v**2, lambda v: 2 * v, np.ones(2))


# --- the one-neuron experiment for another activation ------------------------------------


def test_slowdown_for_tanh_compares_quadratic_with_the_rebuilt_cost():
    exp = run_experiment(
        starts=[(2.0, 2.0)], eta_mse=[0.15], eta_ce=[0.15], epochs=60, activation="tanh"
    )
    quad, rebuilt = exp.runs
    assert (quad.cost, rebuilt.cost) == ("quadratic", "rebuilt")
    assert quad.a[-1] > 0.99 and rebuilt.a[-1] < 0.01  # saturated tanh: only one learns
    (ratio,) = exp.ratios
    assert ratio.inverse_sigma_prime == pytest.approx(math.cosh(4.0) ** 2, rel=1e-12)  # 1/tanh'(4)


def test_slowdown_cli_refuses_relu(capsys):
    with pytest.raises(SystemExit) as exc:
        slowdown_main(["--activation", "relu", "--epochs", "5"])
    assert exc.value.code == 2 and "not invertible" in capsys.readouterr().err
