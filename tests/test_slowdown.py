"""The learning-slowdown experiment (L2, L4, L5, L15): runs, numbers, verification, CLI, figure."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib.image
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.notation import a, b, sigma, w, x, y, z
from derive.lecture.closedforms import CE_COST, MSE_COST, NEURON_Z
from numeric.lambdify import to_jax
from numeric.neuron import NEURON_COSTS, train, verify_run
from numeric.precision import float64
from numeric.slowdown import main, run_experiment, table
from numeric.slowdown_numbers import lecture_verdict, summarize

EPOCHS = 300


@pytest.fixture(scope="module")
def experiment():
    """The issue's six runs: two starts × (quadratic 0.15, cross-entropy 0.005 and 0.15)."""
    return run_experiment(epochs=EPOCHS)


def _run(experiment, cost, start, eta):
    (hit,) = [
        (r, n)
        for r, n in zip(experiment.runs, experiment.numbers, strict=True)
        if (r.cost, (r.w0, r.b0), r.eta) == (cost, start, eta)
    ]
    return hit


def test_L2_quadratic_from_2_2_keeps_output_above_0_9_through_epoch_150(experiment):
    run, numbers = _run(experiment, "quadratic", (2.0, 2.0), 0.15)
    assert np.all(run.a[: 150 + 1] > 0.9), run.a[:151].min()
    # ... and it is a plateau, not a failure: the neuron does learn later.
    assert run.a[-1] < 0.5
    assert numbers.plateau is not None and 100 <= numbers.plateau <= 200
    assert experiment.verdict.holds is True
    assert f"for {numbers.plateau} epochs" in experiment.verdict.text


def test_L2_start_0_6_0_9_learns_without_a_long_plateau(experiment):
    _, near = _run(experiment, "quadratic", (0.6, 0.9), 0.15)
    _, far = _run(experiment, "quadratic", (2.0, 2.0), 0.15)
    assert near.plateau is not None and far.plateau is not None
    assert near.plateau * 10 < far.plateau


def test_L15_cross_entropy_same_eta_gets_below_half_within_20_epochs(experiment):
    run, numbers = _run(experiment, "cross-entropy", (2.0, 2.0), 0.15)
    assert numbers.output_below_half is not None and numbers.output_below_half <= 20
    assert run.a[20] < 0.5 <= run.a[0]
    fair = [line for line in experiment.comparisons if "same η = 0.15" in line and "(2, 2)" in line]
    assert len(fair) == 1 and f"epoch {numbers.output_below_half}" in fair[0]


def test_L15_lecture_rate_comparison_is_reported_as_unequal(experiment):
    run, numbers = _run(experiment, "cross-entropy", (2.0, 2.0), 0.005)
    # At Nielsen's η = 0.005 the cost has no plateau, yet the output is still far from 0.
    assert numbers.plateau is not None and numbers.plateau < 100
    assert numbers.output_below_half is None and run.a[-1] > 0.5
    assert any("unequal η: 0.15 vs 0.005" in line for line in experiment.comparisons)


def test_L4_quadratic_gradient_shrinks_and_cross_entropy_grows_with_the_error(experiment):
    _, q_near = _run(experiment, "quadratic", (0.6, 0.9), 0.15)
    _, q_far = _run(experiment, "quadratic", (2.0, 2.0), 0.15)
    _, ce_near = _run(experiment, "cross-entropy", (0.6, 0.9), 0.15)
    _, ce_far = _run(experiment, "cross-entropy", (2.0, 2.0), 0.15)
    assert q_far.grad_norm0 < q_near.grad_norm0 / 5
    assert ce_far.grad_norm0 > ce_near.grad_norm0
    quadratic, cross_entropy = experiment.saturation
    assert "slower" in quadratic and "faster" in cross_entropy


def test_L5_gradient_ratio_between_costs_is_one_over_sigma_prime(experiment):
    assert len(experiment.ratios) == 2
    for r in experiment.ratios:
        assert r.ratio == pytest.approx(r.inverse_sigma_prime, rel=1e-12)
    by_start = {(r.w0, r.b0): r.ratio for r in experiment.ratios}
    assert by_start[(2.0, 2.0)] > 50 > by_start[(0.6, 0.9)] > 5


