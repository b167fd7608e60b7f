"""``python -m numeric.gradcheck``: closed-form backprop against ``jax.grad`` on random networks.

For each cost, ``--nets`` seeded random networks (shapes from ``--sizes``, or a seeded pool of
``--random-shapes`` shapes) are checked array by array (:mod:`numeric.compare`); a table
summarises the worst error per cost. ``--delta EXPR`` replaces the closed-form δ^L by the
user's formula (in ``a``, ``y``, ``z``, σ) and reports where and by how much it disagrees.
Exit status: 0 all agree, 1 a mismatch, 2 bad input.
"""

from __future__ import annotations

if __name__ == "__main__":  # the command: its module is imported inside the guard (Ctrl-C, …)
    from derive.engine.console import entry

    entry("numeric.gradcheck:main", prog="python -m numeric.gradcheck")

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import sympy as sp
from tqdm import tqdm

from derive.lecture.closedforms import COSTS

from .compare import DEFAULT_FLOOR, DEFAULT_THRESHOLD
from .networks import check_memory, parse_sizes

if TYPE_CHECKING:
    from .check import CostResult

__all__ = ["main"]


def _costs(text: str) -> tuple[str, ...]:
    if text == "all":
        return COSTS
    names = tuple(part.strip() for part in text.split(","))
    unknown = [n for n in names if n not in COSTS and n != "rebuilt"]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown cost {', '.join(unknown)}; choose from {', '.join(COSTS)}, rebuilt "
            "(with --activation) or all"
        )
    return names


def _int_at_least(low: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_seed = _int_at_least(0, "a non-negative integer")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _sizes(text: str) -> tuple[int, ...] | None:
    if text == "random":
        return None
    try:
        return parse_sizes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m numeric.gradcheck",
        description="Check the closed-form gradients (BP1-BP4, δ^L from derive) against jax.grad "
        "on seeded random networks, in float64.",
    )
    p.add_argument(
        "--cost",
        type=_costs,
        default=None,
        metavar="NAME[,NAME]|all",
        help=f"cost(s) to check: {', '.join(COSTS)}, or all (default); with --activation: "
        "rebuilt, quadratic, cross-entropy (default rebuilt,quadratic)",
    )
    p.add_argument(
        "--activation",
        metavar="NAME|EXPR",
        default=None,
        help="output activation: sigmoid, tanh, identity, exp, softplus or an expression in z "
        "(e.g. '\\frac{z}{1+|z|}'); --cost rebuilt is derive.rebuild's cost with δ^L = a − y",
    )
    p.add_argument(
        "--hidden",
        metavar="NAME",
        default=None,
        help="hidden-layer activation with --activation (default sigmoid; also relu, tanh …)",
    )
    p.add_argument(
        "--nets", type=_positive_int, default=200, help="networks per cost (default 200)"
    )
    p.add_argument(
        "--sizes",
        type=_sizes,
        default=None,
        metavar="8,16,4|random",
        help="layer sizes, input first, or random (default): a seeded pool of shapes",
    )
    p.add_argument(
        "--random-shapes",
        type=_positive_int,
        default=4,
        metavar="K",
        help="size of the shape pool for --sizes random (default 4; one compile each)",
    )
    p.add_argument(
        "--batch", type=_positive_int, default=16, help="samples per network (default 16)"
    )
    p.add_argument("--seed", type=_seed, default=0, help="seed (default 0): same seed, same output")
    p.add_argument(
        "--scale",
        type=_positive_float,
        default=1.0,
        help="multiply weights and biases (100 saturates every sigmoid; default 1)",
    )
    p.add_argument(
        "--delta",
        metavar="EXPR",
        default=None,
        help="your δ^L in a, y, z, sigma (or a cost's name) instead of derive's",
    )
    p.add_argument(
        "--threshold",
        type=_positive_float,
        default=DEFAULT_THRESHOLD,
        help=f"largest accepted error (default {DEFAULT_THRESHOLD:g})",
    )
    p.add_argument(
        "--floor",
        type=_positive_float,
        default=DEFAULT_FLOOR,
        help=f"absolute floor of the relative errors (default {DEFAULT_FLOOR:g})",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object instead of a table")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="do not store or reuse compiled programs (also: NUMERIC_NO_CACHE=1); default: "
        "JAX's persistent cache in $NUMERIC_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache",
    )
    return p


