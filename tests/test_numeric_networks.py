"""Random networks and batches: Nielsen's shapes, seeded, targets suited to each cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from derive.lecture.closedforms import COSTS
from numeric.networks import parse_sizes, random_batch, random_network, random_stack
from numeric.strategies import cases


def test_network_shapes_follow_nielsen_conventions() -> None:
    net = random_network([8, 16, 4], seed=0)
    assert [w.shape for w in net.weights] == [(16, 8), (4, 16)]
    assert [b.shape for b in net.biases] == [(16,), (4,)]
    assert net.sizes == (8, 16, 4)
    assert all(w.dtype == np.float64 for w in net.weights)


def test_same_seed_same_network_other_seed_other_network() -> None:
    one, two = random_network([3, 5, 2], seed=7), random_network([3, 5, 2], seed=7)
    other = random_network([3, 5, 2], seed=8)
    assert all(np.array_equal(p, q) for p, q in zip(one.weights, two.weights, strict=True))
    assert not np.array_equal(one.weights[0], other.weights[0])


@pytest.mark.parametrize("cost", COSTS)
def test_targets_suit_the_cost(cost: str) -> None:
    b = random_batch([3, 4, 5], 50, cost=cost, seed=1)
    assert b.x.shape == (3, 50) and b.y.shape == (5, 50)
    if cost == "softmax-log-likelihood":
        assert set(np.unique(b.y)) == {0.0, 1.0}
        assert np.array_equal(b.y.sum(axis=0), np.ones(50))
    elif cost == "quadratic-linear":
        assert b.y.min() < 0 < b.y.max()  # linear outputs: real targets
    else:
        assert 0.0 <= b.y.min() and b.y.max() <= 1.0


def test_stack_scale_saturates_weighted_inputs() -> None:
    stack = random_stack([6, 6, 3], 20, batch=8, cost="cross-entropy", seed=0, scale=100.0)
    net, batch = stack.network(3), stack.batch(3)
    z2 = net.weights[0] @ batch.x + net.biases[0][:, None]
    assert np.abs(z2).max() > 300  # |z| of order 1e2 to 1e3: every sigmoid saturated
    assert stack.weights[0].shape == (20, 6, 6) and stack.count == 20


@pytest.mark.parametrize("text", ["8", "8,x", "8,0,3", ""])
def test_bad_sizes_are_rejected_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"layer|neuron|sizes"):
        parse_sizes(text)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(cases())
def test_strategies_draw_consistent_cases(case) -> None:
    cost, net, batch = case
    assert cost in COSTS
    sizes = net.sizes
    assert batch.x.shape[0] == sizes[0] and batch.y.shape[0] == sizes[-1]
    assert batch.x.shape[1] == batch.y.shape[1]
    assert all(np.isfinite(w).all() for w in net.weights)
