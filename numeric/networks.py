"""Seeded random fully connected networks and batches, in Nielsen's shape conventions.

A network with layer sizes ``(n_1, …, n_L)`` has, for l = 2 … L (Nielsen numbers the input
layer 1), ``weights[l-2]`` of shape ``(n_l, n_{l-1})`` and ``biases[l-2]`` of shape
``(n_l,)``; a batch has inputs ``x`` of shape ``(n_1, batch)`` (one column per sample) and
targets ``y`` of shape ``(n_L, batch)``:

    z^l = w^l a^{l-1} + b^l,   a^1 = x.

Weights, biases and inputs are standard normal (``scale`` multiplies weights and biases:
``scale=100`` saturates every sigmoid, |z| up to ~1e3). Targets depend on the cost: uniform in
[0, 1] for sigmoid outputs, standard normal for linear outputs, one-hot for softmax outputs.

Everything is NumPy float64, drawn from ``numpy.random.default_rng(seed)``: the same seed gives
the same network on every machine, and no JAX configuration is touched here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from derive.lecture.closedforms import COSTS, OUTPUT_ACTIVATION

__all__ = [
    "Batch",
    "Network",
    "NetworkStack",
    "parse_sizes",
    "random_batch",
    "random_network",
    "random_stack",
    "validate_sizes",
]


@dataclass(frozen=True)
class Network:
    """``weights[i]``: shape ``(sizes[i+1], sizes[i])``; ``biases[i]``: ``(sizes[i+1],)``."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes ``(n_1, …, n_L)``, input layer first."""
        return (self.weights[0].shape[1], *(w.shape[0] for w in self.weights))


@dataclass(frozen=True)
class Batch:
    """Inputs ``x`` of shape ``(n_1, batch)`` and targets ``y`` of shape ``(n_L, batch)``."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class NetworkStack:
    """``count`` networks of one shape with their batches, stacked on a leading axis (for vmap).

    ``weights[i]`` has shape ``(count, sizes[i+1], sizes[i])``, ``x`` ``(count, n_1, batch)``.
    """

    sizes: tuple[int, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    x: np.ndarray
    y: np.ndarray

    @property
    def count(self) -> int:
        return self.x.shape[0]

    def network(self, i: int) -> Network:
        """The ``i``-th network of the stack."""
        return Network(tuple(w[i] for w in self.weights), tuple(b[i] for b in self.biases))

    def batch(self, i: int) -> Batch:
        """The ``i``-th network's batch."""
        return Batch(self.x[i], self.y[i])


def validate_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """``sizes`` as a tuple, or ``ValueError`` unless it has ≥ 2 layers of ≥ 1 neuron each."""
    out = tuple(int(n) for n in sizes)
    if len(out) < 2:
        raise ValueError(f"a network needs at least 2 layers (input and output), got {out}")
    if any(n < 1 for n in out):
        raise ValueError(f"every layer needs at least 1 neuron, got {out}")
    return out


#: bytes the arrays of one batched check may take (``MemoryError`` is refused before it happens)
MEMORY_BUDGET = 4 * 1024**3

#: float64 copies alive at once per parameter (the values, two gradients, their difference and
#: the comparison's temporaries) and per activation (z, a, δ for both methods)
_PARAMETER_COPIES = 6
_ACTIVATION_COPIES = 8


def memory_estimate(sizes: Sequence[int], count: int, *, batch: int) -> int:
    """Bytes that checking ``count`` networks of shape ``sizes`` on ``batch`` samples needs.

    An upper estimate: P = Σ_l n_l(n_{l−1} + 1) parameters and A = Σ_l n_l activations per
    sample, each held in float64 a few times (:data:`_PARAMETER_COPIES`,
    :data:`_ACTIVATION_COPIES`): ``8·count·(6P + 8·batch·A)`` bytes.
    """
    sizes = validate_sizes(sizes)
    parameters = sum(n_out * (n_in + 1) for n_in, n_out in itertools.pairwise(sizes))
    activations = sum(sizes)
    per_net = _PARAMETER_COPIES * parameters + _ACTIVATION_COPIES * batch * activations
    return 8 * count * per_net


def check_memory(sizes: Sequence[int], count: int, *, batch: int) -> None:
    """``ValueError`` with a readable message when :func:`memory_estimate` exceeds the budget."""
    need = memory_estimate(sizes, count, batch=batch)
    if need > MEMORY_BUDGET:
        shape = ",".join(map(str, sizes))
        raise ValueError(
            f"{count} networks of sizes {shape} with batch {batch} need about "
            f"{need / 1024**3:.3g} GiB, more than the {MEMORY_BUDGET / 1024**3:g} GiB allowed; "
            "use fewer networks, a smaller batch or smaller layers"
        )


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"8,16,4"`` → ``(8, 16, 4)``; ``ValueError`` with a readable message otherwise."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(
            f"layer sizes must be comma-separated integers like 8,16,4, got {text!r}"
        ) from None
    return validate_sizes(sizes)


def _targets(rng: np.random.Generator, cost: str, shape: tuple[int, ...]) -> np.ndarray:
    """Targets of shape ``(…, n_L, batch)`` suited to ``cost``'s output activation."""
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}; known: {', '.join(COSTS)}")
    activation = OUTPUT_ACTIVATION[cost]
    if activation == "sigmoid":
        return rng.uniform(0.0, 1.0, size=shape)
    if activation == "identity":
        return rng.standard_normal(size=shape)
    # softmax: one-hot columns
    n_out = shape[-2]
    labels = rng.integers(0, n_out, size=(*shape[:-2], shape[-1]))
    return np.moveaxis(np.eye(n_out)[labels], -1, -2)


def random_stack(
    sizes: Sequence[int],
    count: int,
    *,
    batch: int,
    cost: str,
    seed: int | np.random.SeedSequence,
    scale: float = 1.0,
) -> NetworkStack:
    """``count`` seeded random networks of layer sizes ``sizes``, each with its own batch."""
    sizes = validate_sizes(sizes)
    if count < 1 or batch < 1:
        raise ValueError(f"need count ≥ 1 and batch ≥ 1, got count={count}, batch={batch}")
    rng = np.random.default_rng(seed)
    pairs = list(itertools.pairwise(sizes))
    weights = tuple(scale * rng.standard_normal((count, n_out, n_in)) for n_in, n_out in pairs)
    biases = tuple(scale * rng.standard_normal((count, n_out)) for _, n_out in pairs)
    x = rng.standard_normal((count, sizes[0], batch))
    y = _targets(rng, cost, (count, sizes[-1], batch))
    return NetworkStack(sizes, weights, biases, x, y)


def random_network(sizes: Sequence[int], *, seed: int, scale: float = 1.0) -> Network:
    """One seeded random network (weights and biases standard normal times ``scale``)."""
    stack = random_stack(sizes, 1, batch=1, cost=COSTS[0], seed=seed, scale=scale)
    return stack.network(0)


def random_batch(sizes: Sequence[int], batch: int, *, cost: str, seed: int) -> Batch:
    """A seeded batch for layer sizes ``sizes``: standard normal ``x``, ``y`` to suit ``cost``."""
    sizes = validate_sizes(sizes)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((sizes[0], batch))
    return Batch(x, _targets(rng, cost, (sizes[-1], batch)))
