"""numeric: the closed forms of ``derive`` against JAX autodiff, in float64.

Importing this package does not change JAX's global configuration: every public function runs
inside :func:`numeric.precision.float64` (see there). The command-line program
``python -m numeric.gradcheck`` is deliberately not imported here (it would warn when run),
and the public names are imported on first use, so that importing ``numeric`` does not import
JAX (a command parses its flags first).
"""

import importlib
from typing import Any

#: public name → the submodule that defines it (imported on first use, so that a command's
#: flags are parsed before JAX is imported)
_WHERE = {
    "METHODS": "backprop",
    "autodiff_gradients": "backprop",
    "closed_form_gradients": "backprop",
    "gradients": "backprop",
    "CostResult": "check",
    "check_cost": "check",
    "check_stack": "check",
    "random_shapes": "check",
    "DEFAULT_FLOOR": "compare",
    "DEFAULT_THRESHOLD": "compare",
    "ArrayError": "compare",
    "batch_cost": "costs",
    "sample_costs": "costs",
    "Batch": "networks",
    "Network": "networks",
    "NetworkStack": "networks",
    "random_batch": "networks",
    "random_network": "networks",
    "random_stack": "networks",
    "float64": "precision",
    "in_float64": "precision",
    "GradientReport": "usergrad",
    "assert_gradient": "usergrad",
    "check_gradient": "usergrad",
}

__all__ = [
    "DEFAULT_FLOOR",
    "DEFAULT_THRESHOLD",
    "METHODS",
    "ArrayError",
    "Batch",
    "CostResult",
    "GradientReport",
    "Network",
    "NetworkStack",
    "assert_gradient",
    "autodiff_gradients",
    "batch_cost",
    "check_cost",
    "check_gradient",
    "check_stack",
    "closed_form_gradients",
    "float64",
    "gradients",
    "in_float64",
    "random_batch",
    "random_network",
    "random_shapes",
    "random_stack",
    "sample_costs",
]


def __getattr__(name: str) -> Any:
    """Import the submodule that defines ``name`` when it is first used (PEP 562)."""
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
