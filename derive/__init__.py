"""derive: the lecture's mathematics as machine-verified SymPy derivations.

No JAX here (``numeric`` depends on ``derive``, never the reverse). Subpackages:
:mod:`derive.engine` (notation, steps, verification, rendering), :mod:`derive.lecture` (the
lecture's derivations, closed forms, claims, errata), :mod:`derive.homework` (the safe reader,
the catalog, grading, step files). The command modules (``python -m derive.crossentropy`` …) are
not imported here, and the names below are imported on first use, so that importing
``derive`` costs nothing: a command that reads its flags before SymPy (``derive.serve``) can.
"""

import importlib
from typing import Any

__all__ = [
    "COSTS",
    "OUTPUT_DELTA",
    "SigmaPrime",
    "expand_sigma_prime",
    "layer_symbol",
    "sigma",
]

_WHERE = {
    "COSTS": "derive.lecture.closedforms",
    "OUTPUT_DELTA": "derive.lecture.closedforms",
    "SigmaPrime": "derive.engine.notation",
    "expand_sigma_prime": "derive.engine.notation",
    "layer_symbol": "derive.engine.notation",
    "sigma": "derive.engine.notation",
}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` when it is first used (PEP 562)."""
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
