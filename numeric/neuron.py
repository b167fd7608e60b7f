"""Gradient descent on one sigmoid neuron with the closed-form gradients of :mod:`derive`.

One neuron with one input: ``z = w x + b``, ``a = σ(z)``. One epoch is one gradient step on
the single sample ``(x, y)``::

    w ← w − η ∂C/∂w,    b ← b − η ∂C/∂b

with ∂C/∂w, ∂C/∂b the closed forms of :mod:`derive.lecture.closedforms` (``CE_DW``, ``CE_DB``:
``x(σ(z) − y)``, ``σ(z) − y``; ``MSE_DW``, ``MSE_DB``: ``(a − y)σ'(z)x``, ``(a − y)σ'(z)``),
lambdified after binding ``a = σ(z)``, ``z = w x + b``. Nothing here re-types a formula.

The quadratic cost is the repository's ``C = ½(y − a)²`` (Nielsen's book, whose η = 0.15
belongs to this form); the lecture's slide writes ``(y − a)²``, whose gradient is twice as
large, so its η = 0.15 would be η = 0.3 here.

:func:`verify_run` is the independent check: ``jax.grad`` of the cost at every point of the
trajectory, against the closed form, and every recorded update against the update autodiff
implies. The cost is :func:`numeric.costs.sample_costs`: derive's per-neuron cost with
``ln σ(z)`` evaluated as ``log_sigmoid(z)`` and ``ln(1 − σ(z))`` as ``log_sigmoid(−z)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from derive.engine.notation import a, b, sigma, w, x, y, z
from derive.lecture.closedforms import CE_DB, CE_DW, MSE_COST, MSE_DB, MSE_DW, NEURON_Z
from derive.lecture.experiment import X, Y

from .costs import sample_costs
from .lambdify import to_jax
from .precision import in_float64

__all__ = [
    "LECTURE_X",
    "LECTURE_Y",
    "NEURON_COSTS",
    "NeuronCost",
    "Run",
    "Verification",
    "initial_gradient",
    "neuron_costs",
    "train",
    "verify_run",
]

#: the (x, y) of the lecture's experiment: map input 1 to output 0
LECTURE_X, LECTURE_Y = X, Y  # the lecture's sample: input 1, target 0 (derive.lecture.experiment)


_SIGMA_Z = sigma(z)


def _bind(expr: sp.Expr, activation: sp.Expr = _SIGMA_Z) -> sp.Expr:
    """``expr`` with a = f(z) (σ by default) and then z = w x + b: a function of (w, b, x, y)."""
    return expr.subs(a, activation).subs(z, NEURON_Z)


@dataclass(frozen=True)
class NeuronCost:
    """One cost of one neuron: its name in :mod:`numeric.costs` and derive's ∂C/∂w, ∂C/∂b.

    For another activation a = f(z) (``activation``), ``cost`` is the per-sample cost c(a, y)
    that autodiff differentiates (lambdified; for σ the stable :mod:`numeric.costs` is used).
    """

    name: str
    dw: sp.Expr
    db: sp.Expr
    activation: sp.Expr = _SIGMA_Z
    cost: sp.Expr | None = None

    @functools.cached_property
    def _jax(self) -> tuple[Callable[..., jax.Array], ...]:
        args = (w, b, x, y)
        return (
            to_jax(_bind(self.dw, self.activation), args),
            to_jax(_bind(self.db, self.activation), args),
            to_jax(NEURON_Z, (w, b, x)),
            to_jax(self.activation.subs(z, NEURON_Z), (w, b, x)),
            None if self.cost is None else to_jax(self.cost, (a, y)),
        )

    def gradient(
        self, w_: jax.Array, b_: jax.Array, x_: float, y_: float
    ) -> tuple[jax.Array, jax.Array]:
        """Closed form (∂C/∂w, ∂C/∂b) at (w, b)."""
        dw, db, *_ = self._jax
        return dw(w_, b_, x_, y_), db(w_, b_, x_, y_)

    def value(self, w_: jax.Array, b_: jax.Array, x_: float, y_: float) -> jax.Array:
        """C(σ(w x + b), y) by :func:`numeric.costs.sample_costs` (logs of σ stable)."""
        if self.cost is not None:
            return self._jax[4](self.output(w_, b_, x_), y_)
        z_ = jnp.reshape(self._jax[2](w_, b_, x_), (1, 1))
        return sample_costs(self.name, z_, jnp.reshape(y_, (1, 1)))[0]

    def output(self, w_: jax.Array, b_: jax.Array, x_: float) -> jax.Array:
        """a = f(w x + b)."""
        return self._jax[3](w_, b_, x_)


#: the two costs of the experiment, by their CLI names
NEURON_COSTS: MappingProxyType[str, NeuronCost] = MappingProxyType(
    {
        "quadratic": NeuronCost("quadratic", MSE_DW, MSE_DB),
        "cross-entropy": NeuronCost("cross-entropy", CE_DW, CE_DB),
    }
)


def neuron_costs(activation: str) -> dict[str, NeuronCost]:
    """``quadratic`` and ``rebuilt`` for one neuron with output a = f(z) (a name or an expression
    in z, see :mod:`derive.lecture.rebuild`): ∂C/∂w = (a − y) f'(z) x and ∂C/∂b = (a − y) f'(z)
    for ½(y − a)²; x (a − y) and a − y for the rebuilt cost (its claim, checked by
    :func:`verify_run` against jax.grad of the rebuilt cost). ``ValueError`` with the reason
    when there is no rebuilt closed form (ReLU, softplus …)."""
    from derive.lecture.rebuild import Refused, rebuild

    try:
        r = rebuild(activation)
    except Refused as exc:
        raise ValueError(str(exc)) from None
    if not r.elementary:
        raise ValueError(f"the rebuilt cost for {r.name} has no closed form to train with")
    by_name = {"a": a, "y": y}
    cost = r.cost.xreplace({s_: by_name.get(s_.name, s_) for s_ in r.cost.free_symbols})
    f, fprime = r.f, sp.diff(r.f, z)
    error = a - y
    return {
        "quadratic": NeuronCost("quadratic", error * fprime * x, error * fprime, f, MSE_COST),
        "rebuilt": NeuronCost("rebuilt", x * error, error, f, cost),
    }


def _array(values: jax.Array) -> np.ndarray:
    out = np.asarray(values, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Run:
    """One training run: its settings and the state at every epoch 0..epochs.

    ``w[k], b[k]`` are the parameters after k updates; ``a[k] = σ(w[k] x + b[k])``,
    ``cost_values[k] = C(a[k], y)``. Arrays are read-only, of length ``epochs + 1``.
    """

    cost: str
    w0: float
    b0: float
    eta: float
    epochs: int
    x: float
    y: float
    w: np.ndarray
    b: np.ndarray
    a: np.ndarray
    cost_values: np.ndarray
    activation: str = "sigmoid"
    neuron: NeuronCost | None = None  #: the cost trained with, when not in NEURON_COSTS

    @property
    def trained(self) -> NeuronCost:
        return self.neuron or NEURON_COSTS[self.cost]

    def history(self) -> list[dict[str, float | int]]:
        """``[{epoch, w, b, a, cost}, ...]`` from epoch 0 to the last."""
        return [
            {
                "epoch": k,
                "w": float(self.w[k]),
                "b": float(self.b[k]),
                "a": float(self.a[k]),
                "cost": float(self.cost_values[k]),
            }
            for k in range(self.epochs + 1)
        ]


@functools.partial(jax.jit, static_argnames=("neuron", "epochs"))
def _trajectory(
    neuron: NeuronCost,
    w0: jax.Array,
    b0: jax.Array,
    eta: jax.Array,
    x_: jax.Array,
    y_: jax.Array,
    epochs: int,
) -> tuple[jax.Array, ...]:
    def state(w_: jax.Array, b_: jax.Array) -> tuple[jax.Array, ...]:
        return w_, b_, neuron.output(w_, b_, x_), neuron.value(w_, b_, x_, y_)

    def step(carry: tuple[jax.Array, jax.Array], _: None) -> tuple:
        w_, b_ = carry
        dw, db = neuron.gradient(w_, b_, x_, y_)
        return (w_ - eta * dw, b_ - eta * db), state(w_, b_)

    (w_last, b_last), hist = jax.lax.scan(step, (w0, b0), None, length=epochs)
    last = state(w_last, b_last)
    return tuple(jnp.append(h, end) for h, end in zip(hist, last, strict=True))


def _check_settings(eta: float, epochs: int, *values: float) -> None:
    if not (isinstance(epochs, int) and epochs >= 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"the learning rate η must be a positive finite number, got {eta!r}")
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"w, b, x, y must be finite numbers, got {values!r}")


@in_float64
def train(
    cost: str,
    w0: float,
    b0: float,
    *,
    eta: float,
    epochs: int,
    x: float = LECTURE_X,
    y: float = LECTURE_Y,
    neuron: NeuronCost | None = None,
    activation: str = "sigmoid",
) -> Run:
    """Gradient descent on one neuron for ``epochs`` epochs, in float64.

    ``cost`` is a key of :data:`NEURON_COSTS`. Each epoch: ``w ← w − η ∂C/∂w``,
    ``b ← b − η ∂C/∂b`` with the closed-form gradients (one jitted ``lax.scan``).
    """
    if neuron is None and cost not in NEURON_COSTS:
        raise ValueError(f"unknown cost {cost!r}; known: {', '.join(NEURON_COSTS)}")
    _check_settings(eta, epochs, w0, b0, x, y)
    f64 = functools.partial(jnp.asarray, dtype=jnp.float64)
    w_, b_, a_, c_ = _trajectory(
        neuron or NEURON_COSTS[cost], f64(w0), f64(b0), f64(eta), f64(x), f64(y), epochs
    )
    return Run(
        cost,
        float(w0),
        float(b0),
        float(eta),
        epochs,
        float(x),
        float(y),
        _array(w_),
        _array(b_),
        _array(a_),
        _array(c_),
        activation,
        neuron,
    )


@in_float64
def initial_gradient(run: Run) -> tuple[float, float]:
    """The closed-form (∂C/∂w, ∂C/∂b) at the run's start (w0, b0)."""
    dw, db = run.trained.gradient(jnp.float64(run.w0), jnp.float64(run.b0), run.x, run.y)
    return float(dw), float(db)


