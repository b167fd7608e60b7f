"""Our gradient check against ``jax.test_util.check_grads`` on the same random networks.

Ours: closed-form BP1–BP4 against ``jax.grad``, every parameter array, ``jit(vmap)`` over the
networks of one shape (:func:`numeric.check.check_stack`). Peer:
``check_grads(f, (params,), order=1, modes=["rev"])`` per network (central finite differences
along one random direction, float64 tolerance 1e-5), with ``f`` the same stable batch-mean cost,
jit-compiled once per shape so that the peer, too, compiles once per shape.

Both are timed in this run on the same networks (same seeds, shapes, batches), cold (first
call per shape, compile included) and warm (second run). The error each can resolve is measured,
not assumed: on a subset of the networks the gradient is scaled by (1 + ε), ε = 1e-2 … 1e-13
(ours through δ^L, the peer through a custom VJP), and the table shows how many networks each
flags. (A network whose gradient is exactly zero, e.g. softmax with one output neuron, cannot
show a relative error: it is counted but never flagged.)

Usage: ``python bench/bench_gradcheck.py [--nets N] [--sweep-nets M] [--batch B] [--seed S]``.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import sympy as sp
from jax.test_util import check_grads

from derive.lecture.closedforms import COSTS, OUTPUT_DELTA
from numeric.backprop import forward
from numeric.check import check_stack, random_shapes
from numeric.compare import DEFAULT_THRESHOLD
from numeric.costs import batch_cost
from numeric.networks import NetworkStack, random_stack
from numeric.precision import float64

EPSILONS = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-11, 1e-12, 1e-13]


def stacks(nets: int, batch: int, seed: int) -> list[tuple[str, NetworkStack]]:
    """``nets`` networks per cost over the CLI's default pool of 4 random shapes."""
    shapes = random_shapes(4, seed=seed)
    out = []
    for c, cost in enumerate(COSTS):
        for s, sizes in enumerate(shapes):
            count = nets // len(shapes) + (s < nets % len(shapes))
            stack = random_stack(sizes, count, batch=batch, cost=cost, seed=[seed, c, s])
            out.append((cost, stack))
    return out


def cost_fn(cost: str, scale_grad: float | None = None) -> Callable:
    """params, x, y ↦ C; with ``scale_grad`` its VJP is multiplied by (1 + ε) (a planted error)."""

    def f(params, x, y):
        ws, bs = params
        return batch_cost(cost, forward(ws, bs, x)[-1], y)

    if scale_grad is None:
        return jax.jit(f)

    @jax.custom_vjp
    def g(params, x, y):
        return f(params, x, y)

    def g_fwd(params, x, y):
        value, pullback = jax.vjp(f, params, x, y)
        return value, pullback

    def g_bwd(pullback, ct):
        dp, dx, dy = pullback(ct)
        return jax.tree.map(lambda t: t * (1 + scale_grad), dp), dx, dy

    g.defvjp(g_fwd, g_bwd)
    return jax.jit(g)


def peer_run(items: list[tuple[str, NetworkStack]], eps: float | None = None) -> tuple[float, int]:
    """Wall time of check_grads over every network, and how many networks it flagged."""
    flagged = 0
    fns = {cost: cost_fn(cost, eps) for cost in COSTS}
    start = time.perf_counter()
    for cost, stack in items:
        for i in range(stack.count):
            net, b = stack.network(i), stack.batch(i)
            params = (tuple(map(jnp.asarray, net.weights)), tuple(map(jnp.asarray, net.biases)))
            x, y = jnp.asarray(b.x), jnp.asarray(b.y)
            fn = functools.partial(fns[cost], x=x, y=y)
            try:
                check_grads(fn, (params,), order=1, modes=["rev"])
            except AssertionError:
                flagged += 1
    return time.perf_counter() - start, flagged


def ours_run(
    items: list[tuple[str, NetworkStack]], eps: float | None = None
) -> tuple[float, int, float]:
    """Wall time of our check over every network, networks flagged, worst error seen."""
    flagged, worst = 0, 0.0
    start = time.perf_counter()
    for cost, stack in items:
        delta = None if eps is None else sp.Mul(OUTPUT_DELTA[cost], 1 + sp.Float(eps, 30))
        errors = check_stack(stack, cost=cost, delta=delta).max(axis=(1, 2))
        flagged += int((errors > DEFAULT_THRESHOLD).sum())
        worst = max(worst, float(errors.max()))
    return time.perf_counter() - start, flagged, worst


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def subset(items: list[tuple[str, NetworkStack]], per_group: int) -> list[tuple[str, NetworkStack]]:
    """The first ``per_group`` networks of every (cost, shape) group."""
    out = []
    for cost, st in items:
        k = min(per_group, st.count)
        ws, bs = tuple(w[:k] for w in st.weights), tuple(b[:k] for b in st.biases)
        out.append((cost, NetworkStack(st.sizes, ws, bs, st.x[:k], st.y[:k])))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--nets", type=int, default=100, help="networks per cost (default 100)")
    p.add_argument("--sweep-nets", type=int, default=3,
                   help="networks per (cost, shape) in the planted-error sweep")  # fmt: skip
    p.add_argument("--batch", type=int, default=16, help="samples per network (default 16)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    with float64():
        items = stacks(args.nets, args.batch, args.seed)
        total = sum(s.count for _, s in items)
        ours_cold, ours_flag, worst = ours_run(items)
        ours_warm, *_ = ours_run(items)
        peer_cold, peer_flag = peer_run(items)
        peer_warm, _ = peer_run(items)
        few = subset(items, args.sweep_nets)
        n_few = sum(s.count for _, s in few)
        sweep = []
        peer_done = False
        for eps in EPSILONS:
            ours_eps = ours_run(few, eps)[1]
            peer_eps = 0 if peer_done else peer_run(few, eps)[1]
            peer_done = peer_eps == 0  # smaller planted errors are flagged no more often
            sweep.append((f"{eps:.0e}", f"{ours_eps}/{n_few}", f"{peer_eps}/{n_few}"))
    shapes = sorted({s.sizes for _, s in items})
    shape_text = " ".join(",".join(map(str, s)) for s in shapes)
    print(f"{total} networks ({args.nets} per cost x {len(COSTS)} costs), batch {args.batch}, "
          f"seed {args.seed}, shapes {shape_text}\n")  # fmt: skip
    us = 1e6 / total
    print(table([
        ("", "ours (closed form vs jax.grad)", "check_grads(order=1, rev)", "ratio"),
        ("per network, warm", f"{ours_warm * us:.1f} us", f"{peer_warm * us:.1f} us",
         f"{peer_warm / ours_warm:.0f}x"),
        ("per network, cold", f"{ours_cold * us:.1f} us", f"{peer_cold * us:.1f} us",
         f"{peer_cold / ours_cold:.1f}x"),
        ("networks flagged", f"{ours_flag}/{total}", f"{peer_flag}/{total}", ""),
        ("threshold / tolerance", f"{DEFAULT_THRESHOLD:.0e}", "1e-05 (default)", ""),
        ("worst error seen", f"{worst:.1e}", "(pass/fail only)", ""),
    ]))  # fmt: skip
    print("\nplanted relative error eps in the gradient: networks flagged")
    print(table([("eps", "ours", "check_grads"), *sweep]))
    met = "met" if peer_warm >= 10 * ours_warm else "NOT met"
    print(f"\ntarget >= 10x faster per network (warm): {met}")


if __name__ == "__main__":
    main()
