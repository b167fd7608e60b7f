"""The numbers of the slowdown experiment, and what they say about the lecture (L2, L4, L15).

Everything here is computed from :class:`numeric.neuron.Run` histories; no result is typed in.
Definitions (fixed before looking at the runs, and printed with every verdict):

* **plateau** ("practically no learning"): the first epoch at which the cost has lost 10 % of
  its start, ``C_k < 0.9 C_0``. The lecture shows cost curves, so the plateau is read on the
  cost.
* **output below ½**: the first epoch with ``a_k < 0.5`` (the neuron now leans to the target 0).
* **cost below 10 %**: the first epoch with ``C_k < 0.1 C_0``.
* L2 ("w = b = 2 practically does not learn for about 150 epochs", quadratic cost, η = 0.15)
  holds if that run's plateau lies within 150 ± 50 epochs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

from derive.engine.notation import z
from derive.lecture.closedforms import SIGMA_PRIME
from derive.lecture.experiment import (
    LECTURE_ETA,
    LECTURE_PLATEAU,
    LECTURE_START,
    LECTURE_TOLERANCE,
    PLATEAU_FRACTION,
)

from .lambdify import to_jax
from .neuron import Run, initial_gradient, train
from .precision import in_float64

__all__ = [
    "CHECKPOINTS",
    "DONE_FRACTION",
    "LECTURE_ETA",
    "LECTURE_PLATEAU",
    "LECTURE_START",
    "LECTURE_TOLERANCE",
    "PLATEAU_FRACTION",
    "GradientRatio",
    "RunNumbers",
    "Verdict",
    "comparison_lines",
    "first_epoch",
    "gradient_ratios",
    "lecture_verdict",
    "saturation_lines",
    "slide_convention_line",
    "summarize",
]

#: "learnt" once C_k < DONE_FRACTION · C_0
DONE_FRACTION = 0.1
#: the output threshold: a_k < ½
OUTPUT_THRESHOLD = 0.5
#: epochs at which the output is reported (those within the run)
CHECKPOINTS = (50, 150, 300)


def first_epoch(mask: np.ndarray) -> int | None:
    """The first index where ``mask`` is true, or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class RunNumbers:
    """The numbers of one run (epochs count updates: epoch 0 is the start)."""

    grad_w0: float
    grad_b0: float
    grad_norm0: float
    plateau: int | None
    output_below_half: int | None
    cost_below_tenth: int | None
    outputs: tuple[tuple[int, float], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "initial_gradient": {"dC/dw": self.grad_w0, "dC/db": self.grad_b0},
            "initial_gradient_norm": self.grad_norm0,
            "plateau_epochs": self.plateau,
            "epoch_output_below_half": self.output_below_half,
            "epoch_cost_below_tenth": self.cost_below_tenth,
            "output_at": {str(k): v for k, v in self.outputs},
        }


def summarize(run: Run) -> RunNumbers:
    """The numbers of ``run``: initial gradient, plateau, thresholds, outputs at checkpoints."""
    gw, gb = initial_gradient(run)
    c0 = run.cost_values[0]
    return RunNumbers(
        grad_w0=gw,
        grad_b0=gb,
        grad_norm0=math.hypot(gw, gb),
        plateau=first_epoch(run.cost_values < PLATEAU_FRACTION * c0),
        output_below_half=first_epoch(run.a < OUTPUT_THRESHOLD),
        cost_below_tenth=first_epoch(run.cost_values < DONE_FRACTION * c0),
        outputs=tuple((k, float(run.a[k])) for k in CHECKPOINTS if k <= run.epochs),
    )


@dataclass(frozen=True)
class GradientRatio:
    """Initial |∇C| of the cross-entropy over the quadratic's, from one start.

    The closed forms differ by the factor σ'(z) (L5), so the ratio should be 1/σ'(z₀);
    ``inverse_sigma_prime`` is that number, computed from ``SIGMA_PRIME`` for comparison.
    """

    w0: float
    b0: float
    quadratic: float
    cross_entropy: float
    ratio: float
    inverse_sigma_prime: float


#: the cost that cancels f'(z) (∂C/∂z = a − y): the cross-entropy for σ, the rebuilt one else
MATCHED = ("cross-entropy", "rebuilt")