@dataclass(frozen=True)
class Verification:
    """Closed form against ``jax.grad`` over every update of one run.

    ``gradient_abs``: max |closed form − autodiff| over all epochs and both parameters;
    ``gradient_rel``: max of that difference over |autodiff|, among the entries with
    |autodiff| ≥ 1e-8 (near a minimum the gradient itself is rounding noise);
    ``update_abs``: max |recorded (w, b)[k+1] − ((w, b)[k] − η ∇C_autodiff)|.
    ``ok`` if every gradient entry satisfies |Δ| ≤ atol + rtol·|autodiff| and every update
    |Δ| ≤ atol + rtol·|(w, b)[k+1]| (the ``numpy.allclose`` rule, elementwise).
    """

    updates: int
    gradient_abs: float
    gradient_rel: float
    update_abs: float
    rtol: float
    atol: float
    ok: bool


@functools.partial(jax.jit, static_argnames=("closed", "truth"))
def _both_gradients(
    closed: NeuronCost,
    truth: NeuronCost,
    ws: jax.Array,
    bs: jax.Array,
    x_: jax.Array,
    y_: jax.Array,
) -> tuple[jax.Array, jax.Array]:
    """(closed-form, autodiff) gradients at every (w, b), each of shape (2, len(ws))."""
    auto = jax.vmap(jax.grad(truth.value, argnums=(0, 1)), in_axes=(0, 0, None, None))
    closed_form = jax.vmap(closed.gradient, in_axes=(0, 0, None, None))
    return jnp.stack(closed_form(ws, bs, x_, y_)), jnp.stack(auto(ws, bs, x_, y_))


