"""Closed-form backprop against ``jax.grad`` for any output activation a^L = f(z^L).

Hidden layers use ``hidden`` (σ unless asked otherwise), the output layer a = f(z) for a
named activation or an expression in z (read by :func:`derive.lecture.rebuild.read_activation`,
never eval'd). The per-neuron cost c(a, y) and the closed-form δ^L are

* ``rebuilt``: c = the cost :mod:`derive.lecture.rebuild` derived for f, δ^L = a − y (its
  claim, tested here against ``jax.grad`` of the lambdified cost);
* ``quadratic``: c = ½(a − y)², δ^L = (a − y) f'(z);
* ``cross-entropy``: c = −(y ln a + (1 − y) ln(1 − a)), δ^L = ∂c/∂a · f'(z) (outputs in (0, 1)),

with δ^L for the last two computed by SymPy from c and f (BP1). Targets are y = f(ζ), ζ
standard normal and seeded: always inside the range of f. BP2–BP4 and the error measures are
those of :mod:`numeric.backprop` and :mod:`numeric.compare`.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from derive.engine.notation import z
from derive.lecture.closedforms import CE_COST, MSE_COST
from derive.lecture.rebuild import NAMED, Refused, read_activation, rebuild

from .check import CostResult, check_networks
from .compare import DEFAULT_FLOOR, DEFAULT_THRESHOLD, array_errors
from .lambdify import to_jax
from .networks import NetworkStack
from .precision import in_float64
from .programs import run

__all__ = ["ANY_COSTS", "HIDDEN", "OutputSpec", "check_activation", "output_spec", "run_any"]

ANY_COSTS = ("rebuilt", "quadratic", "cross-entropy")
#: hidden-layer activations by name (relu allowed here: no inverse is needed)
HIDDEN = tuple(NAMED)
A = sp.Symbol("a", real=True)
Y = sp.Symbol("y", real=True)


def _real_symbols(expr: sp.Expr) -> sp.Expr:
    """The same expression in real a, y (derive uses a > 0, y ≥ 0 where the range allows)."""
    by_name = {"a": A, "y": Y}
    return expr.xreplace({s: by_name[s.name] for s in expr.free_symbols if s.name in by_name})


@dataclass(frozen=True)
class OutputSpec:
    """f (output), g (hidden), the per-neuron cost c(a, y) and the closed-form δ^L(a, y, z)."""

    label: str
    f: sp.Expr
    hidden: sp.Expr
    cost: sp.Expr
    delta: sp.Expr


def output_spec(activation: str | sp.Expr, cost: str, hidden: str = "sigmoid") -> OutputSpec:
    """The spec for ``cost`` with output ``activation``; ``ValueError`` with the reason if
    the pair cannot be checked (unknown names, a rebuilt cost that is only an integral …)."""
    if cost not in ANY_COSTS:
        raise ValueError(f"unknown cost {cost!r} here; choose from {', '.join(ANY_COSTS)}")
    if hidden not in HIDDEN:
        raise ValueError(f"unknown hidden activation {hidden!r}; choose from {', '.join(HIDDEN)}")
    try:
        f_in = read_activation(activation) if isinstance(activation, str) else activation
    except Refused as exc:
        raise ValueError(str(exc)) from None
    f = NAMED[f_in] if isinstance(f_in, str) else f_in
    if f.free_symbols - {z}:
        extra = ", ".join(sorted(map(str, f.free_symbols - {z})))
        raise ValueError(f"the activation may use only z; found {extra}")
    name = f_in if isinstance(f_in, str) else sp.sstr(f_in)
    label = f"{cost} ({name} output" + ("" if hidden == "sigmoid" else f", {hidden} hidden") + ")"
    fprime = sp.diff(f, z)
    if cost == "rebuilt":
        try:
            r = rebuild(f_in)
        except Refused as exc:
            raise ValueError(f"no rebuilt cost for {name}: {exc}") from None
        if not r.elementary:
            raise ValueError(
                f"the rebuilt cost for {name} is an integral with no elementary closed form "
                f"({r.non_elementary_proof}); there is nothing to lambdify"
            )
        c, delta = _real_symbols(r.cost), A - Y
    else:
        c = _real_symbols(MSE_COST if cost == "quadratic" else CE_COST)
        if cost == "cross-entropy":
            low, high = (sp.limit(f.rewrite(sp.exp), z, v) for v in (-sp.oo, sp.oo))
            if not (low >= 0 and high <= 1):
                raise ValueError(f"the cross-entropy needs outputs in (0, 1); {name} has not")
        delta = sp.together(sp.diff(c, A)) * fprime  # BP1: δ^L = ∂c/∂a · f'(z)
    return OutputSpec(label, f, NAMED[hidden].rewrite(sp.Piecewise), c, delta)


def _jax(expr: sp.Expr, args: Sequence[sp.Symbol]) -> Callable:
    """:func:`numeric.lambdify.to_jax`; a piecewise expression as ``jnp.select`` instead."""
    if not expr.has(sp.Piecewise):
        return to_jax(expr, args)
    modules = [{"numpy": jnp, "sigma": jax.nn.sigmoid}, jnp]
    return sp.lambdify(tuple(args), expr, modules=modules, printer=NumPyPrinter)


@functools.cache
def _functions(spec: OutputSpec) -> tuple[Callable, ...]:
    f = _jax(spec.f, [z])
    g = _jax(spec.hidden, [z])
    gprime = _jax(sp.diff(spec.hidden, z), [z])
    cost = _jax(spec.cost, [A, Y])
    delta = _jax(spec.delta, [A, Y, z])
    return f, g, gprime, cost, delta


def _forward(ws: Sequence, bs: Sequence, x: jax.Array, g: Callable) -> list[jax.Array]:
    zs, act = [], x
    for i, (w_l, b_l) in enumerate(zip(ws, bs, strict=True)):
        z_l = w_l @ act + b_l[:, None]
        zs.append(z_l)
        if i < len(ws) - 1:
            act = g(z_l)
    return zs


def _gradients(spec: OutputSpec, ws, bs, x, y) -> tuple[tuple, tuple, tuple, tuple]:
    """(closed-form ∂C/∂w, ∂C/∂b), (jax.grad ∂C/∂w, ∂C/∂b) of C = (1/n) Σ_x Σ_j c(a^L_j, y_j)."""
    f, g, gprime, cost, delta_fn = _functions(spec)
    n = x.shape[1]
    zs = _forward(ws, bs, x, g)
    acts = [x, *(g(z_l) for z_l in zs[:-1])]
    d = jnp.broadcast_to(delta_fn(f(zs[-1]), y, zs[-1]), zs[-1].shape)  # BP1
    cw, cb = [], []
    for layer in range(len(ws) - 1, -1, -1):
        cw.append(d @ acts[layer].T / n)  # BP4
        cb.append(jnp.sum(d, axis=1) / n)  # BP3
        if layer > 0:
            d = (ws[layer].T @ d) * gprime(zs[layer - 1])  # BP2

    def batch_cost(params: tuple) -> jax.Array:
        out = _forward(params[0], params[1], x, g)[-1]
        per = jnp.broadcast_to(cost(f(out), y), out.shape)
        return jnp.sum(per) / n

    aw, ab = jax.grad(batch_cost)((tuple(ws), tuple(bs)))
    return tuple(reversed(cw)), tuple(reversed(cb)), tuple(aw), tuple(ab)


@functools.cache
def _batched(spec: OutputSpec, floor: float) -> Callable:
    def one(ws: tuple, bs: tuple, x: jax.Array, y: jax.Array) -> jax.Array:
        cw, cb, aw, ab = _gradients(spec, ws, bs, x, y)
        rows = []
        for gw, rw, gb, rb in zip(cw, aw, cb, ab, strict=True):
            rows += [array_errors(gw, rw, floor), array_errors(gb, rb, floor)]
        return jnp.stack(rows)

    return jax.jit(jax.vmap(one))


@in_float64
def _errors(stack: NetworkStack, spec: OutputSpec, floor: float) -> np.ndarray:
    as64 = functools.partial(jnp.asarray, dtype=jnp.float64)
    args = (
        tuple(map(as64, stack.weights)),
        tuple(map(as64, stack.biases)),
        as64(stack.x),
        as64(stack.y),
    )
    floor = float(floor)
    static = (*(sp.srepr(e) for e in (spec.f, spec.hidden, spec.cost, spec.delta)), floor)
    out = run("anyactivation", static, lambda: _batched(spec, floor), args)  # numeric.programs
    return np.asarray(out)


def _targets(spec: OutputSpec) -> Callable[[NetworkStack, np.random.SeedSequence], NetworkStack]:
    f = sp.lambdify(z, spec.f.rewrite(sp.exp), modules="numpy")

    def retarget(stack: NetworkStack, seed: np.random.SeedSequence) -> NetworkStack:
        zeta = np.random.default_rng(seed).standard_normal(stack.y.shape)
        y = np.broadcast_to(np.asarray(f(zeta), dtype=np.float64), stack.y.shape).copy()
        return NetworkStack(stack.sizes, stack.weights, stack.biases, stack.x, y)

    return retarget


def check_activation(
    activation: str | sp.Expr,
    cost: str,
    *,
    hidden: str = "sigmoid",
    nets: int,
    shapes: Sequence[Sequence[int]],
    batch: int,
    seed: int,
    scale: float = 1.0,
    threshold: float = DEFAULT_THRESHOLD,
    floor: float = DEFAULT_FLOOR,
    progress: Callable[[int], object] | None = None,
) -> CostResult:
    """Closed-form gradients of ``cost`` with output ``activation`` against ``jax.grad``."""
    spec = output_spec(activation, cost, hidden)
    return check_networks(
        spec.label,
        lambda stack: _errors(stack, spec, floor),
        nets=nets,
        shapes=shapes,
        batch=batch,
        seed=[seed, ANY_COSTS.index(cost) + 101],
        scale=scale,
        threshold=threshold,
        progress=progress,
        retarget=_targets(spec),
    )


def run_any(parser: argparse.ArgumentParser, args: argparse.Namespace, shapes: list) -> int:
    """``python -m numeric.gradcheck --activation …``: check each cost, print, exit code."""
    from tqdm import tqdm

    from .gradcheck import report

    if args.delta is not None:
        parser.error("--delta goes with the lecture's costs, not with --activation")
    costs = ("rebuilt", "quadratic") if args.cost is None else args.cost
    bad = [c for c in costs if c not in ANY_COSTS]
    if bad:
        parser.error(f"with --activation, --cost is one of {', '.join(ANY_COSTS)}; got {bad}")
    activation = "sigmoid" if args.activation is None else args.activation
    hidden = "sigmoid" if args.hidden is None else args.hidden.strip().lower()
    try:
        specs = [(c, output_spec(activation, c, hidden)) for c in costs]
    except ValueError as exc:
        parser.error(str(exc))
    results = []
    with tqdm(
        total=args.nets * len(specs), desc="networks", unit="net", disable=None, leave=False
    ) as bar:
        for cost, _ in specs:
            results.append(
                check_activation(
                    activation,
                    cost,
                    hidden=hidden,
                    nets=args.nets,
                    shapes=shapes,
                    batch=args.batch,
                    seed=args.seed,
                    scale=args.scale,
                    threshold=args.threshold,
                    floor=args.floor,
                    progress=bar.update,
                )
            )
    return report(results, args, None)