@in_float64
def _inverse_sigma_prime(z0: float, run: Run | None = None) -> float:
    """1/f'(z₀): σ' from ``SIGMA_PRIME``, or the derivative of the run's own activation."""
    fprime = SIGMA_PRIME if run is None or run.neuron is None else run.neuron.activation.diff(z)
    return float(1.0 / to_jax(fprime, (z,))(jnp.float64(z0)))


def gradient_ratios(runs: Sequence[Run], numbers: Sequence[RunNumbers]) -> list[GradientRatio]:
    """One :class:`GradientRatio` per start that has both a quadratic and a cross-entropy run."""
    by_start: dict[tuple[float, float], dict[str, tuple[Run, RunNumbers]]] = {}
    for run, num in zip(runs, numbers, strict=True):
        by_start.setdefault((run.w0, run.b0), {}).setdefault(run.cost, (run, num))
    out = []
    for (w0, b0), costs in by_start.items():
        matched = next((c for c in MATCHED if c in costs), None)
        if "quadratic" in costs and matched is not None:
            q_run, q = costs["quadratic"]
            _, ce = costs[matched]
            out.append(
                GradientRatio(
                    w0,
                    b0,
                    q.grad_norm0,
                    ce.grad_norm0,
                    ce.grad_norm0 / q.grad_norm0,
                    _inverse_sigma_prime(w0 * q_run.x + b0, q_run),
                )
            )
    return out


def comparison_lines(runs: Sequence[Run], numbers: Sequence[RunNumbers]) -> list[str]:
    """L15 per start: every quadratic run against every cross-entropy run.

    At equal η the comparison is fair; at unequal η (the lecture's 0.15 against 0.005) the
    line says so.
    """
    lines = []
    pairs = list(zip(runs, numbers, strict=True))
    for q_run, q in pairs:
        if q_run.cost != "quadratic":
            continue
        for ce_run, ce in pairs:
            if ce_run.cost not in MATCHED or (ce_run.w0, ce_run.b0) != (q_run.w0, q_run.b0):
                continue
            if ce_run.eta == q_run.eta:
                kind = f"fair, same η = {q_run.eta:g}"
            else:
                kind = f"unequal η: {q_run.eta:g} vs {ce_run.eta:g}"

            def when(k: int | None, epochs: int = q_run.epochs) -> str:
                return f"epoch {k}" if k is not None else f"never within {epochs}"

            lines.append(
                f"L15 ({kind}) from ({q_run.w0:g}, {q_run.b0:g}), quadratic vs {ce_run.cost}: "
                f"cost below {PLATEAU_FRACTION:.0%} at {when(q.plateau)} vs {when(ce.plateau)}; "
                f"output below 0.5 at {when(q.output_below_half)} vs "
                f"{when(ce.output_below_half)}; "
                f"a({q_run.epochs}) = {q_run.a[-1]:.3f} vs {ce_run.a[-1]:.3f}"
            )
    return lines


def _epoch(k: int | None, epochs: int) -> str:
    return f"epoch {k}" if k is not None else f"not within {epochs} epochs"


@dataclass(frozen=True)
class Verdict:
    """The L2 statement checked against the runs: ``holds`` is None when not decidable."""

    holds: bool | None
    text: str


def _lecture_run(
    runs: Sequence[Run], numbers: Sequence[RunNumbers]
) -> tuple[Run, RunNumbers] | None:
    """The quadratic run from (2, 2) at η = 0.15, if present."""
    for run, num in zip(runs, numbers, strict=True):
        lecture = ("quadratic", LECTURE_START, LECTURE_ETA, "sigmoid")
        if (run.cost, (run.w0, run.b0), run.eta, run.activation) == lecture:
            return run, num
    return None