@in_float64
def verify_run(
    run: Run, *, rtol: float = 1e-12, atol: float = 1e-14, neuron: NeuronCost | None = None
) -> Verification:
    """Check every update of ``run`` against ``jax.grad`` of the stable cost.

    ``neuron`` overrides the gradients checked (default: the run's own cost); the cost
    differentiated by autodiff is always the run's. Passing another cost's gradients is how
    the tests show that this check can fail.
    """
    truth = run.trained
    g_closed, g_auto = (
        np.asarray(g)
        for g in _both_gradients(
            neuron or truth,
            truth,
            jnp.asarray(run.w[:-1]),
            jnp.asarray(run.b[:-1]),
            jnp.float64(run.x),
            jnp.float64(run.y),
        )
    )
    diff = np.abs(g_closed - g_auto)
    sizable = np.abs(g_auto) >= 1e-8
    rel = diff[sizable] / np.abs(g_auto[sizable])

    recorded = np.stack([run.w[1:], run.b[1:]])
    implied = np.stack([run.w[:-1], run.b[:-1]]) - run.eta * g_auto
    update = np.abs(implied - recorded)
    ok = bool(
        np.all(diff <= atol + rtol * np.abs(g_auto))
        and np.all(update <= atol + rtol * np.abs(recorded))
    )
    return Verification(
        updates=run.epochs,
        gradient_abs=float(diff.max()),
        gradient_rel=float(rel.max()) if rel.size else 0.0,
        update_abs=float(update.max()),
        rtol=rtol,
        atol=atol,
        ok=ok,
    )
