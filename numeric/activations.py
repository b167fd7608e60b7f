"""Output activations a^L = f(z^L), with numerically stable logarithms of a.

``sigmoid`` is σ from :mod:`derive.engine.notation`, lambdified (→ ``jax.nn.sigmoid``); its logs
are ln σ(z) = ``log_sigmoid(z)`` and ln(1 − σ(z)) = ln σ(−z) = ``log_sigmoid(−z)``, finite for
every finite z (the naive ``log(sigmoid(z))`` is −∞ once σ(z) rounds to 0). ``softmax`` is
a_j = e^{z_j} / Σ_k e^{z_k} over the output layer (axis 0, one column per sample), with
ln a_j = z_j − logsumexp(z) (``log_softmax``). ``identity`` is a = z (no logarithms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import jax
import jax.numpy as jnp

from derive.engine.notation import sigma, z

from .lambdify import to_jax

__all__ = ["ACTIVATIONS", "Activation"]

Fn = Callable[[jax.Array], jax.Array]


@dataclass(frozen=True)
class Activation:
    """a = ``fn(z)``; ``log_fn(z)`` = ln a and ``log1m_fn(z)`` = ln(1 − a), stable, if known."""

    name: str
    fn: Fn
    log_fn: Fn | None = None
    log1m_fn: Fn | None = None


_sigmoid = to_jax(sigma(z), [z])

ACTIVATIONS: MappingProxyType[str, Activation] = MappingProxyType(
    {
        "sigmoid": Activation(
            "sigmoid",
            _sigmoid,
            log_fn=jax.nn.log_sigmoid,
            log1m_fn=lambda v: jax.nn.log_sigmoid(-v),
        ),
        "softmax": Activation(
            "softmax",
            lambda v: jax.nn.softmax(v, axis=0),
            log_fn=lambda v: jax.nn.log_softmax(v, axis=0),
        ),
        "identity": Activation("identity", lambda v: jnp.asarray(v)),
    }
)
