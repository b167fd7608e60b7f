"""Hypothesis strategies for networks and batches, for your own tests (needs ``hypothesis``).

    from hypothesis import given
    from numeric.strategies import cases

    @given(cases())
    def test_mine(case):
        cost, net, batch = case
        ...

Shapes follow :mod:`numeric.networks` (Nielsen's conventions); every float is a finite
float64. Targets suit the cost: in [0, 1] for sigmoid outputs, real for linear outputs,
one-hot columns for softmax outputs. This module is not imported by :mod:`numeric`, so the
package itself does not need hypothesis.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from derive.lecture.closedforms import COSTS, OUTPUT_ACTIVATION

from .networks import Batch, Network, validate_sizes

__all__ = ["batches", "cases", "layer_sizes", "networks"]


def layer_sizes(
    *, min_layers: int = 2, max_layers: int = 4, max_width: int = 6
) -> st.SearchStrategy[tuple[int, ...]]:
    """Layer sizes ``(n_1, …, n_L)``, input first, each 1 … ``max_width``."""
    return st.lists(st.integers(1, max_width), min_size=min_layers, max_size=max_layers).map(tuple)


def _floats(bound: float) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=64)


def networks(sizes: Sequence[int], *, bound: float = 3.0) -> st.SearchStrategy[Network]:
    """Networks of layer sizes ``sizes``, every weight and bias in [−bound, bound]."""
    sizes = validate_sizes(sizes)
    pairs = list(itertools.pairwise(sizes))
    weights = st.tuples(
        *(hnp.arrays(np.float64, (n_out, n_in), elements=_floats(bound)) for n_in, n_out in pairs)
    )
    biases = st.tuples(
        *(hnp.arrays(np.float64, (n_out,), elements=_floats(bound)) for _, n_out in pairs)
    )
    return st.builds(Network, weights, biases)


def batches(
    sizes: Sequence[int], *, cost: str, max_batch: int = 5, bound: float = 3.0
) -> st.SearchStrategy[Batch]:
    """Batches for layer sizes ``sizes``: ``x`` in [−bound, bound], ``y`` suited to ``cost``."""
    sizes = validate_sizes(sizes)
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}; known: {', '.join(COSTS)}")
    n_in, n_out = sizes[0], sizes[-1]

    @st.composite
    def draw_batch(draw: st.DrawFn) -> Batch:
        n = draw(st.integers(1, max_batch))
        x = draw(hnp.arrays(np.float64, (n_in, n), elements=_floats(bound)))
        activation = OUTPUT_ACTIVATION[cost]
        if activation == "softmax":
            labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, n_out - 1)))
            y = np.eye(n_out)[labels].T
        elif activation == "sigmoid":
            y = draw(hnp.arrays(np.float64, (n_out, n), elements=st.floats(0.0, 1.0)))
        else:
            y = draw(hnp.arrays(np.float64, (n_out, n), elements=_floats(bound)))
        return Batch(x, y)

    return draw_batch()


def cases(
    costs: Sequence[str] = COSTS,
    *,
    max_layers: int = 4,
    max_width: int = 6,
    max_batch: int = 5,
    bound: float = 3.0,
) -> st.SearchStrategy[tuple[str, Network, Batch]]:
    """``(cost, network, batch)``: a cost from ``costs``, a shape from :func:`layer_sizes`."""

    @st.composite
    def draw_case(draw: st.DrawFn) -> tuple[str, Network, Batch]:
        cost = draw(st.sampled_from(tuple(costs)))
        sizes = draw(layer_sizes(max_layers=max_layers, max_width=max_width))
        net = draw(networks(sizes, bound=bound))
        return cost, net, draw(batches(sizes, cost=cost, max_batch=max_batch, bound=bound))

    return draw_case()