def lecture_verdict(runs: Sequence[Run], numbers: Sequence[RunNumbers]) -> Verdict:
    """Does the quadratic run from (2, 2) at η = 0.15 have a plateau of about 150 epochs?"""
    criterion = (
        f"criterion: the cost stays ≥ {PLATEAU_FRACTION:.0%} of its start for "
        f"{LECTURE_PLATEAU} ± {LECTURE_TOLERANCE} epochs"
    )
    claim = "L2 'w = b = 2 practically does not learn for about 150 epochs'"
    lecture = _lecture_run(runs, numbers)
    if lecture is None:
        return Verdict(
            None,
            f"{claim}: not assessed (no quadratic run from (2, 2) at η = 0.15 here)",
        )
    run, num = lecture
    low, high = LECTURE_PLATEAU - LECTURE_TOLERANCE, LECTURE_PLATEAU + LECTURE_TOLERANCE
    if num.plateau is None:
        plateau = f"the cost stays ≥ {PLATEAU_FRACTION:.0%} of its start for all {run.epochs}"
        holds = False if run.epochs > high else None
    else:
        plateau = f"the cost stays ≥ {PLATEAU_FRACTION:.0%} of its start for {num.plateau}"
        holds = low <= num.plateau <= high
    outputs = ", ".join(f"a({k}) = {v:.3f}" for k, v in num.outputs)
    word = {True: "HOLDS", False: "DOES NOT HOLD", None: "UNDECIDED (run too short)"}[holds]
    text = (
        f"{claim}: {plateau} epochs ({outputs}; output below 0.5 at "
        f"{_epoch(num.output_below_half, run.epochs)}) -> {word} ({criterion})"
    )
    return Verdict(holds, text)


def saturation_lines(runs: Sequence[Run], numbers: Sequence[RunNumbers]) -> list[str]:
    """L4 per cost: how the initial |∇C| changes as the initial error |a₀ − y| grows."""
    lines = []
    for cost in ("quadratic", *MATCHED):
        seen: dict[tuple[float, float], tuple[float, float]] = {}
        for run, num in zip(runs, numbers, strict=True):
            if run.cost == cost:
                seen.setdefault((run.w0, run.b0), (abs(run.a[0] - run.y), num.grad_norm0))
        if len(seen) < 2:
            continue
        ordered = sorted(seen.items(), key=lambda kv: kv[1][0])
        grads = [g for _, (_, g) in ordered]
        if all(g2 < g1 for g1, g2 in itertools.pairwise(grads)):
            trend = "shrinks as the error grows: the worse wrong, the slower"
        elif all(g2 > g1 for g1, g2 in itertools.pairwise(grads)):
            trend = "grows with the error: the worse wrong, the faster"
        else:
            trend = "is not monotonic in the error"
        parts = ", ".join(
            f"|a0 - y| = {err:.3f} at ({w0:g}, {b0:g}): |grad C| = {g:.4f}"
            for (w0, b0), (err, g) in ordered
        )
        lines.append(f"L4 {cost}: {parts} -> the initial gradient {trend}")
    return lines


def slide_convention_line(runs: Sequence[Run], numbers: Sequence[RunNumbers]) -> str | None:
    """L2 under the slide's cost ``(y − a)²`` (no ½), at the lecture's η = 0.15.

    ``(y − a)² = 2 · ½(y − a)²`` has twice the gradient, so its run at η is the ½-form run at
    2η; that run is trained here and its plateau reported. None without the lecture's run.
    """
    found = _lecture_run(runs, numbers)
    if found is None:
        return None
    run, num = found
    slide = summarize(train("quadratic", *LECTURE_START, eta=2 * LECTURE_ETA, epochs=run.epochs))
    low, high = LECTURE_PLATEAU - LECTURE_TOLERANCE, LECTURE_PLATEAU + LECTURE_TOLERANCE
    if slide.plateau is None:
        epochs, inside = f"all {run.epochs}", None if run.epochs <= high else False
    else:
        epochs, inside = str(slide.plateau), low <= slide.plateau <= high
    where = {True: "within", False: "outside", None: "undecided for"}[inside]
    return (
        f"L2 with the slide's C = (y − a)² at η = {LECTURE_ETA:g} (= ½(y − a)² at "
        f"η = {2 * LECTURE_ETA:g}): the cost stays ≥ {PLATEAU_FRACTION:.0%} of its start for "
        f"{epochs} epochs (vs {num.plateau} with Nielsen's ½(y − a)²) -> {where} "
        f"{LECTURE_PLATEAU} ± {LECTURE_TOLERANCE}"
    )
