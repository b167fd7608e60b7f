"""Derivations as data: steps, their relations, justifications and claim IDs.

A :class:`Derivation` is a sequence of :class:`Step` s. Each step holds a SymPy expression
(a term of a chain such as ``C = … = …``) or a statement (``Eq``, ``>``, :class:`Undefined`),
its :class:`Relation` to the step before, a justification in English and Czech, and the IDs
of the lecture claims (``L0``–``L26``) it supports. Nothing here checks or prints anything:
:mod:`derive.engine.verify` checks, :mod:`derive.engine.render` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

import sympy as sp

from .domain import DEFAULT, Domain
from .text import Text

__all__ = [
    "Derivation",
    "Relation",
    "Step",
    "Substitution",
    "Text",
    "Undefined",
]


class Relation(Enum):
    """How a step relates to the one before it."""

    GIVEN = "given"  #: a definition or premise: stated, not derived
    FACT = "fact"  #: a statement checked on its own (identity, sign, limit, undefined value)
    EQUAL = "="  #: equal to the previous term (with indefinite integrals: up to a constant)
    UP_TO_CONSTANT = "=+c"  #: equal to the previous term up to an additive constant
    EQUIVALENT = "<=>"  #: a statement equivalent to the previous statement on the domain
    IMPLIES = "=>"  #: a statement that follows from the previous one
    ARGUMENT = "argument"  #: reasoning in words; only its ``core`` (if any) is machine-checked


@dataclass(frozen=True)
class Undefined:
    """The statement "``expr`` is undefined at ``at``" (e.g. it contains ln 0)."""

    expr: sp.Expr
    at: tuple[tuple[sp.Symbol, sp.Expr], ...]


@dataclass(frozen=True)
class Substitution:
    """Declares ``variable = expr``, claiming ``d variable = differential · d wrt``."""

    variable: sp.Symbol
    expr: sp.Expr
    differential: sp.Expr
    wrt: sp.Symbol


@dataclass(frozen=True)
class Step:
    """One line of a derivation.

    ``expr``: the term or statement on this line; ``relation`` to the previous line;
    ``why``: justification; ``claims``: lecture claim IDs; ``lhs``: what a chain computes
    (printed as ``lhs = expr`` on a first line), with ``lhs_value`` the expression it stands
    for when the label itself cannot be computed (``∂C/∂w`` for ``Derivative(C_x, w)``);
    ``substitution``: a variable change that
    holds from this line on; ``core``: for an :attr:`Relation.ARGUMENT`, the statement that
    is machine-checked as a fact. ``conditions`` (``lhs_conditions``): parts of ``expr``
    (``lhs``) as written that must be real where it is, although SymPy's automatic
    simplification removed them (``ln(a − 2)`` in ``e^{ln(a − 2)}``, read as ``a − 2``).
    """

    expr: sp.Basic | Undefined | None
    relation: Relation
    why: Text
    claims: tuple[str, ...] = ()
    lhs: sp.Basic | None = None
    lhs_value: sp.Basic | None = None
    substitution: Substitution | None = None
    core: sp.Basic | None = None
    conditions: tuple[sp.Expr, ...] = ()
    lhs_conditions: tuple[sp.Expr, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """A titled sequence of steps proving (part of) one or more lecture claims.

    ``variable`` is the variable of integration/differentiation for steps "up to a
    constant"; ``definitions`` (``(a, σ(z))``, ``(z, w x + b)``, applied in order) are
    substituted before identities are checked; ``domain`` bounds the variables.
    """

    id: str
    title: Text
    steps: tuple[Step, ...]
    claims: tuple[str, ...]
    intro: Text | None = None
    variable: sp.Symbol | None = None
    definitions: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    domain: Domain = field(default=DEFAULT)

    def with_step(self, index: int, **changes: object) -> Derivation:
        """A copy with step ``index`` changed (e.g. a deliberately broken variant)."""
        steps = list(self.steps)
        steps[index] = replace(steps[index], **changes)
        return replace(self, steps=tuple(steps))

    def _repr_latex_(self) -> str:
        from .render import derivation_latex  # rendering is separate from the data

        return derivation_latex(self, lang="en", display=True)