def _table(results: Sequence[CostResult]) -> str:
    header = ("cost", "networks", "shapes", "worst error", "verdict")
    rows = [
        (
            r.cost,
            str(r.nets),
            " ".join(",".join(map(str, s)) for s in r.shapes),
            f"{r.worst_rel_error:.1e}",
            "ok" if r.ok else f"MISMATCH ({r.mismatched_nets} nets)",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _json(results: Sequence[CostResult], args: argparse.Namespace, delta: sp.Expr | None) -> str:
    obj = {
        "ok": all(r.ok for r in results),
        "threshold": args.threshold,
        "floor": args.floor,
        "delta": None if delta is None else sp.sstr(delta),
        "seed": args.seed,
        "results": [
            {
                "cost": r.cost,
                "nets": r.nets,
                "worst_rel_error": _finite_or_none(r.worst_rel_error),
                "ok": r.ok,
                "shapes": [list(s) for s in r.shapes],
                "worst_array": r.worst.name,
                "worst_network": r.worst_network,
                "worst_sizes": list(r.worst_sizes),
                "normwise": _finite_or_none(r.worst.normwise),
                "elementwise": _finite_or_none(r.worst.elementwise),
                "mismatched_nets": r.mismatched_nets,
                "mismatched_arrays": list(r.mismatched_arrays),
                "array_worst": {name: _finite_or_none(e) for name, e in r.array_worst},
            }
            for r in results
        ],
    }
    return json.dumps(obj, indent=2, allow_nan=False)


def _use_cache() -> None:
    """Turn on JAX's persistent compilation cache (:mod:`numeric.cache`) unless switched off."""
    from . import cache

    path = cache.cache_dir()
    if path is not None and cache.enable(path) is None:
        print(f"note: cannot write the compilation cache {path}; compiling afresh", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Flags first, JAX after: a mistyped flag is reported before the heavy imports.
    from .check import check_cost, random_shapes
    from .userdelta import parse_delta

    if not args.no_cache:
        _use_cache()  # before anything is compiled
    delta = None
    if args.delta is not None:
        try:
            delta = parse_delta(args.delta)
            from .backprop import delta_function

            delta_function(delta)  # rejects symbols other than a, y, z, and what JAX cannot print
        except ValueError as exc:
            parser.error(f"--delta: {exc}")
    if args.sizes is None:
        shapes = random_shapes(args.random_shapes, seed=args.seed)
    else:
        shapes = [args.sizes]
    for sizes in shapes:
        try:
            check_memory(sizes, args.nets, batch=args.batch)
        except ValueError as exc:
            parser.error(str(exc))
    if args.activation is not None or args.hidden is not None:
        from .anyactivation import run_any  # any output activation: see that module

        return run_any(parser, args, shapes)
    if args.cost is None:
        args.cost = COSTS
    if "rebuilt" in args.cost:
        parser.error("--cost rebuilt needs --activation NAME|EXPR")
    results = []
    with tqdm(
        total=args.nets * len(args.cost),
        desc="networks",
        unit="net",
        file=sys.stderr,
        disable=None,
        leave=False,
    ) as bar:
        for cost in args.cost:
            try:
                results.append(
                    check_cost(
                        cost,
                        nets=args.nets,
                        shapes=shapes,
                        batch=args.batch,
                        seed=args.seed,
                        scale=args.scale,
                        delta=delta,
                        threshold=args.threshold,
                        floor=args.floor,
                        progress=bar.update,
                    )
                )
            except Exception as exc:  # e.g. a δ^L that parses but cannot be evaluated in JAX
                if delta is None:
                    raise
                parser.error(f"--delta: cannot evaluate {sp.sstr(delta)}: {exc}")
    return report(results, args, delta)


def report(results: Sequence[CostResult], args: argparse.Namespace, delta: sp.Expr | None) -> int:
    """Print the table (or JSON) of ``results``; the exit code: 0 all agree, 1 a mismatch."""
    if args.json:
        print(_json(results, args, delta))
    else:
        if delta is not None:
            print(f"δ^L = {sp.sstr(delta)} (yours, in place of derive's closed form)\n")
        print(_table(results))
        print()
        for r in results:
            print(r.report())
    return 0 if all(r.ok for r in results) else 1
