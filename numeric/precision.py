"""float64 without touching the user's global JAX configuration.

Importing :mod:`numeric` does not flip ``jax_enable_x64`` for the whole process. Every public
entry point of :mod:`numeric` runs inside :func:`float64` instead (``jax.enable_x64(True)``,
a context that is undone on exit), so a user who imports the package keeps float32 in their
own code. To get float64 everywhere, set ``JAX_ENABLE_X64=1`` as JAX documents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import jax

__all__ = ["float64", "in_float64"]

P = ParamSpec("P")
R = TypeVar("R")


def float64() -> object:
    """Context manager: JAX computes in float64 inside the ``with`` block."""
    return jax.enable_x64(True)


def in_float64(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run ``fn`` inside :func:`float64`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with jax.enable_x64(True):
            return fn(*args, **kwargs)

    return wrapper
