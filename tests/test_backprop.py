"""Backpropagation, claim by claim (L19–L26): proofs for every layer width, and checks that
they can fail."""

from __future__ import annotations

import dataclasses
import math

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.notation import SigmaPrime, sigma
from derive.engine.verify import Verdict, verify
from derive.lecture import backprop as bp
from derive.lecture import closedforms as cf

REPORTS = {d.id: verify(d) for d in bp.DERIVATIONS}
BY_ID = {d.id: d for d in bp.DERIVATIONS}


def _verdicts(rid: str) -> list[Verdict]:
    return [r.verdict for r in REPORTS[rid].results]


def _width_symbols(derivation) -> set[sp.Symbol]:
    return {s_ for s_, _ in derivation.definitions if s_ in (bp.K, bp.M, bp.N)}


def test_every_backprop_derivation_verifies() -> None:
    bad = {i: [r.detail for r in rep.failures] for i, rep in REPORTS.items() if not rep.ok}
    assert not bad


def test_L20_bp1_to_bp4_are_proved_for_every_layer_width() -> None:
    for rid in ("bp1", "bp2", "bp3", "bp4"):
        assert _verdicts(rid) == [Verdict.GIVEN, Verdict.PROVED, Verdict.PROVED], rid
        # the width is a symbol, reparametrised as K = j − 1 + m with an integer m ≥ 1
        for width, value in BY_ID[rid].definitions:
            assert width.is_integer and width.is_positive
            (m,) = value.free_symbols - {bp.i, bp.j, bp.k, bp.q}
            assert m.is_integer and m.is_positive


def test_L20_without_the_index_range_the_kronecker_sum_is_not_collapsed() -> None:
    """The reparametrisation K = j − 1 + m does real work: without it SymPy keeps a
    Piecewise (is j ≤ K?) and the step is not proved."""
    rep = verify(dataclasses.replace(bp.BP3_PROOF, definitions=()))
    assert rep.results[2].verdict is not Verdict.PROVED
    assert not rep.ok


def test_L20_bp_closed_forms_are_the_end_of_the_proofs() -> None:
    assert bp.BP1_PROOF.steps[-1].expr == bp._indexed(cf.BP1)
    assert bp.BP3_PROOF.steps[-1].expr == bp.D_l[bp.j]
    assert bp.BP4_PROOF.steps[-1].expr.free_symbols >= {bp.A_lm1[bp.k], bp.D_l[bp.j]}


def test_L20_a_wrong_bp4_is_reported_failed() -> None:
    wrong = cf.product(bp.A_lm1[bp.j], bp.D_l[bp.k])  # indices swapped
    rep = verify(bp.BP4_PROOF.with_step(2, expr=wrong))
    assert not rep.ok and rep.failures[0].index == 3
    assert rep.failures[0].verdict is Verdict.REFUTED  # a point with a_j δ_k ≠ a_k δ_j


def test_L21_bp1_needs_that_a_k_depends_only_on_z_k() -> None:
    # dropping the Kronecker δ_jk (as if every a_k depended on z_j) is not proved
    wrong_sum = bp.NeuronSum(
        sp.Derivative(bp.C(bp.A[bp.k]), bp.A[bp.k]) * SigmaPrime(bp.Z[bp.k]), (bp.k, 1, bp.K)
    )
    rep = verify(bp.BP1_PROOF.with_step(1, expr=wrong_sum))
    assert rep.results[1].verdict is not Verdict.PROVED and not rep.ok


def test_L21_bp1_premise_checked_for_1_to_4_outputs_with_an_arbitrary_cost() -> None:
    assert bp.FIXED_SIZES == (1, 2, 3, 4)
    for size, d in zip(bp.FIXED_SIZES, bp.BP1_FIXED_SIZES, strict=True):
        assert len(d.steps) == size  # one per output j
    # printed as one section: every K, every j ≤ K
    assert _verdicts("bp1-premise") == [Verdict.PROVED] * sum(bp.FIXED_SIZES)
    # the wrong output's derivative on the right is not proved (2 outputs, j = 1 ↔ 2)
    d = bp.BP1_FIXED_SIZES[1]
    swapped = sp.Eq(d.steps[0].expr.lhs, d.steps[1].expr.rhs, evaluate=False)
    assert not verify(d.with_step(0, expr=swapped)).ok


def test_L22_quadratic_delta_keeps_sigma_prime() -> None:
    assert _verdicts("mse-output-dcda") == [Verdict.PROVED]
    assert _verdicts("mse-output-delta") == [Verdict.PROVED] * 2
    assert _verdicts("mse-output-gradients") == [Verdict.PROVED] * 4
    assert bp.MSE_OUTPUT.steps[-1].expr == bp._indexed(cf.OUTPUT_DELTA_J["quadratic"])
    assert bp.MSE_OUTPUT.steps[-1].expr.has(sigma)
    assert "L22" in dict(bp.DIFFERENCES)


def test_L23_cross_entropy_delta_is_a_minus_y_for_any_number_of_outputs() -> None:
    assert _verdicts("ce-output-dcda") == [Verdict.PROVED]
    assert _verdicts("ce-output-delta") == [Verdict.PROVED] * 4
    last = bp.CE_OUTPUT.steps[-1].expr
    assert last == bp._indexed(cf.OUTPUT_DELTA_J["cross-entropy"])
    assert not last.has(sigma, SigmaPrime)
    assert bp.K in _width_symbols(bp.CE_OUTPUT)


