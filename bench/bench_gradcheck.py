"""Our gradient check against ``jax.test_util.check_grads`` on the same random networks.

Ours: closed-form BP1–BP4 against ``jax.grad``, every parameter array, ``jit(vmap)`` over the
networks of one shape (:func:`numeric.check.check_stack`). Peer:
``check_grads(f, (params,), order=1, modes=["rev"])`` per network (central finite differences
along one random direction, float64 tolerance 1e-5), with ``f`` the same stable batch-mean cost,
jit-compiled once per shape so that the peer, too, compiles once per shape.

Both are timed in this run on the same networks (same seeds, shapes, batches):

* warm: compiled, in this process; medians of alternating runs;
* cold: each check in a fresh process of its own, with its own JAX persistent compilation cache
  directory (:mod:`numeric.cache`; for ours, that also turns on :mod:`numeric.programs`, which
  keeps our compiled checks so that a warm run neither traces nor compiles them;
  ``check_grads`` has no such store and gets JAX's cache only). A first run (empty cache), then
  a run with that cache warm; the two checks alternate which goes first. The time is that of
  the check over every network, from its first JAX call to its last result: the same imports
  (JAX, SymPy, ``derive``, ``numeric``) and drawing the networks come before it in both
  processes and are not timed; the whole processes' wall times are shown too.

The error each can resolve is measured, not assumed: on a subset of the networks the gradient
is scaled by (1 + ε), ε = 1e-2 … 1e-13 (ours through δ^L, the peer through a custom VJP), and
the table shows how many networks each flags. (A network whose gradient is exactly zero, e.g.
softmax with one output neuron, cannot show a relative error: it is counted but never flagged.)

Usage: ``python bench/bench_gradcheck.py [--nets N] [--sweep-nets M] [--batch B] [--seed S]
[--repeats R]``. :func:`warm`, :func:`cold` and :func:`cli_runs` are used by ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jax
import jax.numpy as jnp
import sympy as sp
from jax.test_util import check_grads

from derive.lecture.closedforms import COSTS, OUTPUT_DELTA
from numeric import cache
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


def warm(nets: int, batch: int, seed: int, repeats: int = 3) -> dict[str, float]:
    """Compiled (warm) wall times, ours and the peer's, medians of ``repeats`` alternating runs;
    also the networks each flags and our worst error (on correct formulas)."""
    with float64():
        items = stacks(nets, batch, seed)
        _, ours_flag, worst = ours_run(items)  # compiles
        _, peer_flag = peer_run(items)
        ours, peer = [], []
        for _ in range(repeats):
            ours.append(ours_run(items)[0])
            peer.append(peer_run(items)[0])
    return {
        "networks": sum(s.count for _, s in items),
        "ours": statistics.median(ours),
        "peer": statistics.median(peer),
        "ours_flagged": ours_flag,
        "peer_flagged": peer_flag,
        "worst": worst,
    }


def _cold_child(args: argparse.Namespace) -> None:
    """In a fresh process: the first run of one check (``args.which``) over every network,
    compilation included, with JAX's persistent cache (and, for ours, :mod:`numeric.programs`)
    in ``args.cache_dir``; prints JSON. Imports and drawing the networks are not timed."""
    if cache.enable(Path(args.cache_dir)) is None:
        raise SystemExit(f"cannot use {args.cache_dir} as a compilation cache")
    with float64():
        items = stacks(args.nets, args.batch, args.seed)
        seconds = ours_run(items)[0] if args.which == "ours" else peer_run(items)[0]
    print(json.dumps({"seconds": seconds}))


def _child(script_args: list[str]) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *script_args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"seconds": out["seconds"], "process": time.perf_counter() - start}


def cold(nets: int, batch: int, seed: int, repeats: int = 3) -> dict[str, float]:
    """Cold wall times, each check in its own fresh process with its own cache directory,
    ``repeats`` times: a first run (empty cache directory), then a run with that cache warm;
    within a repeat the two checks alternate (ours first in even repeats). Medians of the
    timed checks (``seconds``) and of the whole processes (``process``: Python start, imports,
    drawing the networks and the check)."""
    runs: dict[str, list[dict[str, float]]] = {}
    for r in range(repeats):
        with tempfile.TemporaryDirectory(prefix="bench-jax-cache-") as tmp:
            order = ("ours", "peer") if r % 2 == 0 else ("peer", "ours")
            common = ["--nets", str(nets), "--batch", str(batch), "--seed", str(seed)]
            for run in ("first", "warm_cache"):
                for which in order:
                    out = _child([*common, "--which", which, "--cache-dir", f"{tmp}/{which}"])
                    runs.setdefault(f"{run}_{which}", []).append(out)
    med = statistics.median
    result: dict[str, float] = {}
    for run in ("first", "warm_cache"):
        ours, peer = runs[f"{run}_ours"], runs[f"{run}_peer"]
        for what, suffix in (("seconds", ""), ("process", "_process")):
            result[f"{run}_ours{suffix}"] = med(o[what] for o in ours)
            result[f"{run}_peer{suffix}"] = med(p[what] for p in peer)
            ratios = (p[what] / o[what] for p, o in zip(peer, ours, strict=True))
            result[f"{run}_ratio{suffix}"] = med(ratios)
    return result


def cli_runs(nets: int = 250, repeats: int = 3) -> dict[str, float]:
    """``python -m numeric.gradcheck --cost all --nets N``: wall time of a first run (fresh cache
    directory) and of the second run right after it, ``repeats`` pairs; medians."""
    cmd = [sys.executable, "-m", "numeric.gradcheck", "--cost", "all", "--nets", str(nets)]
    firsts, seconds = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="bench-jax-cache-") as tmp:
            env = {k: v for k, v in os.environ.items() if k != cache.OFF_ENV}
            env[cache.DIR_ENV] = tmp
            for into in (firsts, seconds):
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
                into.append(time.perf_counter() - start)
    med = statistics.median
    return {
        "first": med(firsts),
        "second": med(seconds),
        "ratio": med(b / a for a, b in zip(firsts, seconds, strict=True)),
    }


def sweep(nets: int, batch: int, seed: int, sweep_nets: int) -> tuple[int, list[tuple[str, ...]]]:
    """Networks flagged by each at every planted relative error ε (a subset of the networks)."""
    with float64():
        few = subset(stacks(nets, batch, seed), sweep_nets)
        n_few = sum(s.count for _, s in few)
        rows = []
        peer_done = False
        for eps in EPSILONS:
            ours_eps = ours_run(few, eps)[1]
            peer_eps = 0 if peer_done else peer_run(few, eps)[1]
            peer_done = peer_eps == 0  # smaller planted errors are flagged no more often
            rows.append((f"{eps:.0e}", f"{ours_eps}/{n_few}", f"{peer_eps}/{n_few}"))
    return n_few, rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--nets", type=int, default=250, help="networks per cost (default 250)")
    p.add_argument("--sweep-nets", type=int, default=3,
                   help="networks per (cost, shape) in the planted-error sweep")  # fmt: skip
    p.add_argument("--batch", type=int, default=16, help="samples per network (default 16)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3, help="alternating runs (default 3)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--which", choices=("ours", "peer"), help=argparse.SUPPRESS)
    p.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        _cold_child(args)
        return
    w = warm(args.nets, args.batch, args.seed, args.repeats)
    c = cold(args.nets, args.batch, args.seed, args.repeats)
    _, rows = sweep(args.nets, args.batch, args.seed, args.sweep_nets)
    total = int(w["networks"])
    shape_text = " ".join(",".join(map(str, s)) for s in random_shapes(4, seed=args.seed))
    print(f"{total} networks ({args.nets} per cost x {len(COSTS)} costs), batch {args.batch}, "
          f"seed {args.seed}, shapes {shape_text}; medians of {args.repeats} alternating runs"
          "\n")  # fmt: skip
    us = 1e6 / total
    print(table([
        ("", "ours (closed form vs jax.grad)", "check_grads(order=1, rev)", "ratio"),
        ("per network, warm", f"{w['ours'] * us:.1f} us", f"{w['peer'] * us:.1f} us",
         f"{w['peer'] / w['ours']:.0f}x"),
        ("per network, cold, first run", f"{c['first_ours'] * us:.1f} us",
         f"{c['first_peer'] * us:.1f} us", f"{c['first_ratio']:.1f}x"),
        ("per network, cold, warm cache", f"{c['warm_cache_ours'] * us:.1f} us",
         f"{c['warm_cache_peer'] * us:.1f} us", f"{c['warm_cache_ratio']:.1f}x"),
        ("whole process, first run", f"{c['first_ours_process']:.2f} s",
         f"{c['first_peer_process']:.2f} s", f"{c['first_ratio_process']:.1f}x"),
        ("whole process, warm cache", f"{c['warm_cache_ours_process']:.2f} s",
         f"{c['warm_cache_peer_process']:.2f} s", f"{c['warm_cache_ratio_process']:.1f}x"),
        ("networks flagged", f"{w['ours_flagged']}/{total}", f"{w['peer_flagged']}/{total}", ""),
        ("threshold / tolerance", f"{DEFAULT_THRESHOLD:.0e}", "1e-05 (default)", ""),
        ("worst error seen", f"{w['worst']:.1e}", "(pass/fail only)", ""),
    ]))  # fmt: skip
    print("\nplanted relative error eps in the gradient: networks flagged")
    print(table([("eps", "ours", "check_grads"), *rows]))
    met = "met" if w["peer"] >= 10 * w["ours"] else "NOT met"
    print(f"\ntarget >= 10x faster per network (warm): {met}")
    met = "met" if c["warm_cache_ratio"] >= 5 else "NOT met"
    print(f"goal >= 5x faster per network, cold with a warm cache: {met}")


if __name__ == "__main__":
    main()