def test_history_starts_at_w0_b0_and_follows_the_closed_form_update(experiment):
    run, _ = _run(experiment, "quadratic", (2.0, 2.0), 0.15)
    assert (run.w[0], run.b[0]) == (2.0, 2.0)
    assert len(run.w) == len(run.a) == len(run.cost_values) == EPOCHS + 1
    # a = σ(w + b) and cost = ½ a² at every epoch (x = 1, y = 0): the closed forms, evaluated.
    with float64():
        a_ = np.asarray(jax.nn.sigmoid(jnp.asarray(run.w + run.b)))
    np.testing.assert_allclose(run.a, a_, rtol=1e-14)
    np.testing.assert_allclose(run.cost_values, 0.5 * a_**2, rtol=1e-13)


def test_closed_form_updates_equal_autodiff_in_every_run(experiment):
    for run in experiment.runs:
        v = verify_run(run)
        assert v.updates == EPOCHS
        assert v.ok, (run.cost, run.eta, run.w0, run.b0, v)
        assert v.gradient_rel < 1e-13 and v.update_abs < 1e-14


def test_verification_fails_on_the_wrong_closed_form(experiment):
    run, _ = _run(experiment, "cross-entropy", (2.0, 2.0), 0.15)
    wrong = verify_run(run, neuron=NEURON_COSTS["quadratic"])
    assert not wrong.ok
    assert wrong.gradient_rel > 0.9  # σ'(z) ≪ 1 at the start: the quadratic's is far smaller


@settings(max_examples=15, deadline=None)
@given(
    cost=st.sampled_from(sorted(NEURON_COSTS)),
    w0=st.floats(-6, 6),
    b0=st.floats(-6, 6),
    eta=st.floats(1e-3, 2.0),
    target=st.sampled_from([0.0, 0.3, 1.0]),
)
def test_closed_form_updates_equal_autodiff_from_random_starts(cost, w0, b0, eta, target):
    run = train(cost, w0, b0, eta=eta, epochs=20, x=1.0, y=target)
    v = verify_run(run)
    assert v.ok, v


def test_neuron_cost_is_derives_cost_and_stays_finite_when_saturated():
    """The cost in the histories (numeric.costs, stable) is CE_COST / MSE_COST of σ(w x + b)."""
    for name, expr in (("cross-entropy", CE_COST), ("quadratic", MSE_COST)):
        naive = jax.jit(to_jax(expr.subs(a, sigma(z)).subs(z, NEURON_Z), (w, b, x, y)))
        value = jax.jit(jax.vmap(NEURON_COSTS[name].value, in_axes=(0, None, None, None)))
        with float64():
            ws = jnp.linspace(-5.0, 5.0, 41)
            np.testing.assert_allclose(
                value(ws, 0.3, 1.0, 0.2), naive(ws, 0.3, 1.0, 0.2), rtol=1e-13
            )
    with float64():
        ce = NEURON_COSTS["cross-entropy"].value
        # a = σ(800) rounds to 1 in float64: ln(1 − a) is −∞, the stable cost is z = 800.
        assert float(ce(400.0, 400.0, 1.0, 0.0)) == pytest.approx(800.0)
        grad = jax.grad(ce, argnums=(0, 1))(400.0, 400.0, 1.0, 0.0)
        assert [float(g) for g in grad] == [1.0, 1.0]


def test_verdict_is_undecided_or_missing_when_the_runs_cannot_tell():
    short = run_experiment(starts=((2.0, 2.0),), epochs=100)
    assert short.verdict.holds is None and "UNDECIDED" in short.verdict.text
    other = [train("quadratic", 0.6, 0.9, eta=0.15, epochs=30)]
    missing = lecture_verdict(other, [summarize(r) for r in other])
    assert missing.holds is None and "not assessed" in missing.text


