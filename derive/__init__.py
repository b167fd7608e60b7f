"""derive: the lecture's mathematics as machine-verified SymPy derivations.

No JAX here (``numeric`` depends on ``derive``, never the reverse). The command-line
modules (``derive.lecture.crossentropy`` …) are deliberately not imported by this package, so that
``python -m derive.crossentropy`` runs without a ``RuntimeWarning``.
"""

from .engine.notation import SigmaPrime, expand_sigma_prime, layer_symbol, sigma
from .lecture.closedforms import COSTS, OUTPUT_DELTA

__all__ = [
    "COSTS",
    "OUTPUT_DELTA",
    "SigmaPrime",
    "expand_sigma_prime",
    "layer_symbol",
    "sigma",
]
