"""numeric: the closed forms of ``derive`` against JAX autodiff, in float64.

Importing this package does not change JAX's global configuration: every public function runs
inside :func:`numeric.precision.float64` (see there). The command-line program
``python -m numeric.gradcheck`` is deliberately not imported here (it would warn when run).
"""

from .backprop import METHODS, autodiff_gradients, closed_form_gradients, gradients
from .check import CostResult, check_cost, check_stack, random_shapes
from .compare import DEFAULT_FLOOR, DEFAULT_THRESHOLD, ArrayError
from .costs import batch_cost, sample_costs
from .networks import Batch, Network, NetworkStack, random_batch, random_network, random_stack
from .precision import float64, in_float64
from .usergrad import GradientReport, assert_gradient, check_gradient

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
