"""Closed forms of :mod:`derive` turned into JAX functions (never re-typed by hand).

``to_jax(expr, args)`` lambdifies a SymPy expression with σ → ``jax.nn.sigmoid``,
σ' → σ(1 − σ) and every elementary function → ``jax.numpy``. Inputs are used as given:
call it with float64 arrays (see :mod:`numeric` for how x64 is enabled).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import sympy as sp

from derive.engine.notation import expand_sigma_prime

__all__ = ["to_jax"]

_JAX_NAMES = {"sigma": jax.nn.sigmoid}


def to_jax(expr: sp.Expr, args: Sequence[sp.Symbol]) -> Callable[..., jax.Array]:
    """``f(*values)`` evaluating ``expr`` with ``args`` bound to ``values``, in JAX."""
    body = expand_sigma_prime(expr)
    return sp.lambdify(tuple(args), body, modules=[_JAX_NAMES, jnp])