def test_L23_a_delta_that_keeps_sigma_prime_is_refuted_for_the_cross_entropy() -> None:
    wrong = bp._indexed(cf.OUTPUT_DELTA_J["quadratic"])
    rep = verify(bp.CE_OUTPUT.with_step(3, expr=wrong))
    assert rep.results[3].verdict is Verdict.REFUTED


def test_L24_cross_entropy_gradients_per_sample_and_averaged() -> None:
    assert _verdicts("ce-output-gradients") == [Verdict.PROVED] * 4
    steps = bp.CE_GRADIENTS.steps
    assert steps[0].expr == bp._indexed(cf.OUTPUT_DW_JK["cross-entropy"])
    assert steps[2].expr == bp._indexed(cf.OUTPUT_DB_J["cross-entropy"])
    assert {bp.K, bp.N} <= _width_symbols(bp.CE_GRADIENTS)


def test_L24_the_lectures_bias_index_typo_is_reported_and_refuted() -> None:
    assert "b^L_k" in dict(bp.DIFFERENCES)["L24"].en
    # the slide's left side ∂C/∂b^L_k with the right side 1/n Σ_x (a^L_j − y_j)
    step = bp.CE_GRADIENTS.steps[3]
    typo = sp.Derivative(step.lhs_value.expr, bp.B[bp.k])
    rep = verify(bp.CE_GRADIENTS.with_step(3, lhs_value=typo))
    assert not rep.results[3].ok


def test_L19_the_sigma_prime_factor_is_what_differs_between_the_two_costs() -> None:
    mse, ce = (bp._indexed(cf.OUTPUT_DELTA_J[key]) for key in ("quadratic", "cross-entropy"))
    sp_j = sigma(bp.Z[bp.j]) * (1 - sigma(bp.Z[bp.j]))
    assert sp.cancel(mse.doit() - ce.doit() * sp_j) == 0
    for rid in ("mse-output-gradients", "ce-output-gradients"):
        assert all("L19" in r.claims for r in REPORTS[rid].results)


def test_L25_linear_outputs_with_the_quadratic_cost_have_no_slowdown() -> None:
    assert _verdicts("linear-output-delta") == [Verdict.PROVED] * 2
    assert _verdicts("linear-output-gradients") == [Verdict.PROVED] * 4 + [Verdict.ARGUMENT]
    lin = bp._indexed(cf.OUTPUT_DELTA_J["quadratic-linear"])
    assert lin == bp._indexed(cf.OUTPUT_DELTA_J["cross-entropy"]) and not lin.has(sigma)


def test_L26_x_j_stays_an_argument_with_a_machine_checked_core() -> None:
    assert _verdicts("x-dependence") == [Verdict.PROVED]
    rep = REPORTS["x-dependence-example"]
    assert [r.verdict for r in rep.results] == [Verdict.PROVED, Verdict.ARGUMENT]
    assert rep.results[1].method == "argument + cancel"
    assert "core checked (proved" in rep.results[1].detail
    # a false core (the two inputs' gradients equal) makes the argument fail
    core = bp.X_EXAMPLE.steps[1].core
    false_core = sp.Eq(core.lhs, 0, evaluate=False)
    bad = verify(bp.X_EXAMPLE.with_step(1, core=false_core))
    assert not bad.results[1].ok


@settings(max_examples=25, deadline=None)
@given(
    outputs=st.integers(1, 4),
    inputs=st.integers(1, 4),
    data=st.data(),
    cost=st.sampled_from(["cross-entropy", "quadratic", "quadratic-linear"]),
)
def test_L19_L22_L24_L25_gradient_closed_forms_on_concrete_networks(
    outputs: int, inputs: int, data, cost: str
) -> None:
    """Sizes 1…4 written out: differentiate the explicit cost, compare at a random point."""
    j_ = data.draw(st.integers(1, outputs))
    k_ = data.draw(st.integers(1, inputs))
    values = st.floats(-2, 2)
    ws = {(r, c): data.draw(values) for r in range(1, outputs + 1) for c in range(1, inputs + 1)}
    bs = {r: data.draw(values) for r in range(1, outputs + 1)}
    xs = {c: data.draw(st.floats(0.05, 0.95)) for c in range(1, inputs + 1)}
    ys = {r: data.draw(st.floats(0, 1)) for r in range(1, outputs + 1)}
    W = sp.symbols(f"w0:{outputs * inputs}")
    w_of = {(r, c): W[(r - 1) * inputs + (c - 1)] for (r, c) in ws}
    act = sigma if cf.OUTPUT_ACTIVATION[cost] == "sigmoid" else (lambda u: u)
    zs = {r: sum(w_of[r, c] * xs[c] for c in xs) + bs[r] for r in bs}
    per_output = cf.OUTPUT_COST[cost].doit()
    total = sum(per_output.subs({cf.a: act(zs[r]), cf.y: ys[r]}) for r in bs)
    grad = sp.diff(total, w_of[j_, k_])
    closed = cf.OUTPUT_DW_JK[cost].doit()
    closed = closed.subs({cf.A_LJ: act(zs[j_]), cf.Z_LJ: zs[j_], cf.Y_J: ys[j_]})
    closed = closed.subs(cf.A_PREV_K, xs[k_])
    point = {w_of[key]: v for key, v in ws.items()}
    value = sp.N(grad.subs(point).rewrite(sp.exp), 20)
    expected = sp.N(closed.subs(point).rewrite(sp.exp), 20)
    assert math.isclose(float(value), float(expected), rel_tol=1e-12, abs_tol=1e-12)
