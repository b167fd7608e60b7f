"""A step's term is reused as the next step's previous term (``_State.memo``): the reuse must
never carry a result computed under different substitutions, nor change a verdict."""

from __future__ import annotations

import sympy as sp

from derive.engine.calculus import CONST
from derive.engine.notation import a, t
from derive.engine.steps import Derivation, Relation, Step, Substitution, Text
from derive.engine.verify import Verdict, verify
from derive.lecture.crossentropy import DERIVATIONS

WHY = Text("test", "test")


def _chain(*exprs: sp.Expr, subst_at: int, relation: Relation) -> Derivation:
    steps = [Step(exprs[0], Relation.GIVEN, WHY)]
    steps += [Step(e, relation, WHY) for e in exprs[1:]]
    d = Derivation("t", WHY, tuple(steps), (), variable=a)
    return d.with_step(subst_at, substitution=Substitution(t, 1 / a - 1, -1 / a**2, a))


def test_a_term_is_differentiated_again_once_a_substitution_is_declared() -> None:
    # step 1: ln t + 1 against ln t, t independent of a (d/da = 0 on both sides);
    # step 2 declares t = 1/a − 1: ln t + 1 must now be differentiated with t(a), and equals
    # ln(1/a − 1) up to a constant. Reusing step 1's derivative (0) would refute step 2.
    d = _chain(
        sp.log(t),
        sp.log(t) + 1 + CONST,
        sp.log(1 / a - 1) + CONST,
        subst_at=2,
        relation=Relation.UP_TO_CONSTANT,
    )
    rep = verify(d)
    assert [r.verdict for r in rep.results[1:]] == [Verdict.PROVED, Verdict.PROVED]


def test_the_same_wrong_term_is_refuted_after_the_substitution_too() -> None:
    # the same chain with a wrong last line (sign): the reused term must not hide the error
    d = _chain(
        sp.log(t),
        sp.log(t) + 1 + CONST,
        -sp.log(1 / a - 1) + CONST,
        subst_at=2,
        relation=Relation.UP_TO_CONSTANT,
    )
    rep = verify(d)
    assert rep.results[1].verdict is Verdict.PROVED
    assert rep.results[2].verdict is Verdict.REFUTED


def test_verifying_twice_gives_the_same_reports() -> None:
    # each verify() starts with an empty memo: a second run checks every step again, afresh
    first = [verify(d) for d in DERIVATIONS]
    second = [verify(d) for d in DERIVATIONS]
    assert [[(r.verdict, r.method, r.detail) for r in rep.results] for rep in first] == [
        [(r.verdict, r.method, r.detail) for r in rep.results] for rep in second
    ]
