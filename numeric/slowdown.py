"""The learning-slowdown experiment (lecture claims L2, L4, L15), reproduced and made fair.

One sigmoid neuron learns to map input ``x = 1`` to output ``y = 0`` by gradient descent
(:mod:`numeric.neuron`), from (w, b) = (0.6, 0.9) and (2, 2), for 300 epochs:

* quadratic cost ``C = ½(y − a)²`` at η = 0.15 (Nielsen's setting; the ½ is Nielsen's too, and
  his η belongs to it; the lecture's slide writes ``(y − a)²``, whose gradient is twice as
  large, so the same trajectories need half the η);
* cross-entropy at η = 0.005 (Nielsen's setting for his cross-entropy figures);
* cross-entropy at η = 0.15: the same rate as the quadratic, the fair comparison.

Usage::

    python -m numeric.slowdown [--epochs N] [--starts w,b ...] [--eta-mse η ...]
                               [--eta-ce η ...] [--out DIR] [--json] [--verify]

Prints a table (or ``--json``: ``{"runs": [{cost, w0, b0, eta, epochs, history, ...}]}``),
the L2/L4/L15 statements computed from the runs, and with ``--out`` writes
``slowdown.png`` / ``slowdown.svg``. ``--verify`` checks every update against ``jax.grad``
(exit 1 if a discrepancy exceeds the tolerance). Bad values exit 2 with a message.
"""

from __future__ import annotations

if __name__ == "__main__":  # the command: its module is imported inside the guard (Ctrl-C, …)
    from derive.engine.console import entry

    entry("numeric.slowdown:main", prog="python -m numeric.slowdown")

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from derive.lecture.experiment import EPOCHS, ETA_CE, ETA_MSE, STARTS

if TYPE_CHECKING:
    from .neuron import Run, Verification
    from .slowdown_numbers import GradientRatio, RunNumbers, Verdict

__all__ = ["MAX_EPOCHS", "Experiment", "main", "run_experiment", "table", "to_json"]

#: the runs' JSON history grows with the epochs; beyond this it is not a lecture experiment
MAX_EPOCHS = 100_000

QUADRATIC_NOTE = (
    "quadratic cost C = ½(y − a)² (Nielsen's form, to which his η = 0.15 belongs); the "
    "lecture's slide writes (y − a)², whose gradient is twice as large: its runs at η equal "
    "these at 2η"
)


@dataclass(frozen=True)
class Experiment:
    """Every run of one invocation with its numbers, and the statements they support."""

    runs: tuple[Run, ...]
    numbers: tuple[RunNumbers, ...]
    ratios: tuple[GradientRatio, ...]
    verdict: Verdict
    saturation: tuple[str, ...]
    comparisons: tuple[str, ...]
    convention: str | None


def run_experiment(
    *,
    starts: Sequence[tuple[float, float]] = STARTS,
    eta_mse: Sequence[float] = (ETA_MSE,),
    eta_ce: Sequence[float] = ETA_CE,
    epochs: int = EPOCHS,
    activation: str = "sigmoid",
) -> Experiment:
    """All runs: per start, the quadratic at each ``eta_mse``, the cross-entropy at each
    ``eta_ce``, each for ``epochs`` epochs from (w0, b0) with x = 1, y = 0.

    Another ``activation`` a = f(z) (a name or an expression in z) puts f in the neuron and
    the cost that :mod:`derive.rebuild` derives for f (``rebuilt``) in the cross-entropy's
    place; ``ValueError`` with the reason when f has none in closed form."""
    from .neuron import neuron_costs, train
    from .slowdown_numbers import (
        comparison_lines,
        gradient_ratios,
        lecture_verdict,
        saturation_lines,
        slide_convention_line,
        summarize,
    )

    if activation == "sigmoid":
        plan = (("quadratic", eta_mse, None), ("cross-entropy", eta_ce, None))
    else:
        neurons = neuron_costs(activation)
        plan = (
            ("quadratic", eta_mse, neurons["quadratic"]),
            ("rebuilt", eta_ce, neurons["rebuilt"]),
        )
    runs = tuple(
        train(cost, w0, b0, eta=eta, epochs=epochs, neuron=neuron, activation=activation)
        for w0, b0 in starts
        for cost, etas, neuron in plan
        for eta in etas
    )
    numbers = tuple(summarize(r) for r in runs)
    return Experiment(
        runs,
        numbers,
        tuple(gradient_ratios(runs, numbers)),
        lecture_verdict(runs, numbers),
        tuple(saturation_lines(runs, numbers)),
        tuple(comparison_lines(runs, numbers)),
        slide_convention_line(runs, numbers),
    )


