"""The lecture's one-neuron experiment (claims L2, L15) as data: its setting and criteria.

One sigmoid neuron learns input ``x = 1`` → target ``y = 0`` from the starts ``(w, b)`` of the
slides, for ``EPOCHS`` epochs, with Nielsen's learning rates. "Practically not learning" means
the cost stays at or above ``PLATEAU_FRACTION`` of its start; the lecture's "about 150 epochs"
is accepted within ``LECTURE_PLATEAU ± LECTURE_TOLERANCE``. Both :mod:`derive.lecture.errata` (plain
Python) and :mod:`numeric.slowdown` (JAX) read these values from here.
"""

from __future__ import annotations

__all__ = [
    "EPOCHS",
    "ETA_CE",
    "ETA_MSE",
    "LECTURE_ETA",
    "LECTURE_PLATEAU",
    "LECTURE_START",
    "LECTURE_TOLERANCE",
    "PLATEAU_FRACTION",
    "STARTS",
    "X",
    "Y",
]

#: input and target of the single training sample
X, Y = 1.0, 0.0
#: the slides' starting (weight, bias) pairs
STARTS: tuple[tuple[float, float], ...] = ((0.6, 0.9), (2.0, 2.0))
#: Nielsen's rates: quadratic ½(y − a)² at 0.15; cross-entropy at 0.005 (his) and 0.15 (fair)
ETA_MSE = 0.15
ETA_CE: tuple[float, ...] = (0.005, 0.15)
EPOCHS = 300
#: "practically no learning" while C_k ≥ PLATEAU_FRACTION · C_0
PLATEAU_FRACTION = 0.9
#: L2: the quadratic run from LECTURE_START at LECTURE_ETA does not learn for "about 150
#: epochs", accepted within ± LECTURE_TOLERANCE
LECTURE_START = STARTS[1]
LECTURE_ETA = ETA_MSE
LECTURE_PLATEAU = 150
LECTURE_TOLERANCE = 50