def test_cli_json_carries_full_histories_and_figures_are_valid_images(tmp_path, capsys):
    out = tmp_path / "figs"
    assert main(["--epochs", "40", "--json", "--verify", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["runs"]) == 6
    for run in doc["runs"]:
        assert {"cost", "w0", "b0", "eta", "epochs", "history"} <= run.keys()
        hist = run["history"]
        assert [h["epoch"] for h in hist] == list(range(41))
        assert (hist[0]["w"], hist[0]["b"]) == (run["w0"], run["b0"])
        assert set(hist[0]) == {"epoch", "w", "b", "a", "cost"}
        assert run["verify"]["ok"] is True
    assert sorted(Path(p).name for p in doc["figures"]) == ["slowdown.png", "slowdown.svg"]

    png = out / "slowdown.png"
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(png)
    assert pixels.ndim == 3 and pixels.shape[0] > 400 and pixels.shape[1] > 600
    assert pixels.std() > 0.05  # not a blank canvas
    root = ET.parse(out / "slowdown.svg").getroot()
    assert root.tag.endswith("svg")


def test_cli_table_states_the_verdict_and_the_largest_discrepancy(capsys):
    assert main(["--verify"]) == 0
    text = capsys.readouterr().out
    assert "HOLDS" in text and "½(y − a)²" in text
    assert "verify: 1800 updates against jax.grad; largest gradient discrepancy" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--eta-mse", "-0.1"], "positive"),
        (["--eta-ce", "nan"], "positive"),
        (["--epochs", "0"], "between 1 and"),
        (["--epochs", "2.5"], "not an integer"),
        (["--starts", "2;2"], "'w,b'"),
        (["--starts", "1,2,3"], "'w,b'"),
        (["--starts", "inf,2"], "finite"),
    ],
)
def test_cli_bad_values_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_module_runs_with_dash_m_and_rejects_bad_input_cleanly():
    proc = subprocess.run(
        [sys.executable, "-m", "numeric.slowdown", "--epochs", "-3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "--epochs" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_exits_1_when_a_verification_fails(monkeypatch, capsys):
    import numeric.neuron as neuron  # the CLI imports verify_run from here when --verify is given

    def wrong(run):  # check every run against the quadratic's closed form
        return verify_run(run, neuron=NEURON_COSTS["quadratic"])

    monkeypatch.setattr(neuron, "verify_run", wrong)
    assert main(["--epochs", "20", "--starts", "2,2", "--verify"]) == 1
    captured = capsys.readouterr()
    assert "NOT all within" in captured.out
    assert "verify FAILED for: cross-entropy η=0.005 (2, 2), cross-entropy η=0.15 (2, 2)" in (
        captured.err
    )


def test_L2_about_150_epochs_goes_with_nielsens_half_not_the_slides_cost(experiment):
    _, nielsen = _run(experiment, "quadratic", (2.0, 2.0), 0.15)
    slide = summarize(train("quadratic", 2.0, 2.0, eta=0.3, epochs=EPOCHS))
    # (y − a)² at η = 0.15 is ½(y − a)² at η = 0.3: twice the step, about half the plateau.
    assert 0.4 < slide.plateau / nielsen.plateau < 0.6
    assert f"for {slide.plateau} epochs" in experiment.convention
    assert experiment.convention.endswith("outside 150 ± 50")


def test_readme_shows_the_numbers_the_command_prints_now(experiment):
    readme = (Path(__file__).resolve().parents[1] / "docs" / "slowdown.md").read_text("utf-8")
    start, end = "<!-- section: slowdown -->", "<!-- /section: slowdown -->"
    section = readme[readme.index(start) : readme.index(end)]
    rows = table(experiment).splitlines()[:8]  # header, rule, the six runs
    for row in rows:
        assert row in section, row
    for r in experiment.ratios:
        assert f"{r.ratio:.2f}" in section
    _, lecture = _run(experiment, "quadratic", (2.0, 2.0), 0.15)
    slide = summarize(train("quadratic", 2.0, 2.0, eta=0.3, epochs=EPOCHS))
    assert f"for {lecture.plateau} epochs" in section
    assert f"plateau is {slide.plateau} epochs" in section
    assert "](figures/slowdown.png)" in section
    assert (Path(__file__).resolve().parents[1] / "docs/figures/slowdown.png").exists()


def test_training_in_float64_leaves_the_global_jax_config_alone():
    before = bool(jax.config.jax_enable_x64)
    run = train("cross-entropy", 2.0, 2.0, eta=0.15, epochs=3)
    # computed in float64 (float32 would be off by ~1e-8 here)
    assert run.a[0] == pytest.approx(1 / (1 + np.exp(-4.0)), rel=1e-15)
    assert run.w[1] == pytest.approx(2.0 - 0.15 * run.a[0], rel=1e-15)
    assert bool(jax.config.jax_enable_x64) == before


def test_a_refused_run_creates_no_figure_directory(tmp_path: Path, capsys) -> None:
    """``--out`` is checked (writable, or can be made) before the experiment, but made only
    when the figures are written: a run refused for another reason leaves nothing behind."""
    out = tmp_path / "new" / "figures"
    with pytest.raises(SystemExit) as exit_:
        main(["--out", str(out), "--activation", "no-such-function"])
    assert exit_.value.code == 2 and not (tmp_path / "new").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path / "file" / "figures")])
    assert "cannot write the figures" in capsys.readouterr().err