def _fmt_epoch(k: int | None, epochs: int) -> str:
    return str(k) if k is not None else f">{epochs}"


def table(exp: Experiment) -> str:
    """The readable report: one row per run, then the ratios and statements."""
    checkpoints = [k for k, _ in exp.numbers[0].outputs] if exp.numbers else []
    head = (
        f"{'cost':<14}{'eta':>7}{'start':>11}{'a0':>7}{'|dC/dw|0':>10}{'|dC/db|0':>10}"
        f"{'plateau':>9}{'a<0.5':>7}{'C<10%':>7}"
        + "".join(f"{'a(' + str(k) + ')':>9}" for k in checkpoints)
    )
    rows = [head, "-" * len(head)]
    for run, n in zip(exp.runs, exp.numbers, strict=True):
        rows.append(
            f"{run.cost:<14}{run.eta:>7g}{f'({run.w0:g}, {run.b0:g})':>11}{run.a[0]:>7.3f}"
            f"{abs(n.grad_w0):>10.4f}{abs(n.grad_b0):>10.4f}"
            f"{_fmt_epoch(n.plateau, run.epochs):>9}"
            f"{_fmt_epoch(n.output_below_half, run.epochs):>7}"
            f"{_fmt_epoch(n.cost_below_tenth, run.epochs):>7}"
            + "".join(f"{v:>9.4f}" for _, v in n.outputs)
        )
    rows += [
        "",
        "plateau: first epoch with C < 0.9 C0; a<0.5: first epoch with a < 0.5; "
        "C<10%: first epoch with C < 0.1 C0 (>N: not within the run)",
        f"x = 1, y = 0; {QUADRATIC_NOTE}",
        "",
    ]
    neuron = exp.runs[0].neuron if exp.runs else None
    if neuron is not None:
        rebuilt = next((r.neuron.cost for r in exp.runs if r.cost == "rebuilt"), None)
        rows[-1:-1] = [
            f"activation a = {neuron.activation} (not σ): 'rebuilt' is derive.rebuild's cost "
            f"C = {rebuilt}, whose ∂C/∂z is a − y"
        ]
    matched, fprime = ("cross-entropy", "σ'") if neuron is None else ("rebuilt", "f'")
    for r in exp.ratios:
        rows.append(
            f"initial |grad C| {matched} / quadratic from ({r.w0:g}, {r.b0:g}): "
            f"{r.cross_entropy:.4f} / {r.quadratic:.4f} = {r.ratio:.2f}  "
            f"(1/{fprime}(z0) = {r.inverse_sigma_prime:.2f})"
        )
    rows += [*exp.saturation, *exp.comparisons, exp.verdict.text]
    if exp.convention:
        rows.append(exp.convention)
    return "\n".join(rows)


def to_json(
    exp: Experiment,
    verifications: Sequence[Verification] | None = None,
    figures: Sequence[Path] = (),
) -> dict[str, object]:
    """The JSON document: ``runs`` with full histories, plus the numbers and statements."""
    runs = []
    for i, (run, n) in enumerate(zip(exp.runs, exp.numbers, strict=True)):
        entry: dict[str, object] = {
            "cost": run.cost,
            "activation": run.activation,
            "w0": run.w0,
            "b0": run.b0,
            "eta": run.eta,
            "epochs": run.epochs,
            "x": run.x,
            "y": run.y,
            "numbers": n.as_dict(),
            "history": run.history(),
        }
        if verifications is not None:
            v = verifications[i]
            entry["verify"] = asdict(v)
        runs.append(entry)
    return {
        "runs": runs,
        "quadratic_cost": QUADRATIC_NOTE,
        "gradient_ratios": [asdict(r) for r in exp.ratios],
        "L2": {
            "holds": exp.verdict.holds,
            "text": exp.verdict.text,
            "slide_convention": exp.convention,
        },
        "L4": list(exp.saturation),
        "L15": list(exp.comparisons),
        "figures": [str(p) for p in figures],
    }


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EPOCHS}, got {value}")
    return value


def _negative_values(argv: Sequence[str]) -> list[str]:
    """``--starts -1,3``: argparse takes ``-1,3`` for an option; a leading space makes it a value.

    Only tokens that are numbers (``-1``, ``-0.5,2``, ``-1e-3``) are touched; every option
    name of this command starts with ``--``.
    """
    return [" " + a if _NUMBERS.fullmatch(a) else a for a in argv]


_NUMBERS = re.compile(r"-[\d.][\d.eE+\-]*(,[+\-]?[\d.][\d.eE+\-]*)*")


def _start(text: str) -> tuple[float, float]:
    parts = text.strip().split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        w0, b0 = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a start is 'w,b' (two numbers, e.g. 2,2), got {text!r}"
        ) from None
    if not (math.isfinite(w0) and math.isfinite(b0)):
        raise argparse.ArgumentTypeError(f"w and b must be finite, got {text!r}")
    return w0, b0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m numeric.slowdown",
        description="One sigmoid neuron learning 1 -> 0: the quadratic cost's learning "
        "slowdown against the cross-entropy, at Nielsen's and at equal learning rates.",
    )
    p.add_argument(
        "--epochs", type=_epochs, default=EPOCHS, help=f"epochs per run (default {EPOCHS})"
    )
    p.add_argument(
        "--starts",
        type=_start,
        nargs="+",
        default=list(STARTS),
        metavar="W,B",
        help="initial (weight, bias) pairs (default: 0.6,0.9 2,2)",
    )
    p.add_argument(
        "--eta-mse",
        type=_positive_float,
        nargs="+",
        default=[ETA_MSE],
        metavar="ETA",
        help="learning rates for the quadratic cost ½(y-a)² (default 0.15)",
    )
    p.add_argument(
        "--eta-ce",
        type=_positive_float,
        nargs="+",
        default=list(ETA_CE),
        metavar="ETA",
        help="learning rates for the cross-entropy (default 0.005 0.15)",
    )
    p.add_argument(
        "--activation",
        default="sigmoid",
        metavar="NAME|EXPR",
        help="the neuron's activation (default sigmoid); another one, e.g. tanh, runs the "
        "quadratic against the cost derive.rebuild derives for it (at the --eta-ce rates)",
    )
    p.add_argument("--out", type=Path, help="write slowdown.png and slowdown.svg into DIR")
    p.add_argument("--json", action="store_true", help="print JSON with the full histories")
    p.add_argument("--verify", action="store_true", help="check every update against jax.grad")
    return p


def _can_make(folder: Path) -> bool:
    """Can ``folder`` be written to, or made (its nearest existing ancestor a writable
    directory)?"""
    try:
        path = Path(os.path.realpath(folder))
        while not path.exists():
            path = path.parent
        return path.is_dir() and os.access(path, os.W_OK | os.X_OK)
    except OSError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI; returns the exit status (0 ok, 1 a verification failed, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(_negative_values(sys.argv[1:] if argv is None else argv))
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out} exists and is not a directory")
    if args.out is not None and not _can_make(args.out):
        # before the experiment: a directory that cannot be made or written is reported at
        # once (nothing is created until the figures are written)
        parser.error(f"cannot write the figures into {args.out}: not a writable directory")

    try:
        exp = run_experiment(
            starts=args.starts,
            eta_mse=args.eta_mse,
            eta_ce=args.eta_ce,
            epochs=args.epochs,
            activation=args.activation.strip(),
        )
    except ValueError as exc:
        parser.error(f"--activation {args.activation}: {exc}")
    if args.verify:
        from .neuron import verify_run

        verifications = [verify_run(r) for r in exp.runs]
    else:
        verifications = None
    figures: tuple[Path, ...] = ()
    if args.out is not None:
        from .slowdown_plot import plot_runs  # matplotlib only when a figure is asked for

        try:
            figures = plot_runs(exp.runs, args.out)
        except OSError as err:
            parser.error(f"cannot write the figures into {args.out}: {err}")

    if args.json:
        print(json.dumps(to_json(exp, verifications, figures), indent=1, ensure_ascii=False))
    else:
        print(table(exp))
        if verifications is not None:
            v0 = verifications[0]
            verdict = "all within" if all(v.ok for v in verifications) else "NOT all within"
            print(
                f"verify: {sum(v.updates for v in verifications)} updates against jax.grad; "
                f"largest gradient discrepancy {max(v.gradient_abs for v in verifications):.2e} "
                f"absolute, {max(v.gradient_rel for v in verifications):.2e} relative; "
                f"largest update discrepancy {max(v.update_abs for v in verifications):.2e}; "
                f"{verdict} |Δ| ≤ {v0.atol:g} + {v0.rtol:g}·|value|"
            )
        if figures:
            print("figures: " + ", ".join(str(p) for p in figures))
    if verifications is not None and not all(v.ok for v in verifications):
        bad = [r for r, v in zip(exp.runs, verifications, strict=True) if not v.ok]
        names = ", ".join(f"{r.cost} η={r.eta:g} ({r.w0:g}, {r.b0:g})" for r in bad)
        print(f"verify FAILED for: {names}", file=sys.stderr)
        return 1
    return 0
